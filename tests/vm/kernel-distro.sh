#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the distro kernel: Debian's prebuilt linux-image-6.12.*-amd64-unsigned and its
# headers, downloaded with apt-get and unpacked with dpkg-deb into
# $SACC_CACHE/kernel-distro-<version>/ -- never installed into /boot.
#
# Prints the kernel directory on stdout. It holds: bzImage, build (KDIR for
# out-of-tree modules), modules/lib/modules/<release>/, release.
# SACC_DISTRO_ABI=6.12.117+deb12 pins a version; default is the newest available.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

abi="${SACC_DISTRO_ABI:-}"
if [ -z "$abi" ]; then
	abi="$(apt-cache search --names-only '^linux-image-6\.12\.[0-9]+\+deb12-amd64-unsigned$' |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12\)-amd64-unsigned .*/\1/p' | sort -V | tail -n1)"
	[ -n "$abi" ] || die "kernel-distro: no linux-image-6.12.*+deb12-amd64-unsigned in the apt lists (apt-get update?)"
fi
release="$abi-amd64"
out="$SACC_CACHE/kernel-distro-$release"
if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$SACC_CACHE"
exec 9>"$SACC_CACHE/kernel-distro.lock"
flock 9
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi

rm -rf "$out" && mkdir -p "$out/debs" "$out/root"
log "kernel-distro: downloading Debian's $release kernel and headers"
pkgs=("linux-image-$release-unsigned" "linux-headers-$release" "linux-headers-$abi-common" "linux-kbuild-$abi")
(cd "$out/debs" && apt-get download -qq "${pkgs[@]}" </dev/null 2>&1 | { grep -v "unsandboxed as root" >&2 || true; }) ||
	die "kernel-distro: apt-get download failed for ${pkgs[*]}"
for deb in "$out"/debs/*.deb; do
	dpkg-deb -x "$deb" "$out/root"
done

# The headers' Makefile includes the common tree by its absolute /usr/src path; point
# it at the unpacked copy so that a plain `make -C $KDIR M=...` works.
hdr="$out/root/usr/src/linux-headers-$release"
sed -i "s|/usr/src/linux-headers-$abi-common|$out/root/usr/src/linux-headers-$abi-common|g" "$hdr/Makefile"
ln -s "$hdr" "$out/build"

# The image package ships no modules.dep: make one so that modprobe works in the guest.
depmod -b "$out/root" "$release"
ln -s root "$out/modules"
cp "$out/root/boot/vmlinuz-$release" "$out/bzImage"
echo "$release" >"$out/release"
rm -rf "$out/debs"
touch "$out/.complete"
log "kernel-distro: ready: $release"
echo "$out"
