// SPDX-License-Identifier: GPL-2.0
/*
 * sacc-job selftest: every op on sizes around the interesting boundaries (1 byte,
 * the page, the bounce buffer, several rounds) and on random sizes, from unaligned
 * user buffers; COMPARE differences at the edges and across round boundaries;
 * FILL patterns; CRC32C seeds and chaining; COPY between overlapping ranges; and
 * requests the driver must refuse. Each is checked against the CPU.
 *
 * Output is TAP: "1..N", then "ok K - what" or "not ok K - what: why", and at the
 * end "# selftest: jobs=J descriptors=D bytes=B", the change of the driver's
 * counters. The last test checks that change against what the jobs should have
 * cost: the number of jobs exactly; the bytes within what they must and may
 * have processed (a COMPARE stops some way after its first difference, a FILL
 * into an unmapped page runs a chunk or two before the copy-out faults); and
 * between one descriptor per 16 MiB of those bytes and one per byte. How many
 * descriptors a job takes depends on how its pages lie in memory (the driver
 * submits one per DMA-contiguous piece) or on the bounce buffer size.
 *
 * The counters check assumes nothing else uses the device meanwhile.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sacc_regs.h"
#include "buf.h"
#include "crc32c.h"
#include "device.h"
#include "prng.h"
#include "ref.h"
#include "tool.h"

#define FILL_PATTERN	0x0123456789abcdefULL	/* eight different bytes */

enum kind {
	T_JOB,		/* one op on one size (the bulk) */
	T_OVERLAP,	/* COPY between overlapping ranges of one buffer */
	T_CRC_CHECK,	/* CRC32C("123456789") */
	T_CRC_CHAIN,	/* CRC32C of A, then of B seeded with it */
	T_INVALID,	/* a request the driver refuses */
	T_EFAULT_SRC,	/* COPY from an unmapped source */
	T_EFAULT_DST,	/* FILL into an unmapped destination */
	T_EFAULT_ARG,	/* SUBMIT with an unmapped struct sacc_job */
	T_AFTER_FAULT,	/* the device still works */
	T_COUNTERS,	/* the driver's counters match the jobs run */
};

/* The invalid requests of T_INVALID. */
enum invalid {
	INV_OP0, INV_OP_BATCH, INV_OP99, INV_LEN0, INV_LEN_MAX, INV_FLAGS, INV_RSVD0,
	INV_RESERVED, INV_NULL_SRC, INV_CRC_DST, INV_CRC_SEED, INV_FILL_SRC, INV_IOCTL,
	NR_INVALID
};

struct tcase {
	enum kind kind;
	unsigned int op;
	uint64_t size;
	unsigned int soff, doff;	/* source and destination misalignment */
	uint64_t pattern;		/* FILL pattern, CRC32C seed */
	int64_t diff[2];		/* COMPARE: differing offsets, -1 for none */
	int64_t delta;			/* T_OVERLAP: dst - src */
	enum invalid inval;
	char desc[128];
};

struct selftest {
	const char *path;
	int fd;
	uint32_t bounce;
	struct prng rng;
	struct tcase *cases;
	unsigned int nr_cases, max_cases;
	unsigned int done, failed;
	uint64_t exp_jobs, exp_desc_min, exp_bytes_min, exp_bytes_max;
	int inexact;			/* a job failed on the device: counts unknown */
};

static struct tcase *add(struct selftest *st, enum kind kind, unsigned int op, uint64_t size)
{
	struct tcase *t;

