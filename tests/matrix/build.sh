#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh [SERIES...]: the kernel build matrix. sacc.ko and the guest driver
# sacc_pci.ko build, with -Werror and W=1, against each of Debian's prebuilt kernels
# (tests/vm/kernel-distro.sh; default: 6.1 6.12 trixie backports -- bookworm's 6.1
# and 6.12 with the host's gcc-12, trixie's 6.12 and trixie-backports' newest with
# gcc-14 in the trixie build root), each into build/matrix/<release>/, and each
# module names that kernel (vermagic). One TAP line per module and kernel; the
# totals go to $SACC_TOTALS like every layer's.
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$here/../vm/common.sh"
. "$here/../vm/tap.sh"

series=("$@")
[ ${#series[@]} -gt 0 ] || series=(6.1 6.12 trixie backports)
pass=0 fail=0 n=0

# result OK NAME [LOG]: one TAP line; a failure shows LOG's last lines.
result() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
		pass=$((pass + 1))
	else
		echo "not ok $n - $2"
		[ -z "${3:-}" ] || grep -E 'error|warning:|Error' "$3" | head -n 20 | sed 's/^/#   /'
		fail=$((fail + 1))
	fi
}

for s in "${series[@]}"; do
	if ! kdir="$("$repo/tests/vm/kernel-distro.sh" "$s")"; then
		for mod in sacc sacc_pci; do
			result 1 "$mod.ko builds for Debian's $s kernel: tests/vm/kernel-distro.sh $s failed"
		done
		continue
	fi
	release="$(cat "$kdir/release")"
	compiler="$(sed -n 's/^CONFIG_CC_VERSION_TEXT="\([^ ]*\) .*/\1/p' "$kdir/build/.config")"
	out="$repo/build/matrix/$release"
	rm -rf "$out" && mkdir -p "$out"
	cp -a "$repo/kernel/." "$out/"
	for m in sacc:. sacc_pci:guest; do
		mod="${m%%:*}" dir="$out/${m#*:}"
		log="$out/$mod-build.log"
		"$repo/tests/vm/kbuild.sh" "$kdir" "$dir" KCFLAGS=-Werror W=1 >"$log" 2>&1
		rc=$?
		if [ "$rc" = 0 ]; then
			got="$(modinfo -F vermagic "$dir/$mod.ko" 2>/dev/null | cut -d' ' -f1)"
			[ "$got" = "$release" ] || { echo "error: $mod.ko has vermagic '$got', not '$release'" >>"$log"; rc=1; }
		fi
		result "$rc" "$mod.ko builds for Debian's $release ($s, ${compiler:-?}) with -Werror W=1" "$log"
	done
done
tap_add_totals "$pass" "$fail" 0
echo "matrix: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
