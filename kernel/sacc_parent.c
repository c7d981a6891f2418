// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - parents and types: the accelerators the module models and how their
 * capacity is sliced into mdev types.
 *
 * A parent is registered with the mdev core on a device, the mdev parent device,
 * under which its types appear (<dev>/mdev_supported_types/sacc-{1q,2q,4q}), and
 * which /sys/class/mdev_bus links to. Two kinds share one code path for the
 * budgets, the types, the engine threads and the mdev registration
 * (sacc_parent_register() and sacc_parent_unregister()):
 *
 * - a virtual parent, sacc_parent_create(), has a device of its own, of class
 *   "sacc": /sys/class/sacc/sacc<N>, its attributes queues, memory_mb and engines
 *   in that directory;
 * - a parent on an existing device, sacc_parent_create_on(), such as a PCI
 *   function bound to sacc's PCI driver (sacc_pci_parent.c): the same attributes in
 *   a "sacc" group of that device, /sys/bus/pci/devices/<bdf>/sacc/.
 *
 * Lifetime. The mdev core keeps pointers into this structure beyond the return of
 * mdev_unregister_parent(): each type is a kobject embedded here, whose release
 * reads &sacc_type.type.parent (our &sacc_parent.mdev_parent) and drops the
 * reference the type holds on the parent device; each mdev device holds a
 * reference on its type's kobject until its own release, which also reads our
 * mdev_parent. mdev_unregister_parent() removes every mdev device and drops the
 * core's own references, but an mdev device that another thread holds at that
 * moment (a driver-core iteration of the mdev bus, for instance) is released only
 * when that thread lets go. So:
 *
 * - sacc_parent_register() takes a reference of its own on every type kobject, and
 *   sacc_parent_unregister() waits until it is the only one left (every mdev device
 *   of the type released, the core's "devices" directory gone), then drops it: the
 *   type's release runs there, in our thread, and once it returns the mdev core
 *   holds nothing of the parent. For a virtual parent this is not needed for
 *   memory safety (the types hold references on its device, which owns the
 *   structure) but is done the same way, so that both kinds leave
 *   sacc_parent_unregister() in the same state.
 * - &sacc_parent.refs counts the creator and each instance: an instance's release
 *   (sacc_mdev.c) gives its slice back to the budgets, and may come after the mdev
 *   core let go of it (a VFIO cdev file still being closed holds the VFIO device).
 *   At zero, a parent on another device is freed; a virtual parent drops its
 *   device's initial reference and is freed by the device's release, after the
 *   last reference on the device (sysfs, the class) is gone.
 *
 * This relies, as every mdev driver does, on a kobject's release running when its
 * last reference is dropped: CONFIG_DEBUG_KOBJECT_RELEASE delays it by seconds,
 * and the last type release of a parent on another device may then run after the
 * structure is freed.
 *
 * The parent device's driver data points to the parent while its attributes
 * exist: the attributes of both kinds read it through dev_get_drvdata().
 */
#include <kunit/visibility.h>
#include <linux/delay.h>
#include <linux/err.h>
#include <linux/jiffies.h>
#include <linux/kobject.h>
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

/*
 * Parent attributes, queues, memory_mb and engines: in the directory of a virtual
 * parent's own device, in the "sacc" group of a device a parent was created on.
 */
static ssize_t queues_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct sacc_parent *parent = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", parent->queues.total);
}
static DEVICE_ATTR_RO(queues);

static ssize_t memory_mb_show(struct device *dev, struct device_attribute *attr,
			      char *buf)
{
	struct sacc_parent *parent = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", parent->memory.total);
}
static DEVICE_ATTR_RO(memory_mb);

static ssize_t engines_show(struct device *dev, struct device_attribute *attr,
			    char *buf)
{
	struct sacc_parent *parent = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%u\n", parent->engines);
}
static DEVICE_ATTR_RO(engines);

static struct attribute *sacc_parent_attrs[] = {
	&dev_attr_queues.attr,
	&dev_attr_memory_mb.attr,
	&dev_attr_engines.attr,
	NULL,
};
ATTRIBUTE_GROUPS(sacc_parent);

