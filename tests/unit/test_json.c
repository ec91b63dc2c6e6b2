/*
 * test_json.c - the JSON scanner, minifier, string codec, object walker,
 * timestamps (lib/json.h) and base64 (lib/b64.h).
 *
 * These decide what a received payload looks like in a JSON line: JSON as
 * sent minus white space, text as a string, anything else as base64.  A
 * validator that says yes to bad JSON breaks every line after it.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "b64.h"
#include "json.h"

#define S(lit) (lit), sizeof(lit) - 1

static bool
valid(const char *s)
{
	return yk_json_valid(s, strlen(s));
}

static void
test_valid_values(void **state)
{
	static const char *const ok[] = {
		"0", "-0", "7", "-12", "1.5", "1.5e10", "-1.2E-3", "1e+5",
		"12345678901234567890123456789", "0.000001", "true", "false",
		"null", "\"\"", "\"a\"", "\"\\u00e9\\u00E9\"", "\"\\/\\\\\"",
		"\"\\b\\f\\n\\r\\t\\\"\"", "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
		"[]", "{}", "[ ]", "{ }", "[1,2,3]", "{\"a\":1}",
		" {\"a\" : [1, 2, {\"b\": null}], \"c\": \"x\"} ",
		"\n\t\r [true]\n", "{\"\":\"\"}", "{\"a\":1,\"a\":2}",
		"[[[[[]]]]]", NULL,
	};

	(void)state;
	for (int i = 0; ok[i]; i++)
		if (!valid(ok[i]))
			fail_msg("valid JSON refused: %s", ok[i]);
}

static void
test_invalid_values(void **state)
{
	static const char *const bad[] = {
		"", " ", "01", "-01", "1.", ".5", "+1", "-", "1e", "1e+",
		"0x10", "1.5.2", "--1", "[1,]", "[,1]", "{\"a\":1,}", "{a:1}",
		"{\"a\" 1}", "{\"a\":}", "{1:2}", "'a'", "tru", "nul", "True",
		"NaN", "Infinity", "-Infinity", "[1 2]", "[1]]", "[[1]",
		"{\"a\":1}}", "\"a", "\"\\x\"", "\"\\u12\"", "\"\\u12g4\"",
		"\"\\\"", "\"a\tb\"", "\"a\nb\"", "\"\xff\"", "\"\xc3\"",
		"\"\xed\xa0\x80\"", "\"\xc0\xaf\"", "1 2", "{\"a\":1}x",
		"[1,2] [3]", "undefined", "\xef\xbb\xbf{}", NULL,
	};

	(void)state;
	for (int i = 0; bad[i]; i++)
		if (valid(bad[i]))
			fail_msg("invalid JSON accepted: %s", bad[i]);
}

static void
test_valid_uses_length(void **state)
{
	(void)state;
	/* payloads are not C strings: the length decides */
	assert_true(yk_json_valid("123abc", 3));
	assert_false(yk_json_valid("[1,2]", 4));
	assert_false(yk_json_valid(S("1\0")));
	assert_false(yk_json_valid(S("\"a\0b\"")));
	assert_true(yk_json_valid("\"ab\"", 4));
	assert_false(yk_json_valid("\"ab\"", 3));
	assert_false(yk_json_valid("tru", 3));
}

static char *
nested(int depth, char open, char close)
{
	char *s = malloc((size_t)depth * 2 + 1);

	assert_non_null(s);
	memset(s, open, (size_t)depth);
	memset(s + depth, close, (size_t)depth);
	s[depth * 2] = '\0';
	return s;
}

static void
test_valid_depth_cap(void **state)
{
	char *s;

	(void)state;
	/* "nesting is capped at 256" */
	s = nested(256, '[', ']');
	assert_true(valid(s));
	free(s);
	s = nested(257, '[', ']');
	assert_false(valid(s));
	free(s);
	/* a hostile payload costs a bounded stack, not a crash */
	s = nested(100000, '[', ']');
	assert_false(valid(s));
	free(s);
}

static void
minify_is(const char *in, const char *want)
{
	struct yk_buf b = {0};

	yk_json_minify(&b, in, strlen(in));
	assert_string_equal(b.p, want);
	assert_int_equal(b.len, strlen(want));
	yk_buf_free(&b);
}

