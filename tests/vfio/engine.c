// SPDX-License-Identifier: GPL-2.0
/*
 * engine: the descriptor engine and its shadowed DMA translation, end to end through
 * VFIO, checked against docs/device-spec.md (§5-7, §11, §12) and the engine
 * decisions (CAPS.OPS = 0x3f, enabling a queue resets its indices, debugfs stats,
 * the dma_cache and max_pinned_pages parameters, weighted fair sharing).
 *
 * Every opcode is verified byte for byte against a CPU reference, over sizes and
 * alignments that cross pages; every queue fault class halts the queue as §7.1
 * says and recovers; interrupts follow §12.6; the shadow translation follows
 * unmap/remap of the IOVA space (with and without the cache); instances do not see
 * each other's memory; a flooding instance does not starve another; pinned pages
 * are accounted, bounded and released.
 *
 * Its instances go on $SACC_PARENT (sacc0 when unset; engine@pci runs it on the edu
 * function's parent, tests/lib/vfio_env.h suite_parent()).
 * Expects sacc.ko loaded with its defaults (parents sacc0 and sacc1), vfio,
 * vfio_iommu_type1 and mdev (iommufd optional), and `ulimit -l unlimited`. Every
 * buffer the device may reach sits between two canary pages that are never mapped
 * for the device; the teardown checks them after every test, then resets the
 * devices, unmaps, closes, removes the instances and restores module parameters,
 * also when the test failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
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

/* TCG with KASAN is slow: what must happen gets 20 s; what must not, 500 ms. */
#define WAIT_MS		20000
#define QUIET_MS	500

/*
 * IOVA layout of an instance (each instance has its own address space); the queues'
 * control buffers are at CTL_IOVA(q) (vfio_env.h).
 */
#define SRC_IOVA	0x20000000ull
#define DST_IOVA	0x21000000ull
#define RO_IOVA		0x22000000ull
#define AUX_IOVA	0x23000000ull
#define RING2_IOVA	0x24000000ull
#define X_IOVA		0x25000000ull
#define Y_IOVA		0x26000000ull
#define RDST_IOVA	0x27000000ull
#define HOLE_IOVA	0x2f000000ull	/* never mapped */
#define BIG_SRC_IOVA	0x40000000ull
#define BIG_DST_IOVA	0x42000000ull

/* At most this many BATCH elements in a queue's control buffer (vfio_env.h). */
#define BATCH_MAX	1024

#define ALL_OPS		(0x3fu << SACC_CAPS_OPS_SHIFT)

/* ------------------------------------------------------------------------------
 * CPU references (and lib/cpu_ref.c)
 */

/* Background bytes: what a buffer holds where the device must not write. */
static uint8_t bg(size_t i, uint8_t salt)
{
	return (uint8_t)(i * 131 + (i >> 9) + salt);
}

static void fill_bg(uint8_t *p, size_t n, uint8_t salt)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = bg(i, salt);
}

/* First i in [from, to) where p[i] is not background, or -1. */
static long bg_diff(const uint8_t *p, size_t from, size_t to, uint8_t salt)
{
	size_t i;

	for (i = from; i < to; i++)
		if (p[i] != bg(i, salt))
			return i;
	return -1;
}

/* ------------------------------------------------------------------------------
 * Instances, buffers, queues: the fixture's environment (lib/vfio_env.h)
 */

/* CTRL.RESET, then the same queue set-up again: a clean queue, indices at 0. */
static void qctx_reset(struct __test_metadata *_metadata, struct qctx *qc)
{
	int ret;

	wr(_metadata, qc->in, SACC_REG_CTRL, SACC_CTRL_RESET);
	ret = sacc_queue_setup(&qc->sq, &qc->in->h, qc->sq.q, qc->ctl->va + RING_OFF,
			       qc->ctl->iova + RING_OFF, qc->ring_size, qc->coalesce);
	ASSERT_EQ(0, ret) TH_LOG("setting up queue %u: %s", qc->sq.q, strerror(-ret));
}

/* Submit one descriptor with a record and wait for it, no harness: 0 or -errno. */
static int run_one(struct qctx *qc, struct sacc_desc d, struct sacc_completion *out)
{
	return qctx_run(qc, d, WAIT_MS, out);
}

static void exec(struct __test_metadata *_metadata, struct qctx *qc,
		 struct sacc_desc d, struct sacc_completion *out)
{
	uint32_t st = 0, err = 0, head = 0;
	int ret = run_one(qc, d, out);

	if (ret) {
		sacc_qread(&qc->sq, SACC_Q_STATUS, &st);
		sacc_qread(&qc->sq, SACC_Q_ERROR, &err);
		sacc_qread(&qc->sq, SACC_Q_HEAD, &head);
	}
	ASSERT_EQ(0, ret) {
		TH_LOG("opcode 0x%02x len %u src 0x%llx dst 0x%llx: no completion (%s); "
		       "Q_STATUS 0x%x Q_ERROR 0x%x Q_HEAD %u Q_TAIL %u", d.opcode, d.len,
		       (unsigned long long)d.src, (unsigned long long)d.dst,
		       strerror(-ret), st, err, head, qc->sq.tail);
	}
}

static void expect_err(struct __test_metadata *_metadata, const struct sacc_completion *c,
		       uint64_t tag, uint8_t code, const char *what)
{
	EXPECT_EQ(SACC_COMPL_ERROR, c->status) TH_LOG("%s: status", what);
	EXPECT_EQ(code, c->error) TH_LOG("%s: error code", what);
	EXPECT_EQ(0, c->rsvd) TH_LOG("%s: rsvd", what);
	EXPECT_EQ(tag, c->tag) TH_LOG("%s: tag", what);
	EXPECT_EQ(0, c->rsvd2) TH_LOG("%s: rsvd2", what);
}

/* Run @d and check it completed OK with @bytes and @result. */
static void exec_ok(struct __test_metadata *_metadata, struct qctx *qc,
		    struct sacc_desc d, uint32_t bytes, uint64_t result, const char *what)
{
	struct sacc_completion rec;
	uint64_t tag = qc->next_tag;

	exec(_metadata, qc, d, &rec);
	expect_ok(_metadata, &rec, tag, bytes, result, what);
}

#define REQUIRE_DEBUGFS() do { \
	if (!debugfs_supported()) \
		SKIP(return, "this kernel has no debugfs"); \
	ASSERT_TRUE(debugfs_mounted()) TH_LOG("debugfs is not mounted at " DEBUGFS_DIR); \
} while (0)

/* ------------------------------------------------------------------------------
 * Fixture: most tests
 */
FIXTURE(eng) {
	struct env e;
};

FIXTURE_SETUP(eng)
{
	char parent[MDEV_NAME_LEN];

	env_init(&self->e);
	suite_parent(_metadata, parent, sizeof(parent));
}

FIXTURE_TEARDOWN(eng)
{
	env_release(_metadata, &self->e);
}

TEST(crc32c_reference_matches_the_spec)
{
	static const uint8_t v[] = "123456789";
	uint8_t buf[1000];

	EXPECT_EQ(0xe3069283u, crc32c(0, v, 9));
	fill_rand(buf, sizeof(buf), 5);
	EXPECT_EQ(crc32c(0, buf, sizeof(buf)), crc32c(crc32c(0, buf, 333), buf + 333, 667));
	EXPECT_NE(crc32c(0, buf, sizeof(buf)), crc32c(1, buf, sizeof(buf)));
}

TEST_F_TIMEOUT(eng, caps_ops_and_queue_enable_resets_indices, 120)
{
	struct sacc_completion *c;
	struct sacc_desc d;
	struct inst *in;
	struct qctx qc;
	unsigned int i;

	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-2q");
	EXPECT_EQ(ALL_OPS | 2, rd(_metadata, in, SACC_REG_CAPS));
	qctx_init(_metadata, &self->e, &qc, in, 1, 8, 0);

	/* Three NOPs: the head follows. */
	for (i = 0; i < 3; i++)
		exec_ok(_metadata, &qc, desc(SACC_OP_NOP, 0, 0, 0, 0), 0, 0, "NOP");
	EXPECT_EQ(3, qrd(_metadata, &qc, SACC_Q_HEAD));
	EXPECT_EQ(3, qrd(_metadata, &qc, SACC_Q_TAIL));

	/* Disabling keeps the indices; enabling restarts the ring at 0. */
	qwr(_metadata, &qc, SACC_Q_CTRL, 0);
	EXPECT_EQ(3, qrd(_metadata, &qc, SACC_Q_HEAD));
	EXPECT_EQ(3, qrd(_metadata, &qc, SACC_Q_TAIL));
	EXPECT_EQ(0, qrd(_metadata, &qc, SACC_Q_STATUS) & SACC_Q_STATUS_ENABLED);

	/* A doorbell while disabled is recorded, fetches nothing, and enabling drops it. */
	d = desc(SACC_OP_NOP, 0, 0, 0, 0);
	c = attach(&qc, &d);
	memcpy(&qc.sq.ring[3], &d, sizeof(d));
	ASSERT_EQ(0, sacc_doorbell(&qc.sq, 4));
	EXPECT_EQ(4, qrd(_metadata, &qc, SACC_Q_TAIL));
	msleep(QUIET_MS);
	EXPECT_EQ(0, c->status) TH_LOG("a disabled queue fetched");
	EXPECT_EQ(3, qrd(_metadata, &qc, SACC_Q_HEAD));
	qwr(_metadata, &qc, SACC_Q_CTRL, SACC_Q_CTRL_ENABLE);
	EXPECT_EQ(0, qrd(_metadata, &qc, SACC_Q_HEAD));
	EXPECT_EQ(0, qrd(_metadata, &qc, SACC_Q_TAIL));
	EXPECT_EQ(SACC_Q_STATUS_ENABLED, qrd(_metadata, &qc, SACC_Q_STATUS));
	msleep(QUIET_MS);
	EXPECT_EQ(0, c->status) TH_LOG("enabling ran a discarded doorbell");
	qc.sq.tail = 0;

	/* With CTRL.ENABLE clear nothing is fetched; setting it runs the queue. */
	wr(_metadata, in, SACC_REG_CTRL, 0);
	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_STATUS) & SACC_STATUS_READY);
	d = desc(SACC_OP_NOP, 0, 0, 0, 0);
	c = attach(&qc, &d);
	ASSERT_EQ(0, sacc_submit(&qc.sq, &d, 1));
	msleep(QUIET_MS);
	EXPECT_EQ(0, c->status) TH_LOG("fetched with CTRL.ENABLE clear");
	EXPECT_EQ(0, qrd(_metadata, &qc, SACC_Q_HEAD));
	EXPECT_EQ(SACC_Q_STATUS_ENABLED | SACC_Q_STATUS_BUSY,
		  qrd(_metadata, &qc, SACC_Q_STATUS));
	wr(_metadata, in, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, NULL));
	EXPECT_EQ(SACC_COMPL_OK, c->status);
	EXPECT_EQ(0, sacc_wait_reg(&in->h, SACC_QUEUE_REG(1, SACC_Q_STATUS), ~0u,
				   SACC_Q_STATUS_ENABLED, WAIT_MS, NULL));
	EXPECT_EQ(1, qrd(_metadata, &qc, SACC_Q_HEAD));

	/* Queue 0 was never set up: it stayed idle. */
	EXPECT_EQ(0, rd(_metadata, in, SACC_QUEUE_REG(0, SACC_Q_HEAD)));
	EXPECT_EQ(0, rd(_metadata, in, SACC_QUEUE_REG(0, SACC_Q_STATUS)));
}

/* ------------------------------------------------------------------------------
 * Every opcode against the CPU
 */
static const size_t op_sizes[] = {
	1, 7, 8, 63, 64, 4095, 4096, 4097, 3 * 4096 + 5, 1 * MiB,
};
#define NR_SIZES	(sizeof(op_sizes) / sizeof(op_sizes[0]))

static const struct { size_t s, d; } op_offs[] = {
	{ 0, 0 }, { 1, 7 }, { 7, 1 }, { 4093, 0 }, { 0, 4093 }, { 4093, 4093 }, { 1, 4093 },
};
#define NR_OFFS		(sizeof(op_offs) / sizeof(op_offs[0]))

#define OPBUF_LEN	(1 * MiB + 2 * PAGE)

/*
 * The part of an op buffer a test fills and checks: both ranges and a page past
 * them (the canary pages guard the rest). Keeps the CPU side fast under TCG.
 */
static size_t window(size_t so, size_t dof, size_t len)
{
	size_t w = (so > dof ? so : dof) + len + PAGE;

	return w < OPBUF_LEN ? w : OPBUF_LEN;
}

struct opbufs {
	struct inst *in;
	struct qctx qc;
	struct dma_buf *src, *dst;
	uint8_t *ref;		/* CPU copy of what src must hold */
};

static void opbufs_init(struct __test_metadata *_metadata, struct env *e,
			struct opbufs *o)
{
	o->in = inst_new(_metadata, e, SUITE_PARENT, "sacc-1q");
	qctx_init(_metadata, e, &o->qc, o->in, 0, 64, 0);
	o->src = buf_at(_metadata, e, o->in, OPBUF_LEN, SRC_IOVA, true);
	o->dst = buf_at(_metadata, e, o->in, OPBUF_LEN, DST_IOVA, true);
	o->ref = malloc(OPBUF_LEN);
	ASSERT_NE(NULL, o->ref);
}