	if (st->nr_cases == st->max_cases) {
		st->max_cases = st->max_cases ? 2 * st->max_cases : 64;
		st->cases = realloc(st->cases, st->max_cases * sizeof(*st->cases));
		if (!st->cases) {
			fprintf(stderr, PROG ": out of memory\n");
			exit(EXIT_FAIL);
		}
	}
	t = &st->cases[st->nr_cases++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->op = op;
	t->size = size;
	t->diff[0] = -1;
	t->diff[1] = -1;
	return t;
}

static void plan_jobs(struct selftest *st, const uint64_t *sizes, unsigned int nr_sizes)
{
	static const unsigned int ops[] = {
		SACC_JOB_OP_COPY, SACC_JOB_OP_FILL, SACC_JOB_OP_COMPARE, SACC_JOB_OP_CRC32C,
	};
	struct tcase *t;

	for (unsigned int k = 0; k < 4; k++) {
		for (unsigned int i = 0; i < nr_sizes; i++) {
			unsigned int op = ops[k], soff = 1 + i % 7, doff = 1 + (3 * i + 2) % 7;
			uint64_t size = sizes[i];

			switch (op) {
			case SACC_JOB_OP_COPY:
				t = add(st, T_JOB, op, size);
				t->soff = soff;
				t->doff = doff;
				snprintf(t->desc, sizeof(t->desc), "copy %llu bytes, src+%u dst+%u",
					 (unsigned long long)size, soff, doff);
				break;
			case SACC_JOB_OP_FILL:
				t = add(st, T_JOB, op, size);
				t->doff = doff;
				t->pattern = i % 2 ? prng_next(&st->rng) : FILL_PATTERN;
				snprintf(t->desc, sizeof(t->desc), "fill %llu bytes, dst+%u, pattern 0x%016llx",
					 (unsigned long long)size, doff, (unsigned long long)t->pattern);
				break;
			case SACC_JOB_OP_COMPARE:
				t = add(st, T_JOB, op, size);
				t->soff = soff;
				t->doff = doff;
				snprintf(t->desc, sizeof(t->desc), "compare %llu equal bytes, src+%u dst+%u",
					 (unsigned long long)size, soff, doff);
				t = add(st, T_JOB, op, size);
				t->soff = doff;
				t->doff = soff;
				t->diff[0] = (int64_t)prng_below(&st->rng, size);
				snprintf(t->desc, sizeof(t->desc), "compare %llu bytes, difference at %lld",
					 (unsigned long long)size, (long long)t->diff[0]);
				break;
			case SACC_JOB_OP_CRC32C:
				t = add(st, T_JOB, op, size);
				t->soff = soff;
				snprintf(t->desc, sizeof(t->desc), "crc32c %llu bytes, src+%u, seed 0",
					 (unsigned long long)size, soff);
				t = add(st, T_JOB, op, size);
				t->soff = doff;
				t->pattern = prng_range(&st->rng, 1, UINT32_MAX);
				snprintf(t->desc, sizeof(t->desc), "crc32c %llu bytes, src+%u, seed 0x%08llx",
					 (unsigned long long)size, doff, (unsigned long long)t->pattern);
				break;
			}
		}
	}
}

static void plan(struct selftest *st, const struct opts *o)
{
	const uint64_t b = st->bounce, big = 3 * b + 5;
	const int64_t edges[][2] = {
		{ 0, -1 }, { (int64_t)big - 1, -1 }, { (int64_t)b - 1, -1 }, { (int64_t)b, -1 },
		{ (int64_t)b + 1, -1 }, { 2 * (int64_t)b, -1 }, { (int64_t)b + 3, 2 * (int64_t)b + 1 },
	};
	const struct { uint64_t size; int64_t delta; } overlaps[] = {
		{ big, 3 }, { big, -5 }, { 4097, 1 }, { b, (int64_t)b / 2 }, { b + 1, -(int64_t)b },
	};
	static const char *const inval_desc[NR_INVALID] = {
		[INV_OP0] = "op 0 (NOP) is refused: EINVAL",
		[INV_OP_BATCH] = "op 5 (BATCH) is refused: EINVAL",
		[INV_OP99] = "op 99 is refused: EINVAL",
		[INV_LEN0] = "len 0 is refused: EINVAL",
		[INV_LEN_MAX] = "len above the maximum is refused: EINVAL",
		[INV_FLAGS] = "non-zero flags are refused: EINVAL",
		[INV_RSVD0] = "non-zero rsvd0 is refused: EINVAL",
		[INV_RESERVED] = "non-zero reserved[2] is refused: EINVAL",
		[INV_NULL_SRC] = "copy from a NULL source is refused: EINVAL",
		[INV_CRC_DST] = "crc32c with a destination is refused: EINVAL",
		[INV_CRC_SEED] = "crc32c with a seed above 32 bits is refused: EINVAL",
		[INV_FILL_SRC] = "fill with a source is refused: EINVAL",
		[INV_IOCTL] = "an unknown ioctl is refused: ENOTTY",
	};
	uint64_t sizes[64];
	unsigned int nr = 0;
	struct tcase *t;

	sizes[nr++] = 1;
	sizes[nr++] = 7;
	sizes[nr++] = 8;
	sizes[nr++] = 63;
	sizes[nr++] = 64;
	sizes[nr++] = 4095;
	sizes[nr++] = 4096;
	sizes[nr++] = 4097;
	sizes[nr++] = b - 1;
	sizes[nr++] = b;
	sizes[nr++] = b + 1;
	sizes[nr++] = big;
	for (unsigned int i = 0; i < o->rounds; i++) {
		uint64_t size = prng_range(&st->rng, 1, o->max_size);

		if (nr < sizeof(sizes) / sizeof(sizes[0]))
			sizes[nr++] = size;
	}
	plan_jobs(st, sizes, nr);

	for (unsigned int i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		t = add(st, T_JOB, SACC_JOB_OP_COMPARE, big);
		t->soff = 1 + i % 7;
		t->doff = 7 - i % 7;
		t->diff[0] = edges[i][0];
		t->diff[1] = edges[i][1];
		if (t->diff[1] >= 0)
			snprintf(t->desc, sizeof(t->desc),
				 "compare %llu bytes, differences at %lld and %lld: the first counts",
				 (unsigned long long)big, (long long)t->diff[0], (long long)t->diff[1]);
		else
			snprintf(t->desc, sizeof(t->desc), "compare %llu bytes, difference at %lld",
				 (unsigned long long)big, (long long)t->diff[0]);
	}
	for (unsigned int i = 0; i < sizeof(overlaps) / sizeof(overlaps[0]); i++) {
		t = add(st, T_OVERLAP, SACC_JOB_OP_COPY, overlaps[i].size);
		t->delta = overlaps[i].delta;
		snprintf(t->desc, sizeof(t->desc),
			 "copy %llu bytes onto an overlapping range at %+lld (as memmove)",
			 (unsigned long long)t->size, (long long)t->delta);
	}
	t = add(st, T_CRC_CHECK, SACC_JOB_OP_CRC32C, 9);
	snprintf(t->desc, sizeof(t->desc), "crc32c of \"123456789\" is 0xe3069283");
	t = add(st, T_CRC_CHAIN, SACC_JOB_OP_CRC32C, b + 17 + 4099);
	snprintf(t->desc, sizeof(t->desc),
		 "crc32c of %llu bytes then of 4099 more, seeded with the first, equals one job",
		 (unsigned long long)b + 17);
	for (unsigned int i = 0; i < NR_INVALID; i++) {
		t = add(st, T_INVALID, 0, 0);
		t->inval = (enum invalid)i;
		snprintf(t->desc, sizeof(t->desc), "%s", inval_desc[i]);
	}
	t = add(st, T_EFAULT_SRC, SACC_JOB_OP_COPY, 4096);
	snprintf(t->desc, sizeof(t->desc), "copy from an unmapped source fails: EFAULT");
	t = add(st, T_EFAULT_DST, SACC_JOB_OP_FILL, 4096);
	snprintf(t->desc, sizeof(t->desc), "fill into an unmapped destination fails: EFAULT");
	t = add(st, T_EFAULT_ARG, 0, 0);
	snprintf(t->desc, sizeof(t->desc), "SUBMIT with an unmapped argument fails: EFAULT");
	t = add(st, T_AFTER_FAULT, SACC_JOB_OP_COPY, b + 1);
	snprintf(t->desc, sizeof(t->desc), "copy %llu bytes still works after the faults",
		 (unsigned long long)b + 1);
	add(st, T_COUNTERS, 0, 0);
	snprintf(st->cases[st->nr_cases - 1].desc, sizeof(st->cases[0].desc),
		 "the driver's counters match the jobs run");
}

/* Bytes a job processed at least and at most: their descriptors, at least. */
static void expect_bytes(struct selftest *st, uint64_t min, uint64_t max)
{
	st->exp_desc_min += (min + SACC_DESC_MAX_LEN - 1) / SACC_DESC_MAX_LEN;
	st->exp_bytes_min += min;
	st->exp_bytes_max += max;
}

/* Account for a job that succeeded. */
static void expect_job(struct selftest *st, const struct sacc_job *job)
{
	uint64_t len = job->len;

	st->exp_jobs++;
	/* A COMPARE stops at the piece with the first difference, or later. */
	if (job->op == SACC_JOB_OP_COMPARE && job->result != REF_EQUAL &&
	    job->result < job->len)
		expect_bytes(st, job->result + 1, len);
	else
		expect_bytes(st, len, len);
}

/* SUBMIT a job that should succeed; on failure describe it in @why. */
static int submit(struct selftest *st, struct sacc_job *job, char *why, size_t whylen)
{
	char fault[80];
	int err = dev_submit(st->fd, job);

	if (err) {
		snprintf(why, whylen, "SUBMIT %s %llu bytes: %s%s", op_name(job->op),
			 (unsigned long long)job->len, strerror(-err),
			 dev_fault_text(job, fault, sizeof(fault)));
		st->inexact = 1;
		return -1;
	}
	expect_job(st, job);
	return 0;
}

/* The bytes around a destination must not change: check a guard area. */
static int check_guard(const unsigned char *buf, const unsigned char *orig, size_t off,
		       size_t len, size_t total, char *why, size_t whylen)
{
	if (memcmp(buf, orig, off)) {
		snprintf(why, whylen, "bytes before the destination changed");
		return 1;
	}
	if (memcmp(buf + off + len, orig + off + len, total - off - len)) {
		snprintf(why, whylen, "bytes after the destination changed");
		return 1;
	}
	return 0;
}

static int run_job(struct selftest *st, const struct tcase *t, char *why, size_t whylen)
{
	const size_t len = (size_t)t->size, total = len + 16;
	unsigned char *sbuf = xmalloc(total), *dbuf = xmalloc(total), *orig = xmalloc(total);
	unsigned char *src = sbuf + t->soff, *dst = dbuf + t->doff;
	uint64_t want = 0;
	struct sacc_job job;
	int bad = 1;

	prng_fill(&st->rng, sbuf, total);
	prng_fill(&st->rng, dbuf, total);
	switch (t->op) {
	case SACC_JOB_OP_COPY:
		job_init(&job, t->op, len, src, dst, 0);
		break;
	case SACC_JOB_OP_FILL:
		job_init(&job, t->op, len, NULL, dst, t->pattern);
		break;
	case SACC_JOB_OP_COMPARE:
		memcpy(dst, src, len);
		want = REF_EQUAL;
		for (int i = 1; i >= 0; i--) {
			if (t->diff[i] < 0)
				continue;
			dst[t->diff[i]] ^= 1 + (unsigned char)prng_below(&st->rng, 255);
			want = (uint64_t)t->diff[i];
		}
		job_init(&job, t->op, len, src, dst, 0);
		break;
	case SACC_JOB_OP_CRC32C:
		want = crc32c((uint32_t)t->pattern, src, len);
		job_init(&job, t->op, len, src, NULL, t->pattern);
		break;
	}
	memcpy(orig, dbuf, total);

	if (submit(st, &job, why, whylen))
		goto out;
	switch (t->op) {
	case SACC_JOB_OP_COPY:
		bad = ref_check(dst, src, len, why, whylen) ||
		      check_guard(dbuf, orig, t->doff, len, total, why, whylen);
		break;
	case SACC_JOB_OP_FILL:
		bad = ref_check_fill(dst, len, t->pattern, why, whylen) ||
		      check_guard(dbuf, orig, t->doff, len, total, why, whylen);
		break;
	case SACC_JOB_OP_COMPARE:
	case SACC_JOB_OP_CRC32C:
		bad = job.result != want;
		if (bad)
			snprintf(why, whylen, "result 0x%llx, expected 0x%llx",
				 (unsigned long long)job.result, (unsigned long long)want);
		else
			bad = check_guard(dbuf, orig, 0, 0, total, why, whylen);
		break;
	}
out:
	free(sbuf);
	free(dbuf);
	free(orig);
	return bad;
}

static int run_overlap(struct selftest *st, const struct tcase *t, char *why, size_t whylen)
{
	const size_t len = (size_t)t->size;
	const size_t shift = (size_t)(t->delta < 0 ? -t->delta : t->delta);
	const size_t total = len + shift + 16;
	unsigned char *buf = xmalloc(total), *want = xmalloc(total);
	unsigned char *src = buf + 8 + (t->delta < 0 ? shift : 0);
	unsigned char *dst = src + t->delta;
	struct sacc_job job;
	int bad = 1;

	prng_fill(&st->rng, buf, total);
	memcpy(want, buf, total);
	memmove(want + (dst - buf), want + (src - buf), len);
	job_init(&job, SACC_JOB_OP_COPY, len, src, dst, 0);
	if (!submit(st, &job, why, whylen))
		bad = ref_check(buf, want, total, why, whylen);
	free(buf);
	free(want);
	return bad;
}

static int run_crc_check(struct selftest *st, char *why, size_t whylen)
{
	char data[] = "123456789";
	struct sacc_job job;

	job_init(&job, SACC_JOB_OP_CRC32C, 9, data, NULL, 0);
	if (submit(st, &job, why, whylen))
		return 1;
	if (job.result != 0xe3069283) {
		snprintf(why, whylen, "result 0x%llx", (unsigned long long)job.result);
		return 1;
	}
	return 0;
}

static int run_crc_chain(struct selftest *st, const struct tcase *t, char *why, size_t whylen)
{
	const size_t len = (size_t)t->size, first = len - 4099;
	unsigned char *buf = xmalloc(len);
	uint32_t want;
	struct sacc_job a, b, all;
	int bad = 1;

	prng_fill(&st->rng, buf, len);
	want = crc32c(0, buf, len);
	job_init(&a, SACC_JOB_OP_CRC32C, first, buf, NULL, 0);
	if (submit(st, &a, why, whylen))
		goto out;
	job_init(&b, SACC_JOB_OP_CRC32C, len - first, buf + first, NULL, a.result);
	if (submit(st, &b, why, whylen))
		goto out;
	job_init(&all, SACC_JOB_OP_CRC32C, len, buf, NULL, 0);
	if (submit(st, &all, why, whylen))
		goto out;
	if (b.result != want || all.result != want) {
		snprintf(why, whylen, "chained 0x%llx, whole 0x%llx, expected 0x%08x",
			 (unsigned long long)b.result, (unsigned long long)all.result, want);
		goto out;
	}
	bad = 0;
out:
	free(buf);
	return bad;
}

static int run_invalid(struct selftest *st, const struct tcase *t, char *why, size_t whylen)
{
	unsigned char buf[64] = { 0 }, out[64];
	int want = -EINVAL, err;
	struct sacc_job job;

	job_init(&job, SACC_JOB_OP_COPY, sizeof(buf), buf, out, 0);
	switch (t->inval) {
	case INV_OP0:
		job.op = 0;
		break;
	case INV_OP_BATCH:
		job.op = 5;
		break;
	case INV_OP99:
		job.op = 99;
		break;
	case INV_LEN0:
		job.len = 0;
		break;
	case INV_LEN_MAX:
		job.len = (uint64_t)SACC_JOB_MAX_LEN + 1;
		break;
	case INV_FLAGS:
		job.flags = 1;
		break;
	case INV_RSVD0:
		job.rsvd0 = 1;
		break;
	case INV_RESERVED:
		job.reserved[2] = 1;
		break;
	case INV_NULL_SRC:
		job.src = 0;
		break;
	case INV_CRC_DST:
		job.op = SACC_JOB_OP_CRC32C;
		break;
	case INV_CRC_SEED:
		job_init(&job, SACC_JOB_OP_CRC32C, sizeof(buf), buf, NULL, 1ULL << 32);
		break;
	case INV_FILL_SRC:
		job.op = SACC_JOB_OP_FILL;
		break;
	case INV_IOCTL:
		want = -ENOTTY;
		break;
	case NR_INVALID:
		break;
	}
	if (t->inval == INV_IOCTL)
		err = ioctl(st->fd, _IOWR(SACC_IOC_MAGIC, 0x7f, struct sacc_job), &job) < 0 ?
		      -errno : 0;
	else
		err = dev_submit(st->fd, &job);
	if (err == want)
		return 0;
	snprintf(why, whylen, "got %s", err ? strerror(-err) : "success");
	if (!err)
		st->inexact = 1;
	return 1;
}

/* An address with nothing mapped: a page mapped and unmapped again. */
static void *unmapped_page(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED) {
		perror(PROG ": mmap");
		exit(EXIT_FAIL);
	}
	munmap(p, 4096);
	return p;
}

