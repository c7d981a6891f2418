// SPDX-License-Identifier: GPL-2.0
/* sysfs and mdev lifecycle helpers for the VM suites. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid/uuid.h>

#include "sacc_test.h"

/* Read a sysfs attribute, without its trailing newline. */
const struct sacc_type_desc sacc_types[SACC_NR_TYPES] = {
	{ "sacc-1q", 1 },
	{ "sacc-2q", 2 },
	{ "sacc-4q", 4 },
};

/*
 * The last component of the symbolic link @path points to, into @buf: an instance's
 * IOMMU group, a PCI function's driver.
 */
static int link_basename(const char *path, char *buf, size_t len)
{
	char target[PATH_MAX], *base;
	ssize_t n;

	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	if (strlen(base) >= len)
		return -ENAMETOOLONG;
	strcpy(buf, base);
	return 0;
}

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
	char path[PATH_MAX], name[32], *end;
	long group;
	int ret;

	snprintf(path, sizeof(path), MDEV_DEVICES "/%s/iommu_group", uuid);
	ret = link_basename(path, name, sizeof(name));
	if (ret)
		return ret;
	group = strtol(name, &end, 10);
	if (end == name || *end || group < 0 || group > INT_MAX)
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

/*
 * A random (version 4) UUID. Not uuid_generate_random(): in the test VM the kernel's
 * random pool is often not initialised for minutes (no RNG device under TCG), and
 * libuuid then retries getrandom(GRND_NONBLOCK) for 1 s before it falls back to
 * /dev/urandom, so every UUID cost a second. GRND_INSECURE never waits.
 */
void uuid_new(char out[UUID_STR_LEN])
{
	uuid_t u;

	if (getrandom(u, sizeof(u), GRND_INSECURE) == (ssize_t)sizeof(u)) {
		u[6] = (u[6] & 0x0f) | 0x40;	/* version 4 */
		u[8] = (u[8] & 0x3f) | 0x80;	/* variant 1 (RFC 4122) */
	} else {
		uuid_generate_random(u);
	}
	uuid_unparse_lower(u, out);
}

int mdev_type_size(const char *parent, const char *type, unsigned int *queues,
		   unsigned int *memory_mb)
{
	unsigned int weight;
	char buf[128];
	int ret = mdev_type_attr(parent, type, "description", buf, sizeof(buf));

	if (ret)
		return ret;
	if (sscanf(buf, "queues=%u, memory=%uM, weight=%u", queues, memory_mb,
		   &weight) != 3)
		return -EPROTO;
	return 0;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The entries of @dir not starting with '.', sorted: how many (at most @max), or -errno. */
static int list_dir(const char *dir, char (*names)[MDEV_NAME_LEN], unsigned int max)
{
	struct dirent *de;
	unsigned int n = 0;
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == max || strlen(de->d_name) >= MDEV_NAME_LEN) {
			closedir(d);
			return -E2BIG;
		}
		strcpy(names[n++], de->d_name);
	}
	closedir(d);
	qsort(names, n, MDEV_NAME_LEN, name_cmp);
	return n;
}

int mdev_budget_read(struct mdev_budget *b)
{
	static const char *const totals[] = { "queues", "memory_mb", "engines" };
	char path[PATH_MAX];
	unsigned int i, j, k;
	int n, ret;

	memset(b, 0, sizeof(*b));
	n = list_dir(SACC_CLASS, b->parent, BUDGET_MAX_PARENTS);
	if (n < 0)
		return n;
	b->nr_parents = n;
	for (i = 0; i < b->nr_parents; i++) {
		for (k = 0; k < 3; k++) {
			snprintf(path, sizeof(path), SACC_CLASS "/%s/%s", b->parent[i],
				 totals[k]);
			ret = sysfs_read_uint(path, &b->total[i][k]);
			if (ret)
				return ret;
		}
		snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s/mdev_supported_types",
			 b->parent[i]);
		n = list_dir(path, b->type[i], BUDGET_MAX_TYPES);
		if (n < 0)
			return n;
		b->nr_types[i] = n;
		for (j = 0; j < b->nr_types[i]; j++) {
			ret = mdev_available(b->parent[i], b->type[i][j]);
			if (ret < 0)
				return ret;
			b->available[i][j] = ret;
		}
	}
	return 0;
}

bool mdev_budget_same(const struct mdev_budget *was, const struct mdev_budget *now,
		      char *why, size_t len)
{
	static const char *const totals[] = { "queues", "memory_mb", "engines" };
	unsigned int i, j, k;

	if (was->nr_parents != now->nr_parents) {
		snprintf(why, len, "%u parents in " SACC_CLASS ", %u before",
			 now->nr_parents, was->nr_parents);
		return false;
	}
	for (i = 0; i < was->nr_parents; i++) {
		if (strcmp(was->parent[i], now->parent[i]) ||
		    was->nr_types[i] != now->nr_types[i]) {
			snprintf(why, len, "parent %s (%u types), before %s (%u types)",
				 now->parent[i], now->nr_types[i], was->parent[i],
				 was->nr_types[i]);
			return false;
		}
		for (k = 0; k < 3; k++)
			if (was->total[i][k] != now->total[i][k]) {
				snprintf(why, len, "%s/%s is %u, before %u", now->parent[i],
					 totals[k], now->total[i][k], was->total[i][k]);
				return false;
			}
		for (j = 0; j < was->nr_types[i]; j++)
			if (strcmp(was->type[i][j], now->type[i][j]) ||
			    was->available[i][j] != now->available[i][j]) {
				snprintf(why, len, "%s %s: available_instances %u, before %s %u",
					 now->parent[i], now->type[i][j], now->available[i][j],
					 was->type[i][j], was->available[i][j]);
				return false;
			}
	}
	return true;
}