TEST_F_TIMEOUT(eng, copy_matches_the_cpu_at_every_size_and_alignment, 600)
{
	struct opbufs o;
	unsigned int i, j;
	char what[96];
	long bad;

	opbufs_init(_metadata, &self->e, &o);
	for (i = 0; i < NR_SIZES; i++) {
		for (j = 0; j < NR_OFFS; j++) {
			size_t len = op_sizes[i], so = op_offs[j].s, dof = op_offs[j].d;
			size_t win = window(so, dof, len);

			snprintf(what, sizeof(what), "COPY len %zu src+%zu dst+%zu", len, so, dof);
			fill_rand(o.ref, win, i * 100 + j + 1);
			memcpy(o.src->va, o.ref, win);
			fill_bg(o.dst->va, win, j);
			exec_ok(_metadata, &o.qc, desc(SACC_OP_COPY, len, SRC_IOVA + so,
						       DST_IOVA + dof, 0), len, 0, what);
			bad = first_diff(o.dst->va + dof, o.ref + so, len);
			EXPECT_EQ(-1, bad) TH_LOG("%s: byte %ld differs", what, bad);
			bad = bg_diff(o.dst->va, 0, dof, j);
			EXPECT_EQ(-1, bad) TH_LOG("%s: wrote byte %ld before dst", what, bad);
			bad = bg_diff(o.dst->va, dof + len, win, j);
			EXPECT_EQ(-1, bad) TH_LOG("%s: wrote byte %ld after dst", what, bad);
			bad = first_diff(o.src->va, o.ref, win);
			EXPECT_EQ(-1, bad) TH_LOG("%s: changed src byte %ld", what, bad);
			if (_metadata->exit_code)
				goto out;
		}
	}
	/* Adjacent ranges do not overlap. */
	fill_rand(o.src->va, 2 * PAGE, 77);
	memcpy(o.ref, o.src->va, 2 * PAGE);
	exec_ok(_metadata, &o.qc, desc(SACC_OP_COPY, 4096, SRC_IOVA + 5, SRC_IOVA + 4101, 0),
		4096, 0, "COPY to the adjacent range");
	EXPECT_EQ(-1, first_diff(o.src->va + 4101, o.ref + 5, 4096));
	EXPECT_EQ(-1, first_diff(o.src->va, o.ref, 4101));
out:
	free(o.ref);
}

TEST_F_TIMEOUT(eng, fill_matches_the_cpu_at_every_size_and_alignment, 600)
{
	static const uint64_t patterns[] = {
		0x0123456789abcdefull, 0xff00ff00a5a5a5a5ull, 0, ~0ull,
	};
	struct opbufs o;
	unsigned int i, j;
	char what[96];
	long bad;

	opbufs_init(_metadata, &self->e, &o);
	for (i = 0; i < NR_SIZES; i++) {
		for (j = 0; j < NR_OFFS; j++) {
			size_t len = op_sizes[i], dof = op_offs[j].d;
			size_t win = window(0, dof, len);
			uint64_t pat = patterns[(i + j) % 4] ^ ((uint64_t)i << 56);

			snprintf(what, sizeof(what), "FILL len %zu dst+%zu pattern 0x%016llx",
				 len, dof, (unsigned long long)pat);
			fill_bg(o.dst->va, win, j + 3);
			exec_ok(_metadata, &o.qc, desc(SACC_OP_FILL, len, HOLE_IOVA,
						       DST_IOVA + dof, pat), len, 0, what);
			bad = fill_diff(o.dst->va + dof, len, pat);
			EXPECT_EQ(-1, bad) TH_LOG("%s: byte %ld is not the pattern", what, bad);
			bad = bg_diff(o.dst->va, 0, dof, j + 3);
			EXPECT_EQ(-1, bad) TH_LOG("%s: wrote byte %ld before dst", what, bad);
			bad = bg_diff(o.dst->va, dof + len, win, j + 3);
			EXPECT_EQ(-1, bad) TH_LOG("%s: wrote byte %ld after dst", what, bad);
			if (_metadata->exit_code)
				goto out;
		}
	}
out:
	free(o.ref);
}

TEST_F_TIMEOUT(eng, compare_finds_the_first_difference, 600)
{
	struct opbufs o;
	unsigned int i, j, k;
	char what[128];

	opbufs_init(_metadata, &self->e, &o);
	for (i = 0; i < NR_SIZES; i++) {
		for (j = 0; j < NR_OFFS; j++) {
			size_t len = op_sizes[i], so = op_offs[j].s, dof = op_offs[j].d;
			size_t win = window(so, dof, len);
			/* Where to differ: start, end, middle, both sides of page edges. */
			size_t at[7], n = 0;
			size_t es = (PAGE - so % PAGE) % PAGE, ed = (PAGE - dof % PAGE) % PAGE;

			at[n++] = 0;
			at[n++] = len - 1;
			at[n++] = len / 2;
			if (es && es < len) {
				at[n++] = es;
				at[n++] = es - 1;
			}
			if (ed && ed < len) {
				at[n++] = ed;
				at[n++] = ed - 1;
			}
			fill_rand(o.src->va, win, i * 31 + j);
			fill_bg(o.dst->va, win, 9);
			memcpy(o.dst->va + dof, o.src->va + so, len);
			memcpy(o.ref, o.src->va, win);

			snprintf(what, sizeof(what), "COMPARE len %zu +%zu/+%zu equal", len,
				 so, dof);
			exec_ok(_metadata, &o.qc, desc(SACC_OP_COMPARE, len, SRC_IOVA + so,
						       DST_IOVA + dof, 0), len, ~0ull, what);
			for (k = 0; k < n; k++) {
				uint8_t *p = o.dst->va + dof + at[k], *last = o.dst->va + dof + len - 1;

				/* Differ at at[k] and at the last byte: the first one counts. */
				*p ^= 0x5a;
				if (p != last)
					*last ^= 0x01;
				snprintf(what, sizeof(what),
					 "COMPARE len %zu +%zu/+%zu differing at %zu", len, so,
					 dof, at[k]);
				exec_ok(_metadata, &o.qc, desc(SACC_OP_COMPARE, len,
							       SRC_IOVA + so, DST_IOVA + dof, 0),
					len, at[k], what);
				*p ^= 0x5a;
				if (p != last)
					*last ^= 0x01;
			}
			/* COMPARE only reads. */
			EXPECT_EQ(-1, first_diff(o.src->va, o.ref, win));
			EXPECT_EQ(-1, first_diff(o.dst->va + dof, o.ref + so, len));
			EXPECT_EQ(-1, bg_diff(o.dst->va, 0, dof, 9));
			if (_metadata->exit_code)
				goto out;
		}
	}
out:
	free(o.ref);
}

TEST_F_TIMEOUT(eng, crc32c_matches_the_cpu_with_seeds_and_chaining, 600)
{
	static const uint64_t seeds[] = {
		0, 0xffffffffull, 0xdeadbeef12345678ull /* bits 63:32 are ignored */,
	};
	struct sacc_completion rec;
	struct opbufs o;
	unsigned int i, j, k;
	uint64_t tag;
	uint32_t a, want;
	char what[128];

	opbufs_init(_metadata, &self->e, &o);

	/* The check value of the spec. */
	memcpy(o.src->va + 4090, "123456789", 9);
	exec_ok(_metadata, &o.qc, desc(SACC_OP_CRC32C, 9, SRC_IOVA + 4090, HOLE_IOVA, 0),
		9, 0xe3069283u, "CRC32C of \"123456789\" across a page edge");

	for (i = 0; i < NR_SIZES; i++) {
		for (j = 0; j < NR_OFFS; j++) {
			size_t len = op_sizes[i], so = op_offs[j].s;
			size_t win = window(so, 0, len);

			fill_rand(o.src->va, win, i * 17 + j + 3);
			memcpy(o.ref, o.src->va, win);
			for (k = 0; k < 3; k++) {
				want = crc32c((uint32_t)seeds[k], o.ref + so, len);
				snprintf(what, sizeof(what), "CRC32C len %zu src+%zu seed 0x%llx",
					 len, so, (unsigned long long)seeds[k]);
				exec_ok(_metadata, &o.qc, desc(SACC_OP_CRC32C, len, SRC_IOVA + so,
							       0, seeds[k]), len, want, what);
			}
			EXPECT_EQ(-1, first_diff(o.src->va, o.ref, win));
			if (_metadata->exit_code)
				goto out;
		}
	}

	/* Chaining: the CRC of A seeds B and gives the CRC of A then B. */
	fill_rand(o.src->va, 3 * PAGE, 99);
	for (k = 1; k < 3 * PAGE; k += 1531) {
		want = crc32c(0, o.src->va + 3, 3 * PAGE - 8);
		tag = o.qc.next_tag;
		exec(_metadata, &o.qc, desc(SACC_OP_CRC32C, k, SRC_IOVA + 3, 0, 0), &rec);
		expect_ok(_metadata, &rec, tag, k, crc32c(0, o.src->va + 3, k), "CRC32C A");
		a = rec.result;
		snprintf(what, sizeof(what), "CRC32C B seeded with A (split at %u)", k);
		exec_ok(_metadata, &o.qc, desc(SACC_OP_CRC32C, 3 * PAGE - 8 - k,
					       SRC_IOVA + 3 + k, 0, a),
			3 * PAGE - 8 - k, want, what);
	}
out:
	free(o.ref);
}

TEST_F_TIMEOUT(eng, nop_ignores_its_fields_and_records_complete, 120)
{
	struct sacc_completion *c;
	struct sacc_desc d[4];
	struct inst *in;
	struct qctx qc;
	uint64_t tags[4];
	unsigned int i;

	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	qctx_init(_metadata, &self->e, &qc, in, 0, 16, 0);

	/* NOP ignores len, src, dst and pattern, even unmapped or out of range. */
	exec_ok(_metadata, &qc, desc(SACC_OP_NOP, 0, 0, 0, 0), 0, 0, "NOP");
	exec_ok(_metadata, &qc, desc(SACC_OP_NOP, 0xffffffffu, HOLE_IOVA, ~0ull, ~0ull),
		0, 0, "NOP with garbage fields");
	d[0] = desc(SACC_OP_NOP, 0, 0, 0, 0);
	d[0].flags = SACC_DESC_FLAG_FENCE;
	exec_ok(_metadata, &qc, d[0], 0, 0, "NOP with FENCE");

	/* Four at once: four records, each with its tag; a record-less one too. */
	c = NULL;
	for (i = 0; i < 4; i++) {
		d[i] = desc(SACC_OP_NOP, 0, 0, 0, 0);
		if (i == 2)
			continue;
		if (!c)
			c = attach(&qc, &d[i]);
		else
			attach(&qc, &d[i]);
		tags[i] = d[i].tag;
	}
	d[2].tag = 0x1234;
	ASSERT_EQ(0, sacc_submit(&qc.sq, d, 4));
	for (i = 0; i < 3; i++) {
		struct sacc_completion rec;

		ASSERT_EQ(0, sacc_wait_completion(&c[i], WAIT_MS, &rec)) TH_LOG("record %u", i);
		expect_ok(_metadata, &rec, tags[i < 2 ? i : 3], 0, 0, "NOP in a group");
	}
	/* The slot after the last record was never a completion address. */
	EXPECT_EQ(0, c[3].status);
	EXPECT_EQ(0, sacc_wait_reg(&in->h, SACC_QUEUE_REG(0, SACC_Q_HEAD), ~0u, qc.sq.tail,
				   WAIT_MS, NULL));
}

