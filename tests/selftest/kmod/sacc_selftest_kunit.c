// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a KUnit suite with one passing and one failing case. A VM run
 * that loads it must fail, naming the failing case.
 */
#include <kunit/test.h>

static void selftest_passing_case(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, 2 + 2, 4);
}

static void selftest_deliberately_failing_case(struct kunit *test)
{
	KUNIT_EXPECT_EQ_MSG(test, 2 + 2, 5, "failing on purpose");
}

static struct kunit_case sacc_selftest_cases[] = {
	KUNIT_CASE(selftest_passing_case),
	KUNIT_CASE(selftest_deliberately_failing_case),
	{}
};

static struct kunit_suite sacc_selftest_suite = {
	.name = "sacc_harness_selftest",
	.test_cases = sacc_selftest_cases,
};

kunit_test_suite(sacc_selftest_suite);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sacc harness self-test: a KUnit suite with a failing case");