/* The same attributes on a device the parent was created on: <dev>/sacc/. */
static const struct attribute_group sacc_parent_host_group = {
	.name = SACC_NAME,
	.attrs = sacc_parent_attrs,
};

static bool sacc_parent_is_virtual(const struct sacc_parent *parent)
{
	return parent->dev == &parent->class_dev;
}

static void sacc_parent_release(struct device *dev)
{
	kfree(container_of(dev, struct sacc_parent, class_dev));
}

/* What both kinds are made of; @parent is zeroed, @refs has the creator's. */
static void sacc_parent_init(struct sacc_parent *parent, struct device *dev,
			     const struct sacc_parent_config *cfg)
{
	unsigned int i;

	parent->dev = dev;
	kref_init(&parent->refs);
	sacc_budget_init(&parent->queues, cfg->queues);
	sacc_budget_init(&parent->memory, cfg->memory_mb);
	parent->engines = cfg->engines;
	sacc_types_init(parent->types, cfg);
	for (i = 0; i < SACC_NR_TYPES; i++)
		parent->type_ptrs[i] = &parent->types[i].type;
}

/*
 * Start the engines, named "<@name>-eng<i>", and register @parent->dev with the
 * mdev core; then hold every type kobject (see the lifetime rules above).
 */
static int sacc_parent_register(struct sacc_parent *parent, const char *name)
{
	unsigned int i;
	int ret;

	ret = sacc_engine_start(&parent->engine, parent->engines, name);
	if (ret)
		return ret;
	ret = mdev_register_parent(&parent->mdev_parent, parent->dev,
				   &sacc_mdev_driver, parent->type_ptrs,
				   SACC_NR_TYPES);
	if (ret) {
		sacc_engine_stop(&parent->engine);
		return ret;
	}
	for (i = 0; i < SACC_NR_TYPES; i++)
		kobject_get(&parent->types[i].type.kobj);
	return 0;
}

/*
 * Drop the reference sacc_parent_register() took on @type's kobject once every
 * other is gone. Nothing takes a new one after mdev_unregister_parent(): the type
 * is out of sysfs, so no create can reach it. The wait is normally not a single
 * sleep: only an mdev device another thread held while it was removed delays it.
 * The last kobject_put() orders the other threads' accesses before the release
 * (refcount_dec_and_test() has acquire ordering when it reaches zero).
 */
static void sacc_type_unhold(struct sacc_parent *parent, struct sacc_type *type)
{
	unsigned long warn_at = jiffies + 10 * HZ;

	while (kref_read(&type->type.kobj.kref) > 1) {
		if (time_after(jiffies, warn_at)) {
			dev_warn(parent->dev,
				 "type %s: waiting for the mdev core to release its last instance\n",
				 type->type.sysfs_name);
			warn_at = jiffies + 10 * HZ;
		}
		msleep(20);
	}
	kobject_put(&type->type.kobj);
}

/*
 * Remove every instance, then the types, then stop the engines. Blocks while a
 * VFIO user holds an instance open: the VFIO core asks it to let go through the
 * instance's request callback until it does. When this returns the mdev core
 * holds no pointer into @parent.
 */
static void sacc_parent_unregister(struct sacc_parent *parent)
{
	unsigned int i;

	mdev_unregister_parent(&parent->mdev_parent);
	for (i = 0; i < SACC_NR_TYPES; i++)
		sacc_type_unhold(parent, &parent->types[i]);
	sacc_engine_stop(&parent->engine);
}

static void sacc_parent_free(struct kref *refs)
{
	struct sacc_parent *parent = container_of(refs, struct sacc_parent, refs);

	if (sacc_parent_is_virtual(parent))
		put_device(&parent->class_dev);	/* sacc_parent_release() frees */
	else
		kfree(parent);
}

/**
 * sacc_parent_get() - an instance's reference on its parent's memory
 * @parent: the parent, registered
 */
void sacc_parent_get(struct sacc_parent *parent)
{
	kref_get(&parent->refs);
}

