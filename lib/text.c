/*
 * text.c - UTF-8 repair and cutting, terminal-safe text and its width.
 */
#include <string.h>

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

/* The code point at p (l bytes, valid). */
static unsigned
decode(const unsigned char *p, size_t l)
{
	unsigned c = l == 1 ? p[0] : p[0] & (0x7f >> l);

	for (size_t i = 1; i < l; i++)
		c = c << 6 | (p[i] & 0x3f);
	return c;
}

static bool
in(unsigned c, const unsigned (*r)[2], size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (c >= r[i][0] && c <= r[i][1])
			return true;
	return false;
}

/* Controls that must not reach a terminal: C1 (CSI, OSC as one byte on
 * 8-bit terminals) and the bidirectional embeddings, overrides and
 * isolates (they reorder the rest of the line: "Trojan source"). */
static bool
unsafe(unsigned c)
{
	static const unsigned r[][2] = {
		{0x80, 0x9f},     {0x61c, 0x61c},   {0x200e, 0x200f},
		{0x2028, 0x202e}, {0x2066, 0x2069},
	};

	return c < 0x20 || c == 0x7f || in(c, r, sizeof(r) / sizeof(r[0]));
}

/* Columns of a printable code point: the ranges of wcwidth(3) that
 * matter in names and messages, without the locale it depends on. */
static int
cp_width(unsigned c)
{
	static const unsigned zero[][2] = {
		{0x300, 0x36f},   {0x483, 0x489},   {0x591, 0x5bd},
		{0x610, 0x61a},   {0x64b, 0x65f},   {0x1ab0, 0x1aff},
		{0x1dc0, 0x1dff}, {0x200b, 0x200d}, {0x20d0, 0x20ff},
		{0xfe00, 0xfe0f}, {0xfe20, 0xfe2f}, {0xfeff, 0xfeff},
		{0xe0100, 0xe01ef},
	};
	static const unsigned wide[][2] = {
		{0x1100, 0x115f},   {0x2e80, 0x303e},   {0x3041, 0x33ff},
		{0x3400, 0x4dbf},   {0x4e00, 0x9fff},   {0xa000, 0xa4cf},
		{0xac00, 0xd7a3},   {0xf900, 0xfaff},   {0xfe30, 0xfe4f},
		{0xff00, 0xff60},   {0xffe0, 0xffe6},   {0x1f300, 0x1f64f},
		{0x1f900, 0x1f9ff}, {0x20000, 0x2fffd}, {0x30000, 0x3fffd},
	};

	if (in(c, zero, sizeof(zero) / sizeof(zero[0])))
		return 0;
	if (in(c, wide, sizeof(wide) / sizeof(wide[0])))
		return 2;
	return 1;
}

/*
 * One character of s as a terminal gets it: *l bytes of s consumed, the
 * bytes to show in *show (s itself, or a replacement), their columns
 * returned.
 */
static int
next(const unsigned char *s, size_t n, size_t *l, const char **show,
     size_t *sn)
{
	unsigned c;

	*l = seq_len(s, n);
	if (*l == 0) {
		*l = 1;
		*show = "\xef\xbf\xbd";
		*sn = 3;
		return 1;
	}
	c = decode(s, *l);
	if (c == '\t' || unsafe(c)) {
		*show = c == '\t' ? " " : "?";
		*sn = 1;
		return 1;
	}
	*show = (const char *)s;
	*sn = *l;
	return cp_width(c);
}

void
yk_text_tty(struct yk_buf *out, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l, sn;
	const char *show;

	while (i < n) {
		next(p + i, n - i, &l, &show, &sn);
		yk_buf_add(out, show, sn);
		i += l;
	}
}

int
yk_text_width(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l, sn;
	const char *show;
	int w = 0;

	while (i < n) {
		w += next(p + i, n - i, &l, &show, &sn);
		i += l;
	}
	return w;
}

int
yk_text_fit(struct yk_buf *out, const char *s, size_t n, int w)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l, sn;
	const char *show;
	int at = 0;

	if (yk_text_width(s, n) <= w) {
		yk_text_tty(out, s, n);
		return yk_text_width(s, n);
	}
	if (w <= 0)
		return 0;
	/* room for the ellipsis */
	while (i < n) {
		int cw = next(p + i, n - i, &l, &show, &sn);

		if (at + cw > w - 1)
			break;
		yk_buf_add(out, show, sn);
		at += cw;
		i += l;
	}
	yk_buf_adds(out, "\xe2\x80\xa6");
	return at + 1;
}

int
yk_text_tail(struct yk_buf *out, const char *s, size_t n, int w)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i = 0, l, sn;
	const char *show;
	int left = yk_text_width(s, n);

	while (i < n && left > w) {
		left -= next(p + i, n - i, &l, &show, &sn);
		i += l;
	}
	yk_text_tty(out, s + i, n - i);
	return left;
}

void
yk_text_pad(struct yk_buf *out, int at, int w)
{
	for (; at < w; at++)
		yk_buf_addc(out, ' ');
}

bool
yk_text_has_ctl(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;

	for (size_t i = 0; i < n;) {
		size_t l = seq_len(p + i, n - i);

		if (l == 0) /* not UTF-8: a byte of its own */
			l = 1;
		else if (unsafe(decode(p + i, l)))
			return true;
		i += l;
	}
	return false;
}

int
yk_text_check(const char *what, const char *s, struct yk_err *err)
{
	size_t n = s ? strlen(s) : 0;

	if (s == NULL)
		return YK_OK;
	if (yk_text_has_ctl(s, n))
		return yk_err_set(err, YK_EUSAGE,
				  "%s must not contain control characters",
				  what);
	if (!yk_utf8_valid(s, n))
		return yk_err_set(err, YK_EUSAGE, "%s is not valid UTF-8",
				  what);
	return YK_OK;
}
