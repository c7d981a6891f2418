// SPDX-License-Identifier: GPL-2.0
/*
 * undefine: delete definitions of a UUID (all parents, or -p's); running devices stay.
 * Each deletion runs the callouts; one that fails or is refused leaves the others.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "callouts.h"
#include "commands.h"
#include "defs.h"

static void undefine_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s undefine -u UUID [-p PARENT] [-f]\n"
		"\n"
		"Delete the definition of a device; if the UUID is defined under several\n"
		"parents, all of them unless --parent is given. Running devices are not\n"
		"changed.\n"
		"\n"
		"Options:\n"
		"  -u, --uuid UUID      the device\n"
		"  -p, --parent PARENT  only its definition under this parent\n"
		"  -f, --force          delete it even if a callout script refuses\n"
		"  -h, --help           show this help\n",
		progname);
}

static int remove_definition(struct mdev *dev, void *ctx)
{
	(void)ctx;
	return defs_remove(dev->parent, dev->uuid);
}

static int undefine_locked(const char *uuid, const char *parent, int force)
{
	struct mdev_list defs;
	size_t i;
	int ret;

	ret = defs_list(uuid, parent, &defs);
	if (ret) {
		errorf("cannot read the definitions: %s", strerror(-ret));
		return ret;
	}
	if (!defs.count) {
		defs_report_missing(uuid, parent);
		ret = -1;
	}
	for (i = 0; i < defs.count; i++)
		if (callout_invoke(&defs.devs[i], CALLOUT_UNDEFINE, force, remove_definition, NULL))
			ret = -1;
	mdev_list_free(&defs);
	return ret;
}

int cmd_undefine(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uuid", required_argument, NULL, 'u' },
		{ "parent", required_argument, NULL, 'p' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct device_sel sel = { 0 };
	int c, lock, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:p:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			undefine_usage(stdout);
			return EXIT_OK;
		default:
			if (device_option(&sel, argv, c))
				return EXIT_USAGE;
		}
	}
	if (no_more_args(argc, argv))
		return EXIT_USAGE;
	if (need_uuid(argv, &sel))
		return EXIT_USAGE;
	lock = defs_lock();
	if (lock < 0)
		return EXIT_FAILED;
	ret = undefine_locked(sel.uuid, sel.parent, sel.force);
	defs_unlock(lock);
	return ret ? EXIT_FAILED : EXIT_OK;
}
