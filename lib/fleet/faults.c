/*
 * faults.c - report, resolve and watch faults.
 */
#include <string.h>

#include "clock.h"
#include "faults.h"
#include "json.h"
#include "pq.h"
#include "sig.h"
#include "text.h"

int
yk_faults_plan(struct yk_faults_plan *pl, const struct yk_conf *c, int nargs,
	       char **args, const char *severity, const char *data,
	       struct yk_err *err)
{
	int sev;

	if (pl->resolve || pl->resolve_all) {
		if (nargs > 0)
			return yk_err_set(err, YK_EUSAGE,
					  "unexpected argument '%s': "
					  "--resolve takes no CODE",
					  args[0]);
		if (pl->resolve && !yk_fleet_is_id(pl->resolve))
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
	sev = yk_fleet_pick("severity", yk_fleet_severities, severity, err);
	if (sev < 0 ||
	    (data && yk_fleet_object("--data", data, err) != YK_OK))
		return err->rc;
	if (yk_conf_robot(c, err) != YK_OK)
		return err->rc;
	pl->robot = c->robot;
	pl->ts_us = yk_now_us();
	yk_fleet_topic(&pl->faults, &c->scope, c->robot, "faults");
	yk_fleet_topic(&pl->status, &c->scope, c->robot, "status");
	if (nargs == 1) {
		yk_uuid4(pl->id);
		pl->flt = (struct yk_fault){.id = pl->id, .code = pl->code.p,
					    .severity =
						    yk_fleet_severities[sev],
					    .data = data,
					    .ts_us = pl->ts_us};
	}
	return YK_OK;
}

/* The robot's retained status (the open faults), until the second
 * subscription is acknowledged; a live one that came meanwhile is as
 * current. */
void
yk_faults_on_status(void *ud, const struct yk_rx *rx)
{
	struct yk_faults_plan *pl = ud;

	if (strcmp(rx->topic, pl->status.p) != 0 || pl->status_in)
		return;
	yk_buf_truncate(&pl->old, 0);
	yk_buf_add(&pl->old, rx->payload, rx->len);
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
read_status(struct yk_faults_plan *pl, struct yk_mqtt *s, struct yk_err *err)
{
	if (yk_mqtt_subscribe(s, pl->status.p, 1, YK_RH_SEND, err) < 0 ||
	    yk_mqtt_subscribe(s, pl->faults.p, 1, YK_RH_NEVER, err) < 0)
		return err->rc;
	while (!yk_mqtt_subscribed(s)) {
		if (yk_sig_stop)
			return yk_err_set(err, YK_ERUNTIME, "interrupted");
		if (yk_mqtt_step(s, NULL, 0, 1000, err) != YK_OK)
			return err->rc;
	}
	pl->status_in = true;
	return YK_OK;
}

/*
 * The messages in flight at once (the broker handles a client's messages
 * in order), the status last; once all are acknowledged, the ids.
 * lib/mqtt.c acknowledges the first PUBACK at once (TCP_QUICKACK), so
 * the broker's Nagle does not hold the next for 40 ms.
 */
int
yk_faults_send(struct yk_faults_plan *pl, struct yk_mqtt *s,
	       struct yk_out *out, struct yk_err *err)
{
	const struct yk_fleet_change *ch = &pl->ch;
	int rc;

	if (read_status(pl, s, err) != YK_OK)
		return err->rc;
	if (!pl->resolve && !pl->resolve_all)
		yk_fleet_report(&pl->ch, pl->old.p, pl->old.len, &pl->flt);
	else if (yk_fleet_resolve(&pl->ch, pl->old.p, pl->old.len,
				  pl->resolve, pl->robot, yk_now_us(),
				  err) != YK_OK)
		return err->rc;
	for (int i = 0; i <= ch->nevent; i++) {
		bool st = i == ch->nevent;
		const struct yk_buf *p = st ? &ch->status : &ch->event[i];
		struct yk_msg m = {
			.topic = st ? pl->status.p : pl->faults.p,
			.payload = p->p, .len = p->len, .qos = 1,
			.retain = st, .prio = YK_PRIO_DEFAULT,
			.ts_us = pl->ts_us,
		};

		if (yk_mqtt_send_wait(s, &m, err) != YK_OK)
			return err->rc;
	}
	if (yk_mqtt_drain(s, &yk_sig_stop, err) != YK_OK)
		return err->rc;
	yk_buf_add(&out->b, ch->ids.p, ch->ids.len);
	rc = yk_out_flush(out, err);
	return rc == YK_EXIT ? YK_OK : rc;
}

void
yk_faults_plan_free(struct yk_faults_plan *pl)
{
	yk_buf_free(&pl->code);
	yk_buf_free(&pl->faults);
	yk_buf_free(&pl->status);
	yk_buf_free(&pl->old);
	yk_fleet_change_free(&pl->ch);
}

int
yk_faults_watch_init(struct yk_faults_watch *w, const struct yk_scope *sc,
		     int nargs, char **args, struct yk_out *out, bool json,
		     struct yk_err *err)
{
	const struct yk_kexpr *ex = &w->ch.ex;

	yk_seen_init(&w->seen, YK_FAULTS_SEEN);
	w->f.out = out;
	w->pr = (struct yk_print){.b = &out->b,
				  .json = json || !yk_out_human(out->fd),
				  .colour = yk_out_colour(out->fd),
				  .cols = yk_out_cols(out->fd), .sep = "  "};
	w->w_robot = 8;
	w->w_sev = 8; /* the longest severity, CRITICAL */
	if (yk_follow_chan_parse(&w->ch, sc, "faults", nargs, args, "*",
				 err) != YK_OK)
		return err->rc;
	if (ex->nseg != 2 || ex->seg[0].kind == YK_SEG_DSTAR)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid PATTERN '%s': give a robot id, '*' "
				  "or '{name}'",
				  nargs ? args[0] : "*");
	return YK_OK;
}

/* Text only: the string s in cell c. */
static void
cell(struct yk_print *p, const struct yk_buf *s, const struct yk_cell *c)
{
	yk_print_strn(p, YK_PR_TEXT, NULL, s->p ? s->p : "", s->len, c);
}

/* A string of a resolution for a terminal: at most 64 characters. */
static void
short_cell(struct yk_faults_watch *w, const struct yk_buf *s)
{
	yk_buf_truncate(&w->tmp, 0);
	yk_text_utf8(&w->tmp, s->p ? s->p : "", s->len, 64);
	cell(&w->pr, &w->tmp, NULL);
}

/* SEVERITY  CODE  DATA of a fault, for a terminal. */
static void
fault_cells(struct yk_faults_watch *w)
{
	static const char *const colour[] = {NULL, "\033[33m", "\033[31m",
					     "\033[1;31m"};
	const struct yk_fault_in *in = &w->in;
	struct yk_err ignore;
	int sev = yk_fleet_pick("severity", yk_fleet_severities,
				in->severity.p ? in->severity.p : "", &ignore);

	cell(&w->pr, &in->severity,
	     &(struct yk_cell){.width = &w->w_sev, .max = 8, .upper = true,
			       .sgr = sev > 0 ? colour[sev] : NULL});
	cell(&w->pr, &in->code,
	     &(struct yk_cell){.width = in->data ? &w->w_code : NULL,
			       .max = 32});
	if (in->data == NULL)
		return;
	yk_buf_truncate(&w->tmp, 0);
	yk_json_minify(&w->tmp, in->data, in->data_len);
	cell(&w->pr, &w->tmp, &(struct yk_cell){.rest = 10});
}

static void
record(struct yk_faults_watch *w, const char *robot, const struct yk_rx *rx)
{
	const struct yk_fault_in *in = &w->in;
	bool fault = in->id.len > 0, resolved = fault && in->resolved;
	struct yk_print *p = &w->pr;
	struct yk_cell col = {.width = &w->w_robot, .max = 24};
	int64_t us = in->ts_us >= 0 ? in->ts_us
		     : rx->ts_us > 0 ? rx->ts_us
				     : yk_now_us();

