// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz: the VFIO interface of one open instance (a sacc-2q) under FUZZ_OPS random
 * operations, deterministic from FUZZ_SEED (issue 12, the vfio-fuzz fuzzer),
 * checked against docs/device-spec.md. The loop runs once with a type1 container,
 * on an instance of the PCI parent (the edu function), and once through iommufd
 * (skipped without /dev/iommu), on an instance of sacc0.
 *
 * Operations, each counted by kind and result:
 *  - pread/pwrite of region indices 0-9, 200 and random ones, at offsets biased
 *    to region starts, ends and straddling ends, with high offset bits, sizes
 *    0, 1, 2, 3, 4, 8, 16 and up to 4096, sometimes into or from a buffer that runs
 *    into an unmapped page;
 *  - configuration space writes of widths 1, 2 and 4 (and bad ones) at any offset,
 *    past 256 too; a write of the command register keeps MEMORY|MASTER set nine
 *    times in ten, so that the garbage queues below really fetch;
 *  - BAR0 register writes at defined and reserved offsets: CTRL (RESET too),
 *    INTR_TEST (FATAL too), queue blocks 0-7 with garbage ring bases, sizes and
 *    doorbells. The only DMA memory of the instance is one 64 KiB buffer of random
 *    bytes, so a fetch either faults or runs on it;
 *  - VFIO_DEVICE_SET_IRQS with every index 0-6 and random ones, every data and
 *    action flag combination, random start, count and argsz, eventfd arrays of
 *    valid eventfds, -1, -2, a closed descriptor and files that are no eventfd;
 *  - VFIO_DEVICE_GET_INFO, GET_REGION_INFO, GET_IRQ_INFO with random indices and
 *    argsz, VFIO_DEVICE_FEATURE with random features and flags;
 *  - VFIO_DEVICE_RESET;
 *  - mmap of BAR2 (and of other regions) at odd offsets and sizes, shared and
 *    private, every PROT combination, each mapping touched when it succeeded;
 *    munmap of whole mappings and of their first page.
 *
 * What a result must be: the spec's answer where it gives one (§4.4, §9, §13.2,
 * §13.3: success, EINVAL, EFAULT for a bad user buffer), else one of a small set
 * per kind (printed at the end with the counts). A model of device memory (every
 * byte written through pwrite or a mapping, zero after each reset) must match each
 * read, and the whole of BAR2 at every checkpoint (every FUZZ_OPS / 10 operations
 * and at the end). At a checkpoint VFIO_DEVICE_RESET must succeed and leave the
 * registers, the configuration header and device memory at their reset values
 * (§8), and a NOP and a 4 KiB COPY on a freshly mapped queue must complete
 * correctly. Meanwhile a second instance (a sacc-1q on the other kind of parent:
 * sacc0 beside the PCI parent's instance, the PCI parent beside sacc0's; its own
 * container) copies 64 KiB random buffers in a thread and checks every copy: it
 * must progress between checkpoints and never see wrong data. At the end the
 * instance is closed (pinned_pages 0 in debugfs), opened again and must work.
 *
 * Replay: the first line of each test is "# fuzz seed=S ops=N"; FUZZ_SEED=S
 * FUZZ_OPS=N runs the same operations (tests/vm/run.sh passes the variables named in
 * SACC_PASS_ENV into the guest). FUZZ_OPS defaults to 100000.
 *
 * Expects sacc.ko with its defaults (parent sacc0, and QEMU's edu function bound to
 * sacc as a PCI parent), vfio, vfio_iommu_type1, mdev (iommufd optional), debugfs,
 * and `ulimit -l unlimited`.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "kselftest_harness.h"
#include "sacc_test.h"
#include "sacc_regs.h"
#include "vfio_env.h"

#define KiB		1024ul
#define PAGE		DMA_PAGE

/*
 * Under TCG with a KASAN kernel a syscall into VFIO costs about 20-50 us, and an
 * operation here is one syscall (an mmap two or three, and page faults): about
 * 5-15 s per 100000 operations, plus the resets (each zeroes 16 MiB of device
 * memory, about 0.2 % of the operations) and 11 checkpoints (each reads BAR2
 * twice): well under a minute per variant, two variants per run.
 */
#define FUZZ_OPS_DEFAULT	100000
#define CHECKPOINTS		10
#define MAX_LOGGED		20	/* failures logged in full; the rest only counted */
#define WAIT_MS			20000	/* what must happen, under TCG with KASAN */

#define REGION_MASK	((1ull << VFIO_REGION_SHIFT) - 1)

/* IOVA layout (each instance has its own address space; CTL_IOVA(q): vfio_env.h). */
#define FUZZ_IOVA	0x30000000ull	/* the fuzzed instance's only DMA buffer */
#define FUZZ_BUF_LEN	(64 * KiB)
#define W_SRC_IOVA	0x20000000ull	/* the neighbour's source and destination */
#define W_DST_IOVA	0x21000000ull
#define W_LEN		(64 * KiB)

#define FUZZ_CAUSES	(SACC_INTR_QUEUE(0) | SACC_INTR_QUEUE(1) | SACC_INTR_ERROR | \
			 SACC_INTR_TEST)

/* ------------------------------------------------------------------------------
 * Operation kinds and the results they may have
 */
enum kind {
	K_READ, K_WRITE, K_CFG, K_BAR0, K_SET_IRQS, K_DEV_INFO, K_REGION_INFO,
	K_IRQ_INFO, K_FEATURE, K_RESET, K_MMAP, K_MUNMAP, NR_KINDS
};

static const char *const kind_names[NR_KINDS] = {
	"pread", "pwrite", "config_write", "bar0_write", "set_irqs", "get_info",
	"get_region_info", "get_irq_info", "device_feature", "device_reset", "mmap",
	"munmap",
};

/* Out of 1000: how often each kind is drawn (K_MUNMAP comes with K_MMAP). */
static const unsigned int kind_weight[NR_KINDS] = {
	[K_READ] = 200, [K_WRITE] = 150, [K_CFG] = 100, [K_BAR0] = 200,
	[K_SET_IRQS] = 120, [K_DEV_INFO] = 15, [K_REGION_INFO] = 50, [K_IRQ_INFO] = 35,
	[K_FEATURE] = 40, [K_RESET] = 1, [K_MMAP] = 89,
};

/*
 * The errnos counted one by one, in slots 1..NR_ERRNOS (slot 0 is success, the
 * last one any other errno); the S_* names are their slots.
 */
static const int errnos[] = {
	EINVAL, EFAULT, EBADF, ENOTTY, ENXIO, EOPNOTSUPP, ENOMEM, EPERM, EOVERFLOW,
};
enum {
	S_OK, S_EINVAL, S_EFAULT, S_EBADF, S_ENOTTY, S_ENXIO, S_EOPNOTSUPP, S_ENOMEM,
	S_EPERM, S_EOVERFLOW, S_OTHER, NR_SLOTS
};
#define NR_ERRNOS	(sizeof(errnos) / sizeof(errnos[0]))

#define M(slot)		(1u << (slot))
/* What a kind may fail with where the spec names no single answer. */
#define INFO_ERRS	(M(S_EINVAL) | M(S_EFAULT))
#define SET_IRQS_ERRS	(M(S_EINVAL) | M(S_EBADF) | M(S_EFAULT))
#define FEATURE_ERRS	(M(S_EINVAL) | M(S_ENOTTY) | M(S_EFAULT))
#define MMAP_ERRS	(M(S_EINVAL) | M(S_ENOMEM) | M(S_EOVERFLOW) | M(S_EOPNOTSUPP))

#ifndef offsetofend
#define offsetofend(type, member) \
	(offsetof(type, member) + sizeof(((type *)0)->member))
#endif

/* A live mapping of BAR2. */
struct map {
	uint8_t *addr;
	size_t len;		/* page multiple */
	uint64_t off;		/* in BAR2 */
	int prot;
};
#define MAX_MAPS	8

