/*
 * yoke-robot-status - a robot's status: set it, keep it (the agent: status,
 * heartbeat, liveliness, wills), wait for it, and show the fleet's.
 *
 * The agent holds two sessions, because a session has one will and a dead
 * robot needs two things said for it: its status turns "offline" and its
 * liveliness token is cleared.  Both are wills, so a SIGKILL, a power cut
 * or a network loss all say it within 1.5 keepalives (7.5 s by default).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "fleet.h"
#include "json.h"
#include "out.h"
#include "query.h"
#include "roster.h"
#include "sig.h"
#include "watch.h"

static const char usage[] =
	"[options] [PATTERN] [--watch] [--json]\n"
	"[options] set STATUS [--reason TEXT]\n"
	"[options] agent [--status STATUS] [--heartbeat S]\n"
	"[options] wait ROBOT STATUS [-W S]\n"
	"[options] register ROBOT [--name NAME] [--model MODEL]\n"
	"[options] unregister ROBOT";

struct rs {
	struct yk_conf c;
	const char *status, *reason, *name, *model;
	long heartbeat;
	double stale, timeout;
	bool watch, json;
	struct yk_err fail;   /* what a callback ran into */
};

/* What the agent says and keeps saying. */
struct agent {
	struct rs *o;
	struct yk_mqtt *s, *t;      /* status + heartbeat; token */
	struct yk_buf st_topic, hb_topic, tok_topic;
	struct yk_buf status;       /* the status payload we stand by */
	struct yk_buf fault;        /* the fault it embeds (JSON), or "" */
	struct yk_buf token;
	bool rewill;                /* the fault changed: renew the will */
	long long seq;
	int64_t started;
};

/* A fleet view or a wait: the channels of the robots matching one
 * pattern, and what they say. */
struct view {
	struct rs *o;
	struct yk_mqtt *s;
	struct yk_watch w;
	enum yk_chan chan[YK_CH_N]; /* expression i -> channel */
	struct yk_roster ro;
	struct yk_sync sync;
	struct yk_out out;
};

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

	if (yk_fleet_pick("status", yk_fleet_statuses, status, err) < 0)
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

	if (yk_id_check("robot id", robot, err) != YK_OK)
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
	yk_out_ts(&p, yk_now_us());
	yk_buf_addc(&p, '}');
	publish(o, robot, meta, &p, err);
	yk_buf_free(&p);
	return err->rc;
}

/* ---- the agent ---- */

static void
heartbeat(struct agent *a)
{
	struct yk_buf p = {0};
	int64_t now = yk_now_us();
	struct yk_msg m = {.topic = a->hb_topic.p, .qos = 0, .retain = true,
			   .prio = -1};

	/* Only while connected: a heartbeat queued through an outage would
	 * arrive late and claim the robot was fine all along. */
	if (!yk_mqtt_up(a->s))
		return;
	yk_buf_adds(&p, "{\"ts\":");
	yk_out_ts(&p, now);
	yk_buf_addf(&p, ",\"seq\":%lld,\"uptime_s\":%lld}", ++a->seq,
		    (long long)((now - a->started) / 1000000));
	m.payload = p.p;
	m.len = p.len;
	yk_mqtt_send(a->s, &m, &a->o->fail);
	yk_buf_free(&p);
}

/* After every (re)connect: our wills may have fired meanwhile. */
static void
status_up(void *ud, bool session_present)
{
	struct agent *a = ud;

	(void)session_present;
	send1(a->s, a->st_topic.p, &a->status, 1, &a->o->fail);
	heartbeat(a);
}

static void
token_up(void *ud, bool session_present)
{
	struct agent *a = ud;

	(void)session_present;
	send1(a->t, a->tok_topic.p, &a->token, 1, &a->o->fail);
}

/* The "fault" member of a status payload, as it is, into out. */
static void
status_fault(struct yk_buf *out, const char *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	yk_buf_truncate(out, 0);
	if (!yk_json_obj_begin(&it, p, n))
		return;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, "fault") && vn > 0 && v[0] == '{')
			yk_buf_add(out, v, vn);
}

