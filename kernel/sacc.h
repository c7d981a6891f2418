/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc - private definitions shared by the files of sacc.ko.
 *
 * Object model: a &struct sacc_parent is one sample accelerator; its capacity (queues)
 * is a &struct sacc_budget; each &struct sacc_type is a fixed slice of that capacity;
 * each &struct sacc_mdev is one instance, a VFIO device carved out of a parent.
 */
#ifndef SACC_H
#define SACC_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#define SACC_NAME		"sacc"
#define SACC_MAX_PARENTS	8
#define SACC_NR_TYPES		3

/**
 * struct sacc_budget - a pool of identical capacity units shared by instances
 * @free: units not held by any instance; changed only with atomic read-modify-write,
 *        so concurrent create and remove need no lock
 * @total: units in the pool; fixed once the parent is registered
 */
struct sacc_budget {
	atomic_t free;
	unsigned int total;
};

/* sacc_budget.c */
void sacc_budget_init(struct sacc_budget *budget, unsigned int total);
int sacc_budget_take(struct sacc_budget *budget, unsigned int units);
void sacc_budget_give(struct sacc_budget *budget, unsigned int units);
unsigned int sacc_budget_available(const struct sacc_budget *budget,
				   unsigned int units);

/**
 * struct sacc_type - one mdev type: a fixed slice of a parent's capacity
 * @type: the mdev core's view; sysfs shows it as "sacc-<sysfs_name>"
 * @queues: queues an instance of this type takes from its parent's budget
 */
struct sacc_type {
	struct mdev_type type;
	unsigned int queues;
};

/**
 * struct sacc_parent - one sample accelerator, the parent of its instances
 * @dev: the parent device, /sys/class/sacc/sacc<N>; owns this structure
 * @mdev_parent: registration with the mdev core
 * @queues: the queue budget the instances are carved from
 * @types: the types this parent offers
 * @type_ptrs: @types as the array of pointers mdev_register_parent() takes
 */
struct sacc_parent {
	struct device dev;
	struct mdev_parent mdev_parent;
	struct sacc_budget queues;
	struct sacc_type types[SACC_NR_TYPES];
	struct mdev_type *type_ptrs[SACC_NR_TYPES];
};

/**
 * struct sacc_mdev - one instance: a PCI function given to one VFIO user
 * @vdev: the VFIO device; must stay first (vfio_alloc_device())
 * @parent: the accelerator the instance's capacity comes from
 * @type: the slice this instance holds; its queues are taken from @parent's budget
 *        in init and given back in release
 * @config: emulated PCI configuration space; read-only after init
 */
struct sacc_mdev {
	struct vfio_device vdev;
	struct sacc_parent *parent;
	const struct sacc_type *type;
	u8 config[PCI_CFG_SPACE_SIZE];
};

/* sacc_parent.c */
unsigned int sacc_type_available(struct mdev_type *mtype);
ssize_t sacc_type_description(struct mdev_type *mtype, char *buf);
const struct sacc_type *sacc_instance_type(struct mdev_device *mdev,
					   struct sacc_parent **parent);
struct sacc_parent *sacc_parent_create(unsigned int id, unsigned int queues);
void sacc_parent_destroy(struct sacc_parent *parent);
int sacc_parent_class_register(void);
void sacc_parent_class_unregister(void);

/*
 * VFIO region offsets: the region index sits above bit 40 of the file offset, as in
 * vfio-pci, so that QEMU and other users find each region where they expect it.
 */
#define SACC_REGION_SHIFT	40
#define SACC_REGION_OFFSET(index)	((u64)(index) << SACC_REGION_SHIFT)
#define SACC_REGION_INDEX(pos)	((pos) >> SACC_REGION_SHIFT)
#define SACC_REGION_MASK	(SACC_REGION_OFFSET(1) - 1)

/* sacc_cfg.c */
void sacc_cfg_init(u8 *config);
ssize_t sacc_cfg_read(const u8 *config, char __user *buf, size_t count,
		      u64 offset);

/* sacc_mdev.c */
extern struct mdev_driver sacc_mdev_driver;

#endif /* SACC_H */
