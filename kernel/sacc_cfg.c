// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - emulated PCI configuration space of an instance.
 *
 * Pure state and logic, no locking and no VFIO: the caller (sacc_mdev.c) holds the
 * instance lock. Every byte has a reset value and a mask of the bits a write may
 * change; writes to other bits are ignored, which is also what makes the BAR sizing
 * protocol work (the size bits of a BAR are not writable). docs/device-spec.md
 * lists the layout.
 */
#include <kunit/visibility.h>
#include <linux/pci_regs.h>

#include "sacc.h"

/* Command register bits the function implements. */
#define SACC_CFG_COMMAND_WMASK	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | \
				 PCI_COMMAND_INTX_DISABLE)

static void cfg_set16(struct sacc_cfg *cfg, unsigned int off, u16 val, u16 wmask)
{
	put_unaligned_le16(val, cfg->val + off);
	put_unaligned_le16(wmask, cfg->wmask + off);
}

static void cfg_set32(struct sacc_cfg *cfg, unsigned int off, u32 val, u32 wmask)
{
	put_unaligned_le32(val, cfg->val + off);
	put_unaligned_le32(wmask, cfg->wmask + off);
}

/**
 * sacc_cfg_init() - put a configuration space in its reset state
 * @cfg: the configuration space
 * @devmem_size: size of the device memory BAR (BAR2/3), a power of two >= 4 KiB
 */
void sacc_cfg_init(struct sacc_cfg *cfg, u64 devmem_size)
{
	u32 bar2_wmask = lower_32_bits(~(devmem_size - 1)) & PCI_BASE_ADDRESS_MEM_MASK;

	memset(cfg, 0, sizeof(*cfg));
	cfg_set16(cfg, PCI_VENDOR_ID, SACC_PCI_VENDOR_ID, 0);
	cfg_set16(cfg, PCI_DEVICE_ID, SACC_PCI_DEVICE_ID, 0);
	cfg_set16(cfg, PCI_COMMAND, 0, SACC_CFG_COMMAND_WMASK);
	cfg_set16(cfg, PCI_STATUS, PCI_STATUS_CAP_LIST, 0);
	cfg->val[PCI_REVISION_ID] = SACC_PCI_REVISION;
	cfg->val[PCI_CLASS_PROG] = SACC_PCI_CLASS & 0xff;
	put_unaligned_le16(SACC_PCI_CLASS >> 8, cfg->val + PCI_CLASS_DEVICE);
	cfg->wmask[PCI_CACHE_LINE_SIZE] = 0xff;
	cfg->val[PCI_HEADER_TYPE] = PCI_HEADER_TYPE_NORMAL;

	/* BAR0: registers, 32-bit memory. BAR2/3: device memory, 64-bit prefetchable. */
	cfg_set32(cfg, PCI_BASE_ADDRESS_0, PCI_BASE_ADDRESS_SPACE_MEMORY,
		  ~(u32)(SACC_REGS_SIZE - 1));
	cfg_set32(cfg, PCI_BASE_ADDRESS_2, PCI_BASE_ADDRESS_MEM_TYPE_64 |
		  PCI_BASE_ADDRESS_MEM_PREFETCH, bar2_wmask);
	cfg_set32(cfg, PCI_BASE_ADDRESS_3, 0, upper_32_bits(~(devmem_size - 1)));

	cfg_set16(cfg, PCI_SUBSYSTEM_VENDOR_ID, SACC_PCI_SUBSYS_VENDOR_ID, 0);
	cfg_set16(cfg, PCI_SUBSYSTEM_ID, SACC_PCI_SUBSYS_ID, 0);
	cfg->val[PCI_CAPABILITY_LIST] = SACC_CFG_CAP_MSI;
	cfg->wmask[PCI_INTERRUPT_LINE] = 0xff;
	cfg->val[PCI_INTERRUPT_PIN] = 1;	/* INTA# */

	/* MSI: one vector, 64-bit addresses, no per-vector masking. */
	cfg->val[SACC_CFG_CAP_MSI + PCI_CAP_LIST_ID] = PCI_CAP_ID_MSI;
	cfg->val[SACC_CFG_CAP_MSI + PCI_CAP_LIST_NEXT] = 0;
	cfg_set16(cfg, SACC_CFG_CAP_MSI + PCI_MSI_FLAGS, PCI_MSI_FLAGS_64BIT,
		  PCI_MSI_FLAGS_ENABLE);
	cfg_set32(cfg, SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, 0, 0xfffffffc);
	cfg_set32(cfg, SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_HI, 0, 0xffffffff);
	cfg_set16(cfg, SACC_CFG_CAP_MSI + PCI_MSI_DATA_64, 0, 0xffff);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_cfg_init);

