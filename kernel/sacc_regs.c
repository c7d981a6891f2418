// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - the register window (BAR0) of an instance: decode and semantics.
 *
 * Pure state and logic, no locking and no VFIO: the caller holds the instance lock
 * and acts on the effects a write reports (reset, interrupt update, doorbell). Two
 * tables map offsets to registers, one for the global block and one for a queue's
 * block; each entry says how the register behaves on a write. docs/device-spec.md is
 * the normative description of every register.
 */
#include <kunit/visibility.h>
#include <linux/bits.h>
#include <linux/kernel.h>

#include "sacc.h"

/* Global registers, in offset order. */
static const struct sacc_reg_desc sacc_global_regs[] = {
	{ SACC_REG_ID,          SACC_R_ID,          SACC_REG_RO,  0,          "ID" },
	{ SACC_REG_VERSION,     SACC_R_VERSION,     SACC_REG_RO,  0,          "VERSION" },
	{ SACC_REG_CAPS,        SACC_R_CAPS,        SACC_REG_RO,  0,          "CAPS" },
	{ SACC_REG_DEVMEM_SIZE, SACC_R_DEVMEM_SIZE, SACC_REG_RO,  0,          "DEVMEM_SIZE" },
	{ SACC_REG_CTRL,        SACC_R_CTRL,        SACC_REG_RW,
	  SACC_CTRL_ENABLE | SACC_CTRL_RESET, "CTRL" },
	{ SACC_REG_STATUS,      SACC_R_STATUS,      SACC_REG_RO,  0,          "STATUS" },
	/* wmask 0: the writable bits of these two are the function's causes */
	{ SACC_REG_INTR_STATUS, SACC_R_INTR_STATUS, SACC_REG_W1C, 0,          "INTR_STATUS" },
	{ SACC_REG_INTR_MASK,   SACC_R_INTR_MASK,   SACC_REG_RW,  0,          "INTR_MASK" },
	{ SACC_REG_INTR_TEST,   SACC_R_INTR_TEST,   SACC_REG_WO,
	  SACC_INTR_TEST_RAISE | SACC_INTR_TEST_FATAL, "INTR_TEST" },
	{ SACC_REG_SCRATCH,     SACC_R_SCRATCH,     SACC_REG_RW,  0xffffffff, "SCRATCH" },
};

/* One queue's registers, offsets relative to the queue's block. */
static const struct sacc_reg_desc sacc_queue_regs[] = {
	{ SACC_Q_BASE_LO,       SACC_R_Q_BASE_LO,   SACC_REG_RW,
	  (u32)~(SACC_Q_BASE_ALIGN - 1), "Q_BASE_LO" },
	{ SACC_Q_BASE_HI,       SACC_R_Q_BASE_HI,   SACC_REG_RW,  0xffffffff, "Q_BASE_HI" },
	{ SACC_Q_SIZE,          SACC_R_Q_SIZE,      SACC_REG_RW,  SACC_Q_SIZE_MASK, "Q_SIZE" },
	{ SACC_Q_HEAD,          SACC_R_Q_HEAD,      SACC_REG_RO,  0,          "Q_HEAD" },
	{ SACC_Q_TAIL,          SACC_R_Q_TAIL,      SACC_REG_RO,  0,          "Q_TAIL" },
	{ SACC_Q_DOORBELL,      SACC_R_Q_DOORBELL,  SACC_REG_WO,  SACC_Q_SIZE_MASK, "Q_DOORBELL" },
	{ SACC_Q_CTRL,          SACC_R_Q_CTRL,      SACC_REG_RW,  SACC_Q_CTRL_ENABLE, "Q_CTRL" },
	{ SACC_Q_STATUS,        SACC_R_Q_STATUS,    SACC_REG_RO,  0,          "Q_STATUS" },
	{ SACC_Q_ERROR,         SACC_R_Q_ERROR,     SACC_REG_W1C, 0xff,       "Q_ERROR" },
	{ SACC_Q_ERROR_INFO,    SACC_R_Q_ERROR_INFO, SACC_REG_RO, 0,          "Q_ERROR_INFO" },
	{ SACC_Q_INTR_COALESCE, SACC_R_Q_INTR_COALESCE, SACC_REG_RW,
	  SACC_Q_COALESCE_COUNT_MASK | SACC_Q_COALESCE_USECS_MASK, "Q_INTR_COALESCE" },
};

static const struct sacc_reg_desc *find_reg(const struct sacc_reg_desc *table,
					    unsigned int n, unsigned int off)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (table[i].offset == off)
			return &table[i];
	return NULL;
}

/**
 * sacc_regs_decode() - which register an offset of the window addresses
 * @regs: the register file (for its number of queues)
 * @off: byte offset in BAR0, 4-byte aligned
 * @queue: set to the queue number for a queue register
 *
 * Return: the register's descriptor, or NULL for a reserved offset, including
 * the blocks of queues this function does not have.
 */
