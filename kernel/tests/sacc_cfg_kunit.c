// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the emulated configuration space (sacc_cfg.c): reset values,
 * read-only bytes, writable masks, the BAR sizing protocol, the capability list
 * and the access rules.
 */
#include <kunit/test.h>
#include <linux/pci_regs.h>

#include "../sacc.h"

#define DEVMEM_8M	(8ULL << 20)

static struct sacc_cfg *new_cfg(struct kunit *test)
{
	struct sacc_cfg *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	sacc_cfg_init(cfg, DEVMEM_8M);
	return cfg;
}

/* Read 1, 2 or 4 bytes as a little-endian number. */
static u32 rd(struct kunit *test, struct sacc_cfg *cfg, unsigned int off,
	      unsigned int len)
{
	u8 bytes[4] = {};
	u32 val = 0;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, sacc_cfg_read(cfg, off, len, bytes), 0);
	for (i = 0; i < len; i++)
		val |= (u32)bytes[i] << (8 * i);
	return val;
}

static void wr(struct kunit *test, struct sacc_cfg *cfg, unsigned int off,
	       unsigned int len, u32 val)
{
	KUNIT_EXPECT_EQ(test, sacc_cfg_write(cfg, off, len, val), 0);
}

static void cfg_reset_values(struct kunit *test)
{
	struct sacc_cfg *cfg = new_cfg(test);

	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_VENDOR_ID, 2), SACC_PCI_VENDOR_ID);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_DEVICE_ID, 2), SACC_PCI_DEVICE_ID);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_COMMAND, 2), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_CLASS_REVISION, 4),
			SACC_PCI_CLASS << 8 | SACC_PCI_REVISION);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_NORMAL);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_SUBSYSTEM_VENDOR_ID, 2),
			SACC_PCI_SUBSYS_VENDOR_ID);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_SUBSYSTEM_ID, 2), SACC_PCI_SUBSYS_ID);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_INTERRUPT_PIN, 1), 1);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_0, 4), 0);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_2, 4),
			PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
}

static void cfg_read_only_bytes_ignore_writes(struct kunit *test)
{
	struct sacc_cfg *cfg = new_cfg(test);
	static const unsigned int ro[] = {
		PCI_VENDOR_ID, PCI_CLASS_REVISION, PCI_SUBSYSTEM_VENDOR_ID,
		PCI_ROM_ADDRESS, PCI_CAPABILITY_LIST, PCI_BASE_ADDRESS_1,
		PCI_BASE_ADDRESS_4, PCI_BASE_ADDRESS_5, 0x80, 0xfc,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ro); i++) {
		u32 before = rd(test, cfg, ro[i], 4);

		wr(test, cfg, ro[i], 4, 0xffffffff);
		KUNIT_EXPECT_EQ_MSG(test, rd(test, cfg, ro[i], 4), before,
				    "offset %#x changed", ro[i]);
	}
}

static void cfg_command_and_status_masks(struct kunit *test)
{
	struct sacc_cfg *cfg = new_cfg(test);

	wr(test, cfg, PCI_COMMAND, 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_COMMAND, 2),
			PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
			PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
	KUNIT_EXPECT_TRUE(test, sacc_cfg_intx_disabled(cfg));
	wr(test, cfg, PCI_COMMAND, 2, 0);
	KUNIT_EXPECT_FALSE(test, sacc_cfg_intx_disabled(cfg));

	sacc_cfg_set_intx_pending(cfg, true);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2),
			PCI_STATUS_CAP_LIST | PCI_STATUS_INTERRUPT);
	sacc_cfg_set_intx_pending(cfg, false);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
}

static void cfg_bar0_sizing(struct kunit *test)
{
	struct sacc_cfg *cfg = new_cfg(test);

	wr(test, cfg, PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_0, 4),
			(u32)~(SACC_REGS_SIZE - 1));
	wr(test, cfg, PCI_BASE_ADDRESS_0, 4, 0xfebc1234);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_0, 4), 0xfebc1000);
}

static void cfg_bar2_is_64bit_and_sized_by_memory(struct kunit *test)
{
	struct sacc_cfg *cfg = new_cfg(test);
	u32 flags = PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;

	wr(test, cfg, PCI_BASE_ADDRESS_2, 4, 0xffffffff);
	wr(test, cfg, PCI_BASE_ADDRESS_3, 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_2, 4),
			(u32)~(DEVMEM_8M - 1) | flags);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_3, 4), 0xffffffff);

	sacc_cfg_init(cfg, 32ULL << 20);
	wr(test, cfg, PCI_BASE_ADDRESS_2, 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, PCI_BASE_ADDRESS_2, 4), 0xfe000000 | flags);
}

