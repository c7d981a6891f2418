// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for descriptor validation (sacc_exec.c): every field, every bound,
 * and the order in which problems are reported.
 */
#include <kunit/test.h>

#include "../sacc.h"

static struct sacc_desc good(u8 opcode)
{
	return (struct sacc_desc){
		.opcode = opcode, .len = 4096, .src = 0x10000, .dst = 0x20000,
		.completion = 0x30000, .flags = SACC_DESC_FLAG_INTR,
	};
}

static void desc_valid_ones_pass(struct kunit *test)
{
	u8 op;

	for (op = SACC_OP_NOP; op <= SACC_OP_BATCH; op++) {
		struct sacc_desc d = good(op);

		KUNIT_EXPECT_EQ_MSG(test, sacc_desc_validate(&d, false), 0, "opcode %u", op);
	}
	{
		struct sacc_desc d = good(SACC_OP_NOP);

		d.len = 0;	/* NOP ignores its fields */
		d.src = ~0ULL;
		KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
	}
}

static void desc_reserved_bits_are_flags_errors(struct kunit *test)
{
	struct sacc_desc d = good(SACC_OP_COPY);

	d.flags = 0x0004;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_FLAGS);
	d = good(SACC_OP_COPY);
	d.rsvd0 = 1;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_FLAGS);
	d = good(SACC_OP_COPY);
	d.rsvd1[1] = 1ULL << 63;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_FLAGS);
	/* Flags come first: a bad opcode with bad flags is a FLAGS error. */
	d.opcode = 0x77;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_FLAGS);
}

static void desc_opcodes(struct kunit *test)
{
	struct sacc_desc d = good(0x06);

	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_OPCODE);
	d.opcode = 0xff;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_OPCODE);
	d = good(SACC_OP_BATCH);
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, true), SACC_QERR_OPCODE);
}

static void desc_length_bounds(struct kunit *test)
{
	struct sacc_desc d = good(SACC_OP_FILL);

	d.len = 0;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_LENGTH);
	d.len = SACC_DESC_MAX_LEN;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
	d.len = SACC_DESC_MAX_LEN + 1;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_LENGTH);
	d.len = U32_MAX;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_LENGTH);
	d = good(SACC_OP_BATCH);
	d.len = 3 * 64 + 8;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_LENGTH);
	d.len = 3 * 64;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
}

static void desc_completion_address(struct kunit *test)
{
	struct sacc_desc d = good(SACC_OP_COPY);

	d.completion = 0x30010;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_COMPLETION);
	d.completion = ~0ULL & ~31ULL;	/* aligned, ends at the last byte */
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
	d.completion = 0;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
}

static void desc_address_wrap_and_overlap(struct kunit *test)
{
	struct sacc_desc d = good(SACC_OP_COPY);

	d.src = ~0ULL - 100;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_ADDR);
	d = good(SACC_OP_FILL);
	d.src = ~0ULL;		/* FILL does not read src */
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
	d.dst = ~0ULL - 4094;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_ADDR);
	d.dst = ~0ULL - 4095;	/* ends exactly at the last byte */
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);

	d = good(SACC_OP_COPY);
	d.dst = d.src + d.len - 1;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_OVERLAP);
	d.dst = d.src + d.len;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
	d.dst = d.src - d.len + 1;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_OVERLAP);
	/* A source that ends at the last byte of the IOVA space still overlaps. */
	d = good(SACC_OP_COPY);
	d.src = ~0ULL - 4095;
	d.dst = d.src - 100;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), SACC_QERR_OVERLAP);
	d.dst = d.src - 4096;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
	d = good(SACC_OP_COMPARE);	/* COMPARE may read one range twice */
	d.dst = d.src;
	KUNIT_EXPECT_EQ(test, sacc_desc_validate(&d, false), 0);
}

/* CRC32C as a descriptor computes it: ~update(~seed, data). */
static u32 crc(u32 seed, const void *buf, size_t len)
{
	return ~sacc_crc32c(~seed, buf, len);
}

static void crc32c_known_vectors(struct kunit *test)
{
	u8 buf[32];
	unsigned int i;

	/* The check value of the CRC-32C catalogue entry. */
	KUNIT_EXPECT_EQ(test, crc(0, "123456789", 9), 0xe3069283);
	/* RFC 3720 (iSCSI), appendix B.4. */
	memset(buf, 0, sizeof(buf));
	KUNIT_EXPECT_EQ(test, crc(0, buf, 32), 0x8a9136aa);
	memset(buf, 0xff, sizeof(buf));
	KUNIT_EXPECT_EQ(test, crc(0, buf, 32), 0x62a8ab43);
	for (i = 0; i < 32; i++)
		buf[i] = i;
	KUNIT_EXPECT_EQ(test, crc(0, buf, 32), 0x46dd794e);
	for (i = 0; i < 32; i++)
		buf[i] = 31 - i;
	KUNIT_EXPECT_EQ(test, crc(0, buf, 32), 0x113fdb5c);
	/* Nothing hashed leaves the seed; a result seeds the next part (chaining). */
	KUNIT_EXPECT_EQ(test, crc(0x12345678, buf, 0), 0x12345678);
	KUNIT_EXPECT_EQ(test, crc(crc(0, "1234", 4), "56789", 5), 0xe3069283);
}

static struct kunit_case sacc_exec_cases[] = {
	KUNIT_CASE(desc_valid_ones_pass),
	KUNIT_CASE(desc_reserved_bits_are_flags_errors),
	KUNIT_CASE(desc_opcodes),
	KUNIT_CASE(desc_length_bounds),
	KUNIT_CASE(desc_completion_address),
	KUNIT_CASE(desc_address_wrap_and_overlap),
	KUNIT_CASE(crc32c_known_vectors),
	{}
};

static struct kunit_suite sacc_exec_suite = {
	.name = "sacc_desc",
	.test_cases = sacc_exec_cases,
};

kunit_test_suite(sacc_exec_suite);
