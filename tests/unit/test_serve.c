/*
 * test_serve.c - a queryable's reading of queries (lib/serve.h), without
 * a broker.
 *
 * What must hold: a query is answered for the keys both it and the
 * served expression name, on the reply channel of the robot that key
 * names, with the query's correlation data; what is no valid query, or
 * asks keys not served, gets no reply and no word; a query that cannot be
 * answered (its keys name no robot, its response topic is no reply
 * channel) gets no reply, and why, safe for a terminal.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "serve.h"

static const struct yk_scope sc = {"yoke", "acme", false};

#define RESP "yoke/acme/_reply/*/ops/c1"

/* served is asked with payload on resp (correlation data "q1"). */
static bool
ask(const char *served, const char *payload, const char *resp,
    struct yk_serve_req *req, struct yk_err *why)
{
	struct yk_kexpr ex;
	struct yk_err e = {0};
	struct yk_serve sv = {.cfg = {.scope = &sc, .ex = &ex}};
	struct yk_rx rx = {
		.topic = "yoke/acme/_query/*", .payload = payload,
		.len = strlen(payload), .qos = 1, .ts_us = -1,
		.resp_topic = resp, .corr = "q1", .corr_len = 2,
	};
	bool ok;

	assert_int_equal(yk_kexpr_parse(&ex, &sc, served, &e), YK_OK);
	ok = yk_serve_request(&sv, &rx, req, why);
	yk_kexpr_free(&ex);
	return ok;
}

static void
answered(const char *served, const char *asked, const char *resp,
	 const char *topic, const char *key)
{
	struct yk_serve_req req;
	struct yk_err why;
	char payload[256];

	snprintf(payload, sizeof(payload), "{\"key\":\"%s\"}", asked);
	if (!ask(served, payload, resp, &req, &why))
		fail_msg("%s asked for %s: not answered (%s)", served, asked,
			 why.msg);
	assert_string_equal(req.topic, topic);
	assert_string_equal(req.key, key);
	assert_int_equal(req.corr_len, 2);
	assert_memory_equal(req.corr, "q1", 2);
	yk_serve_req_free(&req);
	assert_null(req.topic);
}

/* No reply, and nothing to say. */
static void
ignored(const char *served, const char *payload, const char *resp)
{
	struct yk_serve_req req;
	struct yk_err why;

	assert_false(ask(served, payload, resp, &req, &why));
	assert_int_equal(why.rc, YK_OK);
	assert_null(req.topic);
	assert_null(req.key);
}

/* No reply, for the reason msg. */
static void
refused(const char *served, const char *asked, const char *resp,
	const char *msg)
{
	struct yk_serve_req req;
	struct yk_err why;
	char payload[256];

	snprintf(payload, sizeof(payload), "{\"key\":\"%s\"}", asked);
	assert_false(ask(served, payload, resp, &req, &why));
	assert_int_equal(why.rc, YK_EUSAGE);
	assert_string_equal(why.msg, msg);
	assert_null(req.topic);
}

static void
test_answered(void **state)
{
	(void)state;
	answered("arm-1/config", "arm-1/config", RESP,
		 "yoke/acme/_reply/arm-1/ops/c1", "arm-1/config");
	/* the meet: all of arm-1, asked for any robot's config */
	answered("arm-1/**", "*/config", RESP,
		 "yoke/acme/_reply/arm-1/ops/c1", "arm-1/config");
	answered("*/config", "arm-2/config",
		 "yoke/acme/_reply/arm-2/ops/c1",
		 "yoke/acme/_reply/arm-2/ops/c1", "arm-2/config");
	/* a JSON escape in the key */
	answered("arm-1/config", "arm-1\\/config", RESP,
		 "yoke/acme/_reply/arm-1/ops/c1", "arm-1/config");
}

static void
test_ignored(void **state)
{
	struct yk_serve_req req;
	struct yk_err why;
	struct yk_kexpr ex;
	struct yk_err e = {0};
	struct yk_serve sv = {.cfg = {.scope = &sc, .ex = &ex}};
	static const char q[] = "{\"key\":\"arm-1/config\"}";
	unsigned char big[65] = {0};
	struct yk_rx rx = {
		.topic = "yoke/acme/_query/arm-1", .payload = q,
		.len = sizeof(q) - 1, .resp_topic = RESP,
	};

	(void)state;
	/* keys we do not serve */
	ignored("arm-1/**", "{\"key\":\"arm-2/config\"}", RESP);
	ignored("arm-1/config", "{\"key\":\"arm-1/other\"}", RESP);
	/* no valid query */
	ignored("arm-1/**", "{\"key\":\"arm-1/config\"}", NULL);
	ignored("arm-1/**", "not json", RESP);
	ignored("arm-1/**", "{\"kex\":\"arm-1/config\"}", RESP);
	ignored("arm-1/**", "{\"key\":7}", RESP);
	ignored("arm-1/**", "{\"key\":\"Arm-1/config\"}", RESP);
	ignored("arm-1/**", "", RESP);
	/* correlation data: none, or more than a reply can carry back */
	assert_int_equal(yk_kexpr_parse(&ex, &sc, "arm-1/**", &e), YK_OK);
	assert_false(yk_serve_request(&sv, &rx, &req, &why));
	assert_int_equal(why.rc, YK_OK);
	rx.corr = big;
	rx.corr_len = sizeof(big);
	assert_false(yk_serve_request(&sv, &rx, &req, &why));
	assert_int_equal(why.rc, YK_OK);
	rx.corr_len = sizeof(big) - 1;
	assert_true(yk_serve_request(&sv, &rx, &req, &why));
	assert_int_equal(req.corr_len, 64);
	yk_serve_req_free(&req);
	yk_kexpr_free(&ex);
}

static void
test_refused(void **state)
{
	(void)state;
	refused("*/config", "*/config", RESP,
		"query for '*/config' not answered: it names no robot");
	refused("**", "**", RESP,
		"query for '**' not answered: it names no robot");
	/* a query cannot make a queryable publish anywhere else */
	refused("arm-1/**", "arm-1/config", "yoke/acme/arm-1/commands",
		"query for 'arm-1/config' not answered: its response topic "
		"'yoke/acme/arm-1/commands' is not a reply channel "
		"(yoke/acme/_reply/ROBOT/...)");
	refused("arm-1/**", "arm-1/config", "x/\x1b]0;PWNED\a",
		"query for 'arm-1/config' not answered: its response topic "
		"'x/?]0;PWNED?' is not a reply channel "
		"(yoke/acme/_reply/ROBOT/...)");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answered),
		cmocka_unit_test(test_ignored),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
