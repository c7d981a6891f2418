// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - the migration stream: a writer that serialises a snapshot of an instance
 * and an incremental parser that checks and reads one back (format: see
 * sacc_mig_stream.h and docs/device-spec.md).
 *
 * The parser is fed the bytes as write() on the resuming data fd delivers them,
 * in chunks of any size. What arrives is guest input, as far as the destination
 * is concerned: the header is checked as soon as it is complete (magic and version
 * even before), every record's length against its type before its payload is
 * taken, and every field of a record against the bounds the destination's own
 * registers obey before anything of it is kept. It holds at most one record's
 * payload (SACC_MIG_REC_MAX bytes, allocated once); unknown records are skipped
 * unbuffered. Device memory pages go straight to the destination's memory, once
 * their record's CRC is right.
 */
#include <kunit/visibility.h>
#include <linux/crc32c.h>
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sacc_mig_stream.h"

/* The highest Q_ERROR code the engine records. */
#define SACC_MIG_QERR_MAX	SACC_QERR_FLAGS
#define SACC_MIG_TIMER_MAX_NS	((u64)(SACC_Q_COALESCE_USECS_MASK >> \
				       SACC_Q_COALESCE_USECS_SHIFT) * NSEC_PER_USEC)
#define SACC_MIG_FUNC_FLAGS	SACC_MIG_FUNC_FATAL
#define SACC_MIG_JOB_FLAGS	(SACC_MIG_JOB_ACTIVE | SACC_MIG_JOB_IN_ELEMENT)
/* Where a queue record's checkpoint starts. */
#define SACC_MIG_JOB_OFF	offsetof(struct sacc_mig_wire_queue, job_head)

/* Parser states: what the next byte belongs to. */
enum {
	SACC_MIG_P_HEADER,
	SACC_MIG_P_REC_HDR,
	SACC_MIG_P_PAYLOAD,	/* of a known record: buffered */
	SACC_MIG_P_SKIP,	/* of an unknown optional record: only CRC'd */
	SACC_MIG_P_DONE,	/* END parsed: nothing may follow */
};

/* Writer stages: the next record to produce. */
enum {
	SACC_MIG_W_HEADER,
	SACC_MIG_W_CONFIG,
	SACC_MIG_W_FUNC,
	SACC_MIG_W_QUEUES,
	SACC_MIG_W_DEVMEM,
	SACC_MIG_W_END,
	SACC_MIG_W_DONE,
};

static const struct {
	int err;
	const char *str;
} sacc_mig_reasons[SACC_MIG_E_NR] = {
	[SACC_MIG_OK]		= { 0, "no error" },
	[SACC_MIG_E_MAGIC]	= { -EINVAL, "not a sacc migration stream" },
	[SACC_MIG_E_VERSION]	= { -EPROTONOSUPPORT, "unsupported stream version" },
	[SACC_MIG_E_HDR_CRC]	= { -EBADMSG, "header CRC mismatch" },
	[SACC_MIG_E_HDR_FIELD]	= { -EINVAL, "reserved header field set" },
	[SACC_MIG_E_IDENTITY]	= { -EXDEV, "source is another kind of function" },
	[SACC_MIG_E_REC_FLAGS]	= { -EINVAL, "unknown record flags" },
	[SACC_MIG_E_REC_LEN]	= { -EMSGSIZE, "record length invalid for its type" },
	[SACC_MIG_E_REC_TYPE]	= { -EOPNOTSUPP, "unknown mandatory record" },
	[SACC_MIG_E_REC_CRC]	= { -EBADMSG, "record CRC mismatch" },
	[SACC_MIG_E_REC_FIELD]	= { -EINVAL, "record field out of bounds" },
	[SACC_MIG_E_REC_DUP]	= { -EINVAL, "record repeated" },
	[SACC_MIG_E_MISSING]	= { -EINVAL, "mandatory record missing" },
	[SACC_MIG_E_STREAM]	= { -EBADMSG, "record count or stream CRC mismatch" },
	[SACC_MIG_E_TRAILING]	= { -EINVAL, "data after the end record" },
	[SACC_MIG_E_TRUNCATED]	= { -ENODATA, "stream ended before its end record" },
};

/**
 * sacc_mig_reason_errno() - the errno the parser returns for a reason
 * @reason: why a stream was refused
 *
 * Return: 0 for SACC_MIG_OK, else a negative errno.
 */
int sacc_mig_reason_errno(enum sacc_mig_reason reason)
{
	return reason < SACC_MIG_E_NR ? sacc_mig_reasons[reason].err : -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_reason_errno);

/**
 * sacc_mig_reason_str() - a reason, in words for the kernel log
 * @reason: why a stream was refused
 *
 * Return: a static string.
 */
const char *sacc_mig_reason_str(enum sacc_mig_reason reason)
{
	return reason < SACC_MIG_E_NR ? sacc_mig_reasons[reason].str : "?";
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_reason_str);

/**
 * sacc_mig_crc() - the stream's CRC of a buffer
 * @buf: the bytes
 * @len: how many
 *
 * Return: CRC32C of @buf, initial value ~0, inverted.
 */
u32 sacc_mig_crc(const void *buf, size_t len)
{
	return ~crc32c(~0U, buf, len);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_crc);

/* The part of a record's header its CRC covers: type, flags and length. */
#define SACC_MIG_REC_CRC_HEAD	offsetof(struct sacc_mig_wire_rec, crc)