/* The state of one fuzz run. */
struct fz {
	const struct vfio_handle *h;
	uint64_t seed;
	uint64_t s;		/* PRNG state */
	uint64_t op;		/* the current operation */
	uint64_t devmem;	/* BAR2 size */
	uint8_t *shadow;	/* what BAR2 must hold */
	uint8_t *dirty;		/* per page of @shadow: maybe not zero */
	uint32_t scratch;	/* what SCRATCH must hold */
	uint8_t *area;		/* two read-write pages, then an unmapped guard page */
	uint8_t *guard;
	struct map maps[MAX_MAPS];
	int nr_maps;
	int evfd[3];
	int pipefd[2];
	int closed_fd;
	uint64_t counts[NR_KINDS][NR_SLOTS];
	uint64_t fails;
	uint64_t resets;
};

static uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

static uint64_t r64(struct fz *f)
{
	return rnd(&f->s);
}

/* Uniform enough in [0, @n), @n > 0. */
static uint64_t rn(struct fz *f, uint64_t n)
{
	return r64(f) % n;
}

/* True with odds @num in @den. */
static bool chance(struct fz *f, unsigned int num, unsigned int den)
{
	return rn(f, den) < num;
}

static unsigned int slot(int err)
{
	unsigned int i;

	if (!err)
		return S_OK;
	for (i = 0; i < NR_ERRNOS; i++)
		if (errnos[i] == err)
			break;
	return i + 1;
}

static void count(struct fz *f, enum kind k, int err)
{
	f->counts[k][slot(err)]++;
}

static __attribute__((format(printf, 3, 4)))
void bad(struct __test_metadata *_metadata, struct fz *f, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (f->fails++ < MAX_LOGGED)
		TH_LOG("op %" PRIu64 " (replay: FUZZ_SEED=%" PRIu64 "): %s", f->op, f->seed,
		       msg);
	_metadata->exit_code = KSFT_FAIL;
}

/* A result outside the allowed @mask of errnos (success always allowed). */
static void judge(struct __test_metadata *_metadata, struct fz *f, enum kind k,
		  int err, unsigned int mask, const char *what)
{
	count(f, k, err);
	if (err && !(mask & M(slot(err))))
		bad(_metadata, f, "%s: %s (%d), not an allowed answer", what,
		    strerror(err), err);
}

/* ------------------------------------------------------------------------------
 * The model of device memory
 */
static void shadow_write(struct fz *f, uint64_t off, const void *p, size_t len)
{
	uint64_t pg;

	if (!len)
		return;
	memcpy(f->shadow + off, p, len);
	for (pg = off / PAGE; pg <= (off + len - 1) / PAGE; pg++)
		f->dirty[pg] = 1;
}

/* A reset zeroes device memory (§8) and the registers: SCRATCH reads 0. */
static void model_reset(struct fz *f)
{
	uint64_t pg;

	for (pg = 0; pg < f->devmem / PAGE; pg++)
		if (f->dirty[pg]) {
			memset(f->shadow + pg * PAGE, 0, PAGE);
			f->dirty[pg] = 0;
		}
	f->scratch = 0;
	f->resets++;
}

/* [@off, @off + @len) of BAR2 as read from the device equals the model. */
static void check_shadow(struct __test_metadata *_metadata, struct fz *f, uint64_t off,
			 const uint8_t *got, size_t len, const char *what)
{
	long d = first_diff(got, f->shadow + off, len);

	if (d >= 0)
		bad(_metadata, f, "%s: BAR2 byte 0x%" PRIx64 " reads 0x%02x, last written 0x%02x",
		    what, off + d, got[d], f->shadow[off + d]);
}

/* All of BAR2 through pread against the model. */
static void check_devmem(struct __test_metadata *_metadata, struct fz *f, const char *what)
{
	const size_t chunk = 1 << 20;
	uint8_t *buf = malloc(chunk);
	uint64_t off;

	ASSERT_NE(NULL, buf);
	for (off = 0; off < f->devmem; off += chunk) {
		size_t n = f->devmem - off < chunk ? f->devmem - off : chunk;
		ssize_t got = vfio_region_read(f->h, VFIO_PCI_BAR2_REGION_INDEX, off, buf, n);

		if (got != (ssize_t)n) {
			bad(_metadata, f, "%s: reading BAR2 at 0x%" PRIx64 ": %zd", what, off, got);
			break;
		}
		check_shadow(_metadata, f, off, buf, n, what);
	}
	free(buf);
}

/* ------------------------------------------------------------------------------
 * Region accesses
 */
static uint64_t region_size(const struct fz *f, uint64_t index)
{
	switch (index) {
	case VFIO_PCI_BAR0_REGION_INDEX:
		return SACC_REGS_SIZE;
	case VFIO_PCI_BAR2_REGION_INDEX:
		return f->devmem;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		return PCI_CFG_SPACE_SIZE;
	}
	return 0;
}

enum want { RW_OK, RW_EINVAL, RW_EITHER };

/* The spec's answer to a pread/pwrite of @len bytes at file offset @pos (§4.4, §9). */
static enum want rw_want(const struct fz *f, uint64_t pos, size_t len, bool write)
{
	uint64_t index = pos >> VFIO_REGION_SHIFT, off = pos & REGION_MASK;

	if ((int64_t)pos < 0 || (int64_t)(pos + len) < 0)
		return RW_EINVAL;	/* the VFS refuses negative offsets */
	switch (index) {
	case VFIO_PCI_BAR0_REGION_INDEX:
		return len == 4 && !(off % 4) && off < SACC_REGS_SIZE ? RW_OK : RW_EINVAL;
	case VFIO_PCI_BAR2_REGION_INDEX:
		if (off >= f->devmem || len > f->devmem - off)
			return RW_EINVAL;
		return len ? RW_OK : RW_EITHER;	/* the spec says nothing of 0 bytes */
	case VFIO_PCI_CONFIG_REGION_INDEX:
		if (off >= PCI_CFG_SPACE_SIZE || len > PCI_CFG_SPACE_SIZE - off)
			return RW_EINVAL;
		if (!len)
			return RW_EITHER;
		if (!write)
			return RW_OK;
		return (len == 1 || len == 2 || len == 4) && !(off % len) ? RW_OK : RW_EINVAL;
	default:
		return RW_EINVAL;
	}
}

/* A successful BAR0 write: what the model must follow (CTRL.RESET, SCRATCH). */
static void bar0_written(struct fz *f, uint64_t off, uint32_t val)
{
	if (off == SACC_REG_CTRL && (val & SACC_CTRL_RESET))
		model_reset(f);
	else if (off == SACC_REG_SCRATCH)
		f->scratch = val;
}

static uint32_t le32(const uint8_t *b)
{
	return b[0] | b[1] << 8 | b[2] << 16 | (uint32_t)b[3] << 24;
}

/* A successful BAR0 read of @off: the registers with a known value now. */
static void bar0_read_check(struct __test_metadata *_metadata, struct fz *f, uint64_t off,
			    uint32_t v)
{
	uint32_t want;

	switch (off) {
	case SACC_REG_ID:
		want = SACC_ID_MAGIC;
		break;
	case SACC_REG_VERSION:
		want = SACC_VERSION;
		break;
	case SACC_REG_CAPS:
		want = 2 | 0x3fu << SACC_CAPS_OPS_SHIFT;
		break;
	case SACC_REG_DEVMEM_SIZE:
		want = f->devmem >> 20;
		break;
	case SACC_REG_SCRATCH:
		want = f->scratch;
		break;
	case SACC_REG_INTR_TEST:
		want = 0;		/* write-only */
		break;
	default:
		if (off < SACC_QUEUE_BASE) {
			if (off < 0x28)
				return;		/* CTRL, STATUS, INTR_*: not modelled */
			want = 0;		/* reserved */
		} else if (off >= SACC_QUEUE_REG(2, 0) ||
			   (off - SACC_QUEUE_BASE) % SACC_QUEUE_STRIDE >= 0x2c ||
			   (off - SACC_QUEUE_BASE) % SACC_QUEUE_STRIDE == SACC_Q_DOORBELL) {
			want = 0;	/* reserved, write-only, or a queue the function lacks */
		} else {
			return;
		}
		break;
	}
	if (v != want)
		bad(_metadata, f, "BAR0 0x%03" PRIx64 " reads 0x%08x, not 0x%08x", off, v, want);
}

/*
 * One pread or pwrite of @len bytes at @pos from/into @buf, judged against the spec;
 * @badbuf: the buffer runs into the unmapped guard page.
 */
