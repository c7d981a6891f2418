// SPDX-License-Identifier: GPL-2.0
/*
 * types: the mdev types each parent supports, in mdevctl's text format (or with
 * --dumpjson its JSON: [{"<parent>": [{"<type>": {"available_instances": N, ...}}]}]):
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
#include "output.h"
#include "sysfs.h"

static void types_usage(FILE *out)
{
	fprintf(out,
		"Usage: %s types [-p PARENT] [--dumpjson]\n"
		"\n"
		"List the mdev types the parent devices support (nothing for a parent that\n"
		"is not registered).\n"
		"\n"
		"Options:\n"
		"  -p, --parent PARENT  only this parent\n"
		"      --dumpjson       print JSON (mdevctl's format)\n"
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

/* {"<type>": {"available_instances": N, "device_api": ..., "name"?, "description"?}} */
static json_object *type_to_json(const char *parent, const char *type,
				 const struct type_info *ti, const char *desc)
{
	json_object *o, *w;
	long avail;
	char *end;

	avail = strtol(ti->avail, &end, 10);
	if (end == ti->avail || *end) {
		errorf("available_instances of type %s on parent %s is not a number: '%s'",
		       type, parent, ti->avail);
		return NULL;
	}
	o = json_object_new_object();
	w = json_object_new_object();
	if (!o || !w) {
		json_object_put(o);
		json_object_put(w);
		errorf("out of memory listing the types of parent %s", parent);
		return NULL;
	}
	json_object_object_add(o, "available_instances", json_object_new_int64(avail));
	json_object_object_add(o, "device_api", json_object_new_string(ti->api));
	if (ti->name[0])
		json_object_object_add(o, "name", json_object_new_string(ti->name));
	if (desc[0])
		json_object_object_add(o, "description", json_object_new_string(desc));
	json_object_object_add(w, type, o);
	return w;
}

/*
 * Read every type of PARENT first, so that a failure prints nothing half-done; then
 * print them as text, or add them to JPARENTS when it is not NULL.
 */
static int print_parent(const char *parent, json_object *jparents)
{
	json_object *jtypes = NULL, *jt;
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
	if (!ret && jparents) {
		jtypes = json_object_new_array();
		for (i = 0; i < types.count && jtypes; i++) {
			join_lines(info[i].desc, line, sizeof(line));
			jt = type_to_json(parent, types.names[i], &info[i], line);
			if (!jt) {
				json_object_put(jtypes);
				jtypes = NULL;
				break;
			}
			json_object_array_add(jtypes, jt);
		}
		if (jtypes)
			json_object_object_add(jparents, parent, jtypes);
		else
			ret = -EINVAL;
	} else if (!ret) {
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
		{ "dumpjson", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *want = NULL, *hint;
	json_object *jparents = NULL, *top;
	struct name_list parents;
	int c, ret = 0, found = 0, json = 0;
	size_t i;

	opterr = 0;
	while ((c = getopt_long(argc, argv, ":p:h", opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			want = optarg;
			break;
		case 'J':
			json = 1;
			break;
		case 'h':
			types_usage(stdout);
			return EXIT_OK;
		default:
			return bad_option(argv, c);
		}
	}
	if (no_more_args(argc, argv))
		return EXIT_USAGE;

	ret = parents_list(&parents);
	if (ret) {
		errorf("cannot list mdev parents: %s", strerror(-ret));
		return EXIT_FAILED;
	}
	if (json) {
		jparents = json_object_new_object();
		if (!jparents) {
			errorf("out of memory listing types");
			name_list_free(&parents);
			return EXIT_FAILED;
		}
	}
	for (i = 0; i < parents.count && !ret; i++) {
		if (want && strcmp(want, parents.names[i]))
			continue;
		found = 1;
		ret = print_parent(parents.names[i], jparents);
	}
	/* An unknown parent lists nothing, as in mdevctl; one in another case gets a hint. */
	hint = want && !found ? parent_suggest(&parents, want) : NULL;
	if (hint)
		errorf("no parent '%s'; did you mean '%s'?", want, hint);
	if (json && !ret) {
		/* mdevctl prints [] rather than [{}] when there is no parent. */
		top = json_object_new_array();
		if (top && json_object_object_length(jparents))
			json_object_array_add(top, json_object_get(jparents));
		if (!top || json_print(top)) {
			errorf("out of memory printing JSON");
			ret = -ENOMEM;
		}
		json_object_put(top);
	}
	json_object_put(jparents);
	name_list_free(&parents);
	return ret ? EXIT_FAILED : EXIT_OK;
}
