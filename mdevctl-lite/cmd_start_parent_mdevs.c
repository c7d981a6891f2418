// SPDX-License-Identifier: GPL-2.0
/*
 * start-parent-mdevs PARENT: start every definition of PARENT marked "auto" that is
 * not running yet. The udev rule runs it when a parent registers. udev may deliver
 * both the "add" and the "change" event of one parent at once, so the run holds the
 * definitions lock: the second run waits and then finds the devices already active.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "defs.h"
#include "lifecycle.h"

static void spm_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s start-parent-mdevs PARENT\n"
		"\n"
		"Start every device defined on PARENT with start mode auto that is not\n"
		"active yet (what the udev rule runs when PARENT registers). A device that\n"
		"fails to start is reported and the others are still started.\n"
		"\n"
		"Options:\n"
		"  -h, --help  show this help\n",
		progname);
}

static int start_auto(const char *parent)
{
	struct mdev_list defs;
	size_t i;
	int ret, failed = 0;

	ret = defs_list(NULL, parent, &defs);
	if (ret) {
		errorf("cannot read the definitions of parent %s: %s", parent, strerror(-ret));
		return ret;
	}
	mdev_list_sort(&defs);
	for (i = 0; i < defs.count; i++) {
		struct mdev *d = &defs.devs[i];

		if (!d->autostart || d->active || !mdev_start(d, 0))
			continue;
		errorf("auto-start of device %s (type %s) on parent %s failed", d->uuid, d->type,
		       parent);
		failed = 1;
	}
	mdev_list_free(&defs);
	return failed ? -1 : 0;
}

int cmd_start_parent_mdevs(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, lock, ret;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			spm_usage(stdout);
			return EXIT_OK;
		default:
			return bad_option(argv, c);
		}
	}
	if (optind != argc - 1) {
		errorf("%s: expected exactly one argument, the parent (see '%s %s --help')",
		       argv[0], progname, argv[0]);
		return EXIT_USAGE;
	}
	if (check_name(argv[0], argv[optind], 1))
		return EXIT_USAGE;
	lock = defs_lock();
	if (lock < 0)
		return EXIT_FAILED;
	ret = start_auto(argv[optind]);
	defs_unlock(lock);
	return ret ? EXIT_FAILED : EXIT_OK;
}
