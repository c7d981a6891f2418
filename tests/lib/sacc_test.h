/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers for the VM suites: sysfs and mdev lifecycle (mdev_sysfs.c), opening an
 * instance through VFIO, by the type1 container or by iommufd (vfio_client.c),
 * region, register and configuration-space access (vfio_regs.c), interrupts
 * (vfio_irq.c), migration (vfio_mig.c), DMA mappings, buffers, queues and engine statistics
 * (vfio_dma.c), the kernel's fault injection (fault_inject.c), CPU references for
 * what the engine computes (cpu_ref.c), a clock, bounds from the environment and a
 * child process's messages (sacc_proc.c), and loading and unloading sacc.ko
 * (sacc_module.c).
 * Functions return 0 or a negative errno unless they say otherwise, and never exit:
 * the suites decide what is a failure.
 *
 * What fails a test itself (kselftest harness ASSERT/EXPECT on the caller's
 * _metadata) is in the header-only sacc_harness.h and vfio_env.h.
 */
#ifndef SACC_TEST_H
#define SACC_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vfio.h>

#include "sacc_regs.h"

#define MDEV_BUS_CLASS	"/sys/class/mdev_bus"
#define MDEV_DEVICES	"/sys/bus/mdev/devices"
#define SACC_CLASS	"/sys/class/sacc"
#define UUID_STR_LEN	37

/* mdev_sysfs.c */
/* The types every parent offers: sysfs name and queues (docs/device-spec.md). */
struct sacc_type_desc {
	const char *name;
	unsigned int queues;
};
#define SACC_NR_TYPES	3
extern const struct sacc_type_desc sacc_types[SACC_NR_TYPES];
int sysfs_read(const char *path, char *buf, size_t len);
int sysfs_read_uint(const char *path, unsigned int *val);
int sysfs_write(const char *path, const char *val);
int mdev_type_attr(const char *parent, const char *type, const char *attr,
		   char *buf, size_t len);
int mdev_available(const char *parent, const char *type);
int mdev_create(const char *parent, const char *type, const char *uuid);
int mdev_remove(const char *uuid);
bool mdev_exists(const char *uuid);
/* An attribute of an instance, /sys/bus/mdev/devices/<uuid>/<attr>. */
int mdev_attr(const char *uuid, const char *attr, char *buf, size_t len);
int mdev_attr_uint(const char *uuid, const char *attr, unsigned int *val);
int mdev_attr_write(const char *uuid, const char *attr, const char *val);
int mdev_iommu_group(const char *uuid);
int mdev_count(void);
/* Entries of a directory (not counting those starting with '.'), or -errno. */
int dir_count(const char *path);
void uuid_new(char out[UUID_STR_LEN]);
/* A type's queues and memory, from its description ("queues=N, memory=XM, ..."). */
int mdev_type_size(const char *parent, const char *type, unsigned int *queues,
		   unsigned int *memory_mb);

/*
 * PCI functions: sacc's PCI driver ("sacc") makes every function bound to it a
 * parent, named by its address (<domain>:<bus>:<dev>.<fn>); it claims QEMU's edu
 * function, any other is handed to it with driver_override.
 */
#define PCI_DEVICES		"/sys/bus/pci/devices"
#define PCI_DRIVERS		"/sys/bus/pci/drivers"
#define PCI_DRIVERS_PROBE	"/sys/bus/pci/drivers_probe"
#define SACC_PCI_DRIVER		"sacc"
#define PCI_VENDOR_QEMU		0x1234
#define PCI_DEVICE_EDU		0x11e8	/* QEMU's -device edu */
#define PCI_VENDOR_REDHAT	0x1b36
#define PCI_DEVICE_TESTDEV	0x0005	/* QEMU's -device pci-testdev */
/*
 * The address of the first function (in name order) with these IDs in @bdf:
 * 0, or -ENOENT when there is none.
 */
