#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kbuild.sh KERNEL_DIR MODULE_DIR [MAKE_ARGS...]: build the out-of-tree module in
# MODULE_DIR (in place) for a kernel prepared by kernel-build.sh or kernel-distro.sh.
# On the host, or, for a kernel with a build root (KERNEL_DIR/chroot: the trixie
# kernels), inside that root with MODULE_DIR's parent bind-mounted at /mnt/module
# (the guest driver includes ../uapi) and /proc mounted, in a mount namespace of its
# own (nothing stays mounted; needs root).
# make's output goes to stdout and stderr; its exit status is the script's.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

kdir="${1:?usage: kbuild.sh KERNEL_DIR MODULE_DIR [MAKE_ARGS...]}"
mdir="$(cd "${2:?usage: kbuild.sh KERNEL_DIR MODULE_DIR [MAKE_ARGS...]}" && pwd)"
shift 2
if [ ! -f "$kdir/chroot" ]; then
	exec make -C "$kdir/build" M="$mdir" -j"$SACC_NPROC" "$@" modules
fi
root="$(cat "$kdir/chroot")"
# The headers' directory as the root sees it.
build="$(readlink "$kdir/build")"
build="${build#"$root"}"
[ "$(id -u)" -eq 0 ] || die "kbuild: building in the root $root needs root (chroot)"
mkdir -p "$root/mnt/module"
# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare --mount --propagation private sh -c '
	mount -t proc proc "$1/proc" && mount --bind "$2" "$1/mnt/module" || exit 1
	root="$1" build="$3" nproc="$4" sub="$5"
	shift 5
	exec chroot "$root" make -C "$build" M="/mnt/module/$sub" -j"$nproc" "$@" modules
' sh "$root" "$(dirname "$mdir")" "$build" "$SACC_NPROC" "$(basename "$mdir")" "$@"
