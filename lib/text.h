/*
 * text.h - text from other processes made safe to embed: as a JSON string
 * (valid UTF-8, cut at a number of characters) and on a terminal (no
 * control characters, so a robot's message cannot move the cursor, set
 * colours or retitle the operator's window).
 *
 * yk_text_tty is the one place where text bound for a terminal is made
 * safe: the table printer (lib/out.h), the --watch and --follow lines and
 * every message on stderr (yk_err_print, yk_err_say) go through it.
 * Producers refuse such text at the source with yk_text_check.
 */
#ifndef YK_TEXT_H
#define YK_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * Append s[0..n) as valid UTF-8: each byte that does not start a valid
 * sequence becomes U+FFFD.  At most max code points are kept (never a
 * part of one); returns true when the text was cut.
 */
bool yk_text_utf8(struct yk_buf *out, const char *s, size_t n, size_t max);
/* Append any bytes s[0..n) for a terminal: invalid UTF-8 becomes U+FFFD;
 * C0 and C1 controls, DEL and the bidirectional controls (which reorder
 * what follows them) become '?', a tab a space. */
void yk_text_tty(struct yk_buf *out, const char *s, size_t n);
/* The columns yk_text_tty's rendering of s[0..n) takes: East Asian wide
 * characters count 2, combining marks 0. */
int yk_text_width(const char *s, size_t n);
/* yk_text_tty in at most w columns: longer text is cut and ends with
 * "…" (U+2026).  Returns the columns used. */
int yk_text_fit(struct yk_buf *out, const char *s, size_t n, int w);
/* yk_text_tty of the end of s[0..n) that fits in w columns (the newest
 * part of a sparkline).  Returns the columns used. */
int yk_text_tail(struct yk_buf *out, const char *s, size_t n, int w);
/* Blanks from column `at` to column w. */
void yk_text_pad(struct yk_buf *out, int at, int w);
/* Text a tool is asked to publish for others' terminals (a name, a
 * reason, a code): YK_EUSAGE "<what> must not contain control
 * characters" when s holds any (C0, DEL, C1, bidirectional controls), or
 * "<what> is not valid UTF-8".  NULL (not given) is fine. */
int yk_text_check(const char *what, const char *s, struct yk_err *err);
/* Whether s[0..n) holds a control character yk_text_check refuses. */
bool yk_text_has_ctl(const char *s, size_t n);

#endif
