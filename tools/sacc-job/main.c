// SPDX-License-Identifier: GPL-2.0
/*
 * sacc-job: run jobs on a sacc device through the guest driver's /dev/saccN.
 *
 *   sacc-job [--device PATH] COMMAND [OPTIONS]
 *
 * The command line is parsed here: options may come before or after the command;
 * each command accepts the options listed in its table entry and no others.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sacc_job.h"
#include "device.h"
#include "parse.h"
#include "tool.h"

enum {
	O_DEVICE = 1 << 0,
	O_SIZE = 1 << 1,
	O_PATTERN = 1 << 2,
	O_SEED = 1 << 3,
	O_SEED_RNG = 1 << 4,
	O_DIFF_AT = 1 << 5,
	O_ROUNDS = 1 << 6,
	O_MAX_SIZE = 1 << 7,
	O_OP = 1 << 8,
	O_SECONDS = 1 << 9,
	O_THREADS = 1 << 10,
	O_TIMEOUT = 1 << 11,
	O_SWEEP = 1 << 12,
};

struct command {
	const char *name;
	int (*run)(const struct opts *o);
	unsigned int op;	/* for the single-job commands: their op */
	unsigned int allowed;	/* O_* */
	const char *args;
	const char *summary;
};

#define O_JOB	(O_DEVICE | O_SIZE | O_SEED_RNG)

