/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc - the migration stream: what the saving data fd of VFIO migration (uAPI v2)
 * reads out and the resuming one takes in.
 *
 * The stream is a header and then typed records, every multi-byte field
 * little-endian, nothing padded or aligned:
 *
 *   header (48 bytes): magic "SACM", stream version, the identity the guest sees
 *                      (register VERSION, CAPS, queues, device memory size, PCI IDs,
 *                      revision and class), CRC32C of the bytes before it
 *   record:            type, flags, payload length, CRC32C of type, flags, length
 *                      and payload; then the payload
 *   ...
 *   END record:        the number of records before it and a CRC32C of every byte
 *                      of the stream before it
 *
 * Every CRC is CRC32C (Castagnoli), initial value ~0, result inverted. A record
 * flagged MANDATORY that a reader does not know makes it refuse the stream; an
 * unknown record without the flag is skipped. Known records have fixed lengths
 * (device memory: an offset and 1 to SACC_MIG_DEVMEM_PAGES_MAX pages of 4 KiB).
 * Device memory pages that no record carries are zero: the destination starts
 * from a reset function, whose memory is zero.
 *
 * Pure data and logic, no locking and no VFIO, like sacc_regs.c: the caller takes
 * the snapshot (&struct sacc_mig_state) of a quiesced instance and applies a
 * parsed one.
 */
#ifndef SACC_MIG_STREAM_H
#define SACC_MIG_STREAM_H

#include <linux/types.h>

#include "sacc.h"

#define SACC_MIG_MAGIC		0x4d434153	/* "SACM" */
#define SACC_MIG_VERSION	1
/* Device memory travels in pages of this size, whatever the host's page size. */
#define SACC_MIG_PAGE_SIZE	4096
/* Pages in one record: 15, so that a record with its header fits in 64 KiB. */
#define SACC_MIG_DEVMEM_PAGES_MAX 15

/* Record types. */
#define SACC_MIG_REC_CONFIG	0x0001	/* configuration space, 256 bytes */
#define SACC_MIG_REC_FUNC	0x0002	/* function registers */
#define SACC_MIG_REC_QUEUE	0x0003	/* one queue's registers and checkpoint */
#define SACC_MIG_REC_DEVMEM	0x0004	/* device memory pages */
#define SACC_MIG_REC_END	0x00ff	/* last record */

/* Record flags. */
#define SACC_MIG_REC_MANDATORY	0x0001	/* a reader that does not know it refuses */

/* Function record flags. */
#define SACC_MIG_FUNC_FATAL	0x00000001	/* STATUS.FATAL */

/* Queue record job flags. */
#define SACC_MIG_JOB_ACTIVE	0x00000001	/* a paused descriptor is held */
#define SACC_MIG_JOB_IN_ELEMENT	0x00000002	/* BATCH: an element is in progress */

/**
 * struct sacc_mig_wire_header - the stream header, as it travels
 * @magic: SACC_MIG_MAGIC
 * @version: SACC_MIG_VERSION
 * @reg_version: the VERSION register
 * @caps: the CAPS register
 * @nr_queues: queues of the function
 * @rsvd: 0
 * @devmem_size: device memory (BAR2) in bytes
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @subsys_vendor: PCI subsystem vendor ID
 * @subsys_id: PCI subsystem ID
 * @class_rev: class code << 8 | revision ID
 * @crc: CRC32C of the bytes before it
 */
struct sacc_mig_wire_header {
	__le32 magic;
	__le32 version;
	__le32 reg_version;
	__le32 caps;
	__le32 nr_queues;
	__le32 rsvd;
	__le64 devmem_size;
	__le16 vendor;
	__le16 device;
	__le16 subsys_vendor;
	__le16 subsys_id;
	__le32 class_rev;
	__le32 crc;
};

/**
 * struct sacc_mig_wire_rec - the header of a record, as it travels
 * @type: SACC_MIG_REC_*
 * @flags: SACC_MIG_REC_MANDATORY or 0
 * @len: bytes of payload that follow
 * @crc: CRC32C of @type, @flags, @len and the payload
 */
struct sacc_mig_wire_rec {
	__le16 type;
	__le16 flags;
	__le32 len;
	__le32 crc;
};

/**
 * struct sacc_mig_wire_func - payload of SACC_MIG_REC_FUNC
 * @ctrl: CTRL
 * @flags: SACC_MIG_FUNC_*
 * @intr_status: INTR_STATUS
 * @intr_mask: INTR_MASK
 * @scratch: SCRATCH
 * @rsvd: 0
 */
