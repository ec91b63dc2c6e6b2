/*
 * out.h - what yoke writes on stdout: received messages as JSON lines
 * (DESIGN.md "Data on stdin and stdout"), text, or raw payloads, through one
 * buffered writer.
 *
 * The writer is flushed by the tool before it blocks waiting for the
 * network, so a pipe sees every message as soon as it arrives while a burst
 * costs one write(2) instead of one per message.
 */
#ifndef YK_OUT_H
#define YK_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "key.h"

/* YK_FMT_DELIMITED: raw payloads, each after its varint length (yoke-sub
 * --framing delimited); not one of --format's names. */
enum yk_fmt { YK_FMT_JSON, YK_FMT_TEXT, YK_FMT_RAW, YK_FMT_DELIMITED };
extern const char *const yk_fmt_names[]; /* "json", "text", "raw" */

struct yk_out {
	int fd;
	bool tty; /* fd is a terminal */
	struct yk_buf b;
};

void yk_out_init(struct yk_out *o, int fd);
/* Whether fd gets human output (tables, sparklines): a terminal.
 * NO_COLOR does not change that: it means no colour, nothing else
 * (no-color.org, DESIGN.md). */
bool yk_out_human(int fd);
/* Whether human output on fd is coloured: a terminal, and NO_COLOR unset
 * or empty. */
bool yk_out_colour(int fd);
/* The terminal's size on fd (TIOCGWINSZ), else $COLUMNS / $LINES, else
 * 80 x 24. */
int yk_out_cols(int fd);
int yk_out_rows(int fd);
/* Append screen[0..n) drawn over the last one in place, as top does:
 * cursor home, each line cleared to its end, the rest of the screen
 * cleared (no flicker, no scrolling). */
void yk_out_redraw(struct yk_buf *b, const char *screen, size_t n);

/*
 * A table for a terminal, the one printer of human tables: cells come
 * from anywhere (robot names, payload text) and are made safe here
 * (yk_text_tty); column widths are display widths, fitted to the width
 * the caller gives (the terminal's) by cutting the widest text columns
 * with "…".  Columns marked YK_COL_KEEP (numbers) are never cut, nor
 * cells marked with yk_table_keep.
 */
#define YK_COL_KEEP 1u  /* never cut: numbers, times */
#define YK_COL_RIGHT 2u /* aligned right */
#define YK_COL_TAIL 4u  /* cut keeps the end, unmarked (a sparkline) */
#define YK_COL_MIN 4    /* a cut column keeps at least this many columns */

struct yk_table {
	int ncol;
	const unsigned *flags; /* ncol of them, or NULL */
	size_t n;              /* cells so far */
	struct yk_buf text;    /* the cells, back to back */
	size_t *off;           /* cell i: text.p + off[i], off[i+1] - off[i] */
	const char **sgr;      /* cell i's colour (a constant) or NULL */
	bool *keep;            /* cell i is never cut */
	size_t cap;
};

void yk_table_init(struct yk_table *t, int ncol, const unsigned *flags);
/* The next cell, row by row. */
void yk_table_cell(struct yk_table *t, const char *s, size_t n);
void yk_table_cellz(struct yk_table *t, const char *s);
void yk_table_cellf(struct yk_table *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Colour the last cell with SGR sequence sgr (ours, never the network's)
 * when the table is drawn with colour. */
void yk_table_paint(struct yk_table *t, const char *sgr);
/* The last cell is never cut (a number in a column of text). */
void yk_table_keep(struct yk_table *t);
/* Rows so far (the header counts as one). */
size_t yk_table_rows(const struct yk_table *t);
/* Append the table in at most cols columns (0: no limit) and max_rows
 * lines (0: no limit; rows beyond it are counted on a last line).  Row 0
 * is the header, bold when colour is true.  No trailing blanks. */
void yk_table_draw(const struct yk_table *t, struct yk_buf *out, int cols,
		   int max_rows, bool colour);
void yk_table_free(struct yk_table *t);
/* Write what is buffered.  YK_EXIT: the reader went away (EPIPE); stop
 * quietly.  Other failures: "write failure on standard output". */
int yk_out_flush(struct yk_out *o, struct yk_err *err);
void yk_out_free(struct yk_out *o);

/* One received message, as a tool prints it. */
struct yk_outmsg {
	const char *key;         /* scope stripped */
	const char *source;      /* yoke-get: "retained" or "reply"; or NULL */
	int64_t ts_us;           /* sender's timestamp, <0 when absent */
	int qos;
	bool retain;
	const struct yk_cap *caps;
	int ncaps;
	const void *payload;
	size_t len;
	const char *error;       /* a queryable's error, or why the payload
				    did not decode; or NULL */
	const char *json;        /* the payload already turned into JSON
				    (yoke-sub --decode), or NULL */
	size_t json_len;
	bool b64;                /* payload_b64 whatever the bytes are (a
				    payload that did not decode) */
	bool tty;                /* for a terminal: --format text made
				    safe (JSON lines always are) */
};

void yk_out_message(struct yk_buf *b, enum yk_fmt f,
		    const struct yk_outmsg *m);
/* ,"payload":<json|string> or ,"payload_b64":"..." */
void yk_out_payload(struct yk_buf *b, const void *p, size_t n);

#endif
