// SPDX-License-Identifier: GPL-2.0
/*
 * B2 small operations and B6 latency, on one sacc-1q instance.
 *
 * B2: NOP and 64-byte COPY at 1 ... 256 descriptors per doorbell, and one BATCH of
 * 1 ... 64 64-byte COPY elements per doorbell; each round is awaited by
 * busy-polling the records, and again by blocking on the MSI eventfd (the poller
 * competes with the engine threads for the guest's two CPUs; MSI does not).
 * ops/s and us/op (BATCH: elements).
 *
 * B6: one descriptor at a time (NOP, 64-byte COPY), from the doorbell to the
 * completion seen by busy-polling its record or by the MSI eventfd waking the
 * process, against a null round trip through the region (SCRATCH write + read).
 * The samples of the five kinds are interleaved one by one; p50/p99 over all, and
 * the spread of the per-run p50 over the repetitions.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define SMALL_LEN	64u
#define SMALL_MAX	256u	/* descriptors per doorbell */
#define BATCH_MAX	64u
#define SMALL_RING	512u

static int small_setup(struct binst *in)
{
	if (binst_create(in, "sacc0", "sacc-1q"))
		return -1;
	return binst_open(in, 1, SMALL_RING, BATCH_MAX * sizeof(struct sacc_desc),
			  SMALL_MAX * SMALL_LEN, SMALL_MAX * SMALL_LEN, true);
}

/* ---- B2 ---- */
enum small_op { OP_NOP, OP_COPY64, OP_BATCH };
static const char *const small_names[] = { "NOP", "COPY64", "BATCH" };

struct b2_cfg {
	enum small_op op;
	unsigned int n;		/* descriptors per doorbell, or BATCH elements */
	enum wait_mode wait;
};

/* Fill in @n descriptors of @op for one round. */
static unsigned int b2_descs(const struct b2_cfg *c, struct sacc_desc *d,
			     uint32_t *expect)
{
	unsigned int i, nd = c->op == OP_BATCH ? 1 : c->n;

	memset(d, 0, nd * sizeof(*d));
	for (i = 0; i < nd; i++) {
		if (c->op == OP_NOP) {
			d[i].opcode = SACC_OP_NOP;
			expect[i] = 0;
		} else if (c->op == OP_COPY64) {
			d[i].opcode = SACC_OP_COPY;
			d[i].len = SMALL_LEN;
			d[i].src = IOVA_SRC + i * SMALL_LEN;
			d[i].dst = IOVA_DST + i * SMALL_LEN;
			expect[i] = SMALL_LEN;
		} else {
			d[i].opcode = SACC_OP_BATCH;
			d[i].src = IOVA_AUX;
			d[i].len = c->n * sizeof(struct sacc_desc);
			expect[i] = d[i].len;	/* 64 x elements (§11.4) */
		}
	}
	return nd;
}

/* The BATCH array: @n 64-byte COPYs without records. */
static void b2_batch_array(struct binst *in, unsigned int n)
{
	struct sacc_desc *el = (struct sacc_desc *)in->aux.va;
	unsigned int i;

	memset(el, 0, BATCH_MAX * sizeof(*el));
	for (i = 0; i < n; i++) {
		el[i].opcode = SACC_OP_COPY;
		el[i].len = SMALL_LEN;
		el[i].src = IOVA_SRC + i * SMALL_LEN;
		el[i].dst = IOVA_DST + i * SMALL_LEN;
		el[i].tag = i;
	}
}

/* Seconds per op of one measurement, or < 0. */
static double b2_once(struct binst *in, const struct b2_cfg *c)
{
	static struct sacc_desc d[SMALL_MAX];
	static uint32_t expect[SMALL_MAX];
	unsigned int target = bopts.quick ? 1024 : 4096;
	unsigned int rounds = (target + c->n - 1) / c->n, r, nd;
	unsigned int touched = c->op == OP_NOP ? 0 : c->n * SMALL_LEN;
	double t0, t1;

	if (c->op == OP_BATCH)
		b2_batch_array(in, c->n);
	memset(in->dst.va, 0, in->dst.len);
	in->flags = c->wait == WAIT_MSI ? SACC_DESC_FLAG_INTR : 0;
	t0 = now_s();
	for (r = 0; r < rounds; r++) {
		nd = b2_descs(c, d, expect);
		if (bq_post(in, 0, d, nd, expect) || binst_drain(in, c->wait))
			return -1;
	}
	t1 = now_s();
	if (touched && memcmp(in->dst.va, in->src.va, touched))
		return fail("B2: %s x %u: the destination differs from the source",
			    small_names[c->op], c->n);
	return (t1 - t0) / ((double)rounds * c->n);
}

