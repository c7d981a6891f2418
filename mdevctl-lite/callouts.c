// SPDX-License-Identifier: GPL-2.0
/*
 * Callout and notifier scripts, as mdevctl 1.4 runs them (1.2's rules are the subset
 * without versioning), so that a vendor's scripts work unchanged with either tool.
 *
 * Where: $ROOT/usr/lib/mdevctl/scripts.d/{callouts,notifiers}, then
 * $ROOT/etc/mdevctl.d/scripts.d/{callouts,notifiers}; in each, the files in name order
 * (names starting with a dot are skipped).
 *
 * How: SCRIPT -t TYPE -e EVENT -a ACTION -s STATE -u UUID -p PARENT, with the device's
 * definition on one line of JSON on standard input ({"mdev_type": ..., "start": ...,
 * "attrs": [...]}; nothing for the get events). Its standard error is shown with its
 * name in front.
 *
 * Which callout handles a device: the first script, of the first directory that has
 * one, that does not exit with 2 ("not my type") and is not ended by a signal (a
 * file that is no program is passed over too; one that cannot be run for another
 * reason has failed). Before anything, every operation
 * asks for a versioned script: the first whose answer to "-e get -a capabilities"
 * (stdin: what this tool provides) is {"supports": {"version": N, "actions": [...],
 * "events": [...]}}, whatever its exit status other than 2. A versioned script
 * handles every event of the device alone, and an event or action it does not list
 * fails; it is the only way to the "live" event. Without one, the script that
 * handles the pre event (exit 0) also gets the post event.
 *
 * Each operation: pre (STATE none; any exit status but 0 refuses the operation unless
 * --force), the operation, post (STATE success or failure; its status is ignored),
 * then every notifier (-e notify, STATE as for post, or none after a refusal; status
 * ignored). Notifiers get the JSON on standard input as in mdevctl 1.2 (1.4 gives
 * them none).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "callouts.h"
#include "commands.h"
#include "defs.h"
#include "env.h"
#include "output.h"
#include "spawn.h"
#include "sysfs.h"

enum event { EV_PRE, EV_POST, EV_LIVE, EV_NOTIFY, EV_GET, EV_NR };

static const char *const event_names[EV_NR] = { "pre", "post", "live", "notify", "get" };
static const char *const action_names[CALLOUT_NR_ACTIONS] = {
	"start", "stop", "define", "undefine", "modify", "attributes", "capabilities",
};

#define BIT(n) (1u << (n))
/* What a script that is not versioned is taken to support (mdevctl's version 1). */
#define V1_ACTIONS (BIT(CALLOUT_START) | BIT(CALLOUT_STOP) | BIT(CALLOUT_DEFINE) | \
		    BIT(CALLOUT_UNDEFINE) | BIT(CALLOUT_MODIFY) | BIT(CALLOUT_ATTRIBUTES))
#define V1_EVENTS (BIT(EV_PRE) | BIT(EV_POST) | BIT(EV_NOTIFY) | BIT(EV_GET))

/* What this tool tells a script on "-e get -a capabilities": mdevctl 1.4's version 2. */
static const char provides_json[] =
	"{\"provides\":{\"version\":2,\"actions\":[\"start\",\"stop\",\"define\","
	"\"undefine\",\"modify\",\"attributes\",\"capabilities\"],\"events\":[\"pre\","
	"\"post\",\"notify\",\"get\",\"live\"]}}";

/* The script that handles a device, and what it supports. */
struct script {
	char *path;		/* NULL: none */
	unsigned int actions;	/* BIT(enum callout_action) */
	unsigned int events;	/* BIT(enum event) */
	int version;		/* what it declared; 0: not versioned */
};

/* One operation's callouts: the device, its state so far, its script, its JSON. */
struct callout {
	const struct mdev *dev;
	const char *state;	/* none, success, failure */
	struct script script;
	char *json;		/* the definition object, one line */
	char why[PATH_MAX + NAME_MAX + 256];	/* what went wrong */
};

/* The versioned script of each parent and type asked about, or none (path NULL). */
struct cache_entry {
	char *parent;
	char *type;
	struct script script;
};

