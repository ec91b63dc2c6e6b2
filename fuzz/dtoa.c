/*
 * dtoa.c - libFuzzer target for lib/dtoa.h, checked against libc.
 *
 * The input's first 8 bytes (zero-padded) are a double's bits, its first
 * 4 a float's; the whole input, as text, a candidate JSON number.  What
 * holds, for every finite value:
 * - exact: strtod of the output gives the same bits (a float: as
 *   (float)strtod), and so does yk_dtoa_strtod; the output is a JSON
 *   number;
 * - fewest digits: no "%.*g" with fewer significant digits than the
 *   output reads back as the value;
 * - notation: the output is what snprintf "%.*g" prints at the first
 *   precision from 15 (a float: 6; a subnormal: 1) that reads back.
 * And for text that is a JSON number: yk_dtoa_strtod reads it as strtod
 * does, bit for bit.  Any mismatch aborts, naming both.
 *
 * `make fuzz` builds it with clang and runs it (FUZZ_SECONDS).
 */
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>

#include "dtoa.h"
#include "fuzz.h"
#include "json.h"

static void
mismatch(const char *what, const char *got, const char *want)
{
	fprintf(stderr, "dtoa: %s: '%s', want '%s'\n", what, got, want);
	abort();
}

/* s, read back the way v's type is: the same bits? */
static bool
reads_back(const char *s, double v, bool single)
{
	double r = strtod(s, NULL);

	if (single) {
		float a = (float)r, b = (float)v;

		return memcmp(&a, &b, sizeof(a)) == 0;
	}
	return memcmp(&r, &v, sizeof(r)) == 0;
}

/* Significant digits of a "%g" string: from its first non-zero digit
 * to its last (the zeros of 562949953945600 hold places, not digits). */
static int
sig_digits(const char *s)
{
	int n = 0, last = 0;

	for (; *s && *s != 'e'; s++) {
		if (*s < '0' || *s > '9' || (n == 0 && *s == '0'))
			continue;
		n++;
		if (*s != '0')
			last = n;
	}
	return last ? last : 1;
}

static void
check(double v, bool single)
{
	char out[YK_DTOA_MAX], want[64];
	bool sub = v != 0 && fabs(v) < (single ? FLT_MIN : DBL_MIN);
	int len, p, lo = sub ? 1 : single ? 6 : 15;
	double back;

	len = single ? yk_dtoa_float(out, (float)v) : yk_dtoa_double(out, v);
	if (len != (int)strlen(out) || len >= YK_DTOA_MAX)
		mismatch("length", out, "its strlen");
	if (!reads_back(out, v, single))
		mismatch("does not read back", out, "the same bits");
	back = yk_dtoa_strtod(out);
	if (!reads_back(out, back, false))
		mismatch("yk_dtoa_strtod differs", out, "strtod's");
	if (!yk_json_valid(out, (size_t)len))
		mismatch("not a JSON number", out, "one");
	for (p = 1; p < sig_digits(out); p++) {
		snprintf(want, sizeof(want), "%.*g", p, v);
		if (reads_back(want, v, single))
			mismatch("not the fewest digits", out, want);
	}
	for (p = lo; p <= 17; p++) {
		snprintf(want, sizeof(want), "%.*g", p, v);
		if (reads_back(want, v, single))
			break;
	}
	if (strcmp(out, want) != 0)
		mismatch("not %.*g's notation", out, want);
}

/* s is a JSON number by RFC 8259 (what yk_dtoa_strtod is for). */
static bool
json_number(const char *s, size_t n)
{
	return n > 0 && (*s == '-' || (*s >= '0' && *s <= '9')) &&
	       s[n - 1] >= '0' && s[n - 1] <= '9' && yk_json_valid(s, n);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char bits[8] = {0};
	char *text;
	double d;
	float f;

	memcpy(bits, data, size < 8 ? size : 8);
	memcpy(&d, bits, sizeof(d));
	memcpy(&f, bits, sizeof(f));
	if (isfinite(d))
		check(d, false);
	if (isfinite(f))
		check(f, true);

	fuzz_split(data, size, &text, 1);
	if (strlen(text) == size && json_number(text, size)) {
		double a = yk_dtoa_strtod(text), b = strtod(text, NULL);

		if (memcmp(&a, &b, sizeof(a)) != 0) {
			char ga[64], gb[64];

			snprintf(ga, sizeof(ga), "%a", a);
			snprintf(gb, sizeof(gb), "%a", b);
			fprintf(stderr, "dtoa: '%s' read as %s, strtod %s\n",
				text, ga, gb);
			abort();
		}
	}
	free(text);
	return 0;
}
