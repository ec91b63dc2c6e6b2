/*
 * ndjson.c - one JSON line to one message.
 */
#include "b64.h"
#include "json.h"
#include "ndjson.h"
#include "pq.h"

static int
priority(const char *v, size_t vn, int *prio, struct yk_err *err)
{
	struct yk_buf s = {0};
	int rc = YK_OK;

	if (*v == '"')
		yk_json_unescape(&s, v, vn);
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
			yk_json_unescape(key, v, vn);
			have_key = true;
		} else if (yk_json_key_is(k, kn, "payload")) {
			payload->len = 0;
			if (*v == '"')
				yk_json_unescape(payload, v, vn);
			else
				yk_json_minify(payload, v, vn);
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
