// SPDX-License-Identifier: GPL-2.0
/*
 * types: the mdev types each parent supports, in mdevctl's text format:
 *
 *   <parent>
 *     <type>
 *       Available instances: N
 *       Device API: vfio-pci
 *       Name: ...            (when the type has one)
 *       Description: ...     (when it has one; lines joined with ", ")
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "commands.h"
#include "env.h"
#include "sysfs.h"

static void types_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s types [-p PARENT]\n"
		"\n"
		"List the mdev types the parent devices support.\n"
		"\n"
		"Options:\n"
		"  -p, --parent PARENT  only this parent\n"
		"  -h, --help           show this help\n",
		progname);
}

/* Read ATTR of a type; absent optional attributes give "". */
static int type_attr(const char *parent, const char *type, const char *attr,
		     char *buf, size_t len, int optional)
{
	char path[PATH_MAX];
	int ret;

	buf[0] = '\0';
	if (env_path(path, sizeof(path), ENV_PARENT_BASE "/%s/mdev_supported_types/%s/%s",
		     parent, type, attr))
		return -ENAMETOOLONG;
	ret = sysfs_read_attr(path, buf, len);
	if (ret == -ENOENT && optional)
		return 0;
	if (ret)
		errorf("cannot read %s of type %s on parent %s: %s", attr, type,
		       parent, strerror(-ret));
	return ret;
}

/* Multi-line descriptions print on one line, their lines joined with ", ". */
static void join_lines(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 3 < len; in++) {
		if (*in == '\n') {
			out[o++] = ',';
			out[o++] = ' ';
		} else {
			out[o++] = *in;
		}
	}
	out[o] = '\0';
}

/* What `types` shows of one type. */
struct type_info {
	char avail[64];
	char api[64];
	char name[256];
	char desc[4096];
};

/* Read every type of PARENT first, so that a failure prints nothing half-done. */
static int print_parent(const char *parent)
{
	struct name_list types;
	struct type_info *info;
	char line[8192];
	size_t i;
	int ret;

	ret = parent_types(parent, &types);
	if (ret) {
		errorf("cannot list the types of parent %s: %s", parent, strerror(-ret));
		return ret;
	}
	info = calloc(types.count ? types.count : 1, sizeof(*info));
	if (!info) {
		errorf("out of memory listing the types of parent %s", parent);
		name_list_free(&types);
		return -ENOMEM;
	}
	for (i = 0; i < types.count && !ret; i++) {
		const char *t = types.names[i];
		struct type_info *ti = &info[i];

		ret = type_attr(parent, t, "available_instances", ti->avail,
				sizeof(ti->avail), 0);
		if (!ret)
			ret = type_attr(parent, t, "device_api", ti->api, sizeof(ti->api), 0);
		if (!ret)
			ret = type_attr(parent, t, "name", ti->name, sizeof(ti->name), 1);
		if (!ret)
			ret = type_attr(parent, t, "description", ti->desc,
					sizeof(ti->desc), 1);
	}
	if (!ret) {
		printf("%s\n", parent);
		for (i = 0; i < types.count; i++) {
			printf("  %s\n    Available instances: %s\n    Device API: %s\n",
			       types.names[i], info[i].avail, info[i].api);
			if (info[i].name[0])
				printf("    Name: %s\n", info[i].name);
			if (info[i].desc[0]) {
				join_lines(info[i].desc, line, sizeof(line));
				printf("    Description: %s\n", line);
			}
		}
	}
	free(info);
	name_list_free(&types);
	return ret;
}

int cmd_types(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "parent", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *want = NULL, *hint;
	struct name_list parents;
	int c, ret = 0, found = 0;
	size_t i;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			want = optarg;
			break;
		case 'h':
			types_usage(stdout);
			return EXIT_OK;
		default:
			return bad_option(argv, c);
		}
	}
	if (optind < argc) {
		errorf("types: unexpected argument '%s'", argv[optind]);
		return EXIT_USAGE;
	}

	ret = parents_list(&parents);
	if (ret) {
		errorf("cannot list mdev parents: %s", strerror(-ret));
		return EXIT_FAILED;
	}
	for (i = 0; i < parents.count && !ret; i++) {
		if (want && strcmp(want, parents.names[i]))
			continue;
		found = 1;
		ret = print_parent(parents.names[i]);
	}
	if (want && !found) {
		hint = parent_suggest(&parents, want);
		if (hint)
			errorf("parent '%s' not found; did you mean '%s'?", want, hint);
		else
			errorf("parent '%s' not found: no such mdev parent is registered", want);
		ret = -ENOENT;
	}
	name_list_free(&parents);
	return ret ? EXIT_FAILED : EXIT_OK;
}