const struct sacc_reg_desc *sacc_regs_decode(const struct sacc_regs *regs,
					     unsigned int off, unsigned int *queue)
{
	unsigned int q;

	if (off < SACC_QUEUE_BASE)
		return find_reg(sacc_global_regs, ARRAY_SIZE(sacc_global_regs), off);
	q = (off - SACC_QUEUE_BASE) / SACC_QUEUE_STRIDE;
	if (q >= regs->nr_queues)
		return NULL;
	*queue = q;
	return find_reg(sacc_queue_regs, ARRAY_SIZE(sacc_queue_regs),
			(off - SACC_QUEUE_BASE) % SACC_QUEUE_STRIDE);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_regs_decode);

/**
 * sacc_regs_causes() - the interrupt causes that exist on a function
 * @nr_queues: its queues, 1 to SACC_MAX_QUEUES
 *
 * Return: the SACC_INTR_* bits INTR_STATUS and INTR_MASK implement.
 */
u32 sacc_regs_causes(unsigned int nr_queues)
{
	return GENMASK(nr_queues - 1, 0) | SACC_INTR_ERROR | SACC_INTR_TEST;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_regs_causes);

/*
 * The function stopped (CTRL.ENABLE cleared, fatal error): what a queue was doing
 * is abandoned, as when it is disabled itself.
 */
static void sacc_regs_stop_queues(struct sacc_regs *regs)
{
	unsigned int q;

	for (q = 0; q < regs->nr_queues; q++)
		regs->q[q].gen++;
}

/**
 * sacc_regs_reset() - put every register in its reset state
 * @regs: the register file; @nr_queues, @devmem_mb and @ops must be set
 */
void sacc_regs_reset(struct sacc_regs *regs)
{
	unsigned int q;
	u32 gen, era;

	regs->ctrl = 0;
	regs->fatal = false;
	regs->intr_status = 0;
	regs->intr_mask = sacc_regs_causes(regs->nr_queues);
	regs->scratch = 0;
	for (q = 0; q < SACC_MAX_QUEUES; q++) {
		gen = regs->q[q].gen;
		era = regs->q[q].era;
		memset(&regs->q[q], 0, sizeof(regs->q[q]));
		regs->q[q].gen = gen + 1;
		regs->q[q].era = era + 1;
	}
}
EXPORT_SYMBOL_IF_KUNIT(sacc_regs_reset);

/**
 * sacc_regs_init() - set up a register file and reset it
 * @regs: the register file
 * @nr_queues: the function's queues, 1 to SACC_MAX_QUEUES
 * @devmem_mb: device memory size in MiB, as DEVMEM_SIZE reports it
 * @ops: SACC_OP_* bit mask the engine runs, as CAPS reports it
 */
void sacc_regs_init(struct sacc_regs *regs, unsigned int nr_queues,
		    u32 devmem_mb, u32 ops)
{
	regs->nr_queues = nr_queues;
	regs->devmem_mb = devmem_mb;
	regs->ops = ops;
	sacc_regs_reset(regs);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_regs_init);

/**
 * sacc_regs_pending() - the interrupt causes that are pending and not masked
 * @regs: the register file
 *
 * Return: INTR_STATUS & ~INTR_MASK.
 */
u32 sacc_regs_pending(const struct sacc_regs *regs)
{
	return regs->intr_status & ~regs->intr_mask;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_regs_pending);

/**
 * sacc_regs_raise() - make interrupt causes pending, as the device does
 * @regs: the register file
 * @causes: SACC_INTR_* bits; causes the function lacks are ignored
 */
void sacc_regs_raise(struct sacc_regs *regs, u32 causes)
{
	regs->intr_status |= causes & sacc_regs_causes(regs->nr_queues);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_regs_raise);

static u32 sacc_regs_status(const struct sacc_regs *regs)
{
	u32 status = 0;
	unsigned int q;

	if ((regs->ctrl & SACC_CTRL_ENABLE) && !regs->fatal)
		status |= SACC_STATUS_READY;
	if (regs->fatal)
		status |= SACC_STATUS_FATAL;
	for (q = 0; q < regs->nr_queues; q++)
		if (regs->q[q].error)
			status |= SACC_STATUS_QERR;
	return status;
}

static u32 sacc_queue_status(const struct sacc_queue_regs *q)
{
	u32 status = 0;

	if (q->error)
		status |= SACC_Q_STATUS_HALTED;
	else if (q->ctrl & SACC_Q_CTRL_ENABLE)
		status |= SACC_Q_STATUS_ENABLED;
	if (q->head != q->tail)
		status |= SACC_Q_STATUS_BUSY;
	return status;
}

/**
 * sacc_regs_read() - the value a 32-bit read of a register returns
 * @regs: the register file
 * @reg: from sacc_regs_decode()
 * @queue: the queue, for a queue register
 *
 * Return: the value.
 */