/**
 * sacc_mig_rec_crc() - the CRC a record's header must announce
 * @rec: its header; @rec->len bytes of payload follow
 * @payload: the payload
 *
 * Return: CRC32C of @rec's type, flags and length, and the payload.
 */
u32 sacc_mig_rec_crc(const struct sacc_mig_wire_rec *rec, const void *payload)
{
	u32 crc = crc32c(~0U, rec, SACC_MIG_REC_CRC_HEAD);

	return ~crc32c(crc, payload, le32_to_cpu(rec->len));
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_rec_crc);

/**
 * sacc_mig_identity_init() - the identity of a function, as its stream carries it
 * @id: filled in
 * @regs: its register file (VERSION, CAPS, queues)
 * @cfg: its configuration space (PCI IDs, revision, class)
 * @devmem_size: its device memory in bytes
 */
void sacc_mig_identity_init(struct sacc_mig_identity *id, const struct sacc_regs *regs,
			    const struct sacc_cfg *cfg, u64 devmem_size)
{
	unsigned int q = 0;

	memset(id, 0, sizeof(*id));
	id->reg_version = sacc_regs_read(regs, sacc_regs_decode(regs, SACC_REG_VERSION, &q), 0);
	id->caps = sacc_regs_read(regs, sacc_regs_decode(regs, SACC_REG_CAPS, &q), 0);
	id->nr_queues = regs->nr_queues;
	id->devmem_size = devmem_size;
	id->vendor = get_unaligned_le16(cfg->val + PCI_VENDOR_ID);
	id->device = get_unaligned_le16(cfg->val + PCI_DEVICE_ID);
	id->subsys_vendor = get_unaligned_le16(cfg->val + PCI_SUBSYSTEM_VENDOR_ID);
	id->subsys_id = get_unaligned_le16(cfg->val + PCI_SUBSYSTEM_ID);
	id->class_rev = get_unaligned_le32(cfg->val + PCI_CLASS_REVISION);
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_identity_init);

static bool sacc_mig_identity_eq(const struct sacc_mig_identity *a,
				 const struct sacc_mig_identity *b)
{
	return a->reg_version == b->reg_version && a->caps == b->caps &&
	       a->nr_queues == b->nr_queues && a->devmem_size == b->devmem_size &&
	       a->vendor == b->vendor && a->device == b->device &&
	       a->subsys_vendor == b->subsys_vendor && a->subsys_id == b->subsys_id &&
	       a->class_rev == b->class_rev;
}

static bool sacc_mig_identity_sane(const struct sacc_mig_identity *id)
{
	return id->nr_queues >= 1 && id->nr_queues <= SACC_MAX_QUEUES &&
	       is_power_of_2(id->devmem_size) && id->devmem_size >= SACC_MIG_PAGE_SIZE;
}

/* ---------------------------------------------------------------------------
 * Encoding and decoding of the records' payloads
 */

static void sacc_mig_put_desc(struct sacc_mig_wire_desc *w, const struct sacc_desc *d)
{
	w->opcode = d->opcode;
	w->rsvd0 = d->rsvd0;
	w->flags = cpu_to_le16(d->flags);
	w->len = cpu_to_le32(d->len);
	w->src = cpu_to_le64(d->src);
	w->dst = cpu_to_le64(d->dst);
	w->pattern = cpu_to_le64(d->pattern);
	w->completion = cpu_to_le64(d->completion);
	w->tag = cpu_to_le64(d->tag);
	w->rsvd1[0] = cpu_to_le64(d->rsvd1[0]);
	w->rsvd1[1] = cpu_to_le64(d->rsvd1[1]);
}

static void sacc_mig_get_desc(struct sacc_desc *d, const struct sacc_mig_wire_desc *w)
{
	d->opcode = w->opcode;
	d->rsvd0 = w->rsvd0;
	d->flags = le16_to_cpu(w->flags);
	d->len = le32_to_cpu(w->len);
	d->src = le64_to_cpu(w->src);
	d->dst = le64_to_cpu(w->dst);
	d->pattern = le64_to_cpu(w->pattern);
	d->completion = le64_to_cpu(w->completion);
	d->tag = le64_to_cpu(w->tag);
	d->rsvd1[0] = le64_to_cpu(w->rsvd1[0]);
	d->rsvd1[1] = le64_to_cpu(w->rsvd1[1]);
}

static void sacc_mig_put_progress(struct sacc_mig_wire_progress *w,
				  const struct sacc_progress *p)
{
	w->off = cpu_to_le32(p->off);
	w->crc = cpu_to_le32(p->crc);
	w->error = cpu_to_le32(p->res.error);
	w->bytes = cpu_to_le32(p->res.bytes);
	w->result = cpu_to_le64(p->res.result);
}

/* False when the error code does not fit: it is then invalid anyway. */
static bool sacc_mig_get_progress(struct sacc_progress *p,
				  const struct sacc_mig_wire_progress *w)
{
	u32 error = le32_to_cpu(w->error);

	p->off = le32_to_cpu(w->off);
	p->crc = le32_to_cpu(w->crc);
	p->res.error = error;
	p->res.bytes = le32_to_cpu(w->bytes);
	p->res.result = le64_to_cpu(w->result);
	return error == p->res.error;
}