/* The value of a hexadecimal sysfs attribute ("0x1234"). */
static int sysfs_read_hex(const char *path, unsigned long *val)
{
	char buf[32], *end;
	int ret = sysfs_read(path, buf, sizeof(buf));

	if (ret)
		return ret;
	errno = 0;
	*val = strtoul(buf, &end, 16);
	return errno || end == buf || *end ? -EINVAL : 0;
}

int pci_find_function(unsigned int vendor, unsigned int device, char *bdf, size_t len)
{
	char names[64][MDEV_NAME_LEN], path[PATH_MAX];
	unsigned long v, d;
	int n, i;

	n = list_dir(PCI_DEVICES, names, 64);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/vendor", names[i]);
		if (sysfs_read_hex(path, &v) || v != vendor)
			continue;
		snprintf(path, sizeof(path), PCI_DEVICES "/%s/device", names[i]);
		if (sysfs_read_hex(path, &d) || d != device)
			continue;
		if (strlen(names[i]) >= len)
			return -ENAMETOOLONG;
		strcpy(bdf, names[i]);
		return 0;
	}
	return -ENOENT;
}

int pci_driver_name(const char *bdf, char *buf, size_t len)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver", bdf);
	return link_basename(path, buf, len);
}

int sacc_pci_parent(char *bdf, size_t len)
{
	return pci_find_function(PCI_VENDOR_QEMU, PCI_DEVICE_EDU, bdf, len);
}

int sacc_parent_from_env(char *name, size_t len)
{
	const char *p = getenv("SACC_PARENT");

	if (!p || !*p)
		p = "sacc0";
	if (!strcmp(p, "pci"))
		return sacc_pci_parent(name, len);
	if (strlen(p) >= len)
		return -ENAMETOOLONG;
	strcpy(name, p);
	return 0;
}

int sacc_parent_attr_uint(const char *parent, const char *attr, unsigned int *val)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), SACC_CLASS "/%s/%s", parent, attr);
	if (!access(path, F_OK))
		return sysfs_read_uint(path, val);
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/" SACC_PCI_DRIVER "/%s", parent, attr);
	return sysfs_read_uint(path, val);
}

bool pci_bound_to(const char *bdf, const char *drv)
{
	char name[64];

	return !pci_driver_name(bdf, name, sizeof(name)) && !strcmp(name, drv);
}

int pci_handoff(const char *bdf, struct pci_handoff *ho)
{
	char path[PATH_MAX];
	int ret;

	memset(ho, 0, sizeof(*ho));
	if (strlen(bdf) >= sizeof(ho->bdf))
		return -ENAMETOOLONG;
	ret = pci_driver_name(bdf, ho->old_driver, sizeof(ho->old_driver));
	if (ret == -ENOENT)
		ho->old_driver[0] = '\0';
	else if (ret)
		return ret;
	else if (!strcmp(ho->old_driver, SACC_PCI_DRIVER))
		return -EBUSY;
	strcpy(ho->bdf, bdf);
	/* From here on the undo has work: clear driver_override at least. */
	ho->active = true;
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", bdf);
	ret = sysfs_write(path, SACC_PCI_DRIVER);
	if (ret)
		return ret;
	if (ho->old_driver[0]) {
		snprintf(path, sizeof(path), PCI_DRIVERS "/%s/unbind", ho->old_driver);
		ret = sysfs_write(path, bdf);
		if (ret)
			return ret;
	}
	ret = sysfs_write(PCI_DRIVERS_PROBE, bdf);
	if (ret)
		return ret;
	return pci_bound_to(bdf, SACC_PCI_DRIVER) ? 0 : -ENODEV;
}

int pci_handoff_undo(struct pci_handoff *ho)
{
	char path[PATH_MAX];
	int ret, err = 0;

	if (!ho->active)
		return 0;
	if (pci_bound_to(ho->bdf, SACC_PCI_DRIVER))
		err = sysfs_write(PCI_DRIVERS "/" SACC_PCI_DRIVER "/unbind", ho->bdf);
	snprintf(path, sizeof(path), PCI_DEVICES "/%s/driver_override", ho->bdf);
	ret = sysfs_write(path, "\n");
	if (!err)
		err = ret;
	if (ho->old_driver[0] && !err) {
		err = sysfs_write(PCI_DRIVERS_PROBE, ho->bdf);
		if (!err && !pci_bound_to(ho->bdf, ho->old_driver))
			err = -ENODEV;
	}
	ho->active = err != 0;
	return err;
}
