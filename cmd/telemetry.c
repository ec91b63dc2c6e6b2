/*
 * yoke-telemetry - send one reading, a stream of readings (one per line of
 * standard input, over one connection), or watch the fleet's readings.
 *
 * Readings go to <robot>/telemetry at QoS 0, as the fleet SDK sends them.
 * A bad input line is never dropped silently: it is reported with its
 * number, and the exit status says that input was refused.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "board.h"
#include "clock.h"
#include "conf.h"
#include "feed.h"
#include "fleet.h"
#include "follow.h"
#include "json.h"
#include "out.h"
#include "reading.h"
#include "sig.h"
#include "thin.h"

static const char usage[] =
	"[options] METRIC [--value V] [--unit U] [--lat LAT --lng LNG "
	"[--heading H]] [--data JSON]\n"
	"[options] METRIC [--unit U] [--on-error skip|exit] [--max-rate HZ] "
	"< LINES\n"
	"[options] --watch [PATTERN] [--metric M] [--json]";

enum { ON_ERROR_SKIP, ON_ERROR_EXIT };
static const char *const on_errors[] = {"skip", "exit", NULL};

/* Redraw the table at most this often, and at least once a second. */
#define DRAW_MS 100

struct tele {
	const char *value, *unit, *lat, *lng, *heading, *data, *metric;
	int on_error;
	double max_rate;
	bool watch, json, tty;
	struct yk_reading def, r;
	struct yk_buf topic, payload, robot;
	struct yk_thin thin;
	unsigned long bad;
	/* --watch */
	const struct yk_scope *scope;
	struct yk_kexpr ex;
	struct yk_out out;
	struct yk_board board;
	bool dirty;
};

static int
put(struct yk_mqtt *s, struct tele *t, const struct yk_buf *payload,
     int64_t ts_us, bool wait, struct yk_err *err)
{
	struct yk_msg m = {.topic = t->topic.p, .payload = payload->p,
			   .len = payload->len, .prio = -1, .ts_us = ts_us};

	return wait ? yk_mqtt_send_wait(s, &m, err) : yk_mqtt_send(s, &m, err);
}

/* Held readings whose time has come (--max-rate). */
static int
tick(void *ud, struct yk_mqtt *s, int64_t now, int64_t *next,
     struct yk_err *err)
{
	struct tele *t = ud;

	while (!yk_mqtt_queue_full(s)) {
		struct yk_thin_slot *h;

		h = yk_thin_due(&t->thin, now, false, next);

		if (h == NULL)
			break;
		if (put(s, t, &h->payload, h->ts_us, false, err) != YK_OK)
			return err->rc;
	}
	return YK_OK;
}

static int
frame(void *ud, struct yk_mqtt *s, const char *f, size_t n,
      unsigned long line, int64_t ts_us, struct yk_err *err)
{
	struct tele *t = ud;
	struct yk_thin_slot *h;

	while (n > 0 && (*f == ' ' || *f == '\t')) {
		f++;
		n--;
	}
	if (n == 0)
		return YK_OK; /* a blank line is no reading */
	if (yk_reading_line(&t->r, &t->def, f, n, err) != YK_OK) {
		yk_err_wrap(err, "line %lu", line);
		if (t->on_error == ON_ERROR_EXIT)
			return err->rc;
		yk_err_print(err);
		t->bad++;
		err->rc = YK_OK;
		return YK_OK;
	}
	yk_buf_truncate(&t->payload, 0);
	yk_reading_json(&t->payload, &t->r, ts_us);
	if (t->max_rate > 0) {
		struct yk_buf k = {0};
		bool now;

		yk_buf_add(&k, t->r.metric, t->r.metric_len);
		now = yk_thin_offer(&t->thin, k.p, yk_mono_ms(), &h);
		yk_buf_free(&k);
		if (!now) {
			yk_buf_truncate(&h->payload, 0);
			yk_buf_add(&h->payload, t->payload.p, t->payload.len);
			h->ts_us = ts_us;
			h->held = true;
			return YK_OK;
		}
	}
	return put(s, t, &t->payload, ts_us, false, err);
}

