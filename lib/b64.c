/*
 * b64.c - base64 codec.
 */
#include <stdbool.h>
#include <stdint.h>

#include "b64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void
yk_b64_encode(struct yk_buf *out, const void *data, size_t n)
{
	const unsigned char *s = data;
	size_t i;

	yk_buf_reserve(out, (n + 2) / 3 * 4);
	char *o = out->p + out->len;
	for (i = 0; i + 3 <= n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 |
			     s[i + 2];
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = alphabet[(v >> 6) & 63];
		*o++ = alphabet[v & 63];
	}
	if (n - i == 1) {
		uint32_t v = (uint32_t)s[i] << 16;
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = '=';
		*o++ = '=';
	} else if (n - i == 2) {
		uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
		*o++ = alphabet[v >> 18];
		*o++ = alphabet[(v >> 12) & 63];
		*o++ = alphabet[(v >> 6) & 63];
		*o++ = '=';
	}
	out->len = (size_t)(o - out->p);
	out->p[out->len] = '\0';
}

static int
val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

int
yk_b64_decode(struct yk_buf *out, const char *s, size_t n)
{
	if (n % 4 != 0)
		return -1;
	for (size_t i = 0; i < n; i += 4) {
		int a = val(s[i]), b = val(s[i + 1]);
		int c = val(s[i + 2]), d = val(s[i + 3]);
		bool last = i + 4 == n;

		if (a < 0 || b < 0)
			return -1;
		if (last && s[i + 2] == '=' && s[i + 3] == '=') {
			unsigned char o = (unsigned char)(a << 2 | b >> 4);
			yk_buf_add(out, &o, 1);
			break;
		}
		if (c < 0)
			return -1;
		if (last && s[i + 3] == '=') {
			unsigned char o[2] = {(unsigned char)(a << 2 | b >> 4),
					      (unsigned char)(b << 4 | c >> 2)};
			yk_buf_add(out, o, 2);
			break;
		}
		if (d < 0)
			return -1;
		unsigned char o[3] = {(unsigned char)(a << 2 | b >> 4),
				      (unsigned char)(b << 4 | c >> 2),
				      (unsigned char)(c << 6 | d)};
		yk_buf_add(out, o, 3);
	}
	return 0;
}
