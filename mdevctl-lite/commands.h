/* SPDX-License-Identifier: GPL-2.0 */
/* The command table: one entry, and one cmd_*.c file, per command. */
#ifndef MDEVCTL_LITE_COMMANDS_H
#define MDEVCTL_LITE_COMMANDS_H

#include "mdev.h"

/* Exit codes, documented in mdevctl-lite.8. */
enum {
	EXIT_OK = 0,
	EXIT_FAILED = 1,	/* the command could not do what was asked */
	EXIT_USAGE = 2,		/* bad command line */
};

/**
 * struct command - one sub-command
 * @name: what the user types
 * @summary: one line for the overview in --help
 * @run: runs it with argv[0] == @name; returns an exit code
 */
struct command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv);
};

extern const char *progname;

const char *command_line(const char *cmd);
void errorf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int bad_option(char **argv, int c);

/* What -u, -p and -t name (empty uuid and NULL when not given), and -f (--force). */
struct device_sel {
	char uuid[UUID_STR_LEN];
	const char *parent;
	const char *type;
	int force;
};

const char *name_problem(const char *name, int parent);
int check_name(const char *cmd, const char *name, int parent);
int device_option(struct device_sel *sel, char **argv, int c);
int need_uuid(char **argv, const struct device_sel *sel);
int no_more_args(int argc, char **argv);

int cmd_list(int argc, char **argv);
int cmd_types(int argc, char **argv);
int cmd_start(int argc, char **argv);
int cmd_stop(int argc, char **argv);
int cmd_define(int argc, char **argv);
int cmd_undefine(int argc, char **argv);
int cmd_modify(int argc, char **argv);
int cmd_start_parent_mdevs(int argc, char **argv);

#endif
