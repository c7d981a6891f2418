// SPDX-License-Identifier: GPL-2.0
/*
 * sacc_pci - guest driver for the sacc sample accelerator (PCI 1234:5acc).
 *
 * The PCI side: probe, remove, shutdown, the interrupt handler, the sysfs
 * counters and the lifetime of struct sacc_pci. Queues and jobs are in
 * sacc_pci_queue.c, the character device in sacc_pci_cdev.c, and
 * docs/guest-driver.md describes the whole.
 *
 * Probe brings the function up completely (reset, rings, bounce buffers, queues,
 * interrupt) before it registers /dev/saccN, so userspace never sees a
 * half-initialised device. Remove unregisters /dev/saccN first, makes every
 * ioctl still inside the driver leave with -ENODEV, then stops the device and
 * frees what it could reach. Files that stay open keep struct sacc_pci (not the
 * device's memory) alive until they are closed.
 */
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/idr.h>
#include <linux/interrupt.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sacc_pci.h"

static DEFINE_IDA(sacc_pci_ida);

static void sacc_pci_release(struct kref *kref)
{
	struct sacc_pci *sp = container_of(kref, struct sacc_pci, kref);
	unsigned int q;

	for (q = 0; q < SACC_MAX_QUEUES; q++)
		mutex_destroy(&sp->queues[q].lock);
	kfree(sp);
}

/**
 * sacc_pci_get() - take a reference on a function's structure
 * @sp: the function; the caller already holds a reference or knows that the
 *	driver's reference cannot go away meanwhile
 */
void sacc_pci_get(struct sacc_pci *sp)
{
	kref_get(&sp->kref);
}

/**
 * sacc_pci_put() - drop a reference; the last one frees the structure
 * @sp: the function
 */
void sacc_pci_put(struct sacc_pci *sp)
{
	kref_put(&sp->kref, sacc_pci_release);
}

/**
 * sacc_pci_enter() - start using the device from an ioctl
 * @sp: the function
 *
 * On success the registers and the DMA memory stay valid until
 * sacc_pci_exit(): remove waits for it.
 *
 * Return: 0; -ENODEV when the device was removed, shut down or is gone;
 * -EINTR on a fatal signal.
 */
int sacc_pci_enter(struct sacc_pci *sp)
{
	if (down_read_killable(&sp->life_lock))
		return -EINTR;
	if (sacc_pci_unusable(sp)) {
		up_read(&sp->life_lock);
		return -ENODEV;
	}
	return 0;
}

/**
 * sacc_pci_exit() - stop using the device
 * @sp: the function, after a successful sacc_pci_enter()
 */
void sacc_pci_exit(struct sacc_pci *sp)
{
	up_read(&sp->life_lock);
}

/**
 * sacc_pci_mark_gone() - a register read all-ones: the device disappeared
 * @sp: the function
 *
 * Every later job fails with -ENODEV and every waiter wakes up. May be called
 * from the interrupt handler.
 */
void sacc_pci_mark_gone(struct sacc_pci *sp)
{
	if (test_and_set_bit(SACC_PCI_GONE, &sp->flags))
		return;
	dev_warn(&sp->pdev->dev, "%s: the device does not answer (registers read all-ones)\n",
		 sp->name);
	sacc_queues_wake_all(sp);
}

/*
 * Every cause of the function shares this interrupt; with INTx the line may be
 * shared with other devices. Acknowledge what is pending and wake the waiters;
 * the waiters do the rest (recovery included) in process context.
 */
static irqreturn_t sacc_pci_irq(int irq, void *data)
{
	struct sacc_pci *sp = data;
	struct sacc_pci_queue *q;
	unsigned int i;
	u32 status;

	status = sacc_rd(sp, SACC_REG_INTR_STATUS);
	if (!status)
		return IRQ_NONE;
	if (sacc_reg_gone(status)) {
		sacc_pci_mark_gone(sp);
		return IRQ_NONE;
	}
	sacc_wr(sp, SACC_REG_INTR_STATUS, status);
	atomic64_inc(&sp->stats.interrupts);

	for (i = 0; i < sp->nr_queues; i++) {
		q = &sp->queues[i];
		if ((status & SACC_INTR_ERROR) &&
		    (sacc_qrd(q, SACC_Q_STATUS) & SACC_Q_STATUS_HALTED)) {
			set_bit(SACC_QEV_HALTED, &q->events);
			wake_up(&q->wq);
		} else if (status & SACC_INTR_QUEUE(i)) {
			wake_up(&q->wq);
		}
	}
	return IRQ_HANDLED;
}

/* Read-only counters on the PCI device, for tests and administrators. */
static struct sacc_pci *dev_to_sacc(struct device *dev)
{
	return pci_get_drvdata(to_pci_dev(dev));
}

static ssize_t sacc_stat_show(char *buf, atomic64_t *counter)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(counter));
}

static ssize_t jobs_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sacc_stat_show(buf, &dev_to_sacc(dev)->stats.jobs);
}
static DEVICE_ATTR_RO(jobs);

