# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# L2 guests started from inside an L1 VM (the nested suites and the demo). Sourced.
#
# Each L2 VM gets one sacc instance through `-device vfio-pci,sysfsdev=...`, boots
# the L2 kernel ($SACC_L2_KERNEL, tests/nested/prepare.sh) with tests/nested/l2-init
# ($SACC_L2_INITRD) and
# writes its results to $L2_DIR/<name>/results (a 9p share). The L2 guests run under
# TCG with $SACC_L2_QEMU (default: the system's QEMU); SACC_L2_KVM=1 uses nested KVM
# when the L1 CPU has svm or vmx (see l2_setup).
#
# Early-boot deaths. An L2 guest under TCG inside a TCG L1 now and then dies in early
# boot from an emulation fault (docs/testing.md). A guest whose QEMU exits by itself
# (status 0: a panic with panic=-1, a triple fault) before the guest's init printed
# its first line ($L2_INIT_MARK) died before any guest-side sacc code ran: it is
# booted again, at most $L2_RETRIES times, and each retry is recorded in
# $L2_DIR/NAME/retries. Nothing else is ever retried: a guest that dies after its init
# started, a QEMU that fails or is killed, a timeout.
#
#   l2_setup                       load kvm, pick the accelerator ($L2_ACCEL), raise the
#                                  lock limit; call it in the suite's own shell
#   l2_start NAME UUID WORK [BOOTS] [SECONDS]
#                                  start a VM in the background (see l2-init for WORK);
#                                  each on one L1 CPU: $L2_CPU, else round robin.
#                                  UUID "-" starts it without a sacc instance
#   l2_wait NAME [SECONDS]         wait for it to exit; status in $L2_DIR/NAME/status
#                                  (3: it died before its init started every time)
#   l2_kill NAME                   SIGKILL its QEMU (an abrupt end, no clean shutdown)
#   l2_cleanup                     SIGKILL every VM still running
#   l2_wait_file NAME FILE [SECONDS]  wait until results/FILE exists (while it runs)
#   l2_rc NAME BOOT STEP           a step's exit status ("none" when it did not run)
#   l2_info NAME BOOT KEY          a value of `sacc-job info` after that boot
#   l2_retries NAME                print one TAP diagnostic per early-boot retry of NAME
#                                  (also one absorbed by the guest's own reboot) and
#                                  return how many there were
#   l2_console_clean NAME          the guest's kernel reported nothing (no oops, WARN,
#                                  panic...) after its init first started; the
#                                  reports are in $L2_DIR/NAME/kernel-reports.txt
#   host_stat UUID KEY             a counter of the instance in sacc's debugfs stats

. "$SACC_REPO/tests/vm/common.sh"
L2_DIR="${L2_DIR:-/tmp/sacc-l2}"
L2_TIMEOUT="${L2_TIMEOUT:-600}"
L2_MEMORY="${L2_MEMORY:-256}"
L2_QEMU="${SACC_L2_QEMU:-qemu-system-x86_64}"
L2_QEMU_ARGS="${SACC_L2_QEMU_ARGS:-}"
L2_RETRIES="${L2_RETRIES:-2}"
L2_INIT_MARK="l2: init started"
L2_ACCEL=tcg
L2_STARTED=0

