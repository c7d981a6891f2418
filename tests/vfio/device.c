// SPDX-License-Identifier: GPL-2.0
/*
 * device: the device model of sacc instances, end to end through sysfs and VFIO,
 * checked against docs/device-spec.md: types and instance attributes, configuration
 * space, every BAR0 register, interrupts (INTx, MSI, ERR, REQ), both resets, device
 * memory and its mmap, hostile accesses, and module unload.
 *
 * It runs on two parents alike: the suite's parent, $SACC_PARENT (sacc0 when unset;
 * device@pci runs on the edu function, suite_parent()), and a second one
 * (suite_second_parent(): sacc1; on the PCI parent QEMU's pci-testdev, handed to
 * sacc with driver_override by each test's setup and given back by its teardown).
 * Expects sacc.ko loaded with its defaults (at least 4 queues per parent; 8 queues
 * and 64 MiB, the defaults, enable a few more checks) and no instance on either
 * parent. The tables below mirror the spec; the numbers come from sacc_regs.h.
 * Every test removes what it created, also when it fails: the fixture remembers
 * instances, open devices, mappings and eventfds, and its teardown closes them
 * before removing the instances (a remove blocks while the device is open). The
 * module-unload test is the last one: it unloads sacc and loads it again with the
 * same parameters for the suites that follow.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "sacc_test.h"
#include "sacc_regs.h"
#include "sacc_harness.h"

#define MiB		(1024ull * 1024)
#define MAX_INST	8
#define MAX_MAPS	4
#define MAX_FDS		8

/* How long to wait for an interrupt that must come, and for one that must not. */
#define FIRE_MS		5000
#define QUIET_MS	200

/* The suite's parent and the second one. */
#define NR_TEST_PARENTS	2

/* The mdev types, as in the spec's type table. */
static const struct sacc_type_info {
	const char *name;
	const char *pretty;
	unsigned int queues;
	unsigned int weight;
} types[] = {
	{ "sacc-1q", "SACC 1 queue", 1, 1 },
	{ "sacc-2q", "SACC 2 queues", 2, 2 },
	{ "sacc-4q", "SACC 4 queues", 4, 4 },
};
#define NR_TYPES	(sizeof(types) / sizeof(types[0]))

/* A parent's capacity (its sysfs queues and memory_mb) and what follows from it. */
struct params {
	unsigned int queues;
	unsigned int memory_mb;
	unsigned int unit_mb;		/* memory of one queue's share */
};

/* ------------------------------------------------------------------------------
 * BAR0: the register table of the spec and a model of the register file
 */
enum access { RO, RW, W1C, WO };

/* Values that depend on the instance. */
enum dyn {
	FIXED,
	D_CAPS,		/* reset: nr_queues | ops << 16 */
	D_DEVMEM,	/* reset: instance memory in MiB */
	D_CAUSES,	/* writable mask: the defined causes */
	D_MASK,		/* reset and writable mask: the defined causes */
};

struct reg {
	const char *name;
	uint32_t off;		/* global: in BAR0; queue: in the queue's block */
	enum access acc;
	uint32_t reset;		/* for computed registers (STATUS, Q_STATUS): unused */
	uint32_t wmask;		/* RW: writable bits; W1C: clearable bits */
	enum dyn dyn;
};

static const struct reg global_regs[] = {
	{ "ID",          SACC_REG_ID,          RO,  SACC_ID_MAGIC, 0, FIXED },
	{ "VERSION",     SACC_REG_VERSION,     RO,  SACC_VERSION,  0, FIXED },
	{ "CAPS",        SACC_REG_CAPS,        RO,  0, 0, D_CAPS },
	{ "DEVMEM_SIZE", SACC_REG_DEVMEM_SIZE, RO,  0, 0, D_DEVMEM },
	{ "CTRL",        SACC_REG_CTRL,        RW,  0, SACC_CTRL_ENABLE, FIXED },
	{ "STATUS",      SACC_REG_STATUS,      RO,  0, 0, FIXED },
	{ "INTR_STATUS", SACC_REG_INTR_STATUS, W1C, 0, 0, D_CAUSES },
	{ "INTR_MASK",   SACC_REG_INTR_MASK,   RW,  0, 0, D_MASK },
	{ "INTR_TEST",   SACC_REG_INTR_TEST,   WO,  0, 0, FIXED },
	{ "SCRATCH",     SACC_REG_SCRATCH,     RW,  0, 0xffffffff, FIXED },
};
#define NR_GLOBAL	(sizeof(global_regs) / sizeof(global_regs[0]))

static const struct reg queue_regs[] = {
	{ "Q_BASE_LO",       SACC_Q_BASE_LO,       RW,  0, 0xffffffc0, FIXED },
	{ "Q_BASE_HI",       SACC_Q_BASE_HI,       RW,  0, 0xffffffff, FIXED },
	{ "Q_SIZE",          SACC_Q_SIZE,          RW,  0, SACC_Q_SIZE_MASK, FIXED },
	{ "Q_HEAD",          SACC_Q_HEAD,          RO,  0, 0, FIXED },
	{ "Q_TAIL",          SACC_Q_TAIL,          RO,  0, 0, FIXED },
	{ "Q_DOORBELL",      SACC_Q_DOORBELL,      WO,  0, 0, FIXED },
	{ "Q_CTRL",          SACC_Q_CTRL,          RW,  0, SACC_Q_CTRL_ENABLE, FIXED },
	{ "Q_STATUS",        SACC_Q_STATUS,        RO,  0, 0, FIXED },
	{ "Q_ERROR",         SACC_Q_ERROR,         W1C, 0, 0xff, FIXED },
	{ "Q_ERROR_INFO",    SACC_Q_ERROR_INFO,    RO,  0, 0, FIXED },
	{ "Q_INTR_COALESCE", SACC_Q_INTR_COALESCE, RW,  0, 0xffff00ff, FIXED },
};
#define NR_QREGS	(sizeof(queue_regs) / sizeof(queue_regs[0]))

/* Opcodes an engine may advertise in CAPS (SACC_OP_NOP .. SACC_OP_BATCH). */
#define CAPS_OPS_DEFINED	(0x3fu << SACC_CAPS_OPS_SHIFT)

/*
 * The register file as the spec says it must behave, for the state the tests reach
 * without the engine: no descriptor is ever fetched (CTRL.ENABLE and an enabled
 * queue with work are never set together), so Q_HEAD stays 0, no queue halts and
 * Q_ERROR stays 0; Q_STATUS.BUSY shows Q_TAIL != Q_HEAD.
 */
struct model {
	unsigned int nq;		/* queues of the instance */
	uint32_t caps;			/* read once and checked by caps_ok() */
	uint32_t devmem_mb;
	bool fatal;
	uint32_t g[NR_GLOBAL];
	uint32_t q[SACC_MAX_QUEUES][NR_QREGS];
};

static uint32_t causes(unsigned int nq)
{
	return ((1u << nq) - 1) | SACC_INTR_ERROR | SACC_INTR_TEST;
}

static uint32_t reg_reset(const struct model *m, const struct reg *r)
{
	switch (r->dyn) {
	case D_CAPS:
		return m->caps;
	case D_DEVMEM:
		return m->devmem_mb;
	case D_MASK:
		return causes(m->nq);
	default:
		return r->reset;
	}
}

static uint32_t reg_wmask(const struct model *m, const struct reg *r)
{
	return r->dyn == D_CAUSES || r->dyn == D_MASK ? causes(m->nq) : r->wmask;
}

static void model_reset(struct model *m)
{
	unsigned int i;

	m->fatal = false;
	for (i = 0; i < NR_GLOBAL; i++)
		m->g[i] = reg_reset(m, &global_regs[i]);
	memset(m->q, 0, sizeof(m->q));
}

static void model_init(struct model *m, unsigned int nq, uint32_t devmem_mb,
		       uint32_t caps)
{
	memset(m, 0, sizeof(*m));
	m->nq = nq;
	m->devmem_mb = devmem_mb;
	m->caps = caps;
	model_reset(m);
}

/* The register at @off: its table entry, index and queue (-1: global); or NULL. */
static const struct reg *find_reg(uint32_t off, int *queue, unsigned int *idx)
{
	const struct reg *table = global_regs;
	unsigned int i, n = NR_GLOBAL;

	*queue = -1;
	if (off >= SACC_QUEUE_BASE) {
		if (off >= SACC_QUEUE_REG(SACC_MAX_QUEUES, 0))
			return NULL;
		*queue = (off - SACC_QUEUE_BASE) / SACC_QUEUE_STRIDE;
		off = (off - SACC_QUEUE_BASE) % SACC_QUEUE_STRIDE;
		table = queue_regs;
		n = NR_QREGS;
	}
	for (i = 0; i < n; i++) {
		if (table[i].off == off) {
			*idx = i;
			return &table[i];
		}
	}
	return NULL;
}

static unsigned int qidx(uint32_t qoff)
{
	unsigned int i;

	for (i = 0; i < NR_QREGS; i++)
		if (queue_regs[i].off == qoff)
			return i;
	abort();
}

static unsigned int gidx(uint32_t off)
{
	unsigned int i;

	for (i = 0; i < NR_GLOBAL; i++)
		if (global_regs[i].off == off)
			return i;
	abort();
}

static uint32_t model_read(const struct model *m, uint32_t off)
{
	const struct reg *r;
	unsigned int i;
	int q;

	r = find_reg(off, &q, &i);
	if (!r)
		return 0;
	if (q >= 0) {
		if ((unsigned int)q >= m->nq)
			return 0;
		switch (r->off) {
		case SACC_Q_STATUS:
			/* HEAD stays 0: BUSY whenever a doorbell left TAIL elsewhere. */
			return (m->q[q][qidx(SACC_Q_CTRL)] & SACC_Q_CTRL_ENABLE ?
				SACC_Q_STATUS_ENABLED : 0) |
			       (m->q[q][qidx(SACC_Q_TAIL)] ? SACC_Q_STATUS_BUSY : 0);
		case SACC_Q_DOORBELL:
			return 0;
		default:
			return m->q[q][i];
		}
	}
	switch (off) {
	case SACC_REG_STATUS:
		return (m->g[gidx(SACC_REG_CTRL)] & SACC_CTRL_ENABLE && !m->fatal ?
			SACC_STATUS_READY : 0) | (m->fatal ? SACC_STATUS_FATAL : 0);
	case SACC_REG_INTR_TEST:
		return 0;
	default:
		return m->g[i];
	}
}

static void model_write(struct model *m, uint32_t off, uint32_t val)
{
	const struct reg *r;
	unsigned int i;
	uint32_t *v, w;
	int q;

	r = find_reg(off, &q, &i);
	if (!r || (q >= 0 && (unsigned int)q >= m->nq))
		return;
	v = q >= 0 ? &m->q[q][i] : &m->g[i];
	w = reg_wmask(m, r);
	if (q < 0 && off == SACC_REG_CTRL && (val & SACC_CTRL_RESET)) {
		/* A write with RESET resets the function; its other bits are ignored. */
		model_reset(m);
		return;
	}
	if (q < 0 && off == SACC_REG_INTR_TEST) {
		if (val & SACC_INTR_TEST_RAISE)
			m->g[gidx(SACC_REG_INTR_STATUS)] |= SACC_INTR_TEST;
		if (val & SACC_INTR_TEST_FATAL)
			m->fatal = true;
		return;
	}
	if (q >= 0 && r->off == SACC_Q_DOORBELL) {
		m->q[q][qidx(SACC_Q_TAIL)] = val & SACC_Q_SIZE_MASK;
		return;
	}
	if (q >= 0 && r->off == SACC_Q_CTRL && !(*v & SACC_Q_CTRL_ENABLE) &&
	    (val & SACC_Q_CTRL_ENABLE))
		/* Enabling a queue starts it from an empty ring (HEAD stays 0 here). */
		m->q[q][qidx(SACC_Q_TAIL)] = 0;
	switch (r->acc) {
	case RW:
		*v = (*v & ~w) | (val & w);
		break;
	case W1C:
		*v &= ~(val & w);
		break;
	default:
		break;
	}
}

/* A readable name for a BAR0 offset, for the logs. */
static const char *reg_name(uint32_t off, char *buf, size_t len)
{
	const struct reg *r;
	unsigned int i;
	int q;

	r = find_reg(off, &q, &i);
	if (!r)
		snprintf(buf, len, "reserved 0x%03x", off);
	else if (q >= 0)
		snprintf(buf, len, "queue %d %s (0x%03x)", q, r->name, off);
	else
		snprintf(buf, len, "%s (0x%03x)", r->name, off);
	return buf;
}

/* Reserved offsets checked with every register comparison (all are swept once). */
static const uint32_t reserved_samples[] = {
	0x028, 0x02c, 0x080, 0x0fc, 0x300, 0x304, 0x800, 0xffc,
};

/*
 * Compare every register of BAR0 (all queue blocks, present or not) and a sample of
 * reserved offsets with the model. Returns the number of differences, each logged
 * (the first few).
 */
