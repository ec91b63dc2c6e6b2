/*
 * test_rpc.c - the robot RPC (lib/robot/rpc.h), both halves.
 *
 * What must hold: a request is read only from <scope>/<robot>/rpc/<m>
 * with a response topic, and everything the answer needs is kept; a
 * caller takes only the reply that carries its own correlation data (a
 * late answer to an earlier call is ignored), and one that does not
 * unpack is an error, not a crash; the wait ends at the answer, the
 * timeout (exit 3) or a stop signal.  Then the whole trip, caller to
 * robot and back, through tests/unit/fakebroker.h.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clock.h"
#include "conf.h"
#include "fakebroker.h"
#include "query.h"
#include "rpc.h"

static const struct yk_scope sc = {"yoke", "acme", false};

static void
test_serve_filter(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_rpc_serve_filter(&b, &sc, "arm-1");
	assert_string_equal(b.p, "yoke/acme/arm-1/rpc/+");
	yk_buf_free(&b);
}

static struct yk_rx
request(const char *topic, const char *resp, const void *corr, size_t n)
{
	struct yk_rx rx = {.topic = topic, .payload = "\x0a\x01x", .len = 3,
			   .qos = 1, .resp_topic = resp, .corr = corr,
			   .corr_len = n, .ts_us = -1};

	return rx;
}

static void
test_req_from(void **state)
{
	unsigned char corr[64];
	char longrobot[200], topic[300];
	struct yk_rpc_req r;
	struct yk_rx rx;

	(void)state;
	for (size_t i = 0; i < sizeof(corr); i++)
		corr[i] = (unsigned char)(i * 7);
	rx = request("yoke/acme/arm-1/rpc/invoke",
		     "yoke/acme/_reply/arm-1/ops/yk-1", corr, 16);
	assert_true(yk_rpc_req_from(&r, &sc, &rx));
	assert_string_equal(r.robot, "arm-1");
	assert_string_equal(r.method, "invoke");
	/* kept beyond the message: the answer may come later */
	assert_ptr_not_equal(r.resp_topic, rx.resp_topic);
	assert_string_equal(r.resp_topic, "yoke/acme/_reply/arm-1/ops/yk-1");
	assert_int_equal(r.corr_len, 16);
	assert_memory_equal(r.corr, corr, 16);
	assert_ptr_equal(r.payload, rx.payload);
	assert_int_equal(r.len, 3);
	yk_rpc_req_free(&r);
	assert_null(r.resp_topic);
	yk_rpc_req_free(&r); /* twice is harmless */

	/* the longest correlation data that fits, and none at all */
	rx.corr_len = sizeof(corr);
	assert_true(yk_rpc_req_from(&r, &sc, &rx));
	assert_int_equal(r.corr_len, sizeof(corr));
	yk_rpc_req_free(&r);
	rx.corr = NULL;
	rx.corr_len = 0;
	assert_true(yk_rpc_req_from(&r, &sc, &rx));
	assert_int_equal(r.corr_len, 0);
	yk_rpc_req_free(&r);

	/* what cannot be answered, or is not a request of this scope */
	rx = request("yoke/acme/arm-1/rpc/invoke", NULL, corr, 16);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
	rx = request("yoke/acme/arm-1/rpc/invoke", "r", corr, 65);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
	rx = request("yoke/other/arm-1/rpc/invoke", "r", corr, 16);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
	rx = request("yoke/acme/arm-1/state", "r", corr, 16);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
	rx = request("yoke/acme/arm-1/rpc/", "r", corr, 16);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
	rx = request("yoke/acme/arm-1/rpc/a/b", "r", corr, 16);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
	rx = request("yoke/acme/arm-1/rpc/a-method-name-far-too-long-to-be-one",
		     "r", corr, 16);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
	rx = request("yoke/acme/arm-1", "r", corr, 16);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
	memset(longrobot, 'a', sizeof(longrobot) - 1);
	longrobot[sizeof(longrobot) - 1] = '\0';
	snprintf(topic, sizeof(topic), "yoke/acme/%s/rpc/state", longrobot);
	rx = request(topic, "r", corr, 16);
	assert_false(yk_rpc_req_from(&r, &sc, &rx));
}

/* The packed bytes of an RpcError reply. */
static size_t
error_reply(unsigned char *out, const char *code, const char *msg)
{
	Yoke__RpcReply rep = YOKE__RPC_REPLY__INIT;
	Yoke__RpcError e = YOKE__RPC_ERROR__INIT;

	e.code = (char *)code;
	e.message = (char *)msg;
	rep.reply_case = YOKE__RPC_REPLY__REPLY_ERROR;
	rep.error = &e;
	return protobuf_c_message_pack(&rep.base, out);
}

