#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VM suite `nested-sharing`: one sacc parent shared by several L2 guests, each given
# its own instance with `-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/<uuid>` and
# using it through the guest driver (kernel/guest/, sacc_pci.ko) and sacc-job.
#
#   A. two guests at once (sacc-2q and sacc-1q instances made with mdevctl-lite): beta
#      runs sacc-job selftest and bench, alpha verified jobs of every kind and bench,
#      then reboots and does it again. The
#      host's per-instance counters must match what the guest drivers counted.
#   B. (beside alpha) on an instance of the PCI parent (QEMU's edu function bound to
#      sacc, as management stacks see parents), made after beta's is stopped: a guest
#      killed with SIGKILL in the middle of its work leaves an instance that the next
#      guest, delta, uses normally; then that instance is removed while delta uses it:
#      QEMU gets the REQ interrupt and unplugs it from the guest, the guest driver lets
#      go, QEMU closes the device and the removal completes.
#   C. alpha's results over two boots; removing its instance after it exited, with
#      mdevctl-lite.
# Every guest's kernel must report nothing (no oops, WARN, panic) after its init
# started. A guest that died before its init started is booted again by l2.sh, at
# most twice; each retry is a "# retry:" diagnostic, and the last line counts them.
#
# Runs inside the L1 test VM (tests/vm/guest.sh). Prints TAP; the guests' serial
# logs and results are copied to $SACC_RUN/nested-sharing/ for inspection.
set -uo pipefail
if [ -z "${SACC_KERNEL:-}" ] || [ ! -d /sys/class/mdev_bus/sacc0 ] || [ -z "${SACC_L2_INITRD:-}" ]; then
	echo "1..1"
	echo "not ok 1 nested-sharing: run inside the test guest with sacc.ko loaded and the L2 guest prepared (tests/vm/run.sh)"
	exit 1
fi
. "$SACC_REPO/tests/nested/l2.sh"
. "$SACC_REPO/tests/lib/tap.sh"
. "$SACC_REPO/tests/lib/pci_parent.sh"
L2_DIR=/tmp/nested-sharing
tool="$SACC_SUITE_BIN/mdevctl-lite-build/mdevctl-lite"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=99
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:exitcode=98
types=/sys/class/mdev_bus/sacc0/mdev_supported_types

finish() {
	tap_ended_early
	l2_cleanup
	sleep 1
	for u in ${u1:-} ${u2:-} ${u3:-}; do
		[ -e "/sys/bus/mdev/devices/$u" ] && echo 1 >"/sys/bus/mdev/devices/$u/remove"
	done
	mkdir -p "$SACC_RUN/nested-sharing"
	cp -r "$L2_DIR"/. "$SACC_RUN/nested-sharing/" 2>/dev/null
}
trap finish EXIT
# The suite's time limit sends SIGTERM: end through the EXIT trap, which cleans up.
trap 'exit 143' TERM INT

avail() { cat "$types/$1/available_instances"; }
# guest_passed VM BOOT STEP: that step of the guest's workload exited 0.
guest_passed() { [ "$(l2_rc "$1" "$2" "$3")" = 0 ]; }
bound() { grep -q '^bound ' "$L2_DIR/$1/results/boot-$2/driver.txt" 2>/dev/null; }
# descriptors VM BOOT...: the sum of what the guest driver counted over those boots.
descriptors() {
	local vm="$1" sum=0 b v
	shift
	for b in "$@"; do
		v="$(l2_info "$vm" "$b" descriptors)"
		[ -n "$v" ] || { echo ""; return; }
		sum=$((sum + v))
	done
	echo "$sum"
}
# both_busy U1 U2: the host counts operations on both instances while both guests run.
both_busy() {
	local i=0
	while [ "$i" -lt 600 ]; do
		[ "$(host_stat "$1" ops)" -gt 0 ] 2>/dev/null && [ "$(host_stat "$2" ops)" -gt 0 ] 2>/dev/null &&
			break
		sleep 1
		i=$((i + 1))
	done
	[ "$i" -lt 600 ] && kill -0 "$(cat "$L2_DIR/alpha/job.pid")" && kill -0 "$(cat "$L2_DIR/beta/job.pid")"
}

