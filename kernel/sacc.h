/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc - private definitions shared by the files of sacc.ko.
 *
 * Object model: a &struct sacc_parent is one sample accelerator, virtual
 * (/sys/class/sacc/sacc<N>) or on a PCI function (sacc_pci_parent.c); its
 * capacity is a set of &struct sacc_budget (queues, device memory); each
 * &struct sacc_type is a fixed slice of that capacity; each &struct sacc_mdev is
 * one instance, a VFIO device carved out of a parent, with its own configuration
 * space (sacc_cfg.c), register window (sacc_regs.c), interrupts (sacc_irq.c) and
 * device memory.
 */
#ifndef SACC_H
#define SACC_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/hrtimer.h>
#include <linux/kref.h>
#include <linux/mdev.h>
#include <linux/pci_regs.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include "compat.h"
#include "uapi/sacc_regs.h"

#define SACC_NAME		"sacc"
#define SACC_MAX_PARENTS	8
#define SACC_NR_TYPES		3
#define SACC_MAX_WEIGHT		64
/* CAPS.OPS: the engine runs every opcode, NOP (bit 0) to BATCH (bit 5). */
#define SACC_OPS_ALL		0x3f
/*
 * Default quota of pinned pages in an instance's DMA cache, per queue: 4 MiB, more
 * than the guest driver's working set (two 1 MiB buffers, ring, completions).
 */
#define SACC_PINNED_PER_QUEUE	1024

/**
 * struct sacc_budget - a pool of identical capacity units shared by instances
 * @free: units not held by any instance; changed only with atomic read-modify-write,
 *        so concurrent create and remove need no lock
 * @total: units in the pool; fixed once the parent is registered
 */
struct sacc_budget {
	atomic_t free;
	unsigned int total;
};

/* sacc_budget.c */
void sacc_budget_init(struct sacc_budget *budget, unsigned int total);
int sacc_budget_take(struct sacc_budget *budget, unsigned int units);
void sacc_budget_give(struct sacc_budget *budget, unsigned int units);
unsigned int sacc_budget_available(const struct sacc_budget *budget,
				   unsigned int units);

/**
 * struct sacc_type - one mdev type: a fixed slice of a parent's capacity
 * @type: the mdev core's view; sysfs shows it as "sacc-<sysfs_name>"
 * @queues: queues an instance takes from the parent's queue budget
 * @memory_mb: device memory (MiB) an instance takes from the memory budget; a
 *             power of two, the size of the instance's BAR2
 * @weight: default scheduling weight of an instance
 */
struct sacc_type {
	struct mdev_type type;
	unsigned int queues;
	unsigned int memory_mb;
	unsigned int weight;
};

/**
 * struct sacc_dma_ops - how the DMA cache pins pages and reaches memory uncached
 * @pin: pin @npage pages from @iova (page aligned) into @pages for @prot
 *       (IOMMU_READ, IOMMU_WRITE or both), all or nothing; 0 or -errno (-EPERM:
 *       the mapping does not allow that access)
 * @unpin: unpin exactly what one @pin call pinned
 * @rw: copy without pinning (vfio_dma_rw()); 0 or -errno (-EINVAL: not mapped)
 */
struct sacc_dma_ops {
	int (*pin)(void *ctx, u64 iova, unsigned int npage, int prot,
		   struct page **pages);
	void (*unpin)(void *ctx, u64 iova, unsigned int npage);
	int (*rw)(void *ctx, u64 iova, void *buf, size_t len, bool write);
};

/* A window: what one operation step holds of a user's memory (sacc_dma.c). */
#define SACC_DMA_WINDOW_BYTES	(64 * 1024)
#define SACC_DMA_WINDOW_PAGES	(SACC_DMA_WINDOW_BYTES / PAGE_SIZE + 1)
#define SACC_DMA_MAX_FENCES	16

