// SPDX-License-Identifier: GPL-2.0
/*
 * Every path comes from here. MDEVCTL_ENV_ROOT, the variable mdevctl itself uses,
 * moves the whole tree (sysfs and /etc/mdevctl.d) under another root, which is how
 * the tests run the tool over fake sysfs trees.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "env.h"

int env_path(char *buf, size_t len, const char *fmt, ...)
{
	const char *root = getenv("MDEVCTL_ENV_ROOT");
	va_list ap;
	int n, m;

	if (!root)
		root = "";
	n = snprintf(buf, len, "%s", root);
	if (n < 0 || (size_t)n >= len)
		return -1;
	va_start(ap, fmt);
	m = vsnprintf(buf + n, len - n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= len - n)
		return -1;
	return 0;
}