TEST_F_TIMEOUT(eng, batch_runs_its_elements_in_order, 300)
{
	struct sacc_completion *ec[5], *bc, rec;
	struct sacc_desc *el, d;
	struct opbufs o;
	uint64_t arr, tags[5], btag;
	unsigned int i;
	uint32_t crc;

	opbufs_init(_metadata, &self->e, &o);
	fill_rand(o.src->va, OPBUF_LEN, 42);
	fill_bg(o.dst->va, OPBUF_LEN, 1);
	memcpy(o.ref, o.src->va, OPBUF_LEN);

	/* COPY, then (fenced) CRC32C of the copy, FILL, COMPARE, NOP. */
	el = batch_slot(&o.qc, 0, &arr);
	el[0] = desc(SACC_OP_COPY, 8193, SRC_IOVA + 7, DST_IOVA + 1, 0);
	el[1] = desc(SACC_OP_CRC32C, 8193, DST_IOVA + 1, 0, 0x55);
	el[1].flags = SACC_DESC_FLAG_FENCE;
	el[2] = desc(SACC_OP_FILL, 100, 0, DST_IOVA + 3 * PAGE - 50, 0x1122334455667788ull);
	el[3] = desc(SACC_OP_COMPARE, 8193, SRC_IOVA + 7, DST_IOVA + 1, 0);
	el[3].flags = SACC_DESC_FLAG_FENCE;
	el[4] = desc(SACC_OP_NOP, 0, 0, 0, 0);
	for (i = 0; i < 5; i++) {
		ec[i] = attach(&o.qc, &el[i]);
		tags[i] = el[i].tag;
	}
	d = desc(SACC_OP_BATCH, 5 * 64, arr, 0, 0);
	bc = attach(&o.qc, &d);
	btag = d.tag;
	ASSERT_EQ(0, sacc_submit(&o.qc.sq, &d, 1));
	ASSERT_EQ(0, sacc_wait_completion(bc, WAIT_MS, &rec));
	expect_ok(_metadata, &rec, btag, 5 * 64, 5, "BATCH of 5");

	/* The batch record comes after every element's. */
	crc = crc32c(0x55, o.ref + 7, 8193);
	expect_ok(_metadata, ec[0], tags[0], 8193, 0, "element COPY");
	expect_ok(_metadata, ec[1], tags[1], 8193, crc, "element CRC32C");
	expect_ok(_metadata, ec[2], tags[2], 100, 0, "element FILL");
	expect_ok(_metadata, ec[3], tags[3], 8193, ~0ull, "element COMPARE");
	expect_ok(_metadata, ec[4], tags[4], 0, 0, "element NOP");
	EXPECT_EQ(-1, first_diff(o.dst->va + 1, o.ref + 7, 8193));
	EXPECT_EQ(-1, fill_diff(o.dst->va + 3 * PAGE - 50, 100, 0x1122334455667788ull));
	EXPECT_EQ(-1, bg_diff(o.dst->va, 0, 1, 1));
	EXPECT_EQ(-1, bg_diff(o.dst->va, 8194, 3 * PAGE - 50, 1));
	EXPECT_EQ(-1, bg_diff(o.dst->va, 3 * PAGE + 50, OPBUF_LEN, 1));

	/* A batch of one, elements without records, and the array across a page. */
	el = batch_slot(&o.qc, 63, &arr);
	el[0] = desc(SACC_OP_FILL, 64, 0, DST_IOVA, 0xabababababababab);
	el[1] = desc(SACC_OP_NOP, 0, 0, 0, 0);
	d = desc(SACC_OP_BATCH, 64, arr, 0, 0);
	exec_ok(_metadata, &o.qc, d, 64, 1, "BATCH of 1");
	EXPECT_EQ(-1, fill_diff(o.dst->va, 64, 0xabababababababab));
	d = desc(SACC_OP_BATCH, 128, arr, 0, 0);
	exec_ok(_metadata, &o.qc, d, 128, 2, "BATCH of 2 across a page edge");
	free(o.ref);
}

TEST_F_TIMEOUT(eng, ring_wraps_around, 300)
{
	struct sacc_completion *c[8];
	struct sacc_desc d[8];
	struct dma_buf *dst;
	struct inst *in;
	struct qctx qc;
	unsigned int round, i, n, seq = 0, total = 0;
	uint64_t tags[8];

	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	qctx_init(_metadata, &self->e, &qc, in, 0, 8, 0);
	dst = buf_at(_metadata, &self->e, in, PAGE, DST_IOVA, true);

	/* Rounds of 5, 7 (a full ring), 3, 6, 5, 7: 33 descriptors through 8 entries. */
	for (round = 0; round < 6; round++) {
		static const unsigned int sizes[] = { 5, 7, 3, 6, 5, 7 };

		n = sizes[round];
		for (i = 0; i < n; i++, seq++) {
			d[i] = desc(SACC_OP_FILL, 64, 0, DST_IOVA + (seq % 64) * 64,
				    0x0101010101010101ull * (seq + 1));
			c[i] = attach(&qc, &d[i]);
			tags[i] = d[i].tag;
		}
		ASSERT_EQ(0, sacc_submit(&qc.sq, d, n));
		total += n;
		EXPECT_EQ(total % 8, qrd(_metadata, &qc, SACC_Q_TAIL));
		for (i = 0; i < n; i++) {
			ASSERT_EQ(0, sacc_wait_completion(c[i], WAIT_MS, NULL)) {
				TH_LOG("round %u descriptor %u", round, i);
			}
			expect_ok(_metadata, c[i], tags[i], 64, 0, "FILL in the ring");
		}
		EXPECT_EQ(0, sacc_wait_reg(&in->h, SACC_QUEUE_REG(0, SACC_Q_HEAD), ~0u,
					   total % 8, WAIT_MS, NULL)) TH_LOG("round %u", round);
		EXPECT_EQ(SACC_Q_STATUS_ENABLED, qrd(_metadata, &qc, SACC_Q_STATUS));
	}
	for (i = 0; i < seq; i++)
		EXPECT_EQ(-1, fill_diff(dst->va + i * 64, 64, 0x0101010101010101ull * (i + 1)))
			TH_LOG("slot %u", i);

	/* The smallest ring, 2 entries: one descriptor at a time, wrapping each time. */
	qc.ring_size = 2;
	qctx_reset(_metadata, &qc);
	for (i = 0; i < 5; i++) {
		exec_ok(_metadata, &qc, desc(SACC_OP_NOP, 0, 0, 0, 0), 0, 0, "NOP, ring of 2");
		EXPECT_EQ(0, sacc_wait_reg(&in->h, SACC_QUEUE_REG(0, SACC_Q_HEAD), ~0u,
					   (i + 1) % 2, WAIT_MS, NULL));
	}
}

/* ------------------------------------------------------------------------------
 * Queue faults (§7.1)
 */
struct fault_env {
	struct inst *in;
	struct qctx qc;
	struct dma_buf *src, *dst, *ro, *aux;
};

#define FBUF_LEN	(4 * PAGE)

static void fault_env_init(struct __test_metadata *_metadata, struct env *e,
			   struct fault_env *f)
{
	f->in = inst_new(_metadata, e, SUITE_PARENT, "sacc-1q");
	qctx_init(_metadata, e, &f->qc, f->in, 0, 16, 0);
	f->src = buf_at(_metadata, e, f->in, FBUF_LEN, SRC_IOVA, true);
	f->dst = buf_at(_metadata, e, f->in, FBUF_LEN, DST_IOVA, true);
	f->ro = buf_new(_metadata, e, FBUF_LEN);
	fill_rand(f->ro->va, FBUF_LEN, 0x5eed);
	buf_map(_metadata, f->ro, f->in, RO_IOVA, false);
	f->aux = buf_at(_metadata, e, f->in, PAGE, AUX_IOVA, true);
	fill_rand(f->src->va, FBUF_LEN, 1);
	fill_bg(f->dst->va, FBUF_LEN, 2);
}

/* Wait for queue @qc to halt; then check the registers of a halted queue. */
static void expect_halted(struct __test_metadata *_metadata, struct qctx *qc,
			  const char *name, uint8_t code, uint32_t info, uint32_t head)
{
	uint32_t st;

	qctx_wait_halted(_metadata, qc, WAIT_MS, name);
	EXPECT_EQ(code, qrd(_metadata, qc, SACC_Q_ERROR)) TH_LOG("%s: Q_ERROR", name);
	EXPECT_EQ(info, qrd(_metadata, qc, SACC_Q_ERROR_INFO))
		TH_LOG("%s: Q_ERROR_INFO", name);
	EXPECT_EQ(head, qrd(_metadata, qc, SACC_Q_HEAD)) TH_LOG("%s: Q_HEAD", name);
	st = qrd(_metadata, qc, SACC_Q_STATUS);
	EXPECT_EQ(SACC_Q_STATUS_HALTED, st & (SACC_Q_STATUS_HALTED | SACC_Q_STATUS_ENABLED))
		TH_LOG("%s: Q_STATUS 0x%x", name, st);
	st = rd(_metadata, qc->in, SACC_REG_STATUS);
	EXPECT_EQ(SACC_STATUS_QERR | SACC_STATUS_READY, st) TH_LOG("%s: STATUS", name);
	EXPECT_TRUE(rd(_metadata, qc->in, SACC_REG_INTR_STATUS) & SACC_INTR_ERROR)
		TH_LOG("%s: INTR_STATUS.ERROR", name);
}

/* After recovery: running, nothing pending, no error anywhere. */
static void expect_running(struct __test_metadata *_metadata, struct qctx *qc,
			   const char *name)
{
	int ret;

	ret = sacc_wait_reg(&qc->in->h, SACC_QUEUE_REG(qc->sq.q, SACC_Q_HEAD), ~0u,
			    qc->sq.tail, WAIT_MS, NULL);
	EXPECT_EQ(0, ret) TH_LOG("%s: Q_HEAD did not reach Q_TAIL after recovery", name);
	EXPECT_EQ(SACC_Q_STATUS_ENABLED, qrd(_metadata, qc, SACC_Q_STATUS))
		TH_LOG("%s: Q_STATUS after recovery", name);
	EXPECT_EQ(0, qrd(_metadata, qc, SACC_Q_ERROR)) TH_LOG("%s", name);
	EXPECT_EQ(0, rd(_metadata, qc->in, SACC_REG_STATUS) & SACC_STATUS_QERR)
		TH_LOG("%s: STATUS.QERR after recovery", name);
}

/*
 * The common fault sequence: NOP, NOP, @bad, FILL (pending) in one doorbell.
 * @bad halts the queue at ring index 2 with @code; its record (if @record: the
 * flow gives it one) carries the error; the pending FILL and one submitted after
 * the halt stay unexecuted until Q_ERROR is cleared, then both run. @watch (may be
 * NULL) must not change. @badrec receives the bad descriptor's record.
 */
static void fault_flow(struct __test_metadata *_metadata, struct fault_env *f,
		       const char *name, struct sacc_desc bad, uint8_t code, bool record,
		       const struct dma_buf *watch, struct sacc_completion *badrec)
{
	struct qctx *qc = &f->qc;
	struct sacc_completion *r[5] = { NULL }, rec;
	struct sacc_desc d[4], late;
	uint8_t *snap = NULL;
	uint64_t tags[5];
	unsigned int i;

	qctx_reset(_metadata, qc);
	memset(f->aux->va, 0, PAGE);
	for (i = 0; i < 2; i++) {
		d[i] = desc(SACC_OP_NOP, 0, 0, 0, 0);
		r[i] = attach(qc, &d[i]);
		tags[i] = d[i].tag;
	}
	d[2] = bad;
	if (record)
		r[2] = attach(qc, &d[2]);
	else if (!d[2].tag)
		d[2].tag = qc->next_tag++;
	tags[2] = d[2].tag;
	d[3] = desc(SACC_OP_FILL, 64, 0, AUX_IOVA, 0x1111111111111111ull);
	r[3] = attach(qc, &d[3]);
	tags[3] = d[3].tag;
	if (watch) {
		snap = malloc(watch->len);
		ASSERT_NE(NULL, snap);
		memcpy(snap, watch->va, watch->len);
	}

	ASSERT_EQ(0, sacc_submit(&qc->sq, d, 4));
	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, sacc_wait_completion(r[i], WAIT_MS, &rec))
			TH_LOG("%s: NOP %u before the fault", name, i);
		expect_ok(_metadata, &rec, tags[i], 0, 0, name);
	}
	expect_halted(_metadata, qc, name, code, 2, 3);
	if (record) {
		ASSERT_EQ(0, sacc_wait_completion(r[2], WAIT_MS, &rec))
			TH_LOG("%s: no record for the faulting descriptor", name);
		expect_err(_metadata, &rec, tags[2], code, name);
		if (badrec)
			*badrec = rec;
	}

	/* Halted: the pending FILL and one more submitted now are not fetched. */
	late = desc(SACC_OP_FILL, 64, 0, AUX_IOVA + 64, 0x2222222222222222ull);
	r[4] = attach(qc, &late);
	tags[4] = late.tag;
	ASSERT_EQ(0, sacc_submit(&qc->sq, &late, 1));
	msleep(QUIET_MS);
	EXPECT_EQ(0, r[3]->status) TH_LOG("%s: a halted queue ran a descriptor", name);
	EXPECT_EQ(0, r[4]->status) TH_LOG("%s: a halted queue ran a descriptor", name);
	EXPECT_EQ(3, qrd(_metadata, qc, SACC_Q_HEAD)) TH_LOG("%s: fetched while halted", name);
	EXPECT_EQ(5, qrd(_metadata, qc, SACC_Q_TAIL)) TH_LOG("%s", name);
	EXPECT_EQ(-1, fill_diff(f->aux->va, 128, 0)) TH_LOG("%s: ran while halted", name);
	if (watch)
		EXPECT_EQ(-1, first_diff(watch->va, snap, watch->len))
			TH_LOG("%s: memory the faulting descriptor must not write changed", name);

	/* Clear the cause, then the error: the queue resumes at Q_HEAD. */
	wr(_metadata, qc->in, SACC_REG_INTR_STATUS, SACC_INTR_ERROR);
	EXPECT_EQ(0, rd(_metadata, qc->in, SACC_REG_INTR_STATUS) & SACC_INTR_ERROR);
	qwr(_metadata, qc, SACC_Q_ERROR, 0xff);
	for (i = 3; i < 5; i++) {
		ASSERT_EQ(0, sacc_wait_completion(r[i], WAIT_MS, &rec))
			TH_LOG("%s: descriptor %u did not run after recovery", name, i);
		expect_ok(_metadata, &rec, tags[i], 64, 0, name);
	}
	EXPECT_EQ(-1, fill_diff(f->aux->va, 64, 0x1111111111111111ull)) TH_LOG("%s", name);
	EXPECT_EQ(-1, fill_diff(f->aux->va + 64, 64, 0x2222222222222222ull)) TH_LOG("%s", name);
	expect_running(_metadata, qc, name);
	EXPECT_EQ(0, rd(_metadata, qc->in, SACC_REG_INTR_STATUS) & SACC_INTR_ERROR)
		TH_LOG("%s: ERROR raised again", name);
	if (watch) {
		EXPECT_EQ(-1, first_diff(watch->va, snap, watch->len)) TH_LOG("%s", name);
		free(snap);
	}
}

