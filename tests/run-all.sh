#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run-all.sh [LAYER...]: run test layers and print one total at the end:
#   "N passed, N failed, N skipped". Exit status 1 if anything failed.
# Layers: host, matrix, harness, kunit, vm. Default: all of them.
#   host     userspace tests on this machine (mdevctl-lite over fake sysfs, ASan/UBSan)
#   matrix   sacc.ko and sacc_pci.ko build for each of Debian's kernels, 6.1 to the
#            newest of trixie-backports (tests/matrix/build.sh)
#   matrix-vm  (not in the default) lifecycle, device and engine on Debian's 6.1 and
#            on trixie-backports' newest kernel: make test-matrix, beyond make test's
#            time budget (docs/testing.md)
#   install  (not in the default) the Debian packages installed with apt-get in a VM
#            on Debian's 6.1, DKMS building for it and for a second kernel, and
#            removed (tests/install/): make test-install, about 20 minutes
#   harness  self-tests of the VM harness: a failing test, a kernel WARN, a hung
#            guest and a failing KUnit case must each fail a run
#   kunit    the module's KUnit suites in the debug kernel
#   vm       the VM suites ($SUITE, default all) on the kernels in $KERNELS
#            (default "debug distro"); nested-* suites only on the kernels in
#            $NESTED_KERNELS, cli-* suites only on those in $CLI_KERNELS (both
#            default "distro"), fuzz, descfuzz, faults and stress only on those
#            in $DEBUG_SUITE_KERNELS (default "debug"), SUITE@pci suites other
#            than lifecycle@pci only on those in $PCI_KERNELS (default "distro")
# KUnit and the VM suites share one boot of the debug kernel when both are asked for.
# The summary before the totals lists each layer's duration and every early-boot
# retry of a VM (tests/vm/run.sh, tests/nested/l2.sh).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
. "$here/vm/common.sh"
. "$here/vm/tap.sh"

layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=(host matrix harness kunit vm)
has() { printf '%s\n' "${layers[@]}" | grep -qx "$1"; }

SACC_TOTALS="$(mktemp)"
SACC_RETRIES="$(mktemp)"
durations="$(mktemp)"
export SACC_TOTALS SACC_RETRIES
trap 'rm -f "$SACC_TOTALS" "$SACC_RETRIES" "$durations"' EXIT
started=$SECONDS

# timed LABEL CMD...: run CMD and note how long it took for the summary.
timed() {
	local label="$1" t=$SECONDS rc
	shift
	"$@"
	rc=$?
	printf '%s\t%d\n' "$label" $((SECONDS - t)) >>"$durations"
	return "$rc"
}

# layer LABEL CMD...: run one layer. A layer that fails without adding its totals
# (it died before counting) still counts as one failure.
layer() {
	local label="$1" before after
	shift
	echo "== $label"
	before="$(wc -l <"$SACC_TOTALS")"
	timed "$label" "$@"
	local rc=$?
	after="$(wc -l <"$SACC_TOTALS")"
	if [ "$rc" -ne 0 ] && [ "$after" -eq "$before" ]; then
		echo "$label: FAILED before reporting any result (exit $rc)"
		tap_add_totals 0 1 0
	fi
}

if ! timed "dependencies (apt-get)" "$here/vm/deps.sh"; then
	echo "deps: FAILED to install the dependencies"
	echo "0 passed, 1 failed, 0 skipped"
	exit 1
fi

