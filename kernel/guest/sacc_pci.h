/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc_pci - guest driver for the sacc sample accelerator: private definitions.
 *
 * One struct sacc_pci per PCI function, reference counted: the PCI driver holds one
 * reference from probe to remove and every open file of /dev/saccN holds one, so
 * a file opened before a hot-unplug stays valid until it is closed. Everything the
 * device touches (rings, completion records, bounce buffers) and the register
 * mapping live only from probe to remove; an ioctl uses them inside
 * sacc_pci_enter()/sacc_pci_exit(), which remove waits for.
 */
#ifndef _SACC_PCI_H
#define _SACC_PCI_H

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/build_bug.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/rwsem.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/stddef.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "compat.h"
#include "sacc_regs.h"
#include "sacc_job.h"

#define SACC_PCI_RING_SIZE	64		/* descriptors per ring */
#define SACC_PCI_BOUNCE_MAX	SZ_1M		/* bounce buffer size, first try */
#define SACC_PCI_BOUNCE_MIN	SZ_64K		/* ... smallest acceptable */
#define SACC_PCI_BOUNCE_DEPTH	2		/* descriptors in flight on bounce halves */
#define SACC_PCI_PIN_DEPTH	16		/* descriptors in flight on user pages */

/**
 * struct sacc_hw_desc - &struct sacc_desc as it sits in a ring: little-endian
 * @opcode: SACC_OP_*
 * @rsvd0: 0
 * @flags: SACC_DESC_FLAG_*
 * @len: bytes to process
 * @src: source IOVA
 * @dst: destination IOVA, or the second source of a COMPARE
 * @pattern: FILL pattern; CRC32C seed in bits 31:0
 * @completion: IOVA of the completion record
 * @tag: copied to the completion record
 * @rsvd1: 0
 */
