/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers that fail the calling test themselves, with the kselftest harness's
 * EXPECT/ASSERT on the caller's _metadata.
 *
 * Header-only, and to be included after kselftest_harness.h: that header defines
 * non-static symbols (__run_test(), __wait_for_test(), __active_test,
 * _fixture_global), so it can be in one translation unit of a program only, and
 * the library's .c files cannot use it. Everything here is static inline, so a
 * suite that does not use a helper does not warn about it.
 */
#ifndef SACC_HARNESS_H
#define SACC_HARNESS_H

#include <string.h>

#include "kselftest_harness.h"
#include "sacc_test.h"

/*
 * bar0_read32() / bar0_write32() of @h that fail the test (EXPECT: it goes on) when
 * the access fails; a failed read returns 0.
 */
static inline uint32_t bar0_rd(struct __test_metadata *_metadata,
			       const struct vfio_handle *h, uint32_t off)
{
	uint32_t v = 0;
	int ret = bar0_read32(h, off, &v);

	EXPECT_EQ(0, ret) TH_LOG("BAR0 read at 0x%03x: %s", off, strerror(-ret));
	return v;
}

static inline void bar0_wr(struct __test_metadata *_metadata, const struct vfio_handle *h,
			   uint32_t off, uint32_t val)
{
	int ret = bar0_write32(h, off, val);

	EXPECT_EQ(0, ret) TH_LOG("BAR0 write 0x%08x at 0x%03x: %s", val, off,
				 strerror(-ret));
}

#endif /* SACC_HARNESS_H */
