// SPDX-License-Identifier: GPL-2.0
/* Whole reads and writes on file descriptors, retried across EINTR and short counts. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "fileio.h"

/* Write all of BUF: 0, or -errno. */
int write_all(int fd, const char *buf, size_t len)
{
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Read FD from where it is to its end into a NUL-terminated malloc'ed buffer (*OUT,
 * *OUTLEN bytes before the NUL): 0, or -errno with nothing allocated.
 */
int read_all(int fd, char **out, size_t *outlen)
{
	size_t cap = 0, len = 0;
	char *buf = NULL, *t;
	ssize_t n;

	for (;;) {
		if (len + 4096 + 1 > cap) {
			cap = cap ? cap * 2 : 8192;
			t = realloc(buf, cap);
			if (!t) {
				free(buf);
				return -ENOMEM;
			}
			buf = t;
		}
		n = read(fd, buf + len, 4096);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			n = -errno;
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	*outlen = len;
	return 0;
}