struct fault_case {
	const char *name;
	struct sacc_desc d;
	const struct dma_buf *watch;
};

static void run_cases(struct __test_metadata *_metadata, struct fault_env *f,
		      const struct fault_case *c, unsigned int n, uint8_t code)
{
	unsigned int i;

	for (i = 0; i < n && !_metadata->exit_code; i++)
		fault_flow(_metadata, f, c[i].name, c[i].d, code, true, c[i].watch, NULL);
}

/* RING: the halt happens before the entry is read; Q_HEAD stays. */
static void ring_halt(struct __test_metadata *_metadata, struct qctx *qc,
		      const char *name, uint32_t head, struct sacc_completion *pending)
{
	expect_halted(_metadata, qc, name, SACC_QERR_RING, head, head);
	msleep(QUIET_MS);
	EXPECT_EQ(0, pending->status) TH_LOG("%s: the entry was run", name);
	EXPECT_EQ(head, qrd(_metadata, qc, SACC_Q_HEAD)) TH_LOG("%s", name);
}

TEST_F_TIMEOUT(eng, fault_ring, 300)
{
	static const struct { uint32_t write, reads; } bad_sizes[] = {
		{ 3, 3 }, { 0, 0 }, { 1, 1 }, { 6, 6 }, { 4097, 4097 }, { 8192, 0 },
		{ 0x10000 | 8, 8 },	/* masked to a good size: no fault */
	};
	struct sacc_completion *c, rec;
	struct sacc_desc d;
	struct fault_env f;
	struct dma_buf *ring2;
	char name[64];
	unsigned int i;
	uint64_t tag;

	fault_env_init(_metadata, &self->e, &f);

	/* Q_SIZE not a power of two in 2..4096 (after the writable mask). */
	for (i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
		snprintf(name, sizeof(name), "RING: Q_SIZE written 0x%x", bad_sizes[i].write);
		qctx_reset(_metadata, &f.qc);
		qwr(_metadata, &f.qc, SACC_Q_CTRL, 0);
		qwr(_metadata, &f.qc, SACC_Q_SIZE, bad_sizes[i].write);
		EXPECT_EQ(bad_sizes[i].reads, qrd(_metadata, &f.qc, SACC_Q_SIZE)) TH_LOG("%s", name);
		qwr(_metadata, &f.qc, SACC_Q_CTRL, SACC_Q_CTRL_ENABLE);
		d = desc(SACC_OP_NOP, 0, 0, 0, 0);
		c = attach(&f.qc, &d);
		tag = d.tag;
		f.qc.sq.ring[0] = d;
		ASSERT_EQ(0, sacc_doorbell(&f.qc.sq, 1));
		if (bad_sizes[i].reads == 8) {
			ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, &rec)) TH_LOG("%s", name);
			expect_ok(_metadata, &rec, tag, 0, 0, name);
			continue;
		}
		ring_halt(_metadata, &f.qc, name, 0, c);
		/* Start over: disable, clear, reprogram, enable, submit again. */
		qwr(_metadata, &f.qc, SACC_Q_CTRL, 0);
		qwr(_metadata, &f.qc, SACC_Q_ERROR, 0xff);
		qwr(_metadata, &f.qc, SACC_Q_SIZE, 16);
		ASSERT_EQ(0, sacc_queue_restart(&f.qc.sq));
		EXPECT_EQ(0, qrd(_metadata, &f.qc, SACC_Q_ERROR));
		ASSERT_EQ(0, sacc_doorbell(&f.qc.sq, 1));
		ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, &rec)) TH_LOG("%s: recovery", name);
		expect_ok(_metadata, &rec, tag, 0, 0, name);
		expect_running(_metadata, &f.qc, name);
	}

	/* Q_TAIL >= Q_SIZE, after two good NOPs (Q_HEAD 2); fixed by a good doorbell. */
	for (i = 16; i <= 17; i++) {
		snprintf(name, sizeof(name), "RING: Q_TAIL %u with Q_SIZE 16", i);
		qctx_reset(_metadata, &f.qc);
		exec_ok(_metadata, &f.qc, desc(SACC_OP_NOP, 0, 0, 0, 0), 0, 0, name);
		exec_ok(_metadata, &f.qc, desc(SACC_OP_NOP, 0, 0, 0, 0), 0, 0, name);
		d = desc(SACC_OP_NOP, 0, 0, 0, 0);
		c = attach(&f.qc, &d);
		tag = d.tag;
		f.qc.sq.ring[2] = d;
		ASSERT_EQ(0, sacc_qwrite(&f.qc.sq, SACC_Q_DOORBELL, i));
		ring_halt(_metadata, &f.qc, name, 2, c);
		ASSERT_EQ(0, sacc_doorbell(&f.qc.sq, 3));
		qwr(_metadata, &f.qc, SACC_Q_ERROR, 0xff);
		ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, &rec)) TH_LOG("%s: recovery", name);
		expect_ok(_metadata, &rec, tag, 0, 0, name);
		expect_running(_metadata, &f.qc, name);
	}

	/* The ring entry at Q_HEAD is unmapped: a ring of its own, unmapped after use. */
	snprintf(name, sizeof(name), "RING: ring IOVA unmapped");
	ring2 = buf_at(_metadata, &self->e, f.in, PAGE, RING2_IOVA, true);
	qctx_reset(_metadata, &f.qc);
	ASSERT_EQ(0, sacc_queue_setup(&f.qc.sq, &f.in->h, 0, ring2->va, RING2_IOVA, 16, 0));
	exec_ok(_metadata, &f.qc, desc(SACC_OP_NOP, 0, 0, 0, 0), 0, 0, name);
	exec_ok(_metadata, &f.qc, desc(SACC_OP_NOP, 0, 0, 0, 0), 0, 0, name);
	buf_unmap(_metadata, ring2);
	d = desc(SACC_OP_NOP, 0, 0, 0, 0);
	c = attach(&f.qc, &d);
	tag = d.tag;
	ASSERT_EQ(0, sacc_submit(&f.qc.sq, &d, 1));
	ring_halt(_metadata, &f.qc, name, 2, c);
	/* Map it again (same memory): the queue resumes and runs entry 2. */
	buf_map(_metadata, ring2, f.in, RING2_IOVA, true);
	qwr(_metadata, &f.qc, SACC_Q_ERROR, 0xff);
	ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, &rec)) TH_LOG("%s: recovery", name);
	expect_ok(_metadata, &rec, tag, 0, 0, name);
	expect_running(_metadata, &f.qc, name);
}

TEST_F_TIMEOUT(eng, fault_desc_fetch, 300)
{
	struct fault_env f;
	struct fault_case c[2];

	fault_env_init(_metadata, &self->e, &f);
	c[0] = (struct fault_case){ "DESC_FETCH: BATCH array unmapped",
		desc(SACC_OP_BATCH, 128, HOLE_IOVA, 0, 0), NULL };
	c[1] = (struct fault_case){ "DESC_FETCH: BATCH array past the end of a mapping",
		desc(SACC_OP_BATCH, 64, AUX_IOVA + PAGE, 0, 0), NULL };
	run_cases(_metadata, &f, c, 2, SACC_QERR_DESC_FETCH);
}

TEST_F_TIMEOUT(eng, fault_opcode, 300)
{
	static const uint8_t bad_ops[] = { 0x06, 0x77, 0x80, 0xff };
	struct sacc_completion *ec[3], brec;
	struct sacc_desc *el;
	struct fault_env f;
	uint64_t arr, tags[3];
	char name[64];
	unsigned int i;

	fault_env_init(_metadata, &self->e, &f);
	for (i = 0; i < sizeof(bad_ops) && !_metadata->exit_code; i++) {
		snprintf(name, sizeof(name), "OPCODE: opcode 0x%02x", bad_ops[i]);
		fault_flow(_metadata, &f, name,
			   desc(bad_ops[i], 64, SRC_IOVA, DST_IOVA, 0), SACC_QERR_OPCODE,
			   true, f.dst, NULL);
	}

	/* BATCH inside BATCH: element 0 runs, element 1 fails, element 2 does not run. */
	el = batch_slot(&f.qc, 0, &arr);
	el[0] = desc(SACC_OP_NOP, 0, 0, 0, 0);
	el[1] = desc(SACC_OP_BATCH, 64, arr, 0, 0);
	el[2] = desc(SACC_OP_FILL, 64, 0, DST_IOVA, 0x3333333333333333ull);
	for (i = 0; i < 3; i++) {
		ec[i] = attach(&f.qc, &el[i]);
		tags[i] = el[i].tag;
	}
	fault_flow(_metadata, &f, "OPCODE: BATCH inside BATCH",
		   desc(SACC_OP_BATCH, 3 * 64, arr, 0, 0), SACC_QERR_OPCODE, true, f.dst,
		   &brec);
	expect_ok(_metadata, ec[0], tags[0], 0, 0, "element 0 before the failing one");
	expect_err(_metadata, ec[1], tags[1], SACC_QERR_OPCODE, "the nested BATCH");
	EXPECT_EQ(0, ec[2]->status) TH_LOG("the batch went on after a failing element");

	/* An element with a bad opcode: same rule. */
	el = batch_slot(&f.qc, 8, &arr);
	el[0] = desc(0x77, 64, SRC_IOVA, DST_IOVA, 0);
	ec[0] = attach(&f.qc, &el[0]);
	tags[0] = el[0].tag;
	fault_flow(_metadata, &f, "OPCODE: element of a BATCH",
		   desc(SACC_OP_BATCH, 64, arr, 0, 0), SACC_QERR_OPCODE, true, NULL, NULL);
	expect_err(_metadata, ec[0], tags[0], SACC_QERR_OPCODE, "the bad element");
}

TEST_F_TIMEOUT(eng, fault_length, 600)
{
	struct fault_env f;
	struct dma_buf *bsrc, *bdst;
	struct fault_case c[9];
	size_t big = SACC_DESC_MAX_LEN + PAGE;
	uint64_t arr;
	long bad;

	fault_env_init(_metadata, &self->e, &f);
	/* Big enough that MAX + 1 bytes are mapped: only the length is wrong. */
	bsrc = buf_at(_metadata, &self->e, f.in, big, BIG_SRC_IOVA, true);
	bdst = buf_at(_metadata, &self->e, f.in, big, BIG_DST_IOVA, true);
	batch_slot(&f.qc, 0, &arr);

	c[0] = (struct fault_case){ "LENGTH: COPY len 0",
		desc(SACC_OP_COPY, 0, SRC_IOVA, DST_IOVA, 0), f.dst };
	c[1] = (struct fault_case){ "LENGTH: FILL len 0",
		desc(SACC_OP_FILL, 0, 0, DST_IOVA, 0), f.dst };
	c[2] = (struct fault_case){ "LENGTH: COMPARE len 0",
		desc(SACC_OP_COMPARE, 0, SRC_IOVA, DST_IOVA, 0), NULL };
	c[3] = (struct fault_case){ "LENGTH: CRC32C len 0",
		desc(SACC_OP_CRC32C, 0, SRC_IOVA, 0, 0), NULL };
	c[4] = (struct fault_case){ "LENGTH: BATCH len 0",
		desc(SACC_OP_BATCH, 0, arr, 0, 0), NULL };
	c[5] = (struct fault_case){ "LENGTH: BATCH len 100",
		desc(SACC_OP_BATCH, 100, arr, 0, 0), NULL };
	c[6] = (struct fault_case){ "LENGTH: COPY len 16 MiB + 1",
		desc(SACC_OP_COPY, SACC_DESC_MAX_LEN + 1, BIG_SRC_IOVA, BIG_DST_IOVA, 0),
		NULL };
	c[7] = (struct fault_case){ "LENGTH: FILL len 16 MiB + 1",
		desc(SACC_OP_FILL, SACC_DESC_MAX_LEN + 1, 0, BIG_DST_IOVA, 1), NULL };
	c[8] = (struct fault_case){ "LENGTH: CRC32C len 16 MiB + 4 KiB",
		desc(SACC_OP_CRC32C, SACC_DESC_MAX_LEN + PAGE, BIG_SRC_IOVA, 0, 0), NULL };
	/* The batch array: NOPs, so a device that ran it anyway would not fault. */
	memset(batch_slot(&f.qc, 0, &arr), 0, 4 * 64);
	run_cases(_metadata, &f, c, 9, SACC_QERR_LENGTH);
	/* Nothing was written to the big destination (it is still untouched zero). */
	EXPECT_EQ(-1, fill_diff(bdst->va, 64, 0));

	/* The limit itself is fine: FILL of exactly 16 MiB, not a byte more. */
	exec_ok(_metadata, &f.qc, desc(SACC_OP_FILL, SACC_DESC_MAX_LEN, 0, BIG_DST_IOVA,
				       0x0807060504030201ull),
		SACC_DESC_MAX_LEN, 0, "FILL of 16 MiB");
	bad = fill_diff(bdst->va, SACC_DESC_MAX_LEN, 0x0807060504030201ull);
	EXPECT_EQ(-1, bad) TH_LOG("FILL of 16 MiB: byte %ld", bad);
	EXPECT_EQ(-1, fill_diff(bdst->va + SACC_DESC_MAX_LEN, PAGE, 0))
		TH_LOG("FILL of 16 MiB wrote past its end");
	(void)bsrc;
}

