/*
 * telemetry.h - yoke-telemetry's work on the fleet's telemetry channels:
 * send one reading, or a stream of them (one per line of standard input,
 * over one connection, thinned to --max-rate per metric); watch the
 * readings of many robots.  The reading itself is reading.h's.
 *
 * Readings go to <robot>/telemetry at QoS 0, as the fleet SDK sends
 * them.  A bad input line is never dropped silently: it is reported with
 * its number, and the result says that input was refused.
 */
#ifndef YK_TELEMETRY_H
#define YK_TELEMETRY_H

#include <stdbool.h>
#include <stdint.h>

#include "board.h"
#include "follow.h"
#include "mqtt.h"
#include "out.h"
#include "reading.h"
#include "thin.h"

/* --on-error: a bad line is reported and skipped (the result is then
 * YK_EUSAGE, once all good ones are sent), or ends the stream. */
enum { YK_TELEMETRY_SKIP, YK_TELEMETRY_EXIT };
extern const char *const yk_telemetry_on_errors[]; /* "skip", "exit" */

struct yk_telemetry_out {
	struct yk_reading def;  /* the flags' reading; a stream's defaults */
	bool one;               /* def is the reading: send it alone */
	int on_error;
	/* says a skipped line, a warning (lib never prints): yk_err_say */
	void (*say)(const char *fmt, ...);
	double max_rate;        /* per metric, Hz; 0: no limit */
	struct yk_buf topic;
	/* the stream's */
	struct yk_reading r;
	struct yk_buf payload;
	struct yk_thin thin;
	unsigned long bad;
};

/*
 * The arguments of sending: METRIC (args), the flags (f), and whether
 * they make one reading (def, checked now) or the defaults of a stream
 * on fd (which is then not a terminal); --on-error and --max-rate go
 * with a stream only.
 */
int yk_telemetry_args(struct yk_telemetry_out *o, struct yk_reading_flags f,
		      int nargs, char **args, int fd, struct yk_err *err);
/* Send def alone, or a reading per line of fd; then deliver what was
 * accepted, even after bad input (lib/feed.h). */
int yk_telemetry_send(struct yk_telemetry_out *o, struct yk_mqtt *s, int fd,
		      struct yk_err *err);
void yk_telemetry_out_free(struct yk_telemetry_out *o);

/*
 * The watcher: the readings of the robots PATTERN names (the metric
 * given only, if one is), as a table redrawn in place on a terminal
 * (board.h), else as JSON lines {"robot":R,<the reading's fields>}.
 * What is not a reading is not shown.
 */
struct yk_telemetry_watch {
	struct yk_follow f;
	struct yk_follow_chan ch;
	const char *metric;     /* or NULL */
	bool table;
	struct yk_reading def, r;
	struct yk_board board;
	bool dirty;             /* a reading came since the last drawing */
	int64_t drawn;          /* when (monotonic ms) */
};

int yk_telemetry_watch_init(struct yk_telemetry_watch *w,
			    const struct yk_scope *sc, int nargs, char **args,
			    struct yk_out *out, bool json,
			    struct yk_err *err);
/* The session's on_message (ud: the watcher). */
void yk_telemetry_on_reading(void *ud, const struct yk_rx *rx);
int yk_telemetry_watch(struct yk_telemetry_watch *w, struct yk_mqtt *s,
		       struct yk_err *err);
void yk_telemetry_watch_free(struct yk_telemetry_watch *w);

#endif
