/* SPDX-License-Identifier: GPL-2.0 */
/* Definitions: /etc/mdevctl.d/<parent>/<uuid>, in mdevctl's JSON format. */
#ifndef MDEVCTL_LITE_DEFS_H
#define MDEVCTL_LITE_DEFS_H

#include <stddef.h>

#include <json-c/json.h>

#include "mdev.h"

/* The descriptor of the definitions lock, passed on to callout scripts. */
#define DEFS_LOCK_ENV "MDEVCTL_LITE_LOCK_FD"

int defs_lock(void);
void defs_unlock(int fd);

json_object *defs_parse_json(const char *text, size_t len, char *err, size_t errlen);
int defs_parse_file(const char *path, struct mdev *dev, char *err, size_t errlen);
int defs_parse_jsonfile(const char *path, struct mdev *dev, char *err, size_t errlen);
int defs_attrs_from_json(json_object *attrs, struct mdev *dev, char *err, size_t errlen);
int defs_list(const char *uuid, const char *parent, struct mdev_list *out);
int defs_find_one(const char *uuid, const char *parent, struct mdev *out);
void defs_report_missing(const char *uuid, const char *parent);
int defs_write(const struct mdev *dev);
int defs_remove(const char *parent, const char *uuid);

#endif