static int check_regs(struct __test_metadata *_metadata, const struct vfio_handle *h,
		      const struct model *m, const char *what)
{
	uint32_t offs[NR_GLOBAL + SACC_MAX_QUEUES * (NR_QREGS + 2) +
		      sizeof(reserved_samples) / sizeof(reserved_samples[0])];
	unsigned int i, q, n = 0;
	char name[64];
	int bad = 0, ret;
	uint32_t got;

	for (i = 0; i < NR_GLOBAL; i++)
		offs[n++] = global_regs[i].off;
	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		for (i = 0; i < NR_QREGS; i++)
			offs[n++] = SACC_QUEUE_REG(q, queue_regs[i].off);
		offs[n++] = SACC_QUEUE_REG(q, 0x2c);
		offs[n++] = SACC_QUEUE_REG(q, 0x3c);
	}
	for (i = 0; i < sizeof(reserved_samples) / sizeof(reserved_samples[0]); i++)
		offs[n++] = reserved_samples[i];

	for (i = 0; i < n; i++) {
		ret = bar0_read32(h, offs[i], &got);
		if (ret) {
			if (bad++ < 8)
				TH_LOG("%s: reading %s failed: %s", what,
				       reg_name(offs[i], name, sizeof(name)), strerror(-ret));
			continue;
		}
		if (got != model_read(m, offs[i]) && bad++ < 8)
			TH_LOG("%s: %s reads 0x%08x, expected 0x%08x", what,
			       reg_name(offs[i], name, sizeof(name)), got,
			       model_read(m, offs[i]));
	}
	EXPECT_EQ(0, bad) TH_LOG("%s: %d register(s) differ from the spec", what, bad);
	return bad;
}

/* CAPS: the queue count in bits 7:0, defined opcode bits only, nothing else. */
static bool caps_ok(uint32_t caps, unsigned int nq)
{
	return (caps & SACC_CAPS_NR_QUEUES_MASK) == nq &&
	       !(caps & ~(SACC_CAPS_NR_QUEUES_MASK | CAPS_OPS_DEFINED));
}

/* ------------------------------------------------------------------------------
 * Configuration space: the spec's table and a byte model
 */
struct cfg_field {
	const char *name;
	uint8_t off;
	uint8_t width;
	uint32_t reset;
	uint32_t wmask;
};

#define BAR2_WMASK_DYN	0xdeadbeef	/* ~(size - 1) & 0xfffffff0, from the size */

static const struct cfg_field cfg_fields[] = {
	{ "vendor ID",      PCI_VENDOR_ID,       2, SACC_PCI_VENDOR_ID, 0 },
	{ "device ID",      PCI_DEVICE_ID,       2, SACC_PCI_DEVICE_ID, 0 },
	{ "command",        PCI_COMMAND,         2, 0,
	  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
	  PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE },
	{ "status",         PCI_STATUS,          2, PCI_STATUS_CAP_LIST, 0 },
	{ "revision",       PCI_REVISION_ID,     1, SACC_PCI_REVISION, 0 },
	{ "prog-if",        PCI_CLASS_PROG,      1, SACC_PCI_CLASS & 0xff, 0 },
	{ "class",          PCI_CLASS_DEVICE,    2, SACC_PCI_CLASS >> 8, 0 },
	{ "cache line",     PCI_CACHE_LINE_SIZE, 1, 0, 0xff },
	{ "latency timer",  PCI_LATENCY_TIMER,   1, 0, 0 },
	{ "header type",    PCI_HEADER_TYPE,     1, PCI_HEADER_TYPE_NORMAL, 0 },
	{ "BIST",           PCI_BIST,            1, 0, 0 },
	{ "BAR0",           PCI_BASE_ADDRESS_0,  4, 0, ~(SACC_REGS_SIZE - 1) },
	{ "BAR1",           PCI_BASE_ADDRESS_1,  4, 0, 0 },
	{ "BAR2",           PCI_BASE_ADDRESS_2,  4,
	  PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH, BAR2_WMASK_DYN },
	{ "BAR3",           PCI_BASE_ADDRESS_3,  4, 0, 0xffffffff },
	{ "BAR4",           PCI_BASE_ADDRESS_4,  4, 0, 0 },
	{ "BAR5",           PCI_BASE_ADDRESS_5,  4, 0, 0 },
	{ "CardBus CIS",    PCI_CARDBUS_CIS,     4, 0, 0 },
	{ "subsystem vendor", PCI_SUBSYSTEM_VENDOR_ID, 2, SACC_PCI_SUBSYS_VENDOR_ID, 0 },
	{ "subsystem ID",   PCI_SUBSYSTEM_ID,    2, SACC_PCI_SUBSYS_ID, 0 },
	{ "expansion ROM",  PCI_ROM_ADDRESS,     4, 0, 0 },
	{ "capabilities",   PCI_CAPABILITY_LIST, 1, SACC_CFG_CAP_MSI, 0 },
	{ "interrupt line", PCI_INTERRUPT_LINE,  1, 0, 0xff },
	{ "interrupt pin",  PCI_INTERRUPT_PIN,   1, 1, 0 },
	{ "min grant",      PCI_MIN_GNT,         1, 0, 0 },
	{ "max latency",    PCI_MAX_LAT,         1, 0, 0 },
	{ "MSI cap ID",     SACC_CFG_CAP_MSI + PCI_CAP_LIST_ID,   1, PCI_CAP_ID_MSI, 0 },
	{ "MSI next",       SACC_CFG_CAP_MSI + PCI_CAP_LIST_NEXT, 1, 0, 0 },
	{ "MSI control",    SACC_CFG_CAP_MSI + PCI_MSI_FLAGS,     2,
	  PCI_MSI_FLAGS_64BIT, PCI_MSI_FLAGS_ENABLE },
	{ "MSI address",    SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, 4, 0, 0xfffffffc },
	{ "MSI upper address", SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_HI, 4, 0, 0xffffffff },
	{ "MSI data",       SACC_CFG_CAP_MSI + PCI_MSI_DATA_64,   2, 0, 0xffff },
};
#define NR_CFG_FIELDS	(sizeof(cfg_fields) / sizeof(cfg_fields[0]))

struct cfg_model {
	uint8_t val[256];
	uint8_t wmask[256];
};

static void cfg_model_init(struct cfg_model *c, uint64_t bar2_size)
{
	unsigned int i, b;
	uint32_t w;

	memset(c, 0, sizeof(*c));
	for (i = 0; i < NR_CFG_FIELDS; i++) {
		w = cfg_fields[i].wmask;
		if (w == BAR2_WMASK_DYN)
			w = ~(uint32_t)(bar2_size - 1) & 0xfffffff0;
		for (b = 0; b < cfg_fields[i].width; b++) {
			c->val[cfg_fields[i].off + b] = cfg_fields[i].reset >> (8 * b);
			c->wmask[cfg_fields[i].off + b] = w >> (8 * b);
		}
	}
}

static void cfg_model_write(struct cfg_model *c, uint32_t off, unsigned int width,
			    uint32_t val)
{
	unsigned int b;

	for (b = 0; b < width; b++) {
		uint8_t v = val >> (8 * b), w = c->wmask[off + b];

		c->val[off + b] = (c->val[off + b] & ~w) | (v & w);
	}
}

static uint32_t cfg_model_read(const struct cfg_model *c, uint32_t off,
			       unsigned int width)
{
	uint32_t v = 0;
	unsigned int b;

	for (b = 0; b < width; b++)
		v |= (uint32_t)c->val[off + b] << (8 * b);
	return v;
}

static const char *cfg_name(uint32_t off)
{
	unsigned int i;

	for (i = 0; i < NR_CFG_FIELDS; i++)
		if (off >= cfg_fields[i].off &&
		    off < (uint32_t)cfg_fields[i].off + cfg_fields[i].width)
			return cfg_fields[i].name;
	return "reserved";
}

/*
 * Compare configuration space with the model, dword by dword: [0, @end) and the
 * dword holding @extra (pass 0 for none). Returns the number of differences.
 */
static int check_cfg_range(struct __test_metadata *_metadata, const struct vfio_handle *h,
			   const struct cfg_model *c, uint32_t end, uint32_t extra,
			   const char *what)
{
	uint32_t off, got;
	int bad = 0, ret;

	for (off = 0; off < 256; off += 4) {
		if (off >= end && off != (extra & ~3u))
			continue;
		ret = cfg_read(h, off, 4, &got);
		if (ret) {
			if (bad++ < 8)
				TH_LOG("%s: config read at 0x%02x failed: %s", what, off,
				       strerror(-ret));
			continue;
		}
		if (got != cfg_model_read(c, off, 4) && bad++ < 8)
			TH_LOG("%s: config 0x%02x (%s) reads 0x%08x, expected 0x%08x",
			       what, off, cfg_name(off), got, cfg_model_read(c, off, 4));
	}
	EXPECT_EQ(0, bad) TH_LOG("%s: %d config dword(s) differ from the spec", what, bad);
	return bad;
}

static int check_cfg(struct __test_metadata *_metadata, const struct vfio_handle *h,
		     const struct cfg_model *c, const char *what)
{
	return check_cfg_range(_metadata, h, c, 256, 0, what);
}

/* ------------------------------------------------------------------------------
 * Parents, instances, fixture
 */
static unsigned long rounddown_pow2(unsigned long long v)
{
	unsigned long long p = 1;

	while (p * 2 <= v)
		p *= 2;
	return p;
}

/*
 * The capacity of @parent, of either kind (a virtual parent's is the module's queues
 * and memory_mb, a PCI parent's pci_queues and pci_memory_mb).
 */
static int read_params(const char *parent, struct params *p)
{
	int ret;

	ret = sacc_parent_attr_uint(parent, "queues", &p->queues);
	if (!ret)
		ret = sacc_parent_attr_uint(parent, "memory_mb", &p->memory_mb);
	if (ret)
		return ret;
	if (!p->queues)
		return -EINVAL;
	p->unit_mb = rounddown_pow2(p->memory_mb * MiB / p->queues) / MiB;
	return 0;
}

/* available_instances of @t on a parent with @used queues taken. */
static int expected_available(const struct params *p, const struct sacc_type_info *t,
			      unsigned int used)
{
	unsigned int by_queues = (p->queues - used) / t->queues;
	unsigned int by_memory = (p->memory_mb - used * p->unit_mb) /
				 (t->queues * p->unit_mb);

	return by_queues < by_memory ? by_queues : by_memory;
}

static const struct sacc_type_info *type_of(unsigned int queues)
{
	unsigned int i;

	for (i = 0; i < NR_TYPES; i++)
		if (types[i].queues == queues)
			return &types[i];
	abort();
}

struct inst {
	char uuid[UUID_STR_LEN];
	const char *parent;
	const struct sacc_type_info *type;
	struct vfio_handle h;
};

struct mapping {
	void *addr;
	size_t len;
};

/* A thread that removes an instance (the write blocks while the device is open). */
struct remover {
	char uuid[UUID_STR_LEN];
	int ret;
	atomic_int done;
};

FIXTURE(dev) {
	char parent[NR_TEST_PARENTS][MDEV_NAME_LEN];
	struct pci_handoff second;	/* the second parent, when it is pci-testdev */
	struct params p;		/* of both parents */
	struct inst inst[MAX_INST];
	int nr_inst;
	struct mapping maps[MAX_MAPS];
	int nr_maps;
	int fds[MAX_FDS];		/* eventfds and shared containers */
	int nr_fds;
	pthread_t remover_thread;
	bool remover_started;
	struct remover remover;
	bool unloaded;			/* the unload test took sacc out */
	char reload_params[512];
};

static void expect_idle(struct __test_metadata *_metadata, const struct params *p,
			const char *parent, unsigned int used)
{
	unsigned int i;

	for (i = 0; i < NR_TYPES; i++)
		EXPECT_EQ(expected_available(p, &types[i], used),
			  mdev_available(parent, types[i].name)) {
			TH_LOG("%s %s with %u queue(s) taken", parent, types[i].name, used);
		}
}

FIXTURE_SETUP(dev)
{
	struct params p1 = { 0 };
	unsigned int i;
	int ret;

	self->nr_inst = self->nr_maps = self->nr_fds = 0;
	for (i = 0; i < MAX_INST; i++)
		self->inst[i].h.container = self->inst[i].h.group =
			self->inst[i].h.iommufd = self->inst[i].h.device = -1;
	suite_parent(_metadata, self->parent[0], sizeof(self->parent[0]));
	ret = read_params(self->parent[0], &self->p);
	ASSERT_EQ(0, ret) TH_LOG("reading the capacity of %s: %s", self->parent[0],
				 strerror(-ret));
	ASSERT_LE(4, self->p.queues) TH_LOG("the suite needs 4 queues per parent");
	ASSERT_LE(1, self->p.unit_mb);
	/* Start from idle parents, or every count below is off. */
	expect_idle(_metadata, &self->p, self->parent[0], 0);
	if (_metadata->exit_code)
		return;

	/*
	 * The teardown does not run after a failed setup: from here on the setup gives
	 * the second parent back itself when it fails.
	 */
	suite_second_parent(_metadata, self->parent[0], &self->second, self->parent[1],
			    sizeof(self->parent[1]));
	ret = read_params(self->parent[1], &p1);
	EXPECT_EQ(0, ret) TH_LOG("reading the capacity of %s: %s", self->parent[1],
				 strerror(-ret));
	EXPECT_TRUE(p1.queues == self->p.queues && p1.memory_mb == self->p.memory_mb) {
		TH_LOG("%s has %u queues and %u MiB, %s %u and %u: the suite needs two "
		       "parents alike", self->parent[1], p1.queues, p1.memory_mb,
		       self->parent[0], self->p.queues, self->p.memory_mb);
	}
	expect_idle(_metadata, &self->p, self->parent[1], 0);
	if (_metadata->exit_code)
		second_parent_release(_metadata, &self->second);
}

