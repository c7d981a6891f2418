#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-distro.sh [SERIES]: prepare one of Debian's prebuilt kernels -- the image and
# its headers, downloaded with apt-get and unpacked with dpkg-deb into
# $SACC_CACHE/kernel-distro-<release>/, never installed into /boot. SERIES:
#   6.12       bookworm-security's 6.12 (the default: the distro kernel of the tests)
#   6.1        bookworm's own 6.1
#   trixie     trixie's 6.12
#   backports  the newest kernel of trixie-backports (7.3 when this was written)
# The newest version of each is looked up in the package lists, never written down;
# SACC_DISTRO_ABI (e.g. 6.12.117+deb12, 6.1.0-57) pins the series it belongs to.
#
# Prints the kernel directory on stdout. It holds: bzImage, build (KDIR for
# out-of-tree modules), modules/lib/modules/<release>/, release, and for the trixie
# kernels chroot: the build root (tests/vm/trixie-root.sh) their headers are unpacked
# into, which is where their modules are built (tests/vm/kbuild.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

series="${1:-6.12}"
apt_cache=(apt-cache) apt_get=(apt-get) root=""
case "$series" in
6.12) pattern='6\.12\.[0-9]+\+deb12' ;;
6.1) pattern='6\.1\.0-[0-9]+' ;;
trixie) pattern='6\.12\.[0-9]+\+deb13' ;;
backports) pattern='[7-9]\.[0-9]+\.[0-9]+\+deb13' ;;
*) die "kernel-distro: SERIES must be 6.12, 6.1, trixie or backports, not '$series'" ;;
esac
case "$series" in
trixie|backports)
	apt_cache=("$here/apt-extra.sh" apt-cache)
	apt_get=("$here/apt-extra.sh" apt-get)
	;;
esac

# The build root of the trixie kernels, as the current recipe names it.
case "$series" in
trixie|backports) root="$("$here/trixie-root.sh" --path)" ;;
esac
# complete DIR: prepared, its headers still there, and for a trixie kernel in the
# build root of the current recipe.
complete() {
	[ -f "$1/.complete" ] && [ -f "$1/build/Makefile" ] &&
		{ [ -z "$root" ] || [ "$(cat "$1/chroot" 2>/dev/null)" = "$root" ]; }
}

# The newest ABI of the series (of its headers). SACC_DISTRO_ABI pins it for the
# series whose pattern it matches and leaves the others alone. When the package
# lists cannot be read (offline), the newest prepared one of the series serves.
abi="${SACC_DISTRO_ABI:-}"
[[ "$abi" =~ ^$pattern$ ]] || abi=""
if [ -z "$abi" ]; then
	abi="$("${apt_cache[@]}" search --names-only "^linux-headers-$pattern-amd64\$" 2>/dev/null |
		sed -nE "s/^linux-headers-($pattern)-amd64 .*/\\1/p" | sort -V | tail -n1)" || abi=""
fi
if [ -z "$abi" ]; then
	for d in $(find "$SACC_CACHE" -maxdepth 1 -name 'kernel-distro-*' 2>/dev/null | sort -V -r); do
		b="${d##*/kernel-distro-}"
		[[ "${b%-amd64}" =~ ^$pattern$ ]] && complete "$d" && abi="${b%-amd64}" && break
	done
	[ -z "$abi" ] || log "kernel-distro: no package lists for the $series series: using the prepared $abi"
fi
[ -n "$abi" ] || die "kernel-distro: no linux-headers-<$pattern>-amd64 in the apt lists (apt-get update?)"
release="$abi-amd64"
out="$SACC_CACHE/kernel-distro-$release"
if complete "$out"; then
	echo "$out"
	exit 0
fi
# The image: trixie-backports has only the signed one, which boots the same in QEMU.
image=""
for p in "linux-image-$release-unsigned" "linux-image-$release"; do
	if "${apt_cache[@]}" show "$p" >/dev/null 2>&1; then image="$p"; break; fi
done
[ -n "$image" ] || die "kernel-distro: no linux-image-$release(-unsigned) in the apt lists"
[ -z "$root" ] || root="$("$here/trixie-root.sh")"

mkdir -p "$SACC_CACHE"
exec 9>"$SACC_CACHE/kernel-distro.lock"
flock 9
if complete "$out"; then echo "$out"; exit 0; fi

rm -rf "$out" && mkdir -p "$out/debs" "$out/root"
log "kernel-distro: downloading Debian's $release kernel and headers"
# depends_on PACKAGE REGEXP: PACKAGE's dependencies whose names match REGEXP.
depends_on() { deb_depends "$1" "${apt_cache[@]}" | grep -E "$2" || true; }
# The headers' common part and kbuild, and the parts of a split image (7.x: the
# kernel in linux-binary-*, the modules in linux-modules-*), are dependencies whose
# names the packages give (6.1's kbuild is linux-kbuild-6.1, the others carry the ABI).
headers="linux-headers-$release"
rel_re="${release//./\\.}" rel_re="${rel_re//+/\\+}"
mapfile -t deps < <(depends_on "$headers" '^linux-(headers-.*-common|kbuild-)'
	depends_on "$image" "^linux-(base|binary|modules)-$rel_re\$")
[ ${#deps[@]} -gt 0 ] || die "kernel-distro: cannot read the dependencies of $headers"
pkgs=("$image" "$headers" "${deps[@]}")
(cd "$out/debs" && "${apt_get[@]}" download -qq "${pkgs[@]}" </dev/null 2>&1 | { grep -v "unsandboxed as root" >&2 || true; }) ||
	die "kernel-distro: apt-get download failed for ${pkgs[*]}"

for deb in "$out"/debs/*.deb; do
	case "$(basename "$deb")" in
	linux-image-*|linux-base-*|linux-binary-*|linux-modules-*) dpkg-deb -x "$deb" "$out/root" ;;
	*) dpkg-deb -x "$deb" "${root:-$out/root}" ;;
	esac
done

if [ -n "$root" ]; then
	# Built in the root, where the headers sit at the paths their Makefiles name.
	ln -s "$root/usr/src/$headers" "$out/build"
	echo "$root" >"$out/chroot"
else
	# The headers' Makefile includes the common tree by its absolute /usr/src path;
	# point it at the unpacked copy so that a plain `make -C $KDIR M=...` works.
	hdr="$out/root/usr/src/$headers"
	sed -i -E "s#/usr/src/(linux-headers-[^ ]*-common)#$out/root/usr/src/\\1#g" "$hdr/Makefile"
	ln -s "$hdr" "$out/build"
fi

# The image package ships no modules.dep: make one so that modprobe works in the guest.
moddir="$out/root/lib/modules"
[ -d "$moddir/$release" ] || moddir="$out/root/usr/lib/modules"
[ -d "$moddir/$release" ] || die "kernel-distro: $image holds no modules for $release"
depmod -b "${moddir%/lib/modules}" "$release"
ln -s "${moddir%/lib/modules}" "$out/modules"
for f in "$out/root/boot/vmlinuz-$release" "$out/root/usr/lib/linux-image-$release/vmlinuz" \
	"${moddir%/lib/modules}/lib/modules/$release/vmlinuz"; do
	[ -f "$f" ] && { cp "$f" "$out/bzImage"; break; }
done
[ -f "$out/bzImage" ] || die "kernel-distro: no vmlinuz for $release in ${pkgs[*]}"
echo "$release" >"$out/release"
rm -rf "$out/debs"
touch "$out/.complete"
log "kernel-distro: ready: $release"
echo "$out"
