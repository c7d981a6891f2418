// SPDX-License-Identifier: GPL-2.0
/*
 * sacc_pci - the device's queues: DMA memory, programming, posting descriptors
 * and reaping them, and recovery from errors, timeouts and fatal errors
 * (docs/device-spec.md §7, §8, §12).
 *
 * A queue runs one job at a time (its mutex). A job posts several descriptors,
 * rings the doorbell once per batch (the batch's last one with FLAG_INTR) and
 * reaps them in ring order, oldest first: it sleeps until the oldest one's
 * completion record is written, then may post more.
 * The device runs a queue's descriptors one at a time in ring order too (in this
 * version, docs/device-spec.md §2; the general rules of §11.2 and §12.5 allow any
 * order without FENCE), so Q_HEAD tells which of those in flight are finished. A
 * job never leaves a descriptor in flight: a failing reap stops the queue and
 * settles everything in flight first.
 *
 * Counting: &sacc_pci_stats.descriptors must equal what the device counts as
 * completed, so a descriptor is counted exactly when its record says OK and the
 * device consumed it. When a round is abandoned (timeout, fatal error), the queue
 * or the function is first disabled, which on this device waits until nothing of
 * it is in progress; the record and Q_HEAD then tell whether each descriptor
 * completed before (counted by the device: Q_HEAD moved past it) or was dropped.
 */
#include <linux/bitops.h>
#include <linux/dma-mapping.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/moduleparam.h>
#include <linux/sched.h>
#include <linux/sizes.h>

#include "sacc_pci.h"

static unsigned int round_timeout_ms = 5000;
module_param(round_timeout_ms, uint, 0644);
MODULE_PARM_DESC(round_timeout_ms,
		 "how long one round of a job may take on the device, in ms (100-600000, default 5000)");

/* A waiter looks at the device's STATUS this often when no interrupt comes. */
#define SACC_POLL_INTERVAL	(HZ / 10)

/* The bound on one round, from the module parameter, clamped to 100 ms - 10 min. */
static unsigned int sacc_round_timeout_ms(void)
{
	return clamp(READ_ONCE(round_timeout_ms), 100U, 600000U);
}

static struct device *sacc_dev(struct sacc_pci *sp)
{
	return &sp->pdev->dev;
}

static const char *sacc_qerr_name(u32 code)
{
	static const char * const names[] = {
		[SACC_QERR_NONE]	= "NONE",
		[SACC_QERR_RING]	= "RING",
		[SACC_QERR_DESC_FETCH]	= "DESC_FETCH",
		[SACC_QERR_OPCODE]	= "OPCODE",
		[SACC_QERR_LENGTH]	= "LENGTH",
		[SACC_QERR_ADDR]	= "ADDR",
		[SACC_QERR_OVERLAP]	= "OVERLAP",
		[SACC_QERR_COMPLETION]	= "COMPLETION",
		[SACC_QERR_FLAGS]	= "FLAGS",
	};

	return code < ARRAY_SIZE(names) ? names[code] : "unknown";
}

/* ---------------------------------------------------------------------------
 * DMA memory
 */

static void sacc_bounce_free(struct sacc_pci *sp, u32 size)
{
	struct sacc_pci_queue *q;
	unsigned int i;

	for (i = 0; i < sp->nr_queues; i++) {
		q = &sp->queues[i];
		if (q->src)
			dma_free_coherent(sacc_dev(sp), size, q->src, q->src_dma);
		if (q->dst)
			dma_free_coherent(sacc_dev(sp), size, q->dst, q->dst_dma);
		q->src = NULL;
		q->dst = NULL;
	}
}

/* Bounce buffers of @size bytes for every queue, or none at all. */
static int sacc_bounce_alloc(struct sacc_pci *sp, u32 size)
{
	const gfp_t gfp = GFP_KERNEL | __GFP_NOWARN;
	struct sacc_pci_queue *q;
	unsigned int i;

	for (i = 0; i < sp->nr_queues; i++) {
		q = &sp->queues[i];
		q->src = dma_alloc_coherent(sacc_dev(sp), size, &q->src_dma, gfp);
		q->dst = dma_alloc_coherent(sacc_dev(sp), size, &q->dst_dma, gfp);
		if (!q->src || !q->dst) {
			sacc_bounce_free(sp, size);
			return -ENOMEM;
		}
	}
	return 0;
}

