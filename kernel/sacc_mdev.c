// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - instance lifecycle: the mdev driver and the VFIO device operations.
 *
 * probe/remove follow the mdev core's create/remove. init/release bracket the
 * instance's hold on its parent's capacity: the type's queues and memory are taken
 * in init, so a create beyond the budget fails before anything is registered, and
 * given back in release, after the last VFIO user is gone. Region accesses are
 * dispatched here to the configuration space (sacc_cfg.c), the register window
 * (sacc_regs.c) and the device memory (sacc_devmem.c). An instance holds a
 * reference on its parent (sacc_parent_get()) from init to release: its release
 * may come after the mdev core removed it and the parent was destroyed.
 *
 * Module unload: a VFIO user that has an instance open holds a reference on this
 * module, so unloading fails ("in use"; delete_module() returns EWOULDBLOCK) until
 * it closes the device; instances that are not open are removed by the unload.
 */
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>
#include <linux/vfio.h>

#include "sacc.h"

static struct sacc_mdev *to_sacc_mdev(struct vfio_device *vdev)
{
	return container_of(vdev, struct sacc_mdev, vdev);
}

static int sacc_mdev_init_dev(struct vfio_device *vdev)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);
	const struct sacc_type *type;
	int ret;

	type = sacc_instance_type(to_mdev_device(vdev->dev), &smdev->parent);
	smdev->type = type;
	ret = sacc_type_take(smdev->parent, type);
	if (ret)
		return ret;
	sacc_parent_get(smdev->parent);	/* the budgets outlive the instance */

	smdev->devmem_size = (u64)type->memory_mb << 20;
	spin_lock_init(&smdev->lock);
	smdev->weight = type->weight;
	sacc_cfg_init(&smdev->cfg, smdev->devmem_size);
	sacc_regs_init(&smdev->regs, type->queues, type->memory_mb, SACC_OPS_ALL);
	sacc_irq_init(&smdev->irq);
	sacc_queues_init(smdev);
	sacc_dma_init(&smdev->dma, &sacc_vfio_dma_ops, vdev);
	smdev->dma.use_cache = &sacc_param_dma_cache;
	sacc_mig_init(smdev);
	return 0;
}

static void sacc_mdev_release_dev(struct vfio_device *vdev)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);

	sacc_mig_destroy(smdev);
	sacc_type_give(smdev->parent, smdev->type);
	sacc_parent_put(smdev->parent);
}

/* Forget the coalescing counts: a reset or a new user starts from zero. */
static void sacc_mdev_reset_queues(struct sacc_mdev *smdev)
{
	unsigned int q;

	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		smdev->queues[q].coalesced = 0;
		smdev->queues[q].coalesce_round++;	/* a pending timer raises nothing */
	}
}

/**
 * sacc_mdev_reset() - reset the function
 * @smdev: the instance, open; its lock must not be held (this sleeps)
 * @config: also the configuration space (VFIO_DEVICE_RESET, migration's RESUMING)
 *
 * Registers, pending interrupts, device memory and the DMA shadow. The registers
 * go first, so that the engine fetches nothing more; then it is waited for, so
 * that no descriptor of before the reset still runs when this returns. The
 * migration state is left alone (sacc_mig_reset() leaves it).
 */
void sacc_mdev_reset(struct sacc_mdev *smdev, bool config)
{
	spin_lock(&smdev->lock);
	sacc_regs_reset(&smdev->regs);
	sacc_mdev_reset_queues(smdev);
	if (config)
		sacc_cfg_init(&smdev->cfg, smdev->devmem_size);
	sacc_irq_update(smdev);
	spin_unlock(&smdev->lock);
	sacc_engine_quiesce(smdev);
	sacc_queues_stop_timers(smdev);
	sacc_dma_clear(&smdev->dma);
	sacc_devmem_clear(smdev);
}

/*
 * Device memory exists while a user has the device open: an idle instance costs the
 * host nothing, and a new user starts from fresh, zeroed memory.
 */
static int sacc_mdev_open_device(struct vfio_device *vdev)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);
	int ret;

	ret = sacc_devmem_alloc(smdev);
	if (ret)
		return ret;
	sacc_dma_open(&smdev->dma, sacc_param_max_pinned_pages ?:
		      SACC_PINNED_PER_QUEUE * smdev->type->queues,
		      sacc_vfio_is_type1(vdev));
	spin_lock(&smdev->lock);
	sacc_regs_reset(&smdev->regs);
	sacc_mdev_reset_queues(smdev);
	sacc_cfg_init(&smdev->cfg, smdev->devmem_size);
	memset(&smdev->stats, 0, sizeof(smdev->stats));
	smdev->open = true;
	spin_unlock(&smdev->lock);
	return 0;
}

