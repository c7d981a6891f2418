// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - the engines: kernel threads of a parent that run every instance's queues.
 *
 * A queue with work sits on its parent's run list. An engine thread takes the
 * queue of the instance that has had the least service for its weight (weighted
 * fair queueing over instances: each has a virtual time that a turn advances by
 * the work done divided by the instance's sysfs weight, so an instance gets its
 * share of the engines whatever its number of queues or descriptor sizes), does up
 * to 256 KiB of its work (bytes, and SACC_EXEC_DESC_COST per descriptor and BATCH
 * element), and puts it back in line if it still has work. An instance coming
 * back from idle starts at the current virtual time: no credit for idling. A
 * descriptor that outlasts the turn pauses between two steps (a window of data, a
 * BATCH element) and goes on from its checkpoint at the queue's next turn; a
 * disable, reset or close stops it there too, so none of them waits for more than
 * one step. A queue is run by one thread at a time, in ring order; two queues of
 * one instance may run at once. A doorbell wakes one engine per queue it makes
 * runnable.
 *
 * The register state is read and updated under the instance's lock; descriptors
 * execute outside it (they sleep in DMA). A queue's generation number changes when
 * it is enabled, disabled or reset or the function stops, and a descriptor fetched
 * under an older one stops at its next step; its era changes only when it is
 * enabled or reset, and the result of a descriptor of an older era is dropped
 * (one that completes in its own era while the queue stops still moves Q_HEAD).
 *
 * For migration an instance is frozen (sacc_engine_freeze()): its queues keep
 * their registers and their paused descriptor's checkpoint, but none runs until
 * the thaw, which puts them back in line as a doorbell would.
 */
#include <kunit/visibility.h>
#include <linux/kthread.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "sacc.h"

#define CREATE_TRACE_POINTS
#include "sacc_trace.h"

/* Work an engine does on a queue per turn. */
#define SACC_QUANTUM_BYTES	(256 * 1024)

/*
 * The queue may go on: the device is open, enabled, not in a fatal error and may
 * master the bus; the queue is enabled and not halted.
 */
static bool sacc_queue_live(struct sacc_mdev *smdev, unsigned int q)
{
	const struct sacc_regs *regs = &smdev->regs;

	lockdep_assert_held(&smdev->lock);
	return smdev->open && (regs->ctrl & SACC_CTRL_ENABLE) && !regs->fatal &&
	       sacc_cfg_bus_master(&smdev->cfg) &&
	       (regs->q[q].ctrl & SACC_Q_CTRL_ENABLE) && !regs->q[q].error;
}

/*
 * The queue may go on and has work, and the instance is not frozen for migration
 * (sacc_engine_freeze()): a frozen instance's queues are neither put on the run list
 * (doorbell, sacc_engine_kick()) nor kept there (sacc_engine_quiesce(), the end of a
 * turn).
 */
static bool sacc_queue_runnable(struct sacc_mdev *smdev, unsigned int q)
{
	lockdep_assert_held(&smdev->lock);
	return !smdev->frozen && sacc_queue_live(smdev, q) &&
	       smdev->regs.q[q].head != smdev->regs.q[q].tail;
}

/**
 * sacc_engine_kick() - put the instance's queues that have work on the run list
 * @smdev: the instance, with @smdev->lock held
 */
void sacc_engine_kick(struct sacc_mdev *smdev)
{
	struct sacc_engine *e = &smdev->parent->engine;
	unsigned int q, nr = 0;

	lockdep_assert_held(&smdev->lock);
	spin_lock(&e->lock);
	for (q = 0; q < smdev->regs.nr_queues; q++) {
		struct sacc_queue *queue = &smdev->queues[q];

		if (queue->queued || queue->running || !sacc_queue_runnable(smdev, q))
			continue;
		/* Back from idle: no credit for the time it had nothing to do. */
		if (!smdev->nr_busy++)
			smdev->vtime = max(smdev->vtime, e->vclock);
		list_add_tail(&queue->node, &e->runlist);
		queue->queued = true;
		nr++;
	}
	spin_unlock(&e->lock);
	if (nr)
		wake_up_nr(&e->wq, nr);	/* one engine per queue, not all of them */
}
EXPORT_SYMBOL_IF_KUNIT(sacc_engine_kick);

