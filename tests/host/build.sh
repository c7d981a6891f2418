# SPDX-License-Identifier: GPL-2.0
# Host tests of README's first command (sourced by run.sh; uses host_check): make in
# a fresh clone builds sacc.ko, for the running kernel when it has a build tree, else
# for Debian's prebuilt 6.12 (tests/vm/kernel-distro.sh, unpacked into the cache);
# and a KDIR that is no kernel tree, or one without the mdev framework, fails loudly
# instead of building nothing.
bd_clone="$tmp/clone"
git clone -q "$repo" "$bd_clone"
bd_run() { make -C "$bd_clone" "$@" >"$tmp/bd.out" 2>&1; echo $? >"$tmp/bd.rc"; }
# bd_built: the last make exited 0 and left a sacc.ko built for the kernel it chose.
bd_built() {
	local kdir want got
	[ "$(cat "$tmp/bd.rc")" = 0 ] && [ -f "$bd_clone/kernel/sacc.ko" ] || return 1
	kdir="$(make -s -C "$bd_clone" --no-print-directory print-kdir)"
	want="$(make -s -C "$kdir" --no-print-directory kernelrelease 2>/dev/null)"
	got="$(modinfo -F vermagic "$bd_clone/kernel/sacc.ko" | cut -d' ' -f1)"
	[ -n "$want" ] && [ "$want" = "$got" ]
}
bd_run module
host_check "make in a fresh clone builds sacc.ko for the kernel it names" bd_built
bd_run -C kernel KDIR="$tmp/no-kernel-here"
host_check "make with a KDIR that is no kernel tree fails, naming KDIR" \
	bash -c "[ \"\$(cat '$tmp/bd.rc')\" != 0 ] && grep -q 'KDIR=$tmp/no-kernel-here is not a kernel build tree' '$tmp/bd.out'"
# A kernel tree without the mdev framework (Debian's cloud flavour): a Makefile and a
# .config without CONFIG_VFIO_MDEV are all make looks at before it refuses.
mkdir -p "$tmp/no-mdev"
printf 'all:\n\t@echo built\n' >"$tmp/no-mdev/Makefile"
printf 'CONFIG_VFIO=m\n# CONFIG_VFIO_MDEV is not set\n' >"$tmp/no-mdev/.config"
bd_run -C kernel KDIR="$tmp/no-mdev"
host_check "make for a kernel without CONFIG_VFIO_MDEV fails, saying so" \
	bash -c "[ \"\$(cat '$tmp/bd.rc')\" != 0 ] && grep -q 'KDIR=$tmp/no-mdev is a kernel without CONFIG_VFIO_MDEV' '$tmp/bd.out'"
