/*
 * yoke-robot-status - a robot's status: set it, keep it (the agent: status,
 * heartbeat, liveliness, wills), wait for it, and show the fleet's.
 *
 * The agent is lib/fleet/agent.c; the fleet view's verdicts are lib/fleet/roster.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "conf.h"
#include "fleet.h"
#include "json.h"
#include "out.h"
#include "query.h"
#include "ready.h"
#include "roster.h"
#include "sig.h"
#include "subs.h"
#include "text.h"

static const char usage[] =
	"[options] [PATTERN] [--watch] [--json] [--all]\n"
	"[options] set STATUS [--reason TEXT]\n"
	"[options] agent [--status STATUS] [--heartbeat S]\n"
	"[options] wait ROBOT STATUS [-W S] [--stale S]\n"
	"[options] register ROBOT [--name NAME] [--model MODEL]\n"
	"[options] unregister ROBOT";

struct rs {
	struct yk_conf c;
	const char *status, *reason, *name, *model;
	long heartbeat;
	double stale, timeout, hide_after;
	bool watch, json, all;
	struct yk_ready ready;      /* agent --ready-fd */
};


/* A fleet view or a wait: the channels of the robots matching one
 * pattern, and what they say. */
struct view {
	struct rs *o;
	struct yk_mqtt *s;
	struct yk_subs w;
	enum yk_chan chan[YK_CH_N]; /* expression i -> channel */
	struct yk_roster ro;
	struct yk_sync sync;
	struct yk_out out;
	bool live;                  /* --watch --json, the fleet printed:
				       each message's change is printed */
};

static void note(struct view *v, struct yk_robot *rb, int64_t now,
		 bool changes);

static int
send1(struct yk_mqtt *s, const char *topic, const struct yk_buf *p, int qos,
      struct yk_err *err)
{
	struct yk_msg m = {.topic = topic, .payload = p ? p->p : "",
			   .len = p ? p->len : 0, .qos = qos, .retain = true,
			   .prio = -1};

	return yk_mqtt_send_wait(s, &m, err);
}

/* set, register, unregister: retained QoS 1 messages, acknowledged. */
static int
publish(struct rs *o, const char *robot, const char *const chans[],
	const struct yk_buf *payload, struct yk_err *err)
{
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_buf t = {0};

	yk_conf_mqtt(&o->c, &mc);
	if (yk_conf_open(&o->c, &mc, &s, err) != YK_OK)
		return err->rc;
	for (int i = 0; chans[i] && err->rc == YK_OK; i++) {
		yk_buf_truncate(&t, 0);
		yk_fleet_topic(&t, &o->c.scope, robot, chans[i]);
		send1(s, t.p, payload, 1, err);
	}
	if (err->rc == YK_OK)
		yk_mqtt_drain(s, &yk_sig_stop, err);
	yk_mqtt_close(s);
	yk_buf_free(&t);
	return err->rc;
}

static int
do_set(struct rs *o, const char *status, struct yk_err *err)
{
	static const char *const chans[] = {"status", NULL};
	struct yk_status st = {.status = status, .ts_us = yk_now_us(),
			       .reason = o->reason};
	struct yk_buf p = {0};

	if (yk_fleet_pick("status", yk_fleet_statuses, status, err) < 0 ||
	    yk_text_check("--reason", o->reason, err) != YK_OK ||
	    yk_conf_robot(&o->c, err) != YK_OK)
		return err->rc;
	yk_fleet_status_json(&p, &st);
	publish(o, o->c.robot, chans, &p, err);
	yk_buf_free(&p);
	return err->rc;
}

