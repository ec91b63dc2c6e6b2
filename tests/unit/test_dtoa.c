/*
 * test_dtoa.c - lib/dtoa.h: doubles and floats printed in the fewest
 * digits that read back exactly, in "%.*g" notation, and JSON numbers
 * read back as strtod reads them.
 *
 * What users see: 21.3 stays 21.3 (not 21.300000000000001), 0.1f is
 * 0.1, a value that needs 17 digits gets them, and nothing printed
 * reads back as another value.  fuzz/dtoa.c checks the same properties
 * on any bit pattern; here, values whose text is known, and a sweep of
 * 200,000 bit patterns for exactness.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <float.h>
#include <math.h>

#include "dtoa.h"

static void
double_is(double v, const char *want)
{
	char s[YK_DTOA_MAX];
	int n = yk_dtoa_double(s, v);

	assert_string_equal(s, want);
	assert_int_equal(n, (int)strlen(want));
}

static void
float_is(float v, const char *want)
{
	char s[YK_DTOA_MAX];
	int n = yk_dtoa_float(s, v);

	assert_string_equal(s, want);
	assert_int_equal(n, (int)strlen(want));
}

static void
test_doubles(void **state)
{
	(void)state;
	double_is(0.1, "0.1");
	double_is(21.3, "21.3");
	double_is(-1.5, "-1.5");
	double_is(100, "100");
	double_is(0.1 + 0.2, "0.30000000000000004");
	double_is(1.0 / 3, "0.3333333333333333");
	double_is(2.0 / 3, "0.6666666666666666");
	double_is(1795300718.861248, "1795300718.861248");
	/* %.15g's notation: fixed up to 15 digits before the point, and
	 * down to 0.0001 */
	double_is(1e10, "10000000000");
	double_is(1e14, "100000000000000");
	double_is(1e15, "1e+15");
	double_is(0.0001, "0.0001");
	double_is(1e-5, "1e-05");
	double_is(2.5e-5, "2.5e-05");
	double_is(1e22, "1e+22");
	double_is(1e23, "1e+23"); /* not exact in binary: printf's path */
	double_is(1e100, "1e+100");
	double_is(123456789012345680.0, "1.2345678901234568e+17");
	double_is(9007199254740992.0, "9007199254740992");
	double_is(1.23456e-298, "1.23456e-298");
	double_is(DBL_MAX, "1.7976931348623157e+308");
	double_is(-DBL_MAX, "-1.7976931348623157e+308");
	double_is(DBL_MIN, "2.2250738585072014e-308");
	/* subnormals: fewer bits, so fewer digits than 15 may do */
	double_is(4.9406564584124654e-324, "5e-324");
	double_is(-4.9406564584124654e-324, "-5e-324");
	double_is(6.09331161016009e-320, "6.0933e-320");
	double_is(2.2250738585072009e-308, "2.225073858507201e-308");
	double_is(0.0, "0");
	double_is(-0.0, "-0");
	/* not numbers: as %g says them, the caller picks its words */
	double_is(NAN, "nan");
	double_is(INFINITY, "inf");
	double_is(-INFINITY, "-inf");
}

static void
test_floats(void **state)
{
	(void)state;
	float_is(0.1f, "0.1");
	float_is(0.3f, "0.3");
	float_is(-2.5f, "-2.5");
	float_is(100.0f, "100");
	float_is(1.0f / 3, "0.33333334");
	float_is(3.14159265f, "3.1415927");
	float_is(16777216.0f, "16777216");
	float_is(1e10f, "1e+10");
	float_is(1e-10f, "1e-10");
	/* above FLT_MAX as a double, but it rounds to FLT_MAX as a float */
	float_is(FLT_MAX, "3.4028235e+38");
	float_is(FLT_MIN, "1.1754944e-38");
	float_is(1.40129846e-45f, "1e-45"); /* the least subnormal */
	float_is(1.1754942e-38f, "1.1754942e-38");
	/* rounding to 6 digits carries (0.100000): 7 digits are still
	 * counted from the value's own exponent */
	float_is(0.099999972f, "0.09999997");
	float_is(-0.0f, "-0");
	float_is(INFINITY, "inf");
}

static uint64_t
xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* Any bit pattern (subnormals, huge, tiny, every sign) prints as text
 * that strtod reads back to the same bits, and yk_dtoa_strtod reads it
 * as strtod does. */
static void
test_exact_sweep(void **state)
{
	uint64_t x = 0x9e3779b97f4a7c15u;
	char s[YK_DTOA_MAX];

	(void)state;
	for (int i = 0; i < 200000; i++) {
		uint64_t bits = xorshift(&x), back;
		uint32_t fbits = (uint32_t)bits, fback;
		double v, r;
		float f;

		memcpy(&v, &bits, sizeof(v));
		if (isfinite(v)) {
			yk_dtoa_double(s, v);
			r = strtod(s, NULL);
			memcpy(&back, &r, sizeof(back));
			if (back != bits)
				fail_msg("%a printed as %s", v, s);
			r = yk_dtoa_strtod(s);
			memcpy(&back, &r, sizeof(back));
			if (back != bits)
				fail_msg("%s read as %a", s, r);
		}
		memcpy(&f, &fbits, sizeof(f));
		if (isfinite(f)) {
			yk_dtoa_float(s, f);
			f = (float)strtod(s, NULL);
			memcpy(&fback, &f, sizeof(fback));
			if (fback != fbits)
				fail_msg("float %08x printed as %s", fbits, s);
		}
	}
}

static void
strtod_is(const char *s)
{
	double a = yk_dtoa_strtod(s), b = strtod(s, NULL);

	if (memcmp(&a, &b, sizeof(a)) != 0)
		fail_msg("'%s': %a, strtod says %a", s, a, b);
}

/* The fast path where it is exact, strtod where it is not. */
static void
test_strtod(void **state)
{
	static const char *const in[] = {
		"0", "-0", "0.1", "-0.1", "21.3", "1e22", "1e-22", "1e23",
		"1e-23", "123.456e-5", "1E5", "1e+5", "5e-324", "4.9e-324",
		"2.2250738585072011e-308", "1.7976931348623157e308",
		"1.8e308",          /* inf, as strtod says */
		"999999999999999",  /* 15 digits: still the fast path */
		"9999999999999999", /* 16: strtod */
		"9007199254740993", /* 2^53 + 1: rounds to even */
		"0.000000000000000000000000001", "100000000000000000000000",
		"1e0000000000000000000000005", "1e-99999",
		"3.4028235e+38", "-12345678901234567890.123e-3",
	};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++)
		strtod_is(in[i]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_doubles),
	    cmocka_unit_test(test_floats),
	    cmocka_unit_test(test_exact_sweep),
	    cmocka_unit_test(test_strtod),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
