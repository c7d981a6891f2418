#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# make bench: run the engine benchmark in the distro-kernel guest (what users run)
# and print its measurements. BENCH_KERNEL=debug measures the debug kernel instead
# (KASAN and lockdep make it far slower; useful only for relative numbers).
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
kind="${BENCH_KERNEL:-distro}"

"$repo/tests/vm/deps.sh" || exit 1
"$repo/tests/vm/run.sh" --kernel "$kind" bench-engine
rc=$?
run="$(ls -dt "$repo"/build/runs/"$kind"-* 2>/dev/null | head -n1)"
echo "== measurements ($kind kernel, QEMU TCG: compare the two modes, not absolute speed)"
grep '^# bench:' "$run/results/bench-engine.tap" 2>/dev/null | sed 's/^# bench: /  /'
exit "$rc"