static void sacc_rings_free(struct sacc_pci *sp)
{
	struct sacc_pci_queue *q;
	unsigned int i;

	for (i = 0; i < sp->nr_queues; i++) {
		q = &sp->queues[i];
		if (q->ring)
			dma_free_coherent(sacc_dev(sp), SACC_PCI_RING_SIZE * sizeof(*q->ring),
					  q->ring, q->ring_dma);
		if (q->compl)
			dma_free_coherent(sacc_dev(sp), SACC_PCI_RING_SIZE * sizeof(*q->compl),
					  q->compl, q->compl_dma);
		q->ring = NULL;
		q->compl = NULL;
	}
}

static int sacc_rings_alloc(struct sacc_pci *sp)
{
	struct sacc_pci_queue *q;
	unsigned int i;

	for (i = 0; i < sp->nr_queues; i++) {
		q = &sp->queues[i];
		q->ring = dma_alloc_coherent(sacc_dev(sp),
					     SACC_PCI_RING_SIZE * sizeof(*q->ring),
					     &q->ring_dma, GFP_KERNEL);
		q->compl = dma_alloc_coherent(sacc_dev(sp),
					      SACC_PCI_RING_SIZE * sizeof(*q->compl),
					      &q->compl_dma, GFP_KERNEL);
		if (!q->ring || !q->compl)
			goto free_rings;
		/* Coherent memory is page aligned; the device needs 64 and 32 bytes. */
		if (!IS_ALIGNED(q->ring_dma, SACC_Q_BASE_ALIGN) ||
		    !IS_ALIGNED(q->compl_dma, sizeof(*q->compl))) {
			dev_err(sacc_dev(sp), "queue %u: misaligned ring %pad or records %pad\n",
				i, &q->ring_dma, &q->compl_dma);
			goto free_rings;
		}
	}
	return 0;

free_rings:
	sacc_rings_free(sp);
	return -ENOMEM;
}

/**
 * sacc_queues_alloc() - allocate every queue's ring, completion records and
 * bounce buffers
 * @sp: the function, with @nr_queues set
 *
 * The bounce buffers are %SACC_PCI_BOUNCE_MAX bytes, or the largest power of two
 * down to %SACC_PCI_BOUNCE_MIN that can be had for every queue; the size goes to
 * &sacc_pci.bounce_size.
 *
 * Return: 0 or -ENOMEM (nothing left allocated).
 */
int sacc_queues_alloc(struct sacc_pci *sp)
{
	u32 size;

	if (sacc_rings_alloc(sp))
		return -ENOMEM;
	for (size = SACC_PCI_BOUNCE_MAX; size >= SACC_PCI_BOUNCE_MIN; size /= 2) {
		if (!sacc_bounce_alloc(sp, size)) {
			sp->bounce_size = size;
			return 0;
		}
	}
	dev_err(sacc_dev(sp), "cannot allocate bounce buffers of even %u KiB\n",
		SACC_PCI_BOUNCE_MIN / SZ_1K);
	sacc_rings_free(sp);
	return -ENOMEM;
}

/**
 * sacc_queues_free() - free what sacc_queues_alloc() allocated
 * @sp: the function; the device must not access the memory any more
 */
void sacc_queues_free(struct sacc_pci *sp)
{
	sacc_bounce_free(sp, sp->bounce_size);
	sacc_rings_free(sp);
}

/**
 * sacc_queues_init() - initialise the queues' locks and wait queues
 * @sp: the function
 */
void sacc_queues_init(struct sacc_pci *sp)
{
	struct sacc_pci_queue *q;
	unsigned int i;

	for (i = 0; i < SACC_MAX_QUEUES; i++) {
		q = &sp->queues[i];
		q->sp = sp;
		q->index = i;
		mutex_init(&q->lock);
		init_waitqueue_head(&q->wq);
	}
}

/**
 * sacc_queues_wake_all() - wake every job waiting for the device
 * @sp: the function
 */
void sacc_queues_wake_all(struct sacc_pci *sp)
{
	unsigned int i;

	for (i = 0; i < sp->nr_queues; i++)
		wake_up_all(&sp->queues[i].wq);
}

