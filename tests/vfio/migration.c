// SPDX-License-Identifier: GPL-2.0
/*
 * migration: the device side of VFIO live migration (uAPI v2, STOP_COPY | P2P),
 * checked against docs/device-spec.md §16 and the VFIO core's state machine.
 *
 * The capability and a fresh device's state; every arc from every state the
 * device can be in, against a model of vfio_mig_get_next_state() as userspace sees
 * it; the data size against the stream; a STOP device that neither interrupts nor
 * writes memory and delivers what is pending when it runs again; a hand-over of
 * an instance S, in the middle of a descriptor workload, to an instance D on
 * another parent (the PCI parent), with configuration space, registers and device
 * memory equal and every descriptor completing once and correctly on D while S
 * stays silent; corrupted, truncated and foreign streams ending in a clean error
 * that a reset recovers; data fds that return ENODEV once reset.
 *
 * Expects what the engine suite does (sacc.ko with its defaults, vfio,
 * vfio_iommu_type1, mdev, `ulimit -l unlimited`) and the edu function bound to sacc
 * (tests/vm/run.sh). The instances are opened through type1 containers; S and D
 * map the same buffers at the same IOVAs, as the guest memory a VM takes along.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "sacc_test.h"
#include "sacc_regs.h"
#include "vfio_env.h"

#define KiB		1024ul
#define MiB		(1024ul * 1024)

/* TCG with KASAN is slow: what must happen gets 20 s; what must not, 300 ms. */
#define WAIT_MS		20000
#define QUIET_MS	300

#define SRC_IOVA	0x20000000ull
#define DST_IOVA	0x30000000ull

/* The workload: NR_COPY copies of a COPY_LEN source, then NR_CRC CRCs of it. */
#define COPY_LEN	(4 * MiB)
#define NR_COPY		4
#define NR_CRC		4

/* Stream layout (sacc_mig_stream.h): what a stream without device memory is. */
#define HDR_BYTES	48
#define REC_BYTES	12
#define QREC_BYTES	264
#define STREAM_BASE(nq)	(HDR_BYTES + (REC_BYTES + 256) + (REC_BYTES + 32) + \
			 (nq) * (REC_BYTES + QREC_BYTES) + (REC_BYTES + 8))
#define MIG_PAGE	4096

#define NR_STATES	8
#define S_ERROR		VFIO_DEVICE_STATE_ERROR
#define S_STOP		VFIO_DEVICE_STATE_STOP
#define S_RUNNING	VFIO_DEVICE_STATE_RUNNING
#define S_STOP_COPY	VFIO_DEVICE_STATE_STOP_COPY
#define S_RESUMING	VFIO_DEVICE_STATE_RESUMING
#define S_P2P		VFIO_DEVICE_STATE_RUNNING_P2P

static const char *const state_names[] = {
	"ERROR", "STOP", "RUNNING", "STOP_COPY", "RESUMING", "RUNNING_P2P",
	"PRE_COPY", "PRE_COPY_P2P", "8 (no state)",
};

/* ------------------------------------------------------------------------------
 * The model: what a SET of MIG_DEVICE_STATE does, seen from userspace, for a
 * device with STOP_COPY | P2P whose RESUMING data fd got no byte.
 */
struct outcome {
	int err;		/* 0 or the errno */
	uint32_t state;		/* the state GET reports afterwards */
	bool fd;		/* a data fd came back */
};

static bool supported(uint32_t s)
{
	return s == S_STOP || s == S_RUNNING || s == S_STOP_COPY || s == S_RESUMING ||
	       s == S_P2P;
}

static struct outcome model(uint32_t cur, uint32_t req)
{
	struct outcome o = { 0, cur, false };

	if (req == cur)			/* the driver has nothing to do */
		return o;
	/* Unsupported target (PRE_COPY without the flag, ERROR, beyond), or leaving
	 * ERROR: vfio_mig_get_next_state() refuses, nothing changes.
	 */
	if (!supported(req) || cur == S_ERROR) {
		o.err = EINVAL;
		return o;
	}
	/* Out of RESUMING every path goes through RESUMING -> STOP, which fails on
	 * the empty stream (ENODATA) and leaves ERROR.
	 */
	if (cur == S_RESUMING) {
		o.err = ENODATA;
		o.state = S_ERROR;
		return o;
	}
	o.state = req;
	o.fd = req == S_STOP_COPY || req == S_RESUMING;
	return o;
}

