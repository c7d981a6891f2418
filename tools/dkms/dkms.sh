#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# dkms.sh install|uninstall MODULE [KERNEL [KDIR]]: put a checkout's module under
# DKMS (make dkms-install, make dkms-uninstall). MODULE is sacc (the host's
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
*) die "the action must be install or uninstall, not '$action'" ;;
esac
uninstall
mkdir -p "$src"
if [ "$module" = sacc ]; then
	(cd "$repo/kernel" && git ls-files --cached --others --exclude-standard -- . ':!guest') |
		(cd "$repo/kernel" && cpio -pdm --quiet "$src")
	sed "s/@VERSION@/$version/" "$repo/kernel/dkms.conf" >"$src/dkms.conf"
else
	(cd "$repo/kernel" && git ls-files --cached --others --exclude-standard -- guest uapi) |
		(cd "$repo/kernel" && cpio -pdm --quiet "$src")
	sed "s/@VERSION@/$version/" "$repo/kernel/guest/dkms.conf" >"$src/dkms.conf"
	rm -f "$src/guest/dkms.conf"
fi
args=(-m "$module" -v "$version" -k "$kernel")
[ -z "$kdir" ] || args+=("--kernelsourcedir=$kdir")
dkms add -m "$module" -v "$version" >/dev/null || die "dkms add $module/$version failed"
dkms build "${args[@]}" || die "dkms build $module/$version for $kernel failed (its make.log is under /var/lib/dkms/$module/$version/)"
dkms install "${args[@]}" || die "dkms install $module/$version for $kernel failed"
