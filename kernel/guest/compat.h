/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sacc_pci - what differs between the guest kernels sacc_pci.ko builds for (Debian's
 * 6.1, 6.12 and 7.3, and those between). The driver is written for the newest
 * interface; each shim names the release that introduced it, so that this file is
 * also the list of what to delete when the oldest supported kernel rises. The only
 * place in the driver that looks at the kernel's version.
 */
#ifndef SACC_PCI_COMPAT_H
#define SACC_PCI_COMPAT_H

#include <linux/err.h>
#include <linux/pci.h>
#include <linux/version.h>

/* Is the kernel older than release @maj.@min? */
#define SACC_KERNEL_BEFORE(maj, min)	(LINUX_VERSION_CODE < KERNEL_VERSION(maj, min, 0))

/* 6.8: PCI_IRQ_LEGACY was renamed PCI_IRQ_INTX. */
#ifndef PCI_IRQ_INTX
#define PCI_IRQ_INTX	PCI_IRQ_LEGACY
#endif

/* 6.12: pcim_iomap_region() (requests and maps one BAR, an ERR_PTR on failure) exported. */
#if SACC_KERNEL_BEFORE(6, 12)
static inline void __iomem *pcim_iomap_region(struct pci_dev *pdev, int bar,
					      const char *name)
{
	int ret = pcim_iomap_regions(pdev, BIT(bar), name);

	return ret ? IOMEM_ERR_PTR(ret) : pcim_iomap_table(pdev)[bar];
}
#endif

#endif /* SACC_PCI_COMPAT_H */