struct sacc_mig_wire_func {
	__le32 ctrl;
	__le32 flags;
	__le32 intr_status;
	__le32 intr_mask;
	__le32 scratch;
	__le32 rsvd[3];
};

/**
 * struct sacc_mig_wire_desc - a descriptor, laid out as in a ring (the stream's
 * own definition, with its byte order, rather than the uapi &struct sacc_desc)
 * @opcode: &sacc_desc.opcode
 * @rsvd0: &sacc_desc.rsvd0
 * @flags: &sacc_desc.flags
 * @len: &sacc_desc.len
 * @src: &sacc_desc.src
 * @dst: &sacc_desc.dst
 * @pattern: &sacc_desc.pattern
 * @completion: &sacc_desc.completion
 * @tag: &sacc_desc.tag
 * @rsvd1: &sacc_desc.rsvd1
 */
struct sacc_mig_wire_desc {
	u8 opcode;
	u8 rsvd0;
	__le16 flags;
	__le32 len;
	__le64 src;
	__le64 dst;
	__le64 pattern;
	__le64 completion;
	__le64 tag;
	__le64 rsvd1[2];
};

/**
 * struct sacc_mig_wire_progress - &struct sacc_progress, as it travels
 * @off: bytes done
 * @crc: CRC32C running value
 * @error: &sacc_result.error (0 in a paused descriptor)
 * @bytes: &sacc_result.bytes
 * @result: &sacc_result.result
 */
struct sacc_mig_wire_progress {
	__le32 off;
	__le32 crc;
	__le32 error;
	__le32 bytes;
	__le64 result;
};

/**
 * struct sacc_mig_wire_queue - payload of SACC_MIG_REC_QUEUE
 * @index: the queue
 * @base_lo: Q_BASE_LO
 * @base_hi: Q_BASE_HI
 * @size: Q_SIZE
 * @head: Q_HEAD
 * @tail: Q_TAIL
 * @ctrl: Q_CTRL
 * @error: Q_ERROR
 * @error_info: Q_ERROR_INFO
 * @coalesce: Q_INTR_COALESCE
 * @coalesced: completions counted toward the next interrupt
 * @job_flags: SACC_MIG_JOB_*
 * @timer_ns: time left on the coalescing timer, 0 for none
 * @job_head: ring index of the paused descriptor
 * @job_size: Q_SIZE it was fetched with
 * @d: the paused descriptor
 * @progress: its progress
 * @element: BATCH: the element in progress
 * @intr: BATCH: elements with FLAG_INTR completed
 * @el: BATCH: the element as fetched
 * @el_progress: BATCH: its progress
 * @ops: descriptors the job completed OK
 * @bytes: bytes those processed
 *
 * The checkpoint fields (@job_head to @bytes) are 0 when no descriptor is paused,
 * and the element's when no element is in progress.
 */
struct sacc_mig_wire_queue {
	__le32 index;
	__le32 base_lo;
	__le32 base_hi;
	__le32 size;
	__le32 head;
	__le32 tail;
	__le32 ctrl;
	__le32 error;
	__le32 error_info;
	__le32 coalesce;
	__le32 coalesced;
	__le32 job_flags;
	__le64 timer_ns;
	__le32 job_head;
	__le32 job_size;
	struct sacc_mig_wire_desc d;
	struct sacc_mig_wire_progress progress;
	__le32 element;
	__le32 intr;
	struct sacc_mig_wire_desc el;
	struct sacc_mig_wire_progress el_progress;
	__le64 ops;
	__le64 bytes;
};

/**
 * struct sacc_mig_wire_end - payload of SACC_MIG_REC_END
 * @nr_records: records before this one, unknown ones included
 * @stream_crc: CRC32C of every byte of the stream before this record
 */
struct sacc_mig_wire_end {
	__le32 nr_records;
	__le32 stream_crc;
};

/* The largest payload a record may have: a device memory record's. */
#define SACC_MIG_REC_MAX	(sizeof(__le64) + \
				 SACC_MIG_DEVMEM_PAGES_MAX * SACC_MIG_PAGE_SIZE)