/* Accesses of 1, 2 or 4 bytes, naturally aligned, inside the 256 bytes. */
static bool sacc_cfg_access_ok(unsigned int off, unsigned int len)
{
	return (len == 1 || len == 2 || len == 4) && !(off & (len - 1)) &&
	       off < PCI_CFG_SPACE_SIZE && len <= PCI_CFG_SPACE_SIZE - off;
}

/**
 * sacc_cfg_read() - read bytes of configuration space
 * @cfg: the configuration space
 * @off: byte offset
 * @len: bytes to read; any length that stays inside the 256 bytes
 * @buf: where the bytes go
 *
 * Reads have no side effects, so unlike writes they need not be 1, 2 or 4 bytes:
 * QEMU reads the whole space at once.
 *
 * Return: 0, or -EINVAL (nothing read) when [@off, @off + @len) leaves the space.
 */
int sacc_cfg_read(const struct sacc_cfg *cfg, unsigned int off, unsigned int len,
		  u8 *buf)
{
	if (!len || off >= PCI_CFG_SPACE_SIZE || len > PCI_CFG_SPACE_SIZE - off)
		return -EINVAL;
	memcpy(buf, cfg->val + off, len);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_cfg_read);

/**
 * sacc_cfg_write() - write 1, 2 or 4 bytes of configuration space
 * @cfg: the configuration space
 * @off: byte offset
 * @len: access width
 * @val: the value, little-endian bytes as a number
 *
 * Only the writable bits of each byte change; the others keep their value.
 *
 * Return: 0, or -EINVAL (nothing changed) for a bad width, alignment or offset.
 */
int sacc_cfg_write(struct sacc_cfg *cfg, unsigned int off, unsigned int len,
		   u32 val)
{
	unsigned int i;

	if (!sacc_cfg_access_ok(off, len))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		u8 byte = val >> (8 * i), mask = cfg->wmask[off + i];

		cfg->val[off + i] = (cfg->val[off + i] & ~mask) | (byte & mask);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_cfg_write);

/**
 * sacc_cfg_intx_disabled() - whether the command register disables INTx
 * @cfg: the configuration space
 *
 * Return: true when PCI_COMMAND_INTX_DISABLE is set.
 */
bool sacc_cfg_intx_disabled(const struct sacc_cfg *cfg)
{
	return get_unaligned_le16(cfg->val + PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_cfg_intx_disabled);

/**
 * sacc_cfg_bus_master() - whether the function may master the bus (DMA)
 * @cfg: the configuration space
 *
 * Return: true when PCI_COMMAND_MASTER is set.
 */
bool sacc_cfg_bus_master(const struct sacc_cfg *cfg)
{
	return get_unaligned_le16(cfg->val + PCI_COMMAND) & PCI_COMMAND_MASTER;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_cfg_bus_master);

/**
 * sacc_cfg_set_intx_pending() - reflect a pending INTx in the status register
 * @cfg: the configuration space
 * @pending: whether the function asserts INTx
 */
void sacc_cfg_set_intx_pending(struct sacc_cfg *cfg, bool pending)
{
	u16 status = get_unaligned_le16(cfg->val + PCI_STATUS);

	if (pending)
		status |= PCI_STATUS_INTERRUPT;
	else
		status &= ~PCI_STATUS_INTERRUPT;
	put_unaligned_le16(status, cfg->val + PCI_STATUS);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_cfg_set_intx_pending);
