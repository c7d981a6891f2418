/* SPDX-License-Identifier: GPL-2.0 */
/* A mediated device as the tool sees it: active in sysfs, defined on disk, or both. */
#ifndef MDEVCTL_LITE_MDEV_H
#define MDEVCTL_LITE_MDEV_H

#include <stddef.h>

#define UUID_STR_LEN 37	/* 36 characters and the NUL */

/* One sysfs attribute written after the device is created, in definition order. */
struct mdev_attr {
	char *name;
	char *value;
};

/**
 * struct mdev - one mediated device
 * @uuid: canonical lower-case form
 * @parent: parent device name (as under /sys/class/mdev_bus), malloc'ed
 * @type: mdev type name, malloc'ed
 * @autostart: "start": "auto" in the definition
 * @active: it exists in sysfs with this parent and type
 * @defined: a definition file exists for it under this parent
 * @attrs: attributes, in order
 * @nattrs: how many
 */
struct mdev {
	char uuid[UUID_STR_LEN];
	char *parent;
	char *type;
	int autostart;
	int active;
	int defined;
	struct mdev_attr *attrs;
	size_t nattrs;
};

/* A growable array of devices; mdev_list_sort() orders it as mdevctl prints. */
struct mdev_list {
	struct mdev *devs;
	size_t count;
};

int uuid_canonical(const char *in, char out[UUID_STR_LEN]);
void uuid_generate_str(char out[UUID_STR_LEN]);

int mdev_set(char **field, const char *value);
int mdev_attr_insert(struct mdev *dev, size_t index, const char *name, const char *value);
void mdev_attr_delete(struct mdev *dev, size_t index);
void mdev_clear(struct mdev *dev);
int mdev_copy(struct mdev *dst, const struct mdev *src);

struct mdev *mdev_list_add(struct mdev_list *list);
void mdev_list_sort(struct mdev_list *list);
void mdev_list_free(struct mdev_list *list);

#endif
