// SPDX-License-Identifier: GPL-2.0
/*
 * sacc_pci - /dev/saccN: the ioctl interface (kernel/uapi/sacc_job.h).
 *
 * A COPY, FILL or COMPARE runs on the caller's own pages where it can: they are
 * pinned and DMA-mapped once the job holds a queue (so at most one job per queue
 * has pages pinned), and one descriptor per DMA-contiguous piece is submitted,
 * up to SACC_PCI_PIN_DEPTH in flight. CRC32C
 * (each piece seeds the next), overlapping COPYs (memmove() semantics) and
 * buffers that cannot be pinned or mapped take the bounce path: chunks of half a
 * bounce buffer, two in flight while the CPU copies the next chunk in or the
 * last one out. The device then only sees the driver's own DMA memory, so any
 * user address works, and a fault ends the job with -EFAULT as the copies find it.
 *
 * A job's pages are unpinned only once the device is known to touch them no
 * more; when it stopped answering with descriptors in flight, they are kept on
 * &sacc_pci.parked until remove has stopped the function.
 *
 * An open file holds a reference on struct sacc_pci; after the device was removed
 * its ioctls fail with -ENODEV and close still works.
 */
#include <linux/bitops.h>
#include <linux/compat.h>
#include <linux/dma-mapping.h>
#include <linux/fs.h>
#include <linux/list.h>
#include <linux/minmax.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/scatterlist.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/uaccess.h>

#include "sacc_pci.h"

/* A job's op goes into the descriptor as it is: the two sets of numbers are one. */
static_assert(SACC_JOB_OP_COPY == SACC_OP_COPY);
static_assert(SACC_JOB_OP_FILL == SACC_OP_FILL);
static_assert(SACC_JOB_OP_COMPARE == SACC_OP_COMPARE);
static_assert(SACC_JOB_OP_CRC32C == SACC_OP_CRC32C);
/* Bounce halves keep FILL's phase; the largest job fits 32-bit offsets. */
static_assert(SACC_PCI_BOUNCE_MIN / SACC_PCI_BOUNCE_DEPTH % 8 == 0);
static_assert(SACC_JOB_MAX_LEN <= U32_MAX);

static bool sacc_direct = true;
module_param_named(direct, sacc_direct, bool, 0644);
MODULE_PARM_DESC(direct,
		 "run COPY, FILL and COMPARE on the caller's pinned pages (default on; off: bounce buffers only)");

static int sacc_cdev_open(struct inode *inode, struct file *file)
{
	/* misc_open() holds misc_mtx: remove has not unregistered us yet. */
	struct sacc_pci *sp = container_of(file->private_data, struct sacc_pci, misc);

	sacc_pci_get(sp);
	file->private_data = sp;
	return nonseekable_open(inode, file);
}

static int sacc_cdev_release(struct inode *inode, struct file *file)
{
	sacc_pci_put(file->private_data);
	return 0;
}

static long sacc_cdev_info(struct sacc_pci *sp, void __user *arg)
{
	struct sacc_info info = {};
	int ret;

	ret = sacc_pci_enter(sp);
	if (ret)
		return ret;
	info.version = sp->version;
	info.queues = sp->nr_queues;
	info.ops = sp->ops;
	info.irq = sp->msi ? SACC_INFO_IRQ_MSI : SACC_INFO_IRQ_INTX;
	info.bounce_size = sp->bounce_size;
	info.index = sp->index;
	info.max_len = SACC_JOB_MAX_LEN;
	info.jobs = atomic64_read(&sp->stats.jobs);
	info.descriptors = atomic64_read(&sp->stats.descriptors);
	info.bytes = atomic64_read(&sp->stats.bytes);
	info.errors = atomic64_read(&sp->stats.errors);
	info.timeouts = atomic64_read(&sp->stats.timeouts);
	info.interrupts = atomic64_read(&sp->stats.interrupts);
	sacc_pci_exit(sp);

	return copy_to_user(arg, &info, sizeof(info)) ? -EFAULT : 0;
}

/* A user address the job uses must be given; one it does not use must be 0. */
static int sacc_job_check_addr(u64 addr, bool used)
{
	if (!used)
		return addr ? -EINVAL : 0;
	if (!addr)
		return -EINVAL;
	/* Does not fit a pointer (32-bit kernel). */
	if ((unsigned long)addr != addr)
		return -EFAULT;
	return 0;
}

