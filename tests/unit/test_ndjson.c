/*
 * test_ndjson.c - one JSON line to one message (lib/ndjson.h), the input
 * of `yoke-pub --ndjson`.
 *
 * What users rely on: `yoke-sub ... | yoke-pub --ndjson` replays what was
 * captured (so yoke-sub's lines must read back into the same key and
 * payload), and a bad line is refused with a message saying what is wrong
 * with it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ndjson.h"
#include "out.h"
#include "pbreg.h"

#define S(lit) (lit), sizeof(lit) - 1

static void
msg_is(const char *line, const char *key, const char *payload, size_t n)
{
	struct yk_buf k = {0}, p = {0};
	struct yk_err err = {0};
	int prio = -1;

	if (yk_ndjson_msg(line, strlen(line), &k, &p, &prio, &err) != YK_OK)
		fail_msg("line refused: %s: %s", line, err.msg);
	assert_non_null(k.p);
	assert_string_equal(k.p, key);
	assert_int_equal(p.len, n);
	if (n > 0)
		assert_memory_equal(p.p, payload, n);
	yk_buf_free(&k);
	yk_buf_free(&p);
}

static void
refused(const char *line, const char *msg)
{
	struct yk_buf k = {0}, p = {0};
	struct yk_err err = {0};
	int prio = -1;

	assert_int_equal(yk_ndjson_msg(line, strlen(line), &k, &p, &prio, &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, msg);
	yk_buf_free(&k);
	yk_buf_free(&p);
}

static void
test_lone_surrogates(void **state)
{
	(void)state;
	/* a pair is a character; half of one would be published as U+FFFD */
	msg_is("{\"key\":\"a/b\",\"payload\":\"\\ud83d\\ude00\"}", "a/b",
	       S("\xf0\x9f\x98\x80"));
	refused("{\"key\":\"a/b\",\"payload\":\"x\\ud800\"}",
		"\"payload\": a lone surrogate escape is not a character");
	refused("{\"key\":\"a/b\",\"payload\":\"\\udc00x\"}",
		"\"payload\": a lone surrogate escape is not a character");
	refused("{\"key\":\"a/\\ud800\",\"payload\":1}",
		"\"key\": a lone surrogate escape is not a character");
	/* the empty string is a payload, and a key the caller checks */
	msg_is("{\"key\":\"a/b\",\"payload\":\"\"}", "a/b", "", 0);
	msg_is("{\"key\":\"\",\"payload\":1}", "", S("1"));
}

static void
test_blank(void **state)
{
	(void)state;
	assert_true(yk_ndjson_blank(S("")));
	assert_true(yk_ndjson_blank(S(" ")));
	assert_true(yk_ndjson_blank(S(" \t \r")));
	assert_false(yk_ndjson_blank(S(" {} ")));
	assert_false(yk_ndjson_blank(S("\v")));
}

static void
test_payload_kinds(void **state)
{
	(void)state;
	/* JSON: its compact text, digits as written */
	msg_is("{\"key\":\"arm/cmd\",\"payload\":{ \"v\" : [1, 2.50] }}",
	       "arm/cmd", S("{\"v\":[1,2.50]}"));
	msg_is("{\"key\":\"arm/x\",\"payload\":12345678901234567890}", "arm/x",
	       S("12345678901234567890"));
	msg_is("{\"key\":\"arm/x\",\"payload\":true}", "arm/x", S("true"));
	msg_is("{\"key\":\"arm/x\",\"payload\":null}", "arm/x", S("null"));
	/* a string: its text */
	msg_is("{\"key\":\"arm/log\",\"payload\":\"hello\\nw\\u00f6rld\"}",
	       "arm/log", S("hello\nw\xc3\xb6rld"));
	msg_is("{\"key\":\"arm/log\",\"payload\":\"a\\u0000b\"}", "arm/log",
	       S("a\0b"));
	msg_is("{\"key\":\"arm/log\",\"payload\":\"\"}", "arm/log", S(""));
	/* base64: the bytes */
	msg_is("{\"key\":\"arm/blob\",\"payload_b64\":\"AP8=\"}", "arm/blob",
	       S("\x00\xff"));
	msg_is("{\"key\":\"arm/blob\",\"payload_b64\":\"\"}", "arm/blob",
	       S(""));
}

