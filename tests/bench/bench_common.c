// SPDX-License-Identifier: GPL-2.0
/*
 * sacc-bench: what every benchmark shares. See bench.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"

struct bench_opts bopts = { .reps = 5 };

/* ------------------------------------------------------------------------------
 * Time and statistics
 */
double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

double cpu_s(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double stat_pct(double *v, unsigned int n, double p)
{
	unsigned int rank;

	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	rank = (unsigned int)ceil(p / 100.0 * n);
	return v[rank ? rank - 1 : 0];
}

double stat_median(double *v, unsigned int n)
{
	if (!n)
		return NAN;
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double stat_min(const double *v, unsigned int n)
{
	double m = n ? v[0] : NAN;
	unsigned int i;

	for (i = 1; i < n; i++)
		m = v[i] < m ? v[i] : m;
	return m;
}

double stat_max(const double *v, unsigned int n)
{
	double m = n ? v[0] : NAN;
	unsigned int i;

	for (i = 1; i < n; i++)
		m = v[i] > m ? v[i] : m;
	return m;
}

/* ------------------------------------------------------------------------------
 * JSON rows
 */
json_object *row_new(const char *bench)
{
	json_object *row = json_object_new_object();

	json_object_object_add(row, "bench", json_object_new_string(bench));
	return row;
}

void row_num(json_object *row, const char *key, double v)
{
	json_object_object_add(row, key, isfinite(v) ? json_object_new_double(v) : NULL);
}

void row_int(json_object *row, const char *key, int64_t v)
{
	json_object_object_add(row, key, json_object_new_int64(v));
}

void row_str(json_object *row, const char *key, const char *v)
{
	json_object_object_add(row, key, json_object_new_string(v));
}

void row_stat(json_object *row, const char *key, double *v, unsigned int n)
{
	char k[96];

	row_num(row, key, stat_median(v, n));
	snprintf(k, sizeof(k), "%s_min", key);
	row_num(row, k, stat_min(v, n));
	snprintf(k, sizeof(k), "%s_max", key);
	row_num(row, k, stat_max(v, n));
}

void row_emit(json_object *row)
{
	printf("%s\n", json_object_to_json_string_ext(row, JSON_C_TO_STRING_PLAIN));
	fflush(stdout);
	json_object_put(row);
}

int fail(const char *fmt, ...)
{
	va_list ap;

	fputs("sacc-bench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -1;
}

/* ------------------------------------------------------------------------------
 * Module parameters
 */
int param_write_uint(const char *name, unsigned int v)
{
	char path[128], val[16];
	int ret;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	snprintf(val, sizeof(val), "%u", v);
	ret = sysfs_write(path, val);
	if (ret)
		return fail("cannot set module parameter %s to %u: %s", path, v, strerror(-ret));
	return 0;
}

int param_read_uint(const char *name, unsigned int *v)
{
	char path[128];
	int ret;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	ret = sysfs_read_uint(path, v);
	if (ret)
		return fail("cannot read module parameter %s: %s", path, strerror(-ret));
	return 0;
}

/* ------------------------------------------------------------------------------
 * Instances
 */
int binst_create(struct binst *in, const char *parent, const char *type)
{
	int ret;

	memset(in, 0, sizeof(*in));
	in->h.container = in->h.group = in->h.iommufd = in->h.device = -1;
	in->msi = -1;
	uuid_new(in->uuid);
	ret = mdev_create(parent, type, in->uuid);
	if (ret)
		return fail("cannot create an instance of %s on %s: %s", type, parent,
			    strerror(-ret));
	return 0;
}

static int buf_setup(struct binst *in, struct dma_buf *b, size_t len, uint64_t iova,
		     bool writable, const char *what)
{
	int ret;

	if (!len)
		return 0;
	ret = dma_buf_alloc(b, len);
	if (!ret)
		ret = dma_buf_map(&in->h, b, iova, writable);
	if (ret)
		return fail("instance %s: cannot allocate and map %zu bytes of %s: %s",
			    in->uuid, len, what, strerror(-ret));
	return 0;
}

int binst_open(struct binst *in, unsigned int nq, uint32_t ring_size, size_t aux_len,
	       size_t src_len, size_t dst_len, bool msi)
{
	size_t ring_bytes = (size_t)ring_size * sizeof(struct sacc_desc);
	size_t rec_bytes = (size_t)ring_size * sizeof(struct sacc_completion);
	size_t i;
	unsigned int q;
	int ret;

	if (!nq || nq > BENCH_MAX_QUEUES)
		return fail("instance %s: %u queues requested, 1-%d possible", in->uuid, nq,
			    BENCH_MAX_QUEUES);
	if (!in->opened) {
		ret = vfio_open_container(in->uuid, &in->h);
		if (ret)
			return fail("cannot open instance %s through a type1 container: %s",
				    in->uuid, strerror(-ret));
		in->opened = true;
	}
	in->nq = nq;
	in->ring_size = ring_size;
	if (buf_setup(in, &in->rings, nq * ring_bytes, IOVA_RINGS, false, "rings") ||
	    buf_setup(in, &in->recs, nq * rec_bytes, IOVA_RECS, true, "completion records") ||
	    buf_setup(in, &in->aux, aux_len, IOVA_AUX, false, "batch arrays") ||
	    buf_setup(in, &in->src, src_len, IOVA_SRC, false, "source data") ||
	    buf_setup(in, &in->dst, dst_len, IOVA_DST, true, "destination data"))
		goto fail;
	/* Fill: the pages are faulted in before anything is timed. */
	for (i = 0; i < in->src.len; i++)
		in->src.va[i] = (uint8_t)(i * 131 + (i >> 12) * 7 + 1);
	if (in->dst.len)
		memset(in->dst.va, 0, in->dst.len);
	if (in->aux.len)
		memset(in->aux.va, 0, in->aux.len);

	for (q = 0; q < nq; q++) {
		struct bq *b = &in->q[q];

		b->rec = (struct sacc_completion *)(in->recs.va + q * rec_bytes);
		b->expect = calloc(ring_size, sizeof(*b->expect));
		if (!b->expect) {
			fail("out of memory");
			goto fail;
		}
		ret = sacc_queue_setup(&b->sq, &in->h, q, in->rings.va + q * ring_bytes,
				       IOVA_RINGS + q * ring_bytes, ring_size, 0);
		if (ret) {
			fail("instance %s: cannot set up queue %u: %s", in->uuid, q,
			     strerror(-ret));
			goto fail;
		}
	}
	if (msi) {
		in->msi = vfio_irq_enable(&in->h, VFIO_PCI_MSI_IRQ_INDEX);
		if (in->msi < 0) {
			fail("instance %s: cannot enable MSI: %s", in->uuid, strerror(-in->msi));
			in->msi = -1;
			goto fail;
		}
		ret = bar0_write32(&in->h, SACC_REG_INTR_MASK,
				   ~(uint32_t)((1u << nq) - 1));
		if (ret) {
			fail("instance %s: cannot unmask the queue causes: %s", in->uuid,
			     strerror(-ret));
			goto fail;
		}
		in->flags = SACC_DESC_FLAG_INTR;
	}
	return 0;

fail:
	binst_close(in);
	return -1;
}

void binst_close(struct binst *in)
{
	unsigned int q;

	if (in->msi >= 0) {
		vfio_irq_disable(&in->h, VFIO_PCI_MSI_IRQ_INDEX);
		close(in->msi);
		in->msi = -1;
	}
	for (q = 0; q < BENCH_MAX_QUEUES; q++) {
		free(in->q[q].expect);
		memset(&in->q[q], 0, sizeof(in->q[q]));
	}
	dma_buf_free(&in->rings);
	dma_buf_free(&in->recs);
	dma_buf_free(&in->aux);
	dma_buf_free(&in->src);
	dma_buf_free(&in->dst);
	if (in->opened)
		vfio_close(&in->h);
	in->opened = false;
	in->flags = 0;
	in->nq = 0;
}

void binst_destroy(struct binst *in)
{
	int ret;

	binst_close(in);
	if (!in->uuid[0])
		return;
	ret = mdev_remove(in->uuid);
	if (ret)
		fail("cannot remove instance %s: %s", in->uuid, strerror(-ret));
	in->uuid[0] = '\0';
}

int bq_post(struct binst *in, unsigned int q, struct sacc_desc *d, unsigned int n,
	    const uint32_t *expect)
{
	struct bq *b = &in->q[q];
	uint32_t mask = in->ring_size - 1, slot;
	unsigned int i;
	int ret;

	if (!n)
		return 0;
	if (bq_inflight(in, q) + n >= in->ring_size)
		return fail("instance %s queue %u: %u more descriptors would overflow the ring of %u",
			    in->uuid, q, n, in->ring_size);
	for (i = 0; i < n; i++) {
		slot = (b->sq.tail + i) & mask;
		memset(&b->rec[slot], 0, sizeof(b->rec[slot]));
		d[i].completion = IOVA_RECS +
			((uint64_t)q * in->ring_size + slot) * sizeof(struct sacc_completion);
		d[i].tag = b->sub + i;
		d[i].flags |= in->flags;
		b->expect[slot] = expect ? expect[i] : (d[i].opcode == SACC_OP_NOP ? 0 : d[i].len);
	}
	ret = sacc_submit(&b->sq, d, n);
	if (ret)
		return fail("instance %s queue %u: doorbell failed: %s", in->uuid, q,
			    strerror(-ret));
	b->sub += n;
	return 0;
}

int bq_reap(struct binst *in, unsigned int q)
{
	struct bq *b = &in->q[q];
	uint32_t mask = in->ring_size - 1;
	int n = 0;

	while (b->done < b->sub) {
		uint32_t slot = b->done & mask;
		struct sacc_completion c;

		if (!__atomic_load_n(&b->rec[slot].status, __ATOMIC_ACQUIRE))
			break;
		memcpy(&c, &b->rec[slot], sizeof(c));
		if (c.status != SACC_COMPL_OK || c.tag != b->done || c.bytes != b->expect[slot])
			return fail("instance %s queue %u: descriptor %llu (ring slot %u) completed with status %u error %u bytes %u tag %llu; expected status %u bytes %u tag %llu",
				    in->uuid, q, (unsigned long long)b->done, slot, c.status,
				    c.error, c.bytes, (unsigned long long)c.tag, SACC_COMPL_OK,
				    b->expect[slot], (unsigned long long)b->done);
		b->bytes += c.bytes;
		b->done++;
		n++;
	}
	return n;
}

int binst_reap(struct binst *in)
{
	unsigned int q;
	int n = 0, r;

	for (q = 0; q < in->nq; q++) {
		r = bq_reap(in, q);
		if (r < 0)
			return -1;
		n += r;
	}
	return n;
}

/* A record of the instance is complete and not reaped yet. */
static bool binst_ready(const struct binst *in)
{
	unsigned int q;

	for (q = 0; q < in->nq; q++) {
		const struct bq *b = &in->q[q];

		if (b->done < b->sub &&
		    __atomic_load_n(&b->rec[b->done & (in->ring_size - 1)].status,
				    __ATOMIC_ACQUIRE))
			return true;
	}
	return false;
}

int binst_wait(struct binst *in, enum wait_mode mode, double timeout_s)
{
	double deadline = now_s() + timeout_s;
	unsigned int spins = 0;
	int ret;

	if (mode == WAIT_MSI) {
		if (in->msi < 0)
			return fail("instance %s: MSI wait without MSI", in->uuid);
		for (;;) {
			ret = eventfd_wait(in->msi, (int)((deadline - now_s()) * 1000) + 1);
			if (ret < 0)
				return fail("instance %s: MSI eventfd: %s", in->uuid,
					    strerror(-ret));
			if (ret > 0) {
				/* Clear the causes: the next completion sends a new message. */
				ret = bar0_write32(&in->h, SACC_REG_INTR_STATUS,
						   (1u << in->nq) - 1);
				if (ret)
					return fail("instance %s: cannot clear INTR_STATUS: %s",
						    in->uuid, strerror(-ret));
				return 0;
			}
			if (binst_ready(in))
				return 0;
			if (now_s() > deadline)
				break;
		}
	} else {
		for (;;) {
			if (binst_ready(in))
				return 0;
			__builtin_ia32_pause();
			if (!(++spins & 1023) && now_s() > deadline)
				break;
		}
	}
	return fail("instance %s: no descriptor completed within %.0f s (%s wait)", in->uuid,
		    timeout_s, mode == WAIT_MSI ? "MSI" : "poll");
}

int binst_drain(struct binst *in, enum wait_mode mode)
{
	unsigned int q, left;

	for (;;) {
		left = 0;
		for (q = 0; q < in->nq; q++)
			left += bq_inflight(in, q);
		if (!left)
			return 0;
		if (binst_wait(in, mode, 60) || binst_reap(in) < 0)
			return -1;
	}
}

#define STREAM_MAX	4096
int run_stream(struct binst *in, unsigned int inflight, uint64_t total,
	       enum wait_mode mode, gen_fn gen, void *ctx)
{
	static struct sacc_desc d[STREAM_MAX];
	uint64_t seq = 0;
	unsigned int q, k, room;

	if (inflight >= in->ring_size)
		return fail("instance %s: %u in flight do not fit a ring of %u", in->uuid,
			    inflight, in->ring_size);
	for (;;) {
		for (q = 0; q < in->nq && seq < total; q++) {
			room = inflight - bq_inflight(in, q);
			for (k = 0; k < room && seq < total && k < STREAM_MAX; k++, seq++) {
				memset(&d[k], 0, sizeof(d[k]));
				gen(ctx, q, seq, &d[k]);
			}
			if (bq_post(in, q, d, k, NULL))
				return -1;
		}
		if (seq >= total)
			return binst_drain(in, mode);
		if (binst_wait(in, mode, 60) || binst_reap(in) < 0)
			return -1;
	}
}

int stats_delta(const struct sacc_stats *a, const struct sacc_stats *b,
		struct sacc_stats *d)
{
	d->ops = b->ops - a->ops;
	d->bytes = b->bytes - a->bytes;
	d->faults = b->faults - a->faults;
	d->cache_hits = b->cache_hits - a->cache_hits;
	d->cache_misses = b->cache_misses - a->cache_misses;
	d->cache_evictions = b->cache_evictions - a->cache_evictions;
	d->pinned_pages = b->pinned_pages;
	return 0;
}

/* ------------------------------------------------------------------------------
 * Host memory
 */
int meminfo_read(long *slab_kb, long *vmalloc_kb)
{
	char line[256];
	FILE *f = fopen("/proc/meminfo", "re");
	int found = 0;
	long v;

	if (!f)
		return fail("cannot open /proc/meminfo: %s", strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "Slab: %ld kB", &v) == 1) {
			*slab_kb = v;
			found |= 1;
		} else if (sscanf(line, "VmallocUsed: %ld kB", &v) == 1) {
			*vmalloc_kb = v;
			found |= 2;
		}
	}
	fclose(f);
	return found == 3 ? 0 : fail("/proc/meminfo has no Slab or VmallocUsed line");
}

/* ------------------------------------------------------------------------------
 * The in-kernel memcpy baseline
 */
bool kmemcpy_available(void)
{
	return access(KMEMCPY_FILE, W_OK) == 0;
}

double kmemcpy_run(unsigned int size, unsigned int reps)
{
	unsigned int s, r;
	unsigned long long ns;
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(KMEMCPY_FILE, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return fail("cannot open %s: %s", KMEMCPY_FILE, strerror(errno));
	n = snprintf(buf, sizeof(buf), "%u %u", size, reps);
	if (write(fd, buf, n) != n) {
		fail("%s: write of \"%s\" failed: %s", KMEMCPY_FILE, buf, strerror(errno));
		close(fd);
		return -1;
	}
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	close(fd);
	if (n <= 0)
		return fail("%s: nothing to read back", KMEMCPY_FILE);
	buf[n] = '\0';
	if (sscanf(buf, "%u %u %llu", &s, &r, &ns) != 3 || s != size || r != reps)
		return fail("%s: unexpected answer \"%s\"", KMEMCPY_FILE, buf);
	return ns / 1e9;
}
