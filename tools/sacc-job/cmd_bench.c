// SPDX-License-Identifier: GPL-2.0
/*
 * sacc-job bench: repeat one kind of job for --seconds in --threads threads, each
 * with its own open file (the driver gives concurrent jobs different queues).
 * The clock starts once every thread has its buffers and its file, and every
 * thread runs at least one job. Results are checked on a sample of the jobs:
 * every COMPARE and CRC32C result (cheap), and the first and every 16th COPY or
 * FILL byte for byte, with the destination scrambled first so that a job that did
 * nothing cannot pass. Prints
 *   bench op=copy size=1048576 threads=2 jobs=N bytes=N seconds=S MBps=X
 *
 * --op memcpy is the CPU baseline: the same loop, buffers and checks, with
 * memcpy() instead of a COPY job (no device needed, and --device is refused).
 * --sweep runs COPY and memcpy (the same work; main() refuses any other --op),
 * one after the other, for --seconds each at every size from 4 KiB to 16 MiB
 * (x4), and prints one line per size:
 *   sweep op=copy size=4096 threads=1 MBps=X memcpy_MBps=Y ratio=Z
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "crc32c.h"
#include "device.h"
#include "prng.h"
#include "ref.h"
#include "tool.h"

#define VERIFY_EVERY	16

/* The name of a bench op: op_name() does not know memcpy. */
static const char *bench_op_name(unsigned int op)
{
	return op == BENCH_OP_MEMCPY ? "memcpy" : op_name(op);
}

/* What the workers share: the start line and the stop flag. */
struct race {
	pthread_barrier_t ready;	/* every worker has its buffers and its file */
	pthread_barrier_t go;		/* the clock runs: deadline is set */
	double deadline;
	atomic_int stop;
};