/* ------------------------------------------------------------------------------
 * Helpers that fail the test
 */

static uint32_t get_state(struct __test_metadata *_metadata, const struct inst *in)
{
	uint32_t st = ~0u;
	int ret = vfio_mig_get_state(&in->h, &st);

	EXPECT_EQ(0, ret) TH_LOG("GET MIG_DEVICE_STATE: %s", strerror(-ret));
	return st;
}

/* SET the state; the data fd (tracked for the teardown) or -1. */
static int set_state(struct __test_metadata *_metadata, struct env *e,
		     const struct inst *in, uint32_t state)
{
	int fd = -1, ret = vfio_mig_set_state(&in->h, state, &fd);

	ASSERT_EQ(0, ret) TH_LOG("SET MIG_DEVICE_STATE %s (from %s): %s",
				 state_names[state], state_names[get_state(_metadata, in)],
				 strerror(-ret));
	if (state == S_STOP_COPY || state == S_RESUMING) {
		ASSERT_LE(0, fd) TH_LOG("%s gave no data fd", state_names[state]);
		track_fd(_metadata, e, fd);
	} else {
		EXPECT_EQ(-1, fd) TH_LOG("%s gave a data fd", state_names[state]);
	}
	return fd;
}

static void reset_dev(struct __test_metadata *_metadata, const struct inst *in)
{
	ASSERT_EQ(0, ioctl(in->h.device, VFIO_DEVICE_RESET))
		TH_LOG("VFIO_DEVICE_RESET: %s", strerror(errno));
	ASSERT_EQ(S_RUNNING, get_state(_metadata, in)) TH_LOG("after VFIO_DEVICE_RESET");
}

/* Bring a reset (RUNNING) device to @state the way userspace would. */
static int reach(struct __test_metadata *_metadata, struct env *e, const struct inst *in,
		 uint32_t state)
{
	int fd = -1, ret;

	if (state == S_ERROR) {
		/* An empty stream: RESUMING -> STOP fails and leaves ERROR. */
		fd = set_state(_metadata, e, in, S_RESUMING);
		ret = vfio_mig_set_state(&in->h, S_STOP, NULL);
		ASSERT_EQ(-ENODATA, ret) TH_LOG("RESUMING -> STOP on an empty stream");
		ASSERT_EQ(S_ERROR, get_state(_metadata, in));
		return fd;
	}
	if (state != S_RUNNING)
		fd = set_state(_metadata, e, in, state);
	ASSERT_EQ(state, get_state(_metadata, in));
	return fd;
}

/* Read the STOP_COPY stream of @fd to its end. */
static size_t save(struct __test_metadata *_metadata, int fd, uint8_t **stream)
{
	ssize_t n = vfio_mig_read_all(fd, stream, 5000);	/* odd reads on purpose */

	ASSERT_LT(0, n) TH_LOG("reading the STOP_COPY data fd: %s",
			       n ? strerror(-n) : "empty");
	return n;
}

static bool data_size_supported(void)
{
	struct utsname u;
	unsigned int maj = 0, min = 0;

	if (uname(&u) || sscanf(u.release, "%u.%u", &maj, &min) != 2)
		return true;
	return maj > 6 || (maj == 6 && min >= 3);
}

/* A mapping of an instance's whole BAR2. */
static uint8_t *bar2(struct __test_metadata *_metadata, const struct inst *in, size_t *len)
{
	struct vfio_region_info info;
	void *p = NULL;
	int ret;

	ASSERT_EQ(0, vfio_region(&in->h, VFIO_PCI_BAR2_REGION_INDEX, &info));
	ret = vfio_region_mmap(&in->h, VFIO_PCI_BAR2_REGION_INDEX, 0, info.size,
			       PROT_READ | PROT_WRITE, &p);
	ASSERT_EQ(0, ret) TH_LOG("mmap BAR2: %s", strerror(-ret));
	*len = info.size;
	return p;
}