int pci_find_function(unsigned int vendor, unsigned int device, char *bdf, size_t len);
/* The name of the driver bound to @bdf: 0, or -ENOENT when it has none. */
int pci_driver_name(const char *bdf, char *buf, size_t len);
/* @bdf is bound to the driver @drv. */
bool pci_bound_to(const char *bdf, const char *drv);
/* The edu function, the PCI parent the VM suites use: pci_find_function()'s result. */
int sacc_pci_parent(char *bdf, size_t len);
/*
 * The parent a suite runs on, from $SACC_PARENT: unset or empty means "sacc0", "pci"
 * the edu function (sacc_pci_parent()), anything else is the parent's name.
 */
int sacc_parent_from_env(char *name, size_t len);
/*
 * A parent's attribute (queues, memory_mb, engines), of either kind:
 * /sys/class/sacc/<parent>/<attr> or /sys/bus/pci/devices/<parent>/sacc/<attr>.
 */
int sacc_parent_attr_uint(const char *parent, const char *attr, unsigned int *val);

/*
 * The capacity of every parent as sysfs shows it (docs/device-spec.md §14.1, §14.3):
 * each parent of /sys/class/sacc (sorted by name) with its totals (queues, memory_mb,
 * engines) and the available_instances of each of its types (sorted by name).
 */
#define MDEV_NAME_LEN		32
#define BUDGET_MAX_PARENTS	8
#define BUDGET_MAX_TYPES	4
struct mdev_budget {
	unsigned int nr_parents;
	char parent[BUDGET_MAX_PARENTS][MDEV_NAME_LEN];
	unsigned int total[BUDGET_MAX_PARENTS][3];
	unsigned int nr_types[BUDGET_MAX_PARENTS];
	char type[BUDGET_MAX_PARENTS][BUDGET_MAX_TYPES][MDEV_NAME_LEN];
	unsigned int available[BUDGET_MAX_PARENTS][BUDGET_MAX_TYPES];
};
int mdev_budget_read(struct mdev_budget *b);
/* @now equals @was: true; otherwise false and the first difference in @why. */
bool mdev_budget_same(const struct mdev_budget *was, const struct mdev_budget *now,
		      char *why, size_t len);

/**
 * struct pci_handoff - a PCI function handed to sacc with driver_override
 * @bdf: the function
 * @old_driver: the driver it was bound to before, "" when none
 * @active: driver_override was written: pci_handoff_undo() has something to undo
 *
 * A zeroed struct is "nothing handed over": pci_handoff_undo() accepts it.
 */
struct pci_handoff {
	char bdf[MDEV_NAME_LEN];
	char old_driver[64];
	bool active;
};
/*
 * Make @bdf a parent: driver_override "sacc", unbind it from its driver (if any),
 * drivers_probe; 0 once it is bound to sacc, -ENODEV when it is not. -EBUSY, and
 * nothing touched, when it is bound to sacc already (not ours to give back).
 * After a failure @ho says what pci_handoff_undo() still has to undo.
 */
int pci_handoff(const char *bdf, struct pci_handoff *ho);
/*
 * Give it back: unbind it from sacc (which removes its instances; it blocks while one
 * is open), clear driver_override (also after a failed unbind), and when both worked
 * let the old driver probe it again (it must take it: -ENODEV otherwise). 0 or the
 * first error; @ho stays active after a failure, so that a second call tries again.
 */
int pci_handoff_undo(struct pci_handoff *ho);

/**
 * struct vfio_handle - an open instance and what it was opened through
 * @container: /dev/vfio/vfio, or -1 on the iommufd path
 * @group: /dev/vfio/<group>, or -1 on the iommufd path
 * @iommufd: /dev/iommu, or -1 on the container path
 * @device: the device fd
 * @ioas_id: the IOAS the device is attached to on the iommufd path, else 0
 */
struct vfio_handle {
	int container;
	int group;
	int iommufd;
	int device;
	uint32_t ioas_id;
};

/* vfio_client.c */
int vfio_open_container(const char *uuid, struct vfio_handle *h);
int vfio_open_iommufd(const char *uuid, struct vfio_handle *h);
/*
 * Several groups in one type1 container, as QEMU does for a VM: vfio_container_new()
 * opens a container without an IOMMU; vfio_open_in_container() adds the instance's
 * group to it (setting the type1 IOMMU when the container has none yet) and opens the
 * device. The handle does not own the container (h->container is -1): close the
 * container yourself after every handle in it.
 */
