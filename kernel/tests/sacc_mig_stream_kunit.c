// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests for the migration stream (sacc_mig_stream.c): round trips with the
 * stream cut at every byte and drained and fed in chunks of many sizes, the layout
 * the writer produces, every reason the parser refuses a stream for (each test
 * checks the reason itself, not just that something failed), unknown optional
 * records skipped, and a fuzz that flips every byte of a valid stream.
 */
#include <kunit/test.h>
#include <linux/pci_regs.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "../sacc_mig_stream.h"

#define HDR_LEN		sizeof(struct sacc_mig_wire_header)
#define REC_LEN		sizeof(struct sacc_mig_wire_rec)
#define PG		SACC_MIG_PAGE_SIZE
#define NQ		4
/* Small device memory keeps the every-byte tests quick; real types have MiBs. */
#define SMALL_MEM	(4 * PG)
#define BIG_MEM		(32 * PG)
/* An unknown record type. */
#define REC_UNKNOWN	0x7e57

/**
 * struct mig_fx - a source snapshot, its stream and a destination
 * @id: the identity of both
 * @src: the source snapshot
 * @dst: where the parser puts what it reads
 * @p: the parser
 * @s: the source's stream
 * @len: its length
 */
struct mig_fx {
	struct sacc_mig_identity id;
	struct sacc_mig_state *src;
	struct sacc_mig_state *dst;
	struct sacc_mig_parser *p;
	u8 *s;
	size_t len;
};

static void vfree_action(void *p)
{
	vfree(p);
}

static void *tvzalloc(struct kunit *test, size_t size)
{
	void *p = vzalloc(size);

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, vfree_action, p), 0);
	return p;
}

static void identity(struct kunit *test, struct sacc_mig_identity *id, unsigned int nq,
		     u64 devmem_size)
{
	struct sacc_regs *regs = kunit_kzalloc(test, sizeof(*regs), GFP_KERNEL);
	struct sacc_cfg *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, regs);
	KUNIT_ASSERT_NOT_NULL(test, cfg);
	sacc_regs_init(regs, nq, devmem_size >> 20, SACC_OPS_ALL);
	sacc_cfg_init(cfg, devmem_size);
	sacc_mig_identity_init(id, regs, cfg, devmem_size);
}

