// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - the engines: kernel threads of a parent that run every instance's queues.
 *
 * A queue with work sits on its parent's run list. An engine thread takes the
 * queue at the head, executes up to 8 x weight of its descriptors (weighted round
 * robin: the instance's sysfs weight), and puts it back at the tail if it still has
 * work, so a flooding instance gets its share and no more. A queue is run by one
 * thread at a time, in ring order.
 *
 * The register state is read and updated under the instance's lock; descriptors
 * execute outside it (they sleep in DMA). A queue's generation number changes when
 * it is enabled, disabled or reset, and the result of a descriptor fetched under
 * an older generation is dropped.
 */
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "sacc.h"

#define CREATE_TRACE_POINTS
#include "sacc_trace.h"

#define SACC_QUANTUM_PER_WEIGHT	8

static bool sacc_queue_runnable(struct sacc_mdev *smdev, unsigned int q)
{
	const struct sacc_regs *regs = &smdev->regs;
	const struct sacc_queue_regs *qr = &regs->q[q];

	lockdep_assert_held(&smdev->lock);
	return smdev->open && (regs->ctrl & SACC_CTRL_ENABLE) && !regs->fatal &&
	       (qr->ctrl & SACC_Q_CTRL_ENABLE) && !qr->error && qr->head != qr->tail;
}

/**
 * sacc_engine_kick() - put the instance's queues that have work on the run list
 * @smdev: the instance, with @smdev->lock held
 */
void sacc_engine_kick(struct sacc_mdev *smdev)
{
	struct sacc_engine *e = &smdev->parent->engine;
	bool wake = false;
	unsigned int q;

	lockdep_assert_held(&smdev->lock);
	spin_lock(&e->lock);
	for (q = 0; q < smdev->regs.nr_queues; q++) {
		struct sacc_queue *queue = &smdev->queues[q];

		if (queue->queued || queue->running || !sacc_queue_runnable(smdev, q))
			continue;
		list_add_tail(&queue->node, &e->runlist);
		queue->queued = true;
		wake = true;
	}
	spin_unlock(&e->lock);
	if (wake)
		wake_up(&e->wq);
}

/**
 * sacc_engine_quiesce() - take the instance's queues off the run list and wait
 * until no engine runs one of them
 * @smdev: the instance; its lock must not be held (this sleeps)
 */
void sacc_engine_quiesce(struct sacc_mdev *smdev)
{
	struct sacc_engine *e = &smdev->parent->engine;
	unsigned int q;

	spin_lock(&e->lock);
	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		if (smdev->queues[q].queued) {
			list_del(&smdev->queues[q].node);
			smdev->queues[q].queued = false;
		}
	}
	spin_unlock(&e->lock);
	for (q = 0; q < SACC_MAX_QUEUES; q++)
		wait_event(e->idle, !READ_ONCE(smdev->queues[q].running));
	/*
	 * A thread clears .running inside the instance's lock and touches nothing of
	 * the instance after it drops that lock: once we have held it too, the
	 * instance may go away.
	 */
	spin_lock(&smdev->lock);
	spin_unlock(&smdev->lock);
}

/**
 * sacc_engine_quiesce_disabled() - wait until no engine runs a queue that is now
 * disabled (alone or through CTRL.ENABLE)
 * @smdev: the instance; its lock must not be held (this sleeps)
 */
void sacc_engine_quiesce_disabled(struct sacc_mdev *smdev)
{
	struct sacc_engine *e = &smdev->parent->engine;
	unsigned int q;
	bool off;

	for (q = 0; q < smdev->regs.nr_queues; q++) {
		spin_lock(&smdev->lock);
		off = !(smdev->regs.ctrl & SACC_CTRL_ENABLE) ||
		      !(smdev->regs.q[q].ctrl & SACC_Q_CTRL_ENABLE);
		spin_unlock(&smdev->lock);
		if (off)
			wait_event(e->idle, !READ_ONCE(smdev->queues[q].running));
	}
}

/*
 * Account for the descriptor at ring index @head, under the instance's lock: advance
 * the head, record a fault, count the completion for the queue's interrupt cause.
 */
