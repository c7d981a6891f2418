// SPDX-License-Identifier: GPL-2.0
/*
 * descfuzz: structured descriptor fuzzing of the engine (issue 12, "desc-fuzz"),
 * checked against docs/device-spec.md §5, §7.1, §11 and §12.
 *
 * Both queues of a sacc-2q instance take waves of up to 128 descriptors per
 * doorbell, drawn from a seeded PRNG: mostly valid ones of every opcode (NOP with
 * garbage in the fields it ignores, COPY, FILL, COMPARE, CRC32C with a seed in the
 * low 32 bits of garbage, BATCH of 1-16 valid elements), 1 byte to 256 KiB and now
 * and then a few MiB, at any byte offset, from a private 8 MiB arena per queue or a
 * shared read-only buffer; FENCE where a descriptor depends on an earlier one of the
 * wave, INTR at random. About 15 % are hostile, each with exactly one fault and the
 * §7.1 code that fault must give (the table of hostile classes is at fz_hostile()):
 * opcodes 6-255, reserved flag bits, rsvd0/rsvd1, len 0 and > 16 MiB, a BATCH len
 * not a multiple of 64, sources and destinations unmapped, read-only, running past
 * the end of the arena into unmapped IOVA or wrapping past 2^64, overlapping COPY,
 * BATCH arrays of garbage, unmapped or ending on an unmapped page, nested BATCH,
 * records misaligned, unmapped or read-only; and, between waves, doorbells past the
 * ring, Q_SIZE made invalid under a running queue and a ring base on unmapped IOVA
 * (RING). A queue that halts must halt on the right descriptor (Q_ERROR_INFO) with
 * the right code, every descriptor before it must have its record and none after
 * it; it is then recovered as §7.1 says, at random either by clearing Q_ERROR
 * (resume at Q_HEAD) or by disable, clear, reprogram (new ring size, sometimes a
 * ring in a read-only mapping) and enable, after which what remained of the wave is
 * submitted again.
 *
 * When a wave is done, every descriptor is replayed in ring order on a CPU shadow of
 * the arena (lib/cpu_ref.c): record status, error, bytes, result (COMPARE offset,
 * CRC32C value, BATCH element count), tag and reserved fields; every destination
 * byte for byte; a faulting descriptor wrote nothing, except that one whose fault
 * can come after it started writing (ADDR past a mapping's end, COMPLETION on an
 * unmapped or read-only record) writes only into a scratch slot of its own, where
 * each byte must hold either what it held or what the descriptor would have
 * written. The whole arena, the read-only buffer and a 16 MiB + 4 KiB buffer that
 * only LENGTH faults point at are compared in full every 32 waves and at the end;
 * the canary pages around every buffer are checked at the end (and by the
 * teardown).
 *
 * A second instance (a sacc-1q in its own type1 container, at the same IOVAs)
 * runs rounds of 16 verified COPYs in a thread the whole time: it must never
 * see a wrong byte or a fault and must complete a round in every tenth of the run.
 * At the end: per-opcode and per-error counts, the debugfs stats (faults = halts
 * seen, ops between what the kernel and the spec count), and pinned_pages 0 after
 * close. The pass runs on the type1 container and again on iommufd where
 * /dev/iommu exists. Each pass uses both kinds of parent: the type1 pass fuzzes an
 * instance of sacc0 with the neighbour on the PCI parent (the edu function), the
 * iommufd pass one of the PCI parent with the neighbour on sacc0.
 *
 * Replay: the first line is "# descfuzz seed=S ops=N"; run the suite again with
 * DESCFUZZ_SEED=S DESCFUZZ_OPS=N (SACC_PASS_ENV="DESCFUZZ_SEED DESCFUZZ_OPS" for
 * tests/vm/run.sh). Each queue has its own PRNG stream, so a queue's descriptors do
 * not depend on timing. N (DESCFUZZ_OPS) counts descriptors, BATCH elements
 * included, per pass.
 *
 * Time: the default N is 60000 per pass. The hostile storm ran about 1300
 * descriptors a second of 64 B-32 KiB under TCG with KASAN; these average about
 * 17 KiB, so a pass should take 45-60 s there (both passes about 2 minutes) and a
 * third of that on the distro kernel. make test bounds N to 20000
 * (tests/run-all.sh). Estimates, to be replaced by a measurement.
 *
 * Expects sacc.ko with its defaults (parent sacc0, and QEMU's edu function bound to
 * sacc as a PCI parent), vfio, vfio_iommu_type1, mdev (iommufd optional), debugfs,
 * and `ulimit -l unlimited`.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "kselftest_harness.h"
#include "sacc_test.h"
#include "sacc_regs.h"
#include "vfio_env.h"

#define KiB		1024ul
#define MiB		(1024ul * 1024)
#define PAGE		DMA_PAGE

/* TCG with KASAN is slow: what must happen gets 20 s; a wave 60 s without progress. */
#define WAIT_MS		20000
#define STUCK_MS	60000

/*
 * IOVA layout of the fuzzed instance; the queues' control buffers (ring, records,
 * BATCH area) are at CTL_IOVA(q) (vfio_env.h). Every buffer has unmapped IOVA after
 * it: the next one starts at least 1 MiB further on, but for the one-page arrays of
 * ARR1_IOVA(), one page apart. A wave that had two of those share a page would
 * overwrite the first's elements before the device ran them.
 */
#define ARENA_IOVA(q)	(0x20000000ull + (uint64_t)(q) * 0x2000000)
#define RO_IOVA		0x28000000ull
#define RORING_IOVA(q)	(0x29000000ull + (uint64_t)(q) * 0x100000)
/* Page @j of queue @q's arrays running onto an unmapped page (the next one). */
#define ARR1_IOVA(q, j)	(0x2a000000ull + (uint64_t)(q) * 0x100000 + (uint64_t)(j) * 2 * PAGE)
#define HOLE_IOVA	0x2f000000ull	/* never mapped */
#define BIG_IOVA	0x30000000ull

#define ARENA_LEN	(8 * MiB)
#define SCRATCH_LEN	(1 * MiB)	/* the top of the arena: hostile writers only */
#define VALID_LEN	(ARENA_LEN - SCRATCH_LEN)
#define SLOT_LEN	(128 * KiB)
#define NR_SLOTS	(SCRATCH_LEN / SLOT_LEN)	/* the last ends at the arena's end */
#define END_SLOT	(NR_SLOTS - 1)
#define RO_LEN		(1 * MiB)
#define BIG_LEN		(SACC_DESC_MAX_LEN + PAGE)
#define RORING_LEN	(RING_MAX * sizeof(struct sacc_desc))

#define WAVE_MAX	128		/* ring entries per wave (rings have >= 256) */
#define EL_MAX		512		/* BATCH elements per wave (BATCH area: 1024) */
#define BATCH_ELS	16
#define ARR1_PAGES	8		/* such arrays per wave: each has a page of its own */
#define FULL_EVERY	32		/* waves between full arena compares */

/* The neighbour: rounds of NB_N COPYs into slots of its 1 MiB destination. */
#define NB_N		16
#define NB_LEN		(1 * MiB)
#define NB_SLOT		(NB_LEN / NB_N)

#define ALL_CODES	0x1feu

/* ------------------------------------------------------------------------------
 * The PRNG (splitmix64) and sizes
 */
static uint64_t sm64(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, @n), @n > 0. */
static uint64_t rn(uint64_t *s, uint64_t n)
{
	return sm64(s) % n;
}

/* Log-uniform in [@lo, @hi]. */
static uint32_t log_len(uint64_t *s, uint32_t lo, uint32_t hi)
{
	unsigned int bits = 0, b;
	uint32_t v;

	while ((lo << bits) < hi && bits < 31)
		bits++;
	b = rn(s, bits + 1);
	v = lo + rn(s, ((uint64_t)lo << b) - lo + 1);
	return v > hi ? hi : v;
}

/* 1 B ... 256 KiB, most of them small, 0.3 % of them 256 KiB ... 3 MiB. */
static uint32_t rand_len(uint64_t *s)
{
	unsigned int r = rn(s, 1000);

	if (r < 500)
		return 1 + rn(s, 512);
	if (r < 850)
		return log_len(s, 513, 16 * KiB);
	if (r < 997)
		return log_len(s, 16 * KiB, 256 * KiB);
	return log_len(s, 256 * KiB, 3 * MiB);
}

/* ------------------------------------------------------------------------------
 * A wave: what one queue has in flight, and what each descriptor must do
 */
enum ring_event { EV_NONE, EV_DOORBELL, EV_QSIZE, EV_BASE, NR_EV };

static const char *const ev_names[NR_EV] = {
	"none", "doorbell past the ring", "Q_SIZE made invalid under the queue",
	"ring base on unmapped IOVA",
};

/* One descriptor: a ring entry or a BATCH element. */
struct fent {
	struct sacc_desc d;
	struct sacc_completion *rec;	/* its record, when it has a usable one */
	struct sacc_completion *zrec;	/* misaligned record: this slot stays zero */
	uint32_t codes;			/* hostile: 1 << each acceptable SACC_QERR_* */
	const char *what;		/* hostile: the class */
	int slot;			/* scratch slot it is confined to, or -1 */
	bool maybe;			/* hostile: it may write part of its slot */
};

/* A ring entry, with its elements when it is a BATCH. */
struct rent {
	struct fent f;
	unsigned int el0, nel;		/* BATCH: wave elements [el0, el0 + nel) */
	int bad;			/* BATCH: the element that fails, or -1 */
	uint32_t halt_codes;		/* the codes its halt may have; 0: no halt */
	bool restart;			/* recover its halt by disable/enable */
	uint8_t ring_sel;		/* on restart: 0 control buffer, 1 read-only */
	uint32_t ring_size;		/* on restart */
	uint32_t idx;			/* ring index it was written at */
	uint8_t got;			/* the Q_ERROR it halted with */
};

