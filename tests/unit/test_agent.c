/*
 * test_agent.c - a robot's own side of the fleet channels
 * (lib/fleet/agent.h), against tests/unit/fakebroker.h.
 *
 * What must hold (agent.h): two sessions, each with a will that speaks
 * for the robot when it dies (status offline "connection lost", and the
 * token cleared); status, token and a first heartbeat at once, ready
 * once confirmed; a status someone else sets is what the agent stands by
 * from then on, and a new fault in it renews the will; after a lost
 * connection the status is said again (the one stood by, not the will);
 * the goodbye says offline "stopped" and clears the token, and closing
 * afterwards is a normal DISCONNECT, so no will is said.  Payloads are
 * checked member by member: their order is the codec's business.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "agent.h"
#include "clock.h"
#include "conf.h"
#include "fakebroker.h"
#include "json.h"

#define ST "yoke/acme/arm-1/status"
#define HB "yoke/acme/arm-1/heartbeat"
#define TOK "yoke/acme/arm-1/alive"

/* The raw JSON of member name in the object p[0..n), or NULL. */
static const char *
member(const void *p, size_t n, const char *name, size_t *vn)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn;

	if (p == NULL || !yk_json_obj_begin(&it, p, n))
		return NULL;
	while (yk_json_obj_next(&it, &k, &kn, &v, vn))
		if (yk_json_key_is(k, kn, name))
			return v;
	return NULL;
}

/* Member name of e's payload is exactly the JSON text want. */
static void
has(const struct fb_event *e, const char *name, const char *want)
{
	size_t vn;
	const char *v = member(e->payload, e->len, name, &vn);

	if (v == NULL)
		fail_msg("no \"%s\" in %s", name, e->payload);
	if (vn != strlen(want) || memcmp(v, want, vn) != 0)
		fail_msg("\"%s\" is %.*s in %s, want %s", name, (int)vn, v,
			 e->payload, want);
}

static void
lacks(const struct fb_event *e, const char *name)
{
	size_t vn;

	if (member(e->payload, e->len, name, &vn) != NULL)
		fail_msg("\"%s\" in %s", name, e->payload);
}

/* How many members e's payload has. */
static int
members(const struct fb_event *e)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	int n = 0;

	assert_true(yk_json_obj_begin(&it, (const char *)e->payload, e->len));
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		n++;
	return n;
}

struct fixture {
	struct fb b;
	struct yk_conf c;
	struct yk_cli cli;
	struct yk_agent *a;
	volatile sig_atomic_t stop;
	char status_client[128], token_client[128];
};

/* Step the agent until an event of kind on topic comes (bounded). */
static void
agent_expect(struct fixture *f, struct fb_event *e, char kind,
	     const char *topic)
{
	int64_t end = yk_mono_ms() + FB_WAIT_MS;
	struct yk_err err = {0};

	for (;;) {
		while (fb_next(&f->b, e, 0)) {
			if (e->kind == kind &&
			    (topic == NULL || strcmp(e->topic, topic) == 0))
				return;
			fb_event_free(e);
		}
		if (yk_mono_ms() > end)
			fail_msg("no '%c' event for %s within %d ms", kind,
				 topic ? topic : "any topic", FB_WAIT_MS);
		assert_int_equal(yk_agent_step(f->a, 20, &err), YK_OK);
	}
}

static int
setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	struct yk_agent_cfg cfg = {.status = "online", .heartbeat_s = 1};
	struct yk_err err = {0};
	struct fb_event e;
	int64_t end;

	fb_start(&f->b);
	fb_conf(&f->c, &f->cli, YK_CONF_ROBOT | YK_CONF_WILL, f->b.url,
		"arm-1");
	cfg.stop = &f->stop;
	assert_int_equal(yk_agent_open(&f->a, &f->c, &cfg, &err), YK_OK);
	/* the status session first, then the token's */
	fb_expect(&f->b, &e, 'C', ST);
	snprintf(f->status_client, sizeof(f->status_client), "%s", e.client);
	fb_event_free(&e);
	fb_expect(&f->b, &e, 'C', TOK);
	snprintf(f->token_client, sizeof(f->token_client), "%s", e.client);
	fb_event_free(&e);
	assert_string_not_equal(f->status_client, f->token_client);
	end = yk_mono_ms() + FB_WAIT_MS;
	while (!yk_agent_ready(f->a)) {
		assert_true(yk_mono_ms() < end);
		assert_int_equal(yk_agent_step(f->a, 20, &err), YK_OK);
	}
	*state = f;
	return 0;
}

static int
teardown(void **state)
{
	struct fixture *f = *state;

	yk_agent_close(f->a);
	yk_conf_free(&f->c);
	yk_cli_free(&f->cli);
	fb_stop(&f->b);
	free(f);
	return 0;
}

