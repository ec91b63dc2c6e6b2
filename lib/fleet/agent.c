/*
 * agent.c - a robot's status, heartbeat, token and wills.
 */
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "clock.h"
#include "fleet.h"
#include "ready.h"
#include "token.h"

/* The reason our will gives. */
#define LOST "connection lost"

struct yk_agent {
	struct yk_conf *c;
	volatile sig_atomic_t *stop;
	long heartbeat_s;
	struct yk_mqtt *s, *t;      /* status + heartbeat; token */
	struct yk_buf st_topic, hb_topic, tok_topic;
	struct yk_buf status;       /* the status payload we stand by */
	struct yk_token token;      /* on t; see token.h */
	bool rewill;                /* the fault changed: renew the will */
	long long seq;
	int64_t started;            /* wall clock, us */
	int64_t next;               /* next heartbeat, monotonic ms */
	struct yk_err fail;         /* what a callback ran into */
};

static int
send1(struct yk_mqtt *s, const char *topic, const struct yk_buf *p,
      struct yk_err *err)
{
	struct yk_msg m = {.topic = topic, .payload = p ? p->p : "",
			   .len = p ? p->len : 0, .qos = 1, .retain = true,
			   .prio = -1};

	return yk_mqtt_send_wait(s, &m, err);
}

static void
heartbeat(struct yk_agent *a)
{
	struct yk_buf p = {0};
	int64_t now = yk_now_us();
	struct yk_msg m = {.topic = a->hb_topic.p, .qos = 0, .retain = true,
			   .prio = -1};

	/* Only while connected: a heartbeat queued through an outage would
	 * arrive late and claim the robot was fine all along. */
	if (!yk_mqtt_up(a->s))
		return;
	/* with "token": we hold one */
	yk_fleet_heartbeat_json(&p, &(struct yk_heartbeat){
		.ts_us = now, .seq = ++a->seq,
		.uptime_s = (now - a->started) / 1000000, .token = true});
	m.payload = p.p;
	m.len = p.len;
	yk_mqtt_send(a->s, &m, &a->fail);
	yk_buf_free(&p);
}

/* After every (re)connect: our wills may have fired meanwhile. */
static void
status_up(void *ud, bool session_present)
{
	struct yk_agent *a = ud;

	(void)session_present;
	send1(a->s, a->st_topic.p, &a->status, &a->fail);
	heartbeat(a);
}

static void
token_up(void *ud, bool session_present)
{
	struct yk_agent *a = ud;

	(void)session_present;
	yk_token_send(&a->token);
}

static void
on_token(void *ud, const struct yk_rx *rx)
{
	struct yk_agent *a = ud;

	yk_token_rx(&a->token, rx);
}

/* Our offline status into b, for the status st[0..n) we stand by: with
 * a ts, or none (a will cannot know when it will be said), and the fault
 * and open faults st names, so a robot that dies in a fault still shows
 * it.  b may hold st. */
static void
offline(struct yk_buf *b, const void *st, size_t n, const char *reason,
	int64_t ts_us)
{
	struct yk_status_rd was;
	struct yk_buf p = {0};

	yk_fleet_status_read(&was, st, n);
	yk_fleet_status_json(&p, &(struct yk_status){
		.status = "offline", .ts_us = ts_us, .reason = reason,
		.faults_of = &was});
	yk_fleet_status_rd_free(&was);
	yk_buf_truncate(b, 0);
	yk_buf_add(b, p.p, p.len);
	yk_buf_free(&p);
}

/* A status someone else set (yoke-fault, `set idle`) is what we stand by
 * from then on, so a reconnect does not paper over a fault.  Our own
 * will is not: it speaks for a connection that is back.  When the will
 * the new status makes says another fault, it is renewed. */