/* Our offline status: with a ts, or none (a will cannot know when it
 * will be said), and the fault we stand by, so a robot that dies in a
 * fault still shows it. */
static void
offline(struct yk_buf *b, const struct agent *a, const char *reason,
	int64_t ts_us)
{
	yk_buf_truncate(b, 0);
	yk_buf_adds(b, "{\"status\":\"offline\"");
	if (ts_us > 0) {
		yk_buf_adds(b, ",\"ts\":");
		yk_out_ts(b, ts_us);
	}
	yk_buf_adds(b, ",\"reason\":");
	yk_json_strz(b, reason);
	if (a->fault.len > 0) {
		yk_buf_adds(b, ",\"fault\":");
		yk_buf_add(b, a->fault.p, a->fault.len);
	}
	yk_buf_addc(b, '}');
}

/* A status someone else set (yoke-fault, `set idle`) is what we stand by
 * from then on, so a reconnect does not paper over a fault.  Our own
 * will is not: it speaks for a connection that is back. */
static void
on_status(void *ud, const struct yk_rx *rx)
{
	struct agent *a = ud;
	struct yk_roster tmp = {0};
	struct yk_robot *rb;
	struct yk_buf f = {0};

	rb = yk_roster_apply(&tmp, "x", YK_CH_STATUS, rx->payload, rx->len,
			     rx->retain, 0);
	if (rb && rb->has_status &&
	    !(strcmp(rb->status, "offline") == 0 && rb->reason &&
	      strcmp(rb->reason, "connection lost") == 0)) {
		yk_buf_truncate(&a->status, 0);
		yk_buf_add(&a->status, rx->payload, rx->len);
		status_fault(&f, rx->payload, rx->len);
		if (f.len != a->fault.len ||
		    (f.len && memcmp(f.p, a->fault.p, f.len) != 0)) {
			yk_buf_truncate(&a->fault, 0);
			yk_buf_add(&a->fault, f.p, f.len);
			a->rewill = true;
		}
	}
	yk_buf_free(&f);
	yk_roster_free(&tmp);
}

static int
agent_open(struct agent *a, struct yk_mqtt **s, const char *will_topic,
	   const struct yk_buf *will,
	   void (*on_message)(void *, const struct yk_rx *),
	   struct yk_err *err)
{
	struct yk_mqtt_cfg mc;

	yk_conf_mqtt(&a->o->c, &mc);
	mc.will_topic = will_topic;
	mc.will_payload = will->p ? will->p : "";
	mc.will_len = will->len;
	mc.will_qos = 1;
	mc.will_retain = true;
	mc.on_message = on_message;
	mc.msg_ud = a;
	return yk_conf_open(&a->o->c, &mc, s, err);
}

/* The status session, with a will that says what we stand by. */
static int
status_open(struct agent *a, struct yk_err *err)
{
	struct yk_buf lost = {0};
	int rc;

	offline(&lost, a, "connection lost", 0);
	rc = agent_open(a, &a->s, a->st_topic.p, &lost, on_status, err);
	yk_buf_free(&lost);
	if (rc != YK_OK)
		return rc;
	yk_mqtt_on_connect(a->s, status_up, a);
	if (yk_mqtt_subscribe(a->s, a->st_topic.p, 1, YK_RH_NEW, err) < 0)
		return err->rc;
	return YK_OK;
}

/* A will is fixed at connect time: to say a new fault, reconnect (a
 * normal DISCONNECT, so the old will is not said). */
static int
renew_will(struct agent *a, struct yk_err *err)
{
	a->rewill = false;
	if (yk_mqtt_drain(a->s, &yk_sig_stop, err) != YK_OK)
		return err->rc;
	yk_mqtt_close(a->s);
	a->s = NULL;
	return status_open(a, err);
}

