/*
 * test_simrun.c - yoke-sim's loop (lib/sim/simrun.h): two robots in a
 * child process, against tests/unit/fakebroker.h, the test on the other
 * end of the wire as an operator would be.
 *
 * What must hold (simrun.h): ready (lib/ready.h) only once every robot
 * is on the wire: three sessions each, the agent's two with their wills,
 * roster entry, status and token confirmed, commands and RPC subscribed;
 * state goes at the rate with a sequence; every RPC request is answered
 * exactly once (skills at once, an unknown method with an error, an
 * invoke when its action ends or, at shutdown, failed CANCELLED); a
 * command that is no CloudCommand is refused on the system channel; a
 * stop signal ends the run cleanly: status offline "stopped", tokens
 * cleared, normal DISCONNECTs (no will), exit status 0.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "asimov.pb-c.h"
#include "clock.h"
#include "conf.h"
#include "fakebroker.h"
#include "json.h"
#include "query.h"
#include "ready.h"
#include "rpc.h"
#include "sig.h"
#include "sim.h"
#include "simrun.h"

static const struct yk_scope sc = {"yoke", "acme", false};
static const char *const robots[] = {"sim-1", "sim-2"};

struct sim {
	struct fb b;
	pid_t pid;
};

static void
say(void *ud, int level, const char *msg)
{
	(void)ud;
	(void)level;
	fprintf(stderr, "yoke-sim: %s\n", msg);
}

/* The child: run until SIGTERM, exit with the run's result. */
static void __attribute__((noreturn))
run_sim(const char *url, int ready_fd)
{
	struct yk_conf c;
	struct yk_cli cli;
	struct yk_ready r = {.fd = ready_fd};
	struct yk_simrun_cfg cfg = {
		.c = &c, .robots = robots, .nrobots = 2, .rate = 20,
		.speed = 1, .seed = 7, .heartbeat_s = 1,
		.stop = &yk_sig_stop, .ready = &r, .log = say};
	struct yk_err err = {0};

	yk_sig_init();
	fb_conf(&c, &cli, YK_CONF_ROBOT | YK_CONF_WILL, url, NULL);
	if (yk_simrun(&cfg, &err) != YK_OK)
		fprintf(stderr, "yoke-sim: %s\n", err.msg);
	_exit(err.rc);
}

/* The sim on a broker of its own; returns once it said ready. */
static void
sim_start(struct sim *x)
{
	struct pollfd p;
	char line[16] = "";
	int ready[2];

	fb_start(&x->b);
	assert_int_equal(pipe(ready), 0);
	fflush(NULL);
	x->pid = fork();
	assert_true(x->pid >= 0);
	if (x->pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ready[0]);
		close(x->b.ev);
		close(x->b.ctl);
		run_sim(x->b.url, ready[1]);
	}
	close(ready[1]);
	p = (struct pollfd){ready[0], POLLIN, 0};
	assert_int_equal(poll(&p, 1, FB_WAIT_MS), 1);
	assert_int_equal(read(ready[0], line, sizeof(line) - 1), 6);
	assert_string_equal(line, "ready\n");
	close(ready[0]);
}

/* SIGTERM, then its exit status. */
static int
sim_stop(struct sim *x)
{
	int st;

	assert_int_equal(kill(x->pid, SIGTERM), 0);
	assert_int_equal(waitpid(x->pid, &st, 0), x->pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static bool
member_is(const struct fb_event *e, const char *name, const char *want)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (e->payload == NULL ||
	    !yk_json_obj_begin(&it, (const char *)e->payload, e->len))
		return false;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, name))
			return vn == strlen(want) && memcmp(v, want, vn) == 0;
	return false;
}

/* topic of robot's channel */
static const char *
chan(char *buf, size_t n, const char *robot, const char *ch)
{
	snprintf(buf, n, "yoke/acme/%s/%s", robot, ch);
	return buf;
}

