// SPDX-License-Identifier: GPL-2.0
/*
 * modify: change a definition (type, start mode, attributes, or all from a
 * --jsonfile) under the definitions lock, and replace the file atomically, with the
 * callouts around the write. --live gives a running device a new configuration
 * through its versioned callout script instead (the kernel has no interface for it);
 * --live --defined does both. Without --live running devices are not changed.
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
#include "sysfs.h"

static void modify_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s modify -u UUID [-p PARENT] [-t TYPE] [-a|-m]\n"
		"           [--addattr NAME --value VALUE [-i INDEX] | --delattr [-i INDEX]] [-f]\n"
		"       %s modify -u UUID [-p PARENT] --jsonfile FILE [-d] [-l] [-f]\n"
		"\n"
		"Change the definition of a device. Attributes are written to the device in\n"
		"list order when it starts; --addattr inserts before INDEX (default: at the\n"
		"end), --delattr deletes the one at INDEX (default: the last). --jsonfile\n"
		"replaces the type, start mode and attributes. Running devices are not\n"
		"changed, except with --live: then the running device gets FILE's attributes\n"
		"through its callout script (one that declares support for the live event),\n"
		"and its definition only with --defined too.\n"
		"\n"
		"Options:\n"
		"  -u, --uuid UUID      the device\n"
		"  -p, --parent PARENT  its parent, when the UUID is defined under several\n"
		"  -t, --type TYPE      change the mdev type\n"
		"  -a, --auto           start automatically when the parent appears\n"
		"  -m, --manual         start only when asked\n"
		"      --addattr NAME   add an attribute (needs --value)\n"
		"      --value VALUE    the value of the attribute to add\n"
		"      --delattr        delete an attribute\n"
		"  -i, --index INDEX    where to add or delete (0 is the first)\n"
		"      --jsonfile FILE  the new definition (mdevctl's format; - is stdin)\n"
		"  -l, --live           change the running device (needs --jsonfile)\n"
		"  -d, --defined        change the definition (with --live: as well)\n"
		"  -f, --force          change it even if a callout script refuses\n"
		"  -h, --help           show this help\n",
		progname, progname);
}

/* What to change. */
struct change {
	const char *type;
	const char *addattr;
	const char *value;
	const char *jsonfile;
	struct mdev *parsed;	/* --jsonfile's content, read before the lock */
	int delattr;
	long index;	/* -1: at the end */
	int autostart;	/* -1: unchanged */
	int live;
	int force;
};

static int apply(struct mdev *dev, const struct change *ch)
{
	size_t at, i;

	if (ch->parsed) {
		/* The file holds the whole definition but its place. */
		if (mdev_set(&dev->type, ch->parsed->type))
			return -ENOMEM;
		dev->autostart = ch->parsed->autostart;
		while (dev->nattrs)
			mdev_attr_delete(dev, dev->nattrs - 1);
		for (i = 0; i < ch->parsed->nattrs; i++)
			if (mdev_attr_insert(dev, i, ch->parsed->attrs[i].name,
					     ch->parsed->attrs[i].value))
				return -ENOMEM;
		return 0;
	}
	if (ch->type && mdev_set(&dev->type, ch->type))
		return -ENOMEM;
	if (ch->autostart >= 0)
		dev->autostart = ch->autostart;
	if (ch->addattr) {
		at = ch->index < 0 ? dev->nattrs : (size_t)ch->index;
		if (at > dev->nattrs) {
			errorf("cannot add attribute %s to device %s at index %ld: it has %zu attributes (valid: 0 to %zu)",
			       ch->addattr, dev->uuid, ch->index, dev->nattrs, dev->nattrs);
			return -EINVAL;
		}
		return mdev_attr_insert(dev, at, ch->addattr, ch->value);
	}
	if (ch->delattr) {
		if (!dev->nattrs) {
			errorf("cannot delete an attribute of device %s: it has none", dev->uuid);
			return -EINVAL;
		}
		at = ch->index < 0 ? dev->nattrs - 1 : (size_t)ch->index;
		if (at >= dev->nattrs) {
			errorf("cannot delete attribute %ld of device %s: it has %zu attributes (valid: 0 to %zu)",
			       ch->index, dev->uuid, dev->nattrs, dev->nattrs - 1);
			return -EINVAL;
		}
		mdev_attr_delete(dev, at);
	}
	return 0;
}

static int write_definition(struct mdev *dev, void *ctx)
{
	(void)ctx;
	return defs_write(dev);
}

/* The one definition of UUID (under PARENT), or a message and a negative errno. */
static int find_definition(const char *uuid, const char *parent, struct mdev *dev)
{
	int ret = defs_find_one(uuid, parent, dev);

	if (ret == -ENOENT)
		defs_report_missing(uuid, parent);
	return ret;
}

static int modify_locked(const char *uuid, const char *parent, const struct change *ch)
{
	struct mdev dev = { 0 };
	int ret;

	ret = find_definition(uuid, parent, &dev);
	if (!ret)
		ret = apply(&dev, ch);
	if (!ret)
		ret = callout_invoke(&dev, CALLOUT_MODIFY, ch->force, write_definition, NULL);
	mdev_clear(&dev);
	return ret;
}

/*
 * --live: the running device UUID (on PARENT, when given) gets --jsonfile's
 * configuration through its callout; with DEFINED its definition too, after the live
 * change succeeded. Neither its parent nor its type can change.
 */
