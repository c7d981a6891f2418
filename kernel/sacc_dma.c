// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - the shadowed DMA translation: how the engine reaches a user's memory.
 *
 * A per-instance cache maps IOVA pages to host pages pinned with vfio_pin_pages().
 * A hit costs one xarray lookup; a miss pins the page and, at the instance's quota,
 * first unpins the least recently used entry. The whole of [iova, iova + length) is
 * dropped when the user unmaps it (the VFIO core calls .dma_unmap, and every pinned
 * page in the range MUST be unpinned before it returns), on reset and on close.
 *
 * The cache lock is held while pages are copied, so an unmap waits for a copy in
 * flight and can never pull a page from under it. It is NOT held while pinning or
 * unpinning: type1 calls .dma_unmap with its device list lock held, and pinning takes
 * its iommu lock, which is taken before the device list lock elsewhere. A pin done
 * with the lock dropped is checked against the cache's generation, which every
 * invalidation bumps, and let go if an unmap ran meanwhile.
 *
 * With the cache bypassed (module parameter dma_cache=0) every access goes through
 * vfio_dma_rw(), which pins and unpins per call: the benchmark compares both.
 */
#include <kunit/visibility.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/slab.h>

#include "sacc.h"

/**
 * struct sacc_dma_page - one cached translation
 * @lru: in &sacc_dma.lru, most recently used last
 * @page: the pinned host page
 * @pfn: the IOVA page number it translates
 * @writable: pinned for writing too (the mapping allows it)
 */
struct sacc_dma_page {
	struct list_head lru;
	struct page *page;
	unsigned long pfn;
	bool writable;
};

/**
 * sacc_dma_init() - an empty cache
 * @dma: the cache
 * @ops: how pages are pinned and accessed without the cache
 * @ctx: passed to @ops
 */
void sacc_dma_init(struct sacc_dma *dma, const struct sacc_dma_ops *ops, void *ctx)
{
	memset(dma, 0, sizeof(*dma));
	mutex_init(&dma->lock);
	xa_init(&dma->pages);
	INIT_LIST_HEAD(&dma->lru);
	dma->ops = ops;
	dma->ctx = ctx;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_init);

/*
 * Take an entry out of the cache (lock held) onto @gone; sacc_dma_unpin() unpins it
 * once the lock is dropped. Pinning and unpinning take the IOMMU driver's locks,
 * which its unmap notifier holds while it calls us: never take them under ours.
 */
static void sacc_dma_remove(struct sacc_dma *dma, struct sacc_dma_page *p,
			    struct list_head *gone)
{
	xa_erase(&dma->pages, p->pfn);
	list_move(&p->lru, gone);
	dma->nr_pinned--;
}

static void sacc_dma_unpin(struct sacc_dma *dma, struct list_head *gone)
{
	struct sacc_dma_page *p, *next;

	list_for_each_entry_safe(p, next, gone, lru) {
		dma->ops->unpin(dma->ctx, (u64)p->pfn << PAGE_SHIFT);
		kfree(p);
	}
}

/**
 * sacc_dma_invalidate() - drop every cached page of [@iova, @iova + @len)
 * @dma: the cache
 * @iova: start
 * @len: bytes; 0 does nothing, a range past 2^64 stops there
 *
 * When this returns no access uses those pages any more and they are unpinned.
 */
void sacc_dma_invalidate(struct sacc_dma *dma, u64 iova, u64 len)
{
	unsigned long first = iova >> PAGE_SHIFT, last, idx;
	struct sacc_dma_page *p;
	LIST_HEAD(gone);

	if (!len)
		return;
	last = (len - 1 > U64_MAX - iova ? U64_MAX : iova + len - 1) >> PAGE_SHIFT;
	mutex_lock(&dma->lock);
	dma->generation++;	/* a pin in flight may be of the old mapping */
	xa_for_each_range(&dma->pages, idx, p, first, last)
		sacc_dma_remove(dma, p, &gone);
	mutex_unlock(&dma->lock);
	sacc_dma_unpin(dma, &gone);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_invalidate);

/**
 * sacc_dma_clear() - drop every cached page
 * @dma: the cache
 */
void sacc_dma_clear(struct sacc_dma *dma)
{
	sacc_dma_invalidate(dma, 0, U64_MAX);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_clear);

/*
 * Pin the page at @pfn and cache it. Called with the lock held; drops and retakes
 * it around the pin. Return: the entry, or NULL with *err set.
 */
