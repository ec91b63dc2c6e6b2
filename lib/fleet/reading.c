/*
 * reading.c - telemetry readings: parse, check, write.
 *
 * Lines come at sensor rates (bench/telemetry.sh pushes hundreds of
 * thousands a second), so a plain number costs one strtod(3) and one copy,
 * and a JSON object one validating pass plus one walk over its members.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "json.h"
#include "reading.h"
#include "text.h"

/* Longest number text taken: far beyond what a double can tell apart. */
#define NUM_MAX 128

struct range {
	const char *name;
	double lo, hi;
	bool lo_open, hi_open;
	const char *text;
};

static const struct range ranges[] = {
	{"value", -HUGE_VAL, HUGE_VAL, false, false, NULL},
	{"lat", -90, 90, false, false, "[-90, 90]"},
	{"lng", -180, 180, false, false, "[-180, 180]"},
	{"heading", 0, 360, false, true, "[0, 360)"},
	/* seconds: a millisecond stamp (1e12 and up) is caught here */
	{"ts", 0, 1e11, true, true, "(0, 1e11)"},
	{NULL, 0, 0, false, false, NULL},
};

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && isspace((unsigned char)**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && isspace((unsigned char)(*s)[*n - 1]))
		(*n)--;
}

int
yk_reading_num(struct yk_num *out, const char *pre, const char *name,
	       const char *s, size_t n, struct yk_err *err)
{
	const struct range *r = ranges;
	char tmp[NUM_MAX];
	char *end;
	double v;

	while (r->name && strcmp(r->name, name) != 0)
		r++;
	trim(&s, &n);
	if (n == 0 || n >= sizeof(tmp))
		return yk_err_set(err, YK_EUSAGE,
				  "%s%s '%.*s' is not a number", pre, name,
				  n >= sizeof(tmp) ? 32 : (int)n, s);
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	v = strtod(tmp, &end);
	if (end != tmp + n || end == tmp)
		return yk_err_set(err, YK_EUSAGE,
				  "%s%s '%s' is not a number", pre, name, tmp);
	if (!isfinite(v))
		return yk_err_set(err, YK_EUSAGE,
				  "%s%s %s is not a finite number", pre, name,
				  tmp);
	if (r->text && (v < r->lo || v > r->hi || (r->lo_open && v == r->lo) ||
			(r->hi_open && v == r->hi)))
		return yk_err_set(err, YK_EUSAGE, "%s%s %s out of range %s",
				  pre, name, tmp, r->text);
	out->set = true;
	out->v = v;
	out->p = s;
	out->n = n;
	return YK_OK;
}

int
yk_reading_metric(const char *s, size_t n, struct yk_err *err)
{
	if (n == 0)
		return yk_err_set(err, YK_EUSAGE, "metric is empty");
	if (yk_text_has_ctl(s, n))
		return yk_err_set(err, YK_EUSAGE,
				  "metric holds a control character");
	if (!yk_utf8_valid(s, n))
		return yk_err_set(err, YK_EUSAGE, "metric is not valid UTF-8");
	return YK_OK;
}

int
yk_reading_check(const struct yk_reading *r, const char *pre,
		 struct yk_err *err)
{
	if (r->lat.set && !r->lng.set)
		return yk_err_set(err, YK_EUSAGE, "%slat needs %slng", pre,
				  pre);
	if (r->lng.set && !r->lat.set)
		return yk_err_set(err, YK_EUSAGE, "%slng needs %slat", pre,
				  pre);
	if (r->heading.set && !r->lat.set)
		return yk_err_set(err, YK_EUSAGE,
				  "%sheading needs %slat and %slng", pre, pre,
				  pre);
	/* shown on operators' terminals (yoke-telemetry --watch) */
	if (r->unit && yk_text_has_ctl(r->unit, r->unit_len))
		return yk_err_set(err, YK_EUSAGE,
				  "%sunit holds a control character", pre);
	if (!r->value.set && !r->lat.set && !r->data)
		return yk_err_set(err, YK_EUSAGE,
				  "give at least one of %svalue, %slat/%slng "
				  "or %sdata",
				  pre, pre, pre, pre);
	return YK_OK;
}

/* A JSON string member into buf; false when the token is not a string. */
static bool
str_member(struct yk_buf *buf, const char *v, size_t n)
{
	yk_buf_truncate(buf, 0);
	yk_buf_reserve(buf, 1);
	return n > 0 && v[0] == '"' && yk_json_unescape(buf, v, n) == 0;
}

static bool
is_null(const char *v, size_t n)
{
	return n == 4 && memcmp(v, "null", 4) == 0;
}

