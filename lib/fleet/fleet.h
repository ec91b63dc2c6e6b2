/*
 * fleet.h - the per-robot fleet channels of DESIGN.md (status, heartbeat,
 * faults, telemetry, log, meta): their topics, the names each accepts, and
 * the JSON payloads, written once for every tool that sends or reads them.
 *
 * Payload timestamps (`ts`) are seconds since the Unix epoch with
 * microseconds, as yoke-sub prints them.
 */
#ifndef YK_FLEET_H
#define YK_FLEET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "key.h"

/* NULL-terminated; the first entry of each is the tools' default where
 * they have one (see the tools). */
extern const char *const yk_fleet_statuses[];   /* online idle fault offline */
extern const char *const yk_fleet_severities[]; /* info warning error critical */
extern const char *const yk_fleet_levels[];     /* debug info warn error */

/*
 * The index of v in names, or -1 with a usage error that names what and
 * the allowed values: "invalid severity 'x': use info, warning, error or
 * critical".
 */
int yk_fleet_pick(const char *what, const char *const names[],
		  const char *v, struct yk_err *err);

/* <root>/<org>/<robot>/<chan> (scope rules as yk_key_topic). */
void yk_fleet_topic(struct yk_buf *t, const struct yk_scope *sc,
		    const char *robot, const char *chan);

/* A random (version 4) UUID, lowercase: 36 characters and a NUL. */
void yk_uuid4(char out[37]);

/* A fault code as the fleet SDK stores it: white space stripped, upper
 * case.  An empty code is a usage error. */
int yk_fleet_code(struct yk_buf *out, const char *code, struct yk_err *err);

/* Check that s is one JSON object ("--data"); what names it in the error:
 * "--data is not a JSON object". */
int yk_fleet_object(const char *what, const char *s, struct yk_err *err);

struct yk_fault {
	const char *id;       /* yk_uuid4 */
	const char *code;     /* yk_fleet_code */
	const char *severity;
	const char *data;     /* a JSON object, or NULL */
	int64_t ts_us;
};

/* {"fault_id","code","severity","data","ts"} (data null when absent). */
void yk_fleet_fault_json(struct yk_buf *b, const struct yk_fault *f);

/*
 * A message on <robot>/faults as it came, read for what a watcher shows:
 * a fault, or a resolution of one ({"fault_id","code","resolved":true,
 * "ts"}, below).  A member that is absent or not of its type is empty;
 * of a repeated member the last counts (of "resolved", the first).
 */
struct yk_fault_in {
	bool object;                      /* the payload is a JSON object */
	bool resolved;                    /* a resolution */
	struct yk_buf id, code, severity; /* unescaped; "" when none */
	const char *data;                 /* its JSON; NULL: none, or null */
	size_t data_len;
	int64_t ts_us;                    /* its ts; -1 when none */
};

/* Read p[0..n): true when it is a fault or a resolution (an object with a
 * fault_id that is a string, not empty). */
bool yk_fleet_fault_read(struct yk_fault_in *f, const void *p, size_t n);
void yk_fleet_fault_in_free(struct yk_fault_in *f);

struct yk_status {
	const char *status;
	int64_t ts_us;               /* 0: no "ts" (a will cannot know when
					it will be said) */
	const char *reason;          /* why (offline: "stopped", ...) or NULL */
	long heartbeat_s;            /* an agent's heartbeat period, or 0 */
	const struct yk_fault *fault; /* status fault: the fault, or NULL */
	/* or the fault and the open faults of a status read back, carried
	 * on as they were sent: an agent's offline status, so a robot that
	 * dies in a fault still shows it */
	const struct yk_status_rd *faults_of;
};

/* {"status"[,"ts"][,"reason"][,"heartbeat_s"][,"fault":{...}]
 * [,"open_faults":[...]]} */
void yk_fleet_status_json(struct yk_buf *b, const struct yk_status *st);

/* A robot's roster entry, on <robot>/meta: {"name"[,"model"],"created"}
 * (model left out when NULL). */
void yk_fleet_meta_json(struct yk_buf *b, const char *name,
			const char *model, int64_t created_us);
/* Read a roster entry back: *name and *model (malloc'd, NULL when not
 * strings; the old values freed); false when p[0..n) is not an object. */
bool yk_fleet_meta_read(char **name, char **model, const void *p, size_t n);

/* A status name is shorter than this (online, idle, fault, offline): a
 * longer one names no status. */
#define YK_FLEET_STATUS_MAX 16

/* A status payload read back: the one reader, for the fleet view's
 * verdicts (roster.h) and the status an agent stands by (agent.h). */
struct yk_status_rd {
	bool named;        /* "status" is a string shorter than the max */
	char status[YK_FLEET_STATUS_MAX];
	int64_t ts_us;     /* 0: none (a will has none) */
	char *reason;      /* NULL: none; the caller may take it */
	const char *fault; /* the "fault" object as sent, or NULL */
	size_t fault_n;
	const char *open;  /* the "open_faults" member as sent, or NULL */
	size_t open_n;
};

/* Read the status payload p[0..n), whose bytes st then points into:
 * false, st empty, when it is not a JSON object.  A repeated member
 * counts as its last ("fault": its last object). */
