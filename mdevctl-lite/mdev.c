// SPDX-License-Identifier: GPL-2.0
/* The device model shared by the sysfs and definition code: UUIDs, attributes, lists. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <uuid/uuid.h>

#include "mdev.h"

/* Accept any case; store the lower-case hyphenated form, which sysfs and mdevctl use. */
int uuid_canonical(const char *in, char out[UUID_STR_LEN])
{
	uuid_t u;

	if (uuid_parse(in, u))
		return -EINVAL;
	uuid_unparse_lower(u, out);
	return 0;
}

void uuid_generate_str(char out[UUID_STR_LEN])
{
	uuid_t u;

	uuid_generate_random(u);
	uuid_unparse_lower(u, out);
}

/* Replace a malloc'ed string field. */
int mdev_set(char **field, const char *value)
{
	char *copy = strdup(value);

	if (!copy)
		return -ENOMEM;
	free(*field);
	*field = copy;
	return 0;
}

/* Insert NAME=VALUE before position INDEX (INDEX == nattrs appends). */
int mdev_attr_insert(struct mdev *dev, size_t index, const char *name, const char *value)
{
	struct mdev_attr *a;
	char *n, *v;

	if (index > dev->nattrs)
		return -EINVAL;
	a = realloc(dev->attrs, (dev->nattrs + 1) * sizeof(*a));
	if (!a)
		return -ENOMEM;
	dev->attrs = a;
	n = strdup(name);
	v = strdup(value);
	if (!n || !v) {
		free(n);
		free(v);
		return -ENOMEM;
	}
	memmove(&a[index + 1], &a[index], (dev->nattrs - index) * sizeof(*a));
	a[index].name = n;
	a[index].value = v;
	dev->nattrs++;
	return 0;
}

void mdev_attr_delete(struct mdev *dev, size_t index)
{
	free(dev->attrs[index].name);
	free(dev->attrs[index].value);
	memmove(&dev->attrs[index], &dev->attrs[index + 1],
		(dev->nattrs - index - 1) * sizeof(*dev->attrs));
	dev->nattrs--;
}

void mdev_clear(struct mdev *dev)
{
	while (dev->nattrs)
		mdev_attr_delete(dev, dev->nattrs - 1);
	free(dev->attrs);
	free(dev->parent);
	free(dev->type);
	memset(dev, 0, sizeof(*dev));
}

int mdev_copy(struct mdev *dst, const struct mdev *src)
{
	size_t i;

	memset(dst, 0, sizeof(*dst));
	memcpy(dst->uuid, src->uuid, sizeof(dst->uuid));
	dst->autostart = src->autostart;
	dst->active = src->active;
	dst->defined = src->defined;
	if ((src->parent && mdev_set(&dst->parent, src->parent)) ||
	    (src->type && mdev_set(&dst->type, src->type)))
		goto nomem;
	for (i = 0; i < src->nattrs; i++)
		if (mdev_attr_insert(dst, i, src->attrs[i].name, src->attrs[i].value))
			goto nomem;
	return 0;
nomem:
	mdev_clear(dst);
	return -ENOMEM;
}

/* A new zeroed entry at the end of LIST, or NULL when memory runs out. */
struct mdev *mdev_list_add(struct mdev_list *list)
{
	struct mdev *d = realloc(list->devs, (list->count + 1) * sizeof(*d));

	if (!d)
		return NULL;
	list->devs = d;
	memset(&d[list->count], 0, sizeof(*d));
	return &d[list->count++];
}

/* mdevctl's order: by parent name, then by UUID (canonical strings sort like UUIDs). */
static int cmp_mdev(const void *a, const void *b)
{
	const struct mdev *x = a, *y = b;
	int c = strcmp(x->parent, y->parent);

	return c ? c : strcmp(x->uuid, y->uuid);
}

void mdev_list_sort(struct mdev_list *list)
{
	if (list->count)
		qsort(list->devs, list->count, sizeof(*list->devs), cmp_mdev);
}

void mdev_list_free(struct mdev_list *list)
{
	size_t i;

	for (i = 0; i < list->count; i++)
		mdev_clear(&list->devs[i]);
	free(list->devs);
	list->devs = NULL;
	list->count = 0;
}
