// SPDX-License-Identifier: GPL-2.0
/*
 * B3 shadow cache: the cache of pinned pages (dma_cache=1) against the bypass
 * (dma_cache=0: vfio_dma_rw() for every access), across descriptor sizes and
 * working sets of 0.5, 1.0, 1.01 and 2 times the pin budget.
 *
 * One sacc-1q instance opened with max_pinned_pages = the budget. The working set
 * is every page the engine touches: the ring page, the record page and a source and
 * a destination area of equal size, walked cyclically by COPY descriptors (2 in
 * flight, MSI) that split at the end of the area, so that the set is exact. Each
 * measurement copies the areas once untimed (warm-up), then a number of passes
 * timed, with the instance's hit/miss/eviction deltas of the timed passes. The two
 * modes alternate inside each repetition (the parameter is changed live).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define B3_RING		64u
#define B3_MAX_CFGS	16
#define B3_MAX_REPS	32

struct walk_ctx {
	uint32_t size;
	uint64_t area;		/* bytes of each of source and destination */
	uint64_t pos;		/* next offset */
};

static void gen_walk(void *ctx, unsigned int q, uint64_t seq, struct sacc_desc *d)
{
	struct walk_ctx *w = ctx;
	uint64_t len = w->area - w->pos < w->size ? w->area - w->pos : w->size;

	(void)q;
	(void)seq;
	d->opcode = SACC_OP_COPY;
	d->len = (uint32_t)len;
	d->src = IOVA_SRC + w->pos;
	d->dst = IOVA_DST + w->pos;
	w->pos = (w->pos + len) % w->area;
}

/* Descriptors of @passes passes over the area. */
static uint64_t walk_descs(const struct walk_ctx *w, unsigned int passes)
{
	return passes * ((w->area + w->size - 1) / w->size);
}

struct b3_cfg {
	uint32_t size;
	double ws;		/* target working set / budget */
	uint64_t area;
	double ws_actual;
};

struct b3_res {
	double mbs[2][B3_MAX_REPS];	/* [cache 1, cache 0] */
	double ratio[B3_MAX_REPS];
	double hits[2][B3_MAX_REPS], misses[2][B3_MAX_REPS], evict[2][B3_MAX_REPS];
};

static int b3_once(struct binst *in, const struct b3_cfg *c, int cache, unsigned int rep,
		   struct b3_res *r)
{
	struct walk_ctx w = { .size = c->size, .area = c->area };
	uint64_t target = bopts.quick ? 2 * MIB : 8 * MIB, total;
	unsigned int passes = (unsigned int)((target + c->area - 1) / c->area);
	struct sacc_stats s0, s1, sd;
	int m = cache ? 0 : 1;
	double t0, t1;

	if (passes < 2)
		passes = 2;
	if (param_write_uint("dma_cache", cache))
		return -1;
	memset(in->dst.va, 0, c->area);
	if (run_stream(in, 2, walk_descs(&w, 1), WAIT_MSI, gen_walk, &w))
		return -1;
	total = walk_descs(&w, passes);
	if (sacc_stats_read(in->uuid, &s0))
		return fail("B3: cannot read the debugfs stats of %s", in->uuid);
	t0 = now_s();
	if (run_stream(in, 2, total, WAIT_MSI, gen_walk, &w))
		return -1;
	t1 = now_s();
	if (sacc_stats_read(in->uuid, &s1))
		return fail("B3: cannot read the debugfs stats of %s", in->uuid);
	stats_delta(&s0, &s1, &sd);
	if (memcmp(in->dst.va, in->src.va, c->area))
		return fail("B3: COPY walk of %u B, dma_cache=%d: the destination differs from the source",
			    c->size, cache);
	r->mbs[m][rep] = passes * c->area / (t1 - t0) / 1e6;
	r->hits[m][rep] = sd.cache_hits;
	r->misses[m][rep] = sd.cache_misses;
	r->evict[m][rep] = sd.cache_evictions;
	fprintf(stderr, "B3 rep %u: COPY %7u B, working set %.3f x budget, dma_cache=%d: %.1f MB/s, %llu hits %llu misses %llu evictions\n",
		rep, c->size, c->ws_actual, cache, r->mbs[m][rep],
		(unsigned long long)sd.cache_hits, (unsigned long long)sd.cache_misses,
		(unsigned long long)sd.cache_evictions);
	return 0;
}

