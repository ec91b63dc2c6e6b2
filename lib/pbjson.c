/*
 * pbjson.c - protobuf-c messages <-> JSON by their descriptors.
 *
 * JSON is read with json.c's walker (one validation of the whole input,
 * then no tree: values are decoded straight into the message), and the
 * message is built with malloc throughout, so that a half-built one is
 * freed by protobuf_c_message_free_unpacked like any unpacked message.
 */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "b64.h"
#include "dtoa.h"
#include "json.h"
#include "pbjson.h"
#include "text.h"
#include "varint.h"

#define EXACT53 9007199254740992.0 /* 2^53: doubles hold integers to here */

/* ---- messages to JSON ---- */

static size_t
elem_size(ProtobufCType t)
{
	switch (t) {
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		return 8;
	case PROTOBUF_C_TYPE_DOUBLE:
		return sizeof(double);
	case PROTOBUF_C_TYPE_BOOL:
		return sizeof(protobuf_c_boolean);
	case PROTOBUF_C_TYPE_STRING:
		return sizeof(char *);
	case PROTOBUF_C_TYPE_BYTES:
		return sizeof(ProtobufCBinaryData);
	case PROTOBUF_C_TYPE_MESSAGE:
		return sizeof(ProtobufCMessage *);
	default:
		return 4; /* 32-bit integers, float, enum */
	}
}

/* inline: out of line, the call more per number cost 5% of
 * bench/pbjson.sh's protobuf -> JSON rate (a hundred floats a message) */
static inline void
put_real(struct yk_buf *b, double v, bool single)
{
	char s[YK_DTOA_MAX];

	if (isnan(v))
		yk_buf_adds(b, "\"NaN\"");
	else if (isinf(v))
		yk_buf_adds(b, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
	else
		yk_buf_add(b, s,
			   (size_t)(single ? yk_dtoa_float(s, (float)v)
					   : yk_dtoa_double(s, v)));
}

static void
put_value(struct yk_buf *b, const ProtobufCFieldDescriptor *f, const void *v)
{
	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		yk_buf_addi(b, *(const int32_t *)v);
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		yk_buf_addu(b, *(const uint32_t *)v);
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64: {
		int64_t x = *(const int64_t *)v;
		bool exact = x >= -(int64_t)EXACT53 && x <= (int64_t)EXACT53;

		if (!exact)
			yk_buf_addc(b, '"');
		yk_buf_addi(b, x);
		if (!exact)
			yk_buf_addc(b, '"');
		break;
	}
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64: {
		uint64_t x = *(const uint64_t *)v;
		bool exact = x <= (uint64_t)EXACT53;

		if (!exact)
			yk_buf_addc(b, '"');
		yk_buf_addu(b, x);
		if (!exact)
			yk_buf_addc(b, '"');
		break;
	}
	case PROTOBUF_C_TYPE_FLOAT:
		put_real(b, *(const float *)v, true);
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		put_real(b, *(const double *)v, false);
		break;
	case PROTOBUF_C_TYPE_BOOL:
		yk_buf_adds(b, *(const protobuf_c_boolean *)v ? "true" : "false");
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		int32_t x = *(const int32_t *)v;
		const ProtobufCEnumValue *ev =
			protobuf_c_enum_descriptor_get_value(f->descriptor, x);

		if (ev)
			yk_json_strz(b, ev->name);
		else
			yk_buf_addi(b, x);
		break;
	}
	case PROTOBUF_C_TYPE_STRING: {
		const char *s = *(char *const *)v;
		struct yk_buf t = {0};

		if (s == NULL)
			s = "";
		/* protobuf-c does not check UTF-8; JSON must be valid */
		if (yk_utf8_valid(s, strlen(s))) {
			yk_json_strz(b, s);
		} else {
			yk_text_utf8(&t, s, strlen(s), (size_t)-1);
			yk_json_str(b, t.p, t.len);
			yk_buf_free(&t);
		}
		break;
	}
	case PROTOBUF_C_TYPE_BYTES: {
		const ProtobufCBinaryData *d = v;

		yk_buf_addc(b, '"');
		yk_b64_encode(b, d->data, d->len);
		yk_buf_addc(b, '"');
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE:
		yk_pb_to_json(b, *(ProtobufCMessage *const *)v);
		break;
	}
}

/* ---- google.protobuf.Timestamp: an RFC 3339 string ---- */

/*
 * Calendar arithmetic on the proleptic Gregorian calendar, in days since
 * 1970-01-01 (H. Hinnant's days_from_civil / civil_from_days): no libc
 * time function, so neither TZ nor the locale has a say.
 */