static void do_rw(struct __test_metadata *_metadata, struct fz *f, enum kind k,
		  uint64_t pos, uint8_t *buf, size_t len, bool write, bool badbuf)
{
	enum want w = rw_want(f, pos, len, write);
	uint64_t index = pos >> VFIO_REGION_SHIFT, off = pos & REGION_MASK;
	ssize_t n;
	int err;
	bool ok;

	errno = 0;
	n = write ? pwrite(f->h->device, buf, len, (off_t)pos) :
		    pread(f->h->device, buf, len, (off_t)pos);
	err = n < 0 ? errno : 0;
	count(f, k, err);
	if (badbuf && len)	/* the device may copy before it checks the alignment */
		ok = err == EFAULT || (w == RW_EINVAL && err == EINVAL);
	else if (w == RW_EINVAL)
		ok = err == EINVAL;
	else if (w == RW_OK)
		ok = n == (ssize_t)len;
	else
		ok = n == 0 || err == EINVAL;
	if (!ok) {
		bad(_metadata, f, "%s of %zu bytes at 0x%" PRIx64 "%s: %zd (%s), the spec says %s",
		    write ? "pwrite" : "pread", len, pos, badbuf ? " (bad buffer)" : "", n,
		    err ? strerror(err) : "no error",
		    w == RW_EINVAL ? "EINVAL" : badbuf ? "EFAULT" : "success");
		return;
	}
	if (index == VFIO_PCI_BAR2_REGION_INDEX && write && err == EFAULT) {
		/*
		 * §9: a BAR2 write whose source faults may have stored the bytes before
		 * the fault, and nothing else: a prefix of what the buffer could give.
		 */
		size_t readable = f->guard > buf ? (size_t)(f->guard - buf) : 0;
		uint8_t *now = malloc(len);
		long last = -1;
		size_t i;

		if (readable > len)
			readable = len;
		if (now && vfio_region_read(f->h, index, off, now, len) == (ssize_t)len) {
			for (i = 0; i < len; i++)
				if (now[i] != f->shadow[off + i])
					last = (long)i;
			if (last >= 0 && ((size_t)last >= readable || memcmp(now, buf, last + 1))) {
				bad(_metadata, f, "pwrite of %zu bytes at BAR2 0x%" PRIx64 " failed "
				    "(EFAULT) and changed device memory at byte %ld, beyond a "
				    "prefix of the %zu readable bytes (spec §9)", len, off, last,
				    readable);
			}
			shadow_write(f, off, now, len);	/* judge what follows on its own */
		}
		free(now);
	}
	if (n <= 0)
		return;
	if (index == VFIO_PCI_BAR2_REGION_INDEX) {
		if (write)
			shadow_write(f, off, buf, len);
		else
			check_shadow(_metadata, f, off, buf, len, "pread");
	} else if (index == VFIO_PCI_BAR0_REGION_INDEX) {
		if (write)
			bar0_written(f, off, le32(buf));
		else
			bar0_read_check(_metadata, f, off, le32(buf));
	} else if (index == VFIO_PCI_CONFIG_REGION_INDEX && !write && off == 0 && len >= 4) {
		if (le32(buf) != (SACC_PCI_VENDOR_ID | SACC_PCI_DEVICE_ID << 16))
			bad(_metadata, f, "config vendor/device ID reads 0x%08x", le32(buf));
	}
}

/* A user buffer of @len bytes: good, or (one time in 50) running into the guard. */
static uint8_t *user_buf(struct fz *f, size_t len, bool *badbuf)
{
	*badbuf = len && chance(f, 1, 50);
	if (!*badbuf)
		return f->area + (len <= PAGE ? rn(f, PAGE - len + 1) : 0);
	return f->guard - rn(f, len);	/* from fully inside the guard to straddling it */
}

static size_t pick_len(struct fz *f)
{
	static const size_t lens[] = { 0, 1, 2, 3, 4, 4, 4, 8, 16 };
	unsigned int i = rn(f, sizeof(lens) / sizeof(lens[0]) + 3);

	return i < sizeof(lens) / sizeof(lens[0]) ? lens[i] : 1 + rn(f, 4096);
}

/* A file offset for an access of @len bytes, biased to region starts and ends. */
static uint64_t pick_pos(struct fz *f, size_t len)
{
	uint64_t index, size, off;
	unsigned int r = rn(f, 100);

	if (r < 25)
		index = VFIO_PCI_BAR0_REGION_INDEX;
	else if (r < 55)
		index = VFIO_PCI_BAR2_REGION_INDEX;
	else if (r < 75)
		index = VFIO_PCI_CONFIG_REGION_INDEX;
	else if (r < 87)
		index = rn(f, 10);
	else if (r < 92)
		index = 200;
	else if (r < 97)
		index = rn(f, 1 << 23);
	else
		return r64(f);		/* anything, negative offsets too */
	size = region_size(f, index);
	r = rn(f, 100);
	if (r < 15)
		off = 0;
	else if (r < 30)
		off = size - len;			/* ends exactly at the end */
	else if (r < 40)
		off = size - len + 1 + rn(f, len + 1);	/* straddles the end */
	else if (r < 50)
		off = size + rn(f, 8);			/* past the end */
	else if (r < 65)
		off = rn(f, size ? size : PAGE) & ~3ull;
	else if (r < 80)
		off = rn(f, size ? size : PAGE);
	else if (r < 90)
		off = r64(f);				/* any offset bits */
	else
		off = rn(f, size ? size : PAGE) | 1ull << (32 + rn(f, 8));
	return index << VFIO_REGION_SHIFT | (off & REGION_MASK);
}

static void op_rw(struct __test_metadata *_metadata, struct fz *f, bool write)
{
	size_t len = pick_len(f);
	uint64_t pos = pick_pos(f, len);
	bool badbuf;
	uint8_t *buf = user_buf(f, len, &badbuf);

	if (!badbuf)
		fill_rand(buf, len, r64(f));
	do_rw(_metadata, f, write ? K_WRITE : K_READ, pos, buf, len, write, badbuf);
}

/* A configuration space write; the command register mostly keeps MEMORY|MASTER. */
static void op_cfg(struct __test_metadata *_metadata, struct fz *f)
{
	static const uint32_t fields[] = {
		PCI_COMMAND, PCI_STATUS, PCI_CACHE_LINE_SIZE, PCI_BASE_ADDRESS_0,
		PCI_BASE_ADDRESS_1, PCI_BASE_ADDRESS_2, PCI_BASE_ADDRESS_3,
		PCI_ROM_ADDRESS, PCI_INTERRUPT_LINE, SACC_CFG_CAP_MSI + PCI_MSI_FLAGS,
		SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_LO, SACC_CFG_CAP_MSI + PCI_MSI_ADDRESS_HI,
		SACC_CFG_CAP_MSI + PCI_MSI_DATA_64,
	};
	static const size_t odd_widths[] = { 0, 3, 8, 16 };
	size_t width = chance(f, 9, 10) ? 1u << rn(f, 3) : odd_widths[rn(f, 4)];
	unsigned int r = rn(f, 100);
	uint64_t off;
	uint8_t b[16];
	uint32_t v = r64(f);

	if (r < 55)
		off = rn(f, PCI_CFG_SPACE_SIZE);
	else if (r < 85)
		off = fields[rn(f, sizeof(fields) / sizeof(fields[0]))];
	else if (r < 93)
		off = PCI_CFG_SPACE_SIZE - 4 + rn(f, 64);
	else
		off = rn(f, PCI_CFG_SPACE_SIZE) | 1ull << (32 + rn(f, 8));
	if (width && chance(f, 7, 10))
		off &= ~(uint64_t)(width - 1);
	if (off <= PCI_COMMAND && PCI_COMMAND - off < 4 && off + width > PCI_COMMAND &&
	    chance(f, 9, 10))
		v |= (uint32_t)(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER) << (8 * (PCI_COMMAND - off));
	fill_rand(b, sizeof(b), r64(f));
	memcpy(b, &v, sizeof(v));
	do_rw(_metadata, f, K_CFG,
	      vfio_region_offset(VFIO_PCI_CONFIG_REGION_INDEX) | (off & REGION_MASK), b, width,
	      true, false);
}