static int run_efault(struct selftest *st, const struct tcase *t, char *why, size_t whylen)
{
	unsigned char *buf = xmalloc(t->size ? t->size : 1);
	struct sacc_job job;
	int err;

	memset(buf, 0x5a, t->size ? t->size : 1);
	switch (t->kind) {
	case T_EFAULT_SRC:
		/* Fails while filling the bounce buffer: no descriptor runs. */
		job_init(&job, SACC_JOB_OP_COPY, t->size, unmapped_page(), buf, 0);
		err = dev_submit(st->fd, &job);
		break;
	case T_EFAULT_DST:
		/* The round runs, then the copy back to the user fails. */
		job_init(&job, SACC_JOB_OP_FILL, t->size, NULL, unmapped_page(), 1);
		err = dev_submit(st->fd, &job);
		if (err == -EFAULT)
			st->exp_bytes_max += t->size;
		break;
	default:
		err = ioctl(st->fd, SACC_IOC_SUBMIT, unmapped_page()) < 0 ? -errno : 0;
		break;
	}
	free(buf);
	if (err == -EFAULT)
		return 0;
	snprintf(why, whylen, "got %s", err ? strerror(-err) : "success");
	st->inexact = 1;
	return 1;
}

static void report(struct selftest *st, const struct tcase *t, int bad, const char *why)
{
	st->done++;
	if (bad) {
		st->failed++;
		printf("not ok %u - %s: %s\n", st->done, t->desc, why);
	} else {
		printf("ok %u - %s\n", st->done, t->desc);
	}
	fflush(stdout);
}

