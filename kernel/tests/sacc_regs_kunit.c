// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the register window (sacc_regs.c): the decode tables, reset
 * values, and the write behaviour of every register (read-only, read-write with
 * masks, write-1-to-clear, write-only commands) with the effects writes report.
 */
#include <kunit/test.h>

#include "../sacc.h"

#define NR_QUEUES	2

static struct sacc_regs *new_regs(struct kunit *test)
{
	struct sacc_regs *regs = kunit_kzalloc(test, sizeof(*regs), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, regs);
	sacc_regs_init(regs, NR_QUEUES, 16, SACC_OPS_ALL);
	return regs;
}

/* Read the register at @off as the window does: reserved offsets read 0. */
static u32 rd(struct sacc_regs *regs, unsigned int off)
{
	const struct sacc_reg_desc *reg;
	unsigned int q = 0;

	reg = sacc_regs_decode(regs, off, &q);
	return reg ? sacc_regs_read(regs, reg, q) : 0;
}

static unsigned int wr(struct sacc_regs *regs, unsigned int off, u32 val)
{
	const struct sacc_reg_desc *reg;
	unsigned int q = 0;

	reg = sacc_regs_decode(regs, off, &q);
	return reg ? sacc_regs_write(regs, reg, q, val) : 0;
}

static const unsigned int global_offsets[] = {
	SACC_REG_ID, SACC_REG_VERSION, SACC_REG_CAPS, SACC_REG_DEVMEM_SIZE,
	SACC_REG_CTRL, SACC_REG_STATUS, SACC_REG_INTR_STATUS, SACC_REG_INTR_MASK,
	SACC_REG_INTR_TEST, SACC_REG_SCRATCH,
};

static const unsigned int queue_offsets[] = {
	SACC_Q_BASE_LO, SACC_Q_BASE_HI, SACC_Q_SIZE, SACC_Q_HEAD, SACC_Q_TAIL,
	SACC_Q_DOORBELL, SACC_Q_CTRL, SACC_Q_STATUS, SACC_Q_ERROR,
	SACC_Q_ERROR_INFO, SACC_Q_INTR_COALESCE,
};

static void regs_decode_every_offset(struct kunit *test)
{
	struct sacc_regs *regs = new_regs(test);
	const struct sacc_reg_desc *reg;
	unsigned int off, q, i, found = 0;

	for (off = 0; off < SACC_REGS_SIZE; off += 4) {
		q = ~0u;
		reg = sacc_regs_decode(regs, off, &q);
		if (!reg)
			continue;
		found++;
		if (off < SACC_QUEUE_BASE) {
			KUNIT_EXPECT_EQ(test, reg->offset, off);
			continue;
		}
		KUNIT_EXPECT_LT(test, q, (unsigned int)NR_QUEUES);
		KUNIT_EXPECT_EQ(test, SACC_QUEUE_REG(q, reg->offset), off);
	}
	KUNIT_EXPECT_EQ(test, found, (unsigned int)(ARRAY_SIZE(global_offsets) +
				    NR_QUEUES * ARRAY_SIZE(queue_offsets)));
	for (i = 0; i < ARRAY_SIZE(global_offsets); i++)
		KUNIT_EXPECT_NOT_NULL(test, sacc_regs_decode(regs, global_offsets[i], &q));
	/* The blocks of queues the function lacks are reserved. */
	for (i = 0; i < ARRAY_SIZE(queue_offsets); i++) {
		off = SACC_QUEUE_REG(NR_QUEUES, queue_offsets[i]);
		KUNIT_EXPECT_NULL(test, sacc_regs_decode(regs, off, &q));
	}
}

static void regs_reset_values(struct kunit *test)
{
	struct sacc_regs *regs = new_regs(test);
	u32 causes = SACC_INTR_QUEUE(0) | SACC_INTR_QUEUE(1) | SACC_INTR_ERROR |
		     SACC_INTR_TEST;
	unsigned int q, i;

	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_ID), SACC_ID_MAGIC);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_VERSION), SACC_VERSION);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_CAPS),
			NR_QUEUES | SACC_OPS_ALL << SACC_CAPS_OPS_SHIFT);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_DEVMEM_SIZE), 16);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_CTRL), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_STATUS), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_STATUS), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_MASK), causes);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_TEST), 0);
	/* Both command bits at once: both happen. */
	KUNIT_EXPECT_EQ(test, wr(regs, SACC_REG_INTR_TEST,
				 SACC_INTR_TEST_FATAL | SACC_INTR_TEST_RAISE),
			SACC_FX_FATAL | SACC_FX_QUEUES | SACC_FX_IRQ);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_STATUS), SACC_INTR_TEST);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_SCRATCH), 0);
	for (q = 0; q < NR_QUEUES; q++)
		for (i = 0; i < ARRAY_SIZE(queue_offsets); i++)
			KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(q, queue_offsets[i])), 0);
}

