/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc - what differs between the kernels sacc.ko builds for (Debian's 6.1, 6.12 and
 * 7.3, and those between). The rest of the module is written for the newest
 * interface; each shim below names the release that introduced it, so that this
 * file is also the list of what to delete when the oldest supported kernel rises.
 * Feature tests where the kernel offers one, version checks otherwise. This is the
 * only place in the module that looks at the kernel's version.
 */
#ifndef SACC_COMPAT_H
#define SACC_COMPAT_H

#include <linux/eventfd.h>
#include <linux/gfp.h>
#include <linux/hrtimer.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/version.h>
#include <linux/vfio.h>

/* Is the kernel older than release @maj.@min? */
#define SACC_KERNEL_BEFORE(maj, min)	(LINUX_VERSION_CODE < KERNEL_VERSION(maj, min, 0))

/* 6.12: the unaligned accessors moved from <asm/unaligned.h> (sparse has no __has_include). */
#if !SACC_KERNEL_BEFORE(6, 12)
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/* 6.13: MODULE_IMPORT_NS() takes a string literal; before, a bare name. */
#if !SACC_KERNEL_BEFORE(6, 13)
#define SACC_KUNIT_NS	"EXPORTED_FOR_KUNIT_TESTING"
#else
#define SACC_KUNIT_NS	EXPORTED_FOR_KUNIT_TESTING
#endif

/*
 * The KUnit suites (kernel/tests/, built when the kernel has CONFIG_KUNIT) use the
 * KUnit API of 6.6: KUNIT_CASE_SLOW(), kunit_add_action_or_reset(),
 * KUNIT_EXPECT_MEMEQ().
 */
#if defined(SACC_KUNIT_BUILD) && SACC_KERNEL_BEFORE(6, 6)
#error "sacc's KUnit suites need 6.6 or later: make CONFIG_KUNIT= builds sacc.ko alone"
#endif

/* 6.8: eventfd_signal() lost its count argument (it was always 1). */
#if SACC_KERNEL_BEFORE(6, 8)
#define eventfd_signal(ctx)	eventfd_signal((ctx), 1)
#endif

/* 6.10: __assign_str() takes the field only; before, the source string too. */
#if !SACC_KERNEL_BEFORE(6, 10)
#define sacc_assign_str(field, src)	do { (void)(src); __assign_str(field); } while (0)
#else
#define sacc_assign_str(field, src)	__assign_str(field, src)
#endif

/* 6.4: class_register() and struct device take a const struct class. */
#if !SACC_KERNEL_BEFORE(6, 4)
#define sacc_class_const	const
#else
#define sacc_class_const
#endif

/* 6.13: hrtimer_setup() sets the callback with the rest; hrtimer_init() went later. */
#if SACC_KERNEL_BEFORE(6, 13)
static inline void hrtimer_setup(struct hrtimer *timer,
				 enum hrtimer_restart (*function)(struct hrtimer *),
				 clockid_t clock_id, enum hrtimer_mode mode)
{
	hrtimer_init(timer, clock_id, mode);
	timer->function = function;
}
#endif

/* 6.14: alloc_pages_bulk_array() became alloc_pages_bulk() (a macro since). */
#ifndef alloc_pages_bulk
#define alloc_pages_bulk(gfp, nr, pages)	alloc_pages_bulk_array(gfp, nr, pages)
#endif

/*
 * iommufd: the emulated-device ops came in 6.2 (bind, unbind, attach) and 6.6
 * (detach); without CONFIG_IOMMUFD the kernel defines them as NULL. Older kernels
 * have no such ops: the device is then reached through the type1 container only.
 */
#if !SACC_KERNEL_BEFORE(6, 6)
#define SACC_HAVE_IOMMUFD	IS_ENABLED(CONFIG_IOMMUFD)
#define SACC_VFIO_IOMMUFD_OPS					\
	.bind_iommufd = vfio_iommufd_emulated_bind,		\
	.unbind_iommufd = vfio_iommufd_emulated_unbind,		\
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,	\
	.detach_ioas = vfio_iommufd_emulated_detach_ioas,
#elif !SACC_KERNEL_BEFORE(6, 2)
#define SACC_HAVE_IOMMUFD	IS_ENABLED(CONFIG_IOMMUFD)
#define SACC_VFIO_IOMMUFD_OPS					\
	.bind_iommufd = vfio_iommufd_emulated_bind,		\
	.unbind_iommufd = vfio_iommufd_emulated_unbind,		\
	.attach_ioas = vfio_iommufd_emulated_attach_ioas,
#else
#define SACC_HAVE_IOMMUFD	0
#define SACC_VFIO_IOMMUFD_OPS
#endif

/*
 * 6.19: the VFIO core answers VFIO_DEVICE_GET_REGION_INFO itself, through the
 * driver's .get_region_info_caps(), and no longer passes it to .ioctl. Before, the
 * driver's .ioctl did the copying; sacc_compat_get_region_info() does it as the
 * 6.19 core does, around the same op.
 */
#if !SACC_KERNEL_BEFORE(6, 19)
#define SACC_VFIO_REGION_INFO_OP	.get_region_info_caps = sacc_mdev_get_region_info_caps,
static inline long
sacc_compat_get_region_info(struct vfio_device *vdev, struct vfio_region_info __user *arg,
			    int (*get_caps)(struct vfio_device *vdev,
					    struct vfio_region_info *info,
					    struct vfio_info_cap *caps))
{
	return -ENOTTY;	/* the core answers it and never passes it on */
}
#else
#define SACC_VFIO_REGION_INFO_OP
static inline long
sacc_compat_get_region_info(struct vfio_device *vdev, struct vfio_region_info __user *arg,
			    int (*get_caps)(struct vfio_device *vdev,
					    struct vfio_region_info *info,
					    struct vfio_info_cap *caps))
{
	unsigned long minsz = offsetofend(struct vfio_region_info, offset);
	struct vfio_info_cap caps = { .buf = NULL, .size = 0 };
	struct vfio_region_info info = {};
	long ret;

	if (copy_from_user(&info, arg, minsz))
		return -EFAULT;
	if (info.argsz < minsz)
		return -EINVAL;
	ret = get_caps(vdev, &info, &caps);
	if (ret)
		goto free_caps;
	if (caps.size) {
		info.flags |= VFIO_REGION_INFO_FLAG_CAPS;
		if (info.argsz < sizeof(info) + caps.size) {
			info.argsz = sizeof(info) + caps.size;
			info.cap_offset = 0;
		} else {
			vfio_info_cap_shift(&caps, sizeof(info));
			if (copy_to_user(arg + 1, caps.buf, caps.size)) {
				ret = -EFAULT;
				goto free_caps;
			}
			info.cap_offset = sizeof(info);
		}
	}
	if (copy_to_user(arg, &info, minsz))
		ret = -EFAULT;
free_caps:
	kfree(caps.buf);
	return ret;
}
#endif

/*
 * struct vfio_migration_ops.migration_get_data_size (VFIO_DEVICE_FEATURE_MIG_DATA_SIZE)
 * came with 6.3; Debian's 6.1 has only set_state and get_state.
 */
#if !SACC_KERNEL_BEFORE(6, 3)
#define SACC_MIG_DATA_SIZE_OP	.migration_get_data_size = sacc_mig_get_data_size,
#else
#define SACC_MIG_DATA_SIZE_OP
#endif

#endif /* SACC_COMPAT_H */