static int
do_register(struct rs *o, const char *robot, bool on, struct yk_err *err)
{
	static const char *const meta[] = {"meta", NULL};
	/* forgetting a robot forgets what the broker keeps for it; its
	 * token belongs to whoever holds it */
	static const char *const all[] = {"meta", "status", "heartbeat",
					  NULL};
	struct yk_buf p = {0};

	if (yk_id_check("robot id", robot, err) != YK_OK ||
	    yk_text_check("--name", o->name, err) != YK_OK ||
	    yk_text_check("--model", o->model, err) != YK_OK)
		return err->rc;
	if (!on)
		return publish(o, robot, all, NULL, err);
	yk_buf_adds(&p, "{\"name\":");
	yk_json_strz(&p, o->name ? o->name : robot);
	if (o->model) {
		yk_buf_adds(&p, ",\"model\":");
		yk_json_strz(&p, o->model);
	}
	yk_buf_adds(&p, ",\"created\":");
	yk_json_ts(&p, yk_now_us());
	yk_buf_addc(&p, '}');
	publish(o, robot, meta, &p, err);
	yk_buf_free(&p);
	return err->rc;
}

static int
do_agent(struct rs *o, struct yk_err *err)
{
	struct yk_agent_cfg ac = {.status = o->status,
				  .heartbeat_s = o->heartbeat,
				  .stop = &yk_sig_stop,
				  .log = yk_conf_log};
	struct yk_agent *a = NULL;

	if (yk_fleet_pick("status", yk_fleet_statuses, o->status, err) < 0 ||
	    yk_conf_robot(&o->c, err) != YK_OK)
		return err->rc;
	if (yk_agent_open(&a, &o->c, &ac, err) == YK_OK) {
		/* in short steps until ready: say it when it is so */
		while (!yk_sig_stop &&
		       yk_agent_step(a, o->ready.told ? 1000 : 20, err) ==
			       YK_OK) {
			struct yk_err w = {0};

			if (!o->ready.told && yk_agent_ready(a) &&
			    yk_ready_tell(&o->ready, &w) != YK_OK)
				yk_err_print(&w); /* a warning: we go on */
		}
		if (err->rc == YK_OK)
			yk_agent_stop(a, -1, err);
	}
	yk_agent_close(a);
	return err->rc;
}

/* ---- the fleet view and wait ---- */

static void
on_fleet(void *ud, const struct yk_rx *rx)
{
	struct view *v = ud;
	struct yk_robot *rb;
	const char *key, *slash;
	char robot[128];
	int i;

	if (yk_sync_check(&v->sync, rx))
		return;
	key = yk_key_unscope(&v->o->c.scope, rx->topic);
	if (key == NULL)
		return;
	i = yk_subs_pick(&v->w, key, rx, NULL);
	slash = strchr(key, '/');
	if (i < 0 || slash == NULL || strchr(slash + 1, '/') ||
	    (size_t)(slash - key) >= sizeof(robot))
		return;
	memcpy(robot, key, (size_t)(slash - key));
	robot[slash - key] = '\0';
	rb = yk_roster_apply(&v->ro, robot, v->chan[i], rx->payload, rx->len,
			     rx->retain, yk_now_us());
	/* at once, not at the next tick: a fault that lasts 0.1 s is a
	 * change of verdict too */
	if (v->live && rb && yk_roster_visible(&v->ro, rb, yk_now_us()))
		note(v, rb, yk_now_us(), true);
}

static int
view_open(struct view *v, const char *pattern, bool faults,
	  struct yk_err *err)
{
	struct yk_mqtt_cfg mc;
	struct yk_buf e = {0}, inbox = {0};
	struct yk_kexpr check;