static struct cache_entry *cache;
static size_t cache_len;

static int script_copy(struct script *dst, const struct script *src)
{
	*dst = *src;
	if (!src->path)
		return 0;
	dst->path = strdup(src->path);
	return dst->path ? 0 : -ENOMEM;
}

void callout_cache_free(void)
{
	size_t i;

	for (i = 0; i < cache_len; i++) {
		free(cache[i].parent);
		free(cache[i].type);
		free(cache[i].script.path);
	}
	free(cache);
	cache = NULL;
	cache_len = 0;
}

/* The script's output on standard error, each line behind its file name. */
static void show_stderr(const char *path, const struct spawn_result *res)
{
	const char *name = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	const char *line = res->err, *nl;

	while (line && *line) {
		nl = strchr(line, '\n');
		fprintf(stderr, "%s: %.*s\n", name, nl ? (int)(nl - line) : (int)strlen(line),
			line);
		line = nl ? nl + 1 : NULL;
	}
}

static int run_script(const struct callout *c, const char *path, enum event ev,
		      enum callout_action action, const char *input,
		      struct spawn_result *res)
{
	char *argv[] = {
		(char *)path, "-t", c->dev->type, "-e", (char *)event_names[ev],
		"-a", (char *)action_names[action], "-s", (char *)c->state,
		"-u", (char *)c->dev->uuid, "-p", c->dev->parent, NULL,
	};

	return spawn_capture(path, argv, input, res);
}

/*
 * Whether spawn_capture() failed because FILE is not a program (not there, not
 * executable, not a format the kernel runs): then it is no script and is passed
 * over, as mdevctl passes it over. Any other failure (the script may have run: its
 * status was lost or its output not kept) is the script's failure.
 */
static int not_a_script(int err)
{
	return err == -ENOENT || err == -EACCES || err == -ENOEXEC;
}

/* Whether a result qualifies a script (for the capabilities probe); NULL: any does. */
typedef int (*accept_fn)(const struct spawn_result *res, struct script *s);

/*
 * The first script of DIRS (callouts or notifiers) that does not exit with 2 for
 * EVENT and ACTION and that ACCEPT takes: 1 with *PATH (malloc'ed) and *RES filled,
 * 0 when there is none, or a negative errno with C->why saying what went wrong (a
 * script that could not be run for another reason than not_a_script()).
 */
static int search(struct callout *c, enum event ev, enum callout_action action,
		  const char *input, accept_fn accept, struct script *s, char **path,
		  struct spawn_result *res)
{
	static const char *const dirs[] = { ENV_SCRIPTS_BASE "/callouts",
					    ENV_OLD_SCRIPTS_BASE "/callouts" };
	char dir[PATH_MAX], file[PATH_MAX + NAME_MAX + 1];
	struct name_list names;
	size_t d, i;
	int found = 0, ret;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]) && !found; d++) {
		if (env_path(dir, sizeof(dir), "%s", dirs[d]) ||
		    sysfs_list_dir(dir, 0, &names))
			continue;	/* no such directory: nothing there */
		for (i = 0; i < names.count && !found; i++) {
			snprintf(file, sizeof(file), "%s/%s", dir, names.names[i]);
			ret = run_script(c, file, ev, action, input, res);
			if (ret && not_a_script(ret))
				continue;
			if (ret) {
				snprintf(c->why, sizeof(c->why), "cannot run callout script %s: %s",
					 file, strerror(-ret));
				found = ret;
				break;
			}
			if (!res->exited)
				errorf("warning: callout script %s was killed by signal %d; trying the next one",
				       file, res->sig);
			else if (res->code != 2 && (!accept || accept(res, s)))
				found = 1;
			if (!found)
				spawn_result_free(res);
		}
		name_list_free(&names);
	}
	if (found > 0) {
		*path = strdup(file);
		if (!*path) {
			spawn_result_free(res);
			snprintf(c->why, sizeof(c->why), "out of memory");
			return -ENOMEM;
		}
	}
	return found;
}

