// SPDX-License-Identifier: GPL-2.0
/*
 * sacc-job copy|fill|compare|crc32c: one job on random data, checked against the
 * CPU. Prints one line:
 *   <op> size=N seed-rng=S queue=Q [result=0x...] ok
 *   <op> size=N seed-rng=S queue=Q [result=0x...] FAILED: <what differed>
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "crc32c.h"
#include "device.h"
#include "prng.h"
#include "ref.h"
#include "tool.h"

int cmd_op(const struct opts *o)
{
	uint64_t rng_seed = opts_rng_seed(o), pattern = 0, want = 0;
	size_t len = (size_t)o->size;
	unsigned char *src, *dst, *expect = NULL;
	char why[160] = "";
	struct sacc_job job;
	struct prng rng;
	int fd, err, bad = 0;
	int64_t diff_at = o->diff_at;

	prng_seed(&rng, rng_seed);
	src = xmalloc(len);
	dst = xmalloc(len);
	prng_fill(&rng, src, len);
	prng_fill(&rng, dst, len);

	switch (o->op) {
	case SACC_JOB_OP_COPY:
		job_init(&job, o->op, len, src, dst, 0);
		break;
	case SACC_JOB_OP_FILL:
		pattern = o->pattern_set ? o->pattern : prng_next(&rng);
		job_init(&job, o->op, len, NULL, dst, pattern);
		break;
	case SACC_JOB_OP_COMPARE:
		memcpy(dst, src, len);
		if (diff_at == DIFF_AT_RANDOM)
			diff_at = (int64_t)prng_below(&rng, len);
		if (diff_at >= 0)
			dst[diff_at] ^= 1 + (unsigned char)prng_below(&rng, 255);
		want = diff_at >= 0 ? (uint64_t)diff_at : REF_EQUAL;
		job_init(&job, o->op, len, src, dst, 0);
		break;
	case SACC_JOB_OP_CRC32C:
		want = crc32c(o->seed, src, len);
		job_init(&job, o->op, len, src, NULL, o->seed);
		break;
	}
	if (o->op == SACC_JOB_OP_COPY) {
		expect = xmalloc(len);
		memcpy(expect, src, len);
	}

	fd = dev_open(o->device);
	if (fd < 0)
		goto fail;
	err = dev_submit(fd, &job);
	close(fd);
	if (err) {
		dev_report(o->device, &job, err);
		goto fail;
	}

	switch (o->op) {
	case SACC_JOB_OP_COPY:
		bad = ref_check(dst, expect, len, why, sizeof(why));
		break;
	case SACC_JOB_OP_FILL:
		bad = ref_check_fill(dst, len, pattern, why, sizeof(why));
		break;
	case SACC_JOB_OP_COMPARE:
	case SACC_JOB_OP_CRC32C:
		bad = job.result != want;
		if (bad)
			snprintf(why, sizeof(why), "result 0x%llx, expected 0x%llx",
				 (unsigned long long)job.result, (unsigned long long)want);
		break;
	}

	printf("%s size=%zu seed-rng=%llu queue=%u", op_name(o->op), len,
	       (unsigned long long)rng_seed, job.queue);
	if (o->op == SACC_JOB_OP_FILL)
		printf(" pattern=0x%016llx", (unsigned long long)pattern);
	if (o->op == SACC_JOB_OP_CRC32C)
		printf(" seed=0x%08x", o->seed);
	if (o->op == SACC_JOB_OP_COMPARE || o->op == SACC_JOB_OP_CRC32C)
		printf(" result=0x%llx", (unsigned long long)job.result);
	if (bad)
		printf(" FAILED: %s\n", why);
	else
		printf(" ok\n");
	free(src);
	free(dst);
	free(expect);
	return bad ? EXIT_FAIL : EXIT_OK;

fail:
	free(src);
	free(dst);
	free(expect);
	return EXIT_FAIL;
}
