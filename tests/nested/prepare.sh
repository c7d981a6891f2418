#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare.sh: build what an L2 guest needs, on the host, before the L1 VM boots:
# the L2 kernel, the guest driver sacc_pci.ko for it, a static sacc-job, and the L2
# initramfs (tests/nested/l2-init, busybox, the 9p modules when the kernel has them as
# modules, both of them). The L2 kernel is the small one built from linux-source-6.12
# (tests/vm/kernel-build.sh l2); SACC_L2_KERNEL_KIND=distro boots Debian's prebuilt
# kernel instead (what users run, about three times slower to boot under nested TCG).
# Prints shell assignments for job.env:
#   SACC_L2_KERNEL='<bzImage>'  SACC_L2_INITRD='<initramfs>'
#   SACC_L2_QEMU='<qemu-system-x86_64>'  SACC_L2_QEMU_ARGS='<options>'
# SACC_L2_QEMU=backports runs the L2 guests with QEMU 10 from bookworm-backports
# (tests/vm/qemu-backports.sh) instead of the system's QEMU (the default, empty).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/vm/common.sh"

case "${SACC_L2_KERNEL_KIND:-l2}" in
l2) kdir="$("$repo/tests/vm/kernel-build.sh" l2)" ;;
distro) kdir="$("$repo/tests/vm/kernel-distro.sh")" ;;
*) die "[l2] SACC_L2_KERNEL_KIND must be l2 or distro, not '$SACC_L2_KERNEL_KIND'" ;;
esac
release="$(cat "$kdir/release")"
out="$repo/build/l2"
mkdir -p "$out"

log "[l2] building the guest driver sacc_pci.ko for $release"
rm -rf "$out/kernel"
mkdir -p "$out/kernel"
cp -a "$repo/kernel/guest" "$repo/kernel/uapi" "$out/kernel/"
make -s -C "$kdir/build" M="$out/kernel/guest" modules >"$out/driver-build.log" 2>&1 ||
	{ cat "$out/driver-build.log" >&2; die "[l2] sacc_pci.ko does not build against $release"; }

log "[l2] building sacc-job (static)"
make -s -C "$repo/tools/sacc-job" OUT="$out/sacc-job" static >"$out/tool-build.log" 2>&1 ||
	{ cat "$out/tool-build.log" >&2; die "[l2] sacc-job does not build"; }

initrd="$("$repo/tests/vm/initramfs.sh" --name l2-initramfs --init "$here/l2-init" \
	--modules "9pnet_virtio 9p" \
	--file "$out/kernel/guest/sacc_pci.ko:sacc_pci.ko" \
	--file "$out/sacc-job/sacc-job:bin/sacc-job" "$kdir")"
echo "SACC_L2_KERNEL='$kdir/bzImage'"
echo "SACC_L2_INITRD='$initrd'"
case "${SACC_L2_QEMU:-}" in
backports) "$repo/tests/vm/qemu-backports.sh" | sed 's/^SACC_/SACC_L2_/' ;;
"") echo "SACC_L2_QEMU='' SACC_L2_QEMU_ARGS=''" ;;
*) echo "SACC_L2_QEMU='$SACC_L2_QEMU' SACC_L2_QEMU_ARGS='${SACC_L2_QEMU_ARGS:-}'" ;;
esac
