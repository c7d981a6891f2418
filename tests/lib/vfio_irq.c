// SPDX-License-Identifier: GPL-2.0
/*
 * Interrupts for the VM suites: VFIO_DEVICE_GET_IRQ_INFO, VFIO_DEVICE_SET_IRQS in the
 * forms QEMU uses, and waiting for an eventfd.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <linux/vfio.h>

#include "sacc_test.h"

const struct vfio_irq_spec sacc_irq_spec[VFIO_PCI_NUM_IRQS] = {
	[VFIO_PCI_INTX_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD |
		VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED },
	[VFIO_PCI_MSI_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE },
	[VFIO_PCI_MSIX_IRQ_INDEX] = { 0, 0 },
	[VFIO_PCI_ERR_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD },
	[VFIO_PCI_REQ_IRQ_INDEX] = { 1, VFIO_IRQ_INFO_EVENTFD },
};

int vfio_irq_info(const struct vfio_handle *h, unsigned int index,
		  struct vfio_irq_info *info)
{
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(*info);
	info->index = index;
	return ioctl(h->device, VFIO_DEVICE_GET_IRQ_INFO, info) ? -errno : 0;
}

int vfio_irq_set(const struct vfio_handle *h, uint32_t flags, unsigned int index,
		 unsigned int start, unsigned int count, const void *data, size_t len)
{
	struct vfio_irq_set *set;
	int ret = 0;

	set = calloc(1, sizeof(*set) + len);
	if (!set)
		return -ENOMEM;
	set->argsz = sizeof(*set) + len;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (len)
		memcpy(set->data, data, len);
	if (ioctl(h->device, VFIO_DEVICE_SET_IRQS, set))
		ret = -errno;
	free(set);
	return ret;
}

int vfio_irq_set_eventfd(const struct vfio_handle *h, unsigned int index, int fd)
{
	int32_t data = fd;

	return vfio_irq_set(h, VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
			    index, 0, 1, &data, sizeof(data));
}

int vfio_irq_enable(const struct vfio_handle *h, unsigned int index)
{
	int fd, ret;

	fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0)
		return -errno;
	ret = vfio_irq_set_eventfd(h, index, fd);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

int vfio_irq_disable(const struct vfio_handle *h, unsigned int index)
{
	return vfio_irq_set(h, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			    index, 0, 0, NULL, 0);
}

int vfio_irq_loopback(const struct vfio_handle *h, unsigned int index)
{
	return vfio_irq_set(h, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
			    index, 0, 1, NULL, 0);
}

int vfio_intx_mask(const struct vfio_handle *h)
{
	return vfio_irq_set(h, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
			    VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0);
}

int vfio_intx_unmask(const struct vfio_handle *h)
{
	return vfio_irq_set(h, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
			    VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0);
}

int eventfd_wait(int fd, int timeout_ms)
{
	int64_t deadline = mono_ms() + (timeout_ms > 0 ? timeout_ms : 0);
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	uint64_t count;
	int left, ret;

	for (;;) {
		left = deadline - mono_ms();
		ret = poll(&pfd, 1, left > 0 ? left : 0);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0)
			return -errno;
		if (ret == 0)
			return 0;
		if (pfd.revents & (POLLERR | POLLNVAL))
			return -EBADF;
		/* Non-blocking or not, a readable eventfd has a non-zero count. */
		if (read(fd, &count, sizeof(count)) == sizeof(count))
			return 1;
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
	}
}
