#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Harness self-test suite (runs in the test VM, like the nested suites): the L2
# guest harness (tests/nested/l2.sh) must retry only a guest that died before its
# init started, and must fail every guest that died after it.
#   early: dies before its init every time (rdinit=/nonexistent: the kernel finds no
#          init and panics). With the retry limit at 1 here (2 in the suites; an L2
#          boot costs a minute or more) it is booted twice, the retry a "# retry:"
#          diagnostic, then its QEMU status is 3 and its checks fail.
#   late:  its init starts, then its kernel panics (sysrq c). It is never booted again:
#          QEMU exits 0 after one boot, and the console check fails.
# The checks are the ones the nested suites make, so this suite must FAIL, in these
# exact ways (tests/selftest/run.sh checks the report).
set -uo pipefail
. "$SACC_REPO/tests/nested/l2.sh"
. "$SACC_REPO/tests/lib/tap.sh"
L2_DIR=/tmp/selftest-nested
L2_RETRIES=1
trap 'tap_ended_early; l2_cleanup; mkdir -p "$SACC_RUN/selftest-nested"; cp -r "$L2_DIR"/. "$SACC_RUN/selftest-nested/" 2>/dev/null' EXIT
trap 'exit 143' TERM INT

l2_setup
L2_CPU=0 L2_APPEND="rdinit=/nonexistent" l2_start early - boot 1
L2_CPU=1 l2_start late - boot,crash 1
l2_wait early
l2_wait late
for vm in early late; do
	l2_retries "$vm"
	diag "$vm was booted $(( $? + 1 )) time(s)"
	eq "guest $vm: QEMU exits normally" "$(cat "$L2_DIR/$vm/status")" 0
	t "guest $vm: its kernel reported nothing after its init started" l2_console_clean "$vm"
	diag "$vm: $(head -n 1 "$L2_DIR/$vm/kernel-reports.txt")"
done
tap_plan