static ssize_t descriptors_show(struct device *dev, struct device_attribute *attr,
				char *buf)
{
	return sacc_stat_show(buf, &dev_to_sacc(dev)->stats.descriptors);
}
static DEVICE_ATTR_RO(descriptors);

static ssize_t bytes_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sacc_stat_show(buf, &dev_to_sacc(dev)->stats.bytes);
}
static DEVICE_ATTR_RO(bytes);

static ssize_t errors_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sacc_stat_show(buf, &dev_to_sacc(dev)->stats.errors);
}
static DEVICE_ATTR_RO(errors);

static ssize_t timeouts_show(struct device *dev, struct device_attribute *attr,
			     char *buf)
{
	return sacc_stat_show(buf, &dev_to_sacc(dev)->stats.timeouts);
}
static DEVICE_ATTR_RO(timeouts);

static ssize_t queues_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_sacc(dev)->nr_queues);
}
static DEVICE_ATTR_RO(queues);

static struct attribute *sacc_pci_attrs[] = {
	&dev_attr_jobs.attr,
	&dev_attr_descriptors.attr,
	&dev_attr_bytes.attr,
	&dev_attr_errors.attr,
	&dev_attr_timeouts.attr,
	&dev_attr_queues.attr,
	NULL
};
ATTRIBUTE_GROUPS(sacc_pci);

/* Map BAR0 and check that this is a sacc with a register interface we know. */
static int sacc_pci_map(struct pci_dev *pdev, void __iomem **regs)
{
	u32 id, version;

	*regs = pcim_iomap_region(pdev, SACC_BAR_REGS, KBUILD_MODNAME);
	if (IS_ERR(*regs)) {
		dev_err(&pdev->dev, "cannot map BAR%d: %pe\n", SACC_BAR_REGS, *regs);
		return PTR_ERR(*regs);
	}
	if (pci_resource_len(pdev, SACC_BAR_REGS) < SACC_REGS_SIZE) {
		dev_err(&pdev->dev, "BAR%d is %llu bytes, expected %u\n", SACC_BAR_REGS,
			(unsigned long long)pci_resource_len(pdev, SACC_BAR_REGS),
			SACC_REGS_SIZE);
		return -ENODEV;
	}
	id = readl(*regs + SACC_REG_ID);
	if (id != SACC_ID_MAGIC) {
		dev_err(&pdev->dev, "ID register reads %#010x, expected %#010x: not a sacc\n",
			id, SACC_ID_MAGIC);
		return -ENODEV;
	}
	version = readl(*regs + SACC_REG_VERSION);
	if (version >> 16 != SACC_VERSION >> 16) {
		dev_err(&pdev->dev, "VERSION register reads %#010x: interface %u.%u, this driver knows %u.x\n",
			version, version >> 16, version & 0xffff, SACC_VERSION >> 16);
		return -ENODEV;
	}
	return 0;
}

static int sacc_pci_set_dma_mask(struct pci_dev *pdev)
{
	int ret;

	ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		ret = dma_set_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(32));
	if (ret)
		dev_err(&pdev->dev, "no usable DMA addressing (64 or 32 bits): %d\n", ret);
	return ret;
}

static int sacc_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct sacc_pci *sp;
	void __iomem *regs;
	unsigned int nr_queues;
	u32 caps;
	int ret;

	ret = pcim_enable_device(pdev);
	if (ret) {
		dev_err(&pdev->dev, "cannot enable the device: %d\n", ret);
		return ret;
	}
	ret = sacc_pci_map(pdev, &regs);
	if (ret)
		return ret;
	ret = sacc_pci_set_dma_mask(pdev);
	if (ret)
		return ret;
	pci_set_master(pdev);
	/* Pinned user pages may merge up to what one descriptor takes. */
	dma_set_max_seg_size(&pdev->dev, SACC_DESC_MAX_LEN);

	/* Start from a clean function whatever the previous owner left. */
	writel(SACC_CTRL_RESET, regs + SACC_REG_CTRL);
	caps = readl(regs + SACC_REG_CAPS);
	nr_queues = caps & SACC_CAPS_NR_QUEUES_MASK;
	if (!nr_queues || nr_queues > SACC_MAX_QUEUES) {
		dev_err(&pdev->dev, "CAPS reads %#010x: %u queues, this driver handles 1 to %u\n",
			caps, nr_queues, SACC_MAX_QUEUES);
		return -ENODEV;
	}

	sp = kzalloc(sizeof(*sp), GFP_KERNEL);
	if (!sp)
		return -ENOMEM;
	kref_init(&sp->kref);
	init_rwsem(&sp->life_lock);
	init_rwsem(&sp->reset_lock);
	spin_lock_init(&sp->parked_lock);
	INIT_LIST_HEAD(&sp->parked);
	sp->pdev = pdev;
	sp->regs = regs;
	sp->version = readl(regs + SACC_REG_VERSION);
	sp->nr_queues = nr_queues;
	sp->ops = (caps & SACC_CAPS_OPS_MASK) >> SACC_CAPS_OPS_SHIFT;
	sacc_queues_init(sp);

	ret = ida_alloc(&sacc_pci_ida, GFP_KERNEL);
	if (ret < 0)
		goto put_sp;
	sp->index = ret;
	snprintf(sp->name, sizeof(sp->name), "sacc%d", sp->index);

	ret = sacc_queues_alloc(sp);
	if (ret)
		goto free_index;
	ret = sacc_hw_start(sp);
	if (ret)
		goto stop_hw;

	ret = pci_alloc_irq_vectors(pdev, 1, 1, PCI_IRQ_MSI | PCI_IRQ_INTX);
	if (ret < 0) {
		dev_err(&pdev->dev, "no interrupt (MSI or INTx): %d\n", ret);
		goto stop_hw;
	}
	ret = pci_irq_vector(pdev, 0);
	if (ret < 0)
		goto free_vectors;
	sp->irq = ret;
	sp->msi = pdev->msi_enabled;
	ret = request_irq(sp->irq, sacc_pci_irq, IRQF_SHARED, sp->name, sp);
	if (ret) {
		dev_err(&pdev->dev, "cannot request interrupt %d: %d\n", sp->irq, ret);
		goto free_vectors;
	}

	pci_set_drvdata(pdev, sp);
	ret = sacc_cdev_register(sp);
	if (ret) {
		dev_err(&pdev->dev, "cannot register /dev/%s: %d\n", sp->name, ret);
		goto free_irq;
	}
	dev_info(&pdev->dev, "%s: %u queues, ops 0x%02x, %s, bounce %u KiB\n",
		 sp->name, sp->nr_queues, sp->ops, sp->msi ? "MSI" : "INTx",
		 sp->bounce_size / SZ_1K);
	return 0;

