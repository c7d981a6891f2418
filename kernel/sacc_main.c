// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - a VFIO mediated-device driver for a sample accelerator.
 *
 * Module entry: registers the instance driver, then @nr_parents accelerators with
 * @queues queues each. Unloading removes every instance first; an instance a VFIO
 * user holds open is asked to be released and unloading waits for it.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "sacc.h"

static unsigned int nr_parents = 1;
module_param(nr_parents, uint, 0444);
MODULE_PARM_DESC(nr_parents, "Number of accelerators (parents) to model, 1-8 (default 1)");

static unsigned int queues = 8;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "Queues per accelerator, the capacity types slice, 1-1024 (default 8)");

static struct sacc_parent *sacc_parents[SACC_MAX_PARENTS];

static void sacc_destroy_parents(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(sacc_parents); i++) {
		if (sacc_parents[i])
			sacc_parent_destroy(sacc_parents[i]);
		sacc_parents[i] = NULL;
	}
}

static int __init sacc_init(void)
{
	unsigned int i;
	int ret;

	if (nr_parents < 1 || nr_parents > SACC_MAX_PARENTS) {
		pr_err("sacc: nr_parents=%u is out of range 1-%d\n",
		       nr_parents, SACC_MAX_PARENTS);
		return -EINVAL;
	}
	if (queues < 1 || queues > 1024) {
		pr_err("sacc: queues=%u is out of range 1-1024\n", queues);
		return -EINVAL;
	}

	ret = mdev_register_driver(&sacc_mdev_driver);
	if (ret)
		return ret;
	ret = sacc_parent_class_register();
	if (ret)
		goto unregister_driver;

	for (i = 0; i < nr_parents; i++) {
		struct sacc_parent *parent = sacc_parent_create(i, queues);

		if (IS_ERR(parent)) {
			ret = PTR_ERR(parent);
			pr_err("sacc: cannot register parent sacc%u: %d\n", i, ret);
			goto destroy_parents;
		}
		sacc_parents[i] = parent;
	}
	return 0;

destroy_parents:
	sacc_destroy_parents();
	sacc_parent_class_unregister();
unregister_driver:
	mdev_unregister_driver(&sacc_mdev_driver);
	return ret;
}

static void __exit sacc_exit(void)
{
	sacc_destroy_parents();
	sacc_parent_class_unregister();
	mdev_unregister_driver(&sacc_mdev_driver);
}

module_init(sacc_init);
module_exit(sacc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sacc: VFIO mediated devices sharing a sample accelerator");
