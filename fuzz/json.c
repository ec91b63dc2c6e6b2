/*
 * json.c - libFuzzer target for the JSON scanner (lib/json.h), which
 * every tool runs on payloads from the network.  What holds: minified
 * valid JSON is valid and minifies to itself; the iterators
 * walk any valid object or array to its end without reading past it;
 * valid UTF-8 escapes back to valid UTF-8.
 */
#include "fuzz.h"
#include "json.h"

/* Walk v (valid JSON) depth-first; depth bounds the recursion. */
static void
walk(const char *v, size_t n, int depth)
{
	struct yk_json_iter it;
	const char *k, *e;
	size_t kn, en;

	if (depth > 64)
		return;
	if (yk_json_obj_enter(&it, v, n)) {
		while (yk_json_obj_next(&it, &k, &kn, &e, &en)) {
			if (k < v || k + kn > v + n || e < v || e + en > v + n)
				abort();
			walk(e, en, depth + 1);
		}
	} else if (yk_json_arr_enter(&it, v, n)) {
		while (yk_json_arr_next(&it, &e, &en)) {
			if (e < v || e + en > v + n)
				abort();
			walk(e, en, depth + 1);
		}
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct yk_buf a = {0}, b = {0}, u = {0};

	if (yk_json_valid(s, size)) {
		yk_json_minify(&a, s, size);
		/* not "no longer": raw C1 controls come out as \u0080.. */
		if (!yk_json_valid(a.p, a.len))
			abort();
		yk_json_minify(&b, a.p, a.len);
		if (!fuzz_same(a.p, a.len, b.p, b.len))
			abort();
		walk(a.p, a.len, 0);
		/* an object's members spliced after our own: still JSON */
		yk_buf_truncate(&b, 0);
		yk_buf_adds(&b, "{\"x\":0");
		if (yk_json_members(&b, a.p, a.len, "key")) {
			yk_buf_addc(&b, '}');
			if (!yk_json_valid(b.p, b.len))
				abort();
		}
	}
	if (yk_utf8_valid(s, size)) {
		yk_json_str(&u, s, size);
		if (!yk_json_valid(u.p, u.len))
			abort();
		/* and back */
		yk_buf_truncate(&b, 0);
		if (yk_json_unescape(&b, u.p, u.len) != 0 ||
		    !fuzz_same(b.p, b.len, s, size))
			abort();
	}
	if (size > 0 && s[0] == '"' && yk_json_valid(s, size)) {
		yk_buf_truncate(&u, 0);
		yk_json_unescape(&u, s, size);
	}
	yk_buf_free(&a);
	yk_buf_free(&b);
	yk_buf_free(&u);
	return 0;
}
