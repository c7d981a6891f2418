// SPDX-License-Identifier: GPL-2.0
/*
 * B1 throughput and B8 offload efficiency, from the same runs.
 *
 * One sacc-4q instance; COPY descriptors of 4 KiB ... 16 MiB, 2 in flight on one
 * queue (and, in the full run, 2 on each of 2 queues for 64 KiB and up), completions
 * awaited on the MSI eventfd. Each repetition measures, back to back on the same
 * buffers: the engine, a userspace memcpy() of the same mapped buffers, and the
 * in-kernel memcpy of tests/bench/kmod (when loaded). B1 rows: MB/s of each and the
 * per-repetition ratios engine/memcpy; B8 rows: the submitter's CPU time
 * (getrusage) per GiB the engine copied / the CPU time per GiB of memcpy itself.
 * The pin budget is raised to hold every buffer page and the pages are touched
 * once before anything is timed, so B1 measures the copy path itself (B3 measures
 * the budget); the hits/misses/evictions per run are in the rows.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

struct copy_ctx {
	uint32_t size;
	unsigned int slots;
};

static void gen_copy(void *ctx, unsigned int q, uint64_t seq, struct sacc_desc *d)
{
	const struct copy_ctx *c = ctx;
	uint64_t off = (seq % c->slots) * c->size;

	(void)q;
	d->opcode = SACC_OP_COPY;
	d->len = c->size;
	d->src = IOVA_SRC + off;
	d->dst = IOVA_DST + off;
}

struct b1_cfg {
	uint32_t size;
	unsigned int nq;	/* queues used */
	unsigned int per_q;	/* in flight on each */
};

#define B1_MAX_CFGS	16
#define B1_MAX_REPS	32

struct b1_res {
	double eng[B1_MAX_REPS], mem[B1_MAX_REPS], kmem[B1_MAX_REPS];	/* MB/s */
	double r_mem[B1_MAX_REPS], r_kmem[B1_MAX_REPS];
	double cpu_eng[B1_MAX_REPS], cpu_mem[B1_MAX_REPS], r_cpu[B1_MAX_REPS];	/* s/GiB */
	double hits[B1_MAX_REPS], misses[B1_MAX_REPS], evict[B1_MAX_REPS];
	unsigned int nk;	/* repetitions with a kernel baseline */
};

/* One repetition of one configuration; 0 or -1. */
static int b1_once(struct binst *in, const struct b1_cfg *c, unsigned int rep,
		   struct b1_res *r, bool kmem)
{
	struct copy_ctx ctx = { .size = c->size, .slots = c->nq * c->per_q };
	uint64_t region = (uint64_t)ctx.slots * c->size;
	uint64_t target = bopts.quick ? 4 * MIB : 32 * MIB;
	uint64_t total, i, bytes;
	struct sacc_stats s0, s1, sd;
	double t0, t1, c0, c1, gib;

	total = target / c->size;
	if (total < 4 * ctx.slots)
		total = 4 * ctx.slots;
	bytes = total * c->size;
	gib = (double)bytes / GIB;

	/* The engine. */
	memset(in->dst.va, 0, region);
	in->nq = c->nq;
	if (sacc_stats_read(in->uuid, &s0))
		memset(&s0, 0, sizeof(s0));
	c0 = cpu_s();
	t0 = now_s();
	if (run_stream(in, c->per_q, total, WAIT_MSI, gen_copy, &ctx))
		return -1;
	t1 = now_s();
	c1 = cpu_s();
	if (sacc_stats_read(in->uuid, &s1))
		memset(&s1, 0, sizeof(s1));
	stats_delta(&s0, &s1, &sd);
	if (memcmp(in->dst.va, in->src.va, region))
		return fail("B1: COPY of %u B: the destination differs from the source after the run",
			    c->size);
	r->eng[rep] = bytes / (t1 - t0) / 1e6;
	r->cpu_eng[rep] = (c1 - c0) / gib;
	r->hits[rep] = sd.cache_hits;
	r->misses[rep] = sd.cache_misses;
	r->evict[rep] = sd.cache_evictions;

	/* memcpy() of the same buffers, same pattern of slots. */
	memset(in->dst.va, 0, region);
	c0 = cpu_s();
	t0 = now_s();
	for (i = 0; i < total; i++) {
		uint64_t off = (i % ctx.slots) * c->size;

		memcpy(in->dst.va + off, in->src.va + off, c->size);
		__asm__ __volatile__("" ::: "memory");
	}
	t1 = now_s();
	c1 = cpu_s();
	if (memcmp(in->dst.va, in->src.va, region))
		return fail("B1: memcpy of %u B went wrong", c->size);
	r->mem[rep] = bytes / (t1 - t0) / 1e6;
	r->cpu_mem[rep] = (c1 - c0) / gib;
	r->r_mem[rep] = r->eng[rep] / r->mem[rep];
	r->r_cpu[rep] = r->cpu_mem[rep] > 0 ? r->cpu_eng[rep] / r->cpu_mem[rep] : 0;

	/* The in-kernel memcpy. */
	if (kmem) {
		double s = kmemcpy_run(c->size, (unsigned int)total);

		if (s <= 0)
			return -1;
		r->kmem[r->nk] = bytes / s / 1e6;
		r->r_kmem[r->nk] = r->eng[rep] / r->kmem[r->nk];
		r->nk++;
	}
	fprintf(stderr, "B1 rep %u: COPY %8u B x %llu, %u queue(s) x %u in flight: engine %.1f MB/s, memcpy %.1f MB/s%s\n",
		rep, c->size, (unsigned long long)total, c->nq, c->per_q, r->eng[rep],
		r->mem[rep], kmem ? "" : " (no kernel baseline)");
	return 0;
}