/* Stop the engine on this instance, unpin everything, let go of the eventfds. */
static void sacc_mdev_close_device(struct vfio_device *vdev)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);

	sacc_mig_close(smdev);
	spin_lock(&smdev->lock);
	smdev->open = false;
	spin_unlock(&smdev->lock);
	sacc_engine_quiesce(smdev);
	sacc_queues_stop_timers(smdev);
	sacc_dma_clear(&smdev->dma);
	sacc_irq_release(smdev);
	sacc_devmem_free(smdev);
}

/* The user unmapped [iova, iova + length): drop every shadow of it. */
static void sacc_mdev_dma_unmap(struct vfio_device *vdev, u64 iova, u64 length)
{
	sacc_dma_invalidate(&to_sacc_mdev(vdev)->dma, iova, length);
}

/*
 * Configuration space. Writes are 1, 2 or 4 bytes, naturally aligned. Reads may be
 * of any length inside the 256 bytes: QEMU reads the whole space in one go.
 */
static ssize_t sacc_mdev_cfg_rw(struct sacc_mdev *smdev, char __user *buf,
				size_t count, u64 off, bool write)
{
	u8 copy[PCI_CFG_SPACE_SIZE];
	bool master, stopped;
	__le32 le = 0;
	int ret;

	/* @off has 40 bits; the config space API takes the 8 that matter. */
	if (off >= PCI_CFG_SPACE_SIZE)
		return -EINVAL;
	if (!write) {
		if (count > sizeof(copy))
			return -EINVAL;
		spin_lock(&smdev->lock);
		ret = sacc_cfg_read(&smdev->cfg, off, count, copy);
		spin_unlock(&smdev->lock);
		if (ret)
			return ret;
		return copy_to_user(buf, copy, count) ? -EFAULT : count;
	}

	if (count != 1 && count != 2 && count != 4)
		return -EINVAL;
	if (copy_from_user(&le, buf, count))
		return -EFAULT;
	spin_lock(&smdev->lock);
	master = sacc_cfg_bus_master(&smdev->cfg);
	ret = sacc_cfg_write(&smdev->cfg, off, count, le32_to_cpu(le));
	if (!ret)	/* the command register may have changed INTx disable */
		sacc_irq_update(smdev);
	stopped = master && !sacc_cfg_bus_master(&smdev->cfg);
	if (stopped)
		sacc_queues_flush_coalesced(smdev);
	else if (!master)	/* the queues may go on now */
		sacc_engine_kick(smdev);
	spin_unlock(&smdev->lock);
	/* Bus mastering off: no DMA once the write returns (spec 4.1). */
	if (stopped)
		sacc_engine_quiesce_stopped(smdev);
	return ret ? ret : count;
}

static ssize_t sacc_mdev_regs_rw(struct sacc_mdev *smdev, char __user *buf,
				 size_t count, u64 off, bool write)
{
	const struct sacc_reg_desc *reg;
	unsigned int queue = 0, fx = 0;
	__le32 le;
	u32 val = 0;

	/* Registers take naturally aligned 32-bit accesses, nothing else. */
	if (count != 4 || off % 4 || off >= SACC_REGS_SIZE)
		return -EINVAL;
	if (write && copy_from_user(&le, buf, 4))
		return -EFAULT;

	spin_lock(&smdev->lock);
	/* Reserved offsets read 0 and ignore writes. */
	reg = sacc_regs_decode(&smdev->regs, off, &queue);
	if (write && reg)
		fx = sacc_regs_write(&smdev->regs, reg, queue, le32_to_cpu(le));
	else if (reg)
		val = sacc_regs_read(&smdev->regs, reg, queue);
	if (fx & SACC_FX_FATAL)
		sacc_irq_fatal(smdev);
	if (fx & SACC_FX_IRQ)
		sacc_irq_update(smdev);
	if (fx & SACC_FX_QUEUES) {
		sacc_queues_flush_coalesced(smdev);
		sacc_engine_kick(smdev);
	}
	spin_unlock(&smdev->lock);

	if (fx & SACC_FX_RESET)
		sacc_mdev_reset(smdev, false);
	else if (fx & SACC_FX_QUEUES)
		/* A queue or the function was disabled: it is idle when the write returns. */
		sacc_engine_quiesce_stopped(smdev);
	if (write)
		return 4;
	le = cpu_to_le32(val);
	return copy_to_user(buf, &le, 4) ? -EFAULT : 4;
}

