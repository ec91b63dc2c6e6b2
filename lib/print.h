/*
 * print.h - one record printer: the line a terminal shows and its JSON
 * twin come from the same calls (iproute2's json_print: print_string(
 * PRINT_ANY, "key", "fmt", v)), so a field added once shows in both.
 *
 * Each call says where its field goes: YK_PR_ANY (both), YK_PR_TEXT (the
 * terminal only: the time, a column cut from a payload) or YK_PR_JSON
 * (the line only: the payload's own members).  A record is begun, given
 * fields in the order both forms want them, and ended; the JSON form is
 * one object on one line, the text form one line (or a few, see
 * yk_print_break) whose fields are separated by sep.
 *
 * What always holds: text from the network is made safe on its way to
 * the terminal (lib/text.h) and cut to its cell, measured in display
 * columns; JSON strings are escaped; the records append to the caller's
 * buffer, which the caller writes (lib never prints).
 */
#ifndef YK_PRINT_H
#define YK_PRINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

enum { YK_PR_TEXT = 1, YK_PR_JSON = 2, YK_PR_ANY = 3 };

struct yk_print {
	struct yk_buf *b;
	bool json;       /* JSON lines; else lines for a terminal */
	bool colour;     /* text: the cells' SGR colours */
	int cols;        /* text: where a line ends, for .rest (0: nowhere) */
	const char *sep; /* text: between fields ("  "); NULL: one blank */
	/* the record being printed */
	size_t start; /* its first byte in b */
	int col;      /* text: the columns used on this line */
	int fields;   /* fields on this line (text), members (JSON) */
};

/*
 * How a text field is laid out; NULL: as it is (made safe).
 * - width: a column, padded to *width, which grows with the widest text
 *   seen (up to max) and is kept by the caller from line to line, so
 *   later lines line up;
 * - max: cut at max columns, ending with "..." (U+2026); 0: no limit;
 * - rest: cut where the line ends (cols), keeping at least rest columns;
 * - upper: upper case (ASCII: a level, a severity);
 * - sgr: its colour (ours, never the network's) when colour is on.
 */
struct yk_cell {
	int *width;
	int max;
	int rest;
	bool upper;
	const char *sgr;
};

void yk_print_begin(struct yk_print *p);
/* End the record: "}" or nothing, and a newline. */
void yk_print_end(struct yk_print *p);
/* Take the record back: nothing of it stays in b. */
void yk_print_drop(struct yk_print *p);

/* A string: JSON "key":"s" (s valid UTF-8); text s in its cell. */
void yk_print_str(struct yk_print *p, int where, const char *key,
		  const char *s, const struct yk_cell *cell);
void yk_print_strn(struct yk_print *p, int where, const char *key,
		   const char *s, size_t n, const struct yk_cell *cell);
/* JSON "key":true|false; text: text (ours; NULL: nothing). */
void yk_print_bool(struct yk_print *p, int where, const char *key, bool v,
		   const char *text);
/* Text only: what we say (a constant such as "RESOLVED"). */
void yk_print_text(struct yk_print *p, const char *s);
/* Text only: the local time of us (microseconds since the epoch) as
 * HH:MM:SS. */
void yk_print_time(struct yk_print *p, int64_t us);
/* Any payload: JSON "payload" (or "payload_b64", as lib/out.h puts it);
 * text: its bytes in the cell. */
void yk_print_payload(struct yk_print *p, int where, const void *s,
		      size_t n, const struct yk_cell *cell);
/*
 * JSON only: the members of the object s[0..n) (white space around it
 * allowed) after ours, minified, but those named skip (NULL: none): a
 * payload's own fields.  Returns -1, adding nothing, when s is not an
 * object; else 1 when it added a member, 0 when none.  Text: 0.
 */
int yk_print_members(struct yk_print *p, const char *s, size_t n,
		     const char *skip);
/* Text only: the line ends and the next goes on indent columns in (a
 * message of many lines, under its first). */
void yk_print_break(struct yk_print *p, int indent);

#endif
