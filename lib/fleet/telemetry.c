/*
 * telemetry.c - send and watch telemetry readings.
 */
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "feed.h"
#include "in.h"
#include "telemetry.h"

/* Redraw the table at most this often, and at least once a second. */
#define DRAW_MS 100

const char *const yk_telemetry_on_errors[] = {"skip", "exit", NULL};

static int
put(struct yk_telemetry_out *o, struct yk_mqtt *s,
    const struct yk_buf *payload, int64_t ts_us, bool wait,
    struct yk_err *err)
{
	struct yk_msg m = {.topic = o->topic.p, .payload = payload->p,
			   .len = payload->len, .prio = -1, .ts_us = ts_us};

	return wait ? yk_mqtt_send_wait(s, &m, err) : yk_mqtt_send(s, &m, err);
}

/* Held readings whose time has come (--max-rate). */
static int
tick(void *ud, struct yk_mqtt *s, int64_t now, int64_t *next,
     struct yk_err *err)
{
	struct yk_telemetry_out *o = ud;

	while (!yk_mqtt_queue_full(s)) {
		struct yk_thin_slot *h = yk_thin_due(&o->thin, now, false, next);

		if (h == NULL)
			break;
		if (put(o, s, &h->payload, h->ts_us, false, err) != YK_OK)
			return err->rc;
	}
	return YK_OK;
}

static int
frame(void *ud, struct yk_mqtt *s, const char *f, size_t n,
      unsigned long line, int64_t ts_us, struct yk_err *err)
{
	struct yk_telemetry_out *o = ud;
	struct yk_thin_slot *h;

	while (n > 0 && (*f == ' ' || *f == '\t')) {
		f++;
		n--;
	}
	if (n == 0)
		return YK_OK; /* a blank line is no reading */
	if (yk_reading_line(&o->r, &o->def, f, n, err) != YK_OK) {
		yk_err_wrap(err, "line %lu", line);
		if (o->on_error == YK_TELEMETRY_EXIT)
			return err->rc;
		o->say("%s", err->msg);
		o->bad++;
		err->rc = YK_OK;
		return YK_OK;
	}
	yk_buf_truncate(&o->payload, 0);
	yk_reading_json(&o->payload, &o->r, ts_us);
	if (o->max_rate > 0) {
		struct yk_buf k = {0};
		bool now;

		yk_buf_add(&k, o->r.metric, o->r.metric_len);
		now = yk_thin_offer(&o->thin, k.p, yk_mono_ms(), &h);
		yk_buf_free(&k);
		if (!now) {
			yk_buf_truncate(&h->payload, 0);
			yk_buf_add(&h->payload, o->payload.p, o->payload.len);
			h->ts_us = ts_us;
			h->held = true;
			return YK_OK;
		}
	}
	return put(o, s, &o->payload, ts_us, false, err);
}

/* A reading per line of fd; then what --max-rate held. */
static int
stream(struct yk_telemetry_out *o, struct yk_mqtt *s, int fd,
       struct yk_err *err)
{
	struct yk_in in;
	int64_t wake;
	int rc;

	if (o->max_rate > 0)
		yk_thin_init(&o->thin, o->max_rate);
	yk_in_init(&in, fd, YK_FRAME_LINES, "standard input");
	rc = yk_feed_run_tick(s, &in, frame, o->max_rate > 0 ? tick : NULL, o,
			      err);
	if (rc == YK_OK || rc == YK_EUSAGE) {
		struct yk_err e2 = {0};

		for (;;) {
			struct yk_thin_slot *h =
				yk_thin_due(&o->thin, 0, true, &wake);

			if (h == NULL)
				break;
			if (put(o, s, &h->payload, h->ts_us, true, &e2) !=
			    YK_OK) {
				*err = e2;
				break;
			}
		}
	}
	if (err->rc == YK_OK && o->bad > 0)
		yk_err_set(err, YK_EUSAGE, "skipped %lu bad line%s of %lu",
			   o->bad, o->bad == 1 ? "" : "s", in.frame);
	yk_in_free(&in);
	yk_thin_free(&o->thin);
	return err->rc;
}