/* The registers a migration must carry (docs/device-spec.md §16). */
static const uint32_t func_regs[] = {
	SACC_REG_ID, SACC_REG_VERSION, SACC_REG_CAPS, SACC_REG_DEVMEM_SIZE, SACC_REG_CTRL,
	SACC_REG_STATUS, SACC_REG_INTR_STATUS, SACC_REG_INTR_MASK, SACC_REG_SCRATCH,
};
static const uint32_t queue_regs[] = {
	SACC_Q_BASE_LO, SACC_Q_BASE_HI, SACC_Q_SIZE, SACC_Q_HEAD, SACC_Q_TAIL, SACC_Q_CTRL,
	SACC_Q_STATUS, SACC_Q_ERROR, SACC_Q_ERROR_INFO, SACC_Q_INTR_COALESCE,
};

/* Configuration space and every register of @a and @b are equal (EXPECT). */
static void expect_same_device(struct __test_metadata *_metadata, const struct inst *a,
			       const struct inst *b, unsigned int nr_queues)
{
	uint8_t ca[256], cb[256];
	unsigned int i, q;
	long d;

	ASSERT_EQ(256, vfio_region_read(&a->h, VFIO_PCI_CONFIG_REGION_INDEX, 0, ca, 256));
	ASSERT_EQ(256, vfio_region_read(&b->h, VFIO_PCI_CONFIG_REGION_INDEX, 0, cb, 256));
	d = first_diff(ca, cb, 256);
	EXPECT_EQ(-1, d) TH_LOG("configuration space differs at 0x%lx: 0x%02x vs 0x%02x",
				d, d >= 0 ? ca[d] : 0, d >= 0 ? cb[d] : 0);
	for (i = 0; i < sizeof(func_regs) / sizeof(func_regs[0]); i++)
		EXPECT_EQ(rd(_metadata, a, func_regs[i]), rd(_metadata, b, func_regs[i]))
			TH_LOG("register 0x%03x", func_regs[i]);
	for (q = 0; q < nr_queues; q++)
		for (i = 0; i < sizeof(queue_regs) / sizeof(queue_regs[0]); i++) {
			uint32_t off = SACC_QUEUE_REG(q, queue_regs[i]);

			EXPECT_EQ(rd(_metadata, a, off), rd(_metadata, b, off))
				TH_LOG("queue %u register 0x%02x", q, queue_regs[i]);
		}
}

/* Map @b for @in at the IOVA it has for its first mapping (the guest's memory). */
static void map_too(struct __test_metadata *_metadata, const struct inst *in,
		    const struct dma_buf *b)
{
	int ret = vfio_dma_map(&in->h, b->va, b->len, b->iova, true);

	ASSERT_EQ(0, ret) TH_LOG("mapping IOVA 0x%" PRIx64 " for the destination: %s",
				 b->iova, strerror(-ret));
}

/* ------------------------------------------------------------------------------
 * The workload: two queues of a 2q instance
 */
struct work {
	struct qctx qc[2];
	struct dma_buf *src;
	struct dma_buf *dst;
	struct sacc_completion *copy_rec[NR_COPY];
	uint64_t copy_tag[NR_COPY];
	struct sacc_completion *crc_rec[NR_CRC];
	uint64_t crc_tag[NR_CRC];
};

static void work_setup(struct __test_metadata *_metadata, struct env *e, struct work *w,
		       struct inst *in)
{
	unsigned int i;

	memset(w, 0, sizeof(*w));
	w->src = buf_at(_metadata, e, in, COPY_LEN, SRC_IOVA, false);
	fill_rand(w->src->va, COPY_LEN, 0x5eed);
	w->dst = buf_at(_metadata, e, in, NR_COPY * COPY_LEN, DST_IOVA, true);
	for (i = 0; i < 2; i++)
		qctx_init(_metadata, e, &w->qc[i], in, i, 64, 0);
	wr(_metadata, in, SACC_REG_INTR_MASK, 0);	/* every cause interrupts */
}