	/* check what the user wrote, so errors quote it */
	if (yk_kexpr_parse(&check, &v->o->c.scope, pattern, err) != YK_OK)
		return err->rc;
	yk_kexpr_free(&check);
	for (int ch = 0; ch < YK_CH_N; ch++) {
		if (ch == YK_CH_FAULTS && !faults)
			continue;
		yk_buf_truncate(&e, 0);
		yk_buf_addf(&e, "%s/%s", pattern, yk_roster_chans[ch]);
		v->chan[v->w.n] = (enum yk_chan)ch;
		if (yk_subs_add(&v->w, &v->o->c.scope, e.p, err) != YK_OK)
			goto out;
	}
	v->ro.stale_us = (int64_t)(v->o->stale * 1e6);
	v->ro.hide_us = v->o->all ? 0 : (int64_t)(v->o->hide_after * 1e6);
	yk_conf_mqtt(&v->o->c, &mc);
	mc.on_message = on_fleet;
	mc.msg_ud = v;
	if (yk_conf_open(&v->o->c, &mc, &v->s, err) != YK_OK ||
	    yk_subs_subscribe(&v->w, v->s, 1, YK_RH_SEND, err) != YK_OK)
		goto out;
	yk_q_inbox(&inbox, &v->o->c.scope, yk_mqtt_client_id(v->s));
	if (yk_mqtt_subscribe(v->s, inbox.p, 1, YK_RH_NEVER, err) < 0)
		goto out;
	/* every retained value is in when our marker comes back */
	while (!yk_sig_stop && !v->sync.done) {
		if (yk_sync_step(v->s, &v->sync, inbox.p, err) != YK_OK)
			goto out;
		if (yk_mqtt_step(v->s, NULL, 0, 1000, err) != YK_OK)
			goto out;
	}
out:
	yk_buf_free(&e);
	yk_buf_free(&inbox);
	return err->rc;
}

static void
view_free(struct view *v)
{
	yk_mqtt_close(v->s);
	yk_subs_free(&v->w);
	yk_roster_free(&v->ro);
	yk_out_free(&v->out);
}

/* Print what changed (JSON lines) or the whole table. */
static void
show(struct view *v, bool human, bool changes)
{
	int64_t now = yk_now_us();
	size_t n, hidden;
	struct yk_robot **rv = yk_roster_view(&v->ro, now, &n, &hidden);
	struct yk_buf sig = {0};

	if (human && changes) {
		/* the last line stays empty: a newline there would scroll
		 * the header away */
		yk_roster_table(&sig, &v->ro, rv, n, now, yk_out_colour(1),
				yk_out_cols(1), yk_out_rows(1) - 1);
		yk_out_redraw(&v->out.b, sig.p, sig.len);
	} else if (human) {
		yk_roster_table(&v->out.b, &v->ro, rv, n, now,
				yk_out_colour(1), yk_out_cols(1), 0);
	}
	if (human) {
		yk_buf_free(&sig);
		free(rv);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!v->o->watch)
			yk_roster_json(&v->out.b, &v->ro, rv[i], now, true);
		else
			note(v, rv[i], now, changes);
	}
	yk_buf_free(&sig);
	free(rv);
}

/* --watch --json: the robot's line, unless it says what the last one
 * said (ages aside). */
static void
note(struct view *v, struct yk_robot *rb, int64_t now, bool changes)
{
	struct yk_buf sig = {0};

	yk_roster_json(&sig, &v->ro, rb, now, false);
	if (!(changes && rb->shown && strcmp(rb->shown, sig.p) == 0)) {
		free(rb->shown);
		rb->shown = yk_strdup(sig.p);
		yk_roster_json(&v->out.b, &v->ro, rb, now, true);
	}
	yk_buf_free(&sig);
}

static int
do_view(struct rs *o, const char *pattern, struct yk_err *err)
{
	struct view v = {.o = o};
	bool human = yk_out_human(1) && !o->json;
	size_t n, hidden;
	int rc;

	yk_out_init(&v.out, 1);
	if (view_open(&v, pattern, o->watch, err) != YK_OK || yk_sig_stop)
		goto out;
	free(yk_roster_view(&v.ro, yk_now_us(), &n, &hidden));
	if (n == 0 && !o->watch) {
		if (hidden > 0)
			yk_err_set(err, YK_ETIMEOUT,
				   "no robot matches '%s' (%zu offline for "
				   "more than %g s: --all shows them)",
				   pattern, hidden, o->hide_after);
		else
			yk_err_set(err, YK_ETIMEOUT, "no robot matches '%s'",
				   pattern);
		goto out;
	}
	show(&v, human, o->watch && human);
	rc = yk_out_flush(&v.out, err);
	v.live = o->watch && !human;
	while (o->watch && rc == YK_OK && !yk_sig_stop) {
		int64_t tick = yk_mono_ms() + 1000;

		/* a burst of updates is one redraw; JSON lines go as each
		 * change comes; the watchdog and ages are looked at every
		 * second */
		while (yk_mono_ms() < tick && !yk_sig_stop && rc == YK_OK) {
			if (yk_mqtt_step(v.s, NULL, 0,
					 (int)(tick - yk_mono_ms()), err) !=
			    YK_OK)
				goto out;
			rc = yk_out_flush(&v.out, err);
		}
		if (rc != YK_OK)
			break;
		show(&v, human, true);
		rc = yk_out_flush(&v.out, err);
	}
out:
	view_free(&v);
	return err->rc;
}

