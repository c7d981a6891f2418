#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: the benchmarks of docs/performance.md (B1-B6, B8, B9), all in one boot
# of the distro-kernel test VM (Debian's 6.12, what users run), then the report: a
# table on stdout, build/bench/results.json and the chart build/bench/bench.png.
#
#   BENCH_QUICK=1    short runs (few sizes, 3 repetitions): for development
#   BENCH_KERNEL=debug   the debug kernel instead (KASAN and lockdep: ratios only)
#   BENCH_TIMEOUT=S  the VM's time limit (default 3600, quick 1800)
#
# Benchmarks never fail on speed: the run fails only when a benchmark could not run,
# or a descriptor did not complete or completed wrong (the VM's TAP), or the guest's
# kernel reported anything.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
. "$repo/tests/vm/common.sh"
kind="${BENCH_KERNEL:-distro}"
quick="${BENCH_QUICK:-0}"
timeout_s="${BENCH_TIMEOUT:-}"
if [ -z "$timeout_s" ]; then
	timeout_s=3600
	[ "$quick" = 0 ] || timeout_s=1800
fi
out="$repo/build/bench"

"$repo/tests/vm/deps.sh" bench
case "$kind" in
distro) kdir="$("$repo/tests/vm/kernel-distro.sh")" ;;
debug) kdir="$("$repo/tests/vm/kernel-build.sh" debug)" ;;
*) die "bench: BENCH_KERNEL must be distro or debug, not '$kind'" ;;
esac
mkdir -p "$out"

# The in-kernel memcpy baseline of B1: a benchmark-only module, for the same kernel.
rm -rf "$out/kmod"
mkdir -p "$out/kmod"
cp -a "$here/kmod/." "$out/kmod/"
make -s -C "$kdir/build" M="$out/kmod" modules >"$out/kmod-build.log" 2>&1 ||
	{ cat "$out/kmod-build.log" >&2; die "bench: the in-kernel memcpy module (tests/bench/kmod) does not build against $(cat "$kdir/release")"; }
# The benchmark program, and mdevctl-lite as users build it (no sanitizers).
make -s -C "$repo/tests" bench || die "bench: sacc-bench does not build"
make -s -C "$repo/mdevctl-lite" OUT="$out/mdevctl-lite-build" >&2 ||
	die "bench: mdevctl-lite does not build"

export BENCH_QUICK="$quick"
export SACC_BENCH_KMOD="$out/kmod/sacc_bench_kmemcpy.ko"
export SACC_BENCH_LITE="$out/mdevctl-lite-build/mdevctl-lite"
export SACC_PASS_ENV="BENCH_QUICK SACC_BENCH_KMOD SACC_BENCH_LITE"
set +e
"$repo/tests/vm/run.sh" --kernel "$kind" --timeout "$timeout_s" --follow "sacc-bench: " bench
rc=$?
set -e
# shellcheck disable=SC2012 # run directories have plain names
run="$(ls -dt "$repo"/build/runs/"$kind"-* 2>/dev/null | head -n1)"
rows="$run/results/bench.jsonl"
[ -s "$rows" ] || die "bench: no results in $rows (serial log: $run/serial.log)"
cp "$rows" "$out/rows.jsonl"
python3 "$here/report.py" --kernel "$kind" --quick "$quick" --run "$run" "$rows" "$out" || rc=1
exit "$rc"