/* Queue 0: NR_COPY copies; queue 1: NR_CRC CRCs with FLAG_INTR. */
static void work_submit(struct __test_metadata *_metadata, struct work *w)
{
	struct sacc_desc d[NR_COPY > NR_CRC ? NR_COPY : NR_CRC];
	unsigned int i;

	for (i = 0; i < NR_COPY; i++) {
		d[i] = desc(SACC_OP_COPY, COPY_LEN, SRC_IOVA, DST_IOVA + i * COPY_LEN, 0);
		d[i].flags = SACC_DESC_FLAG_INTR;
		w->copy_rec[i] = attach(&w->qc[0], &d[i]);
		w->copy_tag[i] = d[i].tag;
	}
	ASSERT_EQ(0, sacc_submit(&w->qc[0].sq, d, NR_COPY));
	for (i = 0; i < NR_CRC; i++) {
		d[i] = desc(SACC_OP_CRC32C, COPY_LEN - i * 4096, SRC_IOVA + i * 4096, 0, i);
		d[i].flags = SACC_DESC_FLAG_INTR;
		w->crc_rec[i] = attach(&w->qc[1], &d[i]);
		w->crc_tag[i] = d[i].tag;
	}
	ASSERT_EQ(0, sacc_submit(&w->qc[1].sq, d, NR_CRC));
}

/* Every descriptor completed, once, with the CPU's results. */
static void work_check(struct __test_metadata *_metadata, struct work *w)
{
	struct sacc_completion rec;
	unsigned int i;
	long diff;

	for (i = 0; i < NR_COPY; i++) {
		ASSERT_EQ(0, sacc_wait_completion(w->copy_rec[i], WAIT_MS, &rec))
			TH_LOG("COPY %u did not complete", i);
		expect_ok(_metadata, &rec, w->copy_tag[i], COPY_LEN, 0, "COPY");
		diff = first_diff(w->dst->va + i * COPY_LEN, w->src->va, COPY_LEN);
		EXPECT_EQ(-1, diff) TH_LOG("COPY %u: destination differs at %ld", i, diff);
	}
	for (i = 0; i < NR_CRC; i++) {
		ASSERT_EQ(0, sacc_wait_completion(w->crc_rec[i], WAIT_MS, &rec))
			TH_LOG("CRC32C %u did not complete", i);
		expect_ok(_metadata, &rec, w->crc_tag[i], COPY_LEN - i * 4096,
			  crc32c(i, w->src->va + i * 4096, COPY_LEN - i * 4096), "CRC32C");
	}
}

/* A checksum of what the device may write: destinations and control buffers. */
static uint32_t work_sum(const struct work *w)
{
	uint32_t c = crc32c(0, w->dst->va, w->dst->len);

	c = crc32c(c, w->qc[0].ctl->va, w->qc[0].ctl->len);
	return crc32c(c, w->qc[1].ctl->va, w->qc[1].ctl->len);
}

/* The PCI parent for D, or the first virtual one when S is on the PCI parent. */
static void other_parent(struct __test_metadata *_metadata, const char *s_parent,
			 char *name, size_t len)
{
	pci_parent(_metadata, name, len);
	if (!strcmp(name, s_parent))
		snprintf(name, len, "sacc0");
}

/* ------------------------------------------------------------------------------
 * Tests
 */

FIXTURE(mig) {
	struct env e;
};

FIXTURE_SETUP(mig)
{
	env_init(&self->e);
}

FIXTURE_TEARDOWN(mig)
{
	env_release(_metadata, &self->e);
}

TEST_F_TIMEOUT(mig, capability_and_fresh_state, 60)
{
	struct inst *in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	uint64_t flags = 0;
	int ret;

	ret = vfio_mig_flags(&in->h, &flags);
	ASSERT_EQ(0, ret) TH_LOG("VFIO_DEVICE_FEATURE_MIGRATION: %s", strerror(-ret));
	EXPECT_EQ(VFIO_MIGRATION_STOP_COPY | VFIO_MIGRATION_P2P, flags)
		TH_LOG("migration flags 0x%" PRIx64 ": STOP_COPY | P2P, no PRE_COPY", flags);
	/* QEMU assumes an opened device is RUNNING; so after a close and reopen. */
	EXPECT_EQ(S_RUNNING, get_state(_metadata, in));
	set_state(_metadata, &self->e, in, S_STOP);
	vfio_close(&in->h);
	inst_open(_metadata, in, false);
	EXPECT_EQ(S_RUNNING, get_state(_metadata, in)) TH_LOG("after close and reopen");
}

