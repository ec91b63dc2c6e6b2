/*
 * yoke-robot-status - a robot's status: set it, keep it (the agent: status,
 * heartbeat, liveliness, wills), wait for it, and show the fleet's.  The
 * verbs are lib/fleet/'s retain.c, agent.c and view.c (verdicts: roster.c).
 */
#include "agent.h"
#include "ready.h"
#include "retain.h"
#include "sig.h"
#include "tool.h"
#include "view.h"

static const char usage[] =
	"[options] [PATTERN] [--watch] [--json] [--all]\n"
	"[options] set STATUS [--reason TEXT]\n"
	"[options] agent [--status STATUS] [--heartbeat S]\n"
	"[options] wait ROBOT STATUS [-W S] [--stale S]\n"
	"[options] register ROBOT [--name NAME] [--model MODEL]\n"
	"[options] unregister ROBOT";

/* The verbs; a first argument that is none is the fleet view's PATTERN. */
enum { VIEW, SET, AGENT, WAIT, REGISTER, UNREGISTER };
static const struct yk_mode modes[] = {
	[VIEW] = {.what = "the fleet view", .args = "[PATTERN]"},
	[SET] = {.verb = "set", .args = "STATUS"},
	[AGENT] = {.verb = "agent", .args = ""},
	[WAIT] = {.verb = "wait", .args = "ROBOT STATUS"},
	[REGISTER] = {.verb = "register", .args = "ROBOT"},
	[UNREGISTER] = {.verb = "unregister", .args = "ROBOT"},
	{0},
};

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct yk_view_cfg view = {.stale = 75, .hide_after = 86400,
				   .stop = &yk_sig_stop};
	struct yk_agent_cfg agent = {.status = "online", .heartbeat_s = 30,
				     .stop = &yk_sig_stop, .log = yk_conf_log};
	struct yk_ready ready;
	const char *reason = NULL, *name = NULL, *model = NULL;
	double timeout = 0;

	yk_tool_start(&t, "yoke-robot-status", usage,
		      "Report a robot's status, keep it alive, wait for it, "
		      "or show the fleet.",
		      YK_CONF_ROBOT | YK_CONF_WILL);
	t.cli.modes = modes;
	struct yk_opt opts[] = {
		YK_GROUP("Fleet view"),
		YK_ONLY(YK_MODE(VIEW)),
		YK_FLAG(0, "watch", &view.watch, "redraw as the fleet changes"),
		YK_JSON(&view.json),
		YK_ONLY(YK_MODE(VIEW) | YK_MODE(WAIT)),
		YK_NUM(0, "stale", &view.stale, "S", 1, 1e9,
		       "offline after S s without a heartbeat (default 75)"),
		YK_ONLY(YK_MODE(VIEW)),
		YK_FLAG(0, "all", &view.all,
			"show the robots offline for long too"),
		YK_NUM(0, "hide-after", &view.hide_after, "S", 0, 1e12,
		       "leave out robots offline over S s (default 86400; "
		       "0: never)"),
		YK_GROUP("Verbs"),
		YK_ONLY(YK_MODE(AGENT)),
		YK_STR(0, "status", &agent.status, "STATUS",
		       "agent: the status to report (default online)"),
		YK_INT(0, "heartbeat", &agent.heartbeat_s, "S", 1, 86400,
		       "agent: heartbeat every S seconds (default 30)"),
		YK_READY_OPT_HELP(&ready, "agent: when its status and token "
				  "are acknowledged, write a line to "
				  "descriptor N and close it"),
		YK_ONLY(YK_MODE(SET)),
		YK_STR(0, "reason", &reason, "TEXT",
		       "set: why (shown in the fleet view)"),
		YK_ONLY(YK_MODE(WAIT)),
		YK_NUM('W', "timeout", &timeout, "S", 0, 1e9,
		       "wait: give up after S seconds (exit 3)"),
		YK_ONLY(YK_MODE(REGISTER)),
		YK_STR(0, "name", &name, "NAME",
		       "register: display name (default the id)"),
		YK_STR(0, "model", &model, "MODEL", "register: model"),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	yk_ready_init(&ready);
	if (yk_tool_parse(&t, opts, argc, argv) != YK_OK ||
	    yk_ready_setup(&ready, &t.err) != YK_OK)
		goto out;
	if (t.cli.mode == SET)
		yk_retain_status(&t.c, argv[1], reason, &yk_sig_stop, &t.err);
	else if (t.cli.mode == AGENT)
		yk_agent_run(&t.c, &agent, &ready, &t.err);
	else if (t.cli.mode == WAIT)
		yk_view_wait(&t.c, &view, argv[1], argv[2], timeout, &t.err);
	else if (t.cli.mode == REGISTER)
		yk_retain_meta(&t.c, argv[1], name, model, &yk_sig_stop,
			       &t.err);
	else if (t.cli.mode == UNREGISTER)
		yk_retain_forget(&t.c, argv[1], &yk_sig_stop, &t.err);
	else
		yk_view_run(&t.c, &view, t.nargs ? argv[0] : "*", &t.err);
out:
	yk_ready_free(&ready);
	return yk_tool_end(&t);
}
