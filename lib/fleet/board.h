/*
 * board.h - the table yoke-telemetry --watch draws on a terminal: one row
 * per robot and metric with the latest value, its unit, its age and a
 * sparkline of the last minute, redrawn in place.
 *
 * Rows are sorted by robot, then metric, so they do not jump about as
 * readings arrive.  The table is drawn by the table printer (lib/out.h):
 * every string from the network is made safe there, rows fit the
 * terminal's width and height (the header never scrolls away), numbers
 * are never cut and cut text ends with "…".
 */
#ifndef YK_BOARD_H
#define YK_BOARD_H

#include <stdint.h>

#include "buf.h"
#include "map.h"
#include "reading.h"

#define YK_BOARD_WINDOW_MS 60000
/* A row with no reading for this long leaves the board (and memory). */
#define YK_BOARD_FORGET_MS 600000

struct yk_board {
	struct yk_map rows; /* "robot\x1fmetric" -> row */
};

/* The latest reading of a robot's metric, received at now_ms (monotonic,
 * which also sets the row's age and its sparkline's clock). */
void yk_board_add(struct yk_board *b, const char *robot,
		  const struct yk_reading *r, int64_t now_ms);
/* The table drawn over the last one, in cols x rows (0: no limit); rows
 * quiet for YK_BOARD_FORGET_MS are forgotten first. */
void yk_board_draw(struct yk_board *b, struct yk_buf *out,
		   int64_t now_ms, int cols, int rows);
void yk_board_free(struct yk_board *b);

#endif