/*
 * Wait until no engine runs queue @q, which was just stopped (disabled, reset or
 * closed): at most one step of a descriptor (the engine sees the stop at the next
 * step). Also ends when the user enables the queue again meanwhile (its
 * generation changes), so that a user re-enabling in a loop cannot hold the wait.
 */
static void sacc_queue_wait_stopped(struct sacc_mdev *smdev, unsigned int q)
{
	struct sacc_engine *e = &smdev->parent->engine;
	u32 gen;

	spin_lock(&smdev->lock);
	gen = smdev->regs.q[q].gen;
	spin_unlock(&smdev->lock);
	wait_event(e->idle, !READ_ONCE(smdev->queues[q].running) ||
		   READ_ONCE(smdev->regs.q[q].gen) != gen);
}

/**
 * sacc_engine_quiesce() - after a reset or close: take the instance's queues that
 * cannot run off the run list and wait until no engine runs a stopped one
 * @smdev: the instance; its lock must not be held (this sleeps)
 *
 * A queue the user enabled and rang again after the reset was put back on the run
 * list by that doorbell: it stays there (taking it off would stall it until the
 * next doorbell). After a close no queue can run: none stays.
 */
void sacc_engine_quiesce(struct sacc_mdev *smdev)
{
	struct sacc_engine *e = &smdev->parent->engine;
	unsigned int q;

	spin_lock(&smdev->lock);
	spin_lock(&e->lock);
	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		if (smdev->queues[q].queued && !sacc_queue_runnable(smdev, q)) {
			list_del(&smdev->queues[q].node);
			smdev->queues[q].queued = false;
			smdev->nr_busy--;
		}
	}
	spin_unlock(&e->lock);
	spin_unlock(&smdev->lock);
	for (q = 0; q < SACC_MAX_QUEUES; q++)
		sacc_queue_wait_stopped(smdev, q);
	/*
	 * A thread clears .running inside the instance's lock and touches nothing of
	 * the instance after it drops that lock: once we have held it too, the
	 * instance may go away.
	 */
	spin_lock(&smdev->lock);
	spin_unlock(&smdev->lock);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_engine_quiesce);

/**
 * sacc_engine_quiesce_stopped() - wait until no engine runs a queue that may not
 * go on now: disabled, alone or through CTRL.ENABLE, halted, stopped by a fatal
 * error or with bus mastering off
 * @smdev: the instance; its lock must not be held (this sleeps)
 */
void sacc_engine_quiesce_stopped(struct sacc_mdev *smdev)
{
	unsigned int q;
	bool off;

	for (q = 0; q < smdev->regs.nr_queues; q++) {
		spin_lock(&smdev->lock);
		off = !sacc_queue_live(smdev, q);
		spin_unlock(&smdev->lock);
		if (off)
			sacc_queue_wait_stopped(smdev, q);
	}
}
EXPORT_SYMBOL_IF_KUNIT(sacc_engine_quiesce_stopped);

/**
 * sacc_engine_freeze() - stop the instance's queues at a step boundary, keeping
 * each one's checkpoint (migration: RUNNING to RUNNING_P2P)
 * @smdev: the instance; its lock must not be held (this sleeps)
 *
 * Once this returns no engine runs a queue of the instance, and none will until
 * sacc_engine_thaw(): a descriptor in execution stopped between two steps with its
 * checkpoint in &sacc_queue.job (&sacc_queue.job_active stays set). Doorbells and
 * other register writes are still accepted; they only change the registers. The
 * wait is for &sacc_queue.running alone (not for a generation change, which the
 * user can cause at will): a frozen queue cannot start again, so it ends within one
 * step.
 */
void sacc_engine_freeze(struct sacc_mdev *smdev)
{
	struct sacc_engine *e = &smdev->parent->engine;
	unsigned int q;

	spin_lock(&smdev->lock);
	smdev->frozen = true;
	spin_unlock(&smdev->lock);
	sacc_engine_quiesce(smdev);	/* off the run list */
	for (q = 0; q < SACC_MAX_QUEUES; q++)
		wait_event(e->idle, !READ_ONCE(smdev->queues[q].running));
	/* As in sacc_engine_quiesce(): the threads are done with the instance. */
	spin_lock(&smdev->lock);
	spin_unlock(&smdev->lock);
}

