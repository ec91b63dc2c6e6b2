/*
 * spark.h - a unicode sparkline of the recent past of one value
 * (yoke-telemetry --watch on a terminal): ▁▂▃▄▅▆▇█ scaled between the
 * window's lowest and highest, a blank where no reading came.  The scale
 * spans at least YK_SPARK_SPAN_MIN of the values' magnitude, so that a
 * change in the last digit of a large value draws flat, not as a full
 * swing (95.96 -> 95.95 is 0.01 %).
 *
 * Memory is fixed per line, whatever the rate: readings are summed into
 * YK_SPARK_N time buckets, each drawn as its mean.
 */
#ifndef YK_SPARK_H
#define YK_SPARK_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"

#define YK_SPARK_N 30
#define YK_SPARK_SPAN_MIN 0.01 /* 1 % */

struct yk_spark {
	int64_t width;            /* ms per bucket */
	int64_t at[YK_SPARK_N];   /* the period a bucket holds (t / width) */
	double sum[YK_SPARK_N];
	long cnt[YK_SPARK_N];
};

/* A sparkline over the last window_ms (YK_SPARK_N buckets). */
void yk_spark_init(struct yk_spark *s, int64_t window_ms);
void yk_spark_add(struct yk_spark *s, int64_t t_ms, double v);
/* YK_SPARK_N characters, oldest first, ending with now's bucket. */
void yk_spark_draw(struct yk_buf *out, const struct yk_spark *s,
		   int64_t now_ms);
/* n characters for v[0..n), ' ' where has[i] is false. */
void yk_spark_line(struct yk_buf *out, const double *v, const bool *has,
		   int n);

#endif
