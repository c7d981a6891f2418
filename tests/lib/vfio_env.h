/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fixture environment of the engine and hostile suites: instances, buffers
 * between canary pages, queues with their control buffers, eventfds and module
 * parameters, all remembered in a struct env so that the teardown (env_release())
 * undoes them, also when the test failed.
 *
 * Header-only like sacc_harness.h (the helpers fail the test with the harness's
 * ASSERT/EXPECT), and to be included after kselftest_harness.h.
 */
#ifndef VFIO_ENV_H
#define VFIO_ENV_H

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sacc_harness.h"
#include "sacc_test.h"
#include "sacc_regs.h"

#define PARAMS_DIR	"/sys/module/sacc/parameters"

/* What one struct env holds at the most. */
#define MAX_INST	3
#define MAX_BUFS	48
#define MAX_FDS		6

/* IOVA of queue @q's control buffer (each instance has its own address space). */
#define CTL_IOVA(q)	(0x10000000ull + (uint64_t)(q) * 0x1000000)

/* A queue's control buffer: ring, completion records, BATCH arrays. */
#define CTL_LEN		(64 * DMA_PAGE)
#define RING_OFF	0
#define RING_MAX	1024
#define COMPL_OFF	(64 * 1024ul)
#define NR_COMPL	4096
#define BATCH_OFF	(192 * 1024ul)

/* An instance the environment created, and its handle once opened. */
struct inst {
	char uuid[UUID_STR_LEN];
	struct vfio_handle h;
};

/* One queue of an instance, with its control buffer. */
struct qctx {
	struct inst *in;
	struct dma_buf *ctl;
	struct sacc_queue sq;
	uint32_t ring_size;
	uint32_t coalesce;
	unsigned int next_compl;
	uint64_t next_tag;
};

/* A module parameter's value before the test first set it. */
struct saved_param {
	const char *name;
	char val[64];
	bool saved;
};

/* The parameters set_param() may change: dma_cache, max_pinned_pages. */
#define NR_PARAMS	2

/* What a test created: the teardown, env_release(), undoes all of it. */
struct env {
	struct inst inst[MAX_INST];
	int nr_inst;
	struct dma_buf bufs[MAX_BUFS];
	int nr_bufs;
	int fds[MAX_FDS];
	int nr_fds;
	struct saved_param params[NR_PARAMS];
};

/* Nothing created yet: every handle closed (-1), no parameter saved. */
static inline void env_init(struct env *e)
{
	static const char *const param_names[NR_PARAMS] = {
		"dma_cache", "max_pinned_pages",
	};
	int i;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < MAX_INST; i++)
		e->inst[i].h.container = e->inst[i].h.group = e->inst[i].h.iommufd =
			e->inst[i].h.device = -1;
	for (i = 0; i < NR_PARAMS; i++)
		e->params[i].name = param_names[i];
}

/* Every buffer's canary pages are intact (EXPECT, one failure per buffer). */
static inline void check_canaries(struct __test_metadata *_metadata, struct env *e)
{
	size_t bad = 0;
	int i;

	for (i = 0; i < e->nr_bufs; i++)
		EXPECT_TRUE(dma_buf_canaries_ok(&e->bufs[i], &bad)) {
			TH_LOG("buffer %d (IOVA 0x%llx, %zu bytes): canary byte %zu changed: "
			       "the device wrote outside its mappings", i,
			       (unsigned long long)e->bufs[i].iova, e->bufs[i].len, bad);
		}
}

/*
 * Teardown: stop every device (CTRL.RESET: nothing is written to memory after it
 * returns), check the canaries, unmap and free the buffers, close everything,
 * remove the instances, restore the module parameters.
 */
static inline void env_release(struct __test_metadata *_metadata, struct env *e)
{
	int i, ret;

	for (i = 0; i < e->nr_inst; i++)
		if (e->inst[i].h.device >= 0)
			bar0_write32(&e->inst[i].h, SACC_REG_CTRL, SACC_CTRL_RESET);
	check_canaries(_metadata, e);
	for (i = 0; i < e->nr_bufs; i++)
		dma_buf_free(&e->bufs[i]);
	e->nr_bufs = 0;
	for (i = 0; i < e->nr_fds; i++)
		close(e->fds[i]);
	e->nr_fds = 0;
	for (i = 0; i < e->nr_inst; i++) {
		vfio_close(&e->inst[i].h);
		if (mdev_exists(e->inst[i].uuid))
			mdev_remove(e->inst[i].uuid);
	}
	e->nr_inst = 0;
	for (i = 0; i < NR_PARAMS; i++) {
		char path[PATH_MAX];

		if (!e->params[i].saved)
			continue;
		snprintf(path, sizeof(path), PARAMS_DIR "/%s", e->params[i].name);
		ret = sysfs_write(path, e->params[i].val);
		if (ret)
			TH_LOG("restoring %s=%s failed: %s", e->params[i].name,
			       e->params[i].val, strerror(-ret));
		e->params[i].saved = false;
	}
}

