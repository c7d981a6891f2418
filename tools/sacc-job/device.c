// SPDX-License-Identifier: GPL-2.0
/* /dev/saccN: opening it, its ioctls, and how their failures are reported. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include "sacc_regs.h"
#include "device.h"
#include "tool.h"

int dev_open(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;

		fprintf(stderr, PROG ": %s: %s%s\n", path, strerror(err),
			err == ENOENT ? " (is sacc_pci.ko loaded and a sacc device present?)" : "");
		return -err;
	}
	return fd;
}

int dev_info(int fd, const char *path, struct sacc_info *info, int quiet)
{
	memset(info, 0, sizeof(*info));
	if (ioctl(fd, SACC_IOC_INFO, info) < 0) {
		int err = errno;

		if (!quiet)
			fprintf(stderr, PROG ": %s: INFO: %s\n", path, strerror(err));
		return -err;
	}
	return 0;
}

int dev_submit(int fd, struct sacc_job *job)
{
	return ioctl(fd, SACC_IOC_SUBMIT, job) < 0 ? -errno : 0;
}

void job_init(struct sacc_job *job, unsigned int op, uint64_t len, const void *src,
	      void *dst, uint64_t pattern)
{
	memset(job, 0, sizeof(*job));
	job->op = op;
	job->len = len;
	job->src = (uintptr_t)src;
	job->dst = (uintptr_t)dst;
	job->pattern = pattern;
}

const char *op_name(unsigned int op)
{
	/* Per thread: bench's workers report failures concurrently. */
	static _Thread_local char buf[16];

	switch (op) {
	case SACC_JOB_OP_COPY:		return "copy";
	case SACC_JOB_OP_FILL:		return "fill";
	case SACC_JOB_OP_COMPARE:	return "compare";
	case SACC_JOB_OP_CRC32C:	return "crc32c";
	}
	snprintf(buf, sizeof(buf), "op %u", op);
	return buf;
}

unsigned int op_parse(const char *name)
{
	static const unsigned int ops[] = {
		SACC_JOB_OP_COPY, SACC_JOB_OP_FILL, SACC_JOB_OP_COMPARE, SACC_JOB_OP_CRC32C,
	};

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (!strcmp(name, op_name(ops[i])))
			return ops[i];
	return 0;
}

const char *qerr_name(unsigned int code)
{
	static const char *const names[] = {
		[SACC_QERR_NONE] = "NONE",
		[SACC_QERR_RING] = "RING",
		[SACC_QERR_DESC_FETCH] = "DESC_FETCH",
		[SACC_QERR_OPCODE] = "OPCODE",
		[SACC_QERR_LENGTH] = "LENGTH",
		[SACC_QERR_ADDR] = "ADDR",
		[SACC_QERR_OVERLAP] = "OVERLAP",
		[SACC_QERR_COMPLETION] = "COMPLETION",
		[SACC_QERR_FLAGS] = "FLAGS",
	};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "UNKNOWN";
}

const char *dev_fault_text(const struct sacc_job *job, char *buf, int len)
{
	switch (job->fault) {
	case SACC_JOB_FAULT_ERROR:
		snprintf(buf, len, " (device error 0x%02x %s)", job->error, qerr_name(job->error));
		break;
	case SACC_JOB_FAULT_TIMEOUT:
		snprintf(buf, len, " (device timeout on queue %u)", job->queue);
		break;
	case SACC_JOB_FAULT_FATAL:
		snprintf(buf, len, " (fatal device error; the function was reset)");
		break;
	case SACC_JOB_FAULT_GONE:
		snprintf(buf, len, " (device gone)");
		break;
	default:
		buf[0] = 0;
	}
	return buf;
}

void dev_report(const char *path, const struct sacc_job *job, int err)
{
	char fault[80];

	fprintf(stderr, PROG ": %s: SUBMIT %s %llu bytes: %s%s\n", path, op_name(job->op),
		(unsigned long long)job->len, strerror(-err),
		dev_fault_text(job, fault, sizeof(fault)));
}
