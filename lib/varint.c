/*
 * varint.c - base-128 varints (see varint.h).
 *
 * What must hold: a value is read whole or refused, never wrapped past
 * 64 bits.
 */
#include "varint.h"

void
yk_varint_put(struct yk_buf *b, uint64_t v)
{
	char s[YK_VARINT_MAX];
	size_t n = 0;

	while (v >= 0x80) {
		s[n++] = (char)(v | 0x80);
		v >>= 7;
	}
	s[n++] = (char)v;
	yk_buf_add(b, s, n);
}

int
yk_varint_get(const void *p, size_t n, uint64_t *v)
{
	const unsigned char *s = p;
	uint64_t x = 0;
	size_t i;

	for (i = 0; i < n && i < YK_VARINT_MAX; i++) {
		/* the 10th byte holds bit 63 alone: more would wrap */
		if (i == YK_VARINT_MAX - 1 && s[i] > 1)
			return -1;
		x |= (uint64_t)(s[i] & 0x7f) << (7 * i);
		if (!(s[i] & 0x80)) {
			*v = x;
			return (int)i + 1;
		}
	}
	return i == YK_VARINT_MAX ? -1 : 0;
}
