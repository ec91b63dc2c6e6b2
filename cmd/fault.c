/*
 * yoke-fault - report a fault and print its fault_id, resolve faults, or
 * watch the faults of the fleet.
 *
 * Reporting: the fault goes to <robot>/faults (QoS 1, not retained), then
 * the status "fault", with the same fault embedded, to <robot>/status
 * (QoS 1, retained).  The fault_id is printed, and the exit status is 0,
 * only once the broker has acknowledged both.
 *
 * Resolving: a resolution per fault on <robot>/faults, then the status
 * that follows.  Both reporting and resolving read the retained status
 * first, since it lists the open faults; what they send is made by
 * yk_fleet_report and yk_fleet_resolve (lib/fleet/fleet.h, "Open faults").
 *
 * Watching: QoS 1 may deliver a fault twice; a fault_id already shown
 * (among the last SEEN_MAX) is not shown again.  Payloads that are not a
 * fault are shown, marked malformed, never dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "fleet.h"
#include "follow.h"
#include "json.h"
#include "map.h"
#include "out.h"
#include "pq.h"
#include "seen.h"
#include "sig.h"
#include "text.h"

/* QoS 1 redelivers within a session's resend, seconds apart: 4096 ids
 * (about 300 KiB with the map) cover far more faults than that. */
#define SEEN_MAX 4096

static const char usage[] =
	"[options] CODE [--severity LEVEL] [--data JSON] [-r ROBOT]\n"
	"[options] --resolve FAULT_ID [-r ROBOT]\n"
	"[options] --resolve-all [-r ROBOT]\n"
	"[options] --watch [PATTERN] [--json] [-C N] [-W S]";

struct fault {
	const char *severity, *data, *resolve;
	bool watch, json, tty, colour, resolve_all;
	int cols, w_robot, w_code; /* the terminal's; the columns so far */
	long count;
	double wait;
	const struct yk_scope *scope;
	struct yk_kexpr ex;
	struct yk_out out;
	struct yk_seen seen;   /* fault_ids shown lately */
	long shown;
	int64_t ts_us;         /* the reported fault's, and its messages' */
	struct yk_err out_err; /* a failed write inside on_fault */
	/* reporting and resolving: the retained status, read first */
	const char *status_topic;
	struct yk_buf old;
	bool status_in;        /* the retained one arrived, if any */
};

/* The members of a received fault that the output needs (raw tokens). */
struct view {
	bool object;
	const char *id, *code, *sev, *data, *ts;
	size_t idn, coden, sevn, datan, tsn;
};

static void
view_of(struct view *v, const struct yk_rx *rx)
{
	struct yk_json_iter it;
	const char *k, *val;
	size_t kn, vn;

	memset(v, 0, sizeof(*v));
	v->object = yk_json_obj_begin(&it, rx->payload, rx->len);
	while (v->object && yk_json_obj_next(&it, &k, &kn, &val, &vn)) {
		if (yk_json_key_is(k, kn, "fault_id") && val[0] == '"') {
			v->id = val;
			v->idn = vn;
		} else if (yk_json_key_is(k, kn, "code") && val[0] == '"') {
			v->code = val;
			v->coden = vn;
		} else if (yk_json_key_is(k, kn, "severity") &&
			   val[0] == '"') {
			v->sev = val;
			v->sevn = vn;
		} else if (yk_json_key_is(k, kn, "data")) {
			v->data = val;
			v->datan = vn;
		} else if (yk_json_key_is(k, kn, "ts")) {
			v->ts = val;
			v->tsn = vn;
		}
	}
}

/* {"robot":R, <the fault's own members>}; anything but a fault gets
 * "malformed":true (and its payload, when it is not an object). */
static void
print_json(struct fault *f, const char *robot, const struct yk_rx *rx,
	   const struct view *v)
{
	struct yk_buf *b = &f->out.b;

	yk_buf_adds(b, "{\"robot\":");
	yk_json_strz(b, robot);
	/* the topic names the robot, not the payload */
	if (v->object)
		yk_json_members(b, rx->payload, rx->len, "robot");
	if (v->id == NULL)
		yk_buf_adds(b, ",\"malformed\":true");
	if (!v->object)
		yk_out_payload(b, rx->payload, rx->len);
	yk_buf_adds(b, "}\n");
}