/* A busy function: each queue in another state, a paused BATCH and COPY among them. */
static void fill_state(struct kunit *test, struct sacc_mig_state *st,
		       const struct sacc_mig_identity *id)
{
	struct sacc_cfg *cfg = kunit_kzalloc(test, sizeof(*cfg), GFP_KERNEL);
	struct sacc_mig_queue *q;
	struct sacc_job *j;

	KUNIT_ASSERT_NOT_NULL(test, cfg);
	st->id = *id;
	sacc_cfg_init(cfg, id->devmem_size);
	sacc_cfg_write(cfg, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	sacc_cfg_write(cfg, PCI_BASE_ADDRESS_0, 4, 0xfe001000);
	sacc_cfg_write(cfg, PCI_BASE_ADDRESS_2, 4, 0xc0000000);
	sacc_cfg_write(cfg, PCI_BASE_ADDRESS_3, 4, 0x1);
	sacc_cfg_write(cfg, SACC_CFG_CAP_MSI + PCI_MSI_FLAGS, 2, PCI_MSI_FLAGS_ENABLE);
	sacc_cfg_write(cfg, SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, 4, 0xfee01004);
	sacc_cfg_write(cfg, SACC_CFG_CAP_MSI + PCI_MSI_DATA_64, 2, 0x4021);
	sacc_cfg_set_intx_pending(cfg, true);
	memcpy(st->cfg, cfg->val, PCI_CFG_SPACE_SIZE);

	st->fn.ctrl = SACC_CTRL_ENABLE;
	st->fn.intr_status = SACC_INTR_QUEUE(id->nr_queues - 1) | SACC_INTR_ERROR;
	st->fn.intr_mask = SACC_INTR_QUEUE(0);
	st->fn.scratch = 0x5acc0001;

	/* Queue 0: a BATCH paused inside its fifth element, a COPY. */
	q = &st->q[0];
	q->regs = (struct sacc_queue_regs){ .base_lo = 0x10000, .size = 64, .head = 3,
					    .tail = 10, .ctrl = SACC_Q_CTRL_ENABLE };
	q->job_active = true;
	q->job_head = 3;
	q->job_size = 64;
	j = &q->job;
	j->d = (struct sacc_desc){ .opcode = SACC_OP_BATCH, .flags = SACC_DESC_FLAG_INTR,
				   .len = 10 * 64, .src = 0x100000, .completion = 0x2000,
				   .tag = 77 };
	j->progress.crc = 0x12345678;
	j->progress.res.result = 4;
	j->progress.res.bytes = 4 * 64;
	j->element = 4;
	j->in_element = true;
	j->el = (struct sacc_desc){ .opcode = SACC_OP_COPY, .len = 8192, .src = 0x300000,
				    .dst = 0x400000, .completion = 0x2040, .tag = 5 };
	j->el_progress.off = 4096;
	j->intr = 2;
	j->ops = 4;
	j->bytes = 4 * 8192;

	/* Queue 1: a CRC32C paused a quarter of the way, coalescing on a timer. */
	q = &st->q[1];
	q->regs = (struct sacc_queue_regs){ .base_lo = 0x20040, .base_hi = 0x1, .size = 4096,
					    .head = 4095, .tail = 2, .ctrl = SACC_Q_CTRL_ENABLE,
					    .coalesce = 8 | 100 << SACC_Q_COALESCE_USECS_SHIFT };
	q->coalesced = 3;
	q->timer_ns = 42000;
	q->job_active = true;
	q->job_head = 4095;
	q->job_size = 4096;
	q->job.d = (struct sacc_desc){ .opcode = SACC_OP_CRC32C, .len = SACC_DESC_MAX_LEN,
				       .src = 0xffff0000000ULL, .pattern = 0xabcdef };
	q->job.progress.off = SACC_DESC_MAX_LEN / 4;
	q->job.progress.crc = 0xfeedf00d;

	/* Queue 2: halted on a fault. */
	q = &st->q[2];
	q->regs = (struct sacc_queue_regs){ .base_lo = 0x30000, .size = 16, .head = 7,
					    .tail = 9, .ctrl = SACC_Q_CTRL_ENABLE,
					    .error = SACC_QERR_ADDR, .error_info = 7 };

	/* Queue 3: never set up. */
}

static u8 *serialise(struct kunit *test, const struct sacc_mig_state *st, size_t *len)
{
	struct sacc_mig_writer w;
	u64 size = sacc_mig_stream_size(st);
	u8 *s = tvzalloc(test, size + 1);

	KUNIT_ASSERT_EQ(test, sacc_mig_writer_init(&w, st), 0);
	*len = sacc_mig_writer_read(&w, s, size + 1);
	sacc_mig_writer_destroy(&w);
	KUNIT_EXPECT_EQ(test, *len, size);
	return s;
}

/* A fixture with its snapshots and parser, nothing in them yet. */
static struct mig_fx *alloc_fx(struct kunit *test)
{
	struct mig_fx *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->src = kunit_kzalloc(test, sizeof(*fx->src), GFP_KERNEL);
	fx->dst = kunit_kzalloc(test, sizeof(*fx->dst), GFP_KERNEL);
	fx->p = kunit_kzalloc(test, sizeof(*fx->p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx->src);
	KUNIT_ASSERT_NOT_NULL(test, fx->dst);
	KUNIT_ASSERT_NOT_NULL(test, fx->p);
	return fx;
}

static struct mig_fx *new_fx(struct kunit *test, u64 devmem_size)
{
	struct mig_fx *fx = alloc_fx(test);
	u8 *mem;

	identity(test, &fx->id, NQ, devmem_size);
	fill_state(test, fx->src, &fx->id);
	mem = tvzalloc(test, devmem_size);
	fx->src->devmem = mem;
	fx->dst->devmem = tvzalloc(test, devmem_size);
	/* Page 2 only (the small memory); in the big one also a run of 17 and the last. */
	memset(mem + 2 * PG, 0xa5, PG);
	mem[2 * PG + 100] = 0;
	if (devmem_size == BIG_MEM) {
		memset(mem + 5 * PG, 0x3c, 17 * PG);
		mem[5 * PG + 17 * PG - 1] = 0x01;
		mem[BIG_MEM - 1] = 0x77;
	}
	fx->s = serialise(test, fx->src, &fx->len);
	return fx;
}

/* Start the parser over, the destination's memory zeroed as after a reset. */
static void parser_start(struct kunit *test, struct mig_fx *fx)
{
	memset(fx->dst->devmem, 0, fx->id.devmem_size);
	KUNIT_ASSERT_EQ(test, sacc_mig_parser_init(fx->p, &fx->id, fx->dst), 0);
}

/* Feed all of @s in pieces of @chunk; then finish. Return: 0 or -errno. */
static int parse(struct kunit *test, struct mig_fx *fx, const u8 *s, size_t len,
		 size_t chunk)
{
	size_t off, n;
	ssize_t ret;
	int err;

	parser_start(test, fx);
	for (off = 0; off < len; off += n) {
		n = min(chunk, len - off);
		ret = sacc_mig_parser_feed(fx->p, s + off, n);
		if (ret < 0) {
			sacc_mig_parser_destroy(fx->p);
			return ret;
		}
		KUNIT_EXPECT_EQ(test, ret, n);
	}
	err = sacc_mig_parser_finish(fx->p);
	sacc_mig_parser_destroy(fx->p);
	return err;
}

/* What was parsed is the source: the same stream again, the same memory. */
static bool dst_is_src(struct kunit *test, struct mig_fx *fx)
{
	struct sacc_mig_writer w;
	size_t len = 0;
	u8 *again;
	bool same;

	again = kvmalloc(fx->len + 1, GFP_KERNEL);
	if (!again)
		return false;
	if (!sacc_mig_writer_init(&w, fx->dst))
		len = sacc_mig_writer_read(&w, again, fx->len + 1);
	sacc_mig_writer_destroy(&w);
	same = len == fx->len && !memcmp(again, fx->s, len) &&
	       !memcmp(fx->dst->devmem, fx->src->devmem, fx->id.devmem_size);
	kvfree(again);
	return same;
}

/* Walk the records of a stream: the offset of the record after @off (0: the first). */
static size_t next_rec(const u8 *s, size_t len, size_t off)
{
	if (!off)
		return HDR_LEN;
	return off + REC_LEN + get_unaligned_le32(s + off + 4);	/* its length */
}

static u16 rec_type(const u8 *s, size_t off)
{
	return get_unaligned_le16(s + off);
}

/* The offset of the @nth record of @type in a stream. */
static size_t find_rec(struct kunit *test, const u8 *s, size_t len, u16 type,
		       unsigned int nth)
{
	size_t off;

	for (off = next_rec(s, len, 0); off < len; off = next_rec(s, len, off))
		if (rec_type(s, off) == type && !nth--)
			return off;
	KUNIT_FAIL(test, "no record %#x", type);
	return 0;
}

/* Give the record at @off the CRC its contents need. */
static void fix_rec_crc(u8 *s, size_t off)
{
	struct sacc_mig_wire_rec rec;

	memcpy(&rec, s + off, sizeof(rec));
	put_unaligned_le32(sacc_mig_rec_crc(&rec, s + off + REC_LEN),
			   s + off + offsetof(struct sacc_mig_wire_rec, crc));
}

static void fix_hdr_crc(u8 *s)
{
	put_unaligned_le32(sacc_mig_crc(s, offsetof(struct sacc_mig_wire_header, crc)),
			   s + offsetof(struct sacc_mig_wire_header, crc));
}

/*
 * Rewrite a stream's END record (the last) so that it counts the records and
 * covers the bytes that are there now: an edit then meets the checks behind it.
 */
static void fix_end(struct kunit *test, u8 *s, size_t len)
{
	size_t off, end = 0;
	u32 n = 0;

	for (off = next_rec(s, len, 0); off < len; off = next_rec(s, len, off)) {
		if (rec_type(s, off) == SACC_MIG_REC_END)
			end = off;
		else
			n++;
	}
	KUNIT_ASSERT_NE(test, end, 0);
	put_unaligned_le32(n, s + end + REC_LEN);
	put_unaligned_le32(sacc_mig_crc(s, end), s + end + REC_LEN + 4);
	fix_rec_crc(s, end);
}

/* A copy of the fixture's stream with room for @extra more bytes. */
static u8 *copy_stream(struct kunit *test, struct mig_fx *fx, size_t extra)
{
	u8 *s = tvzalloc(test, fx->len + extra);

	memcpy(s, fx->s, fx->len);
	return s;
}

/* Insert a record before the one at @at; return the new length. */
static size_t insert_rec(u8 *s, size_t len, size_t at, u16 type, u16 flags,
			 const void *payload, u32 plen)
{
	struct sacc_mig_wire_rec rec = {
		.type = cpu_to_le16(type), .flags = cpu_to_le16(flags), .len = cpu_to_le32(plen),
	};

	memmove(s + at + REC_LEN + plen, s + at, len - at);
	rec.crc = cpu_to_le32(sacc_mig_rec_crc(&rec, payload));
	memcpy(s + at, &rec, REC_LEN);
	memcpy(s + at + REC_LEN, payload, plen);
	return len + REC_LEN + plen;
}

/* Remove the record at @off; return the new length. */
static size_t remove_rec(u8 *s, size_t len, size_t off)
{
	size_t next = next_rec(s, len, off);

	memmove(s + off, s + next, len - next);
	return len - (next - off);
}

/* Parse @s whole; expect refusal for @reason, with its errno. */
static void expect_refused(struct kunit *test, struct mig_fx *fx, const u8 *s, size_t len,
			   enum sacc_mig_reason reason)
{
	int err = parse(test, fx, s, len, len);

	KUNIT_EXPECT_EQ_MSG(test, fx->p->reason, reason, "%s instead of %s",
			    sacc_mig_reason_str(fx->p->reason), sacc_mig_reason_str(reason));
	KUNIT_EXPECT_EQ(test, err, sacc_mig_reason_errno(reason));
	KUNIT_EXPECT_LT(test, err, 0);
}

/* ---------------------------------------------------------------------------
 * Round trips
 */

static void mig_round_trip_every_cut(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	unsigned int bad_whole = 0, bad_trunc = 0;
	size_t cut, first_bad = 0;
	ssize_t r1, r2;
	int err;

	for (cut = 0; cut <= fx->len; cut++) {
		/* Whole, in two pieces cut here. */
		parser_start(test, fx);
		r1 = sacc_mig_parser_feed(fx->p, fx->s, cut);
		r2 = sacc_mig_parser_feed(fx->p, fx->s + cut, fx->len - cut);
		err = sacc_mig_parser_finish(fx->p);
		sacc_mig_parser_destroy(fx->p);
		if (r1 != cut || r2 != fx->len - cut || err || !dst_is_src(test, fx)) {
			if (!bad_whole++)
				first_bad = cut;
		}
		/* Only the part before the cut: a truncated stream. */
		if (cut == fx->len)
			break;
		parser_start(test, fx);
		r1 = sacc_mig_parser_feed(fx->p, fx->s, cut);
		err = sacc_mig_parser_finish(fx->p);
		sacc_mig_parser_destroy(fx->p);
		if (r1 != cut || err != -ENODATA || fx->p->reason != SACC_MIG_E_TRUNCATED)
			bad_trunc++;
	}
	KUNIT_EXPECT_EQ_MSG(test, bad_whole, 0, "first bad cut at %zu of %zu", first_bad,
			    fx->len);
	KUNIT_EXPECT_EQ(test, bad_trunc, 0);
	kunit_info(test, "%zu cuts of a %zu-byte stream\n", fx->len + 1, fx->len);
}

static void mig_round_trip_chunk_sizes(struct kunit *test)
{
	static const size_t chunks[] = { 1, 3, 12, 47, 48, 49, 4095, 4096, 4097, 65557, 1 << 20 };
	struct mig_fx *fx = new_fx(test, BIG_MEM);
	struct sacc_mig_writer w;
	unsigned int i;
	u8 *s = tvzalloc(test, fx->len + 1);
	size_t off, n;

	/* The writer drained in pieces of each size gives the same bytes. */
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		memset(s, 0, fx->len + 1);
		KUNIT_ASSERT_EQ(test, sacc_mig_writer_init(&w, fx->src), 0);
		off = 0;
		do {
			n = sacc_mig_writer_read(&w, s + off, min(chunks[i], fx->len + 1 - off));
			off += n;
		} while (n);
		sacc_mig_writer_destroy(&w);
		KUNIT_EXPECT_EQ_MSG(test, off, fx->len, "chunk %zu", chunks[i]);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(s, fx->s, fx->len), 0, "chunk %zu", chunks[i]);
	}
	/* And the parser fed in pieces of each size reads it back. */
	for (i = 0; i < ARRAY_SIZE(chunks); i++) {
		KUNIT_EXPECT_EQ_MSG(test, parse(test, fx, fx->s, fx->len, chunks[i]), 0,
				    "chunk %zu: %s", chunks[i], sacc_mig_reason_str(fx->p->reason));
		KUNIT_EXPECT_TRUE_MSG(test, dst_is_src(test, fx), "chunk %zu", chunks[i]);
	}

	/* Spot checks that the fields landed where they belong. */
	KUNIT_EXPECT_EQ(test, fx->dst->fn.scratch, 0x5acc0001);
	KUNIT_EXPECT_EQ(test, fx->dst->fn.intr_status, SACC_INTR_QUEUE(NQ - 1) | SACC_INTR_ERROR);
	KUNIT_EXPECT_TRUE(test, fx->dst->q[0].job_active);
	KUNIT_EXPECT_TRUE(test, fx->dst->q[0].job.in_element);
	KUNIT_EXPECT_EQ(test, fx->dst->q[0].job.el.dst, 0x400000);
	KUNIT_EXPECT_EQ(test, fx->dst->q[0].job.el_progress.off, 4096);
	KUNIT_EXPECT_EQ(test, fx->dst->q[0].job.element, 4);
	KUNIT_EXPECT_EQ(test, fx->dst->q[1].regs.base_hi, 1);
	KUNIT_EXPECT_EQ(test, fx->dst->q[1].timer_ns, 42000);
	KUNIT_EXPECT_EQ(test, fx->dst->q[1].job.d.src, 0xffff0000000ULL);
	KUNIT_EXPECT_EQ(test, fx->dst->q[1].job.progress.crc, 0xfeedf00d);
	KUNIT_EXPECT_EQ(test, fx->dst->q[2].regs.error, SACC_QERR_ADDR);
	KUNIT_EXPECT_FALSE(test, fx->dst->q[3].job_active);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(fx->dst->cfg + SACC_CFG_CAP_MSI +
						 PCI_MSI_ADDRESS_LO), 0xfee01004);
	KUNIT_EXPECT_EQ(test, memcmp(fx->dst->devmem, fx->src->devmem, BIG_MEM), 0);
}

