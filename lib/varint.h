/*
 * varint.h - protobuf's base-128 varints, here as the length prefix of
 * length-delimited frames (protobuf's writeDelimitedTo): read by lib/in.c
 * (yoke-pub --framing delimited), written by yoke-sub --framing delimited.
 *
 * What always holds: a varint is at most 10 bytes, low 7 bits first, the
 * high bit set on every byte but the last.
 */
#ifndef YK_VARINT_H
#define YK_VARINT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define YK_VARINT_MAX 10

/* Append v. */
void yk_varint_put(struct yk_buf *b, uint64_t v);

/* Read one varint from p[0..n) into *v: the bytes it takes (1..10), 0
 * when p ends inside it (need more), -1 when it runs past 10 bytes or
 * its 10th byte is above 1 (a value past 64 bits). */
int yk_varint_get(const void *p, size_t n, uint64_t *v);

#endif