static void
on_status(void *ud, const struct yk_rx *rx)
{
	struct yk_agent *a = ud;
	struct yk_status_rd st;
	struct yk_buf will = {0}, now = {0};
	bool ours;

	if (!yk_fleet_status_read(&st, rx->payload, rx->len))
		return;
	ours = strcmp(st.status, "offline") == 0 && st.reason &&
	       strcmp(st.reason, LOST) == 0;
	if (st.named && !ours) {
		offline(&will, a->status.p, a->status.len, LOST, 0);
		offline(&now, rx->payload, rx->len, LOST, 0);
		if (will.len != now.len || memcmp(will.p, now.p, now.len) != 0)
			a->rewill = true;
		yk_buf_truncate(&a->status, 0);
		yk_buf_add(&a->status, rx->payload, rx->len);
	}
	yk_buf_free(&will);
	yk_buf_free(&now);
	yk_fleet_status_rd_free(&st);
}

static int
agent_open(struct yk_agent *a, struct yk_mqtt **s, const char *will_topic,
	   const struct yk_buf *will,
	   void (*on_message)(void *, const struct yk_rx *),
	   struct yk_err *err)
{
	struct yk_mqtt_cfg mc;

	yk_conf_mqtt(a->c, &mc);
	mc.will_topic = will_topic;
	mc.will_payload = will->p ? will->p : "";
	mc.will_len = will->len;
	mc.will_qos = 1;
	mc.will_retain = true;
	if (s == &a->t) /* the token's session: its will names us */
		yk_token_will(&a->token, &mc);
	mc.on_message = on_message;
	mc.msg_ud = a;
	return yk_conf_open(a->c, &mc, s, err);
}