static int modify_live(const char *uuid, const char *parent, const struct change *ch,
		       int defined)
{
	struct mdev run, dev = { 0 }, def = { 0 };
	int ret, lock;

	ret = active_lookup(uuid, &run);
	if (ret || (parent && strcmp(parent, run.parent))) {
		if (!ret)
			mdev_clear(&run);
		errorf("cannot change device %s live: it is not active%s%s", uuid,
		       parent ? " on parent " : "", parent ? parent : "");
		return -ENOENT;
	}
	memcpy(dev.uuid, uuid, sizeof(dev.uuid));
	ret = mdev_set(&dev.parent, run.parent);
	if (!ret)
		ret = apply(&dev, ch);
	if (!ret && strcmp(dev.type, run.type)) {
		errorf("cannot change device %s live: it runs as type %s, --jsonfile %s says %s (the type of an active device cannot change)",
		       uuid, run.type, ch->jsonfile, dev.type);
		ret = -EINVAL;
	}
	mdev_clear(&run);
	lock = -1;
	if (!ret && defined) {
		lock = defs_lock();
		ret = lock < 0 ? lock : find_definition(uuid, dev.parent, &def);
		if (!ret && strcmp(def.type, dev.type)) {
			errorf("cannot change device %s live and defined: it is defined with type %s, active with type %s",
			       uuid, def.type, dev.type);
			ret = -EINVAL;
		}
		mdev_clear(&def);
	}
	if (!ret)
		ret = callout_modify_live(&dev);
	if (!ret && defined)
		ret = callout_invoke(&dev, CALLOUT_MODIFY, ch->force, write_definition, NULL);
	if (lock >= 0)
		defs_unlock(lock);
	mdev_clear(&dev);
	return ret;
}

/* Check option combinations; a usage error names the problem. */
static int check_change(const char *cmd, const struct change *ch, int have_index)
{
	const char *problem = NULL;

	if (ch->addattr && !ch->value)
		problem = "--addattr needs --value";
	else if (ch->value && !ch->addattr)
		problem = "--value needs --addattr";
	else if (ch->addattr && ch->delattr)
		problem = "--addattr and --delattr exclude each other";
	else if (have_index && !ch->addattr && !ch->delattr)
		problem = "--index needs --addattr or --delattr";
	else if (ch->live && !ch->jsonfile)
		problem = "--live needs --jsonfile (the running device's new configuration)";
	else if (ch->jsonfile && (ch->type || ch->addattr || ch->delattr || ch->autostart >= 0))
		problem = "--jsonfile excludes --type, --auto, --manual, --addattr and --delattr (the file holds them)";
	else if (!ch->type && !ch->addattr && !ch->delattr && ch->autostart < 0 && !ch->jsonfile)
		problem = "nothing to change (give --type, --auto, --manual, --addattr, --delattr or --jsonfile)";
	if (problem)
		errorf("%s: %s", cmd, problem);
	return problem ? -1 : 0;
}

int cmd_modify(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uuid", required_argument, NULL, 'u' },
		{ "parent", required_argument, NULL, 'p' },
		{ "type", required_argument, NULL, 't' },
		{ "auto", no_argument, NULL, 'a' },
		{ "manual", no_argument, NULL, 'm' },
		{ "addattr", required_argument, NULL, 'A' },
		{ "value", required_argument, NULL, 'V' },
		{ "delattr", no_argument, NULL, 'D' },
		{ "index", required_argument, NULL, 'i' },
		{ "jsonfile", required_argument, NULL, 'j' },
		{ "live", no_argument, NULL, 'l' },
		{ "defined", no_argument, NULL, 'd' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct change ch = { .index = -1, .autostart = -1 };
	struct device_sel sel = { 0 };
	struct mdev parsed = { 0 };
	char *end, err[256];
	int c, lock, ret, have_index = 0, defined = 0;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:p:t:ami:ldfh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			ch.type = optarg;
			break;
		case 'a':
		case 'm':
			if (ch.autostart >= 0 && ch.autostart != (c == 'a')) {
				errorf("%s: --auto and --manual exclude each other", argv[0]);
				return EXIT_USAGE;
			}
			ch.autostart = c == 'a';
			break;
		case 'A':
			ch.addattr = optarg;
			break;
		case 'V':
			ch.value = optarg;
			break;
		case 'D':
			ch.delattr = 1;
			break;
		case 'i':
			errno = 0;
			ch.index = strtol(optarg, &end, 10);
			if (errno || end == optarg || *end || ch.index < 0) {
				errorf("%s: --index '%s' is not a number from 0 up", argv[0], optarg);
				return EXIT_USAGE;
			}
			have_index = 1;
			break;
		case 'j':
			ch.jsonfile = optarg;
			break;
		case 'l':
			ch.live = 1;
			break;
		case 'd':
			defined = 1;
			break;
		case 'h':
			modify_usage(stdout);
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
	if (check_change(argv[0], &ch, have_index))
		return EXIT_USAGE;
	ch.force = sel.force;
	/*
	 * Read a --jsonfile before taking the lock: standard input may come from a
	 * program that runs mdevctl-lite first, which would wait for our lock forever.
	 */
	if (ch.jsonfile) {
		ret = defs_parse_jsonfile(ch.jsonfile, &parsed, err, sizeof(err));
		if (ret) {
			errorf("cannot use --jsonfile %s: %s", ch.jsonfile, err);
			mdev_clear(&parsed);
			return EXIT_FAILED;
		}
		ch.parsed = &parsed;
	}
	if (ch.live) {
		ret = modify_live(sel.uuid, sel.parent, &ch, defined);
	} else {
		lock = defs_lock();
		ret = lock < 0 ? lock : modify_locked(sel.uuid, sel.parent, &ch);
		if (lock >= 0)
			defs_unlock(lock);
	}
	mdev_clear(&parsed);
	return ret ? EXIT_FAILED : EXIT_OK;
}
