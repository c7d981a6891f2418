#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# prepare.sh RELEASE: what the install suite (tests/install/inside-vm.sh) needs on the
# host, for a test VM running Debian's kernel RELEASE (e.g. 6.1.0-57-amd64):
#   - the project's packages, built with make deb (tools/deb/build.sh) into build/deb/;
#   - the .deb files of RELEASE's headers and of a second kernel's headers (the rt
#     flavour of the same ABI), downloaded with apt-get into
#     $SACC_CACHE/install-debs-RELEASE/, because the VM has no network.
# Prints the lines for the guest's job.env on stdout (export SACC_INSTALL_*=...).
#
# Only kernels whose headers package installs without the kernel image package can
# be used (bookworm's 6.1: its headers depend on no linux-image; 6.12's do, and the
# image cannot be installed in the VM); for the others the suite is skipped with
# that reason (SACC_INSTALL_SKIP).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$here/../vm/common.sh"

release="${1:?usage: prepare.sh RELEASE}"
flavour="${release##*-}"
second="${release%-"$flavour"}-rt-$flavour"

skip=""
apt-cache show "linux-headers-$release" >/dev/null 2>&1 ||
	skip="no package linux-headers-$release in this host's apt lists"
if [ -z "$skip" ] && deb_depends "linux-headers-$release" | grep -q '^linux-image-'; then
	skip="linux-headers-$release depends on linux-image-$release, which the test VM cannot install"
fi
if [ -n "$skip" ]; then
	printf "export SACC_INSTALL_SKIP=%q\n" "$skip"
	exit 0
fi

# What apt in the VM will want for each step, simulated against this host's package
# database (the VM's root is this host's, under an overlay): the headers with their
# common part, kbuild and compiler, and whatever those make apt upgrade. Downloaded
# into the cache once per version; the VM installs the lot with apt-get install ./….
# plan PACKAGE...: "name=version" of every package apt would install or upgrade.
plan() {
	apt-get -s -q install --no-install-recommends "$@" </dev/null 2>/dev/null |
		sed -nE 's/^Inst ([^ ]+) (\[[^]]*\] )?\(([^ ]+) .*/\1=\3/p'
}
out="$SACC_CACHE/install-debs-$release"
# deb_of NAME=VERSION: the pool's .deb of that version, if it has one.
deb_of() {
	local file="${1%%=*}_${1#*=}"
	compgen -G "$out/pool/${file//:/%3a}_*.deb" | head -n1
}
mapfile -t first < <(plan "linux-headers-$release")
mapfile -t both < <(plan "linux-headers-$release" "linux-headers-$second")
[ ${#first[@]} -ge 3 ] || die "install: apt cannot plan the install of linux-headers-$release"
mapfile -t later < <(printf '%s\n' "${both[@]}" | grep -vxF -f <(printf '%s\n' "${first[@]}"))
[ ${#later[@]} -ge 1 ] || die "install: apt cannot plan the install of linux-headers-$second"
mkdir -p "$out/pool"
exec 9>"$SACC_CACHE/install-debs.lock"
flock 9
log "install: the headers of $release and $second (${#both[@]} packages)"
for p in "${both[@]}"; do
	[ -n "$(deb_of "$p")" ] && continue
	(cd "$out/pool" && apt-get download -qq "$p" </dev/null 2>&1 | { grep -v "unsandboxed as root" >&2 || true; })
	[ -n "$(deb_of "$p")" ] || die "install: apt-get download $p failed"
done
# One directory per step, of links into the pool.
rm -rf "$out/running" "$out/second" && mkdir -p "$out/running" "$out/second"
for p in "${first[@]}"; do ln -s "$(deb_of "$p")" "$out/running/"; done
for p in "${later[@]}"; do ln -s "$(deb_of "$p")" "$out/second/"; done
exec 9>&-

log "install: building the packages (make deb)"
"$repo/tools/deb/build.sh" >/dev/null || die "install: make deb failed"

printf "export SACC_INSTALL_HEADERS=%q\n" "$out/running"
printf "export SACC_INSTALL_SECOND=%q\n" "$second"
printf "export SACC_INSTALL_SECOND_HEADERS=%q\n" "$out/second"
printf "export SACC_INSTALL_PACKAGES=%q\n" "$repo/build/deb"