TEST_F_TIMEOUT(eng, fault_addr, 600)
{
	struct fault_env f;
	struct fault_case c[11];

	fault_env_init(_metadata, &self->e, &f);
	c[0] = (struct fault_case){ "ADDR: COPY from unmapped src",
		desc(SACC_OP_COPY, 64, HOLE_IOVA, DST_IOVA, 0), f.dst };
	c[1] = (struct fault_case){ "ADDR: COPY to unmapped dst",
		desc(SACC_OP_COPY, 64, SRC_IOVA, HOLE_IOVA, 0), NULL };
	c[2] = (struct fault_case){ "ADDR: COPY to read-only dst",
		desc(SACC_OP_COPY, 4096, SRC_IOVA, RO_IOVA + 100, 0), f.ro };
	c[3] = (struct fault_case){ "ADDR: FILL to read-only dst",
		desc(SACC_OP_FILL, 3 * PAGE, 0, RO_IOVA, 0x4444444444444444ull), f.ro };
	c[4] = (struct fault_case){ "ADDR: COMPARE with unmapped src",
		desc(SACC_OP_COMPARE, 64, HOLE_IOVA, DST_IOVA, 0), NULL };
	c[5] = (struct fault_case){ "ADDR: COMPARE with unmapped dst",
		desc(SACC_OP_COMPARE, 64, SRC_IOVA, HOLE_IOVA, 0), NULL };
	c[6] = (struct fault_case){ "ADDR: CRC32C of unmapped src",
		desc(SACC_OP_CRC32C, 64, HOLE_IOVA, 0, 0), NULL };
	c[7] = (struct fault_case){ "ADDR: COPY src running past its mapping",
		desc(SACC_OP_COPY, 200, SRC_IOVA + FBUF_LEN - 100, DST_IOVA, 0), NULL };
	c[8] = (struct fault_case){ "ADDR: FILL dst running past its mapping",
		desc(SACC_OP_FILL, 200, 0, DST_IOVA + FBUF_LEN - 100, 5), NULL };
	c[9] = (struct fault_case){ "ADDR: COPY src wrapping past 2^64",
		desc(SACC_OP_COPY, 0x200, 0xffffffffffffff00ull, DST_IOVA, 0), f.dst };
	c[10] = (struct fault_case){ "ADDR: FILL dst wrapping past 2^64",
		desc(SACC_OP_FILL, 0x2000, 0, 0xfffffffffffff000ull, 6), NULL };
	run_cases(_metadata, &f, c, 11, SACC_QERR_ADDR);
}

TEST_F_TIMEOUT(eng, read_only_mappings_serve_reads, 120)
{
	struct fault_env f;

	fault_env_init(_metadata, &self->e, &f);
	memcpy(f.dst->va, f.ro->va, FBUF_LEN);
	exec_ok(_metadata, &f.qc, desc(SACC_OP_COMPARE, FBUF_LEN - 1, RO_IOVA + 1,
				       DST_IOVA + 1, 0), FBUF_LEN - 1, ~0ull,
		"COMPARE of read-only memory");
	exec_ok(_metadata, &f.qc, desc(SACC_OP_CRC32C, FBUF_LEN, RO_IOVA, 0, 0), FBUF_LEN,
		crc32c(0, f.ro->va, FBUF_LEN), "CRC32C of read-only memory");
	exec_ok(_metadata, &f.qc, desc(SACC_OP_COPY, FBUF_LEN - 8, RO_IOVA + 8, SRC_IOVA, 0),
		FBUF_LEN - 8, 0, "COPY from read-only memory");
	EXPECT_EQ(-1, first_diff(f.src->va, f.ro->va + 8, FBUF_LEN - 8));
}

TEST_F_TIMEOUT(eng, fault_overlap, 300)
{
	struct fault_env f;
	struct fault_case c[4];

	fault_env_init(_metadata, &self->e, &f);
	c[0] = (struct fault_case){ "OVERLAP: dst inside src",
		desc(SACC_OP_COPY, 4096, SRC_IOVA, SRC_IOVA + 100, 0), f.src };
	c[1] = (struct fault_case){ "OVERLAP: src inside dst",
		desc(SACC_OP_COPY, 4096, SRC_IOVA + 100, SRC_IOVA, 0), f.src };
	c[2] = (struct fault_case){ "OVERLAP: src == dst",
		desc(SACC_OP_COPY, 1, SRC_IOVA + 5, SRC_IOVA + 5, 0), f.src };
	c[3] = (struct fault_case){ "OVERLAP: last byte of src is first of dst",
		desc(SACC_OP_COPY, 2 * PAGE, SRC_IOVA, SRC_IOVA + 2 * PAGE - 1, 0), f.src };
	run_cases(_metadata, &f, c, 4, SACC_QERR_OVERLAP);
}

TEST_F_TIMEOUT(eng, fault_completion, 300)
{
	struct sacc_completion *slot;
	struct fault_env f;
	struct sacc_desc d;
	uint64_t iova;

	fault_env_init(_metadata, &self->e, &f);

	/* Not 32-byte aligned: nothing is written at or around it. */
	slot = cslot(&f.qc, &iova);
	cslot(&f.qc, &iova);
	iova -= 32;
	d = desc(SACC_OP_NOP, 0, 0, 0, 0);
	d.completion = iova + 16;
	fault_flow(_metadata, &f, "COMPLETION: address not 32-byte aligned", d,
		   SACC_QERR_COMPLETION, false, NULL, NULL);
	EXPECT_EQ(-1, fill_diff((uint8_t *)slot, 64, 0)) TH_LOG("a record was written");

	d.completion = iova + 8;
	fault_flow(_metadata, &f, "COMPLETION: address 8-byte aligned", d,
		   SACC_QERR_COMPLETION, false, NULL, NULL);
	EXPECT_EQ(-1, fill_diff((uint8_t *)slot, 64, 0)) TH_LOG("a record was written");

	d.completion = HOLE_IOVA;
	fault_flow(_metadata, &f, "COMPLETION: address unmapped", d,
		   SACC_QERR_COMPLETION, false, NULL, NULL);

	d.completion = RO_IOVA + 64;
	fault_flow(_metadata, &f, "COMPLETION: address mapped read-only", d,
		   SACC_QERR_COMPLETION, false, f.ro, NULL);

	/* The same for a COPY: its destination stays untouched too. */
	d = desc(SACC_OP_COPY, 256, SRC_IOVA, DST_IOVA, 0);
	d.completion = HOLE_IOVA + 32;
	fault_flow(_metadata, &f, "COMPLETION: COPY with an unmapped record", d,
		   SACC_QERR_COMPLETION, false, NULL, NULL);
}

TEST_F_TIMEOUT(eng, fault_flags, 300)
{
	struct fault_env f;
	struct fault_case c[6];
	unsigned int i;

	fault_env_init(_metadata, &self->e, &f);
	for (i = 0; i < 6; i++)
		c[i].d = desc(SACC_OP_FILL, 256, 0, DST_IOVA, 0x5555555555555555ull);
	c[0].name = "FLAGS: flag bit 2";
	c[0].d.flags = 0x0004;
	c[1].name = "FLAGS: flag bit 15";
	c[1].d.flags = 0x8000 | SACC_DESC_FLAG_INTR;
	c[2].name = "FLAGS: every reserved flag bit";
	c[2].d.flags = 0xfffc;
	c[3].name = "FLAGS: rsvd0 not 0";
	c[3].d.rsvd0 = 1;
	c[4].name = "FLAGS: rsvd1[0] not 0";
	c[4].d.rsvd1[0] = 1;
	c[5].name = "FLAGS: rsvd1[1] bit 63";
	c[5].d.rsvd1[1] = 1ull << 63;
	for (i = 0; i < 6; i++)
		c[i].watch = f.dst;
	run_cases(_metadata, &f, c, 6, SACC_QERR_FLAGS);
}

/* ------------------------------------------------------------------------------
 * Interrupts (§6, §12.6)
 */
#define FIRE_MS		WAIT_MS
#define CAUSES_2Q	(0x3u | SACC_INTR_ERROR | SACC_INTR_TEST)

static struct sacc_completion *submit_nop(struct __test_metadata *_metadata,
					  struct qctx *qc, bool intr)
{
	struct sacc_completion *c;
	struct sacc_desc d = desc(SACC_OP_NOP, 0, 0, 0, 0);

	d.flags = intr ? SACC_DESC_FLAG_INTR : 0;
	c = attach(qc, &d);
	EXPECT_EQ(0, sacc_submit(&qc->sq, &d, 1));
	return c;
}

static void nop_done(struct __test_metadata *_metadata, struct qctx *qc, bool intr)
{
	struct sacc_completion *c = submit_nop(_metadata, qc, intr);

	ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, NULL));
	EXPECT_EQ(SACC_COMPL_OK, c->status);
}

TEST_F_TIMEOUT(eng, interrupts_per_descriptor_coalesced_and_on_error, 300)
{
	const uint32_t q1 = SACC_INTR_QUEUE(1);
	struct sacc_completion *c;
	struct sacc_desc d;
	struct inst *in;
	struct qctx qc;
	int fd, i;

	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-2q");
	qctx_init(_metadata, &self->e, &qc, in, 1, 16, 0);
	fd = track_fd(_metadata, &self->e, vfio_irq_enable(&in->h, VFIO_PCI_MSI_IRQ_INDEX));
	wr(_metadata, in, SACC_REG_INTR_MASK, CAUSES_2Q & ~(q1 | SACC_INTR_ERROR));
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS));

	/* FLAG_INTR: a message, INTR_STATUS.QUEUE(1) and nothing for queue 0. */
	nop_done(_metadata, &qc, true);
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("FLAG_INTR completion");
	EXPECT_EQ(q1, rd(_metadata, in, SACC_REG_INTR_STATUS));
	wr(_metadata, in, SACC_REG_INTR_STATUS, q1);
	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_INTR_STATUS));

	/* Without FLAG_INTR: nothing. */
	nop_done(_metadata, &qc, false);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("no FLAG_INTR");
	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_INTR_STATUS));

	/* Masked: recorded, no message; unmasking the pending cause sends one. */
	wr(_metadata, in, SACC_REG_INTR_MASK, CAUSES_2Q & ~SACC_INTR_ERROR);
	nop_done(_metadata, &qc, true);
	EXPECT_EQ(0, sacc_wait_reg(&in->h, SACC_REG_INTR_STATUS, q1, q1, WAIT_MS, NULL));
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("masked cause");
	wr(_metadata, in, SACC_REG_INTR_MASK, CAUSES_2Q & ~(q1 | SACC_INTR_ERROR));
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("unmasking a pending cause");
	wr(_metadata, in, SACC_REG_INTR_STATUS, q1);

	/* COUNT 4: not after 3 counted completions (plain ones do not count); after 4. */
	qwr(_metadata, &qc, SACC_Q_CTRL, 0);
	qwr(_metadata, &qc, SACC_Q_INTR_COALESCE, 4);
	ASSERT_EQ(0, sacc_queue_restart(&qc.sq));
	for (i = 0; i < 5; i++)
		nop_done(_metadata, &qc, i % 2 == 0);	/* INTR, plain, INTR, plain, INTR */
	msleep(QUIET_MS);
	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_INTR_STATUS) & q1) TH_LOG("after 3 of 4");
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("after 3 of 4");
	nop_done(_metadata, &qc, true);
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("after 4 of 4");
	EXPECT_EQ(q1, rd(_metadata, in, SACC_REG_INTR_STATUS));
	wr(_metadata, in, SACC_REG_INTR_STATUS, q1);
	/* The count restarted: 3 more do not interrupt. */
	for (i = 0; i < 3; i++)
		nop_done(_metadata, &qc, true);
	msleep(QUIET_MS);
	EXPECT_EQ(0, rd(_metadata, in, SACC_REG_INTR_STATUS) & q1) TH_LOG("count restarted");
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS));

	/* A halt with counted completions raises the queue's cause at once, and ERROR. */
	d = desc(0x77, 0, 0, 0, 0);
	c = attach(&qc, &d);
	ASSERT_EQ(0, sacc_submit(&qc.sq, &d, 1));
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("fault");
	ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, NULL));
	EXPECT_EQ(SACC_QERR_OPCODE, c->error);
	EXPECT_EQ(0, sacc_wait_reg(&in->h, SACC_REG_INTR_STATUS, q1 | SACC_INTR_ERROR,
				   q1 | SACC_INTR_ERROR, WAIT_MS, NULL))
		TH_LOG("halting with 3 counted completions");
	EXPECT_EQ(0, sacc_wait_reg(&in->h, SACC_QUEUE_REG(1, SACC_Q_STATUS),
				   SACC_Q_STATUS_HALTED, SACC_Q_STATUS_HALTED, WAIT_MS, NULL));
	/* Two causes may have sent two messages: take them all before going on. */
	msleep(QUIET_MS);
	eventfd_wait(fd, 0);
	wr(_metadata, in, SACC_REG_INTR_STATUS, q1 | SACC_INTR_ERROR);
	qwr(_metadata, &qc, SACC_Q_ERROR, 0xff);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS));

	/* ERROR alone (the count is 0 now). */
	d = desc(0x77, 0, 0, 0, 0);
	c = attach(&qc, &d);
	ASSERT_EQ(0, sacc_submit(&qc.sq, &d, 1));
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("fault");
	ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, NULL));
	EXPECT_EQ(SACC_QERR_OPCODE, c->error);
	EXPECT_EQ(0, sacc_wait_reg(&in->h, SACC_QUEUE_REG(1, SACC_Q_STATUS),
				   SACC_Q_STATUS_HALTED, SACC_Q_STATUS_HALTED, WAIT_MS, NULL));
	EXPECT_EQ(SACC_INTR_ERROR, rd(_metadata, in, SACC_REG_INTR_STATUS));
	wr(_metadata, in, SACC_REG_INTR_STATUS, SACC_INTR_ERROR);
	qwr(_metadata, &qc, SACC_Q_ERROR, 0xff);

	/* COUNT 4 with a 1000 us timer: one completion interrupts after the timer. */
	qwr(_metadata, &qc, SACC_Q_CTRL, 0);
	qwr(_metadata, &qc, SACC_Q_ERROR, 0xff);
	qwr(_metadata, &qc, SACC_Q_INTR_COALESCE, 4 | 1000u << SACC_Q_COALESCE_USECS_SHIFT);
	ASSERT_EQ(0, sacc_queue_restart(&qc.sq));
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS));
	nop_done(_metadata, &qc, true);
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("coalescing timer");
	EXPECT_EQ(q1, rd(_metadata, in, SACC_REG_INTR_STATUS));
}