/* Every identity the module's types can have round-trips. */
static void mig_round_trip_types(struct kunit *test)
{
	struct mig_fx *fx = alloc_fx(test);
	unsigned int nq;
	u8 *mem;

	mem = tvzalloc(test, SZ_1M);
	fx->dst->devmem = tvzalloc(test, SZ_1M);
	for (nq = 1; nq <= SACC_MAX_QUEUES; nq++) {
		identity(test, &fx->id, nq, SZ_1M);
		memset(fx->src, 0, sizeof(*fx->src));
		fill_state(test, fx->src, &fx->id);
		fx->src->devmem = mem;
		memset(mem, 0, SZ_1M);
		memset(mem + SZ_1M - PG * nq, nq, PG * nq);
		fx->s = serialise(test, fx->src, &fx->len);
		KUNIT_EXPECT_EQ_MSG(test, parse(test, fx, fx->s, fx->len, 1000), 0, "%u queues",
				    nq);
		KUNIT_EXPECT_TRUE_MSG(test, dst_is_src(test, fx), "%u queues", nq);
	}
}

/* What the writer produces: header, fixed records, runs of non-zero pages, END. */
static void mig_stream_layout(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, BIG_MEM);
	const u8 *s = fx->s;
	size_t off;
	unsigned int n = 0, pages = 0;
	static const u16 order[] = { SACC_MIG_REC_CONFIG, SACC_MIG_REC_FUNC,
		SACC_MIG_REC_QUEUE, SACC_MIG_REC_QUEUE, SACC_MIG_REC_QUEUE, SACC_MIG_REC_QUEUE,
		SACC_MIG_REC_DEVMEM, SACC_MIG_REC_DEVMEM, SACC_MIG_REC_DEVMEM,
		SACC_MIG_REC_DEVMEM, SACC_MIG_REC_END };
	static const u64 devmem_at[] = { 2 * PG, 5 * PG, 20 * PG, BIG_MEM - PG };
	static const u32 devmem_pages[] = { 1, SACC_MIG_DEVMEM_PAGES_MAX, 2, 1 };
	unsigned int d = 0;

	KUNIT_EXPECT_EQ(test, memcmp(s, "SACM", 4), 0);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(s + 4), SACC_MIG_VERSION);
	KUNIT_EXPECT_EQ(test, get_unaligned_le32(s + 16), NQ);
	KUNIT_EXPECT_EQ(test, get_unaligned_le64(s + 24), BIG_MEM);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(s + 32), SACC_PCI_VENDOR_ID);
	KUNIT_EXPECT_EQ(test, get_unaligned_le16(s + 34), SACC_PCI_DEVICE_ID);
	for (off = next_rec(s, fx->len, 0); off < fx->len; off = next_rec(s, fx->len, off), n++) {
		u32 len = get_unaligned_le32(s + off + 4);

		if (n >= ARRAY_SIZE(order))
			break;
		KUNIT_EXPECT_EQ_MSG(test, rec_type(s, off), order[n], "record %u", n);
		KUNIT_EXPECT_EQ(test, get_unaligned_le16(s + off + 2), SACC_MIG_REC_MANDATORY);
		if (rec_type(s, off) == SACC_MIG_REC_QUEUE)
			KUNIT_EXPECT_EQ(test, get_unaligned_le32(s + off + REC_LEN), n - 2);
		if (rec_type(s, off) == SACC_MIG_REC_DEVMEM && d < ARRAY_SIZE(devmem_at)) {
			KUNIT_EXPECT_EQ(test, get_unaligned_le64(s + off + REC_LEN), devmem_at[d]);
			KUNIT_EXPECT_EQ(test, (len - 8) / PG, devmem_pages[d]);
			pages += (len - 8) / PG;
			d++;
		}
		if (rec_type(s, off) == SACC_MIG_REC_END) {
			KUNIT_EXPECT_EQ(test, get_unaligned_le32(s + off + REC_LEN), n);
			KUNIT_EXPECT_EQ(test, get_unaligned_le32(s + off + REC_LEN + 4),
					sacc_mig_crc(s, off));
			KUNIT_EXPECT_EQ(test, off + REC_LEN + len, fx->len);
		}
	}
	KUNIT_EXPECT_EQ(test, n, ARRAY_SIZE(order));
	/* The zero pages (32 - 19 of them) are not sent. */
	KUNIT_EXPECT_EQ(test, pages, 19);
	KUNIT_EXPECT_EQ(test, fx->len, sacc_mig_stream_size(fx->src));
}

