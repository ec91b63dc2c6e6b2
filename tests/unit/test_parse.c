/*
 * test_parse.c - strict decimal numbers (lib/parse.h): what options,
 * config lines, input fields and the backend's answer may hold.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <limits.h>
#include <stdint.h>

#include <cmocka.h>

#include "parse.h"

static void
test_parse(void **state)
{
	long l = 0;
	double d = 0;

	(void)state;
	assert_int_equal(yk_parse_long("42", 0, 100, &l), 0);
	assert_int_equal(l, 42);
	assert_int_equal(yk_parse_long("-5", -10, 10, &l), 0);
	assert_int_equal(l, -5);
	l = 7;
	assert_int_equal(yk_parse_long("101", 0, 100, &l), -1);
	assert_int_equal(yk_parse_long("", 0, 100, &l), -1);
	assert_int_equal(yk_parse_long("4x", 0, 100, &l), -1);
	/* no value at all (a JSON "" taken as NULL) is not a number */
	assert_int_equal(yk_parse_long(NULL, 0, 100, &l), -1);
	assert_int_equal(yk_parse_double(NULL, 0, 100, &d), -1);
	assert_int_equal(yk_parse_long("99999999999999999999", 0, 100, &l),
			 -1);
	/* a refused value leaves the variable alone */
	assert_int_equal(l, 7);
	assert_int_equal(yk_parse_double("0.25", 0, 1, &d), 0);
	assert_true(d == 0.25);
	assert_int_equal(yk_parse_double("nan", -1e9, 1e9, &d), -1);
	assert_int_equal(yk_parse_double("1e400", 0, 1e308, &d), -1);
	assert_int_equal(yk_parse_double("1.5", 0, 1, &d), -1);
	assert_true(d == 0.25);
	/* what a caller may hand on from input: nothing, blanks, garbage */
	assert_int_equal(yk_parse_long(NULL, 0, 100, &l), -1);
	assert_int_equal(yk_parse_long(" 5", 0, 100, &l), -1);
	assert_int_equal(yk_parse_long("5 ", 0, 100, &l), -1);
	assert_int_equal(yk_parse_long("0x5", 0, 100, &l), -1);
	assert_int_equal(yk_parse_long("-", -10, 10, &l), -1);
	assert_int_equal(yk_parse_long("-99999999999999999999", LONG_MIN, 0,
				       &l), -1);
	assert_int_equal(l, 7);
	assert_int_equal(yk_parse_double(NULL, 0, 1, &d), -1);
	assert_int_equal(yk_parse_double("", 0, 1, &d), -1);
	assert_int_equal(yk_parse_double(" 1", 0, 1, &d), -1);
	assert_int_equal(yk_parse_double("1 ", 0, 1, &d), -1);
	assert_int_equal(yk_parse_double("inf", -1e9, 1e9, &d), -1);
	assert_int_equal(yk_parse_double("-infinity", -1e9, 1e9, &d), -1);
	assert_int_equal(yk_parse_double("0x1p3", 0, 100, &d), -1);
	assert_int_equal(yk_parse_double("1e", 0, 100, &d), -1);
	assert_int_equal(yk_parse_double(".", 0, 100, &d), -1);
	assert_int_equal(yk_parse_double("-", -1, 1, &d), -1);
	assert_int_equal(yk_parse_double("1e-400", -1, 1, &d), -1);
	assert_true(d == 0.25);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
	};

	return cmocka_run_group_tests_name("parse", tests, NULL, NULL);
}