static void sacc_mig_put_func(struct sacc_mig_wire_func *w, const struct sacc_mig_func *fn)
{
	memset(w, 0, sizeof(*w));
	w->ctrl = cpu_to_le32(fn->ctrl);
	w->flags = cpu_to_le32(fn->fatal ? SACC_MIG_FUNC_FATAL : 0);
	w->intr_status = cpu_to_le32(fn->intr_status);
	w->intr_mask = cpu_to_le32(fn->intr_mask);
	w->scratch = cpu_to_le32(fn->scratch);
}

static void sacc_mig_put_queue(struct sacc_mig_wire_queue *w, unsigned int index,
			       const struct sacc_mig_queue *mq)
{
	const struct sacc_queue_regs *r = &mq->regs;
	const struct sacc_job *job = &mq->job;

	memset(w, 0, sizeof(*w));
	w->index = cpu_to_le32(index);
	w->base_lo = cpu_to_le32(r->base_lo);
	w->base_hi = cpu_to_le32(r->base_hi);
	w->size = cpu_to_le32(r->size);
	w->head = cpu_to_le32(r->head);
	w->tail = cpu_to_le32(r->tail);
	w->ctrl = cpu_to_le32(r->ctrl);
	w->error = cpu_to_le32(r->error);
	w->error_info = cpu_to_le32(r->error_info);
	w->coalesce = cpu_to_le32(r->coalesce);
	w->coalesced = cpu_to_le32(mq->coalesced);
	w->timer_ns = cpu_to_le64(mq->timer_ns);
	if (!mq->job_active)
		return;		/* the checkpoint is not in use: it stays 0 */
	w->job_flags = cpu_to_le32(SACC_MIG_JOB_ACTIVE |
				   (job->in_element ? SACC_MIG_JOB_IN_ELEMENT : 0));
	w->job_head = cpu_to_le32(mq->job_head);
	w->job_size = cpu_to_le32(mq->job_size);
	sacc_mig_put_desc(&w->d, &job->d);
	sacc_mig_put_progress(&w->progress, &job->progress);
	w->element = cpu_to_le32(job->element);
	w->intr = cpu_to_le32(job->intr);
	w->ops = cpu_to_le64(job->ops);
	w->bytes = cpu_to_le64(job->bytes);
	if (!job->in_element)
		return;
	sacc_mig_put_desc(&w->el, &job->el);
	sacc_mig_put_progress(&w->el_progress, &job->el_progress);
}

/* A paused descriptor, as sacc_exec_job() could have left it. */
static bool sacc_mig_job_valid(const struct sacc_mig_queue *mq)
{
	const struct sacc_job *job = &mq->job;
	u32 n;

	if (!is_power_of_2(mq->job_size) || mq->job_size < SACC_Q_SIZE_MIN ||
	    mq->job_size > SACC_Q_SIZE_MAX || mq->job_head >= mq->job_size)
		return false;
	if (sacc_desc_validate(&job->d, false) || job->progress.res.error ||
	    job->progress.off > job->d.len || job->progress.res.bytes > job->d.len)
		return false;
	if (job->d.opcode != SACC_OP_BATCH)
		return !job->element && !job->intr && !job->in_element;
	n = job->d.len / sizeof(struct sacc_desc);
	if (job->progress.off || job->element >= n || job->intr > job->element)
		return false;
	if (!job->in_element)
		return true;
	return !sacc_desc_validate(&job->el, true) && !job->el_progress.res.error &&
	       job->el_progress.off <= job->el.len &&
	       job->el_progress.res.bytes <= job->el.len;
}

/* Decode and check a queue record into @mq (zeroed by the caller). */
static bool sacc_mig_get_queue(struct sacc_mig_queue *mq, const struct sacc_mig_wire_queue *w)
{
	struct sacc_queue_regs *r = &mq->regs;
	struct sacc_job *job = &mq->job;
	u32 flags = le32_to_cpu(w->job_flags);
	const u8 *raw = (const u8 *)w;

	r->base_lo = le32_to_cpu(w->base_lo);
	r->base_hi = le32_to_cpu(w->base_hi);
	r->size = le32_to_cpu(w->size);
	r->head = le32_to_cpu(w->head);
	r->tail = le32_to_cpu(w->tail);
	r->ctrl = le32_to_cpu(w->ctrl);
	r->error = le32_to_cpu(w->error);
	r->error_info = le32_to_cpu(w->error_info);
	r->coalesce = le32_to_cpu(w->coalesce);
	mq->coalesced = le32_to_cpu(w->coalesced);
	mq->timer_ns = le64_to_cpu(w->timer_ns);

	/* What the registers themselves could hold, and the engine leave. */
	if (r->base_lo & (SACC_Q_BASE_ALIGN - 1) || r->size & ~SACC_Q_SIZE_MASK ||
	    r->head & ~SACC_Q_SIZE_MASK || r->tail & ~SACC_Q_SIZE_MASK ||
	    r->ctrl & ~SACC_Q_CTRL_ENABLE || r->error > SACC_MIG_QERR_MAX ||
	    r->error_info & ~SACC_Q_SIZE_MASK ||
	    r->coalesce & ~(SACC_Q_COALESCE_COUNT_MASK | SACC_Q_COALESCE_USECS_MASK) ||
	    mq->coalesced > SACC_Q_COALESCE_COUNT_MASK ||
	    mq->timer_ns > SACC_MIG_TIMER_MAX_NS)
		return false;

	if (flags & ~SACC_MIG_JOB_FLAGS)
		return false;
	if (!(flags & SACC_MIG_JOB_ACTIVE))
		/* No checkpoint: all of it 0, so that nothing travels unchecked. */
		return !flags &&
		       !memchr_inv(raw + SACC_MIG_JOB_OFF, 0, sizeof(*w) - SACC_MIG_JOB_OFF);
	if (!(flags & SACC_MIG_JOB_IN_ELEMENT) &&
	    (memchr_inv(&w->el, 0, sizeof(w->el)) ||
	     memchr_inv(&w->el_progress, 0, sizeof(w->el_progress))))
		return false;

	mq->job_active = true;
	mq->job_head = le32_to_cpu(w->job_head);
	mq->job_size = le32_to_cpu(w->job_size);
	sacc_mig_get_desc(&job->d, &w->d);
	job->element = le32_to_cpu(w->element);
	job->in_element = flags & SACC_MIG_JOB_IN_ELEMENT;
	sacc_mig_get_desc(&job->el, &w->el);
	job->intr = le32_to_cpu(w->intr);
	job->ops = le64_to_cpu(w->ops);
	job->bytes = le64_to_cpu(w->bytes);
	if (!sacc_mig_get_progress(&job->progress, &w->progress) ||
	    !sacc_mig_get_progress(&job->el_progress, &w->el_progress))
		return false;
	return sacc_mig_job_valid(mq);
}

