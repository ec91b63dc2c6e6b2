/*
 * driver.c - yoke-drive's session with a robot (see driver.h).
 *
 * One thread, one loop: the held velocity's timer is folded into the
 * wait of yk_mqtt_step, so a command streams on time while an RPC is
 * awaited or the console waits for a key.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "asimov.h"
#include "clock.h"
#include "driver.h"
#include "feed.h"
#include "fleet.h"
#include "json.h"
#include "out.h"
#include "pbjson.h"
#include "query.h"
#include "text.h"

/* The console asks for the robot's state this often. */
#define POLL_MS 1000
/* Without an EdgeTelemetry for this long, the state is stale. */
#define STALE_MS 1500
/* After a stop signal, what is pending gets this long to be confirmed. */
#define CLOSE_MS 3000
/* The presence check gives up on a broker that confirms nothing. */
#define CHECK_MS 10000

static void
on_state(struct yk_driver *d, const struct yk_rx *rx)
{
	Asimov__EdgeTelemetry *t;
	const ProtobufCEnumValue *ev;

	t = asimov__edge_telemetry__unpack(NULL, rx->len, rx->payload);
	if (t == NULL)
		return;
	ev = protobuf_c_enum_descriptor_get_value(
		&asimov__firmware_mode__descriptor, t->fw_mode);
	snprintf(d->mode, sizeof(d->mode), "%s",
		 ev ? ev->name + strlen("FW_MODE_") : "?");
	d->st.mode = d->mode;
	d->st.alerts = (int)t->n_active_alerts;
	d->st.alert[0] = '\0';
	if (t->n_active_alerts > 0) {
		ev = protobuf_c_enum_descriptor_get_value(
			&asimov__alert_id__descriptor,
			(int)t->active_alerts[0]->id);
		if (ev)
			snprintf(d->st.alert, sizeof(d->st.alert), "%s",
				 ev->name + strlen("ALERT_ID_"));
		else
			snprintf(d->st.alert, sizeof(d->st.alert), "%u",
				 t->active_alerts[0]->id);
	}
	d->state_ms = yk_mono_ms();
	d->st.stale = false;
	d->changed = true;
	asimov__edge_telemetry__free_unpacked(t, NULL);
}

static double
json_num(const char *v, size_t n)
{
	double d;

	return yk_json_num(v, n, &d) ? d : NAN;
}

/* The answer to a state poll: battery and velocity. */
static void
on_poll(struct yk_driver *d)
{
	Yoke__RpcReply *r = d->poll.reply;
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (r == NULL || r->reply_case != YOKE__RPC_REPLY__REPLY_STATE)
		goto out;
	for (size_t i = 0; i < r->state->n_entries; i++) {
		const Yoke__StateEntry *e = r->state->entries[i];
		const char *j = e->value_json;

		if (strcmp(e->key, "battery_pct") == 0) {
			double b = json_num(j, strlen(j));

			if (isfinite(b))
				d->st.battery = b;
		} else if (strcmp(e->key, "velocity") == 0 &&
			   yk_json_obj_begin(&it, j, strlen(j))) {
			d->st.have_vel = true;
			while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
				double x = json_num(v, vn);

				if (!isfinite(x))
					continue;
				if (yk_json_key_is(k, kn, "vx"))
					d->st.vel.vx = x;
				else if (yk_json_key_is(k, kn, "vy"))
					d->st.vel.vy = x;
				else if (yk_json_key_is(k, kn, "vyaw"))
					d->st.vel.vyaw = x;
			}
		} else if (strcmp(e->key, "mode") == 0 && d->state_ms == 0 &&
			   strlen(j) > 2 && strlen(j) < sizeof(d->mode) + 2 &&
			   j[0] == '"') {
			/* the telemetry's mode wins; this one until then */
			snprintf(d->mode, sizeof(d->mode), "%.*s",
				 (int)strlen(j) - 2, j + 1);
			d->st.mode = d->mode;
		}
	}
	d->changed = true;
out:
	if (r)
		yoke__rpc_reply__free_unpacked(r, NULL);
	memset(&d->poll, 0, sizeof(d->poll));
}

/* A live token: not cleared (empty), not {"alive":false}. */
static bool
token_live(const struct yk_rx *rx)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (rx->len == 0)
		return false;
	if (!yk_json_obj_begin(&it, rx->payload, rx->len))
		return true; /* someone's own token format: held all the same */
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, "alive"))
			return !(vn == 5 && memcmp(v, "false", 5) == 0);
	return true;
}

/* While checking: the sync marker, the token, a state message. */
static bool
on_check(struct yk_driver *d, const struct yk_rx *rx)
{
	if (yk_sync_check(&d->sync, rx))
		return true;
	if (strcmp(rx->topic, d->alive_topic.p) == 0) {
		d->token = token_live(rx);
		return true;
	}
	if (strcmp(rx->topic, d->state_topic.p) == 0)
		d->state_seen = true;
	return false;
}

static void
on_message(void *ud, const struct yk_rx *rx)
{
	struct yk_driver *d = ud;

	if (d->checking && on_check(d, rx))
		return;
	if (yk_rpc_take(&d->call, rx))
		return;
	if (yk_rpc_take(&d->side, rx)) {
		d->side_req = NULL;
		d->changed = true;
		return;
	}
	if (yk_rpc_take(&d->poll, rx)) {
		on_poll(d);
		return;
	}
	if (d->watch && strcmp(rx->topic, d->state_topic.p) == 0)
		on_state(d, rx);
}