/**
 * struct sacc_dma_fence - IOVA pages not to pin (type1; see sacc_dma.c)
 * @first: first page number
 * @last: last page number
 * @exact: exactly one mapping type1 unmapped, not merged with another
 */
struct sacc_dma_fence {
	unsigned long first;
	unsigned long last;
	bool exact;
};

/**
 * struct sacc_dma - an instance's shadow translation cache (sacc_dma.c)
 * @inval_lock: serialises invalidations; taken before @lock
 * @lock: protects @pages, @clock, @hand, @nr_pinned, @max_pinned, @fences,
 *        @nr_fences, @type1, @generation, @epoch and the counters; held
 *        only to look up and update them, never across a pin, an unpin or a copy;
 *        innermost of sacc's locks but for the engine lock (never both)
 * @pages: IOVA page number -> the cached &struct sacc_dma_extent holding it
 * @clock: cached extents, in CLOCK order
 * @hand: the CLOCK hand, an entry of @clock or the list head
 * @nr_pinned: pages of cached extents
 * @max_pinned: quota of @nr_pinned
 * @fences: ranges not to pin, with @type1
 * @nr_fences: entries of @fences in use
 * @type1: the backend is type1: fence what the user unmaps, pin for both accesses
 * @generation: bumped by every invalidation; a pin of an older one is not cached
 * @epoch: windows register in @readers[@epoch]
 * @readers: windows holding pages, per epoch
 * @drained: an invalidation waits here for its epoch's @readers to drain
 * @use_cache: points to false: bypass, every window goes through @ops->rw; read
 *             with READ_ONCE() at each window (a module parameter, changeable live)
 * @hits: pages found cached
 * @misses: pages pinned on demand
 * @evictions: pages unpinned to stay under @max_pinned
 * @ops: pinning
 * @ctx: passed to @ops
 */
struct sacc_dma {
	/* serialises invalidations, outside @lock */
	struct mutex inval_lock;
	/* see @lock above */
	struct mutex lock;
	struct xarray pages;
	struct list_head clock;
	struct list_head *hand;
	unsigned int nr_pinned;
	unsigned int max_pinned;
	struct sacc_dma_fence fences[SACC_DMA_MAX_FENCES];
	unsigned int nr_fences;
	bool type1;
	u64 generation;
	unsigned int epoch;
	atomic_t readers[2];
	wait_queue_head_t drained;
	const bool *use_cache;
	u64 hits;
	u64 misses;
	u64 evictions;
	const struct sacc_dma_ops *ops;
	void *ctx;
};

/**
 * struct sacc_dma_window - up to SACC_DMA_WINDOW_BYTES of user memory, held
 * @dma: the cache it came from
 * @iova: first byte
 * @len: bytes
 * @write: held for writing
 * @bounced: not held in place: the bytes are in @buf
 * @buf: the bounce buffer, when @bounced
 * @epoch: the epoch the window registered in, when not @bounced
 * @nr: entries of @pages held
 * @pages: the host pages, in order
 * @ext: the extent each page is held from
 */
struct sacc_dma_window {
	struct sacc_dma *dma;
	u64 iova;
	u32 len;
	bool write;
	bool bounced;
	void *buf;
	unsigned int epoch;
	unsigned int nr;
	struct page *pages[SACC_DMA_WINDOW_PAGES];
	struct sacc_dma_extent *ext[SACC_DMA_WINDOW_PAGES];
};

/**
 * struct sacc_dma_stats - a snapshot of a cache's counters
 * @hits: see &struct sacc_dma
 * @misses: see &struct sacc_dma
 * @evictions: see &struct sacc_dma
 * @pinned: pages pinned now
 * @fences: fenced ranges now
 */
struct sacc_dma_stats {
	u64 hits;
	u64 misses;
	u64 evictions;
	u64 pinned;
	u64 fences;
};

