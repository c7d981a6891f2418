/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc - private definitions shared by the files of sacc.ko.
 *
 * Object model: a &struct sacc_parent is one sample accelerator; its capacity is a
 * set of &struct sacc_budget (queues, device memory); each &struct sacc_type is a
 * fixed slice of that capacity; each &struct sacc_mdev is one instance, a VFIO
 * device carved out of a parent, with its own configuration space (sacc_cfg.c),
 * register window (sacc_regs.c), interrupts (sacc_irq.c) and device memory.
 */
#ifndef SACC_H
#define SACC_H

#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/mdev.h>
#include <linux/pci_regs.h>
#include <linux/spinlock.h>
#include <linux/vfio.h>

#include "uapi/sacc_regs.h"

#define SACC_NAME		"sacc"
#define SACC_MAX_PARENTS	8
#define SACC_NR_TYPES		3
#define SACC_MAX_WEIGHT		64

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
 * struct sacc_parent - one sample accelerator, the parent of its instances
 * @dev: the parent device, /sys/class/sacc/sacc<N>; owns this structure
 * @mdev_parent: registration with the mdev core
 * @queues: the queue budget instances are carved from
 * @memory: the device memory budget, in MiB
 * @engines: engines shared by all instances of this parent
 * @types: the types this parent offers
 * @type_ptrs: @types as the array of pointers mdev_register_parent() takes
 *
 * Everything but the budgets' free counts is fixed once the parent is registered.
 */
struct sacc_parent {
	struct device dev;
	struct mdev_parent mdev_parent;
	struct sacc_budget queues;
	struct sacc_budget memory;
	unsigned int engines;
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
void sacc_parent_destroy(struct sacc_parent *parent);
int sacc_parent_class_register(void);
void sacc_parent_class_unregister(void);

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
 */
struct sacc_irq {
	int mode;
	struct eventfd_ctx *intx;
	struct eventfd_ctx *msi;
	struct eventfd_ctx *err;
	struct eventfd_ctx *req;
	bool intx_masked;
	u32 msi_sent;
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

/* sacc_mdev.c */
extern struct mdev_driver sacc_mdev_driver;

#endif /* SACC_H */
