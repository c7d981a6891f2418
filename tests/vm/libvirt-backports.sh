#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare libvirt from Debian's bookworm-backports suite (11.3 on Debian 12, whose own
# libvirt is 9.0) for the cli-libvirt-backports suite, without installing it: the
# private apt configuration of apt-extra.sh downloads the packages a libvirtd with
# the QEMU and node-device drivers needs, and dpkg-deb unpacks them into
# $SACC_CACHE/libvirt-<version>/root/. They run on Debian 12's own libraries; the
# suite copies the tree over the test guest's throw-away root. The system's libvirt
# and apt state are left alone.
#
# Prints one shell assignment: SACC_LIBVIRT_ROOT='<the unpacked tree>'.
# SACC_LIBVIRT_VERSION=11.3.0-2~bpo12+1 pins a version; default is the newest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

pkgs=(libvirt0 libvirt-common libvirt-clients libvirt-daemon libvirt-daemon-common
	libvirt-daemon-log libvirt-daemon-driver-qemu libvirt-daemon-driver-nodedev)
version="${SACC_LIBVIRT_VERSION:-$("$here/apt-extra.sh" apt-cache madison libvirt-daemon |
	awk -F'|' '$3 ~ /bookworm-backports/ { gsub(/ /, "", $2); print $2 }' | sort -V | tail -n1)}"
[ -n "$version" ] || die "libvirt-backports: no libvirt-daemon in bookworm-backports"
out="$SACC_CACHE/libvirt-$version"
exec 9>"$SACC_CACHE/libvirt-backports.lock"
flock 9
if [ ! -f "$out/.complete" ]; then
	rm -rf "$out" && mkdir -p "$out/debs" "$out/root"
	log "libvirt-backports: downloading libvirt $version from bookworm-backports"
	(cd "$out/debs" && "$here/apt-extra.sh" apt-get download -qq "${pkgs[@]/%/=$version}" \
		</dev/null 2>&1 | { grep -v "unsandboxed as root" >&2 || true; })
	for p in "${pkgs[@]}"; do
		deb="$(ls "$out/debs/${p}_"*.deb 2>/dev/null)" ||
			die "libvirt-backports: apt-get download failed for $p=$version"
		dpkg-deb -x "$deb" "$out/root"
	done
	rm -rf "$out/debs"
	# Every program and driver must find its libraries among Debian 12's and its own.
	missing="$(find "$out/root/usr/sbin" "$out/root/usr/bin" "$out/root/usr/lib" -type f \
		\( -perm -u+x -o -name '*.so*' \) -print0 |
		LD_LIBRARY_PATH="$out/root/usr/lib/x86_64-linux-gnu" xargs -0 ldd 2>/dev/null |
		grep 'not found' | sort -u || true)"
	[ -z "$missing" ] || die "libvirt-backports: libvirt $version needs libraries Debian 12 lacks: $missing"
	touch "$out/.complete"
	log "libvirt-backports: ready: libvirt $version in $out/root"
fi
echo "SACC_LIBVIRT_ROOT='$out/root'"
