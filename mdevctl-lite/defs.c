// SPDX-License-Identifier: GPL-2.0
/*
 * Definitions of persistent devices, one file per device:
 * $MDEVCTL_ENV_ROOT/etc/mdevctl.d/<parent>/<uuid>, holding
 *   {"mdev_type": "...", "start": "auto"|"manual", "attrs": [{"name": "value"}, ...]}
 * exactly as mdevctl writes it, so that both tools read each other's files.
 *
 * A definition is replaced atomically: the new text goes to a temporary file in the
 * same directory, which is fsync'ed and renamed over the old one, and the directory
 * is fsync'ed. A crash or a failed write leaves the old file whole. Commands that
 * change definitions hold an exclusive flock on the definitions directory, so that
 * two read-modify-write cycles never interleave.
 */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* flock() */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>

#include "commands.h"
#include "defs.h"
#include "env.h"
#include "fileio.h"
#include "output.h"
#include "spawn.h"
#include "sysfs.h"

static int mkdir_one(const char *path)
{
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* mkdir -p for the config base, below the environment root (which must exist). */
static int config_dir(char *path, size_t len, const char *parent)
{
	char *p;
	size_t root_len;
	int ret;

	if (env_path(path, len, "%s", ""))
		return -ENAMETOOLONG;
	root_len = strlen(path);
	if (parent ? env_path(path, len, ENV_CONFIG_BASE "/%s", parent) :
		     env_path(path, len, ENV_CONFIG_BASE))
		return -ENAMETOOLONG;
	for (p = path + root_len + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		ret = mkdir_one(path);
		*p = '/';
		if (ret)
			return ret;
	}
	return mkdir_one(path);
}

/*
 * A lock passed on by the mdevctl-lite whose callout runs this one: the descriptor
 * DEFS_LOCK_ENV names, if it is open on the definitions directory PATH (the same
 * open file description, so that flock() succeeds at once). A copy of it, or -1 to
 * take the lock as usual.
 */
static int inherited_lock(const char *path)
{
	const char *val = getenv(DEFS_LOCK_ENV);
	struct stat fst, pst;
	char *end;
	long fd;

	if (!val || !*val)
		return -1;
	errno = 0;
	fd = strtol(val, &end, 10);
	if (errno || *end || fd < 0 || fd > INT_MAX)
		return -1;
	if (fstat((int)fd, &fst) || stat(path, &pst) || fst.st_dev != pst.st_dev ||
	    fst.st_ino != pst.st_ino)
		return -1;
	/* Held by the caller: converting our own lock does not wait. Else not ours. */
	if (flock((int)fd, LOCK_EX | LOCK_NB))
		return -1;
	return fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
}

/* The callouts that run while the lock is held get it: the descriptor and its number. */
static void pass_lock(int fd)
{
	char num[16];

	spawn_pass_fd(fd);
	if (fd < 0) {
		unsetenv(DEFS_LOCK_ENV);
		return;
	}
	snprintf(num, sizeof(num), "%d", fd);
	if (setenv(DEFS_LOCK_ENV, num, 1))
		spawn_pass_fd(-1);	/* then a nested call waits, as it would anyway */
}

/*
 * Take the definitions lock (creating the directory if needed): an fd, or -errno.
 * A callout script run while it is held can run mdevctl-lite, which then shares the
 * lock (see inherited_lock()) instead of waiting for it forever.
 */
int defs_lock(void)
{
	char path[PATH_MAX];
	int fd, ret;

	ret = config_dir(path, sizeof(path), NULL);
	if (ret) {
		errorf("cannot create the definitions directory %s: %s", path, strerror(-ret));
		return ret;
	}
	fd = inherited_lock(path);
	if (fd >= 0) {
		pass_lock(fd);
		return fd;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		ret = -errno;
		errorf("cannot lock the definitions directory %s: %s", path, strerror(-ret));
		if (fd >= 0)
			close(fd);
		return ret;
	}
	pass_lock(fd);
	return fd;
}

void defs_unlock(int fd)
{
	pass_lock(-1);
	close(fd);	/* closing the last descriptor drops the flock */
}

/*
 * Append the attributes in ATTRS, a definition's "attrs" array ([{"name": "value"},
 * ...]; null is none), to DEV: all of them, or on failure none, with ERR saying why.
 */
int defs_attrs_from_json(json_object *attrs, struct mdev *dev, char *err, size_t errlen)
{
	struct mdev tmp = { 0 };
	struct mdev_attr *all;
	json_object *a;
	size_t i, n;
	int ret = 0;

	if (!attrs || json_object_is_type(attrs, json_type_null))
		return 0;
	if (!json_object_is_type(attrs, json_type_array)) {
		snprintf(err, errlen, "\"attrs\" is not an array");
		return -EINVAL;
	}
	n = json_object_array_length(attrs);
	for (i = 0; i < n && !ret; i++) {
		a = json_object_array_get_idx(attrs, i);
		if (!json_object_is_type(a, json_type_object) ||
		    json_object_object_length(a) != 1) {
			snprintf(err, errlen, "attribute %zu is not an object with one field", i);
			ret = -EINVAL;
			break;
		}
		json_object_object_foreach(a, name, val) {
			if (!json_object_is_type(val, json_type_string)) {
				snprintf(err, errlen, "the value of attribute %zu (\"%s\") is not a string",
					 i, name);
				ret = -EINVAL;
			} else if (mdev_attr_insert(&tmp, tmp.nattrs, name,
						    json_object_get_string(val))) {
				snprintf(err, errlen, "out of memory");
				ret = -ENOMEM;
			}
		}
	}
	all = ret || !tmp.nattrs ? NULL :
	      realloc(dev->attrs, (dev->nattrs + tmp.nattrs) * sizeof(*all));
	if (!ret && tmp.nattrs && !all) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
	}
	if (ret) {
		mdev_clear(&tmp);
		return ret;
	}
	if (tmp.nattrs) {
		/* Move them: the strings now belong to DEV. */
		memcpy(all + dev->nattrs, tmp.attrs, tmp.nattrs * sizeof(*all));
		dev->attrs = all;
		dev->nattrs += tmp.nattrs;
	}
	free(tmp.attrs);
	return 0;
}