static void regs_read_only_ignore_writes(struct kunit *test)
{
	struct sacc_regs *regs = new_regs(test);
	static const unsigned int ro[] = {
		SACC_REG_ID, SACC_REG_VERSION, SACC_REG_CAPS, SACC_REG_DEVMEM_SIZE,
		SACC_REG_STATUS, SACC_QUEUE_REG(1, SACC_Q_HEAD),
		SACC_QUEUE_REG(1, SACC_Q_TAIL), SACC_QUEUE_REG(1, SACC_Q_STATUS),
		SACC_QUEUE_REG(1, SACC_Q_ERROR_INFO),
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		u32 before = rd(regs, ro[i]);

		KUNIT_EXPECT_EQ(test, wr(regs, ro[i], 0xffffffff), 0U);
		KUNIT_EXPECT_EQ_MSG(test, rd(regs, ro[i]), before, "offset %#x", ro[i]);
	}
	/* Reserved offsets: nothing to change, reads stay 0. */
	KUNIT_EXPECT_EQ(test, wr(regs, 0x0fc, 0xffffffff), 0U);
	KUNIT_EXPECT_EQ(test, rd(regs, 0x0fc), 0);
}

static void regs_read_write_masks(struct kunit *test)
{
	struct sacc_regs *regs = new_regs(test);
	u32 causes = SACC_INTR_QUEUE(0) | SACC_INTR_QUEUE(1) | SACC_INTR_ERROR |
		     SACC_INTR_TEST;
	static const struct { unsigned int off; u32 mask; } rw[] = {
		{ SACC_REG_SCRATCH, 0xffffffff },
		{ SACC_QUEUE_REG(0, SACC_Q_BASE_LO), 0xffffffc0 },
		{ SACC_QUEUE_REG(0, SACC_Q_BASE_HI), 0xffffffff },
		{ SACC_QUEUE_REG(1, SACC_Q_SIZE), SACC_Q_SIZE_MASK },
		{ SACC_QUEUE_REG(1, SACC_Q_CTRL), SACC_Q_CTRL_ENABLE },
		{ SACC_QUEUE_REG(1, SACC_Q_INTR_COALESCE), 0xffff00ff },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rw); i++) {
		wr(regs, rw[i].off, 0xffffffff);
		KUNIT_EXPECT_EQ_MSG(test, rd(regs, rw[i].off), rw[i].mask, "offset %#x",
				    rw[i].off);
		wr(regs, rw[i].off, 0);
		KUNIT_EXPECT_EQ_MSG(test, rd(regs, rw[i].off), 0, "offset %#x", rw[i].off);
	}
	wr(regs, SACC_REG_INTR_MASK, 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_MASK), 0);
	wr(regs, SACC_REG_INTR_MASK, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_MASK), causes);
	KUNIT_EXPECT_EQ(test, wr(regs, SACC_REG_CTRL, 0xffffffff & ~SACC_CTRL_RESET),
			SACC_FX_QUEUES);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_CTRL), SACC_CTRL_ENABLE);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_STATUS), SACC_STATUS_READY);
}

static void regs_interrupt_status_is_write_1_to_clear(struct kunit *test)
{
	struct sacc_regs *regs = new_regs(test);

	KUNIT_EXPECT_EQ(test, wr(regs, SACC_REG_INTR_TEST, SACC_INTR_TEST_RAISE),
			SACC_FX_IRQ);
	sacc_regs_raise(regs, SACC_INTR_QUEUE(1) | SACC_INTR_QUEUE(5));
	/* Queue 5 does not exist on a 2-queue function: its cause cannot be raised. */
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_STATUS),
			SACC_INTR_TEST | SACC_INTR_QUEUE(1));
	KUNIT_EXPECT_EQ(test, sacc_regs_pending(regs), 0);	/* all masked */
	wr(regs, SACC_REG_INTR_MASK, ~SACC_INTR_TEST);
	KUNIT_EXPECT_EQ(test, sacc_regs_pending(regs), SACC_INTR_TEST);

	wr(regs, SACC_REG_INTR_STATUS, 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_STATUS),
			SACC_INTR_TEST | SACC_INTR_QUEUE(1));
	KUNIT_EXPECT_EQ(test, wr(regs, SACC_REG_INTR_STATUS, SACC_INTR_TEST), SACC_FX_IRQ);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_STATUS), SACC_INTR_QUEUE(1));
	KUNIT_EXPECT_EQ(test, sacc_regs_pending(regs), 0);

	regs->q[1].error = SACC_QERR_ADDR;
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(1, SACC_Q_ERROR)), SACC_QERR_ADDR);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(1, SACC_Q_STATUS)),
			SACC_Q_STATUS_HALTED);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_STATUS), SACC_STATUS_QERR);
	wr(regs, SACC_QUEUE_REG(1, SACC_Q_ERROR), SACC_QERR_ADDR);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(1, SACC_Q_ERROR)), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_STATUS), 0);
}

