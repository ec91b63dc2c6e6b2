/*
 * test_ask.c - the asking side of a query (lib/ask.h), without a broker:
 * the messages a session would hand it, and the verdict at the end.
 *
 * What must hold: a retained value that matches is an answer, live
 * traffic is not; a reply counts only on our reply channel, with this
 * query's correlation data, through the reply subscription, under a key
 * its robot may answer for, and -v says why one was dropped; --count
 * stops the printing; --expect ends the wait once all answered and names
 * those that did not, in each --format.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>

#include "ask.h"

static const struct yk_scope sc = {"yoke", "acme", false};

struct fix {
	struct yk_kexpr ex;
	struct yk_out out;
	struct yk_ask a;
	char said[512]; /* the last -v line */
	int nsaid;
};

static void
logged(void *ud, int level, const char *msg)
{
	struct fix *f = ud;

	assert_int_equal(level, 1);
	snprintf(f->said, sizeof(f->said), "%s", msg);
	f->nsaid++;
}

static void
fix_init(struct fix *f, const char *asked, const char *user)
{
	struct yk_err e = {0};

	memset(f, 0, sizeof(*f));
	assert_int_equal(yk_kexpr_parse(&f->ex, &sc, asked, &e), YK_OK);
	yk_out_init(&f->out, -1);
	f->a.cfg = (struct yk_ask_cfg){
		.scope = &sc, .ex = &f->ex, .wait = 5, .fmt = YK_FMT_JSON,
		.out = &f->out, .log = logged, .log_ud = f, .verbose = 1,
	};
	yk_ask_start(&f->a, user, "c1");
}

static void
fix_free(struct fix *f)
{
	yk_ask_free(&f->a);
	yk_out_free(&f->out);
	yk_kexpr_free(&f->ex);
}

/* What was printed since the last call ("" for nothing). */
static const char *
printed(struct fix *f)
{
	static char s[1024];

	snprintf(s, sizeof(s), "%.*s", (int)f->out.b.len,
		 f->out.b.p ? f->out.b.p : "");
	f->out.b.len = 0;
	return s;
}

static void
retained(struct fix *f, const char *topic, const char *payload)
{
	struct yk_rx rx = {
		.topic = topic, .payload = payload, .len = strlen(payload),
		.qos = 1, .retain = true, .ts_us = -1,
	};

	yk_ask_on_message(&f->a, &rx);
}

static void
test_start(void **state)
{
	struct fix f;

	(void)state;
	fix_init(&f, "arm-1/cfg", "ops");
	/* a query for one robot: its replies come from it alone */
	assert_string_equal(f.a.resp.p, "yoke/acme/_reply/arm-1/ops/c1");
	assert_string_equal(f.a.rfilter.p, "yoke/acme/_reply/arm-1/ops/c1");
	assert_string_equal(f.a.tail.p, "ops/c1");
	assert_string_equal(f.a.qtopic.p, "yoke/acme/_query/arm-1");
	assert_string_equal(f.a.payload.p, "{\"key\":\"arm-1/cfg\"}");
	for (size_t i = 0; i < sizeof(f.a.corr); i++)
		assert_non_null(strchr("0123456789abcdef", f.a.corr[i]));
	fix_free(&f);
	/* any robot's, and no user name: the asker level is "_" */
	fix_init(&f, "*/cfg", NULL);
	assert_string_equal(f.a.resp.p, "yoke/acme/_reply/*/_/c1");
	assert_string_equal(f.a.rfilter.p, "yoke/acme/_reply/+/_/c1");
	assert_string_equal(f.a.tail.p, "_/c1");
	assert_string_equal(f.a.qtopic.p, "yoke/acme/_query/*");
	assert_string_equal(f.a.payload.p, "{\"key\":\"*/cfg\"}");
	fix_free(&f);
}

static void
test_retained(void **state)
{
	struct fix f;
	struct yk_rx live = {
		.topic = "yoke/acme/arm-1/cfg", .payload = "1", .len = 1,
		.ts_us = -1,
	};

	(void)state;
	fix_init(&f, "*/cfg", "ops");
	retained(&f, "yoke/acme/arm-1/cfg", "{\"a\":1}");
	assert_string_equal(printed(&f),
			    "{\"key\":\"arm-1/cfg\",\"source\":\"retained\","
			    "\"qos\":1,\"retain\":true,\"payload\":{\"a\":1}}"
			    "\n");
	/* live traffic on the asked key is no answer */
	yk_ask_on_message(&f.a, &live);
	/* nor a key it does not ask, nor one of another org */
	retained(&f, "yoke/acme/arm-1/other", "x");
	retained(&f, "yoke/other/arm-1/cfg", "x");
	assert_string_equal(printed(&f), "");
	assert_int_equal(f.a.answers, 1);
	assert_int_equal(f.nsaid, 0);
	fix_free(&f);
}

