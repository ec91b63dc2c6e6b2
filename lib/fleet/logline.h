/*
 * logline.h - one entry of a robot's log (DESIGN.md `<robot>/log`):
 * {"level","message","ts"}, the message valid UTF-8 and cut at 10,000
 * characters (code points, never inside one), as the pub/sub SDK cuts it.
 */
#ifndef YK_LOGLINE_H
#define YK_LOGLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
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

#endif
