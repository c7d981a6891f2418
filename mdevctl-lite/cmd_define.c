// SPDX-License-Identifier: GPL-2.0
/*
 * define: write a persistent definition. The parent and type come from -p/-t, from
 * a --jsonfile, or (for -u of an active device without -p and -t) from the running
 * device. An existing definition is never overwritten: modify changes it, undefine
 * deletes it. The callouts run around the write; for an active device the
 * attributes its callout reports are written too, as mdevctl does.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "callouts.h"
#include "commands.h"
#include "defs.h"
#include "env.h"
#include "sysfs.h"

static void define_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s define -p PARENT -t TYPE [-u UUID] [-a] [-f]\n"
		"       %s define -p PARENT --jsonfile FILE [-u UUID] [-f]\n"
		"       %s define -u UUID [-p PARENT [-t TYPE]] [-a] [-f]   (UUID active)\n"
		"\n"
		"Write a persistent definition to /etc/mdevctl.d/PARENT/UUID. For an active\n"
		"device, parent and type default to the running device's (a --type needs a\n"
		"--parent). Without --uuid a random UUID is used and printed. Running devices\n"
		"are not changed.\n"
		"\n"
		"Options:\n"
		"  -u, --uuid UUID      the device's UUID\n"
		"  -p, --parent PARENT  the parent device\n"
		"  -t, --type TYPE      the mdev type\n"
		"  -a, --auto           start automatically when the parent appears\n"
		"      --jsonfile FILE  type, start mode and attributes from FILE (- is stdin)\n"
		"  -f, --force          define it even if a callout script refuses\n"
		"  -h, --help           show this help\n",
		progname, progname, progname);
}

/* Whether the device being defined runs: its callout then reports its attributes. */
struct define_ctx {
	int active;
};

/*
 * Parent and type from the options, or from the active device UUID. Without -p
 * mdevctl takes the running device's parent only when -t is not given either.
 */
static int from_options(struct mdev *dev, const char *uuid, const char *parent,
			const char *type, int *active)
{
	struct mdev run;

	*active = uuid[0] && !active_lookup(uuid, &run);
	if (!parent && (!*active || type)) {
		if (*active)
			mdev_clear(&run);
		errorf("cannot define device %s: no --parent given (%s)", uuid,
		       *active ? "with --type, the running device's parent is not taken" :
				 "the device is not active, so give --parent and --type");
		return -EINVAL;
	}
	if (*active) {
		dev->parent = run.parent;
		dev->type = run.type;
		run.parent = run.type = NULL;
		mdev_clear(&run);
	}
	if ((parent && mdev_set(&dev->parent, parent)) || (type && mdev_set(&dev->type, type)))
		return -ENOMEM;
	if (!dev->type) {
		errorf("cannot define %s%s on parent %s: no --type (or --jsonfile) given",
		       uuid[0] ? "device " : "a device", uuid, dev->parent);
		return -EINVAL;
	}
	return 0;
}

static int write_definition(struct mdev *dev, void *ctx)
{
	const struct define_ctx *dc = ctx;
	char why[512];

	if (dc->active && callout_get_attributes(dev, why, sizeof(why))) {
		errorf("cannot define device %s: getting its attributes failed: %s", dev->uuid,
		       why);
		return -EIO;
	}
	return defs_write(dev);
}

/*
 * DEV's type, start mode, attributes and parent from JSONFILE, read before the lock
 * is taken: standard input may come from a program that runs mdevctl-lite first.
 */
static int read_jsonfile(struct mdev *dev, const struct device_sel *sel, const char *jsonfile)
{
	char err[256];
	int ret;

	if (!sel->parent) {
		errorf("cannot define device %s from --jsonfile %s: no --parent given", sel->uuid,
		       jsonfile);
		return -EINVAL;
	}
	ret = defs_parse_jsonfile(jsonfile, dev, err, sizeof(err));
	if (ret) {
		errorf("cannot use --jsonfile %s: %s", jsonfile, err);
		return ret;
	}
	return mdev_set(&dev->parent, sel->parent);
}

static int define_locked(struct mdev *dev, const struct device_sel *sel,
			 const char *jsonfile)
{
	struct define_ctx dc = { 0 };
	char path[PATH_MAX];
	int ret;

	/* A --jsonfile was read before the lock was taken (see read_jsonfile()). */
	if (!jsonfile) {
		ret = from_options(dev, sel->uuid, sel->parent, sel->type, &dc.active);
		if (ret)
			return ret;
	}
	if (env_path(path, sizeof(path), ENV_CONFIG_BASE "/%s/%s", dev->parent, dev->uuid))
		return -ENAMETOOLONG;
	if (!access(path, F_OK)) {
		errorf("device %s is already defined on parent %s (use modify to change it)",
		       dev->uuid, dev->parent);
		return -EEXIST;
	}
	return callout_invoke(dev, CALLOUT_DEFINE, sel->force, write_definition, &dc);
}

int cmd_define(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uuid", required_argument, NULL, 'u' },
		{ "parent", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "auto", no_argument, NULL, 'a' },
		{ "jsonfile", required_argument, NULL, 'j' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *jsonfile = NULL;
	struct device_sel sel = { 0 };
	struct mdev dev = { 0 };
	int c, autostart = 0, lock, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:p:t:afh", opts, NULL)) != -1) {
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
	if (!sel.parent && !sel.uuid[0]) {
		errorf("%s: give --parent (and --type or --jsonfile), or --uuid of an active device",
		       argv[0]);
		return EXIT_USAGE;
	}

	if (sel.uuid[0])
		memcpy(dev.uuid, sel.uuid, sizeof(sel.uuid));
	else
		uuid_generate_str(dev.uuid);
	dev.autostart = autostart;
	if (jsonfile && read_jsonfile(&dev, &sel, jsonfile)) {
		mdev_clear(&dev);
		return EXIT_FAILED;
	}
	lock = defs_lock();
	if (lock < 0) {
		mdev_clear(&dev);
		return EXIT_FAILED;
	}
	ret = define_locked(&dev, &sel, jsonfile);
	defs_unlock(lock);
	if (!ret && !sel.uuid[0])
		printf("%s\n", dev.uuid);
	mdev_clear(&dev);
	return ret ? EXIT_FAILED : EXIT_OK;
}
