/* SPDX-License-Identifier: GPL-2.0 */
/* Reading parents and types from sysfs (under the environment root). */
#ifndef MDEVCTL_LITE_SYSFS_H
#define MDEVCTL_LITE_SYSFS_H

#include <stddef.h>

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
int sysfs_read_attr(const char *path, char *buf, size_t len);

int parents_list(struct name_list *out);
int parent_types(const char *parent, struct name_list *out);
const char *parent_suggest(const struct name_list *parents, const char *wanted);

#endif
