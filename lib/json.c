/*
 * json.c - validating scanner, minifier and string codec for JSON payloads.
 *
 * The scanner is recursive descent over (pointer, end) with a depth cap, so
 * hostile payloads cost at most O(n) time and a bounded stack.
 */
#include <math.h> /* isfinite: a macro, no libm */
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

#define YK_JSON_MAX_DEPTH 256

static const char *skip_value(const char *p, const char *end, int depth);

static const char *
skip_ws(const char *p, const char *end)
{
	while (p < end &&
	       (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* Length of the UTF-8 sequence at p, or 0 when it is not valid. */
static size_t
utf8_len(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0];

	if (c < 0x80)
		return 1;
	if (c < 0xc2)
		return 0;
	if (c < 0xe0) {
		if (end - p < 2 || (p[1] & 0xc0) != 0x80)
			return 0;
		return 2;
	}
	if (c < 0xf0) {
		if (end - p < 3 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80)
			return 0;
		if (c == 0xe0 && p[1] < 0xa0)
			return 0; /* overlong */
		if (c == 0xed && p[1] >= 0xa0)
			return 0; /* surrogate */
		return 3;
	}
	if (c < 0xf5) {
		if (end - p < 4 || (p[1] & 0xc0) != 0x80 ||
		    (p[2] & 0xc0) != 0x80 || (p[3] & 0xc0) != 0x80)
			return 0;
		if (c == 0xf0 && p[1] < 0x90)
			return 0; /* overlong */
		if (c == 0xf4 && p[1] >= 0x90)
			return 0; /* > U+10FFFF */
		return 4;
	}
	return 0;
}

bool
yk_utf8_valid(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end;

	if (n == 0)
		return true; /* s may be NULL: no offset from it */
	end = p + n;
	while (p < end) {
		/* ASCII runs dominate; test eight bytes at a time. */
		while (end - p >= 8) {
			uint64_t w;

			memcpy(&w, p, 8);
			if (w & 0x8080808080808080ULL)
				break;
			p += 8;
		}
		if (p >= end)
			break;
		size_t l = utf8_len(p, end);
		if (l == 0)
			return false;
		p += l;
	}
	return true;
}

int
yk_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static const char *
skip_string(const char *p, const char *end)
{
	p++; /* opening quote */
	while (p < end) {
		unsigned char c = (unsigned char)*p;

		if (c == '"')
			return p + 1;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			if (++p >= end)
				return NULL;
			switch (*p) {
			case '"': case '\\': case '/': case 'b':
			case 'f': case 'n': case 'r': case 't':
				p++;
				break;
			case 'u':
				if (end - p < 5)
					return NULL;
				for (int i = 1; i <= 4; i++)
					if (yk_hexval(p[i]) < 0)
						return NULL;
				p += 5;
				break;
			default:
				return NULL;
			}
		} else if (c < 0x80) {
			p++;
		} else {
			size_t l = utf8_len((const unsigned char *)p,
					    (const unsigned char *)end);
			if (l == 0)
				return NULL;
			p += l;
		}
	}
	return NULL;
}

static const char *
skip_digits(const char *p, const char *end)
{
	const char *s = p;

	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p == s ? NULL : p;
}

static const char *
skip_number(const char *p, const char *end)
{
	if (p < end && *p == '-')
		p++;
	if (p >= end)
		return NULL;
	if (*p == '0')
		p++;
	else if ((p = skip_digits(p, end)) == NULL)
		return NULL;
	if (p < end && *p == '.') {
		if ((p = skip_digits(p + 1, end)) == NULL)
			return NULL;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if ((p = skip_digits(p, end)) == NULL)
			return NULL;
	}
	return p;
}

bool
yk_json_num(const char *v, size_t n, double *out)
{
	char tmp[64];
	double d;

	/* longer is no number a robot sends (and would need an allocation) */
	if (n == 0 || n >= sizeof(tmp) || skip_number(v, v + n) != v + n)
		return false;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	d = strtod(tmp, NULL);
	if (!isfinite(d))
		return false;
	*out = d;
	return true;
}

static const char *
skip_lit(const char *p, const char *end, const char *lit, size_t n)
{
	if ((size_t)(end - p) < n || memcmp(p, lit, n) != 0)
		return NULL;
	return p + n;
}

static const char *
skip_container(const char *p, const char *end, int depth, bool object)
{
	char close = object ? '}' : ']';

	if (depth >= YK_JSON_MAX_DEPTH)
		return NULL;
	p = skip_ws(p + 1, end);
	if (p < end && *p == close)
		return p + 1;
	for (;;) {
		if (object) {
			if (p >= end || *p != '"')
				return NULL;
			if ((p = skip_string(p, end)) == NULL)
				return NULL;
			p = skip_ws(p, end);
			if (p >= end || *p != ':')
				return NULL;
			p = skip_ws(p + 1, end);
		}
		if ((p = skip_value(p, end, depth + 1)) == NULL)
			return NULL;
		p = skip_ws(p, end);
		if (p >= end)
			return NULL;
		if (*p == close)
			return p + 1;
		if (*p != ',')
			return NULL;
		p = skip_ws(p + 1, end);
	}
}

static const char *
skip_value(const char *p, const char *end, int depth)
{
	if (p >= end)
		return NULL;
	switch (*p) {
	case '{':
		return skip_container(p, end, depth, true);
	case '[':
		return skip_container(p, end, depth, false);
	case '"':
		return skip_string(p, end);
	case 't':
		return skip_lit(p, end, "true", 4);
	case 'f':
		return skip_lit(p, end, "false", 5);
	case 'n':
		return skip_lit(p, end, "null", 4);
	default:
		return skip_number(p, end);
	}
}

bool
yk_json_valid(const char *s, size_t n)
{
	const char *end = s + n;
	const char *p = skip_ws(s, end);

	p = skip_value(p, end, 0);
	if (p == NULL)
		return false;
	return skip_ws(p, end) == end;
}

static const char hexdig[] = "0123456789abcdef";

/* A C1 control (U+0080..U+009F) in UTF-8 at s. */
static bool
is_c1(const char *s, const char *end)
{
	return end - s >= 2 && (unsigned char)s[0] == 0xc2 &&
	       (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] < 0xa0;
}

void
yk_json_minify(struct yk_buf *out, const char *s, size_t n)
{
	const char *p = s, *end = s + n;
	bool in_str = false;

	yk_buf_reserve(out, n);
	char *o = out->p + out->len;
	while (p < end) {
		char c = *p++;

		if (in_str && is_c1(p - 1, end)) {
			/* U+0080..U+009F written raw is valid JSON but a
			 * control to a terminal: escaped, the same string */
			out->len = (size_t)(o - out->p);
			yk_buf_reserve(out, (size_t)(end - p) + 6);
			o = out->p + out->len;
			memcpy(o, "\\u00", 4);
			o[4] = hexdig[(unsigned char)*p >> 4];
			o[5] = hexdig[*p & 15];
			o += 6;
			p++;
		} else if (in_str) {
			*o++ = c;
			if (c == '\\')
				*o++ = *p++;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			*o++ = c;
			in_str = true;
		} else if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			*o++ = c;
		}
	}
	out->len = (size_t)(o - out->p);
	out->p[out->len] = '\0';
}

