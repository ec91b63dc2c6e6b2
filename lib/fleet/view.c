/*
 * view.c - the fleet view and wait: one session on the channels of the
 * robots a pattern matches, the roster they fill, what is printed.
 */
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fleet.h"
#include "view.h"

/* The verdict of robot, if it was seen. */
static bool
judged(const struct yk_view *v, const char *robot, int64_t now_us,
       struct yk_verdict *vd)
{
	struct yk_map_ent *e = yk_map_get(&v->ro.robots, robot);

	if (e == NULL)
		return false;
	yk_roster_judge(&v->ro, e->val, now_us, vd);
	return true;
}

/* --watch --json: the robot's line, unless it says what the last one
 * said (ages aside). */
static void
note(struct yk_view *v, struct yk_robot *rb, int64_t now, bool changes)
{
	struct yk_buf sig = {0};

	yk_roster_json(&sig, &v->ro, rb, now, false);
	if (!(changes && rb->shown && strcmp(rb->shown, sig.p) == 0)) {
		free(rb->shown);
		rb->shown = yk_strdup(sig.p);
		yk_roster_json(&v->out.b, &v->ro, rb, now, true);
	}
	yk_buf_free(&sig);
}

int
yk_view_init(struct yk_view *v, const struct yk_scope *sc,
	     const struct yk_view_cfg *cfg, const char *pattern, bool faults,
	     struct yk_err *err)
{
	struct yk_buf e = {0};
	struct yk_kexpr check;

	v->cfg = cfg;
	v->scope = sc;
	yk_out_init(&v->out, 1);
	/* check what the user wrote, so errors quote it */
	if (yk_kexpr_parse(&check, sc, pattern, err) != YK_OK)
		return err->rc;
	yk_kexpr_free(&check);
	for (int ch = 0; ch < YK_CH_N; ch++) {
		if (ch == YK_CH_FAULTS && !faults)
			continue;
		yk_buf_truncate(&e, 0);
		yk_buf_addf(&e, "%s/%s", pattern, yk_roster_chans[ch]);
		v->chan[v->w.n] = (enum yk_chan)ch;
		if (yk_subs_add(&v->w, sc, e.p, err) != YK_OK)
			break;
	}
	yk_buf_free(&e);
	v->ro.stale_us = (int64_t)(cfg->stale * 1e6);
	v->ro.hide_us = cfg->all ? 0 : (int64_t)(cfg->hide_after * 1e6);
	return err->rc;
}

void
yk_view_rx(struct yk_view *v, const struct yk_rx *rx, int64_t now_us)
{
	struct yk_robot *rb;
	const char *key, *slash;
	char robot[128];
	int i;

	if (yk_sync_check(&v->sync, rx))
		return;
	key = yk_key_unscope(v->scope, rx->topic);
	if (key == NULL)
		return;
	i = yk_subs_pick(&v->w, key, rx, NULL);
	slash = strchr(key, '/');
	if (i < 0 || slash == NULL || strchr(slash + 1, '/') ||
	    (size_t)(slash - key) >= sizeof(robot))
		return;
	memcpy(robot, key, (size_t)(slash - key));
	robot[slash - key] = '\0';
	rb = yk_roster_apply(&v->ro, robot, v->chan[i], rx->payload, rx->len,
			     rx->retain, now_us);
	/* at once, not at the next tick: a fault that lasts 0.1 s is a
	 * change of verdict too */
	if (v->live && rb && yk_roster_visible(&v->ro, rb, now_us))
		note(v, rb, now_us, true);
}

void
yk_view_print(struct yk_view *v, bool human, bool changes, int64_t now)
{
	size_t n, hidden;
	struct yk_robot **rv = yk_roster_view(&v->ro, now, &n, &hidden);
	struct yk_buf screen = {0};

	if (human && changes) {
		/* the last line stays empty: a newline there would scroll
		 * the header away */
		yk_roster_table(&screen, &v->ro, rv, n, now, yk_out_colour(1),
				yk_out_cols(1), yk_out_rows(1) - 1);
		yk_out_redraw(&v->out.b, screen.p, screen.len);
	} else if (human) {
		yk_roster_table(&v->out.b, &v->ro, rv, n, now,
				yk_out_colour(1), yk_out_cols(1), 0);
	}
	for (size_t i = 0; !human && i < n; i++) {
		if (!v->cfg->watch)
			yk_roster_json(&v->out.b, &v->ro, rv[i], now, true);
		else
			note(v, rv[i], now, changes);
	}
	yk_buf_free(&screen);
	free(rv);
}

int
yk_view_any(const struct yk_view *v, const char *pattern, int64_t now_us,
	    struct yk_err *err)
{
	size_t n, hidden;

	free(yk_roster_view(&v->ro, now_us, &n, &hidden));
	if (n > 0)
		return YK_OK;
	if (hidden > 0)
		return yk_err_set(err, YK_ETIMEOUT,
				  "no robot matches '%s' (%zu offline for "
				  "more than %g s: --all shows them)",
				  pattern, hidden, v->cfg->hide_after);
	return yk_err_set(err, YK_ETIMEOUT, "no robot matches '%s'",
			  pattern);
}

