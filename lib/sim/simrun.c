/*
 * simrun.c - yoke-sim's robots on the wire (see simrun.h).
 *
 * Each robot has three sessions: the two of lib/fleet/agent.c (status with its
 * will, liveliness token with its will) and one for its data (commands,
 * state, system, rpc, meta, telemetry, faults).  One poll(2) waits on
 * every data session until the next tick; the agents are stepped ten
 * times a second, which is all their timers need.  That keeps 100 robots
 * at 10 Hz to a few thousand system calls a second.
 *
 * Messages are copied out of on_message and handled after the step
 * returns: answering (yk_rpc_answer steps the session when its queue is
 * full) must not happen inside the session's own callback.
 *
 * What a robot says on its own never blocks the loop (the agents, the
 * other robots and the stop signal all wait on it), whether the broker is
 * there or not:
 * - QoS 0 (state, fleet telemetry) is perishable: it is sent only when it
 *   can go at once (yk_mqtt_can_send), else dropped and counted; state's
 *   sequence counts it all the same, so the gap shows.  Nothing stale is
 *   sent after a reconnect;
 * - QoS 1 (system events, status, faults, meta) waits in the queue while
 *   the broker is away, but only up to the queue less RESERVE places,
 *   which stay for RPC answers (yk_rpc_answer waits for room, and an
 *   action can end while the broker is away); beyond that, and whenever
 *   the queue is full, it is dropped, said once and counted at the end.
 */
#include <math.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent.h"
#include "asimov.h"
#include "clock.h"
#include "fleet.h"
#include "json.h"
#include "pbchan.h"
#include "ready.h"
#include "reading.h"
#include "rpc.h"
#include "sim.h"
#include "simcam.h"
#include "simrun.h"
#include "foxglove/CompressedImage.pb-c.h"
#include "google/protobuf/timestamp.pb-c.h"

#define MAX_PENDING 32  /* invokes waiting for their action's end */
#define INBOX_MAX 1024  /* messages held between two steps */
#define AGENT_MS 100
/* Queue places kept for RPC answers while the broker is away: one per
 * invoke that may end meanwhile (at most half the queue). */
#define RESERVE MAX_PENDING
/* The goodbye of every robot (status offline, tokens cleared) gets this
 * long to be confirmed after a stop signal. */
#define GOODBYE_MS 3000
/* Where the world's origin lies on Earth (location readings). */
#define LAT0 47.3769
#define LNG0 8.5417
#define M_PER_DEG 111320.0

struct rxmsg {
	bool rpc;               /* else a command */
	struct yk_rpc_req req;  /* rpc */
	void *payload;
	size_t len;
};

struct invoke {
	char id[24];
	char skill[16];
	struct yk_rpc_req req;
	int64_t started_us;
};

struct run;

struct bot {
	struct run *run;
	char name[128];
	struct yk_sim m;
	double given;           /* simulated seconds handed to m */
	struct yk_agent *agent;
	struct yk_mqtt *s;
	struct yk_buf t_state, t_system, t_faults, t_status, t_tele, t_meta;
	struct yk_buf t_cmd;
	uint32_t state_seq, sys_seq;
	bool opened;            /* all its sessions are up */
	bool ready;             /* subscribed, meta, status, token confirmed */
	struct rxmsg *inbox;
	int ninbox;
	struct invoke inv[MAX_PENDING];
	int ninv;
};

struct run {
	const struct yk_simrun_cfg *cfg;
	struct yk_sim_world world;
	struct bot *bots;
	int n;
	int64_t t0;             /* monotonic ms at start */
	struct yk_buf pk;       /* packed messages */
	struct yk_err fail;     /* the first fatal error */
	size_t room;            /* queue places for the robot's own QoS 1 */
	uint64_t lost0, lost1;  /* dropped: perishable QoS 0, QoS 1 */
};

static double
sim_now(const struct run *run)
{
	return (double)(yk_mono_ms() - run->t0) / 1000.0 * run->cfg->speed;
}

/* ---- publishing ---- */

