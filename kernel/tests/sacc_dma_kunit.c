// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the shadow DMA translation (sacc_dma.c): hits and misses, bulk
 * pins unpinned exactly as pinned, invalidation of whole ranges with partial
 * overlaps, second-chance eviction under the quota, read-only and write-only
 * mappings, windows mapped page to page, the uncached path, fences, and the unmap
 * contract while other threads translate, pin and copy.
 *
 * The cache's pinning callbacks are served by the fake IOMMU of sacc_fake_iommu.h.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/kthread.h>

#include "sacc_fake_iommu.h"

static void dma_hits_after_a_miss(struct kunit *test)
{
	/* type1: a page is pinned for reading and writing, so the read hits. */
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, true);
	struct sacc_dma_stats st;
	u8 buf[16] = "0123456789abcde", out[16];

	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 0x1008, buf, 16, true), 0);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 0x1008, out, 16, false), 0);
	KUNIT_EXPECT_MEMEQ(test, out, buf, 16);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.misses, 1);
	KUNIT_EXPECT_EQ(test, st.hits, 1);
	KUNIT_EXPECT_EQ(test, st.pinned, 1);
	KUNIT_EXPECT_EQ(test, fx->f.pins[1], 1);
	fake_teardown(test, fx);
}

static void dma_pins_a_window_in_one_call(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, false);
	u8 *buf = kunit_kzalloc(test, 16 * PAGE_SIZE, GFP_KERNEL);
	struct sacc_dma_stats st;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	/* Pages 4-19, none cached: one run, one pin. */
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 4 * PAGE_SIZE, buf, 16 * PAGE_SIZE,
					      false), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pin_calls, 1U);
	KUNIT_EXPECT_EQ(test, fake_pins_in(&fx->f, 4, 16), 16U);
	/* Pages 0-23 now: 0-3 and 20-23 are two runs around the cached middle. */
	buf = kunit_kzalloc(test, 24 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 0, buf, 24 * PAGE_SIZE, false), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pin_calls, 3U);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.misses, 24);
	KUNIT_EXPECT_EQ(test, st.hits, 16);
	/* Invalidating one page of a run unpins the whole run, as it was pinned. */
	sacc_dma_invalidate(&fx->dma, 10 * PAGE_SIZE, 1);
	KUNIT_EXPECT_EQ(test, fake_pins_in(&fx->f, 4, 16), 0U);
	KUNIT_EXPECT_EQ(test, fake_pins_in(&fx->f, 0, 4), 4U);
	KUNIT_EXPECT_EQ(test, fx->f.bad_unpins, 0U);
	fake_teardown(test, fx);
}

static void dma_page_crossing_access(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, false);
	u8 *buf = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	u8 *out = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, out);
	for (i = 0; i < 3 * PAGE_SIZE; i++)
		buf[i] = i * 7;
	/* Starts 5 bytes before the end of page 2, spans pages 3-4, ends in page 5. */
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 3 * PAGE_SIZE - 5, buf,
					      2 * PAGE_SIZE + 10, true), 0);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 3 * PAGE_SIZE - 5, out,
					      2 * PAGE_SIZE + 10, false), 0);
	KUNIT_EXPECT_MEMEQ(test, out, buf, 2 * PAGE_SIZE + 10);
	KUNIT_EXPECT_EQ(test, fake_total_pins(&fx->f), 4U);
	/* The bytes are in the pages themselves. */
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(fx->f.pages[2]))[PAGE_SIZE - 5], buf[0]);
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(fx->f.pages[5]))[4],
			buf[2 * PAGE_SIZE + 9]);
	fake_teardown(test, fx);
}