/* ---------------------------------------------------------------------------
 * Device memory: runs of non-zero pages, at most SACC_MIG_DEVMEM_PAGES_MAX each
 */

/*
 * The first run of non-zero pages at or after @off: its start and pages (0: none).
 * May sleep: a large, mostly zero memory takes a while to scan.
 */
static unsigned int sacc_mig_devmem_run(const struct sacc_mig_state *st, u64 off,
					u64 *start)
{
	const u8 *mem = st->devmem;
	unsigned int n = 0;

	for (; off < st->id.devmem_size; off += SACC_MIG_PAGE_SIZE) {
		if (memchr_inv(mem + off, 0, SACC_MIG_PAGE_SIZE))
			break;
		if (!(off & (SZ_1M - 1)))
			cond_resched();
	}
	*start = off;
	while (n < SACC_MIG_DEVMEM_PAGES_MAX && off < st->id.devmem_size &&
	       memchr_inv(mem + off, 0, SACC_MIG_PAGE_SIZE)) {
		n++;
		off += SACC_MIG_PAGE_SIZE;
	}
	return n;
}

#define SACC_MIG_REC_SIZE(payload)	(sizeof(struct sacc_mig_wire_rec) + (payload))

/**
 * sacc_mig_stream_size() - the length of the stream a snapshot makes
 * @st: the snapshot
 *
 * Exact as long as the device memory does not change before the stream is
 * drained. Scans the device memory for non-zero pages; may sleep.
 *
 * Return: bytes.
 */
u64 sacc_mig_stream_size(const struct sacc_mig_state *st)
{
	u64 size = sizeof(struct sacc_mig_wire_header) +
		   SACC_MIG_REC_SIZE(PCI_CFG_SPACE_SIZE) +
		   SACC_MIG_REC_SIZE(sizeof(struct sacc_mig_wire_func)) +
		   st->id.nr_queues * SACC_MIG_REC_SIZE(sizeof(struct sacc_mig_wire_queue)) +
		   SACC_MIG_REC_SIZE(sizeof(struct sacc_mig_wire_end));
	u64 off = 0, start;
	unsigned int n;

	while ((n = sacc_mig_devmem_run(st, off, &start))) {
		size += SACC_MIG_REC_SIZE(sizeof(__le64) + (u64)n * SACC_MIG_PAGE_SIZE);
		off = start + (u64)n * SACC_MIG_PAGE_SIZE;
	}
	return size;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_stream_size);

/* ---------------------------------------------------------------------------
 * The writer
 */

/**
 * sacc_mig_writer_init() - start serialising a snapshot
 * @w: the writer
 * @st: the snapshot; it and its device memory must stay unchanged until the
 *      stream is drained; @st->id must describe a real function
 *
 * Return: 0, -EINVAL for an impossible identity, or -ENOMEM.
 */
int sacc_mig_writer_init(struct sacc_mig_writer *w, const struct sacc_mig_state *st)
{
	BUILD_BUG_ON(sizeof(struct sacc_mig_wire_header) != 48);
	BUILD_BUG_ON(sizeof(struct sacc_mig_wire_rec) != 12);
	BUILD_BUG_ON(sizeof(struct sacc_mig_wire_func) != 32);
	BUILD_BUG_ON(sizeof(struct sacc_mig_wire_desc) != sizeof(struct sacc_desc));
	BUILD_BUG_ON(sizeof(struct sacc_mig_wire_progress) != 24);
	BUILD_BUG_ON(sizeof(struct sacc_mig_wire_queue) != 264);
	BUILD_BUG_ON(sizeof(struct sacc_mig_wire_end) != 8);
	BUILD_BUG_ON(SACC_MIG_REC_SIZE(SACC_MIG_REC_MAX) > SZ_64K);

	memset(w, 0, sizeof(*w));
	if (!sacc_mig_identity_sane(&st->id))
		return -EINVAL;
	w->buf = kvmalloc(SACC_MIG_REC_SIZE(SACC_MIG_REC_MAX), GFP_KERNEL_ACCOUNT);
	if (!w->buf)
		return -ENOMEM;
	w->st = st;
	w->stage = SACC_MIG_W_HEADER;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_writer_init);

