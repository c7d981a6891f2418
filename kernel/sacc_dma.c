// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - the shadowed DMA translation: how the engine reaches a user's memory.
 *
 * The engine works on *windows*: up to SACC_DMA_WINDOW_BYTES of one IOVA range,
 * translated at once to the host pages behind it and held until the operation on
 * them is done. The pages come from a per-instance cache of *extents*, runs of
 * pages pinned together with one vfio_pin_pages() call (iommufd unpins exactly the
 * runs it pinned, so an extent is also unpinned as one). A window whose pages are
 * cached costs one lock hold; the misses of a window are pinned in bulk, one call
 * per contiguous run. Operations then run on the mapped pages directly
 * (kmap_local_page()), with no lock held and no bounce copy.
 *
 * The unmap contract. When the user unmaps [iova, iova + len), the VFIO core calls
 * .dma_unmap, and when sacc_dma_invalidate() returns no page of that range is
 * pinned by sacc and none is touched any more:
 *  - every window registers, under the lock, in the current *epoch* before it
 *    translates, pins or uses anything, and leaves it when it is put;
 *  - an invalidation erases the range's extents, bumps the generation and flips
 *    the epoch under the lock, then waits for the windows of the old epoch to
 *    leave; only then does it unpin what it erased. Windows of the new epoch see
 *    the range gone; a pin that was in flight (registered in the old epoch) sees
 *    the generation changed and keeps its pages private to its window, which
 *    unpins them when it is put, before the invalidation returns. Evicted extents
 *    are unpinned by the window that evicted them, also before it leaves.
 * Invalidations are serialised by @inval_lock, so an epoch's readers only drain.
 *
 * type1 needs one thing more: after .dma_unmap returns it takes its lock again and
 * looks for pins in the range; one made in that instant makes it call .dma_unmap
 * again, and after ten in a row it hits BUG_ON(). So with type1 (@type1) an
 * invalidated range is *fenced*: nothing in it is pinned again, accesses there go
 * through vfio_dma_rw() (which pins nothing), until vfio_dma_rw() says the range is
 * not mapped any more (-EINVAL over an exact fence; later pins are of a new
 * mapping) or the device is closed. iommufd refuses pins itself while it unmaps
 * or detaches, so needs no fence. At most SACC_DMA_MAX_FENCES fences are kept;
 * beyond that the two closest are merged (a larger fence only sends more accesses
 * the slow way; a merged fence stays until close).
 *
 * Pins and unpins are never done under the lock: they may sleep on the user's
 * memory (faults, its mmap_lock), and an invalidation, which type1 calls with its
 * device list lock held, must not wait behind them longer than the epoch wait.
 *
 * The quota (@max_pinned pages) is kept by a second-chance (CLOCK) sweep that
 * never evicts an extent a window holds, and evicts in batches. With the cache
 * bypassed (module parameter dma_cache=0) every window goes through vfio_dma_rw(),
 * one call per window: the benchmark compares both.
 */
#include <kunit/visibility.h>
#include <linux/highmem.h>
#include <linux/iommu.h>
#include <linux/slab.h>

#include "sacc.h"

/**
 * struct sacc_dma_extent - a run of pages pinned with one call
 * @clock: on &sacc_dma.clock while cached
 * @first: IOVA page number of the first page
 * @npage: pages
 * @prot: IOMMU_READ and/or IOMMU_WRITE: the access it was pinned for
 * @referenced: used since the CLOCK hand last passed (second chance)
 * @private: never cached: owned by the window that pinned it, unpinned by the
 *           put that drops its last user; fixed when the pin is done. An extent
 *           taken out of the cache belongs to whoever took it out
 * @users: page references held by windows; a cached extent with users is never
 *         evicted
 * @pages: the host pages
 */
struct sacc_dma_extent {
	struct list_head clock;
	unsigned long first;
	unsigned int npage;
	int prot;
	bool referenced;
	bool private;
	atomic_t users;
	struct page *pages[] __counted_by(npage);
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
	mutex_init(&dma->inval_lock);
	mutex_init(&dma->lock);
	xa_init(&dma->pages);
	INIT_LIST_HEAD(&dma->clock);
	init_waitqueue_head(&dma->drained);
	dma->ops = ops;
	dma->ctx = ctx;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_init);