/* Set BITS from ARRAY of NAMES (NR of them); 0, or -1 if ARRAY is not an array of strings. */
static int parse_names(json_object *array, const char *const *names, int nr,
		       unsigned int *bits, const char *what, const char *path)
{
	size_t i, n;
	int k;

	if (!json_object_is_type(array, json_type_array))
		return -1;
	*bits = 0;
	n = json_object_array_length(array);
	for (i = 0; i < n; i++) {
		json_object *e = json_object_array_get_idx(array, i);
		const char *name;

		if (!json_object_is_type(e, json_type_string))
			return -1;
		name = json_object_get_string(e);
		for (k = 0; k < nr && strcmp(name, names[k]); k++)
			;
		if (k < nr)
			*bits |= BIT(k);
		else if (path)
			errorf("warning: callout script %s declares an unknown %s '%s'", path,
			       what, name);
	}
	return 0;
}

/* {"supports": {"version": N, "actions": [...], "events": [...]}} into S; 1 if it is. */
static int parse_supports(const struct spawn_result *res, struct script *s, const char *path)
{
	json_object *j, *sup, *ver, *acts, *evs;
	char err[128];
	int64_t v;
	int ok = 0;

	j = res->out ? defs_parse_json(res->out, res->outlen, err, sizeof(err)) : NULL;

	if (j && json_object_is_type(j, json_type_object) &&
	    json_object_object_get_ex(j, "supports", &sup) &&
	    json_object_is_type(sup, json_type_object) &&
	    json_object_object_get_ex(sup, "version", &ver) &&
	    json_object_is_type(ver, json_type_int) &&
	    json_object_object_get_ex(sup, "actions", &acts) &&
	    json_object_object_get_ex(sup, "events", &evs)) {
		v = json_object_get_int64(ver);
		ok = v >= 0 && v <= UINT32_MAX &&
		     !parse_names(acts, action_names, CALLOUT_NR_ACTIONS, &s->actions, "action",
				  path) &&
		     !parse_names(evs, event_names, EV_NR, &s->events, "event", path);
		s->version = (int)(v > INT_MAX ? INT_MAX : v);
	}
	json_object_put(j);
	return ok;
}

static int accept_supports(const struct spawn_result *res, struct script *s)
{
	return parse_supports(res, s, NULL);
}

/* C's versioned script: from the cache, or by asking every script for its capabilities. */
static int find_versioned(struct callout *c)
{
	struct cache_entry *e;
	struct spawn_result res;
	struct script s = { 0 };
	char *path = NULL;
	size_t i;
	int ret;

	for (i = 0; i < cache_len; i++)
		if (!strcmp(cache[i].parent, c->dev->parent) && !strcmp(cache[i].type, c->dev->type))
			break;
	if (i < cache_len) {
		if (!script_copy(&c->script, &cache[i].script))
			return 0;
		snprintf(c->why, sizeof(c->why), "out of memory");
		return -ENOMEM;
	}
	ret = search(c, EV_GET, CALLOUT_CAPABILITIES, provides_json, accept_supports, &s, &path,
		     &res);
	if (ret < 0)
		return ret;
	if (!ret)
		memset(&s, 0, sizeof(s));	/* what rejected scripts declared */
	if (ret) {
		show_stderr(path, &res);
		parse_supports(&res, &s, path);	/* again, to warn about unknown names */
		s.path = path;
		spawn_result_free(&res);
	}
	e = realloc(cache, (cache_len + 1) * sizeof(*cache));
	if (!e) {
		free(path);
		snprintf(c->why, sizeof(c->why), "out of memory");
		return -ENOMEM;
	}
	cache = e;
	e = &cache[cache_len];
	e->parent = strdup(c->dev->parent);
	e->type = strdup(c->dev->type);
	e->script = s;
	if (!e->parent || !e->type) {
		free(e->parent);
		free(e->type);
		free(path);
		snprintf(c->why, sizeof(c->why), "out of memory");
		return -ENOMEM;
	}
	cache_len++;
	if (script_copy(&c->script, &s)) {
		snprintf(c->why, sizeof(c->why), "out of memory");
		return -ENOMEM;
	}
	return 0;
}