bool
yk_view_reached(const struct yk_view *v, const char *robot,
		const char *status, int64_t now_us)
{
	struct yk_verdict vd;

	if (!judged(v, robot, now_us, &vd))
		return false;
	/* a robot we expect that is gone is offline too */
	return strcmp(vd.status, status) == 0 ||
	       (strcmp(vd.status, "missing") == 0 &&
		strcmp(status, "offline") == 0);
}

int
yk_view_late(const struct yk_view *v, const char *robot, const char *status,
	     double timeout, int64_t now_us, struct yk_err *err)
{
	struct yk_verdict vd;

	if (!judged(v, robot, now_us, &vd))
		return yk_err_set(err, YK_ETIMEOUT,
				  "'%s' is not %s after %g s: never seen",
				  robot, status, timeout);
	return yk_err_set(err, YK_ETIMEOUT,
			  "'%s' is not %s after %g s: it is %s%s%s", robot,
			  status, timeout, vd.status,
			  vd.reason[0] ? ", " : "", vd.reason);
}

void
yk_view_free(struct yk_view *v)
{
	yk_mqtt_close(v->s);
	v->s = NULL;
	yk_subs_free(&v->w);
	yk_roster_free(&v->ro);
	yk_out_free(&v->out);
}

/* ---- on a broker ---- */

static void
on_message(void *ud, const struct yk_rx *rx)
{
	yk_view_rx(ud, rx, yk_now_us());
}

/* yk_view_init, then connect and subscribe; back when every retained
 * value is in (or when stopped). */
static int
view_open(struct yk_view *v, struct yk_conf *c,
	  const struct yk_view_cfg *cfg, const char *pattern, bool faults,
	  struct yk_err *err)
{
	struct yk_mqtt_cfg mc;
	struct yk_buf inbox = {0};

	if (yk_view_init(v, &c->scope, cfg, pattern, faults, err) != YK_OK)
		return err->rc;
	yk_conf_mqtt(c, &mc);
	mc.on_message = on_message;
	mc.msg_ud = v;
	if (yk_conf_open(c, &mc, &v->s, err) != YK_OK ||
	    yk_subs_subscribe(&v->w, v->s, 1, YK_RH_SEND, err) != YK_OK)
		return err->rc;
	yk_q_inbox(&inbox, &c->scope, yk_mqtt_client_id(v->s));
	if (yk_mqtt_subscribe(v->s, inbox.p, 1, YK_RH_NEVER, err) < 0)
		goto out;
	/* every retained value is in when our marker comes back */
	while (!*cfg->stop && !v->sync.done) {
		if (yk_sync_step(v->s, &v->sync, inbox.p, err) != YK_OK ||
		    yk_mqtt_step(v->s, NULL, 0, 1000, err) != YK_OK)
			break;
	}
out:
	yk_buf_free(&inbox);
	return err->rc;
}

int
yk_view_run(struct yk_conf *c, const struct yk_view_cfg *cfg,
	    const char *pattern, struct yk_err *err)
{
	struct yk_view v = {0};
	bool human = yk_out_human(1) && !cfg->json;
	int rc;

	if (view_open(&v, c, cfg, pattern, cfg->watch, err) != YK_OK ||
	    *cfg->stop)
		goto out;
	if (!cfg->watch && yk_view_any(&v, pattern, yk_now_us(), err))
		goto out;
	yk_view_print(&v, human, cfg->watch && human, yk_now_us());
	rc = yk_out_flush(&v.out, err);
	v.live = cfg->watch && !human;
	while (cfg->watch && rc == YK_OK && !*cfg->stop) {
		int64_t tick = yk_mono_ms() + 1000;

		/* a burst of updates is one redraw; JSON lines go as each
		 * change comes; the watchdog and ages are looked at every
		 * second */
		while (yk_mono_ms() < tick && !*cfg->stop && rc == YK_OK) {
			if (yk_mqtt_step(v.s, NULL, 0,
					 (int)(tick - yk_mono_ms()), err) !=
			    YK_OK)
				goto out;
			rc = yk_out_flush(&v.out, err);
		}
		if (rc != YK_OK)
			break;
		yk_view_print(&v, human, true, yk_now_us());
		rc = yk_out_flush(&v.out, err);
	}
out:
	yk_view_free(&v);
	return err->rc;
}

int
yk_view_wait(struct yk_conf *c, const struct yk_view_cfg *cfg,
	     const char *robot, const char *status, double timeout,
	     struct yk_err *err)
{
	struct yk_view v = {0};
	int64_t end = timeout > 0 ? yk_mono_ms() + (int64_t)(timeout * 1000)
				  : -1;

	/* every verdict the fleet view shows can be waited for */
	if (yk_id_check("robot id", robot, err) != YK_OK ||
	    yk_fleet_pick("status", yk_roster_verdicts, status, err) < 0)
		return err->rc;
	if (view_open(&v, c, cfg, robot, false, err) != YK_OK)
		goto out;
	while (!*cfg->stop) {
		int64_t now = yk_mono_ms();

		if (yk_view_reached(&v, robot, status, yk_now_us()))
			break;
		if (end >= 0 && now >= end) {
			yk_view_late(&v, robot, status, timeout, yk_now_us(),
				     err);
			break;
		}
		if (yk_mqtt_step(v.s, NULL, 0,
				 end >= 0 && end - now < 1000
					 ? (int)(end - now)
					 : 1000,
				 err) != YK_OK)
			break;
	}
out:
	yk_view_free(&v);
	return err->rc;
}