static int
member(struct yk_reading *r, const char *k, size_t kn, const char *v,
       size_t vn, struct yk_err *err)
{
	static const char *const nums[] = {"value", "lat", "lng", "heading",
					   "ts", NULL};
	struct yk_num *slot[] = {&r->value, &r->lat, &r->lng, &r->heading,
				 NULL};

	for (int i = 0; nums[i]; i++) {
		struct yk_num ts = {0};

		if (!yk_json_key_is(k, kn, nums[i]))
			continue;
		if (is_null(v, vn))
			return YK_OK;
		if (yk_reading_num(slot[i] ? slot[i] : &ts, "", nums[i], v,
				   vn, err) != YK_OK)
			return err->rc;
		if (!slot[i])
			r->ts_us = (int64_t)(ts.v * 1e6 + 0.5); /* ts > 0 */
		return YK_OK;
	}
	if (yk_json_key_is(k, kn, "metric")) {
		if (is_null(v, vn))
			return YK_OK;
		if (!str_member(&r->mbuf, v, vn))
			return yk_err_set(err, YK_EUSAGE,
					  "metric is not a string");
		if (yk_reading_metric(r->mbuf.p, r->mbuf.len, err) != YK_OK)
			return err->rc;
		r->metric = r->mbuf.p;
		r->metric_len = r->mbuf.len;
	} else if (yk_json_key_is(k, kn, "unit")) {
		if (is_null(v, vn))
			return YK_OK;
		if (!str_member(&r->ubuf, v, vn))
			return yk_err_set(err, YK_EUSAGE,
					  "unit is not a string");
		r->unit = r->ubuf.p;
		r->unit_len = r->ubuf.len;
	} else if (yk_json_key_is(k, kn, "data")) {
		if (is_null(v, vn))
			return YK_OK;
		if (v[0] != '{')
			return yk_err_set(err, YK_EUSAGE,
					  "data is not a JSON object");
		r->data = v;
		r->data_len = vn;
	} else {
		return yk_err_set(err, YK_EUSAGE,
				  "unknown field '%.*s': use metric, value, "
				  "unit, lat, lng, heading, data or ts",
				  kn > 2 ? (int)kn - 2 : 0, k + 1);
	}
	return YK_OK;
}

int
yk_reading_line(struct yk_reading *r, const struct yk_reading *def,
		const char *s, size_t n, struct yk_err *err)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	r->metric = NULL;
	r->unit = NULL;
	r->data = NULL;
	r->value.set = r->lat.set = r->lng.set = r->heading.set = false;
	r->ts_us = 0;
	trim(&s, &n);
	if (n > 0 && s[0] == '{') {
		if (!yk_json_obj_begin(&it, s, n))
			return yk_err_set(err, YK_EUSAGE,
					  "not a number or a JSON object");
		while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
			if (member(r, k, kn, v, vn, err) != YK_OK)
				return err->rc;
	} else {
		struct yk_err e2;

		if (yk_reading_num(&r->value, "", "value", s, n, &e2) != YK_OK)
			return yk_err_set(err, YK_EUSAGE,
					  "'%.*s' is not a number or a JSON "
					  "object",
					  n > 64 ? 64 : (int)n, s);
	}
	if (r->metric == NULL) {
		r->metric = def->metric;
		r->metric_len = def->metric_len;
	}
	if (r->unit == NULL) {
		r->unit = def->unit;
		r->unit_len = def->unit_len;
	}
	if (!r->heading.set && r->lat.set)
		r->heading = def->heading;
	return yk_reading_check(r, "", err);
}

static void
num_json(struct yk_buf *b, const struct yk_num *x)
{
	char tmp[32];

	if (x->n > 0 && (x->p[0] == '-' || isdigit((unsigned char)x->p[0])) &&
	    yk_json_valid(x->p, x->n)) {
		yk_buf_add(b, x->p, x->n);
		return;
	}
	/* the shortest form that reads back as the same double */
	for (int prec = 15; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, x->v);
		if (strtod(tmp, NULL) == x->v)
			break;
	}
	yk_buf_adds(b, tmp);
}

int
yk_reading_flags(struct yk_reading *r, const struct yk_reading_flags *f,
		 struct yk_err *err)
{
	if (yk_reading_metric(f->metric, strlen(f->metric), err) != YK_OK)
		return err->rc;
	r->metric = f->metric;
	r->metric_len = strlen(f->metric);
	if (f->unit) {
		if (!yk_utf8_valid(f->unit, strlen(f->unit)))
			return yk_err_set(err, YK_EUSAGE,
					  "--unit is not valid UTF-8");
		r->unit = f->unit;
		r->unit_len = strlen(f->unit);
	}
	if ((f->value && yk_reading_num(&r->value, "--", "value", f->value,
					strlen(f->value), err)) ||
	    (f->lat && yk_reading_num(&r->lat, "--", "lat", f->lat,
				      strlen(f->lat), err)) ||
	    (f->lng && yk_reading_num(&r->lng, "--", "lng", f->lng,
				      strlen(f->lng), err)) ||
	    (f->heading && yk_reading_num(&r->heading, "--", "heading",
					  f->heading, strlen(f->heading),
					  err)) ||
	    (f->data && yk_fleet_object("--data", f->data, err)))
		return err->rc;
	r->data = f->data;
	r->data_len = f->data ? strlen(f->data) : 0;
	return YK_OK;
}

void
yk_reading_json(struct yk_buf *b, const struct yk_reading *r, int64_t ts_us)
{
	yk_buf_adds(b, "{\"metric\":");
	yk_json_str(b, r->metric, r->metric_len);
	if (r->value.set) {
		yk_buf_adds(b, ",\"value\":");
		num_json(b, &r->value);
		if (r->unit) {
			yk_buf_adds(b, ",\"unit\":");
			yk_json_str(b, r->unit, r->unit_len);
		}
	}
	if (r->lat.set) {
		yk_buf_adds(b, ",\"lat\":");
		num_json(b, &r->lat);
		yk_buf_adds(b, ",\"lng\":");
		num_json(b, &r->lng);
		if (r->heading.set) {
			yk_buf_adds(b, ",\"heading\":");
			num_json(b, &r->heading);
		}
	}
	if (r->data) {
		yk_buf_adds(b, ",\"data\":");
		yk_json_minify(b, r->data, r->data_len);
	}
	yk_buf_adds(b, ",\"ts\":");
	yk_json_ts(b, r->ts_us ? r->ts_us : ts_us);
	yk_buf_addc(b, '}');
}

void
yk_reading_free(struct yk_reading *r)
{
	yk_buf_free(&r->mbuf);
	yk_buf_free(&r->ubuf);
}
