# SPDX-License-Identifier: GPL-2.0
# Shared settings and helpers of the test scripts: where the caches live, logging,
# build keys, kernel reports in console logs. Sourced, not run.
# shellcheck shell=bash disable=SC2034 # the variables are used by the scripts that source it

SACC_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/sacc"
SACC_NPROC="$(nproc)"

# log MESSAGE...: progress line on stderr, so stdout stays machine-readable.
log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# deb_depends PACKAGE [APT-CACHE...]: the names of PACKAGE's direct dependencies (the
# first of each set of alternatives), as APT-CACHE (default apt-cache) shows them.
deb_depends() {
	local pkg="$1"
	shift
	"${@:-apt-cache}" show "$pkg" 2>/dev/null | sed -n 's/^Depends: //p' | head -n1 | tr ',' '\n' |
		sed -E 's/^ *([^ ]+).*/\1/'
}

# hash_of FILE|STRING...: a short, stable key for a set of build inputs.
hash_of() {
	local a
	for a in "$@"; do
		if [ -f "$a" ]; then cat "$a"; else printf '%s\n' "$a"; fi
	done | sha256sum | cut -c1-12
}

# What counts as a kernel report in a serial console log (extended regexp): any line
# matching it fails a run (tests/vm/run.sh) or an L2 guest (tests/nested/l2.sh).
SACC_KERNEL_REPORTS='WARNING:|BUG:|Oops|Kernel panic|general protection fault|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|INFO: task .* blocked|kmemleak: .*new suspected|Call Trace:|cut here'

# first_kernel_report FILE: the first kernel report in a serial log, or a note that
# there was none (what a retry of an early-boot death is printed with).
first_kernel_report() {
	local line
	line="$(grep -a -m1 -E "$SACC_KERNEL_REPORTS" "$1" 2>/dev/null | tr -d '\r')"
	echo "${line:-no kernel message before QEMU exited (a triple fault or a reset)}"
}