/* Everything the caller chose is checked here, before the device is touched. */
static int sacc_job_check(struct sacc_pci *sp, const struct sacc_job *job)
{
	bool src, dst;
	unsigned int i;
	int ret;

	if (job->flags || job->rsvd0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(job->reserved); i++)
		if (job->reserved[i])
			return -EINVAL;
	switch (job->op) {
	case SACC_JOB_OP_COPY:
	case SACC_JOB_OP_COMPARE:
		src = true;
		dst = true;
		if (job->pattern)
			return -EINVAL;
		break;
	case SACC_JOB_OP_FILL:
		src = false;
		dst = true;
		break;
	case SACC_JOB_OP_CRC32C:
		src = true;
		dst = false;
		if (job->pattern > U32_MAX)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	if (!job->len || job->len > SACC_JOB_MAX_LEN)
		return -EINVAL;
	ret = sacc_job_check_addr(job->src, src);
	if (ret)
		return ret;
	ret = sacc_job_check_addr(job->dst, dst);
	if (ret)
		return ret;
	if (!(sp->ops & BIT(job->op)))
		return -EOPNOTSUPP;
	return 0;
}

/* ---------------------------------------------------------------------------
 * The bounce path: halves of the queue's bounce buffers, two descriptors in
 * flight while the CPU copies the next chunk in or the last one out.
 */

/**
 * struct sacc_bounce_run - a job running through the bounce buffers
 * @q: the queue
 * @job: the job
 * @chunk: bytes per chunk: half a bounce buffer
 * @nr: chunks
 * @backward: COPY onto an overlapping range above the source: last chunk first
 */
struct sacc_bounce_run {
	struct sacc_pci_queue *q;
	struct sacc_job *job;
	u32 chunk;
	u32 nr;
	bool backward;
};

/* Job offset, length and bounce half of chunk @i (in the order they run). */
static u32 sacc_bounce_chunk(const struct sacc_bounce_run *r, u32 i, u32 *len, u32 *half)
{
	u32 k = r->backward ? r->nr - 1 - i : i;
	u32 off = k * r->chunk;

	*len = min(r->chunk, r->job->len - off);
	*half = (i % SACC_PCI_BOUNCE_DEPTH) * r->chunk;
	return off;
}

/* Copy chunk @i's user sources into its bounce half. */
static int sacc_bounce_in(const struct sacc_bounce_run *r, u32 i)
{
	struct sacc_pci_queue *q = r->q;
	const struct sacc_job *job = r->job;
	u32 n, half, off = sacc_bounce_chunk(r, i, &n, &half);

	switch (job->op) {
	case SACC_JOB_OP_COMPARE:
		if (copy_from_user(q->dst + half, u64_to_user_ptr(job->dst + off), n))
			return -EFAULT;
		fallthrough;
	case SACC_JOB_OP_COPY:
	case SACC_JOB_OP_CRC32C:
		if (copy_from_user(q->src + half, u64_to_user_ptr(job->src + off), n))
			return -EFAULT;
		break;
	}
	return 0;
}

static void sacc_bounce_post(const struct sacc_bounce_run *r, u32 i, u64 pattern)
{
	struct sacc_pci_queue *q = r->q;
	u32 n, half;

	sacc_bounce_chunk(r, i, &n, &half);
	/* Chunks start at multiples of 8: FILL's pattern keeps its phase. */
	sacc_queue_post(q, r->job->op, q->src_dma + half, q->dst_dma + half, n, pattern);
	sacc_queue_kick(q);
}

/*
 * COMPARE of @n bytes at byte @base of the job answered @result (the offset of
 * the first difference, or all ones for equal).
 * Return: 0 when equal, 1 when the job is decided (job->result set), -EIO when
 * the device reported an offset beyond what it compared.
 */
static int sacc_compare_result(struct sacc_pci_queue *q, struct sacc_job *job,
			       u64 base, u32 n, u64 result)
{
	if (result == ~0ULL)
		return 0;
	if (result >= n) {
		dev_warn_ratelimited(&q->sp->pdev->dev,
				     "%s: COMPARE of %u bytes reported offset %llu\n",
				     q->sp->name, n, result);
		job->fault = SACC_JOB_FAULT_ERROR;
		return -EIO;
	}
	job->result = base + result;
	return 1;
}

/*
 * Chunk @i completed with @result: copy the destination out, or take COMPARE's
 * answer. Return: 0, 1 when the job is decided (a difference), or an errno.
 */
static int sacc_bounce_out(const struct sacc_bounce_run *r, u32 i, u64 result)
{
	struct sacc_pci_queue *q = r->q;
	struct sacc_job *job = r->job;
	u32 n, half, off = sacc_bounce_chunk(r, i, &n, &half);

	switch (job->op) {
	case SACC_JOB_OP_COPY:
	case SACC_JOB_OP_FILL:
		if (copy_to_user(u64_to_user_ptr(job->dst + off), q->dst + half, n))
			return -EFAULT;
		return 0;
	case SACC_JOB_OP_COMPARE:
		return sacc_compare_result(q, job, off, n, result);
	}
	return 0;
}

/*
 * CRC32C chains: a chunk's seed is the previous chunk's CRC, so one descriptor
 * is in flight, while the CPU copies the next chunk into the other half.
 */
static int sacc_bounce_crc(struct sacc_bounce_run *r)
{
	struct sacc_pci_queue *q = r->q;
	u64 seed = r->job->pattern, result;
	int ret, in;
	u32 i;

	ret = sacc_bounce_in(r, 0);
	if (ret)
		return ret;
	for (i = 0; i < r->nr; i++) {
		if (i && fatal_signal_pending(current))
			return -EINTR;
		sacc_bounce_post(r, i, seed);
		in = i + 1 < r->nr ? sacc_bounce_in(r, i + 1) : 0;
		ret = sacc_queue_reap(q, &result, r->job);
		if (ret)
			return ret;
		seed = result & 0xffffffff;
		r->job->result = seed;
		if (in)
			return in;
	}
	return 0;
}

/*
 * COPY, FILL, COMPARE through the bounce halves: chunk i + 1 is copied in and
 * submitted while chunk i runs. A copy-in fault stops submitting, and the chunks
 * in flight still complete and are copied out; a fatal signal stops submitting
 * and aborts what is in flight (the reap's wait is killable); a copy-out fault
 * or COMPARE's first difference decides the job, and what is in flight is
 * aborted (and what of it completed is counted). A chunk whose copy-in faults
 * submits nothing; one whose copy-out faults has run (and is counted).
 */
static int sacc_bounce_job(struct sacc_pci_queue *q, struct sacc_job *job)
{
	struct sacc_bounce_run r = {
		.q = q,
		.job = job,
		.chunk = q->sp->bounce_size / SACC_PCI_BOUNCE_DEPTH,
		.backward = job->op == SACC_JOB_OP_COPY && job->dst > job->src &&
			    job->dst - job->src < job->len,
	};
	u64 pattern = job->op == SACC_JOB_OP_FILL ? job->pattern : 0;
	u32 posted = 0, done = 0;
	int ret, stop = 0, end;
	u64 result;

	r.nr = DIV_ROUND_UP(job->len, r.chunk);
	if (job->op == SACC_JOB_OP_CRC32C)
		return sacc_bounce_crc(&r);

	while (done < r.nr) {
		while (!stop && posted < r.nr &&
		       sacc_queue_can_post(q, SACC_PCI_BOUNCE_DEPTH)) {
			if (posted && fatal_signal_pending(current)) {
				stop = -EINTR;
				break;
			}
			stop = sacc_bounce_in(&r, posted);
			if (stop)
				break;
			sacc_bounce_post(&r, posted++, pattern);
		}
		if (done == posted)
			break;
		ret = sacc_queue_reap(q, &result, job);
		if (ret)
			return ret;	/* nothing in flight any more */
		end = sacc_bounce_out(&r, done, result);
		if (end) {
			/* Decided: a difference comes before a later chunk's fault. */
			sacc_queue_abort(q);
			return end < 0 ? end : 0;
		}
		done++;
	}
	ret = sacc_queue_drain(q, job);
	return stop ?: ret;
}

/* ---------------------------------------------------------------------------
 * The direct path: the caller's pages pinned and DMA-mapped, one descriptor per
 * DMA-contiguous piece, several in flight.
 */

/**
 * struct sacc_ubuf - a user buffer pinned and mapped for the device
 * @pages: the pinned pages
 * @nr_pages: how many
 * @sgt: their scatterlist, DMA-mapped
 * @dir: DMA_TO_DEVICE for a source, DMA_FROM_DEVICE for a destination
 */
struct sacc_ubuf {
	struct page **pages;
	unsigned int nr_pages;
	struct sg_table sgt;
	enum dma_data_direction dir;
};

/**
 * struct sacc_direct_bufs - the user buffers of one job on the direct path
 * @node: in &sacc_pci.parked when the device may still access them
 * @src: the source (COPY, COMPARE), unused for FILL
 * @dst: the destination (COPY, FILL), or COMPARE's second source
 * @has_src: @src is mapped
 */
struct sacc_direct_bufs {
	struct list_head node;
	struct sacc_ubuf src;
	struct sacc_ubuf dst;
	bool has_src;
};

/*
 * A failing map (a full swiotlb, say) sends the job to the bounce path: no
 * warning for it.
 */
#define SACC_UBUF_DMA_ATTRS	DMA_ATTR_NO_WARN

/* Pin @len bytes at user address @uaddr and map them. Return: 0 or an errno. */
static int sacc_ubuf_map(struct sacc_pci *sp, struct sacc_ubuf *ub, u64 uaddr, u32 len,
			 enum dma_data_direction dir)
{
	struct device *dev = &sp->pdev->dev;
	unsigned long start = uaddr & PAGE_MASK;
	unsigned int gup = dir == DMA_FROM_DEVICE ? FOLL_WRITE : 0;
	unsigned int nr, pinned = 0;
	size_t max_seg;
	int ret;

	/* sacc_job_check(): @uaddr fits a pointer, 1 <= @len <= SACC_JOB_MAX_LEN. */
	if (uaddr + len < uaddr || !access_ok(u64_to_user_ptr(uaddr), len))
		return -EFAULT;
	/* What one descriptor takes, and what one mapping can (swiotlb: 256 KiB). */
	max_seg = ALIGN_DOWN(min_t(size_t, SACC_DESC_MAX_LEN, dma_max_mapping_size(dev)),
			     PAGE_SIZE);
	if (!max_seg)
		return -EINVAL;
	nr = (PAGE_ALIGN(uaddr + len) - start) >> PAGE_SHIFT;
	ub->dir = dir;
	ub->pages = kvmalloc_array(nr, sizeof(*ub->pages), GFP_KERNEL);
	if (!ub->pages)
		return -ENOMEM;
	while (pinned < nr) {
		ret = pin_user_pages_fast(start + ((unsigned long)pinned << PAGE_SHIFT),
					  nr - pinned, gup, ub->pages + pinned);
		if (ret <= 0) {
			ret = ret ?: -EFAULT;
			goto unpin_pages;
		}
		pinned += ret;
	}
	ub->nr_pages = nr;
	ret = sg_alloc_table_from_pages_segment(&ub->sgt, ub->pages, nr,
						offset_in_page(uaddr), len,
						max_seg, GFP_KERNEL);
	if (ret)
		goto unpin_pages;
	ret = dma_map_sgtable(dev, &ub->sgt, dir, SACC_UBUF_DMA_ATTRS);
	if (ret)
		goto free_table;
	return 0;

free_table:
	sg_free_table(&ub->sgt);
unpin_pages:
	unpin_user_pages(ub->pages, pinned);
	kvfree(ub->pages);
	ub->pages = NULL;
	return ret;
}

/* Undo sacc_ubuf_map(); a destination's pages are marked dirty. */
static void sacc_ubuf_unmap(struct sacc_pci *sp, struct sacc_ubuf *ub)
{
	dma_unmap_sgtable(&sp->pdev->dev, &ub->sgt, ub->dir, SACC_UBUF_DMA_ATTRS);
	sg_free_table(&ub->sgt);
	if (ub->dir == DMA_FROM_DEVICE)
		unpin_user_pages_dirty_lock(ub->pages, ub->nr_pages, true);
	else
		unpin_user_pages(ub->pages, ub->nr_pages);
	kvfree(ub->pages);
}

/**
 * struct sacc_cursor - a position in a mapped scatterlist
 * @sg: the DMA segment
 * @left: DMA segments from @sg on
 * @off: bytes of @sg already used
 */
struct sacc_cursor {
	struct scatterlist *sg;
	unsigned int left;
	u32 off;
};

static void sacc_cursor_init(struct sacc_cursor *c, struct sacc_ubuf *ub)
{
	c->sg = ub->sgt.sgl;
	c->left = ub->sgt.nents;
	c->off = 0;
}

/* Bytes contiguous at the cursor (0 at the end), their bus address in @dma. */
static u32 sacc_cursor_peek(const struct sacc_cursor *c, dma_addr_t *dma)
{
	if (!c->left)
		return 0;
	*dma = sg_dma_address(c->sg) + c->off;
	return sg_dma_len(c->sg) - c->off;
}

static void sacc_cursor_advance(struct sacc_cursor *c, u32 n)
{
	c->off += n;
	if (c->off < sg_dma_len(c->sg))
		return;
	c->off = 0;
	if (--c->left)
		c->sg = sg_next(c->sg);
}

/**
 * struct sacc_direct_run - a job running on the caller's mapped pages
 * @job: the job
 * @src: source cursor (COPY, COMPARE)
 * @dst: destination cursor (COPY, FILL, COMPARE's second source)
 * @off: job offset of the next piece
 * @max: the longest piece
 */
struct sacc_direct_run {
	struct sacc_job *job;
	struct sacc_cursor src;
	struct sacc_cursor dst;
	u32 off;
	u32 max;
};

/*
 * The next piece: as long as both sides stay contiguous, at most @r->max bytes.
 * Return: its length, 0 at the end of the job.
 */
static u32 sacc_direct_next(struct sacc_direct_run *r, dma_addr_t *src, dma_addr_t *dst)
{
	u32 n = min(r->job->len - r->off, r->max);

	*src = 0;
	if (r->job->op != SACC_JOB_OP_FILL)
		n = min(n, sacc_cursor_peek(&r->src, src));
	n = min(n, sacc_cursor_peek(&r->dst, dst));
	if (!n)
		return 0;
	if (r->job->op != SACC_JOB_OP_FILL)
		sacc_cursor_advance(&r->src, n);
	sacc_cursor_advance(&r->dst, n);
	r->off += n;
	return n;
}

static void sacc_direct_start(struct sacc_direct_run *r, struct sacc_job *job,
			      struct sacc_ubuf *src, struct sacc_ubuf *dst)
{
	r->job = job;
	if (src)
		sacc_cursor_init(&r->src, src);
	sacc_cursor_init(&r->dst, dst);
	r->off = 0;
	/* A long contiguous buffer still gives a few descriptors to overlap. */
	r->max = clamp_t(u32, job->len / 4, SZ_64K, SACC_DESC_MAX_LEN);
}

/*
 * A COPY whose source and destination share bus addresses in one piece (the same
 * pages mapped twice) would fail with OVERLAP: such a job takes the bounce path.
 */
static bool sacc_direct_overlaps(struct sacc_job *job, struct sacc_ubuf *src,
				 struct sacc_ubuf *dst)
{
	struct sacc_direct_run r;
	dma_addr_t s, d;
	u32 n;

	sacc_direct_start(&r, job, src, dst);
	while ((n = sacc_direct_next(&r, &s, &d)))
		if (s < d + n && d < s + n)
			return true;
	return false;
}

/*
 * Post every piece, up to SACC_PCI_PIN_DEPTH in flight, reaping in order, in
 * batches of half that depth: one doorbell and one interrupt (on the batch's
 * last descriptor) each; a batch goes in once half the depth is free, so the
 * device has the next batch while the job reaps the last.
 * A fatal signal stops submitting and aborts what is in flight (the reap's wait
 * is killable). COMPARE's first difference decides the job: what is in flight
 * is aborted (what of it completed is counted), and the result stands.
 */
static int sacc_direct_run(struct sacc_pci_queue *q, struct sacc_job *job,
			   struct sacc_direct_bufs *bufs)
{
	u64 pattern = job->op == SACC_JOB_OP_FILL ? job->pattern : 0;
	u32 offs[SACC_PCI_PIN_DEPTH], lens[SACC_PCI_PIN_DEPTH];
	u32 posted = 0, done = 0, n, k, i;
	struct sacc_direct_run r;
	int ret, stop = 0;
	dma_addr_t s, d;
	u64 result;

	sacc_direct_start(&r, job, bufs->has_src ? &bufs->src : NULL, &bufs->dst);
	for (;;) {
		/* Refill in batches of half the depth: a doorbell and an interrupt each. */
		while (!stop && r.off < job->len &&
		       q->nr_inflight <= SACC_PCI_PIN_DEPTH / 2 &&
		       sacc_queue_can_post(q, SACC_PCI_PIN_DEPTH)) {
			for (i = 0; i < SACC_PCI_PIN_DEPTH / 2 && r.off < job->len; i++) {
				if (posted && fatal_signal_pending(current)) {
					stop = -EINTR;
					break;
				}
				k = r.off;
				n = sacc_direct_next(&r, &s, &d);
				if (WARN_ON_ONCE(!n)) {
					stop = -EIO;	/* the scatterlists ended early */
					break;
				}
				offs[posted % SACC_PCI_PIN_DEPTH] = k;
				lens[posted % SACC_PCI_PIN_DEPTH] = n;
				/* Byte i of the job is byte (i mod 8) of the pattern. */
				sacc_queue_post(q, job->op, s, d, n, ror64(pattern, 8 * (k & 7)));
				posted++;
			}
			sacc_queue_kick(q);
		}
		if (done == posted)
			break;
		ret = sacc_queue_reap(q, &result, job);
		if (ret)
			return ret;	/* nothing in flight any more */
		k = offs[done % SACC_PCI_PIN_DEPTH];
		n = lens[done % SACC_PCI_PIN_DEPTH];
		done++;
		if (job->op != SACC_JOB_OP_COMPARE)
			continue;
		ret = sacc_compare_result(q, job, k, n, result);
		if (!ret)
			continue;
		/* Decided: nothing behind this piece matters any more. */
		sacc_queue_abort(q);
		/* The first difference, also before a signal. */
		return ret < 0 ? ret : 0;
	}
	ret = sacc_queue_drain(q, job);
	return stop ?: ret;
}

/*
 * Pin and map the buffers of a COPY, FILL or COMPARE for the direct path. The
 * job holds its queue: a job waiting for one has nothing pinned.
 * Return: the buffers when the job can run on them, NULL when it must take the
 * bounce path (the pages cannot be pinned or mapped, or the ranges overlap).
 */
static struct sacc_direct_bufs *sacc_direct_map(struct sacc_pci *sp, struct sacc_job *job)
{
	struct sacc_direct_bufs *bufs;

	/* Overlapping user ranges: the bounce path gives memmove() semantics. */
	if (job->op == SACC_JOB_OP_COPY && job->src < job->dst + job->len &&
	    job->dst < job->src + job->len)
		return NULL;
	bufs = kzalloc(sizeof(*bufs), GFP_KERNEL);
	if (!bufs)
		return NULL;
	bufs->has_src = job->op != SACC_JOB_OP_FILL;
	if (bufs->has_src && sacc_ubuf_map(sp, &bufs->src, job->src, job->len, DMA_TO_DEVICE))
		goto free_bufs;
	if (sacc_ubuf_map(sp, &bufs->dst, job->dst, job->len,
			  job->op == SACC_JOB_OP_COMPARE ? DMA_TO_DEVICE : DMA_FROM_DEVICE))
		goto unmap_src;
	if (job->op == SACC_JOB_OP_COPY && sacc_direct_overlaps(job, &bufs->src, &bufs->dst))
		goto unmap_dst;
	return bufs;

unmap_dst:
	sacc_ubuf_unmap(sp, &bufs->dst);
unmap_src:
	if (bufs->has_src)
		sacc_ubuf_unmap(sp, &bufs->src);
free_bufs:
	kfree(bufs);
	return NULL;
}

/* Undo sacc_direct_map(): the device must not access the buffers any more. */
static void sacc_direct_unmap(struct sacc_pci *sp, struct sacc_direct_bufs *bufs)
{
	sacc_ubuf_unmap(sp, &bufs->dst);
	if (bufs->has_src)
		sacc_ubuf_unmap(sp, &bufs->src);
	kfree(bufs);
}

/*
 * The device stopped answering while it had descriptors on these buffers, so it
 * may still access them: keep them pinned and mapped until remove stopped the
 * function (sacc_cdev_free_parked()).
 */
static void sacc_direct_park(struct sacc_pci *sp, struct sacc_direct_bufs *bufs)
{
	dev_warn_ratelimited(&sp->pdev->dev,
			     "%s: the device did not confirm it stopped: a job's pages stay pinned until it is removed\n",
			     sp->name);
	spin_lock(&sp->parked_lock);
	list_add_tail(&bufs->node, &sp->parked);
	spin_unlock(&sp->parked_lock);
}

/**
 * sacc_cdev_free_parked() - release the buffers of jobs the device may have
 * kept accessing
 * @sp: the function, stopped with sacc_hw_stop(); no job is left
 */
void sacc_cdev_free_parked(struct sacc_pci *sp)
{
	struct sacc_direct_bufs *bufs, *next;
	LIST_HEAD(parked);

	spin_lock(&sp->parked_lock);
	list_splice_init(&sp->parked, &parked);
	spin_unlock(&sp->parked_lock);
	list_for_each_entry_safe(bufs, next, &parked, node) {
		list_del(&bufs->node);
		sacc_direct_unmap(sp, bufs);
	}
}

/*
 * Run a checked job: on the caller's pages when they can be pinned and mapped
 * (COPY, FILL, COMPARE), else through the bounce buffers. On failure the job's
 * output fields say what the device reported; the user's destination may hold
 * the results of the descriptors that completed.
 */
static int sacc_job_run(struct sacc_pci *sp, struct sacc_job *job)
{
	struct sacc_direct_bufs *bufs = NULL;
	struct sacc_pci_queue *q;
	bool unstopped;
	int ret;

	q = sacc_queue_acquire(sp);
	if (IS_ERR(q)) {
		if (PTR_ERR(q) == -ENODEV)
			job->fault = SACC_JOB_FAULT_GONE;
		return PTR_ERR(q);
	}
	job->queue = q->index;
	if (job->op == SACC_JOB_OP_COMPARE)
		job->result = ~0ULL;
	if (job->op != SACC_JOB_OP_CRC32C && READ_ONCE(sacc_direct))
		bufs = sacc_direct_map(sp, job);
	if (bufs)
		ret = sacc_direct_run(q, job, bufs);
	else
		ret = sacc_bounce_job(q, job);
	unstopped = sacc_queue_release(q);
	if (bufs && unstopped)
		sacc_direct_park(sp, bufs);
	else if (bufs)
		sacc_direct_unmap(sp, bufs);
	return ret;
}

static long sacc_cdev_submit(struct sacc_pci *sp, struct sacc_job __user *arg)
{
	struct sacc_job job;
	int ret;

	if (copy_from_user(&job, arg, sizeof(job)))
		return -EFAULT;
	ret = sacc_job_check(sp, &job);
	if (ret)
		return ret;
	job.result = 0;
	job.error = 0;
	job.queue = 0;
	job.fault = SACC_JOB_FAULT_NONE;

	ret = sacc_pci_enter(sp);
	if (ret) {
		if (ret == -ENODEV)
			job.fault = SACC_JOB_FAULT_GONE;
		goto copy_out;
	}
	ret = sacc_job_run(sp, &job);
	if (!ret)
		atomic64_inc(&sp->stats.jobs);
	else if (job.fault == SACC_JOB_FAULT_ERROR || job.fault == SACC_JOB_FAULT_FATAL)
		atomic64_inc(&sp->stats.errors);
	sacc_pci_exit(sp);
copy_out:
	if (copy_to_user(arg, &job, sizeof(job)) && !ret)
		ret = -EFAULT;
	return ret;
}

static long sacc_cdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct sacc_pci *sp = file->private_data;

	switch (cmd) {
	case SACC_IOC_INFO:
		return sacc_cdev_info(sp, (void __user *)arg);
	case SACC_IOC_SUBMIT:
		return sacc_cdev_submit(sp, (struct sacc_job __user *)arg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations sacc_cdev_fops = {
	.owner		= THIS_MODULE,
	.open		= sacc_cdev_open,
	.release	= sacc_cdev_release,
	.unlocked_ioctl	= sacc_cdev_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
};

/**
 * sacc_cdev_register() - create /dev/saccN for a function that is ready
 * @sp: the function, completely set up
 *
 * Return: 0 or a negative errno from misc_register().
 */
int sacc_cdev_register(struct sacc_pci *sp)
{
	sp->misc.minor = MISC_DYNAMIC_MINOR;
	sp->misc.name = sp->name;
	sp->misc.fops = &sacc_cdev_fops;
	sp->misc.parent = &sp->pdev->dev;
	sp->misc.mode = 0600;
	return misc_register(&sp->misc);
}

/**
 * sacc_cdev_unregister() - remove /dev/saccN: no new open; open files stay
 * @sp: the function
 */
void sacc_cdev_unregister(struct sacc_pci *sp)
{
	misc_deregister(&sp->misc);
}
