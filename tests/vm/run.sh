#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--kernel KIND] [--timeout SEC] [--follow PREFIX] [--append ARGS] SUITE...
#
# KIND: debug (the project's debug kernel, the default), distro (Debian's 6.12 of
# bookworm-security), or distro-6.1, distro-trixie, distro-backports (Debian's other
# kernels: tests/vm/kernel-distro.sh).
#
# Boots the chosen test kernel in QEMU (TCG; KVM only when the CPU really has
# vmx/svm), always under `timeout`, with the host root shared read-only over 9p
# and two PCI functions for sacc's PCI driver (QEMU's edu, which it claims, and
# pci-testdev, which the pci-parent suite hands to it with driver_override);
# runs the suites inside (see guest.sh) and checks the outcome. The run FAILS on a
# failed test, missing results, a timeout, or a kernel report in the serial log
# (WARN, BUG, oops, panic, KASAN, UBSAN, lockdep, hung task, kmemleak).
#
# A VM that dies in early boot under TCG (QEMU exits by itself before the guest's
# init printed "sacc-init: started", so before any test or sacc code ran) is booted
# again, at most twice; each retry is printed ("retry: ...") and listed in
# $SACC_RETRIES when set. Nothing else is retried.
#
# Prints one line per suite and ends with "N passed, N failed, N skipped". Exit
# status 0 only when nothing failed. The run directory (serial log, TAP files, dmesg)
# is kept under build/runs/; its path is printed when the run fails.
#
# --follow PREFIX prints, while the guest runs, the serial-console lines that start
# with PREFIX (without it) on stderr: the progress of a long suite such as the demo.
# --append ARGS adds ARGS to the guest kernel's command line.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$here/common.sh"
. "$here/tap.sh"

kind=debug
timeout_s=""
follow=""
append=""
suites=()
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kind="$2"; shift 2 ;;
	--timeout) timeout_s="$2"; shift 2 ;;
	--follow) follow="$2"; shift 2 ;;
	--append) append="$2"; shift 2 ;;
	-h|--help) sed -n '4,29p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) die "run.sh: unknown option $1" ;;
	*) suites+=("$1"); shift ;;
	esac
done
[ ${#suites[@]} -gt 0 ] || die "run.sh: no suite given"
case "$kind" in
debug) kdir="$("$here/kernel-build.sh" debug)" ;;
distro) kdir="$("$here/kernel-distro.sh")" ;;
distro-6.1|distro-6.12|distro-trixie|distro-backports) kdir="$("$here/kernel-distro.sh" "${kind#distro-}")" ;;
*) die "run.sh: --kernel must be debug, distro or distro-{6.1,6.12,trixie,backports}, not '$kind'" ;;
esac
# TCG is slow, the debug kernel (KASAN, lockdep) slower still, and nested guests
# slowest of all.
[ -n "$timeout_s" ] || timeout_s=1800
release="$(cat "$kdir/release")"
# SACC_BUILD_ROOT: where the modules are built, one directory per kernel (default
# build/): runs side by side need their own (tests/run-all.sh, the harness).
build="${SACC_BUILD_ROOT:-$repo/build}/$kind"

# The module, built for this kernel in its own directory.
log "[$kind] building sacc.ko for $release"
mkdir -p "$build/kernel"
cp -a "$repo/kernel/." "$build/kernel/"
"$here/kbuild.sh" "$kdir" "$build/kernel" -s >"$build/module-build.log" 2>&1 ||
	{ cat "$build/module-build.log" >&2; die "[$kind] sacc.ko does not build against $release"; }

selftest_dir=""
if printf '%s\n' "${suites[@]}" | grep -q '^selftest-'; then
	selftest_dir="$build/selftest-kmod"
	mkdir -p "$selftest_dir"
	cp -a "$repo/tests/selftest/kmod/." "$selftest_dir/"
	"$here/kbuild.sh" "$kdir" "$selftest_dir" -s >"$build/selftest-build.log" 2>&1 ||
		{ cat "$build/selftest-build.log" >&2; die "[$kind] harness self-test modules do not build"; }
