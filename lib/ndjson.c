/*
 * ndjson.c - one JSON line to one message.
 */
#include "b64.h"
#include "json.h"
#include "ndjson.h"
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

int
yk_ndjson_msg(const char *line, size_t n, struct yk_buf *key,
	      struct yk_buf *payload, int *prio, struct yk_err *err)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	bool have_key = false, have_payload = false;

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
		} else if (yk_json_key_is(k, kn, "payload_b64")) {
			payload->len = 0;
			if (*v != '"' ||
			    yk_b64_decode(payload, v + 1, vn - 2) != 0)
				return yk_err_set(err, YK_EUSAGE,
						  "\"payload_b64\" must be a "
						  "base64 string");
			have_payload = true;
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
