#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh install|uninstall MODULE [KERNEL [KDIR]]: put a checkout's module under
# DKMS (make dkms-install, make dkms-uninstall). dkms.sh tree MODULE VERSION: only
# lay out its source tree under $SACC_DKMS_ROOT/usr/src/ (debian/rules; dh_dkms adds
# the dkms.conf). MODULE is sacc (the host's
# driver, from kernel/) or sacc_pci (the guest driver, kernel/guest/ with
# kernel/uapi/). install copies the source tree to /usr/src/MODULE-VERSION/, then
# dkms add, build and install for KERNEL (default: the running one; KDIR: its
# build tree, default DKMS's own /lib/modules/KERNEL/build); DKMS then rebuilds the
# module for every kernel installed later. uninstall removes every version of it
# from DKMS and /usr/src. Needs root. VERSION is the project's, from the VERSION file.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
die() { printf 'dkms.sh: %s\n' "$*" >&2; exit 1; }

action="${1:-}" module="${2:-}" kernel="${3:-$(uname -r)}" kdir="${4:-}"
case "$module" in
sacc|sacc_pci) ;;
*) die "MODULE must be sacc or sacc_pci, not '$module'" ;;
esac

# tree DIR: the module's sources (C files, headers, Kbuild files) in DIR; what DKMS
# builds from. sacc: kernel/ without guest/; sacc_pci: kernel/guest/ and kernel/uapi/.
tree() {
	local dirs=(.)
	[ "$module" = sacc_pci ] && dirs=(guest uapi)
	mkdir -p "$1"
	(cd "$repo/kernel" && find "${dirs[@]}" -path ./guest -prune -o -type f \
		\( -name '*.[ch]' -o -name Kbuild -o -name Makefile \) ! -name '*.mod.c' -print |
		cpio -pdm --quiet "$1")
}

if [ "$action" = tree ]; then
	[ -n "${3:-}" ] || die "tree needs a VERSION"
	tree "${SACC_DKMS_ROOT:?}/usr/src/$module-$3"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "DKMS needs root"
command -v dkms >/dev/null || die "no dkms (apt-get install dkms)"
version="$(cat "$repo/VERSION")"
src="/usr/src/$module-$version"

uninstall() {
	local v
	for v in $(dkms status -m "$module" 2>/dev/null | sed -nE "s#^$module/([^,]+),.*#\\1#p" | sort -u); do
		dkms remove -m "$module" -v "$v" --all >/dev/null || die "dkms remove $module/$v failed"
	done
	rm -rf "/usr/src/$module-"*
}

case "$action" in
uninstall) uninstall; exit 0 ;;
install) ;;
*) die "the action must be install, uninstall or tree, not '$action'" ;;
esac
uninstall
tree "$src"
conf="$repo/kernel/dkms.conf"
[ "$module" = sacc ] || conf="$repo/kernel/guest/dkms.conf"
sed "s/#MODULE_VERSION#/$version/" "$conf" >"$src/dkms.conf"
args=(-m "$module" -v "$version" -k "$kernel")
[ -z "$kdir" ] || args+=("--kernelsourcedir=$kdir")
dkms add -m "$module" -v "$version" >/dev/null || die "dkms add $module/$version failed"
dkms build "${args[@]}" || die "dkms build $module/$version for $kernel failed (its make.log is under /var/lib/dkms/$module/$version/)"
dkms install "${args[@]}" || die "dkms install $module/$version for $kernel failed"