/*
 * Touch every page once from one queue, untimed: afterwards every access hits, and
 * no two engines ever miss on the same page at once (see bench_b1()).
 */
static int b1_warm(struct binst *in, size_t region)
{
	struct copy_ctx ctx = { .size = region < MIB ? (uint32_t)region : (uint32_t)MIB };

	ctx.slots = (unsigned int)(region / ctx.size);
	in->nq = 1;
	return run_stream(in, 2, ctx.slots, WAIT_MSI, gen_copy, &ctx);
}

/* A B1 or B8 row with the configuration's fields. */
static json_object *b1_row(const char *bench, const struct b1_cfg *c, unsigned int reps)
{
	json_object *row = row_new(bench);

	row_int(row, "size", c->size);
	row_int(row, "inflight", c->nq * c->per_q);
	row_int(row, "queues", c->nq);
	row_str(row, "wait", "msi");
	row_int(row, "reps", reps);
	return row;
}

int bench_b1(void)
{
	static const uint32_t full_sizes[] = { 4096, 16384, 65536, 262144, 1048576,
					       4194304, 16777216 };
	static const uint32_t quick_sizes[] = { 4096, 262144, 16777216 };
	const uint32_t *sizes = bopts.quick ? quick_sizes : full_sizes;
	unsigned int nsizes = bopts.quick ? 3 : 7;
	static struct b1_res res[B1_MAX_CFGS];
	struct b1_cfg cfg[B1_MAX_CFGS];
	unsigned int n = 0, i, rep, reps = bopts.reps;
	bool kmem = kmemcpy_available();
	unsigned int budget, saved_budget;
	size_t max_region = 0;
	struct binst in;
	int ret = -1;

	if (reps > B1_MAX_REPS)
		reps = B1_MAX_REPS;
	for (i = 0; i < nsizes; i++) {
		cfg[n++] = (struct b1_cfg){ sizes[i], 1, 2 };
		if (!bopts.quick && sizes[i] >= 65536)
			cfg[n++] = (struct b1_cfg){ sizes[i], 2, 2 };
	}
	for (i = 0; i < n; i++)
		if ((size_t)cfg[i].size * cfg[i].nq * cfg[i].per_q > max_region)
			max_region = (size_t)cfg[i].size * cfg[i].nq * cfg[i].per_q;
	if (!kmem)
		fprintf(stderr, "B1: %s is missing (tests/bench/kmod not loaded): no in-kernel baseline\n",
			KMEMCPY_FILE);

	/*
	 * Every page of the buffers fits the pin budget: B1 measures the data path, the
	 * budget is B3's subject. With the default budget (2048 pages for a sacc-4q) the
	 * 2-queue runs evict, and two engines missing on one page at once then fail a
	 * valid COPY with ADDR (the -EAGAIN defect of issue 11), which ends the run.
	 */
	budget = (unsigned int)(2 * max_region / DMA_PAGE) + 64;
	if (param_read_uint("max_pinned_pages", &saved_budget) ||
	    param_write_uint("max_pinned_pages", budget))
		return -1;
	ret = binst_create(&in, "sacc0", "sacc-4q");
	if (!ret)
		ret = binst_open(&in, 2, 64, 0, max_region, max_region, true);
	param_write_uint("max_pinned_pages", saved_budget);
	ret = ret ?: b1_warm(&in, max_region);
	if (ret) {
		ret = -1;
		goto out;
	}
	ret = -1;
	memset(res, 0, sizeof(res));
	/* Interleaved: every configuration once per repetition. */
	for (rep = 0; rep < reps; rep++)
		for (i = 0; i < n; i++)
			if (b1_once(&in, &cfg[i], rep, &res[i], kmem))
				goto out;

	for (i = 0; i < n; i++) {
		struct b1_res *r = &res[i];
		json_object *row = b1_row("B1", &cfg[i], reps);

		row_stat(row, "mbs_engine", r->eng, reps);
		row_stat(row, "mbs_memcpy", r->mem, reps);
		row_stat(row, "ratio_memcpy", r->r_mem, reps);
		if (r->nk) {
			row_stat(row, "mbs_kmemcpy", r->kmem, r->nk);
			row_stat(row, "ratio_kmemcpy", r->r_kmem, r->nk);
		} else {
			row_num(row, "mbs_kmemcpy", NAN);
			row_num(row, "ratio_kmemcpy", NAN);
		}
		row_num(row, "cache_hits", stat_median(r->hits, reps));
		row_num(row, "cache_misses", stat_median(r->misses, reps));
		row_num(row, "cache_evictions", stat_median(r->evict, reps));
		row_emit(row);

		row = b1_row("B8", &cfg[i], reps);
		row_stat(row, "cpu_s_per_gib_engine", r->cpu_eng, reps);
		row_stat(row, "cpu_s_per_gib_memcpy", r->cpu_mem, reps);
		row_stat(row, "cpu_ratio", r->r_cpu, reps);
		row_emit(row);
	}
	ret = 0;
out:
	binst_destroy(&in);
	return ret;
}
