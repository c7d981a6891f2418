/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc-job: the command line tool for /dev/saccN (the sacc guest driver).
 * What the subcommands share: options, exit codes, the commands' entry points.
 */
#ifndef SACC_JOB_TOOL_H
#define SACC_JOB_TOOL_H

#include <stdbool.h>
#include <stdint.h>

#define PROG "sacc-job"

/* Exit codes (documented in sacc-job.1). */
#define EXIT_OK		0	/* success */
#define EXIT_FAIL	1	/* wrong result, device or system error */
#define EXIT_USAGE	2	/* bad command line */
#define EXIT_TIMEOUT	3	/* wait-gone: the device stayed */

/* bench --op memcpy: the CPU baseline, not a device op (those are below 0x100). */
#define BENCH_OP_MEMCPY	0x100

#define DIFF_AT_RANDOM	(-1)	/* compare: a difference at a random offset */
#define DIFF_AT_NONE	(-2)	/* compare: equal buffers */

/* Everything the command line can set; each command reads what it uses. */
struct opts {
	const char *device;
	uint64_t size;
	bool size_set;
	uint64_t pattern;
	bool pattern_set;
	uint32_t seed;		/* crc32c seed */
	uint64_t rng_seed;	/* PRNG seed */
	bool rng_seed_set;
	int64_t diff_at;	/* compare: offset, DIFF_AT_RANDOM or DIFF_AT_NONE */
	unsigned int rounds;	/* selftest: random sizes per op */
	uint64_t max_size;	/* selftest: largest random size */
	unsigned int op;	/* bench and the single-job commands: SACC_JOB_OP_*;
				 * bench also BENCH_OP_MEMCPY */
	double seconds;		/* bench: duration (of each run with --sweep) */
	bool sweep;		/* bench: COPY at 4 KiB ... 16 MiB, each against memcpy */
	unsigned int threads;	/* bench */
	double timeout;		/* wait-gone: seconds */
};

int cmd_info(const struct opts *o);
/* copy, fill, compare, crc32c: one checked job of o->op */
int cmd_op(const struct opts *o);
int cmd_selftest(const struct opts *o);
int cmd_bench(const struct opts *o);
int cmd_wait_gone(const struct opts *o);

/* A PRNG seed for this run: --seed-rng, else from the clock and the pid. */
uint64_t opts_rng_seed(const struct opts *o);

#endif