/**
 * struct sacc_mig_identity - what a function looks like to its guest; a stream is
 * accepted only by a function with the same identity
 * @reg_version: the VERSION register
 * @caps: the CAPS register
 * @nr_queues: queues, 1 to SACC_MAX_QUEUES
 * @devmem_size: device memory in bytes, a power of two of at least
 *               SACC_MIG_PAGE_SIZE
 * @vendor: PCI vendor ID
 * @device: PCI device ID
 * @subsys_vendor: PCI subsystem vendor ID
 * @subsys_id: PCI subsystem ID
 * @class_rev: class code << 8 | revision ID
 */
struct sacc_mig_identity {
	u32 reg_version;
	u32 caps;
	u32 nr_queues;
	u64 devmem_size;
	u16 vendor;
	u16 device;
	u16 subsys_vendor;
	u16 subsys_id;
	u32 class_rev;
};

/**
 * struct sacc_mig_func - the function's registers in a snapshot
 * @ctrl: CTRL
 * @fatal: STATUS.FATAL
 * @intr_status: INTR_STATUS
 * @intr_mask: INTR_MASK
 * @scratch: SCRATCH
 */
struct sacc_mig_func {
	u32 ctrl;
	bool fatal;
	u32 intr_status;
	u32 intr_mask;
	u32 scratch;
};

/**
 * struct sacc_mig_queue - one queue in a snapshot
 * @regs: its registers (&sacc_queue_regs.gen and .era are not migrated: the
 *        destination keeps its own)
 * @coalesced: &sacc_queue.coalesced
 * @timer_ns: time left on the coalescing timer, 0 for none
 * @job_active: @job holds a paused descriptor
 * @job_head: &sacc_queue.job_head
 * @job_size: &sacc_queue.job_size
 * @job: the paused descriptor and its checkpoint; the writer sends only what is in
 *       use (nothing without @job_active, no element without &sacc_job.in_element)
 */
struct sacc_mig_queue {
	struct sacc_queue_regs regs;
	u32 coalesced;
	u64 timer_ns;
	bool job_active;
	u32 job_head;
	u32 job_size;
	struct sacc_job job;
};

/**
 * struct sacc_mig_state - a snapshot of an instance: what the stream carries
 * @id: the function's identity
 * @cfg: configuration space
 * @fn: function registers
 * @q: the queues; the first @id.nr_queues are used
 * @devmem: device memory, @id.devmem_size bytes: read by the writer while the
 *          stream is drained, written by the parser as records arrive
 */
struct sacc_mig_state {
	struct sacc_mig_identity id;
	u8 cfg[PCI_CFG_SPACE_SIZE];
	struct sacc_mig_func fn;
	struct sacc_mig_queue q[SACC_MAX_QUEUES];
	void *devmem;
};

/**
 * enum sacc_mig_reason - why the parser refused a stream
 * @SACC_MIG_OK: it did not (yet)
 * @SACC_MIG_E_MAGIC: not a sacc stream (-EINVAL)
 * @SACC_MIG_E_VERSION: a stream version this reader does not know
 *                      (-EPROTONOSUPPORT)
 * @SACC_MIG_E_HDR_CRC: header CRC wrong (-EBADMSG)
 * @SACC_MIG_E_HDR_FIELD: reserved header field set (-EINVAL)
 * @SACC_MIG_E_IDENTITY: the source is not a function like this one (-EXDEV)
 * @SACC_MIG_E_REC_FLAGS: unknown record flags (-EINVAL)
 * @SACC_MIG_E_REC_LEN: record length wrong for its type or too large (-EMSGSIZE)
 * @SACC_MIG_E_REC_TYPE: unknown mandatory record (-EOPNOTSUPP)
 * @SACC_MIG_E_REC_CRC: record CRC wrong (-EBADMSG)
 * @SACC_MIG_E_REC_FIELD: a field out of bounds for this function (-EINVAL)
 * @SACC_MIG_E_REC_DUP: a record that may come once came twice (-EINVAL)
 * @SACC_MIG_E_MISSING: END before every mandatory record (-EINVAL)
 * @SACC_MIG_E_STREAM: END's record count or stream CRC wrong (-EBADMSG)
 * @SACC_MIG_E_TRAILING: data after END (-EINVAL)
 * @SACC_MIG_E_TRUNCATED: the stream stopped before END (-ENODATA)
 * @SACC_MIG_E_NR: number of reasons
 */
