#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Install the 6.12 UAPI headers (linux/vfio.h with the cdev/iommufd ioctls,
# linux/iommufd.h) once into $SACC_CACHE/uapi-<version>/ and print that directory;
# Debian 12's own linux-libc-dev is 6.1 and lacks them. Userspace tests build with
# -isystem <dir>/include.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

src="$("$here/kernel-source.sh")"
srcver="$(dpkg-query -W -f='${Version}' linux-source-6.12)"
out="$SACC_CACHE/uapi-${srcver//[^A-Za-z0-9.+-]/_}"
if [ ! -f "$out/.complete" ]; then
	exec 9>"$SACC_CACHE/uapi.lock"
	flock 9
	if [ ! -f "$out/.complete" ]; then
		rm -rf "$out"
		make -s -C "$src" O="$out/build" ARCH=x86 INSTALL_HDR_PATH="$out" headers_install >&2 ||
			die "kernel-uapi: headers_install failed"
		rm -rf "$out/build"
		touch "$out/.complete"
	fi
fi
echo "$out"