int vfio_container_new(int *container);
int vfio_open_in_container(const char *uuid, int container, struct vfio_handle *h);
void vfio_close(struct vfio_handle *h);
/*
 * The iommufd path (-EBADF on the container path): a new IOAS in the handle's iommufd;
 * IOMMU_DESTROY of one; VFIO_DEVICE_ATTACH_IOMMUFD_PT of the device to an IOAS
 * (replacing the current one when attached); VFIO_DEVICE_DETACH_IOMMUFD_PT. h->ioas_id
 * stays the IOAS the handle was opened with: it is where vfio_dma_map() maps.
 */
int vfio_ioas_alloc(const struct vfio_handle *h, uint32_t *ioas_id);
int vfio_ioas_destroy(const struct vfio_handle *h, uint32_t ioas_id);
int vfio_ioas_attach(const struct vfio_handle *h, uint32_t ioas_id);
int vfio_ioas_detach(const struct vfio_handle *h);
/* Region info without capabilities (argsz = sizeof(*info)). */
int vfio_region(const struct vfio_handle *h, unsigned int index,
		struct vfio_region_info *info);

/* vfio_regs.c: regions, BAR0 registers, configuration space */

/* File offset of a region: the index sits above bit 40, as in vfio-pci. */
#define VFIO_REGION_SHIFT	40
static inline uint64_t vfio_region_offset(unsigned int index)
{
	return (uint64_t)index << VFIO_REGION_SHIFT;
}

/*
 * Region info with its capability chain: *info is malloc()ed, large enough for every
 * capability the device reports; free() it.
 */
int vfio_region_info_caps(const struct vfio_handle *h, unsigned int index,
			  struct vfio_region_info **info);
/*
 * The capability @id in @info's chain, or NULL. The chain is checked: a capability
 * that points outside info->argsz, or a loop, ends the walk (NULL).
 */
const struct vfio_info_cap_header *vfio_region_cap(const struct vfio_region_info *info,
						   uint16_t id);
/* mmap(MAP_SHARED) [@off, @off + @len) of a region; *addr is set on success. */
int vfio_region_mmap(const struct vfio_handle *h, unsigned int index, uint64_t off,
		     size_t len, int prot, void **addr);
/* pread/pwrite inside a region: bytes transferred, or -errno. */
ssize_t vfio_region_read(const struct vfio_handle *h, unsigned int index,
			 uint64_t off, void *buf, size_t len);
ssize_t vfio_region_write(const struct vfio_handle *h, unsigned int index,
			  uint64_t off, const void *buf, size_t len);
/* One 32-bit register of BAR0 (region 0); a short transfer is -EIO. */
int bar0_read32(const struct vfio_handle *h, uint32_t off, uint32_t *val);
int bar0_write32(const struct vfio_handle *h, uint32_t off, uint32_t val);
/* Configuration space (region 7), @width 1, 2 or 4 bytes, little-endian. */
int cfg_read(const struct vfio_handle *h, uint32_t off, unsigned int width,
	     uint32_t *val);
int cfg_write(const struct vfio_handle *h, uint32_t off, unsigned int width,
	      uint32_t val);

/* vfio_irq.c: VFIO_DEVICE_GET_IRQ_INFO / VFIO_DEVICE_SET_IRQS, eventfds */

/* What VFIO_DEVICE_GET_IRQ_INFO must say of each index (docs/device-spec.md §13.3). */
struct vfio_irq_spec {
	uint32_t count;
	uint32_t flags;
};
extern const struct vfio_irq_spec sacc_irq_spec[VFIO_PCI_NUM_IRQS];

int vfio_irq_info(const struct vfio_handle *h, unsigned int index,
		  struct vfio_irq_info *info);