#define TS_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define TS_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

static bool
is_timestamp(const ProtobufCMessageDescriptor *d)
{
	return d->name[0] == 'g' &&
	       strcmp(d->name, "google.protobuf.Timestamp") == 0;
}

/* Where m, a Timestamp, keeps seconds (int64) and nanos (int32), found
 * by the descriptor (pbjson links no generated code); false if the
 * descriptor is not the expected shape. */
static bool
ts_fields(const ProtobufCMessageDescriptor *d, ProtobufCMessage *m,
	  int64_t **sp, int32_t **np)
{
	const ProtobufCFieldDescriptor *s =
		protobuf_c_message_descriptor_get_field_by_name(d, "seconds");
	const ProtobufCFieldDescriptor *n =
		protobuf_c_message_descriptor_get_field_by_name(d, "nanos");

	if (s == NULL || n == NULL || s->type != PROTOBUF_C_TYPE_INT64 ||
	    n->type != PROTOBUF_C_TYPE_INT32 ||
	    s->label == PROTOBUF_C_LABEL_REPEATED ||
	    n->label == PROTOBUF_C_LABEL_REPEATED)
		return false;
	*sp = (int64_t *)(void *)((char *)m + s->offset);
	*np = (int32_t *)(void *)((char *)m + n->offset);
	return true;
}

static int64_t
days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

static void
civil_from_days(int64_t z, int *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

/*
 * m (a Timestamp) as "YYYY-MM-DDThh:mm:ss[.fff[fff[fff]]]Z", fractions
 * in 0, 3, 6 or 9 digits as proto3 prints them.  False, printing
 * nothing, when m is outside what the string can say (seconds before
 * 0001 or after 9999, nanos outside 0..999999999): the caller prints
 * the plain object then.
 */
static bool
put_timestamp(struct yk_buf *b, const ProtobufCMessage *m)
{
	int64_t *sp, secs, days, sod;
	int32_t *np, nanos;
	char s[48];
	int y, mo, d, n;

	if (!ts_fields(m->descriptor, (ProtobufCMessage *)m, &sp, &np))
		return false;
	secs = *sp;
	nanos = *np;
	if (secs < TS_MIN || secs > TS_MAX || nanos < 0 || nanos > 999999999)
		return false;
	days = secs >= 0 ? secs / 86400 : -((-secs + 86399) / 86400);
	sod = secs - days * 86400;
	civil_from_days(days, &y, &mo, &d);
	n = snprintf(s, sizeof(s), "\"%04d-%02d-%02dT%02d:%02d:%02d", y, mo,
		     d, (int)(sod / 3600), (int)(sod / 60 % 60),
		     (int)(sod % 60));
	if (nanos && nanos % 1000000 == 0)
		n += snprintf(s + n, sizeof(s) - (size_t)n, ".%03d",
			      (int)(nanos / 1000000));
	else if (nanos && nanos % 1000 == 0)
		n += snprintf(s + n, sizeof(s) - (size_t)n, ".%06d",
			      (int)(nanos / 1000));
	else if (nanos)
		n += snprintf(s + n, sizeof(s) - (size_t)n, ".%09d",
			      (int)nanos);
	yk_buf_add(b, s, (size_t)n);
	yk_buf_adds(b, "Z\"");
	return true;
}

/* Whether a field without repetition is printed. */
static bool
present(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	const char *base = (const char *)m;
	const void *v = base + f->offset;

	if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
		return *(const uint32_t *)(base + f->quantifier_offset) ==
		       f->id;
	if (f->type == PROTOBUF_C_TYPE_MESSAGE)
		return *(ProtobufCMessage *const *)v != NULL;
	if (f->label == PROTOBUF_C_LABEL_OPTIONAL) {
		if (f->type == PROTOBUF_C_TYPE_STRING)
			return *(char *const *)v != NULL;
		return *(const protobuf_c_boolean *)(base +
						     f->quantifier_offset);
	}
	return true; /* required, or proto3 without presence */
}

void
yk_pb_to_json(struct yk_buf *b, const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	const char *base = (const char *)m;
	bool first = true;

	if (is_timestamp(d) && put_timestamp(b, m))
		return;
	yk_buf_addc(b, '{');
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		const void *v = base + f->offset;

		if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			size_t n = *(const size_t *)(base +
						     f->quantifier_offset);
			const char *arr = *(char *const *)v;

			yk_buf_adds(b, first ? "\"" : ",\"");
			yk_buf_adds(b, f->name);
			yk_buf_adds(b, "\":[");
			for (size_t j = 0; j < n; j++) {
				if (j)
					yk_buf_addc(b, ',');
				put_value(b, f, arr + j * elem_size(f->type));
			}
			yk_buf_addc(b, ']');
			first = false;
			continue;
		}
		if (!present(m, f))
			continue;
		yk_buf_adds(b, first ? "\"" : ",\"");
		yk_buf_adds(b, f->name);
		yk_buf_adds(b, "\":");
		put_value(b, f, v);
		first = false;
	}
	yk_buf_addc(b, '}');
}

