/*
 * test_logline.c - log entries (lib/logline.h): the payload, the 10,000
 * character cut, reading entries back, level ranks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

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

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_rank),
	};

	return cmocka_run_group_tests_name("logline", tests, NULL, NULL);
}
