// SPDX-License-Identifier: GPL-2.0
/*
 * Loading and unloading sacc.ko from a suite: the module file is
 * $SACC_MODULE_DIR/sacc.ko (tests/vm/run.sh sets it in the guest), loaded with
 * finit_module(2) and unloaded with delete_module(2) without waiting, as rmmod does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "sacc_test.h"

#define SACC_PARAMS_DIR	"/sys/module/sacc/parameters"

int sacc_module_path(char *out, size_t len)
{
	const char *dir = getenv("SACC_MODULE_DIR");

	if (!dir)
		return -ENOENT;
	snprintf(out, len, "%s/sacc.ko", dir);
	return access(out, R_OK) ? -errno : 0;
}

int sacc_module_load(const char *params)
{
	char path[PATH_MAX];
	int fd, ret;

	ret = sacc_module_path(path, sizeof(path));
	if (ret)
		return ret;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (syscall(SYS_finit_module, fd, params, 0))
		ret = -errno;
	close(fd);
	return ret;
}

int sacc_module_unload(void)
{
	return syscall(SYS_delete_module, "sacc", O_NONBLOCK) ? -errno : 0;
}

bool sacc_module_loaded(void)
{
	return !access("/sys/module/sacc", F_OK);
}

int sacc_module_params(char *out, size_t len)
{
	char path[PATH_MAX], val[128];
	struct dirent *de;
	size_t used = 0;
	DIR *d;

	d = opendir(SACC_PARAMS_DIR);
	if (!d)
		return -errno;
	out[0] = '\0';
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), SACC_PARAMS_DIR "/%s", de->d_name);
		if (sysfs_read(path, val, sizeof(val)))
			continue;
		used += snprintf(out + used, len - used, "%s%s=%s", used ? " " : "",
				 de->d_name, val);
		if (used >= len) {
			closedir(d);
			return -ENAMETOOLONG;
		}
	}
	closedir(d);
	return 0;
}
