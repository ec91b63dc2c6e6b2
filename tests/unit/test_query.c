/*
 * test_query.c - reply channels (lib/query.h).
 *
 * What must hold: a reply's robot is its topic's, so a reply whose key
 * names another robot is refused, whatever it claims; a reply without a
 * key takes the query's when the query names one key, and is refused
 * (saying why) when it names several; a queryable answers only on a reply
 * channel, in the level of the robot its key names.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "query.h"

static const struct yk_scope sc = {"yoke", "acme", false};

static void
test_asker(void **state)
{
	(void)state;
	assert_string_equal(yk_q_asker("arm-1@acme"), "arm-1@acme");
	assert_string_equal(yk_q_asker("ops"), "ops");
	/* no user, or one that cannot be a topic level */
	assert_string_equal(yk_q_asker(NULL), "_");
	assert_string_equal(yk_q_asker(""), "_");
	assert_string_equal(yk_q_asker("a/b"), "_");
	assert_string_equal(yk_q_asker("a+"), "_");
	assert_string_equal(yk_q_asker("#"), "_");
	assert_string_equal(yk_q_asker("\xff"), "_");
}

static void
test_reply_topic_and_parse(void **state)
{
	struct yk_buf b = {0};
	char robot[64];
	const char *rest;

	(void)state;
	yk_q_reply(&b, &sc, "arm-1", "ops", "yk-0011");
	assert_string_equal(b.p, "yoke/acme/_reply/arm-1/ops/yk-0011");
	rest = yk_q_reply_parse(&sc, b.p, robot, sizeof(robot));
	assert_non_null(rest);
	assert_string_equal(robot, "arm-1");
	assert_string_equal(rest, "ops/yk-0011");
	yk_buf_free(&b);
	yk_q_reply(&b, &sc, "+", NULL, "yk-0011");
	assert_string_equal(b.p, "yoke/acme/_reply/+/_/yk-0011");
	yk_buf_free(&b);
	/* not a reply channel of this scope */
	assert_null(yk_q_reply_parse(&sc, "yoke/acme/_inbox/x", robot,
				     sizeof(robot)));
	assert_null(yk_q_reply_parse(&sc, "yoke/other/_reply/a/b/c", robot,
				     sizeof(robot)));
	assert_null(yk_q_reply_parse(&sc, "yoke/acme/_reply/arm-1", robot,
				     sizeof(robot)));
	assert_null(yk_q_reply_parse(&sc, "yoke/acme/_reply//x", robot,
				     sizeof(robot)));
	/* a robot level longer than the buffer */
	assert_null(yk_q_reply_parse(&sc, "yoke/acme/_reply/abcdefgh/x",
				     robot, 4));
}

static void
answer_ok(const char *resp, const char *key, const char *want)
{
	struct yk_buf b = {0};
	struct yk_err e = {0};

	if (yk_q_answer_topic(&b, &sc, resp, key, &e) != YK_OK)
		fail_msg("%s for %s refused: %s", resp, key, e.msg);
	assert_string_equal(b.p, want);
	yk_buf_free(&b);
}

static void
answer_err(const char *resp, const char *key, const char *msg)
{
	struct yk_buf b = {0};
	struct yk_err e = {0};

	assert_int_equal(yk_q_answer_topic(&b, &sc, resp, key, &e), YK_EUSAGE);
	assert_string_equal(e.msg, msg);
	assert_null(b.p);
}

