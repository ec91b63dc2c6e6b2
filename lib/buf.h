/*
 * buf.h - a growable byte buffer, the one string builder of lib/.
 *
 * p is always NUL-terminated after any add (so it can be used as a C string
 * when the content is text); len never counts that NUL.
 */
#ifndef YK_BUF_H
#define YK_BUF_H

#include <stddef.h>

struct yk_buf {
	char *p;
	size_t len;
	size_t cap;
};

void yk_buf_reserve(struct yk_buf *b, size_t extra);
void yk_buf_add(struct yk_buf *b, const void *data, size_t n);
void yk_buf_adds(struct yk_buf *b, const char *s);
void yk_buf_addc(struct yk_buf *b, char c);
void yk_buf_addf(struct yk_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), nonnull(1, 2)));
/* Decimal integers without printf: the output hot path uses these. */
void yk_buf_addi(struct yk_buf *b, long long v);
void yk_buf_addu(struct yk_buf *b, unsigned long long v);
void yk_buf_truncate(struct yk_buf *b, size_t len);
void yk_buf_free(struct yk_buf *b);
/* Drop the first n bytes. */
void yk_buf_consume(struct yk_buf *b, size_t n);

#endif
