// SPDX-License-Identifier: GPL-2.0
/*
 * Region access for the VM suites: region info with its capability chain, mmap,
 * pread/pwrite inside a region, 32-bit BAR0 registers and configuration space.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "sacc_test.h"

int vfio_region_info_caps(const struct vfio_handle *h, unsigned int index,
			  struct vfio_region_info **info)
{
	struct vfio_region_info *buf;
	size_t size = sizeof(*buf);
	int tries;

	/* The first call tells the size the chain needs; the device may not change it. */
	for (tries = 0; tries < 2; tries++) {
		buf = calloc(1, size);
		if (!buf)
			return -ENOMEM;
		buf->argsz = size;
		buf->index = index;
		if (ioctl(h->device, VFIO_DEVICE_GET_REGION_INFO, buf)) {
			int err = errno;

			free(buf);
			return -err;
		}
		if (buf->argsz <= size) {
			*info = buf;
			return 0;
		}
		size = buf->argsz;
		free(buf);
	}
	return -EMSGSIZE;
}

const struct vfio_info_cap_header *vfio_region_cap(const struct vfio_region_info *info,
						   uint16_t id)
{
	const struct vfio_info_cap_header *cap;
	uint32_t off, hops;

	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS))
		return NULL;
	off = info->cap_offset;
	/* Each capability takes at least a header, which bounds the number of hops. */
	for (hops = 0; off && hops < info->argsz / sizeof(*cap); hops++) {
		if (off < sizeof(*info) || off > info->argsz - sizeof(*cap) ||
		    off % 4)
			return NULL;
		cap = (const void *)((const char *)info + off);
		if (cap->id == id)
			return cap;
		off = cap->next;
	}
	return NULL;
}

int vfio_region_mmap(const struct vfio_handle *h, unsigned int index, uint64_t off,
		     size_t len, int prot, void **addr)
{
	void *p = mmap(NULL, len, prot, MAP_SHARED, h->device,
		       vfio_region_offset(index) + off);

	if (p == MAP_FAILED)
		return -errno;
	*addr = p;
	return 0;
}

ssize_t vfio_region_read(const struct vfio_handle *h, unsigned int index,
			 uint64_t off, void *buf, size_t len)
{
	ssize_t n = pread(h->device, buf, len, vfio_region_offset(index) + off);

	return n < 0 ? -errno : n;
}

ssize_t vfio_region_write(const struct vfio_handle *h, unsigned int index,
			  uint64_t off, const void *buf, size_t len)
{
	ssize_t n = pwrite(h->device, buf, len, vfio_region_offset(index) + off);

	return n < 0 ? -errno : n;
}

int bar0_read32(const struct vfio_handle *h, uint32_t off, uint32_t *val)
{
	uint8_t b[4];
	ssize_t n = vfio_region_read(h, VFIO_PCI_BAR0_REGION_INDEX, off, b, sizeof(b));

	if (n < 0)
		return n;
	if (n != sizeof(b))
		return -EIO;
	*val = b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
	return 0;
}

int bar0_write32(const struct vfio_handle *h, uint32_t off, uint32_t val)
{
	uint8_t b[4] = { val, val >> 8, val >> 16, val >> 24 };
	ssize_t n = vfio_region_write(h, VFIO_PCI_BAR0_REGION_INDEX, off, b, sizeof(b));

	if (n < 0)
		return n;
	return n == sizeof(b) ? 0 : -EIO;
}

int cfg_read(const struct vfio_handle *h, uint32_t off, unsigned int width,
	     uint32_t *val)
{
	uint8_t b[4] = { 0 };
	unsigned int i;
	ssize_t n;

	if (width != 1 && width != 2 && width != 4)
		return -EINVAL;
	n = vfio_region_read(h, VFIO_PCI_CONFIG_REGION_INDEX, off, b, width);
	if (n < 0)
		return n;
	if ((size_t)n != width)
		return -EIO;
	*val = 0;
	for (i = 0; i < width; i++)
		*val |= (uint32_t)b[i] << (8 * i);
	return 0;
}

int cfg_write(const struct vfio_handle *h, uint32_t off, unsigned int width,
	      uint32_t val)
{
	uint8_t b[4] = { val, val >> 8, val >> 16, val >> 24 };
	ssize_t n;

	if (width != 1 && width != 2 && width != 4)
		return -EINVAL;
	n = vfio_region_write(h, VFIO_PCI_CONFIG_REGION_INDEX, off, b, width);
	if (n < 0)
		return n;
	return (size_t)n == width ? 0 : -EIO;
}