struct wave {
	struct rent r[WAVE_MAX];
	unsigned int nr;
	struct fent el[EL_MAX];
	unsigned int nel;
	unsigned int next_fault;	/* ring entries before it are accounted for */
	unsigned int seg_first;		/* the entry written at ring index seg_base */
	uint32_t seg_base;
	bool slot_used[NR_SLOTS];
	unsigned int arr1_used;		/* pages of fq->arr1[] taken */
	/* Arena ranges touched so far (for FENCE), as offsets. */
	struct { uint32_t off, len; bool w; } rg[WAVE_MAX + EL_MAX + 8];
	unsigned int nrg;
	enum ring_event ev;
	bool ev_done;
	uint32_t ev_split, ev_val, good_tail;
	uint8_t ev_ring_sel;
	uint32_t ev_ring_size;
	int64_t progress;
};

struct fq {
	struct qctx qc;
	struct dma_buf *arena, *roring, *arr1[ARR1_PAGES];
	uint8_t *shadow;
	uint64_t rng;
	unsigned long ops_left;
	struct wave wv;
	bool active;
	unsigned int waves;
};

struct neighbour {
	struct qctx qc;
	struct dma_buf *src, *dst;
	uint64_t rng;
	atomic_bool stop;
	atomic_ulong rounds;
	int errors;
	char msg[256];
	pthread_t thread;
	bool started;
};

struct fz {
	struct inst *in;
	struct fq fq[2];
	struct dma_buf *ro, *big;
	uint8_t *ro_tmpl;
	uint64_t seed;
	unsigned long ops;
	unsigned long per_op[7];	/* [6]: unknown opcodes */
	unsigned long per_err[9];
	unsigned long halts, ring_events, clears, restarts, maybe_writes;
	unsigned long ok_min, ok_max;	/* OK completions as the kernel / the spec count */
};

/* ------------------------------------------------------------------------------
 * Addresses: where an IOVA is in the arena, the read-only buffer, or nowhere
 */
static bool in_arena(uint64_t iova, uint64_t len, unsigned int q, uint32_t *off)
{
	uint64_t a = ARENA_IOVA(q);

	if (iova < a || iova >= a + ARENA_LEN)
		return false;
	*off = iova - a;
	(void)len;
	return true;
}

/*
 * What the CPU thinks is at [@iova, +@len) as a source: the shadow, the read-only
 * template, or nothing. *@known: how many of the bytes are there.
 */
static const uint8_t *src_view(struct fz *z, unsigned int q, uint64_t iova, uint64_t len,
			       uint64_t *known)
{
	uint32_t off;

	*known = 0;
	if (in_arena(iova, len, q, &off)) {
		*known = len < ARENA_LEN - off ? len : ARENA_LEN - off;
		return z->fq[q].shadow + off;
	}
	if (iova >= RO_IOVA && iova < RO_IOVA + RO_LEN) {
		off = iova - RO_IOVA;
		*known = len < RO_LEN - off ? len : RO_LEN - off;
		return z->ro_tmpl + off;
	}
	return NULL;
}

static uint64_t arena_at(uint64_t *s, unsigned int q, uint32_t len)
{
	return ARENA_IOVA(q) + rn(s, VALID_LEN - len + 1);
}

/* A source: the arena (80 %) or the read-only buffer. */
static uint64_t src_at(uint64_t *s, unsigned int q, uint32_t len)
{
	if (len <= RO_LEN && rn(s, 5) == 0)
		return RO_IOVA + rn(s, RO_LEN - len + 1);
	return arena_at(s, q, len);
}

/* A free scratch slot of the wave (not the end slot unless @end), or -1. */
static int slot_take(struct wave *wv, uint64_t *s, bool end)
{
	unsigned int i, k;

	if (end) {
		if (wv->slot_used[END_SLOT])
			return -1;
		wv->slot_used[END_SLOT] = true;
		return END_SLOT;
	}
	k = rn(s, END_SLOT);
	for (i = 0; i < END_SLOT; i++, k = (k + 1) % END_SLOT) {
		if (!wv->slot_used[k]) {
			wv->slot_used[k] = true;
			return k;
		}
	}
	return -1;
}

static uint64_t slot_iova(unsigned int q, int slot)
{
	return ARENA_IOVA(q) + VALID_LEN + (uint64_t)slot * SLOT_LEN;
}

/* ------------------------------------------------------------------------------
 * Building descriptors
 */

/* The arena ranges @d reads and writes; whether it conflicts with earlier ones. */
static bool fz_depends(struct wave *wv, unsigned int q, const struct sacc_desc *d)
{
	struct { uint64_t iova; uint64_t len; bool w; } u[2];
	unsigned int n = 0, i, j;
	bool dep = false;
	uint32_t off;

	switch (d->opcode) {
	case SACC_OP_COPY:
		u[n++] = (typeof(u[0])){ d->src, d->len, false };
		u[n++] = (typeof(u[0])){ d->dst, d->len, true };
		break;
	case SACC_OP_FILL:
		u[n++] = (typeof(u[0])){ d->dst, d->len, true };
		break;
	case SACC_OP_COMPARE:
		u[n++] = (typeof(u[0])){ d->src, d->len, false };
		u[n++] = (typeof(u[0])){ d->dst, d->len, false };
		break;
	case SACC_OP_CRC32C:
		u[n++] = (typeof(u[0])){ d->src, d->len, false };
		break;
	default:
		return false;
	}
	for (i = 0; i < n; i++) {
		uint64_t len;

		if (!u[i].len || !in_arena(u[i].iova, u[i].len, q, &off))
			continue;
		len = u[i].len < ARENA_LEN - off ? u[i].len : ARENA_LEN - off;
		for (j = 0; j < wv->nrg; j++)
			if ((u[i].w || wv->rg[j].w) && off < wv->rg[j].off + wv->rg[j].len &&
			    wv->rg[j].off < off + len)
				dep = true;
		if (wv->nrg < sizeof(wv->rg) / sizeof(wv->rg[0]))
			wv->rg[wv->nrg++] = (typeof(wv->rg[0])){ off, len, u[i].w };
	}
	return dep;
}

/* A record and a tag for @f, from the queue's control buffer. */
static void fz_record(struct fq *fq, struct fent *f)
{
	f->rec = attach(&fq->qc, &f->d);
}

/* A valid descriptor that is not a BATCH, in @f. */
static void fz_valid_op(struct fq *fq, struct fent *f)
{
	uint64_t *s = &fq->rng;
	unsigned int q = fq->qc.sq.q, r = rn(s, 90);
	uint32_t len = rand_len(s);
	struct sacc_desc *d = &f->d;
	int tries;

	memset(f, 0, sizeof(*f));
	f->slot = -1;
	if (r < 8) {
		/* NOP ignores len, src, dst and pattern (§11.3). */
		*d = desc(SACC_OP_NOP, sm64(s), sm64(s), sm64(s), sm64(s));
	} else if (r < 38) {
		*d = desc(SACC_OP_COPY, len, src_at(s, q, len), 0, 0);
		for (tries = 0; tries < 16; tries++) {
			d->dst = arena_at(s, q, len);
			if (d->src + len <= d->dst || d->dst + len <= d->src)
				break;
		}
		if (tries == 16)
			d->src = RO_IOVA, d->len = len = len > RO_LEN ? RO_LEN : len;
	} else if (r < 58) {
		*d = desc(SACC_OP_FILL, len, 0, arena_at(s, q, len), sm64(s));
	} else if (r < 73) {
		*d = desc(SACC_OP_COMPARE, len, src_at(s, q, len), src_at(s, q, len), 0);
	} else {
		/* The seed is bits 31:0 of pattern; the rest is ignored. */
		*d = desc(SACC_OP_CRC32C, len, src_at(s, q, len), 0, sm64(s));
	}
	if (rn(s, 3) == 0)
		d->flags |= SACC_DESC_FLAG_INTR;
	if (rn(s, 10) == 0)
		d->flags |= SACC_DESC_FLAG_FENCE;
	fz_record(fq, f);
}

/* Element @i of the wave's BATCH area, and its IOVA. */
static struct fent *fz_el(struct fq *fq, unsigned int i, struct sacc_desc **mem,
			  uint64_t *iova)
{
	*mem = batch_slot(&fq->qc, i, iova);
	return &fq->wv.el[i];
}

/* Account @d as a generated descriptor. */
static void fz_count(struct fz *z, const struct sacc_desc *d)
{
	z->per_op[d->opcode <= SACC_OP_BATCH ? d->opcode : 6]++;
	z->ops++;
}

static uint32_t fz_hostile(struct fz *z, struct fq *fq, struct fent *f, bool in_batch);

/*
 * A BATCH in ring entry @r: @n elements in the BATCH area, valid but element @bad
 * (if >= 0), which is hostile. The elements' FENCE needs become the BATCH's too.
 */