/* ---------------------------------------------------------------------------
 * Refusals of the header: each as soon as the bytes that show it are in
 */

static void mig_bad_magic_refused_at_once(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *s = copy_stream(test, fx, 0);

	s[1] ^= 0x20;
	parser_start(test, fx);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s, 3), 3);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s + 3, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, fx->p->reason, SACC_MIG_E_MAGIC);
	/* Refused for good: a later call fails the same way. */
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s + 4, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_finish(fx->p), -EINVAL);
	sacc_mig_parser_destroy(fx->p);
	expect_refused(test, fx, s, fx->len, SACC_MIG_E_MAGIC);
}

static void mig_bad_version_refused_at_once(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *s = copy_stream(test, fx, 0);

	put_unaligned_le32(SACC_MIG_VERSION + 1, s + 4);
	fix_hdr_crc(s);
	parser_start(test, fx);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s, 7), 7);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s + 7, 1), -EPROTONOSUPPORT);
	KUNIT_EXPECT_EQ(test, fx->p->reason, SACC_MIG_E_VERSION);
	sacc_mig_parser_destroy(fx->p);
	put_unaligned_le32(0, s + 4);
	expect_refused(test, fx, s, fx->len, SACC_MIG_E_VERSION);
}

static void mig_bad_header_crc(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *s = copy_stream(test, fx, 0);
	unsigned int i;

	/* Any byte after the version, the CRC itself included. */
	for (i = 8; i < HDR_LEN; i++) {
		memcpy(s, fx->s, HDR_LEN);
		s[i] ^= 0x01;
		parser_start(test, fx);
		KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s, HDR_LEN - 1), HDR_LEN - 1);
		KUNIT_EXPECT_EQ_MSG(test, sacc_mig_parser_feed(fx->p, s + HDR_LEN - 1, 1),
				    -EBADMSG, "byte %u", i);
		KUNIT_EXPECT_EQ(test, fx->p->reason, SACC_MIG_E_HDR_CRC);
		sacc_mig_parser_destroy(fx->p);
	}
}

static void mig_header_reserved_field(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *s = copy_stream(test, fx, 0);

	s[offsetof(struct sacc_mig_wire_header, rsvd)] = 1;
	fix_hdr_crc(s);
	expect_refused(test, fx, s, fx->len, SACC_MIG_E_HDR_FIELD);
}