TEST_F_TIMEOUT(mig, every_arc_from_every_state_as_the_model_says, 120)
{
	static const uint32_t from[] = {
		S_RUNNING, S_P2P, S_STOP, S_STOP_COPY, S_RESUMING, S_ERROR,
	};
	struct inst *in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	unsigned int i, req, bad = 0;

	for (i = 0; i < sizeof(from) / sizeof(from[0]); i++) {
		for (req = 0; req <= NR_STATES; req++) {
			struct outcome want = model(from[i], req);
			int fd = -1, ret, fd0;
			uint32_t st;

			reset_dev(_metadata, in);
			fd0 = reach(_metadata, &self->e, in, from[i]);
			ret = vfio_mig_set_state(&in->h, req, &fd);
			st = get_state(_metadata, in);
			if (fd >= 0)
				close(fd);
			EXPECT_EQ(-want.err, ret) TH_LOG("%s -> %s: %s", state_names[from[i]],
							 state_names[req], strerror(-ret));
			EXPECT_EQ(want.state, st) TH_LOG("%s -> %s: ends in %s",
							 state_names[from[i]], state_names[req],
							 st < NR_STATES ? state_names[st] : "?");
			EXPECT_EQ(want.fd, fd >= 0) TH_LOG("%s -> %s: data fd %d",
							   state_names[from[i]],
							   state_names[req], fd);
			bad += ret != -want.err || st != want.state || want.fd != (fd >= 0);
			(void)fd0;	/* tracked: closed by the teardown */
			if (self->e.nr_fds >= MAX_FDS - 1) {
				while (self->e.nr_fds)
					close(self->e.fds[--self->e.nr_fds]);
			}
		}
	}
	EXPECT_EQ(0, bad);
	reset_dev(_metadata, in);
}

TEST_F_TIMEOUT(mig, data_size_is_the_stream_length, 60)
{
	struct inst *in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-2q");
	uint64_t size = 0;
	uint8_t *stream, *mem;
	size_t len, memlen;
	int ret, fd;

	mem = bar2(_metadata, in, &memlen);
	ret = vfio_mig_data_size(&in->h, &size);
	if (ret == -ENOTTY && !data_size_supported())
		SKIP(return, "no VFIO_DEVICE_FEATURE_MIG_DATA_SIZE before 6.3");
	ASSERT_EQ(0, ret) TH_LOG("VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: %s", strerror(-ret));
	EXPECT_EQ(STREAM_BASE(2), size) TH_LOG("zero device memory travels as nothing");

	/* Two runs of non-zero pages: two device memory records. */
	mem[0] = 1;
	mem[2 * MIG_PAGE + 7] = 2;
	mem[3 * MIG_PAGE] = 3;
	mem[memlen - 1] = 4;
	ASSERT_EQ(0, vfio_mig_data_size(&in->h, &size));
	EXPECT_EQ(STREAM_BASE(2) + 3 * (REC_BYTES + 8) + 4 * MIG_PAGE, size);

	fd = set_state(_metadata, &self->e, in, S_STOP_COPY);
	len = save(_metadata, fd, &stream);
	EXPECT_EQ(size, len) TH_LOG("MIG_DATA_SIZE said %" PRIu64 ", the stream has %zu",
				    size, len);
	free(stream);
	munmap(mem, memlen);
}