/* A value for queue register @reg: garbage, with some that mean something. */
static uint32_t queue_value(struct fz *f, uint32_t reg)
{
	switch (reg) {
	case SACC_Q_BASE_LO:
		return chance(f, 1, 2) ? (uint32_t)FUZZ_IOVA + rn(f, FUZZ_BUF_LEN / 64) * 64 :
					 (uint32_t)r64(f);
	case SACC_Q_BASE_HI:
		return chance(f, 3, 4) ? 0 : (uint32_t)r64(f);
	case SACC_Q_SIZE:
		return chance(f, 2, 3) ? 1u << rn(f, 14) : (uint32_t)r64(f);
	case SACC_Q_DOORBELL:
		return chance(f, 2, 3) ? rn(f, 16) : (uint32_t)r64(f);
	case SACC_Q_CTRL:
		return chance(f, 4, 5) ? rn(f, 2) : (uint32_t)r64(f);
	case SACC_Q_ERROR:
		return chance(f, 1, 2) ? 0xff : (uint32_t)r64(f);
	}
	return r64(f);
}

static void op_bar0(struct __test_metadata *_metadata, struct fz *f)
{
	static const uint32_t globals[] = {
		SACC_REG_ID, SACC_REG_VERSION, SACC_REG_CAPS, SACC_REG_DEVMEM_SIZE,
		SACC_REG_STATUS, SACC_REG_INTR_STATUS, SACC_REG_INTR_MASK, SACC_REG_SCRATCH,
	};
	static const uint32_t intr_test[] = {
		SACC_INTR_TEST_RAISE, SACC_INTR_TEST_FATAL,
		SACC_INTR_TEST_RAISE | SACC_INTR_TEST_FATAL, 0,
	};
	unsigned int r = rn(f, 1000);
	uint64_t off;
	uint32_t v = r64(f);
	uint8_t b[8];
	size_t len = 4;

	if (r < 3) {
		off = SACC_REG_CTRL;		/* CTRL.RESET: rare, it zeroes 16 MiB */
		v |= SACC_CTRL_RESET;
	} else if (r < 40) {
		off = SACC_REG_CTRL;
		v = chance(f, 3, 4) ? rn(f, 2) : v & ~SACC_CTRL_RESET;
	} else if (r < 80) {
		off = SACC_REG_INTR_TEST;
		v = chance(f, 3, 4) ? intr_test[rn(f, 4)] : v;
	} else if (r < 130) {
		off = globals[rn(f, sizeof(globals) / sizeof(globals[0]))];
	} else if (r < 800) {
		uint32_t reg = rn(f, SACC_QUEUE_STRIDE / 4) * 4;	/* reserved ones too */

		off = SACC_QUEUE_REG(rn(f, SACC_MAX_QUEUES), reg);
		v = queue_value(f, reg);
	} else if (r < 900) {
		off = rn(f, SACC_REGS_SIZE / 4) * 4;
		if (off == SACC_REG_CTRL)
			v &= ~SACC_CTRL_RESET;
	} else {
		off = rn(f, SACC_REGS_SIZE + 16);
		len = pick_len(f) % sizeof(b);
		if (off == SACC_REG_CTRL)
			v &= ~SACC_CTRL_RESET;
	}
	fill_rand(b, sizeof(b), r64(f));
	memcpy(b, &v, sizeof(v));
	do_rw(_metadata, f, K_BAR0, off, b, len, true, false);
}

/* ------------------------------------------------------------------------------
 * ioctls
 */

/*
 * Where an ioctl's argument of @len bytes goes: the good buffer, or one time in 30
 * one that runs into (or starts inside) the guard page. Zeroed when good.
 */
static uint8_t *ioctl_arg(struct fz *f, size_t len, bool *badptr)
{
	*badptr = chance(f, 1, 30);
	if (*badptr)
		return f->guard - rn(f, len + 1);
	memset(f->area, 0, 2 * PAGE);
	return f->area;
}

/* An eventfd value for SET_IRQS: valid ones, -1, -2, closed, and no eventfd. */
static int32_t pick_fd(struct fz *f)
{
	switch (rn(f, 10)) {
	case 0: case 1: case 2: case 3:
		return f->evfd[rn(f, 3)];
	case 4:
		return -1;
	case 5:
		return chance(f, 1, 2) ? -2 : INT32_MIN;
	case 6:
		return f->closed_fd;
	case 7:
		return f->h->device;
	case 8:
		return f->pipefd[rn(f, 2)];
	}
	return r64(f);
}

static void op_set_irqs(struct __test_metadata *_metadata, struct fz *f)
{
	const size_t minsz = offsetofend(struct vfio_irq_set, count);
	struct vfio_irq_set hdr = { 0 };
	uint8_t data[32];
	uint32_t size = 0;
	unsigned int i, r;
	bool badptr, must_fail;
	uint8_t *p;
	int err;

	r = rn(f, 100);
	hdr.index = r < 75 ? rn(f, 7) : r < 90 ? rn(f, 16) : (uint32_t)r64(f);
	hdr.flags = rn(f, 64);		/* every data and action combination */
	if (chance(f, 1, 20))
		hdr.flags |= (uint32_t)r64(f);
	r = rn(f, 100);
	hdr.start = r < 85 ? 0 : r < 92 ? 1 : r < 96 ? rn(f, 4) : (uint32_t)r64(f);
	r = rn(f, 100);
	hdr.count = r < 15 ? 0 : r < 75 ? 1 : r < 85 ? 2 : r < 95 ? rn(f, 8) : (uint32_t)r64(f);
	if (hdr.flags & VFIO_IRQ_SET_DATA_EVENTFD)
		size = 4;
	else if (hdr.flags & VFIO_IRQ_SET_DATA_BOOL)
		size = 1;
	for (i = 0; i < sizeof(data) / 4; i++) {
		int32_t fd = pick_fd(f);

		if (size == 4)
			memcpy(data + 4 * i, &fd, 4);
	}
	if (size != 4)
		for (i = 0; i < sizeof(data); i++)
			data[i] = chance(f, 2, 3) ? rn(f, 2) : r64(f);
	r = rn(f, 100);
	if (r < 50)
		hdr.argsz = minsz + (hdr.count < 8 ? hdr.count * size : size);
	else if (r < 65)
		hdr.argsz = minsz;
	else if (r < 75)
		hdr.argsz = rn(f, minsz);
	else if (r < 85)
		hdr.argsz = minsz + hdr.count * size - 1;
	else if (r < 95)
		hdr.argsz = minsz + sizeof(data);
	else
		hdr.argsz = r64(f);
	p = ioctl_arg(f, minsz + sizeof(data), &badptr);
	if (!badptr) {
		memcpy(p, &hdr, minsz);
		memcpy(p + minsz, data, sizeof(data));
	} else if (p + minsz <= f->guard) {
		memcpy(p, &hdr, minsz);		/* the data is what cannot be read */
	}
	/* §13.3: never MSI-X, an index >= 5, a start but 0, or more than one vector. */
	must_fail = hdr.index == VFIO_PCI_MSIX_IRQ_INDEX || hdr.index >= VFIO_PCI_NUM_IRQS ||
		    hdr.start || hdr.count > 1;
	err = ioctl(f->h->device, VFIO_DEVICE_SET_IRQS, p) ? errno : 0;
	judge(_metadata, f, K_SET_IRQS, err, SET_IRQS_ERRS, "SET_IRQS");
	if (must_fail && !err)
		bad(_metadata, f, "SET_IRQS index %u flags 0x%x start %u count %u succeeded",
		    hdr.index, hdr.flags, hdr.start, hdr.count);
}

static void op_dev_info(struct __test_metadata *_metadata, struct fz *f)
{
	const size_t minsz = offsetofend(struct vfio_device_info, num_irqs);
	struct vfio_device_info info;
	uint32_t argsz = chance(f, 1, 2) ? sizeof(info) : rn(f, 3) ? rn(f, 64) : r64(f);
	bool badptr;
	uint8_t *p = ioctl_arg(f, sizeof(info), &badptr);
	int err;

	if (p + sizeof(argsz) <= f->guard)
		memcpy(p, &argsz, sizeof(argsz));
	err = ioctl(f->h->device, VFIO_DEVICE_GET_INFO, p) ? errno : 0;
	judge(_metadata, f, K_DEV_INFO, err, INFO_ERRS, "GET_INFO");
	if (badptr)
		return;
	if (argsz < minsz) {
		if (err != EINVAL)
			bad(_metadata, f, "GET_INFO with argsz %u: %d, not EINVAL", argsz, err);
		return;
	}
	memcpy(&info, p, sizeof(info));
	if (err || info.flags != (VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET) ||
	    info.num_regions != VFIO_PCI_NUM_REGIONS || info.num_irqs != VFIO_PCI_NUM_IRQS)
		bad(_metadata, f, "GET_INFO argsz %u: %d, flags 0x%x, %u regions, %u irqs (§13.1)",
		    argsz, err, info.flags, info.num_regions, info.num_irqs);
}