/**
 * sacc_engine_thaw() - let the queues of a frozen instance run again
 * @smdev: the instance; its lock must not be held
 *
 * A queue with a paused descriptor has Q_HEAD != Q_TAIL, so it goes back on the run
 * list and resumes from its checkpoint, unless the queue was disabled or reset
 * meanwhile (its generation changed: the checkpoint is dropped).
 */
void sacc_engine_thaw(struct sacc_mdev *smdev)
{
	spin_lock(&smdev->lock);
	smdev->frozen = false;
	sacc_engine_kick(smdev);
	spin_unlock(&smdev->lock);
}

/*
 * Raise the queue's cause for the completions counted (instance lock held): the
 * round ends, and its timer, if any, has nothing left to do.
 */
static void sacc_queue_raise(struct sacc_mdev *smdev, struct sacc_queue *queue)
{
	lockdep_assert_held(&smdev->lock);
	sacc_regs_raise(&smdev->regs, SACC_INTR_QUEUE(queue->index));
	queue->coalesced = 0;
	queue->coalesce_round++;
	hrtimer_try_to_cancel(&queue->coalesce_timer);
}

/*
 * Count @nintr completions with FLAG_INTR toward the queue's cause (instance lock
 * held), as Q_INTR_COALESCE says: raise at COUNT, or start the USECS timer at the
 * first completion of a round.
 */
static void sacc_queue_count(struct sacc_mdev *smdev, struct sacc_queue *queue,
			     unsigned int nintr)
{
	u32 coalesce = smdev->regs.q[queue->index].coalesce;
	u32 count = coalesce & SACC_Q_COALESCE_COUNT_MASK;
	u32 usecs = coalesce >> SACC_Q_COALESCE_USECS_SHIFT;

	lockdep_assert_held(&smdev->lock);
	if (!nintr)
		return;
	queue->coalesced += nintr;
	if (queue->coalesced >= max(count, 1U)) {
		sacc_queue_raise(smdev, queue);
	} else if (queue->coalesced == nintr && usecs) {
		queue->timer_round = queue->coalesce_round;
		hrtimer_start(&queue->coalesce_timer, ns_to_ktime((u64)usecs * NSEC_PER_USEC),
			      HRTIMER_MODE_REL);
	}
}

/*
 * Account for the descriptor at ring index @head, under the instance's lock: advance
 * the head, record a fault, count @nintr completions for the queue's interrupt
 * cause (the descriptor's own FLAG_INTR and its BATCH elements'). A descriptor
 * that completed while the queue was being stopped (its record is written) still
 * counts: Q_HEAD moves past it, so that when the stopping write returns every
 * descriptor before Q_HEAD has completed and the one at Q_HEAD has not.
 */
static void sacc_queue_finish(struct sacc_mdev *smdev, struct sacc_queue *queue,
			      u32 era, u32 head, u32 size, unsigned int nintr, u8 err,
			      const struct sacc_job *job)
{
	struct sacc_queue_regs *qr = &smdev->regs.q[queue->index];

	lockdep_assert_held(&smdev->lock);
	if (qr->era != era)
		return;		/* enabled again or reset meanwhile: forget it */

	if (!err) {
		smdev->stats.ops += job->ops;
		smdev->stats.bytes += job->bytes;
		trace_sacc_complete(dev_name(smdev->vdev.dev), queue->index, head, job->bytes);
	} else {
		trace_sacc_fault(dev_name(smdev->vdev.dev), queue->index, head, err);
	}
	if (err != SACC_QERR_RING)
		qr->head = (head + 1) & (size - 1);
	if (err) {
		queue->coalesced += nintr;
		qr->error = err;
		qr->error_info = head;
		smdev->stats.faults++;
		sacc_regs_raise(&smdev->regs, SACC_INTR_ERROR);
		if (queue->coalesced)
			sacc_queue_raise(smdev, queue);
	} else {
		sacc_queue_count(smdev, queue, nintr);
		/* Stopped meanwhile: what was counted is raised at once (12.6). */
		if (queue->coalesced && !sacc_queue_live(smdev, queue->index))
			sacc_queue_raise(smdev, queue);
	}
	sacc_irq_update(smdev);
}

/* USECS elapsed since the first counted completion of the round: raise now. */
static void sacc_coalesce_work(struct work_struct *work)
{
	struct sacc_queue *queue = container_of(work, struct sacc_queue, coalesce_work);
	struct sacc_mdev *smdev = queue->smdev;

	spin_lock(&smdev->lock);
	if (queue->coalesced && queue->timer_round == queue->coalesce_round) {
		sacc_queue_raise(smdev, queue);
		sacc_irq_update(smdev);
	}
	spin_unlock(&smdev->lock);
}