TEST_F_TIMEOUT(mig, stopped_device_is_silent_and_delivers_on_resume, 120)
{
	struct inst *in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-2q");
	uint32_t sum, head0, head1;
	struct work w;
	int efd, ret;

	work_setup(_metadata, &self->e, &w, in);
	efd = track_fd(_metadata, &self->e, vfio_irq_enable(&in->h, VFIO_PCI_MSI_IRQ_INDEX));
	work_submit(_metadata, &w);
	set_state(_metadata, &self->e, in, S_STOP);
	head0 = qrd(_metadata, &w.qc[0], SACC_Q_HEAD);
	head1 = qrd(_metadata, &w.qc[1], SACC_Q_HEAD);
	ASSERT_NE(NR_COPY, head0) TH_LOG("the copies were done before the stop: nothing tested");
	while (eventfd_wait(efd, 0) > 0)
		;
	sum = work_sum(&w);
	/* A cause the user raises while stopped stays pending. */
	wr(_metadata, in, SACC_REG_INTR_TEST, SACC_INTR_TEST_RAISE);
	ret = eventfd_wait(efd, QUIET_MS);
	EXPECT_EQ(0, ret) TH_LOG("an interrupt while stopped");
	EXPECT_TRUE(rd(_metadata, in, SACC_REG_INTR_STATUS) & SACC_INTR_TEST);
	EXPECT_EQ(sum, work_sum(&w)) TH_LOG("memory changed while stopped");
	EXPECT_EQ(head0, qrd(_metadata, &w.qc[0], SACC_Q_HEAD));
	EXPECT_EQ(head1, qrd(_metadata, &w.qc[1], SACC_Q_HEAD));

	/* RUNNING_P2P runs nothing, but delivers what is pending. */
	set_state(_metadata, &self->e, in, S_P2P);
	EXPECT_EQ(1, eventfd_wait(efd, WAIT_MS)) TH_LOG("the pending cause was lost");
	EXPECT_EQ(sum, work_sum(&w)) TH_LOG("memory changed in RUNNING_P2P");
	EXPECT_EQ(head0, qrd(_metadata, &w.qc[0], SACC_Q_HEAD));

	/* Back to RUNNING: the paused copy goes on from its checkpoint. */
	set_state(_metadata, &self->e, in, S_RUNNING);
	work_check(_metadata, &w);
}

/* Save S, resume D from the stream; S and D left in STOP. */
static void hand_over(struct __test_metadata *_metadata, struct env *e, struct inst *s,
		      struct inst *d)
{
	uint8_t *stream;
	size_t len;
	ssize_t n;
	int fd;

	fd = set_state(_metadata, e, s, S_STOP_COPY);
	len = save(_metadata, fd, &stream);
	set_state(_metadata, e, s, S_STOP);
	fd = set_state(_metadata, e, d, S_RESUMING);
	n = vfio_mig_write_all(fd, stream, len, 3001);
	free(stream);
	ASSERT_EQ((ssize_t)len, n) TH_LOG("writing the stream to D: %s",
					  n < 0 ? strerror(-n) : "short");
	set_state(_metadata, e, d, S_STOP);
}