void
yk_json_str(struct yk_buf *out, const char *s, size_t n)
{
	/* Worst case: every byte becomes \u00XX. */
	yk_buf_reserve(out, n * 6 + 2);
	char *o = out->p + out->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (is_c1(s + i, s + n)) {
			c = (unsigned char)s[++i]; /* \u0080..\u009f below */
		} else if (c >= 0x20 && c != '"' && c != '\\') {
			*o++ = (char)c;
			continue;
		}
		*o++ = '\\';
		switch (c) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '\n': *o++ = 'n'; break;
		case '\r': *o++ = 'r'; break;
		case '\t': *o++ = 't'; break;
		case '\b': *o++ = 'b'; break;
		case '\f': *o++ = 'f'; break;
		default:
			*o++ = 'u';
			*o++ = '0';
			*o++ = '0';
			*o++ = hexdig[c >> 4];
			*o++ = hexdig[c & 15];
		}
	}
	*o++ = '"';
	out->len = (size_t)(o - out->p);
	out->p[out->len] = '\0';
}

void
yk_json_strz(struct yk_buf *out, const char *s)
{
	yk_json_str(out, s, strlen(s));
}

void
yk_json_ts(struct yk_buf *b, int64_t us)
{
	char frac[7];
	int64_t f = us % 1000000;

	yk_buf_addi(b, us / 1000000);
	yk_buf_addc(b, '.');
	for (int i = 5; i >= 0; i--) {
		frac[i] = (char)('0' + f % 10);
		f /= 10;
	}
	yk_buf_add(b, frac, 6);
}

int64_t
yk_json_ts_us(const char *v, size_t n)
{
	double s, us;

	if (!yk_json_num(v, n, &s))
		s = 0;
	us = s * 1e6 + 0.5;
	/* now minus it must not overflow */
	if (!(us > -0x1p62 && us < 0x1p62))
		return 0;
	return (int64_t)us;
}

static void
put_utf8(struct yk_buf *out, uint32_t cp)
{
	char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18);
		u[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		u[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		u[3] = (char)(0x80 | (cp & 0x3f));
		n = 4;
	}
	yk_buf_add(out, u, n);
}

static uint32_t
hex4(const char *p)
{
	return (uint32_t)(yk_hexval(p[0]) << 12 | yk_hexval(p[1]) << 8 |
			  yk_hexval(p[2]) << 4 | yk_hexval(p[3]));
}