int
yk_telemetry_args(struct yk_telemetry_out *o, struct yk_reading_flags f,
		  int nargs, char **args, int fd, struct yk_err *err)
{
	if (nargs != 1)
		return yk_err_set(err, YK_EUSAGE,
				  nargs ? "expected one METRIC, got %d "
					  "arguments"
					: "missing METRIC",
				  nargs);
	f.metric = args[0];
	if (yk_reading_flags(&o->def, &f, err) != YK_OK)
		return err->rc;
	o->one = f.value || f.lat || f.lng || f.data;
	if (!o->one && !isatty(fd))
		return YK_OK; /* a stream */
	if (o->on_error >= 0 || o->max_rate > 0)
		return yk_err_set(err, YK_EUSAGE,
				  "--on-error and --max-rate go with lines on "
				  "standard input");
	if (yk_reading_check(&o->def, "--", err) != YK_OK)
		return err->rc;
	if (f.unit && !f.value)
		o->say("--unit is ignored without --value");
	return YK_OK;
}

int
yk_telemetry_send(struct yk_telemetry_out *o, struct yk_mqtt *s, int fd,
		  struct yk_err *err)
{
	if (o->one) {
		int64_t now = yk_now_us();

		yk_reading_json(&o->payload, &o->def, now);
		put(o, s, &o->payload, now, true, err);
	} else {
		stream(o, s, fd, err);
	}
	/* Deliver what was accepted, even after bad input (then exit 2). */
	return yk_feed_drain(s, err->rc, err);
}

void
yk_telemetry_out_free(struct yk_telemetry_out *o)
{
	yk_reading_free(&o->r);
	yk_buf_free(&o->topic);
	yk_buf_free(&o->payload);
}

int
yk_telemetry_watch_init(struct yk_telemetry_watch *w,
			const struct yk_scope *sc, int nargs, char **args,
			struct yk_out *out, bool json, struct yk_err *err)
{
	w->f.out = out;
	w->table = !json && yk_out_human(out->fd);
	return yk_follow_chan_parse(&w->ch, sc, "telemetry", nargs, args, "*",
				    err);
}

void
yk_telemetry_on_reading(void *ud, const struct yk_rx *rx)
{
	struct yk_telemetry_watch *w = ud;
	const char *robot = yk_follow_chan_robot(&w->ch, rx);
	struct yk_err e;

	/* what is not a reading is not shown */
	if (robot == NULL ||
	    yk_reading_line(&w->r, &w->def, rx->payload, rx->len, &e) !=
		    YK_OK ||
	    w->r.metric == NULL)
		return;
	if (w->metric && (strlen(w->metric) != w->r.metric_len ||
			  memcmp(w->metric, w->r.metric, w->r.metric_len)))
		return;
	if (!yk_follow_take(&w->f, rx))
		return;
	if (w->table) {
		yk_board_add(&w->board, robot, &w->r, yk_mono_ms());
		w->dirty = true;
	} else {
		yk_follow_json(&w->f.out->b, robot, rx->payload, rx->len);
	}
}

/* The table, when a reading came (at most every DRAW_MS), and every
 * second for the ages. */
static int
draw(void *ud, struct yk_mqtt *s, int64_t now, int64_t *next,
     struct yk_err *err)
{
	struct yk_telemetry_watch *w = ud;
	struct yk_out *out = w->f.out;

	(void)s;
	(void)err;
	if (now - w->drawn >= 1000 || (w->dirty && now - w->drawn >= DRAW_MS)) {
		yk_board_draw(&w->board, &out->b, now, yk_out_cols(out->fd),
			      yk_out_rows(out->fd));
		w->drawn = now;
		w->dirty = false;
	}
	*next = w->drawn + (w->dirty ? DRAW_MS : 1000);
	return YK_OK;
}

int
yk_telemetry_watch(struct yk_telemetry_watch *w, struct yk_mqtt *s,
		   struct yk_err *err)
{
	if (yk_mqtt_subscribe(s, w->ch.ex.filter, 0, YK_RH_SEND, err) < 0)
		return err->rc;
	if (w->table) {
		w->f.tick = draw;
		w->f.ud = w;
	}
	return yk_follow_run(&w->f, s, err);
}

void
yk_telemetry_watch_free(struct yk_telemetry_watch *w)
{
	yk_follow_free(&w->f);
	yk_follow_chan_free(&w->ch);
	yk_reading_free(&w->r);
	yk_board_free(&w->board);
}
