/*
 * ndjson.c - one JSON line to one message.
 */
#include <string.h>

#include "b64.h"
#include "json.h"
#include "ndjson.h"
#include "parse.h"
#include "pbchan.h"
#include "pbjson.h"
#include "pq.h"

bool
yk_ndjson_blank(const char *line, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r')
			return false;
	return true;
}

/* U+FFFD in place of \ud800 would publish what the line does not say. */
static int
lone(struct yk_err *err, const char *name)
{
	return yk_err_set(err, YK_EUSAGE,
			  "\"%s\": a lone surrogate escape is not a character",
			  name);
}

static int
priority(const char *v, size_t vn, int *prio, struct yk_err *err)
{
	struct yk_buf s = {0};
	int rc = YK_OK;

	if (*v == '"')
		yk_json_unescape_strict(&s, v, vn);
	else
		yk_buf_add(&s, v, vn);
	if (yk_prio_parse(s.p, prio) != 0)
		rc = yk_err_set(err, YK_EUSAGE,
				"\"priority\" must be 0-255 or a class name");
	yk_buf_free(&s);
	return rc;
}

/*
 * "ts" in seconds, as yoke-sub prints it (1795300718.861248): read as
 * decimal digits, not through a double, which would move the last
 * microsecond of today's times; other number forms (1.8e9) go through
 * strtod.  Capped at year 5138, so microseconds never overflow.
 */
static int
ts_value(const char *v, size_t vn, int64_t *us)
{
	size_t i = 0, dig;
	int64_t s = 0, f = 0;
	char tok[40];
	double d;

	while (i < vn && i < 12 && v[i] >= '0' && v[i] <= '9')
		s = s * 10 + (v[i++] - '0');
	dig = i;
	if (i < vn && v[i] == '.' && dig > 0) {
		int nf = 0;

		for (i++; i < vn && v[i] >= '0' && v[i] <= '9'; i++, nf++)
			if (nf < 6)
				f = f * 10 + (v[i] - '0');
		if (nf == 0)
			i = 0; /* not a JSON number: refused below */
		for (; nf < 6; nf++)
			f *= 10;
	}
	if (i == vn && dig > 0 && s < 100000000000) {
		*us = s * 1000000 + f;
		return 0;
	}
	if (vn >= sizeof(tok))
		return -1;
	memcpy(tok, v, vn);
	tok[vn] = '\0';
	if (yk_parse_double(tok, 0, 1e11, &d) != 0)
		return -1;
	*us = (int64_t)(d * 1e6 + 0.5);
	return 0;
}

/* ts, qos and retain of a captured line. */
static int
meta_field(const char *k, size_t kn, const char *v, size_t vn,
	   struct yk_ndjson_meta *m, struct yk_err *err)
{
	bool null = vn == 4 && memcmp(v, "null", 4) == 0;

	if (yk_json_key_is(k, kn, "ts")) {
		if (!null && ts_value(v, vn, &m->ts_us) != 0)
			return yk_err_set(err, YK_EUSAGE,
					  "\"ts\" must be seconds since the "
					  "epoch");
	} else if (yk_json_key_is(k, kn, "qos")) {
		if (vn != 1 || (*v != '0' && *v != '1'))
			return yk_err_set(err, YK_EUSAGE,
					  "\"qos\" must be 0 or 1");
		m->qos = *v - '0';
	} else if (yk_json_key_is(k, kn, "retain")) {
		if (vn == 4 && memcmp(v, "true", 4) == 0)
			m->retain = 1;
		else if (vn == 5 && memcmp(v, "false", 5) == 0)
			m->retain = 0;
		else
			return yk_err_set(err, YK_EUSAGE,
					  "\"retain\" must be true or false");
	}
	return YK_OK;
}

int
yk_ndjson_msg(const char *line, size_t n, struct yk_buf *key,
	      struct yk_buf *payload, int *prio, struct yk_err *err)
{
	return yk_ndjson_replay(line, n, key, payload, prio, NULL, err);
}

int
yk_ndjson_replay(const char *line, size_t n, struct yk_buf *key,
		 struct yk_buf *payload, int *prio,
		 struct yk_ndjson_meta *meta, struct yk_err *err)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	bool have_key = false, have_payload = false;

	if (meta)
		*meta = (struct yk_ndjson_meta){-1, -1, -1, false};
	if (!yk_json_obj_begin(&it, line, n))
		return yk_err_set(err, YK_EUSAGE,
				  yk_json_valid(line, n)
					  ? "expected a JSON object"
					  : "not valid JSON");
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (yk_json_key_is(k, kn, "key")) {
			if (*v != '"')
				return yk_err_set(err, YK_EUSAGE,
						  "\"key\" must be a string");
			key->len = 0;
			if (yk_json_unescape_strict(key, v, vn) != 0)
				return lone(err, "key");
			have_key = true;
		} else if (yk_json_key_is(k, kn, "payload")) {
			payload->len = 0;
			if (*v != '"')
				yk_json_minify(payload, v, vn);
			else if (yk_json_unescape_strict(payload, v, vn) != 0)
				return lone(err, "payload");
			have_payload = true;
			if (meta)
				meta->object = *v == '{';
		} else if (yk_json_key_is(k, kn, "payload_b64")) {
			payload->len = 0;
			if (*v != '"' ||
			    yk_b64_decode(payload, v + 1, vn - 2) != 0)
				return yk_err_set(err, YK_EUSAGE,
						  "\"payload_b64\" must be a "
						  "base64 string");
			have_payload = true;
			if (meta)
				meta->object = false;
		} else if (meta && meta_field(k, kn, v, vn, meta, err)) {
			return err->rc;
		} else if (yk_json_key_is(k, kn, "priority") &&
			   priority(v, vn, prio, err) != YK_OK) {
			return err->rc;
		}
	}
	if (!have_key)
		return yk_err_set(err, YK_EUSAGE, "missing \"key\"");
	if (!have_payload)
		return yk_err_set(err, YK_EUSAGE,
				  "missing \"payload\" or \"payload_b64\"");
	return YK_OK;
}

int
yk_ndjson_encode(struct yk_buf *payload, const char *key,
		 const struct yk_ndjson_meta *meta,
		 const ProtobufCMessageDescriptor *pb, struct yk_buf *tmp,
		 struct yk_err *err)
{
	struct yk_buf swap;

	if (pb == NULL)
		pb = yk_pbchan_for_key(key);
	if (pb == NULL || !meta->object)
		return YK_OK;
	tmp->len = 0;
	if (yk_pb_json_to_bytes(tmp, pb, payload->p, payload->len, err) !=
	    YK_OK)
		return err->rc;
	/* the bytes become the payload; the JSON, scratch for next time */
	swap = *payload;
	*payload = *tmp;
	*tmp = swap;
	return YK_OK;
}