static int
do_wait(struct rs *o, const char *robot, const char *status,
	struct yk_err *err)
{
	struct view v = {.o = o};
	struct yk_verdict vd = {.status = "unknown"};
	struct yk_map_ent *e;
	int64_t end = o->timeout > 0 ? yk_mono_ms() +
					       (int64_t)(o->timeout * 1000)
				     : -1;

	/* every verdict the fleet view shows can be waited for */
	if (yk_id_check("robot id", robot, err) != YK_OK ||
	    yk_fleet_pick("status", yk_roster_verdicts, status, err) < 0)
		return err->rc;
	yk_out_init(&v.out, 1);
	if (view_open(&v, robot, false, err) != YK_OK)
		goto out;
	while (!yk_sig_stop) {
		int64_t now = yk_mono_ms();

		e = yk_map_get(&v.ro.robots, robot);
		if (e) {
			yk_roster_judge(&v.ro, e->val, yk_now_us(), &vd);
			/* a robot we expect that is gone is offline too */
			if (strcmp(vd.status, status) == 0 ||
			    (strcmp(vd.status, "missing") == 0 &&
			     strcmp(status, "offline") == 0))
				goto out;
		}
		if (end >= 0 && now >= end) {
			if (e == NULL)
				yk_err_set(err, YK_ETIMEOUT,
					   "'%s' is not %s after %g s: never "
					   "seen", robot, status, o->timeout);
			else
				yk_err_set(err, YK_ETIMEOUT,
					   "'%s' is not %s after %g s: it is "
					   "%s%s%s", robot, status, o->timeout,
					   vd.status, vd.reason[0] ? ", " : "",
					   vd.reason);
			goto out;
		}
		if (yk_mqtt_step(v.s, NULL, 0,
				 end >= 0 && end - now < 1000
					 ? (int)(end - now)
					 : 1000,
				 err) != YK_OK)
			goto out;
	}
out:
	view_free(&v);
	return err->rc;
}

/* Options that belong to one verb are refused with another. */
static int
check_verb(const struct yk_cli *cli, const char *verb, struct yk_err *err)
{
	static const struct {
		const char *opt, *verbs;
	} own[] = {
		{"status", "agent"},     {"heartbeat", "agent"},
		{"reason", "set"},       {"timeout", "wait"},
		{"name", "register"},    {"model", "register"},
		{"watch", "view"},       {"json", "view"},
		{"stale", "view wait"},  {"ready-fd", "agent"},
		{"all", "view"},         {"hide-after", "view"},
	};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (yk_cli_origin(cli, own[i].opt) == YK_FROM_ARGV &&
		    strstr(own[i].verbs, verb) == NULL)
			return yk_err_set(err, YK_EUSAGE,
					  "--%s does not go with %s", own[i].opt,
					  strcmp(verb, "view") == 0
						  ? "the fleet view"
						  : verb);
	return YK_OK;
}

