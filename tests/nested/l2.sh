# SPDX-License-Identifier: GPL-2.0
# L2 guests started from inside an L1 VM (the nested suite and the demo). Sourced.
#
# Each L2 VM gets one sacc instance through `-device vfio-pci,sysfsdev=...`, boots
# Debian's kernel ($SACC_L2_KERNEL) with tests/nested/l2-init ($SACC_L2_INITRD) and
# writes its results to $L2_DIR/<name>/results (a 9p share). The L2 guests run under
# TCG; SACC_L2_KVM=1 uses nested KVM when the L1 CPU has svm or vmx (see l2_setup).
#
#   l2_setup                       load kvm, pick the accelerator ($L2_ACCEL), raise the
#                                  lock limit; call it in the suite's own shell
#   l2_start NAME UUID WORK [BOOTS] [SECONDS]
#                                  start a VM in the background (see l2-init for WORK);
#                                  each on one L1 CPU: $L2_CPU, else round robin
#   l2_wait NAME [SECONDS]         wait for it to exit; status in $L2_DIR/NAME/status
#   l2_kill NAME                   SIGKILL its QEMU (an abrupt end, no clean shutdown)
#   l2_cleanup                     SIGKILL every VM still running
#   l2_wait_file NAME FILE [SECONDS]  wait until results/FILE exists (while it runs)
#   l2_rc NAME BOOT STEP           a step's exit status ("none" when it did not run)
#   l2_info NAME BOOT KEY          a value of `sacc-job info` after that boot
#   host_stat UUID KEY             a counter of the instance in sacc's debugfs stats

L2_DIR="${L2_DIR:-/tmp/sacc-l2}"
L2_TIMEOUT="${L2_TIMEOUT:-600}"
L2_MEMORY="${L2_MEMORY:-256}"
L2_ACCEL=tcg
L2_STARTED=0

l2_setup() {
	# Nested KVM is opt-in: in a TCG L1 on these machines, KVM's code patching (static
	# keys, each time a VM starts) raced with the other vCPU under multi-threaded TCG
	# and the L1 kernel died (int3 oops in kvm.ko); with one TCG thread the L2 guests
	# got too slow. L2 under TCG works, at one to two minutes per boot.
	if [ "${SACC_L2_KVM:-0}" = 1 ]; then
		if grep -qw svm /proc/cpuinfo; then
			modprobe kvm_amd 2>/dev/null
		elif grep -qw vmx /proc/cpuinfo; then
			modprobe kvm_intel 2>/dev/null
		fi
		[ -c /dev/kvm ] && L2_ACCEL=kvm
	fi
	ulimit -l unlimited
	mkdir -p "$L2_DIR"
}

l2_start() {
	local name="$1" uuid="$2" work="$3" boots="${4:-1}" seconds="${5:-5}"
	local d="$L2_DIR/$name" reboot=-no-reboot cpu
	rm -rf "$d"
	mkdir -p "$d/results"
	# A guest reboot is a system reset inside the same QEMU: the device stays open.
	[ "$boots" -gt 1 ] && reboot=""
	# Each VM stays on one L1 CPU. Unpinned, L2 guests crashed now and then (double
	# faults, corrupted registers: 4 of about 16 boots); pinned, none of about 20 did.
	cpu="${L2_CPU:-$((L2_STARTED % $(nproc)))}"
	L2_STARTED=$((L2_STARTED + 1))
	taskset -c "$cpu" timeout --kill-after=5 "$L2_TIMEOUT" qemu-system-x86_64 \
		-name "$name" -accel "$L2_ACCEL" -m "$L2_MEMORY" -smp 1 \
		-nodefaults -display none -monitor none $reboot \
		-pidfile "$d/qemu.pid" -serial "file:$d/serial.log" \
		-kernel "$SACC_L2_KERNEL" -initrd "$SACC_L2_INITRD" \
		-append "console=ttyS0 panic=-1 quiet sacc_work=$work sacc_boots=$boots sacc_seconds=$seconds ${L2_APPEND:-}" \
		-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid" \
		-fsdev "local,id=results,path=$d/results,security_model=none,multidevs=remap" \
		-device "virtio-9p-pci,fsdev=results,mount_tag=results" \
		</dev/null >"$d/qemu.log" 2>&1 &
	echo $! >"$d/job.pid"
}

l2_wait() {
	local d="$L2_DIR/$1" limit="${2:-$L2_TIMEOUT}" pid rc i=0
	pid="$(cat "$d/job.pid")"
	while kill -0 "$pid" 2>/dev/null && [ "$i" -lt "$limit" ]; do
		sleep 1
		i=$((i + 1))
	done
	if kill -0 "$pid" 2>/dev/null; then
		l2_kill "$1"
		kill -KILL "$pid" 2>/dev/null
		echo "l2_wait: $1 still running after ${limit}s, killed" >>"$d/qemu.log"
	fi
	wait "$pid" 2>/dev/null
	rc=$?
	echo "$rc" >"$d/status"
	return "$rc"
}

# l2_qemu_pid NAME: the pid of NAME's QEMU while it runs (not a stale pidfile's).
l2_qemu_pid() {
	local pid
	pid="$(cat "$L2_DIR/$1/qemu.pid" 2>/dev/null)" || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "-name $1 " || return 1
	echo "$pid"
}

l2_kill() {
	local pid
	pid="$(l2_qemu_pid "$1")" && kill -KILL "$pid"
}

# l2_cleanup: kill every VM still running (a suite that ends early).
l2_cleanup() {
	local d
	for d in "$L2_DIR"/*/; do
		[ -d "$d" ] && l2_kill "$(basename "$d")"
	done
	return 0
}

l2_wait_file() {
	local d="$L2_DIR/$1" limit="${3:-$L2_TIMEOUT}" i=0
	while [ ! -e "$d/results/$2" ] && [ "$i" -lt $((limit * 5)) ]; do
		kill -0 "$(cat "$d/job.pid")" 2>/dev/null || break
		sleep 0.2
		i=$((i + 1))
	done
	[ -e "$d/results/$2" ]
}

l2_rc() {
	cat "$L2_DIR/$1/results/boot-$2/$3.rc" 2>/dev/null || echo none
}

l2_info() {
	sed -n "s/^$3=//p" "$L2_DIR/$1/results/boot-$2/info.txt" 2>/dev/null
}

host_stat() {
	awk -v k="$2" '$1 == k { print $2 }' "/sys/kernel/debug/sacc/$1/stats" 2>/dev/null
}
