#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench, inside the test guest: the suite "bench" of tests/vm/guest.sh, which has
# loaded sacc.ko with its defaults. Runs, in one boot:
#   B6 latency, B2 small ops, B1 throughput (+ B8 CPU time), B3 shadow cache,
#   B4 fairness                     sacc-bench, default module parameters
#   B5 scale                        sacc-bench, sacc.ko reloaded with 256 queues
#   B9 management                   mdevctl-lite vs Debian's mdevctl, reloaded with 32
# and loads sacc.ko with its defaults again; then
#   B7 in a guest                   an L2 VM on a sacc-1q instance: sacc-job bench
#                                   --sweep (COPY through sacc_pci.ko vs memcpy, in L2)
#
# Every result row is a JSON line appended to $SACC_RUN/results/bench.jsonl (the host's
# tests/bench/report.py turns them into build/bench/). TAP on stdout: one line per
# benchmark, "not ok" only when it could not run or a descriptor did not complete or
# completed wrong — never because of a speed. Progress goes to the console as lines
# starting with "sacc-bench: " (tests/bench/run.sh shows them).
#
# From the host (tests/bench/run.sh): BENCH_QUICK (1: short runs), SACC_BENCH_KMOD
# (the in-kernel memcpy baseline module, tests/bench/kmod), SACC_BENCH_LITE
# (mdevctl-lite built without sanitizers).
set -uo pipefail
if [ -z "${SACC_KERNEL:-}" ] || [ ! -d /sys/class/mdev_bus/sacc0 ]; then
	echo "1..1"
	echo "not ok 1 bench: run inside the test guest with sacc.ko loaded (see tests/vm/guest.sh)"
	exit 1
fi
bin="$SACC_SUITE_BIN/sacc-bench"
rows="$SACC_RUN/results/bench.jsonl"
lite="${SACC_BENCH_LITE:-}"
kmod="${SACC_BENCH_KMOD:-}"
quick="${BENCH_QUICK:-0}"
reps=5
[ "$quick" = 0 ] || reps=3
step_timeout=1200
. "$SACC_REPO/tests/lib/tap.sh"

say() { echo "sacc-bench: $*" >/dev/console; }
# reload [PARAM=VALUE...]: sacc.ko again, with these parameters (none: the defaults).
reload() {
	rmmod sacc && insmod "$SACC_MODULE_DIR/sacc.ko" "$@"
}
trap 'reload >/dev/null 2>&1; tap_ended_early' EXIT
: >"$rows"

# run_bench NAME: sacc-bench NAME, its rows appended to $rows.
run_bench() {
	local t0=$SECONDS
	say "$1 ..."
	if timeout --kill-after=10 "$step_timeout" "$bin" "$1" --reps "$reps" >>"$rows"; then
		ok "$1 ran, every descriptor completed and verified ($((SECONDS - t0)) s)"
	else
		nok "$1: sacc-bench $1 failed (status $?; its messages are in bench.log)"
	fi
	say "$1 done in $((SECONDS - t0)) s"
}

# ---- B6, B2, B1 + B8, B3, B4 on the default parameters ------------------------------
if [ -n "$kmod" ] && [ -f "$kmod" ]; then
	insmod "$kmod" || diag "cannot load the in-kernel memcpy baseline $kmod"
else
	diag "no in-kernel memcpy baseline module given: B1 has no ratio_kmemcpy"
fi
for b in B6 B2 B1 B3 B4; do
	run_bench "$b"
done
[ -d /sys/module/sacc_bench_kmemcpy ] && rmmod sacc_bench_kmemcpy

# ---- B5: up to 256 instances of 1 queue and 1 MiB each -------------------------------
if reload nr_parents=1 queues=256 memory_mb=256; then
	run_bench B5
else
	nok "B5: cannot reload sacc.ko with nr_parents=1 queues=256 memory_mb=256"
fi

# ---- B9: mdevctl-lite against Debian's mdevctl ------------------------------------------
usec() { echo "${EPOCHREALTIME/./}"; }
# stats V...: "median min max" of the values.
stats() {
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
		printf "%.3f %.3f %.3f\n", m, v[1], v[NR] }'
}
active_count() { find /sys/bus/mdev/devices -mindepth 1 -maxdepth 1 | wc -l; }
declare -A ms

