// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the shadow DMA translation cache (sacc_dma.c): hits and misses,
 * invalidation of whole ranges with partial overlaps, eviction under the quota,
 * read-only mappings, page-crossing accesses, and the uncached path.
 *
 * The cache's pinning callbacks are served by a small "IOMMU" made of real pages:
 * IOVA page n of [0, NR_PAGES) is pages[n]; a page can be mapped read-only or not at
 * all. It counts pins so the tests can see that nothing stays pinned.
 */
#include <kunit/test.h>
#include <linux/highmem.h>

#include "../sacc.h"

#define NR_PAGES	16

struct fake_iommu {
	struct page *pages[NR_PAGES];
	bool unmapped[NR_PAGES];
	bool read_only[NR_PAGES];
	int pins[NR_PAGES];
	unsigned int rw_calls;
};

static int fake_pin(void *ctx, u64 iova, bool write, struct page **page)
{
	struct fake_iommu *f = ctx;
	u64 n = iova >> PAGE_SHIFT;

	if (n >= NR_PAGES || f->unmapped[n])
		return -EINVAL;
	if (write && f->read_only[n])
		return -EPERM;
	f->pins[n]++;
	*page = f->pages[n];
	return 0;
}

static void fake_unpin(void *ctx, u64 iova)
{
	struct fake_iommu *f = ctx;

	f->pins[iova >> PAGE_SHIFT]--;
}

static int fake_rw(void *ctx, u64 iova, void *buf, size_t len, bool write)
{
	struct fake_iommu *f = ctx;

	f->rw_calls++;
	while (len) {
		u64 n = iova >> PAGE_SHIFT;
		size_t off = offset_in_page(iova), c = min_t(size_t, len, PAGE_SIZE - off);
		void *va;

		if (n >= NR_PAGES || f->unmapped[n] || (write && f->read_only[n]))
			return -EFAULT;
		va = kmap_local_page(f->pages[n]);
		if (write)
			memcpy(va + off, buf, c);
		else
			memcpy(buf, va + off, c);
		kunmap_local(va);
		iova += c;
		buf += c;
		len -= c;
	}
	return 0;
}

static const struct sacc_dma_ops fake_ops = {
	.pin = fake_pin, .unpin = fake_unpin, .rw = fake_rw,
};

static bool cache_on = true, cache_off;

struct dma_fixture {
	struct fake_iommu f;
	struct sacc_dma dma;
};

static void free_pages_action(void *data)
{
	struct fake_iommu *f = data;
	unsigned int i;

	for (i = 0; i < NR_PAGES; i++)
		if (f->pages[i])
			__free_page(f->pages[i]);
}

static struct dma_fixture *setup(struct kunit *test, unsigned int quota)
{
	struct dma_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	for (i = 0; i < NR_PAGES; i++) {
		fx->f.pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, fx->f.pages[i]);
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, free_pages_action, &fx->f), 0);
	sacc_dma_init(&fx->dma, &fake_ops, &fx->f);
	fx->dma.use_cache = &cache_on;
	fx->dma.max_pinned = quota;
	return fx;
}

static unsigned int total_pins(struct fake_iommu *f)
{
	unsigned int i, n = 0;

	for (i = 0; i < NR_PAGES; i++)
		n += f->pins[i];
	return n;
}

static void dma_hits_after_a_miss(struct kunit *test)
{
	struct dma_fixture *fx = setup(test, NR_PAGES);
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
	sacc_dma_clear(&fx->dma);
	KUNIT_EXPECT_EQ(test, total_pins(&fx->f), 0U);
}

static void dma_page_crossing_access(struct kunit *test)
{
	struct dma_fixture *fx = setup(test, NR_PAGES);
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
	KUNIT_EXPECT_EQ(test, total_pins(&fx->f), 4U);
	sacc_dma_clear(&fx->dma);
}

