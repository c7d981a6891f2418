#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# build.sh: make deb. Builds the Debian packages of this checkout (sacc-dkms,
# sacc-guest-dkms, mdevctl-lite; debian/) with dpkg-buildpackage -us -uc from a copy
# of the tracked files in build/deb/src/, puts them in build/deb/ and runs lintian
# on them (its report: build/deb/lintian.txt; an error fails the build). Installs
# debhelper, dh-dkms and lintian first when missing (tests/vm/deps.sh deb).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
die() { printf 'deb: %s\n' "$*" >&2; exit 1; }

"$repo/tests/vm/deps.sh" deb
out="$repo/build/deb"
rm -rf "$out" && mkdir -p "$out/src"
(cd "$repo" && git ls-files --cached --others --exclude-standard | cpio -pdm --quiet "$out/src")
(cd "$out/src" && dpkg-buildpackage -us -uc -b) >"$out/build.log" 2>&1 ||
	die "dpkg-buildpackage failed: $(tail -n 5 "$out/build.log" | tr '\n' ' ') (all of it: $out/build.log)"
rm -rf "$out/src"
lintian --info "$out"/*.changes >"$out/lintian.txt" 2>&1 || true
if grep -q '^E: ' "$out/lintian.txt"; then
	cat "$out/lintian.txt" >&2
	die "lintian reports errors"
fi
ls "$out"/*.deb
