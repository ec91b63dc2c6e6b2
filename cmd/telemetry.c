/*
 * yoke-telemetry - send one reading, a stream of readings (one per line of
 * standard input, over one connection), or watch the fleet's readings:
 * lib/fleet/telemetry.h says what each sends and shows.
 */
#include <stdio.h>

#include "conf.h"
#include "fleet.h"
#include "sig.h"
#include "telemetry.h"
#include "tool.h"

static const char usage[] =
	"[options] METRIC [--value V] [--unit U] [--lat LAT --lng LNG "
	"[--heading H]] [--data JSON]\n"
	"[options] METRIC [--unit U] [--on-error skip|exit] [--max-rate HZ] "
	"< LINES\n"
	"[options] --watch [PATTERN] [--metric M] [--json]";

struct mode {
	struct yk_reading_flags rf;
	bool watch, json;
};

/* The mode, from what was given: the watcher, or what is sent. */
static int
check_args(struct mode *m, struct yk_telemetry_out *o,
	   struct yk_telemetry_watch *w, int nargs, char **args,
	   const struct yk_scope *sc, struct yk_out *out, struct yk_err *err)
{
	const struct yk_reading_flags *f = &m->rf;

	if (m->watch) {
		if (f->value || f->lat || f->lng || f->data || f->unit ||
		    f->heading || o->on_error >= 0 || o->max_rate > 0)
			return yk_err_set(err, YK_EUSAGE,
					  "--watch takes PATTERN, --metric "
					  "and --json only");
		return yk_telemetry_watch_init(w, sc, nargs, args, out,
					       m->json, err);
	}
	if (w->metric || m->json)
		return yk_err_set(err, YK_EUSAGE,
				  "--metric and --json go with --watch");
	return yk_telemetry_args(o, *f, nargs, args, 0, err);
}

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct mode m = {0};
	struct yk_reading_flags *f = &m.rf;
	struct yk_telemetry_out o = {.on_error = -1, .say = yk_err_say};
	struct yk_telemetry_watch w = {0};
	struct yk_out out;
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;

	yk_tool_start(&t, "yoke-telemetry", usage,
		      "Send a telemetry reading, or one per "
		      "line of standard input; watch the "
		      "fleet's readings.",
		      YK_CONF_ROBOT | YK_CONF_QUEUE);
	struct yk_opt opts[] = {
		YK_GROUP("Reading"),
		YK_STR(0, "value", &f->value, "V", "numeric reading"),
		YK_STR(0, "unit", &f->unit, "U",
		       "unit of the value (C, %, rpm...)"),
		YK_STR(0, "lat", &f->lat, "LAT",
		       "latitude in degrees, -90 to 90 (with --lng)"),
		YK_STR(0, "lng", &f->lng, "LNG",
		       "longitude in degrees, -180 to 180 (with --lat)"),
		YK_STR(0, "heading", &f->heading, "H",
		       "course over ground in degrees, 0 to <360"),
		YK_STR(0, "data", &f->data, "JSON",
		       "a JSON object of further fields"),
		YK_GROUP("Stream (one reading per line of standard input)"),
		YK_CHOICE(0, "on-error", &o.on_error, "skip|exit",
			  yk_telemetry_on_errors,
			  "a bad line: report and go on (exit 2 at the end), "
			  "or stop (default skip)"),
		YK_NUM(0, "max-rate", &o.max_rate, "HZ", 0.001, 1000,
		       "at most HZ readings a second per metric; the latest "
		       "always goes"),
		YK_GROUP("Watch"),
		YK_FLAG(0, "watch", &m.watch,
			"print readings as they arrive (PATTERN: robots, "
			"default *)"),
		YK_STR(0, "metric", &w.metric, "M",
		       "--watch: only the metric M"),
		YK_FLAG(0, "json", &m.json, "JSON lines even on a terminal"),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	yk_out_init(&out, 1);
	if (yk_tool_parse(&t, opts, argc, argv) != YK_OK ||
	    check_args(&m, &o, &w, t.nargs, argv, &t.c.scope, &out, &t.err) !=
		    YK_OK ||
	    (!m.watch && yk_conf_robot(&t.c, &t.err) != YK_OK))
		goto out;
	yk_fleet_topic(&o.topic, &t.c.scope, t.c.robot, "telemetry");
	yk_conf_mqtt(&t.c, &mc);
	if (m.watch) {
		mc.on_message = yk_telemetry_on_reading;
		mc.msg_ud = &w;
	}
	if (yk_conf_open(&t.c, &mc, &s, &t.err) != YK_OK)
		goto out;
	if (m.watch)
		yk_telemetry_watch(&w, s, &t.err);
	else
		yk_telemetry_send(&o, s, 0, &t.err);
out:
	yk_mqtt_close(s);
	yk_telemetry_out_free(&o);
	yk_telemetry_watch_free(&w);
	yk_out_free(&out);
	return yk_tool_end(&t);
}
