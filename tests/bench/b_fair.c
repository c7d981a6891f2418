// SPDX-License-Identifier: GPL-2.0
/*
 * B4 fairness: instances of one parent kept saturated at once; each one's share of
 * the bytes the engines copied in a window, divided by its share of the weights.
 *
 *  - weights: four sacc-1q instances at weights 1, 2, 4, 8, 64 KiB COPYs;
 *  - queues:  a sacc-4q (all 4 queues busy) and a sacc-1q, both at weight 4;
 *  - sizes:   two sacc-1q at weight 1, one with 64-byte and one with 1 MiB COPYs.
 *
 * One thread keeps every queue's ring full (refilled whenever the MSI eventfd of
 * its instance fires, blocking in poll() on all of them); the bytes per instance
 * come from the debugfs counters at both ends of the window. The pin budget is
 * raised (max_pinned_pages) so that the cache is not what is measured. The three
 * experiments alternate inside each repetition.
 */
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"

#define FAIR_MAX_INST	4
#define FAIR_MAX_REPS	32
#define FAIR_SLOTS	2

struct fair_inst {
	struct binst in;
	const char *type;
	unsigned int nq, weight, depth;
	uint32_t size;
	struct copy_slots {
		uint32_t size;
	} ctx;
	double share[FAIR_MAX_REPS], ratio[FAIR_MAX_REPS];
};

struct fair_exp {
	const char *name;
	const char *parent;
	unsigned int n;
	struct fair_inst fi[FAIR_MAX_INST];
};

static void gen_slot(void *ctx, unsigned int q, uint64_t seq, struct sacc_desc *d)
{
	const struct copy_slots *c = ctx;
	uint64_t off = ((uint64_t)q * FAIR_SLOTS + seq % FAIR_SLOTS) * c->size;

	d->opcode = SACC_OP_COPY;
	d->len = c->size;
	d->src = IOVA_SRC + off;
	d->dst = IOVA_DST + off;
}

/* Top up every queue of @fi to its depth. */
static int fair_fill(struct fair_inst *fi)
{
	static struct sacc_desc d[4096];
	unsigned int q, k, room;

	for (q = 0; q < fi->in.nq; q++) {
		room = fi->depth - bq_inflight(&fi->in, q);
		for (k = 0; k < room; k++) {
			memset(&d[k], 0, sizeof(d[k]));
			gen_slot(&fi->ctx, q, fi->in.q[q].sub + k, &d[k]);
		}
		if (bq_post(&fi->in, q, d, k, NULL))
			return -1;
	}
	return 0;
}

/* Keep the experiment's instances saturated until @until; 0 or -1. */
static int fair_run(struct fair_exp *e, double until)
{
	struct pollfd pfd[FAIR_MAX_INST];
	unsigned int i;
	int ret;

	for (i = 0; i < e->n; i++)
		pfd[i] = (struct pollfd){ .fd = e->fi[i].in.msi, .events = POLLIN };
	while (now_s() < until) {
		ret = poll(pfd, e->n, 1000);
		if (ret < 0 && errno != EINTR)
			return fail("B4: poll on the MSI eventfds: %s", strerror(errno));
		for (i = 0; i < e->n; i++) {
			struct fair_inst *fi = &e->fi[i];

			if (pfd[i].revents & POLLIN) {
				uint64_t cnt;

				if (read(pfd[i].fd, &cnt, sizeof(cnt)) != sizeof(cnt) &&
				    errno != EAGAIN)
					return fail("B4: read of the MSI eventfd of %s: %s",
						    fi->in.uuid, strerror(errno));
				if (bar0_write32(&fi->in.h, SACC_REG_INTR_STATUS,
						 (1u << fi->in.nq) - 1))
					return fail("B4: cannot clear INTR_STATUS of %s",
						    fi->in.uuid);
			}
			if (binst_reap(&fi->in) < 0 || fair_fill(fi))
				return -1;
		}
	}
	return 0;
}

static int fair_window(struct fair_exp *e, unsigned int rep, double secs)
{
	struct sacc_stats s0[FAIR_MAX_INST], s1[FAIR_MAX_INST];
	double bytes[FAIR_MAX_INST], sum = 0, wsum = 0;
	unsigned int i;

	for (i = 0; i < e->n; i++) {
		memset(e->fi[i].in.dst.va, 0, e->fi[i].in.dst.len);
		wsum += e->fi[i].weight;
		if (fair_fill(&e->fi[i]))
			return -1;
	}
	/* Warm up, then the window. */
	if (fair_run(e, now_s() + secs / 4))
		return -1;
	for (i = 0; i < e->n; i++)
		if (sacc_stats_read(e->fi[i].in.uuid, &s0[i]))
			return fail("B4: cannot read the debugfs stats of %s", e->fi[i].in.uuid);
	if (fair_run(e, now_s() + secs))
		return -1;
	for (i = 0; i < e->n; i++)
		if (sacc_stats_read(e->fi[i].in.uuid, &s1[i]))
			return fail("B4: cannot read the debugfs stats of %s", e->fi[i].in.uuid);
	for (i = 0; i < e->n; i++)
		if (binst_drain(&e->fi[i].in, WAIT_MSI))
			return -1;
	for (i = 0; i < e->n; i++) {
		struct fair_inst *fi = &e->fi[i];
		size_t used = (size_t)fi->nq * FAIR_SLOTS * fi->size;

		if (memcmp(fi->in.dst.va, fi->in.src.va, used))
			return fail("B4 %s: instance %s: the destination differs from the source",
				    e->name, fi->in.uuid);
		bytes[i] = (double)(s1[i].bytes - s0[i].bytes);
		sum += bytes[i];
	}
	if (sum <= 0)
		return fail("B4 %s: nothing was copied in the window", e->name);
	for (i = 0; i < e->n; i++) {
		struct fair_inst *fi = &e->fi[i];

		fi->share[rep] = bytes[i] / sum;
		fi->ratio[rep] = fi->share[rep] / (fi->weight / wsum);
		fprintf(stderr, "B4 rep %u %s: %s x%u queue(s), %u B, weight %u: share %.3f, share/weight share %.3f\n",
			rep, e->name, fi->type, fi->nq, fi->size, fi->weight, fi->share[rep],
			fi->ratio[rep]);
	}
	return 0;
}

