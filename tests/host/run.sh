#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of mdevctl-lite: golden files over fake sysfs trees, with the tool built
# under ASan and UBSan. Each golden/<case>.cmd holds the tree name on its first line
# and the arguments on the second (or "@SCRIPT ARGS" to run mdevctl-lite/scripts/SCRIPT
# with the tool); any further lines are shell commands run afterwards in the tree's
# root (e.g. to show the definition file the command wrote). golden/<case>.out is the
# expected stdout and stderr of each, with the exit status. UUIDs the tool generates
# (random, version 4) show as <random-uuid>. SACC_UPDATE_GOLDEN=1 rewrites the .out
# files from what runs now. Then the fault tests (fault.sh), the callout scripts and
# --jsonfile /dev/stdin (callouts.sh), more callout rules (callout-rules.sh), the install test (install.sh), sacc-job's host tests (sacc-job.sh), make soak's chunking (soak.sh),
# the version number (version.sh) and README's make in a fresh clone (build.sh).
# Prints TAP-style lines and the totals.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/vm/tap.sh"

out="$repo/build/host"
make -s -C "$repo/mdevctl-lite" OUT="$out" SANITIZE=1 >&2 || { echo "not ok - mdevctl-lite builds with ASan/UBSan"; tap_add_totals 0 1 0; exit 1; }
tool="$out/mdevctl-lite"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0 n=0

for cmdfile in "$here"/golden/*.cmd; do
	name="$(basename "$cmdfile" .cmd)"
	n=$((n + 1))
	tree="$(sed -n 1p "$cmdfile")"
	args="$(sed -n 2p "$cmdfile")"
	ROOT="$tmp/$name"
	mkdir -p "$ROOT"
	(. "$here/trees/lib.sh"; . "$here/trees/$tree.sh")
	actual="$tmp/$name.actual"
	{
		if [[ "$args" == @* ]]; then
			script="${args%% *}"
			echo "\$ ${script#@}${args#"$script"}"
			# shellcheck disable=SC2086 # the arguments are split as a shell would
			(cd "$ROOT" && MDEVCTL_ENV_ROOT="$ROOT" MDEVCTL_LITE="$tool" \
				"$repo/mdevctl-lite/scripts/${script#@}" ${args#"$script"} 2>&1)
		else
			echo "\$ mdevctl-lite $args"
			# shellcheck disable=SC2086 # the arguments are split as a shell would
			(cd "$ROOT" && MDEVCTL_ENV_ROOT="$ROOT" "$tool" $args 2>&1)
		fi
		echo "[exit $?]"
		sed -n '3,$p' "$cmdfile" | while IFS= read -r check; do
			echo "\$ $check"
			(cd "$ROOT" && bash -c "$check" 2>&1)
			echo "[exit $?]"
		done
	} | sed -E "s#$tmp/$name#ROOT#g; s#$tool#mdevctl-lite#g; s/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/<random-uuid>/g" >"$actual"
	if [ "${SACC_UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$actual" "$here/golden/$name.out"
	fi
	if diff -u "$here/golden/$name.out" "$actual" >"$tmp/$name.diff" 2>&1; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		sed 's/^/#   /' "$tmp/$name.diff"
		fail=$((fail + 1))
	fi
done

if [ "$n" -eq 0 ]; then
	echo "not ok 1 - no golden case found in $here/golden"
	fail=1
fi

# host_check NAME COMMAND...: one TAP line for whether COMMAND succeeds (for the
# checks that are not golden files).
host_check() {
	local name="$1"
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $name"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name"
		fail=$((fail + 1))
	fi
}
. "$here/fault.sh"
. "$here/callouts.sh"
. "$here/callout-rules.sh"
. "$here/install.sh"
. "$here/sacc-job.sh"
. "$here/soak.sh"
. "$here/version.sh"
. "$here/build.sh"
tap_add_totals "$pass" "$fail" 0
echo "host: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
