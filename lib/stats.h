/*
 * stats.h - per-key rate, bandwidth and delay (yoke-sub --stats): what
 * `ros2 topic hz`, `bw` and `delay` give ROS users, for every key at once.
 *
 * Delay is receive time minus the sender's `ts`, so it includes clock skew
 * between hosts; on one host it is the true transit time.
 */
#ifndef YK_STATS_H
#define YK_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "map.h"

struct yk_stats {
	struct yk_map keys;
	int64_t since_us; /* start of the current period */
};

void yk_stats_init(struct yk_stats *st, int64_t now_us);
/* Count one message; ts_us < 0 when the sender gave no timestamp. */
void yk_stats_add(struct yk_stats *st, const char *key, size_t bytes,
		  int64_t ts_us, int64_t now_us);
/* Write the period that ends now and start the next: JSON lines, or a
 * table for a terminal (with ANSI home/clear when clear is true). */
void yk_stats_report(struct yk_stats *st, struct yk_buf *out, bool table,
		     bool clear, int64_t now_us);
void yk_stats_free(struct yk_stats *st);

#endif
