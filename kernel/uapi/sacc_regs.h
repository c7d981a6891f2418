/* SPDX-License-Identifier: (GPL-2.0 OR BSD-3-Clause) */
/*
 * sacc sample accelerator: the device as a driver sees it.
 *
 * Shared by the host module, the tests and the guest driver. docs/device-spec.md is
 * the normative description; this header only carries the numbers.
 */
#ifndef _UAPI_SACC_REGS_H
#define _UAPI_SACC_REGS_H

/* PCI identity of every instance (QEMU's sample-device vendor ID). */
#define SACC_PCI_VENDOR_ID	0x1234
#define SACC_PCI_DEVICE_ID	0x5acc
#define SACC_PCI_REVISION	0x01
/* Class code: processing accelerator (base 0x12, sub-class 0x00, prog-if 0x00). */
#define SACC_PCI_CLASS		0x120000

#endif /* _UAPI_SACC_REGS_H */
