/*
 * reading.h - one telemetry reading (DESIGN.md `<robot>/telemetry`): its
 * fields from command-line flags or from one line of a stream, the checks
 * the fleet SDK makes, and its JSON payload
 * {"metric","value","unit","lat","lng","heading","data","ts"}.
 *
 * What always holds: a reading that passed yk_reading_check has a metric
 * and at least one of value, lat+lng or data; lat and lng come together;
 * heading only with them; every number is finite and in its range (lat
 * [-90, 90], lng [-180, 180], heading [0, 360)).  The payload carries
 * metric and ts always, unit only with value, other fields only when set.
 *
 * Numbers keep the text they were given when it is a JSON number (no round
 * trip through double); other spellings strtod(3) takes ("+5", ".5") are
 * written in their shortest exact form.
 */
#ifndef YK_READING_H
#define YK_READING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

struct yk_num {
	bool set;
	double v;
	const char *p; /* the text as given (trimmed) */
	size_t n;
};

struct yk_reading {
	const char *metric;
	size_t metric_len;
	const char *unit;    /* NULL when absent */
	size_t unit_len;
	struct yk_num value, lat, lng, heading;
	const char *data;    /* a JSON object, or NULL */
	size_t data_len;
	int64_t ts_us;       /* a line's own ts; 0: stamp when read */
	/* the unescaped strings of a JSON line */
	struct yk_buf mbuf, ubuf;
};

/*
 * Parse s[0..n) as the field name ("value", "lat", "lng", "heading",
 * "ts") and check its range.  pre is "--" for flags, "" for lines, so
 * errors read "--lat 95 out of range [-90, 90]" or "lat 95 out of
 * range [-90, 90]".
 */
int yk_reading_num(struct yk_num *out, const char *pre, const char *name,
		   const char *s, size_t n, struct yk_err *err);
/* A metric name: not empty, valid UTF-8, no control characters. */
int yk_reading_metric(const char *s, size_t n, struct yk_err *err);
/* The rules between fields (see above); pre as for yk_reading_num. */
int yk_reading_check(const struct yk_reading *r, const char *pre,
		     struct yk_err *err);
/*
 * One line of a stream: a number (the value) or a JSON object with any of
 * metric, value, unit, lat, lng, heading, data, ts (null: absent).  What
 * the line leaves out comes from def: its metric, its unit (with a
 * value), its heading (with lat and lng).  r points into s and into its
 * own buffers until the next call.  Errors do not name the line: the
 * caller does.
 */
int yk_reading_line(struct yk_reading *r, const struct yk_reading *def,
		    const char *s, size_t n, struct yk_err *err);
/* A reading's fields as flags give them (NULL: not given). */
struct yk_reading_flags {
	const char *metric, *value, *unit, *lat, *lng, *heading, *data;
};

/* The reading r that the flags give (metric required), each field
 * checked in that order, errors in the "--" spelling; the rules between
 * fields are yk_reading_check's.  r points into f's strings. */
int yk_reading_flags(struct yk_reading *r, const struct yk_reading_flags *f,
		     struct yk_err *err);
/* Append the payload; ts_us is used when the reading has no ts. */
void yk_reading_json(struct yk_buf *b, const struct yk_reading *r,
		     int64_t ts_us);
void yk_reading_free(struct yk_reading *r);

#endif
