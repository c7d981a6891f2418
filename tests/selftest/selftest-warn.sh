#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Harness self-test suite: passes, but makes the kernel WARN.
echo "1..1"
if insmod "$SACC_SELFTEST_DIR/sacc_selftest_warn.ko"; then
	echo "ok 1 selftest.warning_module_loaded"
	rmmod sacc_selftest_warn
else
	echo "not ok 1 selftest.warning_module_loaded"
fi