/**
 * sacc_mig_writer_destroy() - free what the writer holds
 * @w: the writer (initialised, or zeroed)
 */
void sacc_mig_writer_destroy(struct sacc_mig_writer *w)
{
	kvfree(w->buf);
	w->buf = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_writer_destroy);

static void sacc_mig_writer_header(struct sacc_mig_writer *w)
{
	struct sacc_mig_wire_header *h = (void *)w->buf;
	const struct sacc_mig_identity *id = &w->st->id;

	memset(h, 0, sizeof(*h));
	h->magic = cpu_to_le32(SACC_MIG_MAGIC);
	h->version = cpu_to_le32(SACC_MIG_VERSION);
	h->reg_version = cpu_to_le32(id->reg_version);
	h->caps = cpu_to_le32(id->caps);
	h->nr_queues = cpu_to_le32(id->nr_queues);
	h->devmem_size = cpu_to_le64(id->devmem_size);
	h->vendor = cpu_to_le16(id->vendor);
	h->device = cpu_to_le16(id->device);
	h->subsys_vendor = cpu_to_le16(id->subsys_vendor);
	h->subsys_id = cpu_to_le16(id->subsys_id);
	h->class_rev = cpu_to_le32(id->class_rev);
	h->crc = cpu_to_le32(sacc_mig_crc(h, offsetof(struct sacc_mig_wire_header, crc)));
	w->len = sizeof(*h);
	w->stream_crc = crc32c(~0U, h, w->len);
}

/* The payload is in place after the header: frame it as a record. */
static void sacc_mig_writer_rec(struct sacc_mig_writer *w, u16 type, u32 len)
{
	struct sacc_mig_wire_rec *rec = (void *)w->buf;

	rec->type = cpu_to_le16(type);
	rec->flags = cpu_to_le16(SACC_MIG_REC_MANDATORY);
	rec->len = cpu_to_le32(len);
	rec->crc = cpu_to_le32(sacc_mig_rec_crc(rec, rec + 1));
	w->len = SACC_MIG_REC_SIZE(len);
	if (type == SACC_MIG_REC_END)
		return;
	w->stream_crc = crc32c(w->stream_crc, w->buf, w->len);
	w->nr_records++;
}

/* Produce the next record once the current one is drained. */
static void sacc_mig_writer_fill(struct sacc_mig_writer *w)
{
	const struct sacc_mig_state *st = w->st;
	void *payload = w->buf + sizeof(struct sacc_mig_wire_rec);
	struct sacc_mig_wire_end *end = payload;
	struct sacc_mig_wire_queue wq;
	unsigned int n;
	u64 start;

	while (w->pos == w->len && w->stage != SACC_MIG_W_DONE) {
		w->pos = 0;
		w->len = 0;
		switch (w->stage) {
		case SACC_MIG_W_HEADER:
			sacc_mig_writer_header(w);
			w->stage = SACC_MIG_W_CONFIG;
			break;
		case SACC_MIG_W_CONFIG:
			memcpy(payload, st->cfg, PCI_CFG_SPACE_SIZE);
			sacc_mig_writer_rec(w, SACC_MIG_REC_CONFIG, PCI_CFG_SPACE_SIZE);
			w->stage = SACC_MIG_W_FUNC;
			break;
		case SACC_MIG_W_FUNC:
			sacc_mig_put_func(payload, &st->fn);
			sacc_mig_writer_rec(w, SACC_MIG_REC_FUNC,
					    sizeof(struct sacc_mig_wire_func));
			w->stage = SACC_MIG_W_QUEUES;
			break;
		case SACC_MIG_W_QUEUES:
			if (w->queue >= st->id.nr_queues) {
				w->stage = SACC_MIG_W_DEVMEM;
				break;
			}
			/* Built aligned: the payload sits 12 bytes into the buffer. */
			sacc_mig_put_queue(&wq, w->queue, &st->q[w->queue]);
			memcpy(payload, &wq, sizeof(wq));
			sacc_mig_writer_rec(w, SACC_MIG_REC_QUEUE, sizeof(wq));
			w->queue++;
			break;
		case SACC_MIG_W_DEVMEM:
			n = sacc_mig_devmem_run(st, w->devmem_off, &start);
			if (!n) {
				w->stage = SACC_MIG_W_END;
				break;
			}
			put_unaligned_le64(start, payload);
			memcpy(payload + sizeof(__le64), st->devmem + start,
			       (size_t)n * SACC_MIG_PAGE_SIZE);
			sacc_mig_writer_rec(w, SACC_MIG_REC_DEVMEM,
					    sizeof(__le64) + n * SACC_MIG_PAGE_SIZE);
			w->devmem_off = start + (u64)n * SACC_MIG_PAGE_SIZE;
			break;
		case SACC_MIG_W_END:
			end->nr_records = cpu_to_le32(w->nr_records);
			end->stream_crc = cpu_to_le32(~w->stream_crc);
			sacc_mig_writer_rec(w, SACC_MIG_REC_END, sizeof(*end));
			w->stage = SACC_MIG_W_DONE;
			break;
		}
	}
}