static ssize_t sacc_mdev_rw(struct vfio_device *vdev, char __user *buf,
			    size_t count, loff_t *ppos, bool write)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);
	u64 pos = *ppos, off = pos & SACC_REGION_MASK;
	ssize_t ret;

	switch (SACC_REGION_INDEX(pos)) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = sacc_mdev_cfg_rw(smdev, buf, count, off, write);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		ret = sacc_mdev_regs_rw(smdev, buf, count, off, write);
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		ret = sacc_devmem_rw(smdev, buf, count, off, write);
		break;
	default:
		ret = -EINVAL;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static ssize_t sacc_mdev_read(struct vfio_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos)
{
	return sacc_mdev_rw(vdev, buf, count, ppos, false);
}

static ssize_t sacc_mdev_write(struct vfio_device *vdev, const char __user *buf,
			       size_t count, loff_t *ppos)
{
	return sacc_mdev_rw(vdev, (char __user *)buf, count, ppos, true);
}

static int sacc_mdev_mmap(struct vfio_device *vdev, struct vm_area_struct *vma)
{
	unsigned int shift = SACC_REGION_SHIFT - PAGE_SHIFT;
	u64 index = vma->vm_pgoff >> shift;

	/* Only the device memory is plain memory; registers must trap. */
	if (index != VFIO_PCI_BAR2_REGION_INDEX)
		return -EINVAL;
	return sacc_devmem_mmap(to_sacc_mdev(vdev), vma,
				vma->vm_pgoff & (BIT_ULL(shift) - 1));
}

/* The device memory region's capability: one mmap-able area, all of it. */
static int sacc_mdev_devmem_caps(struct sacc_mdev *smdev, struct vfio_info_cap *caps)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	size_t size = struct_size(sparse, areas, 1);
	int ret;

	sparse = kzalloc(size, GFP_KERNEL);
	if (!sparse)
		return -ENOMEM;
	sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	sparse->header.version = 1;
	sparse->nr_areas = 1;
	sparse->areas[0].offset = 0;
	sparse->areas[0].size = smdev->devmem_size;
	ret = vfio_info_add_capability(caps, &sparse->header, size);
	kfree(sparse);
	return ret;
}

/* VFIO_DEVICE_GET_REGION_INFO; the VFIO core (or compat.h) copies in and out. */
static int sacc_mdev_get_region_info_caps(struct vfio_device *vdev,
					  struct vfio_region_info *info,
					  struct vfio_info_cap *caps)
{
	const u32 rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);

	if (info->index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	info->offset = SACC_REGION_OFFSET(info->index);
	info->size = 0;
	info->flags = 0;
	info->cap_offset = 0;	/* what the user passed in is not ours to return */
	switch (info->index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = PCI_CFG_SPACE_SIZE;
		info->flags = rw;
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info->size = SACC_REGS_SIZE;
		info->flags = rw;
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		info->size = smdev->devmem_size;
		info->flags = rw | VFIO_REGION_INFO_FLAG_MMAP;
		return sacc_mdev_devmem_caps(smdev, caps);
	}
	return 0;
}

static long sacc_ioctl_get_info(void __user *uarg)
{
	unsigned long minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;

	if (copy_from_user(&info, uarg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info.num_regions = VFIO_PCI_NUM_REGIONS;
	info.num_irqs = VFIO_PCI_NUM_IRQS;
	return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
}

static long sacc_ioctl_get_irq_info(void __user *uarg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_info, count);
	struct vfio_irq_info info;

	if (copy_from_user(&info, uarg, minsz))
		return -EFAULT;
	if (info.argsz < minsz || sacc_irq_info(&info))
		return -EINVAL;
	return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
}

static long sacc_ioctl_set_irqs(struct sacc_mdev *smdev, void __user *uarg)
{
	unsigned long minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_info irq = {};
	struct vfio_irq_set hdr;
	size_t data_size = 0;
	void *data = NULL;
	int ret;

	if (copy_from_user(&hdr, uarg, minsz))
		return -EFAULT;
	irq.index = hdr.index;
	if (sacc_irq_info(&irq))
		return -EINVAL;
	ret = vfio_set_irqs_validate_and_prepare(&hdr, irq.count, VFIO_PCI_NUM_IRQS,
						 &data_size);
	if (ret)
		return ret;
	if (data_size) {
		data = memdup_user(uarg + minsz, data_size);
		if (IS_ERR(data))
			return PTR_ERR(data);
	}
	ret = sacc_irq_set(smdev, &hdr, data);
	kfree(data);
	return ret;
}

static long sacc_mdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
			    unsigned long arg)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		return sacc_ioctl_get_info(uarg);
	case VFIO_DEVICE_GET_REGION_INFO:
		return sacc_compat_get_region_info(vdev, uarg, sacc_mdev_get_region_info_caps);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return sacc_ioctl_get_irq_info(uarg);
	case VFIO_DEVICE_SET_IRQS:
		return sacc_ioctl_set_irqs(smdev, uarg);
	case VFIO_DEVICE_RESET:
		sacc_mig_reset(smdev);	/* cannot fail: QEMU aborts if it does */
		return 0;
	}
	return -ENOTTY;
}