/* The command's stamp: now, and the next sequence. */
static void
stamp(struct yk_driver *d, Asimov__CloudCommand *cmd)
{
	cmd->timestamp_us = (uint64_t)yk_now_us();
	cmd->sequence = ++d->seq;
}

/*
 * Offer m until the session takes it: the queue may be full (the link
 * down, the broker slow).  Gives up after ms (<0: never) or at a stop
 * signal after the one we had when we started (a signal that came
 * before asked for this very send: the zero that stops the robot).
 */
static int
offer(struct yk_driver *d, const struct yk_msg *m, int ms, struct yk_err *err)
{
	sig_atomic_t seen = d->stop ? *d->stop : 0;
	int64_t end = yk_mono_ms() + ms;
	int rc;

	while ((rc = yk_mqtt_send(d->s, m, err)) == YK_EAGAIN) {
		if (d->stop && *d->stop > seen)
			return yk_err_set(err, YK_ERUNTIME,
					  "interrupted with the send queue "
					  "full");
		if (ms >= 0 && yk_mono_ms() >= end)
			return yk_err_set(err, YK_ERUNTIME,
					  "the send queue stayed full for "
					  "%g s", ms / 1000.0);
		if (yk_mqtt_step(d->s, NULL, 0, 100, err) != YK_OK)
			return err->rc;
	}
	return rc;
}

/*
 * Send cmd, QoS 1, waiting up to ms (<0: no limit) for room in the
 * queue.  express: past what waits and the in-flight window (the final
 * zero: stopping matters most; a one-shot command still queued then may
 * arrive after it, and the robot's deadman ends what it starts).
 */
static int
send_cmd(struct yk_driver *d, Asimov__CloudCommand *cmd, bool express,
	 int ms, struct yk_err *err)
{
	size_t n = asimov__cloud_command__get_packed_size(cmd);
	unsigned char *p;
	bool vel = cmd->command_case ==
		   ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY;
	struct yk_msg m = {.topic = d->topic.p, .len = n, .qos = 1,
			   .prio = -1, .express = express};
	int rc;

	p = yk_malloc(n ? n : 1);
	m.payload = p;
	asimov__cloud_command__pack(cmd, p);
	rc = offer(d, &m, ms, err);
	free(p);
	if (rc == YK_OK && vel)
		d->moved = !yk_drive_is_zero(cmd);
	if (rc == YK_OK)
		d->last_zero = yk_drive_is_zero(cmd);
	return rc;
}

int
yk_driver_open(struct yk_driver *d, struct yk_conf *c, const char *robot,
	       bool watch, bool will_zero, struct yk_err *err)
{
	Asimov__CloudCommand will;
	Asimov__VelocityCommand zero;
	struct yk_mqtt_cfg mc;
	unsigned char buf[64];
	size_t n;

	memset(d, 0, sizeof(*d));
	d->c = c;
	d->robot = robot;
	d->watch = watch;
	d->will = will_zero;
	d->st.robot = robot;
	d->st.battery = -1;
	d->st.alerts = -1;
	yk_fleet_topic(&d->topic, &c->scope, robot, "commands");
	yk_fleet_topic(&d->state_topic, &c->scope, robot, "state");
	yk_fleet_topic(&d->alive_topic, &c->scope, robot, "alive");
	/* the will: zero, sequence 0 (the broker sends it after our last
	 * command), stamped now (a will cannot know when it will fire) */
	yk_drive_velocity(&will, &zero, 0, 0, 0);
	will.timestamp_us = (uint64_t)yk_now_us();
	n = asimov__cloud_command__pack(&will, buf);
	yk_conf_mqtt(c, &mc);
	mc.will_topic = will_zero ? d->topic.p : NULL;
	mc.will_payload = buf;
	mc.will_len = n;
	mc.will_qos = 1;
	mc.will_retain = false;
	mc.on_message = on_message;
	mc.msg_ud = d;
	if (yk_conf_open(c, &mc, &d->s, err) != YK_OK)
		return err->rc;
	if (watch &&
	    yk_mqtt_subscribe(d->s, d->state_topic.p, 0, YK_RH_NEVER, err) < 0)
		return err->rc;
	d->open_ms = yk_mono_ms();
	return YK_OK;
}

/* Describe what clamping changed in a velocity. */
static void
note_vel(struct yk_buf *note, const char *what, double before, float after)
{
	if (before == (double)after)
		return;
	if (note->len)
		yk_buf_adds(note, ", ");
	yk_buf_addf(note, "%s %g to %g", what, before, (double)after);
}

int
yk_driver_check(Asimov__CloudCommand *cmd, bool clamp, struct yk_buf *note,
		struct yk_err *err)
{
	Asimov__VelocityCommand *v = cmd->velocity,
				was = ASIMOV__VELOCITY_COMMAND__INIT;
	int clamped = 0;

	if (cmd->command_case == ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY &&
	    v != NULL)
		was = *v;
	if (yk_asimov_check(cmd, clamp, &clamped, err) != YK_OK)
		return err->rc;
	if (clamped == 0 || note == NULL)
		return YK_OK;
	if (cmd->command_case == ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY) {
		note_vel(note, "vx", was.vx, v->vx);
		note_vel(note, "vy", was.vy, v->vy);
		note_vel(note, "vyaw", was.vyaw, v->vyaw);
	} else {
		yk_buf_addf(note, "%d gain%s (kp 0..%g, kd 0..%g)", clamped,
			    clamped == 1 ? "" : "s", YK_ASIMOV_KP_MAX,
			    YK_ASIMOV_KD_MAX);
	}
	return YK_OK;
}