static int
unescape(struct yk_buf *out, const char *tok, size_t n, bool strict)
{
	const char *p = tok, *end = tok + n;
	int rc = 0;

	if (n < 2 || *p != '"' || skip_string(p, end) != end)
		return -1;
	/* "" too leaves out a C string: callers pass out->p on as one */
	yk_buf_add(out, "", 0);
	p++;
	end--;
	while (p < end) {
		const char *q = p;

		while (q < end && *q != '\\')
			q++;
		yk_buf_add(out, p, (size_t)(q - p));
		if (q >= end)
			break;
		q++;
		switch (*q) {
		case 'b': yk_buf_addc(out, '\b'); q++; break;
		case 'f': yk_buf_addc(out, '\f'); q++; break;
		case 'n': yk_buf_addc(out, '\n'); q++; break;
		case 'r': yk_buf_addc(out, '\r'); q++; break;
		case 't': yk_buf_addc(out, '\t'); q++; break;
		case 'u': {
			uint32_t cp = hex4(q + 1);

			q += 5;
			if (cp >= 0xd800 && cp < 0xdc00 && end - q >= 6 &&
			    q[0] == '\\' && q[1] == 'u') {
				uint32_t lo = hex4(q + 2);

				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
					q += 6;
				}
			}
			if (cp >= 0xd800 && cp < 0xe000) {
				cp = 0xfffd; /* lone surrogate */
				if (strict)
					rc = YK_JSON_LONE_SURROGATE;
			}
			put_utf8(out, cp);
			break;
		}
		default: /* " \ / */
			yk_buf_addc(out, *q++);
		}
		p = q;
	}
	return rc;
}

int
yk_json_unescape(struct yk_buf *out, const char *tok, size_t n)
{
	return unescape(out, tok, n, false);
}

int
yk_json_unescape_strict(struct yk_buf *out, const char *tok, size_t n)
{
	return unescape(out, tok, n, true);
}

char *
yk_json_strdup(const char *tok, size_t n)
{
	struct yk_buf b = {0};

	if (n < 2 || tok[0] != '"' || yk_json_unescape(&b, tok, n) != 0) {
		yk_buf_free(&b);
		return NULL;
	}
	yk_buf_addc(&b, '\0');
	return b.p;
}

bool
yk_json_obj_begin(struct yk_json_iter *it, const char *s, size_t n)
{
	const char *end = s + n;
	const char *p = skip_ws(s, end);

	if (p >= end || *p != '{' || !yk_json_valid(s, n))
		return false;
	it->p = skip_ws(p + 1, end);
	it->end = end;
	return true;
}

bool
yk_json_obj_next(struct yk_json_iter *it, const char **key, size_t *keyn,
		 const char **val, size_t *valn)
{
	const char *p = skip_ws(it->p, it->end);

	if (p >= it->end || *p != '"')
		return false; /* '}' : the object was validated in begin */
	*key = p;
	p = skip_string(p, it->end);
	*keyn = (size_t)(p - *key);
	p = skip_ws(p, it->end) + 1; /* ':' */
	p = skip_ws(p, it->end);
	*val = p;
	p = skip_value(p, it->end, 0);
	*valn = (size_t)(p - *val);
	p = skip_ws(p, it->end);
	if (*p == ',')
		p++;
	it->p = p;
	return true;
}

static bool
enter(struct yk_json_iter *it, const char *s, size_t n, char open)
{
	const char *end = s + n;
	const char *p = skip_ws(s, end);

	if (p >= end || *p != open)
		return false;
	it->p = skip_ws(p + 1, end);
	it->end = end;
	return true;
}

bool
yk_json_obj_enter(struct yk_json_iter *it, const char *s, size_t n)
{
	return enter(it, s, n, '{');
}

bool
yk_json_arr_enter(struct yk_json_iter *it, const char *s, size_t n)
{
	return enter(it, s, n, '[');
}

bool
yk_json_arr_next(struct yk_json_iter *it, const char **val, size_t *valn)
{
	const char *p = skip_ws(it->p, it->end);

	if (p >= it->end || *p == ']')
		return false;
	*val = p;
	p = skip_value(p, it->end, 0);
	*valn = (size_t)(p - *val);
	p = skip_ws(p, it->end);
	if (p < it->end && *p == ',')
		p++;
	it->p = p;
	return true;
}

bool
yk_json_key_is(const char *k, size_t kn, const char *name)
{
	size_t n = strlen(name);

	/* Keys written with escapes never match: ours are plain ASCII. */
	return kn == n + 2 && memcmp(k + 1, name, n) == 0;
}

bool
yk_json_members(struct yk_buf *out, const char *s, size_t n,
		const char *skip)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (n == 0 || s[0] != '{' || !yk_json_obj_begin(&it, s, n))
		return false;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (skip && yk_json_key_is(k, kn, skip))
			continue;
		yk_buf_addc(out, ',');
		yk_json_minify(out, k, kn);
		yk_buf_addc(out, ':');
		yk_json_minify(out, v, vn);
	}
	return true;
}