/* ---------------------------------------------------------------------------
 * Programming the device
 */

/* Program a disabled queue and enable it: an empty ring from index 0. */
static void sacc_queue_program(struct sacc_pci_queue *q)
{
	sacc_qwr(q, SACC_Q_BASE_LO, lower_32_bits(q->ring_dma));
	sacc_qwr(q, SACC_Q_BASE_HI, upper_32_bits(q->ring_dma));
	sacc_qwr(q, SACC_Q_SIZE, SACC_PCI_RING_SIZE);
	sacc_qwr(q, SACC_Q_INTR_COALESCE, 0);	/* an interrupt per FLAG_INTR completion */
	sacc_qwr(q, SACC_Q_CTRL, SACC_Q_CTRL_ENABLE);
	q->tail = 0;
	clear_bit(SACC_QEV_HALTED, &q->events);
}

/* Forget what was in flight: the queue was restarted, the ring is empty. */
static void sacc_queue_forget(struct sacc_pci_queue *q)
{
	q->nr_inflight = 0;
	q->unkicked = 0;
	q->settled = false;
	q->head = q->tail;
}

/*
 * Disable the queue (§12.3): when the write returns, nothing of it is in progress
 * and the device touches none of its memory any more. A read that answers after
 * the write confirms that the device took it (a read does not pass an earlier
 * write). One that reads all-ones confirms nothing: the device is marked gone and
 * the whole function is reset as well, in case it comes back (writes to a device
 * that went away are harmless), but its memory must stay until sacc_hw_stop().
 *
 * Return: true when the queue is known to be stopped.
 */
static bool sacc_queue_disable(struct sacc_pci_queue *q)
{
	struct sacc_pci *sp = q->sp;

	sacc_qwr(q, SACC_Q_CTRL, 0);
	if (!sacc_reg_gone(sacc_qrd(q, SACC_Q_STATUS)))
		return true;
	sacc_pci_mark_gone(sp);
	sacc_wr(sp, SACC_REG_CTRL, SACC_CTRL_RESET);
	return false;
}

/*
 * The descriptors in flight are given up although the device did not confirm that
 * it stopped: the job must leave its memory to remove (&sacc_pci_queue.unstopped).
 */
static void sacc_queue_forget_unstopped(struct sacc_pci_queue *q)
{
	if (q->nr_inflight)
		q->unstopped = true;
	sacc_queue_forget(q);
}

/*
 * Start the queue's ring over (§7.1): disable it, which waits for whatever of it
 * is in progress, clear its error, reprogram and enable it.
 */
static void sacc_queue_restart(struct sacc_pci_queue *q)
{
	sacc_qwr(q, SACC_Q_CTRL, 0);
	sacc_qwr(q, SACC_Q_ERROR, 0xff);
	sacc_queue_program(q);
}

/**
 * sacc_hw_start() - program and enable a function that was just reset
 * @sp: the function, its queues allocated
 *
 * Every queue gets its ring and is enabled, then the function; the queues' and
 * the ERROR interrupt causes are unmasked.
 *
 * Return: 0, or -EIO when the function does not report READY.
 */