/* SET_IRQS as given; @data (@len bytes) follows the header. */
int vfio_irq_set(const struct vfio_handle *h, uint32_t flags, unsigned int index,
		 unsigned int start, unsigned int count, const void *data, size_t len);
/*
 * Enable vector 0 of @index (INTx, MSI, ERR, REQ) with a new non-blocking eventfd:
 * the eventfd (>= 0, the caller closes it) or -errno.
 */
int vfio_irq_enable(const struct vfio_handle *h, unsigned int index);
/* ACTION_TRIGGER | DATA_EVENTFD for vector 0 with @fd; -1 disables. */
int vfio_irq_set_eventfd(const struct vfio_handle *h, unsigned int index, int fd);
/* Disable @index: ACTION_TRIGGER | DATA_NONE with count 0 (what QEMU does). */
int vfio_irq_disable(const struct vfio_handle *h, unsigned int index);
/* ACTION_TRIGGER | DATA_NONE for vector 0: signal the eventfd from the host side. */
int vfio_irq_loopback(const struct vfio_handle *h, unsigned int index);
/* ACTION_MASK / ACTION_UNMASK | DATA_NONE of INTx. */
int vfio_intx_mask(const struct vfio_handle *h);
int vfio_intx_unmask(const struct vfio_handle *h);
/*
 * Wait up to @timeout_ms for @fd to be signalled and consume its count:
 * 1 fired, 0 timed out, or -errno.
 */
int eventfd_wait(int fd, int timeout_ms);

/* vfio_mig.c: VFIO migration (uAPI v2) */

/* Older uapi headers (before 6.3) lack the data size feature. */
#ifndef VFIO_DEVICE_FEATURE_MIG_DATA_SIZE
#define VFIO_DEVICE_FEATURE_MIG_DATA_SIZE 9
struct vfio_device_feature_mig_data_size {
	__aligned_u64 stop_copy_length;
};
#endif

/* VFIO_DEVICE_FEATURE_MIGRATION: the device's VFIO_MIGRATION_* flags. */
int vfio_mig_flags(const struct vfio_handle *h, uint64_t *flags);
/*
 * SET VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE to @state; *@data_fd (if not NULL) gets
 * the data fd the kernel returned, or -1 (without @data_fd, one is closed).
 */
int vfio_mig_set_state(const struct vfio_handle *h, uint32_t state, int *data_fd);
/* GET VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE. */
int vfio_mig_get_state(const struct vfio_handle *h, uint32_t *state);
/* VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: the STOP_COPY stream's length. */
int vfio_mig_data_size(const struct vfio_handle *h, uint64_t *bytes);
/*
 * Read a data fd to EOF in reads of @chunk bytes into *@out (malloc()ed, the caller
 * frees it): the length, or -errno (nothing to free).
 */
ssize_t vfio_mig_read_all(int fd, uint8_t **out, size_t chunk);
/* Write @len bytes to a data fd in writes of at most @chunk: @len or -errno. */
ssize_t vfio_mig_write_all(int fd, const uint8_t *buf, size_t len, size_t chunk);

/* vfio_dma.c: DMA mappings, buffers, queues and engine statistics */
#define DMA_PAGE	4096ul

/*
 * Map [@va, @va + @len) of this process at @iova for the device: VFIO_IOMMU_MAP_DMA
 * on the container path, IOMMU_IOAS_MAP with a fixed IOVA on the iommufd path.
 * @writable false gives a read-only mapping (device reads only). Page aligned.
 * A handle opened into a shared container (h->container -1) cannot map: -EBADF.
 */
int vfio_dma_map(const struct vfio_handle *h, void *va, size_t len, uint64_t iova,
		 bool writable);
/* VFIO_IOMMU_UNMAP_DMA / IOMMU_IOAS_UNMAP of exactly [@iova, @iova + @len). */
int vfio_dma_unmap(const struct vfio_handle *h, uint64_t iova, size_t len);
/*
 * vfio_dma_map() with the access spelled out: @prot is DMA_PROT_READ, DMA_PROT_WRITE
 * or both (VFIO_DMA_MAP_FLAG_READ/WRITE, IOMMU_IOAS_MAP_READABLE/WRITEABLE), so a
 * mapping can be write-only. Anything else is -EINVAL.
 */
