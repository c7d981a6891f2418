/* SPDX-License-Identifier: (GPL-2.0 OR BSD-3-Clause) */
/*
 * sacc sample accelerator: the device as a driver sees it.
 *
 * Shared by the host module, the tests and the guest driver. docs/device-spec.md is
 * the normative description; this header carries the numbers. Every register is
 * 32 bits wide and is accessed with naturally aligned 32-bit reads and writes only.
 */
#ifndef _UAPI_SACC_REGS_H
#define _UAPI_SACC_REGS_H

#include <linux/types.h>

/* ---------------------------------------------------------------------------
 * PCI identity of every instance
 */
#define SACC_PCI_VENDOR_ID	0x1234	/* QEMU's vendor ID for sample devices */
#define SACC_PCI_DEVICE_ID	0x5acc
#define SACC_PCI_SUBSYS_VENDOR_ID 0x1234
#define SACC_PCI_SUBSYS_ID	0x0001
#define SACC_PCI_REVISION	0x01
/* Class code: processing accelerator (base 0x12, sub-class 0x00, prog-if 0x00). */
#define SACC_PCI_CLASS		0x120000

/* BAR0: the register window, 32-bit non-prefetchable memory. */
#define SACC_BAR_REGS		0
#define SACC_REGS_SIZE		0x1000
/* BAR2 (with BAR3): device memory, 64-bit prefetchable, size from the type. */
#define SACC_BAR_DEVMEM		2

/* Capabilities in configuration space: MSI (one vector, 64-bit) only. */
#define SACC_CFG_CAP_MSI	0x40

/* ---------------------------------------------------------------------------
 * Global registers (BAR0 0x000 - 0x0ff)
 */
#define SACC_REG_ID		0x000	/* RO  SACC_ID_MAGIC */
#define SACC_REG_VERSION	0x004	/* RO  major << 16 | minor */
#define SACC_REG_CAPS		0x008	/* RO  SACC_CAPS_* */
#define SACC_REG_DEVMEM_SIZE	0x00c	/* RO  BAR2 size in MiB */
#define SACC_REG_CTRL		0x010	/* RW  SACC_CTRL_* */
#define SACC_REG_STATUS		0x014	/* RO  SACC_STATUS_* */
#define SACC_REG_INTR_STATUS	0x018	/* RW1C SACC_INTR_* pending causes */
#define SACC_REG_INTR_MASK	0x01c	/* RW  SACC_INTR_*: 1 = cause masked */
#define SACC_REG_INTR_TEST	0x020	/* WO  SACC_INTR_TEST_*; reads 0 */
#define SACC_REG_SCRATCH	0x024	/* RW  any value; no effect */

#define SACC_ID_MAGIC		0x53414343	/* "SACC" */
#define SACC_VERSION		0x00010000	/* 1.0 */

/* CAPS */
#define SACC_CAPS_NR_QUEUES_MASK 0x000000ff	/* queues of this function */
#define SACC_CAPS_OPS_SHIFT	16		/* bit per SACC_OP_* the engine runs */
#define SACC_CAPS_OPS_MASK	0x00ff0000

/* CTRL */
#define SACC_CTRL_ENABLE	0x00000001	/* device processes enabled queues */
#define SACC_CTRL_RESET		0x00000002	/* write 1: function reset; reads 0 */

/* STATUS */
#define SACC_STATUS_READY	0x00000001	/* CTRL.ENABLE is set and no fatal error */
#define SACC_STATUS_QERR	0x00000002	/* some queue is halted on an error */
#define SACC_STATUS_FATAL	0x00000004	/* fatal error; only a reset clears it */

/*
 * Interrupt causes, the same bit in INTR_STATUS and INTR_MASK. Every cause of the
 * function shares one interrupt: MSI vector 0, or INTx pin A.
 */
#define SACC_INTR_QUEUE(q)	(1u << (q))	/* queue q completed work (q < 8) */
#define SACC_INTR_QUEUES_MASK	0x000000ff
#define SACC_INTR_ERROR		0x00010000	/* a queue halted on an error */
#define SACC_INTR_TEST		0x80000000	/* raised through INTR_TEST */

/* INTR_TEST */
#define SACC_INTR_TEST_RAISE	0x00000001	/* set INTR_STATUS.TEST */
#define SACC_INTR_TEST_FATAL	0x00000002	/* simulate a fatal device error */

/* ---------------------------------------------------------------------------
 * Queue registers: queue q's block is at SACC_QUEUE_BASE + q * SACC_QUEUE_STRIDE.
 * Blocks of queues the function does not have read as 0 and ignore writes.
 */
#define SACC_QUEUE_BASE		0x100
#define SACC_QUEUE_STRIDE	0x040
#define SACC_MAX_QUEUES		8
#define SACC_QUEUE_REG(q, reg)	(SACC_QUEUE_BASE + (q) * SACC_QUEUE_STRIDE + (reg))