/* sacc_dma.c */
extern const struct sacc_dma_ops sacc_vfio_dma_ops;
bool sacc_vfio_is_type1(struct vfio_device *vdev);
void sacc_dma_init(struct sacc_dma *dma, const struct sacc_dma_ops *ops, void *ctx);
void sacc_dma_open(struct sacc_dma *dma, unsigned int max_pinned, bool type1);
void sacc_dma_invalidate(struct sacc_dma *dma, u64 iova, u64 len);
void sacc_dma_clear(struct sacc_dma *dma);
int sacc_dma_access(struct sacc_dma *dma, u64 iova, void *buf, size_t len, bool write);
int sacc_dma_window_get(struct sacc_dma *dma, u64 iova, u32 len, bool write,
			void *bounce, struct sacc_dma_window *w);
int sacc_dma_window_put(struct sacc_dma_window *w);
void *sacc_dma_window_map(struct sacc_dma_window *w, u32 off, u32 *n);
void sacc_dma_window_unmap(struct sacc_dma_window *w, void *va);
void sacc_dma_stats(struct sacc_dma *dma, struct sacc_dma_stats *stats);

struct sacc_queue;

/**
 * struct sacc_exec - what an engine thread needs to execute descriptors
 * @dma: the instance's DMA cache
 * @bounce: two SACC_DMA_WINDOW_BYTES buffers, for windows not held in place
 *          (source, destination)
 * @budget: work this run may still do, in bytes (a descriptor also costs
 *          SACC_EXEC_DESC_COST); may go negative by one step
 * @pause: asked between steps: true to stop now and keep the checkpoint
 * @queue: the queue being run, for @pause
 */
struct sacc_exec {
	struct sacc_dma *dma;
	void *bounce[2];
	long budget;
	bool (*pause)(struct sacc_exec *x);
	struct sacc_queue *queue;
};

/* What one descriptor costs the budget besides its bytes. */
#define SACC_EXEC_DESC_COST	256
/* sacc_exec_job(): paused, call again with the same job to go on. */
#define SACC_EXEC_PAUSED	(-1)

/**
 * struct sacc_result - the outcome of one descriptor
 * @error: SACC_QERR_* or 0
 * @bytes: bytes processed
 * @result: the completion record's result
 */
struct sacc_result {
	u8 error;
	u32 bytes;
	u64 result;
};

/**
 * struct sacc_progress - how far a descriptor (not a BATCH) has run
 * @off: bytes done
 * @crc: CRC32C running value
 * @res: the outcome so far
 */
struct sacc_progress {
	u32 off;
	u32 crc;
	struct sacc_result res;
};

/**
 * struct sacc_job - a descriptor of a ring in execution: the checkpoint from
 * which it goes on after a pause, without reading guest memory again
 * @d: the descriptor as fetched, in CPU byte order, validated
 * @progress: of @d itself (for a BATCH: @progress.res counts its elements)
 * @element: BATCH: index of the element in progress
 * @in_element: BATCH: @el is fetched and in progress
 * @el: BATCH: the element as fetched
 * @el_progress: BATCH: of @el
 * @intr: BATCH: elements with FLAG_INTR completed
 * @ops: descriptors completed OK, elements and the BATCH included
 * @bytes: bytes they processed
 */
struct sacc_job {
	struct sacc_desc d;
	struct sacc_progress progress;
	u32 element;
	bool in_element;
	struct sacc_desc el;
	struct sacc_progress el_progress;
	u32 intr;
	u64 ops;
	u64 bytes;
};

/* sacc_exec.c */
u8 sacc_desc_validate(const struct sacc_desc *d, bool in_batch);
u32 sacc_crc32c(u32 crc, const void *buf, size_t len);
u8 sacc_exec_fetch(struct sacc_exec *x, u64 iova, struct sacc_desc *d, bool in_batch);
void sacc_exec_job_start(struct sacc_job *job, const struct sacc_desc *d);
int sacc_exec_job(struct sacc_exec *x, struct sacc_job *job);
u8 sacc_exec_complete(struct sacc_exec *x, const struct sacc_desc *d,
		      const struct sacc_result *res);