l2_setup() {
	# Nested KVM is opt-in: in a TCG L1 on these machines, KVM's code patching (static
	# keys, each time a VM starts) raced with the other vCPU under multi-threaded TCG
	# and the L1 kernel died (int3 oops in kvm.ko); with one TCG thread the L2 guests
	# got too slow. L2 under TCG works: the l2 kernel reaches its init in under a minute.
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
	local d="$L2_DIR/$name" cpu
	local -a args
	rm -rf "$d"
	mkdir -p "$d/results"
	# Each VM stays on one L1 CPU. Unpinned, L2 guests crashed now and then (double
	# faults, corrupted registers: 4 of about 16 boots); pinned, none of about 20 did.
	cpu="${L2_CPU:-$((L2_STARTED % $(nproc)))}"
	L2_STARTED=$((L2_STARTED + 1))
	args=(-name "$name" -accel "$L2_ACCEL" -m "$L2_MEMORY" -smp 1
		-nodefaults -display none -monitor none
		-pidfile "$d/qemu.pid" -serial "file:$d/serial.log"
		-kernel "$SACC_L2_KERNEL" -initrd "$SACC_L2_INITRD"
		-append "console=ttyS0 panic=-1 quiet sacc_work=$work sacc_boots=$boots sacc_seconds=$seconds ${L2_APPEND:-}"
		-fsdev "local,id=results,path=$d/results,security_model=none,multidevs=remap"
		-device "virtio-9p-pci,fsdev=results,mount_tag=results")
	[ "$uuid" = - ] || args+=(-device "vfio-pci,sysfsdev=/sys/bus/mdev/devices/$uuid")
	# A guest reboot is a system reset inside the same QEMU: the device stays open.
	[ "$boots" -gt 1 ] || args+=(-no-reboot)
	# shellcheck disable=SC2086 # L2_QEMU_ARGS is a list of options
	l2_supervise "$name" "$cpu" $L2_QEMU_ARGS "${args[@]}" </dev/null >/dev/null 2>&1 &
	echo $! >"$d/job.pid"
}

# l2_supervise NAME CPU QEMU-ARGS...: run the guest's QEMU (in the background job);
# boot it again when it died before its init started, at most $L2_RETRIES times.
l2_supervise() {
	local name="$1" cpu="$2" d="$L2_DIR/$1" attempt=1 rc
	shift 2
	while :; do
		taskset -c "$cpu" timeout --kill-after=5 "$L2_TIMEOUT" "$L2_QEMU" "$@" >>"$d/qemu.log" 2>&1
		rc=$?
		# Exit status 0 is the guest's own doing (-no-reboot turns a panic or a triple
		# fault into an exit); a QEMU error, a signal or the timeout is never retried.
		if [ "$rc" -ne 0 ] || grep -aqF "$L2_INIT_MARK" "$d/serial.log" 2>/dev/null; then
			exit "$rc"
		fi
		mv "$d/serial.log" "$d/serial.attempt-$attempt.log"
		if [ "$attempt" -gt "$L2_RETRIES" ]; then
			echo "l2: $name died before its init started, $attempt times: giving up" >>"$d/qemu.log"
			exit 3
		fi
		echo "guest $name died before its init started (boot attempt $attempt, console in serial.attempt-$attempt.log): $(first_kernel_report "$d/serial.attempt-$attempt.log")" >>"$d/retries"
		echo "l2: $name died before its init started; booting it again" >>"$d/qemu.log"
		attempt=$((attempt + 1))
	done
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

# l2_early_panics FILE: how many times the kernel panicked in FILE before the first
# init line (a guest that reboots itself absorbs an early death that way).
l2_early_panics() {
	sed -n "/$L2_INIT_MARK/q;p" "$1" 2>/dev/null | grep -a -c "Kernel panic"
}

l2_retries() {
	local d="$L2_DIR/$1" n=0 line early
	if [ -f "$d/retries" ]; then
		while read -r line; do
			echo "# retry: $line"
			n=$((n + 1))
		done <"$d/retries"
	fi
	if grep -aqF "$L2_INIT_MARK" "$d/serial.log" 2>/dev/null; then
		early="$(l2_early_panics "$d/serial.log")"
		if [ "$early" -gt 0 ]; then
			echo "# retry: guest $1 rebooted itself $early time(s) before its init started: $(first_kernel_report "$d/serial.log")"
			n=$((n + early))
		fi
	fi
	return "$n"
}

l2_console_clean() {
	local d="$L2_DIR/$1" r="$L2_DIR/$1/kernel-reports.txt"
	if ! grep -aqF "$L2_INIT_MARK" "$d/serial.log" 2>/dev/null; then
		echo "its init never started" >"$r"
		return 1
	fi
	sed -n "/$L2_INIT_MARK/,\$p" "$d/serial.log" | grep -a -E "$SACC_KERNEL_REPORTS" >"$r"
	if [ "$(l2_early_panics "$d/serial.log")" -gt "$L2_RETRIES" ]; then
		echo "it panicked more than $L2_RETRIES times before its init started" >>"$r"
	fi
	[ ! -s "$r" ]
}

host_stat() {
	awk -v k="$2" '$1 == k { print $2 }' "/sys/kernel/debug/sacc/$1/stats" 2>/dev/null
}
