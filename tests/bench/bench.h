/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc-bench: the benchmarks of make bench (issue 11, section 1), run in the test
 * guest by tests/bench/inside-vm.sh. One program, one subcommand per benchmark.
 *
 * Every result is one JSON object on one line of stdout ({"bench": "B1", ...});
 * progress and errors go to stderr. Completions are awaited by busy-polling the
 * completion record or by blocking on the MSI eventfd, never by sleeping; buffers
 * are filled (so pre-faulted) before a timed region and results are verified after
 * it. A measurement, not a test: the program fails (exit 1) only when a descriptor
 * does not complete or completes wrong, or the setup fails.
 *
 * bench_common.c: timing, statistics, JSON rows, instances with their queues,
 * records and interrupts, the submit/reap loop, the in-kernel memcpy baseline.
 */
#ifndef SACC_BENCH_H
#define SACC_BENCH_H

#include <stdbool.h>
#include <stdint.h>
#include <json-c/json.h>

#include "sacc_test.h"

#define BENCH_MAX_QUEUES	4
#define MIB			(1024ull * 1024)
#define GIB			(1024ull * MIB)

/* Fixed IOVAs of every instance (each has its own container). */
#define IOVA_RINGS		0x10000000ull
#define IOVA_RECS		0x20000000ull
#define IOVA_AUX		0x30000000ull
#define IOVA_SRC		0x100000000ull
#define IOVA_DST		0x200000000ull

#define PARAM_DIR		"/sys/module/sacc/parameters/"

/* Options shared by the subcommands. */
struct bench_opts {
	bool quick;		/* BENCH_QUICK=1 / --quick: few sizes, short runs */
	unsigned int reps;	/* interleaved repetitions, >= 5 unless --quick */
};
extern struct bench_opts bopts;

/* ---- time, statistics ---- */
double now_s(void);
/* Process CPU time (user + system, getrusage(RUSAGE_SELF)) in seconds. */
double cpu_s(void);
/* Sorts @v in place. */
double stat_median(double *v, unsigned int n);
double stat_min(const double *v, unsigned int n);
double stat_max(const double *v, unsigned int n);
/* The @p-th percentile (0-100), nearest rank; sorts @v in place. */
double stat_pct(double *v, unsigned int n, double p);

/* ---- JSON rows ---- */
/* A new row {"bench": @bench}; add fields, then row_emit() prints and frees it. */
json_object *row_new(const char *bench);
void row_num(json_object *row, const char *key, double v);	/* non-finite: null */
void row_int(json_object *row, const char *key, int64_t v);
void row_str(json_object *row, const char *key, const char *v);
/* Adds KEY (median), KEY_min, KEY_max of @v (sorted in place). */
void row_stat(json_object *row, const char *key, double *v, unsigned int n);
void row_emit(json_object *row);

/* ---- errors ---- */
/* Prints "sacc-bench: " and the message to stderr; returns -1. */
int fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ---- module parameters ---- */
int param_write_uint(const char *name, unsigned int v);
int param_read_uint(const char *name, unsigned int *v);

/* ---- instances ---- */
enum wait_mode { WAIT_POLL, WAIT_MSI };

/**
 * struct bq - one queue of a benchmark instance
 * @sq: the library's queue (ring, tail)
 * @rec: completion records, one per ring slot (slot i's descriptor writes rec[i])
 * @expect: bytes each slot's descriptor must report
 * @sub: descriptors submitted so far
 * @done: descriptors reaped so far (each checked: OK, tag, bytes)
 * @bytes: bytes of the reaped descriptors
 */
struct bq {
	struct sacc_queue sq;
	struct sacc_completion *rec;
	uint32_t *expect;
	uint64_t sub;
	uint64_t done;
	uint64_t bytes;
};

/**
 * struct binst - an instance set up for benchmarks
 * @uuid: the mdev ("" when there is none)
 * @h: opened through its own type1 container, when @opened
 * @opened: binst_open() got as far as opening the device
 * @nq: queues in use (at most the type's)
 * @ring_size: entries of each ring
 * @rings: the rings, one after the other (IOVA_RINGS)
 * @recs: the records of every queue (IOVA_RECS)
 * @aux: BATCH arrays and the like (IOVA_AUX), may be empty
 * @src: source data (IOVA_SRC), read-only for the device
 * @dst: destination data (IOVA_DST)
 * @msi: the MSI eventfd, or -1 (poll mode only)
 * @flags: SACC_DESC_FLAG_INTR when @msi is wired, else 0 (set on every descriptor)
 * @q: the queues
 */
