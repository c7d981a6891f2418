#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the trixie build root: a minimal Debian 13 system (debootstrap) in
# $SACC_CACHE/trixie-root-<recipe>/ with gcc-14, make and what Kbuild needs, in which
# modules are built for Debian's trixie kernels (6.12+deb13, 7.x from
# trixie-backports): their headers name gcc-14 and their tools are built against
# trixie's glibc, neither of which the bookworm host has. The kernels' headers are
# unpacked into it by tests/vm/kernel-distro.sh; modules build in it through
# tests/vm/kbuild.sh. Needs root (debootstrap, chroot). Prints the root's directory
# on stdout; with --path, only the directory the current recipe names, made or not.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

# The recipe: change it (or the package list) and a new root is made.
packages=gcc-14,make,libc6-dev,binutils,libelf1t64,bc,kmod,pahole,perl,python3
root="$SACC_CACHE/trixie-root-$(hash_of "r1 $packages")"
if [ "${1:-}" = --path ] || [ -f "$root/.complete" ]; then
	echo "$root"
	exit 0
fi
[ "$(id -u)" -eq 0 ] || die "trixie-root: debootstrap and chroot need root"
command -v debootstrap >/dev/null || die "trixie-root: no debootstrap (tests/vm/deps.sh installs it)"
mkdir -p "$SACC_CACHE"
exec 9>"$SACC_CACHE/trixie-root.lock"
flock 9
if [ -f "$root/.complete" ]; then echo "$root"; exit 0; fi
rm -rf "$root"
log "trixie-root: debootstrap of Debian trixie with $packages (a minute or two)"
debootstrap --variant=minbase --include="$packages" trixie "$root" http://deb.debian.org/debian \
	>"$SACC_CACHE/trixie-root.log" 2>&1 ||
	die "trixie-root: debootstrap failed (last lines of $SACC_CACHE/trixie-root.log: $(tail -n 3 "$SACC_CACHE/trixie-root.log" | tr '\n' ' '))"
touch "$root/.complete"
log "trixie-root: ready: $root"
echo "$root"
