/*
 * buf.c - growable byte buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"

void
yk_buf_reserve(struct yk_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (need < b->len)
		yk_oom();
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	b->p = yk_realloc(b->p, cap);
	b->cap = cap;
}

void
yk_buf_add(struct yk_buf *b, const void *data, size_t n)
{
	yk_buf_reserve(b, n);
	if (n > 0)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
yk_buf_adds(struct yk_buf *b, const char *s)
{
	yk_buf_add(b, s, strlen(s));
}

void
yk_buf_addc(struct yk_buf *b, char c)
{
	yk_buf_reserve(b, 1);
	b->p[b->len++] = c;
	b->p[b->len] = '\0';
}

void
yk_buf_addf(struct yk_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	yk_buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
yk_buf_addu(struct yk_buf *b, unsigned long long v)
{
	char tmp[24];
	int i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	yk_buf_add(b, tmp + i, sizeof(tmp) - (size_t)i);
}

void
yk_buf_addi(struct yk_buf *b, long long v)
{
	if (v < 0) {
		yk_buf_addc(b, '-');
		yk_buf_addu(b, 0ULL - (unsigned long long)v);
	} else {
		yk_buf_addu(b, (unsigned long long)v);
	}
}

void
yk_buf_truncate(struct yk_buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

void
yk_buf_consume(struct yk_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->p, b->p + n, b->len - n);
		b->len -= n;
	}
	if (b->p)
		b->p[b->len] = '\0';
}

void
yk_buf_free(struct yk_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}