static unsigned long last_pfn(u64 iova, u64 len)
{
	return (len - 1 > U64_MAX - iova ? U64_MAX : iova + len - 1) >> PAGE_SHIFT;
}

/*
 * Take a cached extent out of the cache onto @gone (lock held); its pages stay
 * pinned until sacc_dma_release_list().
 */
static void sacc_dma_uncache(struct sacc_dma *dma, struct sacc_dma_extent *ext,
			     struct list_head *gone)
{
	unsigned int i;

	lockdep_assert_held(&dma->lock);
	for (i = 0; i < ext->npage; i++)
		xa_erase(&dma->pages, ext->first + i);
	if (dma->hand == &ext->clock)
		dma->hand = ext->clock.next;
	list_move_tail(&ext->clock, gone);
	dma->nr_pinned -= ext->npage;
}

static void sacc_dma_release(struct sacc_dma *dma, struct sacc_dma_extent *ext)
{
	dma->ops->unpin(dma->ctx, (u64)ext->first << PAGE_SHIFT, ext->npage);
	kfree(ext);
}

/* Unpin and free a list of extents taken out of the cache (no lock held). */
static void sacc_dma_release_list(struct sacc_dma *dma, struct list_head *list)
{
	struct sacc_dma_extent *ext, *next;

	list_for_each_entry_safe(ext, next, list, clock)
		sacc_dma_release(dma, ext);
}

/* The fence [@first, @last] overlaps, or -1 (lock held). */
static int sacc_dma_fenced(struct sacc_dma *dma, unsigned long first, unsigned long last)
{
	unsigned int i;

	for (i = 0; i < dma->nr_fences; i++)
		if (first <= dma->fences[i].last && dma->fences[i].first <= last)
			return i;
	return -1;
}

/*
 * Fence [first, last] (lock held): an exact fence of its own (type1 notifies one
 * whole mapping at a time), or merged with what it overlaps or touches, or with the
 * closest when there is no room. A merged fence is inexact: it stays until close.
 */
static void sacc_dma_fence(struct sacc_dma *dma, unsigned long first, unsigned long last)
{
	struct sacc_dma_fence *f;
	unsigned int i, best = 0;
	unsigned long gap, best_gap = ULONG_MAX;

	for (i = 0; i < dma->nr_fences; i++) {
		f = &dma->fences[i];
		if (f->first == first && f->last == last)
			return;		/* the same mapping notified again */
	}
	for (i = 0; i < dma->nr_fences; i++) {
		f = &dma->fences[i];
		if (first <= f->last + 1 && f->first <= last + 1)
			goto merge;	/* overlaps or touches */
	}
	if (dma->nr_fences < SACC_DMA_MAX_FENCES) {
		f = &dma->fences[dma->nr_fences++];
		f->first = first;
		f->last = last;
		f->exact = true;
		return;
	}
	for (i = 0; i < dma->nr_fences; i++) {
		f = &dma->fences[i];
		gap = f->last < first ? first - f->last : f->first - last;
		if (gap < best_gap) {
			best_gap = gap;
			best = i;
		}
	}
	i = best;
	f = &dma->fences[i];
merge:
	f->first = min(f->first, first);
	f->last = max(f->last, last);
	f->exact = false;
}

/* Drop [first, last], fencing it first when @fence; see the top of this file. */
static void sacc_dma_drop_range(struct sacc_dma *dma, unsigned long first,
				unsigned long last, bool fence)
{
	struct sacc_dma_extent *ext;
	unsigned long idx;
	unsigned int old;
	LIST_HEAD(gone);

	mutex_lock(&dma->inval_lock);
	mutex_lock(&dma->lock);
	if (fence)
		sacc_dma_fence(dma, first, last);
	/* Every page of an extent maps to it: an extent in the range is found. */
	xa_for_each_range(&dma->pages, idx, ext, first, last)
		sacc_dma_uncache(dma, ext, &gone);
	dma->generation++;	/* a pin in flight may be of the old mapping */
	old = dma->epoch;
	dma->epoch ^= 1;
	mutex_unlock(&dma->lock);
	/* Bounded: a window holds at most one window's work and one bulk pin. */
	wait_event(dma->drained, !atomic_read(&dma->readers[old]));
	mutex_unlock(&dma->inval_lock);
	sacc_dma_release_list(dma, &gone);
}