/* A JSON string token, unescaped, upper-cased when asked. */
static void
unescape(struct yk_buf *t, const char *tok, size_t n, bool upper)
{
	yk_buf_truncate(t, 0);
	if (tok && yk_json_unescape(t, tok, n) == YK_OK)
		for (size_t i = 0; upper && i < t->len; i++)
			if (t->p[i] >= 'a' && t->p[i] <= 'z')
				t->p[i] = (char)(t->p[i] - 'a' + 'A');
}

/* s in a column *w wide that grows to the widest seen (up to max; wider
 * text is cut with "…"), so the columns of later lines line up; made
 * safe, measured in display columns (lib/text.h). */
static void
column(struct yk_buf *b, const char *s, size_t n, int *w, int max)
{
	int cw = yk_text_width(s, n);

	if (cw > *w)
		*w = cw < max ? cw : max;
	yk_text_pad(b, yk_text_fit(b, s, n, *w), *w);
	yk_buf_adds(b, "  ");
}

/* HH:MM:SS  ROBOT  SEVERITY  CODE  DATA, the time being the fault's own
 * ts (local time), the severity coloured; the data cut to the terminal's
 * width. */
static void
print_human(struct fault *f, const char *robot, const struct yk_rx *rx,
	    const struct view *v)
{
	static const char *const colour[] = {"", "\033[33m", "\033[31m",
					     "\033[1;31m"};
	struct yk_buf *b = &f->out.b, t = {0};
	struct yk_err ignore;
	int64_t us = rx->ts_us > 0 ? rx->ts_us : yk_now_us();
	double ts;
	char hms[16], tsz[64];
	time_t tt;
	struct tm tm;
	int sev = -1, used;

	if (v->ts && v->tsn < sizeof(tsz)) {
		memcpy(tsz, v->ts, v->tsn);
		tsz[v->tsn] = '\0';
		if (yk_parse_double(tsz, 0, 1e11, &ts) == 0)
			us = (int64_t)(ts * 1e6);
	}
	tt = (time_t)(us / 1000000);
	localtime_r(&tt, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	yk_buf_addf(b, "%s  ", hms);
	column(b, robot, strlen(robot), &f->w_robot, 24);
	if (v->id == NULL) {
		yk_buf_adds(b, "MALFORMED  ");
		used = (int)strlen(hms) + 2 + f->w_robot + 2 + 11;
		yk_text_fit(b, rx->payload, rx->len,
			    f->cols - used > 10 ? f->cols - used : 10);
		yk_buf_addc(b, '\n');
		return;
	}
	unescape(&t, v->sev, v->sevn, false);
	sev = yk_fleet_pick("severity", yk_fleet_severities,
			    t.p ? t.p : "", &ignore);
	unescape(&t, v->sev, v->sevn, true);
	if (sev > 0 && f->colour)
		yk_buf_adds(b, colour[sev]);
	/* the longest severity, CRITICAL, sets the width */
	used = yk_text_fit(b, t.p ? t.p : "", t.len, 8);
	if (sev > 0 && f->colour)
		yk_buf_adds(b, "\033[0m");
	yk_text_pad(b, used, 8);
	yk_buf_adds(b, "  ");
	unescape(&t, v->code, v->coden, false);
	if (v->data && !(v->datan == 4 && memcmp(v->data, "null", 4) == 0)) {
		column(b, t.p ? t.p : "", t.len, &f->w_code, 32);
		yk_buf_truncate(&t, 0);
		yk_json_minify(&t, v->data, v->datan);
		used = (int)strlen(hms) + 2 + f->w_robot + 2 + 8 + 2 +
		       f->w_code + 2;
		yk_text_fit(b, t.p ? t.p : "", t.len,
			    f->cols - used > 10 ? f->cols - used : 10);
	} else {
		yk_text_fit(b, t.p ? t.p : "", t.len, 32);
	}
	yk_buf_free(&t);
	yk_buf_addc(b, '\n');
}

/* A JSON string token for a terminal (lib/text.h makes it safe). */
static void
add_tty(struct yk_buf *b, const char *tok, size_t n)
{
	struct yk_buf t = {0}, u = {0};

	if (yk_json_unescape(&t, tok, n) == YK_OK) {
		yk_text_utf8(&u, t.p ? t.p : "", t.len, 64);
		yk_text_tty(b, u.p ? u.p : "", u.len);
	}
	yk_buf_free(&t);
	yk_buf_free(&u);
}

/* HH:MM:SS  ROBOT  RESOLVED  CODE  FAULT_ID: a fault that was resolved */
static void
print_resolved(struct fault *f, const char *robot, const struct yk_rx *rx,
	       const struct view *v)
{
	struct yk_buf *b = &f->out.b;
	int64_t us = rx->ts_us > 0 ? rx->ts_us : yk_now_us();
	double ts;
	char hms[16], tsz[64];
	time_t t;
	struct tm tm;

	/* the resolution's own time, as a fault's */
	if (v->ts && v->tsn < sizeof(tsz)) {
		memcpy(tsz, v->ts, v->tsn);
		tsz[v->tsn] = '\0';
		if (yk_parse_double(tsz, 0, 1e11, &ts) == 0)
			us = (int64_t)(ts * 1e6);
	}
	t = (time_t)(us / 1000000);
	localtime_r(&t, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	yk_buf_addf(b, "%s  ", hms);
	yk_text_tty(b, robot, strlen(robot));
	yk_buf_adds(b, "  RESOLVED  ");
	if (v->code) {
		add_tty(b, v->code, v->coden);
		yk_buf_adds(b, "  ");
	}
	add_tty(b, v->id, v->idn);
	yk_buf_addc(b, '\n');
}

static void
on_fault(void *ud, const struct yk_rx *rx)
{
	struct fault *f = ud;
	struct yk_buf id = {0};
	struct view v;
	const char *key;
	char *robot;

	if (f->count > 0 && f->shown >= f->count)
		return;
	key = yk_key_unscope(f->scope, rx->topic);
	if (key == NULL || !yk_kexpr_match(&f->ex, key, NULL))
		return;
	view_of(&v, rx);
	if (v.id && (yk_json_unescape(&id, v.id, v.idn) != YK_OK ||
		     id.len == 0))
		v.id = NULL;
	/* a resolution shares its fault's id, and is news all the same */
	if (v.id && yk_fleet_is_resolution(rx->payload, rx->len))
		yk_buf_adds(&id, "/resolved");
	if (v.id && yk_seen_check(&f->seen, id.p)) {
		yk_buf_free(&id);
		return;
	}
	yk_buf_free(&id);
	if (++f->shown == f->count)
		yk_mqtt_stop_reading(rx->session);
	robot = yk_strndup(key, strlen(key) - strlen("/faults"));
	if (f->tty && v.id && yk_fleet_is_resolution(rx->payload, rx->len))
		print_resolved(f, robot, rx, &v);
	else if (f->tty)
		print_human(f, robot, rx, &v);
	else
		print_json(f, robot, rx, &v);
	free(robot);
	/* a resumed session's backlog is written as it comes, 64 KiB at a
	 * time, not held whole */
	if (f->out.b.len >= 65536 && !f->out_err.rc &&
	    yk_out_flush(&f->out, &f->out_err) != YK_OK) {
		if (f->out_err.rc == YK_OK) /* the reader went away */
			f->out_err.rc = YK_EXIT;
		yk_mqtt_stop_reading(rx->session);
	}
}

static int
watch(struct yk_mqtt *s, struct fault *f, struct yk_err *err)
{
	int64_t deadline =
		f->wait > 0 ? yk_mono_ms() + (int64_t)(f->wait * 1e3) : -1;
	int rc;

	if (yk_mqtt_subscribe(s, f->ex.filter, 1, YK_RH_SEND, err) < 0)
		return err->rc;
	while (!yk_sig_stop && !f->out_err.rc) {
		int64_t now = yk_mono_ms();
		int timeout = 1000;

		if (f->count > 0 && f->shown >= f->count)
			break;
		if (deadline >= 0 && now >= deadline)
			break;
		if (deadline >= 0 && deadline - now < timeout)
			timeout = (int)(deadline - now);
		rc = yk_out_flush(&f->out, err);
		if (rc != YK_OK)
			return rc == YK_EXIT ? YK_OK : rc;
		if (yk_mqtt_step(s, NULL, 0, timeout, err) != YK_OK)
			return err->rc;
	}
	if (f->out_err.rc == YK_EXIT) {
		rc = YK_EXIT;
	} else if (f->out_err.rc) {
		*err = f->out_err;
		rc = err->rc;
	} else {
		rc = yk_out_flush(&f->out, err);
	}
	if (rc == YK_OK && f->shown == 0 && deadline >= 0 && !yk_sig_stop)
		rc = yk_err_set(err, YK_ETIMEOUT, "no fault received in %g s",
				f->wait);
	return rc == YK_EXIT ? YK_OK : rc;
}

/* PATTERN (default '*', every robot; "ROBOT/faults" is taken too) names
 * robots: one segment, so PATTERN/faults are fleet fault channels. */
static int
pattern(struct fault *f, int nargs, char **args, struct yk_err *err)
{
	const char *p = nargs ? args[0] : "*";

	if (nargs > 1)
		return yk_err_set(err, YK_EUSAGE,
				  "expected at most one PATTERN, got %d",
				  nargs);
	if (yk_follow_expr(&f->ex, f->scope, p, "faults", err) != YK_OK)
		return err->rc;
	if (f->ex.nseg != 2 || f->ex.seg[0].kind == YK_SEG_DSTAR)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid PATTERN '%s': give a robot id, '*' "
				  "or '{name}'",
				  p);
	return YK_OK;
}

/* Reporting or resolving: the robot's topics, the fault reported, and
 * what goes out (lib/fleet/fleet.h). */
struct plan {
	struct yk_buf code;           /* the reported fault's */
	struct yk_fault flt;
	char id[37];
	struct yk_buf faults, status; /* the robot's topics */
	struct yk_fleet_change ch;
};

static void
plan_free(struct plan *pl)
{
	yk_buf_free(&pl->code);
	yk_buf_free(&pl->faults);
	yk_buf_free(&pl->status);
	yk_fleet_change_free(&pl->ch);
}

/* The robot's retained status (the open faults), until the second
 * subscription is acknowledged; a live one that came meanwhile is as
 * current. */
static void
on_status(void *ud, const struct yk_rx *rx)
{
	struct fault *f = ud;

	if (strcmp(rx->topic, f->status_topic) != 0 || f->status_in)
		return;
	yk_buf_truncate(&f->old, 0);
	yk_buf_add(&f->old, rx->payload, rx->len);
}

/*
 * The retained status is in when a second subscription (the robot's
 * faults, no retained messages) is acknowledged: the broker handles a
 * client's packets in order, so it sent the first one's retained message
 * before it acknowledged the second, the order the sync marker of
 * query.h relies on.  Not the marker itself: a robot whose ACL lets it
 * write its faults and status may not be let write an inbox, and a
 * refused marker would never come back.
 */
static int
read_status(struct yk_mqtt *s, struct fault *f, const char *faults,
	    struct yk_err *err)
{
	if (yk_mqtt_subscribe(s, f->status_topic, 1, YK_RH_SEND, err) < 0 ||
	    yk_mqtt_subscribe(s, faults, 1, YK_RH_NEVER, err) < 0)
		return err->rc;
	while (!yk_mqtt_subscribed(s)) {
		if (yk_sig_stop)
			return yk_err_set(err, YK_ERUNTIME, "interrupted");
		if (yk_mqtt_step(s, NULL, 0, 1000, err) != YK_OK)
			return err->rc;
	}
	f->status_in = true;
	return YK_OK;
}

/*
 * The messages in flight at once (the broker handles a client's messages
 * in order), the status last; once all are acknowledged, the ids on
 * stdout.  lib/mqtt.c acknowledges the first PUBACK at once
 * (TCP_QUICKACK), so the broker's Nagle does not hold the next for 40 ms.
 */
static int
send_plan(struct yk_mqtt *s, struct fault *f, struct plan *pl,
	  struct yk_err *err)
{
	const struct yk_fleet_change *ch = &pl->ch;
	int rc;

	for (int i = 0; i <= ch->nevent; i++) {
		bool st = i == ch->nevent;
		const struct yk_buf *p = st ? &ch->status : &ch->event[i];
		struct yk_msg m = {
			.topic = st ? pl->status.p : pl->faults.p,
			.payload = p->p, .len = p->len, .qos = 1,
			.retain = st, .prio = YK_PRIO_DEFAULT,
			.ts_us = f->ts_us,
		};

		if (yk_mqtt_send_wait(s, &m, err) != YK_OK)
			return err->rc;
	}
	if (yk_mqtt_drain(s, &yk_sig_stop, err) != YK_OK)
		return err->rc;
	yk_buf_add(&f->out.b, ch->ids.p, ch->ids.len);
	rc = yk_out_flush(&f->out, err);
	return rc == YK_EXIT ? YK_OK : rc;
}

/* Check the one-shot arguments; the fault of a report is made here, the
 * messages once the status is read. */
static int
prepare(struct yk_conf *c, struct fault *f, int nargs, char **args,
	struct plan *pl, struct yk_err *err)
{
	int sev;

	if (f->resolve || f->resolve_all) {
		if (nargs > 0)
			return yk_err_set(err, YK_EUSAGE,
					  "unexpected argument '%s': "
					  "--resolve takes no CODE",
					  args[0]);
		if (f->resolve && !yk_fleet_is_id(f->resolve))
			return yk_err_set(err, YK_EUSAGE,
					  "invalid FAULT_ID: use the "
					  "fault_id a fault was reported "
					  "with");
	} else if (nargs != 1) {
		return yk_err_set(err, YK_EUSAGE,
				  nargs ? "expected one CODE, got %d arguments"
					: "missing CODE",
				  nargs);
	}
	/* the checks in the order of the arguments: CODE, then options */
	if (nargs == 1 &&
	    (yk_fleet_code(&pl->code, args[0], err) != YK_OK ||
	     yk_text_check("fault code", pl->code.p, err) != YK_OK))
		return err->rc;
	sev = yk_fleet_pick("severity", yk_fleet_severities, f->severity,
			    err);
	if (sev < 0 ||
	    (f->data && yk_fleet_object("--data", f->data, err) != YK_OK))
		return err->rc;
	if (yk_conf_robot(c, err) != YK_OK)
		return err->rc;
	f->ts_us = yk_now_us();
	yk_fleet_topic(&pl->faults, &c->scope, c->robot, "faults");
	yk_fleet_topic(&pl->status, &c->scope, c->robot, "status");
	f->status_topic = pl->status.p;
	if (nargs == 1) {
		yk_uuid4(pl->id);
		pl->flt = (struct yk_fault){.id = pl->id, .code = pl->code.p,
					    .severity =
						    yk_fleet_severities[sev],
					    .data = f->data,
					    .ts_us = f->ts_us};
	}
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Report a fault and print its "
					"fault_id, resolve faults, or watch "
					"the fleet's faults."};
	struct yk_conf c;
	struct fault *f = yk_calloc(1, sizeof(*f));
	struct plan *pl = yk_calloc(1, sizeof(*pl));
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};
	int nargs, rc;

	yk_prog = "yoke-fault";
	yk_seen_init(&f->seen, SEEN_MAX);
	f->severity = "error";
	yk_conf_init(&c, &cli, YK_CONF_ROBOT | YK_CONF_SESSION);
	struct yk_opt opts[] = {
		YK_GROUP("Reporting"),
		YK_STR(0, "severity", &f->severity,
		       "info|warning|error|critical",
		       "how grave (default error)"),
		YK_STR(0, "data", &f->data, "JSON",
		       "a JSON object of context, embedded in the fault"),
		YK_GROUP("Resolving"),
		YK_STR(0, "resolve", &f->resolve, "FAULT_ID",
		       "resolve the robot's open fault FAULT_ID"),
		YK_FLAG(0, "resolve-all", &f->resolve_all,
			"resolve every open fault of the robot"),
		YK_GROUP("Watching"),
		YK_FLAG(0, "watch", &f->watch,
			"print the faults of the robots PATTERN names"),
		YK_FLAG(0, "json", &f->json, "JSON lines even on a terminal"),
		YK_INT('C', "count", &f->count, "N", 1, 1e18,
		       "exit after N faults"),
		YK_NUM('W', "timeout", &f->wait, "SECONDS", 0.001, 1e9,
		       "exit after SECONDS; exit 3 if no fault came"),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_out_init(&f->out, 1);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		goto out;
	if (rc != YK_OK || yk_conf_finish(&c, &cli, &err) != YK_OK)
		goto out;
	f->scope = &c.scope;
	f->tty = yk_out_human(1) && !f->json;
	f->colour = yk_out_colour(1);
	f->cols = yk_out_cols(1);
	f->w_robot = 8;
	if (f->watch && (f->data || yk_cli_origin(&cli, "severity") !=
					    YK_FROM_DEFAULT)) {
		yk_err_set(&err, YK_EUSAGE,
			   "--severity and --data go with CODE, not --watch");
		goto out;
	}
	if ((f->resolve != NULL) + f->resolve_all + f->watch > 1) {
		yk_err_set(&err, YK_EUSAGE,
			   "use one of CODE, --resolve, --resolve-all, "
			   "--watch");
		goto out;
	}
	if ((f->resolve || f->resolve_all) &&
	    (f->data || yk_cli_origin(&cli, "severity") != YK_FROM_DEFAULT)) {
		yk_err_set(&err, YK_EUSAGE,
			   "--severity and --data go with CODE, not "
			   "--resolve");
		goto out;
	}
	if (f->watch && yk_cli_origin(&cli, "robot") == YK_FROM_ARGV) {
		yk_err_set(&err, YK_EUSAGE,
			   "--watch takes robots as PATTERN, not -r");
		goto out;
	}
	if (!f->watch && (f->json || f->count || f->wait > 0 || c.session)) {
		/* a reporter on a watcher's session would take its faults */
		yk_err_set(&err, YK_EUSAGE,
			   "--json, -C, -W and --session go with --watch");
		goto out;
	}
	if (f->watch ? pattern(f, nargs, argv, &err)
		     : prepare(&c, f, nargs, argv, pl, &err))
		goto out;
	yk_conf_mqtt(&c, &mc);
	mc.on_message = f->watch ? on_fault : on_status;
	mc.msg_ud = f;
	if (yk_conf_open(&c, &mc, &s, &err) != YK_OK)
		goto out;
	if (f->watch) {
		watch(s, f, &err);
	} else if (read_status(s, f, pl->faults.p, &err) == YK_OK) {
		if (f->resolve || f->resolve_all)
			yk_fleet_resolve(&pl->ch, f->old.p, f->old.len,
					 f->resolve, c.robot, yk_now_us(),
					 &err);
		else
			yk_fleet_report(&pl->ch, f->old.p, f->old.len,
					&pl->flt);
		if (err.rc == YK_OK)
			send_plan(s, f, pl, &err);
	}
out:
	yk_mqtt_close(s);
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	plan_free(pl);
	free(pl);
	yk_buf_free(&f->old);
	yk_seen_free(&f->seen);
	yk_kexpr_free(&f->ex);
	yk_out_free(&f->out);
	free(f);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