/*
 * defs_parse_json() - TEXT (LEN bytes, NUL-terminated) as one JSON value, with nothing
 * but white space or NULs after it (as mdevctl's parser wants): the value, or NULL
 * with ERR saying why.
 */
json_object *defs_parse_json(const char *text, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new();
	enum json_tokener_error jerr;
	json_object *j;
	size_t end;

	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* The NUL too: it ends a value that could go on (a number at the end). */
	j = json_tokener_parse_ex(tok, text, (int)(len < INT_MAX ? len + 1 : INT_MAX));
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!j) {
		snprintf(err, errlen, "invalid JSON: %s", json_tokener_error_desc(jerr));
		return NULL;
	}
	for (; end < len; end++) {
		if (text[end] && !strchr(" \t\r\n", text[end])) {
			snprintf(err, errlen, "invalid JSON: text after the value, at byte %zu", end);
			json_object_put(j);
			return NULL;
		}
	}
	return j;
}

/* Fill DEV's type, start mode and attributes from a parsed definition. */
static int defs_from_json(json_object *j, struct mdev *dev, char *err, size_t errlen)
{
	json_object *type, *start, *attrs;

	if (!json_object_is_type(j, json_type_object)) {
		snprintf(err, errlen, "not a JSON object");
		return -EINVAL;
	}
	if (!json_object_object_get_ex(j, "mdev_type", &type) ||
	    !json_object_is_type(type, json_type_string)) {
		snprintf(err, errlen, "\"mdev_type\" is missing or not a string");
		return -EINVAL;
	}
	if (!json_object_object_get_ex(j, "start", &start) ||
	    !json_object_is_type(start, json_type_string)) {
		snprintf(err, errlen, "\"start\" is missing or not a string");
		return -EINVAL;
	}
	if (name_problem(json_object_get_string(type), 0)) {
		snprintf(err, errlen, "\"mdev_type\" '%s' is not a valid mdev type: %s",
			 json_object_get_string(type), name_problem(json_object_get_string(type), 0));
		return -EINVAL;
	}
	if (mdev_set(&dev->type, json_object_get_string(type)))
		return -ENOMEM;
	dev->autostart = !strcmp(json_object_get_string(start), "auto");
	if (!json_object_object_get_ex(j, "attrs", &attrs))
		return 0;
	return defs_attrs_from_json(attrs, dev, err, errlen);
}