bool yk_fleet_status_read(struct yk_status_rd *st, const void *p, size_t n);
void yk_fleet_status_rd_free(struct yk_status_rd *st);

struct yk_heartbeat {
	int64_t ts_us;
	long long seq;      /* 1, 2, ... since the sender started */
	long long uptime_s;
	/* the sender holds a liveliness token, so a fleet view that finds
	 * it gone says offline (roster.h); SDK readers ignore the field */
	bool token;
};

/* {"ts","seq","uptime_s"[,"token":true]} */
void yk_fleet_heartbeat_json(struct yk_buf *b, const struct yk_heartbeat *hb);
/* Read a heartbeat back: false when p[0..n) is not a JSON object.
 * ts_us, seq and uptime_s are -1 when absent; ts_us 0 when it is no
 * date (json.h's yk_json_ts_us), seq and uptime_s 0 when no numbers. */
bool yk_fleet_heartbeat_read(struct yk_heartbeat *hb, const void *p,
			     size_t n);

/*
 * Open faults.  A fault stays open until it is resolved; the robot's
 * retained status lists the open ones ("open_faults", oldest first, at
 * most YK_FLEET_OPEN_MAX: the oldest give way) and embeds the newest as
 * "fault".  A resolution is an event on <robot>/faults,
 * {"fault_id","code","resolved":true,"ts"}, and the status follows: a
 * robot in "fault" with no open fault left is "online" again.
 */
#define YK_FLEET_OPEN_MAX 32

struct yk_open_faults {
	size_t n;
	struct yk_buf f[YK_FLEET_OPEN_MAX]; /* each a fault object, minified */
	char id[YK_FLEET_OPEN_MAX][64];     /* its fault_id ("" when none) */
	char status[16];                    /* the status's, "" when none */
	/* false: the status is "fault" but names no fault (a robot of the
	 * fleet SDK): which faults are open is not known */
	bool known;
};

/* The open faults a retained status payload lists ("open_faults", else
 * its "fault"); n == 0: no status. */
void yk_fleet_open_read(struct yk_open_faults *o, const void *p, size_t n);
/* Add the fault object f[0..n) as the newest open fault. */
void yk_fleet_open_add(struct yk_open_faults *o, const char *f, size_t n);
/* The index of the open fault with this fault_id, or -1. */
int yk_fleet_open_find(const struct yk_open_faults *o, const char *id);
void yk_fleet_open_del(struct yk_open_faults *o, int i);
void yk_fleet_open_free(struct yk_open_faults *o);
/*
 * The status that says o: with status equal to the old one (old[0..n),
 * may be empty) the old payload is kept, ts and reason included, and
 * only its faults change; otherwise {"status","ts":ts_us}.  Then
 * "fault" (the newest) and "open_faults" when any is open.
 */
void yk_fleet_open_status(struct yk_buf *b, const void *old, size_t n,
			  const char *status, int64_t ts_us,
			  const struct yk_open_faults *o);
/* What a report or a resolution sends, in this order: events for
 * <robot>/faults, then the robot's status (retained); and the fault_ids
 * to print, one a line. */
struct yk_fleet_change {
	struct yk_buf event[YK_FLEET_OPEN_MAX];
	int nevent;
	struct yk_buf status;
	struct yk_buf ids;
};

/* Report f: the fault, and the status "fault" that adds it to the open
 * faults of old[0..n) (the robot's retained status, or empty). */
void yk_fleet_report(struct yk_fleet_change *ch, const void *old, size_t n,
		     const struct yk_fault *f);
/*
 * Resolve the open fault id (NULL: every open fault) of the robot whose
 * retained status is old[0..n): a resolution each, then the status
 * without them ("online" for a robot in "fault" with none left, else
 * its status as it was).  Nothing open to resolve: YK_ETIMEOUT ("no open
 * fault 'ID' on 'ROBOT'"), and ch is empty.  A status "fault" naming no
 * fault (the fleet SDK's) takes any id, and is online again.
 */
int yk_fleet_resolve(struct yk_fleet_change *ch, const void *old, size_t n,
		     const char *id, const char *robot, int64_t now_us,
		     struct yk_err *err);
void yk_fleet_change_free(struct yk_fleet_change *ch);
/* {"fault_id","code"(when known),"resolved":true,"ts"} */
void yk_fleet_resolution_json(struct yk_buf *b, const char *id,
			      const char *code, int64_t ts_us);
/* A fault_id as --resolve takes it: 1 to 63 printable ASCII characters,
 * no blanks or quotes. */
bool yk_fleet_is_id(const char *s);
/* Whether a message on <robot>/faults is a resolution. */
bool yk_fleet_is_resolution(const void *p, size_t n);

/* A liveliness token: {"alive":true,"since","host","pid","holder"},
 * since now; holder (a yk_uuid4) tells this holder's token from another
 * process's token for the same key. */
void yk_fleet_alive_json(struct yk_buf *b, const char *host,
			 const char *holder);
/* A message of a token's roll, <key>/alive/holders (token.h): event is
 * "hello", "here" or "bye". */
void yk_fleet_holder_json(struct yk_buf *b, const char *holder,
			  const char *event);
/* Whether a message on <key>/alive says the token is live: anything but
 * the empty message (cleared) and a JSON object whose "alive" is false. */
bool yk_fleet_token_live(const void *p, size_t n);

#endif