int
yk_driver_send(struct yk_driver *d, Asimov__CloudCommand *cmd,
	       struct yk_err *err)
{
	if (cmd->command_case != ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY)
		d->holding = false;
	stamp(d, cmd);
	return send_cmd(d, cmd, false, -1, err);
}

int
yk_driver_vel(struct yk_driver *d, const struct yk_drive_vel *v,
	      struct yk_err *err)
{
	Asimov__CloudCommand cmd;
	Asimov__VelocityCommand vc;

	yk_drive_velocity(&cmd, &vc, v->vx, v->vy, v->vyaw);
	stamp(d, &cmd);
	return send_cmd(d, &cmd, false, -1, err);
}

/* The final zero: express, waiting for room up to ms (<0: no limit). */
static int
send_zero(struct yk_driver *d, int ms, struct yk_err *err)
{
	Asimov__CloudCommand cmd;
	Asimov__VelocityCommand vc;

	d->holding = false;
	yk_drive_velocity(&cmd, &vc, 0, 0, 0);
	stamp(d, &cmd);
	return send_cmd(d, &cmd, true, ms, err);
}

void
yk_driver_hold(struct yk_driver *d, const struct yk_drive_vel *v, double rate)
{
	d->holding = v != NULL;
	if (v == NULL)
		return;
	d->hold = *v;
	d->rate = rate > 0 ? rate : YK_DRIVE_RATE;
	/* the first goes at once, after what is pending (unless the link
	 * is down) */
	d->next_ms = yk_mono_ms();
	d->first = true;
}

/* Send the held velocity when due; *wait_ms shortened to the next. */
static int
tick(struct yk_driver *d, int *wait_ms, struct yk_err *err)
{
	int64_t now = yk_mono_ms(), period;

	if (!d->holding)
		return YK_OK;
	period = (int64_t)(1000.0 / d->rate);
	if (period < 1)
		period = 1;
	/*
	 * A tick is perishable: it goes only when it can go at once, the
	 * link up and nothing of ours waiting or unconfirmed.  Else it is
	 * dropped (and counted): a velocity delivered late, after a stall
	 * or a reconnect, is worse than none, and the next tick carries
	 * the velocity of its time (the robot's deadman holds meanwhile).
	 */
	if (now >= d->next_ms &&
	    (!yk_mqtt_up(d->s) || (yk_mqtt_pending(d->s) > 0 && !d->first))) {
		d->dropped++;
	} else if (now >= d->next_ms) {
		Asimov__CloudCommand cmd;
		Asimov__VelocityCommand vc;

		yk_drive_velocity(&cmd, &vc, d->hold.vx, d->hold.vy,
				  d->hold.vyaw);
		stamp(d, &cmd);
		if (send_cmd(d, &cmd, false, -1, err) != YK_OK)
			return err->rc;
	}
	d->first = false;
	if (now >= d->next_ms) {
		d->next_ms += period;
		if (d->next_ms <= now) /* fell behind: no burst */
			d->next_ms = now + period;
	}
	if (*wait_ms < 0 || d->next_ms - now < *wait_ms)
		*wait_ms = (int)(d->next_ms - now);
	return YK_OK;
}

/* Our inbox for the robot's replies, subscribed once, before the first
 * call: its reply channel (query.h), which only it may write. */
static int
inbox(struct yk_driver *d, struct yk_err *err)
{
	if (d->inbox_on)
		return YK_OK;
	yk_q_reply(&d->inbox, &d->c->scope, d->robot, d->c->url.user,
		   yk_mqtt_client_id(d->s));
	if (yk_mqtt_subscribe(d->s, d->inbox.p, 1, YK_RH_NEVER, err) < 0)
		return err->rc;
	d->inbox_on = true;
	return YK_OK;
}

void
yk_driver_call_later(struct yk_driver *d, const char *method,
		     const ProtobufCMessage *req)
{
	if (d->side.reply)
		yoke__rpc_reply__free_unpacked(d->side.reply, NULL);
	memset(&d->side, 0, sizeof(d->side));
	d->side_method = method;
	d->side_req = req;
}

int
yk_driver_step(struct yk_driver *d, struct pollfd *ext, int next, int ms,
	       struct yk_err *err)
{
	int64_t now;

	if (tick(d, &ms, err) != YK_OK)
		return err->rc;
	if (d->watch) {
		now = yk_mono_ms();
		/* no telemetry for a while, or none since we came */
		if (now - (d->state_ms ? d->state_ms : d->open_ms) >
			    STALE_MS &&
		    !d->st.stale) {
			d->st.stale = true;
			d->changed = true;
		}
		/* a poll unanswered for long is dropped (a late answer
		 * no longer matches) and asked again */
		if (d->poll.sent && now >= d->poll_ms + POLL_MS)
			memset(&d->poll, 0, sizeof(d->poll));
		if (now >= d->poll_ms && !d->poll.sent) {
			Yoke__StateRequest q = YOKE__STATE_REQUEST__INIT;

			if (inbox(d, err) != YK_OK)
				return err->rc;
			if (yk_mqtt_subscribed(d->s)) {
				if (yk_rpc_send(d->s, &d->poll, &d->c->scope,
						d->robot, YK_RPC_STATE,
						&q.base, d->inbox.p,
						err) != YK_OK)
					return err->rc;
				d->poll_ms = now + POLL_MS;
			}
		}
		if (d->side.sent == false && d->side_req) {
			if (inbox(d, err) != YK_OK)
				return err->rc;
			if (yk_mqtt_subscribed(d->s) &&
			    yk_rpc_send(d->s, &d->side, &d->c->scope, d->robot,
					d->side_method, d->side_req,
					d->inbox.p, err) != YK_OK)
				return err->rc;
		}
		if (ms < 0 || ms > 100)
			ms = 100;
	}
	return yk_mqtt_step(d->s, ext, next, ms, err);
}

