/*
 * spark.c - bucketed sparklines.
 */
#include <math.h>
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
	/* The scale spans at least SPAN_MIN of the values' magnitude,
	 * centred on them: 95.96 -> 95.95 is noise, not a full swing. */
	if (any) {
		double mid = lo / 2 + hi / 2;
		double m = lo < 0 ? -lo : lo, span;

		if ((hi < 0 ? -hi : hi) > m)
			m = hi < 0 ? -hi : hi;
		span = m * YK_SPARK_SPAN_MIN;

		/* mid on the middle bar, as a flat line */
		if (!(hi - lo >= span)) {
			lo = mid - span * 3 / 7;
			hi = lo + span;
		}
	}
	for (int i = 0; i < n; i++) {
		int k = 3;

		if (!has[i]) {
			yk_buf_addc(out, ' ');
			continue;
		}
		if (hi > lo && isfinite(hi - lo))
			k = (int)((v[i] - lo) / (hi - lo) * 7 + 0.5);
		if (k < 0 || k > 7)
			k = 3;
		yk_buf_adds(out, bars[k]);
	}
}