#define R1 "yoke/acme/_reply/arm-1/ops/c1"
#define R2 "yoke/acme/_reply/arm-2/ops/c1"

/* A reply on topic with the ask's correlation data (or corr), its user
 * properties "key" and "error" when not NULL, through subscription sub. */
static void
reply(struct fix *f, const char *topic, const char *corr, const char *key,
      const char *error, int sub)
{
	mosquitto_property *props = NULL;
	struct yk_rx rx = {
		.topic = topic, .payload = "v", .len = 1, .qos = 1,
		.ts_us = -1, .corr = corr ? corr : f->a.corr,
		.corr_len = corr ? strlen(corr) : sizeof(f->a.corr),
		.sub_ids = {sub}, .nsub_ids = 1,
	};

	if (key)
		mosquitto_property_add_string_pair(
			&props, MQTT_PROP_USER_PROPERTY, "key", key);
	if (error)
		mosquitto_property_add_string_pair(
			&props, MQTT_PROP_USER_PROPERTY, "error", error);
	rx.props = props;
	yk_ask_on_message(&f->a, &rx);
	mosquitto_property_free_all(&props);
}

static void
test_reply(void **state)
{
	struct fix f;

	(void)state;
	fix_init(&f, "arm-1/cfg", "ops");
	/* no key property: the query's, which names one key */
	reply(&f, R1, NULL, NULL, NULL, 1);
	assert_string_equal(printed(&f),
			    "{\"key\":\"arm-1/cfg\",\"source\":\"reply\","
			    "\"qos\":1,\"retain\":false,\"payload\":\"v\"}\n");
	reply(&f, R1, NULL, "arm-1/cfg", "disk on fire", 1);
	assert_string_equal(printed(&f),
			    "{\"key\":\"arm-1/cfg\",\"source\":\"reply\","
			    "\"qos\":1,\"retain\":false,\"error\":\"disk on "
			    "fire\",\"payload\":\"v\"}\n");
	assert_int_equal(f.nsaid, 0);
	/* another query's reply, on our channel */
	reply(&f, R1, "0123456789abcdef0123456789abcdef", NULL, NULL, 1);
	assert_string_equal(printed(&f), "");
	assert_int_equal(f.nsaid, 1);
	assert_string_equal(f.said, "a reply dropped: its correlation data "
				    "is not this query's");
	/* a key this robot may not answer for */
	reply(&f, R1, NULL, "arm-1/other", NULL, 1);
	assert_string_equal(printed(&f), "");
	assert_string_equal(f.said, "reply from 'arm-1' dropped: its key "
				    "'arm-1/other' does not match "
				    "'arm-1/cfg'");
	assert_int_equal(f.a.answers, 2);
	/* without -v, nothing is said */
	f.a.cfg.verbose = 0;
	reply(&f, R1, "x", NULL, NULL, 1);
	assert_int_equal(f.nsaid, 2);
	fix_free(&f);
}

static void
test_reply_forged(void **state)
{
	struct fix f;

	(void)state;
	fix_init(&f, "**", "ops");
	/* '**' also covers the reply channel: each reply is taken once,
	 * through the reply subscription (1), not as a value (2) */
	reply(&f, R2, NULL, "arm-2/cfg", NULL, 2);
	assert_string_equal(printed(&f), "");
	reply(&f, R2, NULL, "arm-2/cfg", NULL, 1);
	assert_string_equal(printed(&f),
			    "{\"key\":\"arm-2/cfg\",\"source\":\"reply\","
			    "\"qos\":1,\"retain\":false,\"payload\":\"v\"}\n");
	/* arm-2 answering in arm-1's name */
	reply(&f, R2, NULL, "arm-1/cfg", NULL, 1);
	assert_string_equal(printed(&f), "");
	assert_string_equal(f.said, "reply from 'arm-2' dropped: its key "
				    "'arm-1/cfg' is not arm-2's");
	/* a reply to another client of ours is no answer of this one,
	 * and not retained: no value either */
	reply(&f, "yoke/acme/_reply/arm-2/ops/c2", NULL, "arm-2/cfg", NULL,
	      1);
	assert_string_equal(printed(&f), "");
	assert_int_equal(f.a.answers, 1);
	fix_free(&f);
}

static void
test_count(void **state)
{
	struct fix f;

	(void)state;
	fix_init(&f, "*/cfg", "ops");
	f.a.cfg.count = 2;
	f.a.cfg.fmt = YK_FMT_TEXT;
	retained(&f, "yoke/acme/arm-1/cfg", "1");
	assert_false(yk_ask_done(&f.a));
	retained(&f, "yoke/acme/arm-2/cfg", "2");
	assert_true(yk_ask_done(&f.a));
	retained(&f, "yoke/acme/arm-3/cfg", "3");
	assert_string_equal(printed(&f), "arm-1/cfg 1\narm-2/cfg 2\n");
	assert_int_equal(f.a.answers, 2);
	fix_free(&f);
}

