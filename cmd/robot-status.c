/*
 * yoke-robot-status - a robot's status: set it, keep it (the agent: status,
 * heartbeat, liveliness, wills), wait for it, and show the fleet's.  The
 * verbs are lib/fleet/'s retain.c, agent.c and view.c (verdicts: roster.c).
 */
#include <string.h>

#include "agent.h"
#include "ready.h"
#include "retain.h"
#include "sig.h"
#include "view.h"

static const char usage[] =
	"[options] [PATTERN] [--watch] [--json] [--all]\n"
	"[options] set STATUS [--reason TEXT]\n"
	"[options] agent [--status STATUS] [--heartbeat S]\n"
	"[options] wait ROBOT STATUS [-W S] [--stale S]\n"
	"[options] register ROBOT [--name NAME] [--model MODEL]\n"
	"[options] unregister ROBOT";

/* The verbs; a first argument that is none is the fleet view's PATTERN. */
enum { VIEW, SET, AGENT, WAIT, REGISTER, UNREGISTER, NVERB };
static const struct {
	const char *name, *args; /* the arguments it takes */
	int nargs;
} verbs[NVERB] = {
	{"the fleet view", "", 0}, {"set", "STATUS", 1}, {"agent", "", 0},
	{"wait", "ROBOT STATUS", 2}, {"register", "ROBOT", 1},
	{"unregister", "ROBOT", 1},
};
/* The options that go with some verbs only, refused with the others. */
static const struct {
	const char *opt;
	unsigned verbs; /* 1 << verb */
} own[] = {
	{"status", 1 << AGENT},  {"heartbeat", 1 << AGENT},
	{"reason", 1 << SET},    {"timeout", 1 << WAIT},
	{"name", 1 << REGISTER}, {"model", 1 << REGISTER},
	{"watch", 1 << VIEW},    {"json", 1 << VIEW},
	{"stale", 1 << VIEW | 1 << WAIT}, {"ready-fd", 1 << AGENT},
	{"all", 1 << VIEW},      {"hide-after", 1 << VIEW},
};

/* Whether verb v goes with the options given and the arguments args. */
static int
check_verb(const struct yk_cli *cli, int v, char **args, int n,
	   struct yk_err *err)
{
	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (yk_cli_origin(cli, own[i].opt) == YK_FROM_ARGV &&
		    !(own[i].verbs & 1u << v))
			return yk_err_set(err, YK_EUSAGE,
					  "--%s does not go with %s",
					  own[i].opt, verbs[v].name);
	if (v == VIEW && n > 1)
		return yk_err_set(err, YK_EUSAGE,
				  "expected at most one PATTERN, got %d", n);
	if (v == VIEW || n - 1 == verbs[v].nargs)
		return YK_OK;
	if (n - 1 < verbs[v].nargs)
		return yk_err_set(err, YK_EUSAGE, "%s: missing %s",
				  verbs[v].name, verbs[v].args);
	return yk_err_set(err, YK_EUSAGE, "%s: unexpected argument '%s'",
			  verbs[v].name, args[1 + verbs[v].nargs]);
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Report a robot's status, keep it "
					"alive, wait for it, or show the "
					"fleet."};
	struct yk_conf c;
	struct yk_view_cfg view = {.stale = 75, .hide_after = 86400,
				   .stop = &yk_sig_stop};
	struct yk_agent_cfg agent = {.status = "online", .heartbeat_s = 30,
				     .stop = &yk_sig_stop, .log = yk_conf_log};
	struct yk_ready ready;
	const char *reason = NULL, *name = NULL, *model = NULL;
	double timeout = 0;
	struct yk_err err = {0};
	int nargs, v;

	yk_prog = "yoke-robot-status";
	yk_conf_init(&c, &cli, YK_CONF_ROBOT | YK_CONF_WILL);
	struct yk_opt opts[] = {
		YK_GROUP("Fleet view"),
		YK_FLAG(0, "watch", &view.watch, "redraw as the fleet changes"),
		YK_FLAG(0, "json", &view.json, "JSON lines even on a terminal"),
		YK_NUM(0, "stale", &view.stale, "S", 1, 1e9,
		       "offline after S s without a heartbeat (default 75)"),
		YK_FLAG(0, "all", &view.all,
			"show the robots offline for long too"),
		YK_NUM(0, "hide-after", &view.hide_after, "S", 0, 1e12,
		       "leave out robots offline over S s (default 86400; "
		       "0: never)"),
		YK_GROUP("Verbs"),
		YK_STR(0, "status", &agent.status, "STATUS",
		       "agent: the status to report (default online)"),
		YK_INT(0, "heartbeat", &agent.heartbeat_s, "S", 1, 86400,
		       "agent: heartbeat every S seconds (default 30)"),
		YK_READY_OPT_HELP(&ready, "agent: when its status and token "
				  "are acknowledged, write a line to "
				  "descriptor N and close it"),
		YK_STR(0, "reason", &reason, "TEXT",
		       "set: why (shown in the fleet view)"),
		YK_NUM('W', "timeout", &timeout, "S", 0, 1e9,
		       "wait: give up after S seconds (exit 3)"),
		YK_STR(0, "name", &name, "NAME",
		       "register: display name (default the id)"),
		YK_STR(0, "model", &model, "MODEL", "register: model"),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_ready_init(&ready);
	/* --help, --version: YK_EXIT with err untouched, so exit 0 */
	if (yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err) != YK_OK ||
	    yk_conf_finish(&c, &cli, &err) != YK_OK ||
	    yk_ready_setup(&ready, &err) != YK_OK)
		goto out;
	for (v = NVERB - 1; v > VIEW; v--)
		if (nargs > 0 && strcmp(argv[0], verbs[v].name) == 0)
			break;
	if (check_verb(&cli, v, argv, nargs, &err) != YK_OK)
		goto out;
	if (v == SET)
		yk_retain_status(&c, argv[1], reason, &yk_sig_stop, &err);
	else if (v == AGENT)
		yk_agent_run(&c, &agent, &ready, &err);
	else if (v == WAIT)
		yk_view_wait(&c, &view, argv[1], argv[2], timeout, &err);
	else if (v == REGISTER)
		yk_retain_meta(&c, argv[1], name, model, &yk_sig_stop, &err);
	else if (v == UNREGISTER)
		yk_retain_forget(&c, argv[1], &yk_sig_stop, &err);
	else
		yk_view_run(&c, &view, nargs ? argv[0] : "*", &err);
out:
	if (err.rc != YK_OK && err.rc != YK_EXIT)
		yk_err_print(&err);
	yk_ready_free(&ready);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return err.rc == YK_EXIT ? 0 : err.rc;
}