fi

# The kernel's mtty sample, an independent mdev parent for the CLI suite: the debug
# kernel has it as a module, Debian's kernel does not, so build it out of tree there.
mtty_ko=""
if printf '%s\n' "${suites[@]}" | grep -q '^cli-' &&
	! find "$kdir/modules" -name 'mtty.ko*' | grep -q .; then
	mkdir -p "$build/mtty"
	cp "$("$here/kernel-source.sh")/samples/vfio-mdev/mtty.c" "$build/mtty/"
	echo 'obj-m := mtty.o' >"$build/mtty/Kbuild"
	"$here/kbuild.sh" "$kdir" "$build/mtty" -s >"$build/mtty-build.log" 2>&1 ||
		{ cat "$build/mtty-build.log" >&2; die "[$kind] the mtty sample does not build"; }
	mtty_ko="$build/mtty/mtty.ko"
fi

# The demo needs only the tool; the suites need every test program.
if printf '%s\n' "${suites[@]}" | grep -qvx demo; then
	make -s -C "$repo/tests" vm-suites >&2 || die "[$kind] the VM suites do not build"
else
	make -s -C "$repo/mdevctl-lite" OUT="$repo/build/tests/mdevctl-lite-build" >&2 ||
		die "[$kind] mdevctl-lite does not build"
fi

# Nested suites start L2 guests inside the VM: their kernel, driver and initramfs are
# built here, on the host.
l2_env="SACC_L2_KERNEL='' SACC_L2_INITRD='' SACC_L2_QEMU='' SACC_L2_QEMU_ARGS=''"
# (bench: B7 runs sacc-job in an L2 guest.)
if printf '%s\n' "${suites[@]}" | grep -qE '^(nested-|selftest-nested$|demo$|bench$)'; then
	l2_env="$("$repo/tests/nested/prepare.sh")" || die "[$kind] cannot prepare the L2 guests"
fi
# The install suite installs the packages and Debian's headers, made and downloaded here.
install_env=""
if printf '%s\n' "${suites[@]}" | grep -qx install; then
	install_env="$("$repo/tests/install/prepare.sh" "$release")" || die "[$kind] cannot prepare the install suite"
fi
# cli-libvirt-backports runs libvirt 11.3 from bookworm-backports, unpacked here.
libvirt_env="SACC_LIBVIRT_ROOT=''"
if printf '%s\n' "${suites[@]}" | grep -qx cli-libvirt-backports; then
	libvirt_env="$("$here/libvirt-backports.sh")" || die "[$kind] cannot prepare libvirt from bookworm-backports"
fi
initrd="$("$here/initramfs.sh" "$kdir")"

# A hanging suite is killed in the guest early enough to still collect the others'
# results; with a short limit the host's timeout is the only one.
suite_timeout=$timeout_s
[ "$timeout_s" -le 240 ] || suite_timeout=$((timeout_s - 120))

