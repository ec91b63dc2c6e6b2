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

#endif
