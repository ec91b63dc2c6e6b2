/*
 * test_follow.c - fleet channel watchers (lib/fleet/follow.h): the expression
 * from PATTERN, the robot of a key, and the spliced JSON line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "follow.h"

static const struct yk_scope sc = {.root = "yoke", .org = "acme"};

static void
test_expr(void **state)
{
	struct yk_kexpr ke = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_follow_expr(&ke, &sc, "*", "log", &err), YK_OK);
	assert_string_equal(ke.filter, "yoke/acme/+/log");
	yk_kexpr_free(&ke);
	assert_int_equal(yk_follow_expr(&ke, &sc, "arm-1/telemetry",
					"telemetry", &err), YK_OK);
	assert_string_equal(ke.filter, "yoke/acme/arm-1/telemetry");
	yk_kexpr_free(&ke);
	assert_int_equal(yk_follow_expr(&ke, &sc, "a/+", "log", &err),
			 YK_EUSAGE);
	assert_non_null(strstr(err.msg, "'a/+'"));
	yk_kexpr_free(&ke);
}

static void
test_robot_json(void **state)
{
	struct yk_buf r = {0}, b = {0};

	(void)state;
	assert_true(yk_follow_robot(&r, "arm-1/log", "log"));
	assert_string_equal(r.p, "arm-1");
	assert_false(yk_follow_robot(&r, "arm-1/blog", "log"));
	assert_false(yk_follow_robot(&r, "/log", "log"));
	assert_true(yk_follow_json(&b, "arm-1", " { \"a\" : 1 } ", 13));
	assert_true(yk_follow_json(&b, "x\"", "{}", 2));
	assert_false(yk_follow_json(&b, "x", "[1]", 3));
	assert_false(yk_follow_json(&b, "x", "{", 1));
	assert_string_equal(b.p, "{\"robot\":\"arm-1\",\"a\":1}\n"
			    "{\"robot\":\"x\\\"\"}\n");
	yk_buf_free(&r);
	yk_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expr),
		cmocka_unit_test(test_robot_json),
	};

	return cmocka_run_group_tests_name("follow", tests, NULL, NULL);
}