run="$repo/build/runs/$kind-$(date +%Y%m%d-%H%M%S)-$$"
mkdir -p "$run/results"
extra=""
[ -e "$kdir/build/.config" ] && grep -q '^CONFIG_IOMMUFD=m' "$kdir/build/.config" && extra="iommufd"
cat >"$run/job.env" <<JOB
SACC_REPO='$repo'
SACC_RUN='$run'
SACC_KERNEL='$kind'
SACC_MODDIR='$kdir/modules/lib/modules'
SACC_MODULE_DIR='$build/kernel'
SACC_SELFTEST_DIR='$selftest_dir'
SACC_SUITE_BIN='$repo/build/tests'
SACC_SUITES='${suites[*]}'
SACC_SUITE_TIMEOUT='$suite_timeout'
SACC_EXTRA_MODULES='$extra'
SACC_MTTY_KO='$mtty_ko'
$libvirt_env
$l2_env
$install_env
export SACC_REPO SACC_RUN SACC_KERNEL SACC_MODDIR SACC_MODULE_DIR SACC_SELFTEST_DIR
export SACC_SUITE_BIN SACC_SUITES SACC_SUITE_TIMEOUT SACC_EXTRA_MODULES SACC_MTTY_KO SACC_LIBVIRT_ROOT
export SACC_L2_KERNEL SACC_L2_INITRD SACC_L2_QEMU SACC_L2_QEMU_ARGS
JOB
# Variables the caller wants inside the guest (names in $SACC_PASS_ENV).
for v in ${SACC_PASS_ENV:-}; do
	printf "export %s=%q\n" "$v" "${!v}" >>"$run/job.env"
done

accel=tcg
cpu=()
if grep -qwE 'vmx|svm' /proc/cpuinfo && [ -w /dev/kvm ]; then accel=kvm; fi
# Under TCG the guest gets no svm/vmx (QEMU's default TCG model, qemu64, has svm), so
# no KVM in the test VM: every KVM VM created or destroyed there (libvirt's QEMU
# capability probe creates some) flips the preempt-notifier static key and patches
# __schedule(), and under multi-threaded TCG the other vCPU ran into the half-patched
# code: "Oops: int3" in __schedule, a dead test VM (docs/testing.md). SACC_L2_KVM=1,
# the opt-in nested KVM of tests/nested/l2.sh, keeps svm.
if [ "$accel" = tcg ] && [ "${SACC_L2_KVM:-0}" != 1 ]; then cpu=(-cpu qemu64,-svm,-vmx); fi
log "[$kind] booting $release ($accel) for: ${suites[*]} (limit ${timeout_s}s)"
init_mark="sacc-init: started"
retries=2
start=$SECONDS
attempt=1
: >"$run/retries"
set +e
while :; do
	timeout --kill-after=10 "$((timeout_s - (SECONDS - start)))" qemu-system-x86_64 \
		-accel "$accel" "${cpu[@]}" -m 2048 -smp 2 \
		-display none -monitor none -no-reboot \
		-serial "file:$run/serial.log" \
		-kernel "$kdir/bzImage" -initrd "$initrd" \
		-append "console=ttyS0 panic=-1 acpi=noirq sacc_run=$run $append" \
		-fsdev "local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap" \
		-device "virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot" \
		-fsdev "local,id=results,path=$run,security_model=none,multidevs=remap" \
		-device "virtio-9p-pci,fsdev=results,mount_tag=results" \
		-device edu -device pci-testdev \
		</dev/null >>"$run/qemu.log" 2>&1 &
	qemu_pid=$!
	if [ -n "$follow" ]; then
		touch "$run/serial.log"
		tail -n +1 -F --pid="$qemu_pid" "$run/serial.log" 2>/dev/null |
			sed -u -n "s/\r\$//; s/^$follow//p" >&2 &
	fi
	wait "$qemu_pid"
	qemu_rc=$?
	wait
	# Exit status 0 is the guest's own doing (-no-reboot turns a panic or a triple
	# fault into an exit). Only a guest that died before its init started is booted
	# again: a QEMU error, the timeout, or anything after that line is the run's result.
	if [ "$qemu_rc" -ne 0 ] || grep -aqF "$init_mark" "$run/serial.log" ||
		[ "$attempt" -gt "$retries" ] || [ $((timeout_s - (SECONDS - start))) -lt 60 ]; then
		break
	fi
	mv "$run/serial.log" "$run/serial.attempt-$attempt.log"
	echo "test VM ($kind) died before its init started (boot attempt $attempt, console in $run/serial.attempt-$attempt.log): $(first_kernel_report "$run/serial.attempt-$attempt.log")" >>"$run/retries"
	log "[$kind] the VM died before its init started (boot attempt $attempt); booting it again"
	attempt=$((attempt + 1))
