# SPDX-License-Identifier: GPL-2.0
# Shared settings for the test scripts: where the caches live. Sourced, not run.

SACC_CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/sacc"
SACC_NPROC="$(nproc)"

# log MESSAGE...: progress line on stderr, so stdout stays machine-readable.
log() { printf '%s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# hash_of FILE|STRING...: a short, stable key for a set of build inputs.
hash_of() {
	local a
	for a in "$@"; do
		if [ -f "$a" ]; then cat "$a"; else printf '%s\n' "$a"; fi
	done | sha256sum | cut -c1-12
}
