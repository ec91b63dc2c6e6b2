/*
 * query.h - yoke's own channels for queries and replies, under the org's
 * scope so an org-wide ACL covers them:
 *
 *   <root>/<org>/_query/<robot>       queries whose key starts with <robot>
 *   <root>/<org>/_query/STAR          queries whose key starts with a wildcard
 *   <root>/<org>/_reply/<robot>/<asker>/<client-id>
 *                                     replies from <robot> to one client
 *   <root>/<org>/_inbox/<client-id>   a client's sync markers
 *
 * (STAR is a literal '*' topic level.)  A queryable serving "arm-042/..."
 * listens on _query/arm-042 and _query/STAR; one serving a key that starts
 * with a wildcard listens on _query/+.  So a query for one robot reaches
 * only that robot's queryables, and the final match (key expressions
 * intersect) is decided by the queryable.  '_' cannot start a robot id, so
 * these never collide with user keys.  Queries use MQTT v5 request/response:
 * response topic = the reply channel, correlation data = a random id.
 *
 * What must hold (yoke(7), Access control): a reply's robot is the
 * <robot> level of the topic it came on, never a claim inside the
 * message, so an ACL that lets robot R alone write _reply/R/# decides who
 * may answer for R; <asker> is the asker's MQTT user name, so an ACL that
 * lets user U alone read _reply/+/U/# decides who may read the answer.  A
 * query for one robot names it in its response topic; one whose key
 * starts with a wildcard names STAR there, and a yoke queryable puts its
 * own robot in that level.  A yoke queryable answers only on reply
 * channels: a query cannot make it publish anywhere else.
 *
 * The sync marker: a QoS 1 message a client sends to its own inbox after
 * subscribing.  The broker handles a client's packets in order, so when the
 * marker comes back every retained message of the earlier subscriptions has
 * been delivered: "all current values received" without a guessed delay.
 */
#ifndef YK_QUERY_H
#define YK_QUERY_H

#include <stdbool.h>

#include "buf.h"
#include "key.h"
#include "mqtt.h"

void yk_q_inbox(struct yk_buf *out, const struct yk_scope *sc,
		const char *client_id);
/* The topic a query for ke is published on. */
void yk_q_topic(struct yk_buf *out, const struct yk_scope *sc,
		const struct yk_kexpr *ke);
/* The filters a queryable serving ke subscribes to; returns how many. */
int yk_q_serve_filters(const struct yk_scope *sc, const struct yk_kexpr *ke,
		       struct yk_buf f[2]);

/* The asker level of a reply topic: user when it can be one topic level
 * (not empty, no '/', '+', '#', valid UTF-8), else "_". */
const char *yk_q_asker(const char *user);
/* <root>/<org>/_reply/<robot>/<asker>/<client-id>; robot may be "*" (a
 * response topic) or "+" (the filter for every robot's replies). */
void yk_q_reply(struct yk_buf *out, const struct yk_scope *sc,
		const char *robot, const char *user, const char *client_id);
/* When topic is <root>/<org>/_reply/<robot>/<rest>: robot copied into
 * robot[0..n) and rest returned (a pointer into topic); else NULL. */
const char *yk_q_reply_parse(const struct yk_scope *sc, const char *topic,
			     char *robot, size_t n);
/* Where a queryable sends its reply of key (the meet, query.c) to a query
 * whose response topic is resp: resp with its robot level set to key's
 * robot.  YK_EUSAGE, why in err (safe for a terminal), when the query is
 * not answered: key starts with a wildcard (it names no robot), or resp
 * is not a reply channel of sc. */
int yk_q_answer_topic(struct yk_buf *out, const struct yk_scope *sc,
		      const char *resp, const char *key, struct yk_err *err);
/*
 * Check a reply to a query for asked that came on topic (the asker's reply
 * filter) with user property key (NULL: none).  On success *out is the
 * reply's key (malloc'd): key, or asked itself when key is NULL and asked
 * names one key.  A reply whose robot (its topic's) is not the first
 * segment of its key, or whose key does not intersect asked, is refused:
 * YK_EUSAGE and why in err, safe for a terminal.
 */
int yk_q_reply_key(const struct yk_scope *sc, const struct yk_kexpr *asked,
		   const char *topic, const char *key, char **out,
		   struct yk_err *err);

struct yk_sync {
	unsigned char token[16];
	bool sent;
	bool done;
	int64_t seen_ms; /* when the last message came (monotonic) */
};

/* Send the marker to inbox (which the caller subscribed to). */
int yk_sync_start(struct yk_mqtt *s, struct yk_sync *y, const char *inbox,
		  struct yk_err *err);
/* True (and done set) when rx is this marker coming back; give it every
 * message received, so it knows the broker is still delivering. */
bool yk_sync_check(struct yk_sync *y, const struct yk_rx *rx);
/*
 * Call before each step of a loop that waits for the marker: sends it once
 * the subscriptions are acknowledged; ends the wait when it cannot come.
 * The broker's ACL may refuse the marker (YK_EREFUSED) or not give it back
 * (no read on the inbox): then nothing arrives at all, and after
 * YK_SYNC_SILENCE_MS without a message the wait is over (YK_ERUNTIME).
 * Silence, not time since sending: thousands of retained values may
 * rightly come before the marker.
 */
#define YK_SYNC_SILENCE_MS 10000
int yk_sync_step(struct yk_mqtt *s, struct yk_sync *y, const char *inbox,
		 struct yk_err *err);

/* A random correlation id. */
void yk_q_random(unsigned char *b, size_t n);
/* A random correlation id of n lowercase hex digits (n even): printable,
 * so a shell responder (mosquitto_sub -F %D) can pass it back. */
void yk_q_random_hex(char *b, size_t n);

#endif
