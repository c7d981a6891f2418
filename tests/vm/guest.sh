#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test guest as PID 1 (see init). Loads the modules, runs the suites
# named in $SACC_SUITES, writes one TAP file per suite to $SACC_RUN/results/, checks
# that sacc unloads and kmemleak is clean, and powers off. job.env (written by
# run.sh) has set the SACC_* variables.
set -u
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
res="$SACC_RUN/results"
mkdir -p "$res"

say() { echo "sacc-guest: $*" >/dev/console; }

poweroff_now() {
	sync
	busybox poweroff -f 2>/dev/null
	echo o >/proc/sysrq-trigger
	sleep 60
}

# Harness checks of this run, one TAP line each (guest.tap).
checks=()
check() { # check NAME COMMAND...: run it, record ok/not ok
	local name="$1"; shift
	if "$@" >>"$res/guest.log" 2>&1; then checks+=("ok - $name"); else checks+=("not ok - $name"); fi
}
skip_check() { checks+=("ok - $1 # SKIP $2"); }

mkdir -p /lib/modules
mount --bind "$SACC_MODDIR" /lib/modules
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ulimit -l unlimited
kmemleak=/sys/kernel/debug/kmemleak
if [ -w "$kmemleak" ]; then
	# Forget what boot allocated: only leaks from the tests matter.
	echo scan >"$kmemleak"; echo clear >"$kmemleak"
fi

# insmod resolves nothing: load what sacc.ko names (vfio, mdev, and libcrc32c up to
# 6.x, where CRC32C was not yet built in); crc32c_intel, loaded before it where the
# CPU has SSE4.2 and the kernel has it as a module, makes it fast.
modprobe -q crc32c_intel || true
sacc_deps="$(modinfo -F depends "$SACC_MODULE_DIR/sacc.ko" | tr ',' ' ')"
# shellcheck disable=SC2086 # one module name per word
for m in $(printf '%s\n' vfio vfio_iommu_type1 $sacc_deps $SACC_EXTRA_MODULES | awk '!seen[$0]++'); do
	check "modprobe $m" modprobe "$m"
done
check "insmod sacc.ko" insmod "$SACC_MODULE_DIR/sacc.ko"

# run_kunit NAME KO: load a KUnit module and flatten each of its suites into TAP.
run_kunit() {
	local name="$1" ko="$2" dir suite before
	local out="$res/$name.tap"
	if [ ! -d /sys/kernel/debug/kunit ]; then
		printf '1..1\nok 1 %s # SKIP this kernel has no KUnit\n' "$name" >"$out"
		return
	fi
	before="$(ls /sys/kernel/debug/kunit)"
	if ! insmod "$ko" >"$res/$name.log" 2>&1; then
		printf '1..1\nnot ok 1 %s: insmod %s failed\n' "$name" "$ko" >"$out"
		return
	fi
	: >"$out"
	for dir in /sys/kernel/debug/kunit/*; do
		suite="$(basename "$dir")"
		grep -qxF "$suite" <<<"$before" && continue
		cat "$dir/results" >>"$res/$name.ktap"
		# Case lines are indented one level under the suite; keep them, un-indented,
		# prefixed with the suite name.
		sed -n "s/^    \(not ok\|ok\) [0-9]* \(.*\)$/\1 - $suite.\2/p" "$dir/results" >>"$out"
	done
	rmmod "$(basename "$ko" .ko)" >>"$res/$name.log" 2>&1
}

# run_program NAME PATH [ARG...]: run a TAP-printing program with a time limit.
run_program() {
	local name="$1" prog="$2" rc
	shift 2
	say "suite $name"
	timeout --kill-after=10 "$SACC_SUITE_TIMEOUT" "$prog" "$@" >"$res/$name.tap" 2>"$res/$name.log"
	rc=$?
	echo "$rc" >"$res/$name.status"
}

for suite in $SACC_SUITES; do
	case "$suite" in
	kunit) run_kunit kunit "$SACC_MODULE_DIR/tests/sacc_kunit.ko" ;;
	selftest-kunit-fail) run_kunit "$suite" "$SACC_SELFTEST_DIR/sacc_selftest_kunit.ko" ;;
	selftest-*) run_program "$suite" "$SACC_REPO/tests/selftest/$suite.sh" ;;
	cli-*) run_program "$suite" "$SACC_REPO/tests/cli/${suite#cli-}.sh" ;;
	nested-*) run_program "$suite" "$SACC_REPO/tests/nested/${suite#nested-}.sh" ;;
	install) run_program install "$SACC_REPO/tests/install/inside-vm.sh" ;;
	demo) run_program demo "$SACC_REPO/demo/inside-vm.sh" ;;
	bench) run_program bench "$SACC_REPO/tests/bench/inside-vm.sh" ;;
	soak-*) run_program "$suite" "$SACC_REPO/tests/soak/chunks.sh" "${suite#soak-}" ;;
	# SUITE@PARENT: the C suite on another parent ($SACC_PARENT; "pci" is the edu
	# function, tests/lib/mdev_sysfs.c), e.g. lifecycle@pci.
	*@*) SACC_PARENT="${suite#*@}" run_program "$suite" "$SACC_SUITE_BIN/${suite%@*}" ;;
	*) run_program "$suite" "$SACC_SUITE_BIN/$suite" ;;
	esac
done

check "rmmod sacc (module unloads with no instance left behind)" rmmod sacc
if [ -w "$kmemleak" ]; then
	# kmemleak reports only objects older than 5 s, and needs two scans to be sure.
	sleep 6
	echo scan >"$kmemleak"; echo scan >"$kmemleak"
	cat "$kmemleak" >"$res/kmemleak.txt"
	check "kmemleak: no unreferenced objects" test ! -s "$res/kmemleak.txt"
else
	skip_check "kmemleak: no unreferenced objects" "this kernel has no kmemleak"
fi

{
	echo "1..${#checks[@]}"
	for c in "${checks[@]}"; do echo "$c"; done
} >"$res/guest.tap"
dmesg >"$res/dmesg.txt"
touch "$res/done"
say "done"
poweroff_now
