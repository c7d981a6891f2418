#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test suite: one passing and one failing test, in TAP.
echo "1..2"
echo "ok 1 selftest.passing_case"
echo "not ok 2 selftest.deliberately_failing_case"