static void dma_invalidate_whole_range_with_partial_overlaps(struct kunit *test)
{
	struct dma_fixture *fx = setup(test, NR_PAGES);
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
	sacc_dma_clear(&fx->dma);
	KUNIT_EXPECT_EQ(test, total_pins(&fx->f), 0U);
}

static void dma_remap_is_seen(struct kunit *test)
{
	struct dma_fixture *fx = setup(test, NR_PAGES);
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
	sacc_dma_clear(&fx->dma);
}

static void dma_evicts_least_recently_used_at_quota(struct kunit *test)
{
	struct dma_fixture *fx = setup(test, 3);
	struct sacc_dma_stats st;
	void *wide;
	u8 b;

	sacc_dma_access(&fx->dma, 0 * PAGE_SIZE, &b, 1, false);
	sacc_dma_access(&fx->dma, 1 * PAGE_SIZE, &b, 1, false);
	sacc_dma_access(&fx->dma, 2 * PAGE_SIZE, &b, 1, false);
	sacc_dma_access(&fx->dma, 0 * PAGE_SIZE, &b, 1, false);	/* 0 is fresh now */
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 3 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, fx->f.pins[1], 0);	/* the least recently used */
	KUNIT_EXPECT_EQ(test, fx->f.pins[0], 1);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.pinned, 3);
	KUNIT_EXPECT_EQ(test, st.evictions, 1);
	/* An access wider than the quota still works, page by page. */
	wide = kunit_kzalloc(test, 8 * PAGE_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, wide);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 0, wide, 8 * PAGE_SIZE, false), 0);
	KUNIT_EXPECT_LE(test, total_pins(&fx->f), 3U);
	sacc_dma_clear(&fx->dma);
	KUNIT_EXPECT_EQ(test, total_pins(&fx->f), 0U);
}

static void dma_faults_on_unmapped_and_read_only(struct kunit *test)
{
	struct dma_fixture *fx = setup(test, NR_PAGES);
	u8 b = 1;

	fx->f.unmapped[6] = true;
	fx->f.read_only[7] = true;
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 6 * PAGE_SIZE, &b, 1, false), -EFAULT);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, NR_PAGES * PAGE_SIZE, &b, 1, false),
			-EFAULT);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 7 * PAGE_SIZE, &b, 1, false), 0);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, 7 * PAGE_SIZE, &b, 1, true), -EFAULT);
	KUNIT_EXPECT_EQ(test, sacc_dma_access(&fx->dma, U64_MAX, &b, 2, false), -EFAULT);
	sacc_dma_clear(&fx->dma);
	KUNIT_EXPECT_EQ(test, total_pins(&fx->f), 0U);
}

static void dma_bypass_pins_nothing(struct kunit *test)
{
	struct dma_fixture *fx = setup(test, NR_PAGES);
	u8 buf[8] = "bypass!", out[8];

	fx->dma.use_cache = &cache_off;
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 0x2ffc, buf, 8, true), 0);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&fx->dma, 0x2ffc, out, 8, false), 0);
	KUNIT_EXPECT_MEMEQ(test, out, buf, 8);
	KUNIT_EXPECT_EQ(test, fx->f.rw_calls, 2U);
	KUNIT_EXPECT_EQ(test, total_pins(&fx->f), 0U);
}

static struct kunit_case sacc_dma_cases[] = {
	KUNIT_CASE(dma_hits_after_a_miss),
	KUNIT_CASE(dma_page_crossing_access),
	KUNIT_CASE(dma_invalidate_whole_range_with_partial_overlaps),
	KUNIT_CASE(dma_remap_is_seen),
	KUNIT_CASE(dma_evicts_least_recently_used_at_quota),
	KUNIT_CASE(dma_faults_on_unmapped_and_read_only),
	KUNIT_CASE(dma_bypass_pins_nothing),
	{}
};

static struct kunit_suite sacc_dma_suite = {
	.name = "sacc_dma",
	.test_cases = sacc_dma_cases,
};

kunit_test_suite(sacc_dma_suite);
