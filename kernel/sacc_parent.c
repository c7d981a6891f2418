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
#include <kunit/visibility.h>
#include <linux/err.h>
#include <linux/log2.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include "sacc.h"

static sacc_class_const struct class sacc_class = {
	.name = SACC_NAME,
};

/*
 * The types every parent offers: 1, 2 or 4 queues, with device memory and
 * scheduling weight in proportion. The sysfs name becomes "sacc-<name>".
 */
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
	const struct sacc_type *type = to_sacc_type(mtype);

	return min(sacc_budget_available(&parent->queues, type->queues),
		   sacc_budget_available(&parent->memory, type->memory_mb));
}
EXPORT_SYMBOL_IF_KUNIT(sacc_type_available);

/**
 * sacc_type_description() - the mdev core's description attribute for a type
 * @mtype: the type
 * @buf: sysfs page buffer
 *
 * Return: bytes written to @buf.
 */
ssize_t sacc_type_description(struct mdev_type *mtype, char *buf)
{
	const struct sacc_type *type = to_sacc_type(mtype);

	return sysfs_emit(buf, "queues=%u, memory=%uM, weight=%u\n", type->queues,
			  type->memory_mb, type->weight);
}

/**
 * sacc_types_init() - fill in the types a parent made of @cfg offers
 * @types: SACC_NR_TYPES types
 * @cfg: the parent's capacity
 *
 * Each queue comes with an equal share of the memory, rounded down to a power of
 * two so that every type's memory is a valid BAR size; see sacc_memory_per_queue().
 */
void sacc_types_init(struct sacc_type *types, const struct sacc_parent_config *cfg)
{
	unsigned int per_queue = sacc_memory_per_queue(cfg);
	unsigned int i;

	for (i = 0; i < SACC_NR_TYPES; i++) {
		types[i].type.sysfs_name = sacc_type_table[i].sysfs_name;
		types[i].type.pretty_name = sacc_type_table[i].pretty_name;
		types[i].queues = sacc_type_table[i].queues;
		types[i].memory_mb = sacc_type_table[i].queues * per_queue;
		types[i].weight = sacc_type_table[i].queues;
	}
}
EXPORT_SYMBOL_IF_KUNIT(sacc_types_init);

/**
 * sacc_memory_per_queue() - MiB of device memory that come with each queue
 * @cfg: the parent's capacity
 *
 * Return: memory_mb / queues rounded down to a power of two, or 0 when there is
 * less than 1 MiB per queue (the configuration is refused).
 */
unsigned int sacc_memory_per_queue(const struct sacc_parent_config *cfg)
{
	unsigned int share = cfg->memory_mb / cfg->queues;

	return share ? rounddown_pow_of_two(share) : 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_memory_per_queue);

/**
 * sacc_type_take() - take a type's slice from its parent, all or nothing
 * @parent: the parent
 * @type: one of @parent's types
 *
 * Return: 0, or -ENOSPC (nothing taken) when a budget is short.
 */
int sacc_type_take(struct sacc_parent *parent, const struct sacc_type *type)
{
	int ret;

	ret = sacc_budget_take(&parent->queues, type->queues);
	if (ret)
		return ret;
	ret = sacc_budget_take(&parent->memory, type->memory_mb);
	if (ret)
		sacc_budget_give(&parent->queues, type->queues);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_type_take);

/**
 * sacc_type_give() - give back what sacc_type_take() took
 * @parent: the parent
 * @type: the same type
 */
void sacc_type_give(struct sacc_parent *parent, const struct sacc_type *type)
{
	sacc_budget_give(&parent->memory, type->memory_mb);
	sacc_budget_give(&parent->queues, type->queues);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_type_give);

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

/* Parent attributes: /sys/class/sacc/sacc<N>/{queues,memory_mb,engines}. */
static struct sacc_parent *dev_to_parent(struct device *dev)
{
	return container_of(dev, struct sacc_parent, dev);
}

static ssize_t queues_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_parent(dev)->queues.total);
}
static DEVICE_ATTR_RO(queues);

static ssize_t memory_mb_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_parent(dev)->memory.total);
}
static DEVICE_ATTR_RO(memory_mb);

static ssize_t engines_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	return sysfs_emit(buf, "%u\n", dev_to_parent(dev)->engines);
}
static DEVICE_ATTR_RO(engines);

static struct attribute *sacc_parent_attrs[] = {
	&dev_attr_queues.attr,
	&dev_attr_memory_mb.attr,
	&dev_attr_engines.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sacc_parent);

static void sacc_parent_release(struct device *dev)
{
	kfree(dev_to_parent(dev));
}

/**
 * sacc_parent_create() - register one accelerator and its types
 * @id: parent number; the device is named "sacc<id>"
 * @cfg: the parent's capacity, checked by the caller
 *
 * Return: the parent, or an ERR_PTR.
 */
struct sacc_parent *sacc_parent_create(unsigned int id,
				       const struct sacc_parent_config *cfg)
{
	struct sacc_parent *parent;
	unsigned int i;
	int ret;

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return ERR_PTR(-ENOMEM);

	sacc_budget_init(&parent->queues, cfg->queues);
	sacc_budget_init(&parent->memory, cfg->memory_mb);
	parent->engines = cfg->engines;
	sacc_types_init(parent->types, cfg);
	for (i = 0; i < SACC_NR_TYPES; i++)
		parent->type_ptrs[i] = &parent->types[i].type;

	/* From here on the device owns @parent: every error path ends in put_device(). */
	device_initialize(&parent->dev);
	parent->dev.class = &sacc_class;
	parent->dev.groups = sacc_parent_groups;
	parent->dev.release = sacc_parent_release;
	ret = dev_set_name(&parent->dev, SACC_NAME "%u", id);
	if (ret)
		goto put_device;
	ret = device_add(&parent->dev);
	if (ret)
		goto put_device;
	ret = sacc_engine_start(&parent->engine, cfg->engines, dev_name(&parent->dev));
	if (ret)
		goto del_device;

	ret = mdev_register_parent(&parent->mdev_parent, &parent->dev,
				   &sacc_mdev_driver, parent->type_ptrs,
				   SACC_NR_TYPES);
	if (ret)
		goto stop_engine;
	return parent;

stop_engine:
	sacc_engine_stop(&parent->engine);
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
	sacc_engine_stop(&parent->engine);
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
