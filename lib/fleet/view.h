/*
 * view.h - the fleet view and `wait` of yoke-robot-status: the channels
 * of the robots one pattern matches (status, heartbeat, alive, meta, and
 * faults when watching), judged by roster.h, printed as a table or JSON
 * lines, once or on every change; or watched until one robot reaches a
 * verdict.
 *
 * What always holds:
 * - the view starts from every retained value: it prints once the sync
 *   marker (query.h) came back, never after a guessed delay;
 * - --watch --json prints a robot's line when it says something else
 *   than the last one did (ages aside): at once on the message that
 *   changes it, so a fault that lasts 0.1 s is seen, and within a second
 *   when only time changes it (the watchdog);
 * - --watch on a terminal redraws the table in place once a second: a
 *   burst of updates is one redraw;
 * - every verdict the view shows can be waited for, and a robot on the
 *   roster that is gone ("missing") is offline too.
 *
 * yk_view_run and yk_view_wait connect; the rest works on messages and
 * times given to it, so what is printed and when a wait ends is exact
 * under test.
 */
#ifndef YK_VIEW_H
#define YK_VIEW_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "err.h"
#include "out.h"
#include "query.h"
#include "roster.h"
#include "subs.h"

struct yk_view_cfg {
	double stale;      /* offline after S s without a heartbeat */
	double hide_after; /* leave out robots offline over S s (0: never) */
	bool all;          /* leave out none */
	bool watch;        /* print each change until stopped */
	bool json;         /* JSON lines even on a terminal */
	/* a signal counter (sig.h): stop when it is not zero */
	volatile sig_atomic_t *stop;
};

struct yk_view {
	const struct yk_view_cfg *cfg;
	const struct yk_scope *scope;
	struct yk_mqtt *s;
	struct yk_subs w;
	enum yk_chan chan[YK_CH_N]; /* expression i -> channel */
	struct yk_roster ro;
	struct yk_sync sync;
	struct yk_out out;          /* standard output */
	bool live;                  /* --watch --json, the fleet printed:
				       each message's change is printed */
};

/*
 * The fleet view of the robots pattern matches: a table on a terminal,
 * else JSON lines; with cfg->watch, until stopped.  No robot to show
 * (without --watch): YK_ETIMEOUT, "no robot matches 'PATTERN'".
 */
int yk_view_run(struct yk_conf *c, const struct yk_view_cfg *cfg,
		const char *pattern, struct yk_err *err);
/*
 * Until robot's verdict is status (one of yk_roster_verdicts), or for
 * timeout seconds (0: no limit), then YK_ETIMEOUT saying what it is.
 */
int yk_view_wait(struct yk_conf *c, const struct yk_view_cfg *cfg,
		 const char *robot, const char *status, double timeout,
		 struct yk_err *err);

/* The pieces of both, without a broker. */

/* The expressions of pattern's channels (faults: the faults channel
 * too) and the roster's rules from cfg.  A bad pattern: YK_EUSAGE that
 * quotes it. */
int yk_view_init(struct yk_view *v, const struct yk_scope *sc,
		 const struct yk_view_cfg *cfg, const char *pattern,
		 bool faults, struct yk_err *err);
/* One received message: into the roster, and when live, the robot's
 * line if it changed. */
void yk_view_rx(struct yk_view *v, const struct yk_rx *rx, int64_t now_us);
/* Into v->out: the table (human; changes: redrawn over the last one, in
 * the terminal's rows), or each robot's JSON line (with cfg->watch and
 * changes, only those that changed since they were last printed). */
void yk_view_print(struct yk_view *v, bool human, bool changes,
		   int64_t now_us);
/* YK_ETIMEOUT when no robot is to be shown, saying how many are left
 * out and that --all shows them; else YK_OK. */
int yk_view_any(const struct yk_view *v, const char *pattern,
		int64_t now_us, struct yk_err *err);
/* Whether robot's verdict is status now. */
bool yk_view_reached(const struct yk_view *v, const char *robot,
		     const char *status, int64_t now_us);
/* The wait's end at its timeout: YK_ETIMEOUT, "'R' is not S after T s:
 * it is V, REASON" (or "never seen"). */
int yk_view_late(const struct yk_view *v, const char *robot,
		 const char *status, double timeout, int64_t now_us,
		 struct yk_err *err);
/* Closes the session too. */
void yk_view_free(struct yk_view *v);

#endif