static void dma_window_maps_the_pages_in_place(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, false);
	struct sacc_dma_window w;
	u32 off, n, pieces = 0;
	u8 *va;

	/* 100 bytes before the end of page 1 up to 100 bytes into page 4. */
	KUNIT_ASSERT_EQ(test, sacc_dma_window_get(&fx->dma, 2 * PAGE_SIZE - 100,
						  2 * PAGE_SIZE + 200, true, fx->bounce, &w), 0);
	KUNIT_EXPECT_FALSE(test, w.bounced);
	KUNIT_EXPECT_EQ(test, w.len, 2 * PAGE_SIZE + 200);
	for (off = 0; off < w.len; off += n, pieces++) {
		va = sacc_dma_window_map(&w, off, &n);
		memset(va, 0x5a, n);
		sacc_dma_window_unmap(&w, va);
	}
	KUNIT_EXPECT_EQ(test, pieces, 4U);	/* one per page */
	KUNIT_EXPECT_EQ(test, sacc_dma_window_put(&w), 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(fx->f.pages[1]))[PAGE_SIZE - 100], 0x5a);
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(fx->f.pages[1]))[PAGE_SIZE - 101], 0);
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(fx->f.pages[4]))[99], 0x5a);
	KUNIT_EXPECT_EQ(test, ((u8 *)page_address(fx->f.pages[4]))[100], 0);
	/* A window covers at most SACC_DMA_WINDOW_BYTES. */
	KUNIT_ASSERT_EQ(test, sacc_dma_window_get(&fx->dma, 0, 1 << 20, false, fx->bounce,
						  &w), 0);
	KUNIT_EXPECT_EQ(test, w.len, SACC_DMA_WINDOW_BYTES);
	sacc_dma_window_put(&w);
	fake_teardown(test, fx);
}

static void dma_invalidate_whole_range_with_partial_overlaps(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, false);
	u8 b = 0;
	unsigned int i;

	for (i = 0; i < 8; i++)
		KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, i * PAGE_SIZE, &b, 1, false), 0);
	/* A range that starts inside page 2 and ends inside page 5 drops 2, 3, 4, 5. */
	sacc_dma_invalidate(&fx->dma, 2 * PAGE_SIZE + 100, 3 * PAGE_SIZE + 1);
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ_MSG(test, fx->f.pins[i], i >= 2 && i <= 5 ? 0 : 1, "page %u", i);
	/* Length 0 drops nothing; a range running past 2^64 stops there. */
	sacc_dma_invalidate(&fx->dma, 0, 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[0], 1);
	sacc_dma_invalidate(&fx->dma, 7 * PAGE_SIZE, U64_MAX);
	KUNIT_EXPECT_EQ(test, fx->f.pins[7], 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[6], 1);

	/* After an invalidation the next access pins the page again. */
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 3 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[3], 1);
	fake_teardown(test, fx);
}

static void dma_remap_is_seen(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, false);
	struct page *old = fx->f.pages[4];
	u8 b = 0;

	*(u8 *)page_address(fx->f.pages[4]) = 0xaa;
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 4 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, b, 0xaa);
	/* The user unmaps the page and maps other memory at the same IOVA. */
	sacc_dma_invalidate(&fx->dma, 4 * PAGE_SIZE, PAGE_SIZE);
	fx->f.pages[4] = fx->f.pages[9];
	fx->f.pages[9] = old;
	*(u8 *)page_address(fx->f.pages[4]) = 0x55;
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 4 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, b, 0x55);
	fake_teardown(test, fx);
}

static void dma_evicts_with_a_second_chance_at_quota(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, 3, false);
	struct sacc_dma_stats st;
	struct sacc_dma_window w;
	void *wide;
	u8 b;

	sacc_dma_access(&fx->dma, 0 * PAGE_SIZE, &b, 1, false);
	sacc_dma_access(&fx->dma, 1 * PAGE_SIZE, &b, 1, false);
	sacc_dma_access(&fx->dma, 2 * PAGE_SIZE, &b, 1, false);
	sacc_dma_access(&fx->dma, 0 * PAGE_SIZE, &b, 1, false);	/* 0 is referenced */
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 3 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[1], 0);	/* the first not referenced */
	KUNIT_EXPECT_EQ(test, fx->f.pins[0], 1);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.pinned, 3);
	KUNIT_EXPECT_EQ(test, st.evictions, 1);

	/* A page a window holds is never evicted, whatever the pressure. */
	KUNIT_ASSERT_EQ(test, sacc_dma_window_get(&fx->dma, 2 * PAGE_SIZE, 1, false,
						  fx->bounce, &w), 0);
	sacc_dma_access(&fx->dma, 5 * PAGE_SIZE, &b, 1, false);
	sacc_dma_access(&fx->dma, 6 * PAGE_SIZE, &b, 1, false);
	sacc_dma_access(&fx->dma, 7 * PAGE_SIZE, &b, 1, false);
	KUNIT_EXPECT_EQ(test, fx->f.pins[2], 1);
	sacc_dma_window_put(&w);

	/* An access wider than the quota still works, its pins are let go. */
	wide = kunit_kzalloc(test, 8 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, wide);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 8 * PAGE_SIZE, wide, 8 * PAGE_SIZE,
					      false), 0);
	KUNIT_EXPECT_LE(test, fake_total_pins(&fx->f), 3U);
	fake_teardown(test, fx);
}