#define SACC_MAX_ENGINES	16

struct sacc_engine;

/**
 * struct sacc_engine_thread - one engine of a parent
 * @task: the kernel thread
 * @engine: the parent's engine it serves
 * @x: its execution context and bounce buffers
 */
struct sacc_engine_thread {
	struct task_struct *task;
	struct sacc_engine *engine;
	struct sacc_exec x;
};

/**
 * struct sacc_engine - the engines of a parent, shared by all its instances
 * @lock: protects @runlist, @vclock, every queue's &sacc_queue.queued and
 *        .running and every instance's &sacc_mdev.vtime and .nr_busy; taken inside
 *        an instance's lock, never the other way round
 * @runlist: queues with work, in the order they came
 * @vclock: the virtual time of the last instance served
 * @wq: engine threads wait here for work
 * @idle: sacc_engine_quiesce() waits here for a queue to stop running
 * @threads: the threads
 * @nr_threads: how many run
 */
struct sacc_engine {
	/* see @lock above */
	spinlock_t lock;
	struct list_head runlist;
	u64 vclock;
	wait_queue_head_t wq;
	wait_queue_head_t idle;
	struct sacc_engine_thread threads[SACC_MAX_ENGINES];
	unsigned int nr_threads;
};

/**
 * struct sacc_parent - one sample accelerator, the parent of its instances
 * @dev: the mdev parent device, under which the types appear: @class_dev for a
 *       virtual parent, or the existing device the parent was created on (a PCI
 *       function, sacc_pci_parent.c); its driver data points to this structure
 * @class_dev: a virtual parent's own device, /sys/class/sacc/sacc<N>, whose release
 *             frees this structure; never initialised on a parent of another device
 * @refs: the creator's reference (dropped by sacc_parent_destroy()) and one per
 *        instance (&sacc_mdev.parent, from its init to its release, which may come
 *        after the mdev core has let go of the instance); at zero the structure
 *        goes, see sacc_parent.c for how and when
 * @mdev_parent: registration with the mdev core
 * @queues: the queue budget instances are carved from
 * @memory: the device memory budget, in MiB
 * @engines: engines shared by all instances of this parent
 * @engine: the engine threads and their run list
 * @types: the types this parent offers
 * @type_ptrs: @types as the array of pointers mdev_register_parent() takes
 *
 * Everything but the budgets' free counts and @refs is fixed once the parent is
 * registered.
 */
struct sacc_parent {
	struct device *dev;
	struct device class_dev;
	struct kref refs;
	struct mdev_parent mdev_parent;
	struct sacc_budget queues;
	struct sacc_budget memory;
	unsigned int engines;
	struct sacc_engine engine;
	struct sacc_type types[SACC_NR_TYPES];
	struct mdev_type *type_ptrs[SACC_NR_TYPES];
};

/**
 * struct sacc_parent_config - what a parent is made of (module parameters)
 * @queues: queues
 * @memory_mb: device memory in MiB
 * @engines: engines
 */
struct sacc_parent_config {
	unsigned int queues;
	unsigned int memory_mb;
	unsigned int engines;
};

/* sacc_parent.c */
unsigned int sacc_type_available(struct mdev_type *mtype);
ssize_t sacc_type_description(struct mdev_type *mtype, char *buf);
const struct sacc_type *sacc_instance_type(struct mdev_device *mdev,
					   struct sacc_parent **parent);
void sacc_types_init(struct sacc_type *types, const struct sacc_parent_config *cfg);
unsigned int sacc_memory_per_queue(const struct sacc_parent_config *cfg);
int sacc_type_take(struct sacc_parent *parent, const struct sacc_type *type);
void sacc_type_give(struct sacc_parent *parent, const struct sacc_type *type);
struct sacc_parent *sacc_parent_create(unsigned int id,
				       const struct sacc_parent_config *cfg);
struct sacc_parent *sacc_parent_create_on(struct device *dev,
					  const struct sacc_parent_config *cfg);