l2_setup
diag "L2 guests use $L2_ACCEL (kernel $SACC_L2_KERNEL)"
avail2="$(avail sacc-2q)" avail1="$(avail sacc-1q)"

u1="$("$tool" start -p sacc0 -t sacc-2q)"
t "mdevctl-lite starts a sacc-2q instance for guest alpha" test -d "/sys/bus/mdev/devices/$u1"
u2="$("$tool" start -p sacc0 -t sacc-1q)"
t "mdevctl-lite starts a sacc-1q instance for guest beta" test -d "/sys/bus/mdev/devices/$u2"

# --- A. two guests at once; alpha reboots once ---
# alpha on the test VM's first CPU; beta, then gamma and delta, on the second.
L2_CPU=0 l2_start alpha "$u1" ops,bench 2 3
L2_CPU=1 l2_start beta "$u2" selftest,bench 1 3
t "both guests run jobs on their instances at the same time" both_busy "$u1" "$u2"
l2_wait beta
eq "guest beta: QEMU exits normally" "$(cat "$L2_DIR/beta/status")" 0
t "guest beta: sacc_pci binds the passed-through function" bound beta 1
t "guest beta: sacc-job selftest passes" guest_passed beta 1 selftest
t "guest beta: sacc-job bench verifies its results" guest_passed beta 1 bench
diag "beta: $(grep -h '^bench' "$L2_DIR/beta/results/boot-1/bench.out" 2>/dev/null)"
eq "host counter ops of beta's instance = descriptors beta's driver completed" \
	"$(host_stat "$u2" ops)" "$(descriptors beta 1)"
eq "host counter bytes of beta's instance = bytes beta's driver counted" \
	"$(host_stat "$u2" bytes)" "$(l2_info beta 1 bytes)"

t "mdevctl-lite stop removes beta's instance after its guest exited" "$tool" stop -u "$u2"

# --- B. (while alpha goes on) on the PCI parent: SIGKILL, then reuse; removal of an
# instance in use ---
if pci="$(edu_parent)"; then
	u3="$("$tool" start -p "$pci" -t sacc-1q)"
	t "mdevctl-lite starts a sacc-1q instance on the PCI parent $pci for guests gamma and delta" \
		test -d "/sys/bus/pci/devices/$pci/${u3:-none}"
else
	nok "the VM's edu function is bound to sacc's PCI driver (the PCI parent for gamma and delta)"
	u3=""
fi
L2_CPU=1 l2_start gamma "$u3" soak 1 3
# busy UUID BASE: the instance's operations counter goes above BASE.
busy() {
	local i=0
	while [ "$i" -lt 300 ]; do
		[ "$(host_stat "$1" ops)" -gt "$2" ] 2>/dev/null && return 0
		sleep 1
		i=$((i + 1))
	done
	return 1
}
if l2_wait_file gamma boot-1/soaking; then
	# The counters restarted when gamma's QEMU opened the device: they are gamma's.
	base="$(host_stat "$u3" ops)"
	t "guest gamma is working on its instance (operations counted by the host go up from $base)" \
		busy "$u3" "$base"
else
	nok "guest gamma started its workload"
fi
t "SIGKILL reaches guest gamma's QEMU while it runs" l2_kill gamma
l2_wait gamma 30
t "SIGKILL ends guest gamma's QEMU" \
	bash -c "[ \"\$(cat '$L2_DIR/gamma/status')\" -ne 0 ] && ! grep -q 'still running' '$L2_DIR/gamma/qemu.log'"