#define DMA_PROT_READ	0x1u
#define DMA_PROT_WRITE	0x2u
int vfio_dma_map_prot(const struct vfio_handle *h, void *va, size_t len, uint64_t iova,
		      unsigned int prot);
/*
 * IOMMU_IOAS_MAP (fixed IOVA) / IOMMU_IOAS_UNMAP in the IOAS @ioas_id of the handle's
 * iommufd, which need not be the one the device is attached to. -EBADF on the
 * container path.
 */
int vfio_ioas_map(const struct vfio_handle *h, uint32_t ioas_id, void *va, size_t len,
		  uint64_t iova, unsigned int prot);
int vfio_ioas_unmap(const struct vfio_handle *h, uint32_t ioas_id, uint64_t iova,
		    size_t len);

/**
 * struct dma_buf - page-aligned anonymous memory between two canary pages
 * @va: the buffer (page aligned), @len bytes; the canary pages sit right before
 *	and after it in this process and are never mapped for the device
 * @len: buffer bytes, a multiple of DMA_PAGE
 * @iova: where it is mapped, when @mapped
 * @h: what it is mapped through, when @mapped
 * @mapped: mapped for the device
 * @area: the whole mmap(): canary, buffer, canary
 * @area_len: its length
 *
 * A zeroed struct is "nothing allocated": dma_buf_free() accepts it.
 */
struct dma_buf {
	uint8_t *va;
	size_t len;
	uint64_t iova;
	const struct vfio_handle *h;
	bool mapped;
	void *area;
	size_t area_len;
};

/* Allocate @len bytes (rounded up to pages), zeroed, with canary pages around. */
int dma_buf_alloc(struct dma_buf *b, size_t len);
int dma_buf_map(const struct vfio_handle *h, struct dma_buf *b, uint64_t iova,
		bool writable);
/* dma_buf_map() with DMA_PROT_* access (e.g. write-only). */
int dma_buf_map_prot(const struct vfio_handle *h, struct dma_buf *b, uint64_t iova,
		     unsigned int prot);
int dma_buf_unmap(struct dma_buf *b);
/* Unmap if mapped (errors ignored), then free. Safe on a zeroed struct. */
void dma_buf_free(struct dma_buf *b);
/*
 * Both canary pages hold their pattern: true. Otherwise false and *@bad is the
 * offset of the first changed byte from the start of the front canary page.
 */
bool dma_buf_canaries_ok(const struct dma_buf *b, size_t *bad);

/**
 * struct sacc_queue - software side of one queue of an open instance
 * @h: the instance
 * @q: queue index
 * @ring: CPU view of the ring (inside memory mapped at @ring_iova)
 * @ring_iova: the ring's IOVA
 * @size: entries (what is programmed in Q_SIZE by sacc_queue_setup())
 * @tail: next entry software fills; what the last doorbell wrote
 */
struct sacc_queue {
	const struct vfio_handle *h;
	unsigned int q;
	struct sacc_desc *ring;
	uint64_t ring_iova;
	uint32_t size;
	uint32_t tail;
};

/*
 * Program queue @q with the queue disabled (Q_BASE_LO/HI, Q_SIZE, Q_INTR_COALESCE),
 * then enable it (the indices restart at 0), set COMMAND.MEMORY|MASTER in
 * configuration space and CTRL.ENABLE. sq->tail is 0 afterwards.
 */
int sacc_queue_setup(struct sacc_queue *sq, const struct vfio_handle *h,
		     unsigned int q, void *ring, uint64_t ring_iova, uint32_t size,
		     uint32_t coalesce);
/* Q_CTRL.ENABLE 0 -> 1 (after writing 0): sq->tail restarts at 0. */
int sacc_queue_restart(struct sacc_queue *sq);
/* COMMAND.MEMORY|MASTER and CTRL.ENABLE. */
int sacc_device_enable(const struct vfio_handle *h);
/*
 * Write @n descriptors at sq->tail (wrapping), make them visible, and ring the
 * doorbell with the new tail. The caller keeps the ring from overflowing.
 */
