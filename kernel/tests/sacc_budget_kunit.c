// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the capacity budget (sacc_budget.c): all-or-nothing takes,
 * exact give-back, available_instances arithmetic, and consistency when several
 * threads create and remove at once.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>

#include "../sacc.h"

static void budget_take_within_capacity(struct kunit *test)
{
	struct sacc_budget b;

	sacc_budget_init(&b, 8);
	KUNIT_EXPECT_EQ(test, sacc_budget_take(&b, 2), 0);
	KUNIT_EXPECT_EQ(test, sacc_budget_take(&b, 4), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.free), 2);
	KUNIT_EXPECT_EQ(test, sacc_budget_take(&b, 2), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.free), 0);
}

static void budget_take_beyond_capacity_changes_nothing(struct kunit *test)
{
	struct sacc_budget b;

	sacc_budget_init(&b, 5);
	KUNIT_EXPECT_EQ(test, sacc_budget_take(&b, 4), 0);
	KUNIT_EXPECT_EQ(test, sacc_budget_take(&b, 2), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.free), 1);
	KUNIT_EXPECT_EQ(test, sacc_budget_take(&b, 1), 0);
	KUNIT_EXPECT_EQ(test, sacc_budget_take(&b, 1), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.free), 0);
}

static void budget_give_restores(struct kunit *test)
{
	struct sacc_budget b;

	sacc_budget_init(&b, 4);
	KUNIT_ASSERT_EQ(test, sacc_budget_take(&b, 4), 0);
	sacc_budget_give(&b, 4);
	KUNIT_EXPECT_EQ(test, atomic_read(&b.free), 4);
	KUNIT_EXPECT_EQ(test, sacc_budget_take(&b, 4), 0);
}

static void budget_available_rounds_down(struct kunit *test)
{
	struct sacc_budget b;

	sacc_budget_init(&b, 7);
	KUNIT_EXPECT_EQ(test, sacc_budget_available(&b, 1), 7U);
	KUNIT_EXPECT_EQ(test, sacc_budget_available(&b, 2), 3U);
	KUNIT_EXPECT_EQ(test, sacc_budget_available(&b, 4), 1U);
	KUNIT_EXPECT_EQ(test, sacc_budget_available(&b, 8), 0U);
	KUNIT_EXPECT_EQ(test, sacc_budget_available(&b, 0), 0U);
	KUNIT_ASSERT_EQ(test, sacc_budget_take(&b, 4), 0);
	KUNIT_EXPECT_EQ(test, sacc_budget_available(&b, 2), 1U);
	KUNIT_EXPECT_EQ(test, sacc_budget_available(&b, 4), 0U);
}

#define RACE_THREADS	4
#define RACE_ROUNDS	20000

struct budget_race {
	struct sacc_budget budget;
	atomic_t overcommits;
	atomic_t takes;
	struct completion done[RACE_THREADS];
};

/* Take and give back in a loop, checking the pool never goes below zero. */
static int budget_race_thread(void *data)
{
	struct budget_race *race = data;
	unsigned int i, units = 3;
	int me = atomic_inc_return(&race->takes) - 1;

	for (i = 0; i < RACE_ROUNDS; i++) {
		if (sacc_budget_take(&race->budget, units))
			continue;
		if (atomic_read(&race->budget.free) < 0)
			atomic_inc(&race->overcommits);
		sacc_budget_give(&race->budget, units);
		if (!(i % 256))
			cond_resched();
	}
	complete(&race->done[me]);
	return 0;
}

static void budget_concurrent_take_give_is_consistent(struct kunit *test)
{
	struct budget_race *race;
	struct task_struct *t;
	int i;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	/* 7 units, 3 per take: at most two holders at once, never three. */
	sacc_budget_init(&race->budget, 7);
	for (i = 0; i < RACE_THREADS; i++)
		init_completion(&race->done[i]);

	for (i = 0; i < RACE_THREADS; i++) {
		t = kthread_run(budget_race_thread, race, "sacc_budget_race/%d", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < RACE_THREADS; i++)
		wait_for_completion(&race->done[i]);

	KUNIT_EXPECT_EQ(test, atomic_read(&race->overcommits), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->budget.free), 7);
}

static struct kunit_case sacc_budget_cases[] = {
	KUNIT_CASE(budget_take_within_capacity),
	KUNIT_CASE(budget_take_beyond_capacity_changes_nothing),
	KUNIT_CASE(budget_give_restores),
	KUNIT_CASE(budget_available_rounds_down),
	KUNIT_CASE_SLOW(budget_concurrent_take_give_is_consistent),
	{}
};

static struct kunit_suite sacc_budget_suite = {
	.name = "sacc_budget",
	.test_cases = sacc_budget_cases,
};

kunit_test_suite(sacc_budget_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for sacc's capacity budget");
MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
