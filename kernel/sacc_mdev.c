// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - instance lifecycle: the mdev driver and the VFIO device operations.
 *
 * probe/remove follow the mdev core's create/remove; init/release bracket the
 * instance's hold on its parent's capacity: the queues are taken in init, so a
 * create beyond the budget fails before anything is registered, and given back in
 * release, after the last VFIO user is gone.
 */
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
	int ret;

	smdev->type = sacc_instance_type(to_mdev_device(vdev->dev), &smdev->parent);
	ret = sacc_budget_take(&smdev->parent->queues, smdev->type->queues);
	if (ret)
		return ret;
	sacc_cfg_init(smdev->config);
	return 0;
}

static void sacc_mdev_release_dev(struct vfio_device *vdev)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);

	sacc_budget_give(&smdev->parent->queues, smdev->type->queues);
}

static ssize_t sacc_mdev_read(struct vfio_device *vdev, char __user *buf,
			      size_t count, loff_t *ppos)
{
	struct sacc_mdev *smdev = to_sacc_mdev(vdev);
	u64 pos = *ppos;
	ssize_t ret;

	switch (SACC_REGION_INDEX(pos)) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		ret = sacc_cfg_read(smdev->config, buf, count,
				    pos & SACC_REGION_MASK);
		break;
	default:
		ret = -EINVAL;
	}
	if (ret > 0)
		*ppos += ret;
	return ret;
}

static int sacc_mdev_region_info(struct vfio_region_info *info)
{
	if (info->index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;

	info->offset = SACC_REGION_OFFSET(info->index);
	switch (info->index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = PCI_CFG_SPACE_SIZE;
		info->flags = VFIO_REGION_INFO_FLAG_READ;
		break;
	default:
		info->size = 0;
		info->flags = 0;
	}
	return 0;
}

static long sacc_mdev_ioctl(struct vfio_device *vdev, unsigned int cmd,
			    unsigned long arg)
{
	void __user *uarg = (void __user *)arg;
	unsigned long minsz;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO: {
		struct vfio_device_info info;

		minsz = offsetofend(struct vfio_device_info, num_irqs);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		info.flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		info.num_regions = VFIO_PCI_NUM_REGIONS;
		info.num_irqs = VFIO_PCI_NUM_IRQS;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_REGION_INFO: {
		struct vfio_region_info info;
		int ret;

		minsz = offsetofend(struct vfio_region_info, offset);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz)
			return -EINVAL;
		ret = sacc_mdev_region_info(&info);
		if (ret)
			return ret;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_GET_IRQ_INFO: {
		struct vfio_irq_info info;

		minsz = offsetofend(struct vfio_irq_info, count);
		if (copy_from_user(&info, uarg, minsz))
			return -EFAULT;
		if (info.argsz < minsz || info.index >= VFIO_PCI_NUM_IRQS)
			return -EINVAL;
		/* No interrupt is wired up yet: every index reports zero vectors. */
		info.flags = 0;
		info.count = 0;
		return copy_to_user(uarg, &info, minsz) ? -EFAULT : 0;
	}
	case VFIO_DEVICE_RESET:
		/* The skeleton's only state is its read-only config space. */
		return 0;
	}
	return -ENOTTY;
}

static const struct vfio_device_ops sacc_vfio_ops = {
	.name = "vfio-sacc",
	.init = sacc_mdev_init_dev,
	.release = sacc_mdev_release_dev,
	.read = sacc_mdev_read,
	.ioctl = sacc_mdev_ioctl,
	.bind_iommufd = vfio_iommufd_emulated_bind,
	.unbind_iommufd = vfio_iommufd_emulated_unbind,
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
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
	return 0;

put_vdev:
	vfio_put_device(&smdev->vdev);
	return ret;
}

static void sacc_mdev_remove(struct mdev_device *mdev)
{
	struct sacc_mdev *smdev = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&smdev->vdev);
	vfio_put_device(&smdev->vdev);
}

/* The driver every sacc instance binds to; registered once for all parents. */
struct mdev_driver sacc_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.driver = {
		.name = SACC_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
	.probe = sacc_mdev_probe,
	.remove = sacc_mdev_remove,
	.get_available = sacc_type_available,
	.show_description = sacc_type_description,
};
