// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the type arithmetic (sacc_parent.c): how a parent's capacity is
 * sliced into types, and how instances take and give back their slice.
 */
#include <kunit/test.h>

#include "../sacc.h"

static void types_are_proportional_slices(struct kunit *test)
{
	const struct sacc_parent_config cfg = { .queues = 8, .memory_mb = 64, .engines = 2 };
	struct sacc_type types[SACC_NR_TYPES];
	unsigned int i;

	sacc_types_init(types, &cfg);
	for (i = 0; i < SACC_NR_TYPES; i++) {
		KUNIT_EXPECT_EQ(test, types[i].queues, 1U << i);
		KUNIT_EXPECT_EQ(test, types[i].memory_mb, 8U << i);
		KUNIT_EXPECT_EQ(test, types[i].weight, 1U << i);
		KUNIT_EXPECT_TRUE(test, is_power_of_2(types[i].memory_mb));
	}
	KUNIT_EXPECT_STREQ(test, types[1].type.sysfs_name, "2q");
}

static void memory_per_queue_rounds_down_to_a_power_of_two(struct kunit *test)
{
	static const struct { unsigned int queues, memory_mb, want; } cases[] = {
		{ 8, 64, 8 }, { 8, 48, 4 }, { 8, 7, 0 }, { 1, 4096, 4096 },
		{ 3, 100, 32 }, { 1024, 1024, 1 }, { 1024, 1023, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		const struct sacc_parent_config cfg = {
			.queues = cases[i].queues, .memory_mb = cases[i].memory_mb,
			.engines = 1,
		};

		KUNIT_EXPECT_EQ_MSG(test, sacc_memory_per_queue(&cfg), cases[i].want,
				    "queues=%u memory_mb=%u", cases[i].queues,
				    cases[i].memory_mb);
	}
}

/* A parent with @queues queues and @memory_mb MiB, its types wired as mdev would. */
static struct sacc_parent *fake_parent(struct kunit *test, unsigned int queues,
				       unsigned int memory_mb, unsigned int per_queue_mb)
{
	const struct sacc_parent_config cfg = {
		.queues = queues, .memory_mb = queues * per_queue_mb, .engines = 1,
	};
	struct sacc_parent *parent = kunit_kzalloc(test, sizeof(*parent), GFP_KERNEL);
	unsigned int i;

	KUNIT_ASSERT_NOT_NULL(test, parent);
	sacc_types_init(parent->types, &cfg);
	sacc_budget_init(&parent->queues, queues);
	sacc_budget_init(&parent->memory, memory_mb);
	for (i = 0; i < SACC_NR_TYPES; i++)
		parent->types[i].type.parent = &parent->mdev_parent;
	return parent;
}

static void available_is_the_scarcer_resource(struct kunit *test)
{
	/* 8 queues but memory for only 3 queues' worth (8 MiB each). */
	struct sacc_parent *parent = fake_parent(test, 8, 24, 8);

	KUNIT_EXPECT_EQ(test, sacc_type_available(&parent->types[0].type), 3U);
	KUNIT_EXPECT_EQ(test, sacc_type_available(&parent->types[1].type), 1U);
	KUNIT_EXPECT_EQ(test, sacc_type_available(&parent->types[2].type), 0U);
}

static void take_is_all_or_nothing_across_budgets(struct kunit *test)
{
	struct sacc_parent *parent = fake_parent(test, 8, 24, 8);
	const struct sacc_type *two = &parent->types[1];

	KUNIT_ASSERT_EQ(test, sacc_type_take(parent, two), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent->queues.free), 6);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent->memory.free), 8);
	/* Queues would suffice, memory does not: nothing may be taken. */
	KUNIT_EXPECT_EQ(test, sacc_type_take(parent, two), -ENOSPC);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent->queues.free), 6);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent->memory.free), 8);

	sacc_type_give(parent, two);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent->queues.free), 8);
	KUNIT_EXPECT_EQ(test, atomic_read(&parent->memory.free), 24);
}

static struct kunit_case sacc_types_cases[] = {
	KUNIT_CASE(types_are_proportional_slices),
	KUNIT_CASE(memory_per_queue_rounds_down_to_a_power_of_two),
	KUNIT_CASE(available_is_the_scarcer_resource),
	KUNIT_CASE(take_is_all_or_nothing_across_budgets),
	{}
};

static struct kunit_suite sacc_types_suite = {
	.name = "sacc_types",
	.test_cases = sacc_types_cases,
};

kunit_test_suite(sacc_types_suite);
