// SPDX-License-Identifier: GPL-2.0
/*
 * Start: check what the kernel would refuse with a bare errno (no such parent, no
 * such type, no instance left) and say it in words; write the UUID to the type's
 * create file; write the attributes in order. If an attribute cannot be written the
 * device is removed again: a half-configured device would hold an instance that
 * nobody asked for. Stop: write 1 to the device's remove file.
 *
 * Both run the device's callout and notifier scripts around the operation
 * (callouts.c): a pre callout can refuse it, unless forced.
 *
 * Each function prints one message naming the device, parent and type and the cause,
 * and returns a negative errno.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "callouts.h"
#include "commands.h"
#include "lifecycle.h"
#include "sysfs.h"

/* The parent exists, or say which one was meant. */
static int check_parent(const char *parent)
{
	struct name_list parents;
	const char *hint;
	int ret;

	ret = parents_list(&parents);
	if (ret) {
		errorf("cannot list mdev parents: %s", strerror(-ret));
		return ret;
	}
	if (!name_list_has(&parents, parent)) {
		hint = parent_suggest(&parents, parent);
		if (hint)
			errorf("parent '%s' not found; did you mean '%s'?", parent, hint);
		else
			errorf("parent '%s' not found: no such mdev parent is registered", parent);
		ret = -ENOENT;
	}
	name_list_free(&parents);
	return ret;
}

/* The type exists on the parent, or list the ones that do. */
static int check_type(const char *parent, const char *type)
{
	struct name_list types;
	size_t i;
	int ret;

	ret = parent_types(parent, &types);
	if (ret) {
		errorf("cannot list the types of parent %s: %s", parent, strerror(-ret));
		return ret;
	}
	if (!name_list_has(&types, type)) {
		fprintf(stderr, "%s: parent %s has no mdev type '%s'; its types are:", progname,
			parent, type);
		for (i = 0; i < types.count; i++)
			fprintf(stderr, "%s %s", i ? "," : "", types.names[i]);
		fprintf(stderr, "%s\n", types.count ? "" : " (none)");
		ret = -ENOENT;
	}
	name_list_free(&types);
	return ret;
}

static int check_available(const char *parent, const char *type)
{
	long avail;
	int ret;

	ret = type_available(parent, type, &avail);
	if (ret) {
		errorf("cannot read available_instances of type %s on parent %s: %s", type,
		       parent, strerror(-ret));
		return ret;
	}
	if (avail == 0) {
		errorf("no instances of type %s left on parent %s (available_instances is 0)",
		       type, parent);
		return -ENOSPC;
	}
	return 0;
}

/* Say why the kernel refused to create DEV. */
static void create_error(const struct mdev *dev, int err)
{
	switch (err) {
	case -EEXIST:
		errorf("cannot create device %s on parent %s: a device with this UUID already exists",
		       dev->uuid, dev->parent);
		break;
	case -ENOSPC:	/* sacc and mtty: their own capacity budget is spent */
	case -EUSERS:	/* the mdev core: a max_instances parent is full */
		errorf("cannot create device %s: no instances of type %s left on parent %s (the kernel said: %s)",
		       dev->uuid, dev->type, dev->parent, strerror(-err));
		break;
	default:
		errorf("cannot create device %s of type %s on parent %s: %s", dev->uuid,
		       dev->type, dev->parent, strerror(-err));
	}
}

static int create_device(struct mdev *dev, void *ctx)
{
	struct mdev active;
	size_t i;
	int ret, rm;

	(void)ctx;
	if (!active_lookup(dev->uuid, &active)) {
		if (strcmp(active.parent, dev->parent) || strcmp(active.type, dev->type))
			errorf("device %s already exists on parent %s with type %s", dev->uuid,
			       active.parent, active.type);
		else
			errorf("device %s is already active on parent %s", dev->uuid, dev->parent);
		mdev_clear(&active);
		return -EEXIST;
	}
	ret = check_parent(dev->parent);
	if (!ret)
		ret = check_type(dev->parent, dev->type);
	if (!ret)
		ret = check_available(dev->parent, dev->type);
	if (ret)
		return ret;
	ret = sysfs_create(dev->parent, dev->type, dev->uuid);
	if (ret) {
		create_error(dev, ret);
		return ret;
	}
	for (i = 0; i < dev->nattrs; i++) {
		const struct mdev_attr *a = &dev->attrs[i];
		const char *cause;

		ret = sysfs_set_attr(dev->uuid, a->name, a->value);
		if (!ret)
			continue;
		cause = ret == -ENOENT ? "the device has no such attribute" : strerror(-ret);
		rm = sysfs_remove(dev->uuid);
		if (rm)
			errorf("cannot set attribute %s=%s of device %s: %s; removing the device again failed too: %s",
			       a->name, a->value, dev->uuid, cause, strerror(-rm));
		else
			errorf("cannot set attribute %s=%s of device %s: %s; the device was removed again",
			       a->name, a->value, dev->uuid, cause);
		return ret;
	}
	return 0;
}

int mdev_start(struct mdev *dev, int force)
{
	return callout_invoke(dev, CALLOUT_START, force, create_device, NULL);
}

static int remove_device(struct mdev *dev, void *ctx)
{
	int ret;

	(void)ctx;
	ret = sysfs_remove(dev->uuid);
	if (ret == -ENOENT) {
		/* Someone else removed it between our look and our write. */
		errorf("device %s is not active (it was removed meanwhile)", dev->uuid);
	} else if (ret) {
		errorf("cannot remove device %s on parent %s: %s", dev->uuid, dev->parent,
		       strerror(-ret));
	}
	return ret;
}

/* The callouts see the running device: its parent and type, manual, no attributes. */
int mdev_stop(const char *uuid, int force)
{
	struct mdev dev;
	int ret;

	ret = active_lookup(uuid, &dev);
	if (ret == -ENOENT) {
		errorf("device %s is not active", uuid);
		return ret;
	}
	if (ret) {
		errorf("cannot look up device %s: %s", uuid, strerror(-ret));
		return ret;
	}
	ret = callout_invoke(&dev, CALLOUT_STOP, force, remove_device, NULL);
	mdev_clear(&dev);
	return ret;
}
