/*
 * yoke-fault - report a fault and print its fault_id, resolve faults, or
 * watch the faults of the fleet: lib/fleet/faults.h says what each sends
 * and shows, and what must hold.
 */
#include <stdio.h>
#include <stdlib.h>

#include "conf.h"
#include "faults.h"
#include "sig.h"
#include "tool.h"

static const char usage[] =
	"[options] CODE [--severity LEVEL] [--data JSON] [-r ROBOT]\n"
	"[options] --resolve FAULT_ID [-r ROBOT]\n"
	"[options] --resolve-all [-r ROBOT]\n"
	"[options] --watch [PATTERN] [--json] [-C N] [-W S]";

struct mode {
	const char *severity, *data;
	bool watch, json;
};

/* The options that go with another mode than the one given. */
static int
check_mode(const struct yk_cli *cli, const struct yk_conf *c,
	   const struct mode *m, const struct yk_faults_plan *pl,
	   const struct yk_faults_watch *w, struct yk_err *err)
{
	bool fault = m->data || yk_cli_origin(cli, "severity") !=
					YK_FROM_DEFAULT;
	const char *why = NULL;

	if (m->watch && fault)
		why = "--severity and --data go with CODE, not --watch";
	else if ((pl->resolve != NULL) + pl->resolve_all + m->watch > 1)
		why = "use one of CODE, --resolve, --resolve-all, --watch";
	else if ((pl->resolve || pl->resolve_all) && fault)
		why = "--severity and --data go with CODE, not --resolve";
	else if (m->watch && yk_cli_origin(cli, "robot") == YK_FROM_ARGV)
		why = "--watch takes robots as PATTERN, not -r";
	/* a reporter on a watcher's session would take its faults */
	else if (!m->watch &&
		 (m->json || w->f.count || w->f.wait > 0 || c->session))
		why = "--json, -C, -W and --session go with --watch";
	return why ? yk_err_set(err, YK_EUSAGE, "%s", why) : YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct mode m = {.severity = "error"};
	struct yk_faults_plan *pl = yk_calloc(1, sizeof(*pl));
	struct yk_faults_watch *w = yk_calloc(1, sizeof(*w));
	struct yk_out out;
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;

	yk_tool_start(&t, "yoke-fault", usage,
		      "Report a fault and print its "
		      "fault_id, resolve faults, or watch "
		      "the fleet's faults.",
		      YK_CONF_ROBOT | YK_CONF_SESSION);
	struct yk_opt opts[] = {
		YK_GROUP("Reporting"),
		YK_STR(0, "severity", &m.severity,
		       "info|warning|error|critical",
		       "how grave (default error)"),
		YK_STR(0, "data", &m.data, "JSON",
		       "a JSON object of context, embedded in the fault"),
		YK_GROUP("Resolving"),
		YK_STR(0, "resolve", &pl->resolve, "FAULT_ID",
		       "resolve the robot's open fault FAULT_ID"),
		YK_FLAG(0, "resolve-all", &pl->resolve_all,
			"resolve every open fault of the robot"),
		YK_GROUP("Watching"),
		YK_FLAG(0, "watch", &m.watch,
			"print the faults of the robots PATTERN names"),
		YK_FLAG(0, "json", &m.json, "JSON lines even on a terminal"),
		YK_INT('C', "count", &w->f.count, "N", 1, 1e18,
		       "exit after N faults"),
		YK_NUM('W', "timeout", &w->f.wait, "SECONDS", 0.001, 1e9,
		       "exit after SECONDS; exit 3 if no fault came"),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	yk_out_init(&out, 1);
	if (yk_tool_parse(&t, opts, argc, argv) != YK_OK ||
	    check_mode(&t.cli, &t.c, &m, pl, w, &t.err) != YK_OK)
		goto out;
	if (m.watch ? yk_faults_watch_init(w, &t.c.scope, t.nargs, argv, &out,
					   m.json, &t.err)
		    : yk_faults_plan(pl, &t.c, t.nargs, argv, m.severity, m.data,
				     &t.err))
		goto out;
	yk_conf_mqtt(&t.c, &mc);
	mc.on_message = m.watch ? yk_faults_on_fault : yk_faults_on_status;
	mc.msg_ud = m.watch ? (void *)w : (void *)pl;
	if (yk_conf_open(&t.c, &mc, &s, &t.err) != YK_OK)
		goto out;
	if (m.watch)
		yk_faults_watch(w, s, &t.err);
	else
		yk_faults_send(pl, s, &out, &t.err);
out:
	yk_mqtt_close(s);
	yk_faults_plan_free(pl);
	yk_faults_watch_free(w);
	free(pl);
	free(w);
	yk_out_free(&out);
	return yk_tool_end(&t);
}