static void
test_take(void **state)
{
	struct yk_rpc_call c = {0};
	unsigned char wire[64], other[16];
	struct yk_rx rx = {.topic = "yoke/acme/_reply/arm-1/ops/yk-1"};

	(void)state;
	for (int i = 0; i < 16; i++) {
		c.corr[i] = (unsigned char)i;
		other[i] = (unsigned char)(i + 1);
	}
	rx.payload = wire;
	rx.len = error_reply(wire, "UNKNOWN_SKILL", "no skill 'fly'");
	rx.corr = c.corr;
	rx.corr_len = 16;
	/* not sent: nothing is ours */
	assert_false(yk_rpc_take(&c, &rx));
	c.sent = true;
	/* someone else's answer, or a truncated correlation */
	rx.corr = other;
	assert_false(yk_rpc_take(&c, &rx));
	rx.corr = c.corr;
	rx.corr_len = 15;
	assert_false(yk_rpc_take(&c, &rx));
	assert_false(c.done);
	rx.corr_len = 16;
	assert_true(yk_rpc_take(&c, &rx));
	assert_true(c.done);
	assert_false(c.bad);
	assert_int_equal(c.reply->reply_case, YOKE__RPC_REPLY__REPLY_ERROR);
	assert_string_equal(c.reply->error->code, "UNKNOWN_SKILL");
	assert_string_equal(c.reply->error->message, "no skill 'fly'");
	/* answered once: a duplicate is not taken (nor leaked) */
	assert_false(yk_rpc_take(&c, &rx));
	yoke__rpc_reply__free_unpacked(c.reply, NULL);

	/* bytes that are no RpcReply: taken, and bad */
	memset(&c, 0, sizeof(c));
	c.sent = true;
	rx.corr = c.corr;
	rx.payload = "\xff\xff\xff";
	rx.len = 3;
	assert_true(yk_rpc_take(&c, &rx));
	assert_true(c.done);
	assert_true(c.bad);
	assert_null(c.reply);
}

/* A caller's own loop, standing in for the broker: answers c on the
 * n-th step, or fails. */
struct stepper {
	struct yk_rpc_call *c;
	int calls, answer_at;
	struct yk_rx rx;
	volatile sig_atomic_t *stop;
	int fail_rc;
};

static int
step(void *ud, int ms, struct yk_err *err)
{
	struct stepper *st = ud;

	assert_true(ms > 0 && ms <= 1000);
	st->calls++;
	if (st->fail_rc)
		return yk_err_set(err, st->fail_rc, "the loop failed");
	if (st->stop && st->calls == 2)
		*st->stop = 1;
	if (st->calls == st->answer_at)
		assert_true(yk_rpc_take(st->c, &st->rx));
	return YK_OK;
}

static void
test_wait(void **state)
{
	struct yk_rpc_call c = {.sent = true};
	unsigned char wire[64];
	struct stepper st = {.c = &c, .answer_at = 3};
	volatile sig_atomic_t stop = 0;
	struct yk_err err = {0};

	(void)state;
	st.rx.payload = wire;
	st.rx.len = error_reply(wire, "BAD_ARGS", "x");
	st.rx.corr = c.corr;
	st.rx.corr_len = 16;
	/* answered on the third step; no timeout */
	assert_int_equal(yk_rpc_wait(NULL, &c, "arm-1", "invoke", -1, &stop,
				     step, &st, &err),
			 YK_OK);
	assert_int_equal(st.calls, 3);
	assert_true(c.done);
	assert_false(c.interrupted);
	yoke__rpc_reply__free_unpacked(c.reply, NULL);

	/* no time left: exit 3, naming robot, method and the time */
	memset(&c, 0, sizeof(c));
	c.sent = true;
	st.calls = 0;
	assert_int_equal(yk_rpc_wait(NULL, &c, "arm-1", "skills", 0, NULL,
				     step, &st, &err),
			 YK_ETIMEOUT);
	assert_string_equal(err.msg,
			    "no answer from 'arm-1' to skills within 0 s");
	assert_int_equal(st.calls, 0);

	/* a stop signal during the wait */
	memset(&err, 0, sizeof(err));
	st.stop = &stop;
	st.answer_at = 0;
	assert_int_equal(yk_rpc_wait(NULL, &c, "arm-1", "skills", -1, &stop,
				     step, &st, &err),
			 YK_ERUNTIME);
	assert_string_equal(err.msg, "interrupted");
	assert_true(c.interrupted);
	assert_int_equal(st.calls, 2);

	/* the loop's own failure ends the wait with it */
	memset(&c, 0, sizeof(c));
	c.sent = true;
	st = (struct stepper){.c = &c, .fail_rc = YK_EREFUSED};
	assert_int_equal(yk_rpc_wait(NULL, &c, "arm-1", "skills", 5, NULL,
				     step, &st, &err),
			 YK_EREFUSED);
	assert_string_equal(err.msg, "the loop failed");

	/* an answer that does not unpack */
	memset(&c, 0, sizeof(c));
	c.sent = true;
	st = (struct stepper){.c = &c, .answer_at = 1};
	st.rx.payload = "\xff";
	st.rx.len = 1;
	st.rx.corr = c.corr;
	st.rx.corr_len = 16;
	assert_int_equal(yk_rpc_wait(NULL, &c, "arm-1", "state", 5, NULL,
				     step, &st, &err),
			 YK_ERUNTIME);
	assert_string_equal(err.msg, "'arm-1' answered state with something "
				     "that is not a yoke.RpcReply");
}