static void
test_yoke_sub_lines(void **state)
{
	(void)state;
	/* everything yoke-sub adds is ignored */
	msg_is("{\"key\":\"arm-042/telemetry\",\"ts\":1795300718.861248,"
	       "\"qos\":0,\"retain\":false,\"robot\":\"arm-042\","
	       "\"payload\":{\"value\":21.5}}",
	       "arm-042/telemetry", S("{\"value\":21.5}"));
	msg_is("{\"key\":\"a/b\",\"source\":\"reply\",\"error\":\"x\","
	       "\"payload\":\"ok\"}",
	       "a/b", S("ok"));
	/* order does not matter; white space around is fine */
	msg_is("  {\"payload\": 1, \"key\": \"a/b\"}\r", "a/b", S("1"));
	/* the key is unescaped */
	msg_is("{\"key\":\"arm\\/caf\\u00e9\",\"payload\":1}",
	       "arm/caf\xc3\xa9", S("1"));
}

static void
test_errors(void **state)
{
	(void)state;
	refused("not json", "not valid JSON");
	refused("{\"key\":\"a\",", "not valid JSON");
	refused("", "not valid JSON");
	refused("[1,2]", "expected a JSON object");
	refused("\"a/b\"", "expected a JSON object");
	refused("{\"payload\":1}", "missing \"key\"");
	refused("{}", "missing \"key\"");
	refused("{\"key\":\"a/b\"}", "missing \"payload\" or \"payload_b64\"");
	refused("{\"key\":\"a/b\",\"ts\":1}",
		"missing \"payload\" or \"payload_b64\"");
	refused("{\"key\":42,\"payload\":1}", "\"key\" must be a string");
	refused("{\"key\":null,\"payload\":1}", "\"key\" must be a string");
	refused("{\"key\":\"a/b\",\"payload_b64\":\"!!!!\"}",
		"\"payload_b64\" must be a base64 string");
	refused("{\"key\":\"a/b\",\"payload_b64\":\"AP8\"}",
		"\"payload_b64\" must be a base64 string");
	refused("{\"key\":\"a/b\",\"payload_b64\":12}",
		"\"payload_b64\" must be a base64 string");
}

static void
test_buffers_replaced(void **state)
{
	struct yk_buf k = {0}, p = {0};
	struct yk_err err = {0};
	int prio = -1;

	(void)state;
	/* yoke-pub reuses its buffers line after line */
	assert_int_equal(yk_ndjson_msg(S("{\"key\":\"a/long/key\","
					 "\"payload\":\"first payload\"}"),
				       &k, &p, &prio, &err),
			 YK_OK);
	assert_int_equal(yk_ndjson_msg(S("{\"key\":\"b/k\","
					 "\"payload\":\"2nd\"}"),
				       &k, &p, &prio, &err),
			 YK_OK);
	assert_string_equal(k.p, "b/k");
	assert_int_equal(p.len, 3);
	assert_memory_equal(p.p, "2nd", 3);
	yk_buf_free(&k);
	yk_buf_free(&p);
}

static void
round_trip(const char *key, const void *payload, size_t n)
{
	struct yk_outmsg m = {.key = key, .ts_us = 1795300718861248LL,
			      .qos = 1, .payload = payload, .len = n};
	struct yk_buf line = {0}, k = {0}, p = {0};
	struct yk_err err = {0};
	int prio = -1;

	yk_out_message(&line, YK_FMT_JSON, &m);
	if (yk_ndjson_msg(line.p, line.len, &k, &p, &prio, &err) != YK_OK)
		fail_msg("yoke-sub's line refused: %s: %s", line.p, err.msg);
	assert_string_equal(k.p, key);
	assert_int_equal(p.len, n);
	if (n > 0)
		assert_memory_equal(p.p, payload, n);
	yk_buf_free(&line);
	yk_buf_free(&k);
	yk_buf_free(&p);
}

static void
test_round_trip_with_out(void **state)
{
	unsigned char bin[256];

	(void)state;
	for (int i = 0; i < 256; i++)
		bin[i] = (unsigned char)i;
	/* the payloads that replay byte for byte */
	round_trip("arm-042/telemetry", S("{\"value\":21.50,\"unit\":\"C\"}"));
	round_trip("arm-042/log", S("plain text, \"quoted\"\n\ttabbed"));
	round_trip("arm-042/log", S("caf\xc3\xa9 \xf0\x9f\x98\x80"));
	round_trip("arm-042/log", S(""));
	round_trip("arm-042/x", S("42"));
	round_trip("arm-042/blob", bin, sizeof(bin));
	round_trip("arm-042/blob", S("caf\xc3"));
	round_trip("arm/say \"hi\"", S("x"));
}

