#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VM suite: tests/cli/libvirt.sh with libvirt 11.3 from bookworm-backports (unpacked on
# the host by tests/vm/libvirt-backports.sh, copied over the guest's throw-away root
# here), which adds nodedev-update: libvirt changes a definition through
# `mdevctl modify --jsonfile`, once `mdevctl modify --defined --live --jsonfile b --help`
# has exited 0.
set -uo pipefail
if [ -z "${SACC_LIBVIRT_ROOT:-}" ] || [ ! -x "$SACC_LIBVIRT_ROOT/usr/sbin/libvirtd" ]; then
	echo "1..1"
	echo "not ok 1 libvirt-backports: no unpacked libvirt in SACC_LIBVIRT_ROOT (tests/vm/run.sh prepares it)"
	exit 1
fi
# The drivers of Debian 12's libvirt 9.0 that 11.3 does not replace would fail to
# load into its libvirtd: only 11.3's own (QEMU, node devices) stay.
rm -f /usr/lib/x86_64-linux-gnu/libvirt/connection-driver/*.so
cp -a "$SACC_LIBVIRT_ROOT/." /
exec "$(dirname "$0")/libvirt.sh" backports
