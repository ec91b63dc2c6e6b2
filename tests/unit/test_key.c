/*
 * test_key.c - keys, scopes and key expressions (lib/key.h).
 *
 * What users rely on: ids and keys are refused with a message that names
 * them, every key maps to <root>/<org>/<key> and back, each expression
 * becomes the MQTT filter the broker needs (which expression a received
 * message belongs to is test_subs.c).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "key.h"

static const struct yk_scope scoped = {"yoke", "default", false};
static const struct yk_scope custom = {"fleet/prod", "acme", false};
static const struct yk_scope raw = {"yoke", "default", true};

#define ID_HINT "use lowercase letters, digits, '.', '_' and '-', " \
		"starting with a letter or digit"

/* Parse or fail the test. */
static void
parse_ok(struct yk_kexpr *ke, const struct yk_scope *sc, const char *text)
{
	struct yk_err err = {0};

	if (yk_kexpr_parse(ke, sc, text, &err) != YK_OK)
		fail_msg("'%s' refused: %s", text, err.msg);
}

static void
parse_err(const struct yk_scope *sc, const char *text, const char *msg)
{
	struct yk_kexpr ke;
	struct yk_err err = {0};
	int rc;

	rc = yk_kexpr_parse(&ke, sc, text, &err);
	if (rc == YK_OK) {
		yk_kexpr_free(&ke);
		fail_msg("'%s' accepted", text);
	}
	assert_int_equal(rc, YK_EUSAGE);
	assert_string_equal(err.msg, msg);
}

static bool
matches(const char *expr, const char *key)
{
	struct yk_kexpr ke;
	bool ok;

	parse_ok(&ke, &scoped, expr);
	ok = yk_kexpr_match(&ke, key, NULL);
	yk_kexpr_free(&ke);
	return ok;
}

static bool
intersects(const char *a, const char *b)
{
	struct yk_kexpr x, y;
	bool ab, ba;

	parse_ok(&x, &scoped, a);
	parse_ok(&y, &scoped, b);
	ab = yk_kexpr_intersects(&x, &y);
	ba = yk_kexpr_intersects(&y, &x);
	yk_kexpr_free(&x);
	yk_kexpr_free(&y);
	/* intersection is symmetric whatever the argument order */
	if (ab != ba)
		fail_msg("'%s' and '%s': %d one way, %d the other", a, b, ab,
			 ba);
	return ab;
}

static void
test_id_valid(void **state)
{
	static const char *const ok[] = {
		"arm-042", "a", "0", "robot.one", "r_2", "a-", "x..y", NULL,
	};
	struct yk_err err = {0};

	(void)state;
	for (int i = 0; ok[i]; i++)
		if (yk_id_check("robot id", ok[i], &err) != YK_OK)
			fail_msg("'%s' refused: %s", ok[i], err.msg);
}

static void
test_id_invalid(void **state)
{
	static const char *const bad[] = {
		"Arm", "-a", ".a", "_a", "a+b", "a#b", "a/b", "a b",
		"caf\xc3\xa9", "a*", "ARM-042", NULL,
	};
	char want[256];

	(void)state;
	for (int i = 0; bad[i]; i++) {
		struct yk_err err = {0};

		assert_int_equal(yk_id_check("robot id", bad[i], &err),
				 YK_EUSAGE);
		snprintf(want, sizeof(want), "invalid robot id '%s': " ID_HINT,
			 bad[i]);
		assert_string_equal(err.msg, want);
	}
}

static void
test_id_names_what(void **state)
{
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_id_check("org", "", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "org must not be empty");
	assert_int_equal(yk_id_check("org", "Acme", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "invalid org 'Acme': " ID_HINT);
}

static void
test_root_check(void **state)
{
	static const char *const ok[] = {"yoke", "fleet/prod", "a/b/c",
					 "x$", NULL};
	static const char *const bad[] = {"", "a//b", "a/", "/a", "$SYS",
					  "a/+", "a/#", "a/*", "{a}", NULL};
	struct yk_err err = {0};
	char want[128];

	(void)state;
	for (int i = 0; ok[i]; i++)
		if (yk_root_check(ok[i], &err) != YK_OK)
			fail_msg("root '%s' refused: %s", ok[i], err.msg);
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(yk_root_check(bad[i], &err), YK_EUSAGE);
		snprintf(want, sizeof(want), "invalid topic root '%s'", bad[i]);
		assert_string_equal(err.msg, want);
	}
}