static void
test_priority(void **state)
{
	struct yk_buf k = {0}, p = {0};
	struct yk_err err = {0};
	int prio = 100;

	(void)state;
	/* absent: left as it was (the command line's) */
	assert_int_equal(yk_ndjson_msg(S("{\"key\":\"a/b\",\"payload\":1}"),
				       &k, &p, &prio, &err), YK_OK);
	assert_int_equal(prio, 100);
	assert_int_equal(yk_ndjson_msg(S("{\"key\":\"a/b\",\"payload\":1,"
					 "\"priority\":\"real-time\"}"),
				       &k, &p, &prio, &err), YK_OK);
	assert_int_equal(prio, 240);
	assert_int_equal(yk_ndjson_msg(S("{\"key\":\"a/b\",\"payload\":1,"
					 "\"priority\":7}"),
				       &k, &p, &prio, &err), YK_OK);
	assert_int_equal(prio, 7);
	assert_int_equal(yk_ndjson_msg(S("{\"key\":\"a/b\",\"payload\":1,"
					 "\"priority\":300}"),
				       &k, &p, &prio, &err), YK_EUSAGE);
	assert_string_equal(err.msg,
			    "\"priority\" must be 0-255 or a class name");
	/* an empty string, or one that empties: no NULL reaches a parser */
	prio = 100;
	refused("{\"key\":\"a/b\",\"payload\":1,\"priority\":\"\"}",
		"\"priority\" must be 0-255 or a class name");
	refused("{\"key\":\"a/b\",\"payload\":1,\"priority\":\" \"}",
		"\"priority\" must be 0-255 or a class name");
	refused("{\"key\":\"a/b\",\"payload\":1,\"priority\":\"\\u0000\"}",
		"\"priority\" must be 0-255 or a class name");
	refused("{\"key\":\"a/b\",\"payload\":1,\"priority\":\"7x\"}",
		"\"priority\" must be 0-255 or a class name");
	refused("{\"key\":\"a/b\",\"payload\":1,\"priority\":7.5}",
		"\"priority\" must be 0-255 or a class name");
	refused("{\"key\":\"a/b\",\"payload\":1,\"priority\":null}",
		"\"priority\" must be 0-255 or a class name");
	assert_int_equal(prio, 100);
	yk_buf_free(&k);
	yk_buf_free(&p);
}

/* A replayed line's ts, qos and retain (yoke-pub --ndjson --pace). */
static void
meta_is(const char *line, int qos, int retain, int64_t ts_us, bool object)
{
	struct yk_buf k = {0}, p = {0};
	struct yk_err err = {0};
	struct yk_ndjson_meta m;
	int prio = -1;

	if (yk_ndjson_replay(line, strlen(line), &k, &p, &prio, &m, &err) !=
	    YK_OK)
		fail_msg("line refused: %s: %s", line, err.msg);
	assert_int_equal(m.qos, qos);
	assert_int_equal(m.retain, retain);
	assert_int_equal(m.ts_us, ts_us);
	assert_int_equal(m.object, object);
	yk_buf_free(&k);
	yk_buf_free(&p);
}

static void
test_replay_meta(void **state)
{
	(void)state;
	meta_is("{\"key\":\"a/b\",\"payload\":1}", -1, -1, -1, false);
	/* yoke-sub's own line: every microsecond kept (a double would
	 * give ...861247 or ...861249 for some of them) */
	meta_is("{\"key\":\"a/b\",\"ts\":1795300718.861248,\"qos\":1,"
		"\"retain\":true,\"payload\":{\"a\":1}}",
		1, 1, INT64_C(1795300718861248), true);
	meta_is("{\"key\":\"a/b\",\"ts\":1795300718.000001,\"qos\":0,"
		"\"retain\":false,\"payload\":\"{}\"}",
		0, 0, INT64_C(1795300718000001), false);
	meta_is("{\"key\":\"a/b\",\"ts\":2,\"payload_b64\":\"e30=\"}",
		-1, -1, 2000000, false);
	meta_is("{\"key\":\"a/b\",\"ts\":1.5e3,\"payload\":[1]}",
		-1, -1, 1500000000, false);
	meta_is("{\"key\":\"a/b\",\"ts\":null,\"payload\":{}}",
		-1, -1, -1, true);
	/* the bare reader leaves them alone, whatever they hold */
	msg_is("{\"key\":\"a/b\",\"qos\":7,\"payload\":1}", "a/b", "1", 1);
}

