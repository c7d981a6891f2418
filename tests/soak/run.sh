#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# run.sh [--help]: make soak. One boot of the debug kernel (tests/vm/run.sh) runs the
# suites of $SOAK_SUITES (default "soak-fuzz soak-descfuzz stress hostile") at full
# length: each fuzzer SOAK_OPS operations (tests/soak/chunks.sh in the guest), stress
# and hostile at their own defaults, not at the bounds of make test. Hours; not in CI.
#
#   SOAK_OPS             operations per fuzzer, half on each backend (10000000)
#   SOAK_SEED            chunk i of a fuzzer runs seed SOAK_SEED + i (default: the time)
#   SOAK_FUZZ_CHUNK      fuzz operations per backend and chunk (1000000, about 270 s)
#   SOAK_DESCFUZZ_CHUNK  descfuzz descriptors per backend and chunk (100000, about
#                        300 s); keep a chunk well under kselftest's 900 s per test
#   SOAK_TIMEOUT         the VM's time limit in seconds (default: estimated, below)
#
# Prints the settings and the estimate first: at the rates measured in the debug VM
# (fuzz 10^5 operations in 27 s, descfuzz 3 ms a descriptor) twice the fuzzers' time,
# plus an hour for stress, hostile and the boot. Ends with run.sh's "N passed, N failed,
# N skipped"; its exit status. SACC_PASS_ENV adds variables to pass into the guest.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# shellcheck source=SCRIPTDIR/../vm/common.sh
. "$here/../vm/common.sh"

case "${1:-}" in
"") ;;
-h|--help) sed -n '4,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
*) die "soak/run.sh: unknown argument $1 (the settings are environment variables, see --help)" ;;
esac

SOAK_OPS="${SOAK_OPS:-10000000}"
SOAK_SEED="${SOAK_SEED:-$(date +%s)}"
SOAK_FUZZ_CHUNK="${SOAK_FUZZ_CHUNK:-1000000}"
SOAK_DESCFUZZ_CHUNK="${SOAK_DESCFUZZ_CHUNK:-100000}"
suites="${SOAK_SUITES:-soak-fuzz soak-descfuzz stress hostile}"

# number NAME MIN MAX: $NAME must be a plain decimal in [MIN, MAX]. The fuzzers read
# a leading 0 as octal and fall back to their defaults on what they cannot take;
# descfuzz takes at most 10^8 descriptors.
number() {
	if ! [[ "${!1}" =~ ^(0|[1-9][0-9]{0,17})$ ]] || [ "${!1}" -lt "$2" ] || [ "${!1}" -gt "$3" ]; then
		die "soak/run.sh: $1='${!1}' is not a decimal number from $2 to $3"
	fi
}
number SOAK_OPS 1 100000000000
number SOAK_SEED 0 100000000000000000
number SOAK_FUZZ_CHUNK 1 100000000000
number SOAK_DESCFUZZ_CHUNK 1 100000000

# span SECONDS: a duration for people.
span() {
	if [ "$1" -lt 7200 ]; then
		echo "$((($1 + 59) / 60)) min"
	else
		echo "$(($1 / 3600)).$(($1 % 3600 * 10 / 3600)) h"
	fi
}

fuzz_s=0 descfuzz_s=0
[[ " $suites " != *" soak-fuzz "* ]] || fuzz_s=$((SOAK_OPS * 27 / 100000))
[[ " $suites " != *" soak-descfuzz "* ]] || descfuzz_s=$((SOAK_OPS * 3 / 1000))
SOAK_TIMEOUT="${SOAK_TIMEOUT:-$((2 * (fuzz_s + descfuzz_s) + 3600))}"
number SOAK_TIMEOUT 300 10000000

echo "soak: SOAK_OPS=$SOAK_OPS SOAK_SEED=$SOAK_SEED SOAK_FUZZ_CHUNK=$SOAK_FUZZ_CHUNK" \
	"SOAK_DESCFUZZ_CHUNK=$SOAK_DESCFUZZ_CHUNK"
echo "soak: suites $suites; at the measured rates fuzz $(span $fuzz_s), descfuzz $(span $descfuzz_s);" \
	"VM limit $SOAK_TIMEOUT s ($(span "$SOAK_TIMEOUT"))"

"$here/../vm/deps.sh" || die "soak/run.sh: cannot install the dependencies (tests/vm/deps.sh)"
# The make-test bounds (HOSTILE_ROUNDS, STRESS_*, FUZZ_OPS, ...) are not passed:
# in the guest the suites run at their own defaults.
export SOAK_OPS SOAK_SEED SOAK_FUZZ_CHUNK SOAK_DESCFUZZ_CHUNK
export SACC_PASS_ENV="${SACC_PASS_ENV:+$SACC_PASS_ENV }SOAK_OPS SOAK_SEED SOAK_FUZZ_CHUNK SOAK_DESCFUZZ_CHUNK"
# shellcheck disable=SC2086 # $suites is a list of names
exec "$here/../vm/run.sh" --kernel debug --timeout "$SOAK_TIMEOUT" $suites