static void run_counters(struct selftest *st, const struct tcase *t,
			 const struct sacc_info *before)
{
	struct sacc_info after;
	uint64_t bytes, desc;
	char why[320];
	int bad;

	if (dev_info(st->fd, st->path, &after, 1)) {
		report(st, t, 1, "INFO failed");
		return;
	}
	printf("# selftest: jobs=%llu descriptors=%llu bytes=%llu\n",
	       (unsigned long long)(after.jobs - before->jobs),
	       (unsigned long long)(after.descriptors - before->descriptors),
	       (unsigned long long)(after.bytes - before->bytes));
	if (st->inexact) {
		st->done++;
		printf("ok %u - %s # SKIP jobs failed, the expected counts are unknown\n",
		       st->done, t->desc);
		return;
	}
	bytes = after.bytes - before->bytes;
	desc = after.descriptors - before->descriptors;
	bad = after.jobs - before->jobs != st->exp_jobs ||
	      bytes < st->exp_bytes_min || bytes > st->exp_bytes_max ||
	      desc < st->exp_desc_min || desc > bytes ||
	      after.errors != before->errors || after.timeouts != before->timeouts;
	snprintf(why, sizeof(why),
		 "expected jobs=%llu descriptors=%llu..bytes bytes=%llu..%llu errors=0 timeouts=0, got errors=%llu timeouts=%llu",
		 (unsigned long long)st->exp_jobs, (unsigned long long)st->exp_desc_min,
		 (unsigned long long)st->exp_bytes_min, (unsigned long long)st->exp_bytes_max,
		 (unsigned long long)(after.errors - before->errors),
		 (unsigned long long)(after.timeouts - before->timeouts));
	report(st, t, bad, why);
}

