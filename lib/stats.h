/*
 * stats.h - per-key rate, bandwidth and delay (yoke-sub --stats): what
 * `ros2 topic hz`, `bw` and `delay` give ROS users, for every key at once.
 *
 * Delay is receive time minus the sender's `ts`, so it includes clock skew
 * between hosts; on one host it is the true transit time.  A retained
 * message is an old one replayed by the broker: it counts in rate,
 * bandwidth and count, never in delay (its age is not a transit time);
 * the JSON line counts it apart, as "retained".
 *
 * A key that received nothing for YK_STATS_FORGET_S seconds leaves the
 * table and memory (a subscription to ** sees keys come and go for ever).
 */
#ifndef YK_STATS_H
#define YK_STATS_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "map.h"

#define YK_STATS_FORGET_S 60

struct yk_stats {
	struct yk_map keys;
	int64_t since_us; /* start of the current period */
};

void yk_stats_init(struct yk_stats *st, int64_t now_us);
/* Count one message; ts_us < 0 when the sender gave no timestamp. */
void yk_stats_msg(struct yk_stats *st, const char *key, size_t bytes,
		  int64_t ts_us, bool retain, int64_t now_us);
/* yk_stats_msg for a message that is not retained. */
void yk_stats_add(struct yk_stats *st, const char *key, size_t bytes,
		  int64_t ts_us, int64_t now_us);
/* Write the period that ends now and start the next: JSON lines, or a
 * table for a terminal in cols x rows (0: no limit), drawn over the last
 * one when redraw is true.  Keys quiet for YK_STATS_FORGET_S are
 * forgotten first. */
void yk_stats_report(struct yk_stats *st, struct yk_buf *out, bool table,
		     bool redraw, int cols, int rows, int64_t now_us);
/* Keys in the table. */
size_t yk_stats_keys(const struct yk_stats *st);
void yk_stats_free(struct yk_stats *st);

#endif
