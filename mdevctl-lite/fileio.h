/* SPDX-License-Identifier: GPL-2.0 */
/* Whole reads and writes on file descriptors. */
#ifndef MDEVCTL_LITE_FILEIO_H
#define MDEVCTL_LITE_FILEIO_H

#include <stddef.h>

int write_all(int fd, const char *buf, size_t len);
int read_all(int fd, char **out, size_t *outlen);

#endif
