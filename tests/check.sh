#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make check: the kernel code's static checks. Fails on any finding.
#   - scripts/checkpatch.pl --no-tree --strict -f on every kernel source file (the
#     compat headers may compare LINUX_VERSION_CODE: that is what they are for)
#   - scripts/kernel-doc -Wall: every kernel-doc comment complete
#   - sparse (C=2) and W=1 builds of the module and of the guest driver
#     (kernel/guest) against the distro kernel, and
#     against the debug kernel, the only one with KUnit (so the KUnit suites are
#     checked too; prepares that kernel if it is not cached yet)
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/.." && pwd)"
. "$here/vm/common.sh"

ksrc="$("$here/vm/kernel-source.sh")" || exit 1
kdistro="$("$here/vm/kernel-distro.sh")" || exit 1
kdebug="$("$here/vm/kernel-build.sh" debug)" || exit 1
status=0

mapfile -t files < <(cd "$repo" && git ls-files --cached --others --exclude-standard 'kernel/*.[ch]' 'tests/selftest/kmod/*.[ch]')
mapfile -t compat < <(printf '%s\n' "${files[@]}" | grep '/compat\.h$')
mapfile -t others < <(printf '%s\n' "${files[@]}" | grep -v '/compat\.h$')
echo "== checkpatch --strict (${#files[@]} files)"
# The compat headers are the one place that compares LINUX_VERSION_CODE (their
# SACC_KERNEL_BEFORE()); everything else is checked as the kernel's own code.
if ! (cd "$repo" && "$ksrc/scripts/checkpatch.pl" --no-tree --strict --quiet \
		--ignore FILE_PATH_CHANGES -f "${others[@]}" &&
	"$ksrc/scripts/checkpatch.pl" --no-tree --strict --quiet \
		--ignore FILE_PATH_CHANGES,LINUX_VERSION_CODE,CONSTANT_COMPARISON -f "${compat[@]}"); then
	echo "checkpatch: FAILED"
	status=1
fi

echo "== kernel-doc -Wall"
if (cd "$repo" && "$ksrc/scripts/kernel-doc" -none -Wall "${files[@]}" 2>&1) | grep .; then
	echo "kernel-doc: FAILED"
	status=1
fi

for kind in distro debug; do
for dir in kernel kernel/guest tests/selftest/kmod; do
	kdir="$kdistro"
	[ "$kind" = debug ] && kdir="$kdebug"
	echo "== sparse (C=2) and W=1: $dir against the $kind kernel"
	# A copy of the whole top directory: kernel/guest includes ../uapi.
	top="${dir%%/*}"
	base="$repo/build/check/$kind/$(echo "$dir" | tr / _)"
	rm -rf "$base" && mkdir -p "$base"
	cp -a "$repo/$top" "$base/"
	out="$base/$dir"
	log="$base/build.log"
	make -C "$kdir/build" M="$out" C=2 W=1 modules >"$log" 2>&1 || status=1
	# Every compiler or sparse diagnostic is a finding.
	if grep -E 'warning:|error:' "$log"; then
		echo "sparse/W=1: findings in $dir (full log: $log)"
		status=1
	fi
done
done

[ "$status" -eq 0 ] && echo "check: clean"
exit "$status"
