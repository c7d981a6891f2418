// SPDX-License-Identifier: GPL-2.0
/*
 * sysfs reads and writes. Functions return 0 or a negative errno and print nothing,
 * so that callers can name the object and the cause in their message.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* realpath() */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
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

int name_list_has(const struct name_list *list, const char *name)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		if (!strcmp(list->names[i], name))
			return 1;
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

/* Write VALUE in one write(), as sysfs expects; the kernel's error comes back as is. */
int sysfs_write_attr(const char *path, const char *value)
{
	size_t len = strlen(value);
	ssize_t n;
	int fd, err = 0;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		err = -errno;
	else if ((size_t)n != len)
		err = -EIO;
	if (close(fd) && !err)
		err = -errno;
	return err;
}

/* available_instances of a type, as a number. */
int type_available(const char *parent, const char *type, long *avail)
{
	char path[PATH_MAX], buf[64], *end;
	int ret;

	if (env_path(path, sizeof(path),
		     ENV_PARENT_BASE "/%s/mdev_supported_types/%s/available_instances",
		     parent, type))
		return -ENAMETOOLONG;
	ret = sysfs_read_attr(path, buf, sizeof(buf));
	if (ret)
		return ret;
	errno = 0;
	*avail = strtol(buf, &end, 10);
	if (errno || end == buf || *end || *avail < 0)
		return -EINVAL;
	return 0;
}

/* The last component of the canonical form of PATH, into OUT. */
static int link_basename(const char *path, char **out)
{
	char *real = realpath(path, NULL);
	int ret;

	if (!real)
		return -errno;
	ret = mdev_set(out, basename(real));
	free(real);
	return ret;
}

/*
 * Fill DEV (uuid already set) from sysfs: /sys/bus/mdev/devices/<uuid> links to
 * .../<parent>/<uuid>, and its mdev_type links to the parent's type directory. A
 * device that is not there, or half gone (links broken while it is being removed),
 * is -ENOENT.
 */
static int active_load(struct mdev *dev)
{
	char path[PATH_MAX], *real;
	int ret;

	if (env_path(path, sizeof(path), ENV_MDEV_BASE "/%s", dev->uuid))
		return -ENAMETOOLONG;
	real = realpath(path, NULL);
	if (!real)
		return errno == ENOTDIR ? -ENOENT : -errno;
	ret = mdev_set(&dev->parent, basename(dirname(real)));
	free(real);
	if (ret)
		return ret;
	if (env_path(path, sizeof(path), ENV_MDEV_BASE "/%s/mdev_type", dev->uuid))
		return -ENAMETOOLONG;
	ret = link_basename(path, &dev->type);
	if (ret)
		return ret;
	dev->active = 1;
	return 0;
}

int active_lookup(const char *uuid, struct mdev *out)
{
	int ret;

	memset(out, 0, sizeof(*out));
	memcpy(out->uuid, uuid, UUID_STR_LEN);
	ret = active_load(out);
	if (ret)
		mdev_clear(out);
	return ret;
}

/* Every active device (only UUID, if not NULL), unsorted. Entries that are not UUIDs
 * or vanish while we look are skipped, as mdevctl does. */
int active_list(const char *uuid, struct mdev_list *out)
{
	char path[PATH_MAX], canon[UUID_STR_LEN];
	struct name_list names;
	struct mdev *dev;
	size_t i;
	int ret;

	out->devs = NULL;
	out->count = 0;
	if (env_path(path, sizeof(path), ENV_MDEV_BASE))
		return -ENAMETOOLONG;
	ret = sysfs_list_dir(path, 0, &names);
	if (ret == -ENOENT)
		return 0;	/* no mdev bus at all: no device */
	if (ret)
		return ret;
	for (i = 0; i < names.count && !ret; i++) {
		if (uuid_canonical(names.names[i], canon) || (uuid && strcmp(uuid, canon)))
			continue;
		dev = mdev_list_add(out);
		if (!dev) {
			ret = -ENOMEM;
			break;
		}
		memcpy(dev->uuid, canon, sizeof(canon));
		ret = active_load(dev);
		if (ret == -ENOENT) {
			mdev_clear(dev);
			out->count--;
			ret = 0;
		}
	}
	name_list_free(&names);
	if (ret)
		mdev_list_free(out);
	return ret;
}

int sysfs_create(const char *parent, const char *type, const char *uuid)
{
	char path[PATH_MAX];

	if (env_path(path, sizeof(path), ENV_PARENT_BASE "/%s/mdev_supported_types/%s/create",
		     parent, type))
		return -ENAMETOOLONG;
	return sysfs_write_attr(path, uuid);
}

int sysfs_remove(const char *uuid)
{
	char path[PATH_MAX];

	if (env_path(path, sizeof(path), ENV_MDEV_BASE "/%s/remove", uuid))
		return -ENAMETOOLONG;
	return sysfs_write_attr(path, "1");
}

int sysfs_set_attr(const char *uuid, const char *name, const char *value)
{
	char path[PATH_MAX];

	/* A name with a slash would reach outside the device's directory. */
	if (strchr(name, '/') || !strcmp(name, "..") || !strcmp(name, "."))
		return -EINVAL;
	if (env_path(path, sizeof(path), ENV_MDEV_BASE "/%s/%s", uuid, name))
		return -ENAMETOOLONG;
	return sysfs_write_attr(path, value);
}
