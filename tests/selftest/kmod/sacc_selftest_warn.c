// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test: a module that raises a kernel warning when loaded. A VM run
 * that loads it must fail on the WARNING in the serial log.
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init sacc_selftest_warn_init(void)
{
	WARN(1, "sacc harness self-test: a deliberate kernel warning\n");
	return 0;
}

static void __exit sacc_selftest_warn_exit(void)
{
}

module_init(sacc_selftest_warn_init);
module_exit(sacc_selftest_warn_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sacc harness self-test: raises a kernel warning on load");
