/*
 * out.c - message output and the stdout writer.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "b64.h"
#include "closeout.h"
#include "json.h"
#include "out.h"
#include "text.h"
#include "varint.h"

const char *const yk_fmt_names[] = {"json", "text", "raw", NULL};

void
yk_out_init(struct yk_out *o, int fd)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
	o->tty = isatty(fd);
}

bool
yk_out_human(int fd)
{
	return isatty(fd);
}

bool
yk_out_colour(int fd)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fd) && (nc == NULL || *nc == '\0');
}

static int
size_of(int fd, bool cols)
{
	struct winsize ws;
	const char *e = getenv(cols ? "COLUMNS" : "LINES");
	long v;

	if (ioctl(fd, TIOCGWINSZ, &ws) == 0 && (cols ? ws.ws_col : ws.ws_row))
		return cols ? ws.ws_col : ws.ws_row;
	v = e ? strtol(e, NULL, 10) : 0;
	if (v > 0 && v < 100000)
		return (int)v;
	return cols ? 80 : 24;
}

int
yk_out_cols(int fd)
{
	return size_of(fd, true);
}

int
yk_out_rows(int fd)
{
	return size_of(fd, false);
}

void
yk_out_redraw(struct yk_buf *b, const char *screen, size_t n)
{
	yk_buf_adds(b, "\033[H");
	for (size_t i = 0; i < n; i++) {
		if (screen[i] == '\n')
			yk_buf_adds(b, "\033[K");
		yk_buf_addc(b, screen[i]);
	}
	yk_buf_adds(b, "\033[J");
}

/* ---- tables ---- */

void
yk_table_init(struct yk_table *t, int ncol, const unsigned *flags)
{
	memset(t, 0, sizeof(*t));
	t->ncol = ncol;
	t->flags = flags;
}

void
yk_table_cell(struct yk_table *t, const char *s, size_t n)
{
	if (t->n + 2 > t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->off = yk_realloc(t->off, t->cap * sizeof(*t->off));
		t->sgr = yk_realloc(t->sgr, t->cap * sizeof(*t->sgr));
		t->keep = yk_realloc(t->keep, t->cap * sizeof(*t->keep));
	}
	if (t->n == 0)
		t->off[0] = 0;
	if (n > 0)
		yk_buf_add(&t->text, s, n);
	t->sgr[t->n] = NULL;
	t->keep[t->n] = false;
	t->off[++t->n] = t->text.len;
}

void
yk_table_cellz(struct yk_table *t, const char *s)
{
	yk_table_cell(t, s ? s : "", s ? strlen(s) : 0);
}

void
yk_table_cellf(struct yk_table *t, const char *fmt, ...)
{
	char s[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	yk_table_cell(t, s, n < 0 ? 0 : (size_t)n < sizeof(s) ? (size_t)n
							      : sizeof(s) - 1);
}

void
yk_table_paint(struct yk_table *t, const char *sgr)
{
	if (t->n > 0)
		t->sgr[t->n - 1] = sgr && *sgr ? sgr : NULL;
}

void
yk_table_keep(struct yk_table *t)
{
	if (t->n > 0)
		t->keep[t->n - 1] = true;
}

size_t
yk_table_rows(const struct yk_table *t)
{
	return (t->n + (size_t)t->ncol - 1) / (size_t)t->ncol;
}

static unsigned
flags_of(const struct yk_table *t, int j)
{
	return t->flags ? t->flags[j] : 0;
}

/* Narrow the widest column that may be cut (of equals, the rightmost: a
 * row's start stays whole) until the row fits in cols (two blanks
 * between columns), never below min[j]; the rest must wrap. */
static void
fit(const struct yk_table *t, int *w, const int *min, int cols)
{
	int total = 2 * (t->ncol - 1);

	for (int j = 0; j < t->ncol; j++)
		total += w[j];
	while (cols > 0 && total > cols) {
		int k = -1;

		/* the first column (the robot, the key) names the row: it
		 * is cut only when no other column can give more */
		for (int j = 1; j < t->ncol; j++)
			if (!(flags_of(t, j) & YK_COL_KEEP) && w[j] > min[j] &&
			    (k < 0 || w[j] >= w[k]))
				k = j;
		if (k < 0 && !(flags_of(t, 0) & YK_COL_KEEP) && w[0] > min[0])
			k = 0;
		if (k < 0)
			break;
		w[k]--;
		total--;
	}
}

void
yk_table_draw(const struct yk_table *t, struct yk_buf *out, int cols,
	      int max_rows, bool colour)
{
	size_t rows = yk_table_rows(t), show = rows;
	int *w = yk_calloc((size_t)t->ncol * 2, sizeof(*w)), *min = w + t->ncol;

	for (int j = 0; j < t->ncol; j++)
		min[j] = YK_COL_MIN;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = i % (size_t)t->ncol;
		int cw = yk_text_width(t->text.p + t->off[i],
				       t->off[i + 1] - t->off[i]);

		if (cw > w[j])
			w[j] = cw;
		if (t->keep[i] && cw > min[j])
			min[j] = cw;
	}
	fit(t, w, min, cols);
	if (max_rows > 0 && rows > (size_t)max_rows)
		show = (size_t)max_rows - 1; /* and the "more" line */
	for (size_t r = 0; r < show; r++) {
		size_t line = out->len;
		int used = 0;

		if (colour && r == 0)
			yk_buf_adds(out, "\033[1m");
		for (int j = 0; j < t->ncol; j++) {
			size_t i = r * (size_t)t->ncol + (size_t)j;
			const char *s = i < t->n ? t->text.p + t->off[i] : "";
			size_t n = i < t->n ? t->off[i + 1] - t->off[i] : 0;
			const char *sgr = colour && i < t->n ? t->sgr[i] : NULL;
			int cw = yk_text_width(s, n), cap = w[j];

			/* what fit() could not cut is cut at the edge: a
			 * row that wrapped would push the header away */
			if (cols > 0 && j > 0 && used + 3 > cols)
				break;
			if (j > 0) {
				yk_buf_adds(out, "  ");
				used += 2;
			}
			if (cols > 0 && cap > cols - used)
				cap = cols - used;
			if (flags_of(t, j) & YK_COL_RIGHT)
				yk_text_pad(out, cw < cap ? cw : cap, cap);
			if (sgr)
				yk_buf_adds(out, sgr);
			if (flags_of(t, j) & YK_COL_TAIL)
				cw = yk_text_tail(out, s, n, cap);
			else
				cw = yk_text_fit(out, s, n, cap);
			if (sgr)
				yk_buf_adds(out, "\033[0m");
			if (!(flags_of(t, j) & YK_COL_RIGHT))
				yk_text_pad(out, cw, cap);
			used += cap;
		}
		/* no trailing blanks: an empty last cell leaves none */
		while (out->len > line && out->p[out->len - 1] == ' ')
			out->len--;
		if (colour && r == 0)
			yk_buf_adds(out, "\033[0m");
		yk_buf_addc(out, '\n');
	}
	if (show < rows)
		yk_buf_addf(out, "\xe2\x80\xa6 %zu more\n", rows - show);
	free(w);
}