/* Standard input, one reading per line; then what --max-rate held. */
static int
stream(struct yk_mqtt *s, struct tele *t, struct yk_err *err)
{
	struct yk_in in;
	int64_t wake;
	int rc;

	if (t->max_rate > 0)
		yk_thin_init(&t->thin, t->max_rate);
	yk_in_init(&in, 0, YK_FRAME_LINES, "standard input");
	rc = yk_feed_run_tick(s, &in, frame, t->max_rate > 0 ? tick : NULL, t,
			      err);
	if (rc == YK_OK || rc == YK_EUSAGE) {
		struct yk_err e2 = {0};

		for (;;) {
			struct yk_thin_slot *h =
				yk_thin_due(&t->thin, 0, true, &wake);

			if (h == NULL)
				break;
			if (put(s, t, &h->payload, h->ts_us, true, &e2) !=
			    YK_OK) {
				*err = e2;
				break;
			}
		}
	}
	if (err->rc == YK_OK && t->bad > 0)
		yk_err_set(err, YK_EUSAGE, "skipped %lu bad line%s of %lu",
			   t->bad, t->bad == 1 ? "" : "s", in.frame);
	yk_in_free(&in);
	yk_thin_free(&t->thin);
	return err->rc;
}

static void
on_reading(void *ud, const struct yk_rx *rx)
{
	struct tele *t = ud;
	const char *key = yk_key_unscope(t->scope, rx->topic);
	struct yk_err e;

	if (key == NULL || !yk_kexpr_match(&t->ex, key, NULL) ||
	    !yk_follow_robot(&t->robot, key, "telemetry"))
		return;
	/* what is not a reading is not shown */
	if (yk_reading_line(&t->r, &t->def, rx->payload, rx->len, &e) !=
		    YK_OK ||
	    t->r.metric == NULL)
		return;
	if (t->metric && (strlen(t->metric) != t->r.metric_len ||
			  memcmp(t->metric, t->r.metric, t->r.metric_len)))
		return;
	if (t->tty) {
		yk_board_add(&t->board, t->robot.p, &t->r, yk_mono_ms());
		t->dirty = true;
	} else {
		yk_follow_json(&t->out.b, t->robot.p, rx->payload, rx->len);
	}
}

static int
watch(struct yk_mqtt *s, struct tele *t, struct yk_err *err)
{
	int64_t drawn = 0;
	int rc = YK_OK;

	if (yk_mqtt_subscribe(s, t->ex.filter, 0, YK_RH_SEND, err) < 0)
		return err->rc;
	while (!yk_sig_stop && rc == YK_OK) {
		int64_t now = yk_mono_ms();
		int timeout = 1000;

		if (t->tty && (now - drawn >= 1000 ||
			       (t->dirty && now - drawn >= DRAW_MS))) {
			yk_board_draw(&t->board, &t->out.b, now,
				      yk_out_cols(1), yk_out_rows(1));
			drawn = now;
			t->dirty = false;
		}
		if (t->tty)
			timeout = (int)(drawn + (t->dirty ? DRAW_MS : 1000) -
					now);
		rc = yk_out_flush(&t->out, err);
		if (rc == YK_OK &&
		    yk_mqtt_step(s, NULL, 0, timeout < 0 ? 0 : timeout, err) !=
			    YK_OK)
			return err->rc;
	}
	return rc == YK_EXIT ? YK_OK : rc;
}

