#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VM suite `install`: the project's Debian packages installed the way an administrator
# installs them, on Debian's kernel running in the test VM (tests/install/prepare.sh
# made the packages and downloaded the headers' .deb files; their paths are in the
# SACC_INSTALL_* variables of job.env):
#   1. apt-get install ./linux-headers-<running>…deb, then ./sacc-dkms ./sacc-guest-dkms
#      ./mdevctl-lite: DKMS builds sacc.ko and sacc_pci.ko for the running kernel;
#   2. modprobe sacc loads the DKMS-built module and its parents appear;
#   3. with systemd-udevd running, a definition made with `mdevctl-lite define --auto`
#      is started by the package's udev rule when the module is loaded again;
#   4. a second kernel's headers (the rt flavour) installed afterwards get both
#      modules built for it;
#   5. apt-get remove leaves no module, DKMS tree, source, binary or udev rule behind;
#   6. make dkms-install from the checkout builds the same module through DKMS, and
#      make dkms-uninstall takes it away.
# Prints TAP on stdout; apt's, dpkg's and DKMS's output go to stderr (the suite's log).
#
# It installs packages into the guest's root, so it runs only inside the test guest
# (whose root is a throw-away overlay). It unloads the harness's sacc.ko first and
# loads it again at the end, for the harness's final checks.
set -uo pipefail
if [ -z "${SACC_KERNEL:-}" ] || [ "$$" -eq 1 ] || [ ! -d /sys/module/sacc ]; then
	echo "1..1"
	echo "not ok 1 install: run inside the test guest with sacc.ko loaded (see tests/vm/guest.sh)"
	exit 1
fi
. "$SACC_REPO/tests/lib/tap.sh"
if [ -n "${SACC_INSTALL_SKIP:-}" ]; then
	skip "install: the packages install and work on $(uname -r)" "$SACC_INSTALL_SKIP"
	tap_plan
	exit 0
fi