/* Set a module parameter; the teardown restores the value it had first. */
static inline void set_param(struct __test_metadata *_metadata, struct env *e,
			     const char *name, const char *val)
{
	char path[PATH_MAX];
	struct saved_param *p = NULL;
	int i, ret;

	for (i = 0; i < NR_PARAMS; i++)
		if (!strcmp(e->params[i].name, name))
			p = &e->params[i];
	ASSERT_NE(NULL, p);
	snprintf(path, sizeof(path), PARAMS_DIR "/%s", name);
	if (!p->saved) {
		ret = sysfs_read(path, p->val, sizeof(p->val));
		ASSERT_EQ(0, ret) TH_LOG("reading %s: %s (the engine needs this parameter)",
					 path, strerror(-ret));
		p->saved = true;
	}
	ret = sysfs_write(path, val);
	ASSERT_EQ(0, ret) TH_LOG("writing %s to %s: %s (it must be writable at runtime)",
				 val, path, strerror(-ret));
}

/* inst_create()'s @parent for the suite's parent, suite_parent(). */
#define SUITE_PARENT	NULL

/*
 * The PCI parent, into @name: QEMU's edu function (sacc_pci_parent()) bound to sacc's
 * PCI driver, whatever $SACC_PARENT says; fails the test when there is none.
 */
static inline void pci_parent(struct __test_metadata *_metadata, char *name, size_t len)
{
	char drv[64], path[PATH_MAX];
	int ret = sacc_pci_parent(name, len);

	ASSERT_EQ(0, ret) {
		TH_LOG("no edu function (PCI %04x:%04x): %s; the PCI parent is QEMU's "
		       "-device edu bound to sacc (tests/vm/run.sh adds it)", PCI_VENDOR_QEMU,
		       PCI_DEVICE_EDU, strerror(-ret));
	}
	ret = pci_driver_name(name, drv, sizeof(drv));
	ASSERT_EQ(0, ret) TH_LOG("the edu function %s is bound to no driver, not to "
				 SACC_PCI_DRIVER ": %s", name, strerror(-ret));
	ASSERT_STREQ(SACC_PCI_DRIVER, drv) {
		TH_LOG("the edu function %s is bound to %s, not to " SACC_PCI_DRIVER, name,
		       drv);
	}
	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s", name);
	ASSERT_EQ(0, access(path, F_OK)) {
		TH_LOG("the edu function %s is bound to " SACC_PCI_DRIVER " but is no "
		       "parent: no %s", name, path);
	}
}

/* Create an instance of @type on @parent, or SUITE_PARENT (not opened). */
static inline struct inst *inst_create(struct __test_metadata *_metadata, struct env *e,
				       const char *parent, const char *type)
{
	char name[MDEV_NAME_LEN];
	struct inst *in;
	int ret;

	if (!parent) {
		suite_parent(_metadata, name, sizeof(name));
		parent = name;
	}
	ASSERT_LT(e->nr_inst, MAX_INST);
	in = &e->inst[e->nr_inst];
	uuid_new(in->uuid);
	ret = mdev_create(parent, type, in->uuid);
	ASSERT_EQ(0, ret) TH_LOG("creating %s on %s: %s", type, parent, strerror(-ret));
	e->nr_inst++;
	return in;
}

/* Open @in through iommufd, or through a type1 container of its own. */
static inline void inst_open(struct __test_metadata *_metadata, struct inst *in,
			     bool iommufd)
{
	int ret = iommufd ? vfio_open_iommufd(in->uuid, &in->h) :
			    vfio_open_container(in->uuid, &in->h);

	ASSERT_EQ(0, ret) TH_LOG("opening %s through %s: %s", in->uuid,
				 iommufd ? "iommufd" : "the type1 container", strerror(-ret));
}

