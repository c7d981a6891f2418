#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Host tests of mdevctl-lite: golden files over fake sysfs trees, with the tool built
# under ASan and UBSan. Each golden/<case>.cmd holds the tree name on its first line
# and the arguments on the second; golden/<case>.out is the expected stdout, stderr
# and exit status. SACC_UPDATE_GOLDEN=1 rewrites the .out files from what runs now.
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
		echo "\$ mdevctl-lite $args"
		# shellcheck disable=SC2086 # the arguments are split as a shell would
		MDEVCTL_ENV_ROOT="$ROOT" "$tool" $args 2>&1
		echo "[exit $?]"
	} >"$actual"
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
tap_add_totals "$pass" "$fail" 0
echo "host: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