release="$(uname -r)"
second="$SACC_INSTALL_SECOND"
pkgs="$SACC_INSTALL_PACKAGES"
export DEBIAN_FRONTEND=noninteractive
udevd_pid=""
cleanup() {
	[ -z "$udevd_pid" ] || kill "$udevd_pid" 2>/dev/null
	# The harness's module, for its final checks (guest.sh).
	if [ -d /sys/module/sacc ]; then
		for d in /sys/bus/mdev/devices/*; do [ -e "$d/remove" ] && echo 1 >"$d/remove"; done
		rmmod sacc
	fi
	insmod "$SACC_MODULE_DIR/sacc.ko" >&2
	tap_ended_early
}
trap cleanup EXIT

# step NAME COMMAND...: like t, and the time it took in a diagnostic line.
step() {
	local name="$1" t0=$SECONDS
	shift
	echo "### $name" >&2
	t "$name" "$@"
	diag "$name: $((SECONDS - t0)) s"
}
apt_install() { apt-get install -y -q -o Dpkg::Use-Pty=0 --no-install-recommends "$@" </dev/null; }
# built_for MODULE KERNEL: DKMS installed MODULE for KERNEL, built for that kernel.
built_for() {
	local ko="/lib/modules/$2/updates/dkms/$1.ko"
	[ -f "$ko" ] || ko="$ko.xz"
	[ -f "$ko" ] || { echo "no $1.ko in /lib/modules/$2/updates/dkms" >&2; return 1; }
	modinfo -F vermagic "$ko" | grep -q "^$2 " ||
		{ echo "$ko: vermagic '$(modinfo -F vermagic "$ko")', want $2" >&2; return 1; }
	dkms status -m "$1" -k "$2" | grep -q ": installed" ||
		{ echo "dkms status: $(dkms status -m "$1" -k "$2")" >&2; return 1; }
}
# wait_for PATH: up to 20 s for PATH to appear.
wait_for() {
	for _ in $(seq 1 100); do [ -e "$1" ] && return 0; sleep 0.2; done
	echo "$1 did not appear within 20 s" >&2
	return 1
}
new_uuid() { cat /proc/sys/kernel/random/uuid; }

sacc_deb="$(ls "$pkgs"/sacc-dkms_*_all.deb)"
guest_deb="$(ls "$pkgs"/sacc-guest-dkms_*_all.deb)"
tool_deb="$(ls "$pkgs"/mdevctl-lite_*.deb)"
version="$(dpkg-deb -f "$sacc_deb" Version)"
diag "packages $version on $release; then $second"

# The harness's sacc.ko goes: the packaged one is what is tested.
rmmod sacc || { nok "the harness's sacc.ko unloads"; exit 1; }

# udev as on an installed system; it notices rules installed after it started.
mkdir -p /run/udev
/lib/systemd/systemd-udevd >"$SACC_RUN/results/install-udevd.log" 2>&1 &
udevd_pid=$!
t "systemd-udevd runs" eval 'wait_for /run/udev/control && udevadm control --ping --timeout=20'

step "apt-get install the running kernel's headers (linux-headers-$release)" \
	apt_install "$SACC_INSTALL_HEADERS"/*.deb
step "apt-get install ./sacc-dkms ./sacc-guest-dkms ./mdevctl-lite ($version)" \
	apt_install "$sacc_deb" "$guest_deb" "$tool_deb"
t "DKMS built and installed sacc.ko for the running kernel" built_for sacc "$release"
t "DKMS built and installed sacc_pci.ko for the running kernel" built_for sacc_pci "$release"
t "the udev rule and mdevctl-lite are installed" \
	eval 'grep -q "/usr/bin/mdevctl-lite start-parent-mdevs" /usr/lib/udev/rules.d/60-mdevctl-lite.rules && mdevctl-lite --version'

step "modprobe sacc loads the DKMS module and its parent appears" \
	eval 'modprobe sacc && [ "$(modinfo -n sacc)" = "$(ls /lib/modules/$release/updates/dkms/sacc.ko*)" ] && wait_for /sys/class/mdev_bus/sacc0'

u="$(new_uuid)"
t "mdevctl-lite define --auto" mdevctl-lite define -u "$u" -p sacc0 -t sacc-1q --auto
step "on modprobe sacc again, udev starts the auto definition" \
	eval 'rmmod sacc && modprobe sacc && wait_for "/sys/bus/mdev/devices/$u"'
t "mdevctl-lite list shows it active" eval 'mdevctl-lite list | grep -q "^$u sacc0 sacc-1q auto"'

step "apt-get install a second kernel's headers (linux-headers-$second)" \
	apt_install "$SACC_INSTALL_SECOND_HEADERS"/*.deb
t "DKMS built and installed sacc.ko for $second" built_for sacc "$second"
t "DKMS built and installed sacc_pci.ko for $second" built_for sacc_pci "$second"

t "the instance stops and the module unloads" eval 'mdevctl-lite stop -u "$u" && rmmod sacc'
# What the packages installed: files and links (directories can be shared).
owned="$(dpkg-query -L sacc-dkms sacc-guest-dkms mdevctl-lite | while read -r f; do
	[ -d "$f" ] || echo "$f"; done)"
step "apt-get remove sacc-dkms sacc-guest-dkms mdevctl-lite" \
	apt-get remove -y -q -o Dpkg::Use-Pty=0 sacc-dkms sacc-guest-dkms mdevctl-lite </dev/null
t "no sacc module is left for any of the kernels" \
	eval '! ls /lib/modules/{$release,$second}/updates/dkms/sacc*.ko* 2>/dev/null | grep . >&2 && ! modprobe -n sacc 2>/dev/null'
t "no DKMS tree or source is left" eval '[ ! -e /var/lib/dkms/sacc ] && [ ! -e /var/lib/dkms/sacc_pci ] && ! ls -d /usr/src/sacc*-"$version" 2>/dev/null'
t "none of the $(wc -l <<<"$owned") files the packages installed is left (udev rule, binary, sources)" \
	eval '[ -n "$owned" ] && ! while read -r f; do [ -e "$f" ] && echo "left behind: $f"; done <<<"$owned" | grep . >&2'
t "the definition stays in /etc/mdevctl.d (an administrator's data, like mdevctl's)" \
	test -f "/etc/mdevctl.d/sacc0/$u"

# What a user of a clone does instead of the package: the same DKMS build, from the
# checkout, and make dkms-uninstall leaves nothing.
step "make dkms-install from the checkout" make -s -C "$SACC_REPO" dkms-install
t "DKMS built and installed sacc.ko from the checkout for the running kernel" built_for sacc "$release"
t "modprobe sacc loads the checkout's DKMS module" \
	eval 'modprobe sacc && [ "$(modinfo -n sacc)" = "$(ls /lib/modules/$release/updates/dkms/sacc.ko*)" ] && rmmod sacc'
step "make dkms-uninstall" make -s -C "$SACC_REPO" dkms-uninstall
t "make dkms-uninstall leaves no module, DKMS tree or source" \
	eval '! ls /lib/modules/$release/updates/dkms/sacc*.ko* 2>/dev/null && [ ! -e /var/lib/dkms/sacc ] && ! ls -d /usr/src/sacc-* 2>/dev/null'
tap_plan
