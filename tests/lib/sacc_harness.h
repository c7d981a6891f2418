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

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/*
 * The parent a suite runs on, into @name: $SACC_PARENT (sacc_parent_from_env(): sacc0
 * when unset, "pci" the edu function); fails the test when there is no such parent.
 */
static inline void suite_parent(struct __test_metadata *_metadata, char *name, size_t len)
{
	char path[PATH_MAX];
	int ret = sacc_parent_from_env(name, len);

	ASSERT_EQ(0, ret) {
		TH_LOG("SACC_PARENT=%s: no such parent (%s)%s", getenv("SACC_PARENT") ?: "",
		       strerror(-ret), ret == -ENOENT ?
		       ": \"pci\" needs QEMU's edu function (-device edu)" : "");
	}
	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s", name);
	ASSERT_EQ(0, access(path, F_OK)) {
		TH_LOG("no parent %s in " MDEV_BUS_CLASS ": is sacc.ko loaded (and, for a "
		       "PCI function, bound to it)?", name);
	}
}

/*
 * The second PCI parent, for a suite on the PCI parent that compares two parents:
 * QEMU's pci-testdev (found by its IDs, never by address) handed to sacc with
 * driver_override, pci_handoff(); its address in @bdf. Fails the test when there is
 * no such function or the hand-over fails, and then leaves nothing handed over.
 */
static inline void second_pci_parent(struct __test_metadata *_metadata,
				     struct pci_handoff *ho, char *bdf, size_t len)
{
	int ret = pci_find_function(PCI_VENDOR_REDHAT, PCI_DEVICE_TESTDEV, bdf, len);

	ASSERT_EQ(0, ret) {
		TH_LOG("no pci-testdev function (%04x:%04x) in " PCI_DEVICES " (%s): the "
		       "second PCI parent is QEMU's pci-testdev handed to sacc, and "
		       "tests/vm/run.sh gives the VM -device pci-testdev", PCI_VENDOR_REDHAT,
		       PCI_DEVICE_TESTDEV, strerror(-ret));
	}
	ret = pci_handoff(bdf, ho);
	if (ret)
		pci_handoff_undo(ho);
	ASSERT_EQ(0, ret) {
		TH_LOG("handing pci-testdev %s to sacc (driver_override, drivers_probe): %s%s",
		       bdf, strerror(-ret), ret == -EBUSY ?
		       ": it is bound to sacc already (left by a test that did not finish?)" :
		       "");
	}
}

/*
 * The second parent of a suite that compares two parents, into @name, for a suite
 * on @first (suite_parent()): when that is a PCI function, pci-testdev handed to
 * sacc (second_pci_parent(); give it back in the teardown with
 * second_parent_release()); otherwise sacc1, or sacc0 when the suite runs on sacc1.
 * Fails the test when there is no such parent, and then leaves nothing handed over.
 */
static inline void suite_second_parent(struct __test_metadata *_metadata,
				       const char *first, struct pci_handoff *ho,
				       char *name, size_t len)
{
	char path[PATH_MAX];

	memset(ho, 0, sizeof(*ho));
	snprintf(path, sizeof(path), PCI_DEVICES "/%s", first);
	if (!access(path, F_OK)) {
		second_pci_parent(_metadata, ho, name, len);
		return;
	}
	snprintf(name, len, "%s", strcmp(first, "sacc1") ? "sacc1" : "sacc0");
	snprintf(path, sizeof(path), MDEV_BUS_CLASS "/%s", name);
	ASSERT_EQ(0, access(path, F_OK)) {
		TH_LOG("no second parent %s in " MDEV_BUS_CLASS " for a suite on %s: the "
		       "suite needs sacc.ko with two virtual parents (nr_parents)", name,
		       first);
	}
}

/* The teardown's part of suite_second_parent(): a PCI function given back (EXPECT). */
static inline void second_parent_release(struct __test_metadata *_metadata,
					 struct pci_handoff *ho)
{
	int ret = pci_handoff_undo(ho);

	EXPECT_EQ(0, ret) {
		TH_LOG("giving the second parent %s back (unbind from sacc, driver_override "
		       "cleared): %s", ho->bdf, strerror(-ret));
	}
}

#endif /* SACC_HARNESS_H */