int
yk_driver_wait(struct yk_driver *d, double seconds,
	       volatile sig_atomic_t *stop, struct yk_err *err)
{
	int64_t end = yk_mono_ms() + (int64_t)(seconds * 1000);

	while (!*stop) {
		int64_t left = end - yk_mono_ms();

		if (seconds >= 0 && left <= 0)
			break;
		if (yk_driver_step(d, NULL, 0,
				   seconds < 0 || left > 1000 ? 1000
							      : (int)left,
				   err) != YK_OK)
			return err->rc;
	}
	return YK_OK;
}

/* Step until done(d) or ms pass (<0: 0); false at the end of the time. */
static int
check_wait(struct yk_driver *d, bool (*done)(const struct yk_driver *),
	   int64_t end, volatile sig_atomic_t *stop, struct yk_err *err)
{
	while (!done(d)) {
		int64_t left = end - yk_mono_ms();

		if (*stop)
			return yk_err_set(err, YK_ERUNTIME,
					  "interrupted while looking for '%s'",
					  d->robot);
		if (left <= 0)
			return YK_EAGAIN;
		if (yk_driver_step(d, NULL, 0, left > 100 ? 100 : (int)left,
				   err) != YK_OK)
			return err->rc;
	}
	return YK_OK;
}

static bool
subscribed(const struct yk_driver *d)
{
	return yk_mqtt_subscribed(d->s);
}

static bool
synced(const struct yk_driver *d)
{
	return d->sync.done || d->token || d->state_seen;
}

static bool
stated(const struct yk_driver *d)
{
	return d->token || d->state_seen;
}

int
yk_driver_present(struct yk_driver *d, volatile sig_atomic_t *stop,
		  struct yk_err *err)
{
	int64_t start = yk_mono_ms();
	int rc;

	d->checking = true;
	d->token = d->state_seen = false;
	if (yk_mqtt_subscribe(d->s, d->alive_topic.p, 1, YK_RH_SEND, err) <
		    0 ||
	    inbox(d, err) != YK_OK)
		goto out;
	/* the token (retained) comes before the marker, if it is there */
	rc = check_wait(d, subscribed, start + CHECK_MS, stop, err);
	if (rc == YK_OK &&
	    yk_sync_start(d->s, &d->sync, d->inbox.p, err) == YK_OK)
		rc = check_wait(d, synced, start + CHECK_MS, stop, err);
	if (rc == YK_EAGAIN)
		yk_err_set(err, YK_ERUNTIME,
			   "the broker did not confirm our subscriptions "
			   "within %d s", CHECK_MS / 1000);
	if (rc != YK_OK || stated(d))
		goto out;
	/* no token: a robot that speaks only the robot API shows itself
	 * by its state, ten times a second */
	if (!d->watch &&
	    yk_mqtt_subscribe(d->s, d->state_topic.p, 0, YK_RH_NEVER, err) < 0)
		goto out;
	rc = check_wait(d, stated,
			start + (int64_t)(YK_DRIVER_PRESENT_S * 1000), stop,
			err);
	if (rc == YK_EAGAIN)
		yk_err_set(err, YK_ETIMEOUT,
			   "'%s' is not there: no liveliness token and no "
			   "state within %g s (--no-check sends anyway)",
			   d->robot, YK_DRIVER_PRESENT_S);
out:
	d->checking = false;
	return err->rc;
}