static enum hrtimer_restart sacc_coalesce_timeout(struct hrtimer *timer)
{
	struct sacc_queue *queue = container_of(timer, struct sacc_queue, coalesce_timer);

	queue_work(system_highpri_wq, &queue->coalesce_work);
	return HRTIMER_NORESTART;
}

/*
 * Between two steps of a descriptor: stop when the queue was disabled, reset or
 * closed, or the engine is stopping. The descriptor is then abandoned: its record
 * is not written and Q_HEAD stays on it. When the instance is frozen for migration
 * it pauses instead, and goes on from its checkpoint after the thaw.
 */
static bool sacc_queue_pause(struct sacc_exec *x)
{
	struct sacc_queue *queue = x->queue;
	struct sacc_mdev *smdev = queue->smdev;
	bool stop;

	bool frozen;

	spin_lock(&smdev->lock);
	stop = !sacc_queue_live(smdev, queue->index) ||
	       smdev->regs.q[queue->index].gen != queue->job_gen;
	frozen = smdev->frozen;
	spin_unlock(&smdev->lock);
	if (stop || kthread_should_stop())
		queue->job_active = false;
	else if (frozen)
		return true;	/* paused: the checkpoint stays (sacc_engine_freeze()) */
	return !queue->job_active;
}

/*
 * Fetch the descriptor at @head of a ring into the queue's job. Return: 0, or the
 * queue's error code (the descriptor is then done).
 */
static u8 sacc_queue_fetch(struct sacc_queue *queue, struct sacc_exec *x, u64 base,
			   u32 head, u32 size, u32 tail, bool *intr)
{
	struct sacc_result res = {};
	struct sacc_desc d;
	u8 err, cerr;

	memset(&queue->job, 0, sizeof(queue->job));
	if (size < SACC_Q_SIZE_MIN || size > SACC_Q_SIZE_MAX || !is_power_of_2(size) ||
	    tail >= size)
		return SACC_QERR_RING;
	err = sacc_exec_fetch(x, base + (u64)head * sizeof(d), &d, false);
	if (err == SACC_QERR_DESC_FETCH)
		return SACC_QERR_RING;		/* the ring entry itself is unreadable */
	trace_sacc_submit(dev_name(queue->smdev->vdev.dev), queue->index, head, d.opcode,
			  d.len);
	*intr = d.flags & SACC_DESC_FLAG_INTR;
	if (!err) {
		sacc_exec_job_start(&queue->job, &d);
		return 0;
	}
	if (err == SACC_QERR_COMPLETION)
		return err;	/* the record cannot be written: do not try */
	res.error = err;
	cerr = sacc_exec_complete(x, &d, &res);
	return err ?: cerr;
}

/*
 * A descriptor paused: count the BATCH elements with FLAG_INTR completed so far
 * now, not at its end; if it was stopped, the queue no longer runs, and what was
 * counted is raised at once (spec 12.6).
 */
static void sacc_queue_paused(struct sacc_queue *queue)
{
	struct sacc_mdev *smdev = queue->smdev;

	spin_lock(&smdev->lock);
	if (smdev->regs.q[queue->index].era == queue->job_era) {
		sacc_queue_count(smdev, queue, queue->job.intr);
		if (!queue->job_active && queue->coalesced)
			sacc_queue_raise(smdev, queue);
		sacc_irq_update(smdev);
	}
	queue->job.intr = 0;
	spin_unlock(&smdev->lock);
}

/*
 * Run a queue's descriptors for a quantum of work (weighted: the instance's sysfs
 * weight), going on from where a paused descriptor stopped. A descriptor longer
 * than what is left of the quantum pauses between two steps and goes on at the
 * queue's next turn.
 */
