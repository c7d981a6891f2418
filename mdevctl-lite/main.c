// SPDX-License-Identifier: GPL-2.0
/*
 * mdevctl-lite: manage mediated devices, with mdevctl's commands, options and
 * on-disk definitions. main() only finds the command; each lives in cmd_<name>.c.
 * Installed as mdevctl it is that too, and as lsmdev it is `list`, as mdevctl's
 * lsmdev link is: the name it is run by decides (argv[0]).
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "callouts.h"
#include "commands.h"
#include "env.h"
#include "mdev.h"

/* The mdevctl release whose commands, options and callouts this tool implements. */
#define MDEVCTL_COMPAT_VERSION "1.4.0"

/* The name it was run by (messages start with it), and whether that is lsmdev. */
const char *progname = "mdevctl-lite";
static int lsmdev_mode;

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

/* What runs command CMD, for usage lines and hints: "mdevctl-lite list", or "lsmdev". */
const char *command_line(const char *cmd)
{
	static char buf[128];

	if (lsmdev_mode)
		return progname;
	snprintf(buf, sizeof(buf), "%s %s", progname, cmd);
	return buf;
}

int bad_option(char **argv, int c)
{
	if (c == ':')
		errorf("%s: option '%s' needs a value (see '%s --help')", argv[0],
		       argv[optind - 1], command_line(argv[0]));
	else
		errorf("%s: unknown option '%s' (see '%s --help')", argv[0],
		       argv[optind - 1], command_line(argv[0]));
	return EXIT_USAGE;
}

/*
 * name_problem() - why NAME cannot be a parent (PARENT set) or an mdev type: each is
 * one path component, below /etc/mdevctl.d or a parent's mdev_supported_types, and
 * a parent named scripts.d would be the script directories. NULL when it can be.
 */
const char *name_problem(const char *name, int parent)
{
	if (!*name)
		return "it is empty";
	if (strchr(name, '/'))
		return "it contains '/'";
	if (!strcmp(name, ".") || !strcmp(name, ".."))
		return "it is not a name but a directory reference";
	if (parent && !strcmp(name, ENV_SCRIPTS_DIR))
		return "that is where the callout scripts live, in /etc/mdevctl.d";
	return NULL;
}

/* Report a bad parent or type NAME given to COMMAND: -1, or 0 when it is valid. */
int check_name(const char *cmd, const char *name, int parent)
{
	const char *why = name_problem(name, parent);

	if (!why)
		return 0;
	errorf("%s: '%s' is not a valid %s: %s", cmd, name, parent ? "parent" : "mdev type",
	       why);
	return -1;
}

/*
 * -u, -p, -t and -f (--force), which most commands take (getopt_long only returns those the command
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
		return check_name(argv[0], optarg, 1);
	case 't':
		sel->type = optarg;
		return check_name(argv[0], optarg, 0);
	case 'f':
		sel->force = 1;
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
		"  %-19s %s\n"
		"\nOptions:\n"
		"  -h, --help     show this help (COMMAND --help: help on a command)\n"
		"  -V, --version  show the version\n"
		"\nRun as lsmdev, it is the list command.\n"
		"Environment: MDEVCTL_ENV_ROOT moves every path under another root.\n"
		"Exit status: 0 success, 1 failure, 2 usage error.\n",
		"help [COMMAND]", "show this help, or COMMAND's");
}

/*
 * "mdevctl-lite X.Y.Z" under its own name. Under another (mdevctl, lsmdev) tools may
 * parse the version to learn what the mdevctl they run supports: the mdevctl release
 * implemented comes first, as mdevctl prints it, and this tool's own version after.
 */
static int version(void)
{
	if (!strcmp(progname, "mdevctl-lite"))
		printf("%s %s\n", progname, MDEVCTL_LITE_VERSION);
	else
		printf("%s %s (mdevctl-lite %s)\n", progname, MDEVCTL_COMPAT_VERSION,
		       MDEVCTL_LITE_VERSION);
	return EXIT_OK;
}

static const struct command *find_command(const char *name)
{
	size_t i;

	for (i = 0; i < NR_COMMANDS; i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	errorf("unknown command '%s' (see '%s --help')", name, progname);
	return NULL;
}

/* help [COMMAND]: the overview, or COMMAND --help. */
static int help(int argc, char **argv)
{
	char *args[] = { NULL, "--help", NULL };
	const struct command *cmd;

	if (argc < 2) {
		usage(stdout);
		return EXIT_OK;
	}
	if (argc > 2) {
		errorf("help: unexpected argument '%s'", argv[2]);
		return EXIT_USAGE;
	}
	cmd = find_command(argv[1]);
	if (!cmd)
		return EXIT_USAGE;
	args[0] = (char *)cmd->name;
	return cmd->run(2, args);
}

static int dispatch(int argc, char **argv)
{
	const struct command *cmd;

	if (lsmdev_mode) {
		if (argc > 1 && (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")))
			return version();
		argv[0] = "list";
		return cmd_list(argc, argv);
	}
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version"))
		return version();
	if (!strcmp(argv[1], "help"))
		return help(argc - 1, argv + 1);
	cmd = find_command(argv[1]);
	return cmd ? cmd->run(argc - 1, argv + 1) : EXIT_USAGE;
}

int main(int argc, char **argv)
{
	const char *name = argc > 0 && argv[0] ? strrchr(argv[0], '/') : NULL;
	size_t len;
	int ret;

	name = name ? name + 1 : (argc > 0 && argv[0] ? argv[0] : "");
	len = strlen(name);
	if (len)
		progname = name;
	/* As mdevctl decides it: the name ends with lsmdev. */
	lsmdev_mode = len >= 6 && !strcmp(name + len - 6, "lsmdev");
	/*
	 * SIGCHLD ignored (inherited so across exec) would have the kernel reap callout
	 * scripts before we learn their status: a refusal would go unseen.
	 */
	signal(SIGCHLD, SIG_DFL);
	ret = dispatch(argc, argv);
	callout_cache_free();
	return ret;
}
