/*
 * parse.h - numbers from text, strictly: what an option, a config line,
 * an input field or a backend's answer holds.
 *
 * Decimal only and the whole string: no blanks before or after, no hex,
 * no "inf" or "nan", nothing out of range (a refused value leaves *out
 * alone).  Below the option parser, so the modules that read numbers
 * from input (the send queue's priorities, the backend's answer, JSON
 * lines) need nothing of it.
 */
#ifndef YK_PARSE_H
#define YK_PARSE_H

/* 0, or -1 (s NULL, not a number, or outside [lo, hi]). */
int yk_parse_long(const char *s, long lo, long hi, long *out);
/* The same for a finite double. */
int yk_parse_double(const char *s, double lo, double hi, double *out);

#endif