/* What the wills say, what goes at once, and ready. */
static void
test_open(void **state)
{
	struct fb f2;
	struct yk_conf c;
	struct yk_cli cli;
	struct yk_agent *a;
	struct yk_agent_cfg cfg = {.status = "idle", .heartbeat_s = 7};
	struct yk_err err = {0};
	struct fb_event e;
	char pid[32];
	size_t vn;
	int seen = 0;

	(void)state;
	fb_start(&f2);
	fb_conf(&c, &cli, YK_CONF_ROBOT | YK_CONF_WILL, f2.url, "arm-1");
	assert_int_equal(yk_agent_open(&a, &c, &cfg, &err), YK_OK);
	/* the status session's will: offline, connection lost, no ts (a
	 * will cannot know when it will be said) */
	fb_expect(&f2, &e, 'C', ST);
	assert_int_equal(e.qos, 1);
	assert_int_equal(e.retain, 1);
	has(&e, "status", "\"offline\"");
	has(&e, "reason", "\"connection lost\"");
	lacks(&e, "ts");
	assert_int_equal(members(&e), 2);
	fb_event_free(&e);
	/* the token session's will clears the token */
	fb_expect(&f2, &e, 'C', TOK);
	assert_int_equal(e.qos, 1);
	assert_int_equal(e.retain, 1);
	assert_int_equal(e.len, 0);
	assert_non_null(e.payload);
	fb_event_free(&e);
	/* then, as the sessions are stepped, the token (retained), the
	 * status and a first heartbeat */
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	assert_false(yk_agent_ready(a));
	for (int64_t end = yk_mono_ms() + FB_WAIT_MS; seen != 7;) {
		assert_true(yk_mono_ms() < end);
		assert_int_equal(yk_agent_step(a, 20, &err), YK_OK);
		while (fb_next(&f2, &e, 0)) {
			if (e.kind == 'P' && strcmp(e.topic, TOK) == 0) {
				assert_int_equal(e.qos, 1);
				assert_int_equal(e.retain, 1);
				has(&e, "alive", "true");
				has(&e, "pid", pid);
				seen |= 1;
			} else if (e.kind == 'P' && strcmp(e.topic, ST) == 0) {
				assert_int_equal(e.qos, 1);
				assert_int_equal(e.retain, 1);
				has(&e, "status", "\"idle\"");
				has(&e, "heartbeat_s", "7");
				assert_non_null(
				    member(e.payload, e.len, "ts", &vn));
				seen |= 2;
			} else if (e.kind == 'P' && strcmp(e.topic, HB) == 0) {
				assert_int_equal(e.qos, 0);
				assert_int_equal(e.retain, 1);
				has(&e, "seq", "1");
				has(&e, "uptime_s", "0");
				has(&e, "token", "true");
				seen |= 4;
			}
			fb_event_free(&e);
		}
	}
	for (int64_t end = yk_mono_ms() + FB_WAIT_MS; !yk_agent_ready(a);) {
		assert_true(yk_mono_ms() < end);
		assert_int_equal(yk_agent_step(a, 20, &err), YK_OK);
	}
	yk_agent_close(a);
	/* a normal DISCONNECT each: no will is said */
	fb_expect(&f2, &e, 'D', NULL);
	assert_int_equal(e.reason, 0);
	fb_event_free(&e);
	fb_expect(&f2, &e, 'D', NULL);
	assert_int_equal(e.reason, 0);
	fb_event_free(&e);
	fb_mark(&f2);
	while (fb_upto_mark(&f2, &e)) {
		assert_int_not_equal(e.kind, 'W');
		fb_event_free(&e);
	}
	yk_conf_free(&c);
	yk_cli_free(&cli);
	fb_stop(&f2);
}

/* Heartbeats every heartbeat_s, counted. */
static void
test_heartbeats(void **state)
{
	struct fixture *f = *state;
	struct fb_event e;

	fb_expect(&f->b, &e, 'P', HB);
	has(&e, "seq", "1");
	fb_event_free(&e);
	agent_expect(f, &e, 'P', HB);
	has(&e, "seq", "2");
	has(&e, "token", "true");
	fb_event_free(&e);
}

/* Someone else's fault status: stood by, and said by a renewed will;
 * then a lost link: the will says it, and the reconnect says it again
 * (not the will's offline). */
