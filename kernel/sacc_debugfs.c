// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - counters of each instance in debugfs: /sys/kernel/debug/sacc/<uuid>/stats,
 * one "name value" line per counter. The directory lives as long as the instance;
 * the counters restart when a user opens the device.
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "sacc.h"

static struct dentry *sacc_debugfs_root;

static int sacc_stats_show(struct seq_file *m, void *unused)
{
	struct sacc_mdev *smdev = m->private;
	struct sacc_mdev_stats stats;
	struct sacc_dma_stats dma;

	spin_lock(&smdev->lock);
	stats = smdev->stats;
	spin_unlock(&smdev->lock);
	sacc_dma_stats(&smdev->dma, &dma);

	seq_printf(m, "ops %llu\n", stats.ops);
	seq_printf(m, "bytes %llu\n", stats.bytes);
	seq_printf(m, "faults %llu\n", stats.faults);
	seq_printf(m, "cache_hits %llu\n", dma.hits);
	seq_printf(m, "cache_misses %llu\n", dma.misses);
	seq_printf(m, "cache_evictions %llu\n", dma.evictions);
	seq_printf(m, "pinned_pages %llu\n", dma.pinned);
	seq_printf(m, "fenced_ranges %llu\n", dma.fences);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sacc_stats);

/**
 * sacc_debugfs_init() - create /sys/kernel/debug/sacc
 */
void sacc_debugfs_init(void)
{
	sacc_debugfs_root = debugfs_create_dir(SACC_NAME, NULL);
}

/**
 * sacc_debugfs_exit() - remove /sys/kernel/debug/sacc, after every instance
 */
void sacc_debugfs_exit(void)
{
	debugfs_remove_recursive(sacc_debugfs_root);
}

/**
 * sacc_debugfs_add() - the instance's directory and stats file
 * @smdev: the instance, registered (its name is its UUID)
 */
void sacc_debugfs_add(struct sacc_mdev *smdev)
{
	smdev->debugfs = debugfs_create_dir(dev_name(smdev->vdev.dev), sacc_debugfs_root);
	debugfs_create_file("stats", 0444, smdev->debugfs, smdev, &sacc_stats_fops);
}

/**
 * sacc_debugfs_remove() - remove the instance's directory
 * @smdev: the instance
 */
void sacc_debugfs_remove(struct sacc_mdev *smdev)
{
	debugfs_remove_recursive(smdev->debugfs);
}
