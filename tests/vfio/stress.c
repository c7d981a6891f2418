// SPDX-License-Identifier: GPL-2.0
/*
 * stress: concurrency and lifecycle stress of sacc (issue 12, item 3), checked
 * against docs/device-spec.md. Every test ends the same way: the instances it made
 * are gone, pinned_pages is 0 once a device is closed (debugfs, §14.6), and the
 * capacity every parent shows in sysfs (available_instances of each type, the
 * parents' queues/memory_mb/engines, §14.1, §14.3) is what it was before the test.
 * Kernel reports (KASAN, lockdep, WARN, ...) and kmemleak are the harness's checks
 * (tests/vm/run.sh, guest.sh).
 *
 * The instances go round both kinds of parent: the virtual sacc0 and sacc1 and the
 * PCI parent (QEMU's edu function bound to sacc), whose capacity is checked too.
 *
 *  - threads_race_on_one_open_device: 9 threads for STRESS_SECONDS on one sacc-2q
 *    of the PCI parent: work on both queues, registers, resets, SET_IRQS,
 *    map/unmap, region reads, config writes, a second device fd opened and closed;
 *    then verified work.
 *  - create_open_work_close_remove_cycles: STRESS_CYCLES cycles by 4 workers over
 *    every type of sacc0, sacc1 and the PCI parent, type1 and iommufd in turn.
 *  - module_reload_with_instances_defined: STRESS_RELOADS unloads and loads of
 *    sacc.ko with instances defined (§14.5), one on each parent, one of them open
 *    and used each time (on sacc1, the PCI parent, sacc0 in turn).
 *  - remove_while_open_via_req_in_a_loop: STRESS_REQ_ROUNDS removes of an open
 *    instance (every parent and type in turn), answered through REQ (§13.4).
 *  - sigkilled_user_then_instance_reused: STRESS_KILL_ROUNDS SIGKILLs of a process
 *    with descriptors in flight and mappings, then the instance opened again (§8);
 *    the rounds go round a sacc-2q on each parent.
 *
 * Randomness comes from STRESS_SEED (printed; default fixed). Each test prints its
 * figures as "# stress: ...". Alone the suite runs its defaults (20 s, 1000 cycles,
 * 100 reloads, 100 and 50 rounds); tests/run-all.sh passes smaller bounds for make
 * test. Estimates under TCG with the debug kernel (KASAN, lockdep), make test
 * bounds: race 20 s + 10 s, cycles 200 x ~0.25 s / 2 vCPUs ~ 40 s, reloads
 * 20 x ~1.5 s ~ 30 s, REQ 20 x ~0.5 s ~ 10 s, SIGKILL 10 x ~2 s ~ 20 s: about 2 min
 * 10 s in all, plus about 1.5 s of start-up per test.
 *
 * Expects sacc.ko loaded with its defaults (parents sacc0 and sacc1, 8 queues and
 * 64 MiB each, and the edu function bound to it with the pci_* defaults, the same)
 * and no instance present; the reload test needs $SACC_MODULE_DIR.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "sacc_test.h"
#include "sacc_regs.h"
#include "vfio_env.h"

#define KiB		1024ul
#define MiB		(1024ul * 1024)
#define PAGE		DMA_PAGE

/* What must happen gets 20 s under TCG with KASAN. */
#define WAIT_MS		20000

/* IOVA layout (each instance has its own address space; control buffers at CTL_IOVA). */
#define SRC_IOVA(q)	(0x20000000ull + (uint64_t)(q) * 0x100000)
#define DST_IOVA(q)	(0x21000000ull + (uint64_t)(q) * 0x100000)
#define Y_IOVA		0x30000000ull	/* the buffer the race maps and unmaps */
#define YDST_IOVA	0x31000000ull

/* Both virtual parents and the PCI parent (the edu function: FIXTURE_SETUP fills it in). */
#define NR_PARENTS	3
#define PCI		2
static char parents[NR_PARENTS][MDEV_NAME_LEN] = { "sacc0", "sacc1" };
#define NR_TYPES	3
static const char *const types[NR_TYPES] = { "sacc-1q", "sacc-2q", "sacc-4q" };

#define FIGURES(fmt, ...)	ksft_print_msg("stress: " fmt "\n", ##__VA_ARGS__)

static bool have_debugfs(void)
{
	return debugfs_supported() && debugfs_mounted();
}

static bool have_iommufd(void)
{
	return !access("/dev/iommu", F_OK);
}

/* STRESS_SEED (decimal or 0x hex), or a fixed default. */
static uint64_t stress_seed(void)
{
	const char *s = getenv("STRESS_SEED");
	unsigned long long v;
	char *end;

	if (s && *s) {
		errno = 0;
		v = strtoull(s, &end, 0);
		if (!errno && !*end && v)
			return v;
	}
	return 0x5acc5eedull;
}

/* ------------------------------------------------------------------------------
 * Failures seen by threads (the harness's ASSERT/EXPECT belong to the test's thread)
 */
struct failbox {
	pthread_mutex_t lock;
	atomic_int n;
	char first[512];
};

static void failbox_init(struct failbox *f)
{
	pthread_mutex_init(&f->lock, NULL);
	atomic_store(&f->n, 0);
	f->first[0] = '\0';
}

static __attribute__((format(printf, 2, 3))) void fail_note(struct failbox *f,
							    const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&f->lock);
	if (!atomic_fetch_add(&f->n, 1)) {
		va_start(ap, fmt);
		vsnprintf(f->first, sizeof(f->first), fmt, ap);
		va_end(ap);
	}
	pthread_mutex_unlock(&f->lock);
}

/* ------------------------------------------------------------------------------
 * Work: a NOP and a 4 KiB COPY, checked (no harness macros: threads use it too)
 */

/*
 * A queue over a control buffer that is not an env's (qctx_init() maps through the
 * env): @ctl mapped at CTL_IOVA(q) for @h.
 */
static int queue_on(struct qctx *qc, struct inst *in, struct dma_buf *ctl, unsigned int q,
		    uint32_t ring_size)
{
	memset(qc, 0, sizeof(*qc));
	qc->in = in;
	qc->ctl = ctl;
	qc->ring_size = ring_size;
	qc->next_tag = 0x57e5000000000000ull | ((uint64_t)q << 40);
	return sacc_queue_setup(&qc->sq, &in->h, q, ctl->va + RING_OFF, ctl->iova + RING_OFF,
				ring_size, 0);
}

/*
 * Run a NOP and a COPY of 4 KiB from @src to @dst (random data from @seed) on @qc and
 * check both records and the data: 0, or -1 with the reason in @why.
 */
static int nop_copy(struct qctx *qc, struct dma_buf *src, struct dma_buf *dst,
		    uint64_t seed, char *why, size_t len)
{
	struct sacc_completion *c[2], rec;
	struct sacc_desc d[2];
	long diff;
	int i, ret;

	fill_rand(src->va, PAGE, seed);
	memset(dst->va, 0, PAGE);
	d[0] = desc(SACC_OP_NOP, 0, 0, 0, 0);
	d[1] = desc(SACC_OP_COPY, PAGE, src->iova, dst->iova, 0);
	for (i = 0; i < 2; i++)
		c[i] = attach(qc, &d[i]);
	ret = sacc_submit(&qc->sq, d, 2);
	if (ret) {
		snprintf(why, len, "submitting a NOP and a COPY: %s", strerror(-ret));
		return -1;
	}
	for (i = 0; i < 2; i++) {
		ret = sacc_wait_completion(c[i], WAIT_MS, &rec);
		if (ret) {
			snprintf(why, len, "the %s did not complete in %d s", i ? "COPY" : "NOP",
				 WAIT_MS / 1000);
			return -1;
		}
		if (rec.status != SACC_COMPL_OK || rec.tag != d[i].tag) {
			snprintf(why, len, "the %s: record status %u error %u tag 0x%llx "
				 "(want 0x%llx)", i ? "COPY" : "NOP", rec.status, rec.error,
				 (unsigned long long)rec.tag, (unsigned long long)d[i].tag);
			return -1;
		}
	}
	diff = first_diff(dst->va, src->va, PAGE);
	if (diff >= 0) {
		snprintf(why, len, "the COPY's data differs at byte %ld", diff);
		return -1;
	}
	return 0;
}

/* Map @ctl, @src, @dst for @in and run nop_copy() on queue @q. */
static int map_and_work(struct inst *in, struct dma_buf *ctl, struct dma_buf *src,
			struct dma_buf *dst, unsigned int q, uint64_t seed, char *why,
			size_t len)
{
	struct qctx qc;
	int ret;

	ret = dma_buf_map(&in->h, ctl, CTL_IOVA(q), true) ?:
	      dma_buf_map(&in->h, src, SRC_IOVA(q), false) ?:
	      dma_buf_map(&in->h, dst, DST_IOVA(q), true);
	if (ret) {
		snprintf(why, len, "mapping the buffers: %s", strerror(-ret));
		return -1;
	}
	ret = queue_on(&qc, in, ctl, q, 16);
	if (ret) {
		snprintf(why, len, "setting up queue %u: %s", q, strerror(-ret));
		return -1;
	}
	return nop_copy(&qc, src, dst, seed, why, len);
}