static void dma_faults_on_unmapped_and_by_access(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, true);
	u8 b = 1;

	fx->f.unmapped[6] = true;
	fx->f.prot[7] = IOMMU_READ;
	fx->f.prot[8] = IOMMU_WRITE;
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 6 * PAGE_SIZE, &b, 1, false), -EFAULT);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, NR_PAGES * PAGE_SIZE, &b, 1, false),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, U64_MAX, &b, 2, false), -EFAULT);
	/* Read-only: reads work, writes fault, before and after the page is cached. */
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 7 * PAGE_SIZE, &b, 1, true), -EFAULT);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 7 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 7 * PAGE_SIZE, &b, 1, true), -EFAULT);
	/* Write-only (a destination): writes work, reads fault. */
	b = 1;
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 8 * PAGE_SIZE, &b, 1, true), 0);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 8 * PAGE_SIZE, &b, 1, true), 0);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 8 * PAGE_SIZE, &b, 1, false), -EFAULT);
	KUNIT_EXPECT_EQ(test, *(u8 *)page_address(fx->f.pages[8]), 1);
	fake_teardown(test, fx);
}

/*
 * iommufd's pins check only the access asked for (a WRITE pin does not check
 * READ): a write must not make a write-only page readable, nor a read a
 * read-only page writable.
 */
static void dma_iommufd_pins_check_each_access(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, false);
	u8 b = 2;

	fx->f.iommufd = true;
	fx->f.prot[8] = IOMMU_WRITE;
	fx->f.prot[9] = IOMMU_READ;
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 8 * PAGE_SIZE, &b, 1, true), 0);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 8 * PAGE_SIZE, &b, 1, false), -EFAULT);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 9 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 9 * PAGE_SIZE, &b, 1, true), -EFAULT);
	/* A read-write page read first is still writable (a second, private pin). */
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 10 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 10 * PAGE_SIZE, &b, 1, true), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[10], 1);
	fake_teardown(test, fx);
}

/* A pin that fails for another reason than the mapping: reached without a pin. */
static void dma_pin_failure_falls_back_to_rw(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, false);
	u8 b = 3, out = 0;
	unsigned int i;

	for (i = 0; i < MAX_RUNS; i++) {	/* no slot left: the pin fails */
		fx->f.runs[i].npage = 1;
		fx->f.runs[i].first = NR_PAGES + 1;
	}
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 5 * PAGE_SIZE, &b, 1, true), 0);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 5 * PAGE_SIZE, &out, 1, false), 0);
	KUNIT_EXPECT_EQ(test, out, 3);
	KUNIT_EXPECT_EQ(test, fx->f.rw_calls, 2U);
	memset(fx->f.runs, 0, sizeof(fx->f.runs));
	fake_teardown(test, fx);
}

static void dma_bypass_pins_nothing(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, false);
	u8 *buf = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);
	u8 *out = kunit_kzalloc(test, 3 * PAGE_SIZE, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, out);
	memset(buf, 0x3c, 3 * PAGE_SIZE);
	fx->dma.use_cache = &fake_cache_off;
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 0x2ffc, buf, 3 * PAGE_SIZE, true), 0);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 0x2ffc, out, 3 * PAGE_SIZE, false), 0);
	KUNIT_EXPECT_MEMEQ(test, out, buf, 3 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, fx->f.rw_calls, 2U);	/* one call per window */
	KUNIT_EXPECT_EQ(test, fake_total_pins(&fx->f), 0U);
	fake_teardown(test, fx);
}