static void fz_batch(struct fz *z, struct fq *fq, struct rent *r, unsigned int n, int bad)
{
	struct wave *wv = &fq->wv;
	struct sacc_desc *mem;
	uint64_t iova0 = 0, iova;
	unsigned int i;
	bool dep = false;

	r->el0 = wv->nel;
	r->nel = n;
	r->bad = bad;
	for (i = 0; i < n; i++) {
		struct fent *el = fz_el(fq, wv->nel, &mem, &iova);

		if (!i)
			iova0 = iova;
		if ((int)i == bad) {
			r->halt_codes = fz_hostile(z, fq, el, true);
			fz_depends(wv, fq->qc.sq.q, &el->d);
		} else {
			fz_valid_op(fq, el);
			if (fz_depends(wv, fq->qc.sq.q, &el->d)) {
				el->d.flags |= SACC_DESC_FLAG_FENCE;
				dep = true;
			}
		}
		*mem = el->d;
		fz_count(z, &el->d);
		wv->nel++;
	}
	memset(&r->f, 0, sizeof(r->f));
	r->f.slot = -1;
	r->f.d = desc(SACC_OP_BATCH, n * sizeof(struct sacc_desc), iova0, 0, 0);
	if (dep || rn(&fq->rng, 10) == 0)
		r->f.d.flags |= SACC_DESC_FLAG_FENCE;
	if (rn(&fq->rng, 3) == 0)
		r->f.d.flags |= SACC_DESC_FLAG_INTR;
	fz_record(fq, &r->f);
}

/* The codes a descriptor of random bytes may fault with (§7.1), in a BATCH. */
static uint32_t garbage_codes(const struct sacc_desc *d)
{
	uint32_t c = 0;

	if ((d->flags & ~(SACC_DESC_FLAG_INTR | SACC_DESC_FLAG_FENCE)) || d->rsvd0 ||
	    d->rsvd1[0] || d->rsvd1[1])
		c |= 1u << SACC_QERR_FLAGS;
	if (d->opcode >= SACC_OP_BATCH)
		return c | 1u << SACC_QERR_OPCODE;
	if (d->opcode != SACC_OP_NOP && (!d->len || d->len > SACC_DESC_MAX_LEN))
		c |= 1u << SACC_QERR_LENGTH;
	if (d->completion)
		c |= 1u << SACC_QERR_COMPLETION;	/* random: misaligned or unmapped */
	if (d->opcode != SACC_OP_NOP)
		c |= 1u << SACC_QERR_ADDR | 1u << SACC_QERR_OVERLAP;
	return c;
}

/* A FILL or COPY of at most @max bytes into scratch slot @slot. */
static void scratch_writer(struct fq *fq, struct fent *f, int slot, uint32_t max)
{
	uint64_t *s = &fq->rng;
	unsigned int q = fq->qc.sq.q;
	uint32_t len = 1 + rn(s, max);

	if (rn(s, 2))
		f->d = desc(SACC_OP_FILL, len, 0, slot_iova(q, slot) + rn(s, SLOT_LEN - len + 1),
			    sm64(s));
	else
		f->d = desc(SACC_OP_COPY, len, src_at(s, q, len),
			    slot_iova(q, slot) + rn(s, SLOT_LEN - len + 1), 0);
	f->slot = slot;
	f->maybe = true;
}

/*
 * A hostile descriptor in @f, with exactly one fault: the codes it may give (one,
 * but for garbage). In a BATCH (@in_batch) only element faults; in the ring also the
 * BATCH's own. The classes and the §7.1 code each must give:
 *
 *   opcode 6-255                                          OPCODE
 *   a flag bit of 15:2, rsvd0, rsvd1[0] or rsvd1[1] not 0  FLAGS
 *   len 0 (COPY, FILL, COMPARE, CRC32C, BATCH)             LENGTH
 *   len 16 MiB + 1 ... + 4 KiB, all of it mapped            LENGTH
 *   BATCH len not a multiple of 64                          LENGTH
 *   source or destination on unmapped IOVA                  ADDR
 *   COPY or FILL into the read-only buffer                  ADDR
 *   a range running past the arena into unmapped IOVA       ADDR (may write before)
 *   a range wrapping past 2^64                              ADDR
 *   COPY with overlapping ranges                            OVERLAP
 *   record address not 32-byte aligned                      COMPLETION (no record)
 *   record on unmapped IOVA or in the read-only buffer      COMPLETION (no record;
 *                                                           data may be written)
 *   element that is a BATCH                                 OPCODE
 *   element of random bytes                                 whatever it breaks
 *   BATCH array on unmapped IOVA                            DESC_FETCH, 0 elements
 *   BATCH array running onto an unmapped page               DESC_FETCH, k elements
 *   BATCH whose element k is any of the above               that element's code
 */
static uint32_t fz_hostile(struct fz *z, struct fq *fq, struct fent *f, bool in_batch)
{
	uint64_t *s = &fq->rng;
	struct wave *wv = &fq->wv;
	unsigned int q = fq->qc.sq.q;
	uint64_t iova;
	uint32_t len, x;
	int slot;

	(void)z;
	for (;;) {
		unsigned int c = rn(s, 16);

		memset(f, 0, sizeof(*f));
		f->slot = -1;
		if (!in_batch && c >= 13)
			return 0;	/* the caller makes a faulty BATCH */
		switch (c) {
		case 0:
			f->what = "unknown opcode";
			f->d = desc(6 + rn(s, 250), rand_len(s), arena_at(s, q, 64),
				    arena_at(s, q, 64), sm64(s));
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_OPCODE;
		case 1:
			fz_valid_op(fq, f);
			switch (rn(s, 4)) {
			case 0:
				f->what = "reserved flag bits";
				f->d.flags |= (1 + rn(s, 0x3fff)) << 2;
				break;
			case 1:
				f->what = "rsvd0 not 0";
				f->d.rsvd0 = 1 + rn(s, 255);
				break;
			default:
				f->what = "rsvd1 not 0";
				f->d.rsvd1[rn(s, 2)] = sm64(s) | 1ull << rn(s, 64);
				break;
			}
			return f->codes = 1u << SACC_QERR_FLAGS;
		case 2:
			f->what = "len 0";
			f->d = desc(SACC_OP_COPY + rn(s, 4), 0, arena_at(s, q, 1),
				    arena_at(s, q, 1), 0);
			if (f->d.opcode == SACC_OP_COPY && f->d.src == f->d.dst)
				f->d.opcode = SACC_OP_FILL;
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_LENGTH;
		case 3:
			f->what = "len above 16 MiB";
			len = SACC_DESC_MAX_LEN + 1 + rn(s, PAGE);
			switch (rn(s, 3)) {
			case 0:
				f->d = desc(SACC_OP_FILL, len, 0, BIG_IOVA, sm64(s));
				break;
			case 1:
				f->d = desc(SACC_OP_CRC32C, len, BIG_IOVA, 0, 0);
				break;
			default:
				/* COMPARE reads both: the same range is no fault. */
				f->d = desc(SACC_OP_COMPARE, len, BIG_IOVA, BIG_IOVA, 0);
				break;
			}
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_LENGTH;
		case 4:
			f->what = "unmapped source";
			len = 1 + rn(s, 64 * KiB);
			x = HOLE_IOVA + rn(s, 4 * PAGE);
			switch (rn(s, 3)) {
			case 0:
				slot = slot_take(wv, s, false);
				if (slot < 0)
					continue;
				f->d = desc(SACC_OP_COPY, len, x,
					    slot_iova(q, slot) + rn(s, SLOT_LEN - len + 1), 0);
				f->slot = slot;
				f->maybe = true;
				break;
			case 1:
				f->d = desc(SACC_OP_COMPARE, len, x, arena_at(s, q, len), 0);
				break;
			default:
				f->d = desc(SACC_OP_CRC32C, len, x, 0, 0);
				break;
			}
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_ADDR;
		case 5:
			f->what = "unmapped destination";
			len = 1 + rn(s, 64 * KiB);
			x = HOLE_IOVA + rn(s, 4 * PAGE);
			switch (rn(s, 3)) {
			case 0:
				f->d = desc(SACC_OP_COPY, len, src_at(s, q, len), x, 0);
				break;
			case 1:
				f->d = desc(SACC_OP_FILL, len, 0, x, sm64(s));
				break;
			default:
				f->d = desc(SACC_OP_COMPARE, len, src_at(s, q, len), x, 0);
				break;
			}
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_ADDR;
		case 6:
			f->what = "read-only destination";
			len = 1 + rn(s, 64 * KiB);
			if (rn(s, 2))
				f->d = desc(SACC_OP_FILL, len, 0, RO_IOVA + rn(s, RO_LEN - len + 1),
					    sm64(s));
			else
				f->d = desc(SACC_OP_COPY, len, arena_at(s, q, len),
					    RO_IOVA + rn(s, RO_LEN - len + 1), 0);
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_ADDR;
		case 7:
			/* Into the unmapped IOVA after the arena: the end slot. */
			f->what = "range past the end of a mapping";
			slot = slot_take(wv, s, true);
			if (slot < 0)
				continue;
			x = 1 + rn(s, SLOT_LEN - 1);	/* bytes still mapped */
			len = x + 1 + rn(s, 64 * KiB);
			switch (rn(s, 4)) {
			case 0:
				f->d = desc(SACC_OP_FILL, len, 0,
					    ARENA_IOVA(q) + ARENA_LEN - x, sm64(s));
				f->slot = slot;
				f->maybe = true;
				break;
			case 1:
				f->d = desc(SACC_OP_COPY, len, RO_IOVA,
					    ARENA_IOVA(q) + ARENA_LEN - x, 0);
				if (len > RO_LEN)
					f->d.len = len = RO_LEN;
				f->slot = slot;
				f->maybe = true;
				break;
			case 2:
				f->d = desc(SACC_OP_CRC32C, len, ARENA_IOVA(q) + ARENA_LEN - x, 0,
					    sm64(s));
				break;
			default:
				/*
				 * The range with itself: equal up to the unmapped part,
				 * which COMPARE then reaches (it stops at a difference).
				 */
				f->d = desc(SACC_OP_COMPARE, len, ARENA_IOVA(q) + ARENA_LEN - x,
					    ARENA_IOVA(q) + ARENA_LEN - x, 0);
				break;
			}
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_ADDR;
		case 8:
			f->what = "range wrapping past 2^64";
			x = 1 + rn(s, 4 * PAGE);
			len = x + 1 + rn(s, 4 * PAGE);
			switch (rn(s, 3)) {
			case 0:
				f->d = desc(SACC_OP_FILL, len, 0, -(uint64_t)x, sm64(s));
				break;
			case 1:
				f->d = desc(SACC_OP_CRC32C, len, -(uint64_t)x, 0, 0);
				break;
			default:
				f->d = desc(SACC_OP_COPY, len, src_at(s, q, len), -(uint64_t)x, 0);
				break;
			}
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_ADDR;
		case 9:
			f->what = "overlapping COPY";
			slot = slot_take(wv, s, false);
			if (slot < 0)
				continue;
			len = 1 + rn(s, SLOT_LEN / 2);
			x = rn(s, SLOT_LEN - 2 * len + 1);
			f->d = desc(SACC_OP_COPY, len, slot_iova(q, slot) + x, 0, 0);
			f->d.dst = f->d.src + (rn(s, 2) ? rn(s, len) : 0);
			if (rn(s, 2)) {
				f->d.src += len - 1;
				f->d.dst = f->d.src - rn(s, len);
			}
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_OVERLAP;
		case 10:
			f->what = "misaligned record";
			fz_valid_op(fq, f);
			f->zrec = f->rec;
			f->rec = NULL;
			f->d.completion += 8 * (1 + rn(s, 3));
			return f->codes = 1u << SACC_QERR_COMPLETION;
		case 11:
		case 12:
			f->what = c == 11 ? "record on unmapped IOVA" : "read-only record";
			slot = slot_take(wv, s, false);
			if (slot < 0)
				continue;
			fz_valid_op(fq, f);
			if (f->d.opcode == SACC_OP_COPY || f->d.opcode == SACC_OP_FILL)
				scratch_writer(fq, f, slot, 64 * KiB);
			else
				wv->slot_used[slot] = false;
			f->rec = NULL;
			f->d.completion = c == 11 ? HOLE_IOVA + 32 * rn(s, 128) :
						    RO_IOVA + 32 * rn(s, RO_LEN / 32);
			return f->codes = 1u << SACC_QERR_COMPLETION;
		case 13:
			continue;
		case 14:
			f->what = "nested BATCH";
			batch_slot(&fq->qc, 0, &iova);
			f->d = desc(SACC_OP_BATCH, 64 * (1 + rn(s, 4)), iova, 0, 0);
			fz_record(fq, f);
			return f->codes = 1u << SACC_QERR_OPCODE;
		default:
			f->what = "element of random bytes";
			f->d.opcode = sm64(s);
			f->d.rsvd0 = sm64(s);
			f->d.flags = sm64(s);
			f->d.len = sm64(s);
			f->d.src = sm64(s);
			f->d.dst = sm64(s);
			f->d.pattern = sm64(s);
			f->d.completion = sm64(s) | 1ull << 63;
			f->d.tag = sm64(s);
			f->d.rsvd1[0] = sm64(s) | 1;
			f->d.rsvd1[1] = sm64(s);
			return f->codes = garbage_codes(&f->d);
		}
	}
}

