// SPDX-License-Identifier: GPL-2.0
/*
 * Opening an sacc instance the two ways VFIO offers:
 *  - the legacy container: /dev/vfio/vfio + /dev/vfio/<group> + type1 IOMMU, one
 *    container per instance or several groups sharing one container;
 *  - the device cdev: /dev/vfio/devices/vfioN bound to an iommufd (/dev/iommu) and
 *    attached to a fresh IOAS.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/vfio.h>

#include "sacc_test.h"

static void handle_init(struct vfio_handle *h)
{
	h->container = h->group = h->iommufd = h->device = -1;
	h->ioas_id = 0;
}

void vfio_close(struct vfio_handle *h)
{
	if (h->device >= 0)
		close(h->device);
	if (h->group >= 0)
		close(h->group);
	if (h->container >= 0)
		close(h->container);
	if (h->iommufd >= 0)
		close(h->iommufd);
	handle_init(h);
}

/* A type1 container with no group yet. */
int vfio_container_new(int *container)
{
	int fd, err;

	fd = open("/dev/vfio/vfio", O_RDWR | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ioctl(fd, VFIO_GET_API_VERSION) != VFIO_API_VERSION) {
		err = EPROTO;
		goto fail;
	}
	if (ioctl(fd, VFIO_CHECK_EXTENSION, VFIO_TYPE1v2_IOMMU) != 1) {
		err = ENODEV;
		goto fail;
	}
	*container = fd;
	return 0;

fail:
	close(fd);
	return -err;
}

/*
 * Open the instance's group, add it to @container (setting the type1 IOMMU if the
 * container has none yet) and get the device. Fills h->group and h->device only.
 */
static int group_attach(const char *uuid, int container, struct vfio_handle *h)
{
	struct vfio_group_status status = { .argsz = sizeof(status) };
	char path[PATH_MAX];
	int group, err;

	group = mdev_iommu_group(uuid);
	if (group < 0)
		return group;
	snprintf(path, sizeof(path), "/dev/vfio/%d", group);
	h->group = open(path, O_RDWR | O_CLOEXEC);
	if (h->group < 0)
		return -errno;
	if (ioctl(h->group, VFIO_GROUP_GET_STATUS, &status))
		return -errno;
	if (!(status.flags & VFIO_GROUP_FLAGS_VIABLE))
		return -EBUSY;
	if (ioctl(h->group, VFIO_GROUP_SET_CONTAINER, &container))
		return -errno;
	/*
	 * The first group of a container enables its IOMMU. With our group in the
	 * container, VFIO_SET_IOMMU fails with EINVAL only when the container already
	 * has an IOMMU driver, i.e. when another group came first.
	 */
	if (ioctl(container, VFIO_SET_IOMMU, VFIO_TYPE1v2_IOMMU)) {
		err = errno;
		if (err != EINVAL)
			return -err;
	}
	h->device = ioctl(h->group, VFIO_GROUP_GET_DEVICE_FD, uuid);
	if (h->device < 0)
		return -errno;
	return 0;
}

int vfio_open_container(const char *uuid, struct vfio_handle *h)
{
	int ret, container;

	handle_init(h);
	ret = vfio_container_new(&container);
	if (ret)
		return ret;
	h->container = container;
	ret = group_attach(uuid, container, h);
	if (ret)
		vfio_close(h);
	return ret;
}

int vfio_open_in_container(const char *uuid, int container, struct vfio_handle *h)
{
	int ret;

	handle_init(h);
	ret = group_attach(uuid, container, h);
	if (ret)
		vfio_close(h);
	return ret;
}

/* /dev/vfio/devices/vfioN of an instance, from /sys/bus/mdev/devices/<uuid>/vfio-dev. */
static int vfio_cdev_path(const char *uuid, char *out, size_t len)
{
	char dir[PATH_MAX];
	struct dirent *de;
	int ret = -ENOENT;
	DIR *d;

	snprintf(dir, sizeof(dir), MDEV_DEVICES "/%s/vfio-dev", uuid);
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (strncmp(de->d_name, "vfio", 4))
			continue;
		snprintf(out, len, "/dev/vfio/devices/%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	return ret;
}

int vfio_open_iommufd(const char *uuid, struct vfio_handle *h)
{
	struct vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct vfio_device_attach_iommufd_pt attach = { .argsz = sizeof(attach) };
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	char path[PATH_MAX];
	int ret, err;

	handle_init(h);
	ret = vfio_cdev_path(uuid, path, sizeof(path));
	if (ret)
		return ret;
	h->device = open(path, O_RDWR | O_CLOEXEC);
	if (h->device < 0)
		goto fail;
	h->iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (h->iommufd < 0)
		goto fail;
	bind.iommufd = h->iommufd;
	if (ioctl(h->device, VFIO_DEVICE_BIND_IOMMUFD, &bind))
		goto fail;
	if (ioctl(h->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		goto fail;
	attach.pt_id = alloc.out_ioas_id;
	if (ioctl(h->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach))
		goto fail;
	h->ioas_id = alloc.out_ioas_id;
	return 0;

fail:
	err = errno;
	vfio_close(h);
	return -err;
}

int vfio_ioas_alloc(const struct vfio_handle *h, uint32_t *ioas_id)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };

	if (h->iommufd < 0)
		return -EBADF;
	if (ioctl(h->iommufd, IOMMU_IOAS_ALLOC, &alloc))
		return -errno;
	*ioas_id = alloc.out_ioas_id;
	return 0;
}

int vfio_ioas_destroy(const struct vfio_handle *h, uint32_t ioas_id)
{
	struct iommu_destroy destroy = { .size = sizeof(destroy), .id = ioas_id };

	if (h->iommufd < 0)
		return -EBADF;
	return ioctl(h->iommufd, IOMMU_DESTROY, &destroy) ? -errno : 0;
}

int vfio_ioas_attach(const struct vfio_handle *h, uint32_t ioas_id)
{
	struct vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach), .pt_id = ioas_id,
	};

	if (h->iommufd < 0)
		return -EBADF;
	return ioctl(h->device, VFIO_DEVICE_ATTACH_IOMMUFD_PT, &attach) ? -errno : 0;
}

int vfio_ioas_detach(const struct vfio_handle *h)
{
	struct vfio_device_detach_iommufd_pt detach = { .argsz = sizeof(detach) };

	if (h->iommufd < 0)
		return -EBADF;
	return ioctl(h->device, VFIO_DEVICE_DETACH_IOMMUFD_PT, &detach) ? -errno : 0;
}

int vfio_region(const struct vfio_handle *h, unsigned int index,
		struct vfio_region_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(h->device, VFIO_DEVICE_GET_REGION_INFO, info) ? -errno : 0;
}