static void dma_fence_stops_pins_until_seen_unmapped(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, true);
	struct sacc_dma_stats st;
	u8 b = 7;

	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 10 * PAGE_SIZE, &b, 1, true), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[10], 1);
	sacc_dma_invalidate(&fx->dma, 10 * PAGE_SIZE, 2 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, fx->f.pins[10], 0);
	/* Still mapped (type1 has not finished its unmap): reached without a pin. */
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 11 * PAGE_SIZE, &b, 1, true), 0);
	KUNIT_EXPECT_EQ(test, fake_pins_in(&fx->f, 10, 2), 0U);
	KUNIT_EXPECT_EQ(test, fx->f.rw_calls, 1U);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.fences, 1);
	/* Outside the fence the cache works as before. */
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 12 * PAGE_SIZE, &b, 1, true), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[12], 1);
	/* The range is seen unmapped: a fault, and the fence has done its job. */
	fx->f.unmapped[10] = true;
	fx->f.unmapped[11] = true;
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 10 * PAGE_SIZE, &b, 1, false), -EFAULT);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.fences, 0);
	/* Mapped again: pinned again. */
	fx->f.unmapped[10] = false;
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 10 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[10], 1);
	fake_teardown(test, fx);
}

/*
 * Only an access wholly inside an exact fence proves its mapping gone: one that
 * fails on an unmapped page next to a fence, or inside a merged fence, lifts
 * nothing (type1 may still be unmapping the fenced range).
 */
static void dma_fence_is_lifted_only_by_its_own_mapping(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, true);
	struct sacc_dma_stats st;
	u8 buf[64] = {};

	sacc_dma_invalidate(&fx->dma, 20 * PAGE_SIZE, 2 * PAGE_SIZE);	/* 20-21 */
	fx->f.unmapped[22] = true;
	/* Straddles the fence and the unmapped page 22: a fault, the fence stays. */
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 22 * PAGE_SIZE - 32, buf, 64, false),
			-EFAULT);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.fences, 1);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 21 * PAGE_SIZE, buf, 8, false), 0);
	KUNIT_EXPECT_EQ(test, fake_pins_in(&fx->f, 20, 2), 0U);
	/* Two touching mappings make one merged fence: a gap proves nothing. */
	sacc_dma_invalidate(&fx->dma, 22 * PAGE_SIZE, PAGE_SIZE);	/* 20-22 now */
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 22 * PAGE_SIZE, buf, 8, false),
			-EFAULT);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.fences, 1);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 20 * PAGE_SIZE, buf, 8, false), 0);
	KUNIT_EXPECT_EQ(test, fake_pins_in(&fx->f, 20, 3), 0U);
	fake_teardown(test, fx);
}

static void dma_fences_merge_beyond_the_limit(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, NR_PAGES, true);
	struct sacc_dma_stats st;
	unsigned int i;
	u8 b;

	for (i = 0; i < SACC_DMA_MAX_FENCES + 4; i++)
		sacc_dma_invalidate(&fx->dma, (u64)(2 * i) * PAGE_SIZE, PAGE_SIZE);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.fences, SACC_DMA_MAX_FENCES);
	/* Every page invalidated is still fenced: none is pinned. */
	for (i = 0; i < SACC_DMA_MAX_FENCES + 4; i++)
		KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, (u64)(2 * i) * PAGE_SIZE, &b, 1,
						      false), 0);
	KUNIT_EXPECT_EQ(test, fake_total_pins(&fx->f), 0U);
	/* A new user starts without fences. */
	sacc_dma_clear(&fx->dma);
	sacc_dma_open(&fx->dma, NR_PAGES, true);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.fences, 0);
	fake_teardown(test, fx);
}