TEST_F_TIMEOUT(mig, hand_over_mid_workload_to_another_parent, 240)
{
	char sp[MDEV_NAME_LEN], dp[MDEV_NAME_LEN];
	struct inst *s, *d;
	size_t slen, dlen;
	uint8_t *smem, *dmem;
	uint32_t head, shead[2];
	int sfd, dfd, q;
	struct work w;
	long diff;

	suite_parent(_metadata, sp, sizeof(sp));
	other_parent(_metadata, sp, dp, sizeof(dp));
	s = inst_new(_metadata, &self->e, sp, "sacc-2q");
	d = inst_new(_metadata, &self->e, dp, "sacc-2q");
	work_setup(_metadata, &self->e, &w, s);
	map_too(_metadata, d, w.src);
	map_too(_metadata, d, w.dst);
	map_too(_metadata, d, w.qc[0].ctl);
	map_too(_metadata, d, w.qc[1].ctl);
	sfd = track_fd(_metadata, &self->e, vfio_irq_enable(&s->h, VFIO_PCI_MSI_IRQ_INDEX));
	dfd = track_fd(_metadata, &self->e, vfio_irq_enable(&d->h, VFIO_PCI_MSI_IRQ_INDEX));
	wr(_metadata, s, SACC_REG_SCRATCH, 0x5ac0ffee);
	wr(_metadata, s, SACC_REG_INTR_TEST, SACC_INTR_TEST_RAISE);	/* pending */
	smem = bar2(_metadata, s, &slen);
	dmem = bar2(_metadata, d, &dlen);
	ASSERT_EQ(slen, dlen);
	fill_rand(smem + 5 * MIG_PAGE, 3 * MIG_PAGE, 1);
	fill_rand(smem + slen / 2 + 100, 20 * MIG_PAGE, 2);
	dmem[MIG_PAGE] = 0xff;		/* D's own memory is reset away */

	work_submit(_metadata, &w);
	set_state(_metadata, &self->e, s, S_P2P);
	set_state(_metadata, &self->e, s, S_STOP);
	head = qrd(_metadata, &w.qc[0], SACC_Q_HEAD);
	ASSERT_NE(NR_COPY, head) TH_LOG("the copies were done before the stop: nothing tested");
	hand_over(_metadata, &self->e, s, d);
	EXPECT_EQ(S_STOP, get_state(_metadata, s));
	EXPECT_EQ(S_STOP, get_state(_metadata, d));

	expect_same_device(_metadata, s, d, 2);
	diff = first_diff(smem, dmem, slen);
	EXPECT_EQ(-1, diff) TH_LOG("BAR2 differs at 0x%lx", diff);
	for (q = 0; q < 2; q++)
		shead[q] = qrd(_metadata, &w.qc[q], SACC_Q_HEAD);
	while (eventfd_wait(sfd, 0) > 0)
		;

	/* S's pending causes reach D's user as D leaves STOP, before it runs. */
	set_state(_metadata, &self->e, d, S_P2P);
	EXPECT_EQ(1, eventfd_wait(dfd, WAIT_MS)) TH_LOG("D did not deliver S's pending causes");
	EXPECT_EQ(shead[0], rd(_metadata, d, SACC_QUEUE_REG(0, SACC_Q_HEAD)))
		TH_LOG("D ran in RUNNING_P2P");
	wr(_metadata, d, SACC_REG_INTR_STATUS, ~0u);	/* the next completion is an edge */

	/* D runs on; the workload's queues are D's now. */
	set_state(_metadata, &self->e, d, S_RUNNING);
	for (q = 0; q < 2; q++) {
		w.qc[q].in = d;
		w.qc[q].sq.h = &d->h;
	}
	work_check(_metadata, &w);
	EXPECT_EQ(1, eventfd_wait(dfd, WAIT_MS)) TH_LOG("D raised no interrupt for its work");
	for (q = 0; q < 2; q++) {
		EXPECT_EQ(w.qc[q].sq.tail, qrd(_metadata, &w.qc[q], SACC_Q_HEAD))
			TH_LOG("D's queue %u did not finish its ring", q);
		EXPECT_EQ(shead[q], rd(_metadata, s, SACC_QUEUE_REG(q, SACC_Q_HEAD)))
			TH_LOG("S's queue %u moved after the hand-over", q);
	}
	EXPECT_EQ(0, eventfd_wait(sfd, QUIET_MS)) TH_LOG("S interrupted after the hand-over");
	if (debugfs_supported()) {
		struct sacc_stats ss, ds;

		/* Each descriptor ran to its end exactly once, on S or on D. */
		stats(_metadata, s, &ss);
		stats(_metadata, d, &ds);
		EXPECT_EQ(NR_COPY + NR_CRC, ss.ops + ds.ops)
			TH_LOG("%" PRIu64 " completions on S, %" PRIu64 " on D", ss.ops, ds.ops);
		EXPECT_EQ(0, ss.faults + ds.faults);
	}
	EXPECT_EQ(0x5ac0ffee, rd(_metadata, d, SACC_REG_SCRATCH));
	munmap(smem, slen);
	munmap(dmem, dlen);
}

/* A stream from an idle 1q instance with some device memory. */
static size_t some_stream(struct __test_metadata *_metadata, struct env *e,
			  struct inst *s, uint8_t **stream)
{
	uint8_t *mem;
	size_t len;
	int fd;

	mem = bar2(_metadata, s, &len);
	fill_rand(mem, 2 * MIG_PAGE, 3);
	munmap(mem, len);
	fd = set_state(_metadata, e, s, S_STOP_COPY);
	len = save(_metadata, fd, stream);
	set_state(_metadata, e, s, S_RUNNING);
	return len;
}

/*
 * Feed @stream (@len bytes) to @d in RESUMING: the write fails with @werr (0: it
 * succeeds) and RESUMING -> STOP with @serr, ERROR left; a reset recovers and the
 * data fd is dead.
 */
