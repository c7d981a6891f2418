// SPDX-License-Identifier: GPL-2.0
/* sysfs and mdev lifecycle helpers for the VM suites. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "sacc_test.h"

/* Read a sysfs attribute, without its trailing newline. */
int sysfs_read(const char *path, char *buf, size_t len)
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
	buf[n] = '\0';
	if (n > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return 0;
}

int sysfs_read_uint(const char *path, unsigned int *val)
{
	char buf[32], *end;
	unsigned long v;
	int ret = sysfs_read(path, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || *end || v > UINT_MAX)
		return -EINVAL;
	*val = v;
	return 0;
}

/* Write one value to a sysfs attribute; the kernel's error comes back as -errno. */
int sysfs_write(const char *path, const char *val)
{
	size_t len = strlen(val);
	ssize_t n;
	int fd, err;

	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, len);
	err = errno;
	close(fd);
	if (n < 0)
		return -err;
	return (size_t)n == len ? 0 : -EIO;
}

int mdev_type_attr(const char *parent, const char *type, const char *attr,
		   char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s/mdev_supported_types/%s/%s",
		 parent, type, attr);
	return sysfs_read(path, buf, len);
}

/* available_instances of a type, or a negative errno. */
int mdev_available(const char *parent, const char *type)
{
	char path[PATH_MAX];
	unsigned int val;
	int ret;

	snprintf(path, sizeof(path),
		 MDEV_BUS_CLASS "/%s/mdev_supported_types/%s/available_instances",
		 parent, type);
	ret = sysfs_read_uint(path, &val);
	return ret ? ret : (int)val;
}

int mdev_create(const char *parent, const char *type, const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s/mdev_supported_types/%s/create",
		 parent, type);
	return sysfs_write(path, uuid);
}

int mdev_remove(const char *uuid)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/remove", uuid);
	return sysfs_write(path, "1");
}

bool mdev_exists(const char *uuid)
{
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s", uuid);
	return stat(path, &st) == 0;
}

int mdev_attr(const char *uuid, const char *attr, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/%s", uuid, attr);
	return sysfs_read(path, buf, len);
}

int mdev_attr_uint(const char *uuid, const char *attr, unsigned int *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/%s", uuid, attr);
	return sysfs_read_uint(path, val);
}

int mdev_attr_write(const char *uuid, const char *attr, const char *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/%s", uuid, attr);
	return sysfs_write(path, val);
}

/* The IOMMU group number of an instance, or a negative errno. */
int mdev_iommu_group(const char *uuid)
{
	char path[PATH_MAX], target[PATH_MAX], *base, *end;
	ssize_t n;
	long group;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/iommu_group", uuid);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	group = strtol(base, &end, 10);
	if (end == base || *end || group < 0 || group > INT_MAX)
		return -EINVAL;
	return (int)group;
}

/* Entries of a directory, without those starting with '.', or a negative errno. */
int dir_count(const char *path)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir(path);

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n;
}

/* Number of mdev devices of any parent, or a negative errno. */
int mdev_count(void)
{
	return dir_count(MDEV_DEVICES);
}

void uuid_new(char out[UUID_STR_LEN])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}
