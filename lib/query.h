/*
 * query.h - yoke's own channels for queries and replies, under the org's
 * scope so an org-wide ACL covers them:
 *
 *   <root>/<org>/_inbox/<client-id>   replies to this client, sync markers
 *   <root>/<org>/_query/<robot>       queries whose key starts with <robot>
 *   <root>/<org>/_query/STAR          queries whose key starts with a wildcard
 *
 * (STAR is a literal '*' topic level.)  A queryable serving "arm-042/..."
 * listens on _query/arm-042 and _query/STAR; one serving a key that starts
 * with a wildcard listens on _query/+.  So a query for one robot reaches
 * only that robot's queryables, and the final match (key expressions
 * intersect) is decided by the queryable.  '_' cannot start a robot id, so
 * these never collide with user keys.  Queries use MQTT v5 request/response:
 * response topic = the asker's inbox, correlation data = a random id.
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

struct yk_sync {
	unsigned char token[16];
	bool sent;
	bool done;
};

/* Send the marker to inbox (which the caller subscribed to). */
int yk_sync_start(struct yk_mqtt *s, struct yk_sync *y, const char *inbox,
		  struct yk_err *err);
/* True (and done set) when rx is this marker coming back. */
bool yk_sync_check(struct yk_sync *y, const struct yk_rx *rx);

/* A random correlation id. */
void yk_q_random(unsigned char *b, size_t n);

#endif
