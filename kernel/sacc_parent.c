// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - parents and types: the accelerators the module models and how their
 * capacity is sliced into mdev types.
 *
 * Each parent is a device of class "sacc" (/sys/class/sacc/sacc<N>) registered with
 * the mdev core, so it appears under /sys/class/mdev_bus/sacc<N>. The parent
 * structure is owned by its struct device and freed by the device's release
 * callback, after the mdev core has dropped every reference (the type kobjects hold
 * one on the parent device).
 */
#include <linux/err.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sacc.h"

static const struct class sacc_class = {
	.name = SACC_NAME,
};

/* What each type takes from its parent. The sysfs name becomes "sacc-<name>". */
static const struct {
	const char *sysfs_name;
	const char *pretty_name;
	unsigned int queues;
} sacc_type_table[SACC_NR_TYPES] = {
	{ "1q", "SACC 1 queue", 1 },
	{ "2q", "SACC 2 queues", 2 },
	{ "4q", "SACC 4 queues", 4 },
};

static struct sacc_parent *to_sacc_parent(struct mdev_parent *mdev_parent)
{
	return container_of(mdev_parent, struct sacc_parent, mdev_parent);
}

static const struct sacc_type *to_sacc_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct sacc_type, type);
}

/**
 * sacc_type_available() - the mdev core's available_instances for a type
 * @mtype: the type
 *
 * Return: how many more instances of @mtype the parent's free queues allow.
 */
unsigned int sacc_type_available(struct mdev_type *mtype)
{
	struct sacc_parent *parent = to_sacc_parent(mtype->parent);

	return sacc_budget_available(&parent->queues, to_sacc_type(mtype)->queues);
}

/**
 * sacc_type_description() - the mdev core's description attribute for a type
 * @mtype: the type
 * @buf: sysfs page buffer
 *
 * Return: bytes written to @buf.
 */
ssize_t sacc_type_description(struct mdev_type *mtype, char *buf)
{
	return sysfs_emit(buf, "queues=%u\n", to_sacc_type(mtype)->queues);
}

/**
 * sacc_instance_type() - the sacc type and parent an mdev instance was created from
 * @mdev: the instance
 * @parent: set to the instance's parent
 *
 * Return: the instance's type.
 */
const struct sacc_type *sacc_instance_type(struct mdev_device *mdev,
					   struct sacc_parent **parent)
{
	*parent = to_sacc_parent(mdev->type->parent);
	return to_sacc_type(mdev->type);
}

static void sacc_parent_release(struct device *dev)
{
	kfree(container_of(dev, struct sacc_parent, dev));
}

/**
 * sacc_parent_create() - register one accelerator and its types
 * @id: parent number; the device is named "sacc<id>"
 * @queues: the parent's queue capacity
 *
 * Return: the parent, or an ERR_PTR.
 */
struct sacc_parent *sacc_parent_create(unsigned int id, unsigned int queues)
{
	struct sacc_parent *parent;
	unsigned int i;
	int ret;

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return ERR_PTR(-ENOMEM);

	sacc_budget_init(&parent->queues, queues);
	for (i = 0; i < SACC_NR_TYPES; i++) {
		parent->types[i].type.sysfs_name = sacc_type_table[i].sysfs_name;
		parent->types[i].type.pretty_name = sacc_type_table[i].pretty_name;
		parent->types[i].queues = sacc_type_table[i].queues;
		parent->type_ptrs[i] = &parent->types[i].type;
	}

	/* From here on the device owns @parent: every error path ends in put_device(). */
	device_initialize(&parent->dev);
	parent->dev.class = &sacc_class;
	parent->dev.release = sacc_parent_release;
	ret = dev_set_name(&parent->dev, SACC_NAME "%u", id);
	if (ret)
		goto put_device;
	ret = device_add(&parent->dev);
	if (ret)
		goto put_device;

	ret = mdev_register_parent(&parent->mdev_parent, &parent->dev,
				   &sacc_mdev_driver, parent->type_ptrs,
				   SACC_NR_TYPES);
	if (ret)
		goto del_device;
	return parent;

del_device:
	device_del(&parent->dev);
put_device:
	put_device(&parent->dev);
	return ERR_PTR(ret);
}

/**
 * sacc_parent_destroy() - remove every instance of @parent, then @parent itself
 * @parent: from sacc_parent_create()
 *
 * Blocks while a VFIO user holds one of the instances open; the mdev core asks the
 * user to let go through the device's request callback.
 */
void sacc_parent_destroy(struct sacc_parent *parent)
{
	mdev_unregister_parent(&parent->mdev_parent);
	device_unregister(&parent->dev);
}

/**
 * sacc_parent_class_register() - create /sys/class/sacc
 *
 * Return: 0 or a negative errno.
 */
int sacc_parent_class_register(void)
{
	return class_register(&sacc_class);
}

/**
 * sacc_parent_class_unregister() - remove /sys/class/sacc, after every parent
 */
void sacc_parent_class_unregister(void)
{
	class_unregister(&sacc_class);
}
