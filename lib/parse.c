/*
 * parse.c - strict decimal numbers.
 */
#include <ctype.h>
#include <errno.h>
#include <math.h> /* isfinite: a macro, no libm */
#include <stdlib.h>
#include <string.h>

#include "parse.h"

int
yk_parse_long(const char *s, long lo, long hi, long *out)
{
	char *end;
	long v;

	if (s == NULL)
		return -1;
	errno = 0;
	v = strtol(s, &end, 10);
	if (*s == '\0' || isspace((unsigned char)*s) || *end != '\0' ||
	    errno != 0 || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
yk_parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	if (s == NULL)
		return -1;
	/* decimal only: strtod would also take hex, "inf" and "nan" */
	if (strspn(s, "+-0123456789.eE") != strlen(s))
		return -1;
	errno = 0;
	v = strtod(s, &end);
	if (*s == '\0' || isspace((unsigned char)*s) || *end != '\0' ||
	    errno != 0 || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}