/* inst_create(), then open it through a type1 container. */
static inline struct inst *inst_new(struct __test_metadata *_metadata, struct env *e,
				    const char *parent, const char *type)
{
	struct inst *in = inst_create(_metadata, e, parent, type);

	inst_open(_metadata, in, false);
	return in;
}

/* A buffer between canary pages, not mapped. */
static inline struct dma_buf *buf_new(struct __test_metadata *_metadata, struct env *e,
				      size_t len)
{
	struct dma_buf *b;
	int ret;

	ASSERT_LT(e->nr_bufs, MAX_BUFS);
	b = &e->bufs[e->nr_bufs];
	ret = dma_buf_alloc(b, len);
	ASSERT_EQ(0, ret) TH_LOG("allocating %zu bytes: %s", len, strerror(-ret));
	e->nr_bufs++;
	return b;
}

/* Map @b for @in at @iova (read-only unless @writable). */
static inline void buf_map(struct __test_metadata *_metadata, struct dma_buf *b,
			   const struct inst *in, uint64_t iova, bool writable)
{
	int ret = dma_buf_map(&in->h, b, iova, writable);

	ASSERT_EQ(0, ret) TH_LOG("mapping %zu bytes at IOVA 0x%llx%s: %s", b->len,
				 (unsigned long long)iova, writable ? "" : " read-only",
				 strerror(-ret));
}

/* Unmap @b (it stays allocated). */
static inline void buf_unmap(struct __test_metadata *_metadata, struct dma_buf *b)
{
	uint64_t iova = b->iova;
	int ret = dma_buf_unmap(b);

	ASSERT_EQ(0, ret) TH_LOG("unmapping IOVA 0x%llx: %s", (unsigned long long)iova,
				 strerror(-ret));
}

/* buf_new(), then buf_map() at @iova. */
static inline struct dma_buf *buf_at(struct __test_metadata *_metadata, struct env *e,
				     const struct inst *in, size_t len, uint64_t iova,
				     bool writable)
{
	struct dma_buf *b = buf_new(_metadata, e, len);

	buf_map(_metadata, b, in, iova, writable);
	return b;
}

/*
 * Remember @fd (>= 0, else the test fails with its -errno, or errno when it is -1)
 * for the teardown to close: @fd.
 */
static inline int track_fd(struct __test_metadata *_metadata, struct env *e, int fd)
{
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(fd < -1 ? -fd : errno));
	if (e->nr_fds >= MAX_FDS) {
		close(fd);
		ASSERT_LT(e->nr_fds, MAX_FDS);
	}
	e->fds[e->nr_fds++] = fd;
	return fd;
}

/* A BAR0 register of @in (bar0_rd(), bar0_wr()). */
static inline uint32_t rd(struct __test_metadata *_metadata, const struct inst *in,
			  uint32_t off)
{
	return bar0_rd(_metadata, &in->h, off);
}

static inline void wr(struct __test_metadata *_metadata, const struct inst *in,
		      uint32_t off, uint32_t val)
{
	bar0_wr(_metadata, &in->h, off, val);
}

/* A register of the queue's block. */
static inline uint32_t qrd(struct __test_metadata *_metadata, const struct qctx *qc,
			   uint32_t reg)
{
	return rd(_metadata, qc->in, SACC_QUEUE_REG(qc->sq.q, reg));
}

static inline void qwr(struct __test_metadata *_metadata, const struct qctx *qc,
		       uint32_t reg, uint32_t val)
{
	wr(_metadata, qc->in, SACC_QUEUE_REG(qc->sq.q, reg), val);
}

/* Program and enable queue @q of @in with a fresh control buffer at CTL_IOVA(q). */
static inline void qctx_init(struct __test_metadata *_metadata, struct env *e,
			     struct qctx *qc, struct inst *in, unsigned int q,
			     uint32_t ring_size, uint32_t coalesce)
{
	int ret;

	memset(qc, 0, sizeof(*qc));
	ASSERT_LE(ring_size, RING_MAX);
	qc->in = in;
	qc->ring_size = ring_size;
	qc->coalesce = coalesce;
	qc->next_tag = 0x7a60000000000000ull | ((uint64_t)q << 40);
	qc->ctl = buf_at(_metadata, e, in, CTL_LEN, CTL_IOVA(q), true);
	ret = sacc_queue_setup(&qc->sq, &in->h, q, qc->ctl->va + RING_OFF,
			       qc->ctl->iova + RING_OFF, ring_size, coalesce);
	ASSERT_EQ(0, ret) TH_LOG("setting up queue %u: %s", q, strerror(-ret));
}