/**
 * sacc_parent_put() - drop a reference from sacc_parent_get()
 * @parent: the parent; may be freed when this returns
 */
void sacc_parent_put(struct sacc_parent *parent)
{
	kref_put(&parent->refs, sacc_parent_free);
}

/**
 * sacc_parent_create() - register one virtual accelerator and its types
 * @id: parent number; the device is named "sacc<id>"
 * @cfg: the parent's capacity, checked by the caller
 *
 * Return: the parent, or an ERR_PTR.
 */
struct sacc_parent *sacc_parent_create(unsigned int id,
				       const struct sacc_parent_config *cfg)
{
	struct sacc_parent *parent;
	int ret;

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return ERR_PTR(-ENOMEM);
	sacc_parent_init(parent, &parent->class_dev, cfg);

	/* From here on the device owns @parent: every error path ends in put_device(). */
	device_initialize(&parent->class_dev);
	parent->class_dev.class = &sacc_class;
	parent->class_dev.groups = sacc_parent_groups;
	parent->class_dev.release = sacc_parent_release;
	dev_set_drvdata(&parent->class_dev, parent);
	ret = dev_set_name(&parent->class_dev, SACC_NAME "%u", id);
	if (ret)
		goto put_device;
	ret = device_add(&parent->class_dev);
	if (ret)
		goto put_device;
	ret = sacc_parent_register(parent, dev_name(&parent->class_dev));
	if (ret)
		goto del_device;
	return parent;

del_device:
	device_del(&parent->class_dev);
put_device:
	put_device(&parent->class_dev);
	return ERR_PTR(ret);
}

/**
 * sacc_parent_create_on() - register an accelerator on an existing device
 * @dev: the device, which becomes the mdev parent device; the caller is its driver
 *       (probe) and keeps it bound until sacc_parent_destroy()
 * @cfg: the parent's capacity, checked by the caller
 *
 * Sets @dev's driver data to the parent and adds its attributes as a "sacc" group
 * of @dev. The engine threads are named "sacc-<dev name>-eng<i>".
 *
 * Return: the parent, or an ERR_PTR.
 */
struct sacc_parent *sacc_parent_create_on(struct device *dev,
					  const struct sacc_parent_config *cfg)
{
	struct sacc_parent *parent;
	char *name;
	int ret;

	parent = kzalloc(sizeof(*parent), GFP_KERNEL);
	if (!parent)
		return ERR_PTR(-ENOMEM);
	sacc_parent_init(parent, dev, cfg);
	name = kasprintf(GFP_KERNEL, SACC_NAME "-%s", dev_name(dev));
	if (!name) {
		ret = -ENOMEM;
		goto free_parent;
	}

	/* The attributes first, so that they exist when the mdev core announces it. */
	dev_set_drvdata(dev, parent);
	ret = device_add_group(dev, &sacc_parent_host_group);
	if (ret)
		goto clear_drvdata;
	ret = sacc_parent_register(parent, name);
	if (ret)
		goto remove_group;
	kfree(name);
	return parent;

remove_group:
	device_remove_group(dev, &sacc_parent_host_group);
clear_drvdata:
	dev_set_drvdata(dev, NULL);
	kfree(name);
free_parent:
	kfree(parent);
	return ERR_PTR(ret);
}

/**
 * sacc_parent_destroy() - remove every instance of @parent, then @parent itself
 * @parent: from sacc_parent_create() or sacc_parent_create_on()
 *
 * Blocks while a VFIO user holds one of the instances open; the VFIO core asks the
 * user to let go through the device's request callback. The memory goes when the
 * last instance is released too (&sacc_parent.refs).
 */
void sacc_parent_destroy(struct sacc_parent *parent)
{
	sacc_parent_unregister(parent);
	if (sacc_parent_is_virtual(parent)) {
		device_del(&parent->class_dev);
	} else {
		device_remove_group(parent->dev, &sacc_parent_host_group);
		dev_set_drvdata(parent->dev, NULL);
	}
	sacc_parent_put(parent);
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