/* A source of another kind is refused once its header is in, before any record. */
static void mig_identity_mismatch_refused_early(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	struct sacc_mig_identity other;
	struct sacc_mig_state *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	static const unsigned int fields[] = {
		offsetof(struct sacc_mig_wire_header, reg_version),
		offsetof(struct sacc_mig_wire_header, caps),
		offsetof(struct sacc_mig_wire_header, caps) + 2,	/* CAPS.OPS */
		offsetof(struct sacc_mig_wire_header, devmem_size) + 1,
		offsetof(struct sacc_mig_wire_header, vendor),
		offsetof(struct sacc_mig_wire_header, device),
		offsetof(struct sacc_mig_wire_header, subsys_vendor),
		offsetof(struct sacc_mig_wire_header, subsys_id),
		offsetof(struct sacc_mig_wire_header, class_rev),
		offsetof(struct sacc_mig_wire_header, class_rev) + 3,
	};
	size_t len;
	unsigned int i;
	u8 *s;

	/* A real source with fewer queues (another type) ... */
	KUNIT_ASSERT_NOT_NULL(test, st);
	identity(test, &other, 2, SMALL_MEM);
	fill_state(test, st, &other);
	st->devmem = tvzalloc(test, SMALL_MEM);
	s = serialise(test, st, &len);
	parser_start(test, fx);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s, HDR_LEN - 1), HDR_LEN - 1);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s + HDR_LEN - 1, 1), -EXDEV);
	KUNIT_EXPECT_EQ(test, fx->p->reason, SACC_MIG_E_IDENTITY);
	sacc_mig_parser_destroy(fx->p);
	/* ... or with more device memory. */
	identity(test, &other, NQ, 2 * SMALL_MEM);
	fill_state(test, st, &other);
	st->devmem = tvzalloc(test, 2 * SMALL_MEM);
	s = serialise(test, st, &len);
	expect_refused(test, fx, s, len, SACC_MIG_E_IDENTITY);

	/* Every field of the identity counts. */
	s = copy_stream(test, fx, 0);
	for (i = 0; i < ARRAY_SIZE(fields); i++) {
		memcpy(s, fx->s, HDR_LEN);
		s[fields[i]] ^= 0x10;
		fix_hdr_crc(s);
		KUNIT_EXPECT_EQ_MSG(test, parse(test, fx, s, HDR_LEN, HDR_LEN), -EXDEV,
				    "header byte %u", fields[i]);
		KUNIT_EXPECT_EQ(test, fx->p->reason, SACC_MIG_E_IDENTITY);
	}
}

/* ---------------------------------------------------------------------------
 * Refusals of records
 */

static void mig_bad_record_crc(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	static const u16 types[] = { SACC_MIG_REC_CONFIG, SACC_MIG_REC_FUNC,
				     SACC_MIG_REC_QUEUE, SACC_MIG_REC_DEVMEM, SACC_MIG_REC_END };
	unsigned int i;
	size_t off;
	u8 *s;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		s = copy_stream(test, fx, 0);
		off = find_rec(test, s, fx->len, types[i], 0);
		s[off + REC_LEN + 5] ^= 0x40;	/* a payload byte */
		expect_refused(test, fx, s, fx->len, SACC_MIG_E_REC_CRC);
		s[off + REC_LEN + 5] ^= 0x40;
		s[off + 9] ^= 0x40;		/* the CRC */
		expect_refused(test, fx, s, fx->len, SACC_MIG_E_REC_CRC);
	}
}

static void mig_truncated(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	size_t end = find_rec(test, fx->s, fx->len, SACC_MIG_REC_END, 0);

	/* Empty, header only, a record short, all but END, all but END's last byte. */
	expect_refused(test, fx, fx->s, 0, SACC_MIG_E_TRUNCATED);
	expect_refused(test, fx, fx->s, HDR_LEN, SACC_MIG_E_TRUNCATED);
	expect_refused(test, fx, fx->s, HDR_LEN + 100, SACC_MIG_E_TRUNCATED);
	expect_refused(test, fx, fx->s, end, SACC_MIG_E_TRUNCATED);
	expect_refused(test, fx, fx->s, fx->len - 1, SACC_MIG_E_TRUNCATED);
}

/* A length wrong for the type, or too large, is refused from the record's header. */
static void mig_oversized_length_refused_early(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	static const struct { u16 type; u32 len; } bad[] = {
		{ SACC_MIG_REC_CONFIG, PCI_CFG_SPACE_SIZE + 1 },
		{ SACC_MIG_REC_CONFIG, PCI_CFG_SPACE_SIZE - 1 },
		{ SACC_MIG_REC_FUNC, 0 },
		{ SACC_MIG_REC_QUEUE, sizeof(struct sacc_mig_wire_queue) * 2 },
		{ SACC_MIG_REC_DEVMEM, 8 },
		{ SACC_MIG_REC_DEVMEM, 8 + PG + 1 },
		{ SACC_MIG_REC_DEVMEM, 8 + (SACC_MIG_DEVMEM_PAGES_MAX + 1) * PG },
		{ SACC_MIG_REC_END, 9 },
		{ REC_UNKNOWN, SACC_MIG_REC_MAX + 1 },
		{ REC_UNKNOWN, 0xffffffff },
	};
	struct sacc_mig_wire_rec rec;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		rec = (struct sacc_mig_wire_rec){ .type = cpu_to_le16(bad[i].type),
						  .flags = cpu_to_le16(bad[i].type == REC_UNKNOWN ?
							0 : SACC_MIG_REC_MANDATORY),
						  .len = cpu_to_le32(bad[i].len) };
		parser_start(test, fx);
		KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, fx->s, HDR_LEN), HDR_LEN);
		/* No payload needed: the header of the record is enough. */
		KUNIT_EXPECT_EQ_MSG(test, sacc_mig_parser_feed(fx->p, &rec, sizeof(rec)), -EMSGSIZE,
				    "type %#x length %u", bad[i].type, bad[i].len);
		KUNIT_EXPECT_EQ(test, fx->p->reason, SACC_MIG_E_REC_LEN);
		sacc_mig_parser_destroy(fx->p);
	}
}