done
set -e
elapsed=$((SECONDS - start))

pass=0 fail=0 skip=0
report() { # report LABEL P F S [DETAILS-FILE]
	pass=$((pass + $2)) fail=$((fail + $3)) skip=$((skip + $4))
	if [ "$3" -gt 0 ]; then
		printf '  FAIL %-40s %d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
		[ -n "${5:-}" ] && sed 's/^/         /' "$5"
	else
		printf '  ok   %-40s %d passed, %d failed, %d skipped\n' "$1" "$2" "$3" "$4"
	fi
	return 0
}

echo "[$kind] $release: VM ran ${elapsed}s"
# Early-boot retries: the test VM's own, and those of the L2 guests of nested suites
# (their TAP diagnostics "# retry: ...").
for s in "${suites[@]}"; do
	[ ! -f "$run/results/$s.tap" ] || sed -n "s/^# retry: /$s: /p" "$run/results/$s.tap"
done >>"$run/retries"
if [ -s "$run/retries" ]; then
	sed 's/^/  retry: /' "$run/retries"
	[ -z "${SACC_RETRIES:-}" ] || cat "$run/retries" >>"$SACC_RETRIES"
fi
# 1. Did the guest finish?
if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	echo "timed out after ${timeout_s}s: the guest hung or was too slow" >"$run/vm.err"
	report "vm: guest finished in time" 0 1 0 "$run/vm.err"
elif [ ! -f "$run/results/done" ]; then
	{ echo "missing results: the guest stopped before finishing (qemu exit $qemu_rc)"
	  grep -aqF "$init_mark" "$run/serial.log" ||
		echo "it died before its init started in all $attempt boot attempts"
	  tail -n 15 "$run/serial.log"; } >"$run/vm.err" 2>/dev/null
	report "vm: guest finished" 0 1 0 "$run/vm.err"
else
	report "vm: guest finished" 1 0 0
fi

# 2. Per-suite results.
for s in "${suites[@]}" guest; do
	f="$run/results/$s.tap"
	if [ ! -f "$f" ]; then
		echo "no results" >"$run/$s.err"
		report "$s" 0 1 0 "$run/$s.err"
		continue
	fi
	read -r p fl sk < <(tap_count "$f")
	tap_failures "$f" >"$run/$s.err"
	status="$(cat "$run/results/$s.status" 2>/dev/null || echo 0)"
	if [ "$status" != 0 ] && [ "$fl" -eq 0 ]; then
		# A program that fails without saying which test failed is still a failure.
		echo "exited with status $status (124: killed by the suite time limit)" >>"$run/$s.err"
		fl=1
	fi
	if [ $((p + fl + sk)) -eq 0 ]; then
		echo "reported no test at all" >>"$run/$s.err"
		fl=1
	fi
	[ -s "$run/results/$s.log" ] && [ "$fl" -gt 0 ] && tail -n 20 "$run/results/$s.log" >>"$run/$s.err"
	report "$s" "$p" "$fl" "$sk" "$run/$s.err"
done

# 3. Kernel reports anywhere in the serial log.
if grep -aEn "$SACC_KERNEL_REPORTS" "$run/serial.log" >"$run/kernel-reports.txt" 2>/dev/null; then
	{ echo "kernel reports in the serial log:"; head -n 20 "$run/kernel-reports.txt"; } >"$run/kernel.err"
	report "kernel log: no WARN/BUG/KASAN/lockdep report" 0 1 0 "$run/kernel.err"
else
	report "kernel log: no WARN/BUG/KASAN/lockdep report" 1 0 0
fi

tap_add_totals "$pass" "$fail" "$skip"
if [ "$fail" -gt 0 ]; then
	echo "[$kind] FAILED; serial log: $run/serial.log"
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