vm_suites="${SUITE:-lifecycle lifecycle@pci device engine hostile fuzz descfuzz faults stress engine@pci device@pci hostile@pci pci-parent migration cli-mdevctl cli-libvirt cli-libvirt-backports nested-sharing}"
# Bounds for make test (make soak runs them at their own defaults, the fuzzers at 10^7
# operations): the hostile suite's storms (its own default is 1000 rounds),
# the fuzzers' operations (FUZZ_OPS per variant, DESCFUZZ_OPS descriptors per pass;
# a failure prints the seed that replays it: pass FUZZ_SEED or DESCFUZZ_SEED back),
# and the stress suite (its own defaults: 1000 cycles, 100 reloads, 100 REQ and 50
# SIGKILL rounds).
export HOSTILE_ROUNDS="${HOSTILE_ROUNDS:-100}"
export FUZZ_OPS="${FUZZ_OPS:-100000}" DESCFUZZ_OPS="${DESCFUZZ_OPS:-20000}"
export STRESS_SECONDS="${STRESS_SECONDS:-20}" STRESS_CYCLES="${STRESS_CYCLES:-100}"
export STRESS_RELOADS="${STRESS_RELOADS:-10}" STRESS_REQ_ROUNDS="${STRESS_REQ_ROUNDS:-20}"
export STRESS_KILL_ROUNDS="${STRESS_KILL_ROUNDS:-10}"
SACC_PASS_ENV="${SACC_PASS_ENV:+$SACC_PASS_ENV }HOSTILE_ROUNDS FUZZ_OPS DESCFUZZ_OPS"
SACC_PASS_ENV="$SACC_PASS_ENV STRESS_SECONDS STRESS_CYCLES STRESS_RELOADS STRESS_REQ_ROUNDS STRESS_KILL_ROUNDS"
for v in FUZZ_SEED DESCFUZZ_SEED STRESS_SEED; do
	[ -z "${!v:-}" ] || { export "${v?}"; SACC_PASS_ENV="$SACC_PASS_ENV $v"; }
done
export SACC_PASS_ENV
kernels="${KERNELS:-debug distro}"
# Nested guests are slow (nested KVM inside TCG): by default their suites run in the
# distro-kernel VM only, the kernel `make demo` uses. So do the CLI suites: they test
# userspace against sysfs, whose kernel side the lifecycle suite covers on both
# kernels, and under the debug kernel they take over five minutes.
nested_kernels="${NESTED_KERNELS:-distro}"
cli_kernels="${CLI_KERNELS:-distro}"
# Fault injection needs the debug kernel's CONFIG_FAILSLAB and friends (on the distro
# kernel the faults suite would only SKIP); the fuzzers and the stress suite run
# where KASAN, lockdep and kmemleak watch them, and on the distro kernel too the
# time budget of docs/testing.md would not hold.
debug_kernels="${DEBUG_SUITE_KERNELS:-debug}"
# The data-path suites on the PCI parent (engine@pci, device@pci on edu and
# pci-testdev, hostile@pci; lifecycle@pci runs on both): the code they test is the
# same for both kinds of parent, which the debug kernel checks on the virtual one.
pci_kernels="${PCI_KERNELS:-distro}"

# Prepare the kernels first, in the open: a cold debug kernel build takes minutes and
# should not happen silently inside a layer.
if has harness || has kunit || has vm; then
	echo "== kernels"
	kdebug="" kdistro="" kl2="" kernels_failed=0
	if has harness || has kunit || [[ " $kernels " == *" debug "* ]]; then
		kdebug="$(timed "kernel: debug" "$here/vm/kernel-build.sh" debug)" && echo "debug:  $kdebug" || kernels_failed=1
	fi
	if has harness || [[ " $kernels " == *" distro "* ]]; then
		kdistro="$(timed "kernel: distro" "$here/vm/kernel-distro.sh")" && echo "distro: $kdistro" || kernels_failed=1
	fi
	# The nested guests' kernel (tests/nested/prepare.sh), for the harness's nested
	# self-test and the nested suites.
	if [ "${SACC_L2_KERNEL_KIND:-l2}" = l2 ] && { has harness || { has vm && [[ " $vm_suites " == *" nested-"* ]]; }; }; then
		kl2="$(timed "kernel: l2" "$here/vm/kernel-build.sh" l2)" && echo "l2:     $kl2" || kernels_failed=1
	fi
fi

if [ "${kernels_failed:-0}" = 1 ]; then
	echo "kernels: FAILED to prepare a test kernel; only the host tests run"
	tap_add_totals 0 1 0
	layers=(host)
