// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for sacc_exec.c: descriptor validation (every field, every bound, the
 * order in which problems are reported), CRC32C, and execution over the fake
 * IOMMU of sacc_fake_iommu.h: every data operation at odd offsets across windows,
 * pausing and resuming from the checkpoint, stopping between two steps, and the
 * records of a failed BATCH.
 */
#include <kunit/test.h>
#include <linux/slab.h>

#include "sacc_fake_iommu.h"

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

struct exec_fixture {
	struct dma_fixture *fx;
	struct sacc_exec x;
	bool stop;
	unsigned int pauses_asked;
};

static bool exec_pause(struct sacc_exec *x)
{
	struct exec_fixture *ef = container_of(x, struct exec_fixture, x);

	ef->pauses_asked++;
	return ef->stop;
}

static struct exec_fixture *exec_setup(struct kunit *test)
{
	struct exec_fixture *ef = kunit_kzalloc(test, sizeof(*ef), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, ef);
	ef->fx = fake_setup(test, NR_PAGES, false);
	ef->x.dma = &ef->fx->dma;
	ef->x.bounce[0] = ef->fx->thread_bounce[0];
	ef->x.bounce[1] = ef->fx->thread_bounce[1];
	ef->x.pause = exec_pause;
	return ef;
}

/* Run @d to its end with a budget of @budget per run. Return: its outcome. */
static int exec_run(struct exec_fixture *ef, const struct sacc_desc *d,
		    struct sacc_job *job, long budget, unsigned int *runs)
{
	int ret;

	sacc_exec_job_start(job, d);
	*runs = 0;
	do {
		ef->x.budget = budget;
		ret = sacc_exec_job(&ef->x, job);
		(*runs)++;
	} while (ret == SACC_EXEC_PAUSED && *runs < 100000);
	return ret;
}

static void *kbuf(struct kunit *test, size_t len)
{
	void *p = kunit_kzalloc(test, len, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, p);
	return p;
}

#define ODD_LEN		(3 * SACC_DMA_WINDOW_BYTES + 5)
#define SRC_IOVA	0x1003ULL
#define DST_IOVA	0x40007ULL

static void exec_data_operations_across_windows(struct kunit *test)
{
	struct exec_fixture *ef = exec_setup(test);
	u64 pattern = 0x0123456789abcdefULL;
	u8 *a = kbuf(test, ODD_LEN), *b = kbuf(test, ODD_LEN);
	struct sacc_desc d = {};
	struct sacc_job job;
	unsigned int i, runs;

	/* FILL: byte i is byte i mod 8 of the pattern, from the destination's start. */
	d.opcode = SACC_OP_FILL;
	d.len = ODD_LEN;
	d.dst = SRC_IOVA;
	d.pattern = pattern;
	KUNIT_ASSERT_EQ(test, exec_run(ef, &d, &job, LONG_MAX, &runs), 0);
	KUNIT_EXPECT_EQ(test, job.progress.res.bytes, ODD_LEN);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&ef->fx->dma, SRC_IOVA, a, ODD_LEN, false), 0);
	for (i = 0; i < ODD_LEN; i++)
		if (a[i] != (u8)(pattern >> (8 * (i % 8))))
			break;
	KUNIT_EXPECT_EQ_MSG(test, i, ODD_LEN, "FILL differs at byte %u", i);

	/* Something less regular to copy and hash. */
	for (i = 0; i < ODD_LEN; i++)
		a[i] = i * 131 + (i >> 9);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&ef->fx->dma, SRC_IOVA, a, ODD_LEN, true), 0);
	d.opcode = SACC_OP_COPY;
	d.src = SRC_IOVA;
	d.dst = DST_IOVA;
	KUNIT_ASSERT_EQ(test, exec_run(ef, &d, &job, LONG_MAX, &runs), 0);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&ef->fx->dma, DST_IOVA, b, ODD_LEN, false), 0);
	KUNIT_EXPECT_MEMEQ(test, b, a, ODD_LEN);

	d.opcode = SACC_OP_CRC32C;
	d.pattern = 0x5eed;
	KUNIT_ASSERT_EQ(test, exec_run(ef, &d, &job, LONG_MAX, &runs), 0);
	KUNIT_EXPECT_EQ(test, job.progress.res.result, crc(0x5eed, a, ODD_LEN));

	d.opcode = SACC_OP_COMPARE;
	KUNIT_ASSERT_EQ(test, exec_run(ef, &d, &job, LONG_MAX, &runs), 0);
	KUNIT_EXPECT_EQ(test, job.progress.res.result, ~0ULL);
	b[0] = ~a[150000];
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&ef->fx->dma, DST_IOVA + 150000, b, 1, true), 0);
	KUNIT_ASSERT_EQ(test, exec_run(ef, &d, &job, LONG_MAX, &runs), 0);
	KUNIT_EXPECT_EQ(test, job.progress.res.result, 150000);
	fake_teardown(test, ef->fx);
}