/* RpcError codes that say the caller asked wrongly. */
static bool
usage_code(const char *code)
{
	static const char *const codes[] = {
		"UNKNOWN_SKILL", "BAD_ARGS", "UNKNOWN_KEY", "UNKNOWN_CAMERA",
		"BAD_REQUEST", NULL,
	};

	for (int i = 0; codes[i]; i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/* yk_rpc_wait's step: ours, so a held velocity streams meanwhile. */
static int
rpc_step(void *ud, int ms, struct yk_err *err)
{
	return yk_driver_step(ud, NULL, 0, ms, err);
}

int
yk_driver_rpc(struct yk_driver *d, const char *method, const char *subject,
	      const ProtobufCMessage *req, double timeout_s,
	      volatile sig_atomic_t *stop, struct yk_err *err)
{
	int64_t end = yk_mono_ms() + (int64_t)(timeout_s * 1000), left = 1000;
	const Yoke__RpcError *e;

	if (d->call.reply)
		yoke__rpc_reply__free_unpacked(d->call.reply, NULL);
	memset(&d->call, 0, sizeof(d->call));
	if (inbox(d, err) != YK_OK)
		return err->rc;
	/* the answer must not come before our inbox is there; the
	 * timeout counts from the call, this wait included */
	while (!yk_mqtt_subscribed(d->s)) {
		if (*stop) {
			d->call.interrupted = true;
			return yk_err_set(err, YK_ERUNTIME, "interrupted");
		}
		/* the broker failed, not the robot: exit 1 */
		if (timeout_s >= 0 && (left = end - yk_mono_ms()) <= 0 &&
		    yk_mqtt_sub_check(d->s, err) != YK_OK)
			return yk_err_wrap(err, "no answer from '%s' to %s "
					   "within %g s", d->robot, method,
					   timeout_s);
		if (yk_driver_step(d, NULL, 0, left < 1000 ? (int)left : 1000,
				   err) != YK_OK)
			return err->rc;
	}
	if (yk_rpc_send(d->s, &d->call, &d->c->scope, d->robot, method, req,
			d->inbox.p, err) != YK_OK)
		return err->rc;
	if (timeout_s >= 0 && (left = end - yk_mono_ms()) < 0)
		left = 0;
	if (yk_rpc_wait(d->s, &d->call, d->robot, method,
			timeout_s < 0 ? -1 : left / 1000.0, stop, rpc_step, d,
			err) != YK_OK) {
		/* the message names the whole timeout, not what was left */
		if (err->rc == YK_ETIMEOUT)
			yk_err_set(err, YK_ETIMEOUT,
				   "no answer from '%s' to %s within %g s",
				   d->robot, method, timeout_s);
		return err->rc;
	}
	if (d->call.reply->reply_case != YOKE__RPC_REPLY__REPLY_ERROR)
		return YK_OK;
	e = d->call.reply->error;
	return yk_err_set(err, usage_code(e->code) ? YK_EUSAGE : YK_ERUNTIME,
			  "'%s' refused %s%s%s%s: %s%s%s", d->robot, method,
			  subject ? " '" : "", subject ? subject : "",
			  subject ? "'" : "", e->code, *e->message ? ": " : "",
			  e->message);
}

void
yk_driver_state_json(struct yk_buf *out, const Yoke__StateReply *r,
		     const char *key)
{
	bool first = true;

	if (key == NULL)
		yk_buf_addc(out, '{');
	for (size_t i = 0; i < r->n_entries; i++) {
		const Yoke__StateEntry *e = r->entries[i];
		const char *j = e->value_json;

		if (key && strcmp(key, e->key) != 0)
			continue;
		if (key == NULL) {
			if (!first)
				yk_buf_addc(out, ',');
			yk_json_strz(out, e->key);
			yk_buf_addc(out, ':');
		}
		first = false;
		/* a value that is no JSON is shown as the text it is */
		if (yk_json_valid(j, strlen(j)) && *j)
			yk_json_minify(out, j, strlen(j));
		else
			yk_json_strz(out, j);
		if (key)
			break;
	}
	if (key == NULL)
		yk_buf_addc(out, '}');
	else if (first)
		yk_buf_adds(out, "null");
}

const struct yk_drive_status *
yk_driver_status(struct yk_driver *d)
{
	d->changed = false;
	return &d->st;
}

/*
 * Deliver what is pending, within ms once a stop signal came (the link
 * may be down for good; the operator asked to stop, not to wait), else
 * for as long as it takes, as every yoke tool does; a further signal
 * gives up.
 */
static int
drain(struct yk_driver *d, volatile sig_atomic_t *stop, int ms,
      const char *what, const char *note, struct yk_err *err)
{
	if (yk_mqtt_drain_for(d->s, stop, *stop ? ms : -1, err) == YK_OK)
		return YK_OK;
	if (err->rc == YK_ERUNTIME && yk_mqtt_pending(d->s) > 0)
		yk_err_set(err, YK_ERUNTIME,
			   "%s not confirmed by the broker within %d s%s",
			   what, ms / 1000, note);
	return err->rc;
}

int
yk_driver_close(struct yk_driver *d, volatile sig_atomic_t *stop,
		struct yk_err *err)
{
	struct yk_err e2 = {0};

	d->holding = false;
	d->stop = stop;
	/* however we got here: an error, a signal, the end */
	if (d->s && d->moved)
		send_zero(d, *stop ? CLOSE_MS : -1, &e2);
	/* deliver what was accepted, even after an error: a session
	 * closed with commands unconfirmed may be taken for a dropped
	 * one, and its will fire */
	if (d->s && e2.rc == YK_OK)
		drain(d, stop, CLOSE_MS,
		      d->last_zero ? "the zero velocity" : "the last commands",
		      d->last_zero ? "; the robot's deadman stops it" : "",
		      &e2);
	if (err->rc == YK_OK && e2.rc != YK_OK)
		*err = e2;
	/* the zero unconfirmed on a link still up: the will (a zero too)
	 * is the broker's to send; a plain goodbye would discard it */
	if (d->s && e2.rc != YK_OK && d->will &&
	    (d->last_zero || d->moved) && yk_mqtt_up(d->s))
		yk_mqtt_close_with_will(d->s);
	else
		yk_mqtt_close(d->s);
	d->s = NULL;
	if (d->call.reply)
		yoke__rpc_reply__free_unpacked(d->call.reply, NULL);
	if (d->poll.reply)
		yoke__rpc_reply__free_unpacked(d->poll.reply, NULL);
	if (d->side.reply)
		yoke__rpc_reply__free_unpacked(d->side.reply, NULL);
	yk_buf_free(&d->topic);
	yk_buf_free(&d->inbox);
	yk_buf_free(&d->state_topic);
	yk_buf_free(&d->alive_topic);
	return err->rc;
}

/* ---- running a command ---- */

static int
read_traj(struct yk_driver_job *j, const char *file, bool stdin_ok,
	  struct yk_err *err)
{
	bool std = strcmp(file, "-") == 0;
	const char *name = std ? "standard input" : file;
	ProtobufCMessage *m = NULL;
	struct yk_in in;
	const char *p = "";
	size_t n = 0;
	int fd = 0;

	if (std && !stdin_ok)
		return yk_err_set(err, YK_EUSAGE,
				  "traj -: standard input holds the commands; "
				  "give a FILE");
	if (!std && (fd = open(file, O_RDONLY | O_CLOEXEC)) < 0)
		return yk_err_set(err, YK_EUSAGE, "cannot open '%s': %s",
				  file, strerror(errno));
	/* all of it, as one frame */
	yk_in_init(&in, fd, YK_FRAME_WHOLE, name);
	while (!in.eof && yk_in_fill(&in, err) == YK_OK)
		;
	if (!std)
		close(fd);
	if (in.eof && yk_in_next(&in, &p, &n, err) >= 0 &&
	    yk_pb_from_json(&m, &asimov__full_trajectory__descriptor, p, n,
			    err) != YK_OK)
		yk_err_wrap(err, "'%s'", name);
	yk_in_free(&in);
	if (err->rc == YK_ERUNTIME) /* an unreadable file: bad input */
		err->rc = YK_EUSAGE;
	j->full = (Asimov__FullTrajectory *)m;
	return err->rc;
}

int
yk_driver_prepare(struct yk_driver_job *j, struct yk_drive_cmd *c,
		  bool stdin_ok, struct yk_err *err)
{
	memset(j, 0, sizeof(*j));
	j->c = c;
	asimov__cloud_command__init(&j->cmd);
	switch (c->verb) {
	case YK_DRIVE_VEL:
		yk_drive_velocity(&j->cmd, &j->vel, c->vx, c->vy, c->vyaw);
		break;
	case YK_DRIVE_STOP:
		yk_drive_velocity(&j->cmd, &j->vel, 0, 0, 0);
		break;
	case YK_DRIVE_MODE:
		asimov__mode_command__init(&j->mode);
		j->mode.mode = (Asimov__Mode)c->mode;
		j->cmd.command_case = ASIMOV__CLOUD_COMMAND__COMMAND_MODE;
		j->cmd.mode = &j->mode;
		break;
	case YK_DRIVE_TRAJ:
		if (read_traj(j, c->arg, stdin_ok, err) != YK_OK)
			return err->rc;
		asimov__trajectory_request__init(&j->tr);
		j->tr.full = j->full;
		j->cmd.command_case = ASIMOV__CLOUD_COMMAND__COMMAND_TRAJECTORY;
		j->cmd.trajectory = &j->tr;
		break;
	case YK_DRIVE_JSON:
		j->send = c->json;
		break;
	default:
		return YK_OK;
	}
	if (j->send == NULL)
		j->send = &j->cmd;
	return yk_driver_check(j->send, c->clamp, &j->note, err);
}

void
yk_driver_job_free(struct yk_driver_job *j)
{
	if (j->full)
		protobuf_c_message_free_unpacked(&j->full->base, NULL);
	yk_buf_free(&j->note);
	memset(j, 0, sizeof(*j));
}

static int
run_vel(struct yk_driver *d, struct yk_driver_job *j,
	const struct yk_driver_io *io, struct yk_err *err)
{
	struct yk_drive_vel v = {j->vel.vx, j->vel.vy, j->vel.vyaw};
	const struct yk_drive_cmd *c = j->c;

	yk_driver_hold(d, &v, c->rate > 0 ? c->rate : io->rate);
	/* the first goes now, whatever follows (even --for 0) */
	if (yk_driver_step(d, NULL, 0, 0, err) != YK_OK)
		return err->rc;
	if (c->for_s < 0 && !io->oneshot)
		return YK_OK; /* held */
	if (yk_driver_wait(d, c->for_s, io->stop, err) != YK_OK)
		return err->rc;
	return send_zero(d, *io->stop ? CLOSE_MS : -1, err);
}

static int
write_file(const char *path, const void *p, size_t n, struct yk_err *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	const char *s = p;

	if (fd < 0)
		return yk_err_set(err, YK_EUSAGE, "cannot write '%s': %s",
				  path, strerror(errno));
	while (n > 0) {
		ssize_t w = write(fd, s, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			yk_err_set(err, YK_ERUNTIME, "cannot write '%s': %s",
				   path, strerror(errno));
			close(fd);
			return err->rc;
		}
		s += w;
		n -= (size_t)w;
	}
	if (close(fd) != 0)
		return yk_err_set(err, YK_ERUNTIME, "cannot write '%s': %s",
				  path, strerror(errno));
	return YK_OK;
}

/* The answer must be the member the method promises. */
static int
want(struct yk_driver *d, const char *method, int reply_case,
     struct yk_err *err)
{
	if ((int)d->call.reply->reply_case == reply_case)
		return YK_OK;
	return yk_err_set(err, YK_ERUNTIME,
			  "'%s' answered %s with the wrong kind of reply",
			  d->robot, method);
}

/*
 * The ActionResult as proto3 JSON prints it, but with result_json
 * embedded as the JSON it holds (the skill's report, an object), as the
 * state verb embeds its values: `jq .result_json.docked` reads it, with
 * no second parse.  A result that is no JSON stays the text it is ("").
 * Built member by member rather than by editing pbjson's text; a field
 * added to ActionResult must be added here.
 */
static void
str_json(struct yk_buf *o, const char *s)
{
	struct yk_buf t = {0};

	/* protobuf-c does not check UTF-8; JSON must be valid */
	if (yk_utf8_valid(s, strlen(s))) {
		yk_json_strz(o, s);
		return;
	}
	yk_text_utf8(&t, s, strlen(s), (size_t)-1);
	yk_json_str(o, t.p, t.len);
	yk_buf_free(&t);
}

static void
action_json(struct yk_buf *o, const Yoke__ActionResult *a)
{
	const char *r = a->result_json ? a->result_json : "";

	yk_buf_adds(o, "{\"status\":");
	str_json(o, a->status ? a->status : "");
	if (a->error) {
		yk_buf_adds(o, ",\"error\":");
		yk_pb_to_json(o, &a->error->base);
	}
	if (a->meta) {
		yk_buf_adds(o, ",\"meta\":");
		yk_pb_to_json(o, &a->meta->base);
	}
	yk_buf_adds(o, ",\"result_json\":");
	if (*r && yk_json_valid(r, strlen(r)))
		yk_json_minify(o, r, strlen(r));
	else
		str_json(o, r);
	yk_buf_addc(o, '}');
}

/*
 * An invoke the operator interrupted (SIGINT, SIGTERM): the action is
 * cancelled, as stopping is what a signal asks for.  Waits 2 s at most
 * for the robot's answer, whatever further signals come.
 */
static int
interrupted(struct yk_driver *d, const char *skill, struct yk_err *err)
{
	Yoke__CancelRequest q = YOKE__CANCEL_REQUEST__INIT;
	volatile sig_atomic_t go_on = 0;
	const Yoke__CancelReply *r;
	struct yk_err e2 = {0};

	q.action_id = ""; /* the active one: ours, just invoked */
	if (yk_driver_rpc(d, YK_RPC_CANCEL, NULL, &q.base, 2, &go_on, &e2) !=
		    YK_OK ||
	    d->call.reply->reply_case != YOKE__RPC_REPLY__REPLY_CANCEL)
		return yk_err_set(err, YK_ERUNTIME,
				  "interrupted; %s may go on, not cancelled: "
				  "%s", skill, e2.rc ? e2.msg : "no answer");
	r = d->call.reply->cancel;
	if (r->n_cancelled == 0)
		return yk_err_set(err, YK_ERUNTIME,
				  "interrupted; %s had ended", skill);
	return yk_err_set(err, YK_ERUNTIME, "interrupted; %s cancelled (%s)",
			  skill, r->cancelled[0]);
}

static int
run_rpc(struct yk_driver *d, struct yk_driver_job *j,
	const struct yk_driver_io *io, struct yk_err *err)
{
	const struct yk_drive_cmd *c = j->c;
	double to = c->timeout >= 0 ? c->timeout : io->rpc_timeout;
	struct yk_buf *o = &io->out->b;
	Yoke__RpcReply *r;

	switch (c->verb) {
	case YK_DRIVE_SKILLS: {
		Yoke__SkillsRequest q = YOKE__SKILLS_REQUEST__INIT;

		if (yk_driver_rpc(d, YK_RPC_SKILLS, NULL, &q.base, to,
				  io->stop, err) != YK_OK ||
		    want(d, YK_RPC_SKILLS, YOKE__RPC_REPLY__REPLY_SKILLS, err))
			return err->rc;
		r = d->call.reply;
		for (size_t i = 0; i < r->skills->n_skills; i++) {
			yk_pb_to_json(o, &r->skills->skills[i]->base);
			yk_buf_addc(o, '\n');
		}
		return YK_OK;
	}
	case YK_DRIVE_INVOKE: {
		Yoke__InvokeRequest q = YOKE__INVOKE_REQUEST__INIT;
		const Yoke__ActionResult *a;

		/* a skill moves the robot: our held velocity must not
		 * fight it (the robot's deadman ends what we sent) */
		yk_driver_hold(d, NULL, 0);
		q.skill = (char *)c->arg;
		q.args_json = (char *)(c->args_json ? c->args_json : "");
		/* invoke waits for the action's end: no default limit */
		if (yk_driver_rpc(d, YK_RPC_INVOKE, c->arg, &q.base,
				  c->timeout, io->stop, err) != YK_OK) {
			char m[sizeof(err->msg)];

			if (d->call.interrupted)
				return interrupted(d, c->arg, err);
			if (err->rc != YK_ETIMEOUT)
				return err->rc;
			/* a caller that stops waiting leaves it running */
			snprintf(m, sizeof(m), "%s", err->msg);
			return yk_err_set(err, err->rc,
					  "%s; the action may go on ('cancel' "
					  "stops it)", m);
		}
		if (want(d, YK_RPC_INVOKE, YOKE__RPC_REPLY__REPLY_ACTION, err))
			return err->rc;
		a = d->call.reply->action;
		action_json(o, a);
		yk_buf_addc(o, '\n');
		if (strcmp(a->status, "done") == 0)
			return YK_OK;
		return yk_err_set(err, YK_ERUNTIME, "%s %s: %s%s%s", c->arg,
				  *a->status ? a->status : "ended without a "
							   "status",
				  a->error ? a->error->code : "?",
				  a->error && *a->error->message ? ": " : "",
				  a->error ? a->error->message : "");
	}
	case YK_DRIVE_CANCEL: {
		Yoke__CancelRequest q = YOKE__CANCEL_REQUEST__INIT;

		q.action_id = (char *)(c->arg ? c->arg : "");
		if (yk_driver_rpc(d, YK_RPC_CANCEL, c->arg, &q.base, to,
				  io->stop, err) != YK_OK ||
		    want(d, YK_RPC_CANCEL, YOKE__RPC_REPLY__REPLY_CANCEL, err))
			return err->rc;
		yk_pb_to_json(o, &d->call.reply->cancel->base);
		yk_buf_addc(o, '\n');
		return YK_OK;
	}
	case YK_DRIVE_STATE: {
		Yoke__StateRequest q = YOKE__STATE_REQUEST__INIT;

		q.key = (char *)(c->arg ? c->arg : "");
		if (yk_driver_rpc(d, YK_RPC_STATE, c->arg, &q.base, to,
				  io->stop, err) != YK_OK ||
		    want(d, YK_RPC_STATE, YOKE__RPC_REPLY__REPLY_STATE, err))
			return err->rc;
		yk_driver_state_json(o, d->call.reply->state, c->arg);
		yk_buf_addc(o, '\n');
		return YK_OK;
	}
	case YK_DRIVE_VISION: {
		Yoke__CaptureRequest q = YOKE__CAPTURE_REQUEST__INIT;
		const Foxglove__CompressedImage *im;

		q.camera = (char *)c->arg;
		q.width = (uint32_t)c->width;
		q.height = (uint32_t)c->height;
		if (yk_driver_rpc(d, YK_RPC_VISION, c->arg, &q.base, to,
				  io->stop, err) != YK_OK ||
		    want(d, YK_RPC_VISION, YOKE__RPC_REPLY__REPLY_IMAGE, err))
			return err->rc;
		im = d->call.reply->image;
		if (im->data.len == 0)
			return yk_err_set(err, YK_ERUNTIME,
					  "'%s' sent an empty image from '%s'",
					  d->robot, c->arg);
		if (c->output)
			return write_file(c->output, im->data.data,
					  im->data.len, err);
		yk_buf_add(o, im->data.data, im->data.len);
		return YK_OK;
	}
	default:
		return yk_err_set(err, YK_EUSAGE, "%s: only in the console",
				  yk_drive_verbs[c->verb - YK_DRIVE_VEL]);
	}
}

int
yk_driver_run(struct yk_driver *d, struct yk_driver_job *j,
	      const struct yk_driver_io *io, struct yk_err *err)
{
	const struct yk_drive_cmd *c = j->c;

	d->stop = io->stop;
	switch (c->verb) {
	case YK_DRIVE_NONE:
		return YK_OK;
	case YK_DRIVE_VEL:
		return run_vel(d, j, io, err);
	case YK_DRIVE_STOP:
		yk_driver_hold(d, NULL, 0);
		return yk_driver_send(d, j->send, err);
	case YK_DRIVE_MODE:
	case YK_DRIVE_TRAJ:
	case YK_DRIVE_JSON:
		/* a velocity sent as JSON is one command, not held */
		yk_driver_hold(d, NULL, 0);
		return yk_driver_send(d, j->send, err);
	case YK_DRIVE_SLEEP:
		return yk_driver_wait(d, c->seconds, io->stop, err);
	default:
		return run_rpc(d, j, io, err);
	}
}

/* The script: each line through prepare and run. */
struct script {
	struct yk_driver *d;
	const struct yk_driver_io *io;
	bool skip, clamp;
	void (*warn)(void *ud, const struct yk_err *e);
	void *ud;
	unsigned long bad;
};

static int
script_line(void *ud, struct yk_mqtt *s, const char *p, size_t n,
	    unsigned long line, int64_t ts_us, struct yk_err *err)
{
	struct script *sc = ud;
	struct yk_drive_cmd c;
	struct yk_drive_words w;
	struct yk_driver_job j = {0};
	int rc;

	(void)s;
	(void)ts_us;
	rc = yk_drive_line(&c, &w, p, n, err);
	if (rc == YK_OK) {
		c.clamp = c.clamp || sc->clamp;
		if (c.verb == YK_DRIVE_TELEOP || c.verb == YK_DRIVE_HELP ||
		    c.verb == YK_DRIVE_QUIT)
			rc = yk_err_set(err, YK_EUSAGE,
					"%s: only in the console",
					yk_drive_verbs[c.verb - YK_DRIVE_VEL]);
		else
			rc = yk_driver_prepare(&j, &c, false, err);
	}
	if (rc == YK_OK && j.note.len && sc->warn) {
		struct yk_err e;

		yk_err_set(&e, YK_OK, "line %lu: --clamp: %s", line, j.note.p);
		sc->warn(sc->ud, &e);
	}
	if (rc == YK_OK)
		rc = yk_driver_run(sc->d, &j, sc->io, err);
	if (rc == YK_OK)
		rc = yk_out_flush(sc->io->out, err);
	yk_driver_job_free(&j);
	yk_drive_cmd_free(&c);
	yk_drive_words_free(&w);
	if (rc == YK_OK || rc == YK_EXIT)
		return rc;
	yk_err_wrap(err, "line %lu", line);
	if (rc != YK_EUSAGE || !sc->skip)
		return rc;
	if (sc->warn)
		sc->warn(sc->ud, err);
	sc->bad++;
	err->rc = YK_OK;
	return YK_OK;
}

/* The held velocity, as the feed's timer. */
static int
script_tick(void *ud, struct yk_mqtt *s, int64_t now, int64_t *next,
	    struct yk_err *err)
{
	struct script *sc = ud;
	int ms = -1;

	(void)s;
	(void)now;
	if (tick(sc->d, &ms, err) != YK_OK)
		return err->rc;
	*next = sc->d->holding ? sc->d->next_ms : -1;
	return YK_OK;
}

int
yk_driver_script(struct yk_driver *d, int fd, bool skip, bool clamp,
		 const struct yk_driver_io *io,
		 void (*warn)(void *ud, const struct yk_err *e), void *ud,
		 struct yk_err *err)
{
	struct script sc = {.d = d, .io = io, .skip = skip, .clamp = clamp,
			    .warn = warn, .ud = ud};
	struct yk_in in;

	yk_in_init(&in, fd, YK_FRAME_LINES, "standard input");
	yk_feed_run_tick(d->s, &in, script_line, script_tick, &sc, err);
	if (err->rc == YK_EXIT)
		err->rc = YK_OK;
	if (err->rc == YK_OK && sc.bad > 0)
		yk_err_set(err, YK_EUSAGE, "skipped %lu bad line%s of %lu",
			   sc.bad, sc.bad == 1 ? "" : "s", in.frame);
	yk_in_free(&in);
	return err->rc;
}