void sacc_parent_destroy(struct sacc_parent *parent);
void sacc_parent_get(struct sacc_parent *parent);
void sacc_parent_put(struct sacc_parent *parent);
int sacc_parent_class_register(void);
void sacc_parent_class_unregister(void);

/* sacc_pci_parent.c */
int sacc_pci_parent_register(const struct sacc_parent_config *cfg);
void sacc_pci_parent_unregister(void);

/**
 * struct sacc_cfg - an instance's emulated PCI configuration space
 * @val: current contents
 * @wmask: per byte, the bits a write changes
 */
struct sacc_cfg {
	u8 val[PCI_CFG_SPACE_SIZE];
	u8 wmask[PCI_CFG_SPACE_SIZE];
};

/* sacc_cfg.c */
void sacc_cfg_init(struct sacc_cfg *cfg, u64 devmem_size);
int sacc_cfg_read(const struct sacc_cfg *cfg, unsigned int off, unsigned int len,
		  u8 *buf);
int sacc_cfg_write(struct sacc_cfg *cfg, unsigned int off, unsigned int len,
		   u32 val);
bool sacc_cfg_intx_disabled(const struct sacc_cfg *cfg);
bool sacc_cfg_bus_master(const struct sacc_cfg *cfg);
void sacc_cfg_set_intx_pending(struct sacc_cfg *cfg, bool pending);

/* Registers of the window, as sacc_regs_decode() names them. */
enum sacc_reg_id {
	SACC_R_ID, SACC_R_VERSION, SACC_R_CAPS, SACC_R_DEVMEM_SIZE, SACC_R_CTRL,
	SACC_R_STATUS, SACC_R_INTR_STATUS, SACC_R_INTR_MASK, SACC_R_INTR_TEST,
	SACC_R_SCRATCH,
	SACC_R_Q_BASE_LO, SACC_R_Q_BASE_HI, SACC_R_Q_SIZE, SACC_R_Q_HEAD,
	SACC_R_Q_TAIL, SACC_R_Q_DOORBELL, SACC_R_Q_CTRL, SACC_R_Q_STATUS,
	SACC_R_Q_ERROR, SACC_R_Q_ERROR_INFO, SACC_R_Q_INTR_COALESCE,
};

/* How a register behaves on a write. */
enum sacc_reg_kind {
	SACC_REG_RO,	/* writes ignored */
	SACC_REG_RW,	/* the writable bits take the written value */
	SACC_REG_W1C,	/* writing 1 to a bit clears it */
	SACC_REG_WO,	/* a write is a command; reads return 0 */
};

/**
 * struct sacc_reg_desc - one register of the window
 * @offset: offset in BAR0 (global) or in a queue's block
 * @id: which register
 * @kind: its write behaviour
 * @wmask: bits a write acts on; 0 for INTR_STATUS/INTR_MASK, whose writable bits
 *         are the function's interrupt causes
 * @name: the name docs/device-spec.md uses
 */
struct sacc_reg_desc {
	u16 offset;
	u8 id;
	u8 kind;
	u32 wmask;
	const char *name;
};

/**
 * struct sacc_queue_regs - one queue's registers
 * @base_lo: Q_BASE_LO
 * @base_hi: Q_BASE_HI
 * @size: Q_SIZE
 * @head: Q_HEAD
 * @tail: Q_TAIL
 * @ctrl: Q_CTRL
 * @error: Q_ERROR
 * @error_info: Q_ERROR_INFO
 * @coalesce: Q_INTR_COALESCE
 * @gen: changes whenever the queue is enabled, disabled or reset, or the function
 *       stops (CTRL.ENABLE cleared, fatal error), so that the engine stops a
 *       descriptor it fetched before at its next step; not a register
 * @era: changes when the queue is enabled or reset (its indices start again): a
 *       descriptor of an older era is forgotten, but one that completes in its own
 *       era after the queue stopped still moves Q_HEAD; not a register
 */