static void exec_pauses_and_resumes_from_the_checkpoint(struct kunit *test)
{
	struct exec_fixture *ef = exec_setup(test);
	u8 *a = kbuf(test, ODD_LEN);
	struct sacc_desc d = {};
	struct sacc_job job;
	unsigned int i, runs;
	u32 one_shot;

	for (i = 0; i < ODD_LEN; i++)
		a[i] = i ^ (i >> 8);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&ef->fx->dma, SRC_IOVA, a, ODD_LEN, true), 0);
	d.opcode = SACC_OP_CRC32C;
	d.len = ODD_LEN;
	d.src = SRC_IOVA;
	KUNIT_ASSERT_EQ(test, exec_run(ef, &d, &job, LONG_MAX, &runs), 0);
	KUNIT_EXPECT_EQ(test, runs, 1U);
	one_shot = job.progress.res.result;
	/* A budget of one byte: a pause after every step, the same CRC at the end. */
	KUNIT_ASSERT_EQ(test, exec_run(ef, &d, &job, 1, &runs), 0);
	KUNIT_EXPECT_EQ(test, runs, 4U);	/* 3 windows and 5 bytes: 4 steps */
	KUNIT_EXPECT_EQ(test, job.progress.res.result, one_shot);
	fake_teardown(test, ef->fx);
}

static void exec_stops_between_two_steps(struct kunit *test)
{
	struct exec_fixture *ef = exec_setup(test);
	u8 *b = kbuf(test, ODD_LEN);
	struct sacc_desc d = {};
	struct sacc_job job;
	unsigned int i;

	d.opcode = SACC_OP_FILL;
	d.len = ODD_LEN;
	d.dst = DST_IOVA;
	d.pattern = ~0ULL;
	sacc_exec_job_start(&job, &d);
	ef->stop = true;
	ef->x.budget = LONG_MAX;
	KUNIT_EXPECT_EQ(test, sacc_exec_job(&ef->x, &job), SACC_EXEC_PAUSED);
	KUNIT_EXPECT_EQ(test, ef->pauses_asked, 1U);
	/* One window was written, nothing after it. */
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&ef->fx->dma, DST_IOVA, b, ODD_LEN, false), 0);
	for (i = 0; i < ODD_LEN && b[i] == 0xff; i++)
		;
	KUNIT_EXPECT_EQ(test, i, SACC_DMA_WINDOW_BYTES);
	fake_teardown(test, ef->fx);
}

#define BATCH_IOVA	0x7f000ULL
#define RECORDS_IOVA	0x7e000ULL

static void put_desc(struct kunit *test, struct exec_fixture *ef, u64 iova,
		     struct sacc_desc d)
{
	cpu_to_le16s(&d.flags);
	cpu_to_le32s(&d.len);
	cpu_to_le64s(&d.src);
	cpu_to_le64s(&d.dst);
	cpu_to_le64s(&d.pattern);
	cpu_to_le64s(&d.completion);
	cpu_to_le64s(&d.tag);
	KUNIT_ASSERT_EQ(test, sacc_dma_access(&ef->fx->dma, iova, &d, sizeof(d), true), 0);
}

static struct sacc_completion get_record(struct kunit *test, struct exec_fixture *ef,
					 unsigned int i)
{
	struct sacc_completion c;

	KUNIT_EXPECT_EQ(test, sacc_dma_access(&ef->fx->dma, RECORDS_IOVA + i * sizeof(c), &c,
					      sizeof(c), false), 0);
	le32_to_cpus(&c.bytes);
	le64_to_cpus(&c.result);
	le64_to_cpus(&c.tag);
	return c;
}

/*
 * A BATCH whose third element faults: the elements before it have their records,
 * the third an ERROR record, and the BATCH's record says 2 elements, 128 bytes.
 */