static void unmap_all(FIXTURE_DATA(dev) *self)
{
	int i;

	for (i = 0; i < self->nr_maps; i++)
		munmap(self->maps[i].addr, self->maps[i].len);
	self->nr_maps = 0;
}

/* Unmap, close every device, eventfd and shared container: nothing holds a device. */
static void release_all(FIXTURE_DATA(dev) *self)
{
	int i;

	unmap_all(self);
	for (i = 0; i < self->nr_inst; i++)
		vfio_close(&self->inst[i].h);
	for (i = 0; i < self->nr_fds; i++)
		close(self->fds[i]);
	self->nr_fds = 0;
}

FIXTURE_TEARDOWN(dev)
{
	int i;

	/* Close before removing: a remove waits for the device to be released. */
	release_all(self);
	if (self->remover_started)
		pthread_join(self->remover_thread, NULL);
	for (i = 0; i < self->nr_inst; i++)
		if (mdev_exists(self->inst[i].uuid))
			mdev_remove(self->inst[i].uuid);
	if (self->unloaded && access("/sys/module/sacc", F_OK)) {
		int ret = sacc_module_load(self->reload_params);

		if (ret)
			TH_LOG("reloading sacc failed: %s", strerror(-ret));
	}
	second_parent_release(_metadata, &self->second);
}

/* Create an instance of @queues queues on @parent; remembered for teardown. */
static struct inst *create(struct __test_metadata *_metadata, FIXTURE_DATA(dev) *self,
			   const char *parent, unsigned int queues)
{
	struct inst *in;
	int ret;

	if (self->nr_inst >= MAX_INST) {
		ASSERT_LT(self->nr_inst, MAX_INST);
		return NULL;
	}
	in = &self->inst[self->nr_inst];
	in->parent = parent;
	in->type = type_of(queues);
	uuid_new(in->uuid);
	ret = mdev_create(parent, in->type->name, in->uuid);
	ASSERT_EQ(0, ret) TH_LOG("creating %s on %s: %s", in->type->name, parent,
				 strerror(-ret));
	self->nr_inst++;
	return in;
}

static void open_container(struct __test_metadata *_metadata, struct inst *in)
{
	int ret = vfio_open_container(in->uuid, &in->h);

	ASSERT_EQ(0, ret) TH_LOG("opening %s through the type1 container: %s",
				 in->uuid, strerror(-ret));
}

static struct inst *create_open(struct __test_metadata *_metadata,
				FIXTURE_DATA(dev) *self, const char *parent,
				unsigned int queues)
{
	struct inst *in = create(_metadata, self, parent, queues);

	open_container(_metadata, in);
	return in;
}

static void track_fd(struct __test_metadata *_metadata, FIXTURE_DATA(dev) *self, int fd)
{
	ASSERT_LE(0, fd) TH_LOG("%s", strerror(-fd));
	if (self->nr_fds >= MAX_FDS) {
		close(fd);
		ASSERT_LT(self->nr_fds, MAX_FDS);
	}
	self->fds[self->nr_fds++] = fd;
}

/* Enable an interrupt index with a new eventfd, closed by the teardown. */
static int irq_enable(struct __test_metadata *_metadata, FIXTURE_DATA(dev) *self,
		      const struct inst *in, unsigned int index)
{
	int fd = vfio_irq_enable(&in->h, index);

	track_fd(_metadata, self, fd);
	return fd;
}

static void *map_region(struct __test_metadata *_metadata, FIXTURE_DATA(dev) *self,
			const struct inst *in, unsigned int index, uint64_t off, size_t len)
{
	void *addr = NULL;
	int ret;

	ASSERT_LT(self->nr_maps, MAX_MAPS);
	ret = vfio_region_mmap(&in->h, index, off, len, PROT_READ | PROT_WRITE, &addr);
	ASSERT_EQ(0, ret) TH_LOG("mmap of region %u [0x%llx, +0x%zx): %s", index,
				 (unsigned long long)off, len, strerror(-ret));
	self->maps[self->nr_maps].addr = addr;
	self->maps[self->nr_maps].len = len;
	self->nr_maps++;
	return addr;
}

static uint64_t mem_bytes(const FIXTURE_DATA(dev) *self, const struct inst *in)
{
	return (uint64_t)in->type->queues * self->p.unit_mb * MiB;
}

/* A model of @in's registers at reset, its CAPS read from the device. */
static void model_for(struct __test_metadata *_metadata, FIXTURE_DATA(dev) *self,
		      const struct inst *in, struct model *m)
{
	uint32_t caps = 0;

	ASSERT_EQ(0, bar0_read32(&in->h, SACC_REG_CAPS, &caps));
	EXPECT_TRUE(caps_ok(caps, in->type->queues)) {
		TH_LOG("CAPS 0x%08x: expected %u queues and defined opcode bits only",
		       caps, in->type->queues);
	}
	model_init(m, in->type->queues, in->type->queues * self->p.unit_mb, caps);
}

/* A BAR0 register of @in (bar0_rd(), bar0_wr()). */
static uint32_t rd(struct __test_metadata *_metadata, const struct inst *in, uint32_t off)
{
	return bar0_rd(_metadata, &in->h, off);
}

static void wr(struct __test_metadata *_metadata, const struct inst *in, uint32_t off,
	       uint32_t val)
{
	bar0_wr(_metadata, &in->h, off, val);
}

/* Write to the device and to the model. */
static void mwr(struct __test_metadata *_metadata, const struct inst *in,
		struct model *m, uint32_t off, uint32_t val)
{
	wr(_metadata, in, off, val);
	model_write(m, off, val);
}

static uint16_t cfg16(struct __test_metadata *_metadata, const struct inst *in,
		      uint32_t off)
{
	uint32_t v = 0;

	EXPECT_EQ(0, cfg_read(&in->h, off, 2, &v));
	return v;
}

/* ------------------------------------------------------------------------------
 * Instances, types, VFIO paths
 */

/* Check an open instance's identity through VFIO and its budget. */
static void check_identity(struct __test_metadata *_metadata,
			   FIXTURE_DATA(dev) *self, const struct inst *in)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_region_info reg;
	uint32_t caps;

	ASSERT_EQ(0, ioctl(in->h.device, VFIO_DEVICE_GET_INFO, &info));
	EXPECT_EQ(VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET, info.flags);
	EXPECT_EQ(VFIO_PCI_NUM_REGIONS, info.num_regions);
	EXPECT_EQ(VFIO_PCI_NUM_IRQS, info.num_irqs);
	EXPECT_EQ(SACC_ID_MAGIC, rd(_metadata, in, SACC_REG_ID));
	EXPECT_EQ(SACC_VERSION, rd(_metadata, in, SACC_REG_VERSION));
	caps = rd(_metadata, in, SACC_REG_CAPS);
	EXPECT_EQ(in->type->queues, caps & SACC_CAPS_NR_QUEUES_MASK);
	EXPECT_EQ(in->type->queues * self->p.unit_mb,
		  rd(_metadata, in, SACC_REG_DEVMEM_SIZE));
	ASSERT_EQ(0, vfio_region(&in->h, VFIO_PCI_BAR2_REGION_INDEX, &reg));
	EXPECT_EQ(mem_bytes(self, in), reg.size);
	EXPECT_EQ(SACC_PCI_VENDOR_ID, cfg16(_metadata, in, PCI_VENDOR_ID));
	EXPECT_EQ(SACC_PCI_DEVICE_ID, cfg16(_metadata, in, PCI_DEVICE_ID));
}

/*
 * Give each open instance its own SCRATCH value and device-memory pattern, then
 * check that each sees only its own: instances share nothing.
 */
static void check_isolation(struct __test_metadata *_metadata, struct inst **in, int n)
{
	uint64_t tag, got;
	int i;

	for (i = 0; i < n; i++) {
		tag = 0x5acc000000000000ull | (uint64_t)(i + 1) << 32 | (i + 1);
		wr(_metadata, in[i], SACC_REG_SCRATCH, 0xc0de0000 | i);
		ASSERT_EQ(sizeof(tag), vfio_region_write(&in[i]->h, VFIO_PCI_BAR2_REGION_INDEX,
							 4096, &tag, sizeof(tag)));
	}
	for (i = 0; i < n; i++) {
		tag = 0x5acc000000000000ull | (uint64_t)(i + 1) << 32 | (i + 1);
		EXPECT_EQ(0xc0de0000u | i, rd(_metadata, in[i], SACC_REG_SCRATCH));
		ASSERT_EQ(sizeof(got), vfio_region_read(&in[i]->h, VFIO_PCI_BAR2_REGION_INDEX,
							4096, &got, sizeof(got)));
		EXPECT_EQ(tag, got) TH_LOG("instance %d sees another's device memory", i);
	}
}

TEST_F(dev, two_parents_many_instances_open_at_once)
{
	struct inst *in[3];
	int i;

	in[0] = create(_metadata, self, self->parent[0], 1);
	in[1] = create(_metadata, self, self->parent[0], 2);
	in[2] = create(_metadata, self, self->parent[1], 4);
	expect_idle(_metadata, &self->p, self->parent[0], 3);
	expect_idle(_metadata, &self->p, self->parent[1], 4);

	/* Each instance has its own IOMMU group; open them all, one container each. */
	for (i = 0; i < 3; i++)
		open_container(_metadata, in[i]);
	EXPECT_NE(mdev_iommu_group(in[0]->uuid), mdev_iommu_group(in[1]->uuid));
	EXPECT_NE(mdev_iommu_group(in[1]->uuid), mdev_iommu_group(in[2]->uuid));
	for (i = 0; i < 3; i++)
		check_identity(_metadata, self, in[i]);
	check_isolation(_metadata, in, 3);

	release_all(self);
	for (i = 0; i < 3; i++)
		EXPECT_EQ(0, mdev_remove(in[i]->uuid));
	expect_idle(_metadata, &self->p, self->parent[0], 0);
	expect_idle(_metadata, &self->p, self->parent[1], 0);
}

TEST_F(dev, groups_of_both_parents_share_one_container)
{
	struct inst *in[3];
	int container, ret, i;

	in[0] = create(_metadata, self, self->parent[0], 2);
	in[1] = create(_metadata, self, self->parent[1], 1);
	in[2] = create(_metadata, self, self->parent[1], 4);
	ret = vfio_container_new(&container);
	ASSERT_EQ(0, ret) TH_LOG("%s", strerror(-ret));
	track_fd(_metadata, self, container);
	for (i = 0; i < 3; i++) {
		ret = vfio_open_in_container(in[i]->uuid, container, &in[i]->h);
		ASSERT_EQ(0, ret) TH_LOG("instance %d: %s", i, strerror(-ret));
	}
	for (i = 0; i < 3; i++)
		check_identity(_metadata, self, in[i]);
	check_isolation(_metadata, in, 3);
}

TEST_F(dev, iommufd_and_container_paths_at_once)
{
	struct inst *in[2];
	int ret;

	if (access("/dev/iommu", F_OK))
		SKIP(return, "this kernel has no iommufd (/dev/iommu missing)");
	in[0] = create_open(_metadata, self, self->parent[0], 1);
	in[1] = create(_metadata, self, self->parent[1], 2);
	ret = vfio_open_iommufd(in[1]->uuid, &in[1]->h);
	ASSERT_EQ(0, ret) TH_LOG("opening through iommufd: %s", strerror(-ret));
	check_identity(_metadata, self, in[0]);
	check_identity(_metadata, self, in[1]);
	check_isolation(_metadata, in, 2);
	EXPECT_EQ(0, ioctl(in[1]->h.device, VFIO_DEVICE_RESET));
	EXPECT_EQ(0u, rd(_metadata, in[1], SACC_REG_SCRATCH));
}

TEST_F(dev, type_attributes_and_budget_of_both_parents)
{
	char buf[256], want[128];
	unsigned int p, i;
	struct inst *a;

	for (p = 0; p < NR_TEST_PARENTS; p++) {
		for (i = 0; i < NR_TYPES; i++) {
			const struct sacc_type_info *t = &types[i];
			const char *parent = self->parent[p];

			ASSERT_EQ(0, mdev_type_attr(parent, t->name, "name", buf,
						    sizeof(buf)));
			EXPECT_STREQ(t->pretty, buf);
			ASSERT_EQ(0, mdev_type_attr(parent, t->name, "device_api", buf,
						    sizeof(buf)));
			EXPECT_STREQ("vfio-pci", buf);
			ASSERT_EQ(0, mdev_type_attr(parent, t->name, "description",
						    buf, sizeof(buf)));
			snprintf(want, sizeof(want), "queues=%u, memory=%uM, weight=%u",
				 t->queues, t->queues * self->p.unit_mb, t->weight);
			EXPECT_STREQ(want, buf);
		}
	}

	/* The parents' budgets are independent. */
	create(_metadata, self, self->parent[1], 4);
	expect_idle(_metadata, &self->p, self->parent[1], 4);
	expect_idle(_metadata, &self->p, self->parent[0], 0);
	create(_metadata, self, self->parent[0], 2);
	create(_metadata, self, self->parent[0], 1);
	expect_idle(_metadata, &self->p, self->parent[0], 3);
	expect_idle(_metadata, &self->p, self->parent[1], 4);

	/* Fill the second parent (8 queues with the defaults); the first is unaffected. */
	if (self->p.queues == 8) {
		char uuid[UUID_STR_LEN];

		create(_metadata, self, self->parent[1], 4);
		expect_idle(_metadata, &self->p, self->parent[1], 8);
		uuid_new(uuid);
		EXPECT_EQ(-ENOSPC, mdev_create(self->parent[1], "sacc-1q", uuid));
		EXPECT_FALSE(mdev_exists(uuid));
		expect_idle(_metadata, &self->p, self->parent[0], 3);
	}

	/* Removing gives back exactly what the instance held, to its own parent. */
	a = &self->inst[0];
	ASSERT_EQ(0, mdev_remove(a->uuid));
	expect_idle(_metadata, &self->p, self->parent[1], self->p.queues == 8 ? 4 : 0);
	expect_idle(_metadata, &self->p, self->parent[0], 3);
}