static void
test_fault_stood_by(void **state)
{
	static const char fault[] =
		"{\"status\":\"fault\",\"ts\":1795300718.5,"
		"\"fault\":{\"code\":\"MOTOR_OVERHEAT\",\"severity\":"
		"\"critical\"},\"open_faults\":[\"f-1\"]}";
	struct fixture *f = *state;
	struct yk_conf c;
	struct yk_cli cli;
	struct yk_mqtt *s;
	struct yk_msg m = {.topic = ST, .payload = fault,
			   .len = sizeof(fault) - 1, .qos = 1, .retain = true,
			   .prio = -1};
	struct yk_err err = {0};
	struct fb_event e;

	fb_conf(&c, &cli, 0, f->b.url, NULL);
	s = fb_session(&c, 0, NULL, NULL);
	assert_int_equal(yk_mqtt_send_wait(s, &m, &err), YK_OK);
	assert_int_equal(yk_mqtt_drain(s, NULL, &err), YK_OK);
	/* the status session goes (normally) and comes back with a will
	 * that carries the fault */
	agent_expect(f, &e, 'D', NULL);
	assert_string_equal(e.client, f->status_client);
	assert_int_equal(e.reason, 0);
	fb_event_free(&e);
	agent_expect(f, &e, 'C', ST);
	snprintf(f->status_client, sizeof(f->status_client), "%s", e.client);
	has(&e, "status", "\"offline\"");
	has(&e, "reason", "\"connection lost\"");
	has(&e, "fault",
	    "{\"code\":\"MOTOR_OVERHEAT\",\"severity\":\"critical\"}");
	has(&e, "open_faults", "[\"f-1\"]");
	fb_event_free(&e);
	/* and says what it stands by */
	agent_expect(f, &e, 'P', ST);
	assert_string_equal((const char *)e.payload, fault);
	fb_event_free(&e);

	/* the link dies: the broker says the will */
	fb_ctl(&f->b, "K %s", f->status_client);
	agent_expect(f, &e, 'W', ST);
	has(&e, "status", "\"offline\"");
	has(&e, "fault",
	    "{\"code\":\"MOTOR_OVERHEAT\",\"severity\":\"critical\"}");
	fb_event_free(&e);
	/* back: the fault again, not the will's offline */
	agent_expect(f, &e, 'C', ST);
	fb_event_free(&e);
	agent_expect(f, &e, 'P', ST);
	assert_string_equal((const char *)e.payload, fault);
	fb_event_free(&e);
	yk_mqtt_close(s);
	yk_conf_free(&c);
	yk_cli_free(&cli);
}

/* The goodbye: offline "stopped" with a ts, the token cleared, both
 * confirmed; then no will. */
static void
test_stop(void **state)
{
	struct fixture *f = *state;
	struct yk_err err = {0};
	struct fb_event e;
	int64_t t0 = yk_now_us();

	/* what setup saw is not the goodbye */
	fb_mark(&f->b);
	while (fb_upto_mark(&f->b, &e))
		fb_event_free(&e);
	assert_int_equal(yk_agent_stop(f->a, 5000, &err), YK_OK);
	/* two sessions: the two may come in either order */
	for (int seen = 0; seen != 3;) {
		fb_expect(&f->b, &e, 'P', NULL);
		if (strcmp(e.topic, ST) == 0) {
			size_t vn;
			const char *ts = member(e.payload, e.len, "ts", &vn);
			double v;

			assert_int_equal(e.qos, 1);
			assert_int_equal(e.retain, 1);
			has(&e, "status", "\"offline\"");
			has(&e, "reason", "\"stopped\"");
			assert_non_null(ts);
			assert_true(yk_json_num(ts, vn, &v));
			assert_true(v * 1e6 >= (double)t0 - 1e6);
			seen |= 1;
		} else if (strcmp(e.topic, TOK) == 0) {
			assert_int_equal(e.retain, 1);
			assert_int_equal(e.len, 0);
			seen |= 2;
		}
		fb_event_free(&e);
	}
	yk_agent_close(f->a);
	f->a = NULL;
	fb_expect(&f->b, &e, 'D', NULL);
	assert_int_equal(e.reason, 0);
	fb_event_free(&e);
	fb_expect(&f->b, &e, 'D', NULL);
	assert_int_equal(e.reason, 0);
	fb_event_free(&e);
}

/* Nothing listening: the first connection must work, and the message
 * names the broker. */
static void
test_open_fails(void **state)
{
	struct yk_conf c;
	struct yk_cli cli;
	struct yk_agent *a = NULL;
	struct yk_agent_cfg cfg = {.status = "online", .heartbeat_s = 5};
	struct yk_err err = {0};
	char url[64], msg[128];
	int port = fb_closed_port();

	(void)state;
	snprintf(url, sizeof(url), "mqtt://127.0.0.1:%d", port);
	fb_conf(&c, &cli, YK_CONF_ROBOT | YK_CONF_WILL, url, "arm-1");
	assert_int_equal(yk_agent_open(&a, &c, &cfg, &err), YK_ERUNTIME);
	snprintf(msg, sizeof(msg),
		 "cannot connect to '127.0.0.1:%d': Connection refused", port);
	assert_string_equal(err.msg, msg);
	yk_agent_close(a);
	yk_agent_close(NULL);
	yk_conf_free(&c);
	yk_cli_free(&cli);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_open),
	    T(test_heartbeats),
	    T(test_fault_stood_by),
	    T(test_stop),
	    cmocka_unit_test(test_open_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
