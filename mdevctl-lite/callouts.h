/* SPDX-License-Identifier: GPL-2.0 */
/* Callout and notifier scripts, run with mdevctl's arguments, input and rules. */
#ifndef MDEVCTL_LITE_CALLOUTS_H
#define MDEVCTL_LITE_CALLOUTS_H

#include <stddef.h>

#include "mdev.h"

/* What a script is told is happening (its -a); the order is mdevctl's. */
enum callout_action {
	CALLOUT_START,
	CALLOUT_STOP,
	CALLOUT_DEFINE,
	CALLOUT_UNDEFINE,
	CALLOUT_MODIFY,
	CALLOUT_ATTRIBUTES,
	CALLOUT_CAPABILITIES,
	CALLOUT_NR_ACTIONS,
};

/* The operation the callouts surround: 0 or a negative errno (it prints its errors). */
typedef int (*callout_op)(struct mdev *dev, void *ctx);

int callout_invoke(struct mdev *dev, enum callout_action action, int force,
		   callout_op op, void *ctx);
int callout_get_attributes(struct mdev *dev, char *why, size_t whylen);
int callout_modify_live(const struct mdev *dev);
void callout_cache_free(void);

#endif