/* A hostile ring entry: a descriptor of fz_hostile(), or a faulty BATCH. */
static void fz_hostile_ring(struct fz *z, struct fq *fq, struct rent *r)
{
	uint64_t *s = &fq->rng;
	struct wave *wv = &fq->wv;
	struct sacc_desc *mem;
	uint64_t iova;
	unsigned int i, j, k;

	r->halt_codes = fz_hostile(z, fq, &r->f, false);
	r->bad = -1;
	if (r->halt_codes) {
		/* What it would read or write orders later descriptors (FENCE). */
		fz_depends(wv, fq->qc.sq.q, &r->f.d);
		fz_count(z, &r->f.d);
		return;
	}
	switch (rn(s, 5)) {
	case 0:
		/* Element k of a BATCH is hostile: the batch stops there. */
		k = 1 + rn(s, BATCH_ELS);
		fz_batch(z, fq, r, k, rn(s, k));
		r->f.what = wv->el[r->el0 + r->bad].what;
		fz_count(z, &r->f.d);
		return;
	case 1:
		r->f.what = "BATCH len 0 or not a multiple of 64";
		fz_batch(z, fq, r, 1 + rn(s, 4), -1);
		r->f.d.len = rn(s, 2) ? 0 : r->f.d.len - 1 - rn(s, 63);
		break;
	case 2:
		r->f.what = "BATCH len above 16 MiB";
		r->f.d = desc(SACC_OP_BATCH, SACC_DESC_MAX_LEN + 64 * (1 + rn(s, 64)), BIG_IOVA,
			      0, 0);
		fz_record(fq, &r->f);
		break;
	case 3:
		r->f.what = "BATCH array on unmapped IOVA";
		r->f.d = desc(SACC_OP_BATCH, 64 * (1 + rn(s, 8)), HOLE_IOVA + 64 * rn(s, 64),
			      0, 0);
		fz_record(fq, &r->f);
		r->halt_codes = 1u << SACC_QERR_DESC_FETCH;
		fz_count(z, &r->f.d);
		return;
	default:
		/* k valid elements at the end of a page whose next page is unmapped. */
		r->f.what = "BATCH array running onto an unmapped page";
		k = rn(s, 4);
		r->el0 = wv->nel;
		r->nel = k;
		r->bad = k;
		j = wv->arr1_used++;
		mem = (struct sacc_desc *)(fq->arr1[j]->va + PAGE) - k;
		for (i = 0; i < k; i++) {
			struct fent *el = &wv->el[wv->nel++];

			fz_valid_op(fq, el);
			if (fz_depends(wv, fq->qc.sq.q, &el->d))
				el->d.flags |= SACC_DESC_FLAG_FENCE;
			mem[i] = el->d;
			fz_count(z, &el->d);
		}
		/* The element past the page: no descriptor, nothing to check. */
		wv->el[wv->nel].codes = 1u << SACC_QERR_DESC_FETCH;
		wv->el[wv->nel].rec = wv->el[wv->nel].zrec = NULL;
		wv->el[wv->nel].slot = -1;
		wv->el[wv->nel].what = "element on an unmapped page";
		r->nel = k + 1;
		wv->nel++;
		iova = ARR1_IOVA(fq->qc.sq.q, j) + PAGE - k * sizeof(struct sacc_desc);
		r->f.d = desc(SACC_OP_BATCH, (k + 1 + rn(s, 4)) * sizeof(struct sacc_desc), iova,
			      0, 0);
		r->f.d.flags = SACC_DESC_FLAG_FENCE;
		fz_record(fq, &r->f);
		r->halt_codes = 1u << SACC_QERR_DESC_FETCH;
		fz_count(z, &r->f.d);
		return;
	}
	r->halt_codes = 1u << SACC_QERR_LENGTH;
	r->bad = -1;
	r->nel = 0;	/* the array is not run */
	fz_count(z, &r->f.d);
}

/* Ring sizes a restart may program (a wave always fits). */
static uint32_t fz_ring_size(uint64_t *s)
{
	static const uint32_t sizes[] = { 256, 512, 1024 };

	return sizes[rn(s, 3)];
}

/* A new wave for @fq: descriptors generated, nothing submitted. */
static void fz_wave_gen(struct fz *z, struct fq *fq)
{
	struct wave *wv = &fq->wv;
	uint64_t *s = &fq->rng;
	unsigned int q = fq->qc.sq.q, max = 1 + rn(s, WAVE_MAX), i;

	memset(wv, 0, sizeof(*wv));
	if (rn(s, 40) == 0)
		wv->ev = 1 + rn(s, NR_EV - 1);
	wv->ev_ring_sel = rn(s, 3) == 0;
	wv->ev_ring_size = fz_ring_size(s);
	for (i = 0; i < max && fq->ops_left > 0 && wv->nel + BATCH_ELS + 1 <= EL_MAX &&
	     wv->arr1_used < ARR1_PAGES; i++) {
		struct rent *r = &wv->r[wv->nr];
		unsigned long before = z->ops;
		unsigned int kind = rn(s, 100);

		memset(r, 0, sizeof(*r));
		r->bad = -1;
		r->restart = rn(s, 3) == 0;
		r->ring_sel = rn(s, 3) == 0;
		r->ring_size = fz_ring_size(s);
		if (!wv->ev && kind < 15) {
			fz_hostile_ring(z, fq, r);
		} else if (kind < 25) {
			fz_batch(z, fq, r, 1 + rn(s, BATCH_ELS), -1);
			fz_count(z, &r->f.d);
		} else if (kind < 33 && i + 3 <= max) {
			/* COPY, maybe a small FILL into its destination, COMPARE them. */
			struct sacc_desc cp;

			fz_valid_op(fq, &r->f);
			while (r->f.d.opcode != SACC_OP_COPY)
				fz_valid_op(fq, &r->f);
			cp = r->f.d;
			if (fz_depends(wv, q, &r->f.d))
				r->f.d.flags |= SACC_DESC_FLAG_FENCE;
			fz_count(z, &r->f.d);
			wv->nr++;
			if (rn(s, 2)) {
				r = &wv->r[wv->nr];
				memset(r, 0, sizeof(*r));
				r->bad = -1;
				r->f.slot = -1;
				r->f.d = desc(SACC_OP_FILL, 1 + rn(s, cp.len < 8 ? cp.len : 8), 0, 0,
					      sm64(s));
				r->f.d.dst = cp.dst + rn(s, cp.len - r->f.d.len + 1);
				fz_record(fq, &r->f);
				if (fz_depends(wv, q, &r->f.d))
					r->f.d.flags |= SACC_DESC_FLAG_FENCE;
				fz_count(z, &r->f.d);
				wv->nr++;
				i++;
			}
			r = &wv->r[wv->nr];
			memset(r, 0, sizeof(*r));
			r->bad = -1;
			r->f.slot = -1;
			r->f.d = desc(SACC_OP_COMPARE, cp.len, cp.src, cp.dst, 0);
			fz_record(fq, &r->f);
			if (fz_depends(wv, q, &r->f.d))
				r->f.d.flags |= SACC_DESC_FLAG_FENCE;
			fz_count(z, &r->f.d);
			i++;
		} else {
			fz_valid_op(fq, &r->f);
			if (fz_depends(wv, q, &r->f.d))
				r->f.d.flags |= SACC_DESC_FLAG_FENCE;
			fz_count(z, &r->f.d);
		}
		fq->ops_left -= fq->ops_left < z->ops - before ? fq->ops_left : z->ops - before;
		wv->nr++;
	}
	if (wv->nr < 2 && wv->ev != EV_BASE)
		wv->ev = EV_NONE;	/* an event needs something left to fetch */
	wv->ev_split = wv->nr > 1 ? rn(s, wv->nr - 1) : 0;
	wv->ev_val = fq->qc.sq.size + rn(s, 8192 - fq->qc.sq.size);
}

