/*
 * dtoa.c - the shortest exact "%.*g" of a double or a float (dtoa.h).
 *
 * The fast path finds the digits as printf would, by double arithmetic
 * that is exact in its range: a * 10^k is correctly rounded while 10^|k|
 * is a power a double holds (|k| <= 22), and an integer below 2^53
 * rounds to even with one addition.  What it cannot do exactly, it
 * leaves to snprintf and strtod.
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dtoa.h"

/* Powers of ten a double holds exactly. */
static const double p10[] = {
	1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

/* y rounded to an integer, ties to even, for 0 <= y < 2^52: adding 2^52
 * leaves no fraction bits (nearbyint without its library call). */
static double
round_even(double y)
{
	volatile double t = y + 4503599627370496.0;

	return t - 4503599627370496.0;
}

/* a * 10^e, correctly rounded when 10^|e| is exact (|e| <= 22). */
static double
scale10(double a, int e)
{
	return e >= 0 ? a * p10[e] : a / p10[-e];
}

/*
 * What snprintf "%.*g" prints for the p-digit decimal m * 10^(x-p+1)
 * (10^(p-1) <= m < 10^p): trailing zeros dropped, exponent form when x <
 * -4 or x >= p.  Returns its length.
 */
static int
format_g(char *s, bool neg, uint64_t m, int p, int x)
{
	char d[20];
	int k = p, n = 0, i;

	for (i = p - 1; i >= 0; i--) {
		d[i] = (char)('0' + m % 10);
		m /= 10;
	}
	while (k > 1 && d[k - 1] == '0')
		k--;
	if (neg)
		s[n++] = '-';
	if (x < -4 || x >= p) {
		s[n++] = d[0];
		if (k > 1) {
			s[n++] = '.';
			memcpy(s + n, d + 1, (size_t)k - 1);
			n += k - 1;
		}
		n += sprintf(s + n, "e%c%02d", x < 0 ? '-' : '+', abs(x));
	} else if (x >= 0) {
		for (i = 0; i < k || i <= x; i++) {
			if (i == x + 1)
				s[n++] = '.';
			s[n++] = i < k ? d[i] : '0';
		}
	} else {
		s[n++] = '0';
		s[n++] = '.';
		for (i = 0; i < -x - 1; i++)
			s[n++] = '0';
		memcpy(s + n, d, (size_t)k);
		n += k;
	}
	s[n] = '\0';
	return n;
}

/*
 * The first of %.{lo..17}g that reads back as v (float: as (float)v),
 * lo being 6 for a float and 15 for a double (1 for a subnormal).
 * First the digits by double arithmetic: m = v * 10^e rounded, checked by m / 10^e, which is
 * exactly what strtod would read back while m < 2^53 and 10^|e| is
 * exact.  Outside that (tiny, huge, 16-17 digits), printf.
 */
static int
shortest(char *s, double v, bool single)
{
	double a = fabs(v);
	int lo = single ? 6 : 15, hi = single ? 9 : 15, x, e2, len = 0;

	if (!isfinite(v))
		return snprintf(s, YK_DTOA_MAX, "%g", v);
	/* a subnormal has fewer bits than DBL_DIG (FLT_DIG) digits need:
	 * from 1 digit up, by printf (the fast path cannot reach it) */
	if (a < (single ? FLT_MIN : DBL_MIN))
		lo = 1;
	if (a == 0) {
		len = signbit(v) ? 2 : 1;
		memcpy(s, signbit(v) ? "-0" : "0", (size_t)len + 1);
		return len;
	}
	/* floor(log10(a)), or one less: fixed below (log10 costs more
	 * than the rest of this together).  frexp, not ilogb: libc has
	 * it, so yoke-pub and yoke-sub need not load libm at start */
	(void)frexp(a, &e2);
	x = (int)floor((e2 - 1) * 0.30102999566398120);
	for (int p = lo; p <= hi && len == 0; p++) {
		/* the exponent at this precision: one more where rounding
		 * carried (0.099999972 to 6 digits is 0.100000), which
		 * must not carry over to the next precision */
		int xp = x;
		double m, back;

		if (p - 1 - xp > 22 || p - 1 - xp < -22)
			break;
		m = round_even(scale10(a, p - 1 - xp));
		if (m >= p10[p] || m < p10[p - 1]) {
			xp += m >= p10[p] ? 1 : -1;
			if (p - 1 - xp > 22 || p - 1 - xp < -22)
				break;
			m = round_even(scale10(a, p - 1 - xp));
			if (m >= p10[p] || m < p10[p - 1])
				break;
		}
		back = scale10(m, xp - p + 1);
		if (single ? (float)back == (float)a : back == a)
			len = format_g(s, v < 0, (uint64_t)m, p, xp);
	}
	for (int prec = lo; len == 0 && prec <= 17; prec++) {
		snprintf(s, YK_DTOA_MAX, "%.*g", prec, v);
		if (single ? (float)strtod(s, NULL) == (float)v
			   : strtod(s, NULL) == v)
			len = (int)strlen(s);
	}
	return len;
}

int
yk_dtoa_double(char s[YK_DTOA_MAX], double v)
{
	return shortest(s, v, false);
}

int
yk_dtoa_float(char s[YK_DTOA_MAX], float v)
{
	return shortest(s, v, true);
}

/* When the digits make an integer below 10^15 and the power of ten is
 * exact, one multiplication or division rounds exactly as strtod does
 * (Clinger's fast path).  Anything else: strtod. */
double
yk_dtoa_strtod(const char *s)
{
	const char *p = s + (*s == '-');
	uint64_t m = 0;
	int e = 0, x = 0;
	double r;

	for (; *p >= '0' && *p <= '9'; p++) {
		if (m >= 100000000000000ULL)
			return strtod(s, NULL);
		m = m * 10 + (uint64_t)(*p - '0');
	}
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++, e--) {
			if (m >= 100000000000000ULL)
				return strtod(s, NULL);
			m = m * 10 + (uint64_t)(*p - '0');
		}
	if (*p == 'e' || *p == 'E') {
		bool neg = *++p == '-';

		p += *p == '-' || *p == '+';
		for (; *p >= '0' && *p <= '9' && x < 1000; p++)
			x = x * 10 + (*p - '0');
		e += neg ? -x : x;
	}
	if (*p != '\0' || e < -22 || e > 22)
		return strtod(s, NULL);
	r = scale10((double)m, e);
	return *s == '-' ? -r : r;
}