/**
 * sacc_dma_invalidate() - the user unmapped [@iova, @iova + @len): drop it
 * @dma: the cache
 * @iova: start
 * @len: bytes; 0 does nothing, a range past 2^64 stops there
 *
 * When this returns no page of the range is pinned by the cache and no window
 * uses one; with type1 none is pinned again until the range is seen
 * unmapped (see the top of this file). Sleeps; never call it holding a window.
 */
void sacc_dma_invalidate(struct sacc_dma *dma, u64 iova, u64 len)
{
	if (len)
		sacc_dma_drop_range(dma, iova >> PAGE_SHIFT, last_pfn(iova, len),
				    dma->type1);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_invalidate);

/**
 * sacc_dma_clear() - drop every translation (reset, close); fences stay
 * @dma: the cache
 */
void sacc_dma_clear(struct sacc_dma *dma)
{
	sacc_dma_drop_range(dma, 0, ULONG_MAX, false);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_clear);

/**
 * sacc_dma_open() - set the cache up for a new user; it is empty (cleared at close)
 * @dma: the cache
 * @max_pinned: the quota of pinned pages
 * @type1: the IOMMU backend is type1 (see sacc_vfio_is_type1()): fence the ranges
 *         it unmaps, and pin for reading and writing at once
 */
void sacc_dma_open(struct sacc_dma *dma, unsigned int max_pinned, bool type1)
{
	mutex_lock(&dma->lock);
	WARN_ON_ONCE(dma->nr_pinned);
	dma->max_pinned = max_pinned;
	dma->type1 = type1;
	dma->nr_fences = 0;
	dma->hits = 0;
	dma->misses = 0;
	dma->evictions = 0;
	mutex_unlock(&dma->lock);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_open);

/*
 * Make room for @need more pages under the quota (lock held): a CLOCK sweep that
 * skips extents in use and gives referenced ones a second chance, evicting down
 * to 15/16 of the quota so that the next misses need no sweep. Return: room made.
 */
static bool sacc_dma_evict(struct sacc_dma *dma, unsigned int need, struct list_head *gone)
{
	unsigned int target, budget = 2 * (dma->nr_pinned + 1);
	struct sacc_dma_extent *ext;
	struct list_head *pos;

	if (need > dma->max_pinned)
		return false;
	target = dma->max_pinned - need;
	if (dma->nr_pinned <= target)
		return true;
	target -= min(target, dma->max_pinned / 16);
	while (dma->nr_pinned > target && !list_empty(&dma->clock) && budget--) {
		pos = dma->hand;
		if (!pos || pos == &dma->clock)
			pos = dma->clock.next;
		ext = list_entry(pos, struct sacc_dma_extent, clock);
		dma->hand = pos->next;
		if (atomic_read(&ext->users))
			continue;
		if (ext->referenced) {
			ext->referenced = false;
			continue;
		}
		dma->evictions += ext->npage;
		sacc_dma_uncache(dma, ext, gone);
	}
	return dma->nr_pinned + need <= dma->max_pinned;
}

/* Cache @ext (lock held), or leave it private: 0 or -errno. */
static int sacc_dma_cache(struct sacc_dma *dma, struct sacc_dma_extent *ext)
{
	unsigned long idx = ext->first, last = ext->first + ext->npage - 1;
	unsigned int i;

	if (xa_find(&dma->pages, &idx, last, XA_PRESENT))
		return -EEXIST;		/* another window cached some of it meanwhile */
	for (i = 0; i < ext->npage; i++) {
		if (xa_is_err(xa_store(&dma->pages, ext->first + i, ext, GFP_KERNEL))) {
			while (i--)
				xa_erase(&dma->pages, ext->first + i);
			return -ENOMEM;
		}
	}
	ext->private = false;
	list_add_tail(&ext->clock, dma->hand ?: &dma->clock);	/* behind the hand */
	dma->nr_pinned += ext->npage;
	return 0;
}

