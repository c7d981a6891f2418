// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - live migration of an instance: the device side of the VFIO migration
 * uAPI v2 (VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P) and its data files.
 *
 * The states, as the device keeps them (docs/device-spec.md, 16):
 *
 *   RUNNING      the device as always; a freshly opened device is RUNNING
 *   RUNNING_P2P  the engine is frozen (sacc_engine_freeze()): no DMA, each queue's
 *                paused descriptor keeps its checkpoint; register accesses and
 *                interrupts go on (a doorbell only moves Q_TAIL)
 *   STOP         also no interrupt (sacc_irq_stop()), the coalescing timers
 *                cancelled with the time they had left; nothing of the device
 *                changes but by the user's own accesses
 *   STOP_COPY    STOP, and a data file to read the stream (sacc_mig_stream.c) of
 *                the state taken on entry; device memory is read as the stream
 *                is drained
 *   RESUMING     the function was reset (configuration space included); a data
 *                file takes in a stream, checked as it arrives; the arc to STOP
 *                fails unless the stream was complete, and applies it
 *   ERROR        a stream that could not be applied; VFIO_DEVICE_RESET leaves it
 *
 * The VFIO core validates the requested state; the driver walks to it one arc at
 * a time (vfio_mig_get_next_state()), as the mtty sample does. VFIO_DEVICE_RESET
 * and close_device bring the device back to RUNNING from any state and disable
 * the data files: a disabled file returns -ENODEV and touches nothing of the
 * instance, so it needs no reference on it.
 *
 * Lock order: &sacc_mig.lock, then a data file's lock, then the instance's lock
 * (then the parent's engine lock, sacc_engine.c).
 */
#include <linux/anon_inodes.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "sacc.h"
#include "sacc_mig_stream.h"

/* What a write to the resuming file copies from the user at a time. */
#define SACC_MIG_CHUNK		PAGE_SIZE

/**
 * struct sacc_mig_file - a data file of STOP_COPY or RESUMING
 * @filp: the anonymous file; the instance holds a reference while the file is
 *        &sacc_mig.saving or &sacc_mig.resuming
 * @lock: serialises reads or writes with each other and with @disabled
 * @disabled: the device left the file's state (or was reset or closed): reads
 *            and writes return -ENODEV
 * @resuming: a RESUMING file (@p), not a STOP_COPY one (@w)
 * @st: the snapshot read out or parsed into; its device memory is the
 *      instance's own, reached only while not @disabled
 * @w: STOP_COPY: the stream writer
 * @p: RESUMING: the stream parser
 * @chunk: RESUMING: SACC_MIG_CHUNK bytes, what a write copies from the user
 */
struct sacc_mig_file {
	struct file *filp;
	/* see @lock above */
	struct mutex lock;
	bool disabled;
	bool resuming;
	struct sacc_mig_state *st;
	union {
		struct sacc_mig_writer w;
		struct sacc_mig_parser p;
	};
	void *chunk;
};

static struct sacc_mdev *to_sacc_mdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct sacc_mdev, vdev);
}

static struct sacc_mig_file *sacc_mig_file_alloc(void)
{
	struct sacc_mig_file *f;

	f = kzalloc(sizeof(*f), GFP_KERNEL_ACCOUNT);
	if (!f)
		return NULL;
	f->st = kzalloc(sizeof(*f->st), GFP_KERNEL_ACCOUNT);
	if (!f->st) {
		kfree(f);
		return NULL;
	}
	mutex_init(&f->lock);
	return f;
}

static void sacc_mig_file_free(struct sacc_mig_file *f)
{
	mutex_destroy(&f->lock);
	kfree(f->chunk);
	kfree(f->st);
	kfree(f);
}

static int sacc_mig_release(struct inode *inode, struct file *filp)
{
	struct sacc_mig_file *f = filp->private_data;

	if (f->resuming)
		sacc_mig_parser_destroy(&f->p);
	else
		sacc_mig_writer_destroy(&f->w);
	sacc_mig_file_free(f);
	return 0;
}