/*
 * Run EVENT for ACTION: by C's script if it has one, else by the first script that
 * handles the device (which then becomes C's script if it exits 0). 0 when it
 * succeeded or no script handles the device; -EOPNOTSUPP when C's script does not
 * support EVENT or ACTION, else -EIO when it failed or could not be run, with C->why saying what went wrong.
 * RES, when not NULL, gets the output of the script that ran (out == NULL: none ran);
 * the caller frees it.
 */
static int callout_run(struct callout *c, enum event ev, enum callout_action action,
		       const char *input, struct spawn_result *res)
{
	char *why = c->why;
	size_t whylen = sizeof(c->why);
	struct spawn_result r;
	char *path = NULL;
	int ret;

	memset(&r, 0, sizeof(r));
	if (res)
		*res = r;
	if (c->script.path) {
		if (!(c->script.actions & BIT(action)) || !(c->script.events & BIT(ev))) {
			snprintf(why, whylen, "callout script %s (version %d) does not support the %s event of action %s",
				 c->script.path, c->script.version, event_names[ev],
				 action_names[action]);
			return -EOPNOTSUPP;
		}
		ret = run_script(c, c->script.path, ev, action, input, &r);
		if (ret) {
			snprintf(why, whylen, "cannot run callout script %s: %s", c->script.path,
				 strerror(-ret));
			return -EIO;
		}
		path = c->script.path;
	} else {
		ret = search(c, ev, action, input, NULL, NULL, &path, &r);
		if (ret < 0)
			return -EIO;	/* search() said why */
		if (!ret)
			return 0;	/* no script handles the device */
	}
	show_stderr(path, &r);
	/* A script ended by a signal counts as a success, as in mdevctl. */
	ret = r.exited && r.code ? -EIO : 0;
	if (ret)
		snprintf(why, whylen, "callout script %s exited with status %d", path, r.code);
	if (!c->script.path && !ret) {
		c->script.path = path;
		c->script.actions = V1_ACTIONS;
		c->script.events = V1_EVENTS;
		c->script.version = 0;
	} else if (path != c->script.path) {
		free(path);
	}
	if (res)
		*res = r;
	else
		spawn_result_free(&r);
	return ret;
}

/* Every notifier script, in both places, told ACTION with C's state. */
static void notify(struct callout *c, enum callout_action action)
{
	static const char *const dirs[] = { ENV_SCRIPTS_BASE "/notifiers",
					    ENV_OLD_SCRIPTS_BASE "/notifiers" };
	char dir[PATH_MAX], file[PATH_MAX + NAME_MAX + 1];
	struct spawn_result res;
	struct name_list names;
	size_t d, i;
	int ret;

	for (d = 0; d < sizeof(dirs) / sizeof(dirs[0]); d++) {
		if (env_path(dir, sizeof(dir), "%s", dirs[d]) || sysfs_list_dir(dir, 0, &names))
			continue;
		for (i = 0; i < names.count; i++) {
			snprintf(file, sizeof(file), "%s/%s", dir, names.names[i]);
			ret = run_script(c, file, EV_NOTIFY, action, c->json, &res);
			if (ret) {
				if (!not_a_script(ret))
					errorf("warning: cannot run notifier script %s: %s", file,
					       strerror(-ret));
				continue;
			}
			show_stderr(file, &res);
			spawn_result_free(&res);
		}
		name_list_free(&names);
	}
}

/* Set C up for DEV and find its versioned script: 0, or -errno with C->why saying why. */
static int callout_start(struct callout *c, const struct mdev *dev)
{
	int ret;

	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->state = "none";
	c->json = mdev_json_line(dev);
	if (!c->json) {
		snprintf(c->why, sizeof(c->why), "out of memory");
		return -ENOMEM;
	}
	ret = find_versioned(c);
	if (ret) {
		free(c->json);
		free(c->script.path);
		c->json = c->script.path = NULL;
	}
	return ret;
}

static void callout_end(struct callout *c)
{
	free(c->script.path);
	free(c->json);
}

/*
 * callout_invoke() - ACTION's callouts around OP(DEV, CTX): pre, OP, post, notifiers.
 * A pre callout that fails refuses the operation (-EPERM, with a message naming the
 * script and its status) unless FORCE, which runs it anyway with a warning. Returns
 * OP's result.
 */