TEST_F(dev, instance_attributes)
{
	static const char *const bad[] = {
		"0", "65", "-1", "abc", "1x", "4294967297", "100000",
	};
	char path[PATH_MAX];
	unsigned int i, v, q;
	struct stat st;
	struct inst *in;
	int ret;

	for (q = 1; q <= 4; q *= 2) {
		in = create(_metadata, self, self->parent[0], q);
		ASSERT_EQ(0, mdev_attr_uint(in->uuid, "queues", &v));
		EXPECT_EQ(q, v);
		ASSERT_EQ(0, mdev_attr_uint(in->uuid, "memory_mb", &v));
		EXPECT_EQ(q * self->p.unit_mb, v);
		ASSERT_EQ(0, mdev_attr_uint(in->uuid, "weight", &v));
		EXPECT_EQ(in->type->weight, v);

		/* weight: RW, 1-64. */
		snprintf(path, sizeof(path), MDEV_DEVICES "/%s/weight", in->uuid);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_TRUE(st.st_mode & S_IWUSR);
		EXPECT_EQ(0, mdev_attr_write(in->uuid, "weight", "1"));
		ASSERT_EQ(0, mdev_attr_uint(in->uuid, "weight", &v));
		EXPECT_EQ(1u, v);
		EXPECT_EQ(0, mdev_attr_write(in->uuid, "weight", "64"));
		ASSERT_EQ(0, mdev_attr_uint(in->uuid, "weight", &v));
		EXPECT_EQ(64u, v);
		EXPECT_EQ(0, mdev_attr_write(in->uuid, "weight", "33\n"));
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			ret = mdev_attr_write(in->uuid, "weight", bad[i]);
			EXPECT_EQ(-EINVAL, ret) TH_LOG("weight \"%s\"", bad[i]);
			ASSERT_EQ(0, mdev_attr_uint(in->uuid, "weight", &v));
			EXPECT_EQ(33u, v) TH_LOG("weight changed by \"%s\"", bad[i]);
		}

		/* queues and memory_mb: read-only. */
		snprintf(path, sizeof(path), MDEV_DEVICES "/%s/queues", in->uuid);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_FALSE(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH));
		EXPECT_GT(0, mdev_attr_write(in->uuid, "queues", "8"));
		snprintf(path, sizeof(path), MDEV_DEVICES "/%s/memory_mb", in->uuid);
		ASSERT_EQ(0, stat(path, &st));
		EXPECT_FALSE(st.st_mode & (S_IWUSR | S_IWGRP | S_IWOTH));
		EXPECT_GT(0, mdev_attr_write(in->uuid, "memory_mb", "1"));
		ASSERT_EQ(0, mdev_attr_uint(in->uuid, "queues", &v));
		EXPECT_EQ(q, v);
		ASSERT_EQ(0, mdev_attr_uint(in->uuid, "memory_mb", &v));
		EXPECT_EQ(q * self->p.unit_mb, v);
	}
	/* The weight is per instance: the others kept theirs. */
	ASSERT_EQ(0, mdev_attr_uint(self->inst[0].uuid, "weight", &v));
	EXPECT_EQ(33u, v);
}

TEST_F(dev, regions_and_device_info)
{
	static const uint32_t rw = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	struct vfio_region_info reg;
	struct inst *in;
	unsigned int i;

	in = create_open(_metadata, self, self->parent[1], 2);
	check_identity(_metadata, self, in);
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		ASSERT_EQ(0, vfio_region(&in->h, i, &reg));
		EXPECT_EQ(vfio_region_offset(i), reg.offset) TH_LOG("region %u", i);
		switch (i) {
		case VFIO_PCI_BAR0_REGION_INDEX:
			EXPECT_EQ(SACC_REGS_SIZE, reg.size);
			EXPECT_EQ(rw, reg.flags);
			break;
		case VFIO_PCI_BAR2_REGION_INDEX:
			EXPECT_EQ(mem_bytes(self, in), reg.size);
			EXPECT_EQ(rw | VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS,
				  reg.flags);
			/* No room for the chain: argsz says how much it needs. */
			EXPECT_LT(sizeof(reg), reg.argsz);
			break;
		case VFIO_PCI_CONFIG_REGION_INDEX:
			EXPECT_EQ(256, reg.size);
			EXPECT_EQ(rw, reg.flags);
			break;
		default:
			EXPECT_EQ(0, reg.size) TH_LOG("region %u", i);
			EXPECT_EQ(0, reg.flags) TH_LOG("region %u", i);
		}
	}
	EXPECT_EQ(-EINVAL, vfio_region(&in->h, VFIO_PCI_NUM_REGIONS, &reg));
	EXPECT_EQ(-EINVAL, vfio_region(&in->h, 200, &reg));
	EXPECT_EQ(-EINVAL, vfio_region(&in->h, UINT32_MAX, &reg));
}

/* ------------------------------------------------------------------------------
 * Configuration space
 */
TEST_F(dev, config_space_reset_values_and_capability_list)
{
	struct cfg_model c;
	uint8_t all[256], ptr;
	uint32_t v = 0, off;
	struct inst *in;
	int hops;

	in = create_open(_metadata, self, self->parent[0], 2);
	cfg_model_init(&c, mem_bytes(self, in));
	check_cfg(_metadata, &in->h, &c, "after open");

	/* The capability list: status CAP_LIST, pointer 0x40, MSI, end of list. */
	EXPECT_TRUE(cfg16(_metadata, in, PCI_STATUS) & PCI_STATUS_CAP_LIST);
	ASSERT_EQ(0, cfg_read(&in->h, PCI_CAPABILITY_LIST, 1, &v));
	ptr = v;
	EXPECT_EQ(SACC_CFG_CAP_MSI, ptr);
	for (hops = 0; ptr && hops < 48; hops++) {
		ASSERT_EQ(0, ptr & 3) TH_LOG("capability pointer 0x%02x unaligned", ptr);
		ASSERT_LE(0x40, ptr);
		ASSERT_EQ(0, cfg_read(&in->h, ptr + PCI_CAP_LIST_ID, 1, &v));
		EXPECT_EQ(PCI_CAP_ID_MSI, v) TH_LOG("capability 0x%02x at 0x%02x", v, ptr);
		ASSERT_EQ(0, cfg_read(&in->h, ptr + PCI_CAP_LIST_NEXT, 1, &v));
		ptr = v;
	}
	EXPECT_EQ(1, hops) TH_LOG("expected exactly one capability (MSI)");
	EXPECT_EQ(PCI_MSI_FLAGS_64BIT, cfg16(_metadata, in, SACC_CFG_CAP_MSI + PCI_MSI_FLAGS));

	/* Reads of any length and alignment inside the region (QEMU reads it whole). */
	ASSERT_EQ(256, vfio_region_read(&in->h, VFIO_PCI_CONFIG_REGION_INDEX, 0, all, 256));
	EXPECT_EQ(0, memcmp(all, c.val, 256));
	for (off = 1; off < 0x50; off += 7) {
		uint8_t part[3];

		ASSERT_EQ(3, vfio_region_read(&in->h, VFIO_PCI_CONFIG_REGION_INDEX, off,
					      part, 3));
		EXPECT_EQ(0, memcmp(part, c.val + off, 3)) TH_LOG("3 bytes at 0x%02x", off);
	}
}

TEST_F_TIMEOUT(dev, config_space_writes_follow_the_writable_masks, 300)
{
	static const unsigned int widths[] = { 1, 2, 4 };
	static const uint32_t patterns[] = { 0xffffffff, 0xa5a5a5a5, 0 };
	struct cfg_model c;
	unsigned int w, p, off;
	struct inst *in;
	int bad = 0;

	in = create_open(_metadata, self, self->parent[1], 1);
	cfg_model_init(&c, mem_bytes(self, in));
	/* Every naturally aligned access of every width: RO bits keep their value. */
	for (w = 0; w < 3; w++) {
		for (off = 0; off < 256; off += widths[w]) {
			for (p = 0; p < 3; p++) {
				uint32_t val = patterns[p];

				if (widths[w] < 4)
					val &= (1u << (8 * widths[w])) - 1;
				ASSERT_EQ(0, cfg_write(&in->h, off, widths[w], val)) {
					TH_LOG("%u-byte write at 0x%02x", widths[w], off);
				}
				cfg_model_write(&c, off, widths[w], val);
				bad += check_cfg_range(_metadata, &in->h, &c, 0x50, off,
						       "write sweep");
				if (bad > 16)
					ASSERT_EQ(0, bad);
			}
		}
	}
	check_cfg(_metadata, &in->h, &c, "after the sweep");
}

TEST_F(dev, config_space_bar_sizing_and_msi_control)
{
	uint32_t lo = 0, hi = 0, v = 0;
	uint64_t size;
	struct inst *in;
	unsigned int i;
	static const uint8_t unused_bars[] = {
		PCI_BASE_ADDRESS_1, PCI_BASE_ADDRESS_4, PCI_BASE_ADDRESS_5, PCI_ROM_ADDRESS,
	};

	in = create_open(_metadata, self, self->parent[0], 4);

	/* BAR0: 4 KiB, 32-bit, non-prefetchable memory. */
	ASSERT_EQ(0, cfg_write(&in->h, PCI_BASE_ADDRESS_0, 4, 0xffffffff));
	ASSERT_EQ(0, cfg_read(&in->h, PCI_BASE_ADDRESS_0, 4, &v));
	EXPECT_EQ(~(uint32_t)(SACC_REGS_SIZE - 1), v);
	EXPECT_EQ(SACC_REGS_SIZE, (uint32_t)~(v & PCI_BASE_ADDRESS_MEM_MASK) + 1);
	ASSERT_EQ(0, cfg_write(&in->h, PCI_BASE_ADDRESS_0, 4, 0xfebf1234));
	ASSERT_EQ(0, cfg_read(&in->h, PCI_BASE_ADDRESS_0, 4, &v));
	EXPECT_EQ(0xfebf1000, v);

	/* BAR2/BAR3: 64-bit prefetchable, the size of the instance's memory. */
	ASSERT_EQ(0, cfg_write(&in->h, PCI_BASE_ADDRESS_2, 4, 0xffffffff));
	ASSERT_EQ(0, cfg_write(&in->h, PCI_BASE_ADDRESS_3, 4, 0xffffffff));
	ASSERT_EQ(0, cfg_read(&in->h, PCI_BASE_ADDRESS_2, 4, &lo));
	ASSERT_EQ(0, cfg_read(&in->h, PCI_BASE_ADDRESS_3, 4, &hi));
	EXPECT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
		  lo & ~PCI_BASE_ADDRESS_MEM_MASK);
	EXPECT_EQ(0xffffffffu, hi);
	size = ~(((uint64_t)hi << 32) | (lo & PCI_BASE_ADDRESS_MEM_MASK)) + 1;
	EXPECT_EQ(mem_bytes(self, in), size);
	ASSERT_EQ(0, cfg_write(&in->h, PCI_BASE_ADDRESS_2, 4, 0x40000000));
	ASSERT_EQ(0, cfg_write(&in->h, PCI_BASE_ADDRESS_3, 4, 0x00000001));
	ASSERT_EQ(0, cfg_read(&in->h, PCI_BASE_ADDRESS_2, 4, &lo));
	ASSERT_EQ(0, cfg_read(&in->h, PCI_BASE_ADDRESS_3, 4, &hi));
	EXPECT_EQ(0x40000000u | PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH,
		  lo);
	EXPECT_EQ(1u, hi);

	/* Unimplemented BARs and the ROM read 0 after writing ones. */
	for (i = 0; i < sizeof(unused_bars); i++) {
		ASSERT_EQ(0, cfg_write(&in->h, unused_bars[i], 4, 0xffffffff));
		ASSERT_EQ(0, cfg_read(&in->h, unused_bars[i], 4, &v));
		EXPECT_EQ(0u, v) TH_LOG("BAR at 0x%02x", unused_bars[i]);
	}

	/* Command: only the writable mask sticks. */
	ASSERT_EQ(0, cfg_write(&in->h, PCI_COMMAND, 2, 0xffff));
	EXPECT_EQ(0x0546, cfg16(_metadata, in, PCI_COMMAND));
	ASSERT_EQ(0, cfg_write(&in->h, PCI_COMMAND, 2, 0));
	EXPECT_EQ(0, cfg16(_metadata, in, PCI_COMMAND));

	/* MSI control: only the enable bit is writable; one vector, 64-bit. */
	ASSERT_EQ(0, cfg_write(&in->h, SACC_CFG_CAP_MSI + PCI_MSI_FLAGS, 2,
			       PCI_MSI_FLAGS_ENABLE));
	EXPECT_EQ(PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE,
		  cfg16(_metadata, in, SACC_CFG_CAP_MSI + PCI_MSI_FLAGS));
	ASSERT_EQ(0, cfg_write(&in->h, SACC_CFG_CAP_MSI + PCI_MSI_FLAGS, 2,
			       PCI_MSI_FLAGS_QSIZE | PCI_MSI_FLAGS_QMASK));
	EXPECT_EQ(PCI_MSI_FLAGS_64BIT,
		  cfg16(_metadata, in, SACC_CFG_CAP_MSI + PCI_MSI_FLAGS));
	ASSERT_EQ(0, cfg_write(&in->h, SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, 4, 0xfee00003));
	ASSERT_EQ(0, cfg_read(&in->h, SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, 4, &v));
	EXPECT_EQ(0xfee00000u, v);
}

