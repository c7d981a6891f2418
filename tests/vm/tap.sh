# SPDX-License-Identifier: GPL-2.0
# TAP accounting shared by the runners. Sourced, not run.
#
# tap_count FILE: print "PASS FAIL SKIP" for the test lines of FILE. A plan ("1..N")
# that does not match the number of results counts the missing ones as failures.
tap_count() {
	awk '
	/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; have_plan = 1; next }
	/^ok( |$)/ { if ($0 ~ /# *[Ss][Kk][Ii][Pp]/) skip++; else pass++; n++; next }
	/^not ok( |$)/ { fail++; n++; next }
	END {
		if (have_plan && n < plan) fail += plan - n
		printf "%d %d %d\n", pass, fail, skip
	}' "$1"
}

# tap_failures FILE: the failed lines of FILE, and a line for missing results.
tap_failures() {
	awk '
	/^1\.\.[0-9]+/ { plan = substr($1, 4) + 0; have_plan = 1; next }
	/^ok( |$)/ { n++; next }
	/^not ok( |$)/ { n++; print; next }
	END { if (have_plan && n < plan) printf "missing results: %d of %d tests reported\n", n, plan }' "$1"
}

# Totals across runners: each runner appends "PASS FAIL SKIP" to $SACC_TOTALS.
tap_add_totals() {
	[ -n "${SACC_TOTALS:-}" ] && echo "$1 $2 $3" >>"$SACC_TOTALS"
	return 0
}