/*
 * Wait for queue @qc to halt (Q_STATUS.HALTED), at most @timeout_ms; else the test
 * fails ("@what: the queue did not halt").
 */
static inline void qctx_wait_halted(struct __test_metadata *_metadata,
				    const struct qctx *qc, int timeout_ms, const char *what)
{
	uint32_t st = 0;
	int ret;

	ret = sacc_wait_reg(&qc->in->h, SACC_QUEUE_REG(qc->sq.q, SACC_Q_STATUS),
			    SACC_Q_STATUS_HALTED, SACC_Q_STATUS_HALTED, timeout_ms, &st);
	ASSERT_EQ(0, ret) TH_LOG("%s: the queue did not halt (Q_STATUS 0x%x)", what, st);
}

/* A descriptor: no flags, no record, tag 0. */
static inline struct sacc_desc desc(uint8_t op, uint32_t len, uint64_t src, uint64_t dst,
				    uint64_t pattern)
{
	struct sacc_desc d = {
		.opcode = op, .len = len, .src = src, .dst = dst, .pattern = pattern,
	};

	return d;
}

/* A zeroed completion record of the queue's control buffer. */
static inline struct sacc_completion *cslot(struct qctx *qc, uint64_t *iova)
{
	unsigned int i = qc->next_compl++ % NR_COMPL;
	struct sacc_completion *c;

	c = (struct sacc_completion *)(qc->ctl->va + COMPL_OFF) + i;
	memset(c, 0, sizeof(*c));
	*iova = qc->ctl->iova + COMPL_OFF + (uint64_t)i * sizeof(*c);
	return c;
}

/* Give @d a fresh record and a unique tag; the record. */
static inline struct sacc_completion *attach(struct qctx *qc, struct sacc_desc *d)
{
	uint64_t iova;
	struct sacc_completion *c = cslot(qc, &iova);

	d->completion = iova;
	d->tag = qc->next_tag++;
	return c;
}

/*
 * Submit @d with a fresh record and a unique tag and wait up to @timeout_ms for the
 * record, no harness: 0 (*@out, if not NULL, gets the record) or -errno.
 */
static inline int qctx_run(struct qctx *qc, struct sacc_desc d, int timeout_ms,
			   struct sacc_completion *out)
{
	struct sacc_completion *c = attach(qc, &d);
	int ret = sacc_submit(&qc->sq, &d, 1);

	if (!ret)
		ret = sacc_wait_completion(c, timeout_ms, out);
	return ret;
}

/* The record of a descriptor that completed OK. */
static inline void expect_ok(struct __test_metadata *_metadata,
			     const struct sacc_completion *c, uint64_t tag, uint32_t bytes,
			     uint64_t result, const char *what)
{
	EXPECT_EQ(SACC_COMPL_OK, c->status) TH_LOG("%s: status", what);
	EXPECT_EQ(0, c->error) TH_LOG("%s: error", what);
	EXPECT_EQ(0, c->rsvd) TH_LOG("%s: rsvd", what);
	EXPECT_EQ(bytes, c->bytes) TH_LOG("%s: bytes", what);
	EXPECT_EQ(result, c->result) TH_LOG("%s: result", what);
	EXPECT_EQ(tag, c->tag) TH_LOG("%s: tag", what);
	EXPECT_EQ(0, c->rsvd2) TH_LOG("%s: rsvd2", what);
}

/* Entry @i of the queue's BATCH area, and its IOVA. */
static inline struct sacc_desc *batch_slot(struct qctx *qc, unsigned int i,
					   uint64_t *iova)
{
	*iova = qc->ctl->iova + BATCH_OFF + (uint64_t)i * sizeof(struct sacc_desc);
	return (struct sacc_desc *)(qc->ctl->va + BATCH_OFF) + i;
}

/* Stats of @in; the test fails when the file is missing. */
static inline void stats(struct __test_metadata *_metadata, const struct inst *in,
			 struct sacc_stats *st)
{
	int ret = sacc_stats_read(in->uuid, st);

	ASSERT_EQ(0, ret) TH_LOG("reading " DEBUGFS_DIR "/sacc/%s/stats: %s", in->uuid,
				 strerror(-ret));
}

#endif /* VFIO_ENV_H */