TEST_F(dev, config_space_rejects_bad_widths_and_offsets)
{
	static const struct { uint32_t off; size_t len; } bad[] = {
		{ 0x04, 3 }, { 0x05, 2 }, { 0x06, 4 }, { 0x02, 4 }, { 0x03, 2 },
		{ 0x00, 8 }, { 0x00, 16 }, { 0x100, 1 }, { 0xff, 2 }, { 0xfe, 4 },
		{ 0xfc, 8 }, { 0x1000, 4 },
	};
	uint8_t buf[512];
	struct cfg_model c;
	struct inst *in;
	unsigned int i;

	in = create_open(_metadata, self, self->parent[0], 1);
	cfg_model_init(&c, mem_bytes(self, in));
	ASSERT_EQ(0, cfg_write(&in->h, PCI_COMMAND, 2,
			       PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER));
	cfg_model_write(&c, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	memset(buf, 0xff, sizeof(buf));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_EQ(-EINVAL, vfio_region_write(&in->h, VFIO_PCI_CONFIG_REGION_INDEX,
						     bad[i].off, buf, bad[i].len)) {
			TH_LOG("%zu-byte write at 0x%x", bad[i].len, bad[i].off);
		}
	}
	/* Reads that leave the region fail too. */
	EXPECT_EQ(-EINVAL, vfio_region_read(&in->h, VFIO_PCI_CONFIG_REGION_INDEX, 0x100,
					    buf, 1));
	EXPECT_EQ(-EINVAL, vfio_region_read(&in->h, VFIO_PCI_CONFIG_REGION_INDEX, 0xfc,
					    buf, 8));
	EXPECT_EQ(-EINVAL, vfio_region_read(&in->h, VFIO_PCI_CONFIG_REGION_INDEX, 0, buf,
					    257));
	check_cfg(_metadata, &in->h, &c, "after rejected accesses");
}

/* ------------------------------------------------------------------------------
 * BAR0 registers
 */

/* Every offset of BAR0 that is not a register of the table reads 0. */
static void sweep_reserved(struct __test_metadata *_metadata, const struct inst *in,
			   const struct model *m, bool write_ones)
{
	uint32_t off, v;
	unsigned int i;
	char name[64];
	int bad = 0, q;

	for (off = 0; off < SACC_REGS_SIZE; off += 4) {
		if (find_reg(off, &q, &i) && (q < 0 || (unsigned int)q < m->nq))
			continue;
		if (write_ones && bar0_write32(&in->h, off, 0xffffffff) && bad++ < 8)
			TH_LOG("write at %s failed", reg_name(off, name, sizeof(name)));
		v = 0xdeadbeef;
		if ((bar0_read32(&in->h, off, &v) || v) && bad++ < 8)
			TH_LOG("%s reads 0x%08x", reg_name(off, name, sizeof(name)), v);
	}
	EXPECT_EQ(0, bad) TH_LOG("%d reserved or absent offset(s) misbehave", bad);
}

TEST_F_TIMEOUT(dev, bar0_reset_value_of_every_register, 120)
{
	struct model m;
	struct inst *in[3];
	int i;

	in[0] = create_open(_metadata, self, self->parent[0], 1);
	in[1] = create_open(_metadata, self, self->parent[0], 2);
	in[2] = create_open(_metadata, self, self->parent[1], 4);
	for (i = 0; i < 3; i++) {
		model_for(_metadata, self, in[i], &m);
		check_regs(_metadata, &in[i]->h, &m, in[i]->type->name);
		/* Absent queue blocks and reserved offsets: 0, and writes change nothing. */
		sweep_reserved(_metadata, in[i], &m, false);
		sweep_reserved(_metadata, in[i], &m, true);
		check_regs(_metadata, &in[i]->h, &m, "after writing reserved offsets");
	}
}

/*
 * Every register, written with several patterns: the register and every other one
 * must then read what the spec says. CTRL.RESET between registers returns to the
 * reset state (it is checked on its own in the reset tests).
 */
static void register_sweep(struct __test_metadata *_metadata, FIXTURE_DATA(dev) *self,
			   const struct inst *in)
{
	static const uint32_t patterns[] = { 0xffffffff, 0, 0x5a5a5a5a, 0xa5a5a5a5 };
	uint32_t offs[NR_GLOBAL + SACC_MAX_QUEUES * NR_QREGS];
	unsigned int i, q, p, n = 0;
	char what[96], name[64];
	struct model m;
	int bad = 0;

	model_for(_metadata, self, in, &m);
	for (i = 0; i < NR_GLOBAL; i++)
		offs[n++] = global_regs[i].off;
	for (q = 0; q < SACC_MAX_QUEUES; q++)
		for (i = 0; i < NR_QREGS; i++)
			offs[n++] = SACC_QUEUE_REG(q, queue_regs[i].off);

	for (i = 0; i < n; i++) {
		for (p = 0; p < sizeof(patterns) / sizeof(patterns[0]); p++) {
			uint32_t val = patterns[p];

			/* A fatal error is the interrupt tests' business. */
			if (offs[i] == SACC_REG_INTR_TEST)
				val &= ~SACC_INTR_TEST_FATAL;
			mwr(_metadata, in, &m, offs[i], val);
			snprintf(what, sizeof(what), "%s: after writing 0x%08x to %s",
				 in->type->name, val, reg_name(offs[i], name, sizeof(name)));
			bad += check_regs(_metadata, &in->h, &m, what);
			ASSERT_GT(8, bad) TH_LOG("giving up");
		}
		mwr(_metadata, in, &m, SACC_REG_CTRL, SACC_CTRL_RESET);
	}
}

TEST_F_TIMEOUT(dev, bar0_every_register_behaves_as_its_table_entry, 600)
{
	struct inst *in;

	in = create_open(_metadata, self, self->parent[0], 1);
	register_sweep(_metadata, self, in);
	in = create_open(_metadata, self, self->parent[1], 4);
	register_sweep(_metadata, self, in);
}

TEST_F(dev, bar0_w1c_wo_and_action_bits)
{
	uint32_t all = 0;
	struct model m;
	struct inst *in;
	unsigned int q;

	in = create_open(_metadata, self, self->parent[1], 2);
	model_for(_metadata, self, in, &m);

	/* INTR_TEST is write-only; RAISE sets INTR_STATUS.TEST even while masked. */
	mwr(_metadata, in, &m, SACC_REG_INTR_TEST, SACC_INTR_TEST_RAISE);
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_INTR_TEST));
	EXPECT_EQ(SACC_INTR_TEST, rd(_metadata, in, SACC_REG_INTR_STATUS));
	/* INTR_STATUS: writing 0, or ones elsewhere, clears nothing; 1 clears. */
	mwr(_metadata, in, &m, SACC_REG_INTR_STATUS, 0);
	EXPECT_EQ(SACC_INTR_TEST, rd(_metadata, in, SACC_REG_INTR_STATUS));
	mwr(_metadata, in, &m, SACC_REG_INTR_STATUS, ~SACC_INTR_TEST);
	EXPECT_EQ(SACC_INTR_TEST, rd(_metadata, in, SACC_REG_INTR_STATUS));
	mwr(_metadata, in, &m, SACC_REG_INTR_STATUS, SACC_INTR_TEST);
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_INTR_STATUS));

	/*
	 * Doorbells are write-only and set the queue's Q_TAIL (13 bits) only; with
	 * the queue disabled nothing is fetched, so Q_HEAD stays and Q_STATUS shows
	 * BUSY (work between head and tail).
	 */
	for (q = 0; q < 2; q++) {
		mwr(_metadata, in, &m, SACC_QUEUE_REG(q, SACC_Q_DOORBELL), 0x12345 + q);
		EXPECT_EQ(0u, rd(_metadata, in, SACC_QUEUE_REG(q, SACC_Q_DOORBELL)));
		EXPECT_EQ(0x0345u + q, rd(_metadata, in, SACC_QUEUE_REG(q, SACC_Q_TAIL)));
		EXPECT_EQ(0u, rd(_metadata, in, SACC_QUEUE_REG(q, SACC_Q_HEAD)));
		EXPECT_EQ(SACC_Q_STATUS_BUSY,
			  rd(_metadata, in, SACC_QUEUE_REG(q, SACC_Q_STATUS)));
		mwr(_metadata, in, &m, SACC_QUEUE_REG(q, SACC_Q_DOORBELL), 0);
		EXPECT_EQ(0u, rd(_metadata, in, SACC_QUEUE_REG(q, SACC_Q_STATUS)));
	}

	/* Q_CTRL.ENABLE shows in Q_STATUS; CTRL.ENABLE in STATUS.READY. */
	mwr(_metadata, in, &m, SACC_QUEUE_REG(1, SACC_Q_CTRL), SACC_Q_CTRL_ENABLE);
	EXPECT_EQ(SACC_Q_STATUS_ENABLED, rd(_metadata, in, SACC_QUEUE_REG(1, SACC_Q_STATUS)));
	EXPECT_EQ(0u, rd(_metadata, in, SACC_QUEUE_REG(0, SACC_Q_STATUS)));
	mwr(_metadata, in, &m, SACC_QUEUE_REG(1, SACC_Q_CTRL), 0);
	mwr(_metadata, in, &m, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	EXPECT_EQ(SACC_STATUS_READY, rd(_metadata, in, SACC_REG_STATUS));

	/* A write with RESET resets and ignores its other bits; RESET reads 0. */
	mwr(_metadata, in, &m, SACC_REG_SCRATCH, 0x600dcafe);
	mwr(_metadata, in, &m, SACC_REG_CTRL, SACC_CTRL_ENABLE | SACC_CTRL_RESET);
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_CTRL));
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_STATUS));
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_SCRATCH));

	/* Undefined bits of INTR_MASK read 0; its defined causes are all writable. */
	mwr(_metadata, in, &m, SACC_REG_INTR_MASK, 0xffffffff);
	all = rd(_metadata, in, SACC_REG_INTR_MASK);
	EXPECT_EQ(SACC_INTR_QUEUE(0) | SACC_INTR_QUEUE(1) | SACC_INTR_ERROR | SACC_INTR_TEST,
		  all);
	check_regs(_metadata, &in->h, &m, "after the action bits");
}

/* ------------------------------------------------------------------------------
 * Interrupts
 */
static void unmask_test_cause(struct __test_metadata *_metadata, const struct inst *in)
{
	wr(_metadata, in, SACC_REG_INTR_MASK, causes(in->type->queues) & ~SACC_INTR_TEST);
}

static void raise_test(struct __test_metadata *_metadata, const struct inst *in)
{
	wr(_metadata, in, SACC_REG_INTR_TEST, SACC_INTR_TEST_RAISE);
}

static void clear_test(struct __test_metadata *_metadata, const struct inst *in)
{
	wr(_metadata, in, SACC_REG_INTR_STATUS, SACC_INTR_TEST);
}

TEST_F(dev, irq_info_and_invalid_set_irqs)
{
	const struct vfio_irq_spec *want = sacc_irq_spec;
	struct vfio_irq_info info;
	struct inst *in;
	unsigned int i;
	int32_t fds[2] = { -1, -1 };
	uint8_t yes = 1;

	in = create_open(_metadata, self, self->parent[0], 1);
	for (i = 0; i < VFIO_PCI_NUM_IRQS; i++) {
		ASSERT_EQ(0, vfio_irq_info(&in->h, i, &info));
		EXPECT_EQ(want[i].count, info.count) TH_LOG("irq index %u", i);
		EXPECT_EQ(want[i].flags, info.flags) TH_LOG("irq index %u", i);
	}
	EXPECT_EQ(-EINVAL, vfio_irq_info(&in->h, VFIO_PCI_NUM_IRQS, &info));

	/* MSI-X is not implemented: any SET_IRQS on it fails. */
	fds[0] = irq_enable(_metadata, self, in, VFIO_PCI_MSI_IRQ_INDEX);
	ASSERT_EQ(0, vfio_irq_disable(&in->h, VFIO_PCI_MSI_IRQ_INDEX));
	EXPECT_EQ(-EINVAL, vfio_irq_set_eventfd(&in->h, VFIO_PCI_MSIX_IRQ_INDEX, fds[0]));
	EXPECT_EQ(-EINVAL, vfio_irq_disable(&in->h, VFIO_PCI_MSIX_IRQ_INDEX));
	/* Vectors beyond the count, unknown indices, two data types at once. */
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_EVENTFD |
					VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_MSI_IRQ_INDEX,
					0, 2, fds, sizeof(fds)));
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_EVENTFD |
					VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_INTX_IRQ_INDEX,
					1, 1, fds, sizeof(fds[0])));
	EXPECT_EQ(-EINVAL, vfio_irq_set_eventfd(&in->h, VFIO_PCI_NUM_IRQS, fds[0]));
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_NONE |
					VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
					VFIO_PCI_INTX_IRQ_INDEX, 0, 1, &yes, 1));
	/* Count 0 only unwires, with DATA_NONE; no data means nothing to read. */
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_EVENTFD |
					VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_MSI_IRQ_INDEX,
					0, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_EVENTFD |
					VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_ERR_IRQ_INDEX,
					0, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_BOOL |
					VFIO_IRQ_SET_ACTION_TRIGGER, VFIO_PCI_INTX_IRQ_INDEX,
					0, 0, NULL, 0));
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_NONE |
					VFIO_IRQ_SET_ACTION_UNMASK, VFIO_PCI_INTX_IRQ_INDEX,
					0, 0, NULL, 0));
	/* An eventfd below -1 is no eventfd and no "unwire". */
	EXPECT_EQ(-EINVAL, vfio_irq_set_eventfd(&in->h, VFIO_PCI_REQ_IRQ_INDEX, -2));
	/* Only INTx can be masked. */
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_NONE |
					VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_MSI_IRQ_INDEX,
					0, 1, NULL, 0));
	EXPECT_EQ(-EINVAL, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_NONE |
					VFIO_IRQ_SET_ACTION_UNMASK, VFIO_PCI_ERR_IRQ_INDEX,
					0, 1, NULL, 0));
	/* A closed descriptor: EBADF; an open file that is no eventfd: EINVAL (spec 13.3). */
	EXPECT_EQ(-EBADF, vfio_irq_set_eventfd(&in->h, VFIO_PCI_ERR_IRQ_INDEX, 1000000));
	EXPECT_EQ(-EINVAL, vfio_irq_set_eventfd(&in->h, VFIO_PCI_ERR_IRQ_INDEX, in->h.device));
}