static void mig_unknown_mandatory_refused(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *s = copy_stream(test, fx, REC_LEN + 16);
	u8 payload[16] = { 1, 2, 3 };
	size_t at = find_rec(test, s, fx->len, SACC_MIG_REC_QUEUE, 1);
	size_t len = insert_rec(s, fx->len, at, REC_UNKNOWN, SACC_MIG_REC_MANDATORY,
				payload, sizeof(payload));

	fix_end(test, s, len);
	/* Refused from its header, before its payload. */
	parser_start(test, fx);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s, at + REC_LEN - 1), at + REC_LEN - 1);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s + at + REC_LEN - 1, 1), -EOPNOTSUPP);
	KUNIT_EXPECT_EQ(test, fx->p->reason, SACC_MIG_E_REC_TYPE);
	sacc_mig_parser_destroy(fx->p);
	expect_refused(test, fx, s, len, SACC_MIG_E_REC_TYPE);
}

static void mig_unknown_optional_skipped(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *big = tvzalloc(test, SACC_MIG_REC_MAX);
	u8 *s = copy_stream(test, fx, 3 * REC_LEN + 16 + SACC_MIG_REC_MAX);
	u8 payload[16] = { 0xff, 0xee };
	size_t len = fx->len, at;

	memset(big, 0x5a, SACC_MIG_REC_MAX);
	/* One of each size: empty, small, the largest; in the middle and first. */
	at = find_rec(test, s, len, SACC_MIG_REC_QUEUE, 2);
	len = insert_rec(s, len, at, REC_UNKNOWN, 0, payload, sizeof(payload));
	len = insert_rec(s, len, HDR_LEN, REC_UNKNOWN + 1, 0, payload, 0);
	at = find_rec(test, s, len, SACC_MIG_REC_END, 0);
	len = insert_rec(s, len, at, REC_UNKNOWN + 2, 0, big, SACC_MIG_REC_MAX);
	fix_end(test, s, len);
	KUNIT_EXPECT_EQ(test, parse(test, fx, s, len, 1), 0);
	KUNIT_EXPECT_TRUE(test, dst_is_src(test, fx));
	KUNIT_EXPECT_EQ(test, parse(test, fx, s, len, 4000), 0);
	KUNIT_EXPECT_TRUE(test, dst_is_src(test, fx));

	/* Skipped, but checked: its CRC too, and its bytes count in END's. */
	at = find_rec(test, s, len, REC_UNKNOWN, 0);
	s[at + REC_LEN + 1] ^= 1;
	expect_refused(test, fx, s, len, SACC_MIG_E_REC_CRC);
	fix_rec_crc(s, at);
	expect_refused(test, fx, s, len, SACC_MIG_E_STREAM);
	fix_end(test, s, len);
	KUNIT_EXPECT_EQ(test, parse(test, fx, s, len, len), 0);
}

static void mig_unknown_record_flags(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *s = copy_stream(test, fx, 0);
	size_t off = find_rec(test, s, fx->len, SACC_MIG_REC_FUNC, 0);

	put_unaligned_le16(SACC_MIG_REC_MANDATORY | 0x8000, s + off + 2);
	fix_rec_crc(s, off);
	fix_end(test, s, fx->len);
	expect_refused(test, fx, s, fx->len, SACC_MIG_E_REC_FLAGS);
}

static void mig_trailing_data(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *s = copy_stream(test, fx, REC_LEN + 8);
	size_t end = find_rec(test, s, fx->len, SACC_MIG_REC_END, 0);

	/* One byte more, in the same write or in the next one. */
	expect_refused(test, fx, s, fx->len + 1, SACC_MIG_E_TRAILING);
	parser_start(test, fx);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s, fx->len), fx->len);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_feed(fx->p, s + fx->len, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, fx->p->reason, SACC_MIG_E_TRAILING);
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_finish(fx->p), -EINVAL);
	sacc_mig_parser_destroy(fx->p);
	/* A second END. */
	memcpy(s + fx->len, s + end, REC_LEN + 8);
	expect_refused(test, fx, s, fx->len + REC_LEN + 8, SACC_MIG_E_TRAILING);
}

static void mig_duplicate_and_missing_records(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	static const u16 types[] = { SACC_MIG_REC_CONFIG, SACC_MIG_REC_FUNC, SACC_MIG_REC_QUEUE };
	u8 *s = copy_stream(test, fx, REC_LEN + SACC_MIG_REC_MAX);
	size_t off, len, at, n;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(types); i++) {
		/* Twice. */
		memcpy(s, fx->s, fx->len);
		off = find_rec(test, s, fx->len, types[i], types[i] == SACC_MIG_REC_QUEUE ? 3 : 0);
		n = next_rec(s, fx->len, off) - off;
		at = find_rec(test, s, fx->len, SACC_MIG_REC_END, 0);
		memmove(s + at + n, s + at, fx->len - at);
		memcpy(s + at, s + off, n);
		fix_end(test, s, fx->len + n);
		expect_refused(test, fx, s, fx->len + n, SACC_MIG_E_REC_DUP);
		/* Not at all. */
		memcpy(s, fx->s, fx->len);
		len = remove_rec(s, fx->len, off);
		fix_end(test, s, len);
		expect_refused(test, fx, s, len, SACC_MIG_E_MISSING);
		/* Dropped, END not told: the count and the stream CRC catch it. */
		memcpy(s, fx->s, fx->len);
		len = remove_rec(s, fx->len, off);
		expect_refused(test, fx, s, len, SACC_MIG_E_STREAM);
	}
	/*
	 * Two records swapped: each is whole and the count is right, but the stream
	 * CRC is not; told to END, the parser takes the records in any order.
	 */
	memcpy(s, fx->s, fx->len);
	off = find_rec(test, s, fx->len, SACC_MIG_REC_QUEUE, 0);
	n = next_rec(s, fx->len, off) - off;
	memcpy(s + off, fx->s + off + n, n);
	memcpy(s + off + n, fx->s + off, n);
	expect_refused(test, fx, s, fx->len, SACC_MIG_E_STREAM);
	fix_end(test, s, fx->len);
	KUNIT_EXPECT_EQ(test, parse(test, fx, s, fx->len, fx->len), 0);
	KUNIT_EXPECT_EQ(test, fx->dst->q[1].regs.base_hi, 1);
	/* A device memory record dropped, or END's count changed: the count catches it. */
	memcpy(s, fx->s, fx->len);
	len = remove_rec(s, fx->len, find_rec(test, s, fx->len, SACC_MIG_REC_DEVMEM, 0));
	expect_refused(test, fx, s, len, SACC_MIG_E_STREAM);
	memcpy(s, fx->s, fx->len);
	put_unaligned_le32(get_unaligned_le32(s + fx->len - 8) + 1, s + fx->len - 8);
	fix_rec_crc(s, fx->len - REC_LEN - 8);
	expect_refused(test, fx, s, fx->len, SACC_MIG_E_STREAM);
}

