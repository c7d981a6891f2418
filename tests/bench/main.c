// SPDX-License-Identifier: GPL-2.0
/*
 * sacc-bench BENCH [--quick] [--reps N]: run one benchmark of make bench (B1 .. B6;
 * B1 also prints the B8 rows) and print its rows as JSON lines. BENCH_QUICK=1 in the
 * environment is --quick: fewer sizes, shorter runs, 3 repetitions unless --reps.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

static const struct {
	const char *name;
	int (*fn)(void);
} benches[] = {
	{ "B1", bench_b1 }, { "B2", bench_b2 }, { "B3", bench_b3 },
	{ "B4", bench_b4 }, { "B5", bench_b5 }, { "B6", bench_b6 },
};

static int usage(void)
{
	fprintf(stderr, "usage: sacc-bench B1|B2|B3|B4|B5|B6 [--quick] [--reps N]\n");
	return 2;
}

int main(int argc, char **argv)
{
	const char *q = getenv("BENCH_QUICK");
	bool reps_set = false;
	unsigned int i;
	int a;

	if (argc < 2)
		return usage();
	bopts.quick = q && *q && strcmp(q, "0");
	for (a = 2; a < argc; a++) {
		if (!strcmp(argv[a], "--quick")) {
			bopts.quick = true;
		} else if (!strcmp(argv[a], "--reps") && a + 1 < argc) {
			char *end;
			unsigned long v = strtoul(argv[++a], &end, 10);

			if (*end || v < 1 || v > 32) {
				fprintf(stderr, "sacc-bench: --reps must be 1-32, not '%s'\n", argv[a]);
				return 2;
			}
			bopts.reps = (unsigned int)v;
			reps_set = true;
		} else {
			return usage();
		}
	}
	if (bopts.quick && !reps_set)
		bopts.reps = 3;
	json_c_set_serialization_double_format("%.6g", JSON_C_OPTION_GLOBAL);
	for (i = 0; i < sizeof(benches) / sizeof(benches[0]); i++)
		if (!strcmp(argv[1], benches[i].name))
			return benches[i].fn() ? 1 : 0;
	return usage();
}
