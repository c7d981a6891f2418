// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs reads. Functions return 0 or a negative errno, so that callers can name the
 * object and the cause in their message.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "env.h"
#include "sysfs.h"

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void name_list_free(struct name_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		free(list->names[i]);
	free(list->names);
	list->names = NULL;
	list->count = 0;
}

/* The names in directory PATH (only subdirectories, or symlinks to them, if want_dirs). */
int sysfs_list_dir(const char *path, int want_dirs, struct name_list *out)
{
	struct dirent *de;
	size_t cap = 0;
	DIR *d;
	int err = 0;

	out->names = NULL;
	out->count = 0;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] == '.')
			continue;
		if (want_dirs && (fstatat(dirfd(d), de->d_name, &st, 0) || !S_ISDIR(st.st_mode)))
			continue;
		if (out->count == cap) {
			char **n = realloc(out->names, (cap ? cap * 2 : 8) * sizeof(*n));

			if (!n) {
				err = -ENOMEM;
				break;
			}
			out->names = n;
			cap = cap ? cap * 2 : 8;
		}
		out->names[out->count] = strdup(de->d_name);
		if (!out->names[out->count]) {
			err = -ENOMEM;
			break;
		}
		out->count++;
	}
	closedir(d);
	if (err) {
		name_list_free(out);
		return err;
	}
	if (out->count)
		qsort(out->names, out->count, sizeof(*out->names), cmp_names);
	return 0;
}

/* An attribute's value with trailing whitespace removed. */
int sysfs_read_attr(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = '\0';
	return 0;
}

/* Every registered mdev parent. No mdev_bus directory at all means no parent. */
int parents_list(struct name_list *out)
{
	char path[PATH_MAX];
	int ret;

	if (env_path(path, sizeof(path), ENV_PARENT_BASE))
		return -ENAMETOOLONG;
	ret = sysfs_list_dir(path, 1, out);
	return ret == -ENOENT ? 0 : ret;
}

int parent_types(const char *parent, struct name_list *out)
{
	char path[PATH_MAX];

	if (env_path(path, sizeof(path), ENV_PARENT_BASE "/%s/mdev_supported_types", parent))
		return -ENAMETOOLONG;
	return sysfs_list_dir(path, 1, out);
}

/* A parent whose name differs from WANTED only in case, or NULL. */
const char *parent_suggest(const struct name_list *parents, const char *wanted)
{
	size_t i;

	for (i = 0; i < parents->count; i++)
		if (!strcasecmp(parents->names[i], wanted))
			return parents->names[i];
	return NULL;
}