static void regs_commands_and_effects(struct kunit *test)
{
	struct sacc_regs *regs = new_regs(test);
	u32 gen;

	/* Write-only registers read 0; the doorbell records the tail. */
	KUNIT_EXPECT_EQ(test, wr(regs, SACC_QUEUE_REG(0, SACC_Q_DOORBELL), 0xffff0005),
			SACC_FX_QUEUES);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_DOORBELL)), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_TAIL)), 5);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_STATUS)),
			SACC_Q_STATUS_BUSY);
	/* Enabling starts from an empty ring: the earlier doorbell is discarded. */
	gen = regs->q[0].gen;
	wr(regs, SACC_QUEUE_REG(0, SACC_Q_CTRL), SACC_Q_CTRL_ENABLE);
	KUNIT_EXPECT_NE(test, regs->q[0].gen, gen);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_TAIL)), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_STATUS)),
			SACC_Q_STATUS_ENABLED);
	wr(regs, SACC_QUEUE_REG(0, SACC_Q_DOORBELL), 3);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_STATUS)),
			SACC_Q_STATUS_ENABLED | SACC_Q_STATUS_BUSY);
	/* Rewriting ENABLE with the same value is no enable: nothing resets. */
	gen = regs->q[0].gen;
	wr(regs, SACC_QUEUE_REG(0, SACC_Q_CTRL), SACC_Q_CTRL_ENABLE);
	KUNIT_EXPECT_EQ(test, regs->q[0].gen, gen);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_TAIL)), 3);
	/* Clearing CTRL.ENABLE stops every queue: what they ran is stale. */
	wr(regs, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	gen = regs->q[0].gen;
	wr(regs, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	KUNIT_EXPECT_EQ(test, regs->q[0].gen, gen);
	wr(regs, SACC_REG_CTRL, 0);
	KUNIT_EXPECT_NE(test, regs->q[0].gen, gen);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_TAIL)), 3);

	/* CTRL.RESET asks for a reset and changes nothing by itself. */
	KUNIT_EXPECT_EQ(test, wr(regs, SACC_REG_CTRL, SACC_CTRL_RESET | SACC_CTRL_ENABLE),
			SACC_FX_RESET);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_CTRL), 0);

	wr(regs, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	KUNIT_EXPECT_EQ(test, wr(regs, SACC_REG_INTR_TEST, SACC_INTR_TEST_FATAL),
			SACC_FX_FATAL | SACC_FX_QUEUES);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_STATUS), SACC_STATUS_FATAL);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_INTR_TEST), 0);

	wr(regs, SACC_REG_SCRATCH, 0x1234);
	sacc_regs_reset(regs);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_STATUS), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_SCRATCH), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_QUEUE_REG(0, SACC_Q_TAIL)), 0);
	KUNIT_EXPECT_EQ(test, rd(regs, SACC_REG_CAPS),
			NR_QUEUES | SACC_OPS_ALL << SACC_CAPS_OPS_SHIFT);
}

static struct kunit_case sacc_regs_cases[] = {
	KUNIT_CASE(regs_decode_every_offset),
	KUNIT_CASE(regs_reset_values),
	KUNIT_CASE(regs_read_only_ignore_writes),
	KUNIT_CASE(regs_read_write_masks),
	KUNIT_CASE(regs_interrupt_status_is_write_1_to_clear),
	KUNIT_CASE(regs_commands_and_effects),
	{}
};

static struct kunit_suite sacc_regs_suite = {
	.name = "sacc_regs",
	.test_cases = sacc_regs_cases,
};

kunit_test_suite(sacc_regs_suite);