/* What GET_REGION_INFO must answer with a readable buffer (§13.2). */
static void region_info_check(struct __test_metadata *_metadata, struct fz *f,
			      uint32_t argsz, uint32_t index, int err, const uint8_t *p)
{
	const size_t minsz = offsetofend(struct vfio_region_info, offset);
	const size_t need = sizeof(struct vfio_region_info) +
			    sizeof(struct vfio_region_info_cap_sparse_mmap) +
			    sizeof(struct vfio_region_sparse_mmap_area);
	const struct vfio_region_info_cap_sparse_mmap *sp;
	struct vfio_region_info *info;

	if (argsz < minsz || index >= VFIO_PCI_NUM_REGIONS) {
		if (err != EINVAL)
			bad(_metadata, f, "GET_REGION_INFO index %u argsz %u: %d, not EINVAL",
			    index, argsz, err);
		return;
	}
	info = (struct vfio_region_info *)p;
	if (err || info->size != region_size(f, index) ||
	    info->offset != vfio_region_offset(index)) {
		bad(_metadata, f, "GET_REGION_INFO index %u argsz %u: %d, size 0x%llx offset 0x%llx",
		    index, argsz, err, (unsigned long long)info->size,
		    (unsigned long long)info->offset);
		return;
	}
	if (index != VFIO_PCI_BAR2_REGION_INDEX)
		return;
	if (!(info->flags & VFIO_REGION_INFO_FLAG_CAPS) ||
	    !(info->flags & VFIO_REGION_INFO_FLAG_MMAP)) {
		bad(_metadata, f, "GET_REGION_INFO of BAR2: flags 0x%x", info->flags);
		return;
	}
	if (argsz < need) {
		if (info->cap_offset || info->argsz < need)
			bad(_metadata, f, "GET_REGION_INFO of BAR2 with argsz %u: cap_offset %u, "
			    "argsz %u (needs %zu)", argsz, info->cap_offset, info->argsz, need);
		return;
	}
	info->argsz = argsz < 2 * PAGE ? argsz : 2 * PAGE;	/* what the walk may read */
	sp = (const void *)vfio_region_cap(info, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	if (!sp || sp->header.version != 1 || sp->nr_areas != 1 || sp->areas[0].offset ||
	    sp->areas[0].size != f->devmem)
		bad(_metadata, f, "GET_REGION_INFO of BAR2 with argsz %u: no sparse mmap "
		    "capability of one area over the region", argsz);
}

static void op_region_info(struct __test_metadata *_metadata, struct fz *f)
{
	static const uint32_t sizes[] = { 0, 4, 16, 31, 32, 33, 40, 48, 55, 56, 57, 64, 4096 };
	unsigned int r = rn(f, 100);
	uint32_t index = r < 80 ? rn(f, 10) : r < 90 ? rn(f, 256) : (uint32_t)r64(f);
	uint32_t argsz = chance(f, 4, 5) ? sizes[rn(f, sizeof(sizes) / sizeof(sizes[0]))] :
					   (uint32_t)r64(f);
	bool badptr;
	uint8_t *p = ioctl_arg(f, sizeof(struct vfio_region_info), &badptr);
	int err;

	if (p + 12 <= f->guard) {
		memcpy(p, &argsz, 4);
		memcpy(p + 8, &index, 4);
	}
	err = ioctl(f->h->device, VFIO_DEVICE_GET_REGION_INFO, p) ? errno : 0;
	judge(_metadata, f, K_REGION_INFO, err, INFO_ERRS, "GET_REGION_INFO");
	if (!badptr)
		region_info_check(_metadata, f, argsz, index, err, p);
}

static void op_irq_info(struct __test_metadata *_metadata, struct fz *f)
{
	const struct vfio_irq_spec *want = sacc_irq_spec;
	const size_t minsz = offsetofend(struct vfio_irq_info, count);
	unsigned int r = rn(f, 100);
	uint32_t index = r < 80 ? rn(f, 8) : r < 90 ? rn(f, 256) : (uint32_t)r64(f);
	uint32_t argsz = chance(f, 1, 2) ? minsz : rn(f, 3) ? rn(f, 64) : r64(f);
	struct vfio_irq_info info;
	bool badptr;
	uint8_t *p = ioctl_arg(f, sizeof(info), &badptr);
	int err;

	if (p + 12 <= f->guard) {
		memcpy(p, &argsz, 4);
		memcpy(p + 8, &index, 4);
	}
	err = ioctl(f->h->device, VFIO_DEVICE_GET_IRQ_INFO, p) ? errno : 0;
	judge(_metadata, f, K_IRQ_INFO, err, INFO_ERRS, "GET_IRQ_INFO");
	if (badptr)
		return;
	if (argsz < minsz || index >= VFIO_PCI_NUM_IRQS) {
		if (err != EINVAL)
			bad(_metadata, f, "GET_IRQ_INFO index %u argsz %u: %d, not EINVAL",
			    index, argsz, err);
		return;
	}
	memcpy(&info, p, sizeof(info));
	if (err || info.count != want[index].count || info.flags != want[index].flags)
		bad(_metadata, f, "GET_IRQ_INFO index %u: %d, count %u flags 0x%x (§13.3)",
		    index, err, info.count, info.flags);
}

static void op_feature(struct __test_metadata *_metadata, struct fz *f)
{
	const size_t minsz = offsetofend(struct vfio_device_feature, flags);
	uint32_t flags = rn(f, 100) < 80 ? rn(f, 16) : (uint32_t)r64(f) & VFIO_DEVICE_FEATURE_MASK;
	uint32_t argsz = chance(f, 2, 3) ? minsz + rn(f, 64) : rn(f, 3) ? rn(f, minsz) : r64(f);
	bool badptr;
	uint8_t *p = ioctl_arg(f, minsz + 64, &badptr);
	int err;

	flags |= rn(f, 8) << 16;	/* GET, SET, PROBE in every combination */
	if (chance(f, 1, 20))
		flags |= (uint32_t)r64(f);
	if (!badptr) {
		memcpy(p, &argsz, 4);
		memcpy(p + 4, &flags, 4);
		fill_rand(p + minsz, 64, r64(f));
	}
	err = ioctl(f->h->device, VFIO_DEVICE_FEATURE, p) ? errno : 0;
	judge(_metadata, f, K_FEATURE, err, FEATURE_ERRS, "DEVICE_FEATURE");
}

static void op_reset(struct __test_metadata *_metadata, struct fz *f)
{
	int err = ioctl(f->h->device, VFIO_DEVICE_RESET) ? errno : 0;

	judge(_metadata, f, K_RESET, err, 0, "VFIO_DEVICE_RESET");
	if (!err)
		model_reset(f);
}

/* ------------------------------------------------------------------------------
 * mmap
 */

/* Read and write one word of a live mapping: it shows BAR2 as pread does (§10). */
static void touch(struct __test_metadata *_metadata, struct fz *f, const struct map *m)
{
	uint64_t o = rn(f, m->len / 8) * 8, v, back = 0;

	if (m->prot & PROT_READ) {
		v = *(volatile uint64_t *)(m->addr + o);
		check_shadow(_metadata, f, m->off + o, (const uint8_t *)&v, 8, "mmap read");
	}
	if (!(m->prot & PROT_WRITE))
		return;
	o = rn(f, m->len / 8) * 8;
	v = r64(f);
	*(volatile uint64_t *)(m->addr + o) = v;
	shadow_write(f, m->off + o, &v, 8);
	if (vfio_region_read(f->h, VFIO_PCI_BAR2_REGION_INDEX, m->off + o, &back, 8) != 8 ||
	    back != v)
		bad(_metadata, f, "wrote 0x%" PRIx64 " through a mapping at BAR2 0x%" PRIx64
		    ", pread gives 0x%" PRIx64, v, m->off + o, back);
}

static void op_munmap(struct __test_metadata *_metadata, struct fz *f)
{
	unsigned int i = rn(f, f->nr_maps);
	struct map *m = &f->maps[i];
	bool first = m->len > PAGE && chance(f, 1, 4);
	int err = munmap(m->addr, first ? PAGE : m->len) ? errno : 0;

	judge(_metadata, f, K_MUNMAP, err, 0, "munmap");
	if (err)
		return;
	if (first) {			/* the rest stays mapped: a split mapping */
		m->addr += PAGE;
		m->off += PAGE;
		m->len -= PAGE;
		touch(_metadata, f, m);
	} else {
		*m = f->maps[--f->nr_maps];
	}
}

static void op_mmap(struct __test_metadata *_metadata, struct fz *f)
{
	static const int map_flags[] = {
		MAP_SHARED, MAP_SHARED, MAP_SHARED, MAP_SHARED, MAP_PRIVATE,
		MAP_SHARED_VALIDATE, MAP_SHARED | MAP_POPULATE, MAP_SHARED | MAP_NORESERVE,
		MAP_SHARED_VALIDATE | MAP_SYNC,
	};
	unsigned int r = rn(f, 100);
	uint64_t index, off, pos, len, pages = f->devmem / PAGE;
	int prot = rn(f, 8), flags = map_flags[rn(f, sizeof(map_flags) / sizeof(int))];
	bool valid;
	void *p;
	int err;

	if (f->nr_maps && (f->nr_maps == MAX_MAPS || chance(f, 1, 3))) {
		op_munmap(_metadata, f);
		return;
	}
	if (f->nr_maps && chance(f, 1, 4)) {
		touch(_metadata, f, &f->maps[rn(f, f->nr_maps)]);
		return;
	}
	index = r < 75 ? VFIO_PCI_BAR2_REGION_INDEX : r < 95 ? rn(f, 10) : 200;
	r = rn(f, 100);
	if (r < 20)
		off = 0;
	else if (r < 60)
		off = rn(f, pages) * PAGE;
	else if (r < 70)
		off = (pages - 1 - rn(f, 4)) * PAGE;
	else if (r < 80)
		off = rn(f, f->devmem) | 1;			/* not page aligned */
	else if (r < 90)
		off = f->devmem + rn(f, 4) * PAGE;		/* past the end */
	else
		off = (rn(f, pages) * PAGE) | 1ull << (32 + rn(f, 8));
	r = rn(f, 100);
	if (r < 40)
		len = (1 + rn(f, 4)) * PAGE;
	else if (r < 55)
		len = 1 + rn(f, 3 * PAGE);			/* rounded up by mmap */
	else if (r < 70)
		len = off < f->devmem ? f->devmem - (off & ~(PAGE - 1)) : PAGE;
	else if (r < 80)
		len = (off < f->devmem ? f->devmem - (off & ~(PAGE - 1)) : 0) + PAGE;
	else if (r < 90)
		len = 0;
	else
		len = chance(f, 1, 2) ? f->devmem * 2 : 1ull << (30 + rn(f, 12));
	pos = index << VFIO_REGION_SHIFT | (off & REGION_MASK);
	if (chance(f, 1, 50))
		pos = r64(f) & ~(PAGE - 1);			/* anything, above 2^63 too */
	index = pos >> VFIO_REGION_SHIFT;
	off = pos & REGION_MASK;
	len = (len + PAGE - 1) & ~(PAGE - 1);		/* what a mapping covers */
	/* §9, §10: MAP_SHARED of page-aligned ranges inside BAR2 only. */
	valid = index == VFIO_PCI_BAR2_REGION_INDEX && !(off % PAGE) && len &&
		off < f->devmem && len <= f->devmem - off && (flags & MAP_TYPE) != MAP_PRIVATE &&
		!(flags & MAP_SYNC);
	p = mmap(NULL, len, prot, flags, f->h->device, (off_t)pos);
	err = p == MAP_FAILED ? errno : 0;
	count(f, K_MMAP, err);
	/* PROT_EXEC on a noexec mount is EPERM, whatever the device says. */
	if (err == EPERM && (prot & PROT_EXEC))
		return;
	if (valid && err) {
		bad(_metadata, f, "mmap of 0x%" PRIx64 " bytes at BAR2 0x%" PRIx64 " prot %d flags "
		    "0x%x: %s", len, off, prot, flags, strerror(err));
		return;
	}
	if (!valid && !err) {
		bad(_metadata, f, "mmap of 0x%" PRIx64 " bytes at 0x%" PRIx64 " prot %d flags 0x%x "
		    "succeeded", len, pos, prot, flags);
		munmap(p, len);
		return;
	}
	if (err) {
		if (!(MMAP_ERRS & M(slot(err))))
			bad(_metadata, f, "mmap of 0x%" PRIx64 " bytes at 0x%" PRIx64 ": %s, not an "
			    "allowed answer", len, pos, strerror(err));
		return;
	}
	f->maps[f->nr_maps] = (struct map){ .addr = p, .len = len, .off = off, .prot = prot };
	touch(_metadata, f, &f->maps[f->nr_maps++]);
}

static void unmap_all(struct fz *f)
{
	while (f->nr_maps) {
		f->nr_maps--;
		munmap(f->maps[f->nr_maps].addr, f->maps[f->nr_maps].len);
	}
}

/* ------------------------------------------------------------------------------
 * The neighbour: a verified COPY workload on another instance, in a thread
 */
struct neighbour {
	struct qctx qc;
	struct dma_buf *src, *dst;
	uint64_t seed;
	pthread_t thread;
	bool started;
	atomic_bool stop;
	atomic_uint rounds;
	atomic_int failed;
	char msg[256];
};

static void *neighbour_run(void *arg)
{
	struct neighbour *n = arg;
	struct sacc_completion rec;
	unsigned int r;
	long d;

	for (r = 0; !atomic_load(&n->stop); r++) {
		struct sacc_desc dsc = desc(SACC_OP_COPY, W_LEN, W_SRC_IOVA, W_DST_IOVA, 0);
		struct sacc_completion *c = attach(&n->qc, &dsc);
		int ret;

		memset(&rec, 0, sizeof(rec));
		fill_rand(n->src->va, W_LEN, n->seed + 2 * r);
		fill_rand(n->dst->va, W_LEN, n->seed + 2 * r + 1);
		ret = sacc_submit(&n->qc.sq, &dsc, 1);
		if (!ret)
			ret = sacc_wait_completion(c, WAIT_MS, &rec);
		if (ret || rec.status != SACC_COMPL_OK || rec.bytes != W_LEN ||
		    rec.tag != dsc.tag) {
			snprintf(n->msg, sizeof(n->msg), "round %u: COPY %s (status %u error %u)",
				 r, ret ? strerror(-ret) : "record wrong", ret ? 0 : rec.status,
				 ret ? 0 : rec.error);
			atomic_store(&n->failed, 1);
			break;
		}
		d = first_diff(n->dst->va, n->src->va, W_LEN);
		if (d >= 0) {
			snprintf(n->msg, sizeof(n->msg), "round %u: destination byte %ld wrong", r, d);
			atomic_store(&n->failed, 1);
			break;
		}
		atomic_fetch_add(&n->rounds, 1);
	}
	return NULL;
}

static void neighbour_stop(struct neighbour *n)
{
	if (!n->started)
		return;
	atomic_store(&n->stop, true);
	pthread_join(n->thread, NULL);
	n->started = false;
}

/* The neighbour is correct and has finished a round since *@last. */
static void neighbour_check(struct __test_metadata *_metadata, struct neighbour *n,
			    unsigned int *last, const char *when)
{
	int waited;

	for (waited = 0; waited < WAIT_MS && !atomic_load(&n->failed) &&
	     atomic_load(&n->rounds) == *last; waited += 10)
		msleep(10);
	EXPECT_EQ(0, atomic_load(&n->failed)) TH_LOG("%s: the neighbour: %s", when, n->msg);
	EXPECT_NE(*last, atomic_load(&n->rounds)) {
		TH_LOG("%s: the neighbour finished no COPY in %d s", when, WAIT_MS / 1000);
	}
	*last = atomic_load(&n->rounds);
}

/* ------------------------------------------------------------------------------
 * Checkpoints
 */

/* Registers and configuration header at their reset values (§4, §5, §8). */
static void check_reset_state(struct __test_metadata *_metadata, struct fz *f)
{
	static const struct { uint32_t off, val; } regs[] = {
		{ SACC_REG_ID, SACC_ID_MAGIC }, { SACC_REG_VERSION, SACC_VERSION },
		{ SACC_REG_CAPS, 2 | 0x3fu << SACC_CAPS_OPS_SHIFT }, { SACC_REG_CTRL, 0 },
		{ SACC_REG_STATUS, 0 }, { SACC_REG_INTR_STATUS, 0 },
		{ SACC_REG_INTR_MASK, FUZZ_CAUSES }, { SACC_REG_INTR_TEST, 0 },
		{ SACC_REG_SCRATCH, 0 },
	};
	uint32_t v, q, reg;
	unsigned int i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		v = bar0_rd(_metadata, f->h, regs[i].off);
		EXPECT_EQ(regs[i].val, v) TH_LOG("BAR0 0x%03x after the reset", regs[i].off);
	}
	EXPECT_EQ(f->devmem >> 20, bar0_rd(_metadata, f->h, SACC_REG_DEVMEM_SIZE));
	for (q = 0; q < SACC_MAX_QUEUES; q++)
		for (reg = 0; reg < SACC_QUEUE_STRIDE; reg += 4) {
			v = bar0_rd(_metadata, f->h, SACC_QUEUE_REG(q, reg));
			EXPECT_EQ(0, v) TH_LOG("queue %u register 0x%02x after the reset", q, reg);
		}
	ASSERT_EQ(0, cfg_read(f->h, PCI_VENDOR_ID, 4, &v));
	EXPECT_EQ(SACC_PCI_VENDOR_ID | SACC_PCI_DEVICE_ID << 16, v);
	ASSERT_EQ(0, cfg_read(f->h, PCI_COMMAND, 2, &v));
	EXPECT_EQ(0, v) TH_LOG("command register after VFIO_DEVICE_RESET");
	ASSERT_EQ(0, cfg_read(f->h, PCI_BASE_ADDRESS_2, 4, &v));
	EXPECT_EQ(PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH, v);
}

