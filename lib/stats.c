/*
 * stats.c - per-key message statistics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "out.h"
#include "stats.h"

struct keystat {
	uint64_t total;     /* messages since start */
	uint64_t n;         /* in this period */
	uint64_t bytes;     /* in this period */
	uint64_t retained;  /* in this period */
	uint64_t ndelay;
	double dsum, dmin, dmax; /* delay in ms */
	int64_t last_us;    /* the last message */
};

void
yk_stats_init(struct yk_stats *st, int64_t now_us)
{
	memset(st, 0, sizeof(*st));
	st->since_us = now_us;
}

void
yk_stats_msg(struct yk_stats *st, const char *key, size_t bytes,
	     int64_t ts_us, bool retain, int64_t now_us)
{
	struct yk_map_ent *e = yk_map_put(&st->keys, key);
	struct keystat *k = e->val;

	if (k == NULL) {
		k = yk_calloc(1, sizeof(*k));
		e->val = k;
	}
	k->total++;
	k->n++;
	k->bytes += bytes;
	k->last_us = now_us;
	if (retain) {
		k->retained++;
	} else if (ts_us >= 0) {
		double d = (double)(now_us - ts_us) / 1000.0;

		if (k->ndelay == 0 || d < k->dmin)
			k->dmin = d;
		if (k->ndelay == 0 || d > k->dmax)
			k->dmax = d;
		k->dsum += d;
		k->ndelay++;
	}
}

void
yk_stats_add(struct yk_stats *st, const char *key, size_t bytes,
	     int64_t ts_us, int64_t now_us)
{
	yk_stats_msg(st, key, bytes, ts_us, false, now_us);
}

size_t
yk_stats_keys(const struct yk_stats *st)
{
	return st->keys.n;
}

/* A key quiet for YK_STATS_FORGET_S goes (yk_map_prune: memory goes back
 * down too). */
static bool
key_quiet(void *val, void *ud)
{
	struct keystat *k = val;

	if (*(const int64_t *)ud - k->last_us <
	    (int64_t)YK_STATS_FORGET_S * 1000000)
		return false;
	free(k);
	return true;
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct yk_map_ent *x = *(const struct yk_map_ent *const *)a;
	const struct yk_map_ent *y = *(const struct yk_map_ent *const *)b;

	return strcmp(x->key, y->key);
}

static void
human_bytes(char *buf, size_t n, double b)
{
	if (b >= 1e6)
		snprintf(buf, n, "%.1f MB/s", b / 1e6);
	else if (b >= 1e3)
		snprintf(buf, n, "%.1f kB/s", b / 1e3);
	else
		snprintf(buf, n, "%.0f B/s", b);
}

enum { C_KEY, C_RATE, C_BW, C_DELAY, C_COUNT, NCOL };

static void
row(struct yk_table *t, const struct yk_map_ent *e, double dt)
{
	const struct keystat *k = e->val;
	char b[32];

	yk_table_cellz(t, e->key);
	yk_table_cellf(t, "%.1f/s", (double)k->n / dt);
	human_bytes(b, sizeof(b), (double)k->bytes / dt);
	yk_table_cellz(t, b);
	if (k->ndelay)
		yk_table_cellf(t, "%.2f/%.2f/%.2f",
			       k->dsum / (double)k->ndelay, k->dmin, k->dmax);
	else
		yk_table_cellz(t, "-");
	yk_table_cellf(t, "%llu", (unsigned long long)k->total);
}

static void
line(struct yk_buf *out, const struct yk_map_ent *e, double dt)
{
	const struct keystat *k = e->val;

	yk_buf_add(out, "{\"key\":", 7);
	yk_json_strz(out, e->key);
	yk_buf_addf(out, ",\"hz\":%.3f,\"bytes_per_s\":%.1f,\"count\":%llu",
		    (double)k->n / dt, (double)k->bytes / dt,
		    (unsigned long long)k->total);
	if (k->retained)
		yk_buf_addf(out, ",\"retained\":%llu",
			    (unsigned long long)k->retained);
	if (k->ndelay)
		yk_buf_addf(out,
			    ",\"delay_ms\":{\"mean\":%.3f,\"min\":%.3f,"
			    "\"max\":%.3f}",
			    k->dsum / (double)k->ndelay, k->dmin, k->dmax);
	yk_buf_add(out, "}\n", 2);
}

void
yk_stats_report(struct yk_stats *st, struct yk_buf *out, bool table,
		bool redraw, int cols, int rows, int64_t now_us)
{
	static const char *const heads[NCOL] = {
		"KEY", "RATE", "BANDWIDTH", "DELAY ms (mean/min/max)", "COUNT"};
	static const unsigned flags[NCOL] = {
		[C_RATE] = YK_COL_KEEP | YK_COL_RIGHT,
		[C_BW] = YK_COL_KEEP | YK_COL_RIGHT,
		[C_DELAY] = YK_COL_KEEP | YK_COL_RIGHT,
		[C_COUNT] = YK_COL_KEEP | YK_COL_RIGHT};
	double dt = (double)(now_us - st->since_us) / 1e6;
	struct yk_map_ent **v;
	struct yk_map_ent *e;
	struct yk_table t;
	struct yk_buf screen = {0};
	size_t i = 0, n = 0;

	yk_map_prune(&st->keys, key_quiet, &now_us);
	v = yk_calloc(st->keys.n + 1, sizeof(*v));
	if (dt <= 0)
		dt = 1e-6;
	for (e = yk_map_next(&st->keys, &i); e; e = yk_map_next(&st->keys, &i))
		v[n++] = e;
	qsort(v, n, sizeof(*v), cmp_ent);
	if (table) {
		yk_table_init(&t, NCOL, flags);
		for (int j = 0; j < NCOL; j++)
			yk_table_cellz(&t, heads[j]);
	}
	for (size_t j = 0; j < n; j++) {
		struct keystat *k = v[j]->val;

		if (table)
			row(&t, v[j], dt);
		else
			line(out, v[j], dt);
		k->n = k->bytes = k->ndelay = k->retained = 0;
		k->dsum = 0;
	}
	if (table) {
		/* redrawn: the last line stays empty, or the header would
		 * scroll away */
		yk_table_draw(&t, redraw ? &screen : out, cols,
			      redraw && rows > 1 ? rows - 1 : 0, false);
		if (redraw)
			yk_out_redraw(out, screen.p, screen.len);
		yk_table_free(&t);
		yk_buf_free(&screen);
	}
	free(v);
	st->since_us = now_us;
}

void
yk_stats_free(struct yk_stats *st)
{
	size_t i = 0;

	for (struct yk_map_ent *e = yk_map_next(&st->keys, &i); e;
	     e = yk_map_next(&st->keys, &i))
		free(e->val);
	yk_map_free(&st->keys);
}
