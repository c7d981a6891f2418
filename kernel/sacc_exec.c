// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - executing one descriptor: decode, validate every field, run the operation
 * on the user's memory through the DMA cache, write the completion record.
 *
 * Everything a descriptor holds comes from the guest and is checked before use:
 * reserved bits, opcode, length bounds, address wrap-around, COPY overlap and the
 * completion address. Data moves a window at a time (sacc_dma.c), page to page on
 * the user's own pages: no length the guest chooses makes the host allocate.
 */
#include <kunit/visibility.h>
#include <linux/crc32c.h>
#include <linux/minmax.h>
#include <linux/string.h>

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
	/* Last bytes, not ends: a range may end at 2^64 - 1. */
	if (d->opcode == SACC_OP_COPY && d->src <= d->dst + d->len - 1 &&
	    d->dst <= d->src + d->len - 1)
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
	return crc32c(crc, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_crc32c);

/*
 * Store FILL's pattern over @n bytes at @va, the descriptor's byte @at first:
 * byte i of the destination is byte (i mod 8) of the pattern, little-endian.
 */
static void sacc_fill(u8 *va, u32 n, u64 pattern, u32 at)
{
	u64 word;

	for (; n && !IS_ALIGNED((unsigned long)va, 8); n--)
		*va++ = pattern >> (8 * (at++ % 8));
	if (n >= 8) {
		word = (__force u64)cpu_to_le64(ror64(pattern, 8 * (at % 8)));
		memset64((u64 *)va, word, n / 8);
		va += n & ~7U;
		at += n & ~7U;
		n &= 7;
	}
	for (; n; n--)
		*va++ = pattern >> (8 * (at++ % 8));
}

/*
 * One step of a data operation: bytes [@off, @off + *@n) of the descriptor, at most
 * a window, page to page. *@n is set to the bytes done. Return: 0 or the
 * SACC_QERR_* code; for COMPARE, a difference sets @res->result and *@n to 0.
 */
static u8 sacc_exec_step(struct sacc_exec *x, const struct sacc_desc *d, u32 off,
			 u32 *n, u32 *crc, struct sacc_result *res)
{
	bool src = d->opcode != SACC_OP_FILL;
	bool dst = d->opcode == SACC_OP_COPY || d->opcode == SACC_OP_FILL ||
		   d->opcode == SACC_OP_COMPARE;
	bool write = d->opcode == SACC_OP_COPY || d->opcode == SACC_OP_FILL;
	struct sacc_dma_window ws, wd;
	u32 o, ks, kd, k, i, len = d->len - off;
	u8 *s = NULL, *t = NULL;
	u8 err = 0;

	if (src && sacc_dma_window_get(x->dma, d->src + off, len, false, x->bounce[0], &ws))
		return SACC_QERR_ADDR;
	if (src)
		len = ws.len;
	if (dst && sacc_dma_window_get(x->dma, d->dst + off, len, write, x->bounce[1], &wd)) {
		if (src)
			sacc_dma_window_put(&ws);
		return SACC_QERR_ADDR;
	}
	if (dst)
		len = wd.len;

	for (o = 0; o < len; o += k) {
		k = len - o;
		if (src) {
			s = sacc_dma_window_map(&ws, o, &ks);
			k = min(k, ks);
		}
		if (dst) {
			t = sacc_dma_window_map(&wd, o, &kd);
			k = min(k, kd);
		}
		switch (d->opcode) {
		case SACC_OP_COPY:
			memcpy(t, s, k);
			break;
		case SACC_OP_FILL:
			sacc_fill(t, k, d->pattern, off + o);
			break;
		case SACC_OP_CRC32C:
			*crc = sacc_crc32c(*crc, s, k);
			break;
		case SACC_OP_COMPARE:
			if (!memcmp(s, t, k))
				break;
			for (i = 0; s[i] == t[i]; i++)
				;
			res->result = off + o + i;
			len = 0;	/* the first difference ends the comparison */
			break;
		}
		if (dst)
			sacc_dma_window_unmap(&wd, t);
		if (src)
			sacc_dma_window_unmap(&ws, s);
	}
	if (dst && sacc_dma_window_put(&wd))
		err = SACC_QERR_ADDR;
	if (src)
		sacc_dma_window_put(&ws);
	*n = len;
	return err;
}

/* Out of budget, or told to stop: the caller keeps the checkpoint. */
static bool sacc_exec_pause(struct sacc_exec *x)
{
	return x->budget <= 0 || x->pause(x);
}

/*
 * Run a data operation on from its checkpoint (@p->off bytes done, @p->crc).
 * Return: 0, a SACC_QERR_* code, or SACC_EXEC_PAUSED after at least one step.
 */
static int sacc_exec_data(struct sacc_exec *x, const struct sacc_desc *d,
			  struct sacc_progress *p)
{
	u32 n;
	u8 err;

