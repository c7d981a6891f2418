// SPDX-License-Identifier: GPL-2.0
/*
 * start (alias create): create a device, either
 *   - from its definition: -u UUID [-p PARENT] [-t TYPE], or
 *   - fully given: -p PARENT -t TYPE [-u UUID], or -p PARENT --jsonfile FILE [-u UUID].
 * Without -u a random UUID is used and printed, as mdevctl does.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "defs.h"
#include "lifecycle.h"

static void start_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s start -u UUID [-p PARENT] [-t TYPE] [-f]\n"
		"       %s start -p PARENT -t TYPE [-u UUID] [-f]\n"
		"       %s start -p PARENT --jsonfile FILE [-u UUID] [-f]\n"
		"\n"
		"Create a mediated device: a defined one by its UUID, or one described by\n"
		"parent and type (or a JSON definition). Without --uuid a random UUID is\n"
		"used and printed. Attributes are written after the device is created; if one\n"
		"fails, the device is removed again.\n"
		"\n"
		"Options:\n"
		"  -u, --uuid UUID      the device's UUID\n"
		"  -p, --parent PARENT  the parent device\n"
		"  -t, --type TYPE      the mdev type\n"
		"      --jsonfile FILE  type, start mode and attributes from FILE\n"
		"                       (mdevctl's definition format; - is stdin)\n"
		"  -f, --force          start it even if a callout script refuses\n"
		"  -h, --help           show this help\n",
		progname, progname, progname);
}

/*
 * What to start for -u UUID: its definition if there is one (as mdevctl does, even
 * when -p and -t are given too; a -t that disagrees with it is an error), else what
 * -p and -t say.
 */
static int resolve_uuid(struct mdev *dev, const char *uuid, const char *parent,
			const char *type)
{
	int ret = defs_find_one(uuid, parent, dev);

	if (!ret && type && strcmp(type, dev->type)) {
		errorf("device %s is defined on parent %s with type %s, not %s", uuid,
		       dev->parent, dev->type, type);
		return -EINVAL;
	}
	if (ret != -ENOENT)
		return ret;
	if (parent && type) {
		ret = mdev_set(&dev->parent, parent);
		return ret ? ret : mdev_set(&dev->type, type);
	}
	defs_report_missing(uuid, parent);
	errorf("give --parent and --type to start it without a definition");
	return -ENOENT;
}

int cmd_start(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uuid", required_argument, NULL, 'u' },
		{ "parent", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "jsonfile", required_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *jsonfile = NULL;
	struct device_sel sel = { 0 };
	char err[256];
	struct mdev dev = { 0 };
	int c, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:p:t:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			jsonfile = optarg;
			break;
		case 'h':
			start_usage(stdout);
			return EXIT_OK;
		default:
			if (device_option(&sel, argv, c))
				return EXIT_USAGE;
		}
	}
	if (no_more_args(argc, argv))
		return EXIT_USAGE;
	if (jsonfile && sel.type) {
		errorf("%s: --type and --jsonfile exclude each other (the file names the type)",
		       argv[0]);
		return EXIT_USAGE;
	}
	if (!sel.uuid[0] && !sel.parent) {
		errorf("%s: give --uuid of a defined device, or --parent and --type (see '%s --help')",
		       argv[0], command_line(argv[0]));
		return EXIT_USAGE;
	}

	/* What mdevctl's options allow but cannot start fails like a start (status 1). */
	if (jsonfile && !sel.parent) {
		errorf("cannot start a device from --jsonfile %s: no --parent given", jsonfile);
		ret = -EINVAL;
	} else if (!sel.uuid[0] && !sel.type && !jsonfile) {
		errorf("cannot start a device on parent %s: no --type (or --jsonfile) given",
		       sel.parent);
		ret = -EINVAL;
	} else if (jsonfile) {
		ret = defs_parse_jsonfile(jsonfile, &dev, err, sizeof(err));
		if (ret)
			errorf("cannot use --jsonfile %s: %s", jsonfile, err);
		else
			ret = mdev_set(&dev.parent, sel.parent);
	} else if (sel.uuid[0]) {
		ret = resolve_uuid(&dev, sel.uuid, sel.parent, sel.type);
	} else {
		ret = mdev_set(&dev.parent, sel.parent);
		if (!ret)
			ret = mdev_set(&dev.type, sel.type);
	}
	if (!ret) {
		if (sel.uuid[0])
			memcpy(dev.uuid, sel.uuid, sizeof(sel.uuid));
		else
			uuid_generate_str(dev.uuid);
		ret = mdev_start(&dev, sel.force);
	}
	if (!ret && !sel.uuid[0])
		printf("%s\n", dev.uuid);
	mdev_clear(&dev);
	return ret ? EXIT_FAILED : EXIT_OK;
}