/*
 * Pin pages [first, first + npage) for a window (lock held; dropped and taken
 * again around the pin) with access @need (IOMMU_READ or IOMMU_WRITE). With type1,
 * whose pin checks every access asked for, for both when the mapping allows both,
 * so that later accesses hit; with iommufd, whose pin checks only the access asked
 * for, for just @need. Room under the quota is made before the pin. Cached when
 * @cache, the room is there and no invalidation ran meanwhile; else private.
 * Return: the extent, or NULL with *@err -EFAULT (not mapped with that access) or
 * -EAGAIN (the pin failed for another reason, the locked-memory limit for one:
 * the window is then reached without pinning).
 */
static struct sacc_dma_extent *sacc_dma_pin(struct sacc_dma *dma, unsigned long first,
					    unsigned int npage, int need, bool cache,
					    u64 generation, struct list_head *gone, int *err)
{
	u64 iova = (u64)first << PAGE_SHIFT;
	struct sacc_dma_extent *ext;
	int ret;

	cache = cache && sacc_dma_evict(dma, npage, gone);
	mutex_unlock(&dma->lock);
	ext = kzalloc(struct_size(ext, pages, npage), GFP_KERNEL);
	if (!ext) {
		*err = -EAGAIN;
		goto relock;
	}
	ext->npage = npage;
	ext->first = first;
	ext->private = true;
	INIT_LIST_HEAD(&ext->clock);
	ext->prot = dma->type1 ? IOMMU_READ | IOMMU_WRITE : need;
	ret = dma->ops->pin(dma->ctx, iova, npage, ext->prot, ext->pages);
	if (ret == -EPERM && ext->prot != need) {
		ext->prot = need;
		ret = dma->ops->pin(dma->ctx, iova, npage, ext->prot, ext->pages);
	}
	if (ret) {
		kfree(ext);
		ext = NULL;
		*err = ret == -EINVAL || ret == -EPERM || ret == -ENOENT ? -EFAULT : -EAGAIN;
	}
relock:
	mutex_lock(&dma->lock);
	if (!ext)
		return NULL;
	dma->misses += npage;
	if (cache && dma->generation == generation && sacc_dma_evict(dma, npage, gone))
		sacc_dma_cache(dma, ext);
	return ext;
}

/* Take a window's page @i from extent @ext. */
static void sacc_dma_hold(struct sacc_dma_window *w, unsigned int i,
			  struct sacc_dma_extent *ext, unsigned long pfn)
{
	atomic_inc(&ext->users);
	w->ext[i] = ext;
	w->pages[i] = ext->pages[pfn - ext->first];
}

/* Leave the epoch the window registered in. */
static void sacc_dma_leave(struct sacc_dma *dma, unsigned int epoch)
{
	if (atomic_dec_and_test(&dma->readers[epoch]))
		wake_up(&dma->drained);
}

/* Drop the window's page references; unpin private extents whose last went. */
static void sacc_dma_drop(struct sacc_dma_window *w)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++) {
		struct sacc_dma_extent *ext = w->ext[i];
		/*
		 * Read before letting go: once its users are 0 a cached extent may be
		 * evicted and freed by another window at once.
		 */
		bool private = ext->private;

		if (atomic_dec_and_test(&ext->users) && private)
			sacc_dma_release(w->dma, ext);
	}
	w->nr = 0;
}

/*
 * Translate [iova, iova + len) into @w, len at most a window. Return: 0 with
 * @w->nr pages held, 0 with @w->bounced set (access it through @ops->rw: the cache
 * is bypassed, the range is fenced, or pinning failed for a reason other than the
 * mapping), or -EFAULT with nothing held.
 */
static int sacc_dma_translate(struct sacc_dma *dma, u64 iova, u32 len, bool write,
			      struct sacc_dma_window *w)
{
	unsigned long first = iova >> PAGE_SHIFT, last = last_pfn(iova, len), pfn;
	unsigned int i, run, n = last - first + 1;
	int need = write ? IOMMU_WRITE : IOMMU_READ;
	struct sacc_dma_extent *ext;
	LIST_HEAD(gone);
	u64 generation;
	int err = 0;

	w->dma = dma;
	w->iova = iova;
	w->len = len;
	w->write = write;
	w->nr = 0;
	w->bounced = false;
	if (!READ_ONCE(*dma->use_cache)) {
		w->bounced = true;
		return 0;
	}