static void
say(const struct run *run, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A diagnostic on stderr, through the caller's log. */
static void
say(const struct run *run, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	if (run->cfg->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	run->cfg->log(run->cfg->log_ud, 0, msg);
}

static void
publish(struct bot *b, const char *topic, const void *p, size_t n, int qos,
	bool retain, int64_t ts_us)
{
	struct yk_msg m = {.topic = topic, .payload = p, .len = n, .qos = qos,
			   .retain = retain, .prio = -1, .ts_us = ts_us};
	struct yk_err e = {0};
	struct run *run = b->run;
	int rc;

	/* never waits: see the head comment */
	if (qos == 0 && !retain) {
		if (!yk_mqtt_can_send(b->s, 0)) {
			run->lost0++;
			return;
		}
		rc = yk_mqtt_send(b->s, &m, &e);
	} else if (!yk_mqtt_up(b->s) && yk_mqtt_pending(b->s) >= run->room) {
		rc = YK_EAGAIN;
	} else {
		rc = yk_mqtt_send(b->s, &m, &e);
	}
	if (rc == YK_EAGAIN) {
		if (qos == 0) {
			run->lost0++;
			return;
		}
		if (run->lost1++ == 0)
			say(run, "dropping messages of '%s': the send queue is "
				 "full (the broker is away or slow)", b->name);
		return;
	}
	if (rc != YK_OK && yk_mqtt_too_large(b->s)) {
		say(run, "dropped a message of '%s': %s", b->name, e.msg);
		return;
	}
	if (rc != YK_OK && run->fail.rc == YK_OK)
		run->fail = e;
}

static void
publish_pb(struct bot *b, const char *topic, const ProtobufCMessage *msg,
	   int qos)
{
	struct yk_buf *pk = &b->run->pk;
	size_t n = protobuf_c_message_get_packed_size(msg);

	yk_buf_truncate(pk, 0);
	yk_buf_reserve(pk, n + 1);
	protobuf_c_message_pack(msg, (uint8_t *)pk->p);
	publish(b, topic, pk->p, n, qos, false, 0);
}

static void
system_event(struct bot *b, Asimov__EdgeEvent *ev)
{
	ev->timestamp_us = (uint64_t)yk_now_us();
	ev->sequence = ++b->sys_seq;
	publish_pb(b, b->t_system.p, &ev->base, 1);
}

static void
edge_error(struct bot *b, Asimov__Subsystem sub, const char *code,
	   const char *msg)
{
	Asimov__EdgeEvent ev = ASIMOV__EDGE_EVENT__INIT;
	Asimov__EdgeError e = ASIMOV__EDGE_ERROR__INIT;

	e.subsystem = sub;
	e.code = (char *)code;
	e.message = (char *)msg;
	ev.event_case = ASIMOV__EDGE_EVENT__EVENT_ERROR;
	ev.error = &e;
	system_event(b, &ev);
}

static void
publish_state(struct bot *b)
{
	const struct yk_sim *m = &b->m;
	Asimov__EdgeTelemetry t = ASIMOV__EDGE_TELEMETRY__INIT;
	Asimov__FirmwareAlert a = ASIMOV__FIRMWARE_ALERT__INIT;
	Asimov__FirmwareAlert *alerts[1] = {&a};
	float jp[YK_SIM_JOINTS], jv[YK_SIM_JOINTS], jc[YK_SIM_JOINTS];
	float jt[YK_SIM_JOINTS], quat[4], gyro[3], grav[3];

	for (int j = 0; j < YK_SIM_JOINTS; j++) {
		jp[j] = (float)m->q[j];
		jv[j] = (float)m->qd[j];
		jc[j] = (float)m->current[j];
		jt[j] = (float)m->temp[j];
	}
	yk_sim_imu(m, quat, gyro, grav);
	t.timestamp_us = (uint64_t)yk_now_us();
	t.fw_timestamp_us = (uint64_t)llround(m->t * 1e6);
	t.sequence = ++b->state_seq;
	t.fw_mode = (Asimov__FirmwareMode)m->mode;
	t.n_joint_pos = t.n_joint_vel = t.n_joint_current = t.n_joint_temp =
		YK_SIM_JOINTS;
	t.joint_pos = jp;
	t.joint_vel = jv;
	t.joint_current = jc;
	t.joint_temp = jt;
	t.n_imu_quat = 4;
	t.imu_quat = quat;
	t.n_imu_gyro = t.n_imu_gravity = 3;
	t.imu_gyro = gyro;
	t.imu_gravity = grav;
	if (m->alert) {
		a.id = ASIMOV__ALERT_ID__ALERT_ID_MOTOR_OVERTEMP;
		a.severity = ASIMOV__ALERT_SEVERITY__ALERT_SEVERITY_CRITICAL;
		a.value = (uint32_t)lround(m->temp[m->alert_motor]);
		a.threshold = (uint32_t)YK_SIM_TEMP_TRIP;
		a.first_set_us = (uint64_t)llround(m->alert_since * 1e6);
		a.source_id = (uint32_t)m->alert_motor;
		t.n_active_alerts = 1;
		t.active_alerts = alerts;
		t.error_flags = 1u << ASIMOV__ALERT_ID__ALERT_ID_MOTOR_OVERTEMP;
	}
	publish_pb(b, b->t_state.p, &t.base, 0);
}

static void
publish_diagnostics(struct bot *b)
{
	Asimov__EdgeEvent ev = ASIMOV__EDGE_EVENT__INIT;
	Asimov__EdgeDiagnostics d = ASIMOV__EDGE_DIAGNOSTICS__INIT;
	Asimov__CanBusHealth can[2] = {ASIMOV__CAN_BUS_HEALTH__INIT,
				       ASIMOV__CAN_BUS_HEALTH__INIT};
	Asimov__CanBusHealth *cans[2] = {&can[0], &can[1]};
	/* the firmware's 1 kHz bus traffic and 50 Hz policy, in sim time */
	uint64_t frames = (uint64_t)(b->m.t * 1000);

	can[0].bus = "can0";
	can[1].bus = "can1";
	for (int i = 0; i < 2; i++) {
		can[i].frames_sent = frames * 13;
		can[i].frames_received = frames * 13;
	}
	d.n_can_health = 2;
	d.can_health = cans;
	d.onnx_avg_ms = 2.1f;
	d.onnx_max_ms = 3.4f;
	d.onnx_count = (uint64_t)(b->m.t * 50);
	d.controller = b->m.controller;
	d.provisioned = true;
	d.cloud_connected = yk_mqtt_up(b->s);
	ev.event_case = ASIMOV__EDGE_EVENT__EVENT_DIAGNOSTICS;
	ev.diagnostics = &d;
	system_event(b, &ev);
}

/* battery_pct and location, as yoke-telemetry sends them. */
static void
publish_readings(struct bot *b)
{
	struct yk_reading r = {0};
	struct yk_buf p = {0};
	int64_t now = yk_now_us();
	double heading = fmod(450.0 - b->m.yaw * 180.0 / M_PI, 360.0);

	r.metric = "battery_pct";
	r.metric_len = strlen(r.metric);
	r.value = (struct yk_num){.set = true,
				  .v = round(b->m.battery * 100) / 100};
	r.unit = "%";
	r.unit_len = 1;
	yk_reading_json(&p, &r, now);
	publish(b, b->t_tele.p, p.p, p.len, 0, false, now);
	memset(&r, 0, sizeof(r));
	r.metric = "location";
	r.metric_len = strlen(r.metric);
	r.lat = (struct yk_num){.set = true,
				.v = LAT0 + b->m.y / M_PER_DEG};
	r.lng = (struct yk_num){
		.set = true,
		.v = LNG0 + b->m.x / (M_PER_DEG * cos(LAT0 * M_PI / 180))};
	r.heading = (struct yk_num){.set = true,
				    .v = round(heading * 10) / 10};
	if (r.heading.v >= 360)
		r.heading.v = 0;
	yk_buf_truncate(&p, 0);
	yk_reading_json(&p, &r, now);
	publish(b, b->t_tele.p, p.p, p.len, 0, false, now);
	yk_buf_free(&p);
}

/* The over-temperature alert as yoke-fault reports a fault: the fault,
 * then the status that embeds it. */
static void
fault(struct bot *b, const struct yk_sim_event *e)
{
	struct yk_buf p = {0}, data = {0};
	char id[37];
	int64_t now = yk_now_us();
	struct yk_fault f = {.id = id, .code = "MOTOR_OVERTEMP",
			     .severity = "critical", .ts_us = now};

	yk_uuid4(id);
	yk_buf_addf(&data, "{\"alert_id\":%d,\"motor\":%d,\"temp_c\":%.1f,"
		    "\"threshold_c\":%g}",
		    ASIMOV__ALERT_ID__ALERT_ID_MOTOR_OVERTEMP, e->motor,
		    e->temp, YK_SIM_TEMP_TRIP);
	f.data = data.p;
	yk_fleet_fault_json(&p, &f);
	publish(b, b->t_faults.p, p.p, p.len, 1, false, now);
	yk_buf_truncate(&p, 0);
	yk_fleet_status_json(&p, &(struct yk_status){.status = "fault",
						     .ts_us = now,
						     .fault = &f});
	publish(b, b->t_status.p, p.p, p.len, 1, true, now);
	yk_buf_free(&p);
	yk_buf_free(&data);
}

static void
online(struct bot *b)
{
	struct yk_buf p = {0};
	int64_t now = yk_now_us();

	yk_fleet_status_json(&p, &(struct yk_status){
					 .status = "online", .ts_us = now,
					 .heartbeat_s =
						 b->run->cfg->heartbeat_s});
	publish(b, b->t_status.p, p.p, p.len, 1, true, now);
	yk_buf_free(&p);
}

/* ---- the RPC ---- */

static void answer_error(struct bot *b, const struct yk_rpc_req *r,
			 const char *code, const char *msg);

static void
answer(struct bot *b, const struct yk_rpc_req *r, const Yoke__RpcReply *rep)
{
	struct yk_err e = {0};
	char why[80];

	if (yk_rpc_answer(b->s, r, rep, &e) == YK_OK)
		return;
	/* a reply (a camera frame) over the broker's limit: the caller is
	 * told why, and the robot goes on serving */
	if (yk_mqtt_too_large(b->s)) {
		snprintf(why, sizeof(why), "reply too large for the broker "
			 "(its limit is %lu bytes)", yk_mqtt_too_large(b->s));
		say(b->run, "%s: %s: sent an error reply instead", b->name,
		    why);
		answer_error(b, r, "TOO_LARGE", why);
		return;
	}
	if (b->run->fail.rc == YK_OK)
		b->run->fail = e;
}

static void
answer_error(struct bot *b, const struct yk_rpc_req *r, const char *code,
	     const char *msg)
{
	struct yk_err e = {0};

	if (yk_rpc_answer_error(b->s, r, code, msg, &e) != YK_OK &&
	    b->run->fail.rc == YK_OK)
		b->run->fail = e;
}

static void
action_result(struct bot *b, struct invoke *in, bool failed,
	      const char *code, const char *msg, const char *result)
{
	Yoke__RpcReply rep = YOKE__RPC_REPLY__INIT;
	Yoke__ActionResult ar = YOKE__ACTION_RESULT__INIT;
	Yoke__ActionError ae = YOKE__ACTION_ERROR__INIT;
	Yoke__ActionMeta meta = YOKE__ACTION_META__INIT;

	ar.status = failed ? "failed" : "done";
	if (failed) {
		ae.code = (char *)code;
		ae.message = (char *)msg;
		ar.error = &ae;
	}
	meta.action_id = in->id;
	meta.skill = in->skill;
	meta.started_us = (uint64_t)in->started_us;
	meta.ended_us = (uint64_t)yk_now_us();
	ar.meta = &meta;
	ar.result_json = (char *)(result ? result : "");
	rep.reply_case = YOKE__RPC_REPLY__REPLY_ACTION;
	rep.action = &ar;
	answer(b, &in->req, &rep);
	yk_rpc_req_free(&in->req);
	*in = b->inv[--b->ninv];
}

static void
do_skills(struct bot *b, const struct yk_rpc_req *r)
{
	Yoke__RpcReply rep = YOKE__RPC_REPLY__INIT;
	Yoke__SkillList list = YOKE__SKILL_LIST__INIT;
	Yoke__SkillDescriptor d[8], *dp[8];
	Yoke__SkillParam p[8][3], *pp[8][3];

	for (int i = 0; i < yk_sim_nskills; i++) {
		const struct yk_sim_skill_desc *s = &yk_sim_skills[i];

		yoke__skill_descriptor__init(&d[i]);
		d[i].name = (char *)s->name;
		d[i].description = (char *)s->description;
		for (int k = 0; k < s->nparams; k++) {
			yoke__skill_param__init(&p[i][k]);
			p[i][k].name = (char *)s->params[k].name;
			p[i][k].type = (char *)s->params[k].type;
			p[i][k].description = (char *)s->params[k].description;
			p[i][k].required = s->params[k].required;
			pp[i][k] = &p[i][k];
		}
		d[i].n_params = (size_t)s->nparams;
		d[i].params = pp[i];
		dp[i] = &d[i];
	}
	list.n_skills = (size_t)yk_sim_nskills;
	list.skills = dp;
	rep.reply_case = YOKE__RPC_REPLY__REPLY_SKILLS;
	rep.skills = &list;
	answer(b, r, &rep);
}

static void
do_invoke(struct bot *b, struct rxmsg *x, Yoke__InvokeRequest *q)
{
	const char *code;
	char id[24], msg[160];
	struct invoke *in;

	if (b->ninv == MAX_PENDING) {
		answer_error(b, &x->req, "INTERNAL",
			     "too many invokes waiting for an answer");
		return;
	}
	code = yk_sim_invoke(&b->m, q->skill, q->args_json,
			     strlen(q->args_json), id, msg, sizeof(msg));
	if (code) {
		answer_error(b, &x->req, code, msg);
		return;
	}
	in = &b->inv[b->ninv++];
	snprintf(in->id, sizeof(in->id), "%s", id);
	snprintf(in->skill, sizeof(in->skill), "%s", q->skill);
	in->req = x->req;
	x->req.resp_topic = NULL; /* the invoke owns it now */
	in->started_us = yk_now_us();
}

static void
do_cancel(struct bot *b, struct rxmsg *x, Yoke__CancelRequest *q)
{
	Yoke__RpcReply rep = YOKE__RPC_REPLY__INIT;
	Yoke__CancelReply cr = YOKE__CANCEL_REPLY__INIT;
	char id[24], *ids[1] = {id};

	if (yk_sim_cancel(&b->m, q->action_id, id)) {
		cr.n_cancelled = 1;
		cr.cancelled = ids;
	}
	rep.reply_case = YOKE__RPC_REPLY__REPLY_CANCEL;
	rep.cancel = &cr;
	answer(b, &x->req, &rep);
}

static void
do_state(struct bot *b, struct rxmsg *x, Yoke__StateRequest *q)
{
	Yoke__RpcReply rep = YOKE__RPC_REPLY__INIT;
	Yoke__StateReply sr = YOKE__STATE_REPLY__INIT;
	Yoke__StateEntry e[8], *ep[8];
	struct yk_buf v[8] = {{0}};
	uint64_t now = (uint64_t)yk_now_us();
	size_t n = 0;

	for (int i = 0; yk_sim_state_keys[i] && n < 8; i++) {
		const char *k = yk_sim_state_keys[i];

		if (q->key[0] && strcmp(q->key, k) != 0)
			continue;
		yoke__state_entry__init(&e[n]);
		yk_sim_state_json(&b->m, k, &v[n]);
		e[n].key = (char *)k;
		e[n].value_json = v[n].p;
		e[n].updated_us = now;
		ep[n] = &e[n];
		n++;
	}
	if (n == 0) {
		char msg[200];

		snprintf(msg, sizeof(msg),
			 "no state key '%.64s' (keys: robot_status, pose, "
			 "mode, battery_pct, velocity)", q->key);
		answer_error(b, &x->req, "UNKNOWN_KEY", msg);
	} else {
		sr.n_entries = n;
		sr.entries = ep;
		rep.reply_case = YOKE__RPC_REPLY__REPLY_STATE;
		rep.state = &sr;
		answer(b, &x->req, &rep);
	}
	for (size_t i = 0; i < n; i++)
		yk_buf_free(&v[i]);
}

static void
do_vision(struct bot *b, struct rxmsg *x, Yoke__CaptureRequest *q)
{
	Yoke__RpcReply rep = YOKE__RPC_REPLY__INIT;
	Foxglove__CompressedImage img = FOXGLOVE__COMPRESSED_IMAGE__INIT;
	Google__Protobuf__Timestamp ts = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	struct yk_buf jpeg = {0}, frame = {0};
	struct yk_err e = {0};
	int64_t now = yk_now_us();

	/* sizes past any image's are refused by the size check */
	if (yk_simcam_capture(&jpeg, &b->m, q->camera,
			      q->width > 100000 ? 100000 : (int)q->width,
			      q->height > 100000 ? 100000 : (int)q->height,
			      q->quality, &e) != YK_OK) {
		answer_error(b, &x->req,
			     strncmp(e.msg, "no camera", 9) == 0 ?
				     "UNKNOWN_CAMERA" : "BAD_ARGS", e.msg);
		goto out;
	}
	yk_buf_addf(&frame, "%s/%s", b->name, q->camera);
	ts.seconds = now / 1000000;
	ts.nanos = (int32_t)(now % 1000000 * 1000);
	img.timestamp = &ts;
	img.frame_id = frame.p;
	img.data.data = (uint8_t *)jpeg.p;
	img.data.len = jpeg.len;
	img.format = "jpeg";
	rep.reply_case = YOKE__RPC_REPLY__REPLY_IMAGE;
	rep.image = &img;
	answer(b, &x->req, &rep);
out:
	yk_buf_free(&jpeg);
	yk_buf_free(&frame);
}

/* Unpack the request by its method's type (lib/pbchan's table, the one
 * --decode auto uses) once, here, and hand it to the method. */
static void
rpc(struct bot *b, struct rxmsg *x)
{
	const char *m = x->req.method;
	const ProtobufCMessageDescriptor *d = yk_pbchan_rpc(m);
	ProtobufCMessage *q;
	char msg[160];

	if (d == NULL) {
		snprintf(msg, sizeof(msg), "no method '%s' (methods: skills, "
			 "invoke, cancel, state, vision)", m);
		answer_error(b, &x->req, "UNKNOWN_METHOD", msg);
		return;
	}
	q = protobuf_c_message_unpack(d, NULL, x->len, x->payload);
	if (q == NULL) {
		snprintf(msg, sizeof(msg), "the request is not a %s", d->name);
		answer_error(b, &x->req, "BAD_REQUEST", msg);
		return;
	}
	if (strcmp(m, YK_RPC_SKILLS) == 0)
		do_skills(b, &x->req);
	else if (strcmp(m, YK_RPC_INVOKE) == 0)
		do_invoke(b, x, (Yoke__InvokeRequest *)q);
	else if (strcmp(m, YK_RPC_CANCEL) == 0)
		do_cancel(b, x, (Yoke__CancelRequest *)q);
	else if (strcmp(m, YK_RPC_STATE) == 0)
		do_state(b, x, (Yoke__StateRequest *)q);
	else
		do_vision(b, x, (Yoke__CaptureRequest *)q);
	protobuf_c_message_free_unpacked(q, NULL);
}

/* ---- commands ---- */

static void
command(struct bot *b, const struct rxmsg *x)
{
	Asimov__CloudCommand *c =
		asimov__cloud_command__unpack(NULL, x->len, x->payload);
	Asimov__FullTrajectory *ft;
	struct yk_err e = {0};
	int clamped = 0;
	size_t i;

	if (c == NULL) {
		edge_error(b, ASIMOV__SUBSYSTEM__SUBSYSTEM_CLOUD,
			   "COMMAND_REJECTED",
			   "the command is not an asimov.CloudCommand");
		return;
	}
	if (yk_asimov_check(c, false, &clamped, &e) != YK_OK) {
		edge_error(b, ASIMOV__SUBSYSTEM__SUBSYSTEM_CLOUD,
			   "COMMAND_REJECTED", e.msg);
		goto out;
	}
	switch (c->command_case) {
	case ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY:
		yk_sim_velocity(&b->m, c->velocity->vx, c->velocity->vy,
				c->velocity->vyaw);
		break;
	case ASIMOV__CLOUD_COMMAND__COMMAND_MODE:
		yk_sim_mode_cmd(&b->m, c->mode->mode == ASIMOV__MODE__MODE_DAMP
					       ? YK_SIM_DAMP
					       : YK_SIM_STAND);
		break;
	case ASIMOV__CLOUD_COMMAND__COMMAND_TRAJECTORY:
		ft = c->trajectory->full;
		for (i = 0; ft && i < ft->n_segments; i++) {
			Asimov__JointSegment *s = ft->segments[i];

			if (!yk_sim_segment(&b->m, s->positions,
					    s->n_kp ? s->kp : NULL,
					    s->n_kd ? s->kd : NULL))
				break;
		}
		if (ft && i < ft->n_segments) {
			char msg[160];

			snprintf(msg, sizeof(msg),
				 "%zu of %zu segments dropped: at most %d "
				 "wait to be applied", ft->n_segments - i,
				 ft->n_segments, YK_SIM_MAX_SEGS);
			edge_error(b, ASIMOV__SUBSYSTEM__SUBSYSTEM_FIRMWARE,
				   "TRAJECTORY_OVERFLOW", msg);
		}
		break;
	default:
		break;
	}
out:
	asimov__cloud_command__free_unpacked(c, NULL);
}

/* ---- the model's events ---- */

static void
events(struct bot *b)
{
	struct yk_sim_event e;

	while (yk_sim_event_take(&b->m, &e)) {
		if (e.kind == YK_SIM_EV_ALERT_SET) {
			fault(b, &e);
		} else if (e.kind == YK_SIM_EV_ALERT_CLEAR) {
			online(b);
		} else if (e.kind == YK_SIM_EV_CONTROLLER) {
			Asimov__EdgeEvent ev = ASIMOV__EDGE_EVENT__INIT;
			Asimov__ControllerEvent ce =
				ASIMOV__CONTROLLER_EVENT__INIT;

			ce.previous = e.prev;
			ce.current = e.cur;
			ce.reason = e.reason;
			ev.event_case = ASIMOV__EDGE_EVENT__EVENT_CONTROLLER;
			ev.controller = &ce;
			system_event(b, &ev);
		} else if (e.kind == YK_SIM_EV_ACTION_END) {
			for (int i = 0; i < b->ninv; i++) {
				if (strcmp(b->inv[i].id, e.action_id) != 0)
					continue;
				action_result(b, &b->inv[i], e.failed, e.code,
					      e.message, e.result);
				break;
			}
		}
	}
}

/*
 * Bring the robot up to simulated time now.  After a stop (SIGSTOP, a
 * suspended host) it replays at most ten ticks or 60 s of what it missed,
 * whichever is more, and skips the rest: an hour would be 720,000
 * substeps per robot, a stall of its own.
 */
static void
catch_up(struct bot *b, double now)
{
	const struct yk_simrun_cfg *cfg = b->run->cfg;
	double cap = fmax(60.0, 10.0 * cfg->speed / cfg->rate);

	if (now - b->given > cap)
		b->given = now - cap;
	if (now > b->given) {
		yk_sim_advance(&b->m, now - b->given);
		b->given = now;
	}
	events(b);
}

static void
on_message(void *ud, const struct yk_rx *rx)
{
	struct bot *b = ud;
	struct rxmsg x = {0};

	if (b->ninbox == INBOX_MAX)
		return; /* a flood: QoS 1 commands beyond it are lost */
	if (strcmp(rx->topic, b->t_cmd.p) == 0) {
		x.rpc = false;
	} else if (yk_rpc_req_from(&x.req, &b->run->cfg->c->scope, rx)) {
		x.rpc = true;
	} else {
		return;
	}
	x.payload = yk_malloc(rx->len ? rx->len : 1);
	if (rx->len > 0) /* an empty message's payload is NULL */
		memcpy(x.payload, rx->payload, rx->len);
	x.len = rx->len;
	if (b->inbox == NULL)
		b->inbox = yk_calloc(INBOX_MAX, sizeof(*b->inbox));
	b->inbox[b->ninbox++] = x;
}

static void
handle_inbox(struct bot *b)
{
	if (b->ninbox == 0)
		return;
	catch_up(b, sim_now(b->run));
	/* in arrival order; what a handler receives meanwhile waits */
	for (int i = 0; i < b->ninbox; i++) {
		struct rxmsg *x = &b->inbox[i];

		if (x->rpc)
			rpc(b, x);
		else
			command(b, x);
		events(b);
		yk_rpc_req_free(&x->req);
		free(x->payload);
	}
	b->ninbox = 0;
}

static int
step(struct bot *b, struct yk_err *err)
{
	if (yk_mqtt_step(b->s, NULL, 0, 0, err) != YK_OK)
		return err->rc;
	handle_inbox(b);
	return b->run->fail.rc ? (*err = b->run->fail).rc : YK_OK;
}

/* ---- start and stop ---- */

static int
bot_open(struct run *run, struct bot *b, int i, struct yk_err *err)
{
	const struct yk_simrun_cfg *cfg = run->cfg;
	struct yk_conf *c = cfg->c;
	struct yk_agent_cfg ac = {.status = "online",
				  .heartbeat_s = cfg->heartbeat_s,
				  .stop = cfg->stop};
	struct yk_mqtt_cfg mc;
	struct yk_buf p = {0}, f = {0};

	b->run = run;
	snprintf(b->name, sizeof(b->name), "%s", cfg->robots[i]);
	yk_sim_init(&b->m, &run->world, cfg->seed, (unsigned)i);
	yk_fleet_topic(&b->t_state, &c->scope, b->name, "state");
	yk_fleet_topic(&b->t_system, &c->scope, b->name, "system");
	yk_fleet_topic(&b->t_faults, &c->scope, b->name, "faults");
	yk_fleet_topic(&b->t_status, &c->scope, b->name, "status");
	yk_fleet_topic(&b->t_tele, &c->scope, b->name, "telemetry");
	yk_fleet_topic(&b->t_meta, &c->scope, b->name, "meta");
	yk_fleet_topic(&b->t_cmd, &c->scope, b->name, "commands");
	c->robot = b->name;
	if (yk_agent_open(&b->agent, c, &ac, err) != YK_OK)
		return err->rc;
	yk_conf_mqtt(c, &mc);
	mc.on_message = on_message;
	mc.msg_ud = b;
	if (yk_conf_open(c, &mc, &b->s, err) != YK_OK)
		return err->rc;
	yk_rpc_serve_filter(&f, &c->scope, b->name);
	if (yk_mqtt_subscribe(b->s, b->t_cmd.p, 1, YK_RH_SEND, err) < 0 ||
	    yk_mqtt_subscribe(b->s, f.p, 1, YK_RH_SEND, err) < 0) {
		yk_buf_free(&f);
		return err->rc;
	}
	yk_buf_free(&f);
	yk_buf_adds(&p, "{\"name\":");
	yk_json_strz(&p, b->name);
	yk_buf_adds(&p, ",\"model\":\"yoke-sim\",\"created\":");
	yk_json_ts(&p, yk_now_us());
	yk_buf_addc(&p, '}');
	publish(b, b->t_meta.p, p.p, p.len, 1, true, 0);
	yk_buf_free(&p);
	b->opened = true;
	return run->fail.rc ? (*err = run->fail).rc : YK_OK;
}

/*
 * Answer what waits, say goodbye, wait for the broker to confirm, until
 * end (monotonic ms): a broker that is gone must not hold up the exit, and
 * the wills say the rest when it comes back.  Each drain also gives up at
 * a signal beyond the count it started with; once one has (seen, the
 * count the goodbye began with, was passed), the other robots only close:
 * one further signal ends all 3 N waits, not one.
 */
static void
bot_stop(struct bot *b, sig_atomic_t seen, int64_t end, struct yk_err *err)
{
	volatile sig_atomic_t *stop = b->run->cfg->stop;
	struct yk_err e = {0};
	int64_t left;

	while (b->ninv > 0)
		action_result(b, &b->inv[0], true, "CANCELLED",
			      "yoke-sim is stopping", NULL);
	left = end - yk_mono_ms();
	if (*stop > seen || left <= 0)
		return;
	if (yk_agent_stop(b->agent, (int)left, &e) != YK_OK && !err->rc)
		*err = e;
	left = end - yk_mono_ms();
	if (*stop > seen || left <= 0)
		return;
	if (yk_mqtt_drain_for(b->s, stop, (int)left, &e) != YK_OK && !err->rc)
		*err = e;
}

static void
bot_free(struct bot *b)
{
	struct yk_buf *t[] = {&b->t_state, &b->t_system, &b->t_faults,
			      &b->t_status, &b->t_tele, &b->t_meta,
			      &b->t_cmd};

	yk_agent_close(b->agent);
	yk_mqtt_close(b->s);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		yk_buf_free(t[i]);
	for (int i = 0; i < b->ninbox; i++) {
		yk_rpc_req_free(&b->inbox[i].req);
		free(b->inbox[i].payload);
	}
	free(b->inbox);
	for (int i = 0; i < b->ninv; i++)
		yk_rpc_req_free(&b->inv[i].req);
}

/* ---- the loop ---- */

/*
 * Ready (lib/ready.h) once every robot is: its commands and RPC
 * subscribed, its roster entry confirmed (nothing of the data session
 * pending, once), its status and token confirmed (yk_agent_ready).  Then
 * a command sent is obeyed and a watcher sees every robot.
 */
static void
tell_ready(struct run *run)
{
	struct yk_err e = {0};

	for (int i = 0; i < run->n; i++) {
		struct bot *b = &run->bots[i];

		if (!b->ready)
			b->ready = yk_mqtt_subscribed(b->s) &&
				   yk_mqtt_pending(b->s) == 0;
		if (!b->ready || !yk_agent_ready(b->agent))
			return;
	}
	if (yk_ready_tell(run->cfg->ready, &e) != YK_OK)
		say(run, "%s", e.msg);
}

static int
loop(struct run *run, struct yk_err *err)
{
	const struct yk_simrun_cfg *cfg = run->cfg;
	struct pollfd *pfd = yk_calloc((size_t)run->n, sizeof(*pfd));
	double period = 1000.0 / cfg->rate, next_tick;
	int64_t next_sec, next_agent, now;

	now = yk_mono_ms();
	next_tick = (double)now;
	next_sec = now + 1000;
	next_agent = now + AGENT_MS;
	while (!*cfg->stop && err->rc == YK_OK) {
		double simnow;
		int64_t wake;

		now = yk_mono_ms();
		if ((double)now >= next_tick) {
			bool second = now >= next_sec;

			simnow = sim_now(run);
			for (int i = 0; i < run->n && !err->rc; i++) {
				struct bot *b = &run->bots[i];

				catch_up(b, simnow);
				publish_state(b);
				if (second) {
					publish_diagnostics(b);
					publish_readings(b);
				}
				step(b, err);
			}
			if (second) {
				next_sec += 1000;
				if (next_sec <= now)
					next_sec = now + 1000;
			}
			next_tick += period;
			/* late (a stopped process): one tick, not a burst */
			if (next_tick <= (double)now)
				next_tick = (double)now + period;
		}
		if (now >= next_agent) {
			for (int i = 0; i < run->n && !err->rc; i++)
				yk_agent_step(run->bots[i].agent, 0, err);
			next_agent = now + AGENT_MS;
			if (cfg->ready && !cfg->ready->told && !err->rc)
				tell_ready(run);
		}
		if (err->rc)
			break;
		wake = (int64_t)ceil(next_tick);
		if (next_agent < wake)
			wake = next_agent;
		for (int i = 0; i < run->n; i++)
			yk_mqtt_pollfd(run->bots[i].s, &pfd[i]);
		now = yk_mono_ms();
		if (poll(pfd, (nfds_t)run->n,
			 wake > now ? (int)(wake - now) : 0) <= 0)
			continue;
		for (int i = 0; i < run->n && !err->rc; i++)
			if (pfd[i].revents)
				step(&run->bots[i], err);
	}
	free(pfd);
	return err->rc;
}

int
yk_simrun(const struct yk_simrun_cfg *cfg, struct yk_err *err)
{
	struct run run = {.cfg = cfg, .n = cfg->nrobots};
	sig_atomic_t seen;
	int64_t end;

	yk_sim_world_default(&run.world);
	run.room = (size_t)cfg->c->queue;
	run.room -= run.room / 2 < RESERVE ? run.room / 2 : RESERVE;
	run.bots = yk_calloc((size_t)run.n, sizeof(*run.bots));
	for (int i = 0; i < run.n && !err->rc; i++)
		bot_open(&run, &run.bots[i], i, err);
	run.t0 = yk_mono_ms();
	for (int i = 0; i < run.n; i++)
		run.bots[i].given = 0;
	if (err->rc == YK_OK)
		loop(&run, err);
	/* goodbye even after an error: what can still be said is said */
	seen = *cfg->stop;
	end = yk_mono_ms() + GOODBYE_MS;
	for (int i = 0; i < run.n; i++)
		if (run.bots[i].opened)
			bot_stop(&run.bots[i], seen, end, err);
	if (run.lost1)
		say(&run, "%llu messages dropped: the send queue was full",
		    (unsigned long long)run.lost1);
	if (run.lost0 && cfg->c->verbose)
		say(&run, "%llu state and telemetry messages dropped: the "
			  "broker was away or slow",
		    (unsigned long long)run.lost0);
	for (int i = 0; i < run.n; i++)
		bot_free(&run.bots[i]);
	free(run.bots);
	yk_buf_free(&run.pk);
	return err->rc;
}
