/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the VM suites: sysfs and mdev lifecycle (mdev_sysfs.c), and opening an
 * instance through VFIO, by the type1 container or by iommufd (vfio_client.c).
 * Functions return 0 or a negative errno unless they say otherwise, and never exit:
 * the suites decide what is a failure.
 */
#ifndef SACC_TEST_H
#define SACC_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/vfio.h>

#define MDEV_BUS_CLASS	"/sys/class/mdev_bus"
#define MDEV_DEVICES	"/sys/bus/mdev/devices"
#define UUID_STR_LEN	37

/* mdev_sysfs.c */
int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_read_uint(const char *path, unsigned int *val);
int sysfs_write(const char *path, const char *val);
int mdev_type_attr(const char *parent, const char *type, const char *attr,
		   char *buf, size_t len);
int mdev_available(const char *parent, const char *type);
int mdev_create(const char *parent, const char *type, const char *uuid);
int mdev_remove(const char *uuid);
bool mdev_exists(const char *uuid);
int mdev_iommu_group(const char *uuid);
int mdev_count(void);
void uuid_new(char out[UUID_STR_LEN]);

/**
 * struct vfio_handle - an open instance and what it was opened through
 * @container: /dev/vfio/vfio, or -1 on the iommufd path
 * @group: /dev/vfio/<group>, or -1 on the iommufd path
 * @iommufd: /dev/iommu, or -1 on the container path
 * @device: the device fd
 */
struct vfio_handle {
	int container;
	int group;
	int iommufd;
	int device;
};

/* vfio_client.c */
int vfio_open_container(const char *uuid, struct vfio_handle *h);
int vfio_open_iommufd(const char *uuid, struct vfio_handle *h);
void vfio_close(struct vfio_handle *h);
int vfio_region(const struct vfio_handle *h, unsigned int index,
		struct vfio_region_info *info);

#endif /* SACC_TEST_H */