	mutex_lock(&dma->lock);
	if (sacc_dma_fenced(dma, first, last) >= 0) {
		mutex_unlock(&dma->lock);
		w->bounced = true;
		return 0;
	}
	w->epoch = dma->epoch;
	atomic_inc(&dma->readers[w->epoch]);
	generation = dma->generation;
	for (i = 0; i < n; ) {
		pfn = first + i;
		ext = xa_load(&dma->pages, pfn);
		if (ext && (ext->prot & need)) {
			ext->referenced = true;
			dma->hits++;
			sacc_dma_hold(w, i, ext, pfn);
			w->nr = ++i;
			continue;
		}
		/*
		 * A run of misses: up to the next cached page or the window's end, and
		 * a quarter of the quota, so that a small quota still caches. A cached
		 * page pinned without the access needed is pinned again, alone and
		 * privately: that pin checks the access.
		 */
		run = 1;
		while (!ext && i + run < n && run < max(dma->max_pinned / 4, 1U) &&
		       !xa_load(&dma->pages, pfn + run))
			run++;
		ext = sacc_dma_pin(dma, pfn, run, need, !ext, generation, &gone, &err);
		if (!ext)
			break;
		for (; pfn < ext->first + ext->npage; pfn++, i++)
			sacc_dma_hold(w, i, ext, pfn);
		w->nr = i;
	}
	mutex_unlock(&dma->lock);
	if (err)
		sacc_dma_drop(w);
	sacc_dma_release_list(dma, &gone);
	if (!err)
		return 0;
	sacc_dma_leave(dma, w->epoch);
	if (err != -EAGAIN)
		return err;
	w->bounced = true;
	return 0;
}

/*
 * An access through @ops->rw failed. If it lay wholly inside an exact fence and
 * part of it is not mapped (-EINVAL), the one mapping the fence stands for is gone
 * (type1 removes a mapping whole): the fence has done its job, and what is mapped
 * there next is a new mapping.
 */
static int sacc_dma_rw_failed(struct sacc_dma *dma, u64 iova, size_t len, int ret)
{
	unsigned long first = iova >> PAGE_SHIFT, last = last_pfn(iova, len);
	unsigned int i;

	if (ret != -EINVAL)
		return -EFAULT;
	mutex_lock(&dma->lock);
	for (i = 0; i < dma->nr_fences; i++) {
		struct sacc_dma_fence *f = &dma->fences[i];

		if (f->exact && f->first <= first && last <= f->last) {
			*f = dma->fences[--dma->nr_fences];
			break;
		}
	}
	mutex_unlock(&dma->lock);
	return -EFAULT;
}

static int sacc_dma_rw(struct sacc_dma *dma, u64 iova, void *buf, size_t len, bool write)
{
	int ret = dma->ops->rw(dma->ctx, iova, buf, len, write);

	return ret ? sacc_dma_rw_failed(dma, iova, len, ret) : 0;
}

/**
 * sacc_dma_window_get() - translate and hold up to a window of user memory
 * @dma: the cache
 * @iova: start, any alignment
 * @len: bytes wanted; the window covers min(@len, SACC_DMA_WINDOW_BYTES) of them
 * @write: the operation writes the window (else it reads it)
 * @bounce: SACC_DMA_WINDOW_BYTES of kernel memory for a window that cannot be
 *          held in place (cache bypassed, range fenced): it is read into @bounce
 *          here, or written from it by sacc_dma_window_put()
 * @w: the window, filled in
 *
 * Every successful get must be followed, promptly, by sacc_dma_window_put().
 *
 * Return: 0; -EFAULT when part of the range is not mapped with the access needed;
 * -ENOMEM.
 */
int sacc_dma_window_get(struct sacc_dma *dma, u64 iova, u32 len, bool write,
			void *bounce, struct sacc_dma_window *w)
{
	int ret;

	len = min_t(u32, len, SACC_DMA_WINDOW_BYTES);
	if (!len || iova + len - 1 < iova)
		return -EFAULT;
	ret = sacc_dma_translate(dma, iova, len, write, w);
	if (ret || !w->bounced)
		return ret;
	w->buf = bounce;
	return write ? 0 : sacc_dma_rw(dma, iova, bounce, len, false);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_window_get);

/**
 * sacc_dma_window_put() - let go of a window
 * @w: a window sacc_dma_window_get() returned 0 for
 *
 * Return: 0, or -EFAULT when a bounced write could not be written back.
 */
