#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VM suite: libvirt manages sacc instances on sacc's PCI parent (QEMU's edu function,
# bound to sacc.ko's PCI driver), with mdevctl-lite as its mdevctl. Debian's libvirt
# (libvirtd 9.0, installed on the host by tests/vm/deps.sh, so present in the guest's
# overlay root) is started here, with systemd-udevd for its node-device driver.
# `libvirt.sh backports` (tests/cli/libvirt-backports.sh, which has put libvirt 11.3
# in place first) also checks nodedev-update.
# Prints TAP on stdout; libvirt's and the tool's messages go to stderr (the suite's log).
#
# It writes /etc/libvirt and /etc/mdevctl.d and starts daemons, so it runs only inside
# the test guest (whose /etc is a throw-away overlay).
set -uo pipefail
if [ -z "${SACC_KERNEL:-}" ] || [ "$$" -eq 1 ] || [ ! -d /sys/module/sacc ]; then
	echo "1..1"
	echo "not ok 1 libvirt: run inside the test guest with sacc.ko loaded (see tests/vm/guest.sh)"
	exit 1
fi
. "$SACC_REPO/tests/lib/tap.sh"
tmp="$(mktemp -d)"
pids=()
cleanup() {
	local p d
	virsh -c qemu:///system destroy sacc-libvirt >/dev/null 2>&1
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	# What a failed test left behind: guest.sh unloads sacc after the suites.
	for d in /sys/bus/mdev/devices/*; do [ -e "$d/remove" ] && echo 1 >"$d/remove"; done
	rm -rf "$tmp"
	tap_ended_early
}
trap cleanup EXIT

# libvirtd finds its mdevctl on PATH: mdevctl-lite (built with ASan and UBSan) under
# that name, ahead of any mdevctl the host has installed.
mkdir -p "$tmp/bin"
ln -s "$SACC_SUITE_BIN/mdevctl-lite-build/mdevctl-lite" "$tmp/bin/mdevctl"
export PATH="$tmp/bin:$PATH"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98

# wait_until SECONDS COMMAND...: poll COMMAND every 0.2 s until it succeeds.
wait_until() {
	local n=$(($1 * 5))
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ "$n" -gt 0 ] || return 1
		sleep 0.2
	done
}
new_uuid() { cat /proc/sys/kernel/random/uuid; }
v() { echo "\$ virsh $*" >&2; virsh -c qemu:///system "$@"; }

# avail TYPE: available_instances of TYPE on the PCI parent, from sysfs.
avail() { cat "$types/$1/available_instances"; }
active() { [ -e "/sys/bus/mdev/devices/$1" ]; }
# nodedev_name UUID: libvirt's name of the mediated device UUID on the PCI parent.
nodedev_name() { echo "mdev_${1//-/_}_${pdev#pci_}"; }
# listed NAME ARGS...: NAME is in `virsh nodedev-list ARGS...`. (No grep -q after a
# pipe here: with pipefail, grep -q quitting early gives the writer SIGPIPE and the
# check fails at random.)
listed() { v nodedev-list "${@:2}" | grep -x "$1" >/dev/null; }
# def_field UUID KEY: KEY of the definition of UUID in /etc/mdevctl.d.
def_field() {
	python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
		"/etc/mdevctl.d/$bdf/$1" "$2"
}
# type_xml TYPE FIELD: FIELD (name, deviceAPI, availableInstances) of TYPE in the
# parent's node-device XML.
type_xml() {
	python3 -c 'import sys, xml.etree.ElementTree as E
t = E.parse(sys.argv[1]).find(".//capability[@type=\"mdev_types\"]/type[@id=\"%s\"]" % sys.argv[2])
print("" if t is None else t.findtext(sys.argv[3]))' "$tmp/parent.xml" "$1" "$2"
}
# mdev_xml FILE TYPE [UUID]: a node-device definition of TYPE on the PCI parent.
mdev_xml() {
	{
		echo "<device><parent>$pdev</parent><capability type='mdev'><type id='$2'/>"
		[ -z "${3:-}" ] || echo "<uuid>$3</uuid>"
		echo "</capability></device>"
	} >"$1"
}
# group_free UUID: this process can open UUID's VFIO group (no other user holds it).
group_free() {
	local g
	g="/dev/vfio/$(basename "$(readlink "/sys/bus/mdev/devices/$1/iommu_group")")"
	{ exec 3<>"$g"; } 2>/dev/null || return 1
	exec 3>&-
}
refcnt() { cat /sys/module/sacc/refcnt; }

. "$SACC_REPO/tests/lib/pci_parent.sh"
if ! bdf="$(edu_parent)"; then
	nok "libvirt: the VM's edu function is not bound to sacc's PCI driver"
	tap_plan
	exit 0
fi
pdev="pci_$(tr ':.' '__' <<<"$bdf")"
types="/sys/bus/pci/devices/$bdf/mdev_supported_types"
diag "PCI parent $bdf, libvirt's $pdev"
# As installed by mdevctl's package (and mdevctl-lite's): libvirt watches this
# directory for definitions made without it only when it exists at its start.
rm -rf /etc/mdevctl.d
mkdir /etc/mdevctl.d

# --- the daemons -----------------------------------------------------------------
# udev, for libvirt's node-device driver: its database and its events. Its rules
# load no modules here: the coldplug below would load a dozen at once (ata_piix,
# floppy, e1000, drm, ...), and twice such a burst was where a TCG test VM died
# (int3 in __schedule, a double fault in kmalloc), with nothing of sacc on the stack.
# Files in /etc/udev/rules.d replace those of the same name in /lib/udev/rules.d.
mkdir -p /run/udev /etc/udev/rules.d
for r in 80-drivers.rules 80-debian-compat.rules; do
	echo "# sacc test VM: udev loads no modules" >"/etc/udev/rules.d/$r"
done
/lib/systemd/systemd-udevd >"$SACC_RUN/results/libvirt-udevd.log" 2>&1 &
pids+=($!)
t "systemd-udevd runs" wait_until 20 udevadm control --ping --timeout=5
modules_before="$(cut -d' ' -f1 /proc/modules | sort)"
udevadm trigger --action=add >&2 && udevadm settle --timeout=60 >&2
loaded="$(comm -13 <(echo "$modules_before") <(cut -d' ' -f1 /proc/modules | sort) | tr '\n' ' ')"
if [ -z "$loaded" ]; then
	ok "udev's coldplug loaded no modules"
else
	nok "udev's coldplug loaded no modules: it loaded $loaded"
fi
# What libvirt-daemon-system's postinst makes: the user and group its QEMU runs as.
# No qemu.conf: QEMU runs as that user, in its own mount namespace (a private /dev).
groupadd --system libvirt-qemu >&2
useradd --system --no-create-home --home-dir /var/lib/libvirt --gid kvm \
	--groups libvirt-qemu libvirt-qemu >&2
cat >/etc/libvirt/libvirtd.conf <<EOF
log_outputs="3:file:$SACC_RUN/results/libvirt-libvirtd.log"
EOF
/usr/sbin/virtlogd >"$SACC_RUN/results/libvirt-virtlogd.log" 2>&1 &
pids+=($!)
/usr/sbin/libvirtd >>"$SACC_RUN/results/libvirt-libvirtd.log" 2>&1 &
pids+=($!)
t0=$SECONDS
t "libvirtd answers on qemu:///system" wait_until 60 virsh -c qemu:///system version
diag "libvirtd answered after $((SECONDS - t0)) s; $(virsh -c qemu:///system version | grep -i 'running hypervisor')"

# --- the parent and its types --------------------------------------------------------
t "nodedev-list --cap mdev_types lists the PCI parent $pdev" wait_until 20 listed "$pdev" --cap mdev_types
v nodedev-dumpxml "$pdev" >"$tmp/parent.xml"
cat "$tmp/parent.xml" >&2
eq "its node device's driver is sacc" \
	"$(python3 -c 'import sys, xml.etree.ElementTree as E; print(E.parse(sys.argv[1]).findtext("driver/name"))' "$tmp/parent.xml")" sacc
for d in "$types"/*; do
	ty="$(basename "$d")"
	eq "$ty: name as in sysfs" "$(type_xml "$ty" name)" "$(cat "$types/$ty/name")"
	eq "$ty: deviceAPI vfio-pci" "$(type_xml "$ty" deviceAPI)" vfio-pci
	eq "$ty: availableInstances as in sysfs" "$(type_xml "$ty" availableInstances)" "$(avail "$ty")"
done

# --- a persistent device: define, autostart, start, destroy, undefine ---------------
u="$(new_uuid)"
nd="$(nodedev_name "$u")"
mdev_xml "$tmp/def.xml" sacc-2q "$u"
before="$(avail sacc-2q)"
v nodedev-define "$tmp/def.xml" >"$tmp/out"
cat "$tmp/out" >&2
t "nodedev-define creates $nd" grep -qF "'$nd'" "$tmp/out"
t "... as mdevctl's definition /etc/mdevctl.d/$bdf/$u" test -f "/etc/mdevctl.d/$bdf/$u"
eq "... of type sacc-2q" "$(def_field "$u" mdev_type)" sacc-2q
eq "... started manually" "$(def_field "$u" start)" manual
t "... and does not start it" eval '! active "$u"'
t "nodedev-list --inactive lists it" wait_until 20 listed "$nd" --inactive --cap mdev
t "nodedev-autostart sets the definition to start auto" \
	eval 'v nodedev-autostart "$nd" >&2 && [ "$(def_field "$u" start)" = auto ]'
t "nodedev-info says Autostart: yes" wait_until 20 eval 'v nodedev-info "$nd" | grep -E "^Autostart: +yes" >/dev/null'
t "nodedev-autostart --disable sets it back to manual" \
	eval 'v nodedev-autostart --disable "$nd" >&2 && [ "$(def_field "$u" start)" = manual ]'
t "nodedev-start creates the device in sysfs" eval 'v nodedev-start "$nd" >&2 && active "$u"'
eq "... of type sacc-2q" "$(basename "$(readlink "/sys/bus/mdev/devices/$u/mdev_type")")" sacc-2q
eq "... and sacc-2q has one instance less" "$(avail sacc-2q)" "$((before - 1))"
t "nodedev-list --cap mdev lists it as active" wait_until 20 listed "$nd" --cap mdev

# --- a domain with the instance as its hostdev ----------------------------------------
cat >"$tmp/dom.xml" <<EOF
<domain type='qemu'>
  <name>sacc-libvirt</name>
  <memory unit='MiB'>64</memory>
  <os><type arch='x86_64' machine='pc'>hvm</type></os>
  <devices>
    <hostdev mode='subsystem' type='mdev' model='vfio-pci'>
      <source><address uuid='$u'/></source>
    </hostdev>
    <memballoon model='none'/>
  </devices>
</domain>
EOF
refs="$(refcnt)"
t0=$SECONDS
t "a domain with the instance as <hostdev type='mdev'> starts" v create "$tmp/dom.xml"
diag "virsh create took $((SECONDS - t0)) s"
qemu_pid="$(cat /run/libvirt/qemu/sacc-libvirt.pid 2>/dev/null)"
group="/dev/vfio/$(basename "$(readlink "/sys/bus/mdev/devices/$u/iommu_group")")"
t "its QEMU (pid ${qemu_pid:-none}) runs as libvirt-qemu" \
	eval '[ "$(stat -c %U "/proc/$qemu_pid")" = libvirt-qemu ]'
t "its QEMU has the instance's VFIO group $group open" \
	eval 'ls -l "/proc/$qemu_pid/fd" | grep -- "-> $group\$" >/dev/null'
t "its QEMU has a VFIO device fd" eval 'ls -l "/proc/$qemu_pid/fd" | grep "anon_inode:\[vfio-device\]" >/dev/null'
eq "the open instance holds sacc.ko (refcnt +1)" "$(refcnt)" "$((refs + 1))"
t "no one else can open the instance's group while the domain runs" eval '! group_free "$u"'
t "virsh destroy stops the domain" v destroy sacc-libvirt
t "... its QEMU is gone" wait_until 20 eval '! kill -0 "$qemu_pid"'
eq "... sacc.ko's refcnt is back" "$(refcnt)" "$refs"
t "... and the instance is free again: its group opens" group_free "$u"
t "... and it still exists" active "$u"

t "nodedev-destroy removes the device from sysfs" eval 'v nodedev-destroy "$nd" >&2 && ! active "$u"'
eq "... sacc-2q's instances are back" "$(avail sacc-2q)" "$before"
t "... and keeps its definition" test -f "/etc/mdevctl.d/$bdf/$u"
t "nodedev-undefine removes the definition" \
	eval 'v nodedev-undefine "$nd" >&2 && [ ! -e "/etc/mdevctl.d/$bdf/$u" ]'
t "... and libvirt forgets the device" wait_until 20 eval '! listed "$nd" --all --cap mdev'

# --- a transient device: create, destroy ---------------------------------------------
u="$(new_uuid)"
nd="$(nodedev_name "$u")"
mdev_xml "$tmp/create.xml" sacc-1q "$u"
t "nodedev-create starts a transient device" \
	eval 'v nodedev-create "$tmp/create.xml" | grep -F "$nd" >/dev/null && active "$u"'
t "... with no definition in /etc/mdevctl.d" test ! -e "/etc/mdevctl.d/$bdf/$u"
t "nodedev-destroy removes it" eval 'v nodedev-destroy "$nd" >&2 && ! active "$u"'
t "... and libvirt forgets it" wait_until 20 eval '! listed "$nd" --all --cap mdev'

# --- mdevctl's side: UUIDs it generates, definitions made without libvirt -------------
mdev_xml "$tmp/nouuid.xml" sacc-4q
v nodedev-define "$tmp/nouuid.xml" >"$tmp/out" 2>&1
cat "$tmp/out" >&2
u="$(ls "/etc/mdevctl.d/$bdf" 2>/dev/null | head -1)"
t "nodedev-define without a UUID: the one mdevctl generated names the device" \
	eval '[ -n "$u" ] && grep -qF "$(nodedev_name "$u")" "$tmp/out"'
[ -z "$u" ] || v nodedev-undefine "$(nodedev_name "$u")" >&2
u="$(new_uuid)"
mdevctl define -u "$u" -p "$bdf" -t sacc-1q >&2
t "a definition made with mdevctl directly appears in libvirt" \
	wait_until 20 listed "$(nodedev_name "$u")" --inactive --cap mdev
mdevctl undefine -u "$u" >&2
t "... and goes when mdevctl undefines it" \
	wait_until 20 eval '! listed "$(nodedev_name "$u")" --all --cap mdev'
u="$(new_uuid)"
mdev_xml "$tmp/bad.xml" sacc-9q "$u"
t "nodedev-create of a type the parent does not have fails" eval '! v nodedev-create "$tmp/bad.xml" 2>"$tmp/err"'
cat "$tmp/err" >&2
t "... naming the type" grep -qF sacc-9q "$tmp/err"
t "... and creates nothing" eval '! active "$u" && [ -z "$(ls "/etc/mdevctl.d/$bdf" 2>/dev/null)" ]'


# --- libvirt 11: nodedev-update changes a definition through mdevctl modify ----------
if [ "${1:-}" = backports ]; then
	u="$(new_uuid)"
	nd="$(nodedev_name "$u")"
	mdev_xml "$tmp/upd.xml" sacc-2q "$u"
	v nodedev-define "$tmp/upd.xml" >&2
	# nodedev-update validates the XML against libvirt's schema, which needs <name>.
	sed -i -e "s|<device>|<device><name>$nd</name>|" \
		-e "s|</capability>|<attr name='weight' value='8'/></capability>|" "$tmp/upd.xml"
	t "nodedev-update --config adds an attribute to the definition" \
		eval 'v nodedev-update "$nd" "$tmp/upd.xml" --config >&2 &&
			grep -q "\"weight\": *\"8\"" "/etc/mdevctl.d/$bdf/$u"'
	t "nodedev-dumpxml --inactive shows it" \
		eval 'v nodedev-dumpxml --inactive "$nd" | grep "<attr name=.weight. value=.8./>" >/dev/null'
	t "nodedev-start applies it: the instance's weight is 8" \
		eval 'v nodedev-start "$nd" >&2 && [ "$(cat "/sys/bus/mdev/devices/$u/weight")" = 8 ]'
	sed -i "s|value='8'|value='3'|" "$tmp/upd.xml"
	t "nodedev-update --live without a callout that supports it fails" \
		eval '! v nodedev-update "$nd" "$tmp/upd.xml" --live 2>"$tmp/err"'
	cat "$tmp/err" >&2
	t "... changing neither the instance nor its definition" \
		eval '[ "$(cat "/sys/bus/mdev/devices/$u/weight")" = 8 ] &&
			grep -q "\"weight\": *\"8\"" "/etc/mdevctl.d/$bdf/$u"'
	v nodedev-destroy "$nd" >&2
	v nodedev-undefine "$nd" >&2
fi

tap_plan
