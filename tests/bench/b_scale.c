// SPDX-License-Identifier: GPL-2.0
/*
 * B5 scale: 1 ... 256 sacc-1q instances on sacc0 (inside-vm.sh loads the module
 * with queues=256 memory_mb=256 for it: 1 MiB of device memory per instance).
 *
 * For each N, from none: create N (time per create), read /proc/meminfo (Slab +
 * VmallocUsed) closed; open all N, each through its own type1 container; then after
 * work (rings, records and buffers mapped, a queue set up, a NOP and a 4 KiB COPY
 * executed on every instance); the deltas per instance at each step. Then the
 * doorbell cost with N instances open: the time of the doorbell write (BAR0
 * pwrite) of a NOP on one instance, and its round trip to the polled record, the
 * samples split into the repetitions. Then close and remove all (time per remove).
 * The open step includes the instance's device memory (vmalloc_user(), 1 MiB
 * here), reported apart as devmem_kib.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bench.h"

#define SCALE_MAX	256u
#define SCALE_REPS	32

struct mem {
	long slab, vmalloc;
};

static int mem_read(struct mem *m)
{
	return meminfo_read(&m->slab, &m->vmalloc);
}

/* Per-instance delta, KiB. */
static void row_mem(json_object *row, const char *step, const struct mem *base,
		    const struct mem *m, unsigned int n)
{
	char k[64];

	snprintf(k, sizeof(k), "slab_kib_%s", step);
	row_num(row, k, (double)(m->slab - base->slab) / n);
	snprintf(k, sizeof(k), "vmalloc_kib_%s", step);
	row_num(row, k, (double)(m->vmalloc - base->vmalloc) / n);
	snprintf(k, sizeof(k), "mem_kib_%s", step);
	row_num(row, k, (double)(m->slab - base->slab + m->vmalloc - base->vmalloc) / n);
}

/* Doorbell write time and NOP round trip on @in, @per_run samples per rep (us). */
static int doorbell_cost(struct binst *in, unsigned int reps, unsigned int per_run,
			 double *db, double *rtt)
{
	double *a = calloc(per_run, sizeof(double)), *b = calloc(per_run, sizeof(double));
	unsigned int rep, i;
	int ret = -1;

	if (!a || !b) {
		fail("out of memory");
		goto out;
	}
	in->flags = 0;
	for (rep = 0; rep < reps; rep++) {
		for (i = 0; i < per_run; i++) {
			struct sacc_desc d = { .opcode = SACC_OP_NOP };
			struct bq *q = &in->q[0];
			uint32_t slot = q->sq.tail;
			double t0, t1, t2;

			/* bq_post() by hand, so that only the doorbell write is timed. */
			memset(&q->rec[slot], 0, sizeof(q->rec[slot]));
			d.completion = IOVA_RECS + slot * sizeof(struct sacc_completion);
			d.tag = q->sub;
			q->expect[slot] = 0;
			memcpy(&q->sq.ring[slot], &d, sizeof(d));
			t0 = now_s();
			if (sacc_doorbell(&q->sq, (slot + 1) & (in->ring_size - 1))) {
				fail("B5: doorbell of %s failed", in->uuid);
				goto out;
			}
			t1 = now_s();
			q->sub++;
			if (binst_wait(in, WAIT_POLL, 60) || bq_reap(in, 0) != 1)
				goto out;
			t2 = now_s();
			a[i] = (t1 - t0) * 1e6;
			b[i] = (t2 - t0) * 1e6;
		}
		db[rep] = stat_median(a, per_run);
		rtt[rep] = stat_median(b, per_run);
	}
	ret = 0;
out:
	free(a);
	free(b);
	return ret;
}

static double ms_since(double t0)
{
	return (now_s() - t0) * 1e3;
}

