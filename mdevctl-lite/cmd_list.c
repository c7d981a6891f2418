// SPDX-License-Identifier: GPL-2.0
/*
 * list: active devices (default) or definitions (--defined), as text or as JSON in
 * mdevctl's layout. With --uuid and exactly one match, --dumpjson prints just that
 * device's definition object, which can be saved as a definition or a --jsonfile.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "callouts.h"
#include "commands.h"
#include "defs.h"
#include "output.h"
#include "sysfs.h"

static void list_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s [-d] [--dumpjson] [-v] [-u UUID] [-p PARENT] [-t TYPE]\n"
		"\n"
		"List active mediated devices, or with --defined the defined ones. Attributes\n"
		"of active devices are those their callout scripts report.\n"
		"\n"
		"Options:\n"
		"  -d, --defined        list definitions instead of active devices\n"
		"      --dumpjson       print JSON (mdevctl's format)\n"
		"  -v, --verbose        show attributes too\n"
		"  -u, --uuid UUID      only this device\n"
		"  -p, --parent PARENT  only devices of this parent\n"
		"  -t, --type TYPE      only devices of this mdev type\n"
		"  -h, --help           show this help\n",
		command_line("list"));
}

/* Active devices know whether a definition exists and take its start mode. */
static int add_definitions(struct mdev_list *list)
{
	struct mdev_list defs;
	size_t i, j;
	int ret;

	ret = defs_list(NULL, NULL, &defs);
	if (ret)
		return ret;
	for (i = 0; i < list->count; i++) {
		struct mdev *d = &list->devs[i];

		for (j = 0; j < defs.count; j++) {
			if (strcmp(defs.devs[j].uuid, d->uuid) ||
			    strcmp(defs.devs[j].parent, d->parent))
				continue;
			d->defined = 1;
			d->autostart = defs.devs[j].autostart;
		}
	}
	mdev_list_free(&defs);
	return 0;
}

/*
 * The attributes that the callout scripts report for each active device (mdevctl 1.4
 * shows them too). A script that fails is reported and its device listed without.
 */
static void add_callout_attributes(struct mdev_list *list)
{
	char why[512];
	size_t i;
	int ret;

	for (i = 0; i < list->count; i++) {
		ret = callout_get_attributes(&list->devs[i], why, sizeof(why));
		if (ret && ret != -EOPNOTSUPP)
			errorf("warning: listing device %s without the attributes of its callout: %s",
			       list->devs[i].uuid, why);
	}
}

/* Keep only the devices of PARENT and of TYPE (each when not NULL). */
static void filter(struct mdev_list *list, const char *parent, const char *type)
{
	size_t i, n = 0;

	for (i = 0; i < list->count; i++) {
		struct mdev *d = &list->devs[i];

		if ((parent && strcmp(d->parent, parent)) || (type && strcmp(d->type, type)))
			mdev_clear(d);
		else
			list->devs[n++] = *d;
	}
	list->count = n;
}

/* Nothing matched a parent that differs only in case from one that exists: say so. */
static void hint_parent(const char *parent)
{
	struct name_list parents;
	const char *hint;

	if (parents_list(&parents))
		return;
	hint = parent_suggest(&parents, parent);
	if (hint && strcmp(hint, parent))
		errorf("no device on parent '%s'; did you mean '%s'?", parent, hint);
	name_list_free(&parents);
}

int cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "defined", no_argument, NULL, 'd' },
		{ "dumpjson", no_argument, NULL, 'J' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "uuid", required_argument, NULL, 'u' },
		{ "parent", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct device_sel sel = { 0 };
	int c, defined = 0, json = 0, verbose = 0, ret;
	struct mdev_list list;
	json_object *j;
	size_t i;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":dvu:p:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			defined = 1;
			break;
		case 'J':
			json = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		case 'h':
			list_usage(stdout);
			return EXIT_OK;
		default:
			if (device_option(&sel, argv, c))
				return EXIT_USAGE;
		}
	}
	if (no_more_args(argc, argv))
		return EXIT_USAGE;

	if (defined) {
		ret = defs_list(sel.uuid[0] ? sel.uuid : NULL, sel.parent, &list);
	} else {
		ret = active_list(sel.uuid[0] ? sel.uuid : NULL, &list);
		if (!ret)
			ret = add_definitions(&list);
	}
	if (ret) {
		errorf("cannot list the %s devices: %s", defined ? "defined" : "active",
		       strerror(-ret));
		mdev_list_free(&list);
		return EXIT_FAILED;
	}
	filter(&list, sel.parent, sel.type);
	mdev_list_sort(&list);
	if (!defined)
		add_callout_attributes(&list);
	if (sel.parent && !list.count)
		hint_parent(sel.parent);

	ret = 0;
	if (json) {
		/* One device asked for by UUID prints as a bare definition object. */
		if (sel.uuid[0] && list.count == 1)
			j = mdev_to_json(&list.devs[0], 0);
		else
			j = mdev_list_to_json(&list);
		ret = j ? json_print(j) : -1;
		json_object_put(j);
		if (ret)
			errorf("out of memory printing JSON");
	} else {
		for (i = 0; i < list.count; i++)
			mdev_print_text(&list.devs[i], defined, verbose);
	}
	mdev_list_free(&list);
	return ret ? EXIT_FAILED : EXIT_OK;
}
