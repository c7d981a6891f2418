/* SPDX-License-Identifier: GPL-2.0 */
/* Starting and stopping devices, with the checks and messages users need. */
#ifndef MDEVCTL_LITE_LIFECYCLE_H
#define MDEVCTL_LITE_LIFECYCLE_H

#include "mdev.h"

int mdev_start(struct mdev *dev, int force);
int mdev_stop(const char *uuid, int force);

#endif
