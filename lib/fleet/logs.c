/*
 * logs.c - send and follow log entries.
 */
#include <unistd.h>

#include "clock.h"
#include "feed.h"
#include "logs.h"

int
yk_logs_args(struct yk_logs_out *o, int nargs, char **args, struct yk_err *err)
{
	if (nargs == 0 && isatty(0))
		return yk_err_set(err, YK_EUSAGE,
				  "missing MESSAGE (or lines on standard "
				  "input)");
	for (int k = 0; k < nargs; k++) {
		if (k > 0)
			yk_buf_addc(&o->msg, ' ');
		yk_buf_adds(&o->msg, args[k]);
	}
	if (nargs > 0 && o->msg.len == 0)
		return yk_err_set(err, YK_EUSAGE, "message is empty");
	return YK_OK;
}

static int
put(struct yk_logs_out *o, struct yk_mqtt *s, const char *msg, size_t n,
    int64_t ts_us, bool wait, struct yk_err *err)
{
	struct yk_msg m = {.topic = o->topic.p, .qos = 1, .prio = -1,
			   .ts_us = ts_us};

	yk_buf_truncate(&o->payload, 0);
	if (o->guess)
		o->level = yk_logline_guess(msg, n, o->level);
	yk_logline_json(&o->payload, &o->tmp, o->level, msg, n, ts_us);
	m.payload = o->payload.p;
	m.len = o->payload.len;
	return wait ? yk_mqtt_send_wait(s, &m, err) : yk_mqtt_send(s, &m, err);
}

static int
frame(void *ud, struct yk_mqtt *s, const char *f, size_t n,
      unsigned long line, int64_t ts_us, struct yk_err *err)
{
	(void)line;
	if (n == 0)
		return YK_OK; /* an empty line is no entry */
	return put(ud, s, f, n, ts_us, false, err);
}

int
yk_logs_send(struct yk_logs_out *o, struct yk_mqtt *s, int fd,
	     struct yk_err *err)
{
	struct yk_in in;

	if (o->msg.len > 0) {
		put(o, s, o->msg.p, o->msg.len, yk_now_us(), true, err);
	} else {
		yk_in_init(&in, fd, YK_FRAME_LINES, "standard input");
		yk_feed_run(s, &in, frame, o, err);
		yk_in_free(&in);
	}
	/* QoS 1: exit 0 only once every entry is acknowledged. */
	return yk_feed_drain(s, err->rc, err);
}

void
yk_logs_out_free(struct yk_logs_out *o)
{
	yk_buf_free(&o->topic);
	yk_buf_free(&o->msg);
	yk_buf_free(&o->payload);
	yk_buf_free(&o->tmp);
}

int
yk_logs_follow_init(struct yk_logs_follow *w, const struct yk_scope *sc,
		    int nargs, char **args, struct yk_out *out, bool json,
		    struct yk_err *err)
{
	w->f.out = out;
	w->pr = (struct yk_print){.b = &out->b,
				  .json = json || !yk_out_human(out->fd),
				  .colour = yk_out_colour(out->fd)};
	return yk_follow_chan_parse(&w->ch, sc, "log", nargs, args, "*", err);
}

void
yk_logs_on_entry(void *ud, const struct yk_rx *rx)
{
	struct yk_logs_follow *w = ud;
	const char *robot = yk_follow_chan_robot(&w->ch, rx);

	/* what is not a log entry is not shown */
	if (robot == NULL ||
	    yk_logline_parse(&w->entry, rx->payload, rx->len) != 0 ||
	    yk_logline_rank(w->entry.level.p) < w->rank)
		return;
	if (yk_follow_take(&w->f, rx))
		yk_logline_print(&w->pr, robot, &w->entry, rx->payload,
				 rx->len);
}

int
yk_logs_follow(struct yk_logs_follow *w, struct yk_mqtt *s, struct yk_err *err)
{
	if (yk_mqtt_subscribe(s, w->ch.ex.filter, 1, YK_RH_SEND, err) < 0)
		return err->rc;
	return yk_follow_run(&w->f, s, err);
}

void
yk_logs_follow_free(struct yk_logs_follow *w)
{
	yk_follow_free(&w->f);
	yk_follow_chan_free(&w->ch);
	yk_logline_free(&w->entry);
}
