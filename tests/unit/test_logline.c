/*
 * test_logline.c - log entries (lib/fleet/logline.h): the payload, the 10,000
 * character cut, reading entries back, level ranks, the record printed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "json.h"
#include "logline.h"

#define T0 1795300718861248LL

static void
test_json(void **state)
{
	struct yk_buf b = {0}, tmp = {0}, big = {0};

	(void)state;
	assert_false(yk_logline_json(&b, &tmp, "warn", "a \"b\"\n", 6, T0));
	assert_string_equal(b.p, "{\"level\":\"warn\",\"message\":"
			    "\"a \\\"b\\\"\\n\",\"ts\":1795300718.861248}");
	for (int i = 0; i < YK_LOG_MAX_CHARS + 1; i++)
		yk_buf_adds(&big, "\xe2\x82\xac"); /* € */
	yk_buf_truncate(&b, 0);
	assert_true(yk_logline_json(&b, &tmp, "info", big.p, big.len, T0));
	assert_true(yk_json_valid(b.p, b.len));
	/* {"level":"info","message":" 27 bytes, 10,000 x 3, ","ts":...} 25 */
	assert_int_equal(b.len, 27 + 3 * YK_LOG_MAX_CHARS + 25);
	yk_buf_truncate(&b, 0);
	assert_false(yk_logline_json(&b, &tmp, "info", "\xff", 1, T0));
	assert_string_equal(b.p, "{\"level\":\"info\",\"message\":"
			    "\"\xef\xbf\xbd\",\"ts\":1795300718.861248}");
	yk_buf_free(&b);
	yk_buf_free(&tmp);
	yk_buf_free(&big);
}

static void
test_parse(void **state)
{
	struct yk_logline l = {0};
	const char *e = "{\"ts\":1795300718.5,\"message\":\"x\\ty\","
			"\"level\":\"error\",\"other\":[1]}";

	(void)state;
	assert_int_equal(yk_logline_parse(&l, e, strlen(e)), 0);
	assert_string_equal(l.level.p, "error");
	assert_string_equal(l.message.p, "x\ty");
	assert_int_equal(l.ts_us, 1795300718500000LL);
	e = "{\"level\":\"\",\"message\":\"m\"}";
	assert_int_equal(yk_logline_parse(&l, e, strlen(e)), 0);
	assert_string_equal(l.level.p, "");
	assert_int_equal(l.ts_us, -1);
	e = "{\"level\":\"info\"}";
	assert_int_equal(yk_logline_parse(&l, e, strlen(e)), -1);
	e = "{\"level\":1,\"message\":\"m\"}";
	assert_int_equal(yk_logline_parse(&l, e, strlen(e)), -1);
	assert_int_equal(yk_logline_parse(&l, "text", 4), -1);
	yk_logline_free(&l);
}

/* The record, both forms: the level coloured and cut, lines continued
 * under the robot, the payload's members after the robot. */
static void
test_print(void **state)
{
	struct yk_logline l = {0};
	struct yk_buf b = {0};
	struct yk_print t = {.b = &b, .colour = true};
	struct yk_print j = {.b = &b, .json = true};
	const char *e = "{\"level\":\"warn\",\"message\":\"a\\nb\\u001b\","
			"\"ts\":1795300718.5}";
	char want[128];
	time_t at = 1795300718;
	struct tm tm;

	(void)state;
	localtime_r(&at, &tm);
	strftime(want, sizeof(want), "%H:%M:%S", &tm);
	strcat(want, " arm-1 \033[33mWARN\033[0m a\n         b?\n");
	assert_int_equal(yk_logline_parse(&l, e, strlen(e)), 0);
	assert_true(yk_logline_print(&t, "arm-1", &l, e, strlen(e)));
	assert_string_equal(b.p, want);
	yk_buf_truncate(&b, 0);
	assert_true(yk_logline_print(&j, "arm-1", &l, e, strlen(e)));
	assert_string_equal(b.p, "{\"robot\":\"arm-1\",\"level\":\"warn\","
			    "\"message\":\"a\\nb\\u001b\",\"ts\":"
			    "1795300718.5}\n");
	/* a level of a robot's own: no colour, cut at 12 columns */
	e = "{\"level\":\"notice-me-please\",\"message\":\"m\"}";
	assert_int_equal(yk_logline_parse(&l, e, strlen(e)), 0);
	yk_buf_truncate(&b, 0);
	assert_true(yk_logline_print(&t, "r", &l, e, strlen(e)));
	assert_non_null(strstr(b.p, " r NOTICE-ME-P\xe2\x80\xa6 m\n"));
	yk_logline_free(&l);
	yk_buf_free(&b);
}

