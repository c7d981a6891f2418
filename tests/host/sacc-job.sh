# SPDX-License-Identifier: GPL-2.0
# Host tests of sacc-job, the guest-side tool (sourced by run.sh; uses host_check).
# What needs the device runs in the nested guests (tests/nested/); here: its software
# CRC32C against published vectors, and its command line, under ASan/UBSan.
sj_out="$out/sacc-job"
if ! make -s -C "$repo/tools/sacc-job" OUT="$sj_out" SANITIZE=1 >&2; then
	host_check "sacc-job builds with ASan/UBSan" false
else
	sj="$sj_out/sacc-job"
	sj_crc_test() { make -s -C "$repo/tools/sacc-job" OUT="$sj_out" SANITIZE=1 check >&2; }
	host_check "sacc-job: software CRC32C matches the check value and RFC 3720 vectors, chains" \
		sj_crc_test
	sj_run() { "$sj" "$@" >"$tmp/sj.out" 2>"$tmp/sj.err"; echo $? >"$tmp/sj.rc"; }
	sj_expect() { # sj_expect RC PATTERN: last run's status and a pattern in its output
		[ "$(cat "$tmp/sj.rc")" = "$1" ] && grep -qE -- "$2" "$tmp/sj.out" "$tmp/sj.err"
	}
	sj_run --help
	host_check "sacc-job --help lists every command, exit 0" \
		bash -c "[ \"\$(cat '$tmp/sj.rc')\" = 0 ] && for c in info copy fill compare crc32c selftest bench wait-gone; do grep -q \"^  \$c \" '$tmp/sj.out' || exit 1; done"
	sj_run --device "$tmp/no-such-device" info
	host_check "sacc-job: a missing device exits 1 naming the path and the cause" \
		sj_expect 1 "$tmp/no-such-device: No such file or directory"
	sj_run --bogus
	host_check "sacc-job: an unknown option exits 2" sj_expect 2 "unknown option --bogus"
	sj_run copy --size 12Q
	host_check "sacc-job: a malformed size exits 2 naming the option" sj_expect 2 "invalid value '12Q' for --size"
	sj_run copy --size 65M
	host_check "sacc-job: a size above the driver's 64 MiB limit exits 2" sj_expect 2 "--size"
	sj_run frobnicate
	host_check "sacc-job: an unknown command exits 2" sj_expect 2 "frobnicate"
fi
