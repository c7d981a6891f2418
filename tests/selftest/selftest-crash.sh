#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test suite: the test VM's kernel panics after its init started (sysrq
# c). The run must fail, and the VM must not be booted again.
echo "1..1"
echo "ok 1 selftest.before_the_crash"
sync
echo c >/proc/sysrq-trigger
sleep 60
