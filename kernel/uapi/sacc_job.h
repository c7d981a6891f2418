/* SPDX-License-Identifier: (GPL-2.0 OR BSD-3-Clause) */
/*
 * sacc sample accelerator: the guest driver's character device, /dev/saccN.
 *
 * sacc_pci.ko (kernel/guest/) drives one sacc PCI function per /dev/saccN. A
 * process submits jobs on ordinary user memory with SACC_IOC_SUBMIT; the driver
 * moves the data through per-queue bounce buffers and runs one descriptor per
 * bounce-buffer-sized round (docs/guest-driver.md). SACC_IOC_INFO reports the
 * function and the driver's counters.
 *
 * The structures have the same layout for 32-bit and 64-bit processes: every
 * field is naturally aligned, padding is explicit, pointers travel as __u64.
 */
#ifndef _UAPI_SACC_JOB_H
#define _UAPI_SACC_JOB_H

#include <linux/ioctl.h>
#include <linux/types.h>

/* Largest job: the driver splits it into rounds of the bounce buffer size. */
#define SACC_JOB_MAX_LEN	(64u << 20)	/* 64 MiB */

/* struct sacc_job.op: the device's opcodes that a job may use. */
#define SACC_JOB_OP_COPY	0x01	/* dst[0..len) = src[0..len), as memmove() */
#define SACC_JOB_OP_FILL	0x02	/* dst[i] = byte (i % 8) of pattern, LE */
#define SACC_JOB_OP_COMPARE	0x03	/* result = first differing offset or ~0 */
#define SACC_JOB_OP_CRC32C	0x04	/* result = CRC32C(src), seeded by pattern */

/* struct sacc_job.fault: why a job failed on the device's side. */
#define SACC_JOB_FAULT_NONE	0	/* no device fault (the job may still fail) */
#define SACC_JOB_FAULT_ERROR	1	/* a descriptor failed: @error holds the code */
#define SACC_JOB_FAULT_TIMEOUT	2	/* a round did not complete in time */
#define SACC_JOB_FAULT_FATAL	3	/* fatal device error; the function was reset */
#define SACC_JOB_FAULT_GONE	4	/* the device went away (unplugged) */

/**
 * struct sacc_job - one job: in/out argument of %SACC_IOC_SUBMIT
 * @op: in: SACC_JOB_OP_*
 * @flags: in: must be 0
 * @len: in: bytes to process, 1 to %SACC_JOB_MAX_LEN
 * @src: in: user address of the source (COPY, COMPARE, CRC32C), else 0
 * @dst: in: user address of the destination (COPY, FILL) or of the second
 *	source (COMPARE), else 0
 * @pattern: in: FILL: the 8-byte pattern (byte i % 8 of the little-endian
 *	value goes to dst[i]); CRC32C: the seed in bits 31:0 (0 for a new CRC,
 *	a previous result to continue one; bits 63:32 must be 0); else 0
 * @result: out: COMPARE: offset of the first differing byte, or ~0 when equal;
 *	CRC32C: the CRC in bits 31:0; else 0
 * @error: out: with @fault %SACC_JOB_FAULT_ERROR, the device's SACC_QERR_* code
 * @queue: out: the device queue that ran the job
 * @fault: out: SACC_JOB_FAULT_*
 * @rsvd0: must be 0
 * @reserved: must be 0
 *
 * Input fields are checked (an unknown op, non-zero flags or reserved fields, a
 * length out of range, a missing or unexpected address or pattern: %EINVAL).
 * Output fields are ignored on input and written back also when the job fails on
 * the device (%EIO, %ETIMEDOUT, %ENODEV) so that the caller can report the cause.
 * The source and destination may overlap in user memory.
 */
struct sacc_job {
	__u32 op;
	__u32 flags;
	__u64 len;
	__u64 src;
	__u64 dst;
	__u64 pattern;
	__u64 result;
	__u32 error;
	__u32 queue;
	__u32 fault;
	__u32 rsvd0;
	__u64 reserved[3];
};

/* struct sacc_info.irq */
#define SACC_INFO_IRQ_INTX	0
#define SACC_INFO_IRQ_MSI	1

/**
 * struct sacc_info - the function and the driver's counters: out argument of
 * %SACC_IOC_INFO
 * @version: the device's VERSION register (major << 16 | minor)
 * @queues: number of device queues (the most jobs that run at once)
 * @ops: the device's CAPS.OPS: bit n set when it runs opcode n
 * @irq: SACC_INFO_IRQ_*, the interrupt the driver uses
 * @bounce_size: bytes of each bounce buffer: the largest round of a job
 * @index: N of /dev/saccN
 * @max_len: the largest job, %SACC_JOB_MAX_LEN
 * @jobs: jobs that completed successfully
 * @descriptors: descriptors that completed with status OK
 * @bytes: bytes those descriptors processed
 * @errors: jobs that failed on a device error (error completion, halted queue,
 *	fatal error)
 * @timeouts: rounds that did not complete in time
 * @interrupts: interrupts the driver handled
 * @reserved: 0
 *
 * The counters start at 0 when the driver binds to the function.
 */
struct sacc_info {
	__u32 version;
	__u32 queues;
	__u32 ops;
	__u32 irq;
	__u32 bounce_size;
	__u32 index;
	__u64 max_len;
	__u64 jobs;
	__u64 descriptors;
	__u64 bytes;
	__u64 errors;
	__u64 timeouts;
	__u64 interrupts;
	__u64 reserved[8];
};

#define SACC_IOC_MAGIC		0xA5
#define SACC_IOC_INFO		_IOR(SACC_IOC_MAGIC, 0x40, struct sacc_info)
#define SACC_IOC_SUBMIT		_IOWR(SACC_IOC_MAGIC, 0x41, struct sacc_job)

#endif /* _UAPI_SACC_JOB_H */