static ssize_t sacc_mig_read(struct file *filp, char __user *buf, size_t len,
			     loff_t *pos)
{
	struct sacc_mig_file *f = filp->private_data;
	const void *data;
	ssize_t done = 0;
	size_t n;

	if (pos)
		return -ESPIPE;
	mutex_lock(&f->lock);
	if (f->disabled) {
		done = -ENODEV;
		goto unlock;
	}
	while (len) {
		n = min(sacc_mig_writer_peek(&f->w, &data), len);
		if (!n)
			break;		/* the end of the stream */
		if (copy_to_user(buf, data, n)) {
			done = done ?: -EFAULT;
			break;
		}
		sacc_mig_writer_consume(&f->w, n);
		buf += n;
		len -= n;
		done += n;
	}
unlock:
	mutex_unlock(&f->lock);
	return done;
}

static ssize_t sacc_mig_write(struct file *filp, const char __user *buf, size_t len,
			      loff_t *pos)
{
	struct sacc_mig_file *f = filp->private_data;
	ssize_t done = 0, ret = 0;
	size_t n;

	if (pos)
		return -ESPIPE;
	mutex_lock(&f->lock);
	if (f->disabled) {
		ret = -ENODEV;
		goto unlock;
	}
	while (len) {
		n = min_t(size_t, len, SACC_MIG_CHUNK);
		if (copy_from_user(f->chunk, buf, n)) {
			ret = -EFAULT;
			break;
		}
		/* Every byte is checked: a refused stream fails every later write too. */
		ret = sacc_mig_parser_feed(&f->p, f->chunk, n);
		if (ret < 0)
			break;
		buf += n;
		len -= n;
		done += n;
	}
unlock:
	mutex_unlock(&f->lock);
	return done ?: ret;
}

static const struct file_operations sacc_mig_save_fops = {
	.owner = THIS_MODULE,
	.read = sacc_mig_read,
	.release = sacc_mig_release,
};

static const struct file_operations sacc_mig_resume_fops = {
	.owner = THIS_MODULE,
	.write = sacc_mig_write,
	.release = sacc_mig_release,
};

/* The anonymous file of @f; from here on its release frees @f. */
static int sacc_mig_file_open(struct sacc_mig_file *f, const struct file_operations *fops,
			      int flags)
{
	f->filp = anon_inode_getfile("sacc_mig", fops, f, flags);
	if (IS_ERR(f->filp))
		return PTR_ERR(f->filp);
	stream_open(f->filp->f_inode, f->filp);
	return 0;
}

/*
 * What the stream carries of a frozen, stopped instance, but for its device
 * memory. A paused descriptor is taken only if it is still the queue's: a reset
 * or disable since the freeze (generation or era changed) dropped it.
 */
static void sacc_mig_snapshot(struct sacc_mdev *smdev, struct sacc_mig_state *st)
{
	const struct sacc_regs *regs = &smdev->regs;
	unsigned int q;

	spin_lock(&smdev->lock);
	sacc_mig_identity_init(&st->id, regs, &smdev->cfg, smdev->devmem_size);
	memcpy(st->cfg, smdev->cfg.val, sizeof(st->cfg));
	st->fn.ctrl = regs->ctrl;
	st->fn.fatal = regs->fatal;
	st->fn.intr_status = regs->intr_status;
	st->fn.intr_mask = regs->intr_mask;
	st->fn.scratch = regs->scratch;
	for (q = 0; q < regs->nr_queues; q++) {
		const struct sacc_queue *queue = &smdev->queues[q];
		const struct sacc_queue_regs *qr = &regs->q[q];
		struct sacc_mig_queue *mq = &st->q[q];

		mq->regs = *qr;
		mq->regs.gen = 0;
		mq->regs.era = 0;
		mq->coalesced = queue->coalesced;
		/* A timer with no time left still raises, at once, on the destination. */
		if (queue->timer_saved && queue->coalesced &&
		    queue->timer_round == queue->coalesce_round)
			mq->timer_ns = max_t(u64, queue->timer_left_ns, 1);
		mq->job_active = queue->job_active && queue->job_gen == qr->gen &&
				 queue->job_era == qr->era;
		if (!mq->job_active)
			continue;
		mq->job_head = queue->job_head;
		mq->job_size = queue->job_size;
		mq->job = queue->job;
	}
	spin_unlock(&smdev->lock);
}

/*
 * Apply a parsed (validated) snapshot to the reset, frozen and stopped instance.
 * The queues keep their own generation and era; a paused descriptor becomes theirs.
 */
