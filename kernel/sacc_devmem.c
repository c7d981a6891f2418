// SPDX-License-Identifier: GPL-2.0
/*
 * sacc - device memory of an instance, exposed as BAR2.
 *
 * Plain memory: pages, vmap()ed contiguous for the kernel, that the VFIO user reaches
 * with pread/pwrite or, faster, by mmap()ing the region (QEMU maps it straight into
 * the guest). It is allocated, zeroed, when a user opens the device and freed when
 * the user closes it (a mapping keeps the device open); resets zero it in place.
 * Nothing leaks from one user to the next.
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#include "sacc.h"

/* The device memory's allocations may fail quietly: the open returns -ENOMEM. */
#define SACC_DEVMEM_GFP		(GFP_KERNEL | __GFP_ZERO | __GFP_NOWARN)

/**
 * sacc_devmem_alloc() - allocate an instance's device memory, zeroed (at open)
 * @smdev: the instance; @devmem_size must be set
 *
 * Pages from the bulk allocator, vmap()ed for remap_vmalloc_range() (VM_USERMAP);
 * vfree() frees the pages and their array (VM_MAP_PUT_PAGES). Not vmalloc_user():
 * a failed vmalloc prints a warning with a stack trace, and the size is the
 * type's, so a failure here is the user's -ENOMEM, not a kernel problem.
 *
 * Return: 0 or -ENOMEM.
 */
int sacc_devmem_alloc(struct sacc_mdev *smdev)
{
	unsigned long i, got, npages = smdev->devmem_size >> PAGE_SHIFT;
	struct page **pages;

	pages = kvcalloc(npages, sizeof(*pages), SACC_DEVMEM_GFP);
	if (!pages)
		return -ENOMEM;
	/* It fills the empty entries; it may stop short. */
	for (got = 0; got < npages; ) {
		i = alloc_pages_bulk(SACC_DEVMEM_GFP, npages, pages);
		if (i == got)
			goto free_pages;
		got = i;
	}
	smdev->devmem = vmap(pages, npages, VM_MAP | VM_USERMAP | VM_MAP_PUT_PAGES,
			     PAGE_KERNEL);
	if (smdev->devmem)
		return 0;
free_pages:
	for (i = 0; i < npages && pages[i]; i++)
		__free_page(pages[i]);
	kvfree(pages);
	return -ENOMEM;
}

/**
 * sacc_devmem_free() - free an instance's device memory
 * @smdev: the instance
 */
void sacc_devmem_free(struct sacc_mdev *smdev)
{
	vfree(smdev->devmem);
	smdev->devmem = NULL;
}

/**
 * sacc_devmem_clear() - zero the device memory
 * @smdev: the instance
 */
void sacc_devmem_clear(struct sacc_mdev *smdev)
{
	memset(smdev->devmem, 0, smdev->devmem_size);
}

/* Bytes a write takes from the user at a time; on the stack. */
#define SACC_DEVMEM_CHUNK	256

/*
 * Copy @count bytes from @buf into device memory at @mem. A fault in @buf stops it
 * with the bytes before the fault stored and none after (spec 9): copy_from_user()
 * straight into device memory would zero the rest of the destination.
 */
static int sacc_devmem_write(void *mem, const char __user *buf, size_t count)
{
	u8 chunk[SACC_DEVMEM_CHUNK];
	size_t done, n, left;

	for (done = 0; done < count; done += n) {
		n = min_t(size_t, count - done, sizeof(chunk));
		left = copy_from_user(chunk, buf + done, n);
		memcpy(mem + done, chunk, n - left);
		if (left)
			return -EFAULT;
	}
	return 0;
}

/**
 * sacc_devmem_rw() - a user's read or write of the device memory region
 * @smdev: the instance
 * @buf: user buffer
 * @count: bytes
 * @off: offset in the region
 * @write: direction
 *
 * Return: @count, or -EINVAL when [@off, @off + @count) leaves the region, or
 * -EFAULT when @buf faults (a write then stored the bytes before the fault).
 */
ssize_t sacc_devmem_rw(struct sacc_mdev *smdev, char __user *buf, size_t count,
		       u64 off, bool write)
{
	void *mem;
	int ret;

	if (off >= smdev->devmem_size || count > smdev->devmem_size - off)
		return -EINVAL;
	mem = smdev->devmem + off;
	if (write)
		ret = sacc_devmem_write(mem, buf, count);
	else
		ret = copy_to_user(buf, mem, count) ? -EFAULT : 0;
	return ret ? ret : count;
}

/**
 * sacc_devmem_mmap() - map (part of) the device memory into a user's address space
 * @smdev: the instance
 * @vma: the mapping
 * @pgoff: first page of the region to map
 *
 * Return: 0, or -EINVAL for a private mapping or one that leaves the region.
 */
int sacc_devmem_mmap(struct sacc_mdev *smdev, struct vm_area_struct *vma,
		     u64 pgoff)
{
	u64 npages = smdev->devmem_size >> PAGE_SHIFT;
	u64 len = vma->vm_end - vma->vm_start;

	if (!(vma->vm_flags & VM_SHARED))
		return -EINVAL;
	if (pgoff >= npages || len > (npages - pgoff) << PAGE_SHIFT)
		return -EINVAL;
	return remap_vmalloc_range(vma, smdev->devmem, pgoff);
}