int sacc_submit(struct sacc_queue *sq, const struct sacc_desc *d, unsigned int n);
/*
 * Write @n descriptors at sq->tail (wrapping) without ringing: the tail a doorbell
 * would then write. sq->tail does not move.
 */
uint32_t sacc_ring_put(struct sacc_queue *sq, const struct sacc_desc *d, unsigned int n);
/* Write @tail to Q_DOORBELL (no descriptor is written); sq->tail follows it. */
int sacc_doorbell(struct sacc_queue *sq, uint32_t tail);
/* Read or write a register of the queue's block. */
int sacc_qread(const struct sacc_queue *sq, uint32_t reg, uint32_t *val);
int sacc_qwrite(const struct sacc_queue *sq, uint32_t reg, uint32_t val);
/*
 * Poll @c until its status is not 0 (small sleeps, at most @timeout_ms), then copy
 * the record to *@out (if not NULL): 0, or -ETIMEDOUT.
 */
int sacc_wait_completion(const struct sacc_completion *c, int timeout_ms,
			 struct sacc_completion *out);
/*
 * Poll BAR0 register @off until (value & @mask) == @want, at most @timeout_ms:
 * 0, -ETIMEDOUT, or a read error. *@last (if not NULL) gets the last value read.
 */
int sacc_wait_reg(const struct vfio_handle *h, uint32_t off, uint32_t mask,
		  uint32_t want, int timeout_ms, uint32_t *last);
/* Sleep @ms milliseconds. */
void msleep(unsigned int ms);
/* The name of a SACC_QERR_* code ("ADDR"), and of a SACC_OP_* opcode ("COPY"). */
const char *qerr_name(uint32_t code);
const char *op_name(uint8_t op);

/* Engine statistics of an instance: /sys/kernel/debug/sacc/<uuid>/stats. */
#define DEBUGFS_DIR	"/sys/kernel/debug"
struct sacc_stats {
	uint64_t ops;
	uint64_t bytes;
	uint64_t faults;
	uint64_t cache_hits;
	uint64_t cache_misses;
	uint64_t cache_evictions;
	uint64_t pinned_pages;
	uint64_t fenced_ranges;
};
/* The kernel has debugfs (listed in /proc/filesystems). */
bool debugfs_supported(void);
/* debugfs is mounted at DEBUGFS_DIR. */
bool debugfs_mounted(void);
/*
 * Read and parse the stats file: every "name value" line, in the documented
 * order, nothing else. -ENOENT when the file is missing, -EPROTO when malformed.
 */
int sacc_stats_read(const char *uuid, struct sacc_stats *st);

/*
 * fault_inject.c: the kernel's fault injection (Documentation/fault-injection/),
 * for root in a kernel with CONFIG_FAULT_INJECTION_DEBUG_FS.
 */
#define FAILSLAB		"failslab"
#define FAIL_PAGE_ALLOC		"fail_page_alloc"
/* The fault attribute @attr is in debugfs (DEBUGFS_DIR/@attr/). */
bool fault_attr_present(const char *attr);
/* A knob DEBUGFS_DIR/@attr/@knob: read (without its newline) or write one value. */
int fault_knob_read(const char *attr, const char *knob, char *buf, size_t len);
int fault_knob_write(const char *attr, const char *knob, const char *val);

/* Knobs a test changed, with the values they had before: fault_knobs_restore(). */
#define FAULT_MAX_SAVED		40
struct fault_saved_knob {
	char attr[24];
	char knob[24];
	char val[40];
};
struct fault_knobs {
	struct fault_saved_knob k[FAULT_MAX_SAVED];
	unsigned int n;
};
/* Write @val to a knob; the first write to it in @s saves its old value. */
int fault_knob_set(struct fault_knobs *s, const char *attr, const char *knob,
		   const char *val);