static void sacc_mig_apply(struct sacc_mdev *smdev, const struct sacc_mig_state *st)
{
	struct sacc_regs *regs = &smdev->regs;
	unsigned int q;

	spin_lock(&smdev->lock);
	memcpy(smdev->cfg.val, st->cfg, sizeof(st->cfg));
	regs->ctrl = st->fn.ctrl;
	regs->fatal = st->fn.fatal;
	regs->intr_status = st->fn.intr_status;
	regs->intr_mask = st->fn.intr_mask;
	regs->scratch = st->fn.scratch;
	for (q = 0; q < regs->nr_queues; q++) {
		const struct sacc_mig_queue *mq = &st->q[q];
		struct sacc_queue *queue = &smdev->queues[q];
		struct sacc_queue_regs *qr = &regs->q[q];
		u32 gen = qr->gen, era = qr->era;

		*qr = mq->regs;
		qr->gen = gen;
		qr->era = era;
		queue->coalesced = mq->coalesced;
		queue->coalesce_round++;
		queue->timer_round = queue->coalesce_round;
		queue->timer_saved = mq->timer_ns;
		queue->timer_left_ns = mq->timer_ns;
		queue->job_active = mq->job_active;
		if (!mq->job_active)
			continue;
		queue->job_gen = gen;
		queue->job_era = era;
		queue->job_head = mq->job_head;
		queue->job_size = mq->job_size;
		queue->job = mq->job;
	}
	spin_unlock(&smdev->lock);
}

/* STOP to STOP_COPY: a file that reads out the stream of the instance as it is. */
static struct sacc_mig_file *sacc_mig_save_file(struct sacc_mdev *smdev)
{
	struct sacc_mig_file *f;
	int ret;

	f = sacc_mig_file_alloc();
	if (!f)
		return ERR_PTR(-ENOMEM);
	sacc_mig_snapshot(smdev, f->st);
	f->st->devmem = smdev->devmem;
	ret = sacc_mig_writer_init(&f->w, f->st);
	if (ret)
		goto free_file;
	ret = sacc_mig_file_open(f, &sacc_mig_save_fops, O_RDONLY);
	if (ret)
		goto destroy_writer;
	return f;

destroy_writer:
	sacc_mig_writer_destroy(&f->w);
free_file:
	sacc_mig_file_free(f);
	return ERR_PTR(ret);
}

/* STOP to RESUMING (the instance was just reset): a file that takes in a stream. */
static struct sacc_mig_file *sacc_mig_resume_file(struct sacc_mdev *smdev)
{
	struct sacc_mig_identity id;
	struct sacc_mig_file *f;
	int ret;

	f = sacc_mig_file_alloc();
	if (!f)
		return ERR_PTR(-ENOMEM);
	f->resuming = true;
	f->chunk = kmalloc(SACC_MIG_CHUNK, GFP_KERNEL_ACCOUNT);
	if (!f->chunk) {
		ret = -ENOMEM;
		goto free_file;
	}
	spin_lock(&smdev->lock);
	sacc_mig_identity_init(&id, &smdev->regs, &smdev->cfg, smdev->devmem_size);
	spin_unlock(&smdev->lock);
	f->st->devmem = smdev->devmem;	/* zero after the reset */
	ret = sacc_mig_parser_init(&f->p, &id, f->st);
	if (ret)
		goto free_file;
	ret = sacc_mig_file_open(f, &sacc_mig_resume_fops, O_WRONLY);
	if (ret)
		goto destroy_parser;
	return f;

destroy_parser:
	sacc_mig_parser_destroy(&f->p);
free_file:
	sacc_mig_file_free(f);
	return ERR_PTR(ret);
}

/* Take the file away from its reader or writer: -ENODEV from now on. */
static void sacc_mig_file_disable(struct sacc_mig_file *f)
{
	mutex_lock(&f->lock);
	f->disabled = true;
	mutex_unlock(&f->lock);
	fput(f->filp);		/* the instance's reference */
}

static void sacc_mig_disable_files(struct sacc_mdev *smdev)
{
	struct sacc_mig *mig = &smdev->mig;

	lockdep_assert_held(&mig->lock);
	if (mig->saving) {
		sacc_mig_file_disable(mig->saving);
		mig->saving = NULL;
	}
	if (mig->resuming) {
		sacc_mig_file_disable(mig->resuming);
		mig->resuming = NULL;
	}
}

