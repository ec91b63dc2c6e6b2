/*
 * print.c - the record printer: text cells and JSON members from the same
 * calls.
 */
#include <limits.h>
#include <string.h>
#include <time.h>

#include "json.h"
#include "out.h"
#include "print.h"
#include "text.h"

static bool
wants(const struct yk_print *p, int where)
{
	return (where & (p->json ? YK_PR_JSON : YK_PR_TEXT)) != 0;
}

/* JSON: the comma and "key": of the next member. */
static void
member(struct yk_print *p, const char *key)
{
	if (p->fields++ > 0)
		yk_buf_addc(p->b, ',');
	yk_json_strz(p->b, key);
	yk_buf_addc(p->b, ':');
}

/* Text: the next field's separator; then s[0..n) made safe, in cell. */
static void
cell_text(struct yk_print *p, const char *s, size_t n,
	  const struct yk_cell *c)
{
	const char *sep = p->sep ? p->sep : " ";
	struct yk_buf up = {0};
	bool sgr = c && c->sgr && *c->sgr && p->colour;
	int w = INT_MAX, used;

	if (p->fields++ > 0) {
		yk_buf_adds(p->b, sep);
		p->col += (int)strlen(sep);
	}
	if (c && c->upper) {
		yk_buf_add(&up, s, n);
		for (size_t i = 0; i < up.len; i++)
			if (up.p[i] >= 'a' && up.p[i] <= 'z')
				up.p[i] = (char)(up.p[i] - 'a' + 'A');
		s = up.p ? up.p : "";
	}
	if (c && c->max > 0)
		w = c->max;
	if (c && c->rest > 0 && p->cols > 0)
		w = p->cols - p->col > c->rest ? p->cols - p->col : c->rest;
	if (c && c->width) {
		int cw = yk_text_width(s, n);

		if (cw > *c->width)
			*c->width = cw < w ? cw : w;
		w = *c->width;
	}
	if (sgr)
		yk_buf_adds(p->b, c->sgr);
	used = yk_text_fit(p->b, s, n, w);
	if (sgr)
		yk_buf_adds(p->b, "\033[0m");
	if (c && c->width) {
		yk_text_pad(p->b, used, w);
		used = w;
	}
	p->col += used;
	yk_buf_free(&up);
}

/*
 * JSON: lib/json.h's and lib/out.h's splices write ",KEY:VALUE...", a
 * comma first.  After a member of ours they go straight into the line;
 * as the record's first they go through t, and lose that comma.
 */
static struct yk_buf *
splice_to(struct yk_print *p, struct yk_buf *t)
{
	return p->fields > 0 ? p->b : t;
}

/* The splice into to (splice_to's) is over; at was to's length before. */
static void
splice_done(struct yk_print *p, const struct yk_buf *to, size_t at)
{
	if (to->len == at)
		return;
	if (to != p->b)
		yk_buf_add(p->b, to->p + 1, to->len - 1);
	p->fields++;
}

void
yk_print_begin(struct yk_print *p)
{
	p->start = p->b->len;
	p->col = 0;
	p->fields = 0;
	if (p->json)
		yk_buf_addc(p->b, '{');
}

void
yk_print_end(struct yk_print *p)
{
	yk_buf_adds(p->b, p->json ? "}\n" : "\n");
}

void
yk_print_drop(struct yk_print *p)
{
	yk_buf_truncate(p->b, p->start);
}

void
yk_print_strn(struct yk_print *p, int where, const char *key, const char *s,
	      size_t n, const struct yk_cell *cell)
{
	if (!wants(p, where))
		return;
	if (!p->json) {
		cell_text(p, s, n, cell);
		return;
	}
	member(p, key);
	yk_json_str(p->b, s, n);
}

void
yk_print_str(struct yk_print *p, int where, const char *key, const char *s,
	     const struct yk_cell *cell)
{
	yk_print_strn(p, where, key, s, strlen(s), cell);
}

void
yk_print_bool(struct yk_print *p, int where, const char *key, bool v,
	      const char *text)
{
	if (!wants(p, where))
		return;
	if (!p->json) {
		if (text)
			cell_text(p, text, strlen(text), NULL);
		return;
	}
	member(p, key);
	yk_buf_adds(p->b, v ? "true" : "false");
}

void
yk_print_text(struct yk_print *p, const char *s)
{
	yk_print_str(p, YK_PR_TEXT, NULL, s, NULL);
}

void
yk_print_time(struct yk_print *p, int64_t us)
{
	time_t t = (time_t)(us / 1000000);
	struct tm tm;
	char hms[16];

	if (p->json)
		return;
	localtime_r(&t, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	cell_text(p, hms, strlen(hms), NULL);
}

void
yk_print_payload(struct yk_print *p, int where, const void *s, size_t n,
		 const struct yk_cell *cell)
{
	struct yk_buf t = {0}, *to = splice_to(p, &t);
	size_t at = to->len;

	if (!wants(p, where))
		return;
	if (!p->json) {
		cell_text(p, s, n, cell);
		return;
	}
	yk_out_payload(to, s, n);
	splice_done(p, to, at);
	yk_buf_free(&t);
}

int
yk_print_members(struct yk_print *p, const char *s, size_t n,
		 const char *skip)
{
	struct yk_buf t = {0}, *to = splice_to(p, &t);
	size_t at = to->len;
	int rc = -1;

	if (!p->json)
		return 0;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')) {
		s++;
		n--;
	}
	if (yk_json_members(to, s, n, skip)) {
		rc = to->len > at;
		splice_done(p, to, at);
	}
	yk_buf_free(&t);
	return rc;
}

void
yk_print_break(struct yk_print *p, int indent)
{
	if (p->json)
		return;
	yk_buf_addc(p->b, '\n');
	yk_text_pad(p->b, 0, indent);
	p->col = indent;
	p->fields = 0;
}
