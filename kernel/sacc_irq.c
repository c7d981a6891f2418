// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - interrupts of an instance, delivered to its VFIO user through eventfds.
 *
 * The function has one interrupt shared by all its causes: MSI vector 0 or INTx
 * pin A, whichever the user enabled with VFIO_DEVICE_SET_IRQS. MSI is an edge: it is
 * signalled when a cause becomes pending and unmasked. INTx is a level: it is
 * signalled once when it asserts, then stays automasked until the user unmasks it,
 * and is signalled again at the unmask if still asserted. Two more eventfds reach
 * the user: ERR on a fatal error, REQ when the host wants the device back.
 */
#include <linux/eventfd.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "sacc.h"

/**
 * sacc_irq_init() - an instance's interrupt state, with nothing wired
 * @irq: the state
 */
void sacc_irq_init(struct sacc_irq *irq)
{
	memset(irq, 0, sizeof(*irq));
	irq->mode = -1;
}

/**
 * sacc_irq_update() - deliver what the register state asks for
 * @smdev: the instance, with @smdev->lock held
 *
 * Called after anything that can change the pending causes, the mask, the INTx
 * disable bit or the wiring.
 */
void sacc_irq_update(struct sacc_mdev *smdev)
{
	struct sacc_irq *irq = &smdev->irq;
	u32 pending = sacc_regs_pending(&smdev->regs);
	bool asserted = pending && !sacc_cfg_intx_disabled(&smdev->cfg);

	lockdep_assert_held(&smdev->lock);
	if (irq->stopped)
		return;		/* delivered by sacc_irq_start() */
	if (irq->mode == VFIO_PCI_MSI_IRQ_INDEX) {
		if (pending & ~irq->msi_sent)
			eventfd_signal(irq->msi);
		irq->msi_sent = pending;
		sacc_cfg_set_intx_pending(&smdev->cfg, false);
		return;
	}

	sacc_cfg_set_intx_pending(&smdev->cfg, asserted);
	if (irq->mode == VFIO_PCI_INTX_IRQ_INDEX && asserted && !irq->intx_masked) {
		eventfd_signal(irq->intx);
		irq->intx_masked = true;
	}
}

/**
 * sacc_irq_stop() - deliver nothing until sacc_irq_start() (migration: STOP)
 * @smdev: the instance, with @smdev->lock held
 *
 * The register state goes on changing (a cause raised now stays pending); only the
 * eventfds and the INTx status bit of the configuration space stay as they are.
 */
void sacc_irq_stop(struct sacc_mdev *smdev)
{
	lockdep_assert_held(&smdev->lock);
	smdev->irq.stopped = true;
}

/**
 * sacc_irq_start() - deliver again, and at once every pending unmasked cause
 * @smdev: the instance, with @smdev->lock held
 *
 * The edge and automask state is forgotten: a cause announced before the stop is
 * announced again (at most one duplicate interrupt), so that none is lost, also on
 * a destination, whose edge state did not travel.
 */
void sacc_irq_start(struct sacc_mdev *smdev)
{
	lockdep_assert_held(&smdev->lock);
	smdev->irq.stopped = false;
	smdev->irq.msi_sent = 0;
	smdev->irq.intx_masked = false;
	sacc_irq_update(smdev);
}

/**
 * sacc_irq_fatal() - tell the user the function hit a fatal error
 * @smdev: the instance, with @smdev->lock held
 */
void sacc_irq_fatal(struct sacc_mdev *smdev)
{
	lockdep_assert_held(&smdev->lock);
	if (smdev->irq.err && !smdev->irq.stopped)
		eventfd_signal(smdev->irq.err);
}

/**
 * sacc_irq_request() - ask the user to release the device
 * @smdev: the instance
 *
 * Return: true if the user has a REQ eventfd and was asked.
 */
bool sacc_irq_request(struct sacc_mdev *smdev)
{
	bool asked = false;

	spin_lock(&smdev->lock);
	if (smdev->irq.req) {
		eventfd_signal(smdev->irq.req);
		asked = true;
	}
	spin_unlock(&smdev->lock);
	return asked;
}

/**
 * sacc_irq_info() - VFIO_DEVICE_GET_IRQ_INFO for one index
 * @info: index in, count and flags out
 *
 * Return: 0, or -EINVAL for an index beyond VFIO_PCI_NUM_IRQS.
 */
int sacc_irq_info(struct vfio_irq_info *info)
{
	switch (info->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		info->count = 1;
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_AUTOMASKED;
		return 0;
	case VFIO_PCI_MSI_IRQ_INDEX:
		info->count = 1;
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
		return 0;
	case VFIO_PCI_ERR_IRQ_INDEX:
	case VFIO_PCI_REQ_IRQ_INDEX:
		info->count = 1;
		info->flags = VFIO_IRQ_INFO_EVENTFD;
		return 0;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		info->count = 0;
		info->flags = 0;
		return 0;
	}
	return -EINVAL;
}

static struct eventfd_ctx **sacc_irq_slot(struct sacc_irq *irq, unsigned int index)
{
	switch (index) {
	case VFIO_PCI_INTX_IRQ_INDEX:	return &irq->intx;
	case VFIO_PCI_MSI_IRQ_INDEX:	return &irq->msi;
	case VFIO_PCI_ERR_IRQ_INDEX:	return &irq->err;
	case VFIO_PCI_REQ_IRQ_INDEX:	return &irq->req;
	}
	return NULL;
}

