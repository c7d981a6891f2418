/* SPDX-License-Identifier: GPL-2.0 */
/* One filesystem root for every path the tool touches. */
#ifndef MDEVCTL_LITE_ENV_H
#define MDEVCTL_LITE_ENV_H

#include <stddef.h>

/* Where things are, relative to the root (the same places mdevctl uses). */
#define ENV_PARENT_BASE "/sys/class/mdev_bus"	/* registered parents */
#define ENV_MDEV_BASE "/sys/bus/mdev/devices"	/* active devices */
#define ENV_CONFIG_BASE "/etc/mdevctl.d"	/* definitions: <parent>/<uuid> */
/* Callout and notifier scripts: mdevctl 1.4's place first, then 1.2's (also 1.4's). */
#define ENV_SCRIPTS_BASE "/usr/lib/mdevctl/scripts.d"
#define ENV_OLD_SCRIPTS_BASE ENV_CONFIG_BASE "/scripts.d"
#define ENV_SCRIPTS_DIR "scripts.d"	/* in ENV_CONFIG_BASE: not a parent */

/*
 * env_path() - build ROOT + FORMAT... into BUF, where ROOT is $MDEVCTL_ENV_ROOT
 * (empty when unset: the real /). Returns 0, or -1 if it does not fit.
 */
int env_path(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