static void
test_minify(void **state)
{
	(void)state;
	minify_is("{ \"a\" : [ 1 , 2 ] ,\n\t\"b\" : null }",
		  "{\"a\":[1,2],\"b\":null}");
	/* white space inside strings is data */
	minify_is("[ \"x y\" , \" \\t \" ]", "[\"x y\",\" \\t \"]");
	/* an escaped quote does not end the string */
	minify_is("{\"k\" : \"a \\\" b\" , \"c\" : 1}",
		  "{\"k\":\"a \\\" b\",\"c\":1}");
	/* an escaped backslash does */
	minify_is("[ \"a\\\\\" , \"b c\" ]", "[\"a\\\\\",\"b c\"]");
	/* numbers keep every digit: no round trip through double */
	minify_is(" 12345678901234567890.000100 ",
		  "12345678901234567890.000100");
	minify_is("1.0e+02", "1.0e+02");
	minify_is("\r\n\"caf\xc3\xa9 \\u00e9\"\r\n", "\"caf\xc3\xa9 \\u00e9\"");
	minify_is("[]", "[]");
}

static void
test_minify_appends(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_buf_adds(&b, "x=");
	yk_json_minify(&b, S(" [ 1 ] "));
	assert_string_equal(b.p, "x=[1]");
	assert_int_equal(b.len, 5);
	yk_buf_free(&b);
}

static void
str_is(const char *in, size_t n, const char *want)
{
	struct yk_buf b = {0};

	yk_json_str(&b, in, n);
	assert_string_equal(b.p, want);
	assert_int_equal(b.len, strlen(want));
	/* what we write must read back as JSON */
	assert_true(yk_json_valid(b.p, b.len));
	yk_buf_free(&b);
}

