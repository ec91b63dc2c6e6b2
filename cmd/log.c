/*
 * yoke-log - put a robot's log into the fleet: one entry from the
 * arguments, or one per line of standard input over one connection; or
 * follow the fleet's logs.
 *
 * Entries go to <robot>/log at QoS 1: exit 0 means the broker
 * acknowledged every one.  A message is valid UTF-8 in its JSON however
 * the input was encoded, and is cut at 10,000 characters
 * (lib/fleet/logs.h, logline.h).
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "fleet.h"
#include "logs.h"
#include "sig.h"
#include "tool.h"

static const char usage[] =
	"[options] [--level L|auto] MESSAGE...\n"
	"[options] [--level L|auto] < LINES\n"
	"[options] --follow [PATTERN] [--level L] [--json]";

struct mode {
	const char *level;
	bool follow, json;
};

/* --level for sending (a level or auto) or for following (the lowest
 * shown); then the arguments of the mode. */
static int
check_args(struct mode *m, struct yk_logs_out *o, struct yk_logs_follow *w,
	   int nargs, char **args, const struct yk_scope *sc,
	   struct yk_out *out, struct yk_err *err)
{
	int i;

	o->guess = m->level && strcmp(m->level, "auto") == 0;
	if (o->guess && m->follow)
		return yk_err_set(err, YK_EUSAGE,
				  "--level auto goes with sending, not "
				  "--follow");
	i = m->level && !o->guess ? yk_fleet_pick("level", yk_fleet_levels,
						  m->level, err)
				  : 1;
	if (i < 0 && !m->follow)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid level '%s': use debug, info, warn, "
				  "error or auto", m->level);
	if (i < 0)
		return err->rc;
	if (m->follow) {
		w->rank = m->level ? i : 0;
		return yk_logs_follow_init(w, sc, nargs, args, out, m->json,
					   err);
	}
	o->level = o->guess ? NULL : yk_fleet_levels[i];
	if (m->json)
		return yk_err_set(err, YK_EUSAGE, "--json goes with --follow");
	return yk_logs_args(o, nargs, args, err);
}

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct mode m = {0};
	struct yk_logs_out o = {0};
	struct yk_logs_follow w = {0};
	struct yk_out out;
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;

	yk_tool_start(&t, "yoke-log", usage,
		      "Put log entries into the fleet, from "
		      "the arguments or each line of "
		      "standard input; follow the fleet's "
		      "logs.",
		      YK_CONF_ROBOT | YK_CONF_QUEUE);
	struct yk_opt opts[] = {
		YK_GROUP("Log"),
		YK_STR(0, "level", &m.level, "debug|info|warn|error|auto",
		       "level of the entries (default info; auto: from each "
		       "line's prefix, ERROR, W/, [warn] ...); --follow: "
		       "show this level and above"),
		YK_FLAG(0, "follow", &m.follow,
			"print the fleet's log entries as they arrive "
			"(PATTERN: robots, default *)"),
		YK_FLAG(0, "watch", &m.follow,
			"the same as --follow, the word of the other tools"),
		YK_FLAG(0, "json", &m.json, "JSON lines even on a terminal"),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	yk_out_init(&out, 1);
	if (yk_tool_parse(&t, opts, argc, argv) != YK_OK ||
	    check_args(&m, &o, &w, t.nargs, argv, &t.c.scope, &out, &t.err) !=
		    YK_OK ||
	    (!m.follow && yk_conf_robot(&t.c, &t.err) != YK_OK))
		goto out;
	yk_fleet_topic(&o.topic, &t.c.scope, t.c.robot, "log");
	yk_conf_mqtt(&t.c, &mc);
	if (m.follow) {
		mc.on_message = yk_logs_on_entry;
		mc.msg_ud = &w;
	}
	if (yk_conf_open(&t.c, &mc, &s, &t.err) != YK_OK)
		goto out;
	if (m.follow)
		yk_logs_follow(&w, s, &t.err);
	else
		yk_logs_send(&o, s, 0, &t.err);
out:
	yk_mqtt_close(s);
	yk_logs_out_free(&o);
	yk_logs_follow_free(&w);
	yk_out_free(&out);
	return yk_tool_end(&t);
}
