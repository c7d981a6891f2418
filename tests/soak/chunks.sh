#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# chunks.sh FUZZER: one fuzzer of make soak, inside the test guest (the suites
# soak-fuzz and soak-descfuzz of tests/vm/guest.sh; tests/soak/run.sh sets the
# SOAK_* variables). FUZZER is fuzz or descfuzz, the program $SACC_SUITE_BIN/FUZZER.
#
# SOAK_OPS operations in all, half (rounded up) on each backend variant (type1,
# iommufd), in chunks of SOAK_FUZZ_CHUNK or SOAK_DESCFUZZ_CHUNK operations per
# variant, the last one the rest: one run of the program each, so that no test comes
# near kselftest's 900 s limit. Chunk i runs seed SOAK_SEED + i. One TAP line per
# chunk, the plan first. The first chunk that fails stops the run (no point in hours
# more): its output's tail and the line that replays it follow as comments, and the
# chunks left unrun count as failures through the plan. A chunk fails when the
# program exits non-zero, reports a failed test, did not run the seed and count it
# was given, or dmesg gained a kernel report meanwhile (so that the seed that caused
# it is known; the host's check of the serial log remains the authority). Every
# chunk's full output goes to stderr (the suite's .log).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=SCRIPTDIR/../vm/common.sh
. "$here/../vm/common.sh"

fuzzer="${1:-}"
case "$fuzzer" in
fuzz) chunk_var=SOAK_FUZZ_CHUNK ;;
descfuzz) chunk_var=SOAK_DESCFUZZ_CHUNK ;;
*) die "chunks.sh: FUZZER must be fuzz or descfuzz, not '$fuzzer'" ;;
esac
for v in SOAK_OPS SOAK_SEED "$chunk_var" SACC_SUITE_BIN; do
	[ -n "${!v:-}" ] || die "chunks.sh: $v is not set (tests/soak/run.sh passes it into the guest)"
done
bin="$SACC_SUITE_BIN/$fuzzer"
[ -x "$bin" ] || die "chunks.sh: no program $bin (make -C tests vm-suites builds it)"
var="${fuzzer^^}" # the program's own FUZZ_* or DESCFUZZ_* variables
chunk="${!chunk_var}"
per_variant=$(((SOAK_OPS + 1) / 2))
chunks=$(((per_variant + chunk - 1) / chunk))
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

# kernel_reports: the kernel-report lines in dmesg so far.
kernel_reports() { dmesg | grep -aE "$SACC_KERNEL_REPORTS" || true; }

# why_failed SEED OPS RC: why the chunk in $out failed; nothing when it passed.
why_failed() {
	if [ "$3" -ne 0 ]; then
		echo "$fuzzer exited with status $3"
	elif grep -q '^not ok' "$out"; then
		echo "a test failed"
	elif ! grep -qE "^# $fuzzer seed=$1 ops=$2( |\$)" "$out"; then
		# The programs fall back to their defaults on a value they cannot take.
		echo "$fuzzer did not say it runs seed=$1 ops=$2"
	fi
}

echo "1..$chunks"
echo "# soak $fuzzer: $SOAK_OPS operations, $per_variant per variant in $chunks chunks" \
	"of up to $chunk, seeds $((SOAK_SEED + 1)) to $((SOAK_SEED + chunks))"
ran_ops=0 started=$SECONDS
seen="$(kernel_reports | wc -l)"
for ((i = 1; i <= chunks; i++)); do
	seed=$((SOAK_SEED + i))
	ops=$((i < chunks ? chunk : per_variant - (chunks - 1) * chunk))
	what="$fuzzer chunk $i/$chunks seed $seed ops $ops"
	t=$SECONDS rc=0
	env "${var}_SEED=$seed" "${var}_OPS=$ops" "$bin" >"$out" 2>&1 || rc=$?
	t=$((SECONDS - t))
	{ echo "== $what: exit $rc, $t s"; cat "$out"; } >&2
	why="$(why_failed "$seed" "$ops" "$rc")"
	now="$(kernel_reports | wc -l)"
	[ -n "$why" ] || [ "$now" -le "$seen" ] ||
		why="a kernel report in dmesg: $(kernel_reports | sed -n "$((seen + 1))p")"
	seen=$now
	if [ -z "$why" ]; then
		# A skipped variant (no iommufd) did no operations.
		variants="$(grep '^ok ' "$out" | grep -vc '# SKIP' || true)"
		ran_ops=$((ran_ops + variants * ops))
		if [ "$variants" -eq 0 ]; then
			echo "ok $i - $what ($t s) # SKIP every variant skipped"
		else
			echo "ok $i - $what ($t s)"
		fi
		continue
	fi
	replay="${var}_SEED=$seed ${var}_OPS=$ops SACC_PASS_ENV=\"${var}_SEED ${var}_OPS\" tests/vm/run.sh --kernel debug $fuzzer"
	echo "not ok $i - $what ($t s): $why"
	tail -n 40 "$out" | sed 's/^/# /'
	echo "# replay: $replay"
	[ "$i" -eq "$chunks" ] ||
		echo "# chunks $((i + 1)) to $chunks not run: chunk $i failed (the plan counts them as failed)"
	# Last on stderr, so that the host's report of the failure (the log's tail) shows it.
	echo "$what failed: $why; replay: $replay" >&2
	break
done
secs=$((SECONDS - started))
echo "# soak $fuzzer: $ran_ops operations in $secs s ($((ran_ops / (secs > 0 ? secs : 1))) ops/s)"
[ -z "${why:-}" ]