static const struct command commands[] = {
	{ "info", cmd_info, 0, O_DEVICE, "",
	  "print the device's properties and the driver's counters" },
	{ "copy", cmd_op, SACC_JOB_OP_COPY, O_JOB, "[--size N] [--seed-rng N]",
	  "copy random data, check the copy" },
	{ "fill", cmd_op, SACC_JOB_OP_FILL, O_JOB | O_PATTERN, "[--size N] [--pattern X] [--seed-rng N]",
	  "fill with an 8-byte pattern, check it" },
	{ "compare", cmd_op, SACC_JOB_OP_COMPARE, O_JOB | O_DIFF_AT,
	  "[--size N] [--diff-at OFF|none] [--seed-rng N]",
	  "compare two buffers that differ in one byte (or none), check the offset" },
	{ "crc32c", cmd_op, SACC_JOB_OP_CRC32C, O_JOB | O_SEED, "[--size N] [--seed X] [--seed-rng N]",
	  "CRC32C of random data, check it against the software CRC" },
	{ "selftest", cmd_selftest, 0, O_DEVICE | O_ROUNDS | O_MAX_SIZE | O_SEED_RNG,
	  "[--rounds N] [--max-size N] [--seed-rng N]",
	  "every op on many sizes and alignments, plus invalid requests; TAP output" },
	{ "bench", cmd_bench, 0,
	  O_DEVICE | O_OP | O_SIZE | O_SECONDS | O_THREADS | O_SEED_RNG | O_SWEEP,
	  "[--op OP] [--size N | --sweep] [--seconds S] [--threads T]",
	  "repeat jobs for S seconds in T threads, print the throughput;\n"
	  "            --sweep: COPY against memcpy at 4K to 16M" },
	{ "wait-gone", cmd_wait_gone, 0, O_DEVICE | O_TIMEOUT | O_SEED_RNG, "[--timeout S]",
	  "run small checked copies until the device is unplugged" },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const struct option long_options[] = {
	{ "device", required_argument, NULL, 'd' },
	{ "size", required_argument, NULL, 's' },
	{ "pattern", required_argument, NULL, 'p' },
	{ "seed", required_argument, NULL, 'S' },
	{ "seed-rng", required_argument, NULL, 'r' },
	{ "diff-at", required_argument, NULL, 'D' },
	{ "rounds", required_argument, NULL, 'n' },
	{ "max-size", required_argument, NULL, 'm' },
	{ "op", required_argument, NULL, 'o' },
	{ "seconds", required_argument, NULL, 't' },
	{ "threads", required_argument, NULL, 'T' },
	{ "timeout", required_argument, NULL, 'w' },
	{ "sweep", no_argument, NULL, 'W' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: " PROG " [--device PATH] COMMAND [OPTIONS]\n"
		"\n"
		"Run jobs on a sacc accelerator through the sacc_pci driver.\n"
		"\n"
		"Commands:\n");
	for (size_t i = 0; i < NR_COMMANDS; i++)
		fprintf(f, "  %-9s%s%s\n            %s\n", commands[i].name,
			*commands[i].args ? " " : "", commands[i].args, commands[i].summary);
	fprintf(f,
		"\n"
		"Options:\n"
		"  -d, --device PATH   the device (default /dev/sacc0)\n"
		"  -s, --size N        job size in bytes, K/M/G suffixes (default 4K; bench 1M)\n"
		"  -p, --pattern X     fill pattern, 64 bits (default: random)\n"
		"  -S, --seed X        crc32c seed, 32 bits (default 0)\n"
		"  -D, --diff-at OFF   compare: offset of the differing byte, or 'none'\n"
		"                      (default: random)\n"
		"  -r, --seed-rng N    seed of the data generator (default: from the clock)\n"
		"  -n, --rounds N      selftest: random sizes per op (default 4)\n"
		"  -m, --max-size N    selftest: largest random size (default 4M)\n"
		"  -o, --op OP         bench: copy, fill, compare or crc32c (default copy),\n"
		"                      or memcpy (the CPU's memcpy(), no device: not with\n"
		"                      --device)\n"
		"  -W, --sweep         bench: COPY and memcpy (the same work) at 4K, 16K ...\n"
		"                      16M, one line each; only with --op copy\n"
		"  -t, --seconds S     bench: duration (default 5; with --sweep, each run 1)\n"
		"  -T, --threads T     bench: threads, each with its own open file (default 1)\n"
		"  -w, --timeout S     wait-gone: give up after S seconds (default 60)\n"
		"  -h, --help          this help\n"
		"\n"
		"Exit status: 0 success, 1 wrong result or device error, 2 usage error,\n"
		"3 wait-gone timed out. See sacc-job(1).\n");
}

static int bad_value(const char *opt, const char *val, const char *what)
{
	fprintf(stderr, PROG ": invalid value '%s' for --%s: expected %s\n", val, opt, what);
	return -1;
}

static int set_option(struct opts *o, int c, const char *arg, unsigned int *given)
{
	uint64_t v;

	switch (c) {
	case 'd':
		if (!*arg)
			return bad_value("device", arg, "a path");
		o->device = arg;
		*given |= O_DEVICE;
		break;
	case 's':
		if (parse_size(arg, &o->size) || !o->size || o->size > SACC_JOB_MAX_LEN)
			return bad_value("size", arg, "1 to 64M bytes");
		o->size_set = true;
		*given |= O_SIZE;
		break;
	case 'p':
		if (parse_u64(arg, &o->pattern))
			return bad_value("pattern", arg, "a 64-bit number");
		o->pattern_set = true;
		*given |= O_PATTERN;
		break;
	case 'S':
		if (parse_uint(arg, 0, UINT32_MAX, &v))
			return bad_value("seed", arg, "a 32-bit number");
		o->seed = (uint32_t)v;
		*given |= O_SEED;
		break;
	case 'r':
		if (parse_u64(arg, &o->rng_seed))
			return bad_value("seed-rng", arg, "a 64-bit number");
		o->rng_seed_set = true;
		*given |= O_SEED_RNG;
		break;
	case 'D':
		if (!strcmp(arg, "none"))
			o->diff_at = DIFF_AT_NONE;
		else if (parse_size(arg, &v) || v >= SACC_JOB_MAX_LEN)
			return bad_value("diff-at", arg, "an offset or 'none'");
		else
			o->diff_at = (int64_t)v;
		*given |= O_DIFF_AT;
		break;
	case 'n':
		if (parse_uint(arg, 0, 100000, &v))
			return bad_value("rounds", arg, "0 to 100000");
		o->rounds = (unsigned int)v;
		*given |= O_ROUNDS;
		break;
	case 'm':
		if (parse_size(arg, &o->max_size) || !o->max_size || o->max_size > SACC_JOB_MAX_LEN)
			return bad_value("max-size", arg, "1 to 64M bytes");
		*given |= O_MAX_SIZE;
		break;
	case 'o':
		o->op = strcmp(arg, "memcpy") ? op_parse(arg) : BENCH_OP_MEMCPY;
		if (!o->op)
			return bad_value("op", arg, "copy, fill, compare, crc32c or memcpy");
		*given |= O_OP;
		break;
	case 't':
		if (parse_seconds(arg, &o->seconds))
			return bad_value("seconds", arg, "a positive number of seconds");
		*given |= O_SECONDS;
		break;
	case 'T':
		if (parse_uint(arg, 1, 64, &v))
			return bad_value("threads", arg, "1 to 64");
		o->threads = (unsigned int)v;
		*given |= O_THREADS;
		break;
	case 'W':
		o->sweep = true;
		*given |= O_SWEEP;
		break;
	case 'w':
		if (parse_seconds(arg, &o->timeout))
			return bad_value("timeout", arg, "a positive number of seconds");
		*given |= O_TIMEOUT;
		break;
	}
	return 0;
}

static const char *option_name(unsigned int bit)
{
	static const struct { unsigned int bit; const char *name; } names[] = {
		{ O_DEVICE, "device" }, { O_SIZE, "size" }, { O_PATTERN, "pattern" },
		{ O_SEED, "seed" }, { O_SEED_RNG, "seed-rng" }, { O_DIFF_AT, "diff-at" },
		{ O_ROUNDS, "rounds" }, { O_MAX_SIZE, "max-size" }, { O_OP, "op" },
		{ O_SECONDS, "seconds" }, { O_THREADS, "threads" }, { O_TIMEOUT, "timeout" },
		{ O_SWEEP, "sweep" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].bit == bit)
			return names[i].name;
	return "?";
}

uint64_t opts_rng_seed(const struct opts *o)
{
	struct timespec ts;

	if (o->rng_seed_set)
		return o->rng_seed;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000007ULL ^ (uint64_t)ts.tv_nsec ^
	       ((uint64_t)getpid() << 32);
}

int main(int argc, char **argv)
{
	struct opts o = {
		.device = "/dev/sacc0",
		.size = 4096,
		.diff_at = DIFF_AT_RANDOM,
		.rounds = 4,
		.max_size = 4 << 20,
		.op = SACC_JOB_OP_COPY,
		.seconds = 5,
		.threads = 1,
		.timeout = 60,
	};
	const struct command *cmd = NULL;
	unsigned int given = 0;
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":d:s:p:S:r:D:n:m:o:t:T:w:Wh", long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			return EXIT_OK;
		case '?':
			if (optopt)
				fprintf(stderr, PROG ": unknown option -%c\n", optopt);
			else
				fprintf(stderr, PROG ": unknown option %s\n", argv[optind - 1]);
			fprintf(stderr, "Try '" PROG " --help'.\n");
			return EXIT_USAGE;
		case ':':
			fprintf(stderr, PROG ": option %s needs a value\n", argv[optind - 1]);
			return EXIT_USAGE;
		default:
			if (set_option(&o, c, optarg, &given))
				return EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, PROG ": no command given\n");
		usage(stderr);
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[optind], commands[i].name))
			cmd = &commands[i];
	if (!cmd) {
		fprintf(stderr, PROG ": unknown command '%s'. Try '" PROG " --help'.\n",
			argv[optind]);
		return EXIT_USAGE;
	}
	if (optind + 1 < argc) {
		fprintf(stderr, PROG ": %s: unexpected argument '%s'\n", cmd->name, argv[optind + 1]);
		return EXIT_USAGE;
	}
	if (given & ~cmd->allowed) {
		unsigned int bad = given & ~cmd->allowed;

		fprintf(stderr, PROG ": %s does not take --%s\n", cmd->name,
			option_name(bad & -bad));
		return EXIT_USAGE;
	}
	if (cmd->op)
		o.op = cmd->op;
	if (cmd->run == cmd_bench && !o.size_set)
		o.size = 1 << 20;
	if (o.sweep && (given & O_SIZE)) {
		fprintf(stderr, PROG ": bench: --sweep chooses the sizes, --size does not go with it\n");
		return EXIT_USAGE;
	}
	if (o.sweep && o.op != SACC_JOB_OP_COPY) {
		/* A ratio against memcpy means something only for the same work. */
		fprintf(stderr, PROG ": bench: --sweep compares COPY with memcpy; it does not take --op %s\n",
			o.op == BENCH_OP_MEMCPY ? "memcpy" : op_name(o.op));
		return EXIT_USAGE;
	}
	if (cmd->run == cmd_bench && o.op == BENCH_OP_MEMCPY && (given & O_DEVICE)) {
		fprintf(stderr, PROG ": bench: --op memcpy uses no device; it does not take --device\n");
		return EXIT_USAGE;
	}
	if (o.sweep && !(given & O_SECONDS))
		o.seconds = 1;
	if (o.op == SACC_JOB_OP_COMPARE && o.diff_at >= 0 && (uint64_t)o.diff_at >= o.size) {
		fprintf(stderr, PROG ": --diff-at %lld is beyond --size %llu\n",
			(long long)o.diff_at, (unsigned long long)o.size);
		return EXIT_USAGE;
	}
	return cmd->run(&o);
}
