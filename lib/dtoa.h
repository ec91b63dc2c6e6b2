/*
 * dtoa.h - a double or a float in the fewest significant digits that
 * read back as exactly that value, in snprintf's "%.*g" form; and a
 * JSON number read back, as strtod does.
 *
 * What always holds, for every finite value (fuzz/dtoa.c checks it
 * against libc's snprintf and strtod):
 * - exact: strtod(3) of the output gives the same double, bit for bit
 *   (for a float: (float)strtod gives the same float; -0 stays -0);
 * - fewest digits: no "%.*g" with fewer significant digits reads back as
 *   the value;
 * - the output is byte for byte what snprintf "%.*g" prints with the
 *   precision P = the first of 15, 16, 17 (a float: 6 .. 9) that reads
 *   back; starting at 15 (6) costs a normal value no digit, since every
 *   decimal of up to DBL_DIG (FLT_DIG) digits survives the trip through
 *   the type, and it keeps the notation a C or C++ program's "%.15g"
 *   prints: 1e10 is 10000000000, 1e15 is 1e+15, 0.0001 is 0.0001 and
 *   1e-05 is 1e-05.  A subnormal has fewer bits, so P starts at 1 for
 *   it (5e-324, not 4.94065645841247e-324).
 * NaN and infinities come out as "%g" prints them ("nan", "-inf"): the
 * caller decides what its format calls them (JSON has no word).
 *
 * Why not printf alone: printf and strtod cost most of a protobuf to
 * JSON conversion (perf: 75% of an EdgeTelemetry's), so the digits are
 * found by double arithmetic where that is exact (see dtoa.c), and
 * printf is left the tiny, the huge and 16-17 digits.
 */
#ifndef YK_DTOA_H
#define YK_DTOA_H

/* Room for the longest output and its NUL ("-2.2250738585072014e-308"
 * is 24 bytes). */
#define YK_DTOA_MAX 40

/* Write v into s (NUL-terminated); returns the length. */
int yk_dtoa_double(char s[YK_DTOA_MAX], double v);
int yk_dtoa_float(char s[YK_DTOA_MAX], float v);

/*
 * The way back: s, a JSON number (RFC 8259's grammar) ending in NUL, as
 * the double strtod(3) reads, bit for bit (fuzz/dtoa.c checks that too);
 * the usual short decimals without strtod, the largest cost of reading
 * an EdgeTelemetry.  Anything but a JSON number is the caller's to
 * refuse first ("-" alone would give -0 where strtod gives 0).
 */
double yk_dtoa_strtod(const char *s);

#endif