static int
do_agent(struct rs *o, struct yk_err *err)
{
	struct agent a = {.o = o, .started = yk_now_us()};
	struct yk_status st = {.status = o->status, .ts_us = a.started,
			       .heartbeat_s = o->heartbeat};
	struct yk_buf none = {0};
	int64_t next;

	if (yk_fleet_pick("status", yk_fleet_statuses, o->status, err) < 0)
		return err->rc;
	yk_fleet_topic(&a.st_topic, &o->c.scope, o->c.robot, "status");
	yk_fleet_topic(&a.hb_topic, &o->c.scope, o->c.robot, "heartbeat");
	yk_fleet_topic(&a.tok_topic, &o->c.scope, o->c.robot, "alive");
	yk_fleet_status_json(&a.status, &st);
	yk_fleet_alive_json(&a.token, o->c.hostname);
	if (status_open(&a, err) != YK_OK ||
	    agent_open(&a, &a.t, a.tok_topic.p, &none, NULL, err) != YK_OK)
		goto out;
	yk_mqtt_on_connect(a.t, token_up, &a);
	next = yk_mono_ms() + o->heartbeat * 1000;
	while (!yk_sig_stop && o->fail.rc == YK_OK) {
		int64_t now = yk_mono_ms();
		int wait = next > now ? (int)(next - now) : 0;

		if (a.rewill && renew_will(&a, err) != YK_OK)
			goto out;
		if (now >= next) {
			heartbeat(&a);
			next += o->heartbeat * 1000;
			continue;
		}
		/* the token session needs no haste: a second's delay in
		 * reading its acknowledgements costs nothing */
		if (yk_mqtt_step(a.s, NULL, 0, wait < 500 ? wait : 500,
				 err) != YK_OK ||
		    yk_mqtt_step(a.t, NULL, 0, 0, err) != YK_OK)
			goto out;
	}
	if (o->fail.rc) {
		*err = o->fail;
		goto out;
	}
	/* Said before we go, so dashboards change at once. */
	yk_mqtt_on_connect(a.s, NULL, NULL);
	yk_mqtt_on_connect(a.t, NULL, NULL);
	offline(&a.status, &a, "stopped", yk_now_us());
	if (send1(a.s, a.st_topic.p, &a.status, 1, err) == YK_OK &&
	    send1(a.t, a.tok_topic.p, NULL, 1, err) == YK_OK &&
	    yk_mqtt_drain(a.s, &yk_sig_stop, err) == YK_OK)
		yk_mqtt_drain(a.t, &yk_sig_stop, err);
out:
	yk_mqtt_close(a.s);
	yk_mqtt_close(a.t);
	yk_buf_free(&a.st_topic);
	yk_buf_free(&a.hb_topic);
	yk_buf_free(&a.tok_topic);
	yk_buf_free(&a.status);
	yk_buf_free(&a.token);
	yk_buf_free(&a.fault);
	return err->rc;
}

/* ---- the fleet view and wait ---- */

static void
on_fleet(void *ud, const struct yk_rx *rx)
{
	struct view *v = ud;
	const char *key, *slash;
	char robot[128];
	int i;

	if (yk_sync_check(&v->sync, rx))
		return;
	key = yk_key_unscope(&v->o->c.scope, rx->topic);
	if (key == NULL)
		return;
	i = yk_watch_pick(&v->w, key, rx, NULL);
	slash = strchr(key, '/');
	if (i < 0 || slash == NULL || strchr(slash + 1, '/') ||
	    (size_t)(slash - key) >= sizeof(robot))
		return;
	memcpy(robot, key, (size_t)(slash - key));
	robot[slash - key] = '\0';
	yk_roster_apply(&v->ro, robot, v->chan[i], rx->payload, rx->len,
			rx->retain, yk_now_us());
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
		if (yk_watch_add(&v->w, &v->o->c.scope, e.p, err) != YK_OK)
			goto out;
	}
	v->ro.stale_us = (int64_t)(v->o->stale * 1e6);
	yk_conf_mqtt(&v->o->c, &mc);
	mc.on_message = on_fleet;
	mc.msg_ud = v;
	if (yk_conf_open(&v->o->c, &mc, &v->s, err) != YK_OK ||
	    yk_watch_subscribe(&v->w, v->s, 1, YK_RH_SEND, err) != YK_OK)
		goto out;
	yk_q_inbox(&inbox, &v->o->c.scope, yk_mqtt_client_id(v->s));
	if (yk_mqtt_subscribe(v->s, inbox.p, 1, YK_RH_NEVER, err) < 0)
		goto out;
	/* every retained value is in when our marker comes back */
	while (!yk_sig_stop && !v->sync.done) {
		if (!v->sync.sent && yk_mqtt_subscribed(v->s) &&
		    yk_sync_start(v->s, &v->sync, inbox.p, err) != YK_OK)
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
	yk_watch_free(&v->w);
	yk_roster_free(&v->ro);
	yk_out_free(&v->out);
}

