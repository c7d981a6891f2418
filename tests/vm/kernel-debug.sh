#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prepare the debug test kernel: Debian's linux-source-6.12 with the fixes in
# tests/vm/patches/ applied, `tinyconfig` plus tests/vm/debug-kernel.config (KUnit, KASAN, lockdep, kmemleak, VFIO+iommufd, mdev
# samples, KVM_AMD). Built once into $SACC_CACHE/kernel-debug-<version>-<hash>/ and
# reused until the source version, the compiler, the fragment or this script change.
#
# Prints the kernel directory on stdout. It holds: bzImage, build/ (KDIR for
# out-of-tree modules), modules/ (modules_install output), build.log.
set -euo pipefail

# Bump when the build steps below change in a way that changes the result.
RECIPE=1
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/common.sh"

frag="$here/debug-kernel.config"
patches=("$here"/patches/*.patch)
srcver="$(dpkg-query -W -f='${Version}' linux-source-6.12)" ||
	die "linux-source-6.12 is not installed (run tests/vm/deps.sh)"
cc_ver="$(gcc --version | head -n1)"
patch_key="$(hash_of "${patches[@]}")"
key="$(hash_of "$srcver" "$cc_ver" "$frag" "recipe $RECIPE" "$patch_key")"
out="$SACC_CACHE/kernel-debug-${srcver//[^A-Za-z0-9.+-]/_}-$key"

if [ -f "$out/.complete" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$SACC_CACHE"
exec 9>"$SACC_CACHE/kernel-debug.lock"
flock 9
if [ -f "$out/.complete" ]; then echo "$out"; exit 0; fi

# The kernel source with our patches, unpacked apart from the pristine reference tree.
src="$SACC_CACHE/src/linux-debug-${srcver//[^A-Za-z0-9.+-]/_}-$patch_key"
if [ ! -f "$src/.complete" ]; then
	log "kernel-debug: unpacking linux-source-6.12 and applying ${#patches[@]} patch(es)"
	rm -rf "$src" && mkdir -p "$src"
	tar -xf /usr/src/linux-source-6.12.tar.xz -C "$src" --strip-components=1
	for p in "${patches[@]}"; do
		patch -d "$src" -p1 --batch --quiet <"$p" || die "kernel-debug: $p does not apply"
	done
	touch "$src/.complete"
fi

rm -rf "$out" && mkdir -p "$out/build"
blog="$out/build.log"
log "kernel-debug: configuring (linux-source-6.12 $srcver, key $key); log: $blog"
start=$SECONDS
{
	make -C "$src" O="$out/build" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out/build" "$out/build/.config" "$frag"
	make -C "$src" O="$out/build" olddefconfig
} >"$blog" 2>&1 || die "kernel-debug: configuration failed, see $blog"

# Kconfig silently drops a symbol whose dependencies are not met: check every line.
dropped=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qxF "$line" "$out/build/.config" || { log "kernel-debug: fragment line did not stick: $line"; dropped=1; } ;;
	"# CONFIG_"*" is not set")
		sym="${line#\# }"; sym="${sym%% *}"
		! grep -q "^$sym=" "$out/build/.config" || { log "kernel-debug: fragment line did not stick: $line"; dropped=1; } ;;
	esac
done <"$frag"
[ "$dropped" -eq 0 ] || die "kernel-debug: the config fragment does not apply cleanly"

log "kernel-debug: building bzImage and modules with $SACC_NPROC jobs (about 10 minutes cold)"
if ! make -C "$src" O="$out/build" -j"$SACC_NPROC" bzImage modules >>"$blog" 2>&1; then
	tail -n 30 "$blog" >&2
	die "kernel-debug: build failed, see $blog"
fi
make -C "$src" O="$out/build" INSTALL_MOD_PATH="$out/modules" modules_install >>"$blog" 2>&1 \
	|| die "kernel-debug: modules_install failed, see $blog"
cp "$out/build/arch/x86/boot/bzImage" "$out/bzImage"
make -s -C "$src" O="$out/build" kernelrelease >"$out/release" 2>/dev/null
log "kernel-debug: built $(cat "$out/release") in $((SECONDS - start)) s"
touch "$out/.complete"
echo "$out"