/* ------------------------------------------------------------------------------
 * Submitting, halting, recovering
 */

/* Write ring entries [@from, @to) at sq->tail, without ringing: the new tail. */
static uint32_t fz_put(struct fq *fq, unsigned int from, unsigned int to)
{
	struct sacc_queue *sq = &fq->qc.sq;
	struct wave *wv = &fq->wv;
	uint32_t t = sq->tail;
	unsigned int i;

	for (i = from; i < to; i++) {
		sq->ring[t] = wv->r[i].f.d;
		wv->r[i].idx = t;
		t = (t + 1) & (sq->size - 1);
	}
	return t;
}

/*
 * Start the ring over (§7.1, §12.3): disable, clear Q_ERROR (and INTR_STATUS.ERROR),
 * program base and size (the base on unmapped IOVA when @hole), enable: the indices
 * restart at 0.
 */
static void fz_restart(struct __test_metadata *_metadata, struct fq *fq, uint8_t ring_sel,
		       uint32_t size, bool hole)
{
	struct qctx *qc = &fq->qc;
	struct sacc_queue *sq = &qc->sq;
	uint64_t base;

	qwr(_metadata, qc, SACC_Q_CTRL, 0);
	wr(_metadata, qc->in, SACC_REG_INTR_STATUS, SACC_INTR_ERROR);
	qwr(_metadata, qc, SACC_Q_ERROR, 0xff);
	if (ring_sel) {
		sq->ring = (struct sacc_desc *)fq->roring->va;
		sq->ring_iova = fq->roring->iova;
	} else {
		sq->ring = (struct sacc_desc *)(qc->ctl->va + RING_OFF);
		sq->ring_iova = qc->ctl->iova + RING_OFF;
	}
	base = hole ? HOLE_IOVA : sq->ring_iova;
	qwr(_metadata, qc, SACC_Q_BASE_LO, (uint32_t)base);
	qwr(_metadata, qc, SACC_Q_BASE_HI, (uint32_t)(base >> 32));
	qwr(_metadata, qc, SACC_Q_SIZE, size);
	qwr(_metadata, qc, SACC_Q_CTRL, SACC_Q_CTRL_ENABLE);
	sq->size = size;
	sq->tail = 0;
	EXPECT_EQ(0, qrd(_metadata, qc, SACC_Q_HEAD)) TH_LOG("queue %u: Q_HEAD after enable",
							     sq->q);
	EXPECT_EQ(0, qrd(_metadata, qc, SACC_Q_ERROR)) TH_LOG("queue %u: Q_ERROR after clear",
							      sq->q);
}

/* Submit ring entries [@from, nr) of the wave into a ring just started over. */
static void fz_resubmit(struct __test_metadata *_metadata, struct fq *fq, unsigned int from)
{
	struct wave *wv = &fq->wv;

	wv->seg_first = from;
	wv->seg_base = fq->qc.sq.tail;
	ASSERT_EQ(0, sacc_doorbell(&fq->qc.sq, fz_put(fq, from, wv->nr)));
}

/* Submit a generated wave, with its ring event if it has one. */
static void fz_wave_submit(struct __test_metadata *_metadata, struct fq *fq)
{
	struct sacc_queue *sq = &fq->qc.sq;
	struct wave *wv = &fq->wv;
	uint32_t t;

	wv->progress = mono_ms();
	if (wv->ev == EV_BASE) {
		fz_restart(_metadata, fq, 0, sq->size, true);
		fz_resubmit(_metadata, fq, 0);
		return;
	}
	wv->seg_first = 0;
	wv->seg_base = sq->tail;
	t = fz_put(fq, 0, wv->nr);
	if (wv->ev == EV_NONE) {
		ASSERT_EQ(0, sacc_doorbell(sq, t));
		return;
	}
	/* The first part, then the fault, with the rest waiting behind it. */
	wv->good_tail = t;
	ASSERT_EQ(0, sacc_doorbell(sq, (wv->seg_base + wv->ev_split) & (sq->size - 1)));
	if (wv->ev == EV_DOORBELL) {
		ASSERT_EQ(0, sacc_qwrite(sq, SACC_Q_DOORBELL, wv->ev_val));
	} else {
		static const uint32_t bad[] = { 0, 1, 3, 6, 100, 4097, 8192, 0x1fff };

		ASSERT_EQ(0, sacc_qwrite(sq, SACC_Q_SIZE, bad[wv->ev_val % 8]));
		ASSERT_EQ(0, sacc_doorbell(sq, t));
	}
}

static uint32_t fz_reg(struct __test_metadata *_metadata, struct fq *fq, uint32_t reg)
{
	return qrd(_metadata, &fq->qc, reg);
}

/* The records of ring entries [@from, @to) are written (@written) or blank. */
static void fz_expect_records(struct __test_metadata *_metadata, struct fq *fq,
			      unsigned int from, unsigned int to, bool written,
			      const char *why)
{
	struct wave *wv = &fq->wv;
	unsigned int i;

	for (i = from; i < to; i++) {
		const struct sacc_completion *c = wv->r[i].f.rec;
		uint8_t st;

		if (!c || (written && wv->r[i].halt_codes))
			continue;
		st = __atomic_load_n(&c->status, __ATOMIC_ACQUIRE);
		if (written) {
			ASSERT_NE(0, st) {
				TH_LOG("queue %u: %s: ring entry %u (%s, index %u) has no record",
				       fq->qc.sq.q, why, i, op_name(wv->r[i].f.d.opcode),
				       wv->r[i].idx);
			}
		} else {
			ASSERT_EQ(0, st) {
				TH_LOG("queue %u: %s: ring entry %u (%s, index %u) has a record "
				       "(status 0x%x) although the queue halted before it",
				       fq->qc.sq.q, why, i, op_name(wv->r[i].f.d.opcode),
				       wv->r[i].idx, st);
			}
		}
	}
}

/* The wave entry at ring index @head of the current segment. */
static unsigned int fz_pos(struct fq *fq, uint32_t head)
{
	struct wave *wv = &fq->wv;

	return wv->seg_first + ((head - wv->seg_base) & (fq->qc.sq.size - 1));
}