static void sacc_queue_run(struct sacc_queue *queue, struct sacc_exec *x)
{
	struct sacc_mdev *smdev = queue->smdev;
	struct sacc_queue_regs *qr = &smdev->regs.q[queue->index];
	struct sacc_job *job = &queue->job;
	u32 head, size, tail = 0;
	struct sacc_result res;
	bool intr = false;
	u64 base = 0;
	u8 err, cerr;
	int ret;

	x->dma = &smdev->dma;
	x->queue = queue;
	x->pause = sacc_queue_pause;
	while (x->budget > 0) {
		spin_lock(&smdev->lock);
		if (queue->job_active && qr->gen != queue->job_gen)
			queue->job_active = false;	/* disabled or reset meanwhile */
		if (smdev->frozen) {	/* the checkpoint stays for the thaw */
			spin_unlock(&smdev->lock);
			return;
		}
		if (!sacc_queue_runnable(smdev, queue->index)) {
			queue->job_active = false;
			spin_unlock(&smdev->lock);
			return;
		}
		if (!queue->job_active) {
			queue->job_gen = qr->gen;
			queue->job_era = qr->era;
			queue->job_head = qr->head;
			queue->job_size = qr->size;
			tail = qr->tail;
			base = (u64)qr->base_hi << 32 | qr->base_lo;
		}
		/* As fetched: Q_SIZE may change under a running descriptor. */
		head = queue->job_head;
		size = queue->job_size;
		spin_unlock(&smdev->lock);

		if (!queue->job_active) {
			err = sacc_queue_fetch(queue, x, base, head, size, tail, &intr);
			if (err)
				goto finish;
			queue->job_active = true;
		}
		intr = job->d.flags & SACC_DESC_FLAG_INTR;
		ret = sacc_exec_job(x, job);
		if (ret == SACC_EXEC_PAUSED) {
			/* Out of quantum, or stopped: see sacc_queue_pause(). */
			sacc_queue_paused(queue);
			return;
		}
		queue->job_active = false;
		res = job->progress.res;
		res.error = ret;
		/*
		 * Even when an element of a BATCH failed for its record: the BATCH's
		 * own completion address was checked when it was fetched.
		 */
		cerr = sacc_exec_complete(x, &job->d, &res);
		err = ret ?: cerr;
finish:
		spin_lock(&smdev->lock);
		sacc_queue_finish(smdev, queue, queue->job_era, head, size,
				  job->intr + (intr && !err), err, job);
		spin_unlock(&smdev->lock);
		if (err)
			return;
	}
}

/*
 * The next queue to run: of the instance that has had the least service for its
 * weight (the smallest virtual time), the first in line.
 */
static struct sacc_queue *sacc_engine_next(struct sacc_engine *e)
{
	struct sacc_queue *queue = NULL, *q;

	spin_lock(&e->lock);
	list_for_each_entry(q, &e->runlist, node)
		if (!queue || q->smdev->vtime < queue->smdev->vtime)
			queue = q;
	if (queue) {
		list_del(&queue->node);
		queue->queued = false;
		queue->running = true;
		e->vclock = max(e->vclock, queue->smdev->vtime);
	}
	spin_unlock(&e->lock);
	return queue;
}

/* A turn of @queue is over: charge its instance @work bytes for its weight. */
/*
 * A turn of @queue is over (instance lock held): charge its instance @work bytes
 * for its weight, and put the queue back in line at once if it has work left. The
 * instance stays busy then: only an instance that really had nothing to do is
 * moved up to the current virtual time when it comes back (sacc_engine_kick()).
 */
static void sacc_engine_charge(struct sacc_engine *e, struct sacc_queue *queue, long work)
{
	struct sacc_mdev *smdev = queue->smdev;

	lockdep_assert_held(&smdev->lock);
	spin_lock(&e->lock);
	queue->running = false;
	smdev->vtime += (u64)max_t(long, work, SACC_EXEC_DESC_COST) * SACC_MAX_WEIGHT /
			READ_ONCE(smdev->weight);
	if (sacc_queue_runnable(smdev, queue->index)) {
		list_add_tail(&queue->node, &e->runlist);
		queue->queued = true;
	} else {
		smdev->nr_busy--;
	}
	spin_unlock(&e->lock);
}