int cmd_selftest(const struct opts *o)
{
	struct selftest st = { .path = o->device };
	uint64_t rng_seed = opts_rng_seed(o);
	struct sacc_info before;
	char why[256];
	int bad;

	st.fd = dev_open(o->device);
	if (st.fd < 0)
		return EXIT_FAIL;
	if (dev_info(st.fd, o->device, &before, 0)) {
		close(st.fd);
		return EXIT_FAIL;
	}
	st.bounce = before.bounce_size;
	if (st.bounce < 4096 || 3ULL * st.bounce + 5 + 4099 > SACC_JOB_MAX_LEN) {
		fprintf(stderr, PROG ": %s: unexpected bounce buffer size %u\n", o->device,
			st.bounce);
		close(st.fd);
		return EXIT_FAIL;
	}
	prng_seed(&st.rng, rng_seed);
	plan(&st, o);

	printf("1..%u\n", st.nr_cases);
	printf("# sacc-job selftest: device=%s queues=%u bounce_kib=%u irq=%s seed-rng=%llu\n",
	       o->device, before.queues, st.bounce / 1024,
	       before.irq == SACC_INFO_IRQ_MSI ? "msi" : "intx", (unsigned long long)rng_seed);
	fflush(stdout);

	for (unsigned int i = 0; i < st.nr_cases; i++) {
		const struct tcase *t = &st.cases[i];

		why[0] = 0;
		switch (t->kind) {
		case T_JOB:
		case T_AFTER_FAULT:
			bad = run_job(&st, t, why, sizeof(why));
			break;
		case T_OVERLAP:
			bad = run_overlap(&st, t, why, sizeof(why));
			break;
		case T_CRC_CHECK:
			bad = run_crc_check(&st, why, sizeof(why));
			break;
		case T_CRC_CHAIN:
			bad = run_crc_chain(&st, t, why, sizeof(why));
			break;
		case T_INVALID:
			bad = run_invalid(&st, t, why, sizeof(why));
			break;
		case T_EFAULT_SRC:
		case T_EFAULT_DST:
		case T_EFAULT_ARG:
			bad = run_efault(&st, t, why, sizeof(why));
			break;
		case T_COUNTERS:
		default:
			run_counters(&st, t, &before);
			continue;
		}
		report(&st, t, bad, why);
	}
	close(st.fd);
	free(st.cases);
	if (st.failed)
		printf("# %u of %u tests failed\n", st.failed, st.done);
	return st.failed ? EXIT_FAIL : EXIT_OK;
}
