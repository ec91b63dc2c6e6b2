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
#include "json.h"
#include "pbjson.h"
#include "text.h"

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

/* The shortest of %.{lo..17}g that reads back as v (float: as (float)v). */
static void
put_real(struct yk_buf *b, double v, bool single)
{
	char s[32];

	if (isnan(v)) {
		yk_buf_adds(b, "\"NaN\"");
		return;
	}
	if (isinf(v)) {
		yk_buf_adds(b, v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
		return;
	}
	for (int prec = single ? 6 : 15; prec <= 17; prec++) {
		snprintf(s, sizeof(s), "%.*g", prec, v);
		if (single ? (float)strtod(s, NULL) == (float)v
			   : strtod(s, NULL) == v)
			break;
	}
	yk_buf_adds(b, s);
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

struct ctx {
	const char *type;  /* the top message's full name */
	char path[256];    /* the field being read: "velocity.vx" */
	struct yk_err *err;
};

static int
bad(struct ctx *c, const char *fmt, const char *what)
{
	char msg[200];

	snprintf(msg, sizeof(msg), fmt, what);
	return yk_err_set(c->err, YK_EUSAGE, "%s: %s%s%s", c->type, c->path,
			  c->path[0] ? ": " : "", msg);
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
	if (yk_json_unescape(t, v, n) != 0)
		return bad(c, "%s", "bad string");
	yk_buf_addc(t, '\0');
	t->len--;
	return YK_OK;
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
	char *end;
	int rc = YK_OK;

	if (*v == '"') {
		if (string_of(c, &t, v, n) != YK_OK)
			goto out;
		s = t.p;
	} else if (*v == '-' || (*v >= '0' && *v <= '9')) {
		yk_buf_add(&t, v, n);
		yk_buf_addc(&t, '\0');
		s = t.p;
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
	} else if (*v == '-' || (*v >= '0' && *v <= '9')) {
		yk_buf_add(&t, v, n);
		yk_buf_addc(&t, '\0');
	} else {
		return want(c, "a number", v);
	}
	*out = strtod(t.p, NULL);
	/* past FLT_MAX only once it would round to infinity: the shortest
	 * form of FLT_MAX itself, 3.4028235e+38, is above it */
	if (single && isfinite(*out) && isinf((float)*out))
		rc = bad(c, "%s is out of a float's range", t.p);
	else if (!isfinite(*out))
		rc = bad(c, "%s is out of a double's range", t.p);
out:
	yk_buf_free(&t);
	return rc;
}

static int fill(struct ctx *c, ProtobufCMessage *m, const char *s, size_t n);

/* Decode the JSON value v into the field storage at p. */
static int
set_value(struct ctx *c, const ProtobufCFieldDescriptor *f, void *p,
	  const char *v, size_t n)
{
	int64_t si = 0;
	uint64_t ui = 0;
	double d = 0;
	struct yk_buf t = {0};
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
			if (string_of(c, &t, v, n) != YK_OK)
				break;
			ev = protobuf_c_enum_descriptor_get_value_by_name(ed,
									  t.p);
			if (ev == NULL)
				rc = bad(c, "'%s' is not a value of the enum",
					 t.p);
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
		if (string_of(c, &t, v, n) != YK_OK)
			break;
		*(char **)p = yk_strdup(t.p);
		break;
	case PROTOBUF_C_TYPE_BYTES: {
		ProtobufCBinaryData *bd = p;
		struct yk_buf raw = {0};

		if (string_of(c, &t, v, n) != YK_OK)
			break;
		/* URL-safe base64 and missing padding are accepted too */
		for (size_t i = 0; i < t.len; i++)
			t.p[i] = t.p[i] == '-' ? '+' : t.p[i] == '_' ? '/'
								: t.p[i];
		while (t.len % 4)
			yk_buf_addc(&t, '=');
		if (yk_b64_decode(&raw, t.p, t.len) != 0) {
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

		if (*v != '{')
			return want(c, "an object", v);
		sub = yk_malloc(md->sizeof_message);
		protobuf_c_message_init(md, sub);
		*(ProtobufCMessage **)p = sub;
		rc = fill(c, sub, v, n);
		break;
	}
	}
	yk_buf_free(&t);
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
	size_t en, count = 0, at = strlen(c->path);

	if (f->label != PROTOBUF_C_LABEL_REPEATED) {
		if (set_value(c, f, p, v, n) != YK_OK)
			return c->err->rc;
		if (f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF)
			*(uint32_t *)(base + f->quantifier_offset) = f->id;
		else if (f->label == PROTOBUF_C_LABEL_OPTIONAL &&
			 f->type != PROTOBUF_C_TYPE_MESSAGE &&
			 f->type != PROTOBUF_C_TYPE_STRING)
			*(protobuf_c_boolean *)(base + f->quantifier_offset) =
				1;
		return YK_OK;
	}
	if (!yk_json_arr_enter(&it, v, n))
		return want(c, "an array", v);
	while (yk_json_arr_next(&it, &e, &en))
		count++;
	*(void **)p = count ? yk_calloc(count, elem_size(f->type)) : NULL;
	yk_json_arr_enter(&it, v, n);
	for (size_t i = 0; yk_json_arr_next(&it, &e, &en); i++) {
		snprintf(c->path + at, sizeof(c->path) - at, "[%zu]", i);
		/* counted as set before it is read, so a half-built element
		 * is freed with the rest */
		*(size_t *)(base + f->quantifier_offset) = i + 1;
		if (set_value(c, f, (char *)*(void **)p +
					    i * elem_size(f->type),
			      e, en) != YK_OK)
			return c->err->rc;
	}
	c->path[at] = '\0';
	return YK_OK;
}

static int
fill(struct ctx *c, ProtobufCMessage *m, const char *s, size_t n)
{
	const ProtobufCMessageDescriptor *d = m->descriptor;
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn, at = strlen(c->path);
	struct yk_buf key = {0};
	unsigned char *seen = yk_calloc(d->n_fields + 1, 1);
	int rc = YK_OK;

	if (!yk_json_obj_enter(&it, s, n)) {
		free(seen);
		return want(c, "an object", s);
	}
	while (rc == YK_OK && yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		const ProtobufCFieldDescriptor *f;

		yk_buf_truncate(&key, 0);
		yk_json_unescape(&key, k, kn);
		yk_buf_addc(&key, '\0');
		f = field_of(d, key.p);
		snprintf(c->path + at, sizeof(c->path) - at, "%s%s",
			 at ? "." : "", f ? f->name : key.p);
		if (f == NULL) {
			c->path[at] = '\0';
			rc = bad(c, "unknown field '%s'", key.p);
			break;
		}
		if (seen[f - d->fields]) {
			rc = bad(c, "%s", "given twice");
			break;
		}
		seen[f - d->fields] = 1;
		if (*v == 'n') /* null: not set */
			continue;
		if ((f->flags & PROTOBUF_C_FIELD_FLAG_ONEOF) &&
		    *(uint32_t *)((char *)m + f->quantifier_offset) != 0) {
			rc = bad(c, "%s", "a second member of its oneof");
			break;
		}
		rc = set_field(c, m, f, v, vn);
		c->path[at] = '\0';
	}
	yk_buf_free(&key);
	free(seen);
	return rc;
}

int
yk_pb_from_json(ProtobufCMessage **out, const ProtobufCMessageDescriptor *d,
		const char *s, size_t n, struct yk_err *err)
{
	struct ctx c = {.type = d->name, .err = err};
	ProtobufCMessage *m;

	*out = NULL;
	if (!yk_json_valid(s, n))
		return yk_err_set(err, YK_EUSAGE, "%s: not valid JSON",
				  d->name);
	m = yk_malloc(d->sizeof_message);
	protobuf_c_message_init(d, m);
	if (fill(&c, m, s, n) != YK_OK) {
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

int
yk_pb_json_to_bytes(struct yk_buf *out, const ProtobufCMessageDescriptor *d,
		    const char *s, size_t n, struct yk_err *err)
{
	ProtobufCMessage *m;
	size_t len;

	if (yk_pb_from_json(&m, d, s, n, err) != YK_OK)
		return err->rc;
	len = protobuf_c_message_get_packed_size(m);
	yk_buf_reserve(out, len);
	protobuf_c_message_pack(m, (uint8_t *)out->p + out->len);
	out->len += len;
	protobuf_c_message_free_unpacked(m, NULL);
	return YK_OK;
}
