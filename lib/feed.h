/*
 * feed.h - publish what arrives on a descriptor, frame by frame, over one
 * connection: yoke-pub -l/-s/-f/--ndjson, and later the stream modes of
 * yoke-telemetry and yoke-log.
 *
 * Back-pressure, not loss: input is read only while the send queue has
 * room, so a slow or absent broker makes the producer wait (its pipe fills)
 * instead of growing memory or dropping lines.
 */
#ifndef YK_FEED_H
#define YK_FEED_H

#include "in.h"
#include "mqtt.h"

/* Turn one frame into at most one yk_mqtt_send.  ts_us is when the
 * frame's bytes were read: the message's `ts` (one clock read per read(2),
 * not per message: on some machines the clock is a system call).  Return
 * YK_OK, or an error that ends the feed (the caller still drains what was
 * sent). */
typedef int (*yk_feed_fn)(void *ud, struct yk_mqtt *s, const char *p,
			  size_t n, unsigned long frame, int64_t ts_us,
			  struct yk_err *err);

/* Run until the input ends, a stop signal, or an error. */
int yk_feed_run(struct yk_mqtt *s, struct yk_in *in, yk_feed_fn fn, void *ud,
		struct yk_err *err);

/* A timer beside the input (yoke-telemetry --max-rate sends held
 * readings when their time comes): called before each wait while the
 * send queue has room, with the monotonic time; it may send, and sets
 * *next_ms to when it wants to run again (-1: only when input comes). */
typedef int (*yk_feed_tick_fn)(void *ud, struct yk_mqtt *s, int64_t now_ms,
			       int64_t *next_ms, struct yk_err *err);

/* After a feed that ended with rc: deliver what was accepted, even after
 * bad input (rc YK_EUSAGE, which stays the result) or a frame too large
 * for the broker (named by its line or frame number); a failure to deliver
 * replaces YK_OK, or anything once a stop signal came.  Returns err->rc. */
int yk_feed_drain(struct yk_mqtt *s, int rc, struct yk_err *err);

/* yk_feed_run with a timer (tick may be NULL). */
int yk_feed_run_tick(struct yk_mqtt *s, struct yk_in *in, yk_feed_fn fn,
		     yk_feed_tick_fn tick, void *ud, struct yk_err *err);

/*
 * Replay with the recorded spacing (yoke-pub --pace): the frame recorded
 * at rec_us goes when as much time has passed since the first paced
 * frame as passed between them when they were recorded.  A frame
 * recorded before the previous one goes at once: a capture is not
 * reordered.  Waits by stepping s (what is queued keeps going); a stop
 * signal cuts the wait short (yk_sig_stop then says so).  *stamp_us is
 * the wall clock when the wait ended, the frame's `ts`, so a frame's
 * stamp lies at least its recorded distance after the first frame's
 * (less 1 ms, the monotonic clock's step).
 */
struct yk_feed_pace {
	bool started;
	int64_t rec0_us;  /* the first frame's recorded time */
	int64_t mono0_ms; /* when it went */
};
int yk_feed_pace(struct yk_mqtt *s, struct yk_feed_pace *pace, int64_t rec_us,
		 int64_t *stamp_us, struct yk_err *err);

#endif