static void
test_key_check_valid(void **state)
{
	static const char *const ok[] = {
		"arm-042/sensors/imu", "arm", "arm/msg/ch_1", "arm/caf\xc3\xa9",
		"arm/video/front/info", "arm/$x", "arm/a b", NULL,
	};
	struct yk_err err = {0};

	(void)state;
	for (int i = 0; ok[i]; i++)
		if (yk_key_check(&scoped, ok[i], &err) != YK_OK)
			fail_msg("key '%s' refused: %s", ok[i], err.msg);
}

static void
test_key_check_errors(void **state)
{
	static const struct {
		const char *key, *msg;
	} t[] = {
		{"", "key must not be empty"},
		{"arm//x", "invalid key 'arm//x': empty segment"},
		{"arm/", "invalid key 'arm/': empty segment"},
		{"/arm", "invalid key '/arm': empty segment"},
		{"arm/+", "invalid key 'arm/+': keys may not hold '*', '+', "
			  "'#', '{' or '}'"},
		{"arm/#", "invalid key 'arm/#': keys may not hold '*', '+', "
			  "'#', '{' or '}'"},
		{"arm/*", "invalid key 'arm/*': keys may not hold '*', '+', "
			  "'#', '{' or '}'"},
		{"arm/{x}", "invalid key 'arm/{x}': keys may not hold '*', "
			    "'+', '#', '{' or '}'"},
		{"Arm/x", "invalid key 'Arm/x': invalid robot id 'Arm': "
			  ID_HINT},
		{"_inbox/x", "invalid key '_inbox/x': invalid robot id "
			     "'_inbox': " ID_HINT},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct yk_err err = {0};

		assert_int_equal(yk_key_check(&scoped, t[i].key, &err),
				 YK_EUSAGE);
		assert_string_equal(err.msg, t[i].msg);
	}
}

static void
test_key_check_invalid_utf8(void **state)
{
	struct yk_err err = {0};

	(void)state;
	/* a topic must be UTF-8 (MQTT 1.5.4): the broker would drop us */
	assert_int_equal(yk_key_check(&scoped, "arm/\xff", &err), YK_EUSAGE);
	assert_int_equal(yk_key_check(&raw, "a/\xc3", &err), YK_EUSAGE);
}

static void
test_key_check_long_robot_id(void **state)
{
	char key[400];
	struct yk_err err = {0};
	struct yk_kexpr ke;

	(void)state;
	/* the whole first segment is a robot id, however long */
	memset(key, 'a', 300);
	memcpy(key + 300, "A/status", 9);
	assert_int_equal(yk_key_check(&scoped, key, &err), YK_EUSAGE);
	/* as the key expression parser already says */
	assert_int_equal(yk_kexpr_parse(&ke, &scoped, key, &err), YK_EUSAGE);
	memcpy(key + 300, "a/status", 9);
	assert_int_equal(yk_key_check(&scoped, key, &err), YK_OK);
}