/*
 * Parse the definition text read from FD into DEV. On failure ERR says why (without
 * the path) and DEV keeps what it had before.
 */
static int parse_fd(int fd, struct mdev *dev, char *err, size_t errlen)
{
	struct mdev tmp;
	json_object *j;
	char *text;
	size_t len;
	int ret;

	ret = read_all(fd, &text, &len);
	if (ret) {
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	j = defs_parse_json(text, len, err, errlen);
	free(text);
	if (!j)
		return -EINVAL;
	if (mdev_copy(&tmp, dev)) {
		json_object_put(j);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	/* A definition file holds the whole device: start from no attributes. */
	while (tmp.nattrs)
		mdev_attr_delete(&tmp, tmp.nattrs - 1);
	ret = defs_from_json(j, &tmp, err, errlen);
	json_object_put(j);
	if (ret) {
		mdev_clear(&tmp);
		return ret;
	}
	mdev_clear(dev);
	*dev = tmp;
	return 0;
}

/*
 * Read PATH into DEV; see parse_fd(). For a --jsonfile (JSONFILE set), "-" is standard
 * input, and so is "/dev/stdin" when it cannot be opened: in a container or chroot
 * without /dev or /proc, or when standard input is a socket (which open() refuses
 * with ENXIO).
 */
static int parse_path(const char *path, int jsonfile, struct mdev *dev, char *err,
		      size_t errlen)
{
	int fd, ret;

	if (jsonfile && !strcmp(path, "-"))
		return parse_fd(STDIN_FILENO, dev, err, errlen);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && jsonfile && !strcmp(path, "/dev/stdin"))
		return parse_fd(STDIN_FILENO, dev, err, errlen);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "%s", strerror(-ret));
		return ret;
	}
	ret = parse_fd(fd, dev, err, errlen);
	close(fd);
	return ret;
}

int defs_parse_file(const char *path, struct mdev *dev, char *err, size_t errlen)
{
	return parse_path(path, 0, dev, err, errlen);
}

int defs_parse_jsonfile(const char *path, struct mdev *dev, char *err, size_t errlen)
{
	return parse_path(path, 1, dev, err, errlen);
}

/* Read every definition under PARENT (matching UUID if not NULL) into OUT. */
static int defs_list_parent(const char *base, const char *parent, const char *uuid,
			    struct mdev_list *out)
{
	char path[PATH_MAX], canon[UUID_STR_LEN], err[256];
	struct name_list files;
	struct mdev active, *dev;
	size_t i;
	int ret;

