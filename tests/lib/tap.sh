# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# TAP helpers of the bash VM suites (tests/cli, tests/nested, tests/selftest). Sourced.
# Each call prints one numbered TAP line; $tap_n counts them. The suite prints the plan
# with tap_plan at its end, and calls tap_ended_early from its EXIT trap, which reports
# a suite that stopped before tap_plan.

tap_n=0 tap_done=0

ok() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1"; }
nok() { tap_n=$((tap_n + 1)); echo "not ok $tap_n $1"; }
skip() { tap_n=$((tap_n + 1)); echo "ok $tap_n $1 # SKIP $2"; }
diag() { echo "# $*"; }
# t NAME COMMAND...: a test that passes when COMMAND succeeds (its output goes to stderr).
t() { local name="$1"; shift; if "$@" >&2; then ok "$name"; else nok "$name"; fi; }
# eq NAME GOT WANT: a test that passes when the two values are equal (and not empty).
eq() {
	if [ -n "$2" ] && [ "$2" = "$3" ]; then ok "$1"; else nok "$1: got '$2', want '$3'"; fi
}
tap_plan() { tap_done=1; echo "1..$tap_n"; }
tap_ended_early() {
	[ "$tap_done" = 1 ] && return 0
	nok "suite ended early"
	echo "1..$tap_n"
}
