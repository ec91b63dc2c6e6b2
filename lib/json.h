/*
 * json.h - the JSON that yoke reads and writes on its own hot paths.
 *
 * Payloads are embedded in output lines as they were sent, minus insignificant
 * white space: numbers keep every digit (no round trip through double), and a
 * pretty-printed payload cannot break a JSON line.  cJSON stays available for
 * documents that need a tree; message payloads never do.
 *
 * Every function here takes (pointer, length): payloads are not C strings.
 */
#ifndef YK_JSON_H
#define YK_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* True when s[0..n) is one JSON value (RFC 8259) with optional white space
 * around it; strings must hold valid UTF-8.  Nesting is capped at 256. */
bool yk_json_valid(const char *s, size_t n);
/* v[0..n) is one JSON number (nothing before or after it: not "0x50",
 * "12abc", " 1" or "1e999"): its value in *out, and true. */
bool yk_json_num(const char *v, size_t n, double *out);

/* Append the valid JSON value s[0..n) without insignificant white space. */
void yk_json_minify(struct yk_buf *out, const char *s, size_t n);

/* Append s[0..n) (valid UTF-8) as a quoted JSON string. */
void yk_json_str(struct yk_buf *out, const char *s, size_t n);
void yk_json_strz(struct yk_buf *out, const char *s);
/* A time as yoke writes it (`ts`, `since`, `created`): seconds since the
 * epoch with six digits of microseconds, 1795300718.861248.  Here, not in
 * out.h: the fleet payloads write it too, and they print nothing. */
void yk_json_ts(struct yk_buf *out, int64_t us);
/* The time token v[0..n) (a JSON number of seconds) in microseconds; 0,
 * no date, when it is no number or does not fit 2^62 us (1e300). */
int64_t yk_json_ts_us(const char *v, size_t n);

/* The value of a hex digit, or -1 (JSON \u escapes, URL %XX escapes). */
int yk_hexval(char c);

/* True when s[0..n) is valid UTF-8 (no overlongs, no surrogates). */
bool yk_utf8_valid(const char *s, size_t n);

/* Decode the JSON string token tok[0..n) (with its quotes) into out:
 * 0, or -1 when tok is not a string token.  out->p is a C string after
 * any success, "" included.  A lone surrogate escape (\ud800 without its
 * pair) becomes U+FFFD: right for what is only shown. */
int yk_json_unescape(struct yk_buf *out, const char *tok, size_t n);
/* The same for input that is published or encoded, where U+FFFD would
 * change the data without a word: YK_JSON_LONE_SURROGATE for a lone
 * surrogate (out still holds the text with U+FFFD). */
#define YK_JSON_LONE_SURROGATE (-2)
int yk_json_unescape_strict(struct yk_buf *out, const char *tok, size_t n);
/* The string token tok[0..n) decoded into a new C string (free it), as
 * yk_json_unescape decodes it; NULL when tok is not a string token. */
char *yk_json_strdup(const char *tok, size_t n);

/*
 * Walk the members of one JSON object.  yk_json_obj_begin checks that
 * s[0..n) is a valid object; each yk_json_obj_next gives the raw key token
 * (quotes included) and the raw value (trimmed), and returns false at the
 * end.
 */
struct yk_json_iter {
	const char *p;
	const char *end;
};
bool yk_json_obj_begin(struct yk_json_iter *it, const char *s, size_t n);
bool yk_json_obj_next(struct yk_json_iter *it, const char **key, size_t *keyn,
		      const char **val, size_t *valn);
/*
 * The same walk inside a document already checked with yk_json_valid (a
 * value yk_json_obj_next gave): no second check, so walking a nested
 * document stays linear.  False when s[0..n) is not an object (array).
 */
bool yk_json_obj_enter(struct yk_json_iter *it, const char *s, size_t n);
bool yk_json_arr_enter(struct yk_json_iter *it, const char *s, size_t n);
/* The next element of an array, trimmed; false at the end. */
bool yk_json_arr_next(struct yk_json_iter *it, const char **val,
		      size_t *valn);

/* Append ",KEY:VALUE" (minified) for each member of the object s[0..n)
 * but those named skip (NULL: none): a payload's members spliced after
 * fields of our own (whose name the payload must not repeat).  False,
 * with nothing appended, when s[0..n) is not an object. */
bool yk_json_members(struct yk_buf *out, const char *s, size_t n,
		     const char *skip);

/* True when the key token k[0..kn) (with quotes) equals name. */
bool yk_json_key_is(const char *k, size_t kn, const char *name);

#endif
