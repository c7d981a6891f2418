// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - emulated PCI configuration space of an instance.
 *
 * The walking skeleton exposes a read-only type 0 header carrying the device's
 * identity; BARs, capabilities and writable registers come with the device model.
 */
#include <linux/pci_ids.h>
#include <linux/uaccess.h>
#include <linux/unaligned.h>

#include "sacc.h"
#include "uapi/sacc_regs.h"

/**
 * sacc_cfg_init() - fill an instance's configuration space with its reset values
 * @config: PCI_CFG_SPACE_SIZE bytes
 */
void sacc_cfg_init(u8 *config)
{
	memset(config, 0, PCI_CFG_SPACE_SIZE);
	put_unaligned_le16(SACC_PCI_VENDOR_ID, config + PCI_VENDOR_ID);
	put_unaligned_le16(SACC_PCI_DEVICE_ID, config + PCI_DEVICE_ID);
	config[PCI_REVISION_ID] = SACC_PCI_REVISION;
	config[PCI_CLASS_PROG] = SACC_PCI_CLASS & 0xff;
	put_unaligned_le16(SACC_PCI_CLASS >> 8, config + PCI_CLASS_DEVICE);
	config[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;
	put_unaligned_le16(SACC_PCI_VENDOR_ID, config + PCI_SUBSYSTEM_VENDOR_ID);
	put_unaligned_le16(SACC_PCI_DEVICE_ID, config + PCI_SUBSYSTEM_ID);
}

/**
 * sacc_cfg_read() - a user's read of the configuration space region
 * @config: the instance's configuration space
 * @buf: user buffer
 * @count: bytes asked for
 * @offset: offset inside the region
 *
 * Return: bytes read, or -EINVAL when [@offset, @offset + @count) leaves the region,
 * or -EFAULT.
 */
ssize_t sacc_cfg_read(const u8 *config, char __user *buf, size_t count,
		      u64 offset)
{
	if (offset >= PCI_CFG_SPACE_SIZE || count > PCI_CFG_SPACE_SIZE - offset)
		return -EINVAL;
	if (copy_to_user(buf, config + offset, count))
		return -EFAULT;
	return count;
}