/* A verb's arguments: args[0..n) against the want it needs. */
static int
args_want(const char *verb, char **args, int n, int want, const char *what,
	  struct yk_err *err)
{
	if (n < want)
		return yk_err_set(err, YK_EUSAGE, "%s: missing %s", verb,
				  what);
	if (n > want)
		return yk_err_set(err, YK_EUSAGE,
				  "%s: unexpected argument '%s'", verb,
				  args[want]);
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Report a robot's status, keep it "
					"alive, wait for it, or show the "
					"fleet."};
	struct rs o = {.status = "online", .heartbeat = 30, .stale = 75,
		       .hide_after = 86400};
	struct yk_err err = {0};
	const char *verb = "view";
	int nargs, rc;

	yk_prog = "yoke-robot-status";
	yk_conf_init(&o.c, &cli, YK_CONF_ROBOT | YK_CONF_WILL);
	struct yk_opt opts[] = {
		YK_GROUP("Fleet view"),
		YK_FLAG(0, "watch", &o.watch, "redraw as the fleet changes"),
		YK_FLAG(0, "json", &o.json, "JSON lines even on a terminal"),
		YK_NUM(0, "stale", &o.stale, "S", 1, 1e9,
		       "offline after S s without a heartbeat (default 75)"),
		YK_FLAG(0, "all", &o.all,
			"show the robots offline for long too"),
		YK_NUM(0, "hide-after", &o.hide_after, "S", 0, 1e12,
		       "leave out robots offline over S s (default 86400; "
		       "0: never)"),
		YK_GROUP("Verbs"),
		YK_STR(0, "status", &o.status, "STATUS",
		       "agent: the status to report (default online)"),
		YK_INT(0, "heartbeat", &o.heartbeat, "S", 1, 86400,
		       "agent: heartbeat every S seconds (default 30)"),
		YK_READY_OPT_HELP(&o.ready,
				  "agent: when its status and token are "
				  "acknowledged, write a line to descriptor "
				  "N and close it"),
		YK_STR(0, "reason", &o.reason, "TEXT",
		       "set: why (shown in the fleet view)"),
		YK_NUM('W', "timeout", &o.timeout, "S", 0, 1e9,
		       "wait: give up after S seconds (exit 3)"),
		YK_STR(0, "name", &o.name, "NAME",
		       "register: display name (default the id)"),
		YK_STR(0, "model", &o.model, "MODEL", "register: model"),
		YK_INCLUDE(o.c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_ready_init(&o.ready);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || yk_conf_finish(&o.c, &cli, &err) != YK_OK ||
	    yk_ready_setup(&o.ready, &err) != YK_OK)
		goto out;
	if (nargs > 0 && (strcmp(argv[0], "set") == 0 ||
			  strcmp(argv[0], "agent") == 0 ||
			  strcmp(argv[0], "wait") == 0 ||
			  strcmp(argv[0], "register") == 0 ||
			  strcmp(argv[0], "unregister") == 0))
		verb = argv[0];
	if (check_verb(&cli, verb, &err) != YK_OK)
		goto out;
	if (strcmp(verb, "set") == 0) {
		if (args_want(verb, argv + 1, nargs - 1, 1, "STATUS", &err) == YK_OK)
			do_set(&o, argv[1], &err);
	} else if (strcmp(verb, "agent") == 0) {
		if (args_want(verb, argv + 1, nargs - 1, 0, "", &err) ==
		    YK_OK)
			do_agent(&o, &err);
	} else if (strcmp(verb, "wait") == 0) {
		if (args_want(verb, argv + 1, nargs - 1, 2, "ROBOT STATUS",
			      &err) == YK_OK)
			do_wait(&o, argv[1], argv[2], &err);
	} else if (strcmp(verb, "register") == 0 ||
		   strcmp(verb, "unregister") == 0) {
		if (args_want(verb, argv + 1, nargs - 1, 1, "ROBOT", &err) == YK_OK)
			do_register(&o, argv[1], verb[0] == 'r', &err);
	} else if (nargs > 1) {
		yk_err_set(&err, YK_EUSAGE,
			   "expected at most one PATTERN, got %d", nargs);
	} else {
		do_view(&o, nargs ? argv[0] : "*", &err);
	}
out:
	rc = err.rc;
	if (rc != YK_OK && rc != YK_EXIT)
		yk_err_print(&err);
	yk_ready_free(&o.ready);
	yk_conf_free(&o.c);
	yk_cli_free(&cli);
	return rc == YK_EXIT ? 0 : rc;
}