static void exec_failed_batch_counts_its_elements(struct kunit *test)
{
	struct exec_fixture *ef = exec_setup(test);
	struct sacc_desc el = {}, batch = {};
	struct sacc_completion c;
	struct sacc_job job;
	unsigned int runs;
	u8 cerr;

	ef->fx->f.unmapped[100] = true;
	el.opcode = SACC_OP_NOP;
	el.flags = SACC_DESC_FLAG_INTR;
	el.completion = RECORDS_IOVA;
	el.tag = 10;
	put_desc(test, ef, BATCH_IOVA, el);
	el.opcode = SACC_OP_FILL;
	el.len = 100;
	el.dst = 0x2000;
	el.completion = RECORDS_IOVA + 32;
	el.tag = 11;
	put_desc(test, ef, BATCH_IOVA + 64, el);
	el.opcode = SACC_OP_COPY;
	el.src = 100 * PAGE_SIZE;	/* unmapped */
	el.dst = 0x3000;
	el.completion = RECORDS_IOVA + 64;
	el.tag = 12;
	put_desc(test, ef, BATCH_IOVA + 128, el);
	put_desc(test, ef, BATCH_IOVA + 192, (struct sacc_desc){ .opcode = SACC_OP_NOP });

	batch.opcode = SACC_OP_BATCH;
	batch.len = 4 * 64;
	batch.src = BATCH_IOVA;
	batch.completion = RECORDS_IOVA + 96;
	batch.tag = 99;
	/* One element a run: the checkpoint carries the BATCH through. */
	KUNIT_EXPECT_EQ(test, exec_run(ef, &batch, &job, 1, &runs), SACC_QERR_ADDR);
	KUNIT_EXPECT_EQ(test, runs, 3U);
	KUNIT_EXPECT_EQ(test, job.progress.res.result, 2);
	KUNIT_EXPECT_EQ(test, job.progress.res.bytes, 128);
	KUNIT_EXPECT_EQ(test, job.intr, 2U);	/* both completed elements had INTR */
	job.progress.res.error = SACC_QERR_ADDR;
	cerr = sacc_exec_complete(&ef->x, &batch, &job.progress.res);
	KUNIT_EXPECT_EQ(test, cerr, 0);

	c = get_record(test, ef, 0);
	KUNIT_EXPECT_EQ(test, c.status, SACC_COMPL_OK);
	KUNIT_EXPECT_EQ(test, c.tag, 10);
	c = get_record(test, ef, 1);
	KUNIT_EXPECT_EQ(test, c.status, SACC_COMPL_OK);
	KUNIT_EXPECT_EQ(test, c.bytes, 100);
	c = get_record(test, ef, 2);
	KUNIT_EXPECT_EQ(test, c.status, SACC_COMPL_ERROR);
	KUNIT_EXPECT_EQ(test, c.error, SACC_QERR_ADDR);
	KUNIT_EXPECT_EQ(test, c.bytes, 0);
	KUNIT_EXPECT_EQ(test, c.tag, 12);
	c = get_record(test, ef, 3);
	KUNIT_EXPECT_EQ(test, c.status, SACC_COMPL_ERROR);
	KUNIT_EXPECT_EQ(test, c.error, SACC_QERR_ADDR);
	KUNIT_EXPECT_EQ(test, c.bytes, 128);
	KUNIT_EXPECT_EQ(test, c.result, 2);
	KUNIT_EXPECT_EQ(test, c.tag, 99);
	fake_teardown(test, ef->fx);
}

static struct kunit_case sacc_exec_cases[] = {
	KUNIT_CASE(desc_valid_ones_pass),
	KUNIT_CASE(desc_reserved_bits_are_flags_errors),
	KUNIT_CASE(desc_opcodes),
	KUNIT_CASE(desc_length_bounds),
	KUNIT_CASE(desc_completion_address),
	KUNIT_CASE(desc_address_wrap_and_overlap),
	KUNIT_CASE(crc32c_known_vectors),
	KUNIT_CASE(exec_data_operations_across_windows),
	KUNIT_CASE(exec_pauses_and_resumes_from_the_checkpoint),
	KUNIT_CASE(exec_stops_between_two_steps),
	KUNIT_CASE(exec_failed_batch_counts_its_elements),
	{}
};

static struct kunit_suite sacc_exec_suite = {
	.name = "sacc_desc",
	.test_cases = sacc_exec_cases,
};

kunit_test_suite(sacc_exec_suite);
