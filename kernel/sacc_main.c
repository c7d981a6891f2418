// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - a VFIO mediated-device driver for a sample accelerator.
 *
 * Module entry: checks the parameters, registers the instance driver, then
 * @nr_parents virtual accelerators, each with @queues queues, @memory_mb MiB of
 * device memory and @engines engines, then the PCI driver, which makes every PCI
 * function bound to it an accelerator with @pci_queues, @pci_memory_mb and
 * @pci_engines (sacc_pci_parent.c). Unloading removes every instance first; while
 * a VFIO user holds an instance open the module is in use and cannot be unloaded.
 */
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "sacc.h"

static unsigned int nr_parents = 2;
module_param(nr_parents, uint, 0444);
MODULE_PARM_DESC(nr_parents,
		 "Number of virtual accelerators (parents) to model, 0-8 (default 2; PCI functions bound to the driver are parents too)");

static unsigned int queues = 8;
module_param(queues, uint, 0444);
MODULE_PARM_DESC(queues, "Queues per accelerator, 1-1024 (default 8)");

static unsigned int memory_mb = 64;
module_param(memory_mb, uint, 0444);
MODULE_PARM_DESC(memory_mb,
		 "Device memory per accelerator in MiB, 1-4096, at least 1 MiB per queue (default 64)");

static unsigned int engines;
module_param(engines, uint, 0444);
MODULE_PARM_DESC(engines,
		 "Engines per accelerator, shared by its instances, 1-16 (default 0: one per online CPU, at most 16)");

static unsigned int pci_queues = 8;
module_param(pci_queues, uint, 0444);
MODULE_PARM_DESC(pci_queues, "Queues per PCI accelerator, 1-1024 (default 8)");

static unsigned int pci_memory_mb = 64;
module_param(pci_memory_mb, uint, 0444);
MODULE_PARM_DESC(pci_memory_mb,
		 "Device memory per PCI accelerator in MiB, 1-4096, at least 1 MiB per queue (default 64)");

static unsigned int pci_engines;
module_param(pci_engines, uint, 0444);
MODULE_PARM_DESC(pci_engines,
		 "Engines per PCI accelerator, 1-16 (default 0: one per online CPU, at most 16)");

bool sacc_param_dma_cache = true;
module_param_named(dma_cache, sacc_param_dma_cache, bool, 0644);
MODULE_PARM_DESC(dma_cache,
		 "Use the shadow translation cache of pinned pages; 0 = every DMA access through vfio_dma_rw() (default 1)");

unsigned int sacc_param_max_pinned_pages;
module_param_named(max_pinned_pages, sacc_param_max_pinned_pages, uint, 0644);
MODULE_PARM_DESC(max_pinned_pages,
		 "Pinned pages an instance's cache may hold, read at open; 0 = 512 per queue of the instance (default 0)");

/*
 * The virtual parents. A PCI parent belongs to its function's binding: the PCI
 * driver's probe creates it and its remove destroys it (sacc_pci_parent.c).
 */
static struct sacc_parent *sacc_parents[SACC_MAX_PARENTS];

/*
 * Refuse a capacity the device model cannot represent, naming the parameter:
 * @prefix is "" for the virtual parents' parameters, "pci_" for the PCI parents'.
 */
static int sacc_check_config(const char *prefix, const struct sacc_parent_config *cfg)
{
	if (cfg->queues < 1 || cfg->queues > 1024) {
		pr_err("sacc: %squeues=%u is out of range 1-1024\n", prefix, cfg->queues);
		return -EINVAL;
	}
	if (cfg->memory_mb < 1 || cfg->memory_mb > 4096) {
		pr_err("sacc: %smemory_mb=%u is out of range 1-4096\n", prefix,
		       cfg->memory_mb);
		return -EINVAL;
	}
	if (!sacc_memory_per_queue(cfg)) {
		pr_err("sacc: %smemory_mb=%u gives less than 1 MiB to each of the %u queues\n",
		       prefix, cfg->memory_mb, cfg->queues);
		return -EINVAL;
	}
	if (cfg->engines < 1 || cfg->engines > SACC_MAX_ENGINES) {
		pr_err("sacc: %sengines=%u is out of range 1-%d\n", prefix, cfg->engines,
		       SACC_MAX_ENGINES);
		return -EINVAL;
	}
	return 0;
}

static int sacc_check_params(const struct sacc_parent_config *cfg,
			     const struct sacc_parent_config *pci_cfg)
{
	int ret;

	if (nr_parents > SACC_MAX_PARENTS) {
		pr_err("sacc: nr_parents=%u is out of range 0-%d\n", nr_parents,
		       SACC_MAX_PARENTS);
		return -EINVAL;
	}
	ret = sacc_check_config("", cfg);
	if (ret)
		return ret;
	return sacc_check_config("pci_", pci_cfg);
}

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
	const struct sacc_parent_config cfg = {
		.queues = queues,
		.memory_mb = memory_mb,
		.engines = engines ?: min(num_online_cpus(), SACC_MAX_ENGINES),
	};
	const struct sacc_parent_config pci_cfg = {
		.queues = pci_queues,
		.memory_mb = pci_memory_mb,
		.engines = pci_engines ?: min(num_online_cpus(), SACC_MAX_ENGINES),
	};
	unsigned int i;
	int ret;

	ret = sacc_check_params(&cfg, &pci_cfg);
	if (ret)
		return ret;

	sacc_debugfs_init();
	ret = mdev_register_driver(&sacc_mdev_driver);
	if (ret)
		goto remove_debugfs;
	ret = sacc_parent_class_register();
	if (ret)
		goto unregister_driver;

	for (i = 0; i < nr_parents; i++) {
		struct sacc_parent *parent = sacc_parent_create(i, &cfg);

		if (IS_ERR(parent)) {
			ret = PTR_ERR(parent);
			pr_err("sacc: cannot register parent sacc%u: %d\n", i, ret);
			goto destroy_parents;
		}
		sacc_parents[i] = parent;
	}
	ret = sacc_pci_parent_register(&pci_cfg);
	if (ret) {
		pr_err("sacc: cannot register the PCI driver: %d\n", ret);
		goto destroy_parents;
	}
	return 0;

destroy_parents:
	sacc_destroy_parents();
	sacc_parent_class_unregister();
unregister_driver:
	mdev_unregister_driver(&sacc_mdev_driver);
remove_debugfs:
	sacc_debugfs_exit();
	return ret;
}

static void __exit sacc_exit(void)
{
	sacc_pci_parent_unregister();
	sacc_destroy_parents();
	sacc_parent_class_unregister();
	mdev_unregister_driver(&sacc_mdev_driver);
	sacc_debugfs_exit();
}

module_init(sacc_init);
module_exit(sacc_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sacc: VFIO mediated devices sharing a sample accelerator");