/*
 * The device of @in was closed with @n buffers still mapped: closing the container
 * or the iommufd took the mappings with it.
 */
static void forget_maps(struct dma_buf *const *b, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		b[i]->mapped = false;
}

/* pinned_pages of a closed instance is 0 (§14.6): 0, or -1 with @why. */
static int closed_unpinned(const char *uuid, char *why, size_t len)
{
	struct sacc_stats st;
	int ret;

	if (!have_debugfs())
		return 0;
	ret = sacc_stats_read(uuid, &st);
	if (ret) {
		snprintf(why, len, "reading the stats of %s: %s", uuid, strerror(-ret));
		return -1;
	}
	if (st.pinned_pages) {
		snprintf(why, len, "%s: pinned_pages %llu after the last close", uuid,
			 (unsigned long long)st.pinned_pages);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------------------
 * Fixture: every test starts from idle parents and must leave them as it found them
 */
struct remover {
	char uuid[UUID_STR_LEN];
	int ret;
	atomic_bool done;
};

/*
 * The capacity of every parent: mdev_budget_read() reads the virtual parents' (those
 * of /sys/class/sacc); the PCI parent's is read into a budget of its own.
 */
struct budgets {
	struct mdev_budget virt, pci;
};

static int budgets_read(struct budgets *b)
{
	static const char *const totals[] = { "queues", "memory_mb", "engines" };
	struct mdev_budget *pb = &b->pci;
	unsigned int k, t;
	int ret = mdev_budget_read(&b->virt);

	if (ret)
		return ret;
	memset(pb, 0, sizeof(*pb));
	pb->nr_parents = 1;
	strcpy(pb->parent[0], parents[PCI]);
	for (k = 0; k < 3; k++) {
		ret = sacc_parent_attr_uint(parents[PCI], totals[k], &pb->total[0][k]);
		if (ret)
			return ret;
	}
	pb->nr_types[0] = NR_TYPES;
	for (t = 0; t < NR_TYPES; t++) {
		strcpy(pb->type[0][t], types[t]);
		ret = mdev_available(parents[PCI], types[t]);
		if (ret < 0)
			return ret;
		pb->available[0][t] = ret;
	}
	return 0;
}

static bool budgets_same(const struct budgets *was, const struct budgets *now, char *why,
			 size_t len)
{
	return mdev_budget_same(&was->virt, &now->virt, why, len) &&
	       mdev_budget_same(&was->pci, &now->pci, why, len);
}

FIXTURE(stress) {
	struct env e;
	struct budgets before;
	uint64_t seed;
	pid_t child;
	pthread_t remover_thread;
	bool remover_started;
	struct remover remover;
};

FIXTURE_SETUP(stress)
{
	unsigned int i;
	int ret;

	env_init(&self->e);
	self->child = 0;
	self->remover_started = false;
	pci_parent(_metadata, parents[PCI], sizeof(parents[PCI]));
	for (i = 0; i < NR_PARENTS; i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s", parents[i]);
		ASSERT_EQ(0, access(path, F_OK)) TH_LOG("no parent %s: is sacc.ko loaded?",
							parents[i]);
	}
	ASSERT_EQ(0, mdev_count()) TH_LOG("the suite starts with no instance present");
	ret = budgets_read(&self->before);
	ASSERT_EQ(0, ret) TH_LOG("reading the parents' budgets: %s", strerror(-ret));
	self->seed = stress_seed();
	FIGURES("seed 0x%llx (STRESS_SEED)", (unsigned long long)self->seed);
}

FIXTURE_TEARDOWN(stress)
{
	int ret;

	if (self->child > 0) {
		kill(self->child, SIGKILL);
		child_reap(self->child, 60000, NULL);
	}
	env_release(_metadata, &self->e);
	if (self->remover_started)
		pthread_join(self->remover_thread, NULL);
	if (!sacc_module_loaded()) {
		ret = sacc_module_load("");
		if (ret)
			TH_LOG("loading sacc again failed: %s", strerror(-ret));
	}
}

/* The end of every test: no instance left, every budget back where it started. */
static void expect_budget_restored(struct __test_metadata *_metadata,
				   FIXTURE_DATA(stress) *self, const char *when)
{
	struct budgets now;
	char why[256];
	int ret;

	EXPECT_EQ(0, mdev_count()) TH_LOG("%s: instances left behind", when);
	ret = budgets_read(&now);
	ASSERT_EQ(0, ret) TH_LOG("%s: reading the budgets: %s", when, strerror(-ret));
	EXPECT_TRUE(budgets_same(&self->before, &now, why, sizeof(why)))
		TH_LOG("%s: %s", when, why);
}

/* ------------------------------------------------------------------------------
 * 1. Threads racing on one open device
 */
#define RACE_RING	64
#define RACE_SLOTS	16		/* 4 KiB destinations per queue */
#define RACE_WAIT_MS	2000		/* then the worker assumes a reset and starts over */
#define CAUSES_2Q	(0x3u | SACC_INTR_ERROR | SACC_INTR_TEST)

enum race_thread {
	T_WORK0, T_WORK1, T_REGS, T_RESET, T_IRQ, T_REGIONS, T_REOPEN, T_MAP, T_CFG,
	NR_RACE_THREADS
};

static const char *const race_names[NR_RACE_THREADS] = {
	"work q0", "work q1", "registers", "resets", "SET_IRQS", "region reads",
	"close/reopen", "map/unmap", "config writes",
};

struct race {
	struct inst *in;
	struct qctx qc[2];
	struct dma_buf *src[2], *dst[2], *y, *ydst;
	uint32_t devmem_mb;
	uint64_t seed;
	atomic_bool stop;
	struct failbox fb;
	atomic_ulong ops[NR_RACE_THREADS];
	atomic_ulong restarts, y_faults, ring_halts, resets;
};

struct race_arg {
	struct race *r;
	enum race_thread t;
};

#define RFAIL(r, t, fmt, ...) \
	fail_note(&(r)->fb, "%s thread: " fmt, race_names[t], ##__VA_ARGS__)

/* A BAR0 access of a racing thread: any error is one the spec forbids (§9). */
static bool race_rd(struct race *r, enum race_thread t, const struct vfio_handle *h,
		    uint32_t off, uint32_t *v)
{
	int ret = bar0_read32(h, off, v);

	if (ret)
		RFAIL(r, t, "BAR0 read at 0x%03x: %s", off, strerror(-ret));
	return !ret;
}

static bool race_wr(struct race *r, enum race_thread t, uint32_t off, uint32_t v)
{
	int ret = bar0_write32(&r->in->h, off, v);

	if (ret)
		RFAIL(r, t, "BAR0 write 0x%08x at 0x%03x: %s", v, off, strerror(-ret));
	return !ret;
}

/*
 * (Re)start a worker's queue whatever the other threads did to the function: a
 * fatal error needs a reset (§7.2), a halt needs Q_ERROR cleared (§7.1).
 */
static int race_queue_start(struct qctx *qc)
{
	const struct vfio_handle *h = qc->sq.h;
	uint32_t st = 0;
	int ret;

	ret = bar0_read32(h, SACC_REG_STATUS, &st);
	if (!ret && (st & SACC_STATUS_FATAL))
		ret = bar0_write32(h, SACC_REG_CTRL, SACC_CTRL_RESET);
	if (!ret)
		ret = sacc_qwrite(&qc->sq, SACC_Q_CTRL, 0);
	if (!ret)
		ret = sacc_qwrite(&qc->sq, SACC_Q_ERROR, 0xff);
	if (!ret)
		ret = sacc_queue_setup(&qc->sq, h, qc->sq.q, qc->sq.ring, qc->sq.ring_iova,
				       qc->ring_size, 0);
	return ret;
}

/*
 * A worker: batches of NOP, COPY, FILL, CRC32C (queue 1 also COPYs from the buffer
 * the map thread maps and unmaps) with records, each checked: right tag, right
 * data. Resets by other threads abandon descriptors (§8) and may leave the ring
 * half programmed (a RING halt, §7.1): the worker then starts its queue over. An
 * ADDR error is allowed for the unmapped buffer only.
 */
static void race_work(struct race *r, enum race_thread t)
{
	unsigned int q = t == T_WORK0 ? 0 : 1, slot = 0, i, n;
	uint64_t rs = r->seed ^ (0x9e3779b97f4a7c15ull * (t + 1));
	struct qctx *qc = &r->qc[q];
	struct sacc_completion *c[4], rec;
	struct sacc_desc d[4];
	unsigned int kind[4], at[4];
	bool start = true;
	uint32_t qerr;
	long diff;
	int ret;

	while (!atomic_load(&r->stop) && !atomic_load(&r->fb.n)) {
		if (start) {
			ret = race_queue_start(qc);
			if (ret) {
				RFAIL(r, t, "starting queue %u: %s", q, strerror(-ret));
				return;
			}
			start = false;
		}
		n = 1 + rnd(&rs) % 4;
		for (i = 0; i < n; i++) {
			kind[i] = rnd(&rs) % (q ? 5 : 4);
			at[i] = slot++ % RACE_SLOTS;
			switch (kind[i]) {
			case 0:
				d[i] = desc(SACC_OP_NOP, 0, 0, 0, 0);
				break;
			case 1:
				memset(r->dst[q]->va + at[i] * PAGE, 0, PAGE);
				d[i] = desc(SACC_OP_COPY, PAGE, r->src[q]->iova,
					    r->dst[q]->iova + at[i] * PAGE, 0);
				break;
			case 2:
				memset(r->dst[q]->va + at[i] * PAGE, 0, PAGE);
				d[i] = desc(SACC_OP_FILL, PAGE, 0, r->dst[q]->iova + at[i] * PAGE,
					    0x0123456789abcdefull ^ at[i]);
				break;
			case 3:
				d[i] = desc(SACC_OP_CRC32C, PAGE, r->src[q]->iova, 0, at[i]);
				break;
			default:
				memset(r->ydst->va + at[i] * PAGE, 0, PAGE);
				d[i] = desc(SACC_OP_COPY, PAGE, Y_IOVA,
					    r->ydst->iova + at[i] * PAGE, 0);
				break;
			}
			c[i] = attach(qc, &d[i]);
		}
		ret = sacc_submit(&qc->sq, d, n);
		if (ret) {
			RFAIL(r, t, "submitting: %s", strerror(-ret));
			return;
		}
		for (i = 0; i < n && !start; i++) {
			if (sacc_wait_completion(c[i], RACE_WAIT_MS, &rec)) {
				start = true;
				break;
			}
			if (rec.tag != d[i].tag) {
				RFAIL(r, t, "a record with tag 0x%llx where 0x%llx was submitted",
				      (unsigned long long)rec.tag, (unsigned long long)d[i].tag);
				return;
			}
			if (rec.status == SACC_COMPL_ERROR && kind[i] == 4 &&
			    rec.error == SACC_QERR_ADDR) {
				atomic_fetch_add(&r->y_faults, 1);
				start = true;
				break;
			}
			if (rec.status != SACC_COMPL_OK) {
				RFAIL(r, t, "opcode %u: record status %u error %u", d[i].opcode,
				      rec.status, rec.error);
				return;
			}
			diff = -1;
			if (kind[i] == 1)
				diff = first_diff(r->dst[q]->va + at[i] * PAGE, r->src[q]->va, PAGE);
			else if (kind[i] == 2)
				diff = fill_diff(r->dst[q]->va + at[i] * PAGE, PAGE, d[i].pattern);
			else if (kind[i] == 4)
				diff = first_diff(r->ydst->va + at[i] * PAGE, r->y->va, PAGE);
			else if (kind[i] == 3 &&
				 rec.result != crc32c(at[i], r->src[q]->va, PAGE))
				diff = 0;
			if (diff >= 0) {
				RFAIL(r, t, "opcode %u completed OK with wrong data (byte %ld)",
				      d[i].opcode, diff);
				return;
			}
			atomic_fetch_add(&r->ops[t], 1);
		}
		if (!start)
			continue;
		/* Why the queue stopped: only a RING halt is the other threads' doing. */
		atomic_fetch_add(&r->restarts, 1);
		if (!race_rd(r, t, &r->in->h, SACC_QUEUE_REG(q, SACC_Q_ERROR), &qerr))
			return;
		if (qerr == SACC_QERR_RING)
			atomic_fetch_add(&r->ring_halts, 1);
		else if (qerr && qerr != SACC_QERR_ADDR) {
			RFAIL(r, t, "queue %u halted with error %u", q, qerr);
			return;
		}
	}
}

/* Registers: the constant ones keep their values whatever else happens (§5). */
static void race_regs(struct race *r, enum race_thread t)
{
	const uint32_t caps = 2 | 0x3fu << SACC_CAPS_OPS_SHIFT;
	const uint32_t reserved[] = { 0x028, 0x0fc, 0x180, 0x1bc, 0x2fc, 0x300, 0xffc };
	const struct vfio_handle *h = &r->in->h;
	uint64_t rs = r->seed ^ 0x5e6u;
	uint32_t v, off;

	while (!atomic_load(&r->stop) && !atomic_load(&r->fb.n)) {
		switch (rnd(&rs) % 8) {
		case 0:
			if (!race_rd(r, t, h, SACC_REG_ID, &v) || v != SACC_ID_MAGIC ||
			    !race_rd(r, t, h, SACC_REG_VERSION, &v) || v != SACC_VERSION ||
			    !race_rd(r, t, h, SACC_REG_CAPS, &v) || v != caps ||
			    !race_rd(r, t, h, SACC_REG_DEVMEM_SIZE, &v) || v != r->devmem_mb) {
				RFAIL(r, t, "an identity register read 0x%08x", v);
				return;
			}
			break;
		case 1:
			race_wr(r, t, SACC_REG_SCRATCH, (uint32_t)rnd(&rs));
			race_rd(r, t, h, SACC_REG_SCRATCH, &v);
			break;
		case 2:
			race_wr(r, t, SACC_REG_INTR_MASK, (uint32_t)rnd(&rs));
			race_wr(r, t, SACC_REG_INTR_STATUS, 0xffffffff);
			break;
		case 3:
			race_wr(r, t, SACC_REG_INTR_TEST, SACC_INTR_TEST_RAISE);
			if (race_rd(r, t, h, SACC_REG_INTR_STATUS, &v) && (v & ~CAUSES_2Q))
				RFAIL(r, t, "INTR_STATUS 0x%08x: a cause the function lacks", v);
			break;
		case 4:
			race_wr(r, t, SACC_QUEUE_REG(rnd(&rs) % 2, SACC_Q_INTR_COALESCE),
				(uint32_t)rnd(&rs) & 0x00ff0003);
			break;
		case 5:
			off = reserved[rnd(&rs) % (sizeof(reserved) / sizeof(reserved[0]))];
			if (race_rd(r, t, h, off, &v) && v)
				RFAIL(r, t, "reserved offset 0x%03x read 0x%08x", off, v);
			break;
		case 6:
			if (race_rd(r, t, h, SACC_REG_STATUS, &v) && (v & ~7u))
				RFAIL(r, t, "STATUS 0x%08x: reserved bits set", v);
			if (race_rd(r, t, h, SACC_QUEUE_REG(rnd(&rs) % 2, SACC_Q_STATUS), &v) &&
			    (v & ~7u))
				RFAIL(r, t, "Q_STATUS 0x%08x: reserved bits set", v);
			break;
		default:
			/* Now and then a fatal error (§7.2): the workers reset and go on. */
			if (rnd(&rs) % 64 == 0)
				race_wr(r, t, SACC_REG_INTR_TEST, SACC_INTR_TEST_FATAL);
			break;
		}
		atomic_fetch_add(&r->ops[t], 1);
	}
}

/* CTRL.RESET and VFIO_DEVICE_RESET at random moments (§8): each succeeds. */
static void race_reset(struct race *r, enum race_thread t)
{
	uint64_t rs = r->seed ^ 0x2e5e7u;

	while (!atomic_load(&r->stop) && !atomic_load(&r->fb.n)) {
		msleep(10 + rnd(&rs) % 90);
		if (rnd(&rs) & 1) {
			race_wr(r, t, SACC_REG_CTRL, SACC_CTRL_RESET);
		} else if (ioctl(r->in->h.device, VFIO_DEVICE_RESET)) {
			RFAIL(r, t, "VFIO_DEVICE_RESET: %s", strerror(errno));
			return;
		}
		atomic_fetch_add(&r->resets, 1);
		atomic_fetch_add(&r->ops[t], 1);
	}
}

/*
 * SET_IRQS (§13.3): wire and unwire INTx, MSI, ERR and REQ, loopback triggers and
 * INTx mask/unmask. Only this thread changes the wiring, and neither reset nor the
 * close of a second fd changes it (§8), so every result is known in advance.
 */
static void race_irq(struct race *r, enum race_thread t)
{
	static const unsigned int idx[4] = {
		VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX, VFIO_PCI_ERR_IRQ_INDEX,
		VFIO_PCI_REQ_IRQ_INDEX,
	};
	const struct vfio_handle *h = &r->in->h;
	uint64_t rs = r->seed ^ 0x12fu;
	bool wired[4] = { false };
	int efd[4], i, k, ret, want;

	for (i = 0; i < 4; i++) {
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (efd[i] < 0) {
			RFAIL(r, t, "eventfd: %s", strerror(errno));
			while (i--)
				close(efd[i]);
			return;
		}
	}
	while (!atomic_load(&r->stop) && !atomic_load(&r->fb.n)) {
		k = rnd(&rs) % 4;
		switch (rnd(&rs) % 4) {
		case 0:		/* wire: INTx and MSI exclude each other */
			want = (k == 0 && wired[1]) || (k == 1 && wired[0]) ? -EINVAL : 0;
			ret = vfio_irq_set_eventfd(h, idx[k], efd[k]);
			if (ret != want)
				RFAIL(r, t, "wiring index %u: %d, want %d", idx[k], ret, want);
			if (!ret)
				wired[k] = true;
			break;
		case 1:		/* unwire a wired index, both ways */
			if (!wired[k])
				break;
			ret = rnd(&rs) & 1 ? vfio_irq_set_eventfd(h, idx[k], -1) :
					     vfio_irq_disable(h, idx[k]);
			if (ret)
				RFAIL(r, t, "unwiring index %u: %s", idx[k], strerror(-ret));
			wired[k] = false;
			break;
		case 2:		/* loopback: signalled before the ioctl returns (§6.1) */
			if (!wired[k])
				break;
			ret = vfio_irq_loopback(h, idx[k]);
			if (ret)
				RFAIL(r, t, "loopback of index %u: %s", idx[k], strerror(-ret));
			else if (eventfd_wait(efd[k], 0) != 1)
				RFAIL(r, t, "loopback of index %u: eventfd not signalled", idx[k]);
			break;
		default:
			if (!wired[0])
				break;
			ret = rnd(&rs) & 1 ? vfio_intx_mask(h) : vfio_intx_unmask(h);
			if (ret)
				RFAIL(r, t, "INTx mask/unmask: %s", strerror(-ret));
			break;
		}
		atomic_fetch_add(&r->ops[t], 1);
	}
	for (i = 0; i < 4; i++) {
		if (wired[i])
			vfio_irq_disable(h, idx[i]);
		close(efd[i]);
	}
}

/* Region reads (and BAR2 writes) of any size inside the regions: all succeed (§9). */
static void race_regions(struct race *r, enum race_thread t)
{
	const struct vfio_handle *h = &r->in->h;
	const uint64_t bar2 = (uint64_t)r->devmem_mb * MiB;
	struct vfio_device_info info;
	uint64_t rs = r->seed ^ 0x4e610u;
	static uint8_t buf[64 * KiB];
	uint32_t id;
	uint64_t off;
	size_t len;
	ssize_t n;

	while (!atomic_load(&r->stop) && !atomic_load(&r->fb.n)) {
		uint8_t cfg[256];

		n = vfio_region_read(h, VFIO_PCI_CONFIG_REGION_INDEX, 0, cfg, sizeof(cfg));
		if (n != sizeof(cfg)) {
			RFAIL(r, t, "reading config space: %zd", n);
			return;
		}
		if ((cfg[0] | cfg[1] << 8) != SACC_PCI_VENDOR_ID ||
		    (cfg[2] | cfg[3] << 8) != SACC_PCI_DEVICE_ID ||
		    (cfg[9] | cfg[10] << 8 | cfg[11] << 16) != SACC_PCI_CLASS ||
		    cfg[PCI_CAPABILITY_LIST] != SACC_CFG_CAP_MSI ||
		    cfg[SACC_CFG_CAP_MSI] != PCI_CAP_ID_MSI) {
			RFAIL(r, t, "config space identity changed");
			return;
		}
		/* BAR0 takes 4-byte accesses only (§9): the ID, and a 16-byte read fails. */
		if (race_rd(r, t, h, SACC_REG_ID, &id) && id != SACC_ID_MAGIC)
			RFAIL(r, t, "ID read 0x%08x", id);
		n = vfio_region_read(h, VFIO_PCI_BAR0_REGION_INDEX, 0, buf, 16);
		if (n != -EINVAL) {
			RFAIL(r, t, "a 16-byte BAR0 read gave %zd, not EINVAL", n);
			return;
		}
		len = 1 + rnd(&rs) % sizeof(buf);
		off = rnd(&rs) % (bar2 - len);
		n = rnd(&rs) % 4 ? vfio_region_read(h, VFIO_PCI_BAR2_REGION_INDEX, off, buf, len) :
				   vfio_region_write(h, VFIO_PCI_BAR2_REGION_INDEX, off, buf, len);
		if (n != (ssize_t)len) {
			RFAIL(r, t, "BAR2 access of %zu bytes at 0x%llx: %zd", len,
			      (unsigned long long)off, n);
			return;
		}
		memset(&info, 0, sizeof(info));
		info.argsz = sizeof(info);
		if (ioctl(h->device, VFIO_DEVICE_GET_INFO, &info) ||
		    info.num_regions != VFIO_PCI_NUM_REGIONS) {
			RFAIL(r, t, "VFIO_DEVICE_GET_INFO: %s", strerror(errno));
			return;
		}
		atomic_fetch_add(&r->ops[t], 1);
	}
}

/*
 * A second device fd of the same group (VFIO_GROUP_GET_DEVICE_FD again), used and
 * closed: never the last close, so it resets nothing (§8).
 */
static void race_reopen(struct race *r, enum race_thread t)
{
	uint64_t rs = r->seed ^ 0x7e0u;
	struct vfio_handle h2;
	uint32_t v;
	int fd;

	while (!atomic_load(&r->stop) && !atomic_load(&r->fb.n)) {
		fd = ioctl(r->in->h.group, VFIO_GROUP_GET_DEVICE_FD, r->in->uuid);
		if (fd < 0) {
			RFAIL(r, t, "VFIO_GROUP_GET_DEVICE_FD: %s", strerror(errno));
			return;
		}
		h2 = r->in->h;
		h2.device = fd;
		if (race_rd(r, t, &h2, SACC_REG_ID, &v) && v != SACC_ID_MAGIC)
			RFAIL(r, t, "ID through a second fd: 0x%08x", v);
		if (rnd(&rs) & 1)
			race_rd(r, t, &h2, SACC_QUEUE_REG(rnd(&rs) % 2, SACC_Q_HEAD), &v);
		close(fd);
		atomic_fetch_add(&r->ops[t], 1);
		msleep(rnd(&rs) % 5);
	}
}

/* Map and unmap the buffer queue 1 COPYs from (type1 container): all succeed. */
static void race_map(struct race *r, enum race_thread t)
{
	uint64_t rs = r->seed ^ 0x3a9u;
	int ret;

	while (!atomic_load(&r->stop) && !atomic_load(&r->fb.n)) {
		ret = dma_buf_map(&r->in->h, r->y, Y_IOVA, false);
		if (ret) {
			RFAIL(r, t, "mapping: %s", strerror(-ret));
			return;
		}
		msleep(rnd(&rs) % 10);
		ret = dma_buf_unmap(r->y);
		if (ret) {
			RFAIL(r, t, "unmapping: %s", strerror(-ret));
			return;
		}
		msleep(rnd(&rs) % 5);
		atomic_fetch_add(&r->ops[t], 1);
	}
}

/*
 * Configuration writes (§4): stored fields, INTX_DISABLE, and now and then MASTER
 * cleared (the workers find their queue stopped and start it over).
 */
static void race_cfg(struct race *r, enum race_thread t)
{
	const struct vfio_handle *h = &r->in->h;
	uint64_t rs = r->seed ^ 0xcf9u;
	uint32_t v;
	int ret = 0;

	while (!atomic_load(&r->stop) && !atomic_load(&r->fb.n)) {
		switch (rnd(&rs) % 5) {
		case 0:
			ret = cfg_write(h, PCI_CACHE_LINE_SIZE, 1, (uint32_t)rnd(&rs));
			break;
		case 1:
			ret = cfg_write(h, PCI_INTERRUPT_LINE, 1, (uint32_t)rnd(&rs));
			break;
		case 2:
			ret = cfg_write(h, SACC_CFG_CAP_MSI + PCI_MSI_DATA_64, 2,
					(uint32_t)rnd(&rs));
			break;
		case 3:
			ret = cfg_read(h, PCI_COMMAND, 2, &v) ?:
			      cfg_write(h, PCI_COMMAND, 2, v ^ PCI_COMMAND_INTX_DISABLE);
			break;
		default:
			ret = cfg_read(h, PCI_VENDOR_ID, 2, &v);
			if (!ret && v != SACC_PCI_VENDOR_ID)
				RFAIL(r, t, "vendor ID 0x%04x", v);
			if (!ret && rnd(&rs) % 32 == 0)
				ret = cfg_read(h, PCI_COMMAND, 2, &v) ?:
				      cfg_write(h, PCI_COMMAND, 2, v & ~PCI_COMMAND_MASTER);
			break;
		}
		if (ret) {
			RFAIL(r, t, "config access: %s", strerror(-ret));
			return;
		}
		atomic_fetch_add(&r->ops[t], 1);
		msleep(rnd(&rs) % 3);
	}
}

static void *race_run(void *arg)
{
	struct race_arg *a = arg;

	switch (a->t) {
	case T_WORK0:
	case T_WORK1:
		race_work(a->r, a->t);
		break;
	case T_REGS:
		race_regs(a->r, a->t);
		break;
	case T_RESET:
		race_reset(a->r, a->t);
		break;
	case T_IRQ:
		race_irq(a->r, a->t);
		break;
	case T_REGIONS:
		race_regions(a->r, a->t);
		break;
	case T_REOPEN:
		race_reopen(a->r, a->t);
		break;
	case T_MAP:
		race_map(a->r, a->t);
		break;
	default:
		race_cfg(a->r, a->t);
		break;
	}
	return NULL;
}

/*
 * Bound: STRESS_SECONDS (default 20, at most 600) of racing, then verified work.
 * Estimate: the seconds, plus about 10 s for set-up, joining and the checks.
 */
TEST_F_TIMEOUT(stress, threads_race_on_one_open_device, 900)
{
	unsigned int secs = env_uint("STRESS_SECONDS", 20, 600), q, i;
	struct race_arg args[NR_RACE_THREADS];
	pthread_t th[NR_RACE_THREADS];
	unsigned long total = 0;
	struct race *r;
	struct qctx qc;
	char why[256];
	int64_t t0;
	int ret;

	r = calloc(1, sizeof(*r));
	ASSERT_NE(NULL, r);
	failbox_init(&r->fb);
	r->seed = self->seed;
	r->in = inst_new(_metadata, &self->e, parents[PCI], "sacc-2q");
	ASSERT_EQ(0, mdev_attr_uint(r->in->uuid, "memory_mb", &r->devmem_mb));
	for (q = 0; q < 2; q++) {
		qctx_init(_metadata, &self->e, &r->qc[q], r->in, q, RACE_RING, 0);
		r->src[q] = buf_at(_metadata, &self->e, r->in, PAGE, SRC_IOVA(q), false);
		fill_rand(r->src[q]->va, PAGE, self->seed + q);
		r->dst[q] = buf_at(_metadata, &self->e, r->in, RACE_SLOTS * PAGE, DST_IOVA(q),
				   true);
	}
	r->y = buf_new(_metadata, &self->e, PAGE);
	fill_rand(r->y->va, PAGE, self->seed + 7);
	r->ydst = buf_at(_metadata, &self->e, r->in, RACE_SLOTS * PAGE, YDST_IOVA, true);

	t0 = mono_ms();
	for (i = 0; i < NR_RACE_THREADS; i++) {
		args[i].r = r;
		args[i].t = i;
		ASSERT_EQ(0, pthread_create(&th[i], NULL, race_run, &args[i]));
	}
	while (mono_ms() - t0 < (int64_t)secs * 1000 && !atomic_load(&r->fb.n))
		msleep(100);
	atomic_store(&r->stop, true);
	for (i = 0; i < NR_RACE_THREADS; i++)
		pthread_join(th[i], NULL);

	for (i = 0; i < NR_RACE_THREADS; i++)
		total += atomic_load(&r->ops[i]);
	FIGURES("race: %u threads, %.1f s, %lu operations", NR_RACE_THREADS,
		(mono_ms() - t0) / 1000.0, total);
	for (i = 0; i < NR_RACE_THREADS; i++)
		FIGURES("race: %-13s %lu", race_names[i], atomic_load(&r->ops[i]));
	FIGURES("race: %lu resets, %lu queue restarts, %lu RING halts, %lu ADDR faults "
		"on the unmapped buffer", atomic_load(&r->resets), atomic_load(&r->restarts),
		atomic_load(&r->ring_halts), atomic_load(&r->y_faults));
	EXPECT_EQ(0, atomic_load(&r->fb.n)) {
		TH_LOG("%d forbidden results; the first: %s", atomic_load(&r->fb.n),
		       r->fb.first);
	}
	/* Every worker did real work. */
	EXPECT_LT(0, atomic_load(&r->ops[T_WORK0]));
	EXPECT_LT(0, atomic_load(&r->ops[T_WORK1]));

	/* After the storm: a reset, then work as on a fresh device. */
	ASSERT_EQ(0, ioctl(r->in->h.device, VFIO_DEVICE_RESET));
	EXPECT_EQ(SACC_ID_MAGIC, rd(_metadata, r->in, SACC_REG_ID));
	EXPECT_EQ(0, rd(_metadata, r->in, SACC_REG_STATUS));
	EXPECT_EQ(CAUSES_2Q, rd(_metadata, r->in, SACC_REG_INTR_MASK));
	ret = queue_on(&qc, r->in, r->qc[0].ctl, 0, 16);
	ASSERT_EQ(0, ret) TH_LOG("setting up queue 0 after the race: %s", strerror(-ret));
	EXPECT_EQ(0, nop_copy(&qc, r->src[0], r->dst[0], self->seed ^ 0xaf7e5, why,
			      sizeof(why))) TH_LOG("after the race: %s", why);

	vfio_close(&r->in->h);
	EXPECT_EQ(0, closed_unpinned(r->in->uuid, why, sizeof(why))) TH_LOG("%s", why);
	EXPECT_EQ(0, mdev_remove(r->in->uuid));
	expect_budget_restored(_metadata, self, "after the race");
	free(r);
}

/* ------------------------------------------------------------------------------
 * 2. Create, open, work, close, remove: many cycles, several at once
 */
#define CYCLE_WORKERS	4

struct cycles {
	unsigned int total;
	atomic_uint next;
	bool iommufd;
	uint64_t seed;
	pthread_mutex_t lock;
	/* What the workers hold now: never less than what the kernel counts. */
	unsigned int used_q[NR_PARENTS], used_mb[NR_PARENTS];
	unsigned int total_q[NR_PARENTS], total_mb[NR_PARENTS];
	unsigned int type_q[NR_PARENTS][NR_TYPES], type_mb[NR_PARENTS][NR_TYPES];
	unsigned long done[NR_PARENTS][NR_TYPES], via_iommufd, left_mapped;
	struct failbox fb;
};

struct cycler {
	struct cycles *c;
	unsigned int idx;
	struct inst in;
	struct dma_buf ctl, src, dst;
};

/* Take room for @ty on the first parent, from @k on, that has it: the parent, or -1. */
static int cycle_reserve(struct cycles *c, unsigned int k, unsigned int *ty)
{
	unsigned int i, p, t;

	pthread_mutex_lock(&c->lock);
	for (i = 0; i < NR_PARENTS * NR_TYPES; i++) {
		p = (k + i) % NR_PARENTS;
		t = (k + i) / NR_PARENTS % NR_TYPES;
		if (c->used_q[p] + c->type_q[p][t] <= c->total_q[p] &&
		    c->used_mb[p] + c->type_mb[p][t] <= c->total_mb[p]) {
			c->used_q[p] += c->type_q[p][t];
			c->used_mb[p] += c->type_mb[p][t];
			pthread_mutex_unlock(&c->lock);
			*ty = t;
			return p;
		}
	}
	pthread_mutex_unlock(&c->lock);
	return -1;
}

static void cycle_release(struct cycles *c, unsigned int p, unsigned int t, bool done,
			  bool iommufd, bool left_mapped)
{
	pthread_mutex_lock(&c->lock);
	c->used_q[p] -= c->type_q[p][t];
	c->used_mb[p] -= c->type_mb[p][t];
	if (done) {
		c->done[p][t]++;
		c->via_iommufd += iommufd;
		c->left_mapped += left_mapped;
	}
	pthread_mutex_unlock(&c->lock);
}

/* One cycle: 0, or -1 after noting the failure (the instance is gone either way). */
static int cycle_one(struct cycler *w, unsigned int i, unsigned int p, unsigned int t)
{
	struct dma_buf *bufs[3] = { &w->ctl, &w->src, &w->dst };
	struct cycles *c = w->c;
	bool iommufd = c->iommufd && (i & 1), keep_maps = i % 3 == 0;
	unsigned int q;
	uint32_t caps = 0, mem = 0;
	char why[256] = "";
	int ret;

	uuid_new(w->in.uuid);
	ret = mdev_create(parents[p], types[t], w->in.uuid);
	if (ret) {
		fail_note(&c->fb, "cycle %u: creating %s on %s with room for it: %s", i,
			  types[t], parents[p], strerror(-ret));
		cycle_release(c, p, t, false, false, false);
		return -1;
	}
	ret = iommufd ? vfio_open_iommufd(w->in.uuid, &w->in.h) :
			vfio_open_container(w->in.uuid, &w->in.h);
	if (ret) {
		snprintf(why, sizeof(why), "opening through %s: %s",
			 iommufd ? "iommufd" : "type1", strerror(-ret));
		goto out;
	}
	ret = bar0_read32(&w->in.h, SACC_REG_CAPS, &caps) ?:
	      bar0_read32(&w->in.h, SACC_REG_DEVMEM_SIZE, &mem);
	if (ret || (caps & SACC_CAPS_NR_QUEUES_MASK) != c->type_q[p][t] ||
	    mem != c->type_mb[p][t]) {
		snprintf(why, sizeof(why), "CAPS 0x%08x, DEVMEM_SIZE %u (%s)", caps, mem,
			 ret ? strerror(-ret) : "wrong for the type");
		goto out;
	}
	q = i / (NR_PARENTS * NR_TYPES) % c->type_q[p][t];
	if (map_and_work(&w->in, &w->ctl, &w->src, &w->dst, q, c->seed + i, why,
			 sizeof(why)))
		goto out;
	if (!keep_maps) {
		ret = dma_buf_unmap(&w->ctl) ?: dma_buf_unmap(&w->src) ?:
		      dma_buf_unmap(&w->dst);
		if (ret) {
			snprintf(why, sizeof(why), "unmapping: %s", strerror(-ret));
			goto out;
		}
	}
out:
	vfio_close(&w->in.h);
	forget_maps(bufs, 3);
	if (!why[0])
		closed_unpinned(w->in.uuid, why, sizeof(why));
	ret = mdev_remove(w->in.uuid);
	if (!why[0] && ret)
		snprintf(why, sizeof(why), "removing: %s", strerror(-ret));
	if (!why[0] && mdev_exists(w->in.uuid))
		snprintf(why, sizeof(why), "still there after its remove returned");
	if (why[0]) {
		fail_note(&c->fb, "cycle %u (%s on %s, %s): %s", i, types[t], parents[p],
			  iommufd ? "iommufd" : "type1", why);
		if (!mdev_exists(w->in.uuid))
			cycle_release(c, p, t, false, false, false);
		return -1;
	}
	cycle_release(c, p, t, true, iommufd, keep_maps);
	return 0;
}

static void *cycle_run(void *arg)
{
	struct cycler *w = arg;
	struct cycles *c = w->c;
	unsigned int i, t;
	int p;

	while (!atomic_load(&c->fb.n)) {
		i = atomic_fetch_add(&c->next, 1);
		if (i >= c->total)
			break;
		while ((p = cycle_reserve(c, i, &t)) < 0 && !atomic_load(&c->fb.n))
			msleep(1);
		if (p < 0 || cycle_one(w, i, p, t))
			break;
	}
	return NULL;
}

/*
 * Bound: STRESS_CYCLES (default 1000; make test 200). Estimate on the debug kernel
 * under TCG: about 0.25 s a cycle (create, open, 8-32 MiB of device memory zeroed,
 * map, two descriptors, close, remove), two at a time on the VM's 2 vCPUs: 200
 * cycles about 25-40 s, 1000 about 2-3 min.
 */
TEST_F_TIMEOUT(stress, create_open_work_close_remove_cycles, 1500)
{
	struct cycler w[CYCLE_WORKERS];
	pthread_t th[CYCLE_WORKERS];
	unsigned int i, p, t, sum = 0;
	struct cycles *c;
	int64_t t0;
	int ret;

	c = calloc(1, sizeof(*c));
	ASSERT_NE(NULL, c);
	failbox_init(&c->fb);
	pthread_mutex_init(&c->lock, NULL);
	c->total = env_uint("STRESS_CYCLES", 1000, 1000000);
	c->iommufd = have_iommufd();
	c->seed = self->seed;
	for (p = 0; p < NR_PARENTS; p++) {
		ASSERT_EQ(0, sacc_parent_attr_uint(parents[p], "queues", &c->total_q[p]));
		ASSERT_EQ(0, sacc_parent_attr_uint(parents[p], "memory_mb", &c->total_mb[p]));
		for (t = 0; t < NR_TYPES; t++) {
			ret = mdev_type_size(parents[p], types[t], &c->type_q[p][t],
					     &c->type_mb[p][t]);
			ASSERT_EQ(0, ret) TH_LOG("%s on %s: %s", types[t], parents[p],
						 strerror(-ret));
			ASSERT_LE(c->type_q[p][t], c->total_q[p]);
			ASSERT_LE(c->type_mb[p][t], c->total_mb[p]);
		}
	}
	memset(w, 0, sizeof(w));
	for (i = 0; i < CYCLE_WORKERS; i++) {
		w[i].c = c;
		w[i].idx = i;
		ASSERT_EQ(0, dma_buf_alloc(&w[i].ctl, CTL_LEN));
		ASSERT_EQ(0, dma_buf_alloc(&w[i].src, PAGE));
		ASSERT_EQ(0, dma_buf_alloc(&w[i].dst, PAGE));
	}

	t0 = mono_ms();
	for (i = 0; i < CYCLE_WORKERS; i++)
		ASSERT_EQ(0, pthread_create(&th[i], NULL, cycle_run, &w[i]));
	for (i = 0; i < CYCLE_WORKERS; i++)
		pthread_join(th[i], NULL);

	for (p = 0; p < NR_PARENTS; p++)
		for (t = 0; t < NR_TYPES; t++)
			sum += c->done[p][t];
	FIGURES("cycles: %u of %u in %.1f s by %u workers, %lu through iommufd, %lu closed "
		"with mappings in place", sum, c->total, (mono_ms() - t0) / 1000.0,
		CYCLE_WORKERS, c->via_iommufd, c->left_mapped);
	for (p = 0; p < NR_PARENTS; p++)
		FIGURES("cycles: %s: %lu sacc-1q, %lu sacc-2q, %lu sacc-4q", parents[p],
			c->done[p][0], c->done[p][1], c->done[p][2]);
	EXPECT_EQ(0, atomic_load(&c->fb.n)) {
		TH_LOG("%d failed cycles; the first: %s", atomic_load(&c->fb.n), c->fb.first);
	}
	EXPECT_EQ(c->total, sum);
	for (i = 0; i < CYCLE_WORKERS; i++) {
		size_t bad = 0;

		EXPECT_TRUE(dma_buf_canaries_ok(&w[i].ctl, &bad) &&
			    dma_buf_canaries_ok(&w[i].src, &bad) &&
			    dma_buf_canaries_ok(&w[i].dst, &bad))
			TH_LOG("worker %u: a canary byte changed (%zu)", i, bad);
		dma_buf_free(&w[i].ctl);
		dma_buf_free(&w[i].src);
		dma_buf_free(&w[i].dst);
	}
	expect_budget_restored(_metadata, self, "after the cycles");
	free(c);
}

/* ------------------------------------------------------------------------------
 * 3. Unload and load sacc.ko with instances defined (§14.5)
 */

/*
 * Bound: STRESS_RELOADS (default 100; make test 20). Estimate on the debug kernel:
 * about 1.5 s a round (unload, load, three creates, one open with work): 20 rounds
 * about 30 s, 100 about 2.5 min.
 */
TEST_F_TIMEOUT(stress, module_reload_with_instances_defined, 1200)
{
	unsigned int rounds = env_uint("STRESS_RELOADS", 100, 100000), r, i, n, refused = 0;
	unsigned int left[3] = { 0 }, refcnt;
	struct dma_buf *ctl, *src, *dst, *bufs[3];
	struct inst *in[3];
	char path[PATH_MAX], dir[PATH_MAX], why[256];
	struct budgets now;
	struct qctx qc;
	int64_t t0;
	int ret;

	ret = sacc_module_path(path, sizeof(path));
	if (ret)
		SKIP(return, "$SACC_MODULE_DIR/sacc.ko: %s: sacc could not be loaded again",
		     strerror(-ret));
	ctl = bufs[0] = buf_new(_metadata, &self->e, CTL_LEN);
	src = bufs[1] = buf_new(_metadata, &self->e, PAGE);
	dst = bufs[2] = buf_new(_metadata, &self->e, PAGE);

	t0 = mono_ms();
	for (r = 0; r < rounds; r++) {
		bool iommufd = have_iommufd() && (r / 4) % 2;

		/*
		 * The instances of the last round went with the module. One of each type,
		 * one on each parent, the parents rotating: the open sacc-2q is on
		 * sacc1, the PCI parent, sacc0 in turn.
		 */
		self->e.nr_inst = 0;
		for (i = 0; i < 3; i++)
			in[i] = inst_create(_metadata, &self->e, parents[(i + r) % NR_PARENTS],
					    types[i]);
		inst_open(_metadata, in[1], iommufd);
		ASSERT_EQ(0, map_and_work(in[1], ctl, src, dst, r % 2, self->seed + r, why,
					  sizeof(why))) TH_LOG("round %u: %s", r, why);
		ASSERT_EQ(0, sysfs_read_uint("/sys/module/sacc/refcnt", &refcnt));
		EXPECT_LE(1u, refcnt) TH_LOG("round %u: an open instance must hold sacc", r);
		if (r % 4 == 0) {
			/* Open: refused at once and nothing changes (§14.5). */
			ret = sacc_module_unload();
			ASSERT_EQ(-EWOULDBLOCK, ret) TH_LOG("round %u: unloading with an "
							    "instance open: %s", r,
							    strerror(-ret));
			refused++;
			for (i = 0; i < 3; i++)
				EXPECT_TRUE(mdev_exists(in[i]->uuid));
			EXPECT_EQ(SACC_ID_MAGIC, rd(_metadata, in[1], SACC_REG_ID));
			ret = queue_on(&qc, in[1], ctl, r % 2, 16);
			ASSERT_EQ(0, ret) TH_LOG("round %u: %s", r, strerror(-ret));
			EXPECT_EQ(0, nop_copy(&qc, src, dst, self->seed ^ r, why, sizeof(why)))
				TH_LOG("round %u, after the refused unload: %s", r, why);
		}
		vfio_close(&in[1]->h);
		forget_maps(bufs, 3);
		EXPECT_EQ(0, closed_unpinned(in[1]->uuid, why, sizeof(why)))
			TH_LOG("round %u: %s", r, why);
		/* Remove all, one or none; the unload removes the rest (§14.5). */
		n = r % 3 == 0 ? 3 : r % 3 == 1 ? 1 : 0;
		for (i = 0; i < n; i++)
			ASSERT_EQ(0, mdev_remove(in[i]->uuid)) TH_LOG("round %u", r);
		for (i = 0; i < 3; i++)
			left[r % 3] += mdev_exists(in[i]->uuid);

		ret = sacc_module_unload();
		ASSERT_EQ(0, ret) TH_LOG("round %u: unloading sacc with %u instances "
					 "defined, none open: %s", r,
					 (unsigned int)mdev_count(), strerror(-ret));
		EXPECT_FALSE(sacc_module_loaded());
		for (i = 0; i < 3; i++)
			EXPECT_FALSE(mdev_exists(in[i]->uuid)) TH_LOG("round %u", r);
		for (i = 0; i < NR_PARENTS; i++) {
			snprintf(dir, sizeof(dir), MDEV_BUS_CLASS "/%s", parents[i]);
			EXPECT_NE(0, access(dir, F_OK)) {
				TH_LOG("round %u: %s is still a parent after the unload", r,
				       parents[i]);
			}
		}
		EXPECT_NE(0, access(SACC_CLASS, F_OK));

		ret = sacc_module_load("");
		ASSERT_EQ(0, ret) TH_LOG("round %u: loading %s: %s", r, path, strerror(-ret));
		ret = budgets_read(&now);
		ASSERT_EQ(0, ret) TH_LOG("round %u: reading the budgets: %s", r,
					 strerror(-ret));
		ASSERT_TRUE(budgets_same(&self->before, &now, why, sizeof(why)))
			TH_LOG("round %u, after the load: %s", r, why);
		if (_metadata->exit_code == KSFT_FAIL)
			break;
	}
	self->e.nr_inst = 0;
	FIGURES("reload: %u unloads and loads in %.1f s, %u refused with an instance "
		"open; instances the unload removed: %u, %u, %u (rounds removing all, one, "
		"none)", r, (mono_ms() - t0) / 1000.0, refused, left[0], left[1], left[2]);
	expect_budget_restored(_metadata, self, "after the reloads");
}

/* ------------------------------------------------------------------------------
 * 4. Remove while open, answered through REQ (§13.4)
 */
static void *remove_run(void *arg)
{
	struct remover *rm = arg;

	rm->ret = mdev_remove(rm->uuid);
	atomic_store(&rm->done, true);
	return NULL;
}

/*
 * Bound: STRESS_REQ_ROUNDS (default 100; make test 20). Estimate: about 0.5 s a
 * round on the debug kernel: 20 rounds about 10 s.
 */
TEST_F_TIMEOUT(stress, remove_while_open_via_req_in_a_loop, 1200)
{
	unsigned int rounds = env_uint("STRESS_REQ_ROUNDS", 100, 100000), r, i;
	struct dma_buf *ctl, *src, *dst, *bufs[3];
	int64_t t0, t_req = 0, t_rm = 0, t;
	struct sacc_stats st;
	char why[256];
	struct qctx qc;
	struct inst *in;
	int req, ret;

	ctl = bufs[0] = buf_new(_metadata, &self->e, CTL_LEN);
	src = bufs[1] = buf_new(_metadata, &self->e, PAGE);
	dst = bufs[2] = buf_new(_metadata, &self->e, PAGE);
	t0 = mono_ms();
	for (r = 0; r < rounds; r++) {
		self->e.nr_inst = 0;
		/* Every parent and type, on type1 and then on iommufd. */
		in = inst_create(_metadata, &self->e, parents[r % NR_PARENTS],
				 types[r / NR_PARENTS % NR_TYPES]);
		inst_open(_metadata, in, have_iommufd() && (r / (NR_PARENTS * NR_TYPES)) % 2);
		req = track_fd(_metadata, &self->e, vfio_irq_enable(&in->h,
								    VFIO_PCI_REQ_IRQ_INDEX));
		ASSERT_EQ(0, map_and_work(in, ctl, src, dst, 0, self->seed + r, why,
					  sizeof(why))) TH_LOG("round %u: %s", r, why);
		wr(_metadata, in, SACC_REG_SCRATCH, 0x4e900000 + r);

		strcpy(self->remover.uuid, in->uuid);
		atomic_store(&self->remover.done, false);
		t = mono_ms();
		ASSERT_EQ(0, pthread_create(&self->remover_thread, NULL, remove_run,
					    &self->remover));
		self->remover_started = true;
		ASSERT_EQ(1, eventfd_wait(req, WAIT_MS)) TH_LOG("round %u: no REQ", r);
		t_req += mono_ms() - t;
		/* The remove waits for the user, and the device works meanwhile. */
		EXPECT_FALSE(atomic_load(&self->remover.done)) TH_LOG("round %u", r);
		EXPECT_EQ(0x4e900000 + r, rd(_metadata, in, SACC_REG_SCRATCH));
		ret = queue_on(&qc, in, ctl, 0, 16);
		ASSERT_EQ(0, ret) TH_LOG("round %u: queue 0: %s", r, strerror(-ret));
		EXPECT_EQ(0, nop_copy(&qc, src, dst, self->seed ^ r, why, sizeof(why)))
			TH_LOG("round %u, after REQ: %s", r, why);

		t = mono_ms();
		vfio_close(&in->h);
		forget_maps(bufs, 3);
		for (i = 0; i < WAIT_MS / 10 && !atomic_load(&self->remover.done); i++)
			msleep(10);
		ASSERT_TRUE(atomic_load(&self->remover.done))
			TH_LOG("round %u: the remove still waits %d s after the close", r,
			       WAIT_MS / 1000);
		t_rm += mono_ms() - t;
		pthread_join(self->remover_thread, NULL);
		self->remover_started = false;
		EXPECT_EQ(0, self->remover.ret) TH_LOG("round %u: remove: %s", r,
						       strerror(-self->remover.ret));
		EXPECT_FALSE(mdev_exists(in->uuid));
		if (have_debugfs())
			EXPECT_EQ(-ENOENT, sacc_stats_read(in->uuid, &st));
		close(req);
		self->e.nr_fds--;
		if (_metadata->exit_code == KSFT_FAIL)
			break;
	}
	self->e.nr_inst = 0;
	FIGURES("req: %u removes of an open instance in %.1f s; REQ after %.0f ms, the "
		"remove done %.0f ms after the close (means)", r, (mono_ms() - t0) / 1000.0,
		r ? (double)t_req / r : 0.0, r ? (double)t_rm / r : 0.0);
	expect_budget_restored(_metadata, self, "after the removes");
}

/* ------------------------------------------------------------------------------
 * 5. A user SIGKILLed mid-workload, then the instance used again
 */
#define KILL_RING	64
#define KILL_DATA	(1 * MiB)
#define KILL_SCRATCH	0xdeadbeefu

/*
 * The user, in a child process: opens the instance, maps its rings, 1 MiB source and
 * destination and a buffer it maps and unmaps, wires MSI with every cause unmasked,
 * dirties BAR2 and SCRATCH, says 'R', then keeps both queues busy until it is killed.
 * Never returns.
 */
static void kill_child(const char *uuid, bool iommufd, int sock, uint64_t seed)
{
	struct dma_buf ctl[2] = { 0 }, src = { 0 }, dst = { 0 }, y = { 0 };
	const char *what = "opening the instance";
	struct sacc_desc d[8];
	struct vfio_handle h;
	struct qctx qc[2];
	struct inst in;
	uint32_t head, busy;
	unsigned int q, i, n, round;
	uint8_t pat[4096];
	char msg[200];
	int ret, efd;

	ret = iommufd ? vfio_open_iommufd(uuid, &h) : vfio_open_container(uuid, &h);
	memset(&in, 0, sizeof(in));
	in.h = h;
	if (!ret) {
		what = "allocating";
		ret = dma_buf_alloc(&ctl[0], CTL_LEN) ?: dma_buf_alloc(&ctl[1], CTL_LEN) ?:
		      dma_buf_alloc(&src, KILL_DATA) ?: dma_buf_alloc(&dst, KILL_DATA) ?:
		      dma_buf_alloc(&y, 64 * KiB);
	}
	if (!ret) {
		fill_rand(src.va, KILL_DATA, seed);
		what = "mapping";
		ret = dma_buf_map(&in.h, &ctl[0], CTL_IOVA(0), true) ?:
		      dma_buf_map(&in.h, &ctl[1], CTL_IOVA(1), true) ?:
		      dma_buf_map(&in.h, &src, SRC_IOVA(0), false) ?:
		      dma_buf_map(&in.h, &dst, DST_IOVA(0), true);
	}
	for (q = 0; !ret && q < 2; q++) {
		what = "setting up the queues";
		ret = queue_on(&qc[q], &in, &ctl[q], q, KILL_RING);
	}
	if (!ret) {
		what = "wiring MSI";
		efd = vfio_irq_enable(&in.h, VFIO_PCI_MSI_IRQ_INDEX);
		ret = efd < 0 ? efd : bar0_write32(&in.h, SACC_REG_INTR_MASK, 0);
	}
	if (!ret) {
		what = "dirtying BAR2 and SCRATCH";
		memset(pat, 0xa5, sizeof(pat));
		ret = bar0_write32(&in.h, SACC_REG_SCRATCH, KILL_SCRATCH);
		if (!ret && (vfio_region_write(&in.h, VFIO_PCI_BAR2_REGION_INDEX, 0, pat,
					       sizeof(pat)) != sizeof(pat) ||
			     vfio_region_write(&in.h, VFIO_PCI_BAR2_REGION_INDEX, MiB, pat,
					       sizeof(pat)) != sizeof(pat)))
			ret = -EIO;
	}
	if (ret)
		goto fail;
	msg_send(sock, 'R', "", -1);
	for (round = 0;; round++) {
		for (q = 0; q < 2; q++) {
			what = "reading Q_HEAD";
			ret = sacc_qread(&qc[q].sq, SACC_Q_HEAD, &head);
			if (ret)
				goto fail;
			busy = (qc[q].sq.tail - head) & (KILL_RING - 1);
			if (busy > KILL_RING / 2)
				continue;
			n = 1 + rnd(&seed) % 8;
			for (i = 0; i < n; i++) {
				uint32_t len = 1 + rnd(&seed) % (KILL_DATA - 1);

				switch (rnd(&seed) % 4) {
				case 0:
					d[i] = desc(SACC_OP_COPY, len, src.iova, dst.iova, 0);
					break;
				case 1:
					d[i] = desc(SACC_OP_FILL, len, 0, dst.iova, rnd(&seed));
					break;
				case 2:
					d[i] = desc(SACC_OP_CRC32C, len, src.iova, 0, 0);
					break;
				default:
					d[i] = desc(SACC_OP_NOP, 0, 0, 0, 0);
					break;
				}
				d[i].flags = SACC_DESC_FLAG_INTR;
				attach(&qc[q], &d[i]);
			}
			what = "submitting";
			ret = sacc_submit(&qc[q].sq, d, n);
			if (ret)
				goto fail;
		}
		what = "mapping and unmapping";
		ret = round & 1 ? dma_buf_unmap(&y) : dma_buf_map(&in.h, &y, Y_IOVA, true);
		if (ret)
			goto fail;
		msleep(1);
	}
fail:
	snprintf(msg, sizeof(msg), "%s: %s", what, strerror(-ret));
	msg_send(sock, 'E', msg, -1);
	_exit(1);
}

/* The state of a new open (§8): registers, configuration, device memory. */
static void expect_fresh(struct __test_metadata *_metadata, const struct inst *in,
			 unsigned int round)
{
	static const uint32_t qregs[] = {
		SACC_Q_BASE_LO, SACC_Q_BASE_HI, SACC_Q_SIZE, SACC_Q_HEAD, SACC_Q_TAIL,
		SACC_Q_CTRL, SACC_Q_STATUS, SACC_Q_ERROR, SACC_Q_INTR_COALESCE,
	};
	uint8_t buf[4096], zero[4096] = { 0 };
	unsigned int q, i;
	uint32_t v = 1;

	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_CTRL)) TH_LOG("round %u", round);
	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_STATUS)) TH_LOG("round %u", round);
	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_INTR_STATUS)) TH_LOG("round %u", round);
	EXPECT_EQ(CAUSES_2Q, rd(_metadata, in, SACC_REG_INTR_MASK)) TH_LOG("round %u", round);
	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_SCRATCH)) TH_LOG("round %u", round);
	for (q = 0; q < 2; q++)
		for (i = 0; i < sizeof(qregs) / sizeof(qregs[0]); i++)
			EXPECT_EQ(0, rd(_metadata, in, SACC_QUEUE_REG(q, qregs[i])))
				TH_LOG("round %u: queue %u register 0x%02x", round, q, qregs[i]);
	EXPECT_EQ(0, cfg_read(&in->h, PCI_COMMAND, 2, &v));
	EXPECT_EQ(0, v) TH_LOG("round %u: command register", round);
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(sizeof(buf), vfio_region_read(&in->h, VFIO_PCI_BAR2_REGION_INDEX,
							i * MiB, buf, sizeof(buf)));
		EXPECT_EQ(0, memcmp(buf, zero, sizeof(buf)))
			TH_LOG("round %u: BAR2 at %u MiB keeps the killed user's data", round, i);
	}
}

