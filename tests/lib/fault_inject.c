// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel's fault injection for the VM suites (Documentation/fault-injection/):
 * the knobs of a fault attribute in debugfs (/sys/kernel/debug/failslab/, ...), with
 * their old values saved for the teardown; fail-nth of the calling thread; and the
 * address ranges the stack-trace filter takes (a module's text, one kernel
 * function), from /proc/modules and /proc/kallsyms (root: the addresses are hidden
 * from others).
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sacc_test.h"

static void knob_path(char *path, size_t len, const char *attr, const char *knob)
{
	snprintf(path, len, DEBUGFS_DIR "/%s/%s", attr, knob);
}

bool fault_attr_present(const char *attr)
{
	char path[PATH_MAX];

	knob_path(path, sizeof(path), attr, "probability");
	return access(path, F_OK) == 0;
}

int fault_knob_read(const char *attr, const char *knob, char *buf, size_t len)
{
	char path[PATH_MAX];

	knob_path(path, sizeof(path), attr, knob);
	return sysfs_read(path, buf, len);
}

int fault_knob_write(const char *attr, const char *knob, const char *val)
{
	char path[PATH_MAX];

	knob_path(path, sizeof(path), attr, knob);
	return sysfs_write(path, val);
}

int fault_knob_set(struct fault_knobs *s, const char *attr, const char *knob,
		   const char *val)
{
	struct fault_saved_knob *k = NULL;
	unsigned int i;
	int ret;

	for (i = 0; i < s->n; i++)
		if (!strcmp(s->k[i].attr, attr) && !strcmp(s->k[i].knob, knob))
			k = &s->k[i];
	if (!k) {
		if (s->n >= FAULT_MAX_SAVED)
			return -ENOSPC;
		k = &s->k[s->n];
		snprintf(k->attr, sizeof(k->attr), "%s", attr);
		snprintf(k->knob, sizeof(k->knob), "%s", knob);
		ret = fault_knob_read(attr, knob, k->val, sizeof(k->val));
		if (ret)
			return ret;
		s->n++;
	}
	return fault_knob_write(attr, knob, val);
}

int fault_knob_setf(struct fault_knobs *s, const char *attr, const char *knob,
		    const char *fmt, ...)
{
	char val[64];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return fault_knob_set(s, attr, knob, val);
}

int fault_knobs_restore(struct fault_knobs *s)
{
	unsigned int i;
	int ret, first = 0;

	/* Disarm first: nothing may fire while the other knobs go back. */
	for (i = 0; i < s->n; i++) {
		if (strcmp(s->k[i].knob, "probability"))
			continue;
		ret = fault_knob_write(s->k[i].attr, s->k[i].knob, s->k[i].val);
		first = first ?: ret;
	}
	for (i = s->n; i-- > 0; ) {
		if (!strcmp(s->k[i].knob, "probability"))
			continue;
		ret = fault_knob_write(s->k[i].attr, s->k[i].knob, s->k[i].val);
		first = first ?: ret;
	}
	s->n = 0;
	return first;
}

int fail_nth_open(void)
{
	int fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

int fail_nth_set(int fd, unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);
	ssize_t w = pwrite(fd, buf, len, 0);

	if (w < 0)
		return -errno;
	return w == len ? 0 : -EIO;
}

int fail_nth_get(int fd, unsigned int *n)
{
	char buf[16], *end;
	unsigned long v;
	ssize_t r = pread(fd, buf, sizeof(buf) - 1, 0);

	if (r < 0)
		return -errno;
	buf[r] = '\0';
	errno = 0;
	v = strtoul(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n') || v > UINT_MAX)
		return -EPROTO;
	*n = v;
	return 0;
}

/* A text symbol of /proc/kallsyms: t, T, w or W. */
static bool text_type(char type)
{
	type = tolower((unsigned char)type);
	return type == 't' || type == 'w';
}

/*
 * One line of /proc/kallsyms, "ADDR TYPE NAME[\t[MODULE]]", split in place (by hand:
 * a debug kernel lists some 200,000 symbols, read under TCG). *@mod is "" for the
 * kernel's own symbols. Return: parsed.
 */
static bool kallsyms_line(char *line, unsigned long *addr, char *type, const char **name,
			  const char **mod)
{
	char *p, *q;

	*addr = strtoul(line, &p, 16);
	if (p == line || p[0] != ' ' || !p[1] || p[2] != ' ')
		return false;
	*type = p[1];
	*name = p + 3;
	q = p + 3 + strcspn(p + 3, " \t\n");
	*mod = "";
	if (q[0] == '\t' && q[1] == '[') {
		*mod = q + 2;
		q[2 + strcspn(q + 2, "]")] = '\0';
	}
	*q = '\0';
	return true;
}

int module_text_range(const char *module, unsigned long *start, unsigned long *end)
{
	char line[512], name[128], type;
	unsigned long size, base = 0, addr, limit;
	const char *sym, *mod;
	bool found = false;
	FILE *f;

	f = fopen("/proc/modules", "re");
	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%127s %lu %*s %*s %*s %lx", name, &size, &base) == 3 &&
			!strcmp(name, module);
	fclose(f);
	if (!found)
		return -ENOENT;
	if (!base)
		return -EPERM;		/* the addresses are hidden (kptr_restrict) */
	limit = base + size;

	/*
	 * The size counts all of the module's memory, and its text is only the part
	 * at the base: another module's text inside [base, base + size) ends the range.
	 */
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		if (kallsyms_line(line, &addr, &type, &sym, &mod) && text_type(type) &&
		    addr > base && addr < limit && strcmp(mod, module))
			limit = addr;
	}
	fclose(f);
	*start = base;
	*end = limit;
	return 0;
}

int ksym_range(const char *sym, unsigned long *start, unsigned long *end)
{
	const char *name, *mod;
	char line[512], type;
	unsigned long addr, at = 0, next = ULONG_MAX;
	bool found = false;
	FILE *f;

	/* Two passes: /proc/kallsyms is not sorted across the kernel and modules. */
	f = fopen("/proc/kallsyms", "re");
	if (!f)
		return -errno;
	while (!found && fgets(line, sizeof(line), f)) {
		found = kallsyms_line(line, &addr, &type, &name, &mod) && text_type(type) &&
			!mod[0] && !strcmp(name, sym);
		at = addr;
	}
	if (!found || !at) {
		fclose(f);
		return found ? -EPERM : -ENOENT;	/* -EPERM: the addresses are hidden */
	}
	rewind(f);
	while (fgets(line, sizeof(line), f))
		if (kallsyms_line(line, &addr, &type, &name, &mod) && text_type(type) &&
		    addr > at && addr < next)
			next = addr;
	fclose(f);
	if (next == ULONG_MAX)
		return -ENOENT;
	*start = at;
	*end = next;
	return 0;
}
