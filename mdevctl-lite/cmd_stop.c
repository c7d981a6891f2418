// SPDX-License-Identifier: GPL-2.0
/* stop (alias remove): remove an active device; its definition stays. */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdio.h>

#include "commands.h"
#include "lifecycle.h"

static void stop_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s stop -u UUID [-f]\n"
		"\n"
		"Remove an active mediated device. A definition of it is kept.\n"
		"\n"
		"Options:\n"
		"  -u, --uuid UUID  the device to remove\n"
		"  -f, --force      remove it even if a callout script refuses\n"
		"  -h, --help       show this help\n",
		progname);
}

int cmd_stop(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "uuid", required_argument, NULL, 'u' },
		{ "force", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct device_sel sel = { 0 };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":u:fh", opts, NULL)) != -1) {
		switch (c) {
		case 'h':
			stop_usage(stdout);
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
	return mdev_stop(sel.uuid, sel.force) ? EXIT_FAILED : EXIT_OK;
}
