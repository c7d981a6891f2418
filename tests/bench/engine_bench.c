// SPDX-License-Identifier: GPL-2.0
/*
 * bench-engine: throughput of the engine through the shadow DMA translation, with
 * the cache of pinned pages (dma_cache=1) and without it (dma_cache=0, every access
 * through vfio_dma_rw()), in one run. Runs in the test guest (make bench); prints TAP
 * with the measurements on "# bench:" lines. A measurement, not a test: the only
 * failures are descriptors that do not complete or complete wrong.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sacc_test.h"
#include "sacc_regs.h"

#define PARENT		"sacc0"
#define TYPE		"sacc-4q"
#define RING_SIZE	16
#define BATCH		8
#define ROUNDS		64
#define SRC_IOVA	0x10000000ull
#define DST_IOVA	0x20000000ull
#define RING_IOVA	0x30000000ull
#define COMPL_IOVA	0x30100000ull
#define PARAM		"/sys/module/sacc/parameters/dma_cache"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ROUNDS batches of BATCH COPYs of @len bytes; MB/s, or a negative errno. */
static double run_copies(struct sacc_queue *sq, struct dma_buf *compl, uint32_t len)
{
	struct sacc_completion *c = (struct sacc_completion *)compl->va;
	struct sacc_desc d[BATCH];
	double start = now();
	unsigned int r, i;

	for (r = 0; r < ROUNDS; r++) {
		memset(c, 0, BATCH * sizeof(*c));
		for (i = 0; i < BATCH; i++) {
			memset(&d[i], 0, sizeof(d[i]));
			d[i].opcode = SACC_OP_COPY;
			d[i].len = len;
			d[i].src = SRC_IOVA + (uint64_t)i * len;
			d[i].dst = DST_IOVA + (uint64_t)i * len;
			d[i].completion = COMPL_IOVA + i * sizeof(*c);
			d[i].tag = r * BATCH + i;
		}
		if (sacc_submit(sq, d, BATCH))
			return -EIO;
		for (i = 0; i < BATCH; i++) {
			struct sacc_completion out;

			if (sacc_wait_completion(&c[i], 60000, &out))
				return -ETIMEDOUT;
			if (out.status != SACC_COMPL_OK || out.bytes != len)
				return -EIO;
		}
	}
	return (double)ROUNDS * BATCH * len / (now() - start) / 1e6;
}

int main(void)
{
	static const uint32_t sizes[] = { 4096, 65536 };
	struct dma_buf src = {}, dst = {}, ring = {}, compl = {};
	char uuid[UUID_STR_LEN];
	struct vfio_handle h;
	struct sacc_queue sq;
	struct sacc_stats st;
	unsigned int m, s, n = 0;
	int ret;

	printf("1..%zu\n", 2 * sizeof(sizes) / sizeof(sizes[0]));
	uuid_new(uuid);
	if (mdev_create(PARENT, TYPE, uuid) || vfio_open_container(uuid, &h)) {
		printf("Bail out! cannot create and open an instance of %s\n", TYPE);
		return 1;
	}
	ret = dma_buf_alloc(&src, BATCH * 65536) ?: dma_buf_alloc(&dst, BATCH * 65536) ?:
	      dma_buf_alloc(&ring, DMA_PAGE) ?: dma_buf_alloc(&compl, DMA_PAGE) ?:
	      dma_buf_map(&h, &src, SRC_IOVA, false) ?: dma_buf_map(&h, &dst, DST_IOVA, true) ?:
	      dma_buf_map(&h, &ring, RING_IOVA, false) ?:
	      dma_buf_map(&h, &compl, COMPL_IOVA, true) ?:
	      sacc_queue_setup(&sq, &h, 0, ring.va, RING_IOVA, RING_SIZE, 0);
	if (ret) {
		printf("Bail out! cannot set up buffers and the queue: %s\n", strerror(-ret));
		return 1;
	}

	for (m = 0; m < 2; m++) {
		const char *mode = m ? "0" : "1";

		if (sysfs_write(PARAM, mode)) {
			printf("Bail out! cannot write %s\n", PARAM);
			return 1;
		}
		for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
			double mbs = run_copies(&sq, &compl, sizes[s]);

			n++;
			if (mbs < 0) {
				printf("not ok %u copy %u B dma_cache=%s: %s\n", n, sizes[s], mode,
				       strerror((int)-mbs));
				continue;
			}
			printf("# bench: COPY %6u B x %d, dma_cache=%s: %8.1f MB/s\n", sizes[s],
			       ROUNDS * BATCH, mode, mbs);
			printf("ok %u copy %u B dma_cache=%s\n", n, sizes[s], mode);
		}
		if (!sacc_stats_read(uuid, &st))
			printf("# bench: dma_cache=%s counters so far: cache_hits %llu, cache_misses %llu, pinned_pages %llu\n",
			       mode, (unsigned long long)st.cache_hits,
			       (unsigned long long)st.cache_misses,
			       (unsigned long long)st.pinned_pages);
	}

	sysfs_write(PARAM, "1");
	dma_buf_free(&src);
	dma_buf_free(&dst);
	dma_buf_free(&ring);
	dma_buf_free(&compl);
	vfio_close(&h);
	mdev_remove(uuid);
	return 0;
}