void
yk_table_free(struct yk_table *t)
{
	yk_buf_free(&t->text);
	free(t->off);
	free(t->sgr);
	free(t->keep);
	memset(t, 0, sizeof(*t));
}

int
yk_out_flush(struct yk_out *o, struct yk_err *err)
{
	size_t off = 0;

	while (off < o->b.len) {
		ssize_t n = write(o->fd, o->b.p + off, o->b.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			o->b.len = 0;
			if (errno == EPIPE)
				return YK_EXIT;
			return yk_closeout_fail(err, errno);
		}
		off += (size_t)n;
	}
	o->b.len = 0;
	return YK_OK;
}

void
yk_out_free(struct yk_out *o)
{
	yk_buf_free(&o->b);
}

static void
put_b64(struct yk_buf *b, const void *p, size_t n)
{
	yk_buf_add(b, ",\"payload_b64\":\"", 16);
	yk_b64_encode(b, p, n);
	yk_buf_addc(b, '"');
}

void
yk_out_payload(struct yk_buf *b, const void *p, size_t n)
{
	const char *s = p;

	if (n > 0 && yk_json_valid(s, n)) {
		yk_buf_add(b, ",\"payload\":", 11);
		yk_json_minify(b, s, n);
	} else if (yk_utf8_valid(s, n)) {
		yk_buf_add(b, ",\"payload\":", 11);
		yk_json_str(b, s, n);
	} else {
		put_b64(b, s, n);
	}
}

void
yk_out_message(struct yk_buf *b, enum yk_fmt f, const struct yk_outmsg *m)
{
	if (f == YK_FMT_DELIMITED)
		yk_varint_put(b, m->len);
	if (f == YK_FMT_RAW || f == YK_FMT_DELIMITED) {
		yk_buf_add(b, m->payload, m->len);
		return;
	}
	if (f == YK_FMT_TEXT && m->tty) {
		yk_text_tty(b, m->key, strlen(m->key));
		yk_buf_addc(b, ' ');
		if (m->json)
			yk_text_tty(b, m->json, m->json_len);
		else
			yk_text_tty(b, m->payload, m->len);
		yk_buf_addc(b, '\n');
		return;
	}
	if (f == YK_FMT_TEXT) {
		yk_buf_adds(b, m->key);
		yk_buf_addc(b, ' ');
		if (m->json)
			yk_buf_add(b, m->json, m->json_len);
		else
			yk_buf_add(b, m->payload, m->len);
		yk_buf_addc(b, '\n');
		return;
	}
	yk_buf_add(b, "{\"key\":", 7);
	yk_json_strz(b, m->key);
	if (m->source) {
		yk_buf_add(b, ",\"source\":", 10);
		yk_json_strz(b, m->source);
	}
	if (m->ts_us >= 0) {
		yk_buf_add(b, ",\"ts\":", 6);
		yk_json_ts(b, m->ts_us);
	}
	yk_buf_add(b, ",\"qos\":", 7);
	yk_buf_addc(b, (char)('0' + m->qos));
	yk_buf_adds(b, m->retain ? ",\"retain\":true" : ",\"retain\":false");
	for (int i = 0; i < m->ncaps; i++) {
		yk_buf_addc(b, ',');
		yk_json_strz(b, m->caps[i].name);
		yk_buf_addc(b, ':');
		yk_json_str(b, m->caps[i].p, m->caps[i].n);
	}
	if (m->error) {
		yk_buf_add(b, ",\"error\":", 9);
		yk_json_strz(b, m->error);
	}
	if (m->json) {
		yk_buf_add(b, ",\"payload\":", 11);
		yk_buf_add(b, m->json, m->json_len);
	} else if (m->b64) {
		put_b64(b, m->payload, m->len);
	} else {
		yk_out_payload(b, m->payload, m->len);
	}
	yk_buf_add(b, "}\n", 2);
}