	yk_print_begin(p);
	yk_print_time(p, us);
	/* the topic names the robot, not the payload */
	yk_print_str(p, YK_PR_ANY, "robot", robot, resolved ? NULL : &col);
	if (in->object)
		yk_print_members(p, rx->payload, rx->len, "robot");
	if (!fault) {
		yk_print_bool(p, YK_PR_ANY, "malformed", true, "MALFORMED");
		yk_print_payload(p, in->object ? YK_PR_TEXT : YK_PR_ANY,
				 rx->payload, rx->len,
				 &(struct yk_cell){.rest = 10});
	} else if (resolved) {
		yk_print_text(p, "RESOLVED");
		if (in->code.len > 0)
			short_cell(w, &in->code);
		short_cell(w, &in->id);
	} else if (!p->json) {
		fault_cells(w);
	}
	yk_print_end(p);
}

void
yk_faults_on_fault(void *ud, const struct yk_rx *rx)
{
	struct yk_faults_watch *w = ud;
	const char *robot = yk_follow_chan_robot(&w->ch, rx);

	if (robot == NULL)
		return;
	if (yk_fleet_fault_read(&w->in, rx->payload, rx->len)) {
		/* a resolution shares its fault's id, and is news all the
		 * same */
		yk_buf_truncate(&w->tmp, 0);
		yk_buf_add(&w->tmp, w->in.id.p, w->in.id.len);
		yk_buf_adds(&w->tmp, w->in.resolved ? "/resolved" : "");
		if (yk_seen_check(&w->seen, w->tmp.p))
			return;
	}
	if (yk_follow_take(&w->f, rx))
		record(w, robot, rx);
}

int
yk_faults_watch(struct yk_faults_watch *w, struct yk_mqtt *s,
		struct yk_err *err)
{
	if (yk_mqtt_subscribe(s, w->ch.ex.filter, 1, YK_RH_SEND, err) < 0 ||
	    yk_follow_run(&w->f, s, err) != YK_OK)
		return err->rc;
	if (w->f.taken == 0 && w->f.expired)
		return yk_err_set(err, YK_ETIMEOUT,
				  "no fault received in %g s", w->f.wait);
	return YK_OK;
}

void
yk_faults_watch_free(struct yk_faults_watch *w)
{
	yk_follow_free(&w->f);
	yk_follow_chan_free(&w->ch);
	yk_fleet_fault_in_free(&w->in);
	yk_seen_free(&w->seen);
	yk_buf_free(&w->tmp);
}
