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
#define RACE_TOTAL	7
#define RACE_UNITS	3

struct budget_race {
	struct sacc_budget budget;
	atomic_t holders;
	atomic_t overcommits;
	atomic_t takes;
	struct completion done;
};

/*
 * Take and give back in a loop. Between its take and its give a thread is a holder;
 * with 7 units and 3 per take there may never be more than two holders at once.
 */
static int budget_race_thread(void *data)
{
	struct budget_race *race = data;
	unsigned int i;

	for (i = 0; i < RACE_ROUNDS; i++) {
		if (sacc_budget_take(&race->budget, RACE_UNITS))
			continue;
		atomic_inc(&race->takes);
		if (atomic_inc_return(&race->holders) * RACE_UNITS > RACE_TOTAL)
			atomic_inc(&race->overcommits);
		atomic_dec(&race->holders);
		sacc_budget_give(&race->budget, RACE_UNITS);
		if (!(i % 256))
			cond_resched();
	}
	complete(&race->done);
	return 0;
}

static void budget_concurrent_take_give_is_consistent(struct kunit *test)
{
	struct budget_race *race;
	struct task_struct *t;
	int i, started;

	race = kunit_kzalloc(test, sizeof(*race), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, race);
	sacc_budget_init(&race->budget, RACE_TOTAL);
	init_completion(&race->done);

	for (started = 0; started < RACE_THREADS; started++) {
		t = kthread_run(budget_race_thread, race, "sacc_race/%d", started);
		if (IS_ERR(t))
			break;
	}
	/* Wait for every thread started, even if one could not be: they use @race. */
	for (i = 0; i < started; i++)
		wait_for_completion(&race->done);

	KUNIT_ASSERT_EQ(test, started, RACE_THREADS);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->overcommits), 0);
	KUNIT_EXPECT_GT(test, atomic_read(&race->takes), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&race->budget.free), RACE_TOTAL);
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
