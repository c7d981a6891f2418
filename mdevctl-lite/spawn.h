/* SPDX-License-Identifier: GPL-2.0 */
/* Running a helper program (a callout script) with text on its stdin, capturing its output. */
#ifndef MDEVCTL_LITE_SPAWN_H
#define MDEVCTL_LITE_SPAWN_H

#include <stddef.h>

/**
 * struct spawn_result - how a program ended and what it printed
 * @exited: 1 if it exited (status in @code), 0 if a signal (@sig) ended it
 * @code: its exit status
 * @sig: the signal that ended it
 * @out: its standard output, NUL-terminated, malloc'ed
 * @outlen: length of @out
 * @err: its standard error, NUL-terminated, malloc'ed
 * @errlen: length of @err
 */
struct spawn_result {
	int exited;
	int code;
	int sig;
	char *out;
	size_t outlen;
	char *err;
	size_t errlen;
};

int spawn_capture(const char *path, char *const argv[], const char *input,
		  struct spawn_result *res);
void spawn_pass_fd(int fd);
void spawn_result_free(struct spawn_result *res);

#endif