/* ------------------------------------------------------------------------------
 * Two instances at once, in two containers, at the same IOVAs
 */
#define PAR_LEN		(256 * KiB)
#define PAR_ROUNDS	30

struct worker {
	struct qctx qc;
	struct dma_buf *src, *dst;
	uint8_t salt;
	int errors;
	char msg[256];
};

static void worker_fail(struct worker *w, const char *fmt, unsigned int round, long v)
{
	if (!w->errors++)
		snprintf(w->msg, sizeof(w->msg), "round %u: %s (%ld)", round, fmt, v);
}

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	struct sacc_completion rec;
	uint64_t s = w->salt * 1000003ull + 1;
	unsigned int r;
	long bad;

	for (r = 0; r < PAR_ROUNDS; r++) {
		size_t len = 1 + rnd(&s) % (PAR_LEN - PAGE);

		memset(&rec, 0, sizeof(rec));
		size_t so = rnd(&s) % (PAR_LEN + PAGE - len);
		size_t dof = rnd(&s) % (PAR_LEN + PAGE - len);
		uint64_t pat = rnd(&s);

		fill_rand(w->src->va, w->src->len, s + w->salt);
		fill_bg(w->dst->va, w->dst->len, w->salt);
		if (run_one(&w->qc, desc(SACC_OP_COPY, len, SRC_IOVA + so, DST_IOVA + dof, 0),
			    &rec) || rec.status != SACC_COMPL_OK) {
			worker_fail(w, "COPY did not complete OK", r, rec.status);
			break;
		}
		bad = first_diff(w->dst->va + dof, w->src->va + so, len);
		if (bad >= 0)
			worker_fail(w, "COPY result differs at", r, bad);
		bad = bg_diff(w->dst->va, 0, dof, w->salt);
		if (bad < 0)
			bad = bg_diff(w->dst->va, dof + len, w->dst->len, w->salt);
		if (bad >= 0)
			worker_fail(w, "COPY wrote outside its range at", r, bad);
		if (run_one(&w->qc, desc(SACC_OP_CRC32C, len, DST_IOVA + dof, 0, r), &rec) ||
		    rec.status != SACC_COMPL_OK ||
		    rec.result != crc32c(r, w->src->va + so, len))
			worker_fail(w, "CRC32C of the copy is wrong", r, rec.status);
		if (run_one(&w->qc, desc(SACC_OP_FILL, len, 0, DST_IOVA + dof, pat), &rec) ||
		    rec.status != SACC_COMPL_OK) {
			worker_fail(w, "FILL did not complete OK", r, rec.status);
			break;
		}
		bad = fill_diff(w->dst->va + dof, len, pat);
		if (bad >= 0)
			worker_fail(w, "FILL result differs at", r, bad);
	}
	return NULL;
}

TEST_F_TIMEOUT(eng, two_instances_in_two_containers_at_once, 600)
{
	struct worker w[2];
	pthread_t t[2];
	unsigned int i;

	memset(w, 0, sizeof(w));
	for (i = 0; i < 2; i++) {
		struct inst *in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");

		qctx_init(_metadata, &self->e, &w[i].qc, in, 0, 16, 0);
		w[i].src = buf_at(_metadata, &self->e, in, PAR_LEN + PAGE, SRC_IOVA, true);
		w[i].dst = buf_at(_metadata, &self->e, in, PAR_LEN + PAGE, DST_IOVA, true);
		w[i].salt = 0x40 + i * 0x51;
	}
	for (i = 0; i < 2; i++)
		ASSERT_EQ(0, pthread_create(&t[i], NULL, worker_run, &w[i]));
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < 2; i++)
		EXPECT_EQ(0, w[i].errors) TH_LOG("instance %u: %s", i, w[i].msg);
}

/* ------------------------------------------------------------------------------
 * Fair sharing: a flooding instance does not starve another one
 */
#define FLOOD_RING	128
#define B_DESCS		20
/* Weighted round robin gives A at most 8 * weight per turn: allow 4 times that. */
#define FAIR_LIMIT	(B_DESCS * 8 * 4)
#define FLOOD_CAP	(2 * FAIR_LIMIT)

struct flood {
	struct qctx *qc;
	atomic_bool stop;
	atomic_bool capped;
	atomic_ulong fetched;
	atomic_int error;
};

static void *flooder(void *arg)
{
	struct flood *fl = arg;
	struct sacc_desc d[FLOOD_RING - 1];
	uint32_t head, last = 0, st, size = FLOOD_RING;
	unsigned long fetched = 0;
	unsigned int i, n;

	for (i = 0; i < FLOOD_RING - 1; i++)
		d[i] = desc(SACC_OP_COPY, MiB, SRC_IOVA, DST_IOVA, 0);
	while (!atomic_load(&fl->stop)) {
		if (sacc_qread(&fl->qc->sq, SACC_Q_HEAD, &head) ||
		    sacc_qread(&fl->qc->sq, SACC_Q_STATUS, &st) ||
		    (st & SACC_Q_STATUS_HALTED)) {
			atomic_store(&fl->error, 1);
			break;
		}
		fetched += (head - last) & (size - 1);
		last = head;
		atomic_store(&fl->fetched, fetched);
		if (fetched >= FLOOD_CAP) {
			atomic_store(&fl->capped, true);
			break;
		}
		n = size - 1 - ((fl->qc->sq.tail - head) & (size - 1));
		if (n && sacc_submit(&fl->qc->sq, d, n)) {
			atomic_store(&fl->error, 1);
			break;
		}
		msleep(2);
	}
	return NULL;
}

TEST_F_TIMEOUT(eng, a_flooding_instance_does_not_starve_another, 600)
{
	struct dma_buf *asrc, *adst, *bdst;
	struct inst *a, *b;
	struct qctx qa, qb;
	struct flood fl;
	pthread_t t;
	unsigned long at_start, at_end;
	bool capped_at_end;
	uint32_t st;
	unsigned int i;
	int ret;

	a = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	b = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	ASSERT_EQ(0, mdev_attr_write(a->uuid, "weight", "1"));
	ASSERT_EQ(0, mdev_attr_write(b->uuid, "weight", "1"));
	qctx_init(_metadata, &self->e, &qa, a, 0, FLOOD_RING, 0);
	qctx_init(_metadata, &self->e, &qb, b, 0, 16, 0);
	asrc = buf_at(_metadata, &self->e, a, MiB, SRC_IOVA, true);
	adst = buf_at(_metadata, &self->e, a, MiB, DST_IOVA, true);
	bdst = buf_at(_metadata, &self->e, b, PAGE * 2, DST_IOVA, true);
	fill_rand(asrc->va, MiB, 3);

	memset(&fl, 0, sizeof(fl));
	fl.qc = &qa;
	ASSERT_EQ(0, pthread_create(&t, NULL, flooder, &fl));
	/* A is busy before B starts. */
	for (i = 0; i < WAIT_MS / 10 && atomic_load(&fl.fetched) < 8 &&
		    !atomic_load(&fl.error); i++)
		msleep(10);
	at_start = atomic_load(&fl.fetched);
	ret = 0;
	for (i = 0; i < B_DESCS && !ret; i++) {
		struct sacc_completion rec;

		ret = run_one(&qb, desc(SACC_OP_FILL, 128, 0, DST_IOVA + i * 128,
					0x0101010101010101ull * (i + 1)), &rec);
		if (!ret && rec.status != SACC_COMPL_OK)
			ret = -EIO;
	}
	at_end = atomic_load(&fl.fetched);
	capped_at_end = atomic_load(&fl.capped);
	st = 0;
	sacc_qread(&qa.sq, SACC_Q_STATUS, &st);
	atomic_store(&fl.stop, true);
	pthread_join(t, NULL);

	EXPECT_EQ(0, atomic_load(&fl.error)) TH_LOG("the flooding queue failed");
	EXPECT_LE(8, at_start) TH_LOG("A never got going");
	EXPECT_EQ(0, ret) TH_LOG("B descriptor %u: %s", i, strerror(-ret));
	EXPECT_FALSE(capped_at_end) TH_LOG("A ran %d descriptors before B finished",
					   FLOOD_CAP);
	EXPECT_GE(FAIR_LIMIT, at_end - at_start)
		TH_LOG("A ran %lu descriptors while B ran %d", at_end - at_start, B_DESCS);
	EXPECT_TRUE(st & SACC_Q_STATUS_BUSY) TH_LOG("A was idle when B finished");
	for (i = 0; i < B_DESCS; i++)
		EXPECT_EQ(-1, fill_diff(bdst->va + i * 128, 128, 0x0101010101010101ull * (i + 1)));

	/* A's work is right too, once it drains. */
	EXPECT_EQ(0, sacc_wait_reg(&a->h, SACC_QUEUE_REG(0, SACC_Q_HEAD), ~0u, qa.sq.tail,
				   10 * WAIT_MS, NULL));
	msleep(QUIET_MS);
	EXPECT_EQ(-1, first_diff(adst->va, asrc->va, MiB));
}

/* ------------------------------------------------------------------------------
 * Pinned pages, the cache and its limit (debugfs stats)
 */
TEST_F_TIMEOUT(eng, stats_count_ops_hits_and_pinned_pages, 300)
{
	struct sacc_stats s0, s1, s2, s3;
	struct dma_buf *src, *dst;
	struct inst *in;
	struct qctx qc;
	struct sacc_desc d;

	REQUIRE_DEBUGFS();
	set_param(_metadata, &self->e, "dma_cache", "1");
	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	stats(_metadata, in, &s0);
	EXPECT_EQ(0, s0.ops);
	EXPECT_EQ(0, s0.bytes);
	EXPECT_EQ(0, s0.faults);
	EXPECT_EQ(0, s0.pinned_pages);

	qctx_init(_metadata, &self->e, &qc, in, 0, 16, 0);
	src = buf_at(_metadata, &self->e, in, 4 * PAGE, SRC_IOVA, true);
	dst = buf_at(_metadata, &self->e, in, 4 * PAGE, DST_IOVA, true);
	fill_rand(src->va, 4 * PAGE, 8);
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, 4 * PAGE, SRC_IOVA, DST_IOVA, 0),
		4 * PAGE, 0, "COPY 16 KiB");
	stats(_metadata, in, &s1);
	EXPECT_EQ(1, s1.ops);
	EXPECT_EQ(4 * PAGE, s1.bytes);
	EXPECT_LT(0, s1.pinned_pages);
	EXPECT_LT(0, s1.cache_misses);

	/* The same buffers again: hits, and exactly one more op of 16 KiB. */
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, 4 * PAGE, SRC_IOVA, DST_IOVA, 0),
		4 * PAGE, 0, "COPY 16 KiB again");
	stats(_metadata, in, &s2);
	EXPECT_EQ(s1.ops + 1, s2.ops);
	EXPECT_EQ(s1.bytes + 4 * PAGE, s2.bytes);
	EXPECT_LT(s1.cache_hits, s2.cache_hits);
	EXPECT_LT(0, s2.pinned_pages);
	EXPECT_EQ(0, s2.faults);
	EXPECT_EQ(-1, first_diff(dst->va, src->va, 4 * PAGE));

	/* A fault counts as a fault, not an op. */
	d = desc(SACC_OP_NOP, 0, 0, 0, 0);
	d.completion = HOLE_IOVA;
	ASSERT_EQ(0, sacc_submit(&qc.sq, &d, 1));
	ASSERT_EQ(0, sacc_wait_reg(&in->h, SACC_QUEUE_REG(0, SACC_Q_STATUS),
				   SACC_Q_STATUS_HALTED, SACC_Q_STATUS_HALTED, WAIT_MS, NULL));
	stats(_metadata, in, &s3);
	EXPECT_EQ(1, s3.faults);
	EXPECT_EQ(s2.ops, s3.ops);

	/* Closing unpins everything; the instance (and its stats) remain. */
	wr(_metadata, in, SACC_REG_CTRL, SACC_CTRL_RESET);
	dma_buf_free(src);
	dma_buf_free(dst);
	dma_buf_free(qc.ctl);
	vfio_close(&in->h);
	stats(_metadata, in, &s3);
	EXPECT_EQ(0, s3.pinned_pages) TH_LOG("pages still pinned after close");

	/* A new open starts from zero. */
	inst_open(_metadata, in, false);
	stats(_metadata, in, &s3);
	EXPECT_EQ(0, s3.ops);
	EXPECT_EQ(0, s3.bytes);
	EXPECT_EQ(0, s3.faults);
	EXPECT_EQ(0, s3.pinned_pages);
}

