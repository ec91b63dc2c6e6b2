/*
 * spark.c - bucketed sparklines.
 */
#include <string.h>

#include "spark.h"

static const char *const bars[] = {"▁", "▂", "▃", "▄",
				   "▅", "▆", "▇", "█"};

void
yk_spark_init(struct yk_spark *s, int64_t window_ms)
{
	memset(s, 0, sizeof(*s));
	s->width = window_ms / YK_SPARK_N > 0 ? window_ms / YK_SPARK_N : 1;
	for (int i = 0; i < YK_SPARK_N; i++)
		s->at[i] = -1;
}

void
yk_spark_add(struct yk_spark *s, int64_t t_ms, double v)
{
	int64_t p = t_ms / s->width;
	int i = (int)(p % YK_SPARK_N);

	if (s->at[i] != p) { /* a bucket from an older round: reuse it */
		s->at[i] = p;
		s->sum[i] = 0;
		s->cnt[i] = 0;
	}
	s->sum[i] += v;
	s->cnt[i]++;
}

void
yk_spark_draw(struct yk_buf *out, const struct yk_spark *s, int64_t now_ms)
{
	double v[YK_SPARK_N];
	bool has[YK_SPARK_N];
	int64_t p = now_ms / s->width - (YK_SPARK_N - 1);

	for (int k = 0; k < YK_SPARK_N; k++, p++) {
		int i = (int)(p % YK_SPARK_N);

		has[k] = p >= 0 && s->at[i] == p && s->cnt[i] > 0;
		v[k] = has[k] ? s->sum[i] / (double)s->cnt[i] : 0;
	}
	yk_spark_line(out, v, has, YK_SPARK_N);
}

void
yk_spark_line(struct yk_buf *out, const double *v, const bool *has, int n)
{
	double lo = 0, hi = 0;
	bool any = false;

	for (int i = 0; i < n; i++) {
		if (!has[i])
			continue;
		if (!any || v[i] < lo)
			lo = v[i];
		if (!any || v[i] > hi)
			hi = v[i];
		any = true;
	}
	for (int i = 0; i < n; i++) {
		int k = 3; /* a flat line sits in the middle */

		if (!has[i]) {
			yk_buf_addc(out, ' ');
			continue;
		}
		if (hi > lo)
			k = (int)((v[i] - lo) / (hi - lo) * 7 + 0.5);
		yk_buf_adds(out, bars[k]);
	}
}