/* The status session, with a will that says what we stand by. */
static int
status_open(struct yk_agent *a, struct yk_err *err)
{
	struct yk_buf lost = {0};
	int rc;

	offline(&lost, a->status.p, a->status.len, LOST, 0);
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
renew_will(struct yk_agent *a, struct yk_err *err)
{
	a->rewill = false;
	if (yk_mqtt_drain(a->s, a->stop, err) != YK_OK)
		return err->rc;
	yk_mqtt_close(a->s);
	a->s = NULL;
	return status_open(a, err);
}

int
yk_agent_open(struct yk_agent **out, struct yk_conf *c,
	      const struct yk_agent_cfg *cfg, struct yk_err *err)
{
	struct yk_agent *a = yk_calloc(1, sizeof(*a));
	struct yk_status st = {.status = cfg->status, .ts_us = yk_now_us(),
			       .heartbeat_s = cfg->heartbeat_s};
	struct yk_buf none = {0};

	*out = a;
	a->c = c;
	a->stop = cfg->stop;
	a->heartbeat_s = cfg->heartbeat_s;
	a->started = st.ts_us;
	yk_fleet_topic(&a->st_topic, &c->scope, c->robot, "status");
	yk_fleet_topic(&a->hb_topic, &c->scope, c->robot, "heartbeat");
	yk_fleet_topic(&a->tok_topic, &c->scope, c->robot, "alive");
	yk_fleet_status_json(&a->status, &st);
	yk_token_init(&a->token, a->tok_topic.p, c->robot, c->hostname);
	a->token.log = cfg->log;
	a->token.log_ud = cfg->log_ud;
	if (status_open(a, err) != YK_OK ||
	    agent_open(a, &a->t, a->tok_topic.p, &none, on_token, err) !=
		    YK_OK ||
	    yk_token_hold(&a->token, a->t, err) != YK_OK)
		return err->rc;
	yk_mqtt_on_connect(a->t, token_up, a);
	a->next = yk_mono_ms() + a->heartbeat_s * 1000;
	return YK_OK;
}

int
yk_agent_step(struct yk_agent *a, int timeout_ms, struct yk_err *err)
{
	int64_t now = yk_mono_ms(), end = now + timeout_ms;

	do {
		int wait = (int)((a->next < end ? a->next : end) - now);

		if (a->token.fail.rc && !a->fail.rc)
			a->fail = a->token.fail;
		if (a->fail.rc) {
			*err = a->fail;
			return err->rc;
		}
		if (a->rewill && renew_will(a, err) != YK_OK)
			return err->rc;
		if (now >= a->next) {
			heartbeat(a);
			/* on time, without drift; after a stop (SIGSTOP, a
			 * suspended host), one beat rather than a burst */
			a->next += a->heartbeat_s * 1000;
			if (a->next <= now)
				a->next = now + a->heartbeat_s * 1000;
			continue;
		}
		/* one wait on both sockets: a token another process
		 * cleared goes back within a round trip */
		struct pollfd tp;
		bool tup = yk_mqtt_pollfd(a->t, &tp);

		if (yk_mqtt_step(a->s, &tp, tup ? 1 : 0,
				 wait < 500 ? wait : 500, err) != YK_OK ||
		    yk_mqtt_step(a->t, NULL, 0, 0, err) != YK_OK)
			return err->rc;
		now = yk_mono_ms();
	} while (now < end && (a->stop == NULL || *a->stop == 0));
	if (a->fail.rc)
		*err = a->fail;
	return err->rc;
}

/* What is left of a budget of ms (<0: none) that ends at end. */
static int
left_ms(int64_t end, int ms)
{
	int64_t left = end - yk_mono_ms();

	return ms < 0 ? -1 : left > 0 ? (int)left : 0;
}

int
yk_agent_stop(struct yk_agent *a, int ms, struct yk_err *err)
{
	int64_t end = yk_mono_ms() + ms;

	/* Said before we go, so dashboards change at once. */
	yk_mqtt_on_connect(a->s, NULL, NULL);
	yk_mqtt_on_connect(a->t, NULL, NULL);
	offline(&a->status, a->status.p, a->status.len, "stopped",
		yk_now_us());
	if (send1(a->s, a->st_topic.p, &a->status, err) != YK_OK)
		return err->rc;
	/* The token only while it is ours (another holder keeps it), and
	 * handed to another holder only while the broker answers: a
	 * goodbye it did not confirm leaves no time to ask. */
	if (yk_mqtt_drain_for(a->s, a->stop, ms, err) != YK_OK) {
		struct yk_err e = {0};

		yk_token_release(&a->token, a->stop, 0, &e);
		return err->rc;
	}
	if (yk_token_release(&a->token, a->stop, left_ms(end, ms), err) ==
	    YK_OK)
		yk_mqtt_drain_for(a->t, a->stop, left_ms(end, ms), err);
	return err->rc;
}

void
yk_agent_close(struct yk_agent *a)
{
	if (a == NULL)
		return;
	yk_mqtt_close(a->s);
	yk_mqtt_close(a->t);
	yk_buf_free(&a->st_topic);
	yk_buf_free(&a->hb_topic);
	yk_buf_free(&a->tok_topic);
	yk_buf_free(&a->status);
	yk_token_free(&a->token);
	free(a);
}

bool
yk_agent_ready(const struct yk_agent *a)
{
	/* seq counts heartbeats, the first sent by status_up: both
	 * on-connect callbacks ran (they run in one yk_agent_step), so
	 * nothing pending means the status and the token were confirmed */
	return a->seq > 0 && yk_mqtt_up(a->s) && yk_mqtt_up(a->t) &&
	       yk_mqtt_subscribed(a->s) && yk_mqtt_pending(a->s) == 0 &&
	       yk_mqtt_pending(a->t) == 0;
}

int
yk_agent_run(struct yk_conf *c, const struct yk_agent_cfg *cfg,
	     struct yk_ready *ready, struct yk_err *err)
{
	struct yk_agent *a = NULL;

	if (yk_fleet_pick("status", yk_fleet_statuses, cfg->status, err) < 0 ||
	    yk_conf_robot(c, err) != YK_OK)
		return err->rc;
	if (yk_agent_open(&a, c, cfg, err) == YK_OK) {
		/* in short steps until ready: say it when it is so */
		while (!*cfg->stop &&
		       yk_agent_step(a, ready->told ? 1000 : 20, err) ==
			       YK_OK) {
			struct yk_err w = {0};

			/* a warning: we go on */
			if (!ready->told && yk_agent_ready(a) &&
			    yk_ready_tell(ready, &w) != YK_OK && cfg->log)
				cfg->log(cfg->log_ud, 0, w.msg);
		}
		if (err->rc == YK_OK)
			yk_agent_stop(a, -1, err);
	}
	yk_agent_close(a);
	return err->rc;
}