static void
test_str_escapes(void **state)
{
	(void)state;
	str_is(S("plain"), "\"plain\"");
	str_is(S(""), "\"\"");
	str_is(S("a\"b\\c"), "\"a\\\"b\\\\c\"");
	str_is(S("\n\r\t\b\f"), "\"\\n\\r\\t\\b\\f\"");
	str_is(S("\x01\x1f"), "\"\\u0001\\u001f\"");
	str_is(S("a\0b"), "\"a\\u0000b\"");
	/* '/' and DEL need no escape; UTF-8 passes through */
	str_is(S("a/b\x7f"), "\"a/b\x7f\"");
	str_is(S("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	       "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"");
}

static void
test_str_worst_case(void **state)
{
	char in[300];
	struct yk_buf b = {0};

	(void)state;
	/* every byte a control character: six bytes out per byte in */
	memset(in, 1, sizeof(in));
	yk_buf_adds(&b, "pre");
	yk_json_str(&b, in, sizeof(in));
	assert_int_equal(b.len, 3 + 2 + 6 * sizeof(in));
	assert_memory_equal(b.p, "pre\"\\u0001\\u0001", 15);
	assert_true(yk_json_valid(b.p + 3, b.len - 3));
	yk_buf_free(&b);
}

static void
test_strz(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_json_strz(&b, "arm-042/status");
	assert_string_equal(b.p, "\"arm-042/status\"");
	yk_buf_free(&b);
}

static void
test_utf8_valid(void **state)
{
	static const char *const ok[] = {
		"", "ascii only", "caf\xc3\xa9", "\xe2\x82\xac",
		"\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf", "\xef\xbb\xbf",
		"\xed\x9f\xbf", "\xee\x80\x80", "\xc2\x80",
		/* long ASCII runs, then multibyte */
		"abcdefghijklmnopqrstuvwxyz\xc3\xa9", NULL,
	};
	static const char *const bad[] = {
		"\x80", "\xbf", "\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf",
		"\xe0\x9f\xbf", "\xed\xa0\x80", "\xed\xbf\xbf",
		"\xf0\x80\x80\xaf", "\xf0\x8f\xbf\xbf", "\xf4\x90\x80\x80",
		"\xf5\x80\x80\x80", "\xff", "\xfe", "\xe2\x82", "\xc3",
		"\xf0\x9f\x98", "\xc3\x28", "\xe2\x28\xa1",
		/* a bad byte after an ASCII run longer than eight */
		"abcdefghij\xff", "abcdefgh\x80", "abcdefghijklmnop\xc3", NULL,
	};

	(void)state;
	for (int i = 0; ok[i]; i++)
		if (!yk_utf8_valid(ok[i], strlen(ok[i])))
			fail_msg("valid UTF-8 refused (case %d)", i);
	for (int i = 0; bad[i]; i++)
		if (yk_utf8_valid(bad[i], strlen(bad[i])))
			fail_msg("invalid UTF-8 accepted (case %d)", i);
	/* NUL is a character; the length decides */
	assert_true(yk_utf8_valid(S("a\0b")));
	assert_true(yk_utf8_valid("\xc3\xa9\xff", 2));
	assert_false(yk_utf8_valid("\xc3\xa9", 1));
	/* an empty buffer, or an empty MQTT payload, has no bytes at all */
	assert_true(yk_utf8_valid(NULL, 0));
}

static void
unescape_is(const char *tok, const char *want, size_t wantn)
{
	struct yk_buf b = {0};

	assert_int_equal(yk_json_unescape(&b, tok, strlen(tok)), 0);
	assert_int_equal(b.len, wantn);
	assert_memory_equal(b.p, want, wantn);
	yk_buf_free(&b);
}

static void
test_unescape(void **state)
{
	(void)state;
	unescape_is("\"\"", S(""));
	unescape_is("\"plain\"", S("plain"));
	unescape_is("\"a\\nb\\tc\\rd\\be\\ff\"", S("a\nb\tc\rd\be\ff"));
	unescape_is("\"\\\"\\\\\\/\"", S("\"\\/"));
	unescape_is("\"\\u00e9\\u20AC\"", S("\xc3\xa9\xe2\x82\xac"));
	unescape_is("\"\\u0041\"", S("A"));
	unescape_is("\"a\\u0000b\"", S("a\0b"));
	/* a surrogate pair is one code point */
	unescape_is("\"\\ud83d\\ude00\"", S("\xf0\x9f\x98\x80"));
	/* lone surrogates become U+FFFD, never invalid UTF-8 */
	unescape_is("\"\\ud83d\"", S("\xef\xbf\xbd"));
	unescape_is("\"\\ude00\"", S("\xef\xbf\xbd"));
	unescape_is("\"\\ud83dx\"", S("\xef\xbf\xbdx"));
	unescape_is("\"\\ud83d\\u0041\"", S("\xef\xbf\xbd" "A"));
	unescape_is("\"caf\xc3\xa9\"", S("caf\xc3\xa9"));
}

static void
test_unescape_empty_is_a_string(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	/* "" leaves a C string, not a NULL pointer for strtol and strcmp */
	assert_int_equal(yk_json_unescape(&b, S("\"\"")), 0);
	assert_non_null(b.p);
	assert_string_equal(b.p, "");
	yk_buf_free(&b);
	assert_int_equal(yk_json_unescape_strict(&b, S("\"\"")), 0);
	assert_non_null(b.p);
	yk_buf_free(&b);
}

static void
test_unescape_strict(void **state)
{
	static const char *const lone[] = {
		"\"\\ud800\"", "\"\\udfff\"", "\"a\\ud83dx\"",
		"\"\\ud83d\\u0041\"", "\"\\ude00\\ud83d\"", NULL,
	};
	struct yk_buf b = {0};

	(void)state;
	assert_int_equal(yk_json_unescape_strict(&b, S("\"\\ud83d\\ude00\"")),
			 0);
	assert_memory_equal(b.p, "\xf0\x9f\x98\x80", 4);
	yk_buf_free(&b);
	for (int i = 0; lone[i]; i++) {
		if (yk_json_unescape_strict(&b, lone[i], strlen(lone[i])) !=
		    YK_JSON_LONE_SURROGATE)
			fail_msg("%s: no lone surrogate", lone[i]);
		/* the lenient one still shows it as U+FFFD */
		yk_buf_free(&b);
		assert_int_equal(yk_json_unescape(&b, lone[i], strlen(lone[i])),
				 0);
		assert_non_null(strstr(b.p, "\xef\xbf\xbd"));
		yk_buf_free(&b);
	}
	assert_int_equal(yk_json_unescape_strict(&b, S("\"x")), -1);
	yk_buf_free(&b);
}

static void
test_unescape_appends(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_buf_adds(&b, "k=");
	assert_int_equal(yk_json_unescape(&b, S("\"v\\n\"")), 0);
	assert_string_equal(b.p, "k=v\n");
	yk_buf_free(&b);
}

static void
test_unescape_refuses(void **state)
{
	static const char *const bad[] = {
		"", "\"", "abc", "\"abc", "abc\"", "\"a\"b", "\"a\" ",
		"\"\\q\"", "\"\\u12\"", "\"a\tb\"", "\"\xff\"", "1", NULL,
	};
	struct yk_buf b = {0};

	(void)state;
	for (int i = 0; bad[i]; i++)
		if (yk_json_unescape(&b, bad[i], strlen(bad[i])) != -1)
			fail_msg("bad string token accepted: %s", bad[i]);
	yk_buf_free(&b);
}

static void
member_is(struct yk_json_iter *it, const char *key, const char *val)
{
	const char *k, *v;
	size_t kn, vn;

	if (!yk_json_obj_next(it, &k, &kn, &v, &vn))
		fail_msg("no member %s", key);
	if (kn != strlen(key) || memcmp(k, key, kn) != 0)
		fail_msg("key %.*s, want %s", (int)kn, k, key);
	if (vn != strlen(val) || memcmp(v, val, vn) != 0)
		fail_msg("value %.*s, want %s", (int)vn, v, val);
}

static void
test_obj_iter(void **state)
{
	static const char doc[] =
		" { \"a\" : 1 , \"b\":{\"c\":[1, 2]},\n\"d\" : \"x, y}\" ,"
		"\"e\":[ ], \"f\" :true } ";
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	(void)state;
	assert_true(yk_json_obj_begin(&it, S(doc)));
	member_is(&it, "\"a\"", "1");
	/* raw value, trimmed, inner white space kept */
	member_is(&it, "\"b\"", "{\"c\":[1, 2]}");
	member_is(&it, "\"d\"", "\"x, y}\"");
	member_is(&it, "\"e\"", "[ ]");
	member_is(&it, "\"f\"", "true");
	assert_false(yk_json_obj_next(&it, &k, &kn, &v, &vn));
	assert_false(yk_json_obj_next(&it, &k, &kn, &v, &vn));
}

static void
test_obj_iter_empty_and_refused(void **state)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	(void)state;
	assert_true(yk_json_obj_begin(&it, S("{}")));
	assert_false(yk_json_obj_next(&it, &k, &kn, &v, &vn));
	assert_true(yk_json_obj_begin(&it, S(" \n{ }\n")));
	assert_false(yk_json_obj_next(&it, &k, &kn, &v, &vn));
	assert_false(yk_json_obj_begin(&it, S("[1]")));
	assert_false(yk_json_obj_begin(&it, S("\"{}\"")));
	assert_false(yk_json_obj_begin(&it, S("{\"a\":}")));
	assert_false(yk_json_obj_begin(&it, S("{\"a\":1} x")));
	assert_false(yk_json_obj_begin(&it, S("{\"a\":1")));
	assert_false(yk_json_obj_begin(&it, S("")));
	/* only the given length is an object */
	assert_true(yk_json_obj_begin(&it, "{\"a\":1}{", 7));
	member_is(&it, "\"a\"", "1");
	assert_false(yk_json_obj_next(&it, &k, &kn, &v, &vn));
}

