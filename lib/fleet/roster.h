/*
 * roster.h - the fleet as yoke-robot-status sees it: what each robot's
 * status, heartbeat, liveliness token, roster entry and faults say, and
 * the verdict drawn from them (DESIGN.md "Liveliness, queries, status").
 *
 * A robot is offline when its status says so, when its last heartbeat is
 * older than the watchdog (75 s), or when its token is gone.  The
 * watchdog applies only to robots that send heartbeats: a robot whose
 * status a script sets with `set` alone is taken at its word.  The token
 * rule applies only to robots that hold tokens (a token was seen, or its
 * heartbeats say "token":true, as the agent's do): a robot that speaks
 * only the fleet SDK's schema has none to lose.
 * A robot in the roster that was never seen, or went offline without
 * saying so (a will, the watchdog, a lost token), is "missing".
 *
 * Times are passed in (microseconds since the epoch), so verdicts and
 * output are exact under test.
 */
#ifndef YK_ROSTER_H
#define YK_ROSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "fleet.h"
#include "map.h"

enum yk_chan {
	YK_CH_STATUS,
	YK_CH_HEARTBEAT,
	YK_CH_ALIVE,
	YK_CH_META,
	YK_CH_FAULTS,
	YK_CH_N
};
/* "status", "heartbeat", "alive", "meta", "faults" */
extern const char *const yk_roster_chans[];

struct yk_robot {
	char *id;
	bool has_status;
	char status[YK_FLEET_STATUS_MAX];
	int64_t status_ts;   /* 0: the payload had none (a will) */
	char *reason;
	bool has_hb;
	int64_t hb_us;       /* sent at (retained) or received at (live) */
	long long hb_seq;
	bool hb_token;       /* its heartbeats say it holds a token */
	bool has_token;
	bool token_seen;     /* a token was seen during this run */
	bool registered;
	char *name, *model;
	char *fault_id, *fault_code, *fault_sev;
	int64_t fault_ts;
	int open_faults;     /* as its status lists them; -1: not listed */
	char *shown;         /* the tool's: what was last printed */
};

struct yk_roster {
	struct yk_map robots; /* id -> struct yk_robot */
	int64_t stale_us;     /* the watchdog */
	int64_t hide_us;      /* offline, no sign for longer: not in the
				 view (0: show every robot) */
};

struct yk_verdict {
	const char *status;  /* one of yk_roster_verdicts */
	char reason[64];     /* "" when the status needs no reason */
	bool aged;           /* the reason ends with an age (the watchdog's) */
};

/* Every status a verdict can give, NULL-terminated: online idle fault
 * offline missing unknown (what `wait` accepts). */
extern const char *const yk_roster_verdicts[];

/* Apply one message of robot's channel ch (an empty payload clears a
 * retained value).  Returns the robot, or NULL when the payload was not
 * what the channel carries (it is then ignored). */
struct yk_robot *yk_roster_apply(struct yk_roster *r, const char *robot,
				 enum yk_chan ch, const void *p, size_t n,
				 bool retain, int64_t now_us);
/* The one verdict: the table, --watch and wait all call this. */
void yk_roster_judge(const struct yk_roster *r, const struct yk_robot *rb,
		     int64_t now_us, struct yk_verdict *v);
/* The robots that have anything to show, sorted by id (free the array). */
struct yk_robot **yk_roster_sorted(const struct yk_roster *r, size_t *n);
/* The last sign of life: the newest of its status's and heartbeat's
 * dates (0: none is dated, as a will is not). */
int64_t yk_roster_last_seen(const struct yk_robot *rb);
/* Whether the view shows rb now: it has anything to show, and it is not
 * offline with its last sign of life older than r->hide_us.  A missing
 * robot (on the roster) is always shown: it is expected. */
bool yk_roster_visible(const struct yk_roster *r, const struct yk_robot *rb,
		       int64_t now_us);
/* yk_roster_sorted, the visible robots only; *hidden counts the others
 * that yk_roster_sorted would give. */
struct yk_robot **yk_roster_view(const struct yk_roster *r, int64_t now_us,
				 size_t *n, size_t *hidden);

/* One robot as a JSON line (with "\n").  ages=false leaves out what
 * changes with every heartbeat: for "has anything changed" checks. */
void yk_roster_json(struct yk_buf *b, const struct yk_roster *r,
		    const struct yk_robot *rb, int64_t now_us, bool ages);
/* The fleet table, one row per robot, with a header; colour: ANSI; in
 * cols columns and rows lines (0: as it takes), text cut with "…", rows
 * beyond counted on the last line. */
void yk_roster_table(struct yk_buf *b, const struct yk_roster *r,
		     struct yk_robot **v, size_t n, int64_t now_us,
		     bool colour, int cols, int rows);
/* "45s", "3m12s", "2h05m", "3d04h" */
void yk_roster_age(char *out, size_t n, int64_t us);
void yk_roster_free(struct yk_roster *r);

#endif