u32 sacc_regs_read(const struct sacc_regs *regs, const struct sacc_reg_desc *reg,
		   unsigned int queue)
{
	const struct sacc_queue_regs *q = &regs->q[queue];

	switch (reg->id) {
	case SACC_R_ID:			return SACC_ID_MAGIC;
	case SACC_R_VERSION:		return SACC_VERSION;
	case SACC_R_CAPS:
		return regs->nr_queues | (regs->ops << SACC_CAPS_OPS_SHIFT);
	case SACC_R_DEVMEM_SIZE:	return regs->devmem_mb;
	case SACC_R_CTRL:		return regs->ctrl;
	case SACC_R_STATUS:		return sacc_regs_status(regs);
	case SACC_R_INTR_STATUS:	return regs->intr_status;
	case SACC_R_INTR_MASK:		return regs->intr_mask;
	case SACC_R_SCRATCH:		return regs->scratch;
	case SACC_R_Q_BASE_LO:		return q->base_lo;
	case SACC_R_Q_BASE_HI:		return q->base_hi;
	case SACC_R_Q_SIZE:		return q->size;
	case SACC_R_Q_HEAD:		return q->head;
	case SACC_R_Q_TAIL:		return q->tail;
	case SACC_R_Q_CTRL:		return q->ctrl;
	case SACC_R_Q_STATUS:		return sacc_queue_status(q);
	case SACC_R_Q_ERROR:		return q->error;
	case SACC_R_Q_ERROR_INFO:	return q->error_info;
	case SACC_R_Q_INTR_COALESCE:	return q->coalesce;
	default:			return 0;	/* write-only registers */
	}
}
EXPORT_SYMBOL_IF_KUNIT(sacc_regs_read);

/* New value of a read-write register: only the writable bits change. */
static u32 rw(u32 old, u32 val, u32 wmask)
{
	return (old & ~wmask) | (val & wmask);
}

/**
 * sacc_regs_write() - apply a 32-bit write to a register
 * @regs: the register file
 * @reg: from sacc_regs_decode()
 * @queue: the queue, for a queue register
 * @val: the value written
 *
 * Writes to read-only registers and read-only bits change nothing.
 *
 * Return: SACC_FX_* effects the caller must carry out.
 */
unsigned int sacc_regs_write(struct sacc_regs *regs,
			     const struct sacc_reg_desc *reg, unsigned int queue,
			     u32 val)
{
	struct sacc_queue_regs *q = &regs->q[queue];
	u32 causes = sacc_regs_causes(regs->nr_queues);
	unsigned int fx;

	switch (reg->id) {
	case SACC_R_CTRL:
		if (val & SACC_CTRL_RESET)
			return SACC_FX_RESET;	/* the reset decides CTRL's value */
		if (regs->ctrl & ~val & SACC_CTRL_ENABLE)
			sacc_regs_stop_queues(regs);	/* every queue stops */
		regs->ctrl = rw(regs->ctrl, val, SACC_CTRL_ENABLE);
		return SACC_FX_QUEUES;
	case SACC_R_INTR_STATUS:
		regs->intr_status &= ~(val & causes);
		return SACC_FX_IRQ;
	case SACC_R_INTR_MASK:
		regs->intr_mask = rw(regs->intr_mask, val, causes);
		return SACC_FX_IRQ;
	case SACC_R_INTR_TEST:
		fx = 0;
		if (val & SACC_INTR_TEST_FATAL) {
			regs->fatal = true;
			sacc_regs_stop_queues(regs);
			fx |= SACC_FX_FATAL | SACC_FX_QUEUES;
		}
		if (val & SACC_INTR_TEST_RAISE) {
			sacc_regs_raise(regs, SACC_INTR_TEST);
			fx |= SACC_FX_IRQ;
		}
		return fx;
	case SACC_R_SCRATCH:
		regs->scratch = val;
		return 0;
	case SACC_R_Q_BASE_LO:
		q->base_lo = rw(q->base_lo, val, reg->wmask);
		return 0;
	case SACC_R_Q_BASE_HI:
		q->base_hi = val;
		return 0;
	case SACC_R_Q_SIZE:
		q->size = rw(q->size, val, reg->wmask);
		return 0;
	case SACC_R_Q_DOORBELL:
		q->tail = val & reg->wmask;
		return SACC_FX_QUEUES;
	case SACC_R_Q_CTRL:
		val = rw(q->ctrl, val, reg->wmask);
		if ((val ^ q->ctrl) & SACC_Q_CTRL_ENABLE) {
			q->gen++;
			if (val & SACC_Q_CTRL_ENABLE) {
				/* A queue starts from an empty ring at index 0. */
				q->era++;
				q->head = 0;
				q->tail = 0;
			}
		}
		q->ctrl = val;
		return SACC_FX_QUEUES;
	case SACC_R_Q_ERROR:
		q->error &= ~(val & reg->wmask);
		return SACC_FX_QUEUES;
	case SACC_R_Q_INTR_COALESCE:
		q->coalesce = rw(q->coalesce, val, reg->wmask);
		return 0;
	default:
		return 0;	/* read-only */
	}
}
EXPORT_SYMBOL_IF_KUNIT(sacc_regs_write);