static void
test_key_is(void **state)
{
	(void)state;
	assert_true(yk_json_key_is(S("\"key\""), "key"));
	assert_false(yk_json_key_is(S("\"keys\""), "key"));
	assert_false(yk_json_key_is(S("\"ke\""), "key"));
	assert_false(yk_json_key_is(S("\"Key\""), "key"));
	assert_true(yk_json_key_is(S("\"\""), ""));
	/* documented: keys written with escapes never match */
	assert_false(yk_json_key_is(S("\"k\\u0065y\""), "key"));
}

static void
b64_is(const char *in, size_t n, const char *want)
{
	struct yk_buf b = {0};

	yk_b64_encode(&b, in, n);
	assert_int_equal(b.len, strlen(want));
	if (n == 0 && b.p == NULL)
		return;
	assert_string_equal(b.p, want);
	b.len = 0;
	assert_int_equal(yk_b64_decode(&b, want, strlen(want)), 0);
	assert_int_equal(b.len, n);
	if (n > 0)
		assert_memory_equal(b.p, in, n);
	yk_buf_free(&b);
}

static void
test_b64_rfc4648(void **state)
{
	(void)state;
	/* RFC 4648 section 10 */
	b64_is(S(""), "");
	b64_is(S("f"), "Zg==");
	b64_is(S("fo"), "Zm8=");
	b64_is(S("foo"), "Zm9v");
	b64_is(S("foob"), "Zm9vYg==");
	b64_is(S("fooba"), "Zm9vYmE=");
	b64_is(S("foobar"), "Zm9vYmFy");
	/* the last two letters of the alphabet, and zero bytes */
	b64_is(S("\x00\xff\xfe"), "AP/+");
	b64_is(S("\xfb\xff"), "+/8=");
	b64_is(S("\0"), "AA==");
}