/* ---- the whole trip ---- */

struct caller {
	struct yk_rpc_call *call;
	int taken, others;
};

static void
caller_rx(void *ud, const struct yk_rx *rx)
{
	struct caller *c = ud;

	if (yk_rpc_take(c->call, rx))
		c->taken++;
	else
		c->others++;
}

struct robot {
	struct yk_rpc_req req[4];
	int n;
	unsigned char body[64];
	size_t body_len;
};

static void
robot_rx(void *ud, const struct yk_rx *rx)
{
	struct robot *r = ud;

	assert_true(r->n < 4);
	if (!yk_rpc_req_from(&r->req[r->n], &sc, rx))
		return;
	/* the payload lives only here */
	r->body_len = r->req[r->n].len;
	memcpy(r->body, r->req[r->n].payload, r->body_len);
	r->n++;
}

/* Step s until *n reaches want (bounded). */
static void
step_until(struct yk_mqtt *s, const int *n, int want)
{
	int64_t end = yk_mono_ms() + FB_WAIT_MS;
	struct yk_err err = {0};

	while (*n < want) {
		if (yk_mono_ms() > end)
			fail_msg("waited %d ms for a message", FB_WAIT_MS);
		assert_int_equal(yk_mqtt_step(s, NULL, 0, 50, &err), YK_OK);
	}
}