t "the killed guest's instance is still there" test -d "/sys/bus/mdev/devices/$u3"
# unpinned UUID: the instance's pinned pages drop to 0 (at the last close) within 10 s.
unpinned() {
	local i=0
	while [ "$(host_stat "$1" pinned_pages)" != 0 ] && [ "$i" -lt 10 ]; do sleep 1; i=$((i + 1)); done
	[ "$(host_stat "$1" pinned_pages)" = 0 ]
}
t "the killed guest's instance has no pages pinned any more" unpinned "$u3"

# delta reuses it, then keeps working until the instance is taken away.
L2_CPU=1 l2_start delta "$u3" ops,wait-gone 1
if l2_wait_file delta boot-1/waiting; then
	t "guest delta: verified jobs of every kind pass on the instance the killed guest left" \
		guest_passed delta 1 ops
	sleep 3
	( echo 1 >"/sys/bus/mdev/devices/$u3/remove" ) 2>"$L2_DIR/remove.err" &
	rpid=$!
	i=0
	while kill -0 "$rpid" 2>/dev/null && [ "$i" -lt 180 ]; do sleep 1; i=$((i + 1)); done
	if kill -0 "$rpid" 2>/dev/null; then
		nok "removing the instance while guest delta uses it completes once QEMU lets go (still waiting after 180 s)"
	else
		wait "$rpid"
		rc=$?
		eq "removing the instance while guest delta uses it completes once QEMU lets go (${i} s)" "$rc" 0
	fi
	t "the removed instance is gone from sysfs" test ! -e "/sys/bus/mdev/devices/$u3"
	l2_wait delta 120
	eq "guest delta: the driver saw the device unplugged, and every job before was correct" \
		"$(l2_rc delta 1 wait-gone)" 0
	diag "delta: $(cat "$L2_DIR/delta/results/boot-1/wait-gone.out" 2>/dev/null)"
	t "guest delta: its kernel logged the unplug of the function" \
		grep -qiE 'sacc_pci.*(remov|unplug|gone)' "$L2_DIR/delta/serial.log" "$L2_DIR/delta/results/boot-1/dmesg.txt"
else
	nok "guest delta started its workload"
fi

# --- C. alpha: two boots, then removal after the guest exited ---
l2_wait alpha
eq "guest alpha: QEMU exits normally after two boots" "$(cat "$L2_DIR/alpha/status")" 0
for b in 1 2; do
	t "guest alpha boot $b: sacc_pci binds the passed-through function" bound alpha "$b"
	t "guest alpha boot $b: verified jobs of every kind pass" guest_passed alpha "$b" ops
	t "guest alpha boot $b: sacc-job bench verifies its results" guest_passed alpha "$b" bench
	diag "alpha boot $b: $(grep -h '^bench' "$L2_DIR/alpha/results/boot-$b/bench.out" 2>/dev/null)"
done
eq "host counter ops of alpha's instance = descriptors alpha's driver completed (both boots)" \
	"$(host_stat "$u1" ops)" "$(descriptors alpha 1 2)"
eq "no queue faults on alpha's instance" "$(host_stat "$u1" faults)" 0
t "mdevctl-lite stop removes alpha's instance after its guest exited" "$tool" stop -u "$u1"
t "the instance is gone from sysfs" test ! -e "/sys/bus/mdev/devices/$u1"
eq "the parent has all its capacity back" "$(avail sacc-2q) $(avail sacc-1q)" "$avail2 $avail1"
t "mdevctl-lite lists no active device" test -z "$("$tool" list)"

# Every guest: its early-boot retries, and a clean kernel log once its init started.
retries=0
for vm in alpha beta gamma delta; do
	l2_retries "$vm"
	retries=$((retries + $?))
	t "guest $vm: its kernel reported nothing after its init started" l2_console_clean "$vm"
	[ -s "$L2_DIR/$vm/kernel-reports.txt" ] && diag "$vm: $(head -n 3 "$L2_DIR/$vm/kernel-reports.txt")"
done
diag "early-boot retries: $retries"
tap_plan
