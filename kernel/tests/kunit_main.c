// SPDX-License-Identifier: GPL-2.0
/*
 * sacc_kunit.ko: the KUnit suites of sacc.ko, one file per unit under test. They
 * reach sacc.ko's internals through EXPORT_SYMBOL_IF_KUNIT().
 */
#include <linux/module.h>

#include "../compat.h"

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("KUnit tests for sacc: budgets, types, config space, registers");
MODULE_IMPORT_NS(SACC_KUNIT_NS);
