/*
 * follow.c - fleet channel watchers: expression, robot, JSON line.
 */
#include <string.h>

#include "follow.h"
#include "json.h"

int
yk_follow_expr(struct yk_kexpr *ke, const struct yk_scope *sc,
	       const char *pattern, const char *chan, struct yk_err *err)
{
	struct yk_buf e = {0};
	size_t n = strlen(pattern), c = strlen(chan);
	int rc;

	if (n > c && pattern[n - c - 1] == '/' &&
	    strcmp(pattern + n - c, chan) == 0)
		n -= c + 1;
	yk_buf_add(&e, pattern, n);
	/* parse what the user wrote first, so errors quote it */
	rc = yk_kexpr_parse(ke, sc, e.p, err);
	yk_kexpr_free(ke);
	if (rc == YK_OK) {
		yk_buf_addc(&e, '/');
		yk_buf_adds(&e, chan);
		rc = yk_kexpr_parse(ke, sc, e.p, err);
	}
	yk_buf_free(&e);
	return rc;
}

bool
yk_follow_robot(struct yk_buf *r, const char *key, const char *chan)
{
	size_t n = strlen(key), c = strlen(chan);

	yk_buf_truncate(r, 0);
	if (n <= c + 1 || key[n - c - 1] != '/' ||
	    strcmp(key + n - c, chan) != 0)
		return false;
	yk_buf_add(r, key, n - c - 1);
	return true;
}

bool
yk_follow_json(struct yk_buf *b, const char *robot, const char *p, size_t n)
{
	size_t start = b->len, at;

	if (n == 0 || !yk_json_valid(p, n))
		return false;
	yk_buf_adds(b, "{\"robot\":");
	yk_json_strz(b, robot);
	at = b->len;
	yk_json_minify(b, p, n);
	if (b->p[at] != '{') {
		yk_buf_truncate(b, start);
		return false;
	}
	b->p[at] = ',';
	if (b->p[at + 1] == '}') { /* it was {} */
		yk_buf_truncate(b, at);
		yk_buf_addc(b, '}');
	}
	yk_buf_addc(b, '\n');
	return true;
}