# b9_tool TOOL NAME REP: types, start of 32, list, stop of 32, each timed (ms).
b9_tool() {
	local tool="$1" name="$2" rep="$3" u t0 n
	t0=$(usec)
	"$tool" types >/dev/null || return 1
	ms[$name,types,$rep]=$((($(usec) - t0) / 1000))
	t0=$(usec)
	for u in "${uuids[@]}"; do
		"$tool" start -u "$u" -p sacc0 -t sacc-1q || return 1
	done
	ms[$name,start32,$rep]=$((($(usec) - t0) / 1000))
	n=$(active_count)
	[ "$n" = 32 ] || { echo "$name start: $n instances active, not 32" >&2; return 1; }
	t0=$(usec)
	n=$("$tool" list | grep -c sacc0) || return 1
	ms[$name,list,$rep]=$((($(usec) - t0) / 1000))
	[ "$n" = 32 ] || { echo "$name list: $n instances listed, not 32" >&2; return 1; }
	t0=$(usec)
	for u in "${uuids[@]}"; do
		"$tool" stop -u "$u" || return 1
	done
	ms[$name,stop32,$rep]=$((($(usec) - t0) / 1000))
	n=$(active_count)
	[ "$n" = 0 ] || { echo "$name stop: $n instances still active" >&2; return 1; }
}

b9() {
	local mdevctl rep op a b r ver i
	mdevctl="$(command -v mdevctl)" || { echo "Debian's mdevctl is not installed (tests/vm/deps.sh bench)" >&2; return 1; }
	[ -x "$lite" ] || { echo "no mdevctl-lite binary at '$lite'" >&2; return 1; }
	ver="$(dpkg-query -W -f='${Version}' mdevctl 2>/dev/null || echo unknown)"
	# Both tools start from no definitions; mdevctl insists on its script directories.
	find /etc/mdevctl.d -mindepth 1 -maxdepth 1 ! -name scripts.d -exec rm -rf {} + 2>/dev/null
	mkdir -p /etc/mdevctl.d/scripts.d/callouts /etc/mdevctl.d/scripts.d/notifiers
	uuids=()
	for ((i = 0; i < 32; i++)); do uuids+=("$(cat /proc/sys/kernel/random/uuid)"); done
	for ((rep = 0; rep < reps; rep++)); do
		# Alternate which tool goes first.
		if ((rep % 2)); then
			b9_tool "$mdevctl" mdevctl "$rep" || return 1
			b9_tool "$lite" lite "$rep" || return 1
		else
			b9_tool "$lite" lite "$rep" || return 1
			b9_tool "$mdevctl" mdevctl "$rep" || return 1
		fi
		say "B9 rep $rep: types ${ms[lite,types,$rep]}/${ms[mdevctl,types,$rep]} ms, start of 32 ${ms[lite,start32,$rep]}/${ms[mdevctl,start32,$rep]} ms (mdevctl-lite/mdevctl)"
	done
	for op in types list start32 stop32; do
		a=() b=() r=()
		for ((rep = 0; rep < reps; rep++)); do
			a+=("${ms[lite,$op,$rep]}")
			b+=("${ms[mdevctl,$op,$rep]}")
			r+=("$(awk -v x="${ms[lite,$op,$rep]}" -v y="${ms[mdevctl,$op,$rep]}" 'BEGIN { printf "%.4f", (y > 0 ? x / y : 0) }')")
		done
		read -r am amin amax <<<"$(stats "${a[@]}")"
		read -r bm bmin bmax <<<"$(stats "${b[@]}")"
		read -r rm rmin rmax <<<"$(stats "${r[@]}")"
		printf '{"bench": "B9", "op": "%s", "instances": 32, "reps": %d, "mdevctl_version": "%s", "lite_ms": %s, "lite_ms_min": %s, "lite_ms_max": %s, "mdevctl_ms": %s, "mdevctl_ms_min": %s, "mdevctl_ms_max": %s, "ratio_lite_mdevctl": %s, "ratio_lite_mdevctl_min": %s, "ratio_lite_mdevctl_max": %s}\n' \
			"$op" "$reps" "$ver" "$am" "$amin" "$amax" "$bm" "$bmin" "$bmax" "$rm" "$rmin" "$rmax" >>"$rows"
	done
}