TEST_F(dev, loopback_trigger_signals_every_index)
{
	static const unsigned int idx[] = {
		VFIO_PCI_INTX_IRQ_INDEX, VFIO_PCI_MSI_IRQ_INDEX,
		VFIO_PCI_ERR_IRQ_INDEX, VFIO_PCI_REQ_IRQ_INDEX,
	};
	uint8_t yes = 1, no = 0;
	struct inst *in;
	unsigned int i;
	int fd;

	in = create_open(_metadata, self, self->parent[1], 1);
	for (i = 0; i < sizeof(idx) / sizeof(idx[0]); i++) {
		fd = irq_enable(_metadata, self, in, idx[i]);
		EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("index %u", idx[i]);
		EXPECT_EQ(0, vfio_irq_loopback(&in->h, idx[i])) TH_LOG("index %u", idx[i]);
		EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("index %u", idx[i]);
		EXPECT_EQ(0, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_BOOL |
					  VFIO_IRQ_SET_ACTION_TRIGGER, idx[i], 0, 1, &yes, 1));
		EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("index %u, bool 1", idx[i]);
		EXPECT_EQ(0, vfio_irq_set(&in->h, VFIO_IRQ_SET_DATA_BOOL |
					  VFIO_IRQ_SET_ACTION_TRIGGER, idx[i], 0, 1, &no, 1));
		EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("index %u, bool 0", idx[i]);
		/* INTx and MSI exclude each other: release each before the next. */
		EXPECT_EQ(0, vfio_irq_disable(&in->h, idx[i])) TH_LOG("index %u", idx[i]);
	}
}

TEST_F(dev, intx_is_level_triggered_and_automasked)
{
	uint32_t v = 0;
	struct inst *in;
	int fd;

	in = create_open(_metadata, self, self->parent[0], 2);
	fd = irq_enable(_metadata, self, in, VFIO_PCI_INTX_IRQ_INDEX);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("nothing is pending yet");

	/* A masked cause is pending in INTR_STATUS but does not interrupt. */
	raise_test(_metadata, in);
	EXPECT_EQ(SACC_INTR_TEST, rd(_metadata, in, SACC_REG_INTR_STATUS));
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("TEST is masked at reset");
	EXPECT_FALSE(cfg16(_metadata, in, PCI_STATUS) & PCI_STATUS_INTERRUPT);
	/* Unmasking a pending cause asserts the line. */
	unmask_test_cause(_metadata, in);
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("unmasking a pending cause");
	EXPECT_TRUE(cfg16(_metadata, in, PCI_STATUS) & PCI_STATUS_INTERRUPT);

	/* Automasked: clearing and raising again does not signal... */
	clear_test(_metadata, in);
	EXPECT_FALSE(cfg16(_metadata, in, PCI_STATUS) & PCI_STATUS_INTERRUPT);
	raise_test(_metadata, in);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("automasked");
	/* ...until the user unmasks with the cause still pending: it signals at once. */
	EXPECT_EQ(0, vfio_intx_unmask(&in->h));
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("unmask with a cause pending");

	/* Clear the cause, then unmask: nothing is pending, nothing is signalled. */
	clear_test(_metadata, in);
	EXPECT_EQ(0, vfio_intx_unmask(&in->h));
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("unmask with nothing pending");
	/* The next cause signals again. */
	raise_test(_metadata, in);
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("raise after unmask");

	/* The user's ACTION_MASK holds it back the same way. */
	clear_test(_metadata, in);
	EXPECT_EQ(0, vfio_intx_unmask(&in->h));
	EXPECT_EQ(0, vfio_intx_mask(&in->h));
	raise_test(_metadata, in);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("masked by ACTION_MASK");
	EXPECT_EQ(0, vfio_intx_unmask(&in->h));
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("ACTION_UNMASK, cause pending");

	/* Enabling INTx while the line is asserted signals at once (level). */
	EXPECT_EQ(0, vfio_irq_set_eventfd(&in->h, VFIO_PCI_INTX_IRQ_INDEX, -1));
	fd = irq_enable(_metadata, self, in, VFIO_PCI_INTX_IRQ_INDEX);
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("enabled with the line asserted");

	/* Disabled: nothing is signalled. */
	clear_test(_metadata, in);
	EXPECT_EQ(0, vfio_irq_disable(&in->h, VFIO_PCI_INTX_IRQ_INDEX));
	raise_test(_metadata, in);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("INTx disabled");
	ASSERT_EQ(0, bar0_read32(&in->h, SACC_REG_INTR_STATUS, &v));
	EXPECT_EQ(SACC_INTR_TEST, v);
}

TEST_F(dev, msi_is_edge_triggered)
{
	struct inst *in;
	int fd, i;

	in = create_open(_metadata, self, self->parent[1], 4);
	fd = irq_enable(_metadata, self, in, VFIO_PCI_MSI_IRQ_INDEX);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS));

	/* A masked cause does not signal; unmasking it while pending does. */
	raise_test(_metadata, in);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("TEST is masked at reset");
	unmask_test_cause(_metadata, in);
	EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("unmasking a pending cause");

	/* Raising a cause that is already pending is no new edge. */
	raise_test(_metadata, in);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("no new edge");

	/* Each clear-and-raise is a new message; no unmask step as with INTx. */
	for (i = 0; i < 3; i++) {
		clear_test(_metadata, in);
		EXPECT_EQ(0, rd(_metadata, in, SACC_REG_INTR_STATUS));
		raise_test(_metadata, in);
		EXPECT_EQ(1, eventfd_wait(fd, FIRE_MS)) TH_LOG("edge %d", i);
	}

	/* Masking again stops it. */
	clear_test(_metadata, in);
	wr(_metadata, in, SACC_REG_INTR_MASK, causes(4));
	raise_test(_metadata, in);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("masked");

	/* Disabled (count 0, DATA_NONE): nothing is signalled. */
	clear_test(_metadata, in);
	unmask_test_cause(_metadata, in);
	EXPECT_EQ(0, vfio_irq_disable(&in->h, VFIO_PCI_MSI_IRQ_INDEX));
	raise_test(_metadata, in);
	EXPECT_EQ(0, eventfd_wait(fd, QUIET_MS)) TH_LOG("MSI disabled");
}

TEST_F(dev, intx_and_msi_exclude_each_other)
{
	struct inst *in;
	int intx, msi;

	in = create_open(_metadata, self, self->parent[0], 1);
	intx = irq_enable(_metadata, self, in, VFIO_PCI_INTX_IRQ_INDEX);
	EXPECT_EQ(-EINVAL, vfio_irq_enable(&in->h, VFIO_PCI_MSI_IRQ_INDEX));
	/* INTx still works after the refused MSI. */
	unmask_test_cause(_metadata, in);
	raise_test(_metadata, in);
	EXPECT_EQ(1, eventfd_wait(intx, FIRE_MS));
	clear_test(_metadata, in);
	EXPECT_EQ(0, vfio_irq_disable(&in->h, VFIO_PCI_INTX_IRQ_INDEX));

	msi = irq_enable(_metadata, self, in, VFIO_PCI_MSI_IRQ_INDEX);
	EXPECT_EQ(-EINVAL, vfio_irq_enable(&in->h, VFIO_PCI_INTX_IRQ_INDEX));
	raise_test(_metadata, in);
	EXPECT_EQ(1, eventfd_wait(msi, FIRE_MS));
	EXPECT_EQ(0, eventfd_wait(intx, QUIET_MS));
	clear_test(_metadata, in);

	/* Disabled by an eventfd of -1, MSI makes room for INTx again. */
	EXPECT_EQ(0, vfio_irq_set_eventfd(&in->h, VFIO_PCI_MSI_IRQ_INDEX, -1));
	intx = irq_enable(_metadata, self, in, VFIO_PCI_INTX_IRQ_INDEX);
	raise_test(_metadata, in);
	EXPECT_EQ(1, eventfd_wait(intx, FIRE_MS));
	EXPECT_EQ(0, eventfd_wait(msi, QUIET_MS));
}

TEST_F(dev, err_irq_and_fatal_state_until_reset)
{
	struct inst *in;
	int err;

	in = create_open(_metadata, self, self->parent[0], 2);
	err = irq_enable(_metadata, self, in, VFIO_PCI_ERR_IRQ_INDEX);
	wr(_metadata, in, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	EXPECT_EQ(SACC_STATUS_READY, rd(_metadata, in, SACC_REG_STATUS));

	wr(_metadata, in, SACC_REG_INTR_TEST, SACC_INTR_TEST_FATAL);
	EXPECT_EQ(1, eventfd_wait(err, FIRE_MS)) TH_LOG("ERR on a fatal error");
	EXPECT_EQ(SACC_STATUS_FATAL, rd(_metadata, in, SACC_REG_STATUS));
	/* No interrupt cause for it, and CTRL.ENABLE cannot make it ready. */
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_INTR_STATUS));
	wr(_metadata, in, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	EXPECT_EQ(SACC_STATUS_FATAL, rd(_metadata, in, SACC_REG_STATUS));
	/* Registers still work. */
	wr(_metadata, in, SACC_REG_SCRATCH, 0x1234);
	EXPECT_EQ(0x1234u, rd(_metadata, in, SACC_REG_SCRATCH));

	/* CTRL.RESET clears it... */
	wr(_metadata, in, SACC_REG_CTRL, SACC_CTRL_RESET);
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_STATUS));
	wr(_metadata, in, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	EXPECT_EQ(SACC_STATUS_READY, rd(_metadata, in, SACC_REG_STATUS));

	/* ...and so does VFIO_DEVICE_RESET; the ERR eventfd stays registered. */
	wr(_metadata, in, SACC_REG_INTR_TEST, SACC_INTR_TEST_FATAL);
	EXPECT_EQ(1, eventfd_wait(err, FIRE_MS)) TH_LOG("ERR on the second fatal error");
	EXPECT_EQ(SACC_STATUS_FATAL, rd(_metadata, in, SACC_REG_STATUS));
	ASSERT_EQ(0, ioctl(in->h.device, VFIO_DEVICE_RESET));
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_STATUS));
	wr(_metadata, in, SACC_REG_INTR_TEST, SACC_INTR_TEST_FATAL);
	EXPECT_EQ(1, eventfd_wait(err, FIRE_MS)) TH_LOG("ERR after VFIO_DEVICE_RESET");
}

/* ------------------------------------------------------------------------------
 * Resets
 */

/* Move every register, config field and some device memory away from reset. */
static void dirty_everything(struct __test_metadata *_metadata, const struct inst *in,
			     struct model *m, struct cfg_model *c)
{
	static const struct { uint32_t off; unsigned int width; uint32_t val; } cfg[] = {
		{ PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER },
		{ PCI_BASE_ADDRESS_0, 4, 0xfebf0000 },
		{ PCI_BASE_ADDRESS_2, 4, 0x80000000 },
		{ PCI_BASE_ADDRESS_3, 4, 0x2 },
		{ PCI_CACHE_LINE_SIZE, 1, 0x10 },
		{ PCI_INTERRUPT_LINE, 1, 0x0b },
		{ SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, 4, 0xfee00000 },
		{ SACC_CFG_CAP_MSI + PCI_MSI_DATA_64, 2, 0x4041 },
		{ SACC_CFG_CAP_MSI + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE },
	};
	static const uint64_t mem_offs[] = { 0, 4096, 1 << 20 };
	uint64_t pattern = 0x0123456789abcdefull;
	unsigned int q, i;