/* The mode, from what was given; fills the reading flags or defaults. */
static int
check_args(struct tele *t, int nargs, char **args, struct yk_err *err)
{
	bool given = t->value || t->lat || t->lng || t->data;
	struct yk_reading *r = &t->def;

	if (t->watch) {
		if (given || t->unit || t->heading || t->on_error >= 0 ||
		    t->max_rate > 0)
			return yk_err_set(err, YK_EUSAGE,
					  "--watch takes PATTERN, --metric "
					  "and --json only");
		if (nargs > 1)
			return yk_err_set(err, YK_EUSAGE,
					  "expected at most one PATTERN, got "
					  "%d",
					  nargs);
		return yk_follow_expr(&t->ex, t->scope, nargs ? args[0] : "*",
				      "telemetry", err);
	}
	if (t->metric || t->json)
		return yk_err_set(err, YK_EUSAGE,
				  "--metric and --json go with --watch");
	if (nargs != 1)
		return yk_err_set(err, YK_EUSAGE,
				  nargs ? "expected one METRIC, got %d "
					  "arguments"
					: "missing METRIC",
				  nargs);
	if (yk_reading_metric(args[0], strlen(args[0]), err) != YK_OK)
		return err->rc;
	r->metric = args[0];
	r->metric_len = strlen(args[0]);
	if (t->unit) {
		if (!yk_utf8_valid(t->unit, strlen(t->unit)))
			return yk_err_set(err, YK_EUSAGE,
					  "--unit is not valid UTF-8");
		r->unit = t->unit;
		r->unit_len = strlen(t->unit);
	}
	if ((t->value && yk_reading_num(&r->value, "--", "value", t->value,
					strlen(t->value), err)) ||
	    (t->lat && yk_reading_num(&r->lat, "--", "lat", t->lat,
				      strlen(t->lat), err)) ||
	    (t->lng && yk_reading_num(&r->lng, "--", "lng", t->lng,
				      strlen(t->lng), err)) ||
	    (t->heading && yk_reading_num(&r->heading, "--", "heading",
					  t->heading, strlen(t->heading),
					  err)) ||
	    (t->data && yk_fleet_object("--data", t->data, err)))
		return err->rc;
	r->data = t->data;
	r->data_len = t->data ? strlen(t->data) : 0;
	if (given || isatty(0)) {
		if (t->on_error >= 0 || t->max_rate > 0)
			return yk_err_set(err, YK_EUSAGE,
					  "--on-error and --max-rate go with "
					  "lines on standard input");
		if (yk_reading_check(r, "--", err) != YK_OK)
			return err->rc;
		if (t->unit && !t->value)
			fprintf(stderr, "%s: --unit is ignored without "
				"--value\n", yk_prog);
	}
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Send a telemetry reading, or one per "
					"line of standard input; watch the "
					"fleet's readings."};
	struct yk_conf c;
	struct tele t = {.on_error = -1};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};
	int nargs, rc;

	yk_prog = "yoke-telemetry";
	yk_conf_init(&c, &cli, YK_CONF_ROBOT | YK_CONF_QUEUE);
	struct yk_opt opts[] = {
		YK_GROUP("Reading"),
		YK_STR(0, "value", &t.value, "V", "numeric reading"),
		YK_STR(0, "unit", &t.unit, "U",
		       "unit of the value (C, %, rpm...)"),
		YK_STR(0, "lat", &t.lat, "LAT",
		       "latitude in degrees, -90 to 90 (with --lng)"),
		YK_STR(0, "lng", &t.lng, "LNG",
		       "longitude in degrees, -180 to 180 (with --lat)"),
		YK_STR(0, "heading", &t.heading, "H",
		       "course over ground in degrees, 0 to <360"),
		YK_STR(0, "data", &t.data, "JSON",
		       "a JSON object of further fields"),
		YK_GROUP("Stream (one reading per line of standard input)"),
		YK_CHOICE(0, "on-error", &t.on_error, "skip|exit", on_errors,
			  "a bad line: report and go on (exit 2 at the end), "
			  "or stop (default skip)"),
		YK_NUM(0, "max-rate", &t.max_rate, "HZ", 0.001, 1000,
		       "at most HZ readings a second per metric; the latest "
		       "always goes"),
		YK_GROUP("Watch"),
		YK_FLAG(0, "watch", &t.watch,
			"print readings as they arrive (PATTERN: robots, "
			"default *)"),
		YK_STR(0, "metric", &t.metric, "M",
		       "--watch: only the metric M"),
		YK_FLAG(0, "json", &t.json, "JSON lines even on a terminal"),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_out_init(&t.out, 1);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || yk_conf_finish(&c, &cli, &err) != YK_OK)
		goto out;
	t.scope = &c.scope;
	if (check_args(&t, nargs, argv, &err) != YK_OK)
		goto out;
	t.tty = t.watch && yk_out_human(1) && !t.json;
	if (!t.watch && yk_conf_robot(&c, &err) != YK_OK)
		goto out;
	yk_fleet_topic(&t.topic, &c.scope, c.robot, "telemetry");

	yk_conf_mqtt(&c, &mc);
	if (t.watch) {
		mc.on_message = on_reading;
		mc.msg_ud = &t;
	}
	if (yk_conf_open(&c, &mc, &s, &err) != YK_OK)
		goto out;
	if (t.watch) {
		watch(s, &t, &err);
	} else if (t.value || t.lat || t.lng || t.data) {
		int64_t now = yk_now_us();

		yk_reading_json(&t.payload, &t.def, now);
		put(s, &t, &t.payload, now, true, &err);
	} else {
		stream(s, &t, &err);
	}
	/* Deliver what was accepted, even after bad input (then exit 2). */
	if (!t.watch)
		yk_feed_drain(s, err.rc, &err);
out:
	yk_mqtt_close(s);
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	yk_kexpr_free(&t.ex);
	yk_reading_free(&t.r);
	yk_board_free(&t.board);
	yk_buf_free(&t.topic);
	yk_buf_free(&t.payload);
	yk_buf_free(&t.robot);
	yk_out_free(&t.out);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
