/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Talking to /dev/saccN: open, the two ioctls, names of ops, error codes and
 * faults, and the error message format every command uses:
 *   sacc-job: /dev/sacc0: SUBMIT copy 4096 bytes: Input/output error (device error 0x05 ADDR)
 */
#ifndef SACC_JOB_DEVICE_H
#define SACC_JOB_DEVICE_H

#include <stdint.h>

#include "sacc_job.h"

/* Open @path read-write; on failure print why and return -errno. */
int dev_open(const char *path);
/* SACC_IOC_INFO; on failure print why (unless @quiet) and return -errno. */
int dev_info(int fd, const char *path, struct sacc_info *info, int quiet);
/* SACC_IOC_SUBMIT; returns 0 or -errno, prints nothing. */
int dev_submit(int fd, struct sacc_job *job);
/* Print the error line for a failed SUBMIT of @job with -errno @err. */
void dev_report(const char *path, const struct sacc_job *job, int err);
/* The "(device error 0x05 ADDR)" part for @job, or "" when there is none. */
const char *dev_fault_text(const struct sacc_job *job, char *buf, int len);

/* A job on user buffers (NULL for unused ones). */
void job_init(struct sacc_job *job, unsigned int op, uint64_t len, const void *src,
	      void *dst, uint64_t pattern);

/* "copy", "fill", "compare", "crc32c"; "op N" for others. */
const char *op_name(unsigned int op);
/* SACC_JOB_OP_* for a name, or 0. */
unsigned int op_parse(const char *name);
/* SACC_QERR_* name, e.g. "ADDR". */
const char *qerr_name(unsigned int code);

#endif