enum sacc_mig_reason {
	SACC_MIG_OK,
	SACC_MIG_E_MAGIC,
	SACC_MIG_E_VERSION,
	SACC_MIG_E_HDR_CRC,
	SACC_MIG_E_HDR_FIELD,
	SACC_MIG_E_IDENTITY,
	SACC_MIG_E_REC_FLAGS,
	SACC_MIG_E_REC_LEN,
	SACC_MIG_E_REC_TYPE,
	SACC_MIG_E_REC_CRC,
	SACC_MIG_E_REC_FIELD,
	SACC_MIG_E_REC_DUP,
	SACC_MIG_E_MISSING,
	SACC_MIG_E_STREAM,
	SACC_MIG_E_TRAILING,
	SACC_MIG_E_TRUNCATED,
	SACC_MIG_E_NR,
};

/**
 * struct sacc_mig_parser - an incremental reader of a stream
 * @id: the destination's identity
 * @tmpl: the destination's configuration space after reset: its read-only bits
 *        are what the source's must be
 * @out: where the parsed snapshot goes
 * @state: what the next byte belongs to
 * @hdr: the stream header while it arrives
 * @rhdr: a record header while it arrives
 * @have: bytes of the current part (header, record header, payload) received
 * @type: current record's type
 * @flags: its flags
 * @len: its payload length
 * @crc: the CRC its header announces
 * @rec_crc: CRC32C running over the current record
 * @stream_crc: CRC32C running over the stream before END
 * @nr_records: records completed before END
 * @seen_cfg: the config record came
 * @seen_func: the function record came
 * @seen_queues: bit q: queue q's record came
 * @buf: the payload of a known record, SACC_MIG_REC_MAX bytes; unknown
 *       records are not buffered
 * @reason: why the stream was refused; once set, every call fails the same way
 */
struct sacc_mig_parser {
	struct sacc_mig_identity id;
	struct sacc_cfg tmpl;
	struct sacc_mig_state *out;
	unsigned int state;
	struct sacc_mig_wire_header hdr;
	struct sacc_mig_wire_rec rhdr;
	u32 have;
	u16 type;
	u16 flags;
	u32 len;
	u32 crc;
	u32 rec_crc;
	u32 stream_crc;
	u32 nr_records;
	bool seen_cfg;
	bool seen_func;
	u32 seen_queues;
	u8 *buf;
	enum sacc_mig_reason reason;
};

/**
 * struct sacc_mig_writer - serialises a snapshot, drained in pieces of any size
 * @st: the snapshot; it and its device memory must stay until the stream is drained
 * @stage: the next record to produce
 * @queue: the next queue record
 * @devmem_off: where the next device memory record may start
 * @buf: the record being drained: header and payload
 * @len: bytes in @buf
 * @pos: bytes of @buf already drained
 * @stream_crc: CRC32C running over the stream produced so far
 * @nr_records: records produced before END
 * @total: bytes produced so far
 */
struct sacc_mig_writer {
	const struct sacc_mig_state *st;
	unsigned int stage;
	unsigned int queue;
	u64 devmem_off;
	u8 *buf;
	size_t len;
	size_t pos;
	u32 stream_crc;
	u32 nr_records;
	u64 total;
};

void sacc_mig_identity_init(struct sacc_mig_identity *id, const struct sacc_regs *regs,
			    const struct sacc_cfg *cfg, u64 devmem_size);
int sacc_mig_reason_errno(enum sacc_mig_reason reason);
const char *sacc_mig_reason_str(enum sacc_mig_reason reason);
u32 sacc_mig_crc(const void *buf, size_t len);
u32 sacc_mig_rec_crc(const struct sacc_mig_wire_rec *rec, const void *payload);

int sacc_mig_parser_init(struct sacc_mig_parser *p, const struct sacc_mig_identity *id,
			 struct sacc_mig_state *out);
ssize_t sacc_mig_parser_feed(struct sacc_mig_parser *p, const void *data, size_t len);
int sacc_mig_parser_finish(struct sacc_mig_parser *p);
void sacc_mig_parser_destroy(struct sacc_mig_parser *p);

u64 sacc_mig_stream_size(const struct sacc_mig_state *st);
int sacc_mig_writer_init(struct sacc_mig_writer *w, const struct sacc_mig_state *st);
size_t sacc_mig_writer_peek(struct sacc_mig_writer *w, const void **data);
void sacc_mig_writer_consume(struct sacc_mig_writer *w, size_t n);
size_t sacc_mig_writer_read(struct sacc_mig_writer *w, void *buf, size_t len);
void sacc_mig_writer_destroy(struct sacc_mig_writer *w);

#endif /* SACC_MIG_STREAM_H */