int sacc_hw_start(struct sacc_pci *sp)
{
	u32 status;
	unsigned int i;

	for (i = 0; i < sp->nr_queues; i++)
		sacc_queue_program(&sp->queues[i]);
	sacc_wr(sp, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	status = sacc_rd(sp, SACC_REG_STATUS);
	if (!(status & SACC_STATUS_READY) || sacc_reg_gone(status)) {
		dev_err(sacc_dev(sp), "%s: not ready after enabling it (STATUS %#010x)\n",
			sp->name, status);
		return -EIO;
	}
	sacc_wr(sp, SACC_REG_INTR_MASK,
		~((u32)GENMASK(sp->nr_queues - 1, 0) | SACC_INTR_ERROR));
	return 0;
}

/**
 * sacc_hw_stop() - stop the function: no DMA and no interrupt cause afterwards
 * @sp: the function; no job may be using it (or it is going down anyway)
 */
void sacc_hw_stop(struct sacc_pci *sp)
{
	unsigned int i;

	/* Also when it seems gone: it may come back, and the writes are harmless. */
	for (i = 0; i < sp->nr_queues; i++)
		sacc_qwr(&sp->queues[i], SACC_Q_CTRL, 0);
	sacc_wr(sp, SACC_REG_CTRL, SACC_CTRL_RESET);
}

/* ---------------------------------------------------------------------------
 * Jobs on a queue
 */

/**
 * sacc_queue_acquire() - get a queue for one job
 * @sp: the function, entered with sacc_pci_enter()
 *
 * Takes the first idle queue; when every queue is busy, waits for one chosen
 * round robin. The job then also holds &sacc_pci.reset_lock for reading.
 *
 * Return: the queue, locked; ERR_PTR(-ENODEV) when the function went away,
 * ERR_PTR(-EINTR) on a fatal signal.
 */
struct sacc_pci_queue *sacc_queue_acquire(struct sacc_pci *sp)
{
	struct sacc_pci_queue *q = NULL;
	unsigned int i;

	for (i = 0; i < sp->nr_queues; i++) {
		if (mutex_trylock(&sp->queues[i].lock)) {
			q = &sp->queues[i];
			break;
		}
	}
	if (!q) {
		i = (unsigned int)atomic_inc_return(&sp->next_queue) % sp->nr_queues;
		q = &sp->queues[i];
		if (mutex_lock_killable(&q->lock))
			return ERR_PTR(-EINTR);
	}
	/* A function reset in progress finishes first. */
	down_read(&sp->reset_lock);
	if (sacc_pci_unusable(sp)) {
		up_read(&sp->reset_lock);
		mutex_unlock(&q->lock);
		return ERR_PTR(-ENODEV);
	}
	return q;
}

/*
 * After the queue or the whole function was disabled (nothing of the queue is in
 * progress): settle the fate of the descriptors in flight. The device runs a
 * queue's descriptors in ring order and moves Q_HEAD past one once it is
 * finished, so a descriptor completed, and the device counted it, when its record
 * says OK and Q_HEAD moved past it; a record written by a descriptor the disable
 * dropped before it was finished does not count. Count the ones that completed.
 *
 * Return: how many completed OK (and were counted); the in-flight state is left
 * to the caller.
 */
static u32 sacc_queue_settle(struct sacc_pci_queue *q)
{
	struct sacc_pci *sp = q->sp;
	u32 head, done, i, slot, ok = 0;

	if (!q->nr_inflight)
		return 0;
	if (q->settled)
		return q->nr_inflight;	/* counted when they were settled */
	head = sacc_qrd(q, SACC_Q_HEAD);
	if (sacc_reg_gone(head)) {
		sacc_pci_mark_gone(sp);
		return 0;
	}
	/* Consumed since the oldest in flight; at most all of them. */
	done = (head - q->head) % SACC_PCI_RING_SIZE;
	for (i = 0; i < q->nr_inflight && i < done; i++) {
		slot = (q->head + i) % SACC_PCI_RING_SIZE;
		if (READ_ONCE(q->compl[slot].status) != SACC_COMPL_OK)
			continue;
		atomic64_inc(&sp->stats.descriptors);
		atomic64_add(le32_to_cpu(q->ring[slot].len), &sp->stats.bytes);
		ok++;
	}
	return ok;
}

/**
 * sacc_queue_abort() - give up every descriptor in flight
 * @q: the queue, from sacc_queue_acquire()
 *
 * Stops the queue (the disable returns once nothing of it is in progress, so the
 * device touches none of their memory afterwards), counts the ones that
 * completed and starts the ring over empty. For the paths that give the job up.
 * When the device does not answer, nothing is confirmed stopped and
 * sacc_queue_release() tells the job to keep its memory.
 */
void sacc_queue_abort(struct sacc_pci_queue *q)
{
	if (!q->nr_inflight)
		return;
	if (!sacc_queue_disable(q)) {
		sacc_queue_forget_unstopped(q);
		return;
	}
	sacc_queue_settle(q);
	if (!test_bit(SACC_PCI_GONE, &q->sp->flags))
		sacc_queue_restart(q);
	sacc_queue_forget(q);
}

/*
 * Reset the function after a fatal error (§7.2), or when it stopped being READY
 * under a job that timed out, with &sacc_pci.reset_lock held for writing: no job
 * is in a round, so no queue's state changes meanwhile.
 */
static void sacc_hw_recover_fatal(struct sacc_pci *sp)
{
	unsigned int i;
	u32 status;

	lockdep_assert_held_write(&sp->reset_lock);
	status = sacc_rd(sp, SACC_REG_STATUS);
	if (sacc_reg_gone(status)) {
		sacc_pci_mark_gone(sp);
		return;
	}
	if ((status & SACC_STATUS_READY) || sacc_pci_unusable(sp))
		return;		/* another job reset it already, or we are leaving */

	dev_err(sacc_dev(sp), "%s: %s (STATUS %#010x), resetting the function\n", sp->name,
		status & SACC_STATUS_FATAL ? "fatal device error" : "function not ready",
		status);
	/* Clearing ENABLE returns once no descriptor is in progress (§5.1). */
	sacc_wr(sp, SACC_REG_CTRL, 0);
	for (i = 0; i < sp->nr_queues; i++)
		sacc_queue_settle(&sp->queues[i]);
	sacc_wr(sp, SACC_REG_CTRL, SACC_CTRL_RESET);
	sacc_hw_start(sp);
	for (i = 0; i < sp->nr_queues; i++)
		sacc_queue_forget(&sp->queues[i]);
}

/**
 * sacc_queue_release() - end a job's use of a queue
 * @q: the queue, from sacc_queue_acquire()
 *
 * If the job met a fatal error (or a function that stopped being READY), the
 * function is reset first; the queue stays locked meanwhile, so no other job
 * reuses its ring or bounce buffers before the reset.
 *
 * Return: false when the device touches none of the job's memory any more; true
 * when descriptors were given up on a device that did not confirm it stopped
 * (it was marked gone): the job's pages must stay pinned and mapped until
 * remove has run sacc_hw_stop().
 */
bool sacc_queue_release(struct sacc_pci_queue *q)
{
	struct sacc_pci *sp = q->sp;
	bool unstopped;

	/* Every job path reaps or aborts what it submitted. */
	if (WARN_ON_ONCE(q->nr_inflight))
		sacc_queue_abort(q);
	unstopped = q->unstopped;
	q->unstopped = false;
	up_read(&sp->reset_lock);
	if (q->reset_needed) {
		q->reset_needed = false;
		down_write(&sp->reset_lock);
		sacc_hw_recover_fatal(sp);
		up_write(&sp->reset_lock);
	}
	mutex_unlock(&q->lock);
	return unstopped;
}

/**
 * sacc_queue_can_post() - may the job submit one more descriptor now?
 * @q: the queue, from sacc_queue_acquire()
 * @depth: the most descriptors the job wants in flight, 1 to
 *	%SACC_PCI_PIN_DEPTH
 *
 * Return: true when fewer than @depth are in flight and the queue is not
 * waiting for settled descriptors to be reaped.
 */
bool sacc_queue_can_post(struct sacc_pci_queue *q, unsigned int depth)
{
	return !q->settled && q->nr_inflight < min(depth, SACC_PCI_RING_SIZE - 1U);
}

/**
 * sacc_queue_post() - put one descriptor in the ring
 * @q: the queue, from sacc_queue_acquire(); sacc_queue_can_post() said yes
 * @op: SACC_OP_COPY, FILL, COMPARE or CRC32C
 * @src: source bus address (COPY, COMPARE, CRC32C), else ignored
 * @dst: destination bus address (COPY, FILL), or COMPARE's second source
 * @len: bytes, 1 to %SACC_DESC_MAX_LEN
 * @pattern: FILL pattern, or CRC32C seed (bits 31:0)
 *
 * The device sees it at the next sacc_queue_kick(), which the caller makes
 * before it reaps. The memory must stay mapped until sacc_queue_reap() returned
 * for it, or a failing sacc_queue_reap() or sacc_queue_drain() gave everything up.
 */
void sacc_queue_post(struct sacc_pci_queue *q, u8 op, dma_addr_t src, dma_addr_t dst,
		     u32 len, u64 pattern)
{
	u32 slot = q->tail;
	struct sacc_hw_desc d = {
		.opcode = op,
		.len = cpu_to_le32(len),
		.completion = cpu_to_le64(q->compl_dma + slot * sizeof(*q->compl)),
		.tag = cpu_to_le64(++q->tag),
	};

	switch (op) {
	case SACC_OP_COPY:
	case SACC_OP_COMPARE:
		d.src = cpu_to_le64(src);
		d.dst = cpu_to_le64(dst);
		break;
	case SACC_OP_FILL:
		d.dst = cpu_to_le64(dst);
		d.pattern = cpu_to_le64(pattern);
		break;
	case SACC_OP_CRC32C:
		d.src = cpu_to_le64(src);
		d.pattern = cpu_to_le64(pattern & 0xffffffff);
		break;
	}

	memset(&q->compl[slot], 0, sizeof(q->compl[slot]));
	q->ring[slot] = d;
	q->tail = (slot + 1) % SACC_PCI_RING_SIZE;
	if (!q->nr_inflight++)
		q->head = slot;
	q->unkicked++;
}

/**
 * sacc_queue_kick() - hand what sacc_queue_post() wrote to the device
 * @q: the queue, from sacc_queue_acquire()
 *
 * The last descriptor posted gets FLAG_INTR: the device runs a queue in ring
 * order, so its interrupt wakes a job waiting for any descriptor of the batch.
 * One doorbell for the batch.
 */
void sacc_queue_kick(struct sacc_pci_queue *q)
{
	u32 last = (q->tail + SACC_PCI_RING_SIZE - 1) % SACC_PCI_RING_SIZE;

	if (!q->unkicked)
		return;
	/*
	 * A hint left while the queue was idle is stale; one that came while the
	 * device had descriptors of ours may be about them, and stays.
	 */
	if (q->unkicked == q->nr_inflight)
		clear_bit(SACC_QEV_HALTED, &q->events);
	q->unkicked = 0;
	q->ring[last].flags = cpu_to_le16(SACC_DESC_FLAG_INTR);
	/* The descriptors and the zeroed records before the doorbell (§12.4). */
	dma_wmb();
	sacc_qwr(q, SACC_Q_DOORBELL, q->tail);
}

enum sacc_wait {
	SACC_WAIT_DONE,		/* the completion record is written */
	SACC_WAIT_HALTED,	/* the queue halted on an error */
	SACC_WAIT_FATAL,	/* the function is in a fatal error */
	SACC_WAIT_GONE,		/* removed, shut down or disappeared */
	SACC_WAIT_TIMEOUT,	/* nothing within the round's time */
	SACC_WAIT_KILLED,	/* a fatal signal */
};

static bool sacc_queue_woken(struct sacc_pci_queue *q, struct sacc_hw_compl *c)
{
	return READ_ONCE(c->status) || test_bit(SACC_QEV_HALTED, &q->events) ||
	       sacc_pci_unusable(q->sp);
}

/*
 * Sleep until the descriptor's record is written or something ends the wait,
 * a fatal signal included. The interrupt wakes us; without one (lost, or a
 * fatal error, which raises no cause) the device's STATUS is looked at every
 * SACC_POLL_INTERVAL.
 */
static enum sacc_wait sacc_queue_wait(struct sacc_pci_queue *q, struct sacc_hw_compl *c)
{
	unsigned long deadline = jiffies + msecs_to_jiffies(sacc_round_timeout_ms());
	struct sacc_pci *sp = q->sp;
	bool halted, killed;
	u32 status;

	for (;;) {
		killed = wait_event_killable_timeout(q->wq, sacc_queue_woken(q, c),
						     SACC_POLL_INTERVAL) < 0;
		if (READ_ONCE(c->status))
			return SACC_WAIT_DONE;
		if (killed)
			return SACC_WAIT_KILLED;
		if (sacc_pci_unusable(sp))
			return SACC_WAIT_GONE;
		/* The handler's hint may be stale (an earlier descriptor's halt). */
		halted = test_and_clear_bit(SACC_QEV_HALTED, &q->events);

		status = sacc_rd(sp, SACC_REG_STATUS);
		if (sacc_reg_gone(status)) {
			sacc_pci_mark_gone(sp);
			return SACC_WAIT_GONE;
		}
		if (status & SACC_STATUS_FATAL)
			return SACC_WAIT_FATAL;
		if ((halted || (status & SACC_STATUS_QERR)) &&
		    (sacc_qrd(q, SACC_Q_STATUS) & SACC_Q_STATUS_HALTED))
			return SACC_WAIT_HALTED;
		if (time_after_eq(jiffies, deadline))
			return SACC_WAIT_TIMEOUT;
	}
}

/*
 * A descriptor failed on the device with @code: stop the queue, count what else
 * completed, start the ring over, report it.
 */
static int sacc_queue_fail(struct sacc_pci_queue *q, u32 code, struct sacc_job *job)
{
	u32 info = sacc_qrd(q, SACC_Q_ERROR_INFO);

	dev_warn_ratelimited(sacc_dev(q->sp),
			     "%s: queue %u: descriptor %u failed: error %#04x (%s), Q_ERROR_INFO %u\n",
			     q->sp->name, q->index, q->head, code, sacc_qerr_name(code), info);
	sacc_queue_abort(q);
	job->fault = SACC_JOB_FAULT_ERROR;
	job->error = code;
	return -EIO;
}

/*
 * The oldest descriptor took too long. Disable the queue (the write returns once
 * nothing of it is in progress) and see what made it after all. When every
 * descriptor in flight completed, the reap goes on: this one and the others
 * are reaped from their records (&sacc_pci_queue.settled) and the job may
 * submit more once they are. Otherwise the ring starts over and the job fails.
 */
static int sacc_queue_timeout(struct sacc_pci_queue *q, struct sacc_job *job)
{
	struct sacc_pci *sp = q->sp;
	u32 status, qstatus, head, slot = q->head;
	u8 rec;

	qstatus = sacc_qrd(q, SACC_Q_STATUS);
	head = sacc_qrd(q, SACC_Q_HEAD);
	if (!sacc_queue_disable(q)) {
		sacc_queue_forget_unstopped(q);
		job->fault = SACC_JOB_FAULT_GONE;
		return -ENODEV;
	}
	if (sacc_queue_settle(q) == q->nr_inflight) {
		dev_warn_ratelimited(sacc_dev(sp), "%s: queue %u: descriptor %u completed only after %u ms\n",
				     sp->name, q->index, slot, sacc_round_timeout_ms());
		sacc_queue_restart(q);
		q->settled = true;
		return 0;
	}
	if (test_bit(SACC_PCI_GONE, &sp->flags)) {
		sacc_queue_forget(q);
		job->fault = SACC_JOB_FAULT_GONE;
		return -ENODEV;
	}
	rec = READ_ONCE(q->compl[slot].status);
	if (rec == SACC_COMPL_ERROR) {
		/* Counted what completed already: only start over. */
		q->settled = true;
		return sacc_queue_fail(q, q->compl[slot].error, job);
	}

	atomic64_inc(&sp->stats.timeouts);
	dev_warn_ratelimited(sacc_dev(sp),
			     "%s: queue %u: descriptor %u not completed after %u ms (Q_STATUS %#x, Q_HEAD %u, tail %u), restarting the queue\n",
			     sp->name, q->index, slot, sacc_round_timeout_ms(), qstatus,
			     head, q->tail);
	sacc_queue_restart(q);
	sacc_queue_forget(q);
	/* A function that is not READY any more runs nothing: reset it too. */
	status = sacc_rd(sp, SACC_REG_STATUS);
	if (!sacc_reg_gone(status) && !(status & SACC_STATUS_READY))
		q->reset_needed = true;
	job->fault = SACC_JOB_FAULT_TIMEOUT;
	return -ETIMEDOUT;
}

/*
 * The job cannot go on (removal, shutdown, a vanished device or a fatal error):
 * make sure the device no longer works on its memory, and count what completed.
 * A function in a fatal error is reset when the queue is released. When the
 * device does not answer, the job's memory is left to remove.
 */
static void sacc_queue_stop(struct sacc_pci_queue *q)
{
	if (!sacc_queue_disable(q)) {
		sacc_queue_forget_unstopped(q);
		return;
	}
	sacc_queue_settle(q);
	sacc_queue_forget(q);
}

/**
 * sacc_queue_reap() - wait for the oldest descriptor in flight
 * @q: the queue, from sacc_queue_acquire(), with a descriptor in flight
 * @result: the completion's result, on success
 * @job: the job, for its @fault and @error when the descriptor fails
 *
 * Bounded by the round timeout, and killable. When it fails, nothing of the job
 * is in flight any more (the queue was stopped and, but for a fatal error or a
 * vanished device, started over); after a fatal error, or a timeout on a
 * function that is not READY, the function is reset when the queue is released.
 *
 * Return: 0; -EIO for a device error or a fatal error (@job->fault says which);
 * -ETIMEDOUT; -ENODEV when the device went away or is being removed; -EINTR on
 * a fatal signal (what was in flight is aborted).
 */
int sacc_queue_reap(struct sacc_pci_queue *q, u64 *result, struct sacc_job *job)
{
	struct sacc_pci *sp = q->sp;
	struct sacc_hw_compl *c;
	u8 status, error;
	u64 tag, want;
	u32 len;
	int ret;

	if (WARN_ON_ONCE(!q->nr_inflight))
		return -EINVAL;
	sacc_queue_kick(q);	/* nothing waits for a descriptor the device cannot see */
	c = &q->compl[q->head];
	if (q->settled)
		goto done;

	switch (sacc_queue_wait(q, c)) {
	case SACC_WAIT_DONE:
		break;
	case SACC_WAIT_HALTED: {
		u32 code = sacc_qrd(q, SACC_Q_ERROR);

		if (sacc_reg_gone(code)) {
			sacc_pci_mark_gone(sp);
			sacc_queue_stop(q);
			job->fault = SACC_JOB_FAULT_GONE;
			return -ENODEV;
		}
		return sacc_queue_fail(q, code & 0xff, job);
	}
	case SACC_WAIT_FATAL:
		sacc_queue_stop(q);
		q->reset_needed = true;
		job->fault = SACC_JOB_FAULT_FATAL;
		return -EIO;
	case SACC_WAIT_GONE:
		sacc_queue_stop(q);
		job->fault = SACC_JOB_FAULT_GONE;
		return -ENODEV;
	case SACC_WAIT_TIMEOUT:
		ret = sacc_queue_timeout(q, job);
		if (ret)
			return ret;
		goto done;
	case SACC_WAIT_KILLED:
		sacc_queue_abort(q);
		return -EINTR;
	}

	/* The record is complete once status is non-zero (§11.4). */
	status = READ_ONCE(c->status);
	dma_rmb();
	error = c->error;
	if (status != SACC_COMPL_OK)
		return sacc_queue_fail(q, error ?: sacc_qrd(q, SACC_Q_ERROR) & 0xff, job);
	len = le32_to_cpu(q->ring[q->head].len);
	atomic64_inc(&sp->stats.descriptors);
	atomic64_add(len, &sp->stats.bytes);
done:
	*result = le64_to_cpu(c->result);
	tag = le64_to_cpu(c->tag);
	want = le64_to_cpu(q->ring[q->head].tag);
	if (tag != want) {
		dev_warn_ratelimited(sacc_dev(sp), "%s: queue %u: record of descriptor %u has tag %llu, expected %llu\n",
				     sp->name, q->index, q->head, tag, want);
		/* Counted already: the others are settled by the abort. */
		q->head = (q->head + 1) % SACC_PCI_RING_SIZE;
		if (--q->nr_inflight)
			sacc_queue_abort(q);
		sacc_queue_forget(q);
		job->fault = SACC_JOB_FAULT_ERROR;
		return -EIO;
	}
	q->head = (q->head + 1) % SACC_PCI_RING_SIZE;
	if (!--q->nr_inflight)
		sacc_queue_forget(q);
	return 0;
}

/**
 * sacc_queue_drain() - wait for every descriptor in flight, results unused
 * @q: the queue, from sacc_queue_acquire()
 * @job: the job, for its @fault and @error when a descriptor fails
 *
 * Return: 0, or the first error of sacc_queue_reap() (nothing is in flight
 * afterwards either way).
 */
int sacc_queue_drain(struct sacc_pci_queue *q, struct sacc_job *job)
{
	u64 result;
	int ret;

	while (q->nr_inflight) {
		ret = sacc_queue_reap(q, &result, job);
		if (ret)
			return ret;
	}
	return 0;
}
