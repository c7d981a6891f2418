// SPDX-License-Identifier: GPL-2.0
/*
 * define: write a persistent definition. The parent and type come from -p/-t, from
 * a --jsonfile, or (for -u of an active device) from the running device. An existing
 * definition is never overwritten: modify changes it, undefine deletes it.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "defs.h"
#include "env.h"
#include "sysfs.h"

static void define_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s define -p PARENT -t TYPE [-u UUID] [-a]\n"
		"       %s define -p PARENT --jsonfile FILE [-u UUID]\n"
		"       %s define -u UUID [-p PARENT] [-t TYPE] [-a]   (UUID active)\n"
		"\n"
		"Write a persistent definition to /etc/mdevctl.d/PARENT/UUID. For an active\n"
		"device, parent and type default to the running device's. Without --uuid a\n"
		"random UUID is used and printed. Running devices are not changed.\n"
		"\n"
		"Options:\n"
		"  -u, --uuid UUID      the device's UUID\n"
		"  -p, --parent PARENT  the parent device\n"
		"  -t, --type TYPE      the mdev type\n"
		"  -a, --auto           start automatically when the parent appears\n"
		"      --jsonfile FILE  type, start mode and attributes from FILE\n"
		"  -h, --help           show this help\n",
		progname, progname, progname);
}

/* Parent and type from the options, or from the active device UUID. */
static int from_options(struct mdev *dev, const char *uuid, const char *parent,
			const char *type)
{
	struct mdev active;

	if (uuid[0] && !active_lookup(uuid, &active)) {
		dev->parent = active.parent;
		dev->type = active.type;
		active.parent = active.type = NULL;
		mdev_clear(&active);
	}
	if ((parent && mdev_set(&dev->parent, parent)) || (type && mdev_set(&dev->type, type)))
		return -ENOMEM;
	if (!dev->parent || !dev->type) {
		errorf("device %s is not active: give --parent and --type to define it", uuid);
		return -EINVAL;
	}
	return 0;
}

static int define_locked(struct mdev *dev, const char *uuid, const char *parent,
			 const char *type, const char *jsonfile)
{
	char path[PATH_MAX], err[256];
	int ret;

	if (jsonfile) {
		ret = defs_parse_jsonfile(jsonfile, dev, err, sizeof(err));
		if (ret) {
			errorf("cannot use --jsonfile %s: %s", jsonfile, err);
			return ret;
		}
		ret = mdev_set(&dev->parent, parent);
	} else {
		ret = from_options(dev, uuid, parent, type);
	}
	if (ret)
		return ret;
	if (env_path(path, sizeof(path), ENV_CONFIG_BASE "/%s/%s", dev->parent, dev->uuid))
		return -ENAMETOOLONG;
	if (!access(path, F_OK)) {
		errorf("device %s is already defined on parent %s (use modify to change it)",
		       dev->uuid, dev->parent);
		return -EEXIST;
	}
	return defs_write(dev);
}

int cmd_define(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uuid", required_argument, NULL, 'u' },
		{ "parent", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "auto", no_argument, NULL, 'a' },
		{ "jsonfile", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *jsonfile = NULL;
	struct device_sel sel = { 0 };
	struct mdev dev = { 0 };
	int c, autostart = 0, lock, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:p:t:ah", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			autostart = 1;
			break;
		case 'j':
			jsonfile = optarg;
			break;
		case 'h':
			define_usage(stdout);
			return EXIT_OK;
		default:
			if (device_option(&sel, argv, c))
				return EXIT_USAGE;
		}
	}
	if (no_more_args(argc, argv))
		return EXIT_USAGE;
	if (jsonfile && (sel.type || autostart)) {
		errorf("%s: --jsonfile excludes --type and --auto (the file holds them)", argv[0]);
		return EXIT_USAGE;
	}
	if (!sel.parent && (jsonfile || !sel.uuid[0])) {
		errorf("%s: --parent is required%s", argv[0],
		       jsonfile ? " with --jsonfile" : " unless --uuid names an active device");
		return EXIT_USAGE;
	}
	if (!sel.type && !jsonfile && !sel.uuid[0]) {
		errorf("%s: --type (or --jsonfile) is required", argv[0]);
		return EXIT_USAGE;
	}

	if (sel.uuid[0])
		memcpy(dev.uuid, sel.uuid, sizeof(sel.uuid));
	else
		uuid_generate_str(dev.uuid);
	dev.autostart = autostart;
	lock = defs_lock();
	if (lock < 0)
		return EXIT_FAILED;
	ret = define_locked(&dev, sel.uuid, sel.parent, sel.type, jsonfile);
	defs_unlock(lock);
	if (!ret && !sel.uuid[0])
		printf("%s\n", dev.uuid);
	mdev_clear(&dev);
	return ret ? EXIT_FAILED : EXIT_OK;
}
