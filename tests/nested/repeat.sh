#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# VM suite `nested-repeat`: the nested-sharing suite (tests/nested/sharing.sh)
# $NESTED_REPEAT times in a row (default 20) in one test VM, to show that it passes
# every time. One TAP line per run: ok when every check of that run passed; the run's
# early-boot retries are listed under it. Each run's whole TAP output and guest logs are
# kept in $SACC_RUN/nested-repeat/run-K/.
#
# Not part of `make test` (about four minutes a run on 2 cores): for example
#   SACC_PASS_ENV=NESTED_REPEAT NESTED_REPEAT=20 tests/vm/run.sh --kernel distro \
#       --timeout 7200 nested-repeat
set -uo pipefail
runs="${NESTED_REPEAT:-20}"
out="$SACC_RUN/nested-repeat"
mkdir -p "$out"
echo "1..$runs"
failed=0 retries=0
for ((k = 1; k <= runs; k++)); do
	start=$SECONDS
	"$SACC_REPO/tests/nested/sharing.sh" >"$out/run-$k.tap" 2>"$out/run-$k.log"
	rc=$?
	# sharing.sh copies its guests' logs to $SACC_RUN/nested-sharing/: keep them per run.
	rm -rf "$out/run-$k"
	mv "$SACC_RUN/nested-sharing" "$out/run-$k" 2>/dev/null
	pass="$(grep -c '^ok ' "$out/run-$k.tap")"
	fail="$(grep -c '^not ok ' "$out/run-$k.tap")"
	r="$(grep -c '^# retry: ' "$out/run-$k.tap")"
	retries=$((retries + r))
	if [ "$rc" -eq 0 ] && [ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]; then
		echo "ok $k run $k: nested-sharing $pass/$pass checks passed, $r early-boot retries ($((SECONDS - start)) s)"
	else
		failed=$((failed + 1))
		echo "not ok $k run $k: nested-sharing exit $rc, $fail of $((pass + fail)) checks failed ($((SECONDS - start)) s)"
		grep '^not ok ' "$out/run-$k.tap" | sed 's/^/#   /'
	fi
	grep '^# retry: ' "$out/run-$k.tap" | sed 's/^/#   /'
done
echo "# nested-sharing: $((runs - failed)) of $runs runs passed; early-boot retries: $retries"
[ "$failed" -eq 0 ]