/**
 * sacc_mig_writer_peek() - the next bytes of the stream, without taking them
 * @w: the writer
 * @data: set to where they are, valid until the next call on @w
 *
 * May sleep (it scans device memory for the next pages to send).
 *
 * Return: how many bytes there are at @data; 0 at the end of the stream.
 */
size_t sacc_mig_writer_peek(struct sacc_mig_writer *w, const void **data)
{
	sacc_mig_writer_fill(w);
	*data = w->buf + w->pos;
	return w->len - w->pos;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_writer_peek);

/**
 * sacc_mig_writer_consume() - take bytes that sacc_mig_writer_peek() showed
 * @w: the writer
 * @n: bytes taken, at most what the last peek returned
 */
void sacc_mig_writer_consume(struct sacc_mig_writer *w, size_t n)
{
	n = min(n, w->len - w->pos);
	w->pos += n;
	w->total += n;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_writer_consume);

/**
 * sacc_mig_writer_read() - copy the next bytes of the stream
 * @w: the writer
 * @buf: where they go
 * @len: at most this many
 *
 * May sleep.
 *
 * Return: bytes copied; less than @len only at the end of the stream.
 */
size_t sacc_mig_writer_read(struct sacc_mig_writer *w, void *buf, size_t len)
{
	size_t done = 0, n;
	const void *data;

	while (done < len) {
		n = min(sacc_mig_writer_peek(w, &data), len - done);
		if (!n)
			break;
		memcpy(buf + done, data, n);
		sacc_mig_writer_consume(w, n);
		done += n;
	}
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_writer_read);

/* ---------------------------------------------------------------------------
 * The parser
 */

/**
 * sacc_mig_parser_init() - get ready to read a stream into a destination
 * @p: the parser
 * @id: the destination's identity; the stream must carry the same
 * @out: where the snapshot goes: cleared here but for @out->devmem, which must
 *       point to @id->devmem_size bytes of zeroed memory (the destination's,
 *       after a reset), written as device memory records arrive
 *
 * Return: 0, -EINVAL for an impossible identity, or -ENOMEM.
 */
int sacc_mig_parser_init(struct sacc_mig_parser *p, const struct sacc_mig_identity *id,
			 struct sacc_mig_state *out)
{
	void *devmem = out->devmem;

	memset(p, 0, sizeof(*p));
	if (!sacc_mig_identity_sane(id))
		return -EINVAL;
	p->buf = kvmalloc(SACC_MIG_REC_MAX, GFP_KERNEL_ACCOUNT);
	if (!p->buf)
		return -ENOMEM;
	p->id = *id;
	sacc_cfg_init(&p->tmpl, id->devmem_size);
	memset(out, 0, sizeof(*out));
	out->id = *id;
	out->devmem = devmem;
	p->out = out;
	p->state = SACC_MIG_P_HEADER;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_parser_init);

/**
 * sacc_mig_parser_destroy() - free what the parser holds
 * @p: the parser (initialised, or zeroed)
 */
void sacc_mig_parser_destroy(struct sacc_mig_parser *p)
{
	kvfree(p->buf);
	p->buf = NULL;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_parser_destroy);

static int sacc_mig_fail(struct sacc_mig_parser *p, enum sacc_mig_reason reason)
{
	p->reason = reason;
	return sacc_mig_reason_errno(reason);
}

/* The header so far (@p->have bytes of it): refuse as early as possible. */
static enum sacc_mig_reason sacc_mig_check_header(struct sacc_mig_parser *p)
{
	const struct sacc_mig_wire_header *h = &p->hdr;
	struct sacc_mig_identity id = {};

	if (p->have >= offsetofend(struct sacc_mig_wire_header, magic) &&
	    le32_to_cpu(h->magic) != SACC_MIG_MAGIC)
		return SACC_MIG_E_MAGIC;
	/* Another version's header may have another length: do not wait for it. */
	if (p->have >= offsetofend(struct sacc_mig_wire_header, version) &&
	    le32_to_cpu(h->version) != SACC_MIG_VERSION)
		return SACC_MIG_E_VERSION;
	if (p->have < sizeof(*h))
		return SACC_MIG_OK;
	if (sacc_mig_crc(h, offsetof(struct sacc_mig_wire_header, crc)) != le32_to_cpu(h->crc))
		return SACC_MIG_E_HDR_CRC;
	if (h->rsvd)
		return SACC_MIG_E_HDR_FIELD;
	id.reg_version = le32_to_cpu(h->reg_version);
	id.caps = le32_to_cpu(h->caps);
	id.nr_queues = le32_to_cpu(h->nr_queues);
	id.devmem_size = le64_to_cpu(h->devmem_size);
	id.vendor = le16_to_cpu(h->vendor);
	id.device = le16_to_cpu(h->device);
	id.subsys_vendor = le16_to_cpu(h->subsys_vendor);
	id.subsys_id = le16_to_cpu(h->subsys_id);
	id.class_rev = le32_to_cpu(h->class_rev);
	if (!sacc_mig_identity_eq(&id, &p->id))
		return SACC_MIG_E_IDENTITY;
	return SACC_MIG_OK;
}