#define B2_MAX_CFGS	32
#define B_MAX_REPS	32

int bench_b2(void)
{
	static const unsigned int full_n[] = { 1, 4, 16, 64, 256 };
	static const unsigned int quick_n[] = { 1, 16, 256 };
	static const unsigned int full_b[] = { 1, 4, 16, 64 };
	static const unsigned int quick_b[] = { 1, 64 };
	static double per_op[B2_MAX_CFGS][B_MAX_REPS], ops[B2_MAX_CFGS][B_MAX_REPS];
	const unsigned int *ns = bopts.quick ? quick_n : full_n;
	const unsigned int *bs = bopts.quick ? quick_b : full_b;
	unsigned int nn = bopts.quick ? 3 : 5, nb = bopts.quick ? 2 : 4;
	unsigned int reps = bopts.reps < B_MAX_REPS ? bopts.reps : B_MAX_REPS;
	struct b2_cfg cfg[B2_MAX_CFGS];
	unsigned int n = 0, i, rep;
	enum wait_mode w;
	struct binst in;
	int ret = -1;

	for (w = WAIT_POLL; w <= WAIT_MSI; w++) {
		for (i = 0; i < nn; i++)
			cfg[n++] = (struct b2_cfg){ OP_NOP, ns[i], w };
		for (i = 0; i < nn; i++)
			cfg[n++] = (struct b2_cfg){ OP_COPY64, ns[i], w };
		for (i = 0; i < nb; i++)
			cfg[n++] = (struct b2_cfg){ OP_BATCH, bs[i], w };
	}
	if (small_setup(&in))
		goto out;
	for (rep = 0; rep < reps; rep++) {
		for (i = 0; i < n; i++) {
			double s = b2_once(&in, &cfg[i]);

			if (s <= 0)
				goto out;
			per_op[i][rep] = s * 1e6;
			ops[i][rep] = 1 / s;
		}
		fprintf(stderr, "B2 rep %u done\n", rep);
	}
	for (i = 0; i < n; i++) {
		json_object *row = row_new("B2");

		row_str(row, "op", small_names[cfg[i].op]);
		row_int(row, cfg[i].op == OP_BATCH ? "batch" : "per_doorbell", cfg[i].n);
		row_str(row, "wait", cfg[i].wait == WAIT_MSI ? "msi" : "poll");
		row_int(row, "reps", reps);
		row_stat(row, "ops_per_s", ops[i], reps);
		row_stat(row, "us_per_op", per_op[i], reps);
		row_emit(row);
	}
	ret = 0;
out:
	binst_destroy(&in);
	return ret;
}

/* ---- B6 ---- */
enum lat_kind { LAT_NULL, LAT_NOP_POLL, LAT_NOP_MSI, LAT_COPY_POLL, LAT_COPY_MSI, LAT_KINDS };
static const struct {
	const char *op, *wait;
} lat_names[LAT_KINDS] = {
	{ "null", "region" }, { "NOP", "poll" }, { "NOP", "msi" },
	{ "COPY64", "poll" }, { "COPY64", "msi" },
};

