/*
 * logs.h - yoke-log's work on the fleet's log channels: send entries (one
 * from the arguments, or one per line of standard input over one
 * connection) and follow the entries of many robots.  The entry itself,
 * its payload, levels and record, is logline.h's.
 */
#ifndef YK_LOGS_H
#define YK_LOGS_H

#include <stdbool.h>

#include "buf.h"
#include "err.h"
#include "follow.h"
#include "logline.h"
#include "mqtt.h"
#include "out.h"
#include "print.h"

/*
 * Sending (yoke-log): entries to <robot>/log at QoS 1, each with the
 * level given, or with guess (--level auto) the level each line names
 * (yk_logline_guess), a continuation keeping the one before.
 */
struct yk_logs_out {
	const char *level;
	bool guess;
	struct yk_buf topic, msg; /* msg: the one from the arguments */
	struct yk_buf payload, tmp;
};

/* The message of the arguments, joined by blanks; none: the lines of
 * standard input, which must not be a terminal. */
int yk_logs_args(struct yk_logs_out *o, int nargs, char **args,
		 struct yk_err *err);
/* Send the message of the arguments, or every line of fd (an empty line
 * is no entry) as it comes; then wait until all is acknowledged (what
 * was sent is delivered even after a failure, lib/feed.h). */
int yk_logs_send(struct yk_logs_out *o, struct yk_mqtt *s, int fd,
		 struct yk_err *err);
void yk_logs_out_free(struct yk_logs_out *o);

/* Following (yoke-log --follow): the entries of the robots PATTERN
 * names, from the level rank up. */
struct yk_logs_follow {
	struct yk_follow f;
	struct yk_follow_chan ch;
	struct yk_print pr;
	struct yk_logline entry;
	int rank;
};

/* PATTERN: args[0], default every robot; JSON lines unless out is a
 * terminal and json false. */
int yk_logs_follow_init(struct yk_logs_follow *w, const struct yk_scope *sc,
			int nargs, char **args, struct yk_out *out, bool json,
			struct yk_err *err);
/* The session's on_message (ud: the follower). */
void yk_logs_on_entry(void *ud, const struct yk_rx *rx);
int yk_logs_follow(struct yk_logs_follow *w, struct yk_mqtt *s,
		   struct yk_err *err);
void yk_logs_follow_free(struct yk_logs_follow *w);

#endif