struct sacc_hw_desc {
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
 * struct sacc_hw_compl - &struct sacc_completion as the device writes it
 * @status: SACC_COMPL_*, 0 until the device wrote the record (written last)
 * @error: SACC_QERR_* with status ERROR
 * @rsvd: 0
 * @bytes: bytes processed
 * @result: per opcode
 * @tag: the descriptor's tag
 * @rsvd2: 0
 */
struct sacc_hw_compl {
	u8 status;
	u8 error;
	__le16 rsvd;
	__le32 bytes;
	__le64 result;
	__le64 tag;
	__le64 rsvd2;
};

/* The mirrors must match the shared layouts byte for byte. */
static_assert(sizeof(struct sacc_hw_desc) == sizeof(struct sacc_desc));
static_assert(offsetof(struct sacc_hw_desc, opcode) == offsetof(struct sacc_desc, opcode));
static_assert(offsetof(struct sacc_hw_desc, rsvd0) == offsetof(struct sacc_desc, rsvd0));
static_assert(offsetof(struct sacc_hw_desc, flags) == offsetof(struct sacc_desc, flags));
static_assert(offsetof(struct sacc_hw_desc, len) == offsetof(struct sacc_desc, len));
static_assert(offsetof(struct sacc_hw_desc, src) == offsetof(struct sacc_desc, src));
static_assert(offsetof(struct sacc_hw_desc, dst) == offsetof(struct sacc_desc, dst));
static_assert(offsetof(struct sacc_hw_desc, pattern) == offsetof(struct sacc_desc, pattern));
static_assert(offsetof(struct sacc_hw_desc, completion) == offsetof(struct sacc_desc, completion));
static_assert(offsetof(struct sacc_hw_desc, tag) == offsetof(struct sacc_desc, tag));
static_assert(offsetof(struct sacc_hw_desc, rsvd1) == offsetof(struct sacc_desc, rsvd1));
static_assert(sizeof(struct sacc_hw_compl) == sizeof(struct sacc_completion));
static_assert(offsetof(struct sacc_hw_compl, status) ==
	      offsetof(struct sacc_completion, status));
static_assert(offsetof(struct sacc_hw_compl, error) ==
	      offsetof(struct sacc_completion, error));
static_assert(offsetof(struct sacc_hw_compl, rsvd) ==
	      offsetof(struct sacc_completion, rsvd));
static_assert(offsetof(struct sacc_hw_compl, bytes) ==
	      offsetof(struct sacc_completion, bytes));
static_assert(offsetof(struct sacc_hw_compl, result) ==
	      offsetof(struct sacc_completion, result));
static_assert(offsetof(struct sacc_hw_compl, tag) ==
	      offsetof(struct sacc_completion, tag));
static_assert(offsetof(struct sacc_hw_compl, rsvd2) ==
	      offsetof(struct sacc_completion, rsvd2));

/* Bits of &sacc_pci.flags. */
#define SACC_PCI_DEAD		0	/* removed or shut down: ioctls fail, waiters leave */
#define SACC_PCI_GONE		1	/* the registers read all-ones: device disappeared */

/* Bits of &sacc_pci_queue.events, set by the interrupt handler. */
#define SACC_QEV_HALTED		0	/* the ERROR cause found the queue halted */

/**
 * struct sacc_pci_queue - one device queue and the memory it works on
 * @sp: the function
 * @index: the queue's number
 * @lock: serialises the jobs on this queue (one at a time) and protects
 *	everything below except @wq and @events: the ring and the software
 *	@tail, the completion records, the bounce buffers, @tag, the in-flight
 *	state and the queue's registers. Its holder changes them only while it
 *	also holds &sacc_pci.reset_lock for reading; a function reset, with
 *	&sacc_pci.reset_lock held for writing, changes them for every queue.
 * @wq: a job waiting for its descriptor; woken by the interrupt handler,
 *	remove and shutdown
 * @events: SACC_QEV_* bits, set by the interrupt handler (atomic bitops)
 * @ring: %SACC_PCI_RING_SIZE descriptors (coherent DMA memory)
 * @ring_dma: its bus address
 * @compl: one completion record per ring entry (coherent DMA memory)
 * @compl_dma: its bus address
 * @src: source bounce buffer, &sacc_pci.bounce_size bytes (coherent DMA memory)
 * @src_dma: its bus address
 * @dst: destination bounce buffer (coherent DMA memory)
 * @dst_dma: its bus address
 * @tail: the ring index the next descriptor goes to; the device's Q_TAIL
 *	once it is rung, 0 after the queue is (re)enabled
 * @tag: tag of the last descriptor submitted (increments)
 * @head: ring index of the oldest descriptor in flight (the next to reap)
 * @nr_inflight: descriptors submitted whose fate is not settled yet, from
 *	@head on in ring order; fewer than %SACC_PCI_RING_SIZE
 * @unkicked: of those, posted since the last doorbell (the device has not
 *	seen them yet)
 * @settled: the descriptors in flight all completed OK and were counted while
 *	the queue was restarted after a timeout; they are reaped from their
 *	records without waiting, and nothing new is submitted until they are
 * @reset_needed: a job found the function in a fatal error or not READY; the
 *	queue's owner resets the function in sacc_queue_release()
 * @unstopped: descriptors in flight were given up while the device did not
 *	answer, so it was not confirmed to have stopped: the job's memory must
 *	stay until remove ran sacc_hw_stop(); sacc_queue_release() reports it
 */
struct sacc_pci_queue {
	struct sacc_pci *sp;
	unsigned int index;
	struct mutex lock;		/* one job at a time, see above */
	wait_queue_head_t wq;
	unsigned long events;
	struct sacc_hw_desc *ring;
	dma_addr_t ring_dma;
	struct sacc_hw_compl *compl;
	dma_addr_t compl_dma;
	void *src;
	dma_addr_t src_dma;
	void *dst;
	dma_addr_t dst_dma;
	u32 tail;
	u64 tag;
	u32 head;
	u32 nr_inflight;
	u32 unkicked;
	bool settled;
	bool reset_needed;
	bool unstopped;
};

/**
 * struct sacc_pci_stats - the driver's counters of one function
 * @jobs: jobs that completed successfully
 * @descriptors: descriptors that completed with status OK
 * @bytes: bytes those descriptors processed
 * @errors: jobs that failed on a device error
 * @timeouts: rounds that timed out
 * @interrupts: interrupts handled
 *
 * Atomic, so no lock: jobs on different queues count concurrently.
 */
struct sacc_pci_stats {
	atomic64_t jobs;
	atomic64_t descriptors;
	atomic64_t bytes;
	atomic64_t errors;
	atomic64_t timeouts;
	atomic64_t interrupts;
};

/**
 * struct sacc_pci - one sacc PCI function
 * @kref: one reference for the bound driver (probe to remove), one per open file
 * @pdev: the PCI function; used only between probe and remove
 * @regs: BAR0 mapping; used only between probe and remove
 * @misc: /dev/saccN
 * @name: "saccN", the misc device's and the interrupt's name
 * @index: N, from an IDA
 * @version: VERSION register
 * @nr_queues: CAPS.NR_QUEUES, 1 to %SACC_MAX_QUEUES
 * @ops: CAPS.OPS
 * @irq: Linux interrupt number
 * @msi: @irq is MSI (else INTx)
 * @bounce_size: bytes of every bounce buffer, a power of two
 * @life_lock: held for reading by every ioctl while it uses the device;
 *	remove and shutdown take it for writing to wait until none is left.
 *	Protects the existence of @regs and of the queues' DMA memory.
 * @reset_lock: held for reading by a job from sacc_queue_acquire() to
 *	sacc_queue_release(), inside its queue's lock; held for writing to reset
 *	the function after a fatal error. Protects the global registers CTRL and
 *	INTR_MASK and makes the reset exclusive with every round of every queue.
 * @flags: SACC_PCI_* state bits, set once and never cleared (atomic bitops)
 * @next_queue: round-robin choice of the queue to wait for when all are busy
 * @parked_lock: protects @parked
 * @parked: user buffers of jobs whose descriptors were given up while the
 *	device did not answer: it may still access them, so they stay pinned and
 *	mapped until remove ran sacc_hw_stop()
 * @stats: counters
 * @queues: the queues, @nr_queues of them used
 */
struct sacc_pci {
	struct kref kref;
	struct pci_dev *pdev;
	void __iomem *regs;
	struct miscdevice misc;
	char name[16];
	int index;
	u32 version;
	unsigned int nr_queues;
	u32 ops;
	int irq;
	bool msi;
	u32 bounce_size;
	struct rw_semaphore life_lock;
	struct rw_semaphore reset_lock;
	unsigned long flags;
	atomic_t next_queue;
	spinlock_t parked_lock;		/* protects parked */
	struct list_head parked;
	struct sacc_pci_stats stats;
	struct sacc_pci_queue queues[SACC_MAX_QUEUES];
};

static inline u32 sacc_rd(struct sacc_pci *sp, unsigned int reg)
{
	return readl(sp->regs + reg);
}

static inline void sacc_wr(struct sacc_pci *sp, unsigned int reg, u32 val)
{
	writel(val, sp->regs + reg);
}

static inline u32 sacc_qrd(struct sacc_pci_queue *q, unsigned int reg)
{
	return sacc_rd(q->sp, SACC_QUEUE_REG(q->index, reg));
}

static inline void sacc_qwr(struct sacc_pci_queue *q, unsigned int reg, u32 val)
{
	sacc_wr(q->sp, SACC_QUEUE_REG(q->index, reg), val);
}

/* A register that reads all-ones: the device is not there any more. */
static inline bool sacc_reg_gone(u32 val)
{
	return val == ~0U;
}

/* The function can no longer be used: removed, shut down or gone. */
static inline bool sacc_pci_unusable(struct sacc_pci *sp)
{
	return test_bit(SACC_PCI_DEAD, &sp->flags) || test_bit(SACC_PCI_GONE, &sp->flags);
}

/* sacc_pci_main.c */
void sacc_pci_get(struct sacc_pci *sp);
void sacc_pci_put(struct sacc_pci *sp);
int sacc_pci_enter(struct sacc_pci *sp);
void sacc_pci_exit(struct sacc_pci *sp);
void sacc_pci_mark_gone(struct sacc_pci *sp);

/* sacc_pci_queue.c */
int sacc_queues_alloc(struct sacc_pci *sp);
void sacc_queues_free(struct sacc_pci *sp);
void sacc_queues_init(struct sacc_pci *sp);
int sacc_hw_start(struct sacc_pci *sp);
void sacc_hw_stop(struct sacc_pci *sp);
void sacc_queues_wake_all(struct sacc_pci *sp);
struct sacc_pci_queue *sacc_queue_acquire(struct sacc_pci *sp);
bool sacc_queue_release(struct sacc_pci_queue *q);
void sacc_queue_abort(struct sacc_pci_queue *q);
bool sacc_queue_can_post(struct sacc_pci_queue *q, unsigned int depth);
void sacc_queue_post(struct sacc_pci_queue *q, u8 op, dma_addr_t src, dma_addr_t dst,
		     u32 len, u64 pattern);
void sacc_queue_kick(struct sacc_pci_queue *q);
int sacc_queue_reap(struct sacc_pci_queue *q, u64 *result, struct sacc_job *job);
int sacc_queue_drain(struct sacc_pci_queue *q, struct sacc_job *job);

/* sacc_pci_cdev.c */
int sacc_cdev_register(struct sacc_pci *sp);
void sacc_cdev_unregister(struct sacc_pci *sp);
void sacc_cdev_free_parked(struct sacc_pci *sp);

#endif /* _SACC_PCI_H */
