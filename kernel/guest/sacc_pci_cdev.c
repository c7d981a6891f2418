// SPDX-License-Identifier: GPL-2.0
/*
 * sacc_pci - /dev/saccN: the ioctl interface (kernel/uapi/sacc_job.h).
 *
 * A job on user memory runs in rounds of at most the bounce buffer size: the
 * user's source bytes are copied into the queue's source bounce buffer (and the
 * second source into the destination bounce buffer for COMPARE), one descriptor
 * runs on the bounce buffers, and the destination bounce buffer is copied back
 * to the user for COPY and FILL. The device only ever sees the driver's own DMA
 * memory, so any user address and alignment works, and a COPY whose user ranges
 * overlap behaves like memmove(): the rounds go backwards when the destination
 * lies above the source.
 *
 * An open file holds a reference on struct sacc_pci; after the device was removed
 * its ioctls fail with -ENODEV and close still works.
 */
#include <linux/compat.h>
#include <linux/fs.h>
#include <linux/minmax.h>
#include <linux/miscdevice.h>
#include <linux/sched/signal.h>
#include <linux/uaccess.h>

#include "sacc_pci.h"

/* A job's op goes into the descriptor as it is: the two sets of numbers are one. */
static_assert(SACC_JOB_OP_COPY == SACC_OP_COPY);
static_assert(SACC_JOB_OP_FILL == SACC_OP_FILL);
static_assert(SACC_JOB_OP_COMPARE == SACC_OP_COMPARE);
static_assert(SACC_JOB_OP_CRC32C == SACC_OP_CRC32C);

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

/*
 * Run a checked job on a locked queue, round by round. On failure the job's
 * output fields say what the device reported; the user's destination may hold
 * the results of the rounds that completed.
 */
static int sacc_job_run(struct sacc_pci_queue *q, struct sacc_job *job)
{
	const u32 bsz = q->sp->bounce_size, len = job->len;
	const u32 rounds = DIV_ROUND_UP(len, bsz);
	/* COPY onto an overlapping range above the source: last round first. */
	const bool backward = job->op == SACC_JOB_OP_COPY && job->dst > job->src &&
			      job->dst - job->src < len;
	u64 pattern = job->op == SACC_JOB_OP_COPY ? 0 : job->pattern;
	u32 i, off, n;
	u64 result;
	int ret;

	if (job->op == SACC_JOB_OP_COMPARE)
		job->result = ~0ULL;
	for (i = 0; i < rounds; i++) {
		off = (backward ? rounds - 1 - i : i) * bsz;
		n = min(bsz, len - off);
		if (i && fatal_signal_pending(current))
			return -EINTR;

		switch (job->op) {
		case SACC_JOB_OP_COMPARE:
			if (copy_from_user(q->dst, u64_to_user_ptr(job->dst + off), n))
				return -EFAULT;
			fallthrough;
		case SACC_JOB_OP_COPY:
		case SACC_JOB_OP_CRC32C:
			if (copy_from_user(q->src, u64_to_user_ptr(job->src + off), n))
				return -EFAULT;
			break;
		}

		/* FILL rounds start at multiples of 8: the pattern keeps its phase. */
		ret = sacc_queue_run(q, job->op, n, pattern, &result, job);
		if (ret)
			return ret;

		switch (job->op) {
		case SACC_JOB_OP_COPY:
		case SACC_JOB_OP_FILL:
			if (copy_to_user(u64_to_user_ptr(job->dst + off), q->dst, n))
				return -EFAULT;
			break;
		case SACC_JOB_OP_COMPARE:
			if (result == ~0ULL)
				break;
			if (result >= n) {
				dev_warn_ratelimited(&q->sp->pdev->dev,
						     "%s: COMPARE of %u bytes reported offset %llu\n",
						     q->sp->name, n, result);
				job->fault = SACC_JOB_FAULT_ERROR;
				return -EIO;
			}
			job->result = off + result;
			return 0;	/* the first difference ends the job */
		case SACC_JOB_OP_CRC32C:
			/* Chaining: this round's CRC seeds the next one. */
			pattern = result & 0xffffffff;
			job->result = pattern;
			break;
		}
	}
	return 0;
}

static long sacc_cdev_submit(struct sacc_pci *sp, struct sacc_job __user *arg)
{
	struct sacc_pci_queue *q;
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
	q = sacc_queue_acquire(sp);
	if (IS_ERR(q)) {
		ret = PTR_ERR(q);
		if (ret == -ENODEV)
			job.fault = SACC_JOB_FAULT_GONE;
		goto exit;
	}
	job.queue = q->index;
	ret = sacc_job_run(q, &job);
	sacc_queue_release(q);

	if (!ret)
		atomic64_inc(&sp->stats.jobs);
	else if (job.fault == SACC_JOB_FAULT_ERROR || job.fault == SACC_JOB_FAULT_FATAL)
		atomic64_inc(&sp->stats.errors);
exit:
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
