// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the engine's run list (sacc_engine.c), with no engine threads:
 * which queues a doorbell puts on the run list, and which a reset or close takes
 * off it. A queue made runnable again before the quiesce that follows a reset
 * must stay (else it stalls until its next doorbell); a queue of a function that
 * may not master the bus, or of a closed instance, must not be there.
 */
#include <kunit/test.h>

#include "../sacc.h"

#define NR_QUEUES	2

static void set_command(struct kunit *test, struct sacc_mdev *smdev, u16 cmd)
{
	KUNIT_ASSERT_EQ(test, 0, sacc_cfg_write(&smdev->cfg, PCI_COMMAND, 2, cmd));
}

/* The function and its queue 0 enabled, one descriptor to run (lock held or unshared). */
static void ready_queue0(struct sacc_mdev *smdev)
{
	smdev->regs.ctrl = SACC_CTRL_ENABLE;
	smdev->regs.q[0].ctrl = SACC_Q_CTRL_ENABLE;
	smdev->regs.q[0].size = 64;
	smdev->regs.q[0].tail = 1;
}

/* An open instance whose queue 0 has one descriptor to run, on a threadless parent. */
static struct sacc_mdev *new_instance(struct kunit *test)
{
	struct sacc_parent *parent = kunit_kzalloc(test, sizeof(*parent), GFP_KERNEL);
	struct sacc_mdev *smdev = kunit_kzalloc(test, sizeof(*smdev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, parent);
	KUNIT_ASSERT_NOT_NULL(test, smdev);
	KUNIT_ASSERT_EQ(test, 0, sacc_engine_start(&parent->engine, 0, "kunit"));
	smdev->parent = parent;
	smdev->weight = 1;
	spin_lock_init(&smdev->lock);
	sacc_queues_init(smdev);
	sacc_regs_init(&smdev->regs, NR_QUEUES, 1, SACC_OPS_ALL);
	sacc_cfg_init(&smdev->cfg, SZ_1M);
	set_command(test, smdev, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	smdev->open = true;
	ready_queue0(smdev);
	return smdev;
}

static void kick(struct sacc_mdev *smdev)
{
	spin_lock(&smdev->lock);
	sacc_engine_kick(smdev);
	spin_unlock(&smdev->lock);
}

static unsigned int runlist_len(struct sacc_mdev *smdev)
{
	struct sacc_engine *e = &smdev->parent->engine;
	struct list_head *pos;
	unsigned int n = 0;

	spin_lock(&e->lock);
	list_for_each(pos, &e->runlist)
		n++;
	spin_unlock(&e->lock);
	return n;
}

static void engine_kick_queues_runnable_queues_once(struct kunit *test)
{
	struct sacc_mdev *smdev = new_instance(test);

	kick(smdev);
	KUNIT_EXPECT_TRUE(test, smdev->queues[0].queued);
	KUNIT_EXPECT_FALSE(test, smdev->queues[1].queued);	/* empty ring */
	kick(smdev);
	KUNIT_EXPECT_EQ(test, 1U, runlist_len(smdev));
	KUNIT_EXPECT_EQ(test, 1U, smdev->nr_busy);
	sacc_engine_stop(&smdev->parent->engine);
}

/* The race of a doorbell right after a reset, played in order. */
static void engine_quiesce_keeps_a_queue_kicked_after_the_reset(struct kunit *test)
{
	struct sacc_mdev *smdev = new_instance(test);

	kick(smdev);
	spin_lock(&smdev->lock);
	sacc_regs_reset(&smdev->regs);		/* the reset's register half */
	ready_queue0(smdev);			/* the user sets up again, rings */
	sacc_engine_kick(smdev);
	spin_unlock(&smdev->lock);
	sacc_engine_quiesce(smdev);		/* the reset's engine half */
	KUNIT_EXPECT_TRUE(test, smdev->queues[0].queued);
	KUNIT_EXPECT_EQ(test, 1U, runlist_len(smdev));
	KUNIT_EXPECT_EQ(test, 1U, smdev->nr_busy);
	sacc_engine_stop(&smdev->parent->engine);
}

static void engine_quiesce_takes_off_what_cannot_run(struct kunit *test)
{
	struct sacc_mdev *smdev = new_instance(test);

	kick(smdev);
	spin_lock(&smdev->lock);
	sacc_regs_reset(&smdev->regs);
	spin_unlock(&smdev->lock);
	sacc_engine_quiesce(smdev);
	KUNIT_EXPECT_FALSE(test, smdev->queues[0].queued);
	KUNIT_EXPECT_EQ(test, 0U, runlist_len(smdev));
	KUNIT_EXPECT_EQ(test, 0U, smdev->nr_busy);

	smdev = new_instance(test);
	kick(smdev);
	spin_lock(&smdev->lock);
	smdev->open = false;			/* close */
	spin_unlock(&smdev->lock);
	sacc_engine_quiesce(smdev);
	KUNIT_EXPECT_EQ(test, 0U, runlist_len(smdev));
	KUNIT_EXPECT_EQ(test, 0U, smdev->nr_busy);
	sacc_engine_stop(&smdev->parent->engine);
}

static void engine_no_bus_master_no_run(struct kunit *test)
{
	struct sacc_mdev *smdev = new_instance(test);

	set_command(test, smdev, PCI_COMMAND_MEMORY);
	kick(smdev);
	KUNIT_EXPECT_FALSE(test, smdev->queues[0].queued);
	KUNIT_EXPECT_EQ(test, 0U, runlist_len(smdev));
	set_command(test, smdev, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	kick(smdev);
	KUNIT_EXPECT_TRUE(test, smdev->queues[0].queued);
	sacc_engine_stop(&smdev->parent->engine);
}

static struct kunit_case sacc_engine_cases[] = {
	KUNIT_CASE(engine_kick_queues_runnable_queues_once),
	KUNIT_CASE(engine_quiesce_keeps_a_queue_kicked_after_the_reset),
	KUNIT_CASE(engine_quiesce_takes_off_what_cannot_run),
	KUNIT_CASE(engine_no_bus_master_no_run),
	{}
};

static struct kunit_suite sacc_engine_suite = {
	.name = "sacc_engine",
	.test_cases = sacc_engine_cases,
};

kunit_test_suite(sacc_engine_suite);