static struct sacc_dma_page *sacc_dma_fill(struct sacc_dma *dma, unsigned long pfn,
					   bool write, struct list_head *gone, int *err)
{
	u64 iova = (u64)pfn << PAGE_SHIFT, generation;
	struct sacc_dma_page *p, *old;
	bool writable = true;
	struct page *page;
	int ret;

	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p) {
		*err = -ENOMEM;
		return NULL;
	}

	generation = dma->generation;
	mutex_unlock(&dma->lock);
	/* Pin for writing when the mapping allows it, so that later writes hit. */
	ret = dma->ops->pin(dma->ctx, iova, true, &page);
	if (ret == -EPERM && !write) {
		writable = false;
		ret = dma->ops->pin(dma->ctx, iova, false, &page);
	}
	mutex_lock(&dma->lock);
	if (ret) {
		kfree(p);
		*err = -EFAULT;
		return NULL;
	}
	p->page = page;
	p->pfn = pfn;
	p->writable = writable;
	INIT_LIST_HEAD(&p->lru);

	/* Unmapped meanwhile, or cached by another engine: let this pin go. */
	old = xa_load(&dma->pages, pfn);
	if (dma->generation != generation || old) {
		list_add(&p->lru, gone);
		*err = -EAGAIN;
		return NULL;
	}
	if (xa_err(xa_store(&dma->pages, pfn, p, GFP_KERNEL))) {
		list_add(&p->lru, gone);
		*err = -ENOMEM;
		return NULL;
	}
	list_add_tail(&p->lru, &dma->lru);
	dma->nr_pinned++;
	dma->misses++;
	while (dma->nr_pinned > dma->max_pinned && dma->nr_pinned > 1) {
		sacc_dma_remove(dma, list_first_entry(&dma->lru, struct sacc_dma_page, lru),
				gone);
		dma->evictions++;
	}
	return p;
}

/**
 * sacc_dma_access() - copy between the user's memory at @iova and @buf
 * @dma: the cache
 * @iova: user's I/O virtual address, any alignment
 * @buf: kernel buffer
 * @len: bytes
 * @write: true to write @buf to @iova, false to read
 *
 * Return: 0; -EFAULT when part of the range is not mapped with the access needed
 * (a write may then have changed the pages before the fault); -ENOMEM.
 */
int sacc_dma_access(struct sacc_dma *dma, u64 iova, void *buf, size_t len, bool write)
{
	LIST_HEAD(gone);
	int err = 0;

	if (len && iova + len - 1 < iova)
		return -EFAULT;
	if (!READ_ONCE(*dma->use_cache))
		return dma->ops->rw(dma->ctx, iova, buf, len, write) ? -EFAULT : 0;

	mutex_lock(&dma->lock);
	while (len) {
		size_t off = offset_in_page(iova), n = min_t(size_t, len, PAGE_SIZE - off);
		unsigned long pfn = iova >> PAGE_SHIFT;
		struct sacc_dma_page *p = xa_load(&dma->pages, pfn);
		void *va;

		if (p && write && !p->writable) {
			err = -EFAULT;		/* mapped read-only */
			break;
		}
		if (p) {
			dma->hits++;
			list_move_tail(&p->lru, &dma->lru);
		} else {
			err = 0;
			p = sacc_dma_fill(dma, pfn, write, &gone, &err);
			if (err == -EAGAIN)
				continue;	/* look again */
			if (!p)
				break;
			if (write && !p->writable) {
				err = -EFAULT;
				break;
			}
		}
		/* Under the lock: an unmap cannot take the page away mid-copy. */
		va = kmap_local_page(p->page);
		if (write)
			memcpy(va + off, buf, n);
		else
			memcpy(buf, va + off, n);
		kunmap_local(va);
		iova += n;
		buf += n;
		len -= n;
	}
	mutex_unlock(&dma->lock);
	sacc_dma_unpin(dma, &gone);
	return err;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_access);

/**
 * sacc_dma_stats() - a snapshot of the cache's counters
 * @dma: the cache
 * @stats: filled in
 */
void sacc_dma_stats(struct sacc_dma *dma, struct sacc_dma_stats *stats)
{
	mutex_lock(&dma->lock);
	stats->hits = dma->hits;
	stats->misses = dma->misses;
	stats->evictions = dma->evictions;
	stats->pinned = dma->nr_pinned;
	mutex_unlock(&dma->lock);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_stats);

/**
 * sacc_dma_reset_stats() - zero the counters (a new user)
 * @dma: the cache
 */
void sacc_dma_reset_stats(struct sacc_dma *dma)
{
	mutex_lock(&dma->lock);
	dma->hits = 0;
	dma->misses = 0;
	dma->evictions = 0;
	mutex_unlock(&dma->lock);
}

/* The VFIO side: pin through the instance's VFIO device. */
static int sacc_vfio_pin(void *ctx, u64 iova, bool write, struct page **page)
{
	int prot = IOMMU_READ | (write ? IOMMU_WRITE : 0);
	int ret = vfio_pin_pages(ctx, iova, 1, prot, page);

	return ret == 1 ? 0 : (ret < 0 ? ret : -EFAULT);
}

static void sacc_vfio_unpin(void *ctx, u64 iova)
{
	vfio_unpin_pages(ctx, iova, 1);
}

static int sacc_vfio_rw(void *ctx, u64 iova, void *buf, size_t len, bool write)
{
	return vfio_dma_rw(ctx, iova, buf, len, write);
}

/* How an instance pins: through its VFIO device. */
const struct sacc_dma_ops sacc_vfio_dma_ops = {
	.pin = sacc_vfio_pin,
	.unpin = sacc_vfio_unpin,
	.rw = sacc_vfio_rw,
};
