// SPDX-License-Identifier: GPL-2.0
/*
 * VFIO migration (uAPI v2) for the VM suites: the migration capability, the device
 * state with its data fd, the data size, and draining or feeding a data fd.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "sacc_test.h"

/* VFIO_DEVICE_FEATURE with @len bytes of payload @data, in and out. */
static int vfio_feature(const struct vfio_handle *h, uint32_t flags, void *data,
			size_t len)
{
	uint64_t buf[8] = { 0 };
	struct vfio_device_feature *f = (void *)buf;

	if (sizeof(*f) + len > sizeof(buf))
		return -EINVAL;
	f->argsz = sizeof(*f) + len;
	f->flags = flags;
	memcpy(f->data, data, len);
	if (ioctl(h->device, VFIO_DEVICE_FEATURE, f))
		return -errno;
	memcpy(data, f->data, len);
	return 0;
}

int vfio_mig_flags(const struct vfio_handle *h, uint64_t *flags)
{
	struct vfio_device_feature_migration m = { 0 };
	int ret = vfio_feature(h, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIGRATION,
			       &m, sizeof(m));

	*flags = m.flags;
	return ret;
}

int vfio_mig_set_state(const struct vfio_handle *h, uint32_t state, int *data_fd)
{
	struct vfio_device_feature_mig_state m = { .device_state = state, .data_fd = -1 };
	int ret = vfio_feature(h, VFIO_DEVICE_FEATURE_SET |
			       VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &m, sizeof(m));

	if (data_fd)
		*data_fd = ret ? -1 : m.data_fd;
	else if (!ret && m.data_fd >= 0)
		close(m.data_fd);
	return ret;
}

int vfio_mig_get_state(const struct vfio_handle *h, uint32_t *state)
{
	struct vfio_device_feature_mig_state m = { .data_fd = -1 };
	int ret = vfio_feature(h, VFIO_DEVICE_FEATURE_GET |
			       VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE, &m, sizeof(m));

	*state = m.device_state;
	return ret;
}

int vfio_mig_data_size(const struct vfio_handle *h, uint64_t *bytes)
{
	struct vfio_device_feature_mig_data_size m = { 0 };
	int ret = vfio_feature(h, VFIO_DEVICE_FEATURE_GET | VFIO_DEVICE_FEATURE_MIG_DATA_SIZE,
			       &m, sizeof(m));

	*bytes = m.stop_copy_length;
	return ret;
}

ssize_t vfio_mig_read_all(int fd, uint8_t **out, size_t chunk)
{
	size_t len = 0, cap = 0;
	uint8_t *buf = NULL, *nb;
	ssize_t n;

	for (;;) {
		if (cap - len < chunk) {
			cap = cap * 2 + chunk;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = read(fd, buf + len, chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return n;
		}
		if (!n)
			break;
		len += n;
	}
	*out = buf;
	return len;
}

ssize_t vfio_mig_write_all(int fd, const uint8_t *buf, size_t len, size_t chunk)
{
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		n = write(fd, buf + done, len - done < chunk ? len - done : chunk);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (!n)
			return -EIO;
		done += n;
	}
	return done;
}
