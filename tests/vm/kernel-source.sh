#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Unpack Debian's linux-source-6.12 once into $SACC_CACHE/src/ and print its path.
# It is the reference for every kernel API, the source of the debug test kernel, and
# where the VM suites take kselftest_harness.h from.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

pkg=linux-source-6.12
srcver="$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)" ||
	die "$pkg is not installed (run tests/vm/deps.sh)"
src="$SACC_CACHE/src/$pkg-$srcver"
if [ ! -f "$src/.complete" ]; then
	mkdir -p "$SACC_CACHE/src"
	exec 8>"$SACC_CACHE/src/.lock"
	flock 8
	if [ ! -f "$src/.complete" ]; then
		log "kernel-source: unpacking /usr/src/$pkg.tar.xz"
		rm -rf "$src" && mkdir -p "$src"
		tar -xf "/usr/src/$pkg.tar.xz" -C "$src" --strip-components=1
		touch "$src/.complete"
	fi
fi
echo "$src"
