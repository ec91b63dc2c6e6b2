/*
 * feed.c - the input -> queue -> broker loop.
 */
#include "clock.h"
#include "feed.h"
#include "sig.h"

/* A frame too large for the broker ends the feed, as bad input does,
 * and the message says which one. */
static int
too_large(struct yk_mqtt *s, const struct yk_in *in, struct yk_err *err)
{
	if (!yk_mqtt_too_large(s))
		return err->rc;
	return yk_err_wrap(err, "%s %s %lu", in->name,
			   in->mode == YK_FRAME_LINES ? "line" : "frame",
			   in->frame);
}

int
yk_feed_run(struct yk_mqtt *s, struct yk_in *in, yk_feed_fn fn, void *ud,
	    struct yk_err *err)
{
	return yk_feed_run_tick(s, in, fn, NULL, ud, err);
}

int
yk_feed_run_tick(struct yk_mqtt *s, struct yk_in *in, yk_feed_fn fn,
		 yk_feed_tick_fn tick, void *ud, struct yk_err *err)
{
	int64_t ts = yk_now_us();

	while (!yk_sig_stop) {
		struct pollfd p = {in->fd, POLLIN, 0};
		int np = 0, timeout = -1;

		while (!yk_mqtt_queue_full(s)) {
			const char *f;
			size_t n;
			int r = yk_in_next(in, &f, &n, err);

			if (r < 0)
				return err->rc;
			if (r == 0)
				break;
			if (fn(ud, s, f, n, in->frame, ts, err) != YK_OK)
				return too_large(s, in, err);
		}
		if (yk_in_done(in))
			return YK_OK;
		/* A full queue empties through the socket, which the step
		 * watches: no timer needed until it has room. */
		if (tick && !yk_mqtt_queue_full(s)) {
			int64_t now = yk_mono_ms(), next = -1;

			if (tick(ud, s, now, &next, err) != YK_OK)
				return err->rc;
			if (next >= 0)
				timeout = next > now ? (int)(next - now) : 0;
		}
		if (!in->eof && !yk_mqtt_queue_full(s))
			np = 1;
		if (yk_mqtt_step(s, &p, np, timeout, err) != YK_OK)
			return err->rc;
		if (np && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			if (yk_in_fill(in, err) != YK_OK)
				return err->rc;
			ts = yk_now_us();
		}
	}
	return YK_OK;
}

int
yk_feed_drain(struct yk_mqtt *s, int rc, struct yk_err *err)
{
	struct yk_err e2 = {0};

	if ((rc == YK_OK || rc == YK_EUSAGE || yk_mqtt_too_large(s)) &&
	    yk_mqtt_drain(s, &yk_sig_stop, &e2) != YK_OK &&
	    (rc == YK_OK || yk_sig_stop))
		*err = e2;
	return err->rc;
}

int
yk_feed_pace(struct yk_mqtt *s, struct yk_feed_pace *pace, int64_t rec_us,
	     int64_t *stamp_us, struct yk_err *err)
{
	int64_t due, now;

	/* the first stamp before its monotonic read, the others after
	 * theirs: a delay between two reads only widens the distance */
	if (!pace->started) {
		*stamp_us = yk_now_us();
		pace->started = true;
		pace->rec0_us = rec_us;
		pace->mono0_ms = yk_mono_ms();
		return YK_OK;
	}
	/* rounded up: never early */
	due = pace->mono0_ms + (rec_us - pace->rec0_us + 999) / 1000;
	now = yk_mono_ms();
	while (!yk_sig_stop && now < due) {
		int64_t left = due - now;

		if (yk_mqtt_step(s, NULL, 0, left > 1000 ? 1000 : (int)left,
				 err) != YK_OK)
			return err->rc;
		now = yk_mono_ms();
	}
	*stamp_us = yk_now_us();
	return YK_OK;
}