	mwr(_metadata, in, m, SACC_REG_SCRATCH, 0xfeedf00d);
	/*
	 * Unmask every cause but TEST, then raise TEST: INTR_STATUS and INTR_MASK leave
	 * their reset values while nothing is pending, so the INTx status bit in
	 * configuration space stays clear and the config model holds.
	 */
	mwr(_metadata, in, m, SACC_REG_INTR_MASK, SACC_INTR_TEST);
	mwr(_metadata, in, m, SACC_REG_INTR_TEST, SACC_INTR_TEST_RAISE);
	for (q = 0; q < m->nq; q++) {
		mwr(_metadata, in, m, SACC_QUEUE_REG(q, SACC_Q_BASE_LO), 0x10000 * (q + 1));
		mwr(_metadata, in, m, SACC_QUEUE_REG(q, SACC_Q_BASE_HI), q + 1);
		mwr(_metadata, in, m, SACC_QUEUE_REG(q, SACC_Q_SIZE), 64);
		mwr(_metadata, in, m, SACC_QUEUE_REG(q, SACC_Q_INTR_COALESCE), 0x00100004);
		mwr(_metadata, in, m, SACC_QUEUE_REG(q, SACC_Q_DOORBELL), 0);
		mwr(_metadata, in, m, SACC_QUEUE_REG(q, SACC_Q_CTRL), SACC_Q_CTRL_ENABLE);
	}
	/* Queues are idle (tail == head), so enabling the device fetches nothing. */
	mwr(_metadata, in, m, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	check_regs(_metadata, &in->h, m, "dirtied");
	for (i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		ASSERT_EQ(0, cfg_write(&in->h, cfg[i].off, cfg[i].width, cfg[i].val));
		cfg_model_write(c, cfg[i].off, cfg[i].width, cfg[i].val);
	}
	check_cfg(_metadata, &in->h, c, "dirtied");
	for (i = 0; i < sizeof(mem_offs) / sizeof(mem_offs[0]); i++)
		ASSERT_EQ(sizeof(pattern), vfio_region_write(&in->h, VFIO_PCI_BAR2_REGION_INDEX,
							     mem_offs[i], &pattern,
							     sizeof(pattern)));
}

/* Device memory holds only zeros: every byte, read through pread. */
static void expect_memory_zero(struct __test_metadata *_metadata,
			       const struct vfio_handle *h, uint64_t size)
{
	const size_t chunk = 1 << 20;
	uint8_t *buf = malloc(chunk), *zero = calloc(1, chunk);
	uint64_t off;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, zero);
	for (off = 0; off < size; off += chunk) {
		size_t n = size - off < chunk ? size - off : chunk;

		if (vfio_region_read(h, VFIO_PCI_BAR2_REGION_INDEX, off, buf, n) != (ssize_t)n ||
		    memcmp(buf, zero, n)) {
			TH_LOG("device memory is not zero in [0x%llx, +0x%zx)",
			       (unsigned long long)off, n);
			EXPECT_TRUE(false);
			break;
		}
	}
	free(buf);
	free(zero);
}

TEST_F_TIMEOUT(dev, vfio_device_reset_restores_registers_config_and_memory, 120)
{
	struct cfg_model c, c_reset;
	struct model m;
	struct inst *in;

	in = create_open(_metadata, self, self->parent[1], 4);
	model_for(_metadata, self, in, &m);
	cfg_model_init(&c, mem_bytes(self, in));
	c_reset = c;
	dirty_everything(_metadata, in, &m, &c);

	ASSERT_EQ(0, ioctl(in->h.device, VFIO_DEVICE_RESET));
	model_reset(&m);
	check_regs(_metadata, &in->h, &m, "after VFIO_DEVICE_RESET");
	check_cfg(_metadata, &in->h, &c_reset, "after VFIO_DEVICE_RESET");
	expect_memory_zero(_metadata, &in->h, mem_bytes(self, in));
	/* The BAR was unassigned: BAR0 reads 0 until written again. */
	EXPECT_EQ(0, cfg16(_metadata, in, PCI_BASE_ADDRESS_0));
}

TEST_F_TIMEOUT(dev, ctrl_reset_restores_registers_and_memory_not_config, 120)
{
	struct cfg_model c;
	struct model m;
	struct inst *in;

	in = create_open(_metadata, self, self->parent[0], 4);
	model_for(_metadata, self, in, &m);
	cfg_model_init(&c, mem_bytes(self, in));
	dirty_everything(_metadata, in, &m, &c);

	wr(_metadata, in, SACC_REG_CTRL, SACC_CTRL_RESET);
	model_reset(&m);
	check_regs(_metadata, &in->h, &m, "after CTRL.RESET");
	check_cfg(_metadata, &in->h, &c, "config after CTRL.RESET (unchanged)");
	expect_memory_zero(_metadata, &in->h, mem_bytes(self, in));
}

/* ------------------------------------------------------------------------------
 * Device memory
 */
static uint64_t pattern_at(uint64_t word, uint64_t seed)
{
	return (word * 0x9e3779b97f4a7c15ull) ^ seed;
}

TEST_F_TIMEOUT(dev, device_memory_region_mmap_and_pread_agree, 120)
{
	const struct vfio_region_info_cap_sparse_mmap *sparse;
	const struct vfio_info_cap_header *cap;
	struct vfio_region_info *info = NULL;
	uint64_t size, i, words, *map, *page1, *buf;
	struct inst *in;
	uint8_t bytes[1000], b;
	void *bad;
	ssize_t ret;

	in = create_open(_metadata, self, self->parent[0], 1);
	size = mem_bytes(self, in);
	words = size / 8;

	/* Region info: mmap-able, one sparse area covering the whole region. */
	ASSERT_EQ(0, vfio_region_info_caps(&in->h, VFIO_PCI_BAR2_REGION_INDEX, &info));
	EXPECT_EQ(size, info->size);
	EXPECT_TRUE(info->flags & VFIO_REGION_INFO_FLAG_MMAP);
	EXPECT_TRUE(info->flags & VFIO_REGION_INFO_FLAG_CAPS);
	cap = vfio_region_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	EXPECT_NE(NULL, cap) TH_LOG("no sparse mmap capability");
	if (cap) {
		sparse = (const void *)cap;
		EXPECT_EQ(1, cap->version);
		ASSERT_EQ(1, sparse->nr_areas);
		ASSERT_GE(info->argsz,
			  (uint32_t)((const char *)&sparse->areas[1] - (const char *)info));
		EXPECT_EQ(0, sparse->areas[0].offset);
		EXPECT_EQ(size, sparse->areas[0].size);
	}
	free(info);

	/* A pattern written through the map is what pread returns. */
	map = map_region(_metadata, self, in, VFIO_PCI_BAR2_REGION_INDEX, 0, size);
	for (i = 0; i < words; i++)
		map[i] = pattern_at(i, 0x5acc);
	buf = malloc(size);
	ASSERT_NE(NULL, buf);
	ret = vfio_region_read(&in->h, VFIO_PCI_BAR2_REGION_INDEX, 0, buf, size);
	EXPECT_EQ((ssize_t)size, ret);
	for (i = 0; i < words && buf[i] == pattern_at(i, 0x5acc); i++)
		;
	EXPECT_EQ(words, i) TH_LOG("pread differs from the map at byte 0x%llx",
				   (unsigned long long)i * 8);
	free(buf);

	/* What pwrite stores, at any alignment and size, shows through the map. */
	for (i = 0; i < sizeof(bytes); i++)
		bytes[i] = i * 7 + 3;
	ASSERT_EQ(sizeof(bytes), vfio_region_write(&in->h, VFIO_PCI_BAR2_REGION_INDEX,
						   3 * 4096 + 5, bytes, sizeof(bytes)));
	EXPECT_EQ(0, memcmp((uint8_t *)map + 3 * 4096 + 5, bytes, sizeof(bytes)));
	b = 0x77;
	ASSERT_EQ(1, vfio_region_write(&in->h, VFIO_PCI_BAR2_REGION_INDEX, size - 1, &b, 1));
	EXPECT_EQ(0x77, ((uint8_t *)map)[size - 1]);

	/* A map of the second page sees the same memory. */
	page1 = map_region(_metadata, self, in, VFIO_PCI_BAR2_REGION_INDEX, 4096, 4096);
	EXPECT_EQ(0, memcmp(page1, (uint8_t *)map + 4096, 4096));
	page1[1] = 0xabcdef;
	EXPECT_EQ(0xabcdefull, map[4096 / 8 + 1]);

	/* Accesses that leave the region fail and change nothing. */
	EXPECT_EQ(-EINVAL, vfio_region_read(&in->h, VFIO_PCI_BAR2_REGION_INDEX, size, &b, 1));
	EXPECT_EQ(-EINVAL, vfio_region_read(&in->h, VFIO_PCI_BAR2_REGION_INDEX, size - 1,
					    bytes, 2));
	EXPECT_EQ(-EINVAL, vfio_region_write(&in->h, VFIO_PCI_BAR2_REGION_INDEX, size - 1,
					     bytes, 2));
	EXPECT_EQ(0x77, ((uint8_t *)map)[size - 1]);

	/* What cannot be mapped. */
	EXPECT_EQ(-EINVAL, vfio_region_mmap(&in->h, VFIO_PCI_BAR0_REGION_INDEX, 0, 4096,
					    PROT_READ, &bad));
	EXPECT_EQ(-EINVAL, vfio_region_mmap(&in->h, VFIO_PCI_CONFIG_REGION_INDEX, 0, 4096,
					    PROT_READ, &bad));
	EXPECT_EQ(-EINVAL, vfio_region_mmap(&in->h, VFIO_PCI_BAR1_REGION_INDEX, 0, 4096,
					    PROT_READ, &bad));
	EXPECT_EQ(-EINVAL, vfio_region_mmap(&in->h, VFIO_PCI_BAR2_REGION_INDEX, 0,
					    size + 4096, PROT_READ, &bad));
	EXPECT_EQ(-EINVAL, vfio_region_mmap(&in->h, VFIO_PCI_BAR2_REGION_INDEX, size, 4096,
					    PROT_READ, &bad));
	bad = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, in->h.device,
		   vfio_region_offset(VFIO_PCI_BAR2_REGION_INDEX));
	EXPECT_EQ(MAP_FAILED, bad) TH_LOG("MAP_PRIVATE of device memory");
	if (bad != MAP_FAILED)
		munmap(bad, 4096);

	/* A reset zeroes the memory in place: the existing map sees the zeros. */
	wr(_metadata, in, SACC_REG_CTRL, SACC_CTRL_RESET);
	for (i = 0; i < words && !map[i]; i++)
		;
	EXPECT_EQ(words, i) TH_LOG("the map still holds data at byte 0x%llx after reset",
				   (unsigned long long)i * 8);
	EXPECT_EQ(0, page1[1]);
}

TEST_F(dev, device_memory_is_zero_for_a_new_open)
{
	uint64_t size, pattern = 0xdecafbadull;
	uint64_t *map;
	struct inst *in;

	in = create_open(_metadata, self, self->parent[1], 1);
	size = mem_bytes(self, in);
	map = map_region(_metadata, self, in, VFIO_PCI_BAR2_REGION_INDEX, 0, size);
	map[0] = pattern;
	map[size / 8 - 1] = pattern;
	ASSERT_EQ(sizeof(pattern), vfio_region_write(&in->h, VFIO_PCI_BAR2_REGION_INDEX,
						     size / 2, &pattern, sizeof(pattern)));
	wr(_metadata, in, SACC_REG_SCRATCH, 0x12345678);

	/* The mapping holds the device file too: unmap, then close. */
	unmap_all(self);
	vfio_close(&in->h);
	open_container(_metadata, in);
	expect_memory_zero(_metadata, &in->h, size);
	EXPECT_EQ(0u, rd(_metadata, in, SACC_REG_SCRATCH)) TH_LOG("open resets the device");
	map = map_region(_metadata, self, in, VFIO_PCI_BAR2_REGION_INDEX, 0, size);
	EXPECT_EQ(0, map[0]);
	EXPECT_EQ(0, map[size / 8 - 1]);
}

/*
 * A BAR2 pwrite whose source runs into an unmapped page fails with EFAULT and
 * stores the bytes before the fault, nothing after (spec 9): the device memory past
 * it keeps its bytes.
 */
TEST_F(dev, device_memory_write_from_a_faulting_buffer_stores_a_prefix_only)
{
	const size_t page = sysconf(_SC_PAGESIZE), lens[] = { 1, 8, 300, 5000 };
	uint8_t old[8192], now[8192];
	struct inst *in;
	uint8_t *src;
	unsigned int i;
	size_t k;

	in = create_open(_metadata, self, self->parent[1], 1);
	src = mmap(NULL, 3 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, src);
	ASSERT_EQ(0, munmap(src + 2 * page, page));	/* the guard */
	memset(src, 0x5a, 2 * page);
	for (k = 0; k < sizeof(old); k++)
		old[k] = (uint8_t)(k * 7 + 1);
	for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
		size_t len = lens[i], readable = len / 2;
		const uint8_t *from = src + 2 * page - readable;

		ASSERT_EQ((ssize_t)sizeof(old), vfio_region_write(&in->h,
			VFIO_PCI_BAR2_REGION_INDEX, 0, old, sizeof(old)));
		errno = 0;
		EXPECT_EQ(-1, pwrite(in->h.device, from, len,
				     vfio_region_offset(VFIO_PCI_BAR2_REGION_INDEX) + 16));
		EXPECT_EQ(EFAULT, errno) TH_LOG("%zu bytes, %zu readable", len, readable);
		ASSERT_EQ((ssize_t)sizeof(now), vfio_region_read(&in->h,
			VFIO_PCI_BAR2_REGION_INDEX, 0, now, sizeof(now)));
		for (k = 0; k < sizeof(now); k++) {
			bool stored = k >= 16 && k < 16 + readable && now[k] == 0x5a;

			if (now[k] != old[k] && !stored)
				break;
		}
		EXPECT_EQ(sizeof(now), k) {
			TH_LOG("%zu-byte write with %zu readable bytes: device memory byte %zu is "
			       "0x%02x, was 0x%02x", len, readable, k, now[k], old[k]);
		}
	}
	munmap(src, 2 * page);
}