static int sacc_engine_thread(void *data)
{
	struct sacc_engine_thread *t = data;
	struct sacc_engine *e = t->engine;
	struct sacc_queue *queue;

	while (!kthread_should_stop()) {
		queue = NULL;
		/* Interruptible: an idle engine is not a hung task. Exclusive: a
		 * doorbell wakes one engine.
		 */
		wait_event_interruptible_exclusive(e->wq, kthread_should_stop() ||
						   (queue = sacc_engine_next(e)));
		if (!queue)
			continue;
		t->x.budget = SACC_QUANTUM_BYTES;
		sacc_queue_run(queue, &t->x);

		spin_lock(&queue->smdev->lock);
		sacc_engine_charge(e, queue, SACC_QUANTUM_BYTES - t->x.budget);
		sacc_engine_kick(queue->smdev);		/* its other queues */
		spin_unlock(&queue->smdev->lock);
		wake_up(&e->idle);
		cond_resched();
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
		t->x.bounce[0] = kvmalloc(SACC_DMA_WINDOW_BYTES, GFP_KERNEL);
		t->x.bounce[1] = kvmalloc(SACC_DMA_WINDOW_BYTES, GFP_KERNEL);
		if (!t->x.bounce[0] || !t->x.bounce[1])
			goto stop;
		t->task = kthread_run(sacc_engine_thread, t, "%s-eng%u", name, i);
		if (IS_ERR(t->task))
			goto stop;
		e->nr_threads++;
	}
	return 0;

stop:
	kvfree(e->threads[i].x.bounce[0]);
	kvfree(e->threads[i].x.bounce[1]);
	sacc_engine_stop(e);
	return -ENOMEM;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_engine_start);

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
		kvfree(t->x.bounce[0]);
		kvfree(t->x.bounce[1]);
	}
}
EXPORT_SYMBOL_IF_KUNIT(sacc_engine_stop);

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
		hrtimer_setup(&smdev->queues[q].coalesce_timer, sacc_coalesce_timeout,
			      CLOCK_MONOTONIC, HRTIMER_MODE_REL);
		INIT_WORK(&smdev->queues[q].coalesce_work, sacc_coalesce_work);
	}
}
EXPORT_SYMBOL_IF_KUNIT(sacc_queues_init);

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
		if (!smdev->queues[q].coalesced || sacc_queue_live(smdev, q))
			continue;
		sacc_queue_raise(smdev, &smdev->queues[q]);
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

	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		hrtimer_cancel(&smdev->queues[q].coalesce_timer);
		cancel_work_sync(&smdev->queues[q].coalesce_work);
	}
}

/**
 * sacc_queues_save_timers() - cancel the coalescing timers of an instance whose
 * interrupts are stopped, remembering the time each had left
 * @smdev: the instance; its lock must not be held (this waits for the timers)
 *
 * Only a timer of the current round (&sacc_queue.timer_round ==
 * &sacc_queue.coalesce_round, completions counted) is remembered, in
 * &sacc_queue.timer_left_ns; sacc_queues_restore_timers() starts it again.
 */
void sacc_queues_save_timers(struct sacc_mdev *smdev)
{
	unsigned int q;
	s64 left;

	spin_lock(&smdev->lock);
	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		struct sacc_queue *queue = &smdev->queues[q];

		queue->timer_saved = queue->coalesced &&
				     queue->timer_round == queue->coalesce_round;
		left = ktime_to_ns(hrtimer_get_remaining(&queue->coalesce_timer));
		queue->timer_left_ns = queue->timer_saved ? max_t(s64, left, 0) : 0;
	}
	spin_unlock(&smdev->lock);
	/* A timer that fired meanwhile raised its cause: its round is over. */
	sacc_queues_stop_timers(smdev);
}

/**
 * sacc_queues_restore_timers() - start again the timers sacc_queues_save_timers()
 * (or a migration stream) left, with the time they had left
 * @smdev: the instance, with @smdev->lock held
 *
 * A timer whose round ended meanwhile (a reset) is forgotten; one with no time left
 * raises its cause at once.
 */
void sacc_queues_restore_timers(struct sacc_mdev *smdev)
{
	bool raised = false;
	unsigned int q;

	lockdep_assert_held(&smdev->lock);
	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		struct sacc_queue *queue = &smdev->queues[q];

		if (!queue->timer_saved)
			continue;
		queue->timer_saved = false;
		if (!queue->coalesced || queue->timer_round != queue->coalesce_round)
			continue;
		if (!queue->timer_left_ns) {
			sacc_queue_raise(smdev, queue);
			raised = true;
			continue;
		}
		hrtimer_start(&queue->coalesce_timer, ns_to_ktime(queue->timer_left_ns),
			      HRTIMER_MODE_REL);
	}
	if (raised)
		sacc_irq_update(smdev);
}
