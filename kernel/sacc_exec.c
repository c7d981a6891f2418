// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - executing one descriptor: decode, validate every field, run the operation
 * on the user's memory through the DMA cache, write the completion record.
 *
 * Everything a descriptor holds comes from the guest and is checked before use:
 * reserved bits, opcode, length bounds, address wrap-around, COPY overlap and the
 * completion address. Data moves a page at a time through the engine thread's
 * bounce buffers, so no length the guest chooses makes the host allocate.
 */
#include <kunit/visibility.h>
#include <linux/crc32.h>
#include <linux/minmax.h>
#include <linux/string.h>
#include <linux/unaligned.h>

#include "sacc.h"

#define SACC_DESC_FLAGS_KNOWN	(SACC_DESC_FLAG_INTR | SACC_DESC_FLAG_FENCE)

/* The descriptor's fields are little-endian in memory. */
static void sacc_desc_to_cpu(struct sacc_desc *d)
{
	le16_to_cpus(&d->flags);
	le32_to_cpus(&d->len);
	le64_to_cpus(&d->src);
	le64_to_cpus(&d->dst);
	le64_to_cpus(&d->pattern);
	le64_to_cpus(&d->completion);
	le64_to_cpus(&d->tag);
}

static bool range_wraps(u64 start, u32 len)
{
	return start + len - 1 < start;
}

/**
 * sacc_desc_validate() - check a descriptor before running it
 * @d: the descriptor, in CPU byte order
 * @in_batch: it is an element of a BATCH array
 *
 * Return: 0, or the SACC_QERR_* code of the first problem, in the order FLAGS,
 * OPCODE, LENGTH, COMPLETION, ADDR, OVERLAP.
 */
u8 sacc_desc_validate(const struct sacc_desc *d, bool in_batch)
{
	bool src = false, dst = false;

	if (d->flags & ~SACC_DESC_FLAGS_KNOWN || d->rsvd0 || d->rsvd1[0] || d->rsvd1[1])
		return SACC_QERR_FLAGS;

	switch (d->opcode) {
	case SACC_OP_NOP:
		break;
	case SACC_OP_COPY:
	case SACC_OP_COMPARE:
		src = true;
		dst = true;
		break;
	case SACC_OP_FILL:
		dst = true;
		break;
	case SACC_OP_CRC32C:
		src = true;
		break;
	case SACC_OP_BATCH:
		if (in_batch)
			return SACC_QERR_OPCODE;
		src = true;
		break;
	default:
		return SACC_QERR_OPCODE;
	}

	if (d->opcode != SACC_OP_NOP &&
	    (!d->len || d->len > SACC_DESC_MAX_LEN ||
	     (d->opcode == SACC_OP_BATCH && d->len % sizeof(struct sacc_desc))))
		return SACC_QERR_LENGTH;
	if (d->completion % sizeof(struct sacc_completion) ||
	    (d->completion && range_wraps(d->completion, sizeof(struct sacc_completion))))
		return SACC_QERR_COMPLETION;
	if ((src && range_wraps(d->src, d->len)) || (dst && range_wraps(d->dst, d->len)))
		return SACC_QERR_ADDR;
	if (d->opcode == SACC_OP_COPY && d->src < d->dst + d->len &&
	    d->dst < d->src + d->len)
		return SACC_QERR_OVERLAP;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_desc_validate);

/**
 * sacc_crc32c() - continue a CRC-32C (Castagnoli) over @len bytes
 * @crc: the running value: ~seed to start, the last return value to continue
 * @buf: the bytes
 * @len: how many
 *
 * The descriptor's result is ~sacc_crc32c(~seed, data) (zlib style).
 *
 * Return: the running value.
 */
