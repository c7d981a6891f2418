#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install every Debian package the build and the tests need, and nothing else.
# Idempotent: when everything is present it only runs dpkg-query and returns.
# Works as root with no stdin (CI); as a normal user it uses sudo if available.
# `deps.sh bench` adds what make bench needs besides (tests/bench/run.sh); `deps.sh
# deb` installs only what make deb needs (tools/deb/build.sh).
set -euo pipefail

PACKAGES=(
	# building the module and the debug kernel
	make gcc-12 gcc bc flex bison libelf-dev libssl-dev dwarves kmod xz-utils cpio
	sparse linux-source-6.12 rsync patch python3 perl
	# the build matrix: the trixie build root of Debian's newer kernels
	debootstrap
	# the userspace tool and the tests
	uuid-dev libjson-c-dev pkg-config libasan8 libubsan1
	# running the guests
	qemu-system-x86 busybox-static
	# the cli-libvirt suite: libvirtd and virsh, started only inside the test VM (these
	# three packages have no services; libvirt-daemon-system, which has, is not needed)
	libvirt-daemon libvirt-daemon-driver-qemu libvirt-clients
	# ... and systemd-udevd with udevadm, which libvirt's node devices need, and the
	# kvm group that libvirt-qemu joins (udev's postinst creates it); a fresh
	# machine may have neither
	udev
)
if [ "${1:-}" = deb ]; then
	# make deb: building the packages and checking them
	PACKAGES=(dpkg-dev debhelper dh-dkms lintian fakeroot libjson-c-dev uuid-dev pkg-config)
fi
if [ "${1:-}" = bench ]; then
	# the chart; Debian's mdevctl (1.2), which B9 compares mdevctl-lite with
	PACKAGES+=(gnuplot-nox mdevctl)
fi

missing=()
for p in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${db:Status-Status}\n' "$p" 2>/dev/null | grep -qx installed; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "deps: installing ${missing[*]}"
SUDO=
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
	SUDO=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq </dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null >/dev/null
echo "deps: done"