/* One sample in microseconds, or < 0. */
static double b6_sample(struct binst *in, enum lat_kind k, uint32_t seq)
{
	bool msi = k == LAT_NOP_MSI || k == LAT_COPY_MSI;
	struct sacc_desc d = {};
	double t0, t1;
	uint32_t v;
	int ret;

	if (k == LAT_NULL) {
		t0 = now_s();
		ret = bar0_write32(&in->h, SACC_REG_SCRATCH, seq) ?:
		      bar0_read32(&in->h, SACC_REG_SCRATCH, &v);
		t1 = now_s();
		if (ret || v != seq)
			return fail("B6: SCRATCH round trip failed (wrote %u, read %u): %s", seq, v,
				    strerror(-ret));
		return (t1 - t0) * 1e6;
	}
	if (k == LAT_COPY_POLL || k == LAT_COPY_MSI) {
		d.opcode = SACC_OP_COPY;
		d.len = SMALL_LEN;
		d.src = IOVA_SRC;
		d.dst = IOVA_DST;
	}
	in->flags = msi ? SACC_DESC_FLAG_INTR : 0;
	t0 = now_s();
	if (bq_post(in, 0, &d, 1, NULL))
		return -1;
	if (msi) {
		ret = eventfd_wait(in->msi, 60000);
		t1 = now_s();
		if (ret <= 0)
			return fail("B6: instance %s: no MSI within 60 s: %s", in->uuid,
				    ret ? strerror(-ret) : "timed out");
		ret = bar0_write32(&in->h, SACC_REG_INTR_STATUS, SACC_INTR_QUEUE(0));
		if (ret)
			return fail("B6: cannot clear INTR_STATUS: %s", strerror(-ret));
	} else {
		if (binst_wait(in, WAIT_POLL, 60))
			return -1;
		t1 = now_s();
	}
	if (bq_reap(in, 0) != 1)
		return fail("B6: instance %s: %s %s: the record is not complete after the wake-up",
			    in->uuid, lat_names[k].op, lat_names[k].wait);
	return (t1 - t0) * 1e6;
}

int bench_b6(void)
{
	unsigned int reps = bopts.reps < B_MAX_REPS ? bopts.reps : B_MAX_REPS;
	unsigned int per_run = bopts.quick ? 60 : 400, nsamp = reps * per_run;
	double *s[LAT_KINDS], run_p50[LAT_KINDS][B_MAX_REPS], ratio[B_MAX_REPS];
	double p50[LAT_KINDS], p99[LAT_KINDS];
	unsigned int i, k, rep;
	struct binst in;
	int ret = -1;

	for (k = 0; k < LAT_KINDS; k++)
		s[k] = calloc(nsamp, sizeof(double));
	if (small_setup(&in))
		goto out;
	for (k = 0; k < LAT_KINDS; k++)
		if (!s[k]) {
			fail("out of memory");
			goto out;
		}
	/* Interleaved sample by sample; a few untimed ones warm everything up. */
	for (i = 0; i < 20; i++)
		for (k = 0; k < LAT_KINDS; k++)
			if (b6_sample(&in, k, i) < 0)
				goto out;
	for (i = 0; i < nsamp; i++)
		for (k = 0; k < LAT_KINDS; k++) {
			s[k][i] = b6_sample(&in, k, i);
			if (s[k][i] < 0)
				goto out;
		}
	if (memcmp(in.dst.va, in.src.va, SMALL_LEN)) {
		fail("B6: the 64-byte COPY's destination differs from its source");
		goto out;
	}
	for (k = 0; k < LAT_KINDS; k++)
		for (rep = 0; rep < reps; rep++) {
			double tmp[4096];
			unsigned int m = per_run < 4096 ? per_run : 4096;

			memcpy(tmp, s[k] + rep * per_run, m * sizeof(double));
			run_p50[k][rep] = stat_median(tmp, m);
		}
	for (k = 0; k < LAT_KINDS; k++) {
		p50[k] = stat_pct(s[k], nsamp, 50);
		p99[k] = stat_pct(s[k], nsamp, 99);
	}
	for (k = 0; k < LAT_KINDS; k++) {
		json_object *row = row_new("B6");

		row_str(row, "op", lat_names[k].op);
		row_str(row, "wait", lat_names[k].wait);
		row_int(row, "samples", nsamp);
		row_int(row, "reps", reps);
		row_num(row, "p50_us", p50[k]);
		row_num(row, "p99_us", p99[k]);
		row_num(row, "p50_run_min_us", stat_min(run_p50[k], reps));
		row_num(row, "p50_run_max_us", stat_max(run_p50[k], reps));
		for (rep = 0; rep < reps; rep++)
			ratio[rep] = run_p50[k][rep] / run_p50[LAT_NULL][rep];
		row_num(row, "ratio_p50", p50[k] / p50[LAT_NULL]);
		row_num(row, "ratio_p50_run_min", stat_min(ratio, reps));
		row_num(row, "ratio_p50_run_max", stat_max(ratio, reps));
		row_num(row, "ratio_p99", p99[k] / p99[LAT_NULL]);
		row_emit(row);
	}
	ret = 0;
out:
	for (k = 0; k < LAT_KINDS; k++)
		free(s[k]);
	binst_destroy(&in);
	return ret;
}