/*
 * Bound: STRESS_KILL_ROUNDS (default 50; make test 10). Estimate on the debug kernel:
 * about 2 s a round (fork, the child's open and 2 MiB of mappings, its work until
 * the kill, the reopen with checks and work): 10 rounds about 20 s.
 */
TEST_F_TIMEOUT(stress, sigkilled_user_then_instance_reused, 1200)
{
	unsigned int rounds = env_uint("STRESS_KILL_ROUNDS", 50, 100000), r, early = 0;
	struct dma_buf *ctl, *src, *dst, *bufs[3];
	uint64_t rs = self->seed ^ 0x6b111ull;
	unsigned long delays = 0;
	struct sacc_stats st;
	char why[256], text[256];
	struct inst *ins[NR_PARENTS], *in;
	int sv[2], fd, tag, status;
	unsigned int p;
	int64_t t0;

	/* A sacc-2q on each parent, the rounds going round them. */
	for (p = 0; p < NR_PARENTS; p++)
		ins[p] = inst_create(_metadata, &self->e, parents[p], "sacc-2q");
	ctl = bufs[0] = buf_new(_metadata, &self->e, CTL_LEN);
	src = bufs[1] = buf_new(_metadata, &self->e, PAGE);
	dst = bufs[2] = buf_new(_metadata, &self->e, PAGE);
	t0 = mono_ms();
	for (r = 0; r < rounds; r++) {
		bool iommufd = have_iommufd() && (r & 1), during_setup = rnd(&rs) % 4 == 0;
		unsigned int delay = during_setup ? rnd(&rs) % 150 : rnd(&rs) % 300;

		in = ins[r % NR_PARENTS];
		ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
		fflush(stdout);
		fflush(stderr);
		self->child = fork();
		ASSERT_LE(0, self->child);
		if (!self->child) {
			close(sv[0]);
			kill_child(in->uuid, iommufd, sv[1], self->seed + r);
		}
		close(sv[1]);
		if (!during_setup) {
			tag = msg_recv(sv[0], text, sizeof(text), &fd, 60000);
			if (fd >= 0)
				close(fd);
			ASSERT_EQ('R', tag) TH_LOG("round %u, the user: %s", r,
						   tag == 'E' ? text : tag < 0 ?
						   strerror(-tag) : "unexpected message");
		} else {
			early++;
		}
		msleep(delay);
		delays += delay;
		ASSERT_EQ(0, kill(self->child, SIGKILL));
		ASSERT_TRUE(child_reap(self->child, 60000, &status))
			TH_LOG("round %u: the killed user did not exit within 60 s", r);
		self->child = 0;
		/* A user that died of an error before the kill says why. */
		tag = msg_recv(sv[0], text, sizeof(text), &fd, 0);
		if (fd >= 0)
			close(fd);
		close(sv[0]);
		EXPECT_NE('E', tag) TH_LOG("round %u, the user: %s", r, text);
		EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			TH_LOG("round %u: the user's wait status 0x%x", r, status);
		EXPECT_EQ(0, closed_unpinned(in->uuid, why, sizeof(why)))
			TH_LOG("round %u, after the kill: %s", r, why);

		/* Reopened: a fresh device (§8), and it works. */
		inst_open(_metadata, in, !iommufd && have_iommufd());
		expect_fresh(_metadata, in, r);
		if (have_debugfs()) {
			stats(_metadata, in, &st);
			EXPECT_EQ(0, st.ops) TH_LOG("round %u: counters restart at open", r);
			EXPECT_EQ(0, st.pinned_pages) TH_LOG("round %u", r);
		}
		ASSERT_EQ(0, map_and_work(in, ctl, src, dst, r % 2, self->seed ^ r, why,
					  sizeof(why))) TH_LOG("round %u, reopened: %s", r, why);
		vfio_close(&in->h);
		forget_maps(bufs, 3);
		EXPECT_EQ(0, closed_unpinned(in->uuid, why, sizeof(why)))
			TH_LOG("round %u, reopened and closed: %s", r, why);
		if (_metadata->exit_code == KSFT_FAIL)
			break;
	}
	FIGURES("kill: %u users SIGKILLed in %.1f s (round r on the instance of %s, %s, "
		"%s by r %% 3), %u during their set-up, mean delay %.0f ms", r,
		(mono_ms() - t0) / 1000.0, parents[0], parents[1], parents[2], early,
		r ? (double)delays / r : 0.0);
	for (p = 0; p < NR_PARENTS; p++)
		ASSERT_EQ(0, mdev_remove(ins[p]->uuid)) TH_LOG("%s", parents[p]);
	self->e.nr_inst = 0;
	expect_budget_restored(_metadata, self, "after the kills");
}

TEST_HARNESS_MAIN
