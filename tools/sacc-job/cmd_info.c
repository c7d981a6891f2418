// SPDX-License-Identifier: GPL-2.0
/* sacc-job info: the device's properties and the driver's counters, key=value. */
#include <stdio.h>
#include <unistd.h>

#include "device.h"
#include "tool.h"

int cmd_info(const struct opts *o)
{
	struct sacc_info info;
	int fd, ret;

	fd = dev_open(o->device);
	if (fd < 0)
		return EXIT_FAIL;
	ret = dev_info(fd, o->device, &info, 0);
	close(fd);
	if (ret)
		return EXIT_FAIL;

	printf("queues=%u\n", info.queues);
	printf("ops=0x%02x\n", info.ops);
	printf("irq=%s\n", info.irq == SACC_INFO_IRQ_MSI ? "msi" : "intx");
	printf("bounce_kib=%u\n", info.bounce_size / 1024);
	printf("jobs=%llu\n", (unsigned long long)info.jobs);
	printf("descriptors=%llu\n", (unsigned long long)info.descriptors);
	printf("bytes=%llu\n", (unsigned long long)info.bytes);
	printf("errors=%llu\n", (unsigned long long)info.errors);
	printf("timeouts=%llu\n", (unsigned long long)info.timeouts);
	printf("interrupts=%llu\n", (unsigned long long)info.interrupts);
	printf("version=%u.%u\n", info.version >> 16, info.version & 0xffff);
	printf("index=%u\n", info.index);
	printf("max_len=%llu\n", (unsigned long long)info.max_len);
	return EXIT_OK;
}
