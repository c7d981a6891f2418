#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# kernel-build.sh FLAVOUR: prepare a test kernel built from Debian's linux-source-6.12
# with the fixes in tests/vm/patches/ applied: `tinyconfig` plus the config fragment
# tests/vm/FLAVOUR-kernel.config. Flavours:
#   debug  the test VM's debug kernel: KUnit, KASAN, lockdep, kmemleak, VFIO+iommufd,
#          the mdev samples, KVM_AMD
#   l2     the nested guests' kernel: a PCI guest with ACPI hotplug, virtio 9p and
#          modules, nothing more (it boots about three times faster than Debian's)
# Built once into $SACC_CACHE/kernel-FLAVOUR-<version>-<hash>/ and reused until the
# source version, the compiler, the fragment's settings, the patches or the recipe
# below change.
#
# Prints the kernel directory on stdout. It holds: bzImage, build/ (KDIR for
# out-of-tree modules), modules/ (modules_install output), release, build.log.
set -euo pipefail

# Bump when the build steps below change in a way that changes the result.
RECIPE=2
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

flavour="${1:?usage: kernel-build.sh debug|l2}"
frag="$here/$flavour-kernel.config"
[ -f "$frag" ] || die "kernel-build: no config fragment $frag (flavours: debug, l2)"
patches=("$here"/patches/*.patch)
srcver="$(dpkg-query -W -f='${Version}' linux-source-6.12)" ||
	die "linux-source-6.12 is not installed (run tests/vm/deps.sh)"
cc_ver="$(gcc --version | head -n1)"
patch_key="$(hash_of "${patches[@]}")"
# The fragment's settings, not its comments, are what the kernel is built from.
settings="$(grep -E '^(CONFIG_|# CONFIG_)' "$frag")"
key="$(hash_of "$srcver" "$cc_ver" "$settings" "recipe $RECIPE" "$patch_key")"
out="$SACC_CACHE/kernel-$flavour-${srcver//[^A-Za-z0-9.+-]/_}-$key"

if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$SACC_CACHE/src"
exec 9>"$SACC_CACHE/kernel-$flavour.lock"
flock 9
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi

# The kernel source with our patches, unpacked apart from the pristine reference tree,
# shared by the flavours (its own lock: two flavours may be prepared at once).
src="$SACC_CACHE/src/linux-debug-${srcver//[^A-Za-z0-9.+-]/_}-$patch_key"
exec 8>"$src.lock"
flock 8
if [ ! -f "$src/.complete" ]; then
	log "kernel-build: unpacking linux-source-6.12 and applying ${#patches[@]} patch(es)"
	rm -rf "$src" && mkdir -p "$src"
	tar -xf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1
	for p in "${patches[@]}"; do
		patch -d "$src" -p1 --batch --quiet <"$p" || die "kernel-build: $p does not apply"
	done
	touch "$src/.complete"
fi
flock -u 8

rm -rf "$out" && mkdir -p "$out/build"
blog="$out/build.log"
log "kernel-build: configuring the $flavour kernel (linux-source-6.12 $srcver, key $key); log: $blog"
start=$SECONDS
{
	make -C "$src" O="$out/build" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out/build" "$out/build/.config" "$frag"
	make -C "$src" O="$out/build" olddefconfig
} >"$blog" 2>&1 || die "kernel-build: configuration of the $flavour kernel failed, see $blog"

# Kconfig silently drops a symbol whose dependencies are not met: check every line.
dropped=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$out/build/.config" || { log "kernel-build: $flavour fragment line did not stick: $line"; dropped=1; } ;;
	"# CONFIG_"*" is not set")
		sym="${line#\# }"; sym="${sym%% *}"
		! grep -q "^$sym=" "$out/build/.config" || { log "kernel-build: $flavour fragment line did not stick: $line"; dropped=1; } ;;
	esac
done <"$frag"
[ "$dropped" -eq 0 ] || die "kernel-build: the $flavour config fragment does not apply cleanly"

log "kernel-build: building the $flavour kernel (bzImage and modules) with $SACC_NPROC jobs" \
	"(cold on 2 cores: debug about 10 minutes, l2 about 6)"
if ! make -C "$src" O="$out/build" -j"$SACC_NPROC" bzImage modules >>"$blog" 2>&1; then
	tail -n 30 "$blog" >&2
	die "kernel-build: the $flavour kernel does not build, see $blog"
fi
make -C "$src" O="$out/build" INSTALL_MOD_PATH="$out/modules" modules_install >>"$blog" 2>&1 \
	|| die "kernel-build: modules_install of the $flavour kernel failed, see $blog"
cp "$out/build/arch/x86/boot/bzImage" "$out/bzImage"
make -s -C "$src" O="$out/build" kernelrelease >"$out/release" 2>/dev/null
log "kernel-build: built the $flavour kernel $(cat "$out/release") in $((SECONDS - start)) s"
touch "$out/.complete"
echo "$out"