static bool sacc_mig_known(u16 type)
{
	switch (type) {
	case SACC_MIG_REC_CONFIG:
	case SACC_MIG_REC_FUNC:
	case SACC_MIG_REC_QUEUE:
	case SACC_MIG_REC_DEVMEM:
	case SACC_MIG_REC_END:
		return true;
	}
	return false;
}

static bool sacc_mig_len_ok(u16 type, u32 len)
{
	switch (type) {
	case SACC_MIG_REC_CONFIG:
		return len == PCI_CFG_SPACE_SIZE;
	case SACC_MIG_REC_FUNC:
		return len == sizeof(struct sacc_mig_wire_func);
	case SACC_MIG_REC_QUEUE:
		return len == sizeof(struct sacc_mig_wire_queue);
	case SACC_MIG_REC_DEVMEM:
		return len > sizeof(__le64) && len <= SACC_MIG_REC_MAX &&
		       !((len - sizeof(__le64)) % SACC_MIG_PAGE_SIZE);
	case SACC_MIG_REC_END:
		return len == sizeof(struct sacc_mig_wire_end);
	}
	return len <= SACC_MIG_REC_MAX;
}

/* Configuration space: every read-only bit as the destination's own. */
static bool sacc_mig_cfg_ok(const struct sacc_cfg *tmpl, const u8 *val)
{
	unsigned int i;
	u8 ro;

	for (i = 0; i < PCI_CFG_SPACE_SIZE; i++) {
		ro = ~tmpl->wmask[i];
		if (i == PCI_STATUS)	/* INTERRUPT follows the pending causes */
			ro &= ~PCI_STATUS_INTERRUPT;
		if ((val[i] ^ tmpl->val[i]) & ro)
			return false;
	}
	return true;
}

static enum sacc_mig_reason sacc_mig_apply_cfg(struct sacc_mig_parser *p)
{
	if (p->seen_cfg)
		return SACC_MIG_E_REC_DUP;
	if (!sacc_mig_cfg_ok(&p->tmpl, p->buf))
		return SACC_MIG_E_REC_FIELD;
	memcpy(p->out->cfg, p->buf, PCI_CFG_SPACE_SIZE);
	p->seen_cfg = true;
	return SACC_MIG_OK;
}

static enum sacc_mig_reason sacc_mig_apply_func(struct sacc_mig_parser *p)
{
	const struct sacc_mig_wire_func *w = (const void *)p->buf;
	u32 causes = sacc_regs_causes(p->id.nr_queues);
	struct sacc_mig_func *fn = &p->out->fn;
	u32 flags = le32_to_cpu(w->flags);

	if (p->seen_func)
		return SACC_MIG_E_REC_DUP;
	if (le32_to_cpu(w->ctrl) & ~SACC_CTRL_ENABLE || flags & ~SACC_MIG_FUNC_FLAGS ||
	    le32_to_cpu(w->intr_status) & ~causes || le32_to_cpu(w->intr_mask) & ~causes ||
	    memchr_inv(w->rsvd, 0, sizeof(w->rsvd)))
		return SACC_MIG_E_REC_FIELD;
	fn->ctrl = le32_to_cpu(w->ctrl);
	fn->fatal = flags & SACC_MIG_FUNC_FATAL;
	fn->intr_status = le32_to_cpu(w->intr_status);
	fn->intr_mask = le32_to_cpu(w->intr_mask);
	fn->scratch = le32_to_cpu(w->scratch);
	p->seen_func = true;
	return SACC_MIG_OK;
}

static enum sacc_mig_reason sacc_mig_apply_queue(struct sacc_mig_parser *p)
{
	const struct sacc_mig_wire_queue *w = (const void *)p->buf;
	u32 index = le32_to_cpu(w->index);
	struct sacc_mig_queue *mq;

	if (index >= p->id.nr_queues)
		return SACC_MIG_E_REC_FIELD;
	if (p->seen_queues & BIT(index))
		return SACC_MIG_E_REC_DUP;
	mq = &p->out->q[index];
	memset(mq, 0, sizeof(*mq));
	if (!sacc_mig_get_queue(mq, w)) {
		memset(mq, 0, sizeof(*mq));
		return SACC_MIG_E_REC_FIELD;
	}
	p->seen_queues |= BIT(index);
	return SACC_MIG_OK;
}

static enum sacc_mig_reason sacc_mig_apply_devmem(struct sacc_mig_parser *p)
{
	u64 off = get_unaligned_le64(p->buf);
	u32 n = p->len - sizeof(__le64);

	/* @n is a positive multiple of the page size, at most 64 KiB (length check). */
	if (off % SACC_MIG_PAGE_SIZE || off >= p->id.devmem_size ||
	    n > p->id.devmem_size - off)
		return SACC_MIG_E_REC_FIELD;
	memcpy(p->out->devmem + off, p->buf + sizeof(__le64), n);
	return SACC_MIG_OK;
}

static enum sacc_mig_reason sacc_mig_apply_end(struct sacc_mig_parser *p)
{
	const struct sacc_mig_wire_end *w = (const void *)p->buf;

	if (le32_to_cpu(w->nr_records) != p->nr_records ||
	    le32_to_cpu(w->stream_crc) != ~p->stream_crc)
		return SACC_MIG_E_STREAM;
	if (!p->seen_cfg || !p->seen_func ||
	    p->seen_queues != GENMASK(p->id.nr_queues - 1, 0))
		return SACC_MIG_E_MISSING;
	return SACC_MIG_OK;
}

