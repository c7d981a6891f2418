#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# initramfs.sh KERNEL_DIR: build (once) KERNEL_DIR/initramfs.cpio.gz: busybox-static,
# tests/vm/init, and -- for a kernel with 9p/overlayfs as modules -- those modules in
# load order. Prints its path.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

kdir="${1:?usage: initramfs.sh KERNEL_DIR}"
release="$(cat "$kdir/release")"
key="$(hash_of "$here/init" "$0" /bin/busybox "$release")"
img="$kdir/initramfs-$key.cpio.gz"
if [ -f "$img" ]; then echo "$img"; exit 0; fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,modules}
cp /bin/busybox "$tmp/bin/busybox"
cp "$here/init" "$tmp/init"
chmod 755 "$tmp/init"

# Which of the modules we need are not built in? modprobe resolves dependencies.
moddir="$kdir/modules"
order=()
for m in 9pnet_virtio 9p overlay; do
	while read -r verb path _; do
		[ "$verb" = insmod ] || continue
		name="$(basename "$path")"
		name="${name%.xz}"
		[ -f "$tmp/modules/$name" ] && continue
		case "$path" in
		*.xz) xz -dc "$path" >"$tmp/modules/$name" ;;
		*) cp "$path" "$tmp/modules/$name" ;;
		esac
		order+=("$name")
	done < <(modprobe -d "$moddir" -S "$release" --show-depends "$m" 2>/dev/null || true)
done
[ ${#order[@]} -eq 0 ] || printf '%s\n' "${order[@]}" >"$tmp/modules/order"

(cd "$tmp" && find . | cpio -o -H newc --quiet | gzip -1) >"$img.tmp"
mv "$img.tmp" "$img"
echo "$img"
