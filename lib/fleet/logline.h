/*
 * logline.h - one entry of a robot's log (DESIGN.md `<robot>/log`):
 * {"level","message","ts"}, the message valid UTF-8 and cut at 10,000
 * characters (code points, never inside one), as the pub/sub SDK cuts it;
 * entries sent (yoke-log) and followed (yoke-log --follow).
 */
#ifndef YK_LOGLINE_H
#define YK_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "follow.h"
#include "mqtt.h"
#include "out.h"
#include "print.h"

#define YK_LOG_MAX_CHARS 10000

/* Append the entry for message s[0..n); tmp is scratch for a message
 * that must be repaired or cut.  Returns true when it was cut. */
bool yk_logline_json(struct yk_buf *b, struct yk_buf *tmp, const char *level,
		     const char *s, size_t n, int64_t ts_us);

struct yk_logline {
	struct yk_buf level, message; /* unescaped */
	int64_t ts_us;                /* -1 when absent */
};

/* Read an entry; -1 when p[0..n) is not an object with string level and
 * message (other fields are ignored). */
int yk_logline_parse(struct yk_logline *l, const char *p, size_t n);
/* Order for "this level and above": the index in yk_fleet_levels
 * (debug 0 .. error 3); a level not listed there ranks as info. */
int yk_logline_rank(const char *level);
/*
 * --level auto: the level that line s[0..n) names by its prefix, as
 * programs write them (yoke-log(1) has the table):
 *   a level word at the start, any case, bare or in [] () <>, followed
 *   by a blank, ':', '|', '-' or the end: "ERROR disk", "error: disk",
 *   "[warn] x", "WARNING:root:x" (Python logging), "<info> x";
 *   after up to two leading timestamp words ("2026-12-04 18:00:00,123",
 *   "[18:00:00]") and a '-' or '|';
 *   Android logcat "E/Tag: x", glog "E1204 18:00:00.1 ...", the syslog
 *   priority "<3>x" (kernel, systemd).
 * A line with no such prefix that starts with a blank (a traceback, a
 * continuation) keeps prev, the level of the line before; any other is
 * info.  Returns one of yk_fleet_levels.
 */
const char *yk_logline_guess(const char *s, size_t n, const char *prev);
/*
 * The entry e of robot (payload p[0..n)) as a record (lib/print.h, one
 * blank between fields): on a terminal HH:MM:SS ROBOT LEVEL MESSAGE, the
 * level coloured and cut at YK_LOG_LEVEL_COLS columns (a hostile level
 * can neither drive the terminal nor push the message off the line), a
 * message of many lines continued under the robot; else
 * {"robot":R,<the payload's members>}.  False, and no record, when the
 * payload is not an object.
 */
#define YK_LOG_LEVEL_COLS 12
bool yk_logline_print(struct yk_print *pr, const char *robot,
		      const struct yk_logline *e, const char *p, size_t n);
void yk_logline_free(struct yk_logline *l);

/*
 * Sending (yoke-log): entries to <robot>/log at QoS 1, each with the
 * level given, or with guess (--level auto) the level each line names
 * (yk_logline_guess), a continuation keeping the one before.
 */
struct yk_logline_out {
	const char *level;
	bool guess;
	struct yk_buf topic, msg; /* msg: the one from the arguments */
	struct yk_buf payload, tmp;
};

/* The message of the arguments, joined by blanks; none: the lines of
 * standard input, which must not be a terminal. */
int yk_logline_args(struct yk_logline_out *o, int nargs, char **args,
		    struct yk_err *err);
/* Send the message of the arguments, or every line of fd (an empty line
 * is no entry) as it comes; then wait until all is acknowledged (what
 * was sent is delivered even after a failure, lib/feed.h). */
int yk_logline_send(struct yk_logline_out *o, struct yk_mqtt *s, int fd,
		    struct yk_err *err);
void yk_logline_out_free(struct yk_logline_out *o);

/* Following (yoke-log --follow): the entries of the robots PATTERN
 * names, from the level rank up. */
struct yk_logline_follow {
	struct yk_follow f;
	struct yk_follow_chan ch;
	struct yk_print pr;
	struct yk_logline entry;
	int rank;
};

/* PATTERN: args[0], default every robot; JSON lines unless out is a
 * terminal and json false. */
int yk_logline_follow_init(struct yk_logline_follow *w,
			   const struct yk_scope *sc, int nargs, char **args,
			   struct yk_out *out, bool json, struct yk_err *err);
/* The session's on_message (ud: the follower). */
void yk_logline_on_entry(void *ud, const struct yk_rx *rx);
int yk_logline_follow(struct yk_logline_follow *w, struct yk_mqtt *s,
		      struct yk_err *err);
void yk_logline_follow_free(struct yk_logline_follow *w);

#endif