TEST_F_TIMEOUT(eng, max_pinned_pages_bounds_the_cache, 300)
{
	struct sacc_stats s;
	struct dma_buf *src, *dst;
	struct inst *in;
	struct qctx qc;
	long bad;

	REQUIRE_DEBUGFS();
	set_param(_metadata, &self->e, "dma_cache", "1");
	set_param(_metadata, &self->e, "max_pinned_pages", "8");
	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	qctx_init(_metadata, &self->e, &qc, in, 0, 16, 0);
	src = buf_at(_metadata, &self->e, in, 64 * PAGE, SRC_IOVA, true);
	dst = buf_at(_metadata, &self->e, in, 64 * PAGE + PAGE, DST_IOVA, true);
	fill_rand(src->va, 64 * PAGE, 64);
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, 64 * PAGE, SRC_IOVA, DST_IOVA + 3, 0),
		64 * PAGE, 0, "COPY of 64 pages with 8 pinned at most");
	bad = first_diff(dst->va + 3, src->va, 64 * PAGE);
	EXPECT_EQ(-1, bad) TH_LOG("byte %ld", bad);
	exec_ok(_metadata, &qc, desc(SACC_OP_CRC32C, 64 * PAGE, DST_IOVA + 3, 0, 0),
		64 * PAGE, crc32c(0, src->va, 64 * PAGE), "CRC32C of 64 pages");
	stats(_metadata, in, &s);
	EXPECT_LT(0, s.cache_evictions);
	EXPECT_GE(8, s.pinned_pages);
	EXPECT_LT(0, s.pinned_pages);
}

/* ------------------------------------------------------------------------------
 * The shadow translation follows unmap and remap, with and without the cache
 */
#define TRACEFS "/sys/kernel/tracing"

/* Read a whole tracefs/sysfs file into @buf (NUL-terminated); bytes read or -errno. */
static ssize_t read_all(const char *path, char *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -errno;
	while (got < len - 1 && (n = read(fd, buf + got, len - 1 - got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got;
}

/* ------------------------------------------------------------------------------
 * Stopping a busy queue (spec 4.1, 7.2, 12.3): when the stopping write returns,
 * nothing of the queue touches memory any more, every descriptor before Q_HEAD has
 * completed (record written, data done) and none from Q_HEAD on has a record.
 */
enum stop_how { STOP_QUEUE, STOP_FUNCTION, STOP_FATAL, STOP_MASTER };

static const char *const stop_names[] = {
	[STOP_QUEUE] = "Q_CTRL.ENABLE = 0", [STOP_FUNCTION] = "CTRL.ENABLE = 0",
	[STOP_FATAL] = "INTR_TEST.FATAL", [STOP_MASTER] = "COMMAND.MASTER = 0",
};

#define STOP_N		1000		/* 4 KiB FILLs in flight on a 1024-entry ring */
#define STOP_LEN	(4 * KiB)
#define STOP_ROUNDS	6

/* Slice @i of @dst holds @pattern from end to end. */
static bool stop_filled(const struct dma_buf *dst, unsigned int i, uint64_t pattern)
{
	const uint8_t *p = dst->va + (size_t)i * STOP_LEN;
	size_t k;

	for (k = 0; k < STOP_LEN; k += 8)
		if (memcmp(p + k, &pattern, 8))
			return false;
	return true;
}

static void stop_write(struct __test_metadata *_metadata, struct qctx *qc,
		       enum stop_how how)
{
	switch (how) {
	case STOP_QUEUE:
		qwr(_metadata, qc, SACC_Q_CTRL, 0);
		break;
	case STOP_FUNCTION:
		wr(_metadata, qc->in, SACC_REG_CTRL, 0);
		break;
	case STOP_FATAL:
		wr(_metadata, qc->in, SACC_REG_INTR_TEST, SACC_INTR_TEST_FATAL);
		break;
	case STOP_MASTER:
		ASSERT_EQ(0, cfg_write(&qc->in->h, PCI_COMMAND, 2, PCI_COMMAND_MEMORY));
		break;
	}
}

static void stop_round(struct __test_metadata *_metadata, struct qctx *qc,
		       struct dma_buf *dst, enum stop_how how, unsigned int round)
{
	const char *what = stop_names[how];
	struct sacc_completion *c[STOP_N], *snap;
	struct sacc_desc d[STOP_N];
	uint64_t pattern = 0x0101010101010101ull * (0x40 + round);
	uint32_t head;
	unsigned int i, wait_for = 1 + round * 7;
	size_t rec_bytes = STOP_N * sizeof(struct sacc_completion);

	qctx_reset(_metadata, qc);
	qc->next_compl = 0;
	memset(dst->va, 0, dst->len);
	for (i = 0; i < STOP_N; i++) {
		d[i] = desc(SACC_OP_FILL, STOP_LEN, 0, dst->iova + i * STOP_LEN, pattern);
		c[i] = attach(qc, &d[i]);
	}
	ASSERT_EQ(0, sacc_submit(&qc->sq, d, STOP_N));
	ASSERT_EQ(0, sacc_wait_completion(c[wait_for], WAIT_MS, NULL)) {
		TH_LOG("%s round %u: descriptor %u did not complete", what, round, wait_for);
	}
	stop_write(_metadata, qc, how);
	/* What the device left when the write returned... */
	head = qrd(_metadata, qc, SACC_Q_HEAD);
	snap = malloc(rec_bytes + dst->len);
	ASSERT_NE(NULL, snap);
	memcpy(snap, c[0], rec_bytes);
	memcpy((uint8_t *)snap + rec_bytes, dst->va, dst->len);
	msleep(QUIET_MS);
	/* ...is what it leaves: nothing is written after it returned. */
	EXPECT_EQ(head, qrd(_metadata, qc, SACC_Q_HEAD)) TH_LOG("%s round %u: Q_HEAD moved",
								 what, round);
	EXPECT_EQ(0, memcmp(snap, c[0], rec_bytes)) {
		TH_LOG("%s round %u: a completion record was written after the write returned",
		       what, round);
	}
	EXPECT_EQ(0, memcmp((uint8_t *)snap + rec_bytes, dst->va, dst->len)) {
		TH_LOG("%s round %u: data was written after the write returned", what, round);
	}
	free(snap);
	EXPECT_LT(wait_for, head) TH_LOG("%s round %u: Q_HEAD %u", what, round, head);
	ASSERT_GE(STOP_N, head);
	for (i = 0; i < head; i++) {
		if (c[i]->status != SACC_COMPL_OK || !stop_filled(dst, i, pattern)) {
			EXPECT_EQ(SACC_COMPL_OK, c[i]->status) {
				TH_LOG("%s round %u: descriptor %u before Q_HEAD %u", what, round,
				       i, head);
			}
			EXPECT_TRUE(stop_filled(dst, i, pattern)) {
				TH_LOG("%s round %u: data of descriptor %u before Q_HEAD %u",
				       what, round, i, head);
			}
			break;
		}
	}
	for (i = head; i < STOP_N; i++) {
		if (c[i]->status) {
			EXPECT_EQ(0, c[i]->status) {
				TH_LOG("%s round %u: descriptor %u at or after Q_HEAD %u has a "
				       "record (status %u)", what, round, i, head, c[i]->status);
			}
			break;
		}
	}
	if (how != STOP_FUNCTION && how != STOP_MASTER)
		return;
	/* Started again, the queue goes on from Q_HEAD and completes the rest. */
	if (how == STOP_FUNCTION)
		wr(_metadata, qc->in, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	else
		ASSERT_EQ(0, cfg_write(&qc->in->h, PCI_COMMAND, 2,
				       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	ASSERT_EQ(0, sacc_wait_completion(c[STOP_N - 1], WAIT_MS, NULL)) {
		TH_LOG("%s round %u: the last descriptor did not complete after the restart",
		       what, round);
	}
	for (i = 0; i < STOP_N; i++) {
		if (c[i]->status != SACC_COMPL_OK || !stop_filled(dst, i, pattern)) {
			EXPECT_EQ(SACC_COMPL_OK, c[i]->status) TH_LOG("%s round %u: descriptor %u",
								      what, round, i);
			EXPECT_TRUE(stop_filled(dst, i, pattern)) {
				TH_LOG("%s round %u: data of descriptor %u", what, round, i);
			}
			break;
		}
	}
	EXPECT_EQ(STOP_N, qrd(_metadata, qc, SACC_Q_HEAD));
}

static void stop_flow(struct __test_metadata *_metadata, struct env *e, enum stop_how how)
{
	struct inst *in = inst_new(_metadata, e, SUITE_PARENT, "sacc-1q");
	struct dma_buf *dst = buf_at(_metadata, e, in, STOP_N * STOP_LEN, DST_IOVA, true);
	struct qctx qc;
	unsigned int r;

	qctx_init(_metadata, e, &qc, in, 0, RING_MAX, 0);
	for (r = 0; r < STOP_ROUNDS && !_metadata->exit_code; r++)
		stop_round(_metadata, &qc, dst, how, r);
}

TEST_F_TIMEOUT(eng, disabling_a_busy_queue_leaves_q_head_on_the_first_uncompleted, 300)
{
	stop_flow(_metadata, &self->e, STOP_QUEUE);
}

TEST_F_TIMEOUT(eng, disabling_a_busy_function_stops_it_and_enabling_goes_on, 300)
{
	stop_flow(_metadata, &self->e, STOP_FUNCTION);
}

TEST_F_TIMEOUT(eng, a_fatal_error_waits_for_the_descriptor_in_progress, 300)
{
	stop_flow(_metadata, &self->e, STOP_FATAL);
}

TEST_F_TIMEOUT(eng, clearing_bus_master_stops_dma_and_setting_it_goes_on, 300)
{
	stop_flow(_metadata, &self->e, STOP_MASTER);
}

/* The engine's trace events record a submit, a completion and a fault, by UUID. */
TEST_F_TIMEOUT(eng, trace_events_record_submit_complete_and_fault, 300)
{
	static char trace[1 << 16];
	struct sacc_desc d;
	struct inst *in;
	struct qctx qc;
	struct stat st;
	char want[128];

	if (stat(TRACEFS, &st))
		SKIP(return, "this kernel has no tracing (no " TRACEFS ")");
	if (stat(TRACEFS "/events", &st))
		ASSERT_EQ(0, mount("tracefs", TRACEFS, "tracefs", 0, NULL));
	ASSERT_EQ(0, stat(TRACEFS "/events/sacc", &st)) TH_LOG("no sacc trace events");
	ASSERT_EQ(0, sysfs_write(TRACEFS "/events/sacc/enable", "1"));

	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	qctx_init(_metadata, &self->e, &qc, in, 0, 16, 0);
	buf_at(_metadata, &self->e, in, PAGE, SRC_IOVA, true);
	buf_at(_metadata, &self->e, in, PAGE, DST_IOVA, true);
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, PAGE, SRC_IOVA, DST_IOVA, 0), PAGE, 0,
		"COPY 4 KiB");
	d = desc(0x77, 0, 0, 0, 0);
	ASSERT_EQ(0, sacc_submit(&qc.sq, &d, 1));
	ASSERT_EQ(0, sacc_wait_reg(&in->h, SACC_QUEUE_REG(0, SACC_Q_STATUS),
				   SACC_Q_STATUS_HALTED, SACC_Q_STATUS_HALTED, WAIT_MS, NULL));
	sysfs_write(TRACEFS "/events/sacc/enable", "0");
	ASSERT_LT(0, read_all(TRACEFS "/trace", trace, sizeof(trace)));

	snprintf(want, sizeof(want), "sacc_submit: %s q0 index=0 opcode=1 len=4096", in->uuid);
	EXPECT_NE(NULL, strstr(trace, want)) TH_LOG("no '%s' in the trace", want);
	snprintf(want, sizeof(want), "sacc_complete: %s q0 index=0 bytes=4096", in->uuid);
	EXPECT_NE(NULL, strstr(trace, want)) TH_LOG("no '%s' in the trace", want);
	snprintf(want, sizeof(want), "sacc_fault: %s q0 index=1 error=0x3", in->uuid);
	EXPECT_NE(NULL, strstr(trace, want)) TH_LOG("no '%s' in the trace", want);
}

FIXTURE(shadow) {
	struct env e;
};

FIXTURE_VARIANT(shadow) {
	const char *dma_cache;
};

FIXTURE_VARIANT_ADD(shadow, cache_on) {
	.dma_cache = "1",
};

FIXTURE_VARIANT_ADD(shadow, cache_off) {
	.dma_cache = "0",
};

FIXTURE_SETUP(shadow)
{
	char parent[MDEV_NAME_LEN];

	env_init(&self->e);
	suite_parent(_metadata, parent, sizeof(parent));
	set_param(_metadata, &self->e, "dma_cache", variant->dma_cache);
}

FIXTURE_TEARDOWN(shadow)
{
	env_release(_metadata, &self->e);
}

#define SH_LEN		(2 * PAGE)

/*
 * On @in (either path): ops on buffer A at X_IOVA, unmap X (ops there fault now),
 * map B at X: reads see B, writes land in B and never in A.
 */
static void remap_flow(struct __test_metadata *_metadata, struct env *e,
		       struct inst *in, struct qctx *qcp)
{
	struct sacc_completion rec;
	struct dma_buf *a, *b, *dst;
	struct qctx qc = *qcp;
	uint64_t tag;

	a = buf_new(_metadata, e, SH_LEN);
	b = buf_new(_metadata, e, SH_LEN);
	fill_rand(a->va, SH_LEN, 0xa);
	fill_rand(b->va, SH_LEN, 0xb);
	dst = buf_at(_metadata, e, in, SH_LEN, RDST_IOVA, true);
	buf_map(_metadata, a, in, X_IOVA, true);

	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, SH_LEN, X_IOVA, RDST_IOVA, 0), SH_LEN, 0,
		"COPY from A");
	EXPECT_EQ(-1, first_diff(dst->va, a->va, SH_LEN));
	exec_ok(_metadata, &qc, desc(SACC_OP_CRC32C, SH_LEN, X_IOVA, 0, 0), SH_LEN,
		crc32c(0, a->va, SH_LEN), "CRC32C of A");

	/* Unmapped: the next op on X faults (a stale translation would succeed). */
	buf_unmap(_metadata, a);
	tag = qc.next_tag;
	exec(_metadata, &qc, desc(SACC_OP_CRC32C, SH_LEN, X_IOVA, 0, 0), &rec);
	expect_err(_metadata, &rec, tag, SACC_QERR_ADDR, "CRC32C of X while unmapped");
	expect_halted(_metadata, &qc, "unmapped X", SACC_QERR_ADDR,
		      (qc.sq.tail - 1) & (qc.sq.size - 1), qc.sq.tail);
	wr(_metadata, in, SACC_REG_INTR_STATUS, SACC_INTR_ERROR);
	qwr(_metadata, &qc, SACC_Q_ERROR, 0xff);

	/* B at the same IOVA. */
	buf_map(_metadata, b, in, X_IOVA, true);
	memset(dst->va, 0, SH_LEN);
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, SH_LEN, X_IOVA, RDST_IOVA, 0), SH_LEN, 0,
		"COPY from B at A's old IOVA");
	EXPECT_EQ(-1, first_diff(dst->va, b->va, SH_LEN)) TH_LOG("a stale translation");
	exec_ok(_metadata, &qc, desc(SACC_OP_CRC32C, SH_LEN, X_IOVA, 0, 0), SH_LEN,
		crc32c(0, b->va, SH_LEN), "CRC32C of B");
	/* Writes go to B and leave A alone. */
	{
		uint8_t *snap = malloc(SH_LEN);

		ASSERT_NE(NULL, snap);
		memcpy(snap, a->va, SH_LEN);
		exec_ok(_metadata, &qc, desc(SACC_OP_FILL, SH_LEN, 0, X_IOVA,
					     0x6666666666666666ull), SH_LEN, 0, "FILL of B");
		EXPECT_EQ(-1, fill_diff(b->va, SH_LEN, 0x6666666666666666ull));
		EXPECT_EQ(-1, first_diff(a->va, snap, SH_LEN))
			TH_LOG("a write reached unmapped memory");
		free(snap);
	}
	*qcp = qc;
}