/* Edit one 32-bit field of a record (CRC and END made right); expect refusal. */
static void expect_field_refused(struct kunit *test, struct mig_fx *fx, u16 type,
				 unsigned int nth, unsigned int field, u32 xor, u32 set)
{
	u8 *s = copy_stream(test, fx, 0);
	size_t off = find_rec(test, s, fx->len, type, nth) + REC_LEN + field;
	u32 val = get_unaligned_le32(s + off);

	put_unaligned_le32(set ? set : val ^ xor, s + off);
	fix_rec_crc(s, off - REC_LEN - field);
	fix_end(test, s, fx->len);
	expect_refused(test, fx, s, fx->len, SACC_MIG_E_REC_FIELD);
	KUNIT_EXPECT_EQ_MSG(test, fx->p->reason, SACC_MIG_E_REC_FIELD,
			    "type %#x #%u field %u", type, nth, field);
}

#define QF(f)	offsetof(struct sacc_mig_wire_queue, f)
#define FF(f)	offsetof(struct sacc_mig_wire_func, f)

/* Every field is checked as the destination's own registers would hold it. */
static void mig_fields_out_of_bounds(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	const u16 q = SACC_MIG_REC_QUEUE, f = SACC_MIG_REC_FUNC;
	u8 *s;
	size_t off;

	/* Configuration space: a read-only bit differs (IDs, BAR size bits, MSI). */
	expect_field_refused(test, fx, SACC_MIG_REC_CONFIG, 0, PCI_VENDOR_ID, 1, 0);
	expect_field_refused(test, fx, SACC_MIG_REC_CONFIG, 0, PCI_BASE_ADDRESS_2, 0x1000, 0);
	expect_field_refused(test, fx, SACC_MIG_REC_CONFIG, 0, PCI_COMMAND, PCI_COMMAND_IO, 0);
	expect_field_refused(test, fx, SACC_MIG_REC_CONFIG, 0, 0xfc, 0x80000000, 0);
	expect_field_refused(test, fx, SACC_MIG_REC_CONFIG, 0, SACC_CFG_CAP_MSI, 0x20000, 0);
	/* Function registers. */
	expect_field_refused(test, fx, f, 0, FF(ctrl), SACC_CTRL_RESET, 0);
	expect_field_refused(test, fx, f, 0, FF(flags), 0x2, 0);
	expect_field_refused(test, fx, f, 0, FF(intr_status), SACC_INTR_QUEUE(NQ), 0);
	expect_field_refused(test, fx, f, 0, FF(intr_mask), 0x00020000, 0);
	expect_field_refused(test, fx, f, 0, FF(rsvd[2]), 1, 0);
	/* Queue registers. */
	expect_field_refused(test, fx, q, 3, QF(index), 0, NQ);
	expect_field_refused(test, fx, q, 3, QF(index), 0, 0x80000003);
	expect_field_refused(test, fx, q, 2, QF(base_lo), 0x20, 0);
	expect_field_refused(test, fx, q, 2, QF(size), 0x2000, 0);
	expect_field_refused(test, fx, q, 2, QF(head), 0x2000, 0);
	expect_field_refused(test, fx, q, 2, QF(tail), 0x10000, 0);
	expect_field_refused(test, fx, q, 2, QF(ctrl), 0x2, 0);
	expect_field_refused(test, fx, q, 2, QF(error), 0, SACC_QERR_FLAGS + 1);
	expect_field_refused(test, fx, q, 2, QF(error_info), 0x4000, 0);
	expect_field_refused(test, fx, q, 2, QF(coalesce), 0x100, 0);
	expect_field_refused(test, fx, q, 1, QF(coalesced), 0, 256);
	expect_field_refused(test, fx, q, 1, QF(timer_ns), 0, 65536000);
	expect_field_refused(test, fx, q, 1, QF(timer_ns) + 4, 1, 0);
	/* The checkpoint: flags, ring, the descriptors, progress within them. */
	expect_field_refused(test, fx, q, 1, QF(job_flags), 0x4, 0);
	expect_field_refused(test, fx, q, 2, QF(job_flags), 0, SACC_MIG_JOB_IN_ELEMENT);
	expect_field_refused(test, fx, q, 1, QF(job_flags), SACC_MIG_JOB_IN_ELEMENT, 0);
	expect_field_refused(test, fx, q, 1, QF(job_size), 0, 4097);
	expect_field_refused(test, fx, q, 1, QF(job_size), 0, 48);
	expect_field_refused(test, fx, q, 1, QF(job_head), 0, 4096);
	expect_field_refused(test, fx, q, 1, QF(d), 0xff, 0);		/* opcode */
	expect_field_refused(test, fx, q, 1, QF(d.len), 0, SACC_DESC_MAX_LEN + 1);
	expect_field_refused(test, fx, q, 1, QF(d.rsvd1), 1, 0);
	expect_field_refused(test, fx, q, 1, QF(progress.off), 0, SACC_DESC_MAX_LEN + 1);
	expect_field_refused(test, fx, q, 1, QF(progress.error), 0, SACC_QERR_ADDR);
	expect_field_refused(test, fx, q, 1, QF(progress.error), 0, 0x100);
	expect_field_refused(test, fx, q, 1, QF(element), 0, 1);
	expect_field_refused(test, fx, q, 0, QF(element), 0, 10);
	expect_field_refused(test, fx, q, 0, QF(intr), 0, 5);
	expect_field_refused(test, fx, q, 0, QF(progress.off), 0, 64);
	expect_field_refused(test, fx, q, 0, QF(el), 0, SACC_OP_BATCH);	/* nested */
	expect_field_refused(test, fx, q, 0, QF(el_progress.off), 0, 8193);
	/* A queue with no checkpoint carries none. */
	expect_field_refused(test, fx, q, 2, QF(job_head), 0, 1);
	expect_field_refused(test, fx, q, 3, QF(bytes) + 4, 0, 1);
	/* No element in progress: none carried. */
	s = copy_stream(test, fx, 0);
	off = find_rec(test, s, fx->len, q, 0);
	put_unaligned_le32(SACC_MIG_JOB_ACTIVE, s + off + REC_LEN + QF(job_flags));
	fix_rec_crc(s, off);
	fix_end(test, s, fx->len);
	expect_refused(test, fx, s, fx->len, SACC_MIG_E_REC_FIELD);
	/* Device memory outside the memory, or not on a page. */
	expect_field_refused(test, fx, SACC_MIG_REC_DEVMEM, 0, 0, 0, SMALL_MEM);
	expect_field_refused(test, fx, SACC_MIG_REC_DEVMEM, 0, 0, 0, SMALL_MEM - PG + 8);
	expect_field_refused(test, fx, SACC_MIG_REC_DEVMEM, 0, 0, 0, PG + 8);
	expect_field_refused(test, fx, SACC_MIG_REC_DEVMEM, 0, 4, 0, 1);
	expect_field_refused(test, fx, SACC_MIG_REC_DEVMEM, 0, 4, 0, 0x80000000);
}