struct hammer {
	struct dma_fixture *fx;
	unsigned int id;
	unsigned int span;	/* pages of the fake IOVA space it works in */
	u32 len;		/* bytes per window */
	struct completion done;
	atomic_t rounds;
};

/* Keep translating, pinning and writing windows over the first @span pages. */
static int hammer_fn(void *data)
{
	struct hammer *h = data;
	struct dma_fixture *fx = h->fx;
	u64 limit = (u64)(h->span - h->len / PAGE_SIZE - 1) * PAGE_SIZE;
	struct sacc_dma_window w;
	u32 off, n;
	u64 start = h->id * 3 * PAGE_SIZE;
	u8 *va;

	while (!kthread_should_stop()) {
		start = (start + 5 * PAGE_SIZE + 24 + h->id * 8) % limit;
		if (!sacc_dma_window_get(&fx->dma, start, h->len, true,
					 fx->thread_bounce[h->id], &w)) {
			for (off = 0; off < w.len; off += n) {
				va = sacc_dma_window_map(&w, off, &n);
				memset(va, 0xee, n);
				sacc_dma_window_unmap(&w, va);
			}
			sacc_dma_window_put(&w);
		}
		atomic_inc(&h->rounds);
		cond_resched();
	}
	complete(&h->done);
	return 0;
}

static void hammers_start(struct kunit *test, struct dma_fixture *fx, struct hammer *h,
			  struct task_struct **t, unsigned int span, u32 len)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		h[i] = (struct hammer){ .fx = fx, .id = i, .span = span, .len = len };
		init_completion(&h[i].done);
		atomic_set(&h[i].rounds, 0);
		t[i] = kthread_run(hammer_fn, &h[i], "sacc-dma-hammer%u", i);
		if (IS_ERR(t[i])) {
			while (i--)
				kthread_stop(t[i]);
			KUNIT_FAIL_AND_ABORT(test, "no hammer thread");
		}
	}
}

static void hammers_stop(struct kunit *test, struct hammer *h, struct task_struct **t)
{
	unsigned int i;

	for (i = 0; i < 2; i++) {
		kthread_stop(t[i]);
		wait_for_completion(&h[i].done);
		KUNIT_EXPECT_GT(test, atomic_read(&h[i].rounds), 0);
	}
}

/*
 * The unmap contract as iommufd needs it: while a range is being unmapped the
 * IOMMU refuses pins in it; when the invalidation returns nothing in it is pinned
 * and nothing writes to its old pages any more, though two threads keep
 * translating, pinning (slowly, so that pins are in flight) and writing all over.
 * Then the range is mapped again to fresh pages.
 */
static void dma_unmap_contract_holds_under_concurrency(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, 16, false);
	unsigned int i, r, first, span = 48;
	struct page *old[3], *fresh[3];
	struct task_struct *t[2];
	struct hammer h[2];
	u8 *va;

	fx->f.iommufd = true;
	fx->f.pin_delay_us = 20;
	hammers_start(test, fx, h, t, span, 3 * PAGE_SIZE);
	for (r = 0; r < 300; r++) {
		first = (r * 7) % (span - 3);
		spin_lock(&fx->f.lock);
		for (i = 0; i < 3; i++)
			fx->f.unmapped[first + i] = true;
		spin_unlock(&fx->f.lock);
		sacc_dma_invalidate(&fx->dma, (u64)first * PAGE_SIZE + 1, 2 * PAGE_SIZE);
		KUNIT_EXPECT_EQ_MSG(test, fake_pins_in(&fx->f, first, 3), 0U, "round %u", r);
		/* The old pages are the user's again: zero them; nobody may write. */
		for (i = 0; i < 3; i++) {
			old[i] = fx->f.pages[first + i];
			memset(page_address(old[i]), 0, PAGE_SIZE);
		}
		usleep_range(200, 300);
		for (i = 0; i < 3; i++) {
			va = page_address(old[i]);
			KUNIT_EXPECT_TRUE_MSG(test, !va[0] && !memcmp(va, va + 1, PAGE_SIZE - 1),
					      "round %u: page %u written after its unmap", r,
					      first + i);
		}
		/* Mapped again, to fresh memory. */
		for (i = 0; i < 3; i++) {
			fresh[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
			KUNIT_ASSERT_NOT_NULL(test, fresh[i]);
		}
		spin_lock(&fx->f.lock);
		for (i = 0; i < 3; i++) {
			fx->f.pages[first + i] = fresh[i];
			fx->f.unmapped[first + i] = false;
		}
		spin_unlock(&fx->f.lock);
		for (i = 0; i < 3; i++)
			__free_page(old[i]);
	}
	hammers_stop(test, h, t);
	fake_teardown(test, fx);
}