int callout_invoke(struct mdev *dev, enum callout_action action, int force,
		   callout_op op, void *ctx)
{
	struct callout c;
	int ret = callout_start(&c, dev);

	if (ret) {
		errorf("%s of device %s refused: the callouts cannot run: %s",
		       action_names[action], dev->uuid, c.why);
		return ret;
	}
	if (callout_run(&c, EV_PRE, action, c.json, NULL)) {
		if (!force) {
			errorf("%s of device %s refused: %s (--force overrides a callout's refusal)",
			       action_names[action], dev->uuid, c.why);
			ret = -EPERM;
		} else {
			errorf("warning: %s of device %s forced despite the callout: %s",
			       action_names[action], dev->uuid, c.why);
		}
	}
	if (!ret) {
		ret = op(dev, ctx);
		c.state = ret ? "failure" : "success";
		if (callout_run(&c, EV_POST, action, c.json, NULL))
			errorf("warning: post-%s callout of device %s: %s", action_names[action],
			       dev->uuid, c.why);
	}
	notify(&c, action);
	callout_end(&c);
	return ret;
}

/*
 * callout_get_attributes() - the attributes a callout reports for the active DEV
 * ("-e get -a attributes": a JSON array in the definition's "attrs" format on its
 * standard output), appended to DEV's. 0 when they were added or no script handles
 * the device; else a negative errno with WHY saying why (-EOPNOTSUPP: the device's
 * versioned script does not support the event).
 */
int callout_get_attributes(struct mdev *dev, char *why, size_t whylen)
{
	struct spawn_result res;
	struct callout c;
	json_object *j;
	char err[256];
	int ret;

	ret = callout_start(&c, dev);
	if (ret) {
		snprintf(why, whylen, "%s", c.why);
		return ret;
	}
	ret = callout_run(&c, EV_GET, CALLOUT_ATTRIBUTES, NULL, &res);
	if (ret)
		snprintf(why, whylen, "%s", c.why);
	if (ret || !res.out || !res.out[0] || !strcmp(res.out, "[{}]"))
		goto out;
	if (!res.exited) {
		snprintf(why, whylen, "callout script %s was killed by signal %d", c.script.path,
			 res.sig);
		ret = -EIO;
		goto out;
	}
	j = defs_parse_json(res.out, res.outlen, err, sizeof(err));
	if (!j) {
		snprintf(why, whylen, "callout script %s printed attributes that are not JSON: %s",
			 c.script.path, err);
		ret = -EINVAL;
		goto out;
	}
	if (defs_attrs_from_json(j, dev, err, sizeof(err))) {
		snprintf(why, whylen, "the attributes callout script %s printed: %s",
			 c.script.path, err);
		ret = -EINVAL;
	}
	json_object_put(j);
out:
	spawn_result_free(&res);
	callout_end(&c);
	return ret;
}

/*
 * callout_modify_live() - give the active device's new definition DEV to its
 * versioned callout script's live event (mdevctl's modify --live). The device runs
 * unchanged when no versioned script supports the event: an error, exit status 1.
 */
int callout_modify_live(const struct mdev *dev)
{
	struct callout c;
	int ret = 0;

	ret = callout_start(&c, dev);
	if (ret) {
		errorf("cannot change device %s live: the callouts cannot run: %s", dev->uuid,
		       c.why);
		return ret;
	}
	if (!c.script.path) {
		errorf("cannot change device %s live: no callout script for type %s on parent %s declares a version (the live event needs one that supports it)",
		       dev->uuid, dev->type, dev->parent);
		ret = -EOPNOTSUPP;
	} else if (callout_run(&c, EV_LIVE, CALLOUT_MODIFY, c.json, NULL)) {
		errorf("cannot change device %s live: %s", dev->uuid, c.why);
		ret = -EIO;
	}
	/* mdevctl notifies after the live event ran, whatever its outcome. */
	if (c.script.path && (c.script.events & BIT(EV_LIVE)) &&
	    (c.script.actions & BIT(CALLOUT_MODIFY)))
		notify(&c, CALLOUT_MODIFY);
	callout_end(&c);
	return ret;
}