if reload nr_parents=1 queues=32 memory_mb=32; then
	say "B9 ..."
	t0=$SECONDS
	if b9 >&2; then
		ok "B9 ran: mdevctl-lite and mdevctl each started, listed and stopped 32 instances ($((SECONDS - t0)) s)"
	else
		nok "B9: a management command failed (see bench.log)"
	fi
	for d in /sys/bus/mdev/devices/*; do [ -e "$d/remove" ] && echo 1 >"$d/remove"; done
else
	nok "B9: cannot reload sacc.ko with nr_parents=1 queues=32 memory_mb=32"
fi

if reload; then ok "sacc.ko loaded again with its defaults"; else nok "cannot load sacc.ko again with its defaults"; fi

# ---- B7: through the guest driver in an L2 VM ------------------------------------------
# One L2 guest (tests/nested/l2.sh, l2-init's sweep step) on a sacc-1q instance runs
# `sacc-job bench --sweep` $reps times: per size COPY through sacc_pci.ko, then
# memcpy() in the same L2 guest, back to back; the ratio is taken per repetition.
b7_seconds=2
[ "$quick" = 0 ] || b7_seconds=1
b7() {
	local types=/sys/class/mdev_bus/sacc0/mdev_supported_types/sacc-1q uuid out size
	local -a m c r
	[ -n "${SACC_L2_INITRD:-}" ] || { echo "no L2 guest prepared (tests/nested/prepare.sh)" >&2; return 1; }
	. "$SACC_REPO/tests/nested/l2.sh"
	L2_DIR=/tmp/bench-b7
	l2_setup
	uuid="$(cat /proc/sys/kernel/random/uuid)"
	echo "$uuid" >"$types/create" || { echo "cannot create a sacc-1q instance" >&2; return 1; }
	L2_APPEND="sacc_reps=$reps" L2_CPU=0 l2_start b7 "$uuid" sweep 1 "$b7_seconds"
	l2_wait b7
	echo 1 >"/sys/bus/mdev/devices/$uuid/remove"
	mkdir -p "$SACC_RUN/bench-b7"
	cp -r "$L2_DIR"/. "$SACC_RUN/bench-b7/" 2>/dev/null
	l2_retries b7 >&2
	out="$L2_DIR/b7/results/boot-1/sweep.out"
	if [ "$(l2_rc b7 1 sweep)" != 0 ]; then
		echo "the L2 guest's sacc-job bench --sweep failed (status $(l2_rc b7 1 sweep)):" >&2
		cat "$out" >&2 2>/dev/null
		return 1
	fi
	l2_console_clean b7 || { echo "the L2 guest's kernel reported:" >&2; cat "$L2_DIR/b7/kernel-reports.txt" >&2; return 1; }
	for ((size = 4096; size <= 16777216; size *= 4)); do
		m=() c=() r=()
		while read -r sz mb cp ra; do
			[ "$sz" = "$size" ] || continue
			m+=("$mb") c+=("$cp") r+=("$ra")
		done < <(sed -n 's/^sweep op=copy size=\([0-9]*\) threads=1 MBps=\([0-9.]*\) memcpy_MBps=\([0-9.]*\) ratio=\([0-9.]*\)$/\1 \2 \3 \4/p' "$out")
		[ "${#m[@]}" = "$reps" ] || { echo "B7: ${#m[@]} results for size $size, expected $reps" >&2; return 1; }
		read -r mm mmin mmax <<<"$(stats "${m[@]}")"
		read -r cm cmin cmax <<<"$(stats "${c[@]}")"
		read -r rm rmin rmax <<<"$(stats "${r[@]}")"
		printf '{"bench": "B7", "size": %d, "reps": %d, "seconds": %s, "mbs_sacc_job": %s, "mbs_sacc_job_min": %s, "mbs_sacc_job_max": %s, "mbs_memcpy": %s, "mbs_memcpy_min": %s, "mbs_memcpy_max": %s, "ratio_memcpy": %s, "ratio_memcpy_min": %s, "ratio_memcpy_max": %s}\n' \
			"$size" "$reps" "$b7_seconds" "$mm" "$mmin" "$mmax" "$cm" "$cmin" "$cmax" "$rm" "$rmin" "$rmax" >>"$rows"
	done
}
say "B7 ..."
t0=$SECONDS
if b7 >&2; then
	ok "B7 ran: sacc-job bench --sweep in an L2 guest, every sampled copy verified ($((SECONDS - t0)) s)"
else
	nok "B7: the L2 run failed (see bench.log and bench-b7/)"
fi
say "B7 done in $((SECONDS - t0)) s"
tap_plan