static void
test_round_trip(void **state)
{
	struct yk_conf cc, rc;
	struct yk_cli ccli, rcli;
	struct yk_mqtt *cs, *rs;
	struct yk_rpc_call call;
	struct caller caller = {.call = &call};
	struct robot robot = {0};
	struct yk_buf inbox = {0}, filter = {0};
	struct yk_err err = {0};
	struct fb b;
	struct fb_event e;
	Yoke__InvokeRequest q = YOKE__INVOKE_REQUEST__INIT;
	Yoke__InvokeRequest *got;
	Yoke__RpcReply rep = YOKE__RPC_REPLY__INIT;
	Yoke__SkillList list = YOKE__SKILL_LIST__INIT;
	Yoke__SkillDescriptor d = YOKE__SKILL_DESCRIPTOR__INIT, *dp = &d;
	unsigned char corr1[16];
	int sid;

	(void)state;
	fb_start(&b);
	fb_conf(&cc, &ccli, 0, b.url, NULL);
	fb_conf(&rc, &rcli, 0, b.url, NULL);
	cs = fb_session(&cc, 0, caller_rx, &caller);
	rs = fb_session(&rc, 0, robot_rx, &robot);
	yk_q_reply(&inbox, &sc, "arm-1", "ops", yk_mqtt_client_id(cs));
	yk_q_reply(&filter, &sc, "+", "ops", yk_mqtt_client_id(cs));
	assert_true(yk_mqtt_subscribe(cs, filter.p, 1, YK_RH_NEVER, &err) > 0);
	yk_buf_free(&filter);
	yk_rpc_serve_filter(&filter, &sc, "arm-1");
	sid = yk_mqtt_subscribe(rs, filter.p, 1, YK_RH_SEND, &err);
	assert_true(sid > 0);
	fb_expect(&b, &e, 'S', filter.p);
	fb_event_free(&e);
	while (!yk_mqtt_subscribed(cs) || !yk_mqtt_subscribed(rs)) {
		assert_int_equal(yk_mqtt_step(cs, NULL, 0, 20, &err), YK_OK);
		assert_int_equal(yk_mqtt_step(rs, NULL, 0, 20, &err), YK_OK);
	}

	/* the request: topic, QoS 1, response topic, correlation data */
	q.skill = "wave";
	q.args_json = "{\"times\":2}";
	assert_int_equal(yk_rpc_send(cs, &call, &sc, "arm-1", YK_RPC_INVOKE,
				     &q.base, inbox.p, &err),
			 YK_OK);
	assert_true(call.sent);
	assert_false(call.done);
	fb_expect(&b, &e, 'P', "yoke/acme/arm-1/rpc/invoke");
	assert_int_equal(e.qos, 1);
	assert_int_equal(e.retain, 0);
	got = yoke__invoke_request__unpack(NULL, e.len, e.payload);
	assert_non_null(got);
	assert_string_equal(got->skill, "wave");
	yoke__invoke_request__free_unpacked(got, NULL);
	fb_event_free(&e);
	step_until(rs, &robot.n, 1);
	assert_string_equal(robot.req[0].robot, "arm-1");
	assert_string_equal(robot.req[0].method, "invoke");
	assert_string_equal(robot.req[0].resp_topic, inbox.p);
	assert_int_equal(robot.req[0].corr_len, 16);
	assert_memory_equal(robot.req[0].corr, call.corr, 16);
	got = yoke__invoke_request__unpack(NULL, robot.body_len, robot.body);
	assert_non_null(got);
	assert_string_equal(got->args_json, "{\"times\":2}");
	yoke__invoke_request__free_unpacked(got, NULL);

	/* the caller gives up, and asks again: a new correlation */
	memcpy(corr1, call.corr, 16);
	assert_int_equal(yk_rpc_wait(cs, &call, "arm-1", "invoke", 0, NULL,
				     NULL, NULL, &err),
			 YK_ETIMEOUT);
	assert_int_equal(yk_rpc_send(cs, &call, &sc, "arm-1", YK_RPC_SKILLS,
				     &q.base, inbox.p, &err),
			 YK_OK);
	assert_memory_not_equal(call.corr, corr1, 16);
	step_until(rs, &robot.n, 2);
	assert_string_equal(robot.req[1].method, "skills");

	/* the late answer to the first call is not taken */
	assert_int_equal(yk_rpc_answer_error(rs, &robot.req[0], "BUSY",
					     "too late", &err),
			 YK_OK);
	fb_expect(&b, &e, 'P', inbox.p);
	assert_int_equal(e.qos, 1);
	fb_event_free(&e);
	step_until(cs, &caller.others, 1);
	assert_false(call.done);
	assert_int_equal(caller.taken, 0);

	/* the answer to the second is, by the default loop */
	d.name = "wave";
	d.description = "wave an arm";
	list.n_skills = 1;
	list.skills = &dp;
	rep.reply_case = YOKE__RPC_REPLY__REPLY_SKILLS;
	rep.skills = &list;
	assert_int_equal(yk_rpc_answer(rs, &robot.req[1], &rep, &err), YK_OK);
	assert_int_equal(yk_rpc_wait(cs, &call, "arm-1", "skills", 10, NULL,
				     NULL, NULL, &err),
			 YK_OK);
	assert_int_equal(caller.taken, 1);
	assert_int_equal(call.reply->reply_case,
			 YOKE__RPC_REPLY__REPLY_SKILLS);
	assert_int_equal(call.reply->skills->n_skills, 1);
	assert_string_equal(call.reply->skills->skills[0]->name, "wave");
	yoke__rpc_reply__free_unpacked(call.reply, NULL);

	for (int i = 0; i < robot.n; i++)
		yk_rpc_req_free(&robot.req[i]);
	yk_buf_free(&inbox);
	yk_buf_free(&filter);
	yk_mqtt_close(cs);
	yk_mqtt_close(rs);
	yk_conf_free(&cc);
	yk_conf_free(&rc);
	yk_cli_free(&ccli);
	yk_cli_free(&rcli);
	fb_stop(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_serve_filter),
	    cmocka_unit_test(test_req_from),
	    cmocka_unit_test(test_take),
	    cmocka_unit_test(test_wait),
	    cmocka_unit_test(test_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