/* Everything on the wire by the time it said ready. */
static void
test_comes_up(void **state)
{
	struct sim x;
	struct fb_event e;
	int wills[2] = {0}, plain = 0, seen[2] = {0};
	char t[128];
	uint32_t seq = 0;

	(void)state;
	sim_start(&x);
	/* what ready promises was confirmed: all told before a mark */
	fb_mark(&x.b);
	while (fb_upto_mark(&x.b, &e)) {
		for (int r = 0; r < 2; r++) {
			if (e.kind == 'C' &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "status")) == 0 &&
			    member_is(&e, "status", "\"offline\"") &&
			    member_is(&e, "reason", "\"connection lost\""))
				wills[r] |= 1;
			if (e.kind == 'C' &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "alive")) == 0 &&
			    e.len == 0)
				wills[r] |= 2;
			if (e.kind == 'S' &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "commands")) == 0)
				seen[r] |= 1;
			if (e.kind == 'S' &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "rpc/+")) == 0)
				seen[r] |= 2;
			if (e.kind == 'P' && e.retain && e.qos == 1 &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "meta")) == 0) {
				char name[32];

				snprintf(name, sizeof(name), "\"%s\"",
					 robots[r]);
				assert_true(member_is(&e, "name", name));
				assert_true(
				    member_is(&e, "model", "\"yoke-sim\""));
				seen[r] |= 4;
			}
			if (e.kind == 'P' && e.retain && e.qos == 1 &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "status")) == 0 &&
			    member_is(&e, "status", "\"online\"") &&
			    member_is(&e, "heartbeat_s", "1"))
				seen[r] |= 8;
			if (e.kind == 'P' && e.retain &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "alive")) == 0 &&
			    member_is(&e, "alive", "true"))
				seen[r] |= 16;
		}
		if (e.kind == 'C' && strcmp(e.topic, "-") == 0)
			plain++;
		fb_event_free(&e);
	}
	for (int r = 0; r < 2; r++) {
		assert_int_equal(wills[r], 3);
		assert_int_equal(seen[r], 31);
	}
	assert_int_equal(plain, 2); /* each robot's data session */

	/* state, counted */
	for (int i = 0; i < 2; i++) {
		Asimov__EdgeTelemetry *st;

		fb_expect(&x.b, &e, 'P', "yoke/acme/sim-1/state");
		assert_int_equal(e.qos, 0);
		assert_int_equal(e.retain, 0);
		st = asimov__edge_telemetry__unpack(NULL, e.len, e.payload);
		assert_non_null(st);
		assert_int_equal(st->n_joint_pos, YK_SIM_JOINTS);
		assert_int_equal(st->n_imu_quat, 4);
		assert_true(st->sequence > seq);
		seq = st->sequence;
		asimov__edge_telemetry__free_unpacked(st, NULL);
		fb_event_free(&e);
	}
	assert_int_equal(sim_stop(&x), 0);
	fb_stop(&x.b);
}

struct caller {
	struct yk_rpc_call call, later; /* later: an invoke left running */
	int taken;
};

static void
caller_rx(void *ud, const struct yk_rx *rx)
{
	struct caller *c = ud;

	if (yk_rpc_take(&c->call, rx) || yk_rpc_take(&c->later, rx))
		c->taken++;
}

struct op {
	struct yk_conf c;
	struct yk_cli cli;
	struct yk_mqtt *s;
	struct caller caller;
	struct yk_buf inbox;
};

/* An operator's session, with its reply channel subscribed. */
static void
op_open(struct op *o, const char *url)
{
	struct yk_buf f = {0};
	struct yk_err err = {0};

	memset(o, 0, sizeof(*o));
	fb_conf(&o->c, &o->cli, 0, url, NULL);
	o->s = fb_session(&o->c, 0, caller_rx, &o->caller);
	yk_q_reply(&o->inbox, &sc, "sim-1", "ops", yk_mqtt_client_id(o->s));
	yk_q_reply(&f, &sc, "+", "ops", yk_mqtt_client_id(o->s));
	assert_true(yk_mqtt_subscribe(o->s, f.p, 1, YK_RH_NEVER, &err) > 0);
	while (!yk_mqtt_subscribed(o->s))
		assert_int_equal(yk_mqtt_step(o->s, NULL, 0, 50, &err), YK_OK);
	yk_buf_free(&f);
}

static void
op_close(struct op *o)
{
	yk_mqtt_close(o->s);
	yk_buf_free(&o->inbox);
	yk_conf_free(&o->c);
	yk_cli_free(&o->cli);
}

/* Ask sim-1 method with req; the reply (free it). */
static Yoke__RpcReply *
ask(struct op *o, const char *method, const ProtobufCMessage *req)
{
	struct yk_err err = {0};

	assert_int_equal(yk_rpc_send(o->s, &o->caller.call, &sc, "sim-1",
				     method, req, o->inbox.p, &err),
			 YK_OK);
	if (yk_rpc_wait(o->s, &o->caller.call, "sim-1", method, 10, NULL,
			NULL, NULL, &err) != YK_OK)
		fail_msg("%s", err.msg);
	return o->caller.call.reply;
}