static void refused(struct __test_metadata *_metadata, struct env *e, struct inst *d,
		    const uint8_t *stream, size_t len, int werr, int serr, const char *what)
{
	uint8_t byte = 0;
	ssize_t n;
	int fd, ret;

	fd = set_state(_metadata, e, d, S_RESUMING);
	n = vfio_mig_write_all(fd, stream, len, 4096);
	if (werr) {
		EXPECT_EQ(-werr, n) TH_LOG("%s: write: %s", what, n < 0 ? strerror(-n) : "ok");
	} else {
		EXPECT_EQ((ssize_t)len, n) TH_LOG("%s: write: %s", what,
						  n < 0 ? strerror(-n) : "short");
	}
	ret = vfio_mig_set_state(&d->h, S_STOP, NULL);
	EXPECT_EQ(-serr, ret) TH_LOG("%s: RESUMING -> STOP: %s", what, strerror(-ret));
	EXPECT_EQ(S_ERROR, get_state(_metadata, d)) TH_LOG("%s", what);
	EXPECT_EQ(-EINVAL, vfio_mig_set_state(&d->h, S_RUNNING, NULL))
		TH_LOG("%s: ERROR is left only by a reset", what);
	reset_dev(_metadata, d);
	errno = 0;
	EXPECT_EQ(-1, write(fd, &byte, 1)) TH_LOG("%s: the old data fd still takes data", what);
	EXPECT_EQ(ENODEV, errno) TH_LOG("%s: %s", what, strerror(errno));
	/* The reset device works. */
	EXPECT_EQ(SACC_ID_MAGIC, rd(_metadata, d, SACC_REG_ID));
}

TEST_F_TIMEOUT(mig, bad_streams_end_in_a_clean_error_and_reset_recovers, 120)
{
	struct inst *s = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	struct inst *d = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	struct inst *o = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-2q");
	uint8_t *stream, *bad, *mem;
	size_t len, memlen;
	int fd;

	len = some_stream(_metadata, &self->e, s, &stream);
	bad = malloc(len);
	ASSERT_NE(NULL, bad);

	refused(_metadata, &self->e, d, stream, len / 2, 0, ENODATA, "truncated");
	memcpy(bad, stream, len);
	bad[len - 100] ^= 0x10;		/* in the last record: CRC */
	refused(_metadata, &self->e, d, bad, len, EBADMSG, EBADMSG, "corrupted");
	memcpy(bad, stream, len);
	bad[0] ^= 1;			/* the magic */
	refused(_metadata, &self->e, d, bad, len, EINVAL, EINVAL, "not a sacc stream");
	refused(_metadata, &self->e, o, stream, len, EXDEV, EXDEV, "a 1q stream to a 2q");

	/* After all that the good stream still goes in, memory and all. */
	fd = set_state(_metadata, &self->e, d, S_RESUMING);
	EXPECT_EQ((ssize_t)len, vfio_mig_write_all(fd, stream, len, 4096));
	set_state(_metadata, &self->e, d, S_STOP);
	set_state(_metadata, &self->e, d, S_RUNNING);
	mem = bar2(_metadata, d, &memlen);
	EXPECT_NE(0, mem[0] | mem[1] | mem[2] | mem[3]) TH_LOG("device memory not restored");
	munmap(mem, memlen);
	free(bad);
	free(stream);
}

TEST_F_TIMEOUT(mig, data_fds_return_enodev_after_reset_and_state_change, 60)
{
	struct inst *in = inst_new(_metadata, &self->e, SUITE_PARENT, "sacc-1q");
	uint8_t buf[64];
	int fd;

	/* Reset in STOP_COPY, before a byte was read. */
	fd = set_state(_metadata, &self->e, in, S_STOP_COPY);
	reset_dev(_metadata, in);
	errno = 0;
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno) TH_LOG("read after reset: %s", strerror(errno));

	/* Leaving STOP_COPY half read. */
	fd = set_state(_metadata, &self->e, in, S_STOP_COPY);
	EXPECT_EQ((ssize_t)sizeof(buf), read(fd, buf, sizeof(buf)));
	set_state(_metadata, &self->e, in, S_STOP);
	errno = 0;
	EXPECT_EQ(-1, read(fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno) TH_LOG("read after STOP_COPY -> STOP: %s", strerror(errno));

	/* Close with a RESUMING fd open; the next user gets RUNNING, the fd is dead. */
	fd = set_state(_metadata, &self->e, in, S_RESUMING);
	vfio_close(&in->h);
	errno = 0;
	EXPECT_EQ(-1, write(fd, buf, sizeof(buf)));
	EXPECT_EQ(ENODEV, errno) TH_LOG("write after close: %s", strerror(errno));
	inst_open(_metadata, in, false);
	EXPECT_EQ(S_RUNNING, get_state(_metadata, in));
}

TEST_HARNESS_MAIN
