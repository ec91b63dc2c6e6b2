/*
 * logline.c - log entries: write, read, rank.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "json.h"
#include "logline.h"
#include "out.h"
#include "text.h"

bool
yk_logline_json(struct yk_buf *b, struct yk_buf *tmp, const char *level,
		const char *s, size_t n, int64_t ts_us)
{
	bool cut = false;

	yk_buf_adds(b, "{\"level\":");
	yk_json_strz(b, level);
	yk_buf_adds(b, ",\"message\":");
	if (n <= YK_LOG_MAX_CHARS && yk_utf8_valid(s, n)) {
		yk_json_str(b, s, n);
	} else {
		yk_buf_truncate(tmp, 0);
		cut = yk_text_utf8(tmp, s, n, YK_LOG_MAX_CHARS);
		yk_json_str(b, tmp->p, tmp->len);
	}
	yk_buf_adds(b, ",\"ts\":");
	yk_out_ts(b, ts_us);
	yk_buf_addc(b, '}');
	return cut;
}

int
yk_logline_parse(struct yk_logline *l, const char *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	bool lv = false, msg = false;

	l->ts_us = -1;
	yk_buf_truncate(&l->level, 0);
	yk_buf_truncate(&l->message, 0);
	if (!yk_json_obj_begin(&it, p, n))
		return -1;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		struct yk_buf *into = NULL;

		if (yk_json_key_is(k, kn, "level"))
			into = &l->level;
		else if (yk_json_key_is(k, kn, "message"))
			into = &l->message;
		if (into && vn > 0 && v[0] == '"') {
			yk_buf_truncate(into, 0);
			yk_json_unescape(into, v, vn);
			*(into == &l->level ? &lv : &msg) = true;
		} else if (yk_json_key_is(k, kn, "ts") && vn > 0 &&
			   v[0] != '"' && v[0] != 'n') {
			double t = strtod(v, NULL);

			if (isfinite(t) && t > 0 && t < 1e11)
				l->ts_us = (int64_t)(t * 1e6 + 0.5);
		}
	}
	if (!lv || !msg)
		return -1;
	yk_buf_addc(&l->level, '\0'); /* an empty one must be a string too */
	l->level.len--;
	return 0;
}

int
yk_logline_rank(const char *level)
{
	for (int i = 0; yk_fleet_levels[i]; i++)
		if (strcmp(yk_fleet_levels[i], level) == 0)
			return i;
	return 1;
}

void
yk_logline_level_tty(struct yk_buf *b, const char *level, size_t n)
{
	struct yk_buf t = {0};

	yk_buf_add(&t, level, n);
	for (size_t i = 0; i < t.len; i++)
		if (t.p[i] >= 'a' && t.p[i] <= 'z')
			t.p[i] = (char)(t.p[i] - 'a' + 'A');
	yk_text_fit(b, t.p ? t.p : "", t.len, YK_LOG_LEVEL_COLS);
	yk_buf_free(&t);
}

void
yk_logline_free(struct yk_logline *l)
{
	yk_buf_free(&l->level);
	yk_buf_free(&l->message);
}