static void
test_rank(void **state)
{
	(void)state;
	assert_int_equal(yk_logline_rank("debug"), 0);
	assert_int_equal(yk_logline_rank("info"), 1);
	assert_int_equal(yk_logline_rank("warn"), 2);
	assert_int_equal(yk_logline_rank("error"), 3);
	assert_int_equal(yk_logline_rank("fatal"), 1);
}

#define G(line, prev) yk_logline_guess(line, strlen(line), prev)

/* --level auto: the prefixes of yoke-log(1), and what is not one. */
static void
test_guess(void **state)
{
	static const struct {
		const char *line, *level;
	} cases[] = {
		/* level words, any case, bare or bracketed */
		{"ERROR disk full", "error"},
		{"error: disk full", "error"},
		{"Error: disk full", "error"},
		{"ERR boom", "error"},
		{"FATAL: out of memory", "error"},
		{"CRITICAL:root:boom", "error"},
		{"panic: runtime error", "error"},
		{"SEVERE: x", "error"},
		{"[error] x", "error"},
		{"(warn) x", "warn"},
		{"<warning> x", "warn"},
		{"WARN x", "warn"},
		{"WARNING:root:low battery", "warn"},
		{"warning| x", "warn"},
		{"INFO starting", "info"},
		{"notice: x", "info"},
		{"DEBUG x", "debug"},
		{"trace: x", "debug"},
		{"[VERBOSE] x", "debug"},
		{"  ERROR indented", "error"},
		{"ERROR", "error"},
		{"Traceback (most recent call last):", "error"},
		{"Exception in thread \"main\" java.lang.Error", "error"},
		/* logcat, glog, syslog priorities */
		{"E/AndroidRuntime: FATAL EXCEPTION", "error"},
		{"W/Camera( 123): slow", "warn"},
		{"I/ActivityManager: start", "info"},
		{"D/Tag: x", "debug"},
		{"V/Tag: x", "debug"},
		{"F/libc: abort", "error"},
		{"E1204 18:00:00.123456  1234 main.cc:12] failed", "error"},
		{"W1204 18:00:00.1 1 a.cc:1] slow", "warn"},
		{"I1204 18:00:00.1 1 a.cc:1] ok", "info"},
		{"<3>kernel: oops", "error"},
		{"<4>x", "warn"},
		{"<6>x", "info"},
		{"<7>x", "debug"},
		/* after timestamps */
		{"2026-12-04 18:00:00,123 ERROR root: boom", "error"},
		{"2026-12-04T18:00:00Z WARN x", "warn"},
		{"18:00:00 - DEBUG - x", "debug"},
		{"18:00:00.5 | warn | x", "warn"},
		{"[2026-12-04 18:00:00] [error] x", "error"},
		{"[18:00:00] INFO x", "info"},
		/* no prefix: info */
		{"disk full", "info"},
		{"errors: 0", "info"},
		{"information", "info"},
		{"Errored out", "info"},
		{"a warning: x", "info"},
		{"ERROR2 x", "info"},
		{"E/", "error"},
		{"E123", "info"},
		{"X1204 x", "info"},
		{"<8>x", "info"},
		{"2026-12-04 hello ERROR", "info"},
		{"", "info"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = G(cases[i].line, NULL);

		if (strcmp(got, cases[i].level) != 0)
			fail_msg("'%s': %s, want %s", cases[i].line, got,
				 cases[i].level);
	}
}

/* A line with no prefix that starts with a blank continues the one
 * before (a traceback stays error); other lines without one are info. */
static void
test_guess_continued(void **state)
{
	(void)state;
	assert_string_equal(G("  File \"x.py\", line 1", "error"), "error");
	assert_string_equal(G("\tat Foo.bar(Foo.java:1)", "warn"), "warn");
	assert_string_equal(G("  File \"x.py\", line 1", NULL), "info");
	assert_string_equal(G("next line", "error"), "info");
	assert_string_equal(G("  DEBUG x", "error"), "debug");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guess),
		cmocka_unit_test(test_guess_continued),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_print),
		cmocka_unit_test(test_rank),
	};

	return cmocka_run_group_tests_name("logline", tests, NULL, NULL);
}