/* ---- JSON to messages ---- */

/* Deeper than the JSON scanner lets input nest (json.c), plus one. */
#define MAX_PATH 260

/*
 * The path to the value being read ("velocity.vx", "segments[1].kp[3]")
 * is kept as a stack of steps and written out only for an error: printing
 * it at every field and element cost more than the conversion itself.
 */
struct ctx {
	const char *type;  /* the top message's full name */
	struct yk_err *err;
	struct {
		const char *name; /* a field, or NULL: an array element */
		size_t index;
	} path[MAX_PATH];
	int depth;
	struct yk_buf key; /* the key being looked up, unescaped */
	struct yk_buf tmp; /* a string value, unescaped */
};

static int
bad(struct ctx *c, const char *fmt, const char *what)
{
	char msg[200], path[256];
	size_t n = 0;

	path[0] = '\0';
	for (int i = 0; i < c->depth && n < sizeof(path); i++)
		n += (size_t)(c->path[i].name
				      ? snprintf(path + n, sizeof(path) - n,
						 "%s%s", i ? "." : "",
						 c->path[i].name)
				      : snprintf(path + n, sizeof(path) - n,
						 "[%zu]", c->path[i].index));
	snprintf(msg, sizeof(msg), fmt, what);
	return yk_err_set(c->err, YK_EUSAGE, "%s: %s%s%s", c->type, path,
			  path[0] ? ": " : "", msg);
}

static const char *
json_kind(const char *v)
{
	switch (*v) {
	case '"': return "a string";
	case '{': return "an object";
	case '[': return "an array";
	case 't':
	case 'f': return "a boolean";
	case 'n': return "null";
	default: return "a number";
	}
}

static int
want(struct ctx *c, const char *expected, const char *v)
{
	char what[80];

	snprintf(what, sizeof(what), "expected %s, got %s", expected,
		 json_kind(v));
	return bad(c, "%s", what);
}

/* A JSON string value, unescaped and NUL-terminated, into t. */
static int
string_of(struct ctx *c, struct yk_buf *t, const char *v, size_t n)
{
	yk_buf_truncate(t, 0);
	if (*v != '"')
		return want(c, "a string", v);
	switch (yk_json_unescape_strict(t, v, n)) {
	case 0:
		break;
	case YK_JSON_LONE_SURROGATE:
		/* protobuf strings are UTF-8: U+FFFD would be made up */
		return bad(c, "%s", "a lone surrogate escape is not a "
				    "character");
	default:
		return bad(c, "%s", "bad string");
	}
	yk_buf_addc(t, '\0');
	t->len--;
	return YK_OK;
}

/* The number token v[0..n) as a C string: in num[64] when it fits (no
 * allocation for the usual case), in t otherwise. */
static const char *
token(char *num, struct yk_buf *t, const char *v, size_t n)
{
	if (n < 64) {
		memcpy(num, v, n);
		num[n] = '\0';
		return num;
	}
	yk_buf_add(t, v, n);
	yk_buf_addc(t, '\0');
	return t->p;
}

/*
 * An integer from a number or a string holding one: exact within
 * [lo, hi] (signed) or [0, uhi] (unsigned).  "1e3" and "7.0" are
 * integers; "7.5" is not.
 */
static int
integer(struct ctx *c, const char *v, size_t n, bool is_signed, int64_t lo,
	int64_t hi, uint64_t uhi, int64_t *si, uint64_t *ui)
{
	struct yk_buf t = {0};
	const char *s;
	char *end, num[64];
	int rc = YK_OK;

	if (*v == '"') {
		if (string_of(c, &t, v, n) != YK_OK)
			goto out;
		s = t.p;
	} else if (*v == '-' || (*v >= '0' && *v <= '9')) {
		s = token(num, &t, v, n);
	} else {
		rc = want(c, "an integer", v);
		goto out;
	}
	errno = 0;
	if (strpbrk(s, ".eE") == NULL && *s != '\0') {
		if (is_signed) {
			*si = strtoll(s, &end, 10);
			if (*end || errno || *si < lo || *si > hi)
				goto range;
		} else {
			if (*s == '-' && strcmp(s, "-0") != 0)
				goto range;
			*ui = strtoull(s, &end, 10);
			if (*end || errno || *ui > uhi)
				goto range;
		}
	} else {
		double d = strtod(s, &end);

		if (*end || end == s || d != floor(d) || fabs(d) > EXACT53)
			goto range;
		if (is_signed) {
			*si = (int64_t)d;
			if (*si < lo || *si > hi)
				goto range;
		} else {
			if (d < 0 || (uint64_t)d > uhi)
				goto range;
			*ui = (uint64_t)d;
		}
	}
	goto out;
range:
	rc = bad(c, "'%s' is not an integer in the field's range", s);
out:
	yk_buf_free(&t);
	return rc == YK_OK ? c->err->rc : rc;
}