int fault_knob_setf(struct fault_knobs *s, const char *attr, const char *knob,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/*
 * Write back every saved value, each attribute's "probability" first (so that
 * nothing fires while the others go back), the rest in reverse order; @s is empty
 * afterwards. 0, or the first error (the others are still tried).
 */
int fault_knobs_restore(struct fault_knobs *s);

/*
 * /proc/thread-self/fail-nth of the calling thread: the fd (or -errno) to arm it with
 * fail_nth_set() (the n-th fault-injection call of this thread that passes the
 * attribute's filters fails; 0 disarms) and read it back with fail_nth_get() (0:
 * the failure was injected; else the calls left to go: fewer than n were made).
 */
int fail_nth_open(void);
int fail_nth_set(int fd, unsigned int n);
int fail_nth_get(int fd, unsigned int *n);

/*
 * Address ranges [*@start, *@end) for the stack-trace filter (require-start/-end,
 * reject-start/-end): the text of a loaded module (its base in /proc/modules, up to
 * its size or the first text symbol of anything else there, /proc/kallsyms); and a
 * kernel function, from its address to the next higher text symbol. -ENOENT when
 * not found, -EPERM when the addresses are hidden.
 */
int module_text_range(const char *module, unsigned long *start, unsigned long *end);
int ksym_range(const char *name, unsigned long *start, unsigned long *end);

/* sacc_proc.c: clock, bounds from the environment, a child process's messages */
/* CLOCK_MONOTONIC in milliseconds. */
int64_t mono_ms(void);
/*
 * The decimal value of environment variable @name, 1 to @max; @def when it is unset,
 * empty, malformed, 0 or above @max.
 */
unsigned int env_uint(const char *name, unsigned int def, unsigned int max);
/*
 * A message over a socketpair: a one-byte @tag, a @text (up to 254 bytes) and,
 * when @fd >= 0, that file descriptor (SCM_RIGHTS). 0 or -errno.
 */
int msg_send(int sock, char tag, const char *text, int fd);
/*
 * One message within @timeout_ms: its tag (the text in @text), and *@fd the file
 * descriptor it carried or -1; -ETIMEDOUT, or -EPIPE when the other side is gone.
 */
int msg_recv(int sock, char *text, size_t len, int *fd, int timeout_ms);
/*
 * waitpid() @pid within @timeout_ms: true when it is reaped (or was already),
 * *@status (if not NULL) its wait status, or -1 when it was not our child.
 */
bool child_reap(pid_t pid, int timeout_ms, int *status);

/* sacc_module.c: $SACC_MODULE_DIR/sacc.ko, loaded and unloaded by the suite */
/* The path of sacc.ko in @out: 0, -ENOENT without SACC_MODULE_DIR, or access()'s -errno. */
int sacc_module_path(char *out, size_t len);
/* finit_module() of sacc.ko with @params ("" for the defaults). */
int sacc_module_load(const char *params);
/* delete_module("sacc", O_NONBLOCK): -EWOULDBLOCK while an instance is open. */
int sacc_module_unload(void);
/* /sys/module/sacc exists. */
bool sacc_module_loaded(void);
/* "name=value ..." of every readable parameter of the loaded sacc. */
int sacc_module_params(char *out, size_t len);

/* cpu_ref.c: CPU references (docs/device-spec.md §11) */
/* CRC32C, zlib style: ~update(~seed, data); crc32c(0, "123456789", 9) = 0xe3069283. */
uint32_t crc32c(uint32_t seed, const uint8_t *p, size_t n);
/* xorshift64*: advance the state *@s (0 stays 0) and return the next value. */
uint64_t rnd(uint64_t *s);
/* @n pseudo-random bytes, the same for the same @seed. */
void fill_rand(uint8_t *p, size_t n, uint64_t seed);
/* First i in [0, @n) where @a and @b differ, or -1. */
long first_diff(const uint8_t *a, const uint8_t *b, size_t n);
/* First i in [0, @n) where p[i] is not the FILL pattern (§11.3), or -1. */
long fill_diff(const uint8_t *p, size_t n, uint64_t pattern);

#endif /* SACC_TEST_H */