/*
 * The host wants the device back (its instance is being removed) while a user
 * holds it open: the VFIO core calls this until the user lets go.
 */
static void sacc_mdev_request(struct vfio_device *vdev, unsigned int count)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);

	if (sacc_irq_request(smdev))
		dev_info_ratelimited(vdev->dev,
				     "asking the user to release the device (request %u)\n",
				     count);
	else if (!count)
		dev_notice(vdev->dev,
			   "in use by a user without a request eventfd: removal waits until it closes the device\n");
}

static const struct vfio_device_ops sacc_vfio_ops = {
	.name = "vfio-sacc",
	.init = sacc_mdev_init_dev,
	.release = sacc_mdev_release_dev,
	.open_device = sacc_mdev_open_device,
	.close_device = sacc_mdev_close_device,
	.read = sacc_mdev_read,
	.write = sacc_mdev_write,
	.mmap = sacc_mdev_mmap,
	.ioctl = sacc_mdev_ioctl,
	SACC_VFIO_REGION_INFO_OP
	.request = sacc_mdev_request,
	.dma_unmap = sacc_mdev_dma_unmap,
	SACC_VFIO_IOMMUFD_OPS
};

static int sacc_mdev_probe(struct mdev_device *mdev)
{
	struct sacc_mdev *smdev;
	int ret;

	smdev = vfio_alloc_device(sacc_mdev, vdev, &mdev->dev, &sacc_vfio_ops);
	if (IS_ERR(smdev))
		return PTR_ERR(smdev);

	ret = vfio_register_emulated_iommu_dev(&smdev->vdev);
	if (ret)
		goto put_vdev;
	dev_set_drvdata(&mdev->dev, smdev);
	sacc_debugfs_add(smdev);
	return 0;

put_vdev:
	vfio_put_device(&smdev->vdev);
	return ret;
}

static void sacc_mdev_remove(struct mdev_device *mdev)
{
	struct sacc_mdev *smdev = dev_get_drvdata(&mdev->dev);

	sacc_debugfs_remove(smdev);
	vfio_unregister_group_dev(&smdev->vdev);
	vfio_put_device(&smdev->vdev);
}

/* Vendor attributes of an instance: /sys/bus/mdev/devices/<uuid>/{weight,...}. */
static ssize_t weight_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct sacc_mdev *smdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", READ_ONCE(smdev->weight));
}

static ssize_t weight_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	struct sacc_mdev *smdev = dev_get_drvdata(dev);
	unsigned int weight;
	int ret;

	/* Anything but a number in range, overflow included, is -EINVAL. */
	ret = kstrtouint(buf, 10, &weight);
	if (ret || weight < 1 || weight > SACC_MAX_WEIGHT)
		return -EINVAL;
	WRITE_ONCE(smdev->weight, weight);
	return count;
}
static DEVICE_ATTR_RW(weight);

static ssize_t queues_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct sacc_mdev *smdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", smdev->type->queues);
}
static DEVICE_ATTR_RO(queues);

static ssize_t memory_mb_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct sacc_mdev *smdev = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", smdev->type->memory_mb);
}
static DEVICE_ATTR_RO(memory_mb);

static struct attribute *sacc_mdev_attrs[] = {
	&dev_attr_weight.attr,
	&dev_attr_queues.attr,
	&dev_attr_memory_mb.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sacc_mdev);

/* The driver every sacc instance binds to; registered once for all parents. */
struct mdev_driver sacc_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = SACC_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
		.dev_groups = sacc_mdev_groups,
	},
	.probe = sacc_mdev_probe,
	.remove = sacc_mdev_remove,
	.get_available = sacc_type_available,
	.show_description = sacc_type_description,
};
