// SPDX-License-Identifier: GPL-2.0
/*
 * DMA for the engine suites: IOVA mappings through the type1 container or the
 * iommufd IOAS, anonymous buffers fenced by canary pages, the software side of a
 * queue (program, submit, doorbell, wait for completion records) and the engine's
 * debugfs statistics.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>
#include <linux/iommufd.h>
#include <linux/magic.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "sacc_test.h"
#include "sacc_regs.h"

/* ------------------------------------------------------------------------------
 * Mappings
 */
int vfio_ioas_map(const struct vfio_handle *h, uint32_t ioas_id, void *va, size_t len,
		  uint64_t iova, unsigned int prot)
{
	struct iommu_ioas_map map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_FIXED_IOVA |
			 (prot & DMA_PROT_READ ? IOMMU_IOAS_MAP_READABLE : 0) |
			 (prot & DMA_PROT_WRITE ? IOMMU_IOAS_MAP_WRITEABLE : 0),
		.ioas_id = ioas_id,
		.user_va = (uintptr_t)va,
		.length = len,
		.iova = iova,
	};

	if (h->iommufd < 0)
		return -EBADF;
	if (!ioas_id)
		return -EINVAL;
	return ioctl(h->iommufd, IOMMU_IOAS_MAP, &map) ? -errno : 0;
}

int vfio_ioas_unmap(const struct vfio_handle *h, uint32_t ioas_id, uint64_t iova,
		    size_t len)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = ioas_id,
		.iova = iova,
		.length = len,
	};

	if (h->iommufd < 0)
		return -EBADF;
	if (ioctl(h->iommufd, IOMMU_IOAS_UNMAP, &unmap))
		return -errno;
	return unmap.length == len ? 0 : -EIO;
}

int vfio_dma_map_prot(const struct vfio_handle *h, void *va, size_t len, uint64_t iova,
		      unsigned int prot)
{
	if (!(prot & (DMA_PROT_READ | DMA_PROT_WRITE)) ||
	    (prot & ~(DMA_PROT_READ | DMA_PROT_WRITE)))
		return -EINVAL;
	if (h->iommufd >= 0) {
		return vfio_ioas_map(h, h->ioas_id, va, len, iova, prot);
	} else {
		struct vfio_iommu_type1_dma_map map = {
			.argsz = sizeof(map),
			.flags = (prot & DMA_PROT_READ ? VFIO_DMA_MAP_FLAG_READ : 0) |
				 (prot & DMA_PROT_WRITE ? VFIO_DMA_MAP_FLAG_WRITE : 0),
			.vaddr = (uintptr_t)va,
			.iova = iova,
			.size = len,
		};
		/* A handle in a shared container (h->container -1) cannot map. */
		if (h->container < 0)
			return -EBADF;
		return ioctl(h->container, VFIO_IOMMU_MAP_DMA, &map) ? -errno : 0;
	}
}

int vfio_dma_map(const struct vfio_handle *h, void *va, size_t len, uint64_t iova,
		 bool writable)
{
	return vfio_dma_map_prot(h, va, len, iova,
				 DMA_PROT_READ | (writable ? DMA_PROT_WRITE : 0));
}

int vfio_dma_unmap(const struct vfio_handle *h, uint64_t iova, size_t len)
{
	if (h->iommufd >= 0) {
		return vfio_ioas_unmap(h, h->ioas_id, iova, len);
	} else {
		struct vfio_iommu_type1_dma_unmap unmap = {
			.argsz = sizeof(unmap),
			.iova = iova,
			.size = len,
		};

		if (h->container < 0)
			return -EBADF;
		if (ioctl(h->container, VFIO_IOMMU_UNMAP_DMA, &unmap))
			return -errno;
		return unmap.size == len ? 0 : -EIO;
	}
}

/* ------------------------------------------------------------------------------
 * Buffers with canary pages
 */

/* The canary byte at offset @i of a canary page: position-dependent, never 0. */
static uint8_t canary_byte(size_t i)
{
	return (uint8_t)(0xc3 ^ (i * 7) ^ (i >> 8)) | 0x01;
}

static void canary_fill(uint8_t *p)
{
	size_t i;

	for (i = 0; i < DMA_PAGE; i++)
		p[i] = canary_byte(i);
}

