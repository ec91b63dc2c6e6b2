/*
 * feed.c - the input -> queue -> broker loop.
 */
#include "clock.h"
#include "feed.h"
#include "sig.h"

int
yk_feed_run(struct yk_mqtt *s, struct yk_in *in, yk_feed_fn fn, void *ud,
	    struct yk_err *err)
{
	int64_t ts = yk_now_us();

	while (!yk_sig_stop) {
		struct pollfd p = {in->fd, POLLIN, 0};
		int np = 0;

		while (!yk_mqtt_queue_full(s)) {
			const char *f;
			size_t n;
			int r = yk_in_next(in, &f, &n, err);

			if (r < 0)
				return err->rc;
			if (r == 0)
				break;
			if (fn(ud, s, f, n, in->frame, ts, err) != YK_OK)
				return err->rc;
		}
		if (yk_in_done(in))
			return YK_OK;
		if (!in->eof && !yk_mqtt_queue_full(s))
			np = 1;
		if (yk_mqtt_step(s, &p, np, -1, err) != YK_OK)
			return err->rc;
		if (np && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			if (yk_in_fill(in, err) != YK_OK)
				return err->rc;
			ts = yk_now_us();
		}
	}
	return YK_OK;
}