static void sacc_queue_finish(struct sacc_mdev *smdev, struct sacc_queue *queue,
			      u32 gen, u32 head, u32 size, bool intr, u8 err,
			      const struct sacc_exec *x)
{
	struct sacc_queue_regs *qr = &smdev->regs.q[queue->index];
	u32 count = qr->coalesce & SACC_Q_COALESCE_COUNT_MASK;
	u32 usecs = qr->coalesce >> SACC_Q_COALESCE_USECS_SHIFT;

	lockdep_assert_held(&smdev->lock);
	if (qr->gen != gen)
		return;		/* enabled, disabled or reset meanwhile: forget it */

	if (!err) {
		smdev->stats.ops += x->ops;
		smdev->stats.bytes += x->bytes;
		trace_sacc_complete(dev_name(smdev->vdev.dev), queue->index, head, x->bytes);
	} else {
		trace_sacc_fault(dev_name(smdev->vdev.dev), queue->index, head, err);
	}
	if (err != SACC_QERR_RING)
		qr->head = (head + 1) & (size - 1);
	if (err) {
		qr->error = err;
		qr->error_info = head;
		smdev->stats.faults++;
		sacc_regs_raise(&smdev->regs, SACC_INTR_ERROR);
		if (queue->coalesced)
			sacc_regs_raise(&smdev->regs, SACC_INTR_QUEUE(queue->index));
		queue->coalesced = 0;
	} else if (intr && ++queue->coalesced >= max(count, 1U)) {
		sacc_regs_raise(&smdev->regs, SACC_INTR_QUEUE(queue->index));
		queue->coalesced = 0;
	} else if (intr && queue->coalesced == 1 && usecs) {
		/* The first of a batch of completions starts the USECS timer. */
		schedule_delayed_work(&queue->coalesce_timer, usecs_to_jiffies(usecs));
	}
	sacc_irq_update(smdev);
}

/* USECS elapsed since the first counted completion: raise the cause now. */
static void sacc_coalesce_timeout(struct work_struct *work)
{
	struct sacc_queue *queue = container_of(to_delayed_work(work), struct sacc_queue,
						coalesce_timer);
	struct sacc_mdev *smdev = queue->smdev;

	spin_lock(&smdev->lock);
	if (queue->coalesced) {
		sacc_regs_raise(&smdev->regs, SACC_INTR_QUEUE(queue->index));
		queue->coalesced = 0;
		sacc_irq_update(smdev);
	}
	spin_unlock(&smdev->lock);
}

/* Execute the descriptor at @head of a ring; the queue's error code or 0. */
static u8 sacc_queue_exec(struct sacc_queue *queue, struct sacc_exec *x, u64 base,
			  u32 head, u32 size, u32 tail, bool *intr)
{
	struct sacc_result res = {};
	struct sacc_desc d;
	u8 err, cerr;

	if (size < SACC_Q_SIZE_MIN || size > SACC_Q_SIZE_MAX || !is_power_of_2(size) ||
	    tail >= size)
		return SACC_QERR_RING;
	err = sacc_exec_fetch(x, base + (u64)head * sizeof(d), &d, false);
	if (err == SACC_QERR_DESC_FETCH)
		return SACC_QERR_RING;		/* the ring entry itself is unreadable */
	trace_sacc_submit(dev_name(queue->smdev->vdev.dev), queue->index, head, d.opcode,
			  d.len);
	if (!err)
		err = sacc_exec_one(x, &d, &res);
	*intr = d.flags & SACC_DESC_FLAG_INTR;
	if (err == SACC_QERR_COMPLETION)
		return err;	/* the record cannot be written: do not try */
	res.error = err;
	cerr = sacc_exec_complete(x, &d, &res);
	return err ?: cerr;
}

/* Run up to a quantum of one queue's descriptors. */
static void sacc_queue_run(struct sacc_queue *queue, struct sacc_exec *x)
{
	struct sacc_mdev *smdev = queue->smdev;
	unsigned int n, quantum = SACC_QUANTUM_PER_WEIGHT * READ_ONCE(smdev->weight);
	struct sacc_queue_regs *qr = &smdev->regs.q[queue->index];
	u32 gen, head, size, tail;
	bool intr = false;
	u64 base;
	u8 err;

	x->dma = &smdev->dma;
	for (n = 0; n < quantum; n++) {
		spin_lock(&smdev->lock);
		if (!sacc_queue_runnable(smdev, queue->index)) {
			spin_unlock(&smdev->lock);
			return;
		}
		gen = qr->gen;
		head = qr->head;
		tail = qr->tail;
		size = qr->size;
		base = (u64)qr->base_hi << 32 | qr->base_lo;
		spin_unlock(&smdev->lock);

		x->ops = 0;
		x->bytes = 0;
		err = sacc_queue_exec(queue, x, base, head, size, tail, &intr);

		spin_lock(&smdev->lock);
		sacc_queue_finish(smdev, queue, gen, head, size, intr, err, x);
		spin_unlock(&smdev->lock);
		if (err)
			return;
	}
}

static struct sacc_queue *sacc_engine_next(struct sacc_engine *e)
{
	struct sacc_queue *queue;