/* ------------------------------------------------------------------------------
 * REQ: a remove of an open instance asks the user to let go
 */
static void *remove_thread(void *arg)
{
	struct remover *r = arg;

	r->ret = mdev_remove(r->uuid);
	atomic_store(&r->done, 1);
	return NULL;
}

TEST_F_TIMEOUT(dev, remove_of_an_open_instance_signals_req, 60)
{
	struct inst *in;
	int req, i;

	in = create_open(_metadata, self, self->parent[0], 2);
	req = irq_enable(_metadata, self, in, VFIO_PCI_REQ_IRQ_INDEX);
	wr(_metadata, in, SACC_REG_SCRATCH, 0x0dd5ca1e);

	strcpy(self->remover.uuid, in->uuid);
	atomic_store(&self->remover.done, 0);
	ASSERT_EQ(0, pthread_create(&self->remover_thread, NULL, remove_thread,
				    &self->remover));
	self->remover_started = true;

	EXPECT_EQ(1, eventfd_wait(req, 10000)) TH_LOG("no REQ while removing");
	/* The remove waits for the user; the device keeps working meanwhile. */
	EXPECT_EQ(0, atomic_load(&self->remover.done));
	EXPECT_EQ(0x0dd5ca1eu, rd(_metadata, in, SACC_REG_SCRATCH));

	vfio_close(&in->h);
	for (i = 0; i < 200 && !atomic_load(&self->remover.done); i++)
		usleep(50 * 1000);
	ASSERT_EQ(1, atomic_load(&self->remover.done)) TH_LOG("remove still blocked");
	pthread_join(self->remover_thread, NULL);
	self->remover_started = false;
	EXPECT_EQ(0, self->remover.ret);
	EXPECT_FALSE(mdev_exists(in->uuid));
	expect_idle(_metadata, &self->p, self->parent[0], 0);
}

/* ------------------------------------------------------------------------------
 * Hostile accesses
 */
static void expect_pread_einval(struct __test_metadata *_metadata,
				const struct vfio_handle *h, uint64_t off, size_t len)
{
	uint8_t buf[4096];

	memset(buf, 0xee, sizeof(buf));
	errno = 0;
	EXPECT_EQ(-1, pread(h->device, buf, len, (off_t)off)) {
		TH_LOG("%zu-byte read at 0x%llx succeeded", len, (unsigned long long)off);
	}
	EXPECT_EQ(EINVAL, errno) TH_LOG("%zu-byte read at 0x%llx", len,
					(unsigned long long)off);
}

static void expect_pwrite_einval(struct __test_metadata *_metadata,
				 const struct vfio_handle *h, uint64_t off, size_t len)
{
	uint8_t buf[4096];

	memset(buf, 0xff, sizeof(buf));
	errno = 0;
	EXPECT_EQ(-1, pwrite(h->device, buf, len, (off_t)off)) {
		TH_LOG("%zu-byte write at 0x%llx succeeded", len, (unsigned long long)off);
	}
	EXPECT_EQ(EINVAL, errno) TH_LOG("%zu-byte write at 0x%llx", len,
					(unsigned long long)off);
}

TEST_F(dev, hostile_accesses_fail_with_einval_and_change_nothing)
{
	static const size_t widths[] = { 1, 2, 3, 8, 16, 4096 };
	static const unsigned int zero_regions[] = {
		VFIO_PCI_BAR1_REGION_INDEX, VFIO_PCI_BAR3_REGION_INDEX,
		VFIO_PCI_BAR4_REGION_INDEX, VFIO_PCI_BAR5_REGION_INDEX,
		VFIO_PCI_ROM_REGION_INDEX, VFIO_PCI_VGA_REGION_INDEX,
	};
	const uint64_t bar0 = vfio_region_offset(VFIO_PCI_BAR0_REGION_INDEX);
	const uint64_t huge[] = {
		bar0 + SACC_REGS_SIZE, bar0 + SACC_REGS_SIZE + 4, bar0 + 0xfffffffcull,
		vfio_region_offset(1) - 4, bar0 + (1ull << 39) + SACC_REG_SCRATCH,
		vfio_region_offset(VFIO_PCI_NUM_REGIONS),
		vfio_region_offset(200), vfio_region_offset(200) + SACC_REG_SCRATCH,
		(uint64_t)200 << 40 | 0xffffffffffull, 1ull << 62, (1ull << 62) + 4,
		0x7ffffffffffffffcull,
	};
	const uint64_t cfg = vfio_region_offset(VFIO_PCI_CONFIG_REGION_INDEX);
	const uint64_t cfg_huge[] = {
		PCI_CFG_SPACE_SIZE, 0x1000, 1ull << 32, (1ull << 32) + PCI_COMMAND,
		(1ull << 32) + PCI_CFG_SPACE_SIZE - 4, (1ull << 39) + PCI_COMMAND,
		(1ull << 40) - 4,
	};
	uint32_t ro[] = {
		SACC_REG_ID, SACC_REG_VERSION, SACC_REG_CAPS, SACC_REG_DEVMEM_SIZE,
		SACC_REG_STATUS, SACC_QUEUE_REG(0, SACC_Q_HEAD),
		SACC_QUEUE_REG(0, SACC_Q_TAIL), SACC_QUEUE_REG(0, SACC_Q_STATUS),
		SACC_QUEUE_REG(1, SACC_Q_ERROR_INFO),
	};
	struct cfg_model c;
	struct model m;
	struct inst *in;
	uint8_t b[4] = { 0xff, 0xff, 0xff, 0xff };
	unsigned int i, w;

	in = create_open(_metadata, self, self->parent[1], 2);
	model_for(_metadata, self, in, &m);
	cfg_model_init(&c, mem_bytes(self, in));
	mwr(_metadata, in, &m, SACC_REG_SCRATCH, 0x13579bdf);
	mwr(_metadata, in, &m, SACC_REG_INTR_MASK, SACC_INTR_ERROR);
	mwr(_metadata, in, &m, SACC_QUEUE_REG(1, SACC_Q_BASE_LO), 0x12345640);

	/* BAR0: 4-byte, naturally aligned accesses only. */
	for (w = 0; w < sizeof(widths) / sizeof(widths[0]); w++) {
		expect_pread_einval(_metadata, &in->h, bar0 + SACC_REG_SCRATCH, widths[w]);
		expect_pwrite_einval(_metadata, &in->h, bar0 + SACC_REG_SCRATCH, widths[w]);
		expect_pwrite_einval(_metadata, &in->h, bar0 + SACC_REG_INTR_MASK, widths[w]);
	}
	expect_pwrite_einval(_metadata, &in->h, bar0 + 0, 8);	/* ID + VERSION */
	for (i = 1; i < 4; i++) {
		expect_pread_einval(_metadata, &in->h, bar0 + SACC_REG_SCRATCH + i, 4);
		expect_pwrite_einval(_metadata, &in->h, bar0 + SACC_REG_SCRATCH + i, 4);
		expect_pwrite_einval(_metadata, &in->h,
				     bar0 + SACC_QUEUE_REG(1, SACC_Q_BASE_LO) + i, 4);
	}
	expect_pread_einval(_metadata, &in->h, bar0 + SACC_REGS_SIZE - 2, 4);
	expect_pread_einval(_metadata, &in->h, bar0 + SACC_REGS_SIZE - 4, 8);
	/* Offsets at or past the end, in other or unknown regions, with high bits. */
	for (i = 0; i < sizeof(huge) / sizeof(huge[0]); i++) {
		expect_pread_einval(_metadata, &in->h, huge[i], 4);
		expect_pwrite_einval(_metadata, &in->h, huge[i], 4);
	}
	/*
	 * Configuration space past its 256 bytes, also where the low 32 bits of the
	 * offset name the command register or the start of the space.
	 */
	for (i = 0; i < sizeof(cfg_huge) / sizeof(cfg_huge[0]); i++) {
		expect_pread_einval(_metadata, &in->h, cfg + cfg_huge[i], 4);
		expect_pread_einval(_metadata, &in->h, cfg + cfg_huge[i], 2);
		expect_pwrite_einval(_metadata, &in->h, cfg + cfg_huge[i], 2);
	}
	/* Negative offsets: refused by the VFS before the driver sees them. */
	errno = 0;
	EXPECT_EQ(-1, pread(in->h.device, b, 4, -1));
	EXPECT_EQ(EINVAL, errno);
	errno = 0;
	EXPECT_EQ(-1, pwrite(in->h.device, b, 4, -1));
	EXPECT_EQ(EINVAL, errno);
	expect_pread_einval(_metadata, &in->h, 1ull << 63, 4);
	/* Zero-size regions. */
	for (i = 0; i < sizeof(zero_regions) / sizeof(zero_regions[0]); i++) {
		expect_pread_einval(_metadata, &in->h, vfio_region_offset(zero_regions[i]), 4);
		expect_pread_einval(_metadata, &in->h, vfio_region_offset(zero_regions[i]), 1);
		expect_pwrite_einval(_metadata, &in->h, vfio_region_offset(zero_regions[i]), 4);
	}

	/* Writes to read-only registers succeed and change nothing. */
	for (i = 0; i < sizeof(ro) / sizeof(ro[0]); i++) {
		EXPECT_EQ(0, bar0_write32(&in->h, ro[i], 0xffffffff)) {
			TH_LOG("write to RO register 0x%03x", ro[i]);
		}
		model_write(&m, ro[i], 0xffffffff);
	}

	check_regs(_metadata, &in->h, &m, "after hostile accesses");
	EXPECT_EQ(0x13579bdfu, rd(_metadata, in, SACC_REG_SCRATCH));
	EXPECT_EQ(SACC_INTR_ERROR, rd(_metadata, in, SACC_REG_INTR_MASK));
	check_cfg(_metadata, &in->h, &c, "config after hostile accesses");
}

/* ------------------------------------------------------------------------------
 * Module unload: must stay the last test (it reloads sacc for the suites after it)
 */
/* How many of the two parents are in /sys/class/mdev_bus. */
static int parents_present(FIXTURE_DATA(dev) *self)
{
	char path[PATH_MAX];
	int i, n = 0;

	for (i = 0; i < NR_TEST_PARENTS; i++) {
		snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s", self->parent[i]);
		n += !access(path, F_OK);
	}
	return n;
}

TEST_F_TIMEOUT(dev, module_unload_waits_for_open_instances, 120)
{
	unsigned int refcnt = 0;
	struct inst *open_in, *idle_in;
	char path[PATH_MAX];
	int ret;

	ret = sacc_module_path(path, sizeof(path));
	if (ret)
		SKIP(return, "$SACC_MODULE_DIR/sacc.ko: %s: sacc could not be loaded again",
		     strerror(-ret));
	ASSERT_EQ(0, sacc_module_params(self->reload_params, sizeof(self->reload_params)));

	open_in = create_open(_metadata, self, self->parent[0], 2);
	idle_in = create(_metadata, self, self->parent[1], 1);
	wr(_metadata, open_in, SACC_REG_SCRATCH, 0xb0a710ad);
	ASSERT_EQ(0, sysfs_read_uint("/sys/module/sacc/refcnt", &refcnt));
	EXPECT_LE(1u, refcnt) TH_LOG("an open instance must hold the module");

	/* In use: the kernel refuses at once (EWOULDBLOCK) and nothing changes. */
	ret = sacc_module_unload();
	if (!ret)
		self->unloaded = true;
	ASSERT_EQ(-EWOULDBLOCK, ret);
	EXPECT_TRUE(mdev_exists(open_in->uuid));
	EXPECT_TRUE(mdev_exists(idle_in->uuid));
	EXPECT_EQ(0xb0a710adu, rd(_metadata, open_in, SACC_REG_SCRATCH));
	EXPECT_EQ(SACC_ID_MAGIC, rd(_metadata, open_in, SACC_REG_ID));
	expect_idle(_metadata, &self->p, self->parent[0], 2);

	/* Closed: unloading removes the instances that are left, then the parents. */
	release_all(self);
	ret = sacc_module_unload();
	ASSERT_EQ(0, ret) TH_LOG("delete_module: %s", strerror(-ret));
	self->unloaded = true;
	EXPECT_EQ(0, parents_present(self));
	EXPECT_FALSE(mdev_exists(open_in->uuid));
	EXPECT_FALSE(mdev_exists(idle_in->uuid));
	EXPECT_NE(0, access("/sys/module/sacc", F_OK));
	EXPECT_NE(0, access("/sys/class/sacc", F_OK));

	/* Load it again, as it was, for the suites that follow. */
	ret = sacc_module_load(self->reload_params);
	ASSERT_EQ(0, ret) TH_LOG("loading %s (%s): %s", path, self->reload_params,
				 strerror(-ret));
	self->unloaded = false;
	/* A PCI function comes back too: edu by its ID, pci-testdev by driver_override. */
	EXPECT_EQ(NR_TEST_PARENTS, parents_present(self));
	expect_idle(_metadata, &self->p, self->parent[0], 0);
	expect_idle(_metadata, &self->p, self->parent[1], 0);
}

TEST_HARNESS_MAIN