/*
 * Wire @fd (-1: unwire) to an index. INTx and MSI exclude each other: wiring one
 * while the other is wired fails with -EINVAL.
 */
static int sacc_irq_set_eventfd(struct sacc_mdev *smdev, unsigned int index, int fd)
{
	struct sacc_irq *irq = &smdev->irq;
	bool exclusive = index == VFIO_PCI_INTX_IRQ_INDEX ||
			 index == VFIO_PCI_MSI_IRQ_INDEX;
	struct eventfd_ctx *ctx = NULL, *old;
	struct eventfd_ctx **slot;

	if (fd >= 0) {
		ctx = eventfd_ctx_fdget(fd);
		if (IS_ERR(ctx))
			return PTR_ERR(ctx);
	} else if (fd != -1) {
		return -EINVAL;
	}

	spin_lock(&smdev->lock);
	if (ctx && exclusive && irq->mode >= 0 && irq->mode != index) {
		spin_unlock(&smdev->lock);
		eventfd_ctx_put(ctx);
		return -EINVAL;
	}
	slot = sacc_irq_slot(irq, index);
	old = *slot;
	*slot = ctx;
	if (exclusive && (ctx || irq->mode == (int)index)) {
		irq->mode = ctx ? index : -1;
		irq->intx_masked = false;
		irq->msi_sent = 0;	/* a newly wired MSI announces what is pending */
		sacc_irq_update(smdev);
	}
	spin_unlock(&smdev->lock);

	if (old)
		eventfd_ctx_put(old);
	return 0;
}

/* DATA_NONE, or DATA_BOOL with a true value: an action applies. */
static bool sacc_irq_data_true(const struct vfio_irq_set *hdr, const void *data)
{
	if (hdr->flags & VFIO_IRQ_SET_DATA_BOOL)
		return *(const u8 *)data;
	return true;
}

static int sacc_irq_trigger(struct sacc_mdev *smdev, struct vfio_irq_set *hdr,
			    void *data)
{
	struct eventfd_ctx **slot;

	if (!hdr->count) {
		/* Only DATA_NONE with count 0 means something: unwire the index. */
		if (!(hdr->flags & VFIO_IRQ_SET_DATA_NONE))
			return -EINVAL;
		return sacc_irq_set_eventfd(smdev, hdr->index, -1);
	}
	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return sacc_irq_set_eventfd(smdev, hdr->index, *(s32 *)data);

	/* A loopback trigger: signal the eventfd as the device would. */
	if (sacc_irq_data_true(hdr, data)) {
		spin_lock(&smdev->lock);
		slot = sacc_irq_slot(&smdev->irq, hdr->index);
		if (*slot)
			eventfd_signal(*slot);
		spin_unlock(&smdev->lock);
	}
	return 0;
}

static int sacc_irq_intx_mask(struct sacc_mdev *smdev, struct vfio_irq_set *hdr,
			      void *data, bool mask)
{
	/* Unmask through an eventfd (irqfd) is not offered: the user unmasks by ioctl. */
	if (hdr->flags & VFIO_IRQ_SET_DATA_EVENTFD || !hdr->count)
		return -EINVAL;
	if (!sacc_irq_data_true(hdr, data))
		return 0;

	spin_lock(&smdev->lock);
	if (smdev->irq.mode == VFIO_PCI_INTX_IRQ_INDEX) {
		smdev->irq.intx_masked = mask;
		if (!mask)
			sacc_irq_update(smdev);
	}
	spin_unlock(&smdev->lock);
	return 0;
}

/**
 * sacc_irq_set() - VFIO_DEVICE_SET_IRQS, after vfio_set_irqs_validate_and_prepare()
 * @smdev: the instance
 * @hdr: the validated header
 * @data: hdr->count booleans or eventfds, as @hdr->flags says, or NULL
 *
 * Return: 0 or a negative errno; -EINVAL for what the function does not support.
 */
int sacc_irq_set(struct sacc_mdev *smdev, struct vfio_irq_set *hdr, void *data)
{
	u32 action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;

	if (hdr->index == VFIO_PCI_MSIX_IRQ_INDEX || hdr->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	if (hdr->start != 0)
		return -EINVAL;

	switch (action) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		return sacc_irq_trigger(smdev, hdr, data);
	case VFIO_IRQ_SET_ACTION_MASK:
	case VFIO_IRQ_SET_ACTION_UNMASK:
		if (hdr->index != VFIO_PCI_INTX_IRQ_INDEX)
			return -EINVAL;
		return sacc_irq_intx_mask(smdev, hdr, data,
					  action == VFIO_IRQ_SET_ACTION_MASK);
	}
	return -EINVAL;
}

/**
 * sacc_irq_release() - unwire every eventfd (the user closed the device)
 * @smdev: the instance
 */
void sacc_irq_release(struct sacc_mdev *smdev)
{
	struct sacc_irq old;

	spin_lock(&smdev->lock);
	old = smdev->irq;
	sacc_irq_init(&smdev->irq);
	spin_unlock(&smdev->lock);

	if (old.intx)
		eventfd_ctx_put(old.intx);
	if (old.msi)
		eventfd_ctx_put(old.msi);
	if (old.err)
		eventfd_ctx_put(old.err);
	if (old.req)
		eventfd_ctx_put(old.req);
}
