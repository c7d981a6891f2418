// SPDX-License-Identifier: GPL-2.0
/*
 * Run a program and wait for it. Its standard input, output and error are anonymous
 * in-memory files (memfd) rather than pipes: the input is written before it starts
 * and the output read after it ended, so no amount of output can deadlock it against
 * us, and a daemon it leaves behind with the descriptors open does not keep us
 * waiting. The environment and the working directory are inherited.
 */
#define _GNU_SOURCE /* memfd_create() */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fileio.h"
#include "spawn.h"

extern char **environ;

/* A descriptor every program run gets open at its number (-1: none). */
static int pass_fd = -1;

/* spawn_pass_fd() - keep FD open, at its number, in the programs run from now on. */
void spawn_pass_fd(int fd)
{
	pass_fd = fd;
}

/* An empty in-memory file at descriptor 3 or above (0-2 are the child's to get). */
static int mem_file(const char *name)
{
	int fd = memfd_create(name, MFD_CLOEXEC), high;

	if (fd < 0)
		return -errno;
	high = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return high < 0 ? -errno : high;
}

/* The whole content of FD, from its start. */
static int read_back(int fd, char **out, size_t *outlen)
{
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return read_all(fd, out, outlen);
}

/*
 * spawn_capture() - run PATH with ARGV (ARGV[0] included, NULL-terminated), INPUT (or
 * nothing when NULL) on its standard input, and wait for it to end. Returns 0 with
 * RES filled when it ran, or -errno when it could not be started (not executable,
 * not found: posix_spawn reports the exec failure) or its output not be kept.
 */
int spawn_capture(const char *path, char *const argv[], const char *input,
		  struct spawn_result *res)
{
	posix_spawn_file_actions_t fa;
	int fds[3], i, ret, status;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	for (i = 0; i < 3; i++)
		fds[i] = -1;
	for (i = 0; i < 3; i++) {
		fds[i] = mem_file(i ? (i == 1 ? "callout-stdout" : "callout-stderr") :
				  "callout-stdin");
		if (fds[i] < 0) {
			ret = fds[i];
			goto out;
		}
	}
	if (input) {
		ret = write_all(fds[0], input, strlen(input));
		if (ret)
			goto out;
		if (lseek(fds[0], 0, SEEK_SET) < 0) {
			ret = -errno;
			goto out;
		}
	}
	ret = -posix_spawn_file_actions_init(&fa);
	if (ret)
		goto out;
	for (i = 0; i < 3 && !ret; i++)
		ret = -posix_spawn_file_actions_adddup2(&fa, fds[i], i);
	/* dup2() onto itself clears FD_CLOEXEC in the child (POSIX.1-2024, glibc 2.29). */
	if (!ret && pass_fd >= 0)
		ret = -posix_spawn_file_actions_adddup2(&fa, pass_fd, pass_fd);
	if (!ret)
		ret = -posix_spawn(&pid, path, &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (ret)
		goto out;
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			ret = -errno;
			goto out;
		}
	}
	res->exited = WIFEXITED(status);
	res->code = res->exited ? WEXITSTATUS(status) : 0;
	res->sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	ret = read_back(fds[1], &res->out, &res->outlen);
	if (!ret)
		ret = read_back(fds[2], &res->err, &res->errlen);
	if (ret)
		spawn_result_free(res);
out:
	for (i = 0; i < 3; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	return ret;
}

void spawn_result_free(struct spawn_result *res)
{
	free(res->out);
	free(res->err);
	res->out = res->err = NULL;
	res->outlen = res->errlen = 0;
}