/* RESUMING to STOP: the stream must be complete; apply it. */
static int sacc_mig_load(struct sacc_mdev *smdev)
{
	struct sacc_mig_file *f = smdev->mig.resuming;
	int ret;

	mutex_lock(&f->lock);
	ret = sacc_mig_parser_finish(&f->p);
	if (!ret)
		sacc_mig_apply(smdev, f->st);
	else
		dev_info_ratelimited(smdev->vdev.dev, "migration stream refused: %s\n",
				     sacc_mig_reason_str(f->p.reason));
	mutex_unlock(&f->lock);
	return ret;
}

/* Leave any migration state: deliver interrupts again, let the engine run. */
static void sacc_mig_run(struct sacc_mdev *smdev)
{
	unsigned int q;

	spin_lock(&smdev->lock);
	for (q = 0; q < SACC_MAX_QUEUES; q++)
		smdev->queues[q].timer_saved = false;
	sacc_irq_start(smdev);
	spin_unlock(&smdev->lock);
	sacc_engine_thaw(smdev);
}

/*
 * One arc of the state machine, @smdev->mig.state to @next (an arc
 * vfio_mig_get_next_state() returned). Return: the data file of the new state,
 * NULL, or an ERR_PTR (the state has not changed, but for RESUMING to STOP).
 */
static struct file *sacc_mig_step(struct sacc_mdev *smdev,
				  enum vfio_device_mig_state next)
{
	enum vfio_device_mig_state cur = smdev->mig.state;
	struct sacc_mig_file *f;
	int ret;

	if (cur == VFIO_DEVICE_STATE_RUNNING && next == VFIO_DEVICE_STATE_RUNNING_P2P) {
		sacc_engine_freeze(smdev);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_RUNNING_P2P && next == VFIO_DEVICE_STATE_RUNNING) {
		sacc_engine_thaw(smdev);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_RUNNING_P2P && next == VFIO_DEVICE_STATE_STOP) {
		spin_lock(&smdev->lock);
		sacc_irq_stop(smdev);
		spin_unlock(&smdev->lock);
		sacc_queues_save_timers(smdev);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RUNNING_P2P) {
		spin_lock(&smdev->lock);
		sacc_queues_restore_timers(smdev);
		sacc_irq_start(smdev);
		spin_unlock(&smdev->lock);
		return NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_STOP_COPY) {
		f = sacc_mig_save_file(smdev);
		if (IS_ERR(f))
			return ERR_CAST(f);
		get_file(f->filp);	/* one for the instance, one for the core */
		smdev->mig.saving = f;
		return f->filp;
	}
	if ((cur == VFIO_DEVICE_STATE_STOP_COPY || cur == VFIO_DEVICE_STATE_RESUMING) &&
	    next == VFIO_DEVICE_STATE_STOP) {
		ret = cur == VFIO_DEVICE_STATE_RESUMING ? sacc_mig_load(smdev) : 0;
		sacc_mig_disable_files(smdev);
		return ret ? ERR_PTR(ret) : NULL;
	}
	if (cur == VFIO_DEVICE_STATE_STOP && next == VFIO_DEVICE_STATE_RESUMING) {
		sacc_mdev_reset(smdev, true);
		f = sacc_mig_resume_file(smdev);
		if (IS_ERR(f))
			return ERR_CAST(f);
		get_file(f->filp);
		smdev->mig.resuming = f;
		return f->filp;
	}
	/* vfio_mig_get_next_state() gives no other arc for these flags. */
	return ERR_PTR(-EINVAL);
}

