/* SPDX-License-Identifier: GPL-2.0 */
/* Printing devices as text and JSON, in mdevctl's formats, through one path. */
#ifndef MDEVCTL_LITE_OUTPUT_H
#define MDEVCTL_LITE_OUTPUT_H

#include <json-c/json.h>

#include "mdev.h"

char *json_format(json_object *obj);
int json_print(json_object *obj);

json_object *mdev_to_json(const struct mdev *dev, int with_uuid);
char *mdev_json_line(const struct mdev *dev);
json_object *mdev_list_to_json(const struct mdev_list *list);
void mdev_print_text(const struct mdev *dev, int defined_view, int verbose);

#endif
