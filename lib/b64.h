/*
 * b64.h - standard base64 (RFC 4648, with padding), for binary payloads in
 * JSON lines (`payload_b64`) and protobuf bytes fields.
 */
#ifndef YK_B64_H
#define YK_B64_H

#include <stddef.h>

#include "buf.h"

void yk_b64_encode(struct yk_buf *out, const void *data, size_t n);
/* Returns 0, or -1 when s[0..n) is not base64 (white space is refused). */
int yk_b64_decode(struct yk_buf *out, const char *s, size_t n);

#endif