static void
test_key_check_raw(void **state)
{
	struct yk_err err = {0};

	(void)state;
	/* --raw: any MQTT topic name, but still no wildcards */
	assert_int_equal(yk_key_check(&raw, "Factory/Line 1/temp", &err),
			 YK_OK);
	assert_int_equal(yk_key_check(&raw, "$share/x", &err), YK_OK);
	assert_int_equal(yk_key_check(&raw, "a/+/b", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "invalid key 'a/+/b': keys may not hold "
				     "'*', '+', '#', '{' or '}'");
}

static void
test_key_topic(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_key_topic(&b, &scoped, "arm-042/status");
	assert_string_equal(b.p, "yoke/default/arm-042/status");
	b.len = 0;
	yk_key_topic(&b, &custom, "arm/x");
	assert_string_equal(b.p, "fleet/prod/acme/arm/x");
	b.len = 0;
	yk_key_topic(&b, &raw, "Factory/temp");
	assert_string_equal(b.p, "Factory/temp");
	yk_buf_free(&b);
}

static void
test_key_unscope(void **state)
{
	static const char topic[] = "yoke/default/arm-042/status";

	(void)state;
	assert_string_equal(yk_key_unscope(&scoped, topic), "arm-042/status");
	/* a pointer into the topic, not a copy */
	assert_ptr_equal(yk_key_unscope(&scoped, topic), topic + 13);
	assert_string_equal(yk_key_unscope(&custom, "fleet/prod/acme/a/b"),
			    "a/b");
	assert_null(yk_key_unscope(&scoped, "yoke/other/arm/status"));
	assert_null(yk_key_unscope(&scoped, "yokes/default/arm/status"));
	assert_null(yk_key_unscope(&scoped, "yoke/defaults/arm/status"));
	assert_null(yk_key_unscope(&scoped, "yoke/default"));
	assert_null(yk_key_unscope(&scoped, "other/default/arm"));
	/* yoke's own channels are not user keys */
	assert_null(yk_key_unscope(&scoped, "yoke/default/_inbox/c1"));
	assert_null(yk_key_unscope(&scoped, "yoke/default/_query/arm"));
	assert_string_equal(yk_key_unscope(&raw, "_any/topic"), "_any/topic");
}

static void
test_key_robot(void **state)
{
	char id[64], small[4];

	(void)state;
	yk_key_robot("arm-042/sensors/imu", id, sizeof(id));
	assert_string_equal(id, "arm-042");
	yk_key_robot("arm-042", id, sizeof(id));
	assert_string_equal(id, "arm-042");
	yk_key_robot("arm-042/x", small, sizeof(small));
	assert_string_equal(small, "arm");
}

static void
test_kexpr_filters(void **state)
{
	static const struct {
		const struct yk_scope *sc;
		const char *text, *filter;
		int ncap;
		bool client, concrete;
	} t[] = {
		{&scoped, "arm-042/sensors/imu",
		 "yoke/default/arm-042/sensors/imu", 0, false, true},
		{&scoped, "*/status", "yoke/default/+/status", 0, false, false},
		{&scoped, "arm/**", "yoke/default/arm/#", 0, false, false},
		{&scoped, "**", "yoke/default/#", 0, false, false},
		{&scoped, "{robot}/telemetry", "yoke/default/+/telemetry", 1,
		 false, false},
		{&scoped, "{robot}/video/{track}", "yoke/default/+/video/+", 2,
		 false, false},
		{&scoped, "arm/**/imu", "yoke/default/arm/#", 0, true, false},
		{&scoped, "**/imu", "yoke/default/#", 0, true, false},
		/* adjacent double stars are one */
		{&scoped, "arm/**/**", "yoke/default/arm/#", 0, false, false},
		{&custom, "*/faults", "fleet/prod/acme/+/faults", 0, false,
		 false},
		{&raw, "Factory/+/temp", "Factory/+/temp", 0, false, false},
		{&raw, "Factory/#", "Factory/#", 0, false, false},
		{&raw, "Factory/*/temp", "Factory/+/temp", 0, false, false},
		/* a '*' inside a segment: the broker sends the level */
		{&scoped, "bot-*", "yoke/default/+", 0, true, false},
		{&scoped, "bot-*/status", "yoke/default/+/status", 0, true,
		 false},
		{&scoped, "*-1/**", "yoke/default/+/#", 0, true, false},
		{&scoped, "arm-1/cam*/info", "yoke/default/arm-1/+/info", 0,
		 true, false},
		{&raw, "Fac*/temp", "+/temp", 0, true, false},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct yk_kexpr ke;

		parse_ok(&ke, t[i].sc, t[i].text);
		assert_string_equal(ke.text, t[i].text);
		assert_string_equal(ke.filter, t[i].filter);
		assert_int_equal(ke.ncap, t[i].ncap);
		if (ke.client_match != t[i].client)
			fail_msg("'%s': client_match %d", t[i].text,
				 ke.client_match);
		if (yk_kexpr_concrete(&ke) != t[i].concrete)
			fail_msg("'%s': concrete %d", t[i].text,
				 !t[i].concrete);
		yk_kexpr_free(&ke);
	}
}

static void
test_kexpr_errors(void **state)
{
	(void)state;
	parse_err(&scoped, "", "key expression must not be empty");
	parse_err(&scoped, "a//b", "invalid key expression 'a//b': empty "
				   "segment");
	parse_err(&scoped, "a/", "invalid key expression 'a/': empty segment");
	parse_err(&scoped, "a/+", "invalid key expression 'a/+': '**' stands "
				  "alone as a segment, '+', '#', '{', '}' "
				  "are not allowed in names");
	parse_err(&scoped, "a/#", "invalid key expression 'a/#': '**' stands "
				  "alone as a segment, '+', '#', '{', '}' "
				  "are not allowed in names");
	parse_err(&scoped, "a/***", "invalid key expression 'a/***': '**' "
				    "stands alone as a segment, '+', '#', "
				    "'{', '}' are not allowed in names");
	parse_err(&scoped, "a/b*+", "invalid key expression 'a/b*+': '**' "
				    "stands alone as a segment, '+', '#', "
				    "'{', '}' are not allowed in names");
	parse_err(&scoped, "Arm/x", "invalid key expression 'Arm/x': invalid "
				    "robot id 'Arm': " ID_HINT);
	parse_err(&scoped, "{robot}/{robot}",
		  "invalid key expression '{robot}/{robot}': capture 'robot' "
		  "appears twice");
	parse_err(&scoped, "{Robot}/x",
		  "invalid key expression '{Robot}/x': capture name 'Robot' "
		  "must match [a-z_][a-z0-9_]*");
	parse_err(&scoped, "{}/x", "invalid key expression '{}/x': capture "
				   "name '' must match [a-z_][a-z0-9_]*");
	parse_err(&scoped, "{1a}/x", "invalid key expression '{1a}/x': "
				     "capture name '1a' must match "
				     "[a-z_][a-z0-9_]*");
	parse_err(&raw, "a/#/b", "invalid key expression 'a/#/b': '#' must "
				 "be the last segment");
}

static void
test_kexpr_reserved_captures(void **state)
{
	/* a capture is printed as a field beside these: it must not clash */
	static const char *const names[] = {
		"key", "ts", "qos", "retain", "payload", "payload_b64",
		"source", "error", NULL,
	};
	char text[64], want[256];

	(void)state;
	for (int i = 0; names[i]; i++) {
		snprintf(text, sizeof(text), "{%s}/x", names[i]);
		snprintf(want, sizeof(want),
			 "invalid key expression '%s': capture name '%s' is "
			 "reserved for an output field",
			 text, names[i]);
		parse_err(&scoped, text, want);
	}
}

static void
test_kexpr_capture_limit(void **state)
{
	char text[512], want[700];
	struct yk_kexpr ke;
	size_t n = 0;

	(void)state;
	for (int i = 0; i < YK_MAX_CAPS; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s{c%d}",
				      i ? "/" : "", i);
	parse_ok(&ke, &scoped, text);
	assert_int_equal(ke.ncap, YK_MAX_CAPS);
	yk_kexpr_free(&ke);
	snprintf(text + n, sizeof(text) - n, "/{c%d}", YK_MAX_CAPS);
	snprintf(want, sizeof(want), "invalid key expression '%s': more than "
				     "16 captures", text);
	parse_err(&scoped, text, want);
}

static void
test_kexpr_match_star(void **state)
{
	(void)state;
	assert_true(matches("*/status", "arm/status"));
	assert_true(matches("*/status", "arm-042/status"));
	assert_false(matches("*/status", "arm/x/status"));
	assert_false(matches("*/status", "status"));
	assert_false(matches("*/status", "arm/statuses"));
	assert_false(matches("*/status", "arm/status/x"));
	assert_true(matches("arm/*/imu", "arm/sensors/imu"));
	assert_false(matches("arm/*/imu", "arm/imu"));
	assert_true(matches("arm/sensors/imu", "arm/sensors/imu"));
	assert_false(matches("arm/sensors/imu", "arm/sensors/im"));
	assert_false(matches("arm/sensors/im", "arm/sensors/imu"));
}

static void
test_kexpr_match_dstar_end(void **state)
{
	(void)state;
	/* as MQTT's '#': any depth, zero included */
	assert_true(matches("arm/**", "arm"));
	assert_true(matches("arm/**", "arm/status"));
	assert_true(matches("arm/**", "arm/a/b/c/d"));
	assert_false(matches("arm/**", "arms/status"));
	assert_false(matches("arm/**", "other/arm"));
	assert_true(matches("**", "a"));
	assert_true(matches("**", "a/b/c"));
}

static void
test_kexpr_match_dstar_middle(void **state)
{
	(void)state;
	assert_true(matches("arm/**/imu", "arm/imu"));
	assert_true(matches("arm/**/imu", "arm/sensors/imu"));
	assert_true(matches("arm/**/imu", "arm/a/b/c/imu"));
	assert_true(matches("arm/**/imu", "arm/imu/imu"));
	assert_false(matches("arm/**/imu", "arm/imu/x"));
	assert_false(matches("arm/**/imu", "arm/sensors/imux"));
	assert_false(matches("arm/**/imu", "arm"));
	assert_false(matches("arm/**/imu", "other/imu"));
	assert_true(matches("**/imu", "imu"));
	assert_true(matches("**/imu", "a/b/imu"));
	assert_false(matches("**/imu", "a/b/gps"));
	assert_true(matches("a/**/b/**/c", "a/b/c"));
	assert_true(matches("a/**/b/**/c", "a/x/b/y/z/c"));
	assert_true(matches("a/**/b/**/c", "a/b/b/c/c"));
	assert_false(matches("a/**/b/**/c", "a/c/b"));
	assert_false(matches("a/**/b/**/c", "a/b"));
	assert_true(matches("*/**/status", "arm/status"));
	assert_false(matches("*/**/status", "status"));
}

static void
test_kexpr_match_deep_key(void **state)
{
	char key[512];
	size_t n;

	(void)state;
	/* more segments than the matcher keeps on its stack */
	n = (size_t)snprintf(key, sizeof(key), "arm");
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(key + n, sizeof(key) - n, "/s%d", i);
	snprintf(key + n, sizeof(key) - n, "/imu");
	assert_true(matches("arm/**/imu", key));
	assert_true(matches("arm/**", key));
	assert_false(matches("arm/**/gps", key));
	assert_false(matches("arm/*/imu", key));
}

static void
cap_is(const struct yk_cap *c, const char *name, const char *val)
{
	assert_string_equal(c->name, name);
	if (c->n != strlen(val) || memcmp(c->p, val, c->n) != 0)
		fail_msg("capture %s = '%.*s', want '%s'", name, (int)c->n,
			 c->p, val);
}

static void
test_kexpr_captures(void **state)
{
	struct yk_cap caps[YK_MAX_CAPS];
	struct yk_kexpr ke;

	(void)state;
	parse_ok(&ke, &scoped, "{robot}/telemetry");
	assert_true(yk_kexpr_match(&ke, "arm-042/telemetry", caps));
	cap_is(&caps[0], "robot", "arm-042");
	assert_false(yk_kexpr_match(&ke, "arm-042/status", caps));
	yk_kexpr_free(&ke);

	parse_ok(&ke, &scoped, "{robot}/video/{track}");
	assert_true(yk_kexpr_match(&ke, "cam-1/video/front", caps));
	cap_is(&caps[0], "robot", "cam-1");
	cap_is(&caps[1], "track", "front");
	yk_kexpr_free(&ke);

	/* captures around a `**` that the client decides */
	parse_ok(&ke, &scoped, "{robot}/**/{leaf}");
	assert_true(yk_kexpr_match(&ke, "arm/a/b/imu", caps));
	cap_is(&caps[0], "robot", "arm");
	cap_is(&caps[1], "leaf", "imu");
	assert_true(yk_kexpr_match(&ke, "arm/imu", caps));
	cap_is(&caps[0], "robot", "arm");
	cap_is(&caps[1], "leaf", "imu");
	assert_false(yk_kexpr_match(&ke, "arm", caps));
	yk_kexpr_free(&ke);
}

static void
test_kexpr_intersects(void **state)
{
	(void)state;
	assert_true(intersects("arm/status", "arm/status"));
	assert_false(intersects("arm/status", "arm/faults"));
	assert_true(intersects("arm/*", "arm/status"));
	assert_true(intersects("*/status", "arm/*"));
	assert_false(intersects("arm/*", "cam/*"));
	assert_false(intersects("arm/*", "arm/a/b"));
	assert_false(intersects("*", "arm/status"));
	assert_true(intersects("{robot}/status", "arm/status"));
	assert_true(intersects("arm/**", "arm"));
	assert_true(intersects("arm/**", "arm/a/b/c"));
	assert_false(intersects("arm/**", "cam/a"));
	assert_true(intersects("**", "anything/at/all"));
	assert_true(intersects("arm/**/imu", "*/sensors/imu"));
	assert_true(intersects("arm/**/z", "*/b/**"));
	assert_false(intersects("arm/**/b", "arm/**/c"));
	assert_true(intersects("**/b", "a/**"));
	assert_false(intersects("**/x", "a/*/y"));
	assert_true(intersects("a/**/b/**/c", "**/c"));
	assert_false(intersects("a/**/b/**/c", "a/c"));
}

/* The key a queryable for a answers a query for b with. */
static void
meet_is(const char *a, const char *b, const char *want)
{
	struct yk_kexpr x, y;
	struct yk_buf out = {0};
	bool ok;

	parse_ok(&x, &scoped, a);
	parse_ok(&y, &scoped, b);
	ok = yk_kexpr_meet(&x, &y, &out);
	if (want == NULL) {
		assert_false(ok);
	} else {
		assert_true(ok);
		assert_string_equal(out.p, want);
	}
	/* the meet is symmetric */
	yk_buf_free(&out);
	ok = yk_kexpr_meet(&y, &x, &out);
	if (want == NULL) {
		assert_false(ok);
	} else {
		assert_true(ok);
		assert_string_equal(out.p, want);
	}
	yk_buf_free(&out);
	yk_kexpr_free(&x);
	yk_kexpr_free(&y);
}

static void
test_kexpr_meet(void **state)
{
	(void)state;
	meet_is("arm-1/config", "arm-1/config", "arm-1/config");
	meet_is("arm-1/config", "*/config", "arm-1/config");
	meet_is("arm-1/**", "*/config", "arm-1/config");
	meet_is("{robot}/version", "*/version", "*/version");
	meet_is("arm-1/**", "**", "arm-1/**");
	meet_is("**/imu", "arm-1/**", "arm-1/**/imu");
	meet_is("arm-1/x", "arm-2/*", NULL);
	meet_is("a/*/c", "a/b", NULL);
}

static void
test_kexpr_glob_errors(void **state)
{
	(void)state;
	/* the first segment names robots: a pattern of robot ids */
	parse_err(&scoped, "Bot-*/status",
		  "invalid key expression 'Bot-*/status': invalid robot id "
		  "pattern 'Bot-*': " ID_HINT);
	parse_err(&scoped, "-*/status",
		  "invalid key expression '-*/status': invalid robot id "
		  "pattern '-*': " ID_HINT);
	parse_err(&scoped, "bot-*/x/{c*}",
		  "invalid key expression 'bot-*/x/{c*}': capture name 'c*' "
		  "must match [a-z_][a-z0-9_]*");
}

static void
test_kexpr_match_glob(void **state)
{
	(void)state;
	assert_true(matches("bot-*/status", "bot-1/status"));
	assert_true(matches("bot-*/status", "bot-east-12/status"));
	assert_true(matches("bot-*/status", "bot-/status"));
	assert_false(matches("bot-*/status", "robot-1/status"));
	assert_false(matches("bot-*/status", "bot-1/x/status"));
	assert_false(matches("bot-*/status", "bot-1/statuses"));
	assert_true(matches("*-1/status", "arm-1/status"));
	assert_false(matches("*-1/status", "arm-11x/status"));
	assert_true(matches("bot-*", "bot-9"));
	assert_false(matches("bot-*", "bot-9/status"));
	assert_true(matches("a/*x*y/b", "a/xy/b"));
	assert_true(matches("a/*x*y/b", "a/xxyy/b"));
	assert_true(matches("a/*x*y/b", "a/qxqqy/b"));
	assert_false(matches("a/*x*y/b", "a/yx/b"));
	assert_false(matches("a/*x*y/b", "a/xyq/b"));
	assert_true(matches("a/x*x/b", "a/xx/b"));
	assert_false(matches("a/x*x/b", "a/x/b"));
	/* with `**` around: the restart keeps the in-segment pattern */
	assert_true(matches("arm-*/**/cam*/info", "arm-1/video/cam0/info"));
	assert_true(matches("arm-*/**/cam*/info", "arm-1/cam/info"));
	assert_true(matches("arm-*/**/cam*/info",
			    "arm-1/cam/x/camera/info"));
	assert_false(matches("arm-*/**/cam*/info", "arm-1/video/mic/info"));
	assert_true(matches("**/*s", "a/b/xs"));
	assert_false(matches("**/*s", "a/xs/b"));
}

static void
test_kexpr_glob_captures(void **state)
{
	struct yk_cap caps[YK_MAX_CAPS];
	struct yk_kexpr ke;

	(void)state;
	parse_ok(&ke, &scoped, "bot-*/{chan}");
	assert_true(yk_kexpr_match(&ke, "bot-7/status", caps));
	cap_is(&caps[0], "chan", "status");
	assert_false(yk_kexpr_match(&ke, "cam-7/status", caps));
	yk_kexpr_free(&ke);

	parse_ok(&ke, &scoped, "{robot}/**/x*/{leaf}");
	assert_true(yk_kexpr_match(&ke, "arm/a/xa/b/xb/imu", caps));
	cap_is(&caps[0], "robot", "arm");
	cap_is(&caps[1], "leaf", "imu");
	assert_true(yk_kexpr_match(&ke, "arm/xb/xc/gps", caps));
	cap_is(&caps[1], "leaf", "gps");
	yk_kexpr_free(&ke);
}

static void
test_kexpr_intersects_glob(void **state)
{
	(void)state;
	assert_true(intersects("bot-*/status", "bot-1/status"));
	assert_true(intersects("bot-*/status", "*/status"));
	assert_true(intersects("bot-*/status", "{robot}/status"));
	assert_true(intersects("bot-*/status", "*-1/status"));
	assert_true(intersects("bot-*/status", "b*/**"));
	assert_false(intersects("bot-*/status", "cam-*/status"));
	assert_false(intersects("bot-*/status", "cam-1/status"));
	assert_false(intersects("bot-*/status", "*-1/faults"));
	assert_false(intersects("*-1/x", "*-2/x"));
	assert_true(intersects("a*b/x", "ab*/x"));
	assert_true(intersects("a*b/x", "*a*/x"));
	assert_false(intersects("a*b/x", "*c/x"));
	assert_true(intersects("arm-1/**/c*", "*/x/cam"));
	assert_false(intersects("arm-1/**/c*", "*/x/mic"));
}

static void
test_kexpr_meet_glob(void **state)
{
	(void)state;
	meet_is("bot-*/status", "bot-1/*", "bot-1/status");
	meet_is("bot-*/status", "*/status", "bot-*/status");
	meet_is("bot-*/status", "{robot}/status", "bot-*/status");
	/* no single glob is both: the one that says more stands */
	meet_is("bot-*/status", "*-1/status", "bot-*/status");
	meet_is("a*/x", "*b/x", "*b/x");
	meet_is("bot-*/x", "cam-*/x", NULL);
	meet_is("bot-*/**", "*/config", "bot-*/config");
}

/* key: first, then n more "/seg" segments, then "/last" unless NULL */
static char *
long_key(const char *first, int n, const char *seg, const char *last)
{
	struct yk_buf b = {0};

	yk_buf_adds(&b, first);
	for (int i = 0; i < n; i++) {
		yk_buf_addc(&b, '/');
		yk_buf_adds(&b, seg);
	}
	if (last) {
		yk_buf_addc(&b, '/');
		yk_buf_adds(&b, last);
	}
	return b.p;
}

static void
test_kexpr_match_bounded(void **state)
{
	static const char *const exprs[] = {
		"arm-1/**/a/**/a/**/b",
		"arm-1/**/a/**/a/**/a/**/a/**/a/**/b",
		"arm-1/**/a*/**/*a/**/a*a/**/b",
		"{robot}/**/a/**/{x}/**/a/**/b",
	};
	char *key = long_key("arm-1", 2000, "a", NULL);
	char *hit = long_key("arm-1", 2000, "a", "b");
	char *seg = long_key("arm-1", 3, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
			     "b");
	struct yk_cap caps[YK_MAX_CAPS];

	(void)state;
	/* 2,000 segments: the backtracking matcher took seconds on these */
	for (size_t i = 0; i < sizeof(exprs) / sizeof(exprs[0]); i++) {
		struct yk_kexpr ke;
		unsigned long steps, bound;

		parse_ok(&ke, &scoped, exprs[i]);
		bound = (unsigned long)(ke.nseg + 1) * 2002;
		assert_false(yk_kexpr_match_counted(&ke, key, caps, &steps));
		if (i != 2 && steps > bound)
			fail_msg("'%s': %lu steps, bound %lu", exprs[i], steps,
				 bound);
		/* the in-segment patterns add at most the key's bytes per
		 * segment of the expression */
		if (i == 2 && steps > bound + (unsigned long)(ke.nseg + 1) *
						      strlen(key) * 4)
			fail_msg("'%s': %lu steps", exprs[i], steps);
		assert_true(yk_kexpr_match(&ke, hit, caps) == (i != 2));
		assert_true(yk_kexpr_match(&ke, seg, caps) == (i == 2));
		yk_kexpr_free(&ke);
	}
	free(key);
	free(hit);
	free(seg);
}

static void
test_kexpr_intersects_bounded(void **state)
{
	struct yk_kexpr x, y;
	struct yk_buf out = {0};
	char *a = long_key("arm-1", 60, "**/a", "b");
	char *b = long_key("arm-1", 60, "**/a", "c");
	unsigned long steps, bound;

	(void)state;
	parse_ok(&x, &scoped, a);
	parse_ok(&y, &scoped, b);
	bound = 3ul * (unsigned long)(x.nseg + 1) *
		(unsigned long)(y.nseg + 1);
	assert_false(yk_kexpr_intersects_counted(&x, &y, &steps));
	if (steps > bound)
		fail_msg("intersects: %lu steps, bound %lu", steps, bound);
	assert_false(yk_kexpr_meet_counted(&x, &y, &out, &steps));
	if (steps > bound)
		fail_msg("meet: %lu steps, bound %lu", steps, bound);
	assert_int_equal(out.len, 0);
	yk_kexpr_free(&y);
	parse_ok(&y, &scoped, "arm-1/**/b");
	assert_true(yk_kexpr_intersects_counted(&x, &y, &steps));
	assert_true(steps <= bound);
	yk_kexpr_free(&x);
	yk_kexpr_free(&y);
	free(a);
	free(b);
}

static void
test_key_control_chars(void **state)
{
	static const char *const bad[] = {
		"arm-1/a\001b", "arm-1/\033]0;x\007", "arm-1/\177",
		"arm-1/\302\233x", "arm-1/\t", NULL,
	};
	struct yk_err err = {0};

	(void)state;
	for (int i = 0; bad[i]; i++) {
		assert_int_equal(yk_key_check(&raw, bad[i], &err), YK_EUSAGE);
		assert_string_equal(err.msg, "invalid key: control characters "
					     "are not allowed");
		parse_err(&raw, bad[i], "invalid key expression: control "
					"characters are not allowed");
	}
	/* other non-ASCII text stays a key */
	assert_int_equal(yk_key_check(&raw, "arm-1/\302\240x\303\251", &err),
			 YK_OK);
}

static void
test_kexpr_segment_limit(void **state)
{
	char *ok = long_key("arm-1", YK_KEY_MAX_SEGS - 1, "*", NULL);
	char *big = long_key("arm-1", YK_KEY_MAX_SEGS, "*", NULL);
	char *kok = long_key("arm-1", YK_KEY_MAX_SEGS - 1, "x", NULL);
	char *kbig = long_key("arm-1", YK_KEY_MAX_SEGS, "x", NULL);
	char want[200];
	struct yk_kexpr ke;
	struct yk_err err = {0};

	(void)state;
	parse_ok(&ke, &scoped, ok);
	assert_int_equal(ke.nseg, YK_KEY_MAX_SEGS);
	yk_kexpr_free(&ke);
	snprintf(want, sizeof(want),
		 "invalid key expression '%.40s...': more than %d segments",
		 big, YK_KEY_MAX_SEGS);
	parse_err(&scoped, big, want);
	assert_int_equal(yk_key_check(&scoped, kok, &err), YK_OK);
	assert_int_equal(yk_key_check(&scoped, kbig, &err), YK_EUSAGE);
	snprintf(want, sizeof(want),
		 "invalid key '%.40s...': more than %d segments", kbig,
		 YK_KEY_MAX_SEGS);
	assert_string_equal(err.msg, want);
	free(ok);
	free(big);
	free(kok);
	free(kbig);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_id_valid),
		cmocka_unit_test(test_id_invalid),
		cmocka_unit_test(test_id_names_what),
		cmocka_unit_test(test_root_check),
		cmocka_unit_test(test_key_check_valid),
		cmocka_unit_test(test_key_check_errors),
		cmocka_unit_test(test_key_check_invalid_utf8),
		cmocka_unit_test(test_key_check_long_robot_id),
		cmocka_unit_test(test_key_check_raw),
		cmocka_unit_test(test_key_topic),
		cmocka_unit_test(test_key_unscope),
		cmocka_unit_test(test_key_robot),
		cmocka_unit_test(test_kexpr_filters),
		cmocka_unit_test(test_kexpr_errors),
		cmocka_unit_test(test_kexpr_reserved_captures),
		cmocka_unit_test(test_kexpr_capture_limit),
		cmocka_unit_test(test_kexpr_match_star),
		cmocka_unit_test(test_kexpr_match_dstar_end),
		cmocka_unit_test(test_kexpr_match_dstar_middle),
		cmocka_unit_test(test_kexpr_match_deep_key),
		cmocka_unit_test(test_kexpr_captures),
		cmocka_unit_test(test_kexpr_intersects),
		cmocka_unit_test(test_kexpr_meet),
		cmocka_unit_test(test_kexpr_glob_errors),
		cmocka_unit_test(test_kexpr_match_glob),
		cmocka_unit_test(test_kexpr_glob_captures),
		cmocka_unit_test(test_kexpr_intersects_glob),
		cmocka_unit_test(test_kexpr_meet_glob),
		cmocka_unit_test(test_kexpr_match_bounded),
		cmocka_unit_test(test_kexpr_intersects_bounded),
		cmocka_unit_test(test_kexpr_segment_limit),
		cmocka_unit_test(test_key_control_chars),
	};

	return cmocka_run_group_tests_name("key", tests, NULL, NULL);
}