struct worker {
	pthread_t thread;
	const struct opts *o;
	uint64_t rng_seed;
	struct race *race;
	uint64_t jobs;
	int failed;		/* a wrong result or a failed job */
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Prepare the job; @verify: this one is checked, so make it checkable. */
static void prepare(struct worker *w, struct prng *rng, struct sacc_job *job,
		    unsigned char *src, unsigned char *dst, int verify)
{
	size_t len = (size_t)w->o->size;

	switch (w->o->op) {
	case SACC_JOB_OP_COPY:
	case BENCH_OP_MEMCPY:
		if (verify)
			memset(dst, (int)prng_below(rng, 256), len);
		job_init(job, SACC_JOB_OP_COPY, len, src, dst, 0);
		break;
	case SACC_JOB_OP_FILL:
		if (verify)
			memset(dst, 0, len);
		job_init(job, w->o->op, len, NULL, dst, prng_next(rng));
		break;
	case SACC_JOB_OP_COMPARE:
		job_init(job, w->o->op, len, src, dst, 0);
		break;
	case SACC_JOB_OP_CRC32C:
		job_init(job, w->o->op, len, src, NULL, 0);
		break;
	}
}

static int check(struct worker *w, const struct sacc_job *job, const unsigned char *src,
		 const unsigned char *dst, uint64_t want, int verify)
{
	size_t len = (size_t)w->o->size;
	char why[160] = "";
	int bad = 0;

	switch (w->o->op) {
	case SACC_JOB_OP_COPY:
	case BENCH_OP_MEMCPY:
		bad = verify && ref_check(dst, src, len, why, sizeof(why));
		break;
	case SACC_JOB_OP_FILL:
		bad = verify && ref_check_fill(dst, len, job->pattern, why, sizeof(why));
		break;
	case SACC_JOB_OP_COMPARE:
	case SACC_JOB_OP_CRC32C:
		bad = job->result != want;
		if (bad)
			snprintf(why, sizeof(why), "result 0x%llx, expected 0x%llx",
				 (unsigned long long)job->result, (unsigned long long)want);
		break;
	}
	if (bad)
		fprintf(stderr, PROG ": %s: %s %zu bytes on queue %u FAILED: %s\n", w->o->device,
			bench_op_name(w->o->op), len, job->queue, why);
	return bad;
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	size_t len = (size_t)w->o->size;
	unsigned char *src = xmalloc(len), *dst = xmalloc(len);
	struct sacc_job job;
	struct prng rng;
	uint64_t want = 0;
	int fd, err;

	prng_seed(&rng, w->rng_seed);
	prng_fill(&rng, src, len);
	memcpy(dst, src, len);
	if (w->o->op == SACC_JOB_OP_COMPARE) {
		dst[len - 1] ^= 0x80;	/* the whole length is compared */
		want = len - 1;
	}
	if (w->o->op == SACC_JOB_OP_CRC32C)
		want = crc32c(0, src, len);

	fd = w->o->op == BENCH_OP_MEMCPY ? -1 : dev_open(w->o->device);
	if (fd < 0 && w->o->op != BENCH_OP_MEMCPY)
		w->failed = 1;
	pthread_barrier_wait(&w->race->ready);
	pthread_barrier_wait(&w->race->go);
	if (w->failed)
		goto out;
	do {
		int verify = w->jobs % VERIFY_EVERY == 0;

		prepare(w, &rng, &job, src, dst, verify);
		if (w->o->op == BENCH_OP_MEMCPY) {
			memcpy(dst, src, len);
			/* The copy happens, whatever the optimiser sees. */
			__asm__ volatile("" : : "r"(dst) : "memory");
			w->jobs++;
			if (check(w, &job, src, dst, want, verify)) {
				w->failed = 1;
				break;
			}
			continue;
		}
		err = dev_submit(fd, &job);
		if (err) {
			dev_report(w->o->device, &job, err);
			w->failed = 1;
			break;
		}
		w->jobs++;
		if (check(w, &job, src, dst, want, verify)) {
			w->failed = 1;
			break;
		}
	} while (!atomic_load(&w->race->stop) && now() < w->race->deadline);
out:
	if (fd >= 0)
		close(fd);
	if (w->failed)
		atomic_store(&w->race->stop, 1);
	free(src);
	free(dst);
	return NULL;
}

/* One run of o->op at o->size; its throughput in 10^6 bytes/s in @mbps. */
static int bench_once(const struct opts *o, uint64_t rng_seed, double *mbps, int print)
{
	struct worker *w = calloc(o->threads, sizeof(*w));
	struct race race = { .stop = 0 };
	uint64_t jobs = 0, bytes;
	double start, elapsed;
	int failed = 0, err;

	if (!w) {
		fprintf(stderr, PROG ": out of memory\n");
		return EXIT_FAIL;
	}
	pthread_barrier_init(&race.ready, NULL, o->threads + 1);
	pthread_barrier_init(&race.go, NULL, o->threads + 1);
	for (unsigned int i = 0; i < o->threads; i++) {
		w[i].o = o;
		w[i].rng_seed = rng_seed + i;
		w[i].race = &race;
		err = pthread_create(&w[i].thread, NULL, worker_run, &w[i]);
		if (err) {
			/* The barriers count on every thread: there is no way on. */
			fprintf(stderr, PROG ": pthread_create: %s\n", strerror(err));
			exit(EXIT_FAIL);
		}
	}
	pthread_barrier_wait(&race.ready);
	start = now();
	race.deadline = start + o->seconds;
	pthread_barrier_wait(&race.go);
	for (unsigned int i = 0; i < o->threads; i++) {
		pthread_join(w[i].thread, NULL);
		jobs += w[i].jobs;
		failed |= w[i].failed;
	}
	elapsed = now() - start;
	bytes = jobs * o->size;
	*mbps = elapsed > 0 ? bytes / elapsed / 1e6 : 0.0;
	if (print)
		printf("bench op=%s size=%llu threads=%u jobs=%llu bytes=%llu seconds=%.2f MBps=%.1f\n",
		       bench_op_name(o->op),
		       (unsigned long long)o->size, o->threads, (unsigned long long)jobs,
		       (unsigned long long)bytes, elapsed, *mbps);
	pthread_barrier_destroy(&race.ready);
	pthread_barrier_destroy(&race.go);
	free(w);
	return failed ? EXIT_FAIL : EXIT_OK;
}

/* --sweep: COPY (o->op) and memcpy, the same work, at 4 KiB, 16 KiB ... 16 MiB. */
static int bench_sweep(const struct opts *o, uint64_t rng_seed)
{
	struct opts run = *o;
	double dev, cpu;
	int ret;

	for (uint64_t size = 4096; size <= 16 << 20; size *= 4) {
		run.size = size;
		run.op = o->op;
		ret = bench_once(&run, rng_seed, &dev, 0);
		if (ret)
			return ret;
		run.op = BENCH_OP_MEMCPY;
		ret = bench_once(&run, rng_seed, &cpu, 0);
		if (ret)
			return ret;
		printf("sweep op=%s size=%llu threads=%u MBps=%.1f memcpy_MBps=%.1f ratio=%.4f\n",
		       op_name(o->op), (unsigned long long)size, o->threads, dev, cpu,
		       cpu > 0 ? dev / cpu : 0.0);
		fflush(stdout);
	}
	return EXIT_OK;
}

int cmd_bench(const struct opts *o)
{
	uint64_t rng_seed = opts_rng_seed(o);
	double mbps;
	int fd;

	if (o->op != BENCH_OP_MEMCPY) {
		/* One clear message if the device is not there, not one per thread. */
		fd = dev_open(o->device);
		if (fd < 0)
			return EXIT_FAIL;
		close(fd);
	}
	if (o->sweep)
		return bench_sweep(o, rng_seed);
	return bench_once(o, rng_seed, &mbps, 1);
}