static void
test_expect(void **state)
{
	struct fix f;
	struct yk_err e = {0};

	(void)state;
	fix_init(&f, "*/cfg", "ops");
	assert_int_equal(yk_ask_expect(&f.a, "arm-1,arm-2,,arm-1", &e), YK_OK);
	assert_int_equal(f.a.expected.n, 2);
	retained(&f, "yoke/acme/arm-1/cfg", "1");
	retained(&f, "yoke/acme/arm-3/cfg", "3");
	assert_false(yk_ask_done(&f.a));
	reply(&f, R2, NULL, "arm-2/cfg", NULL, 1);
	assert_true(yk_ask_done(&f.a));
	assert_int_equal(yk_ask_finish(&f.a, &e), YK_OK);
	fix_free(&f);

	fix_init(&f, "*/cfg", "ops");
	assert_int_equal(yk_ask_expect(&f.a, ",", &e), YK_EUSAGE);
	assert_string_equal(e.msg, "--expect needs robot ids");
	assert_int_equal(yk_ask_expect(&f.a, "arm-1,Arm-2", &e), YK_EUSAGE);
	assert_non_null(
		strstr(e.msg, "invalid robot id in --expect 'Arm-2': "));
	fix_free(&f);
}

/* The verdict on any robot's cfg, expecting expect, when arm-1 alone
 * answered. */
static void
verdict(int fmt, const char *expect, const char *out, const char *msg)
{
	struct fix f;
	struct yk_err e = {0};

	fix_init(&f, "*/cfg", "ops");
	f.a.cfg.fmt = fmt;
	assert_int_equal(yk_ask_expect(&f.a, expect, &e), YK_OK);
	retained(&f, "yoke/acme/arm-1/cfg", "1");
	printed(&f);
	assert_int_equal(yk_ask_finish(&f.a, &e), YK_ETIMEOUT);
	assert_string_equal(e.msg, msg);
	assert_string_equal(printed(&f), out);
	fix_free(&f);
}

static void
test_finish(void **state)
{
	struct fix f;
	struct yk_err e = {0};
	volatile sig_atomic_t stop = 0;

	(void)state;
	verdict(YK_FMT_JSON, "arm-1,arm-2", "{\"missing\":[\"arm-2\"]}\n",
		"no answer from arm-2");
	verdict(YK_FMT_TEXT, "arm-1,arm-2", "missing arm-2\n",
		"no answer from arm-2");
	/* raw output has no place for the report: the message says it */
	verdict(YK_FMT_RAW, "arm-1,arm-2", "", "no answer from arm-2");
	fix_init(&f, "*/cfg", "ops");
	f.a.cfg.stop = &stop;
	assert_int_equal(yk_ask_finish(&f.a, &e), YK_ETIMEOUT);
	assert_string_equal(e.msg, "no answer for '*/cfg' within 5 s");
	stop = 1;
	assert_int_equal(yk_ask_finish(&f.a, &e), YK_ETIMEOUT);
	assert_string_equal(e.msg, "no answer for '*/cfg' (interrupted)");
	retained(&f, "yoke/acme/arm-1/cfg", "1");
	e = (struct yk_err){0};
	assert_int_equal(yk_ask_finish(&f.a, &e), YK_OK);
	assert_int_equal(e.rc, YK_OK);
	fix_free(&f);
}

/* Two missing: the report and the message name both, in one order. */
static void
test_finish_many(void **state)
{
	struct fix f;
	struct yk_err e = {0};
	const char *out;

	(void)state;
	fix_init(&f, "*/cfg", "ops");
	assert_int_equal(yk_ask_expect(&f.a, "arm-1,arm-2,arm-3", &e), YK_OK);
	retained(&f, "yoke/acme/arm-2/cfg", "1");
	printed(&f);
	assert_int_equal(yk_ask_finish(&f.a, &e), YK_ETIMEOUT);
	out = printed(&f);
	if (strcmp(e.msg, "no answer from arm-1, arm-3") == 0)
		assert_string_equal(out,
				    "{\"missing\":[\"arm-1\",\"arm-3\"]}\n");
	else if (strcmp(e.msg, "no answer from arm-3, arm-1") == 0)
		assert_string_equal(out,
				    "{\"missing\":[\"arm-3\",\"arm-1\"]}\n");
	else
		fail_msg("unexpected message: %s", e.msg);
	fix_free(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_retained),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reply_forged),
		cmocka_unit_test(test_count),
		cmocka_unit_test(test_expect),
		cmocka_unit_test(test_finish),
		cmocka_unit_test(test_finish_many),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