int bench_b3(void)
{
	static const uint32_t full_sizes[] = { 4096, 65536, 1048576 };
	static const uint32_t quick_sizes[] = { 4096, 65536 };
	static const double ws[] = { 0.5, 1.0, 1.01, 2.0 };
	const uint32_t *sizes = bopts.quick ? quick_sizes : full_sizes;
	unsigned int nsizes = bopts.quick ? 2 : 3, budget = bopts.quick ? 512 : 1024;
	unsigned int reps = bopts.reps < B3_MAX_REPS ? bopts.reps : B3_MAX_REPS;
	static struct b3_res res[B3_MAX_CFGS];
	struct b3_cfg cfg[B3_MAX_CFGS];
	unsigned int n = 0, i, j, rep, saved_budget;
	uint64_t max_area = 0;
	struct binst in;
	int ret = -1;

	for (i = 0; i < nsizes; i++)
		for (j = 0; j < 4; j++) {
			/* 2 pages of ring and records; at or under the budget round down. */
			double pages = ws[j] * budget;
			uint64_t total = ws[j] <= 1.0 ? (uint64_t)floor(pages) :
							 (uint64_t)ceil(pages);
			uint64_t area = (total - 2) / 2;

			cfg[n] = (struct b3_cfg){ sizes[i], ws[j], area * DMA_PAGE,
						  (2.0 * area + 2) / budget };
			if (cfg[n].area > max_area)
				max_area = cfg[n].area;
			n++;
		}

	if (param_read_uint("max_pinned_pages", &saved_budget) ||
	    param_write_uint("max_pinned_pages", budget))
		return -1;
	ret = binst_create(&in, "sacc0", "sacc-1q");
	if (!ret)
		ret = binst_open(&in, 1, B3_RING, 0, max_area, max_area, true);
	/* Read at open: the other benchmarks get the default again. */
	param_write_uint("max_pinned_pages", saved_budget);
	if (ret)
		goto out;
	ret = -1;
	memset(res, 0, sizeof(res));
	for (rep = 0; rep < reps; rep++)
		for (i = 0; i < n; i++) {
			/* Alternate which mode goes first. */
			int first = rep % 2 ? 0 : 1;

			if (b3_once(&in, &cfg[i], first, rep, &res[i]) ||
			    b3_once(&in, &cfg[i], !first, rep, &res[i]))
				goto out;
			res[i].ratio[rep] = res[i].mbs[0][rep] / res[i].mbs[1][rep];
		}
	for (i = 0; i < n; i++) {
		struct b3_res *r = &res[i];
		json_object *row = row_new("B3");

		row_int(row, "size", cfg[i].size);
		row_num(row, "ws_target", cfg[i].ws);
		row_num(row, "ws_ratio", cfg[i].ws_actual);
		row_int(row, "budget_pages", budget);
		row_int(row, "inflight", 2);
		row_int(row, "reps", reps);
		row_stat(row, "mbs_cache", r->mbs[0], reps);
		row_stat(row, "mbs_bypass", r->mbs[1], reps);
		row_stat(row, "ratio_cache", r->ratio, reps);
		row_num(row, "cache_hits", stat_median(r->hits[0], reps));
		row_num(row, "cache_misses", stat_median(r->misses[0], reps));
		row_num(row, "cache_evictions", stat_median(r->evict[0], reps));
		row_num(row, "bypass_hits", stat_median(r->hits[1], reps));
		row_num(row, "bypass_misses", stat_median(r->misses[1], reps));
		row_emit(row);
	}
	ret = 0;
out:
	param_write_uint("dma_cache", 1);
	binst_destroy(&in);
	return ret;
}
