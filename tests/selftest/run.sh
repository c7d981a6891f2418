#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-tests of the VM harness: runs that must FAIL, each with a clear message.
#  1. a failing VM test and a kernel WARN (distro kernel, one boot): the run fails,
#     names the failing test, and reports the WARNING from the serial log;
#  2. a hung guest (distro kernel, 60 s limit): the run fails with "timed out";
#  3. a failing KUnit case (debug kernel): the run fails and names the case.
# Each check is one TAP line; the totals go to $SACC_TOTALS like every layer's.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../vm/tap.sh"
totals="${SACC_TOTALS:-}"
unset SACC_TOTALS	# the inner runs' failures are the expected outcome, not ours

pass=0 fail=0 n=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# boot ID RUN-ARGS...: one VM run, its report kept as $tmp/ID.out and its exit
# status as $tmp/ID.rc.
boot() {
	local id="$1"
	shift
	"$here/../vm/run.sh" "$@" >"$tmp/$id.out" 2>&1
	echo $? >"$tmp/$id.rc"
}

# expect ID NAME PATTERN...: run ID must have failed and printed every PATTERN
# (extended regexps).
expect() {
	local id="$1" name="$2" p ok=1
	shift 2
	n=$((n + 1))
	[ "$(cat "$tmp/$id.rc")" -ne 0 ] || { ok=0; echo "# the run passed (exit 0) but should have failed"; }
	for p in "$@"; do
		grep -qE -- "$p" "$tmp/$id.out" || { ok=0; echo "# missing from the run's report: $p"; }
	done
	if [ "$ok" = 1 ]; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		sed 's/^/#   /' "$tmp/$id.out" | tail -n 30
		fail=$((fail + 1))
	fi
}

boot failwarn --kernel distro selftest-fail selftest-warn
expect failwarn "a failing VM test fails the run and is named" \
	'FAIL +selftest-fail' 'not ok 2 selftest.deliberately_failing_case'
expect failwarn "a kernel WARN fails the run" \
	'FAIL +kernel log' 'WARNING: CPU.*sacc_selftest_warn'
boot hang --kernel distro --timeout 60 selftest-hang
expect hang "a hung guest fails the run with a timeout" 'timed out after 60s'
boot kunit --kernel debug selftest-kunit-fail
expect kunit "a failing KUnit case fails the run and is named" \
	'FAIL +selftest-kunit-fail' 'not ok - sacc_harness_selftest.selftest_deliberately_failing_case'

[ -z "$totals" ] || echo "$pass $fail 0" >>"$totals"
echo "harness: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