/* A JSON number, alone: what proto3 lets a string hold for a float. */
static bool
is_number(const char *s, size_t n)
{
	return n > 0 && (*s == '-' || (*s >= '0' && *s <= '9')) &&
	       s[n - 1] >= '0' && s[n - 1] <= '9' && yk_json_valid(s, n);
}

static int
real(struct ctx *c, const char *v, size_t n, bool single, double *out)
{
	struct yk_buf t = {0};
	const char *s;
	char num[64];
	int rc = YK_OK;

	if (*v == '"') {
		if (string_of(c, &t, v, n) != YK_OK) {
			yk_buf_free(&t);
			return c->err->rc;
		}
		if (strcmp(t.p, "NaN") == 0 || strcmp(t.p, "Infinity") == 0 ||
		    strcmp(t.p, "-Infinity") == 0) {
			*out = *t.p == 'N'   ? NAN
			       : *t.p == 'I' ? INFINITY
					     : -INFINITY;
			goto out;
		}
		if (!is_number(t.p, t.len)) {
			rc = bad(c, "'%s' is not a number", t.p);
			goto out;
		}
		s = t.p;
	} else if (*v == '-' || (*v >= '0' && *v <= '9')) {
		s = token(num, &t, v, n);
	} else {
		return want(c, "a number", v);
	}
	*out = yk_dtoa_strtod(s);
	/* past FLT_MAX only once it would round to infinity: the shortest
	 * form of FLT_MAX itself, 3.4028235e+38, is above it */
	if (single && isfinite(*out) && isinf((float)*out))
		rc = bad(c, "%s is out of a float's range", s);
	else if (!isfinite(*out))
		rc = bad(c, "%s is out of a double's range", s);
out:
	yk_buf_free(&t);
	return rc;
}

static int fill(struct ctx *c, ProtobufCMessage *m, const char *s, size_t n);

/* n decimal digits at s, in [lo, hi], into *v. */
static bool
digits(const char *s, int n, int lo, int hi, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (s[i] - '0');
	}
	return *v >= lo && *v <= hi;
}

/*
 * "YYYY-MM-DDThh:mm:ss[.f]Z" or with an offset "+hh:mm" / "-hh:mm"
 * (RFC 3339; 1 to 9 fraction digits) into seconds and nanos since the
 * epoch, as protobuf's JsonFormat reads them: 'T' and 'Z' upper case
 * only, no leap second (:60), the result within 0001-01-01T00:00:00Z ..
 * 9999-12-31T23:59:59.999999999Z.  False (with *range = false) if the
 * text is not such a time, false with *range = true if it is but lies
 * outside that range.
 */
static bool
parse_rfc3339(const char *s, size_t n, int64_t *secs, int32_t *nanos,
	      bool *range)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30,
				    31, 31, 30, 31, 30, 31};
	int y, mo, d, h, mi, se, oh = 0, om = 0, f = 0, k = 0;
	const char *p = s + 19, *end = s + n;
	int64_t t;

	*range = false;
	if (n < 20 || !digits(s, 4, 0, 9999, &y) || s[4] != '-' ||
	    !digits(s + 5, 2, 1, 12, &mo) || s[7] != '-' ||
	    !digits(s + 8, 2, 1, mdays[mo - 1], &d) || s[10] != 'T' ||
	    !digits(s + 11, 2, 0, 23, &h) || s[13] != ':' ||
	    !digits(s + 14, 2, 0, 59, &mi) || s[16] != ':' ||
	    !digits(s + 17, 2, 0, 59, &se))
		return false;
	if (mo == 2 && d == 29 &&
	    (y % 4 != 0 || (y % 100 == 0 && y % 400 != 0)))
		return false;
	if (*p == '.') {
		for (p++; p < end && *p >= '0' && *p <= '9'; p++, k++) {
			if (k == 9)
				return false;
			f = f * 10 + (*p - '0');
		}
		if (k == 0)
			return false;
		for (; k < 9; k++)
			f *= 10;
	}
	if (end - p == 1 && *p == 'Z') {
		/* UTC */
	} else if (end - p == 6 && (*p == '+' || *p == '-') &&
		   digits(p + 1, 2, 0, 23, &oh) && p[3] == ':' &&
		   digits(p + 4, 2, 0, 59, &om)) {
		if (*p == '-') {
			oh = -oh;
			om = -om;
		}
	} else {
		return false;
	}
	t = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + se -
	    (oh * 3600 + om * 60);
	if (t < TS_MIN || t > TS_MAX) {
		*range = true;
		return false;
	}
	*secs = t;
	*nanos = f;
	return true;
}

