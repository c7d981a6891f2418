// SPDX-License-Identifier: GPL-2.0
/*
 * Text and JSON output. JSON is built with json-c and laid out exactly as mdevctl
 * prints it (serde_json's pretty printer: two-space indent, "key": value, empty
 * arrays and objects as [] and {}), so that scripts and definition files written by
 * either tool compare equal.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

/*
 * json-c prints an empty array as "[\n<indent>]"; serde_json as "[]". A newline in
 * json-c's output is always layout (newlines inside strings are escaped), so an
 * opening bracket followed by a newline, spaces and the closing bracket is an empty
 * container and can be folded without looking at strings.
 */
static void fold_empty(char *s)
{
	char *in = s, *out = s, *p;

	while (*in) {
		if ((*in == '[' || *in == '{') && in[1] == '\n') {
			p = in + 2;
			while (*p == ' ')
				p++;
			if (*p == (*in == '[' ? ']' : '}')) {
				*out++ = *in;
				*out++ = *p;
				in = p + 1;
				continue;
			}
		}
		*out++ = *in++;
	}
	*out = '\0';
}

/* OBJ as mdevctl prints it, without a final newline; malloc'ed, NULL if out of memory. */
char *json_format(json_object *obj)
{
	const char *s = json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_SPACED |
						       JSON_C_TO_STRING_NOSLASHESCAPE);
	char *copy = s ? strdup(s) : NULL;

	if (copy)
		fold_empty(copy);
	return copy;
}

int json_print(json_object *obj)
{
	char *s = json_format(obj);

	if (!s)
		return -1;
	printf("%s\n", s);
	free(s);
	return 0;
}

/* {"mdev_type": T, "start": "auto"|"manual", "attrs": [{name: value}...]}, the
 * definition file format; with_uuid wraps it as {uuid: {...}}. NULL if out of memory. */
json_object *mdev_to_json(const struct mdev *dev, int with_uuid)
{
	json_object *o = json_object_new_object(), *attrs = json_object_new_array(), *a, *w;
	size_t i;

	if (!o || !attrs)
		goto fail;
	json_object_object_add(o, "mdev_type", json_object_new_string(dev->type));
	json_object_object_add(o, "start",
			       json_object_new_string(dev->autostart ? "auto" : "manual"));
	for (i = 0; i < dev->nattrs; i++) {
		a = json_object_new_object();
		if (!a)
			goto fail;
		json_object_object_add(a, dev->attrs[i].name,
				       json_object_new_string(dev->attrs[i].value));
		json_object_array_add(attrs, a);
	}
	json_object_object_add(o, "attrs", attrs);
	if (!with_uuid)
		return o;
	w = json_object_new_object();
	if (!w) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_add(w, dev->uuid, o);
	return w;
fail:
	json_object_put(attrs);
	json_object_put(o);
	return NULL;
}

/* [{parent: [{uuid: {...}}, ...], ...}] for a sorted LIST; [] when it is empty. */
json_object *mdev_list_to_json(const struct mdev_list *list)
{
	json_object *top = json_object_new_array(), *parents, *devs = NULL;
	const char *cur = NULL;
	size_t i;

	if (!top || !list->count)
		return top;
	parents = json_object_new_object();
	if (!parents)
		goto fail;
	json_object_array_add(top, parents);
	for (i = 0; i < list->count; i++) {
		const struct mdev *d = &list->devs[i];
		json_object *j;

		if (!cur || strcmp(cur, d->parent)) {
			devs = json_object_new_array();
			if (!devs)
				goto fail;
			json_object_object_add(parents, d->parent, devs);
			cur = d->parent;
		}
		j = mdev_to_json(d, 1);
		if (!j)
			goto fail;
		json_object_array_add(devs, j);
	}
	return top;
fail:
	json_object_put(top);
	return NULL;
}

/* DEV's definition object on one line, as mdevctl gives it to callouts; malloc'ed. */
char *mdev_json_line(const struct mdev *dev)
{
	json_object *j = mdev_to_json(dev, 0);
	const char *s = j ? json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN |
							 JSON_C_TO_STRING_NOSLASHESCAPE) : NULL;
	char *copy = s ? strdup(s) : NULL;

	json_object_put(j);
	return copy;
}

/*
 * "<uuid> <parent> <type> auto|manual", then " (defined)" for an active device that
 * also has a definition, or " (active)" for a definition that is running; -v adds
 * the attributes as mdevctl shows them: "    @{N}: {"name":"value"}".
 */
void mdev_print_text(const struct mdev *dev, int defined_view, int verbose)
{
	size_t i;

	printf("%s %s %s %s", dev->uuid, dev->parent, dev->type,
	       dev->autostart ? "auto" : "manual");
	if (defined_view && dev->active)
		printf(" (active)");
	else if (!defined_view && dev->defined)
		printf(" (defined)");
	putchar('\n');
	if (!verbose || !dev->nattrs)
		return;
	printf("  Attrs:\n");
	for (i = 0; i < dev->nattrs; i++)
		printf("    @{%zu}: {\"%s\":\"%s\"}\n", i, dev->attrs[i].name,
		       dev->attrs[i].value);
}