struct sacc_queue_regs {
	u32 base_lo;
	u32 base_hi;
	u32 size;
	u32 head;
	u32 tail;
	u32 ctrl;
	u32 error;
	u32 error_info;
	u32 coalesce;
	u32 gen;
	u32 era;
};

/**
 * struct sacc_regs - an instance's register file (BAR0)
 * @nr_queues: queues of the function (fixed)
 * @devmem_mb: DEVMEM_SIZE (fixed)
 * @ops: SACC_OP_* bits the engine runs, reported in CAPS (fixed)
 * @ctrl: CTRL
 * @fatal: the function hit a fatal error (STATUS.FATAL)
 * @intr_status: INTR_STATUS
 * @intr_mask: INTR_MASK
 * @scratch: SCRATCH
 * @q: the queues' registers
 */
struct sacc_regs {
	unsigned int nr_queues;
	u32 devmem_mb;
	u32 ops;
	u32 ctrl;
	bool fatal;
	u32 intr_status;
	u32 intr_mask;
	u32 scratch;
	struct sacc_queue_regs q[SACC_MAX_QUEUES];
};

/* Effects of a register write, for the caller to carry out. */
#define SACC_FX_RESET	BIT(0)	/* function reset requested (CTRL.RESET) */
#define SACC_FX_IRQ	BIT(1)	/* interrupt status or mask changed */
#define SACC_FX_FATAL	BIT(2)	/* the function entered the fatal state */
#define SACC_FX_QUEUES	BIT(3)	/* queue state changed: the engine may have work */

/* sacc_regs.c */
void sacc_regs_init(struct sacc_regs *regs, unsigned int nr_queues,
		    u32 devmem_mb, u32 ops);
void sacc_regs_reset(struct sacc_regs *regs);
const struct sacc_reg_desc *sacc_regs_decode(const struct sacc_regs *regs,
					     unsigned int off, unsigned int *queue);
u32 sacc_regs_read(const struct sacc_regs *regs, const struct sacc_reg_desc *reg,
		   unsigned int queue);
unsigned int sacc_regs_write(struct sacc_regs *regs,
			     const struct sacc_reg_desc *reg, unsigned int queue,
			     u32 val);
u32 sacc_regs_pending(const struct sacc_regs *regs);
u32 sacc_regs_causes(unsigned int nr_queues);
void sacc_regs_raise(struct sacc_regs *regs, u32 causes);

/**
 * struct sacc_irq - an instance's interrupt wiring to its VFIO user
 * @mode: VFIO_PCI_INTX_IRQ_INDEX or VFIO_PCI_MSI_IRQ_INDEX while one of them has
 *        an eventfd, else -1; the two are exclusive
 * @intx: eventfd signalled for INTx, or NULL
 * @msi: eventfd signalled for MSI vector 0, or NULL
 * @err: eventfd signalled on a fatal error, or NULL
 * @req: eventfd signalled when the host asks the user to release the device
 * @intx_masked: INTx was signalled and waits for the user's unmask
 * @msi_sent: pending causes already announced by an MSI (edge detection)
 * @stopped: deliver nothing (migration: STOP and after), sacc_irq_stop()
 */
struct sacc_irq {
	int mode;
	struct eventfd_ctx *intx;
	struct eventfd_ctx *msi;
	struct eventfd_ctx *err;
	struct eventfd_ctx *req;
	bool intx_masked;
	u32 msi_sent;
	bool stopped;
};

struct sacc_mdev;