fi

has host && layer "host tests" "$here/host/run.sh"
has matrix && layer "kernel build matrix" "$here/matrix/build.sh"

# The harness's self-test VMs mostly wait (a hung guest, runs that fail at once) and
# leave a core idle, so when the debug kernel's VM runs too they run beside it, with
# a module build directory of their own (SACC_BUILD_ROOT) and the test programs
# built beforehand; their report follows the debug VM's. SACC_SERIAL=1 runs them
# first, alone, as a layer of their own.
harness_pid=""
harness_beside_debug() {
	[ "${SACC_SERIAL:-0}" != 1 ] && [[ " $kernels " == *" debug "* ]] && { has kunit || has vm; }
}
if has harness && harness_beside_debug &&
	make -s -C "$here" vm-suites >&2; then
	harness_out="$(mktemp)" harness_totals="$(mktemp)"
	trap 'rm -f "$SACC_TOTALS" "$SACC_RETRIES" "$durations" "$harness_out" "$harness_totals"' EXIT
	echo "== harness self-tests: beside the debug kernel's VM, reported after it"
	(SACC_BUILD_ROOT="$here/../build/harness" SACC_TOTALS="$harness_totals" \
		timed "harness (beside debug VM)" "$here/selftest/run.sh" >"$harness_out" 2>&1) &
	harness_pid=$!
elif has harness; then
	layer "harness self-tests" "$here/selftest/run.sh"
fi
# harness_report: wait for the harness beside the debug VM and print its report, as
# its layer would have (one failure if it ended without counting).
harness_report() {
	[ -n "$harness_pid" ] || return 0
	wait "$harness_pid"
	local rc=$?
	harness_pid=""
	echo "== harness self-tests (ran beside the debug kernel's VM)"
	cat "$harness_out"
	if [ -s "$harness_totals" ]; then
		cat "$harness_totals" >>"$SACC_TOTALS"
	elif [ "$rc" -ne 0 ]; then
		echo "harness self-tests: FAILED before reporting any result (exit $rc)"
		tap_add_totals 0 1 0
	fi
}
for k in $kernels; do
	suites=()
	[ "$k" = debug ] && has kunit && suites+=(kunit)
	if has vm; then
		for s in $vm_suites; do
			[[ "$s" == nested-* ]] && [[ " $nested_kernels " != *" $k "* ]] && continue
			[[ "$s" == cli-* ]] && [[ " $cli_kernels " != *" $k "* ]] && continue
			[[ "$s" == *@pci && "$s" != lifecycle@pci ]] &&
				[[ " $pci_kernels " != *" $k "* ]] && continue
			[[ " fuzz descfuzz faults stress " == *" $s "* ]] &&
				[[ " $debug_kernels " != *" $k "* ]] && continue
			suites+=("$s")
		done
	fi
	[ ${#suites[@]} -gt 0 ] || continue
	layer "VM: $k kernel" "$here/vm/run.sh" --kernel "$k" "${suites[@]}"
	[ "$k" = debug ] && harness_report
done
harness_report
if has matrix-vm; then
	for k in distro-6.1 distro-backports; do
		layer "VM: $k kernel" "$here/vm/run.sh" --kernel "$k" lifecycle device engine
	done
fi
if has install; then
	layer "VM: install (distro-6.1 kernel)" "$here/vm/run.sh" --kernel distro-6.1 --timeout 3000 install
fi

echo "== summary"
printf '  %-28s %5d s\n' "total" $((SECONDS - started))
while IFS=$'\t' read -r label secs; do
	printf '  %-28s %5d s\n' "$label" "$secs"
done <"$durations"
echo "  early-boot retries: $(wc -l <"$SACC_RETRIES")"
sed 's/^/    /' "$SACC_RETRIES"
read -r p f s < <(awk '{p += $1; f += $2; s += $3} END {printf "%d %d %d\n", p, f, s}' "$SACC_TOTALS")
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ $((p + f + s)) -gt 0 ]