static struct file *sacc_mig_set_state(struct vfio_device *vdev,
				       enum vfio_device_mig_state new_state)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);
	struct sacc_mig *mig = &smdev->mig;
	enum vfio_device_mig_state next;
	struct file *res = NULL;
	int ret;

	mutex_lock(&mig->lock);
	/* vfio_mig_get_next_state() warns on ERROR: only a reset leaves it. */
	if (new_state != mig->state && mig->state == VFIO_DEVICE_STATE_ERROR)
		res = ERR_PTR(-EINVAL);
	while (!res && new_state != mig->state) {
		ret = vfio_mig_get_next_state(vdev, mig->state, new_state, &next);
		if (ret) {
			res = ERR_PTR(ret);
			break;
		}
		res = sacc_mig_step(smdev, next);
		if (IS_ERR(res)) {
			/* A stream that could not be applied leaves nothing usable. */
			if (mig->state == VFIO_DEVICE_STATE_RESUMING)
				mig->state = VFIO_DEVICE_STATE_ERROR;
			break;
		}
		mig->state = next;
		/* Only the last arc of a path makes a data file. */
		if (WARN_ON(res && new_state != next)) {
			fput(res);
			res = ERR_PTR(-EINVAL);
			break;
		}
	}
	mutex_unlock(&mig->lock);
	return res;
}

static int sacc_mig_get_state(struct vfio_device *vdev,
			      enum vfio_device_mig_state *curr_state)
{
	struct sacc_mig *mig = &to_sacc_mdev(vdev)->mig;

	mutex_lock(&mig->lock);
	*curr_state = mig->state;
	mutex_unlock(&mig->lock);
	return 0;
}

/*
 * VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: the stream STOP_COPY would give now. Exact if
 * the device memory does not change before it is read.
 */
static int __maybe_unused sacc_mig_get_data_size(struct vfio_device *vdev,
						 unsigned long *stop_copy_length)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);
	struct sacc_mig_state *st;

	st = kzalloc(sizeof(*st), GFP_KERNEL_ACCOUNT);
	if (!st)
		return -ENOMEM;
	spin_lock(&smdev->lock);
	sacc_mig_identity_init(&st->id, &smdev->regs, &smdev->cfg, smdev->devmem_size);
	spin_unlock(&smdev->lock);
	st->devmem = smdev->devmem;
	*stop_copy_length = sacc_mig_stream_size(st);
	kfree(st);
	return 0;
}

static const struct vfio_migration_ops sacc_mig_ops = {
	.migration_set_state = sacc_mig_set_state,
	.migration_get_state = sacc_mig_get_state,
	SACC_MIG_DATA_SIZE_OP
};

/**
 * sacc_mig_init() - an instance that can migrate, in state RUNNING
 * @smdev: the instance, before its VFIO device is registered
 */
void sacc_mig_init(struct sacc_mdev *smdev)
{
	mutex_init(&smdev->mig.lock);
	smdev->mig.state = VFIO_DEVICE_STATE_RUNNING;
	smdev->vdev.migration_flags = VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P;
	smdev->vdev.mig_ops = &sacc_mig_ops;
}

/**
 * sacc_mig_destroy() - undo sacc_mig_init()
 * @smdev: the instance, released
 */
void sacc_mig_destroy(struct sacc_mdev *smdev)
{
	mutex_destroy(&smdev->mig.lock);
}

/**
 * sacc_mig_reset() - VFIO_DEVICE_RESET: reset the function and leave any
 * migration state, back to RUNNING; cannot fail
 * @smdev: the instance, open
 */
void sacc_mig_reset(struct sacc_mdev *smdev)
{
	struct sacc_mig *mig = &smdev->mig;

	mutex_lock(&mig->lock);
	sacc_mig_disable_files(smdev);
	sacc_mdev_reset(smdev, true);
	if (mig->state != VFIO_DEVICE_STATE_RUNNING)
		sacc_mig_run(smdev);
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	mutex_unlock(&mig->lock);
}

/**
 * sacc_mig_close() - close_device: disable the data files, back to RUNNING for
 * the next user
 * @smdev: the instance, before its engine is stopped and its memory freed
 *
 * Nothing is delivered or kicked: the device is going away from its user.
 */
void sacc_mig_close(struct sacc_mdev *smdev)
{
	struct sacc_mig *mig = &smdev->mig;
	unsigned int q;

	mutex_lock(&mig->lock);
	sacc_mig_disable_files(smdev);
	spin_lock(&smdev->lock);
	smdev->frozen = false;
	smdev->irq.stopped = false;
	for (q = 0; q < SACC_MAX_QUEUES; q++)
		smdev->queues[q].timer_saved = false;
	spin_unlock(&smdev->lock);
	mig->state = VFIO_DEVICE_STATE_RUNNING;
	mutex_unlock(&mig->lock);
}
