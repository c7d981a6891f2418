/* SPDX-License-Identifier: GPL-2.0 */
/* Memory for job buffers: allocation that reports failure and exits. */
#ifndef SACC_JOB_BUF_H
#define SACC_JOB_BUF_H

#include <stddef.h>

/* malloc() that never returns NULL: prints an error and exits with status 1. */
void *xmalloc(size_t len);

#endif