/**
 * struct sacc_queue - the engine's view of one queue of an instance
 * @node: on the parent's run list while @queued
 * @smdev: the instance
 * @index: the queue number
 * @queued: on the run list (under the engine lock)
 * @running: an engine thread runs it (under the engine lock)
 * @coalesced: completions counted toward the next interrupt (instance lock)
 * @coalesce_round: bumped whenever @coalesced goes back to 0 (instance lock), so
 *                  that a timer of an earlier round raises nothing
 * @timer_round: the round @coalesce_timer was started for (instance lock)
 * @coalesce_timer: USECS after the first counted completion of a round, queues
 *                  @coalesce_work (it cannot take the instance lock itself)
 * @coalesce_work: raises the cause if the round is still the timer's
 * @timer_saved: @coalesce_timer was cancelled for a migration stop (or comes from
 *               a migration stream) and is to be started again with
 *               @timer_left_ns left (instance lock)
 * @timer_left_ns: see @timer_saved
 * @job_active: @job holds a paused descriptor; this and the next five belong to
 *              the thread that runs the queue
 * @job_gen: the queue generation @job was fetched under
 * @job_era: the queue era @job was fetched in
 * @job_head: its ring index
 * @job_size: Q_SIZE when it was fetched (validated)
 * @job: the descriptor in execution and its checkpoint
 */
struct sacc_queue {
	struct list_head node;
	struct sacc_mdev *smdev;
	unsigned int index;
	bool queued;
	bool running;
	unsigned int coalesced;
	u32 coalesce_round;
	u32 timer_round;
	struct hrtimer coalesce_timer;
	struct work_struct coalesce_work;
	bool timer_saved;
	u64 timer_left_ns;
	bool job_active;
	u32 job_gen;
	u32 job_era;
	u32 job_head;
	u32 job_size;
	struct sacc_job job;
};

struct sacc_mig_file;

/**
 * struct sacc_mig - an instance's migration state (sacc_mig.c)
 * @lock: protects @state, @saving and @resuming; taken outside the instance's
 *        lock and outside a data file's lock
 * @state: the VFIO device state
 * @saving: the data file of STOP_COPY, or NULL
 * @resuming: the data file of RESUMING, or NULL
 */
struct sacc_mig {
	/* see @lock above */
	struct mutex lock;
	enum vfio_device_mig_state state;
	struct sacc_mig_file *saving;
	struct sacc_mig_file *resuming;
};

/**
 * struct sacc_mdev_stats - an instance's counters (debugfs "stats")
 * @ops: descriptors completed OK, batch elements included
 * @bytes: bytes those processed
 * @faults: queue halts
 */
struct sacc_mdev_stats {
	u64 ops;
	u64 bytes;
	u64 faults;
};

/**
 * struct sacc_mdev - one instance: a PCI function given to one VFIO user
 * @vdev: the VFIO device; must stay first (vfio_alloc_device())
 * @parent: the accelerator the instance's capacity comes from
 * @type: the slice this instance holds, taken from @parent's budgets in init and
 *        given back in release
 * @weight: scheduling weight (sysfs "weight"); READ_ONCE/WRITE_ONCE, no lock
 * @devmem: device memory (BAR2), vmalloc_user() memory of @devmem_size bytes that
 *          exists while the device is open (open_device to close_device); plain
 *          memory shared with the user's mappings, never locked
 * @devmem_size: bytes of @devmem, a power of two
 * @lock: protects @cfg, @regs and @irq; taken from process context only (region
 *        accesses, ioctls, open/close, the request callback)
 * @cfg: emulated configuration space
 * @regs: the register window
 * @irq: interrupt wiring
 * @open: a user has the device open: the engine may run its queues (@lock)
 * @frozen: stopped for migration: the engine runs none of its queues (@lock;
 *          sacc_engine_freeze())
 * @vtime: service received for its weight (parent's engine lock; sacc_engine.c)
 * @nr_busy: its queues queued or running (parent's engine lock)
 * @queues: the engine's view of the queues
 * @stats: counters (@lock)
 * @dma: the shadow DMA translation cache, used while @open
 * @debugfs: the instance's debugfs directory
 * @mig: migration state
 */