/* The queue halted: check where and why (§7.1), then recover. */
static void fz_halted(struct __test_metadata *_metadata, struct fz *z, struct fq *fq)
{
	struct wave *wv = &fq->wv;
	unsigned int q = fq->qc.sq.q, p, i;
	uint32_t err, info, head, st;
	struct rent *r = NULL;

	err = fz_reg(_metadata, fq, SACC_Q_ERROR);
	info = fz_reg(_metadata, fq, SACC_Q_ERROR_INFO);
	head = fz_reg(_metadata, fq, SACC_Q_HEAD);
	st = fz_reg(_metadata, fq, SACC_Q_STATUS);
	z->halts++;
	z->per_err[err < 9 ? err : 0]++;
	EXPECT_EQ(SACC_Q_STATUS_HALTED, st & (SACC_Q_STATUS_HALTED | SACC_Q_STATUS_ENABLED))
		TH_LOG("queue %u: Q_STATUS 0x%x of a halted queue", q, st);
	EXPECT_TRUE(rd(_metadata, fq->qc.in, SACC_REG_STATUS) & SACC_STATUS_QERR)
		TH_LOG("queue %u halted: STATUS.QERR clear", q);

	if (wv->ev && !wv->ev_done) {
		/* RING: Q_HEAD stays on the entry it could not fetch (§7.1). */
		ASSERT_EQ(SACC_QERR_RING, err) {
			TH_LOG("queue %u: %s: halted with 0x%x (%s), expected RING", q,
			       ev_names[wv->ev], err, qerr_name(err));
		}
		ASSERT_EQ(head, info) TH_LOG("queue %u: %s: Q_ERROR_INFO is not Q_HEAD", q,
					     ev_names[wv->ev]);
		p = wv->ev == EV_BASE ? 0 : fz_pos(fq, head);
		ASSERT_LE(p, wv->nr) TH_LOG("queue %u: Q_HEAD %u outside the wave", q, head);
		if (wv->ev == EV_DOORBELL)
			ASSERT_LE(p, wv->ev_split) TH_LOG("queue %u: fetched past the good tail", q);
		fz_expect_records(_metadata, fq, 0, p, true, ev_names[wv->ev]);
		fz_expect_records(_metadata, fq, p, wv->nr, false, ev_names[wv->ev]);
		wv->ev_done = true;
		z->ring_events++;
		if (wv->ev == EV_DOORBELL) {
			/* Fix the cause (a good tail), then clear Q_ERROR: resume at Q_HEAD. */
			ASSERT_EQ(0, sacc_doorbell(&fq->qc.sq, wv->good_tail));
			wr(_metadata, fq->qc.in, SACC_REG_INTR_STATUS, SACC_INTR_ERROR);
			qwr(_metadata, &fq->qc, SACC_Q_ERROR, 0xff);
			z->clears++;
		} else {
			fz_restart(_metadata, fq, wv->ev_ring_sel, wv->ev_ring_size, false);
			fz_resubmit(_metadata, fq, p);
			z->restarts++;
		}
		wv->next_fault = p;
		return;
	}

	for (i = wv->next_fault; i < wv->nr; i++)
		if (wv->r[i].halt_codes) {
			r = &wv->r[i];
			break;
		}
	ASSERT_NE(NULL, r) {
		TH_LOG("queue %u halted with 0x%x (%s) at ring index %u, but no hostile "
		       "descriptor is left in the wave", q, err, qerr_name(err), info);
	}
	ASSERT_EQ(r->idx, info) {
		TH_LOG("queue %u: halted at ring index %u with %s, expected index %u (%s: %s)",
		       q, info, qerr_name(err), r->idx, op_name(r->f.d.opcode), r->f.what);
	}
	ASSERT_TRUE(err < 32 && (r->halt_codes & (1u << err))) {
		TH_LOG("queue %u: %s (%s, len %u, src 0x%llx, dst 0x%llx, completion 0x%llx, "
		       "flags 0x%x) halted with 0x%x (%s); acceptable codes 0x%x", q, r->f.what,
		       op_name(r->f.d.opcode), r->f.d.len, (unsigned long long)r->f.d.src,
		       (unsigned long long)r->f.d.dst, (unsigned long long)r->f.d.completion,
		       r->f.d.flags, err, qerr_name(err), r->halt_codes);
	}
	ASSERT_EQ((r->idx + 1) & (fq->qc.sq.size - 1), head)
		TH_LOG("queue %u: Q_HEAD must point past the faulting descriptor", q);
	r->got = err;
	p = r - wv->r;
	fz_expect_records(_metadata, fq, wv->next_fault, p, true, "before the fault");
	fz_expect_records(_metadata, fq, p + 1, wv->nr, false, "after the fault");
	wv->next_fault = p + 1;
	if (r->restart) {
		fz_restart(_metadata, fq, r->ring_sel, r->ring_size, false);
		if (p + 1 < wv->nr)
			fz_resubmit(_metadata, fq, p + 1);
		z->restarts++;
	} else {
		wr(_metadata, fq->qc.in, SACC_REG_INTR_STATUS, SACC_INTR_ERROR);
		qwr(_metadata, &fq->qc, SACC_Q_ERROR, 0xff);
		z->clears++;
	}
}

/* Every ring entry's record is written, the queue idle and not halted. */
static bool fz_wave_done(struct __test_metadata *_metadata, struct fq *fq)
{
	struct wave *wv = &fq->wv;
	unsigned int i;

	if (wv->ev && !wv->ev_done)
		return false;
	if (fz_reg(_metadata, fq, SACC_Q_HEAD) != fq->qc.sq.tail)
		return false;
	for (i = 0; i < wv->nr; i++)
		if (wv->r[i].f.rec && !__atomic_load_n(&wv->r[i].f.rec->status, __ATOMIC_ACQUIRE))
			return false;
	return !(fz_reg(_metadata, fq, SACC_Q_STATUS) & SACC_Q_STATUS_HALTED);
}

/* ------------------------------------------------------------------------------
 * Checking a finished wave against the CPU
 */
static void fz_expect_rec(struct __test_metadata *_metadata, struct fq *fq,
			  const struct fent *f, uint8_t status, uint8_t err, uint32_t bytes,
			  uint64_t result, const char *what)
{
	struct sacc_completion c;

	memcpy(&c, (const void *)f->rec, sizeof(c));
	ASSERT_TRUE(c.status == status && c.error == err && !c.rsvd && c.tag == f->d.tag &&
		    !c.rsvd2 && (status != SACC_COMPL_OK || (c.bytes == bytes &&
							      c.result == result))) {
		TH_LOG("queue %u: %s %s (len %u, src 0x%llx, dst 0x%llx, pattern 0x%llx): "
		       "record status 0x%x error 0x%x (%s) rsvd 0x%x bytes %u result 0x%llx "
		       "tag 0x%llx rsvd2 0x%llx; expected status 0x%x error 0x%x bytes %u "
		       "result 0x%llx tag 0x%llx", fq->qc.sq.q, what, op_name(f->d.opcode),
		       f->d.len, (unsigned long long)f->d.src, (unsigned long long)f->d.dst,
		       (unsigned long long)f->d.pattern, c.status, c.error,
		       qerr_name(c.error), c.rsvd, c.bytes, (unsigned long long)c.result,
		       (unsigned long long)c.tag, (unsigned long long)c.rsvd2, status, err,
		       bytes, (unsigned long long)result, (unsigned long long)f->d.tag);
	}
}

/* Shadow and memory of [@dst, +@len) agree, where that is in the arena. */
static void fz_compare(struct __test_metadata *_metadata, struct fq *fq, uint64_t dst,
		       uint64_t len, const char *what)
{
	uint32_t off;
	long bad;

	if (!len || !in_arena(dst, len, fq->qc.sq.q, &off))
		return;
	if (len > ARENA_LEN - off)
		len = ARENA_LEN - off;
	bad = first_diff(fq->arena->va + off, fq->shadow + off, len);
	ASSERT_EQ(-1, bad) {
		TH_LOG("queue %u: %s: arena byte 0x%lx is 0x%02x, the CPU reference says "
		       "0x%02x", fq->qc.sq.q, what, (unsigned long)(off + bad),
		       fq->arena->va[off + bad], fq->shadow[off + bad]);
	}
}

/* A valid descriptor that completed: its record and its effect on the shadow. */
static void fz_check_valid(struct __test_metadata *_metadata, struct fz *z, struct fq *fq,
			   const struct fent *f)
{
	const struct sacc_desc *d = &f->d;
	unsigned int q = fq->qc.sq.q;
	const uint8_t *sp = NULL, *dp = NULL;
	uint64_t known, result = 0;
	uint32_t off = 0, bytes = d->len;
	long diff;
	size_t i;

	if (d->opcode == SACC_OP_COPY || d->opcode == SACC_OP_COMPARE ||
	    d->opcode == SACC_OP_CRC32C) {
		sp = src_view(z, q, d->src, d->len, &known);
		ASSERT_TRUE(sp && known == d->len);
	}
	switch (d->opcode) {
	case SACC_OP_NOP:
		bytes = 0;
		break;
	case SACC_OP_COPY:
		ASSERT_TRUE(in_arena(d->dst, d->len, q, &off));
		memcpy(fq->shadow + off, sp, d->len);
		break;
	case SACC_OP_FILL:
		ASSERT_TRUE(in_arena(d->dst, d->len, q, &off));
		for (i = 0; i < d->len; i++)
			fq->shadow[off + i] = d->pattern >> (8 * (i % 8));
		break;
	case SACC_OP_COMPARE:
		dp = src_view(z, q, d->dst, d->len, &known);
		ASSERT_TRUE(dp && known == d->len);
		diff = first_diff(sp, dp, d->len);
		result = diff < 0 ? ~0ull : (uint64_t)diff;
		break;
	case SACC_OP_CRC32C:
		result = crc32c((uint32_t)d->pattern, sp, d->len);
		break;
	}
	fz_expect_rec(_metadata, fq, f, SACC_COMPL_OK, 0, bytes, result, "valid");
	z->ok_min++;
	z->ok_max++;
}

/*
 * A hostile descriptor that may have written part of its scratch slot before it
 * faulted: each byte of its destination holds what it held or what the descriptor
 * would have written there. The shadow then takes what is there.
 */
static void fz_check_maybe(struct __test_metadata *_metadata, struct fz *z, struct fq *fq,
			   const struct fent *f)
{
	const struct sacc_desc *d = &f->d;
	unsigned int q = fq->qc.sq.q;
	const uint8_t *sp = NULL, *mem;
	uint64_t known = 0, len = d->len, i;
	uint8_t *old;
	uint32_t off;
	bool wrote = false;

	if (!f->maybe || !in_arena(d->dst, len, q, &off))
		return;
	if (len > ARENA_LEN - off)
		len = ARENA_LEN - off;
	if (d->opcode == SACC_OP_COPY)
		sp = src_view(z, q, d->src, len, &known);
	else
		known = len;
	mem = fq->arena->va + off;
	old = fq->shadow + off;
	for (i = 0; i < len; i++) {
		uint8_t c = sp ? sp[i] : (uint8_t)(d->pattern >> (8 * (i % 8)));

		if (mem[i] == old[i])
			continue;
		ASSERT_TRUE(i < known && mem[i] == c) {
			TH_LOG("queue %u: %s (%s len %u dst 0x%llx) that faulted: destination "
			       "byte %llu is 0x%02x, neither the old 0x%02x nor what it would "
			       "have written", q, f->what, op_name(d->opcode), d->len,
			       (unsigned long long)d->dst, (unsigned long long)i, mem[i], old[i]);
		}
		wrote = true;
	}
	z->maybe_writes += wrote;
	memcpy(old, mem, len);
}

