/*
 * follow.h - follow what arrives until it is enough: the one loop of
 * every watcher (yoke-sub, yoke-fault --watch, yoke-telemetry --watch,
 * yoke-log --follow, yoke-alive --list and --watch), and the channel a
 * fleet watcher follows.
 *
 * The loop writes what the message callbacks buffered before each wait,
 * so a pipe sees every record as it arrives while a burst costs one
 * write(2); it waits for the network at most a second, less when the
 * deadline or the caller's tick comes sooner.  It ends at a stop signal,
 * after count records, at the deadline, once the current values are in
 * (the sync marker, lib/query.h), or when the reader of standard output
 * went away (EPIPE: that is success, as for any filter before head(1)).
 *
 * A channel is PATTERN/<chan> over robots (`*`, `arm-*`: see key.h;
 * `{name}` captures are allowed but not printed); each message on it is
 * printed as one record, the robot first and then the payload's own
 * fields, as yoke-alive prints tokens:
 * {"robot":"arm-042","metric":"temp_c",...}.
 */
#ifndef YK_FOLLOW_H
#define YK_FOLLOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "key.h"
#include "mqtt.h"
#include "out.h"
#include "query.h"

/* Called before each wait with the monotonic time: draw a table, send
 * what is due.  It may set *next_ms to when it wants to run again (it
 * stays -1: within the second); an error ends the loop. */
typedef int (*yk_follow_tick_fn)(void *ud, struct yk_mqtt *s, int64_t now_ms,
				 int64_t *next_ms, struct yk_err *err);

struct yk_follow {
	struct yk_out *out;        /* where the records go */
	long count;                /* records to take, then end (0: no end) */
	double wait;               /* seconds, then end (0: no end) */
	/* the values there now only (retained): end once the sync marker
	 * comes back to the inbox in scope */
	bool current;
	const struct yk_scope *scope;
	yk_follow_tick_fn tick;    /* or NULL */
	void *ud;
	/* the loop's */
	long taken;                /* records taken so far */
	bool expired;              /* the wait ended it */
	struct yk_sync sync;       /* sync.done: the current values are in */
	struct yk_buf inbox;
	struct yk_err out_err;     /* a failed write inside a callback */
};

/*
 * In a message callback, first: true when rx is our sync marker (the
 * current values are in), which is not data.  Every message must pass
 * here: it also tells the marker's wait the broker still delivers.
 */
bool yk_follow_marker(struct yk_follow *f, const struct yk_rx *rx);
/*
 * In a message callback, before a record is added to f->out: true when
 * it may be.  False when count records were taken (the message is left)
 * or standard output failed (the loop ends).  The count-th record stops
 * the reading (yk_mqtt_stop_reading: what follows stays unacknowledged,
 * for a persistent session's next run).  What the buffer holds is
 * written once it reaches 64 KiB: a resumed session's backlog streams
 * out, and memory stays flat.
 */
bool yk_follow_take(struct yk_follow *f, const struct yk_rx *rx);
/* The loop, on a session whose subscriptions are made (with current,
 * the inbox is subscribed here).  YK_OK at every end above; else the
 * error: the session's, the tick's, or a write failure. */
int yk_follow_run(struct yk_follow *f, struct yk_mqtt *s, struct yk_err *err);
void yk_follow_free(struct yk_follow *f);

/* The channel PATTERN/chan, and the robot of the message last matched. */
struct yk_follow_chan {
	const struct yk_scope *scope;
	const char *chan;
	struct yk_kexpr ex;
	struct yk_buf robot;
};

/* PATTERN is args[0], def when nargs is 0; more is a usage error. */
int yk_follow_chan_parse(struct yk_follow_chan *c, const struct yk_scope *sc,
			 const char *chan, int nargs, char **args,
			 const char *def, struct yk_err *err);
/* The robot a message on the channel came from, or NULL when it is not
 * on the channel (valid until the next call). */
const char *yk_follow_chan_robot(struct yk_follow_chan *c,
				 const struct yk_rx *rx);
void yk_follow_chan_free(struct yk_follow_chan *c);

/* ke = PATTERN/chan; a PATTERN already ending in /chan is taken as is.
 * Errors quote PATTERN as written. */
int yk_follow_expr(struct yk_kexpr *ke, const struct yk_scope *sc,
		   const char *pattern, const char *chan, struct yk_err *err);
/* The robot of a key on chan (the key without "/chan"), into r (cleared
 * first); false when key does not end in "/chan". */
bool yk_follow_robot(struct yk_buf *r, const char *key, const char *chan);
/* Append {"robot":R,<the fields of the object p[0..n)>} and a newline;
 * false, and nothing appended, when p is not a JSON object. */
bool yk_follow_json(struct yk_buf *b, const char *robot, const char *p,
		    size_t n);

#endif
