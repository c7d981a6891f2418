#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh [--init FILE] [--modules "NAME..."] [--file SRC:DEST]... [--name NAME]
#              KERNEL_DIR
#
# Build (once per content) an initramfs for the kernel in KERNEL_DIR and print its
# path: busybox-static, FILE as /init (default tests/vm/init), each --file SRC copied
# to DEST inside it, and the modules named by --modules (default "virtio_pci
# 9pnet_virtio 9p overlay": Debian's 6.1 has even virtio_pci as a module) that the
# kernel has as modules, with their dependencies, uncompressed in /modules/ and listed
# in load order in /modules/order. Built-in ones are left out.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

init="$here/init"
modules="virtio_pci 9pnet_virtio 9p overlay"
name=initramfs
files=()
while [ $# -gt 1 ]; do
	case "$1" in
	--init) init="$2"; shift 2 ;;
	--modules) modules="$2"; shift 2 ;;
	--file) files+=("$2"); shift 2 ;;
	--name) name="$2"; shift 2 ;;
	*) die "initramfs.sh: unknown option $1" ;;
	esac
done
kdir="${1:?usage: initramfs.sh [options] KERNEL_DIR}"
[ -f "$init" ] || die "initramfs.sh: no init script $init"
release="$(cat "$kdir/release")"

key_inputs=("$init" "$0" /bin/busybox "$release" "$modules")
for f in "${files[@]}"; do
	[ -f "${f%%:*}" ] || die "initramfs.sh: no file ${f%%:*}"
	key_inputs+=("${f#*:}" "${f%%:*}")
done
key="$(hash_of "${key_inputs[@]}")"
img="$kdir/$name-$key.cpio.gz"
if [ -f "$img" ]; then echo "$img"; exit 0; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,modules}
cp /bin/busybox "$tmp/bin/busybox"
cp "$init" "$tmp/init"
chmod 755 "$tmp/init"
for f in "${files[@]}"; do
	mkdir -p "$tmp/$(dirname "${f#*:}")"
	cp "${f%%:*}" "$tmp/${f#*:}"
done

# Which of the modules we need are not built in? modprobe resolves dependencies.
moddir="$kdir/modules"
order=()
for m in $modules; do
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		mod="$(basename "$path")"
		mod="${mod%.xz}"
		[ -f "$tmp/modules/$mod" ] && continue
		case "$path" in
		*.xz) xz -dc "$path" >"$tmp/modules/$mod" ;;
		*) cp "$path" "$tmp/modules/$mod" ;;
		esac
		order+=("$mod")
	done < <(modprobe -d "$moddir" -S "$release" --show-depends "$m" 2>/dev/null || true)
done
[ ${#order[@]} -eq 0 ] || printf '%s\n' "${order[@]}" >"$tmp/modules/order"

(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$img.tmp.$$"
mv "$img.tmp.$$" "$img"
echo "$img"