free_irq:
	pci_set_drvdata(pdev, NULL);
	free_irq(sp->irq, sp);
free_vectors:
	pci_free_irq_vectors(pdev);
stop_hw:
	sacc_hw_stop(sp);
	sacc_queues_free(sp);
free_index:
	ida_free(&sacc_pci_ida, sp->index);
put_sp:
	sacc_pci_put(sp);
	return ret;
}

/* Make every job inside the driver leave, and keep new ones out. */
static void sacc_pci_kill(struct sacc_pci *sp)
{
	set_bit(SACC_PCI_DEAD, &sp->flags);
	sacc_queues_wake_all(sp);
}

static void sacc_pci_remove(struct pci_dev *pdev)
{
	struct sacc_pci *sp = pci_get_drvdata(pdev);

	sacc_cdev_unregister(sp);	/* no new opener */
	sacc_pci_kill(sp);
	/* Every ioctl that was inside has left (with -ENODEV); none can enter. */
	down_write(&sp->life_lock);
	up_write(&sp->life_lock);

	sacc_hw_stop(sp);		/* no DMA, no interrupt cause after this */
	sacc_cdev_free_parked(sp);	/* pages the device may have used until now */
	free_irq(sp->irq, sp);
	pci_free_irq_vectors(pdev);
	sacc_queues_free(sp);
	ida_free(&sacc_pci_ida, sp->index);
	pci_set_drvdata(pdev, NULL);
	dev_info(&pdev->dev, "%s: removed\n", sp->name);
	sacc_pci_put(sp);		/* open files may still hold it */
}

/*
 * Reboot, power-off or kexec: stop all DMA. Jobs are told to leave; they are
 * given a moment to do so (tasks still run while devices shut down), then the
 * function is reset whatever they do. Nothing is freed.
 */
static void sacc_pci_shutdown(struct pci_dev *pdev)
{
	struct sacc_pci *sp = pci_get_drvdata(pdev);
	bool idle = false;
	unsigned int i;

	if (!sp)
		return;
	sacc_pci_kill(sp);
	for (i = 0; i < 100; i++) {
		idle = down_write_trylock(&sp->life_lock);
		if (idle)
			break;
		msleep(20);
	}
	sacc_hw_stop(sp);
	if (idle)
		up_write(&sp->life_lock);
}

static const struct pci_device_id sacc_pci_ids[] = {
	{ PCI_DEVICE(SACC_PCI_VENDOR_ID, SACC_PCI_DEVICE_ID) },
	{ }
};
MODULE_DEVICE_TABLE(pci, sacc_pci_ids);

static struct pci_driver sacc_pci_driver = {
	.name		= KBUILD_MODNAME,
	.id_table	= sacc_pci_ids,
	.probe		= sacc_pci_probe,
	.remove		= sacc_pci_remove,
	.shutdown	= sacc_pci_shutdown,
	.dev_groups	= sacc_pci_groups,
};

static int __init sacc_pci_init(void)
{
	return pci_register_driver(&sacc_pci_driver);
}
module_init(sacc_pci_init);

static void __exit sacc_pci_exit_module(void)
{
	pci_unregister_driver(&sacc_pci_driver);
	ida_destroy(&sacc_pci_ida);
}
module_exit(sacc_pci_exit_module);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Guest driver for the sacc sample accelerator (PCI 1234:5acc)");
MODULE_AUTHOR("sacc developers");