	while (p->off < d->len) {
		err = sacc_exec_step(x, d, p->off, &n, &p->crc, &p->res);
		if (err)
			return err;
		if (!n)
			return 0;	/* COMPARE found a difference */
		p->off += n;
		x->budget -= n;
		if (p->off < d->len && sacc_exec_pause(x))
			return SACC_EXEC_PAUSED;
	}
	if (d->opcode == SACC_OP_CRC32C)
		p->res.result = ~p->crc;
	return 0;
}

/* Start @p for descriptor @d: nothing done yet. */
static void sacc_progress_start(struct sacc_progress *p, const struct sacc_desc *d)
{
	memset(p, 0, sizeof(*p));
	p->crc = ~(u32)d->pattern;
	if (d->opcode == SACC_OP_COMPARE)
		p->res.result = ~0ULL;
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
	put_unaligned_le32(res->bytes, rec + offsetof(struct sacc_completion, bytes));
	put_unaligned_le64(res->result, rec + offsetof(struct sacc_completion, result));
	put_unaligned_le64(d->tag, rec + offsetof(struct sacc_completion, tag));

	if (sacc_dma_access(x->dma, d->completion + head, rec + head, sizeof(rec) - head,
			    true) ||
	    sacc_dma_access(x->dma, d->completion, rec, head, true))
		return SACC_QERR_COMPLETION;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_exec_complete);

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

/*
 * Run a validated descriptor that is not a BATCH from its checkpoint @p, and
 * count it in @job when it completes OK. On a failure its bytes and result are 0.
 */
static int sacc_exec_op(struct sacc_exec *x, struct sacc_job *job,
			const struct sacc_desc *d, struct sacc_progress *p)
{
	int ret = d->opcode == SACC_OP_NOP ? 0 : sacc_exec_data(x, d, p);

	x->budget -= SACC_EXEC_DESC_COST;
	if (ret == SACC_EXEC_PAUSED)
		return ret;
	if (ret) {
		p->res.bytes = 0;
		p->res.result = 0;
		return ret;
	}
	p->res.bytes = d->opcode == SACC_OP_NOP ? 0 : d->len;
	job->ops++;
	job->bytes += p->res.bytes;
	return 0;
}

/*
 * Run the elements of a BATCH from the checkpoint on, stopping at the first that
 * fails. @job->res counts the elements completed (result) and their 64 bytes each
 * (bytes), also when one fails.
 */
static int sacc_exec_batch(struct sacc_exec *x, struct sacc_job *job)
{
	u32 n = job->d.len / sizeof(struct sacc_desc);
	struct sacc_progress *p = &job->el_progress;
	struct sacc_desc *el = &job->el;
	int ret;
	u8 cerr;

	while (job->element < n) {
		if (!job->in_element) {
			ret = sacc_exec_fetch(x, job->d.src + (u64)job->element * sizeof(*el),
					      el, true);
			if (ret == SACC_QERR_DESC_FETCH)
				return ret;	/* no element, no record to write */
			sacc_progress_start(p, el);
			job->in_element = true;
		} else {
			ret = 0;
		}
		if (!ret)
			ret = sacc_exec_op(x, job, el, p);
		if (ret == SACC_EXEC_PAUSED)
			return ret;
		job->in_element = false;
		p->res.error = ret;
		cerr = ret == SACC_QERR_COMPLETION ? 0 : sacc_exec_complete(x, el, &p->res);
		if (ret || cerr)
			return ret ?: cerr;
		job->progress.res.result++;
		job->progress.res.bytes += sizeof(*el);
		if (el->flags & SACC_DESC_FLAG_INTR)
			job->intr++;
		job->element++;
		if (job->element < n && sacc_exec_pause(x))
			return SACC_EXEC_PAUSED;
	}
	return 0;
}

/**
 * sacc_exec_job() - run a fetched, validated descriptor from its checkpoint
 * @x: the execution context; @x->budget is what this run may do
 * @job: the descriptor and its checkpoint (sacc_exec_job_start() before the first
 *       run)
 *
 * Runs until the descriptor is done, @x->budget is spent, or @x->pause() says so,
 * but always at least one step (a window of data or a BATCH element).
 *
 * Return: 0, the SACC_QERR_* code of the failure, or SACC_EXEC_PAUSED (run again
 * with the same @job to go on).
 */
int sacc_exec_job(struct sacc_exec *x, struct sacc_job *job)
{
	int ret;

	if (job->d.opcode != SACC_OP_BATCH)
		return sacc_exec_op(x, job, &job->d, &job->progress);
	ret = sacc_exec_batch(x, job);
	x->budget -= SACC_EXEC_DESC_COST;
	if (!ret)
		job->ops++;	/* the batch itself; its elements counted already */
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_exec_job);

/**
 * sacc_exec_job_start() - set up @job for descriptor @d (nothing done yet)
 * @job: the job
 * @d: the descriptor, in CPU byte order, validated
 */
void sacc_exec_job_start(struct sacc_job *job, const struct sacc_desc *d)
{
	memset(job, 0, sizeof(*job));
	job->d = *d;
	sacc_progress_start(&job->progress, d);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_exec_job_start);
