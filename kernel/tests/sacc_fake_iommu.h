/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small fake IOMMU for the KUnit suites that run sacc's DMA shadow and engine
 * code: IOVA page n of [0, NR_PAGES) is pages[n], a page can be mapped read-only,
 * write-only or not at all; like iommufd it accepts only unpins that match a pin
 * exactly, and it counts pins so that the tests can see nothing stays pinned.
 */
#ifndef SACC_FAKE_IOMMU_H
#define SACC_FAKE_IOMMU_H

#include <kunit/test.h>

#include "../sacc.h"

#define NR_PAGES	128
#define MAX_RUNS	256

/**
 * struct fake_iommu - the fake
 * @lock: protects everything below
 * @pages: the memory behind each IOVA page
 * @unmapped: not mapped
 * @prot: the access a page is mapped with; 0: read and write
 * @pins: pins held on each page
 * @runs: the pins held, each as pinned (first page, pages; 0 pages: a free slot)
 * @pin_calls: pin calls
 * @rw_calls: calls of the uncached path
 * @bad_unpins: unpins that matched no pin (iommufd would WARN and keep the pin)
 * @pin_delay_us: sleep in each pin, to widen the window of a pin in flight
 * @iommufd: pins check only the access asked for (WRITE, or READ), as iommufd's
 */
struct fake_iommu {
	/* see @lock above */
	spinlock_t lock;
	struct page *pages[NR_PAGES];
	bool unmapped[NR_PAGES];
	int prot[NR_PAGES];
	int pins[NR_PAGES];
	struct { u64 first; unsigned int npage; } runs[MAX_RUNS];
	unsigned int pin_calls;
	unsigned int rw_calls;
	unsigned int bad_unpins;
	unsigned int pin_delay_us;
	bool iommufd;
};

/**
 * struct dma_fixture - a DMA shadow over the fake
 * @f: the fake IOMMU
 * @dma: the shadow under test
 * @bounce: a bounce buffer for the test itself
 * @thread_bounce: one for each of two test threads
 */
struct dma_fixture {
	struct fake_iommu f;
	struct sacc_dma dma;
	u8 bounce[SACC_DMA_WINDOW_BYTES];
	u8 thread_bounce[2][SACC_DMA_WINDOW_BYTES];
};

extern const struct sacc_dma_ops fake_ops;
extern bool fake_cache_on, fake_cache_off;

struct dma_fixture *fake_setup(struct kunit *test, unsigned int quota, bool type1);
unsigned int fake_pins_in(struct fake_iommu *f, unsigned int first, unsigned int n);
unsigned int fake_total_pins(struct fake_iommu *f);
void fake_teardown(struct kunit *test, struct dma_fixture *fx);

#endif /* SACC_FAKE_IOMMU_H */
