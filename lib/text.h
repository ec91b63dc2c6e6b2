/*
 * text.h - text from other processes made safe to embed: as a JSON string
 * (valid UTF-8, cut at a number of characters) and on a terminal (no
 * control characters, so a robot's message cannot move the cursor, set
 * colours or retitle the operator's window).
 */
#ifndef YK_TEXT_H
#define YK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"

/*
 * Append s[0..n) as valid UTF-8: each byte that does not start a valid
 * sequence becomes U+FFFD.  At most max code points are kept (never a
 * part of one); returns true when the text was cut.
 */
bool yk_text_utf8(struct yk_buf *out, const char *s, size_t n, size_t max);
/* Append valid UTF-8 s[0..n) for a terminal: C0 and C1 controls and DEL
 * become '?', a tab a space. */
void yk_text_tty(struct yk_buf *out, const char *s, size_t n);

#endif