/* A hostile descriptor (or element) that faulted with @code. */
static void fz_check_fault(struct __test_metadata *_metadata, struct fz *z, struct fq *fq,
			   const struct fent *f, uint8_t code)
{
	if (f->rec)
		fz_expect_rec(_metadata, fq, f, SACC_COMPL_ERROR, code, 0, 0, f->what);
	if (f->zrec) {
		ASSERT_EQ(-1, fill_diff((const uint8_t *)f->zrec, sizeof(*f->zrec), 0))
			TH_LOG("queue %u: a misaligned record was written", fq->qc.sq.q);
	}
	fz_check_maybe(_metadata, z, fq, f);
}

/* Replay a finished wave in ring order on the CPU and check everything. */
static void fz_wave_check(struct __test_metadata *_metadata, struct fz *z, struct fq *fq)
{
	struct wave *wv = &fq->wv;
	unsigned int i, j;

	for (i = 0; i < wv->nr; i++) {
		struct rent *r = &wv->r[i];
		unsigned int k = 0;

		if (r->f.d.opcode == SACC_OP_BATCH && (!r->halt_codes || r->bad >= 0)) {
			for (j = 0; j < r->nel; j++) {
				struct fent *el = &wv->el[r->el0 + j];

				if ((int)j == r->bad) {
					fz_check_fault(_metadata, z, fq, el, r->got);
					continue;
				}
				if (r->bad >= 0 && (int)j > r->bad) {
					if (el->rec)
						ASSERT_EQ(0, el->rec->status) {
							TH_LOG("queue %u: BATCH element %u ran after "
							       "element %d failed", fq->qc.sq.q, j,
							       r->bad);
						}
					continue;
				}
				fz_check_valid(_metadata, z, fq, el);
				k++;
				if (r->halt_codes)
					z->ok_min--;	/* the kernel counts no element of a failed BATCH */
			}
			if (r->halt_codes && r->f.rec) {
				struct sacc_completion c;

				memcpy(&c, (const void *)r->f.rec, sizeof(c));
				fz_expect_rec(_metadata, fq, &r->f, SACC_COMPL_ERROR, r->got, 0, 0,
					      "BATCH with a failing element");
				ASSERT_TRUE(c.bytes == 64 * k && c.result == k) {
					TH_LOG("queue %u: failed BATCH: bytes %u result %llu, "
					       "expected %u and %u elements completed (§11.3, "
					       "§11.4)", fq->qc.sq.q, c.bytes,
					       (unsigned long long)c.result, 64 * k, k);
				}
			} else if (r->halt_codes) {
				fz_check_fault(_metadata, z, fq, &r->f, r->got);
			} else {
				fz_expect_rec(_metadata, fq, &r->f, SACC_COMPL_OK, 0, 64 * r->nel,
					      r->nel, "valid BATCH");
				z->ok_min++;
				z->ok_max++;
			}
			continue;
		}
		if (r->halt_codes) {
			fz_check_fault(_metadata, z, fq, &r->f, r->got);
			continue;
		}
		fz_check_valid(_metadata, z, fq, &r->f);
	}
	/*
	 * Then memory, as the wave left it: every destination (of descriptors that
	 * faulted or never ran too) holds what the replay says.
	 */
	for (i = 0; i < wv->nr; i++)
		fz_compare(_metadata, fq, wv->r[i].f.d.dst, wv->r[i].f.d.len, "ring entry");
	for (j = 0; j < wv->nel; j++)
		fz_compare(_metadata, fq, wv->el[j].d.dst, wv->el[j].d.len, "BATCH element");
}

/*
 * Memory no record speaks for: the arena of queue @q (both when @q < 0; the queue
 * must be idle), the read-only buffer and, when @big, the buffer only LENGTH faults
 * point at.
 */
static void fz_full_check(struct __test_metadata *_metadata, struct fz *z, int q, bool big)
{
	unsigned int i;
	long bad;

	for (i = 0; i < 2; i++) {
		if (q >= 0 && (int)i != q)
			continue;
		bad = first_diff(z->fq[i].arena->va, z->fq[i].shadow, ARENA_LEN);
		ASSERT_EQ(-1, bad) TH_LOG("queue %u: arena byte 0x%lx differs from the CPU "
					  "reference", i, bad);
	}
	bad = first_diff(z->ro->va, z->ro_tmpl, RO_LEN);
	ASSERT_EQ(-1, bad) TH_LOG("the read-only buffer changed at byte %ld", bad);
	if (big) {
		bad = fill_diff(z->big->va, BIG_LEN, 0);
		ASSERT_EQ(-1, bad) TH_LOG("the buffer only LENGTH faults point at changed at "
					  "byte %ld", bad);
	}
}

/* ------------------------------------------------------------------------------
 * The neighbour: verified COPYs on another instance, in a thread
 */
static void nb_fail(struct neighbour *nb, const char *fmt, unsigned long round, long v)
{
	if (!nb->errors++)
		snprintf(nb->msg, sizeof(nb->msg), "round %lu: %s (%ld)", round, fmt, v);
}

static void *nb_run(void *arg)
{
	struct neighbour *nb = arg;
	struct sacc_completion *c[NB_N], rec;
	uint32_t len[NB_N], so[NB_N], dof[NB_N];
	struct sacc_desc d[NB_N];
	unsigned long round;
	unsigned int i;
	long bad;

	for (round = 0; !atomic_load(&nb->stop) && !nb->errors; round++) {
		for (i = 0; i < NB_N; i++) {
			len[i] = 1 + rn(&nb->rng, NB_SLOT);
			so[i] = rn(&nb->rng, NB_LEN - len[i] + 1);
			dof[i] = i * NB_SLOT + rn(&nb->rng, NB_SLOT - len[i] + 1);
			memset(nb->dst->va + dof[i], (uint8_t)~nb->src->va[so[i]], len[i]);
			d[i] = desc(SACC_OP_COPY, len[i], nb->src->iova + so[i],
				    nb->dst->iova + dof[i], 0);
			c[i] = attach(&nb->qc, &d[i]);
		}
		if (sacc_submit(&nb->qc.sq, d, NB_N)) {
			nb_fail(nb, "submitting", round, 0);
			break;
		}
		for (i = 0; i < NB_N; i++) {
			if (sacc_wait_completion(c[i], STUCK_MS, &rec)) {
				nb_fail(nb, "no record within 60 s for COPY", round, i);
				break;
			}
			if (rec.status != SACC_COMPL_OK || rec.error || rec.bytes != len[i] ||
			    rec.tag != d[i].tag) {
				nb_fail(nb, "COPY record wrong: status/error", round,
					rec.status << 8 | rec.error);
				break;
			}
			bad = first_diff(nb->dst->va + dof[i], nb->src->va + so[i], len[i]);
			if (bad >= 0)
				nb_fail(nb, "COPY destination wrong at byte", round, bad);
		}
		if (!nb->errors)
			atomic_fetch_add(&nb->rounds, 1);
	}
	return NULL;
}

/* Wait until the neighbour has done more than @since rounds: whether it did. */
static bool nb_progress(struct neighbour *nb, unsigned long since, int timeout_ms)
{
	int64_t deadline = mono_ms() + timeout_ms;

	while (atomic_load(&nb->rounds) <= since) {
		if (nb->errors || mono_ms() > deadline)
			return false;
		msleep(2);
	}
	return true;
}

/* ------------------------------------------------------------------------------
 * The fixture
 */
FIXTURE(descfuzz) {
	struct env e;
	struct fz z;
	struct neighbour nb;
	/* The parents of the fuzzed instance and of the neighbour. */
	char parent[MDEV_NAME_LEN], nparent[MDEV_NAME_LEN];
};

/* Each pass has one instance on the PCI parent, the other on sacc0. */
FIXTURE_VARIANT(descfuzz) {
	bool iommufd;
	bool fuzz_pci;		/* the fuzzed instance on the PCI parent, else sacc0 */
};

FIXTURE_VARIANT_ADD(descfuzz, type1) {
	.iommufd = false,
	.fuzz_pci = false,
};

FIXTURE_VARIANT_ADD(descfuzz, iommufd) {
	.iommufd = true,
	.fuzz_pci = true,
};

FIXTURE_SETUP(descfuzz)
{
	char pci[MDEV_NAME_LEN];

	env_init(&self->e);
	memset(&self->z, 0, sizeof(self->z));
	memset(&self->nb, 0, sizeof(self->nb));
	ASSERT_EQ(0, access(MDEV_BUS_CLASS "/sacc0", F_OK))
		TH_LOG("no parent sacc0: is sacc.ko loaded?");
	pci_parent(_metadata, pci, sizeof(pci));
	strcpy(self->parent, variant->fuzz_pci ? pci : "sacc0");
	strcpy(self->nparent, variant->fuzz_pci ? "sacc0" : pci);
}

FIXTURE_TEARDOWN(descfuzz)
{
	unsigned int q;

	if (self->nb.started) {
		atomic_store(&self->nb.stop, true);
		pthread_join(self->nb.thread, NULL);
	}
	env_release(_metadata, &self->e);
	for (q = 0; q < 2; q++)
		free(self->z.fq[q].shadow);
	free(self->z.ro_tmpl);
}

/* The run's seed and size, the same for both passes: set before main(). */
static uint64_t fz_seed;
static unsigned long fz_nops;