#define SACC_Q_BASE_LO		0x00	/* RW  ring IOVA bits 31:6 (bits 5:0 read 0) */
#define SACC_Q_BASE_HI		0x04	/* RW  ring IOVA bits 63:32 */
#define SACC_Q_SIZE		0x08	/* RW  ring entries, power of two, 2-4096 */
#define SACC_Q_HEAD		0x0c	/* RO  next entry the device will fetch */
#define SACC_Q_TAIL		0x10	/* RO  last tail rung through Q_DOORBELL */
#define SACC_Q_DOORBELL		0x14	/* WO  write the new tail; reads 0 */
#define SACC_Q_CTRL		0x18	/* RW  SACC_Q_CTRL_* */
#define SACC_Q_STATUS		0x1c	/* RO  SACC_Q_STATUS_* */
#define SACC_Q_ERROR		0x20	/* RW1C SACC_QERR_* code of the fault; 0 = none */
#define SACC_Q_ERROR_INFO	0x24	/* RO  ring index of the faulting descriptor */
#define SACC_Q_INTR_COALESCE	0x28	/* RW  SACC_Q_COALESCE_* */

#define SACC_Q_SIZE_MIN		2
#define SACC_Q_SIZE_MAX		4096
#define SACC_Q_SIZE_MASK	0x00001fff
#define SACC_Q_BASE_ALIGN	64

/* Q_CTRL */
#define SACC_Q_CTRL_ENABLE	0x00000001	/* fetch descriptors from the ring */

/* Q_STATUS */
#define SACC_Q_STATUS_ENABLED	0x00000001	/* enabled and not halted */
#define SACC_Q_STATUS_HALTED	0x00000002	/* stopped on an error (Q_ERROR) */
#define SACC_Q_STATUS_BUSY	0x00000004	/* descriptors between head and tail */

/* Q_INTR_COALESCE: raise the queue's cause after COUNT completions or USECS. */
#define SACC_Q_COALESCE_COUNT_MASK	0x000000ff	/* 0 and 1: every completion */
#define SACC_Q_COALESCE_USECS_SHIFT	16
#define SACC_Q_COALESCE_USECS_MASK	0xffff0000	/* 0: no timer */

/* Q_ERROR codes */
#define SACC_QERR_NONE		0x00
#define SACC_QERR_RING		0x01	/* ring base/size invalid or unmapped */
#define SACC_QERR_DESC_FETCH	0x02	/* descriptor could not be read */
#define SACC_QERR_OPCODE	0x03	/* unknown opcode */
#define SACC_QERR_LENGTH	0x04	/* length zero or above SACC_DESC_MAX_LEN */
#define SACC_QERR_ADDR		0x05	/* source or destination not mapped */
#define SACC_QERR_OVERLAP	0x06	/* COPY source and destination overlap */
#define SACC_QERR_COMPLETION	0x07	/* completion record address not mapped */
#define SACC_QERR_FLAGS		0x08	/* reserved descriptor bits or flags set */

/* ---------------------------------------------------------------------------
 * Descriptors (64 bytes, in the ring) and completion records (32 bytes), all
 * little-endian. Executed by the engine; see docs/device-spec.md.
 */
#define SACC_OP_NOP		0x00
#define SACC_OP_COPY		0x01	/* dst[0..len) = src[0..len) */
#define SACC_OP_FILL		0x02	/* dst[0..len) = repeated 8-byte pattern */
#define SACC_OP_COMPARE		0x03	/* result = first differing offset, or ~0 */
#define SACC_OP_CRC32C		0x04	/* result = CRC32C(src[0..len)), seed in pattern */
#define SACC_OP_BATCH		0x05	/* run src: an array of len / 64 descriptors */

#define SACC_DESC_FLAG_INTR	0x0001	/* raise the queue's cause on completion */
#define SACC_DESC_FLAG_FENCE	0x0002	/* start only after earlier ones completed */
#define SACC_DESC_MAX_LEN	0x01000000	/* 16 MiB per descriptor */

/**
 * struct sacc_desc - one unit of work, an entry of a queue's ring
 * @opcode: SACC_OP_*
 * @flags: SACC_DESC_FLAG_*
 * @rsvd0: must be 0
 * @len: bytes to process (for BATCH: bytes of the descriptor array)
 * @src: source IOVA (COPY, COMPARE, CRC32C, BATCH)
 * @dst: destination IOVA (COPY, FILL) or second source (COMPARE)
 * @pattern: FILL pattern; CRC32C seed (low 32 bits)
 * @completion: IOVA of this descriptor's &struct sacc_completion, 0 for none
 * @tag: copied to the completion record
 * @rsvd1: must be 0
 */
struct sacc_desc {
	__u8 opcode;
	__u8 rsvd0;
	__u16 flags;
	__u32 len;
	__u64 src;
	__u64 dst;
	__u64 pattern;
	__u64 completion;
	__u64 tag;
	__u64 rsvd1[2];
};

#define SACC_COMPL_OK		0x01
#define SACC_COMPL_ERROR	0x02	/* error: @error holds a SACC_QERR_* code */

/**
 * struct sacc_completion - written by the device when a descriptor finishes
 * @status: SACC_COMPL_*; 0 until the device writes the record
 * @error: SACC_QERR_* when @status is SACC_COMPL_ERROR
 * @rsvd: 0
 * @bytes: bytes processed
 * @result: COMPARE: first differing offset or ~0; CRC32C: the CRC; else 0
 * @tag: the descriptor's tag
 * @rsvd2: 0
 */
struct sacc_completion {
	__u8 status;
	__u8 error;
	__u16 rsvd;
	__u32 bytes;
	__u64 result;
	__u64 tag;
	__u64 rsvd2;
};

#endif /* _UAPI_SACC_REGS_H */