static int fair_setup(struct fair_exp *e)
{
	unsigned int i, q;
	char w[16];
	int ret;

	for (i = 0; i < e->n; i++) {
		struct fair_inst *fi = &e->fi[i];
		size_t len = (size_t)fi->nq * FAIR_SLOTS * fi->size;
		uint32_t ring = 2;

		while (ring <= fi->depth)
			ring *= 2;
		fi->ctx.size = fi->size;
		if (binst_create(&fi->in, e->parent, fi->type) ||
		    binst_open(&fi->in, fi->nq, ring, 0, len, len, true))
			return -1;
		/*
		 * A NOP on each queue in turn: the ring and record pages get pinned by one
		 * engine at a time (two engines missing on one page at once can fail a
		 * valid descriptor today: the -EAGAIN defect of issue 11).
		 */
		for (q = 0; q < fi->nq; q++) {
			struct sacc_desc nop = { .opcode = SACC_OP_NOP };

			if (bq_post(&fi->in, q, &nop, 1, NULL) || binst_drain(&fi->in, WAIT_MSI))
				return -1;
		}
		snprintf(w, sizeof(w), "%u", fi->weight);
		ret = mdev_attr_write(fi->in.uuid, "weight", w);
		if (ret)
			return fail("B4: cannot set the weight of %s to %u: %s", fi->in.uuid,
				    fi->weight, strerror(-ret));
	}
	return 0;
}

int bench_b4(void)
{
	static struct fair_exp exps[] = {
		{ "weights", "sacc0", 4, {
			{ .type = "sacc-1q", .nq = 1, .weight = 1, .depth = 96, .size = 65536 },
			{ .type = "sacc-1q", .nq = 1, .weight = 2, .depth = 96, .size = 65536 },
			{ .type = "sacc-1q", .nq = 1, .weight = 4, .depth = 96, .size = 65536 },
			{ .type = "sacc-1q", .nq = 1, .weight = 8, .depth = 96, .size = 65536 },
		} },
		{ "queues", "sacc1", 2, {
			{ .type = "sacc-4q", .nq = 4, .weight = 4, .depth = 48, .size = 65536 },
			{ .type = "sacc-1q", .nq = 1, .weight = 4, .depth = 48, .size = 65536 },
		} },
		{ "sizes", "sacc0", 2, {
			{ .type = "sacc-1q", .nq = 1, .weight = 1, .depth = 1024, .size = 64 },
			{ .type = "sacc-1q", .nq = 1, .weight = 1, .depth = 16, .size = 1048576 },
		} },
	};
	unsigned int nexp = sizeof(exps) / sizeof(exps[0]), e, i, rep, saved_budget;
	unsigned int reps = bopts.reps < FAIR_MAX_REPS ? bopts.reps : FAIR_MAX_REPS;
	double secs = bopts.quick ? 0.5 : 1.5;
	int ret = -1;

	if (param_read_uint("max_pinned_pages", &saved_budget) ||
	    param_write_uint("max_pinned_pages", 4096))
		return -1;
	for (e = 0; e < nexp; e++)
		for (i = 0; i < exps[e].n; i++)
			exps[e].fi[i].in.msi = -1;
	for (e = 0; e < nexp; e++)
		if (fair_setup(&exps[e]))
			goto out;
	param_write_uint("max_pinned_pages", saved_budget);
	for (rep = 0; rep < reps; rep++)
		for (e = 0; e < nexp; e++)
			if (fair_window(&exps[e], rep, secs))
				goto out;
	for (e = 0; e < nexp; e++) {
		double wsum = 0;

		for (i = 0; i < exps[e].n; i++)
			wsum += exps[e].fi[i].weight;
		for (i = 0; i < exps[e].n; i++) {
			struct fair_inst *fi = &exps[e].fi[i];
			json_object *row = row_new("B4");

			row_str(row, "experiment", exps[e].name);
			row_int(row, "instance", i);
			row_str(row, "type", fi->type);
			row_int(row, "queues", fi->nq);
			row_int(row, "desc_size", fi->size);
			row_int(row, "weight", fi->weight);
			row_num(row, "weight_share", fi->weight / wsum);
			row_num(row, "window_s", secs);
			row_int(row, "reps", reps);
			row_stat(row, "share", fi->share, reps);
			row_stat(row, "share_ratio", fi->ratio, reps);
			row_emit(row);
		}
	}
	ret = 0;
out:
	param_write_uint("max_pinned_pages", saved_budget);
	for (e = 0; e < nexp; e++)
		for (i = 0; i < exps[e].n; i++)
			binst_destroy(&exps[e].fi[i].in);
	return ret;
}
