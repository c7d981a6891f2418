#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The demo, inside the L1 VM that plays the host (started by demo/run.sh through
# tests/vm/run.sh, with sacc.ko loaded by tests/vm/guest.sh): one accelerator shared
# by several VMs.
#
#   1. the parent's capacity and types           (sysfs, mdevctl-lite types)
#   2. one instance per VM                       (mdevctl-lite start)
#   3. the VMs, started at once                  (QEMU, -device vfio-pci,sysfsdev=...)
#   4. per-VM progress while they run            (the guests' results, host counters)
#   5. per-VM correctness and throughput, and the host's per-instance counters
#   6. teardown                                  (mdevctl-lite stop; capacity back)
#
# Progress goes to the console as lines starting with "sacc-demo: " (demo/run.sh
# shows them); the checks are TAP on stdout, so a failed check fails the run.
# DEMO_VMS="vm1:sacc-4q vm2:sacc-2q vm3:sacc-1q" chooses the VMs and their types,
# DEMO_SECONDS the length of each VM's benchmark.
set -uo pipefail
. "$SACC_REPO/tests/nested/l2.sh"
L2_DIR=/tmp/sacc-demo
tool="$SACC_SUITE_BIN/mdevctl-lite-build/mdevctl-lite"
parent=sacc0
vms="${DEMO_VMS:-vm1:sacc-2q vm2:sacc-1q}"
seconds="${DEMO_SECONDS:-5}"
t0=$SECONDS

say() { printf 'sacc-demo: [%02d:%02d] %s\n' $(((SECONDS - t0) / 60)) $(((SECONDS - t0) % 60)) "$*" >/dev/console; }
n=0 failed=0
check() { # check DESCRIPTION COMMAND...
	local what="$1"
	shift
	n=$((n + 1))
	if "$@" >>"$L2_DIR/checks.log" 2>&1; then
		echo "ok $n $what"
	else
		echo "not ok $n $what"
		failed=$((failed + 1))
		say "FAILED: $what"
	fi
}
finish() {
	l2_cleanup
	mkdir -p "$SACC_RUN/demo"
	cp -r "$L2_DIR"/. "$SACC_RUN/demo/" 2>/dev/null
	echo "1..$n"
}
trap finish EXIT
trap 'exit 143' TERM INT
mkdir -p "$L2_DIR"