/* A Timestamp m from the JSON string v[0..n). */
static int
timestamp_from(struct ctx *c, ProtobufCMessage *m, const char *v, size_t n)
{
	int64_t *sp;
	int32_t *np;
	bool range;

	if (!ts_fields(m->descriptor, m, &sp, &np))
		return want(c, "an object", v);
	if (string_of(c, &c->tmp, v, n) != YK_OK)
		return c->err->rc;
	if (parse_rfc3339(c->tmp.p, c->tmp.len, sp, np, &range))
		return YK_OK;
	return bad(c,
		   range ? "'%s' is outside 0001-01-01T00:00:00Z to "
			   "9999-12-31T23:59:59.999999999Z"
			 : "not an RFC 3339 time: '%s'",
		   c->tmp.p);
}

/* Decode the JSON value v into the field storage at p. */
static int
set_value(struct ctx *c, const ProtobufCFieldDescriptor *f, void *p,
	  const char *v, size_t n)
{
	int64_t si = 0;
	uint64_t ui = 0;
	double d = 0;
	struct yk_buf *t = &c->tmp;
	int rc = YK_OK;

	switch (f->type) {
	case PROTOBUF_C_TYPE_INT32:
	case PROTOBUF_C_TYPE_SINT32:
	case PROTOBUF_C_TYPE_SFIXED32:
		rc = integer(c, v, n, true, INT32_MIN, INT32_MAX, 0, &si, &ui);
		*(int32_t *)p = (int32_t)si;
		break;
	case PROTOBUF_C_TYPE_UINT32:
	case PROTOBUF_C_TYPE_FIXED32:
		rc = integer(c, v, n, false, 0, 0, UINT32_MAX, &si, &ui);
		*(uint32_t *)p = (uint32_t)ui;
		break;
	case PROTOBUF_C_TYPE_INT64:
	case PROTOBUF_C_TYPE_SINT64:
	case PROTOBUF_C_TYPE_SFIXED64:
		rc = integer(c, v, n, true, INT64_MIN, INT64_MAX, 0, &si, &ui);
		*(int64_t *)p = si;
		break;
	case PROTOBUF_C_TYPE_UINT64:
	case PROTOBUF_C_TYPE_FIXED64:
		rc = integer(c, v, n, false, 0, 0, UINT64_MAX, &si, &ui);
		*(uint64_t *)p = ui;
		break;
	case PROTOBUF_C_TYPE_FLOAT:
		rc = real(c, v, n, true, &d);
		*(float *)p = (float)d;
		break;
	case PROTOBUF_C_TYPE_DOUBLE:
		rc = real(c, v, n, false, &d);
		*(double *)p = d;
		break;
	case PROTOBUF_C_TYPE_BOOL:
		if (*v != 't' && *v != 'f')
			return want(c, "true or false", v);
		*(protobuf_c_boolean *)p = *v == 't';
		break;
	case PROTOBUF_C_TYPE_ENUM: {
		const ProtobufCEnumDescriptor *ed = f->descriptor;
		const ProtobufCEnumValue *ev = NULL;

		if (*v == '"') {
			if (string_of(c, t, v, n) != YK_OK)
				break;
			ev = protobuf_c_enum_descriptor_get_value_by_name(ed,
									  t->p);
			if (ev == NULL)
				rc = bad(c, "'%s' is not a value of the enum",
					 t->p);
		} else {
			rc = integer(c, v, n, true, INT32_MIN, INT32_MAX, 0,
				     &si, &ui);
			if (rc == YK_OK) {
				ev = protobuf_c_enum_descriptor_get_value(
					ed, (int)si);
				if (ev == NULL)
					rc = bad(c, "%s",
						 "number is not a value of "
						 "the enum");
			}
		}
		if (ev)
			*(int32_t *)p = ev->value;
		break;
	}
	case PROTOBUF_C_TYPE_STRING:
		if (string_of(c, t, v, n) != YK_OK)
			break;
		*(char **)p = yk_strdup(t->p);
		break;
	case PROTOBUF_C_TYPE_BYTES: {
		ProtobufCBinaryData *bd = p;
		struct yk_buf raw = {0};

		if (string_of(c, t, v, n) != YK_OK)
			break;
		/* URL-safe base64 and missing padding are accepted too */
		for (size_t i = 0; i < t->len; i++)
			t->p[i] = t->p[i] == '-' ? '+' : t->p[i] == '_' ? '/'
								: t->p[i];
		while (t->len % 4)
			yk_buf_addc(t, '=');
		if (yk_b64_decode(&raw, t->p, t->len) != 0) {
			yk_buf_free(&raw);
			rc = bad(c, "%s", "not base64");
			break;
		}
		bd->len = raw.len;
		bd->data = raw.len ? (uint8_t *)raw.p : NULL;
		if (!raw.len)
			yk_buf_free(&raw);
		break;
	}
	case PROTOBUF_C_TYPE_MESSAGE: {
		const ProtobufCMessageDescriptor *md = f->descriptor;
		ProtobufCMessage *sub;

		if (*v != '{' && !(*v == '"' && is_timestamp(md)))
			return want(c, is_timestamp(md)
					       ? "an RFC 3339 string"
					       : "an object",
				    v);
		sub = yk_malloc(md->sizeof_message);
		protobuf_c_message_init(md, sub);
		*(ProtobufCMessage **)p = sub;
		rc = fill(c, sub, v, n);
		break;
	}
	}
	if (rc == YK_OK && c->err->rc)
		rc = c->err->rc;
	return rc;
}