/* Wait for a record, then it must be OK with @tag and @bytes. */
static void expect_record(struct __test_metadata *_metadata, struct sacc_completion *c,
			  uint64_t tag, uint32_t bytes, const char *what)
{
	struct sacc_completion rec;

	ASSERT_EQ(0, sacc_wait_completion(c, WAIT_MS, &rec)) TH_LOG("%s: no completion", what);
	EXPECT_EQ(SACC_COMPL_OK, rec.status) TH_LOG("%s: status (error %u)", what, rec.error);
	EXPECT_EQ(bytes, rec.bytes) TH_LOG("%s", what);
	EXPECT_EQ(tag, rec.tag) TH_LOG("%s", what);
}

/*
 * A NOP and a 4 KiB COPY on queue 0, set up on a control buffer mapped for this
 * alone and unmapped afterwards (its last page holds the data).
 */
static void sanity(struct __test_metadata *_metadata, struct fz *f)
{
	const uint64_t src = BATCH_OFF, dst = BATCH_OFF + 2 * PAGE;
	struct dma_buf ctl = { 0 };
	struct sacc_completion *c = NULL;
	struct sacc_queue sq;
	struct sacc_desc d[2];
	size_t badc = 0;
	int i, ret;

	ASSERT_EQ(0, dma_buf_alloc(&ctl, CTL_LEN));
	ret = dma_buf_map(f->h, &ctl, CTL_IOVA(0), true);
	if (!ret)
		ret = sacc_queue_setup(&sq, f->h, 0, ctl.va + RING_OFF, ctl.iova + RING_OFF,
				       16, 0);
	if (ret)
		dma_buf_free(&ctl);
	ASSERT_EQ(0, ret) TH_LOG("setting up queue 0 for the sanity check: %s",
				 strerror(-ret));
	fill_rand(ctl.va + src, PAGE, r64(f));
	d[0] = desc(SACC_OP_NOP, 0, 0, 0, 0);
	d[1] = desc(SACC_OP_COPY, PAGE, ctl.iova + src, ctl.iova + dst, 0);
	for (i = 0; i < 2; i++) {
		c = (struct sacc_completion *)(ctl.va + COMPL_OFF) + i;
		memset(c, 0, sizeof(*c));
		d[i].completion = ctl.iova + COMPL_OFF + i * sizeof(*c);
		d[i].tag = 0x5a4e000000000000ull | (f->op << 1) | i;
	}
	ASSERT_EQ(0, sacc_submit(&sq, d, 2));
	c = (struct sacc_completion *)(ctl.va + COMPL_OFF);
	expect_record(_metadata, c, d[0].tag, 0, "NOP");
	expect_record(_metadata, c + 1, d[1].tag, PAGE, "COPY");
	EXPECT_EQ(-1, first_diff(ctl.va + dst, ctl.va + src, PAGE)) TH_LOG("COPY data");
	EXPECT_TRUE(dma_buf_canaries_ok(&ctl, &badc)) TH_LOG("canary byte %zu", badc);
	dma_buf_free(&ctl);
}