static void
test_answer_topic(void **state)
{
	(void)state;
	answer_ok("yoke/acme/_reply/arm-1/ops/c1", "arm-1/cfg",
		  "yoke/acme/_reply/arm-1/ops/c1");
	/* a query for any robot: the queryable puts its robot there */
	answer_ok("yoke/acme/_reply/*/ops/c1", "arm-1/cfg",
		  "yoke/acme/_reply/arm-1/ops/c1");
	answer_ok("yoke/acme/_reply/*/ops/c1", "arm-1/**",
		  "yoke/acme/_reply/arm-1/ops/c1");
	/* asked for another robot (a queryable for any robot's keys):
	 * the reply still goes in the name of the robot its key names */
	answer_ok("yoke/acme/_reply/arm-2/ops/c1", "arm-1/cfg",
		  "yoke/acme/_reply/arm-1/ops/c1");
	answer_err("yoke/acme/_reply/*/ops/c1", "*/cfg",
		   "query for '*/cfg' not answered: it names no robot");
	answer_err("yoke/acme/_reply/*/ops/c1", "**",
		   "query for '**' not answered: it names no robot");
	/* a query cannot make a queryable publish anywhere else */
	answer_err("yoke/acme/arm-1/commands", "arm-1/cfg",
		   "query for 'arm-1/cfg' not answered: its response topic "
		   "'yoke/acme/arm-1/commands' is not a reply channel "
		   "(yoke/acme/_reply/ROBOT/...)");
	answer_err("yoke/acme/_reply/arm-1", "arm-1/cfg",
		   "query for 'arm-1/cfg' not answered: its response topic "
		   "'yoke/acme/_reply/arm-1' is not a reply channel "
		   "(yoke/acme/_reply/ROBOT/...)");
	/* what came from the network is shown safe */
	answer_err("x/\x1b]0;PWNED\a", "arm-1/cfg",
		   "query for 'arm-1/cfg' not answered: its response topic "
		   "'x/?]0;PWNED?' is not a reply channel "
		   "(yoke/acme/_reply/ROBOT/...)");
}

static void
key_ok(const char *asked, const char *topic, const char *key,
       const char *want)
{
	struct yk_kexpr ke;
	struct yk_err e = {0};
	char *out = NULL;

	assert_int_equal(yk_kexpr_parse(&ke, &sc, asked, &e), YK_OK);
	if (yk_q_reply_key(&sc, &ke, topic, key, &out, &e) != YK_OK)
		fail_msg("reply on %s (key %s) to %s refused: %s", topic,
			 key ? key : "none", asked, e.msg);
	assert_string_equal(out, want);
	free(out);
	yk_kexpr_free(&ke);
}

static void
key_err(const char *asked, const char *topic, const char *key,
	const char *msg)
{
	struct yk_kexpr ke;
	struct yk_err e = {0};
	char *out = NULL;

	assert_int_equal(yk_kexpr_parse(&ke, &sc, asked, &e), YK_OK);
	assert_int_equal(yk_q_reply_key(&sc, &ke, topic, key, &out, &e),
			 YK_EUSAGE);
	assert_null(out);
	assert_string_equal(e.msg, msg);
	yk_kexpr_free(&ke);
}

#define T1 "yoke/acme/_reply/arm-1/ops/c1"
#define T2 "yoke/acme/_reply/arm-2/ops/c1"

static void
test_reply_key(void **state)
{
	(void)state;
	key_ok("arm-1/cfg", T1, "arm-1/cfg", "arm-1/cfg");
	key_ok("*/cfg", T1, "arm-1/cfg", "arm-1/cfg");
	key_ok("**", T1, "arm-1/**", "arm-1/**");
	/* no key property: the query's, when it names one key */
	key_ok("arm-1/cfg", T1, NULL, "arm-1/cfg");
	key_err("arm-1/*", T1, NULL,
		"reply from 'arm-1' dropped: no key property, and 'arm-1/*' "
		"names more than one key");
	/* forged: a key in another robot's name */
	key_err("*/cfg", T2, "arm-1/cfg",
		"reply from 'arm-2' dropped: its key 'arm-1/cfg' is not "
		"arm-2's");
	key_err("*/cfg", T2, "*/cfg",
		"reply from 'arm-2' dropped: its key '*/cfg' is not arm-2's");
	key_err("*/cfg", T2, NULL,
		"reply from 'arm-2' dropped: no key property, and '*/cfg' "
		"names more than one key");
	/* a key the query did not ask */
	key_err("arm-1/cfg", T1, "arm-1/other",
		"reply from 'arm-1' dropped: its key 'arm-1/other' does not "
		"match 'arm-1/cfg'");
	key_err("arm-1/cfg", T1, "Arm/\x1b[2J",
		"reply from 'arm-1' dropped: invalid key 'Arm/?[2J'");
	/* a reply on the '*' level names no robot */
	key_err("*/cfg", "yoke/acme/_reply/*/ops/c1", "arm-1/cfg",
		"reply on 'yoke/acme/_reply/*/ops/c1' dropped: '*' names no "
		"robot; a robot answers on its own reply channel");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_asker),
		cmocka_unit_test(test_reply_topic_and_parse),
		cmocka_unit_test(test_answer_topic),
		cmocka_unit_test(test_reply_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
