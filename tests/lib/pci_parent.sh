# SPDX-License-Identifier: GPL-2.0
#
# Shell helpers for the VM suites: sacc's PCI parent, the way tests/lib/mdev_sysfs.c's
# sacc_pci_parent() finds it for the C suites.

# edu_parent: print the address of QEMU's edu function (1234:11e8, the PCI parent the
# test VM has) when it is bound to sacc's PCI driver; fail, printing nothing, when it
# is missing or bound elsewhere.
edu_parent() {
	local d
	for d in /sys/bus/pci/devices/*; do
		[ "$(cat "$d/vendor")" = 0x1234 ] && [ "$(cat "$d/device")" = 0x11e8 ] || continue
		[ "$(basename "$(readlink "$d/driver" 2>/dev/null)")" = sacc ] || return 1
		basename "$d"
		return 0
	done
	return 1
}