u32 sacc_crc32c(u32 crc, const void *buf, size_t len)
{
	return __crc32c_le(crc, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_crc32c);

/* Read or write a chunk of user memory; a fault is an ADDR error. */
static u8 dma_chunk(struct sacc_exec *x, u64 iova, void *buf, size_t n, bool write)
{
	return sacc_dma_access(x->dma, iova, buf, n, write) ? SACC_QERR_ADDR : 0;
}

static u8 sacc_exec_data(struct sacc_exec *x, const struct sacc_desc *d,
			 struct sacc_result *res)
{
	u32 off, n, crc = ~(u32)d->pattern;
	u8 err = 0;
	size_t i;

	if (d->opcode == SACC_OP_FILL)
		for (i = 0; i < PAGE_SIZE; i++)
			((u8 *)x->a)[i] = d->pattern >> (8 * (i % 8));
	if (d->opcode == SACC_OP_COMPARE)
		res->result = ~0ULL;

	for (off = 0; off < d->len && !err; off += n) {
		n = min_t(u32, d->len - off, PAGE_SIZE);
		switch (d->opcode) {
		case SACC_OP_COPY:
			err = dma_chunk(x, d->src + off, x->a, n, false) ?:
			      dma_chunk(x, d->dst + off, x->a, n, true);
			break;
		case SACC_OP_FILL:
			err = dma_chunk(x, d->dst + off, x->a, n, true);
			break;
		case SACC_OP_CRC32C:
			err = dma_chunk(x, d->src + off, x->a, n, false);
			if (!err)
				crc = sacc_crc32c(crc, x->a, n);
			break;
		case SACC_OP_COMPARE:
			err = dma_chunk(x, d->src + off, x->a, n, false) ?:
			      dma_chunk(x, d->dst + off, x->b, n, false);
			if (err || !memcmp(x->a, x->b, n))
				break;
			for (i = 0; ((u8 *)x->a)[i] == ((u8 *)x->b)[i]; i++)
				;
			res->result = off + i;
			return 0;	/* the first difference ends the comparison */
		}
	}
	if (err)
		return err;
	if (d->opcode == SACC_OP_CRC32C)
		res->result = ~crc;
	return 0;
}

/**
 * sacc_exec_complete() - write a descriptor's completion record, if it has one
 * @x: the execution context
 * @d: the descriptor
 * @res: its outcome; @res->error set means status ERROR
 *
 * The record's status word goes last, so that a driver polling it sees a complete
 * record.
 *
 * Return: 0, or SACC_QERR_COMPLETION when the record cannot be written.
 */
u8 sacc_exec_complete(struct sacc_exec *x, const struct sacc_desc *d,
		      const struct sacc_result *res)
{
	u8 rec[sizeof(struct sacc_completion)] = {};
	const size_t head = offsetof(struct sacc_completion, bytes);

	if (!d->completion)
		return 0;
	/* struct sacc_completion, little-endian. */
	rec[offsetof(struct sacc_completion, status)] =
		res->error ? SACC_COMPL_ERROR : SACC_COMPL_OK;
	rec[offsetof(struct sacc_completion, error)] = res->error;
	if (!res->error) {
		put_unaligned_le32(res->bytes, rec + offsetof(struct sacc_completion, bytes));
		put_unaligned_le64(res->result, rec + offsetof(struct sacc_completion, result));
	}
	put_unaligned_le64(d->tag, rec + offsetof(struct sacc_completion, tag));

	if (sacc_dma_access(x->dma, d->completion + head, rec + head, sizeof(rec) - head,
			    true) ||
	    sacc_dma_access(x->dma, d->completion, rec, head, true))
		return SACC_QERR_COMPLETION;
	return 0;
}

/**
 * sacc_exec_fetch() - read a descriptor from user memory and validate it
 * @x: the execution context
 * @iova: where it is
 * @d: filled in, in CPU byte order
 * @in_batch: it is an element of a BATCH array
 *
 * Return: 0, SACC_QERR_DESC_FETCH when it cannot be read, or what
 * sacc_desc_validate() finds.
 */
u8 sacc_exec_fetch(struct sacc_exec *x, u64 iova, struct sacc_desc *d, bool in_batch)
{
	if (sacc_dma_access(x->dma, iova, d, sizeof(*d), false))
		return SACC_QERR_DESC_FETCH;
	sacc_desc_to_cpu(d);
	return sacc_desc_validate(d, in_batch);
}

/* Run the elements of a BATCH, stopping at the first that fails. */
static u8 sacc_exec_batch(struct sacc_exec *x, const struct sacc_desc *batch,
			  struct sacc_result *res)
{
	u32 i, n = batch->len / sizeof(struct sacc_desc);
	struct sacc_result el;
	struct sacc_desc d;
	u8 cerr;

	for (i = 0; i < n; i++) {
		memset(&el, 0, sizeof(el));
		el.error = sacc_exec_fetch(x, batch->src + i * sizeof(d), &d, true);
		if (el.error == SACC_QERR_DESC_FETCH)
			return el.error;	/* no element, no record to write */
		if (!el.error)
			el.error = sacc_exec_one(x, &d, &el);
		cerr = el.error == SACC_QERR_COMPLETION ? 0 : sacc_exec_complete(x, &d, &el);
		if (el.error || cerr)
			return el.error ?: cerr;
		res->result++;
		res->bytes += sizeof(d);
	}
	return 0;
}

/**
 * sacc_exec_one() - run a validated descriptor
 * @x: the execution context
 * @d: the descriptor, in CPU byte order, validated
 * @res: zeroed by the caller; gets bytes and result, and counts in @x
 *
 * Return: 0 or the SACC_QERR_* code of the failure.
 */
u8 sacc_exec_one(struct sacc_exec *x, const struct sacc_desc *d,
		 struct sacc_result *res)
{
	u8 err;

	switch (d->opcode) {
	case SACC_OP_NOP:
		err = 0;
		break;
	case SACC_OP_BATCH:
		err = sacc_exec_batch(x, d, res);
		if (!err)
			x->ops++;	/* the batch itself; its elements counted already */
		return err;
	default:
		err = sacc_exec_data(x, d, res);
		if (!err)
			res->bytes = d->len;
	}
	if (!err) {
		x->ops++;
		x->bytes += res->bytes;
	}
	return err;
}
