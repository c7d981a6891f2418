# SPDX-License-Identifier: GPL-2.0
# Host tests of tests/soak/chunks.sh, the guest side of make soak (sourced by run.sh;
# uses host_check and tap_count). The real fuzzers need the VM, and a soak takes
# hours: here a stand-in program that prints what a fuzzer prints checks the
# chunking itself — seeds, counts, the stop at the first failed chunk, the replay
# line, and that unrun chunks count as failures.
sk_bin="$tmp/soak-bin"
mkdir -p "$sk_bin"
# The stand-in: FUZZ_SEED and FUZZ_OPS as the real one takes them; it fails the
# seed in $SK_FAIL_SEED, prints another seed for $SK_LIE_SEED, and adds a kernel
# report to the stand-in dmesg for $SK_OOPS_SEED.
cat >"$sk_bin/fuzz" <<'EOF'
#!/usr/bin/env bash
seed="$FUZZ_SEED"
[ "$seed" != "${SK_LIE_SEED:-}" ] || seed=1
echo "# fuzz seed=$seed ops=$FUZZ_OPS"
echo "$FUZZ_SEED $FUZZ_OPS" >>"$SK_CALLS"
[ "$FUZZ_SEED" != "${SK_OOPS_SEED:-}" ] || echo "BUG: KASAN: use-after-free in sacc_x" >>"$SK_DMESG"
echo "TAP version 13"
echo "1..2"
echo "ok 1 fuzz.type1.random_operations"
if [ "$FUZZ_SEED" = "${SK_FAIL_SEED:-}" ]; then
	echo "# fuzz.c:10:op 7: a deliberate failure"
	echo "not ok 2 fuzz.iommufd.random_operations"
	exit 1
fi
echo "ok 2 fuzz.iommufd.random_operations # SKIP no iommufd"
EOF
printf '#!/bin/sh\ncat "$SK_DMESG"\n' >"$sk_bin/dmesg"
chmod +x "$sk_bin/fuzz" "$sk_bin/dmesg"

# sk_run [VAR=VALUE...]: chunks.sh fuzz, 10 operations in chunks of 2 per variant
# (3 chunks: 2, 2, 1), seeds 100 + i; output in $tmp/sk.tap, calls in $tmp/sk.calls.
sk_run() {
	: >"$tmp/sk.calls"
	: >"$tmp/sk.dmesg"
	env PATH="$sk_bin:$PATH" SACC_SUITE_BIN="$sk_bin" SOAK_OPS=10 SOAK_SEED=100 \
		SOAK_FUZZ_CHUNK=2 SK_CALLS="$tmp/sk.calls" SK_DMESG="$tmp/sk.dmesg" "$@" \
		"$repo/tests/soak/chunks.sh" fuzz >"$tmp/sk.tap" 2>"$tmp/sk.err"
	echo $? >"$tmp/sk.rc"
}
# sk_expect RC "PASS FAIL SKIP" PATTERN...: the last run's status, its TAP totals
# and a line matching each pattern (none, for a PATTERN written !PATTERN).
sk_expect() {
	local p
	[ "$(cat "$tmp/sk.rc")" = "$1" ] && [ "$(tap_count "$tmp/sk.tap")" = "$2" ] || return 1
	shift 2
	for p in "$@"; do
		case "$p" in
		!*) ! grep -qE -- "${p#!}" "$tmp/sk.tap" || return 1 ;;
		*) grep -qE -- "$p" "$tmp/sk.tap" || return 1 ;;
		esac
	done
}

sk_run
host_check "soak chunks: seeds 101-103, 2 + 2 + 1 operations per variant, all pass" \
	sk_expect 0 "3 0 0" '^1\.\.3$' '^ok 1 - fuzz chunk 1/3 seed 101 ops 2 ' \
	'^ok 3 - fuzz chunk 3/3 seed 103 ops 1 ' '^# soak fuzz: 5 operations in'
host_check "soak chunks: the programs ran with exactly those seeds and counts" \
	diff -u <(printf '101 2\n102 2\n103 1\n') "$tmp/sk.calls"
sk_run SK_FAIL_SEED=102
host_check "soak chunks: a failed chunk fails, stops the run, names its replay; the unrun one counts as failed" \
	sk_expect 1 "1 2 0" '^not ok 2 - fuzz chunk 2/3 seed 102 ops 2 .*: fuzz exited with status 1' \
	'^# replay: FUZZ_SEED=102 FUZZ_OPS=2 ' '^# .*a deliberate failure' '!^ok 3'
host_check "soak chunks: nothing runs after the failed chunk" \
	diff -u <(printf '101 2\n102 2\n') "$tmp/sk.calls"
sk_run SK_LIE_SEED=101
host_check "soak chunks: a program that did not run the seed it was given fails the chunk" \
	sk_expect 1 "0 3 0" '^not ok 1 .*did not say it runs seed=101 ops=2'
sk_run SK_OOPS_SEED=101
host_check "soak chunks: a kernel report in dmesg during a chunk fails that chunk" \
	sk_expect 1 "0 3 0" '^not ok 1 .*a kernel report in dmesg: BUG: KASAN'