static void
replay_refused(const char *line, const char *msg)
{
	struct yk_buf k = {0}, p = {0};
	struct yk_err err = {0};
	struct yk_ndjson_meta m;
	int prio = -1;

	assert_int_equal(yk_ndjson_replay(line, strlen(line), &k, &p, &prio,
					  &m, &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, msg);
	yk_buf_free(&k);
	yk_buf_free(&p);
}

static void
test_replay_refused(void **state)
{
	(void)state;
	replay_refused("{\"key\":\"a/b\",\"payload\":1,\"qos\":2}",
		       "\"qos\" must be 0 or 1");
	replay_refused("{\"key\":\"a/b\",\"payload\":1,\"qos\":\"1\"}",
		       "\"qos\" must be 0 or 1");
	replay_refused("{\"key\":\"a/b\",\"payload\":1,\"retain\":0}",
		       "\"retain\" must be true or false");
	replay_refused("{\"key\":\"a/b\",\"payload\":1,\"ts\":-1}",
		       "\"ts\" must be seconds since the epoch");
	replay_refused("{\"key\":\"a/b\",\"payload\":1,\"ts\":1e300}",
		       "\"ts\" must be seconds since the epoch");
	replay_refused("{\"key\":\"a/b\",\"payload\":1,"
		       "\"ts\":\"1795300718\"}",
		       "\"ts\" must be seconds since the epoch");
}

/* --ndjson --encode: objects become protobuf, by type or by channel */
static void
encoded(const char *line, const ProtobufCMessageDescriptor *pb,
	const char *want, size_t wn)
{
	struct yk_buf k = {0}, p = {0}, tmp = {0};
	struct yk_err err = {0};
	struct yk_ndjson_meta m;
	int prio = -1;

	assert_int_equal(yk_ndjson_replay(line, strlen(line), &k, &p, &prio,
					  &m, &err),
			 YK_OK);
	if (yk_ndjson_encode(&p, k.p, &m, pb, &tmp, &err) != YK_OK)
		fail_msg("not encoded: %s: %s", line, err.msg);
	assert_int_equal(p.len, wn);
	assert_memory_equal(p.p, want, wn);
	yk_buf_free(&k);
	yk_buf_free(&p);
	yk_buf_free(&tmp);
}

static void
test_encode(void **state)
{
	const ProtobufCMessageDescriptor *cc;
	struct yk_buf k = {0}, p = {0}, tmp = {0};
	struct yk_err err = {0};
	struct yk_ndjson_meta m;
	int prio = -1;
	const char *bad = "{\"key\":\"r1/commands\","
			  "\"payload\":{\"sequence\":true}}";

	(void)state;
	assert_int_equal(yk_pbreg_find(&cc, "asimov.CloudCommand", &err),
			 YK_OK);
	/* auto: the channel's type (CloudCommand on commands) */
	encoded("{\"key\":\"r1/commands\",\"payload\":{\"sequence\":2}}",
		NULL, "\x10\x02", 2);
	/* auto: a channel without a type, a string, payload_b64: as they
	 * are */
	encoded("{\"key\":\"r1/x\",\"payload\":{\"sequence\":2}}", NULL,
		"{\"sequence\":2}", 14);
	encoded("{\"key\":\"r1/commands\",\"payload\":\"text\"}", NULL,
		"text", 4);
	encoded("{\"key\":\"r1/commands\",\"payload_b64\":\"EAI=\"}", NULL,
		"\x10\x02", 2);
	/* a type given: whatever the channel */
	encoded("{\"key\":\"r1/x\",\"payload\":{\"sequence\":2}}", cc,
		"\x10\x02", 2);
	/* an empty message is no bytes */
	encoded("{\"key\":\"r1/commands\",\"payload\":{}}", NULL, "", 0);
	assert_int_equal(yk_ndjson_replay(bad, strlen(bad), &k, &p, &prio, &m,
					  &err),
			 YK_OK);
	assert_int_equal(yk_ndjson_encode(&p, k.p, &m, NULL, &tmp, &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, "asimov.CloudCommand: sequence: expected "
				     "an integer, got a boolean");
	yk_buf_free(&k);
	yk_buf_free(&p);
	yk_buf_free(&tmp);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_priority),
		cmocka_unit_test(test_lone_surrogates),
		cmocka_unit_test(test_blank),
		cmocka_unit_test(test_payload_kinds),
		cmocka_unit_test(test_yoke_sub_lines),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_buffers_replaced),
		cmocka_unit_test(test_round_trip_with_out),
		cmocka_unit_test(test_replay_meta),
		cmocka_unit_test(test_replay_refused),
		cmocka_unit_test(test_encode),
	};

	return cmocka_run_group_tests_name("ndjson", tests, NULL, NULL);
}