	if (snprintf(path, sizeof(path), "%s/%s", base, parent) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	ret = sysfs_list_dir(path, 0, &files);
	if (ret)
		return ret;
	for (i = 0; i < files.count; i++) {
		/* Temporary files and anything else that is not a UUID are not definitions. */
		if (uuid_canonical(files.names[i], canon) || strcmp(canon, files.names[i]) ||
		    (uuid && strcmp(uuid, canon)))
			continue;
		dev = mdev_list_add(out);
		if (!dev || mdev_set(&dev->parent, parent)) {
			ret = -ENOMEM;
			break;
		}
		memcpy(dev->uuid, canon, sizeof(canon));
		if (snprintf(path, sizeof(path), "%s/%s/%s", base, parent, canon) >=
		    (int)sizeof(path)) {
			ret = -ENAMETOOLONG;
			break;
		}
		if (defs_parse_file(path, dev, err, sizeof(err))) {
			/* One broken file must not hide the others. */
			errorf("ignoring definition %s: %s", path, err);
			mdev_clear(dev);
			out->count--;
			continue;
		}
		dev->defined = 1;
		if (!active_lookup(dev->uuid, &active)) {
			dev->active = !strcmp(active.parent, dev->parent) &&
				      !strcmp(active.type, dev->type);
			mdev_clear(&active);
		}
	}
	name_list_free(&files);
	return ret;
}

/* Every definition (of UUID, under PARENT, when given), unsorted. */
int defs_list(const char *uuid, const char *parent, struct mdev_list *out)
{
	char base[PATH_MAX];
	struct name_list parents;
	size_t i;
	int ret = 0;

	out->devs = NULL;
	out->count = 0;
	if (env_path(base, sizeof(base), ENV_CONFIG_BASE))
		return -ENAMETOOLONG;
	ret = sysfs_list_dir(base, 1, &parents);
	if (ret == -ENOENT)
		return 0;	/* nothing was ever defined */
	if (ret)
		return ret;
	for (i = 0; i < parents.count && !ret; i++)
		/* scripts.d holds callout and notifier scripts, not a parent's definitions. */
		if ((!parent || !strcmp(parent, parents.names[i])) &&
		    strcmp(parents.names[i], ENV_SCRIPTS_DIR))
			ret = defs_list_parent(base, parents.names[i], uuid, out);
	name_list_free(&parents);
	if (ret)
		mdev_list_free(out);
	return ret;
}

/*
 * The one definition of UUID (under PARENT when given). None is -ENOENT, left to the
 * caller to explain; several (the same UUID under two parents) is -EEXIST.
 */
int defs_find_one(const char *uuid, const char *parent, struct mdev *out)
{
	struct mdev_list list;
	int ret;

	ret = defs_list(uuid, parent, &list);
	if (ret) {
		errorf("cannot read the definitions: %s", strerror(-ret));
		return ret;
	}
	if (list.count == 0) {
		ret = -ENOENT;
	} else if (list.count > 1) {
		errorf("device %s is defined on several parents (%s, %s%s); give --parent",
		       uuid, list.devs[0].parent, list.devs[1].parent,
		       list.count > 2 ? ", ..." : "");
		ret = -EEXIST;
	} else {
		*out = list.devs[0];
		list.count = 0;
	}
	mdev_list_free(&list);
	return ret;
}

/* The message for a definition that defs_find_one() did not find. */
void defs_report_missing(const char *uuid, const char *parent)
{
	if (parent)
		errorf("device %s is not defined on parent %s", uuid, parent);
	else
		errorf("device %s is not defined", uuid);
}

/* Replace (or create) DEV's definition atomically. Prints its own error. */
int defs_write(const struct mdev *dev)
{
	char dir[PATH_MAX], tmp[PATH_MAX], final[PATH_MAX];
	json_object *j;
	char *text;
	int fd, dfd, ret;

	ret = config_dir(dir, sizeof(dir), dev->parent);
	if (ret) {
		errorf("cannot create the definitions directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	if (snprintf(final, sizeof(final), "%s/%s", dir, dev->uuid) >= (int)sizeof(final) ||
	    snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, dev->uuid) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	j = mdev_to_json(dev, 0);
	text = j ? json_format(j) : NULL;
	json_object_put(j);
	if (!text) {
		errorf("out of memory writing the definition of %s", dev->uuid);
		return -ENOMEM;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		ret = -errno;
		errorf("cannot write the definition of %s on parent %s: creating a file in %s: %s",
		       dev->uuid, dev->parent, dir, strerror(-ret));
		free(text);
		return ret;
	}
	/* mkstemp makes 0600; definitions are world-readable like mdevctl's. */
	ret = fchmod(fd, 0644) ? -errno : 0;
	if (!ret)
		ret = write_all(fd, text, strlen(text));
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, final))
		ret = -errno;
	free(text);
	if (ret) {
		unlink(tmp);
		errorf("cannot write the definition of %s on parent %s to %s: %s; the previous definition (if any) is unchanged",
		       dev->uuid, dev->parent, final, strerror(-ret));
		return ret;
	}
	/* Make the rename itself durable. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

/* Delete a definition. Prints its own error. */
int defs_remove(const char *parent, const char *uuid)
{
	char path[PATH_MAX];
	int ret;

	if (env_path(path, sizeof(path), ENV_CONFIG_BASE "/%s/%s", parent, uuid))
		return -ENAMETOOLONG;
	if (!unlink(path))
		return 0;
	ret = -errno;
	errorf("cannot remove the definition %s: %s", path, strerror(-ret));
	return ret;
}
