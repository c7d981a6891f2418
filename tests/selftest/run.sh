#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-tests of the VM harness: runs that must FAIL, each with a clear message.
#  1. a failing VM test and a kernel WARN (distro kernel, one boot): the run fails,
#     names the failing test, and reports the WARNING from the serial log;
#  2. a hung guest (distro kernel, 60 s limit): the run fails with "timed out";
#  3. a failing KUnit case (debug kernel): the run fails and names the case;
#  4. early-boot retries are narrow (distro kernel): a test VM that dies before its
#     init started is booted again twice, then the run fails; one whose kernel panics
#     after its init started is never booted again; in the test VM, an L2 guest that
#     dies before its init is booted again up to the limit (1 there) and then fails,
#     and one that dies after its init started fails at once (selftest-nested.sh).
# Each check is one TAP line; the totals go to $SACC_TOTALS like every layer's.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/../vm/tap.sh"
totals="${SACC_TOTALS:-}"
# The inner runs' failures and retries are the expected outcome, not ours.
unset SACC_TOTALS SACC_RETRIES

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
# (extended regexps); a PATTERN written !PATTERN must not appear, and one written
# N*PATTERN must match exactly N lines.
expect() {
	local id="$1" name="$2" p ok=1 c
	shift 2
	n=$((n + 1))
	[ "$(cat "$tmp/$id.rc")" -ne 0 ] || { ok=0; echo "# the run passed (exit 0) but should have failed"; }
	for p in "$@"; do
		case "$p" in
		!*) ! grep -qE -- "${p#!}" "$tmp/$id.out" || { ok=0; echo "# in the run's report, but must not be: ${p#!}"; } ;;
		[0-9]\**)
			c="$(grep -cE -- "${p#*\*}" "$tmp/$id.out")"
			[ "$c" = "${p%%\**}" ] || { ok=0; echo "# in the run's report $c times, want ${p%%\**}: ${p#*\*}"; } ;;
		*) grep -qE -- "$p" "$tmp/$id.out" || { ok=0; echo "# missing from the run's report: $p"; } ;;
		esac
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

# The retry lines name the first kernel report of each attempt: the deliberate panic
# ("VFS: Unable to mount root fs"), or an emulation fault that came first.
boot early --kernel distro --timeout 300 --append "rdinit=/nonexistent" selftest-fail
expect early "a test VM that dies before its init started is booted again twice, then fails" \
	'2*retry: test VM \(distro\) died before its init started \(boot attempt [12],' \
	'died before its init started in all 3 boot attempts' 'FAIL +vm: guest finished'
boot crash --kernel distro --timeout 300 selftest-crash
expect crash "a test VM whose kernel dies after its init started is not booted again" \
	'!retry:' 'FAIL +vm: guest finished' 'FAIL +kernel log' 'sysrq triggered crash'
boot nested --kernel distro --timeout 900 selftest-nested
expect nested "an L2 guest is booted again only when it died before its init started" \
	'1*retry: selftest-nested: guest early died before its init started \(boot attempt 1,' \
	'!retry: selftest-nested: guest late' \
	"not ok [0-9]+ guest early: QEMU exits normally: got '3', want '0'" \
	'not ok [0-9]+ guest early: its kernel reported nothing after its init started' \
	'not ok [0-9]+ guest late: its kernel reported nothing after its init started' \
	'FAIL +selftest-nested +1 passed, 3 failed'

[ -z "$totals" ] || echo "$pass $fail 0" >>"$totals"
echo "harness: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
