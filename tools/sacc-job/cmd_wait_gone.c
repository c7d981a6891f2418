// SPDX-License-Identifier: GPL-2.0
/*
 * sacc-job wait-gone: keep the device busy with small checked COPY jobs until it
 * is hot-unplugged, i.e. until SUBMIT fails with ENODEV (the driver let go of the
 * device while we had it open) or the device file cannot be opened any more
 * (ENOENT, ENODEV, ENXIO). Prints "gone after N jobs". Exit 0 then, 1 when a job
 * returned wrong data or failed otherwise, 3 when the device is still there after
 * --timeout seconds.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>

#include "device.h"
#include "prng.h"
#include "ref.h"
#include "tool.h"

#define JOB_SIZE	4096

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int gone_errno(int err)
{
	return err == ENOENT || err == ENODEV || err == ENXIO;
}

int cmd_wait_gone(const struct opts *o)
{
	static unsigned char src[JOB_SIZE], dst[JOB_SIZE];
	double deadline = now() + o->timeout;
	unsigned long long jobs = 0;
	struct sacc_job job;
	struct prng rng;
	char why[160];
	int fd, err;

	prng_seed(&rng, opts_rng_seed(o));
	fd = open(o->device, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (gone_errno(err)) {
			printf("gone after 0 jobs (%s: %s)\n", o->device, strerror(err));
			return EXIT_OK;
		}
		fprintf(stderr, PROG ": %s: %s\n", o->device, strerror(err));
		return EXIT_FAIL;
	}

	for (;;) {
		if (now() >= deadline) {
			fprintf(stderr, PROG ": %s: still there after %g seconds (%llu jobs)\n",
				o->device, o->timeout, jobs);
			close(fd);
			return EXIT_TIMEOUT;
		}
		prng_fill(&rng, src, sizeof(src));
		memset(dst, 0, sizeof(dst));
		job_init(&job, SACC_JOB_OP_COPY, sizeof(src), src, dst, 0);
		err = dev_submit(fd, &job);
		if (err == -ENODEV) {
			printf("gone after %llu jobs\n", jobs);
			close(fd);
			return EXIT_OK;
		}
		if (err) {
			dev_report(o->device, &job, err);
			close(fd);
			return EXIT_FAIL;
		}
		if (ref_check(dst, src, sizeof(src), why, sizeof(why))) {
			fprintf(stderr, PROG ": %s: copy %zu bytes on queue %u FAILED: %s\n",
				o->device, sizeof(src), job.queue, why);
			close(fd);
			return EXIT_FAIL;
		}
		jobs++;
	}
}
