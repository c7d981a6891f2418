// SPDX-License-Identifier: GPL-2.0
/*
 * sacc_bench_kmemcpy - the in-kernel memcpy baseline of make bench (B1). Not part of
 * the product: loaded only in the benchmark VM.
 *
 * /sys/kernel/debug/sacc_bench_kmemcpy: write "SIZE REPS" (SIZE 1 B - 16 MiB, REPS
 * 1 - 1000000), then read back "SIZE REPS NS": the nanoseconds REPS memcpy()s of
 * SIZE bytes took between two buffers of this module, vmalloc()ed and pre-faulted
 * at load. That is what the engine would reach if it copied straight from one
 * kernel mapping to another with no translation, bounce page or lock.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>

#define KMEMCPY_MAX	(16u << 20)

static void *src, *dst;
static struct dentry *file;
static DEFINE_MUTEX(lock);
static char result[64];

static ssize_t kmemcpy_write(struct file *f, const char __user *ubuf, size_t len,
			     loff_t *ppos)
{
	unsigned int size, reps, i;
	char buf[32];
	u64 t0, t1;

	if (len >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, len))
		return -EFAULT;
	buf[len] = '\0';
	if (sscanf(buf, "%u %u", &size, &reps) != 2 || !size || size > KMEMCPY_MAX ||
	    !reps || reps > 1000000)
		return -EINVAL;

	mutex_lock(&lock);
	t0 = ktime_get_ns();
	for (i = 0; i < reps; i++) {
		memcpy(dst, src, size);
		/* Keep the compiler from merging the copies. */
		barrier();
		cond_resched();
	}
	t1 = ktime_get_ns();
	snprintf(result, sizeof(result), "%u %u %llu\n", size, reps, t1 - t0);
	mutex_unlock(&lock);
	return len;
}

static ssize_t kmemcpy_read(struct file *f, char __user *ubuf, size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&lock);
	ret = simple_read_from_buffer(ubuf, len, ppos, result, strlen(result));
	mutex_unlock(&lock);
	return ret;
}

static const struct file_operations kmemcpy_fops = {
	.owner = THIS_MODULE,
	.read = kmemcpy_read,
	.write = kmemcpy_write,
	.llseek = default_llseek,
};

static int __init kmemcpy_init(void)
{
	src = vmalloc(KMEMCPY_MAX);
	dst = vmalloc(KMEMCPY_MAX);
	if (!src || !dst) {
		vfree(src);
		vfree(dst);
		return -ENOMEM;
	}
	memset(src, 0x5a, KMEMCPY_MAX);
	memset(dst, 0, KMEMCPY_MAX);
	file = debugfs_create_file("sacc_bench_kmemcpy", 0600, NULL, NULL, &kmemcpy_fops);
	return 0;
}

static void __exit kmemcpy_exit(void)
{
	debugfs_remove(file);
	vfree(src);
	vfree(dst);
}

module_init(kmemcpy_init);
module_exit(kmemcpy_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("sacc benchmark only: in-kernel memcpy baseline");