static void
test_b64_round_trip(void **state)
{
	unsigned char data[256];
	struct yk_buf e = {0}, d = {0};

	(void)state;
	for (int i = 0; i < 256; i++)
		data[i] = (unsigned char)(255 - i);
	for (size_t n = 0; n <= sizeof(data); n++) {
		e.len = 0;
		d.len = 0;
		yk_b64_encode(&e, data, n);
		assert_int_equal(e.len, (n + 2) / 3 * 4);
		assert_int_equal(yk_b64_decode(&d, e.p, e.len), 0);
		assert_int_equal(d.len, n);
		if (n > 0)
			assert_memory_equal(d.p, data, n);
	}
	yk_buf_free(&e);
	yk_buf_free(&d);
}

static void
test_b64_encode_appends(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_buf_adds(&b, "{\"payload_b64\":\"");
	yk_b64_encode(&b, S("hi"));
	yk_buf_addc(&b, '"');
	assert_string_equal(b.p, "{\"payload_b64\":\"aGk=\"");
	yk_buf_free(&b);
}

static void
test_b64_decode_refuses(void **state)
{
	static const char *const bad[] = {
		"Zg=", "Zg", "Z", "Z===", "====", "Zg==Zg==", "Zm8=Zm8=",
		"Z=9v", "Zg=a", "Zm9v\n", "Zm 9v", " Zm9v", "Zm9v YmFy",
		"Zm9-", "Zm9_", "Zm9!", "Zm9\xc3\xa9", NULL,
	};
	struct yk_buf b = {0};

	(void)state;
	for (int i = 0; bad[i]; i++)
		if (yk_b64_decode(&b, bad[i], strlen(bad[i])) != -1)
			fail_msg("bad base64 accepted: '%s'", bad[i]);
	yk_buf_free(&b);
}

/* U+0080..U+009F are valid raw in a JSON string but controls to a
 * terminal (U+009B is CSI): written escaped, the same string. */
static void
test_c1_escaped(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_json_str(&b, "a\xc2\x9b" "b\xc2\xa0\xc2\x80", 8);
	assert_string_equal(b.p, "\"a\\u009bb\xc2\xa0\\u0080\"");
	yk_buf_truncate(&b, 0);
	yk_json_minify(&b, "{ \"\xc2\x9b\": \"x\xc2\x9d\\\"\" }", 17);
	assert_string_equal(b.p, "{\"\\u009b\":\"x\\u009d\\\"\"}");
	assert_true(yk_json_valid(b.p, b.len));
	yk_buf_free(&b);
}

/* A JSON number and nothing else: what robots send as numbers is read so,
 * never as C's strtod would take it (hex, trailing text, blanks). */
static void
test_num(void **state)
{
	static const char *const bad[] = {
		"0x50", "12abc", " 1", "1 ", "+1", "01", ".5", "1.", "1e",
		"1e999", "-", "\"1\"", "true", "null", "nan", "inf", "", NULL};
	double d;

	(void)state;
	assert_true(yk_json_num("80", 2, &d));
	assert_true(d == 80);
	assert_true(yk_json_num("-0.25e2", 7, &d));
	assert_true(d == -25);
	/* a length, not a NUL, ends it */
	assert_true(yk_json_num("12abc", 2, &d));
	assert_true(d == 12);
	for (int i = 0; bad[i]; i++) {
		d = 7;
		assert_false(yk_json_num(bad[i], strlen(bad[i]), &d));
		assert_true(d == 7);
	}
}

/* Members spliced after our own fields: minified, the named one left
 * out; not an object: nothing. */