/* proto3's json_name: lowerCamelCase of the field name. */
static bool
camel_is(const char *name, const char *key)
{
	for (; *name; name++) {
		if (*name == '_' && name[1]) {
			name++;
			if (*key++ != (*name >= 'a' && *name <= 'z'
					       ? *name - 'a' + 'A'
					       : *name))
				return false;
		} else if (*key++ != *name) {
			return false;
		}
	}
	return *key == '\0';
}

static const ProtobufCFieldDescriptor *
field_of(const ProtobufCMessageDescriptor *d, const char *key)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(d, key);

	for (unsigned i = 0; f == NULL && i < d->n_fields; i++)
		if (camel_is(d->fields[i].name, key))
			f = &d->fields[i];
	return f;
}

static int
set_field(struct ctx *c, ProtobufCMessage *m, const ProtobufCFieldDescriptor *f,
	  const char *v, size_t n)
{
	char *base = (char *)m;
	void *p = base + f->offset;
	struct yk_json_iter it;
	const char *e;
	size_t en, cap = 0, size = elem_size(f->type);

	if (f->label != PROTOBUF_C_LABEL_REPEATED) {
		/* a oneof's case before its member is read: one that fails
		 * half-built is then freed with the message, not leaked */
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			*(uint32_t *)(base + f->quantifier_offset) = f->id;
		if (set_value(c, f, p, v, n) != YK_OK)
			return c->err->rc;
		if (!(f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    f->label == PROTOBUF_C_LABEL_OPTIONAL &&
		    f->type != PROTOBUF_C_TYPE_MESSAGE &&
		    f->type != PROTOBUF_C_TYPE_STRING)
			*(protobuf_c_boolean *)(base + f->quantifier_offset) =
				1;
		return YK_OK;
	}
	if (!yk_json_arr_enter(&it, v, n))
		return want(c, "an array", v);
	c->path[c->depth].name = NULL;
	c->depth++;
	/* grown as it fills (doubling), not counted first: a walk over the
	 * elements costs more than the unused room */
	for (size_t i = 0; yk_json_arr_next(&it, &e, &en); i++) {
		char *arr = *(char **)p;

		if (i == cap) {
			cap = cap ? cap * 2 : 8;
			arr = yk_realloc(arr, cap * size);
			memset(arr + i * size, 0, (cap - i) * size);
			*(char **)p = arr;
		}
		c->path[c->depth - 1].index = i;
		/* counted as set before it is read, so a half-built element
		 * is freed with the rest */
		*(size_t *)(base + f->quantifier_offset) = i + 1;
		if (set_value(c, f, arr + i * size, e, en) != YK_OK)
			return c->err->rc;
	}
	c->depth--;
	return YK_OK;
}

static int
fill(struct ctx *c, ProtobufCMessage *m, const char *s, size_t n)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	unsigned char few[64];
	unsigned next = 0; /* the field after the last one: JSON that yoke
			      wrote has them in order, so try it first */
	unsigned char *seen = d->n_fields <= sizeof(few)
				      ? few
				      : yk_malloc(d->n_fields);
	int rc = YK_OK;

	if (*s == '"' && is_timestamp(d)) {
		if (seen != few)
			free(seen);
		return timestamp_from(c, m, s, n);
	}
	if (c->depth >= MAX_PATH - 1)
		rc = bad(c, "%s", "nested too deeply");
	else if (!yk_json_obj_enter(&it, s, n))
		rc = want(c, is_timestamp(d) ? "an RFC 3339 string"
						 : "an object",
			  s);
	memset(seen, 0, d->n_fields);
	while (rc == YK_OK && yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		const ProtobufCFieldDescriptor *f;

		yk_buf_truncate(&c->key, 0);
		if (memchr(k, '\\', kn))
			yk_json_unescape(&c->key, k, kn);
		else
			yk_buf_add(&c->key, k + 1, kn - 2);
		yk_buf_addc(&c->key, '\0');
		f = next < d->n_fields &&
				    strcmp(d->fields[next].name, c->key.p) == 0
			    ? &d->fields[next]
			    : field_of(d, c->key.p);
		if (f == NULL) {
			rc = bad(c, "unknown field '%s'", c->key.p);
			break;
		}
		next = (unsigned)(f - d->fields) + 1;
		c->path[c->depth].name = f->name;
		c->depth++;
		if (seen[f - d->fields]) {
			rc = bad(c, "%s", "given twice");
		} else if (*v == 'n') { /* null: not set */
			seen[f - d->fields] = 1;
		} else if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
			   *(uint32_t *)((char *)m + f->quantifier_offset) !=
				   0) {
			rc = bad(c, "%s", "a second member of its oneof");
		} else {
			seen[f - d->fields] = 1;
			rc = set_field(c, m, f, v, vn);
		}
		if (rc == YK_OK)
			c->depth--;
	}
	if (seen != few)
		free(seen);
	return rc;
}