TEST_F_TIMEOUT(shadow, unmap_and_remap_of_an_iova_is_seen, 300)
{
	struct inst *in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	struct qctx qc;

	qctx_init(_metadata, &self->e, &qc, in, 0, 16, 0);
	remap_flow(_metadata, &self->e, in, &qc);
}

TEST_F_TIMEOUT(shadow, iommufd_ioas_unmap_and_remap_is_seen, 300)
{
	struct dma_buf *src, *dst, *ro;
	struct sacc_completion rec;
	uint8_t snap[PAGE];
	struct inst *in;
	struct qctx qc;
	uint64_t tag;

	if (access("/dev/iommu", F_OK))
		SKIP(return, "this kernel has no iommufd (/dev/iommu missing)");
	in = inst_create(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	inst_open(_metadata, in, true);
	ASSERT_NE(0, in->h.ioas_id);

	/* A plain COPY through the IOAS. */
	qctx_init(_metadata, &self->e, &qc, in, 0, 16, 0);
	src = buf_at(_metadata, &self->e, in, 3 * PAGE, SRC_IOVA, true);
	dst = buf_at(_metadata, &self->e, in, 3 * PAGE, DST_IOVA, true);
	fill_rand(src->va, 3 * PAGE, 0x10fd);
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, 3 * PAGE - 9, SRC_IOVA + 4, DST_IOVA + 5,
				     0), 3 * PAGE - 9, 0, "COPY through iommufd");
	EXPECT_EQ(-1, first_diff(dst->va + 5, src->va + 4, 3 * PAGE - 9));

	/* Read-only IOAS mapping: reads work, writes fault. */
	ro = buf_new(_metadata, &self->e, PAGE);
	fill_rand(ro->va, PAGE, 0x20);
	memcpy(snap, ro->va, PAGE);
	buf_map(_metadata, ro, in, RO_IOVA, false);
	exec_ok(_metadata, &qc, desc(SACC_OP_CRC32C, PAGE, RO_IOVA, 0, 0), PAGE,
		crc32c(0, ro->va, PAGE), "CRC32C of a read-only IOAS mapping");
	tag = qc.next_tag;
	exec(_metadata, &qc, desc(SACC_OP_FILL, 64, 0, RO_IOVA, 7), &rec);
	expect_err(_metadata, &rec, tag, SACC_QERR_ADDR, "FILL of a read-only IOAS mapping");
	expect_halted(_metadata, &qc, "FILL of a read-only IOAS mapping", SACC_QERR_ADDR,
		      (qc.sq.tail - 1) & (qc.sq.size - 1), qc.sq.tail);
	EXPECT_EQ(-1, first_diff(ro->va, snap, PAGE)) TH_LOG("read-only memory was written");
	wr(_metadata, in, SACC_REG_INTR_STATUS, SACC_INTR_ERROR);
	qwr(_metadata, &qc, SACC_Q_ERROR, 0xff);

	remap_flow(_metadata, &self->e, in, &qc);
}

TEST_F_TIMEOUT(shadow, partial_unmap_and_remap_is_seen, 300)
{
	struct dma_buf *old, *fresh, *dst;
	struct inst *in;
	struct qctx qc;
	uint8_t *want;
	int ret;

	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	qctx_init(_metadata, &self->e, &qc, in, 0, 16, 0);
	old = buf_new(_metadata, &self->e, 4 * PAGE);
	fresh = buf_new(_metadata, &self->e, 2 * PAGE);
	dst = buf_at(_metadata, &self->e, in, 5 * PAGE, DST_IOVA, true);
	fill_rand(old->va, 4 * PAGE, 0x01d);
	fill_rand(fresh->va, 2 * PAGE, 0xf4e);

	/*
	 * Type1 v2 does not split a mapping, so the 4 pages are mapped as page 0,
	 * pages 1-2 and page 3 at consecutive IOVAs: one range for the device.
	 */
	ASSERT_EQ(0, vfio_dma_map(&in->h, old->va, PAGE, Y_IOVA, true));
	ret = vfio_dma_map(&in->h, old->va + PAGE, 2 * PAGE, Y_IOVA + PAGE, true);
	if (ret)
		vfio_dma_unmap(&in->h, Y_IOVA, PAGE);
	ASSERT_EQ(0, ret);
	ret = vfio_dma_map(&in->h, old->va + 3 * PAGE, PAGE, Y_IOVA + 3 * PAGE, true);
	if (ret) {
		vfio_dma_unmap(&in->h, Y_IOVA, 3 * PAGE);
		ASSERT_EQ(0, ret);
	}
	/* From here on the fixture unmaps [Y, Y + 4 pages) through @old. */
	old->h = &in->h;
	old->iova = Y_IOVA;
	old->mapped = true;

	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, 4 * PAGE - 2, Y_IOVA + 1, DST_IOVA + 1, 0),
		4 * PAGE - 2, 0, "COPY of the 4 old pages");
	EXPECT_EQ(-1, first_diff(dst->va + 1, old->va + 1, 4 * PAGE - 2));

	/* Replace the middle two pages. */
	ASSERT_EQ(0, vfio_dma_unmap(&in->h, Y_IOVA + PAGE, 2 * PAGE));
	ASSERT_EQ(0, vfio_dma_map(&in->h, fresh->va, 2 * PAGE, Y_IOVA + PAGE, true));
	want = malloc(4 * PAGE);
	ASSERT_NE(NULL, want);
	memcpy(want, old->va, PAGE);
	memcpy(want + PAGE, fresh->va, 2 * PAGE);
	memcpy(want + 3 * PAGE, old->va + 3 * PAGE, PAGE);
	memset(dst->va, 0, 5 * PAGE);
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, 4 * PAGE - 2, Y_IOVA + 1, DST_IOVA + 1, 0),
		4 * PAGE - 2, 0, "COPY after replacing pages 1-2");
	EXPECT_EQ(-1, first_diff(dst->va + 1, want + 1, 4 * PAGE - 2))
		TH_LOG("old pages 0 and 3, new pages 1 and 2 expected");
	exec_ok(_metadata, &qc, desc(SACC_OP_CRC32C, 4 * PAGE, Y_IOVA, 0, 0), 4 * PAGE,
		crc32c(0, want, 4 * PAGE), "CRC32C after replacing pages 1-2");

	/* Writes over the 4 pages: pages 1-2 land in the new memory, not the old. */
	memcpy(want, old->va, 4 * PAGE);
	exec_ok(_metadata, &qc, desc(SACC_OP_FILL, 4 * PAGE, 0, Y_IOVA, 0x7777777777777777ull),
		4 * PAGE, 0, "FILL of the 4 pages");
	EXPECT_EQ(-1, fill_diff(old->va, PAGE, 0x7777777777777777ull));
	EXPECT_EQ(-1, fill_diff(fresh->va, 2 * PAGE, 0x7777777777777777ull));
	EXPECT_EQ(-1, fill_diff(old->va + 3 * PAGE, PAGE, 0x7777777777777777ull));
	EXPECT_EQ(-1, first_diff(old->va + PAGE, want + PAGE, 2 * PAGE))
		TH_LOG("a write reached the unmapped old pages");
	free(want);
}

TEST_F_TIMEOUT(shadow, stats_follow_dma_cache, 300)
{
	struct sacc_stats s;
	struct inst *in;
	struct qctx qc;
	bool on = !strcmp(variant->dma_cache, "1");

	REQUIRE_DEBUGFS();
	in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	qctx_init(_metadata, &self->e, &qc, in, 0, 16, 0);
	buf_at(_metadata, &self->e, in, 4 * PAGE, SRC_IOVA, true);
	buf_at(_metadata, &self->e, in, 4 * PAGE, DST_IOVA, true);
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, 4 * PAGE, SRC_IOVA, DST_IOVA, 0), 4 * PAGE,
		0, "COPY");
	exec_ok(_metadata, &qc, desc(SACC_OP_COPY, 4 * PAGE, SRC_IOVA, DST_IOVA, 0), 4 * PAGE,
		0, "COPY again");
	stats(_metadata, in, &s);
	EXPECT_EQ(2, s.ops);
	EXPECT_EQ(8 * PAGE, s.bytes);
	if (on) {
		EXPECT_LT(0, s.pinned_pages);
		EXPECT_LT(0, s.cache_hits);
	} else {
		EXPECT_EQ(0, s.pinned_pages) TH_LOG("dma_cache=0 pins nothing");
		EXPECT_EQ(0, s.cache_hits);
	}
}

TEST_HARNESS_MAIN