static void
test_members(void **state)
{
	struct yk_buf b = {0};
	const char *o = "{ \"key\" : \"other\", \"a\" : [1, 2],\"b\":{\"key\":1} }";

	(void)state;
	yk_buf_adds(&b, "{\"key\":\"mine\"");
	assert_true(yk_json_members(&b, o, strlen(o), "key"));
	yk_buf_addc(&b, '}');
	assert_string_equal(b.p, "{\"key\":\"mine\",\"a\":[1,2],"
				 "\"b\":{\"key\":1}}");
	yk_buf_truncate(&b, 0);
	assert_false(yk_json_members(&b, "[1]", 3, "key"));
	assert_false(yk_json_members(&b, "{", 1, "key"));
	assert_false(yk_json_members(&b, "", 0, "key"));
	assert_int_equal(b.len, 0);
	yk_buf_free(&b);
}

static void
ts_is(int64_t us, const char *want)
{
	struct yk_buf b = {0};

	yk_json_ts(&b, us);
	assert_string_equal(b.p, want);
	yk_buf_free(&b);
}

static void
test_ts(void **state)
{
	(void)state;
	/* seconds, then always six digits of microseconds */
	ts_is(1795300718861248LL, "1795300718.861248");
	ts_is(1000001, "1.000001");
	ts_is(1000010, "1.000010");
	ts_is(1100000, "1.100000");
	ts_is(0, "0.000000");
	ts_is(7, "0.000007");
	ts_is(999999, "0.999999");
	ts_is(1000000, "1.000000");
	ts_is(INT64_MAX, "9223372036854.775807");
}

/* A time token read back: what yk_json_ts writes, to the microsecond. */
static void
test_ts_us(void **state)
{
	static const int64_t t[] = {0, 7, 999999, 1000000, 1795300718861248LL};
	struct yk_buf b = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		yk_buf_truncate(&b, 0);
		yk_json_ts(&b, t[i]);
		assert_int_equal(yk_json_ts_us(b.p, b.len), t[i]);
	}
	yk_buf_free(&b);
	assert_int_equal(yk_json_ts_us(S("1795300718")), 1795300718000000LL);
	/* no date: what is no number, or does not fit */
	assert_int_equal(yk_json_ts_us(S("\"1795300718\"")), 0);
	assert_int_equal(yk_json_ts_us(S("null")), 0);
	assert_int_equal(yk_json_ts_us(S("1e300")), 0);
	assert_int_equal(yk_json_ts_us(S("-1e300")), 0);
	assert_int_equal(yk_json_ts_us(S("")), 0);
}

static void
test_strdup(void **state)
{
	char *s;

	(void)state;
	s = yk_json_strdup(S("\"a\\u0062\\n\""));
	assert_string_equal(s, "ab\n");
	free(s);
	s = yk_json_strdup(S("\"\""));
	assert_string_equal(s, "");
	free(s);
	assert_null(yk_json_strdup(S("7")));
	assert_null(yk_json_strdup(S("null")));
	assert_null(yk_json_strdup(S("\"")));
	assert_null(yk_json_strdup(S("")));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid_values),
		cmocka_unit_test(test_c1_escaped),
		cmocka_unit_test(test_invalid_values),
		cmocka_unit_test(test_valid_uses_length),
		cmocka_unit_test(test_valid_depth_cap),
		cmocka_unit_test(test_minify),
		cmocka_unit_test(test_minify_appends),
		cmocka_unit_test(test_str_escapes),
		cmocka_unit_test(test_str_worst_case),
		cmocka_unit_test(test_strz),
		cmocka_unit_test(test_utf8_valid),
		cmocka_unit_test(test_unescape),
		cmocka_unit_test(test_unescape_appends),
		cmocka_unit_test(test_unescape_empty_is_a_string),
		cmocka_unit_test(test_unescape_strict),
		cmocka_unit_test(test_unescape_refuses),
		cmocka_unit_test(test_obj_iter),
		cmocka_unit_test(test_obj_iter_empty_and_refused),
		cmocka_unit_test(test_key_is),
		cmocka_unit_test(test_b64_rfc4648),
		cmocka_unit_test(test_b64_round_trip),
		cmocka_unit_test(test_b64_encode_appends),
		cmocka_unit_test(test_b64_decode_refuses),
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_members),
		cmocka_unit_test(test_ts),
		cmocka_unit_test(test_ts_us),
		cmocka_unit_test(test_strdup),
	};

	return cmocka_run_group_tests_name("json", tests, NULL, NULL);
}
