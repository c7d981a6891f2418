// SPDX-License-Identifier: GPL-2.0
/*
 * The fake IOMMU of the KUnit suites (see sacc_fake_iommu.h).
 */
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/iommu.h>

#include "sacc_fake_iommu.h"

static bool fake_allows(struct fake_iommu *f, u64 n, int prot)
{
	int allowed = f->prot[n] ?: IOMMU_READ | IOMMU_WRITE;

	if (f->iommufd)
		prot = prot & IOMMU_WRITE ?: IOMMU_READ;
	return (allowed & prot) == prot;
}

static int fake_pin(void *ctx, u64 iova, unsigned int npage, int prot,
		    struct page **pages)
{
	struct fake_iommu *f = ctx;
	u64 n = iova >> PAGE_SHIFT, i;
	int ret = 0, slot = -1;

	if (READ_ONCE(f->pin_delay_us))
		usleep_range(f->pin_delay_us, f->pin_delay_us + 10);
	spin_lock(&f->lock);
	f->pin_calls++;
	for (i = n; i < n + npage; i++) {
		if (i >= NR_PAGES || f->unmapped[i]) {
			ret = -EINVAL;
			goto out;
		}
		if (!fake_allows(f, i, prot))
			ret = -EPERM;
	}
	if (ret)
		goto out;
	for (i = 0; i < MAX_RUNS && slot < 0; i++)
		if (!f->runs[i].npage)
			slot = i;
	if (slot < 0) {
		ret = -ENOSPC;
		goto out;
	}
	f->runs[slot].first = n;
	f->runs[slot].npage = npage;
	for (i = 0; i < npage; i++) {
		f->pins[n + i]++;
		pages[i] = f->pages[n + i];
	}
out:
	spin_unlock(&f->lock);
	return ret;
}

static void fake_unpin(void *ctx, u64 iova, unsigned int npage)
{
	struct fake_iommu *f = ctx;
	u64 n = iova >> PAGE_SHIFT;
	unsigned int i;

	spin_lock(&f->lock);
	for (i = 0; i < MAX_RUNS; i++)
		if (f->runs[i].npage == npage && f->runs[i].first == n)
			break;
	if (i == MAX_RUNS) {
		f->bad_unpins++;	/* iommufd would WARN and keep the pin */
	} else {
		f->runs[i].npage = 0;
		for (i = 0; i < npage; i++)
			f->pins[n + i]--;
	}
	spin_unlock(&f->lock);
}

static int fake_rw(void *ctx, u64 iova, void *buf, size_t len, bool write)
{
	struct fake_iommu *f = ctx;

	f->rw_calls++;
	while (len) {
		u64 n = iova >> PAGE_SHIFT;
		size_t off = offset_in_page(iova), c = min_t(size_t, len, PAGE_SIZE - off);
		void *va;

		if (n >= NR_PAGES || f->unmapped[n])
			return -EINVAL;
		if (!fake_allows(f, n, write ? IOMMU_WRITE : IOMMU_READ))
			return -EPERM;
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

const struct sacc_dma_ops fake_ops = {
	.pin = fake_pin, .unpin = fake_unpin, .rw = fake_rw,
};

bool fake_cache_on = true, fake_cache_off;

static void free_pages_action(void *data)
{
	struct fake_iommu *f = data;
	unsigned int i;

	for (i = 0; i < NR_PAGES; i++)
		if (f->pages[i])
			__free_page(f->pages[i]);
}

/**
 * fake_setup() - a fixture: the fake's pages, and an open DMA shadow over them
 * @test: the test (owns the memory)
 * @quota: the shadow's quota of pinned pages
 * @type1: open the shadow as over type1 (fences, read-write pins)
 *
 * Return: the fixture.
 */
struct dma_fixture *fake_setup(struct kunit *test, unsigned int quota, bool type1)
{
	struct dma_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, fx);
	spin_lock_init(&fx->f.lock);
	for (i = 0; i < NR_PAGES; i++) {
		fx->f.pages[i] = alloc_page(GFP_KERNEL | __GFP_ZERO);
		KUNIT_ASSERT_NOT_NULL(test, fx->f.pages[i]);
	}
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, free_pages_action, &fx->f), 0);
	sacc_dma_init(&fx->dma, &fake_ops, &fx->f);
	fx->dma.use_cache = &fake_cache_on;
	/* Without type1, the fake's pins check access as iommufd's do. */
	fx->f.iommufd = !type1;
	sacc_dma_open(&fx->dma, quota, type1);
	return fx;
}

/**
 * fake_pins_in() - pins held on pages [@first, @first + @n)
 * @f: the fake
 * @first: first page
 * @n: pages
 *
 * Return: the sum of their pins.
 */
unsigned int fake_pins_in(struct fake_iommu *f, unsigned int first, unsigned int n)
{
	unsigned int i, sum = 0;

	spin_lock(&f->lock);
	for (i = first; i < first + n; i++)
		sum += f->pins[i];
	spin_unlock(&f->lock);
	return sum;
}

/**
 * fake_total_pins() - pins held on every page
 * @f: the fake
 *
 * Return: the sum.
 */
unsigned int fake_total_pins(struct fake_iommu *f)
{
	return fake_pins_in(f, 0, NR_PAGES);
}

/**
 * fake_teardown() - clear the shadow: nothing may stay pinned, every unpin must
 * have matched its pin
 * @test: the test
 * @fx: the fixture
 */
void fake_teardown(struct kunit *test, struct dma_fixture *fx)
{
	struct sacc_dma_stats st;

	sacc_dma_clear(&fx->dma);
	sacc_dma_stats(&fx->dma, &st);
	KUNIT_EXPECT_EQ(test, st.pinned, 0);
	KUNIT_EXPECT_EQ(test, fake_total_pins(&fx->f), 0U);
	KUNIT_EXPECT_EQ(test, fx->f.bad_unpins, 0U);
}