int
yk_pb_from_json(ProtobufCMessage **out, const ProtobufCMessageDescriptor *d,
		const char *s, size_t n, struct yk_err *err)
{
	struct ctx *c;
	ProtobufCMessage *m;
	int rc;

	*out = NULL;
	if (!yk_json_valid(s, n))
		return yk_err_set(err, YK_EUSAGE, "%s: not valid JSON",
				  d->name);
	c = yk_malloc(sizeof(*c)); /* 6 KiB of path: not on the stack */
	c->type = d->name;
	c->err = err;
	c->depth = 0;
	memset(&c->key, 0, sizeof(c->key));
	memset(&c->tmp, 0, sizeof(c->tmp));
	m = yk_malloc(d->sizeof_message);
	protobuf_c_message_init(d, m);
	rc = fill(c, m, s, n);
	yk_buf_free(&c->key);
	yk_buf_free(&c->tmp);
	free(c);
	if (rc != YK_OK) {
		protobuf_c_message_free_unpacked(m, NULL);
		return err->rc;
	}
	*out = m;
	return YK_OK;
}

int
yk_pb_bytes_to_json(struct yk_buf *out, const ProtobufCMessageDescriptor *d,
		    const void *p, size_t n, struct yk_err *err)
{
	ProtobufCMessage *m = protobuf_c_message_unpack(d, NULL, n, p);

	if (m == NULL)
		return yk_err_set(err, YK_EUSAGE, "not a valid %s", d->name);
	yk_pb_to_json(out, m);
	protobuf_c_message_free_unpacked(m, NULL);
	return YK_OK;
}

/* ---- packing, -0.0 kept ---- */

/*
 * protobuf-c leaves out a singular (implicit presence) float or double
 * that compares equal to 0, so -0.0 is lost; protobuf's own runtimes
 * compare the bits and send it.  So a message that holds one is packed by
 * protobuf-c with the fields that need it hidden, and those follow:
 * each -0.0 as its own field, each message that holds one (packed the
 * same way) as a length-delimited field.  Fields may come in any order on
 * the wire; a message without -0.0 (nearly all) is protobuf-c's bytes.
 */
static bool
is_neg0(const ProtobufCFieldDescriptor *f, const void *p)
{
	if (f->label != PROTOBUF_C_LABEL_NONE ||
	    (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF))
		return false;
	if (f->type == PROTOBUF_C_TYPE_FLOAT)
		return *(const float *)p == 0 && signbit(*(const float *)p);
	if (f->type == PROTOBUF_C_TYPE_DOUBLE)
		return *(const double *)p == 0 && signbit(*(const double *)p);
	return false;
}

