/*
 * board.c - the --watch table.
 *
 * Numbers are never cut (a longitude cut at 24 characters looks like
 * another place): they keep the sender's text, or, past NUM_MAX
 * characters, are written %.12g (48.858370090000001 as 48.85837009:
 * a tenth of a millimetre, still exact enough to read).  Text (a --data
 * object, a long name) is cut by the table printer to the terminal's
 * width, with "…".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "err.h"
#include "json.h"
#include "out.h"
#include "spark.h"
#include "text.h"

/* What a row keeps of a name or a text value: the table cuts it to the
 * terminal anyway, this bounds the memory a hostile reading takes. */
#define TEXT_MAX 512
/* A number longer than this is written in its %.12g form. */
#define NUM_MAX 16

enum { C_ROBOT, C_METRIC, C_VALUE, C_UNIT, C_AGE, C_SPARK, NCOL };

struct row {
	char *robot, *metric; /* valid UTF-8, at most TEXT_MAX */
	struct yk_buf value, unit;
	bool number;          /* value is numbers only: never cut */
	int64_t at;
	struct yk_spark spark;
};

static char *
text(const char *s, size_t n)
{
	struct yk_buf t = {0};
	char *r;

	yk_text_utf8(&t, s, n, TEXT_MAX);
	r = yk_strndup(t.p ? t.p : "", t.len);
	yk_buf_free(&t);
	return r;
}

static void
num(struct yk_buf *out, const struct yk_num *v)
{
	if (v->n <= NUM_MAX)
		yk_buf_add(out, v->p, v->n);
	else
		yk_buf_addf(out, "%.12g", v->v);
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
		w = yk_calloc(1, sizeof(*w));
		w->robot = text(robot, strlen(robot));
		w->metric = text(r->metric, r->metric_len);
		yk_spark_init(&w->spark, YK_BOARD_WINDOW_MS);
		e->val = w;
	}
	yk_buf_free(&k);
	yk_buf_truncate(&w->value, 0);
	yk_buf_truncate(&w->unit, 0);
	w->number = true;
	if (r->value.set) {
		num(&w->value, &r->value);
		if (r->unit)
			yk_text_utf8(&w->unit, r->unit, r->unit_len,
				     TEXT_MAX);
		yk_spark_add(&w->spark, now_ms, r->value.v);
	} else if (r->lat.set) {
		num(&w->value, &r->lat);
		yk_buf_addc(&w->value, ',');
		num(&w->value, &r->lng);
	} else if (r->data) {
		struct yk_buf t = {0};

		yk_json_minify(&t, r->data, r->data_len);
		yk_text_utf8(&w->value, t.p ? t.p : "", t.len, TEXT_MAX);
		yk_buf_free(&t);
		w->number = false;
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

static void
row_free(struct row *w)
{
	free(w->robot);
	free(w->metric);
	yk_buf_free(&w->value);
	yk_buf_free(&w->unit);
	free(w);
}

/* A row quiet for YK_BOARD_FORGET_MS goes (yk_map_prune). */
static bool
row_quiet(void *val, void *ud)
{
	struct row *w = val;

	if (*(const int64_t *)ud - w->at < YK_BOARD_FORGET_MS)
		return false;
	row_free(w);
	return true;
}

void
yk_board_draw(struct yk_board *b, struct yk_buf *out, int64_t now_ms,
	      int cols, int rows)
{
	static const char *const heads[NCOL] = {"ROBOT", "METRIC", "VALUE",
						"UNIT", "AGE", "LAST 60 S"};
	/* a narrow terminal sees the newest part of the sparkline */
	static const unsigned flags[NCOL] = {[C_AGE] = YK_COL_KEEP,
					     [C_SPARK] = YK_COL_TAIL};
	struct row **v;
	struct yk_map_ent *e;
	struct yk_table t;
	struct yk_buf screen = {0}, sp = {0};
	size_t i = 0, n = 0;

	yk_map_prune(&b->rows, row_quiet, &now_ms);
	v = yk_calloc(b->rows.n + 1, sizeof(*v));
	while ((e = yk_map_next(&b->rows, &i)) != NULL)
		v[n++] = e->val;
	qsort(v, n, sizeof(*v), cmp_rows);
	yk_table_init(&t, NCOL, flags);
	for (int j = 0; j < NCOL; j++)
		yk_table_cellz(&t, heads[j]);
	yk_table_keep(&t); /* the sparkline is never narrower than that */
	for (size_t k = 0; k < n; k++) {
		char a[32];

		yk_table_cellz(&t, v[k]->robot);
		yk_table_cellz(&t, v[k]->metric);
		yk_table_cell(&t, v[k]->value.p, v[k]->value.len);
		if (v[k]->number)
			yk_table_keep(&t);
		yk_table_cell(&t, v[k]->unit.p, v[k]->unit.len);
		age(a, sizeof(a), now_ms - v[k]->at);
		yk_table_cellz(&t, a);
		yk_buf_truncate(&sp, 0);
		yk_spark_draw(&sp, &v[k]->spark, now_ms);
		yk_table_cell(&t, sp.p, sp.len);
	}
	/* the last line stays empty: a newline there would scroll the
	 * header away */
	yk_table_draw(&t, &screen, cols, rows > 1 ? rows - 1 : 0, false);
	yk_out_redraw(out, screen.p, screen.len);
	yk_table_free(&t);
	yk_buf_free(&screen);
	yk_buf_free(&sp);
	free(v);
}

void
yk_board_free(struct yk_board *b)
{
	struct yk_map_ent *e;
	size_t i = 0;

	while ((e = yk_map_next(&b->rows, &i)) != NULL)
		row_free(e->val);
	yk_map_free(&b->rows);
}