	spin_lock(&e->lock);
	queue = list_first_entry_or_null(&e->runlist, struct sacc_queue, node);
	if (queue) {
		list_del(&queue->node);
		queue->queued = false;
		queue->running = true;
	}
	spin_unlock(&e->lock);
	return queue;
}

static int sacc_engine_thread(void *data)
{
	struct sacc_engine_thread *t = data;
	struct sacc_engine *e = t->engine;
	struct sacc_queue *queue;

	while (!kthread_should_stop()) {
		queue = NULL;
		/* Interruptible: an idle engine is not a hung task. */
		wait_event_interruptible(e->wq, kthread_should_stop() ||
					 (queue = sacc_engine_next(e)));
		if (!queue)
			continue;
		sacc_queue_run(queue, &t->x);

		spin_lock(&queue->smdev->lock);
		spin_lock(&e->lock);
		queue->running = false;
		spin_unlock(&e->lock);
		sacc_engine_kick(queue->smdev);		/* back of the line if work is left */
		spin_unlock(&queue->smdev->lock);
		wake_up(&e->idle);
	}
	return 0;
}

/**
 * sacc_engine_start() - start a parent's engine threads
 * @e: the engine
 * @nr: threads, at most SACC_MAX_ENGINES
 * @name: the parent's name, for the threads' names
 *
 * Return: 0 or a negative errno (nothing left running).
 */
int sacc_engine_start(struct sacc_engine *e, unsigned int nr, const char *name)
{
	unsigned int i;

	spin_lock_init(&e->lock);
	INIT_LIST_HEAD(&e->runlist);
	init_waitqueue_head(&e->wq);
	init_waitqueue_head(&e->idle);
	for (i = 0; i < nr; i++) {
		struct sacc_engine_thread *t = &e->threads[i];

		t->engine = e;
		t->x.a = (void *)__get_free_page(GFP_KERNEL);
		t->x.b = (void *)__get_free_page(GFP_KERNEL);
		if (!t->x.a || !t->x.b)
			goto stop;
		t->task = kthread_run(sacc_engine_thread, t, "%s-eng%u", name, i);
		if (IS_ERR(t->task))
			goto stop;
		e->nr_threads++;
	}
	return 0;

stop:
	free_page((unsigned long)e->threads[i].x.a);
	free_page((unsigned long)e->threads[i].x.b);
	sacc_engine_stop(e);
	return -ENOMEM;
}

/**
 * sacc_engine_stop() - stop a parent's engine threads (no instance left)
 * @e: the engine
 */
void sacc_engine_stop(struct sacc_engine *e)
{
	struct sacc_engine_thread *t;

	while (e->nr_threads) {
		t = &e->threads[--e->nr_threads];
		kthread_stop(t->task);
		free_page((unsigned long)t->x.a);
		free_page((unsigned long)t->x.b);
	}
}

/**
 * sacc_queues_init() - an instance's queues, idle
 * @smdev: the instance
 */
void sacc_queues_init(struct sacc_mdev *smdev)
{
	unsigned int q;

	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		smdev->queues[q].smdev = smdev;
		smdev->queues[q].index = q;
		INIT_LIST_HEAD(&smdev->queues[q].node);
		INIT_DELAYED_WORK(&smdev->queues[q].coalesce_timer, sacc_coalesce_timeout);
	}
}

/**
 * sacc_queues_flush_coalesced() - raise the cause of every queue that stopped with
 * completions still counted toward an interrupt
 * @smdev: the instance, with @smdev->lock held
 */
void sacc_queues_flush_coalesced(struct sacc_mdev *smdev)
{
	const struct sacc_regs *regs = &smdev->regs;
	bool raised = false;
	unsigned int q;

	lockdep_assert_held(&smdev->lock);
	for (q = 0; q < regs->nr_queues; q++) {
		if (!smdev->queues[q].coalesced ||
		    ((regs->ctrl & SACC_CTRL_ENABLE) && (regs->q[q].ctrl & SACC_Q_CTRL_ENABLE)))
			continue;
		sacc_regs_raise(&smdev->regs, SACC_INTR_QUEUE(q));
		smdev->queues[q].coalesced = 0;
		raised = true;
	}
	if (raised)
		sacc_irq_update(smdev);
}

/**
 * sacc_queues_stop_timers() - cancel pending coalescing timers and wait for them
 * @smdev: the instance; its lock must not be held
 */
void sacc_queues_stop_timers(struct sacc_mdev *smdev)
{
	unsigned int q;

	for (q = 0; q < SACC_MAX_QUEUES; q++)
		cancel_delayed_work_sync(&smdev->queues[q].coalesce_timer);
}