int dma_buf_alloc(struct dma_buf *b, size_t len)
{
	void *area;

	memset(b, 0, sizeof(*b));
	len = (len + DMA_PAGE - 1) & ~(DMA_PAGE - 1);
	if (!len)
		return -EINVAL;
	area = mmap(NULL, len + 2 * DMA_PAGE, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (area == MAP_FAILED)
		return -errno;
	b->area = area;
	b->area_len = len + 2 * DMA_PAGE;
	b->va = (uint8_t *)area + DMA_PAGE;
	b->len = len;
	canary_fill(area);
	canary_fill(b->va + len);
	return 0;
}

int dma_buf_map_prot(const struct vfio_handle *h, struct dma_buf *b, uint64_t iova,
		     unsigned int prot)
{
	int ret;

	if (b->mapped)
		return -EBUSY;
	ret = vfio_dma_map_prot(h, b->va, b->len, iova, prot);
	if (ret)
		return ret;
	b->h = h;
	b->iova = iova;
	b->mapped = true;
	return 0;
}

int dma_buf_map(const struct vfio_handle *h, struct dma_buf *b, uint64_t iova,
		bool writable)
{
	return dma_buf_map_prot(h, b, iova, DMA_PROT_READ | (writable ? DMA_PROT_WRITE : 0));
}

int dma_buf_unmap(struct dma_buf *b)
{
	int ret;

	if (!b->mapped)
		return 0;
	ret = vfio_dma_unmap(b->h, b->iova, b->len);
	if (!ret)
		b->mapped = false;
	return ret;
}

void dma_buf_free(struct dma_buf *b)
{
	if (b->mapped)
		dma_buf_unmap(b);
	if (b->area)
		munmap(b->area, b->area_len);
	memset(b, 0, sizeof(*b));
}

bool dma_buf_canaries_ok(const struct dma_buf *b, size_t *bad)
{
	const uint8_t *front = b->area, *back;
	size_t i;

	if (!b->area)
		return true;
	back = b->va + b->len;
	for (i = 0; i < DMA_PAGE; i++) {
		if (front[i] != canary_byte(i)) {
			*bad = i;
			return false;
		}
		if (back[i] != canary_byte(i)) {
			*bad = DMA_PAGE + b->len + i;
			return false;
		}
	}
	return true;
}

/* ------------------------------------------------------------------------------
 * Queues
 */
void msleep(unsigned int ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

const char *qerr_name(uint32_t code)
{
	static const char *const names[] = {
		"NONE", "RING", "DESC_FETCH", "OPCODE", "LENGTH", "ADDR", "OVERLAP",
		"COMPLETION", "FLAGS",
	};

	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "unknown";
}

const char *op_name(uint8_t op)
{
	static const char *const names[] = {
		"NOP", "COPY", "FILL", "COMPARE", "CRC32C", "BATCH",
	};

	return op < sizeof(names) / sizeof(names[0]) ? names[op] : "unknown opcode";
}

int sacc_qread(const struct sacc_queue *sq, uint32_t reg, uint32_t *val)
{
	return bar0_read32(sq->h, SACC_QUEUE_REG(sq->q, reg), val);
}

int sacc_qwrite(const struct sacc_queue *sq, uint32_t reg, uint32_t val)
{
	return bar0_write32(sq->h, SACC_QUEUE_REG(sq->q, reg), val);
}

int sacc_device_enable(const struct vfio_handle *h)
{
	uint32_t cmd;
	int ret;

	ret = cfg_read(h, PCI_COMMAND, 2, &cmd);
	if (!ret)
		ret = cfg_write(h, PCI_COMMAND, 2,
				cmd | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	if (!ret)
		ret = bar0_write32(h, SACC_REG_CTRL, SACC_CTRL_ENABLE);
	return ret;
}

int sacc_queue_restart(struct sacc_queue *sq)
{
	int ret = sacc_qwrite(sq, SACC_Q_CTRL, 0);

	if (!ret)
		ret = sacc_qwrite(sq, SACC_Q_CTRL, SACC_Q_CTRL_ENABLE);
	if (!ret)
		sq->tail = 0;
	return ret;
}

int sacc_queue_setup(struct sacc_queue *sq, const struct vfio_handle *h,
		     unsigned int q, void *ring, uint64_t ring_iova, uint32_t size,
		     uint32_t coalesce)
{
	int ret;

	sq->h = h;
	sq->q = q;
	sq->ring = ring;
	sq->ring_iova = ring_iova;
	sq->size = size;
	sq->tail = 0;
	ret = sacc_qwrite(sq, SACC_Q_CTRL, 0);
	if (!ret)
		ret = sacc_qwrite(sq, SACC_Q_BASE_LO, (uint32_t)ring_iova);
	if (!ret)
		ret = sacc_qwrite(sq, SACC_Q_BASE_HI, (uint32_t)(ring_iova >> 32));
	if (!ret)
		ret = sacc_qwrite(sq, SACC_Q_SIZE, size);
	if (!ret)
		ret = sacc_qwrite(sq, SACC_Q_INTR_COALESCE, coalesce);
	if (!ret)
		ret = sacc_queue_restart(sq);
	if (!ret)
		ret = sacc_device_enable(h);
	return ret;
}

int sacc_doorbell(struct sacc_queue *sq, uint32_t tail)
{
	int ret;

	/* The descriptors (and zeroed records) must be visible before the doorbell. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	ret = sacc_qwrite(sq, SACC_Q_DOORBELL, tail);
	if (!ret)
		sq->tail = tail & SACC_Q_SIZE_MASK;
	return ret;
}

uint32_t sacc_ring_put(struct sacc_queue *sq, const struct sacc_desc *d, unsigned int n)
{
	uint32_t t = sq->tail;
	unsigned int i;

	for (i = 0; i < n; i++) {
		memcpy(&sq->ring[t], &d[i], sizeof(d[i]));
		t = (t + 1) & (sq->size - 1);
	}
	return t;
}

int sacc_submit(struct sacc_queue *sq, const struct sacc_desc *d, unsigned int n)
{
	if (!sq->size || (sq->size & (sq->size - 1)) || n >= sq->size)
		return -EINVAL;
	return sacc_doorbell(sq, sacc_ring_put(sq, d, n));
}

int sacc_wait_completion(const struct sacc_completion *c, int timeout_ms,
			 struct sacc_completion *out)
{
	int64_t deadline = mono_ms() + timeout_ms;
	unsigned int nap = 1;

	for (;;) {
		if (__atomic_load_n(&c->status, __ATOMIC_ACQUIRE)) {
			if (out)
				memcpy(out, (const void *)c, sizeof(*out));
			return 0;
		}
		if (mono_ms() > deadline)
			return -ETIMEDOUT;
		msleep(nap);
		if (nap < 20)
			nap *= 2;
	}
}

int sacc_wait_reg(const struct vfio_handle *h, uint32_t off, uint32_t mask,
		  uint32_t want, int timeout_ms, uint32_t *last)
{
	int64_t deadline = mono_ms() + timeout_ms;
	unsigned int nap = 1;
	uint32_t v = 0;
	int ret;

	for (;;) {
		ret = bar0_read32(h, off, &v);
		if (last)
			*last = v;
		if (ret)
			return ret;
		if ((v & mask) == want)
			return 0;
		if (mono_ms() > deadline)
			return -ETIMEDOUT;
		msleep(nap);
		if (nap < 20)
			nap *= 2;
	}
}

/* ------------------------------------------------------------------------------
 * debugfs statistics
 */
bool debugfs_supported(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "re");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "\tdebugfs\n") != NULL;
	fclose(f);
	return found;
}

bool debugfs_mounted(void)
{
	struct statfs sfs;

	return !statfs(DEBUGFS_DIR, &sfs) && sfs.f_type == DEBUGFS_MAGIC;
}

int sacc_stats_read(const char *uuid, struct sacc_stats *st)
{
	static const char *const names[] = {
		"ops", "bytes", "faults", "cache_hits", "cache_misses",
		"cache_evictions", "pinned_pages", "fenced_ranges",
	};
	uint64_t *fields[] = {
		&st->ops, &st->bytes, &st->faults, &st->cache_hits,
		&st->cache_misses, &st->cache_evictions, &st->pinned_pages,
		&st->fenced_ranges,
	};
	char path[256], line[256], name[64], extra[2];
	unsigned long long v;
	unsigned int i = 0;
	int ret = 0;
	FILE *f;

	snprintf(path, sizeof(path), DEBUGFS_DIR "/sacc/%s/stats", uuid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	memset(st, 0, sizeof(*st));
	while (fgets(line, sizeof(line), f)) {
		if (i >= sizeof(names) / sizeof(names[0]) ||
		    sscanf(line, "%63s %llu %1s", name, &v, extra) != 2 ||
		    strcmp(name, names[i])) {
			ret = -EPROTO;
			break;
		}
		*fields[i++] = v;
	}
	if (!ret && ferror(f))
		ret = -EIO;
	if (!ret && i != sizeof(names) / sizeof(names[0]))
		ret = -EPROTO;
	fclose(f);
	return ret;
}