struct sacc_mdev {
	struct vfio_device vdev;
	struct sacc_parent *parent;
	const struct sacc_type *type;
	unsigned int weight;
	void *devmem;
	u64 devmem_size;
	/* protects cfg, regs and irq; process context only (see above) */
	spinlock_t lock;
	struct sacc_cfg cfg;
	struct sacc_regs regs;
	struct sacc_irq irq;
	bool open;
	bool frozen;
	u64 vtime;
	unsigned int nr_busy;
	struct sacc_queue queues[SACC_MAX_QUEUES];
	struct sacc_mdev_stats stats;
	struct sacc_dma dma;
	struct dentry *debugfs;
	struct sacc_mig mig;
};

/*
 * VFIO region offsets: the region index sits above bit 40 of the file offset, as in
 * vfio-pci, so that QEMU and other users find each region where they expect it.
 */
#define SACC_REGION_SHIFT	40
#define SACC_REGION_OFFSET(index)	((u64)(index) << SACC_REGION_SHIFT)
#define SACC_REGION_INDEX(pos)	((pos) >> SACC_REGION_SHIFT)
#define SACC_REGION_MASK	(SACC_REGION_OFFSET(1) - 1)

/* sacc_irq.c */
void sacc_irq_init(struct sacc_irq *irq);
void sacc_irq_update(struct sacc_mdev *smdev);
void sacc_irq_fatal(struct sacc_mdev *smdev);
void sacc_irq_stop(struct sacc_mdev *smdev);
void sacc_irq_start(struct sacc_mdev *smdev);
bool sacc_irq_request(struct sacc_mdev *smdev);
int sacc_irq_info(struct vfio_irq_info *info);
int sacc_irq_set(struct sacc_mdev *smdev, struct vfio_irq_set *hdr, void *data);
void sacc_irq_release(struct sacc_mdev *smdev);

/* sacc_devmem.c */
int sacc_devmem_alloc(struct sacc_mdev *smdev);
void sacc_devmem_free(struct sacc_mdev *smdev);
void sacc_devmem_clear(struct sacc_mdev *smdev);
ssize_t sacc_devmem_rw(struct sacc_mdev *smdev, char __user *buf, size_t count,
		       u64 off, bool write);
int sacc_devmem_mmap(struct sacc_mdev *smdev, struct vm_area_struct *vma,
		     u64 pgoff);

/* sacc_engine.c */
int sacc_engine_start(struct sacc_engine *e, unsigned int nr, const char *name);
void sacc_engine_stop(struct sacc_engine *e);
void sacc_engine_kick(struct sacc_mdev *smdev);
void sacc_engine_quiesce(struct sacc_mdev *smdev);
void sacc_engine_quiesce_stopped(struct sacc_mdev *smdev);
void sacc_queues_init(struct sacc_mdev *smdev);
void sacc_queues_stop_timers(struct sacc_mdev *smdev);
void sacc_queues_flush_coalesced(struct sacc_mdev *smdev);
void sacc_engine_freeze(struct sacc_mdev *smdev);
void sacc_engine_thaw(struct sacc_mdev *smdev);
void sacc_queues_save_timers(struct sacc_mdev *smdev);
void sacc_queues_restore_timers(struct sacc_mdev *smdev);

/* sacc_debugfs.c */
void sacc_debugfs_init(void);
void sacc_debugfs_exit(void);
void sacc_debugfs_add(struct sacc_mdev *smdev);
void sacc_debugfs_remove(struct sacc_mdev *smdev);

/* sacc_main.c: module parameters the instances read */
extern bool sacc_param_dma_cache;
extern unsigned int sacc_param_max_pinned_pages;

/* sacc_mdev.c */
extern struct mdev_driver sacc_mdev_driver;
void sacc_mdev_reset(struct sacc_mdev *smdev, bool config);

/* sacc_mig.c */
void sacc_mig_init(struct sacc_mdev *smdev);
void sacc_mig_destroy(struct sacc_mdev *smdev);
void sacc_mig_reset(struct sacc_mdev *smdev);
void sacc_mig_close(struct sacc_mdev *smdev);

#endif /* SACC_H */