static void checkpoint(struct __test_metadata *_metadata, struct fz *f,
		       struct neighbour *n, unsigned int *rounds, const char *when)
{
	uint64_t zero = 0, v;
	int i;

	check_devmem(_metadata, f, when);
	ASSERT_EQ(0, ioctl(f->h->device, VFIO_DEVICE_RESET)) {
		TH_LOG("%s: VFIO_DEVICE_RESET: %s", when, strerror(errno));
	}
	model_reset(f);
	check_reset_state(_metadata, f);
	check_devmem(_metadata, f, "device memory after VFIO_DEVICE_RESET");
	for (i = 0; i < f->nr_maps; i++)
		if (f->maps[i].prot & PROT_READ) {
			v = *(volatile uint64_t *)f->maps[i].addr;
			EXPECT_EQ(zero, v) TH_LOG("a mapping of BAR2 0x%" PRIx64 " after the reset",
						  f->maps[i].off);
		}
	sanity(_metadata, f);
	neighbour_check(_metadata, n, rounds, when);
}

static void print_counts(const struct fz *f, const char *path)
{
	char line[512];
	unsigned int k, i;
	int len;

	for (k = 0; k < NR_KINDS; k++) {
		len = snprintf(line, sizeof(line), "fuzz: %s %s ok=%" PRIu64, path,
			       kind_names[k], f->counts[k][0]);
		for (i = 0; i < NR_ERRNOS + 1; i++)
			if (f->counts[k][i + 1])
				len += snprintf(line + len, sizeof(line) - len, " %s=%" PRIu64,
						i < NR_ERRNOS ? strerrorname_np(errnos[i]) : "other",
						f->counts[k][i + 1]);
		ksft_print_msg("%s\n", line);
	}
}

/* ------------------------------------------------------------------------------
 * The test
 */
FIXTURE(fuzz) {
	struct env e;
	struct neighbour n;
	struct fz *f;
	/* The parents of the fuzzed instance and of its neighbour. */
	char parent[MDEV_NAME_LEN], nparent[MDEV_NAME_LEN];
};

/* Each variant has one instance on the PCI parent, the other on sacc0. */
FIXTURE_VARIANT(fuzz) {
	bool iommufd;
	bool fuzz_pci;		/* the fuzzed instance on the PCI parent, else sacc0 */
};

FIXTURE_VARIANT_ADD(fuzz, type1) {
	.iommufd = false,
	.fuzz_pci = true,
};

FIXTURE_VARIANT_ADD(fuzz, iommufd) {
	.iommufd = true,
	.fuzz_pci = false,
};

FIXTURE_SETUP(fuzz)
{
	char pci[MDEV_NAME_LEN];

	env_init(&self->e);
	memset(&self->n, 0, sizeof(self->n));
	self->f = NULL;
	if (variant->iommufd && access("/dev/iommu", F_OK))
		SKIP(return, "no /dev/iommu: this kernel has no iommufd");
	ASSERT_EQ(0, access(MDEV_BUS_CLASS "/sacc0", F_OK)) {
		TH_LOG("no parent sacc0: is sacc.ko loaded?");
	}
	pci_parent(_metadata, pci, sizeof(pci));
	strcpy(self->parent, variant->fuzz_pci ? pci : "sacc0");
	strcpy(self->nparent, variant->fuzz_pci ? "sacc0" : pci);
}