/* The first line of the output says what replays the run. */
static void __attribute__((constructor)) fz_banner(void)
{
	const char *s = getenv("DESCFUZZ_SEED");
	struct timespec ts;

	if (s && *s) {
		fz_seed = strtoull(s, NULL, 0);
	} else {
		clock_gettime(CLOCK_REALTIME, &ts);
		fz_seed = ((uint64_t)ts.tv_sec * 1000003ull ^ ts.tv_nsec) % 1000000000000ull;
	}
	fz_nops = env_uint("DESCFUZZ_OPS", 60000, 100000000);
	printf("# descfuzz seed=%llu ops=%lu\n", (unsigned long long)fz_seed, fz_nops);
	fflush(stdout);
}

/* The instance, its buffers and queues, the shadows; the neighbour started. */
static void fz_setup(struct __test_metadata *_metadata, struct env *e, struct fz *z,
		     struct neighbour *nb, bool iommufd, const char *parent,
		     const char *nparent)
{
	struct inst *nbi;
	unsigned int q, j;

	z->in = inst_create(_metadata, e, parent, "sacc-2q");
	inst_open(_metadata, z->in, iommufd);
	z->ro = buf_new(_metadata, e, RO_LEN);
	fill_rand(z->ro->va, RO_LEN, z->seed ^ 0x40);
	buf_map(_metadata, z->ro, z->in, RO_IOVA, false);
	z->ro_tmpl = malloc(RO_LEN);
	ASSERT_NE(NULL, z->ro_tmpl);
	memcpy(z->ro_tmpl, z->ro->va, RO_LEN);
	z->big = buf_at(_metadata, e, z->in, BIG_LEN, BIG_IOVA, true);
	for (q = 0; q < 2; q++) {
		struct fq *fq = &z->fq[q];

		fq->rng = z->seed * 0x100000001b3ull + q + 1;
		qctx_init(_metadata, e, &fq->qc, z->in, q, 256, 0);
		fq->arena = buf_at(_metadata, e, z->in, ARENA_LEN, ARENA_IOVA(q), true);
		fill_rand(fq->arena->va, ARENA_LEN, z->seed + q);
		fq->shadow = malloc(ARENA_LEN);
		ASSERT_NE(NULL, fq->shadow);
		memcpy(fq->shadow, fq->arena->va, ARENA_LEN);
		/* The device only reads rings and BATCH arrays: read-only is enough. */
		fq->roring = buf_new(_metadata, e, RORING_LEN);
		buf_map(_metadata, fq->roring, z->in, RORING_IOVA(q), false);
		for (j = 0; j < ARR1_PAGES; j++)
			fq->arr1[j] = buf_at(_metadata, e, z->in, PAGE, ARR1_IOVA(q, j), false);
	}

	/* The neighbour, at the same IOVAs in its own container. */
	nbi = inst_new(_metadata, e, nparent, "sacc-1q");
	qctx_init(_metadata, e, &nb->qc, nbi, 0, 64, 0);
	nb->src = buf_at(_metadata, e, nbi, NB_LEN, ARENA_IOVA(0), true);
	nb->dst = buf_at(_metadata, e, nbi, NB_LEN, ARENA_IOVA(1), true);
	fill_rand(nb->src->va, NB_LEN, z->seed ^ 0x77);
	nb->rng = z->seed ^ 0x5eedull;
	ASSERT_EQ(0, pthread_create(&nb->thread, NULL, nb_run, nb));
	nb->started = true;
}

/* One queue's turn: submit a wave, handle a halt, or check a finished wave. */
static bool fz_step(struct __test_metadata *_metadata, struct fz *z, struct fq *fq)
{
	struct wave *wv = &fq->wv;

	if (!fq->active) {
		if (!fq->ops_left)
			return false;
		fz_wave_gen(z, fq);
		fz_wave_submit(_metadata, fq);
		fq->active = true;
		return true;
	}
	if (fz_reg(_metadata, fq, SACC_Q_STATUS) & SACC_Q_STATUS_HALTED) {
		fz_halted(_metadata, z, fq);
		wv->progress = mono_ms();
		return true;
	}
	if (!fz_wave_done(_metadata, fq)) {
		ASSERT_LT(mono_ms() - wv->progress, STUCK_MS) {
			TH_LOG("queue %u: no halt and the wave not done for %d s: Q_HEAD %u "
			       "Q_TAIL %u Q_STATUS 0x%x, wave of %u, %u accounted for",
			       fq->qc.sq.q, STUCK_MS / 1000, fz_reg(_metadata, fq, SACC_Q_HEAD),
			       fq->qc.sq.tail, fz_reg(_metadata, fq, SACC_Q_STATUS), wv->nr,
			       wv->next_fault);
		}
		return false;
	}
	fz_wave_check(_metadata, z, fq);
	fq->active = false;
	if (++fq->waves % FULL_EVERY == 0)
		fz_full_check(_metadata, z, fq->qc.sq.q, false);
	return true;
}

static void fz_report(struct __test_metadata *_metadata, struct fz *z, struct neighbour *nb)
{
	static const char *const ops[7] = {
		"NOP", "COPY", "FILL", "COMPARE", "CRC32C", "BATCH", "unknown",
	};
	char line[512];
	int n = 0;
	unsigned int i;

	for (i = 0; i < 7; i++)
		n += snprintf(line + n, sizeof(line) - n, " %s=%lu", ops[i], z->per_op[i]);
	printf("# descfuzz: %lu descriptors:%s\n", z->ops, line);
	n = 0;
	for (i = 1; i < 9; i++)
		n += snprintf(line + n, sizeof(line) - n, " %s=%lu", qerr_name(i), z->per_err[i]);
	printf("# descfuzz: %lu halts:%s; %lu ring events, %lu cleared, %lu restarted, "
	       "%lu faults wrote part of their scratch\n", z->halts, line, z->ring_events,
	       z->clears, z->restarts, z->maybe_writes);
	printf("# descfuzz: neighbour %lu rounds of %u verified COPYs\n",
	       atomic_load(&nb->rounds), NB_N);
	(void)_metadata;
}

TEST_F_TIMEOUT(descfuzz, structured_descriptors_valid_and_hostile_on_two_queues, 900)
{
	struct fz *z = &self->z;
	struct neighbour *nb = &self->nb;
	struct sacc_stats st;
	unsigned long total, step, next, seen = 0;
	bool busy;
	int q;

	if (variant->iommufd && access("/dev/iommu", F_OK))
		SKIP(return, "this kernel has no iommufd (/dev/iommu missing)");
	if (!debugfs_supported())
		SKIP(return, "this kernel has no debugfs");
	ASSERT_TRUE(debugfs_mounted()) TH_LOG("debugfs is not mounted at " DEBUGFS_DIR);

	z->seed = fz_seed;
	total = fz_nops;
	TH_LOG("seed %llu, %lu descriptors, %s, a sacc-2q on %s fuzzed, the neighbour "
	       "on %s", (unsigned long long)z->seed, total,
	       variant->iommufd ? "iommufd" : "type1 container", self->parent,
	       self->nparent);
	fz_setup(_metadata, &self->e, z, nb, variant->iommufd, self->parent,
		 self->nparent);
	z->fq[0].ops_left = total / 2;
	z->fq[1].ops_left = total - total / 2;

	step = total / 10 ? total / 10 : 1;
	next = step;
	do {
		busy = false;
		for (q = 0; q < 2; q++)
			busy |= fz_step(_metadata, z, &z->fq[q]);
		if (z->ops >= next) {
			ASSERT_TRUE(nb_progress(nb, seen, 3 * WAIT_MS)) {
				TH_LOG("the neighbour did no round of COPYs in the last %lu "
				       "descriptors (%lu rounds): %s", step, seen,
				       nb->errors ? nb->msg : "stalled");
			}
			seen = atomic_load(&nb->rounds);
			next += step;
		}
		if (!busy)
			usleep(200);
	} while (z->fq[0].active || z->fq[1].active || z->fq[0].ops_left ||
		 z->fq[1].ops_left);

	fz_full_check(_metadata, z, -1, true);
	check_canaries(_metadata, &self->e);
	atomic_store(&nb->stop, true);
	pthread_join(nb->thread, NULL);
	nb->started = false;
	EXPECT_EQ(0, nb->errors) TH_LOG("neighbour: %s", nb->msg);
	EXPECT_LT(0, atomic_load(&nb->rounds));
	fz_report(_metadata, z, nb);

	/* §14.6: faults = queue halts; ops = descriptors completed OK. */
	stats(_metadata, z->in, &st);
	printf("# descfuzz: stats ops=%llu bytes=%llu faults=%llu cache_hits=%llu "
	       "cache_misses=%llu cache_evictions=%llu pinned_pages=%llu fenced_ranges=%llu\n",
	       (unsigned long long)st.ops, (unsigned long long)st.bytes,
	       (unsigned long long)st.faults, (unsigned long long)st.cache_hits,
	       (unsigned long long)st.cache_misses, (unsigned long long)st.cache_evictions,
	       (unsigned long long)st.pinned_pages, (unsigned long long)st.fenced_ranges);
	EXPECT_EQ(z->halts, st.faults) TH_LOG("stats faults vs the halts seen");
	EXPECT_TRUE(st.ops >= z->ok_min && st.ops <= z->ok_max) {
		TH_LOG("stats ops %llu, expected %lu (elements of failed BATCHes not counted) "
		       "to %lu (counted)", (unsigned long long)st.ops, z->ok_min, z->ok_max);
	}
	EXPECT_EQ(0, st.fenced_ranges);
	vfio_close(&z->in->h);
	stats(_metadata, z->in, &st);
	EXPECT_EQ(0, st.pinned_pages) TH_LOG("pinned pages left after close");
	vfio_close(&nb->qc.in->h);
	stats(_metadata, nb->qc.in, &st);
	EXPECT_EQ(0, st.pinned_pages) TH_LOG("neighbour: pinned pages left after close");
}

TEST_HARNESS_MAIN