struct binst {
	char uuid[UUID_STR_LEN];
	struct vfio_handle h;
	bool opened;
	unsigned int nq;
	uint32_t ring_size;
	struct dma_buf rings, recs, aux, src, dst;
	int msi;
	uint16_t flags;
	struct bq q[BENCH_MAX_QUEUES];
};

/* Create an instance of @type on @parent (a fresh UUID). */
int binst_create(struct binst *in, const char *parent, const char *type);
/*
 * Open it (unless it is open already) and set up @nq queues of @ring_size entries, @aux_len/@src_len/@dst_len
 * bytes of buffers (0: none; src is filled with a pattern, dst zeroed, so both are
 * faulted in), MSI when @msi (queue causes unmasked, FLAG_INTR on descriptors).
 */
int binst_open(struct binst *in, unsigned int nq, uint32_t ring_size, size_t aux_len,
	       size_t src_len, size_t dst_len, bool msi);
/* Undo binst_open() (the instance stays). */
void binst_close(struct binst *in);
/* Close if open, then remove the instance. */
void binst_destroy(struct binst *in);
/* Descriptors in flight on queue @q. */
static inline unsigned int bq_inflight(const struct binst *in, unsigned int q)
{
	return (unsigned int)(in->q[q].sub - in->q[q].done);
}
/*
 * Post @n descriptors on queue @q with one doorbell: each gets its slot's record
 * (zeroed), the tag = its sequence number, in->flags. @d[i].len is what its record
 * must report in bytes (BATCH: 64 x elements; NOP: 0) unless @expect is not NULL.
 */
int bq_post(struct binst *in, unsigned int q, struct sacc_desc *d, unsigned int n,
	    const uint32_t *expect);
/*
 * Reap the completed descriptors of queue @q, in ring order: how many, or -1 when
 * one completed wrong (error, tag or bytes; printed).
 */
int bq_reap(struct binst *in, unsigned int q);
/*
 * Wait until a descriptor of the instance may have completed: WAIT_POLL spins on
 * the next record of every queue with work; WAIT_MSI blocks on the eventfd, then
 * clears the queue causes (so that the next completion sends a new message). 0, or
 * -1 after @timeout_s with nothing completed (printed).
 */
int binst_wait(struct binst *in, enum wait_mode mode, double timeout_s);
/* Reap every queue; descriptors reaped or -1. */
int binst_reap(struct binst *in);
/* Wait for and reap everything in flight. */
int binst_drain(struct binst *in, enum wait_mode mode);

/*
 * Descriptor generator of a stream: fill @d's opcode, len, src, dst, pattern for
 * the @seq-th descriptor of the stream (queue @q).
 */
typedef void (*gen_fn)(void *ctx, unsigned int q, uint64_t seq, struct sacc_desc *d);
/*
 * Run @total descriptors of @gen over the instance's queues (round robin), keeping
 * up to @inflight in flight on each, waiting in @mode. Returns 0 or -1.
 */
int run_stream(struct binst *in, unsigned int inflight, uint64_t total,
	       enum wait_mode mode, gen_fn gen, void *ctx);

/* Engine counters of the instance and their difference. */
int stats_delta(const struct sacc_stats *a, const struct sacc_stats *b,
		struct sacc_stats *d);

/* ---- host memory ---- */
/* Slab and VmallocUsed of /proc/meminfo, kB. */
int meminfo_read(long *slab_kb, long *vmalloc_kb);

/* ---- the in-kernel memcpy baseline (tests/bench/kmod) ---- */
#define KMEMCPY_FILE	DEBUGFS_DIR "/sacc_bench_kmemcpy"
bool kmemcpy_available(void);
/* Seconds @reps memcpy()s of @size bytes took in the kernel, or < 0. */
double kmemcpy_run(unsigned int size, unsigned int reps);

/* ---- the benchmarks ---- */
int bench_b1(void);	/* throughput, and B8 (CPU time) from the same runs */
int bench_b2(void);
int bench_b3(void);
int bench_b4(void);
int bench_b5(void);
int bench_b6(void);

#endif /* SACC_BENCH_H */
