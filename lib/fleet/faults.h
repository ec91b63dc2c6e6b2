/*
 * faults.h - yoke-fault's work on the fleet's fault channels: report a
 * fault or resolve faults, each against the robot's retained status;
 * watch the faults of many robots.
 *
 * Reporting: the fault goes to <robot>/faults (QoS 1, not retained), then
 * the status "fault", with the same fault embedded, to <robot>/status
 * (QoS 1, retained).  Resolving: a resolution per fault on
 * <robot>/faults, then the status that follows.  Both read the retained
 * status first, since it lists the open faults; what they send is made
 * by yk_fleet_report and yk_fleet_resolve (fleet.h, "Open faults").  The
 * fault_ids are written only once the broker has acknowledged every
 * message.
 *
 * Watching: QoS 1 may deliver a fault twice; a fault_id already shown
 * (among the last YK_FAULTS_SEEN) is not shown again, a resolution apart
 * from its fault.  Payloads that are not a fault are shown, marked
 * malformed, never dropped.
 */
#ifndef YK_FAULTS_H
#define YK_FAULTS_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "fleet.h"
#include "follow.h"
#include "out.h"
#include "print.h"
#include "seen.h"

/* QoS 1 redelivers within a session's resend, seconds apart: 4096 ids
 * (about 300 KiB with the map) cover far more faults than that. */
#define YK_FAULTS_SEEN 4096

/* A report (CODE) or a resolution (resolve, resolve_all), and what it
 * sends once the robot's status is read. */
struct yk_faults_plan {
	const char *resolve;          /* --resolve FAULT_ID, or NULL */
	bool resolve_all;
	const char *robot;
	int64_t ts_us;                /* the fault's, and its messages' */
	struct yk_buf code;
	char id[37];
	struct yk_fault flt;          /* the fault reported */
	struct yk_buf faults, status; /* the robot's topics */
	struct yk_buf old;            /* its retained status */
	bool status_in;               /* read: what comes now is news */
	struct yk_fleet_change ch;
};

/*
 * Check the arguments (CODE in args, or none to resolve; severity, data:
 * the options) in the order they are given, then the robot of c; fill pl.
 * The messages are made once the status is read (yk_faults_send).
 */
int yk_faults_plan(struct yk_faults_plan *pl, const struct yk_conf *c,
		   int nargs, char **args, const char *severity,
		   const char *data, struct yk_err *err);
/* The session's on_message while the plan is sent (ud: the plan). */
void yk_faults_on_status(void *ud, const struct yk_rx *rx);
/* Read the status, send, and once all is acknowledged put the fault_ids
 * into out (written). */
int yk_faults_send(struct yk_faults_plan *pl, struct yk_mqtt *s,
		   struct yk_out *out, struct yk_err *err);
void yk_faults_plan_free(struct yk_faults_plan *pl);

/*
 * The watcher: one record per fault, on a terminal
 * HH:MM:SS  ROBOT  SEVERITY  CODE  DATA (the fault's own time, the
 * severity coloured, columns as wide as the widest so far, the data cut
 * at the terminal's edge) or HH:MM:SS  ROBOT  RESOLVED  CODE  FAULT_ID;
 * else {"robot":R,<the fault's own members>}.
 */
struct yk_faults_watch {
	struct yk_follow f; /* set count and wait */
	struct yk_follow_chan ch;
	struct yk_print pr;
	struct yk_fault_in in;
	struct yk_seen seen;
	int w_robot, w_sev, w_code;
	struct yk_buf tmp;
};

/* PATTERN (args[0], default '*', every robot; "ROBOT/faults" is taken
 * too) names robots: one segment.  JSON lines unless out is a terminal
 * and json is false. */
int yk_faults_watch_init(struct yk_faults_watch *w, const struct yk_scope *sc,
			 int nargs, char **args, struct yk_out *out,
			 bool json, struct yk_err *err);
/* The session's on_message while watching (ud: the watcher). */
void yk_faults_on_fault(void *ud, const struct yk_rx *rx);
/* Subscribe and follow; a wait (f.wait) with no fault is YK_ETIMEOUT. */
int yk_faults_watch(struct yk_faults_watch *w, struct yk_mqtt *s,
		    struct yk_err *err);
void yk_faults_watch_free(struct yk_faults_watch *w);

#endif
