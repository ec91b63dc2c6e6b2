/*
 * ask.h - the asking side of a query (yoke-get KEYEXPR) on the channels
 * of query.h: the retained values that match, plus the replies of live
 * queryables, printed as they come, until the wait is over, --count
 * answers came, or every robot of --expect answered.
 *
 * What must hold:
 * - the query is sent once our reply filter is acknowledged, so no reply
 *   is lost, and once only;
 * - an answer is a retained value whose key matches, or a reply on our
 *   reply channel with this query's correlation data, under a key its
 *   robot (its topic's, the ACL's word) may answer for (yk_q_reply_key);
 *   live traffic on the asked keys is no answer, and a '**' query that
 *   also covers the reply channel takes each reply once;
 * - no answer is YK_ETIMEOUT only when the broker took the query and
 *   acknowledged our subscriptions; else its refusal (YK_EREFUSED) or
 *   its failure (YK_ERUNTIME) is the result.
 */
#ifndef YK_ASK_H
#define YK_ASK_H

#include <signal.h>
#include <stdbool.h>

#include "buf.h"
#include "err.h"
#include "key.h"
#include "map.h"
#include "mqtt.h"
#include "out.h"

struct yk_ask_cfg {
	const struct yk_scope *scope;
	const struct yk_kexpr *ex; /* what is asked */
	double wait;               /* seconds */
	long count;                /* stop after this many answers; 0: no */
	int fmt;                   /* enum yk_fmt: how answers are printed */
	struct yk_out *out;        /* where; flushed before each wait */
	/* Why a reply was dropped, at level 1 (said when verbose >= 1). */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
	int verbose;
	volatile sig_atomic_t *stop; /* a stop signal ends the wait (NULL:
					none; yk_ask_run needs one) */
};

/* Zero is an empty ask: yk_ask_expect may come before cfg is set. */
struct yk_ask {
	struct yk_ask_cfg cfg;
	struct yk_map expected;      /* robot -> answered (non-NULL) */
	long answers;
	struct yk_buf resp;          /* our response topic */
	struct yk_buf rfilter;       /* and the filter its replies come on */
	struct yk_buf tail;          /* <asker>/<client-id> of both */
	struct yk_buf qtopic;        /* where the query goes */
	struct yk_buf payload;       /* {"key":...} */
	char corr[32];
};

/* The robots that must answer, from "arm-1,arm-2": YK_EUSAGE for an
 * invalid id, or none. */
int yk_ask_expect(struct yk_ask *a, const char *list, struct yk_err *err);
/*
 * The reply channel of user (the MQTT user name, or NULL) and client_id,
 * the query's topic, payload and correlation data.  Replies come from the
 * robot the query names, or from any ('*' in the response topic, '+' in
 * the filter).  yk_ask_run does this; a test calls it alone.
 */
void yk_ask_start(struct yk_ask *a, const char *user, const char *client_id);
/* The session's on_message (ud: the ask): an answer is printed to
 * cfg.out's buffer and counted. */
void yk_ask_on_message(void *ud, const struct yk_rx *rx);
/* True when no more answers are wanted: --count reached, or every
 * expected robot answered. */
bool yk_ask_done(const struct yk_ask *a);
/*
 * The verdict once the wait is over, after the session was checked: the
 * expected robots that did not answer ({"missing":[...]} in json,
 * "missing ROBOT..." in text, to cfg.out's buffer) or no answer at all
 * is YK_ETIMEOUT, the message in err; else YK_OK.
 */
int yk_ask_finish(struct yk_ask *a, struct yk_err *err);
/* Ask on s (its on_message is yk_ask_on_message), wait, and give the
 * verdict; the answers are on cfg.out, flushed.  A stdout closed during
 * the wait (EPIPE) ends it: YK_OK, nobody wants more. */
int yk_ask_run(struct yk_ask *a, struct yk_mqtt *s, const char *user,
	       struct yk_err *err);
void yk_ask_free(struct yk_ask *a);

#endif