/* Print what changed (JSON lines) or the whole table. */
static void
show(struct view *v, bool human, bool changes)
{
	int64_t now = yk_now_us();
	size_t n;
	struct yk_robot **rv = yk_roster_sorted(&v->ro, &n);
	struct yk_buf sig = {0};

	if (human) {
		if (changes) /* redraw in place, as top does */
			yk_buf_adds(&v->out.b, "\033[H\033[2J");
		yk_roster_table(&v->out.b, &v->ro, rv, n, now, true);
		free(rv);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		if (!v->o->watch) {
			yk_roster_json(&v->out.b, &v->ro, rv[i], now, true);
			continue;
		}
		yk_buf_truncate(&sig, 0);
		yk_roster_json(&sig, &v->ro, rv[i], now, false);
		if (changes && rv[i]->shown &&
		    strcmp(rv[i]->shown, sig.p) == 0)
			continue;
		free(rv[i]->shown);
		rv[i]->shown = yk_strdup(sig.p);
		yk_roster_json(&v->out.b, &v->ro, rv[i], now, true);
	}
	yk_buf_free(&sig);
	free(rv);
}

static int
do_view(struct rs *o, const char *pattern, struct yk_err *err)
{
	struct view v = {.o = o};
	bool human = yk_out_human(1) && !o->json;
	size_t n;
	int rc;

	yk_out_init(&v.out, 1);
	if (view_open(&v, pattern, o->watch, err) != YK_OK || yk_sig_stop)
		goto out;
	free(yk_roster_sorted(&v.ro, &n));
	if (n == 0 && !o->watch) {
		yk_err_set(err, YK_ETIMEOUT, "no robot matches '%s'", pattern);
		goto out;
	}
	show(&v, human, o->watch && human);
	rc = yk_out_flush(&v.out, err);
	while (o->watch && rc == YK_OK && !yk_sig_stop) {
		int64_t tick = yk_mono_ms() + 1000;

		/* a burst of updates is one redraw; the watchdog and ages
		 * are looked at every second */
		while (yk_mono_ms() < tick && !yk_sig_stop)
			if (yk_mqtt_step(v.s, NULL, 0,
					 (int)(tick - yk_mono_ms()), err) !=
			    YK_OK)
				goto out;
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

	if (yk_id_check("robot id", robot, err) != YK_OK ||
	    yk_fleet_pick("status", yk_fleet_statuses, status, err) < 0)
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
		{"stale", "view wait"},
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
	struct rs o = {.status = "online", .heartbeat = 30, .stale = 75};
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
		YK_GROUP("Verbs"),
		YK_STR(0, "status", &o.status, "STATUS",
		       "agent: the status to report (default online)"),
		YK_INT(0, "heartbeat", &o.heartbeat, "S", 1, 86400,
		       "agent: heartbeat every S seconds (default 30)"),
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
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || yk_conf_finish(&o.c, &cli, &err) != YK_OK)
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
	yk_conf_free(&o.c);
	yk_cli_free(&cli);
	return rc == YK_EXIT ? 0 : rc;
}