static int scale_one(struct binst *in, unsigned int n, unsigned int devmem_mb)
{
	static double create_ms[SCALE_MAX], remove_ms[SCALE_MAX], open_ms[SCALE_MAX];
	unsigned int reps = bopts.reps < SCALE_REPS ? bopts.reps : SCALE_REPS;
	double db[SCALE_REPS], rtt[SCALE_REPS], t0;
	struct mem base, closed, open, work;
	unsigned int i, created = 0;
	json_object *row;
	int ret = -1;

	if (mem_read(&base))
		return -1;
	for (i = 0; i < n; i++, created++) {
		t0 = now_s();
		if (binst_create(&in[i], "sacc0", "sacc-1q"))
			goto out;
		create_ms[i] = ms_since(t0);
	}
	if (mem_read(&closed))
		goto out;
	for (i = 0; i < n; i++) {
		int err;

		t0 = now_s();
		err = vfio_open_container(in[i].uuid, &in[i].h);
		if (err) {
			fail("B5: cannot open instance %u of %u (%s): %s", i + 1, n, in[i].uuid,
			     strerror(-err));
			goto out;
		}
		in[i].opened = true;
		open_ms[i] = ms_since(t0);
	}
	if (mem_read(&open))
		goto out;
	for (i = 0; i < n; i++) {
		struct sacc_desc d[2] = {
			{ .opcode = SACC_OP_NOP },
			{ .opcode = SACC_OP_COPY, .len = 4096, .src = IOVA_SRC, .dst = IOVA_DST },
		};

		if (binst_open(&in[i], 1, 16, 0, 4096, 4096, false) ||
		    bq_post(&in[i], 0, d, 2, NULL) || binst_drain(&in[i], WAIT_POLL))
			goto out;
		if (memcmp(in[i].dst.va, in[i].src.va, 4096)) {
			fail("B5: instance %s: the 4 KiB COPY went wrong", in[i].uuid);
			goto out;
		}
	}
	if (mem_read(&work))
		goto out;
	if (doorbell_cost(&in[0], reps, bopts.quick ? 50 : 200, db, rtt))
		goto out;
	for (i = 0; i < n; i++)
		binst_close(&in[i]);
	for (i = 0; i < n; i++) {
		int err;

		t0 = now_s();
		err = mdev_remove(in[i].uuid);
		remove_ms[i] = ms_since(t0);
		if (err) {
			fail("B5: cannot remove instance %s: %s", in[i].uuid, strerror(-err));
			goto out;
		}
		in[i].uuid[0] = '\0';
	}
	created = 0;

	row = row_new("B5");
	row_int(row, "instances", n);
	row_int(row, "reps", reps);
	row_stat(row, "create_ms", create_ms, n);
	row_stat(row, "open_ms", open_ms, n);
	row_stat(row, "remove_ms", remove_ms, n);
	row_mem(row, "closed", &base, &closed, n);
	row_mem(row, "open", &base, &open, n);
	row_mem(row, "work", &base, &work, n);
	row_int(row, "devmem_kib", devmem_mb * 1024);
	row_num(row, "mem_kib_open_excl_devmem",
		(double)(open.slab - base.slab + open.vmalloc - base.vmalloc) / n -
		devmem_mb * 1024.0);
	row_stat(row, "doorbell_us", db, reps);
	row_stat(row, "nop_rtt_us", rtt, reps);
	row_emit(row);
	fprintf(stderr, "B5: %u instances: %.1f KiB/instance open (%u KiB of it device memory), doorbell %.1f us\n",
		n, (double)(open.slab - base.slab + open.vmalloc - base.vmalloc) / n,
		devmem_mb * 1024, stat_median(db, reps));
	ret = 0;
out:
	for (i = 0; i < created; i++)
		binst_destroy(&in[i]);
	return ret;
}

int bench_b5(void)
{
	static const unsigned int full_n[] = { 1, 4, 16, 64, 256 };
	static const unsigned int quick_n[] = { 1, 16, 64 };
	const unsigned int *ns = bopts.quick ? quick_n : full_n;
	unsigned int nn = bopts.quick ? 3 : 5, i, avail, mem_mb;
	static struct binst in[SCALE_MAX];
	struct rlimit rl;
	char buf[32];
	int ret;

	/* Three descriptors per instance (container, group, device). */
	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	ret = mdev_available("sacc0", "sacc-1q");
	if (ret < 0)
		return fail("B5: cannot read available_instances of sacc0/sacc-1q: %s",
			    strerror(-ret));
	avail = (unsigned int)ret;
	ret = mdev_type_attr("sacc0", "sacc-1q", "description", buf, sizeof(buf));
	if (ret || sscanf(buf, "queues=%*u, memory=%uM", &mem_mb) != 1)
		return fail("B5: cannot parse the description of sacc0/sacc-1q");
	for (i = 0; i < nn; i++) {
		if (ns[i] > avail) {
			fprintf(stderr, "B5: sacc0 has room for %u sacc-1q instances, not %u (module parameters queues= and memory_mb=): stopping there\n",
				avail, ns[i]);
			break;
		}
		if (ns[i] * 3 + 16 > rl.rlim_cur) {
			fprintf(stderr, "B5: %u instances need %u file descriptors, RLIMIT_NOFILE is %llu: stopping there\n",
				ns[i], ns[i] * 3 + 16, (unsigned long long)rl.rlim_cur);
			break;
		}
		if (scale_one(in, ns[i], mem_mb))
			return -1;
	}
	return 0;
}
