/* SPDX-License-Identifier: GPL-2.0 */
/* sysfs under the environment root: parents, types, active devices, create/remove. */
#ifndef MDEVCTL_LITE_SYSFS_H
#define MDEVCTL_LITE_SYSFS_H

#include <stddef.h>

#include "mdev.h"

/**
 * struct name_list - a sorted list of directory entry names
 * @names: the names, each malloc'ed
 * @count: how many
 */
struct name_list {
	char **names;
	size_t count;
};

int sysfs_list_dir(const char *path, int want_dirs, struct name_list *out);
void name_list_free(struct name_list *list);
int name_list_has(const struct name_list *list, const char *name);
int sysfs_read_attr(const char *path, char *buf, size_t len);
int sysfs_write_attr(const char *path, const char *value);

int parents_list(struct name_list *out);
int parent_types(const char *parent, struct name_list *out);
const char *parent_suggest(const struct name_list *parents, const char *wanted);
int type_available(const char *parent, const char *type, long *avail);

int active_list(const char *uuid, struct mdev_list *out);
int active_lookup(const char *uuid, struct mdev *out);
int sysfs_create(const char *parent, const char *type, const char *uuid);
int sysfs_remove(const char *uuid);
int sysfs_set_attr(const char *uuid, const char *name, const char *value);

#endif