/*
 * The unmap contract as type1 needs it: the range stays mapped while type1 looks
 * for pins again after .dma_unmap, so nothing may be pinned in it afterwards
 * either, while the threads keep working there.
 */
static void dma_type1_range_is_not_pinned_again(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, 16, true);
	unsigned int r, first, span = 120;
	struct task_struct *t[2];
	struct hammer h[2];

	fx->f.pin_delay_us = 20;
	for (r = 0; r < 60; r++) {
		if (r % 6 == 0) {
			/* A new user every few rounds: fences start over. */
			hammers_start(test, fx, h, t, span, PAGE_SIZE);
			usleep_range(1000, 2000);
		}
		first = (r * 19) % (span - 2);
		sacc_dma_invalidate(&fx->dma, (u64)first * PAGE_SIZE, 2 * PAGE_SIZE);
		KUNIT_EXPECT_EQ_MSG(test, fake_pins_in(&fx->f, first, 2), 0U, "round %u", r);
		usleep_range(500, 1000);
		KUNIT_EXPECT_EQ_MSG(test, fake_pins_in(&fx->f, first, 2), 0U,
				    "round %u: pinned again after the unmap", r);
		if (r % 6 == 5) {
			hammers_stop(test, h, t);
			sacc_dma_clear(&fx->dma);
			sacc_dma_open(&fx->dma, 16, true);
		}
	}
	fake_teardown(test, fx);
}

/* Eviction while other windows let go of the same extents (KASAN watches). */
static void dma_evictions_race_with_puts(struct kunit *test)
{
	struct dma_fixture *fx = fake_setup(test, 4, false);
	struct task_struct *t[2];
	struct hammer h[2];

	hammers_start(test, fx, h, t, 24, 2 * PAGE_SIZE);
	msleep(300);
	hammers_stop(test, h, t);
	fake_teardown(test, fx);
}

static struct kunit_case sacc_dma_cases[] = {
	KUNIT_CASE(dma_hits_after_a_miss),
	KUNIT_CASE(dma_pins_a_window_in_one_call),
	KUNIT_CASE(dma_page_crossing_access),
	KUNIT_CASE(dma_window_maps_the_pages_in_place),
	KUNIT_CASE(dma_invalidate_whole_range_with_partial_overlaps),
	KUNIT_CASE(dma_remap_is_seen),
	KUNIT_CASE(dma_evicts_with_a_second_chance_at_quota),
	KUNIT_CASE(dma_faults_on_unmapped_and_by_access),
	KUNIT_CASE(dma_iommufd_pins_check_each_access),
	KUNIT_CASE(dma_pin_failure_falls_back_to_rw),
	KUNIT_CASE(dma_bypass_pins_nothing),
	KUNIT_CASE(dma_fence_stops_pins_until_seen_unmapped),
	KUNIT_CASE(dma_fences_merge_beyond_the_limit),
	KUNIT_CASE(dma_fence_is_lifted_only_by_its_own_mapping),
	KUNIT_CASE_SLOW(dma_unmap_contract_holds_under_concurrency),
	KUNIT_CASE_SLOW(dma_type1_range_is_not_pinned_again),
	KUNIT_CASE_SLOW(dma_evictions_race_with_puts),
	{}
};

static struct kunit_suite sacc_dma_suite = {
	.name = "sacc_dma",
	.test_cases = sacc_dma_cases,
};

kunit_test_suite(sacc_dma_suite);