/* A record's payload is complete: check its CRC, then its contents. */
static enum sacc_mig_reason sacc_mig_rec_done(struct sacc_mig_parser *p)
{
	enum sacc_mig_reason r = SACC_MIG_OK;

	if (~p->rec_crc != p->crc)
		return SACC_MIG_E_REC_CRC;
	switch (p->type) {
	case SACC_MIG_REC_CONFIG:
		r = sacc_mig_apply_cfg(p);
		break;
	case SACC_MIG_REC_FUNC:
		r = sacc_mig_apply_func(p);
		break;
	case SACC_MIG_REC_QUEUE:
		r = sacc_mig_apply_queue(p);
		break;
	case SACC_MIG_REC_DEVMEM:
		r = sacc_mig_apply_devmem(p);
		break;
	case SACC_MIG_REC_END:
		r = sacc_mig_apply_end(p);
		if (!r)
			p->state = SACC_MIG_P_DONE;
		return r;
	}
	p->nr_records++;
	p->state = SACC_MIG_P_REC_HDR;
	p->have = 0;
	return r;
}

/* A record's header is complete: decide what to do with its payload. */
static enum sacc_mig_reason sacc_mig_rec_begin(struct sacc_mig_parser *p)
{
	const struct sacc_mig_wire_rec *rec = &p->rhdr;
	bool known;

	p->type = le16_to_cpu(rec->type);
	p->flags = le16_to_cpu(rec->flags);
	p->len = le32_to_cpu(rec->len);
	p->crc = le32_to_cpu(rec->crc);
	known = sacc_mig_known(p->type);
	if (p->flags & ~SACC_MIG_REC_MANDATORY)
		return SACC_MIG_E_REC_FLAGS;
	if (!known && (p->flags & SACC_MIG_REC_MANDATORY))
		return SACC_MIG_E_REC_TYPE;
	if (!sacc_mig_len_ok(p->type, p->len))
		return SACC_MIG_E_REC_LEN;
	p->rec_crc = crc32c(~0U, rec, SACC_MIG_REC_CRC_HEAD);
	if (p->type != SACC_MIG_REC_END)
		p->stream_crc = crc32c(p->stream_crc, rec, sizeof(*rec));
	p->have = 0;
	p->state = known ? SACC_MIG_P_PAYLOAD : SACC_MIG_P_SKIP;
	return p->len ? SACC_MIG_OK : sacc_mig_rec_done(p);
}

/**
 * sacc_mig_parser_feed() - take the next bytes of a stream
 * @p: the parser
 * @data: the bytes
 * @len: how many; any number, a stream may be cut anywhere
 *
 * Once a call fails, every later one fails the same way (@p->reason says why).
 *
 * Return: @len, or a negative errno (see &enum sacc_mig_reason).
 */
ssize_t sacc_mig_parser_feed(struct sacc_mig_parser *p, const void *data, size_t len)
{
	const u8 *s = data;
	enum sacc_mig_reason r;
	size_t done = 0, n;

	if (p->reason)
		return sacc_mig_reason_errno(p->reason);
	while (done < len) {
		r = SACC_MIG_OK;
		switch (p->state) {
		case SACC_MIG_P_HEADER:
			n = min(len - done, sizeof(p->hdr) - p->have);
			memcpy((u8 *)&p->hdr + p->have, s + done, n);
			p->have += n;
			r = sacc_mig_check_header(p);
			if (!r && p->have == sizeof(p->hdr)) {
				p->stream_crc = crc32c(~0U, &p->hdr, sizeof(p->hdr));
				p->state = SACC_MIG_P_REC_HDR;
				p->have = 0;
			}
			break;
		case SACC_MIG_P_REC_HDR:
			n = min(len - done, sizeof(p->rhdr) - p->have);
			memcpy((u8 *)&p->rhdr + p->have, s + done, n);
			p->have += n;
			if (p->have == sizeof(p->rhdr))
				r = sacc_mig_rec_begin(p);
			break;
		case SACC_MIG_P_PAYLOAD:
		case SACC_MIG_P_SKIP:
			n = min_t(size_t, len - done, p->len - p->have);
			if (p->state == SACC_MIG_P_PAYLOAD)
				memcpy(p->buf + p->have, s + done, n);
			p->rec_crc = crc32c(p->rec_crc, s + done, n);
			if (p->type != SACC_MIG_REC_END)
				p->stream_crc = crc32c(p->stream_crc, s + done, n);
			p->have += n;
			if (p->have == p->len)
				r = sacc_mig_rec_done(p);
			break;
		default:	/* SACC_MIG_P_DONE */
			return sacc_mig_fail(p, SACC_MIG_E_TRAILING);
		}
		if (r)
			return sacc_mig_fail(p, r);
		done += n;
	}
	return done;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_parser_feed);

/**
 * sacc_mig_parser_finish() - the stream has ended: was it whole?
 * @p: the parser
 *
 * Return: 0 when the END record was parsed and everything before it was valid;
 * -ENODATA when the stream stopped before it; or the error that refused it.
 */
int sacc_mig_parser_finish(struct sacc_mig_parser *p)
{
	if (p->reason)
		return sacc_mig_reason_errno(p->reason);
	if (p->state != SACC_MIG_P_DONE)
		return sacc_mig_fail(p, SACC_MIG_E_TRUNCATED);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sacc_mig_parser_finish);
