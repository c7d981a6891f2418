#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare QEMU from Debian's bookworm-backports suite (10.0 on Debian 12, whose own
# QEMU is 7.2) without installing it: a private apt configuration under the cache
# downloads qemu-system-x86, its -common and -data packages and the matching seabios,
# and dpkg-deb unpacks them into $SACC_CACHE/qemu-<version>/. It runs on Debian 12's
# own libraries. The system's QEMU and apt state are left alone.
#
# Prints two shell assignments:
#   SACC_QEMU='<qemu-system-x86_64>'  SACC_QEMU_ARGS='-L <firmware dirs>'
# SACC_QEMU_VERSION=1:10.0.2+ds-2+deb13u1~bpo12+1 pins a version; default is the newest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

apt_dir="$SACC_CACHE/apt-bookworm-backports"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
echo "deb http://deb.debian.org/debian bookworm-backports main" >"$apt_dir/sources.list"
apt_opts=(-o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o Dir::Etc::sourceparts=/dev/null
	-o "Dir::State::Lists=$apt_dir/lists" -o "Dir::Cache=$apt_dir/cache")

exec 9>"$SACC_CACHE/qemu-backports.lock"
flock 9
quiet() { grep -v "unsandboxed as root" >&2 || true; }
# The lists are fetched once a day at most.
if [ -z "$(find "$apt_dir/lists" -maxdepth 1 -name '*Packages*' -mmin -1440 2>/dev/null)" ]; then
	apt-get "${apt_opts[@]}" update -qq </dev/null 2>&1 | quiet
fi
# bpo_versions: the newest bookworm-backports version in `apt-cache madison` output.
bpo_versions() {
	awk -F'|' '$3 ~ /bookworm-backports/ { gsub(/ /, "", $2); print $2 }' | sort -V | tail -n1
}
version="${SACC_QEMU_VERSION:-$(apt-cache "${apt_opts[@]}" madison qemu-system-x86 2>/dev/null |
	bpo_versions)}"
[ -n "$version" ] || die "qemu-backports: no qemu-system-x86 in bookworm-backports (apt-get update failed?)"
out="$SACC_CACHE/qemu-${version#*:}"
if [ ! -f "$out/.complete" ]; then
	rm -rf "$out" && mkdir -p "$out/debs" "$out/root"
	log "qemu-backports: downloading QEMU $version from bookworm-backports"
	seabios="$(apt-cache "${apt_opts[@]}" madison seabios 2>/dev/null |
		bpo_versions)"
	pkgs=("qemu-system-x86=$version" "qemu-system-common=$version" "qemu-system-data=$version")
	[ -z "$seabios" ] || pkgs+=("seabios=$seabios")
	(cd "$out/debs" && apt-get "${apt_opts[@]}" download -qq "${pkgs[@]}" </dev/null 2>&1 | quiet)
	ls "$out"/debs/qemu-system-x86_*.deb >/dev/null 2>&1 ||
		die "qemu-backports: apt-get download failed for ${pkgs[*]}"
	for deb in "$out"/debs/*.deb; do
		dpkg-deb -x "$deb" "$out/root"
	done
	rm -rf "$out/debs"
	"$out/root/usr/bin/qemu-system-x86_64" --version >/dev/null ||
		die "qemu-backports: the unpacked QEMU does not run on this system"
	touch "$out/.complete"
	log "qemu-backports: ready: $("$out/root/usr/bin/qemu-system-x86_64" --version | head -n1)"
fi
echo "SACC_QEMU='$out/root/usr/bin/qemu-system-x86_64'"
echo "SACC_QEMU_ARGS='-L $out/root/usr/share/qemu -L $out/root/usr/share/seabios'"
