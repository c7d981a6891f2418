#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VM suite `nested-boots`: how reliably an L2 guest boots under TCG inside the TCG
# test VM. Boots $NESTED_BOOTS L2 guests (default 20), two at a time, one per L1 CPU,
# each with a sacc-1q instance passed through, and the `boot` workload (init starts,
# loads sacc_pci.ko, powers off). No boot is retried: each guest that dies before its
# init started is one "not ok", with the first line of its kernel's report.
#
# Not part of `make test`: it measures the early-boot death rate that
# tests/nested/l2.sh contains with retries (docs/testing.md has the numbers), e.g.
#   SACC_PASS_ENV=NESTED_BOOTS NESTED_BOOTS=40 tests/vm/run.sh --kernel distro nested-boots
# SACC_L2_QEMU=backports boots them with QEMU 10 (see tests/nested/prepare.sh).
set -uo pipefail
if [ -z "${SACC_KERNEL:-}" ] || [ ! -d /sys/class/mdev_bus/sacc0 ] || [ -z "${SACC_L2_INITRD:-}" ]; then
	echo "1..1"
	echo "not ok 1 nested-boots: run inside the test guest with sacc.ko loaded and the L2 guest prepared (tests/vm/run.sh)"
	exit 1
fi
. "$SACC_REPO/tests/nested/l2.sh"
L2_DIR=/tmp/nested-boots
L2_RETRIES=0
boots="${NESTED_BOOTS:-20}"
lanes="$(nproc)"
tool="$SACC_SUITE_BIN/mdevctl-lite-build/mdevctl-lite"
uuids=()

finish() {
	l2_cleanup
	sleep 1
	for u in "${uuids[@]}"; do "$tool" stop -u "$u" >/dev/null 2>&1; done
	mkdir -p "$SACC_RUN/nested-boots"
	cp -r "$L2_DIR"/. "$SACC_RUN/nested-boots/" 2>/dev/null
}
trap finish EXIT
trap 'exit 143' TERM INT

l2_setup
echo "# L2 guests: $L2_QEMU $L2_QEMU_ARGS ($("$L2_QEMU" --version | head -n1)), accel $L2_ACCEL, $boots boots in $lanes lanes"

# lane L: boots L, L+lanes, L+2*lanes... one after the other on L1 CPU L, each
# recorded as "BOOT RESULT SECONDS DETAIL" in $L2_DIR/lane-L.
lane() {
	local l="$1" uuid="$2" b start name
	for ((b = l + 1; b <= boots; b += lanes)); do
		name="boot$b"
		start=$SECONDS
		L2_CPU=$l l2_start "$name" "$uuid" boot 1
		l2_wait "$name" 600
		if l2_console_clean "$name" && [ "$(l2_rc "$name" 1 boot)" = 0 ]; then
			echo "$b ok $((SECONDS - start))" >>"$L2_DIR/lane-$l"
		elif grep -aqF "$L2_INIT_MARK" "$L2_DIR/$name/serial"*.log 2>/dev/null; then
			echo "$b late $((SECONDS - start)) $(head -n1 "$L2_DIR/$name/kernel-reports.txt")" >>"$L2_DIR/lane-$l"
		else
			echo "$b early $((SECONDS - start)) $(first_kernel_report "$L2_DIR/$name/serial.attempt-1.log")" >>"$L2_DIR/lane-$l"
		fi
	done
}

mkdir -p "$L2_DIR"
pids=()
for ((l = 0; l < lanes; l++)); do
	u="$("$tool" start -p sacc0 -t sacc-1q)" || { echo "1..1"; echo "not ok 1 mdevctl-lite start of a sacc-1q instance"; exit 1; }
	uuids+=("$u")
	lane "$l" "$u" &
	pids+=($!)
done
wait "${pids[@]}"

echo "1..$boots"
early=0 late=0 total=0 n=0
# (The test VM has no /dev/fd: no process substitution.)
cat "$L2_DIR"/lane-* 2>/dev/null | sort -n >"$L2_DIR/all"
while read -r b result secs detail; do
	n=$((n + 1))
	total=$((total + secs))
	case "$result" in
	ok) echo "ok $n boot $b reached its init and powered off (${secs} s)" ;;
	early) early=$((early + 1)); echo "not ok $n boot $b died before its init started (${secs} s): $detail" ;;
	*) late=$((late + 1)); echo "not ok $n boot $b: a kernel report after its init started (${secs} s): $detail" ;;
	esac
done <"$L2_DIR/all"
echo "# early-boot deaths: $early of $n boots; later failures: $late; mean boot-to-poweroff $((total / (n > 0 ? n : 1))) s"
