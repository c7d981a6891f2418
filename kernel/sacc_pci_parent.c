// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - the PCI driver: a sample accelerator on a PCI function.
 *
 * Management stacks (libvirt's node devices, Nova, Proxmox) look for mdev parents
 * among PCI functions. This driver, named "sacc", makes each function it is bound
 * to a parent of its own (sacc_parent_create_on()): the function's device is the
 * mdev parent device, so its types are
 * /sys/bus/pci/devices/<bdf>/mdev_supported_types/sacc-{1q,2q,4q} (the mdev core
 * names a type "<driver name>-<type>": the driver's name being "sacc", they are
 * named as a virtual parent's are), its attributes are in <bdf>/sacc/, and its
 * capacity is the module parameters pci_queues, pci_memory_mb and pci_engines.
 *
 * It claims QEMU's educational device "edu" (1234:11e8); any other function is
 * handed to it with driver_override:
 *
 *   echo sacc > /sys/bus/pci/devices/<bdf>/driver_override
 *   echo <bdf> > /sys/bus/pci/drivers_probe
 *
 * The accelerator is modelled in software: the function only anchors it. The
 * driver neither enables the function nor maps, reads or writes its BARs or its
 * configuration space, nor uses DMA or interrupts; the function stays as it was
 * found (pci-stub's contract), so any function may be used, whatever its
 * registers. For the same reason the driver tells the PCI core it does no DMA
 * (driver_managed_dma): binding it neither claims the function's IOMMU group for
 * the kernel nor fails when VFIO owns that group.
 *
 * Unbinding the function (or unloading the module, which unbinds every function)
 * removes its instances as sacc_parent_destroy() does: an instance a VFIO user has
 * open is asked back through its request callback, and the unbind waits until the
 * user lets go. The module is not autoloaded for edu (no MODULE_DEVICE_TABLE): it
 * is loaded on purpose, with its parameters.
 */
#include <linux/err.h>
#include <linux/pci.h>

#include "sacc.h"

#define SACC_PCI_VENDOR_QEMU	0x1234
#define SACC_PCI_DEVICE_EDU	0x11e8

/* The capacity of each PCI parent: fixed at registration, read by every probe. */
static struct sacc_parent_config sacc_pci_config;

static int sacc_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct sacc_parent *parent;

	parent = sacc_parent_create_on(&pdev->dev, &sacc_pci_config);
	if (IS_ERR(parent))
		return PTR_ERR(parent);
	pci_info(pdev, "sample accelerator: %u queues, %u MiB, %u engines\n",
		 sacc_pci_config.queues, sacc_pci_config.memory_mb,
		 sacc_pci_config.engines);
	return 0;
}

static void sacc_pci_remove(struct pci_dev *pdev)
{
	sacc_parent_destroy(pci_get_drvdata(pdev));
}

static const struct pci_device_id sacc_pci_ids[] = {
	{ PCI_DEVICE(SACC_PCI_VENDOR_QEMU, SACC_PCI_DEVICE_EDU) },
	{ }
};

static struct pci_driver sacc_pci_driver = {
	.name = SACC_NAME,
	.id_table = sacc_pci_ids,
	.probe = sacc_pci_probe,
	.remove = sacc_pci_remove,
	.driver_managed_dma = true,
};

/**
 * sacc_pci_parent_register() - register the PCI driver: every function it is bound
 * to, now or later, becomes a parent made of @cfg
 * @cfg: the capacity of each PCI parent, checked by the caller
 *
 * Return: 0 or a negative errno. A function whose probe fails does not fail this.
 */
int sacc_pci_parent_register(const struct sacc_parent_config *cfg)
{
	sacc_pci_config = *cfg;
	return pci_register_driver(&sacc_pci_driver);
}

/**
 * sacc_pci_parent_unregister() - unbind every function, destroying its parent
 *
 * Blocks while a VFIO user holds an instance of one of them open (not on module
 * unload: an open instance holds the module).
 */
void sacc_pci_parent_unregister(void)
{
	pci_unregister_driver(&sacc_pci_driver);
}