static bool has_neg0(const ProtobufCMessage *m);

/* The field's message (or, repeated, one of its messages) holds a -0.0. */
static bool
sub_neg0(const ProtobufCMessage *m, const ProtobufCFieldDescriptor *f)
{
	const char *base = (const char *)m;
	const void *p = base + f->offset;

	if (f->type != PROTOBUF_C_TYPE_MESSAGE)
		return false;
	if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
	    *(const uint32_t *)(base + f->quantifier_offset) != f->id)
		return false;
	if (f->label == PROTOBUF_C_LABEL_REPEATED) {
		size_t k = *(const size_t *)(base + f->quantifier_offset);
		ProtobufCMessage *const *arr = *(ProtobufCMessage **const *)p;

		for (size_t i = 0; i < k; i++)
			if (has_neg0(arr[i]))
				return true;
		return false;
	}
	return *(ProtobufCMessage *const *)p &&
	       has_neg0(*(ProtobufCMessage *const *)p);
}

static bool
has_neg0(const ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;

	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];

		if (is_neg0(f, (const char *)m + f->offset) || sub_neg0(m, f))
			return true;
	}
	return false;
}

static void pack(struct yk_buf *out, ProtobufCMessage *m);

static void
put_sub(struct yk_buf *out, uint32_t id, ProtobufCMessage *sub)
{
	struct yk_buf b = {0};

	pack(&b, sub);
	yk_varint_put(out, (uint64_t)id << 3 | 2);
	yk_varint_put(out, b.len);
	if (b.len)
		yk_buf_add(out, b.p, b.len);
	yk_buf_free(&b);
}

/* What a hidden field held: a oneof's case, a repeated field's count, a
 * message's pointer. */
struct hidden {
	bool on;
	size_t count;
	void *ptr;
};

static void
pack(struct yk_buf *out, ProtobufCMessage *m)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	char *base = (char *)m;
	struct hidden *h;
	size_t len;

	if (!has_neg0(m)) {
		len = protobuf_c_message_get_packed_size(m);
		yk_buf_reserve(out, len);
		protobuf_c_message_pack(m, (uint8_t *)out->p + out->len);
		out->len += len;
		return;
	}
	h = yk_calloc(d->n_fields, sizeof(*h));
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		void *q = base + f->quantifier_offset;

		if (!sub_neg0(m, f))
			continue;
		h[i].on = true;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			*(uint32_t *)q = 0;
		} else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			h[i].count = *(size_t *)q;
			*(size_t *)q = 0;
		} else {
			h[i].ptr = *(void **)(base + f->offset);
			*(void **)(base + f->offset) = NULL;
		}
	}
	len = protobuf_c_message_get_packed_size(m);
	yk_buf_reserve(out, len);
	protobuf_c_message_pack(m, (uint8_t *)out->p + out->len);
	out->len += len;
	for (unsigned i = 0; i < d->n_fields; i++) {
		const ProtobufCFieldDescriptor *f = &d->fields[i];
		void *p = base + f->offset;
		void *q = base + f->quantifier_offset;
		uint8_t le[8];

		if (is_neg0(f, p)) {
			bool dbl = f->type == PROTOBUF_C_TYPE_DOUBLE;

			/* -0.0 is the sign bit alone, little-endian last */
			memset(le, 0, sizeof(le));
			le[dbl ? 7 : 3] = 0x80;
			yk_varint_put(out, (uint64_t)f->id << 3 | (dbl ? 1 : 5));
			yk_buf_add(out, le, dbl ? 8 : 4);
			continue;
		}
		if (!h[i].on)
			continue;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) {
			*(uint32_t *)q = f->id;
			put_sub(out, f->id, *(ProtobufCMessage **)p);
		} else if (f->label == PROTOBUF_C_LABEL_REPEATED) {
			ProtobufCMessage **arr = *(ProtobufCMessage ***)p;

			*(size_t *)q = h[i].count;
			for (size_t k = 0; k < h[i].count; k++)
				put_sub(out, f->id, arr[k]);
		} else {
			*(void **)p = h[i].ptr;
			put_sub(out, f->id, h[i].ptr);
		}
	}
	free(h);
}

int
yk_pb_json_to_bytes(struct yk_buf *out, const ProtobufCMessageDescriptor *d,
		    const char *s, size_t n, struct yk_err *err)
{
	ProtobufCMessage *m;

	if (yk_pb_from_json(&m, d, s, n, err) != YK_OK)
		return err->rc;
	pack(out, m);
	protobuf_c_message_free_unpacked(m, NULL);
	return YK_OK;
}