static void
test_rpc(void **state)
{
	struct sim x;
	struct op o;
	Yoke__SkillsRequest sk = YOKE__SKILLS_REQUEST__INIT;
	Yoke__InvokeRequest inv = YOKE__INVOKE_REQUEST__INIT;
	Yoke__StateRequest stq = YOKE__STATE_REQUEST__INIT;
	Yoke__RpcReply *rep;
	struct yk_err err = {0};

	(void)state;
	sim_start(&x);
	op_open(&o, x.b.url);

	rep = ask(&o, YK_RPC_SKILLS, &sk.base);
	assert_int_equal(rep->reply_case, YOKE__RPC_REPLY__REPLY_SKILLS);
	assert_int_equal(rep->skills->n_skills, (size_t)yk_sim_nskills);
	for (int i = 0; i < yk_sim_nskills; i++)
		assert_string_equal(rep->skills->skills[i]->name,
				    yk_sim_skills[i].name);
	yoke__rpc_reply__free_unpacked(rep, NULL);

	rep = ask(&o, "nope", &sk.base);
	assert_int_equal(rep->reply_case, YOKE__RPC_REPLY__REPLY_ERROR);
	assert_string_equal(rep->error->code, "UNKNOWN_METHOD");
	assert_string_equal(rep->error->message,
			    "no method 'nope' (methods: skills, invoke, "
			    "cancel, state, vision)");
	yoke__rpc_reply__free_unpacked(rep, NULL);

	/* an action that outlasts the run is answered at shutdown; a state
	 * request behind it, answered, says the robot has taken it (one
	 * session, requests in order) */
	inv.skill = "set_velocity";
	inv.args_json = "{\"wz\":0.5,\"duration_s\":86400}";
	assert_int_equal(yk_rpc_send(o.s, &o.caller.later, &sc, "sim-1",
				     YK_RPC_INVOKE, &inv.base, o.inbox.p,
				     &err),
			 YK_OK);
	rep = ask(&o, YK_RPC_STATE, &stq.base);
	assert_int_equal(rep->reply_case, YOKE__RPC_REPLY__REPLY_STATE);
	yoke__rpc_reply__free_unpacked(rep, NULL);
	assert_false(o.caller.later.done);
	assert_int_equal(sim_stop(&x), 0);
	assert_int_equal(yk_rpc_wait(o.s, &o.caller.later, "sim-1", "invoke",
				     10, NULL, NULL, NULL, &err),
			 YK_OK);
	rep = o.caller.later.reply;
	assert_int_equal(rep->reply_case, YOKE__RPC_REPLY__REPLY_ACTION);
	assert_string_equal(rep->action->status, "failed");
	assert_string_equal(rep->action->error->code, "CANCELLED");
	assert_string_equal(rep->action->error->message,
			    "yoke-sim is stopping");
	assert_string_equal(rep->action->meta->skill, "set_velocity");
	assert_int_equal(o.caller.taken, 4);
	yoke__rpc_reply__free_unpacked(rep, NULL);
	op_close(&o);
	fb_stop(&x.b);
}

static void
test_bad_command(void **state)
{
	struct sim x;
	struct op o;
	struct yk_msg m = {.topic = "yoke/acme/sim-2/commands",
			   .payload = "\xff\xff\xff", .len = 3, .qos = 1,
			   .prio = -1};
	struct yk_err err = {0};
	struct fb_event e;
	Asimov__EdgeEvent *ev = NULL;

	(void)state;
	sim_start(&x);
	op_open(&o, x.b.url);
	assert_int_equal(yk_mqtt_send_wait(o.s, &m, &err), YK_OK);
	assert_int_equal(yk_mqtt_drain(o.s, NULL, &err), YK_OK);
	/* diagnostics go there too, once a second: the error is the one */
	while (ev == NULL ||
	       ev->event_case != ASIMOV__EDGE_EVENT__EVENT_ERROR) {
		if (ev)
			asimov__edge_event__free_unpacked(ev, NULL);
		fb_expect(&x.b, &e, 'P', "yoke/acme/sim-2/system");
		assert_int_equal(e.qos, 1);
		ev = asimov__edge_event__unpack(NULL, e.len, e.payload);
		assert_non_null(ev);
		fb_event_free(&e);
	}
	assert_string_equal(ev->error->code, "COMMAND_REJECTED");
	assert_string_equal(ev->error->message,
			    "the command is not an asimov.CloudCommand");
	assert_int_equal(ev->error->subsystem,
			 ASIMOV__SUBSYSTEM__SUBSYSTEM_CLOUD);
	asimov__edge_event__free_unpacked(ev, NULL);
	op_close(&o);
	assert_int_equal(sim_stop(&x), 0);
	fb_stop(&x.b);
}

/* SIGTERM: every robot says goodbye, confirmed, and closes normally. */
static void
test_goodbye(void **state)
{
	struct sim x;
	struct fb_event e;
	int offline = 0, cleared = 0, normal = 0;
	char t[128];

	(void)state;
	sim_start(&x);
	fb_mark(&x.b);
	while (fb_upto_mark(&x.b, &e))
		fb_event_free(&e);
	assert_int_equal(sim_stop(&x), 0);
	/* its last words, up to the six DISCONNECTs */
	while (normal < 6 && fb_next(&x.b, &e, FB_WAIT_MS)) {
		for (int r = 0; r < 2; r++) {
			if (e.kind == 'P' &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "status")) == 0) {
				assert_true(e.retain);
				assert_true(
				    member_is(&e, "status", "\"offline\""));
				assert_true(
				    member_is(&e, "reason", "\"stopped\""));
				offline++;
			}
			if (e.kind == 'P' &&
			    strcmp(e.topic, chan(t, sizeof(t), robots[r],
						 "alive")) == 0) {
				assert_true(e.retain);
				assert_int_equal(e.len, 0);
				cleared++;
			}
		}
		if (e.kind == 'D' && e.reason == 0)
			normal++;
		assert_int_not_equal(e.kind, 'W');
		fb_event_free(&e);
	}
	assert_int_equal(offline, 2);
	assert_int_equal(cleared, 2);
	assert_int_equal(normal, 6);
	fb_stop(&x.b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_comes_up),
	    cmocka_unit_test(test_rpc),
	    cmocka_unit_test(test_bad_command),
	    cmocka_unit_test(test_goodbye),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