# --- 1. capacity ---
p=/sys/class/sacc/$parent
say "== the accelerator: $parent has $(cat "$p/queues") queues, $(cat "$p/memory_mb") MiB of device memory, $(cat "$p/engines") engines"
# The same facts as `mdevctl-lite types -p $parent`, one line per type.
"$tool" types -p "$parent" --dumpjson >"$L2_DIR/types.json" 2>&1
for t in /sys/class/mdev_bus/$parent/mdev_supported_types/*; do
	say "$(printf '   %-8s %-14s %-32s %s available' "$(basename "$t")" "$(cat "$t/name")" \
		"$(cat "$t/description")" "$(cat "$t/available_instances")")"
done
check "mdevctl-lite types lists the parent's three types" \
	bash -c "grep -c '\"sacc-[124]q\"' '$L2_DIR/types.json' | grep -qx 3"

# --- 2. instances ---
say "== one instance per VM, made with mdevctl-lite"
declare -A uuid type
names=()
for v in $vms; do
	name="${v%%:*}" t="${v#*:}"
	names+=("$name")
	type[$name]="$t"
	uuid[$name]="$("$tool" start -p "$parent" -t "$t" 2>"$L2_DIR/start-$name.err")"
	check "$name: mdevctl-lite start -p $parent -t $t" test -d "/sys/bus/mdev/devices/${uuid[$name]}"
	say "   $name: $t instance ${uuid[$name]:-(failed: $(cat "$L2_DIR/start-$name.err"))}"
done
say "   $("$tool" list | wc -l) active instances; left on $parent: $(for t in sacc-1q sacc-2q sacc-4q; do
	printf '%s=%s ' "$t" "$(cat "/sys/class/mdev_bus/$parent/mdev_supported_types/$t/available_instances")"; done)"

# --- 3. VMs ---
l2_setup
say "== starting ${#names[@]} VMs at once ($L2_ACCEL, Debian's kernel, the sacc_pci guest driver)"
for name in "${names[@]}"; do
	[ -n "${uuid[$name]}" ] || continue
	say "   $name: qemu-system-x86_64 ... -device vfio-pci,sysfsdev=/sys/bus/mdev/devices/${uuid[$name]}"
	l2_start "$name" "${uuid[$name]}" selftest,bench 1 "$seconds"
done

# --- 4. progress ---
# state NAME: one word for where the VM is, from the files its guest wrote.
state() {
	local r="$L2_DIR/$1/results/boot-1"
	if [ -e "$r/done" ]; then echo "finished"
	elif [ -e "$r/bench.rc" ]; then echo "benchmark done"
	elif [ -e "$r/selftest.rc" ]; then
		if [ "$(cat "$r/selftest.rc")" = 0 ]; then echo "selftest passed, benchmarking"; else echo "selftest FAILED, benchmarking"; fi
	elif [ -e "$r/driver.txt" ]; then echo "driver bound $(sed -n 's/^bound //p' "$r/driver.txt" | head -n1), running selftest"
	elif [ -e "$r/pci.txt" ]; then echo "booted, loading sacc_pci"
	else echo "booting"
	fi
}
declare -A last
running=1
while [ "$running" = 1 ]; do
	running=0
	for name in "${names[@]}"; do
		[ -n "${uuid[$name]}" ] || continue
		kill -0 "$(cat "$L2_DIR/$name/job.pid")" 2>/dev/null && running=1
		s="$(state "$name")"
		if [ "$s" != "${last[$name]:-}" ]; then
			say "   $name: $s (host: $(host_stat "${uuid[$name]}" ops) operations, $(host_stat "${uuid[$name]}" bytes) bytes)"
			last[$name]="$s"
		fi
	done
	[ "$running" = 1 ] && sleep 2
done

# --- 5. results ---
say "== results"
rows=()
for name in "${names[@]}"; do
	u="${uuid[$name]}"
	[ -n "$u" ] || continue
	r="$L2_DIR/$name/results/boot-1"
	l2_wait "$name" 5
	# A VM that died in early boot was booted again (tests/nested/l2.sh): say so.
	retried="$(l2_retries "$name")"
	if [ -n "$retried" ]; then
		echo "$retried"
		while read -r l; do say "   ${l#\# }"; done <<<"$retried"
	fi
	check "$name: QEMU exited normally" test "$(cat "$L2_DIR/$name/status")" = 0
	check "$name: the guest's kernel reported nothing after its init started" l2_console_clean "$name"
	check "$name: the guest driver bound the passed-through function" grep -q '^bound ' "$r/driver.txt"
	check "$name: selftest passed in the guest" test "$(l2_rc "$name" 1 selftest)" = 0
	check "$name: benchmark results verified in the guest" test "$(l2_rc "$name" 1 bench)" = 0
	gd="$(l2_info "$name" 1 descriptors)"
	hops="$(host_stat "$u" ops)"
	check "$name: host counter ops ($hops) = operations the guest driver completed ($gd)" \
		test -n "$gd" -a "$gd" = "$hops"
	st="$(grep -c '^ok' "$r/selftest.out" 2>/dev/null)/$(grep -cE '^(not )?ok' "$r/selftest.out" 2>/dev/null)"
	mbps="$(sed -n 's/^bench .*MBps=\([0-9.]*\).*/\1/p' "$r/bench.out" 2>/dev/null | tail -n1)"
	rows+=("$(printf '%-5s %-8s %-9s %-8s %9s %10s %10s %11s %6s' "$name" "${type[$name]}" "${u:0:8}" \
		"$st" "${mbps:--}" "${gd:--}" "$hops" "$(host_stat "$u" bytes)" "$(host_stat "$u" faults)")")
done

# --- 6. teardown ---
say "== teardown"
for name in "${names[@]}"; do
	u="${uuid[$name]}"
	[ -n "$u" ] || continue
	check "$name: mdevctl-lite stop -u $u" "$tool" stop -u "$u"
	check "$name: instance removed" test ! -e "/sys/bus/mdev/devices/$u"
done
check "no active instance left" test -z "$("$tool" list)"
say "   $("$tool" list | wc -l) active instances; $parent back to: $(for t in sacc-1q sacc-2q sacc-4q; do
	printf '%s=%s ' "$t" "$(cat "/sys/class/mdev_bus/$parent/mdev_supported_types/$t/available_instances")"; done)"

say "== summary (guest: selftest checks passed/run, benchmark MB/s, operations; host: sacc's per-instance counters)"
say "$(printf '%-5s %-8s %-9s %-8s %9s %10s %10s %11s %6s' VM type instance selftest 'MB/s' 'guest ops' 'host ops' 'host bytes' faults)"
for row in "${rows[@]}"; do say "$row"; done
if [ "$failed" = 0 ]; then say "all $n checks passed"; else say "$failed of $n checks FAILED"; fi