static void cfg_capability_list_is_walkable(struct kunit *test)
{
	struct sacc_cfg *cfg = new_cfg(test);
	unsigned int pos, seen = 0;

	KUNIT_ASSERT_TRUE(test, rd(test, cfg, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	for (pos = rd(test, cfg, PCI_CAPABILITY_LIST, 1); pos; seen++) {
		KUNIT_ASSERT_LT(test, seen, 48U);	/* a loop would never end */
		KUNIT_ASSERT_GE(test, pos, 0x40U);
		KUNIT_EXPECT_EQ(test, pos & 3, 0U);
		KUNIT_EXPECT_EQ(test, rd(test, cfg, pos + PCI_CAP_LIST_ID, 1), PCI_CAP_ID_MSI);
		pos = rd(test, cfg, pos + PCI_CAP_LIST_NEXT, 1);
	}
	KUNIT_EXPECT_EQ(test, seen, 1U);
}

static void cfg_msi_capability(struct kunit *test)
{
	struct sacc_cfg *cfg = new_cfg(test);
	unsigned int msi = SACC_CFG_CAP_MSI;

	KUNIT_EXPECT_EQ(test, rd(test, cfg, msi + PCI_MSI_FLAGS, 2), PCI_MSI_FLAGS_64BIT);
	wr(test, cfg, msi + PCI_MSI_FLAGS, 2, 0xffff);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, msi + PCI_MSI_FLAGS, 2),
			PCI_MSI_FLAGS_64BIT | PCI_MSI_FLAGS_ENABLE);
	wr(test, cfg, msi + PCI_MSI_ADDRESS_LO, 4, 0xfee00003);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, msi + PCI_MSI_ADDRESS_LO, 4), 0xfee00000);
	wr(test, cfg, msi + PCI_MSI_ADDRESS_HI, 4, 0x12345678);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, msi + PCI_MSI_ADDRESS_HI, 4), 0x12345678);
	wr(test, cfg, msi + PCI_MSI_DATA_64, 4, 0xffffffff);
	KUNIT_EXPECT_EQ(test, rd(test, cfg, msi + PCI_MSI_DATA_64, 4), 0xffff);
}

static void cfg_bad_accesses_fail_and_change_nothing(struct kunit *test)
{
	struct sacc_cfg *cfg = new_cfg(test);
	struct sacc_cfg *copy = kunit_kzalloc(test, sizeof(*copy), GFP_KERNEL);
	u8 buf[PCI_CFG_SPACE_SIZE + 1];

	KUNIT_ASSERT_NOT_NULL(test, copy);
	*copy = *cfg;
	KUNIT_EXPECT_EQ(test, sacc_cfg_write(cfg, PCI_COMMAND, 3, 0xffffff), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_write(cfg, PCI_COMMAND, 8, 0xffffffff), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_write(cfg, PCI_COMMAND + 1, 2, 0xffff), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_write(cfg, PCI_BASE_ADDRESS_0 + 2, 4, ~0u), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_write(cfg, 0xfe, 4, ~0u), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_write(cfg, PCI_CFG_SPACE_SIZE, 1, 0xff), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_write(cfg, ~0u, 1, 0xff), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_read(cfg, 0xff, 2, buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_read(cfg, 0, PCI_CFG_SPACE_SIZE + 1, buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_cfg_read(cfg, 0, 0, buf), -EINVAL);
	/* Reads have no width rule: the whole space at once, or 3 odd bytes. */
	KUNIT_EXPECT_EQ(test, sacc_cfg_read(cfg, 0, PCI_CFG_SPACE_SIZE, buf), 0);
	KUNIT_EXPECT_EQ(test, sacc_cfg_read(cfg, 1, 3, buf), 0);
	KUNIT_EXPECT_EQ(test, memcmp(cfg, copy, sizeof(*cfg)), 0);
}

static struct kunit_case sacc_cfg_cases[] = {
	KUNIT_CASE(cfg_reset_values),
	KUNIT_CASE(cfg_read_only_bytes_ignore_writes),
	KUNIT_CASE(cfg_command_and_status_masks),
	KUNIT_CASE(cfg_bar0_sizing),
	KUNIT_CASE(cfg_bar2_is_64bit_and_sized_by_memory),
	KUNIT_CASE(cfg_capability_list_is_walkable),
	KUNIT_CASE(cfg_msi_capability),
	KUNIT_CASE(cfg_bad_accesses_fail_and_change_nothing),
	{}
};

static struct kunit_suite sacc_cfg_suite = {
	.name = "sacc_cfg",
	.test_cases = sacc_cfg_cases,
};

kunit_test_suite(sacc_cfg_suite);
