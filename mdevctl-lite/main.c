// SPDX-License-Identifier: GPL-2.0
/*
 * mdevctl-lite: manage mediated devices, with mdevctl's commands, options and
 * on-disk definitions. main() only finds the command; each lives in cmd_<name>.c.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "mdev.h"

const char *progname = "mdevctl-lite";

/* Aliases (create, remove) are entries of their own that share the function. */
static const struct command commands[] = {
	{ "list", "list active or defined devices", cmd_list },
	{ "types", "list the mdev types of each parent device", cmd_types },
	{ "start", "create a device (from a definition or from -p/-t)", cmd_start },
	{ "create", "same as start", cmd_start },
	{ "stop", "remove an active device", cmd_stop },
	{ "remove", "same as stop", cmd_stop },
	{ "define", "write a persistent definition", cmd_define },
	{ "undefine", "delete a definition", cmd_undefine },
	{ "modify", "change a definition", cmd_modify },
	{ "start-parent-mdevs", "start the auto-start definitions of a parent",
	  cmd_start_parent_mdevs },
};

#define NR_COMMANDS (sizeof(commands) / sizeof(commands[0]))

void errorf(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", progname);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int bad_option(char **argv, int c)
{
	if (c == ':')
		errorf("%s: option '%s' needs a value (see '%s %s --help')", argv[0],
		       argv[optind - 1], progname, argv[0]);
	else
		errorf("%s: unknown option '%s' (see '%s %s --help')", argv[0],
		       argv[optind - 1], progname, argv[0]);
	return EXIT_USAGE;
}

/*
 * -u, -p and -t, which most commands take (getopt_long only returns those the command
 * declares), and the errors: store C's value in SEL and return 0, or report a bad
 * option or UUID and return -1 (a usage error).
 */
int device_option(struct device_sel *sel, char **argv, int c)
{
	switch (c) {
	case 'u':
		if (!uuid_canonical(optarg, sel->uuid))
			return 0;
		errorf("%s: '%s' is not a UUID (expected the form 8-4-4-4-12 hex digits)",
		       argv[0], optarg);
		return -1;
	case 'p':
		sel->parent = optarg;
		return 0;
	case 't':
		sel->type = optarg;
		return 0;
	default:
		bad_option(argv, c);
		return -1;
	}
}

/* For the commands that need -u. */
int need_uuid(char **argv, const struct device_sel *sel)
{
	if (sel->uuid[0])
		return 0;
	errorf("%s: --uuid is required", argv[0]);
	return -1;
}

/* Options only: any argument left is a usage error. */
int no_more_args(int argc, char **argv)
{
	if (optind >= argc)
		return 0;
	errorf("%s: unexpected argument '%s'", argv[0], argv[optind]);
	return -1;
}

static void usage(FILE *out)
{
	size_t i;

	fprintf(out, "Usage: %s COMMAND [OPTIONS]\n\nCommands:\n", progname);
	for (i = 0; i < NR_COMMANDS; i++)
		fprintf(out, "  %-19s %s\n", commands[i].name, commands[i].summary);
	fprintf(out,
		"\nOptions:\n"
		"  -h, --help     show this help (COMMAND --help: help on a command)\n"
		"  -V, --version  show the version\n"
		"\nEnvironment: MDEVCTL_ENV_ROOT moves every path under another root.\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("%s %s\n", progname, MDEVCTL_LITE_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);

	errorf("unknown command '%s' (see '%s --help')", argv[1], progname);
	return EXIT_USAGE;
}
