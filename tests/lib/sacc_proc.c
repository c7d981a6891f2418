// SPDX-License-Identifier: GPL-2.0
/*
 * Process helpers for the VM suites: a monotonic clock in milliseconds, bounds
 * taken from the environment, and the messages a test exchanges with a child
 * process that owns an instance (a socketpair, a tag, a text and optionally a file
 * descriptor), and reaping that child.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>

#include "sacc_test.h"

int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

unsigned int env_uint(const char *name, unsigned int def, unsigned int max)
{
	const char *s = getenv(name);
	unsigned long v;
	char *end;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !v || v > max)
		return def;
	return v;
}

int msg_send(int sock, char tag, const char *text, int fd)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct iovec iov;
	char buf[256];

	buf[0] = tag;
	snprintf(buf + 1, sizeof(buf) - 1, "%s", text);
	iov.iov_base = buf;
	iov.iov_len = 1 + strlen(buf + 1);
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	if (fd >= 0) {
		memset(&u, 0, sizeof(u));
		mh.msg_control = u.b;
		mh.msg_controllen = sizeof(u.b);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -errno : 0;
}

int msg_recv(int sock, char *text, size_t len, int *fd, int timeout_ms)
{
	union {
		char b[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct pollfd p = { .fd = sock, .events = POLLIN };
	struct msghdr mh = { 0 };
	struct cmsghdr *cm;
	struct iovec iov;
	char buf[256];
	ssize_t n;
	int ret;

	*fd = -1;
	text[0] = '\0';
	ret = poll(&p, 1, timeout_ms);
	if (ret < 0)
		return -errno;
	if (!ret)
		return -ETIMEDOUT;
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf) - 1;
	mh.msg_iov = &iov;
	mh.msg_iovlen = 1;
	mh.msg_control = u.b;
	mh.msg_controllen = sizeof(u.b);
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n < 0)
		return -errno;
	if (!n)
		return -EPIPE;
	buf[n] = '\0';
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(fd, CMSG_DATA(cm), sizeof(int));
	snprintf(text, len, "%s", buf + 1);
	return (unsigned char)buf[0];
}

bool child_reap(pid_t pid, int timeout_ms, int *status)
{
	int64_t deadline = mono_ms() + timeout_ms;
	int st = 0;
	pid_t r;

	for (;;) {
		r = waitpid(pid, &st, WNOHANG);
		if (r == pid || (r < 0 && errno == ECHILD)) {
			if (status)
				*status = r == pid ? st : -1;
			return true;
		}
		if (mono_ms() > deadline)
			return false;
		msleep(20);
	}
}
