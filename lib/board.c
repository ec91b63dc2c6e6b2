/*
 * board.c - the --watch table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "err.h"
#include "json.h"
#include "spark.h"
#include "text.h"

/* Columns wider than this are cut: the sparkline must stay on the line. */
#define COL_MAX 24

struct row {
	char *robot, *metric; /* terminal-safe */
	struct yk_buf value, unit;
	int64_t at;
	struct yk_spark spark;
};

/* s[0..n) for a terminal, at most COL_MAX characters. */
static void
cell(struct yk_buf *out, const char *s, size_t n)
{
	struct yk_buf t = {0};

	yk_text_utf8(&t, s, n, COL_MAX);
	yk_text_tty(out, t.p ? t.p : "", t.len);
	yk_buf_free(&t);
}

void
yk_board_add(struct yk_board *b, const char *robot,
	     const struct yk_reading *r, int64_t now_ms)
{
	struct yk_buf k = {0};
	struct yk_map_ent *e;
	struct row *w;

	yk_buf_adds(&k, robot);
	yk_buf_addc(&k, '\x1f');
	yk_buf_add(&k, r->metric, r->metric_len);
	e = yk_map_put(&b->rows, k.p);
	w = e->val;
	if (w == NULL) {
		struct yk_buf t = {0};

		w = yk_calloc(1, sizeof(*w));
		cell(&t, robot, strlen(robot));
		w->robot = yk_strdup(t.p ? t.p : "");
		yk_buf_truncate(&t, 0);
		cell(&t, r->metric, r->metric_len);
		w->metric = yk_strdup(t.p ? t.p : "");
		yk_buf_free(&t);
		yk_spark_init(&w->spark, YK_BOARD_WINDOW_MS);
		e->val = w;
	}
	yk_buf_free(&k);
	yk_buf_truncate(&w->value, 0);
	yk_buf_truncate(&w->unit, 0);
	if (r->value.set) {
		cell(&w->value, r->value.p, r->value.n);
		if (r->unit)
			cell(&w->unit, r->unit, r->unit_len);
		yk_spark_add(&w->spark, now_ms, r->value.v);
	} else if (r->lat.set) {
		struct yk_buf t = {0};

		yk_buf_add(&t, r->lat.p, r->lat.n);
		yk_buf_addc(&t, ',');
		yk_buf_add(&t, r->lng.p, r->lng.n);
		cell(&w->value, t.p, t.len);
		yk_buf_free(&t);
	} else if (r->data) {
		struct yk_buf t = {0};

		yk_json_minify(&t, r->data, r->data_len);
		cell(&w->value, t.p, t.len);
		yk_buf_free(&t);
	}
	w->at = now_ms;
}

static int
cmp_rows(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a;
	const struct row *y = *(struct row *const *)b;
	int c = strcmp(x->robot, y->robot);

	return c ? c : strcmp(x->metric, y->metric);
}

/* Characters (code points) in valid UTF-8 s. */
static int
width(const char *s, size_t n)
{
	int w = 0;

	for (size_t i = 0; i < n; i++)
		w += ((unsigned char)s[i] & 0xc0) != 0x80;
	return w;
}

static void
widen(int *w, const char *s, size_t n)
{
	if (width(s, n) > *w)
		*w = width(s, n);
}

static void
pad(struct yk_buf *out, const char *s, size_t n, int w)
{
	if (n > 0)
		yk_buf_add(out, s, n);
	for (int i = width(s, n); i < w; i++)
		yk_buf_addc(out, ' ');
	yk_buf_addc(out, ' ');
}

static void
age(char *t, size_t n, int64_t ms)
{
	if (ms < 10000)
		snprintf(t, n, "%.1fs", (double)ms / 1e3);
	else if (ms < 120000)
		snprintf(t, n, "%llds", (long long)(ms / 1000));
	else
		snprintf(t, n, "%lldm", (long long)(ms / 60000));
}

void
yk_board_draw(const struct yk_board *b, struct yk_buf *out, int64_t now_ms)
{
	struct row **v = yk_calloc(b->rows.n + 1, sizeof(*v));
	struct yk_map_ent *e;
	int wr = 5, wm = 6, wv = 5, wu = 4, n = 0;
	size_t i = 0;

	while ((e = yk_map_next(&b->rows, &i)) != NULL) {
		struct row *w = e->val;

		v[n++] = w;
		widen(&wr, w->robot, strlen(w->robot));
		widen(&wm, w->metric, strlen(w->metric));
		widen(&wv, w->value.p, w->value.len);
		widen(&wu, w->unit.p, w->unit.len);
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_rows);
	yk_buf_adds(out, "\033[H\033[2J");
	pad(out, "ROBOT", 5, wr);
	pad(out, "METRIC", 6, wm);
	pad(out, "VALUE", 5, wv);
	pad(out, "UNIT", 4, wu);
	pad(out, "AGE", 3, 5);
	yk_buf_adds(out, "LAST 60 S\n");
	for (int k = 0; k < n; k++) {
		char t[32];

		pad(out, v[k]->robot, strlen(v[k]->robot), wr);
		pad(out, v[k]->metric, strlen(v[k]->metric), wm);
		pad(out, v[k]->value.p, v[k]->value.len, wv);
		pad(out, v[k]->unit.p, v[k]->unit.len, wu);
		age(t, sizeof(t), now_ms - v[k]->at);
		pad(out, t, strlen(t), 5);
		yk_spark_draw(out, &v[k]->spark, now_ms);
		yk_buf_addc(out, '\n');
	}
	free(v);
}

void
yk_board_free(struct yk_board *b)
{
	struct yk_map_ent *e;
	size_t i = 0;

	while ((e = yk_map_next(&b->rows, &i)) != NULL) {
		struct row *w = e->val;

		free(w->robot);
		free(w->metric);
		yk_buf_free(&w->value);
		yk_buf_free(&w->unit);
		free(w);
	}
	yk_map_free(&b->rows);
}
