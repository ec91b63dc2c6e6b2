/*
 * stats.c - per-key message statistics.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "json.h"
#include "stats.h"

struct keystat {
	uint64_t total;     /* messages since start */
	uint64_t n;         /* in this period */
	uint64_t bytes;     /* in this period */
	uint64_t ndelay;
	double dsum, dmin, dmax; /* delay in ms */
};

void
yk_stats_init(struct yk_stats *st, int64_t now_us)
{
	memset(st, 0, sizeof(*st));
	st->since_us = now_us;
}

void
yk_stats_add(struct yk_stats *st, const char *key, size_t bytes,
	     int64_t ts_us, int64_t now_us)
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
	if (ts_us >= 0) {
		double d = (double)(now_us - ts_us) / 1000.0;

		if (k->ndelay == 0 || d < k->dmin)
			k->dmin = d;
		if (k->ndelay == 0 || d > k->dmax)
			k->dmax = d;
		k->dsum += d;
		k->ndelay++;
	}
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

void
yk_stats_report(struct yk_stats *st, struct yk_buf *out, bool table,
		bool clear, int64_t now_us)
{
	double dt = (double)(now_us - st->since_us) / 1e6;
	struct yk_map_ent **v = yk_calloc(st->keys.n, sizeof(*v));
	struct yk_map_ent *e;
	size_t i = 0, n = 0;

	if (dt <= 0)
		dt = 1e-6;
	for (e = yk_map_next(&st->keys, &i); e; e = yk_map_next(&st->keys, &i))
		v[n++] = e;
	qsort(v, n, sizeof(*v), cmp_ent);
	if (table) {
		if (clear)
			yk_buf_adds(out, "\033[H\033[2J");
		yk_buf_addf(out, "%-40s %9s %12s %26s %10s\n", "KEY", "RATE",
			    "BANDWIDTH", "DELAY ms (mean/min/max)", "COUNT");
	}
	for (size_t j = 0; j < n; j++) {
		struct keystat *k = v[j]->val;
		double hz = (double)k->n / dt, bw = (double)k->bytes / dt;

		if (table) {
			char b[32], d[48] = "-";

			human_bytes(b, sizeof(b), bw);
			if (k->ndelay)
				snprintf(d, sizeof(d), "%.2f/%.2f/%.2f",
					 k->dsum / (double)k->ndelay, k->dmin,
					 k->dmax);
			yk_buf_addf(out, "%-40s %7.1f/s %12s %26s %10llu\n",
				    v[j]->key, hz, b, d,
				    (unsigned long long)k->total);
		} else {
			yk_buf_add(out, "{\"key\":", 7);
			yk_json_strz(out, v[j]->key);
			yk_buf_addf(out,
				    ",\"hz\":%.3f,\"bytes_per_s\":%.1f,"
				    "\"count\":%llu",
				    hz, bw, (unsigned long long)k->total);
			if (k->ndelay)
				yk_buf_addf(out,
					    ",\"delay_ms\":{\"mean\":%.3f,"
					    "\"min\":%.3f,\"max\":%.3f}",
					    k->dsum / (double)k->ndelay,
					    k->dmin, k->dmax);
			yk_buf_add(out, "}\n", 2);
		}
		k->n = k->bytes = k->ndelay = 0;
		k->dsum = 0;
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