FIXTURE_TEARDOWN(fuzz)
{
	struct fz *f = self->f;
	int i;

	neighbour_stop(&self->n);
	if (f) {
		/* A mapping holds the device open, and an open device blocks its removal. */
		unmap_all(f);
		for (i = 0; i < 3; i++)
			if (f->evfd[i] >= 0)
				close(f->evfd[i]);
		close(f->pipefd[0]);
		close(f->pipefd[1]);
		if (f->area)
			munmap(f->area, 3 * PAGE);
		free(f->shadow);
		free(f->dirty);
		free(f);
	}
	env_release(_metadata, &self->e);
}

static uint64_t env_u64(const char *name, uint64_t def)
{
	const char *s = getenv(name);
	unsigned long long v;
	char *end;

	if (!s || !*s)
		return def;
	errno = 0;
	v = strtoull(s, &end, 0);
	return errno || *end ? def : v;
}

static struct fz *fz_new(struct __test_metadata *_metadata, const struct vfio_handle *h,
			 uint64_t seed)
{
	struct vfio_region_info info;
	struct fz *f = calloc(1, sizeof(*f));
	int i;

	ASSERT_NE(NULL, f);
	f->h = h;
	f->seed = seed;
	f->s = splitmix64(seed) | 1;
	f->evfd[0] = f->evfd[1] = f->evfd[2] = f->pipefd[0] = f->pipefd[1] = -1;
	ASSERT_EQ(0, vfio_region(h, VFIO_PCI_BAR2_REGION_INDEX, &info));
	f->devmem = info.size;
	ASSERT_EQ(16ull << 20, f->devmem) TH_LOG("BAR2 of a sacc-2q with the defaults");
	f->shadow = calloc(1, f->devmem);
	f->dirty = calloc(1, f->devmem / PAGE);
	ASSERT_NE(NULL, f->shadow);
	ASSERT_NE(NULL, f->dirty);
	f->area = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		       -1, 0);
	ASSERT_NE(MAP_FAILED, f->area);
	f->guard = f->area + 2 * PAGE;
	ASSERT_EQ(0, mprotect(f->guard, PAGE, PROT_NONE));
	for (i = 0; i < 3; i++) {
		f->evfd[i] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
		ASSERT_LE(0, f->evfd[i]);
	}
	ASSERT_EQ(0, pipe2(f->pipefd, O_CLOEXEC));
	/* A descriptor number that is not open (the loop opens none). */
	f->closed_fd = dup(f->pipefd[0]);
	ASSERT_LE(0, f->closed_fd);
	close(f->closed_fd);
	return f;
}

static void op_read(struct __test_metadata *_metadata, struct fz *f)
{
	op_rw(_metadata, f, false);
}

static void op_write(struct __test_metadata *_metadata, struct fz *f)
{
	op_rw(_metadata, f, true);
}

/* What runs each kind (munmap comes with mmap). */
static void (*const op_fn[NR_KINDS])(struct __test_metadata *, struct fz *) = {
	[K_READ] = op_read, [K_WRITE] = op_write, [K_CFG] = op_cfg, [K_BAR0] = op_bar0,
	[K_SET_IRQS] = op_set_irqs, [K_DEV_INFO] = op_dev_info,
	[K_REGION_INFO] = op_region_info, [K_IRQ_INFO] = op_irq_info,
	[K_FEATURE] = op_feature, [K_RESET] = op_reset, [K_MMAP] = op_mmap,
	[K_MUNMAP] = op_mmap,
};

/* One operation, its kind drawn by kind_weight[]. */
static void run_op(struct __test_metadata *_metadata, struct fz *f)
{
	unsigned int r = rn(f, 1000), k;

	for (k = 0; k < NR_KINDS - 1 && r >= kind_weight[k]; k++)
		r -= kind_weight[k];
	op_fn[k](_metadata, f);
}

/* After the instance is closed: nothing pinned (§14.6), if debugfs tells. */
static void expect_unpinned(struct __test_metadata *_metadata, const struct inst *in,
			    const char *what)
{
	struct sacc_stats st;
	int ret = sacc_stats_read(in->uuid, &st);

	if (ret) {
		TH_LOG("%s: no stats (%s): pinned pages not checked", what, strerror(-ret));
		return;
	}
	EXPECT_EQ(0, st.pinned_pages) TH_LOG("%s: pages still pinned after close", what);
}

TEST_F_TIMEOUT(fuzz, random_operations_keep_the_device_and_its_neighbour_sound, 900)
{
	struct timespec t0, t1;
	uint64_t seed, ops, every;
	unsigned int rounds = 0;
	struct inst *in, *nin;
	struct fz *f;
	char when[64];
	const char *path = variant->iommufd ? "iommufd" : "type1";

	clock_gettime(CLOCK_MONOTONIC, &t0);
	seed = env_u64("FUZZ_SEED", (uint64_t)t0.tv_sec * 1000000007ull ^ t0.tv_nsec ^
				    (uint64_t)getpid() << 40);
	ops = env_u64("FUZZ_OPS", FUZZ_OPS_DEFAULT);
	ksft_print_msg("fuzz seed=%" PRIu64 " ops=%" PRIu64 " (%s)\n", seed, ops, path);
	ksft_print_msg("fuzz: a sacc-2q on %s fuzzed, its neighbour a sacc-1q on %s\n",
		       self->parent, self->nparent);

	/* The neighbour first: it runs during the whole loop. */
	nin = inst_new(_metadata, &self->e, self->nparent, "sacc-1q");
	qctx_init(_metadata, &self->e, &self->n.qc, nin, 0, 16, 0);
	self->n.src = buf_at(_metadata, &self->e, nin, W_LEN, W_SRC_IOVA, false);
	self->n.dst = buf_at(_metadata, &self->e, nin, W_LEN, W_DST_IOVA, true);
	self->n.seed = splitmix64(seed ^ 0x6e65696768626f72ull);
	ASSERT_EQ(0, pthread_create(&self->n.thread, NULL, neighbour_run, &self->n));
	self->n.started = true;

	in = inst_create(_metadata, &self->e, self->parent, "sacc-2q");
	inst_open(_metadata, in, variant->iommufd);
	fill_rand(buf_at(_metadata, &self->e, in, FUZZ_BUF_LEN, FUZZ_IOVA, true)->va,
		  FUZZ_BUF_LEN, seed);
	f = self->f = fz_new(_metadata, &in->h, seed);

	every = ops / CHECKPOINTS ? ops / CHECKPOINTS : 1;
	for (f->op = 0; f->op < ops && f->fails < 10 * MAX_LOGGED; f->op++) {
		run_op(_metadata, f);
		if ((f->op + 1) % every == 0 && f->op + 1 < ops) {
			snprintf(when, sizeof(when), "checkpoint after op %" PRIu64, f->op);
			checkpoint(_metadata, f, &self->n, &rounds, when);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	checkpoint(_metadata, f, &self->n, &rounds, "after the loop");
	neighbour_stop(&self->n);
	print_counts(f, path);
	ksft_print_msg("fuzz: %s %" PRIu64 " ops in %.1f s, %" PRIu64 " resets, neighbour %u "
		       "rounds, %" PRIu64 " failures\n", path, f->op,
		       (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9, f->resets,
		       atomic_load(&self->n.rounds), f->fails);

	/* Closed: nothing pinned; opened again: a fresh, working device. */
	unmap_all(f);
	vfio_close(&in->h);
	expect_unpinned(_metadata, in, "the fuzzed instance");
	vfio_close(&nin->h);
	expect_unpinned(_metadata, nin, "the neighbour");
	inst_open(_metadata, in, variant->iommufd);
	memset(f->shadow, 0, f->devmem);
	memset(f->dirty, 0, f->devmem / PAGE);
	f->scratch = 0;
	check_reset_state(_metadata, f);
	check_devmem(_metadata, f, "device memory after a new open");
	/* The fuzz buffer went with the old container or IOAS: map the sanity one anew. */
	sanity(_metadata, f);
}

TEST_HARNESS_MAIN