int sacc_dma_window_put(struct sacc_dma_window *w)
{
	if (w->bounced)
		return w->write ? sacc_dma_rw(w->dma, w->iova, w->buf, w->len, true) : 0;
	sacc_dma_drop(w);
	sacc_dma_leave(w->dma, w->epoch);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_window_put);

/**
 * sacc_dma_window_map() - map the window's bytes from @off on
 * @w: the window
 * @off: offset in the window, below @w->len
 * @n: set to the bytes mapped contiguously from there
 *
 * Unmap with sacc_dma_window_unmap() in reverse order of mapping (kmap_local).
 *
 * Return: the kernel address of byte @off.
 */
void *sacc_dma_window_map(struct sacc_dma_window *w, u32 off, u32 *n)
{
	size_t at;

	if (w->bounced) {
		*n = w->len - off;
		return w->buf + off;
	}
	at = offset_in_page(w->iova) + off;
	*n = min_t(u32, w->len - off, PAGE_SIZE - offset_in_page(at));
	return kmap_local_page(w->pages[at >> PAGE_SHIFT]) + offset_in_page(at);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_window_map);

/**
 * sacc_dma_window_unmap() - undo sacc_dma_window_map()
 * @w: the window
 * @va: what sacc_dma_window_map() returned
 */
void sacc_dma_window_unmap(struct sacc_dma_window *w, void *va)
{
	if (!w->bounced)
		kunmap_local(va);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_window_unmap);

/**
 * sacc_dma_access() - copy between the user's memory at @iova and @buf
 * @dma: the cache
 * @iova: user's I/O virtual address, any alignment
 * @buf: kernel buffer
 * @len: bytes
 * @write: true to write @buf to @iova, false to read
 *
 * For small accesses (descriptors, completion records); data moves through
 * windows (sacc_dma_window_get()).
 *
 * Return: 0; -EFAULT when part of the range is not mapped with the access needed
 * (a write may then have changed the pages before the fault); -ENOMEM.
 */
int sacc_dma_access(struct sacc_dma *dma, u64 iova, void *buf, size_t len, bool write)
{
	struct sacc_dma_window w;
	u32 off, n, chunk;
	void *va;
	int ret;

	if (len && iova + len - 1 < iova)
		return -EFAULT;
	while (len) {
		chunk = min_t(size_t, len, SACC_DMA_WINDOW_BYTES);
		ret = sacc_dma_translate(dma, iova, chunk, write, &w);
		if (ret)
			return ret;
		if (w.bounced)
			ret = sacc_dma_rw(dma, iova, buf, chunk, write);
		for (off = 0; !w.bounced && off < chunk; off += n) {
			va = sacc_dma_window_map(&w, off, &n);
			if (write)
				memcpy(va, buf + off, n);
			else
				memcpy(buf + off, va, n);
			sacc_dma_window_unmap(&w, va);
		}
		if (!w.bounced)
			sacc_dma_window_put(&w);
		if (ret)
			return ret;
		iova += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
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
	stats->fences = dma->nr_fences;
	mutex_unlock(&dma->lock);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_dma_stats);

/* The VFIO side: pin through the instance's VFIO device. */
static int sacc_vfio_pin(void *ctx, u64 iova, unsigned int npage, int prot,
			 struct page **pages)
{
	int ret = vfio_pin_pages(ctx, iova, npage, prot, pages);

	/* type1 and iommufd pin all or nothing. */
	return ret == npage ? 0 : (ret < 0 ? ret : -EFAULT);
}

static void sacc_vfio_unpin(void *ctx, u64 iova, unsigned int npage)
{
	vfio_unpin_pages(ctx, iova, npage);
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

/**
 * sacc_vfio_is_type1() - is the device's IOMMU backend the type1 container?
 * type1 re-pins a range it is unmapping (see the top of this file) and its pins
 * check every access asked for; iommufd's do neither.
 * @vdev: the device, open
 *
 * Return: true for the type1 container, false for iommufd.
 */
bool sacc_vfio_is_type1(struct vfio_device *vdev)
{
#if SACC_HAVE_IOMMUFD
	return !vdev->iommufd_access;
#else
	return true;
#endif
}