/* A field the checks accept as edited: the mutation is real, the edit helper works. */
static void mig_field_edit_accepted_when_valid(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	u8 *s = copy_stream(test, fx, 0);
	size_t off = find_rec(test, s, fx->len, SACC_MIG_REC_QUEUE, 2) + REC_LEN;

	put_unaligned_le32(0x7fffffc0, s + off + QF(base_lo));
	fix_rec_crc(s, off - REC_LEN);
	fix_end(test, s, fx->len);
	KUNIT_EXPECT_EQ(test, parse(test, fx, s, fx->len, fx->len), 0);
	KUNIT_EXPECT_EQ(test, fx->dst->q[2].regs.base_lo, 0x7fffffc0);
	/* The destination's device memory is what the stream says, no more. */
	KUNIT_EXPECT_EQ(test, ((u8 *)fx->dst->devmem)[2 * PG], 0xa5);
	KUNIT_EXPECT_EQ(test, ((u8 *)fx->dst->devmem)[2 * PG + 100], 0);
	KUNIT_EXPECT_NULL(test, memchr_inv(fx->dst->devmem, 0, 2 * PG));
}

/*
 * Flip every byte of a valid stream, one at a time, in two ways (one bit, all
 * bits): every corrupted stream must be refused. No byte is uncovered: the header
 * CRC covers the header (its magic and version are also checked by value), each
 * record's CRC its header and payload, and END's stream CRC all before END.
 */
static void mig_fuzz_every_byte_flip(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	unsigned int by_reason[SACC_MIG_E_NR] = {}, accepted = 0, i, pass;
	u8 *s = copy_stream(test, fx, 0);
	size_t first_accepted = 0;
	u8 flip;

	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < fx->len; i++) {
			flip = pass ? 0xff : 1 << (i % 8);
			s[i] ^= flip;
			if (!parse(test, fx, s, fx->len, 509)) {
				if (!accepted++)
					first_accepted = i;
			}
			by_reason[fx->p->reason]++;
			s[i] ^= flip;
		}
	}
	KUNIT_EXPECT_EQ_MSG(test, accepted, 0, "a flip of byte %zu was accepted",
			    first_accepted);
	for (i = 1; i < SACC_MIG_E_NR; i++)
		if (by_reason[i])
			kunit_info(test, "%u flips: %s\n", by_reason[i], sacc_mig_reason_str(i));
	/* What the flips hit: header and record checks both had work. */
	KUNIT_EXPECT_GT(test, by_reason[SACC_MIG_E_MAGIC], 0);
	KUNIT_EXPECT_GT(test, by_reason[SACC_MIG_E_VERSION], 0);
	KUNIT_EXPECT_GT(test, by_reason[SACC_MIG_E_HDR_CRC], 0);
	KUNIT_EXPECT_GT(test, by_reason[SACC_MIG_E_REC_CRC], 0);
	/* The unflipped stream is still fine. */
	KUNIT_EXPECT_EQ(test, parse(test, fx, s, fx->len, 509), 0);
}

/* The stream's CRC is the standard CRC32C (docs/device-spec.md gives this vector). */
static void mig_crc_known_vector(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sacc_mig_crc("123456789", 9), 0xe3069283);
	KUNIT_EXPECT_EQ(test, sacc_mig_crc("", 0), 0);
}

/* The writer and parser refuse identities no function has. */
static void mig_impossible_identity(struct kunit *test)
{
	struct mig_fx *fx = new_fx(test, SMALL_MEM);
	struct sacc_mig_writer w;
	struct sacc_mig_identity id = fx->id;

	id.devmem_size = 3 * PG;
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_init(fx->p, &id, fx->dst), -EINVAL);
	id = fx->id;
	id.nr_queues = SACC_MAX_QUEUES + 1;
	KUNIT_EXPECT_EQ(test, sacc_mig_parser_init(fx->p, &id, fx->dst), -EINVAL);
	fx->src->id.nr_queues = 0;
	KUNIT_EXPECT_EQ(test, sacc_mig_writer_init(&w, fx->src), -EINVAL);
	sacc_mig_writer_destroy(&w);
}

static struct kunit_case sacc_mig_stream_cases[] = {
	KUNIT_CASE_SLOW(mig_round_trip_every_cut),
	KUNIT_CASE(mig_round_trip_chunk_sizes),
	KUNIT_CASE(mig_round_trip_types),
	KUNIT_CASE(mig_stream_layout),
	KUNIT_CASE(mig_bad_magic_refused_at_once),
	KUNIT_CASE(mig_bad_version_refused_at_once),
	KUNIT_CASE(mig_bad_header_crc),
	KUNIT_CASE(mig_header_reserved_field),
	KUNIT_CASE(mig_identity_mismatch_refused_early),
	KUNIT_CASE(mig_bad_record_crc),
	KUNIT_CASE(mig_truncated),
	KUNIT_CASE(mig_oversized_length_refused_early),
	KUNIT_CASE(mig_unknown_mandatory_refused),
	KUNIT_CASE(mig_unknown_optional_skipped),
	KUNIT_CASE(mig_unknown_record_flags),
	KUNIT_CASE(mig_trailing_data),
	KUNIT_CASE(mig_duplicate_and_missing_records),
	KUNIT_CASE(mig_fields_out_of_bounds),
	KUNIT_CASE(mig_field_edit_accepted_when_valid),
	KUNIT_CASE_SLOW(mig_fuzz_every_byte_flip),
	KUNIT_CASE(mig_crc_known_vector),
	KUNIT_CASE(mig_impossible_identity),
	{}
};

static struct kunit_suite sacc_mig_stream_suite = {
	.name = "sacc_mig_stream",
	.test_cases = sacc_mig_stream_cases,
};

kunit_test_suite(sacc_mig_stream_suite);
