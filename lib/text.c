/*
 * text.c - UTF-8 repair and cutting, terminal-safe text.
 */
#include "json.h"
#include "text.h"

/* Length of the valid sequence at s, or 0. */
static size_t
seq_len(const unsigned char *s, size_t n)
{
	size_t l = s[0] < 0x80 ? 1 : s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;

	if (l > n || !yk_utf8_valid((const char *)s, l))
		return 0;
	return l;
}

bool
yk_text_utf8(struct yk_buf *out, const char *s, size_t n, size_t max)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, cps = 0;

	/* The common case: short and valid, one copy. */
	if (n <= max && yk_utf8_valid(s, n)) {
		yk_buf_add(out, s, n);
		return false;
	}
	while (i < n) {
		size_t l;

		if (cps == max)
			return true;
		l = seq_len(p + i, n - i);
		if (l == 0) {
			yk_buf_add(out, "\xef\xbf\xbd", 3);
			i++;
		} else {
			yk_buf_add(out, p + i, l);
			i += l;
		}
		cps++;
	}
	return false;
}

void
yk_text_tty(struct yk_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\t')
			yk_buf_addc(out, ' ');
		else if (p[i] < 0x20 || p[i] == 0x7f)
			yk_buf_addc(out, '?');
		else if (p[i] == 0xc2 && i + 1 < n && p[i + 1] >= 0x80 &&
			 p[i + 1] < 0xa0) {
			yk_buf_addc(out, '?'); /* U+0080..U+009F */
			i++;
		} else {
			yk_buf_addc(out, (char)p[i]);
		}
	}
}
