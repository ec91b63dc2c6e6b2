/*
 * subscriber.h - yoke-sub's work: every message on a set of key
 * expressions (watch.h) printed as lib/out.h prints it (JSON lines,
 * text, raw or delimited payloads), protobuf decoded on the way, or
 * counted per key instead (stats.h); until the count, the wait, or the
 * retained values are in (follow.h).
 *
 * What always holds: a payload that does not decode is printed all the
 * same, as payload_b64 with the reason in "error"; the reason is said on
 * stderr the first time only, so a stream of bad payloads cannot flood
 * the terminal.  Nothing received in a wait is YK_ETIMEOUT when the
 * broker acknowledged the subscriptions, YK_ERUNTIME when it did not.
 */
#ifndef YK_SUBSCRIBER_H
#define YK_SUBSCRIBER_H

#include <stdbool.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

#include "follow.h"
#include "out.h"
#include "ready.h"
#include "stats.h"
#include "subs.h"

struct yk_subscriber {
	/* f: count, wait; current for the retained values only */
	struct yk_follow f;
	struct yk_subs w;
	int fmt;                              /* enum yk_fmt */
	const char *decode;                   /* a type, "auto", or NULL */
	const ProtobufCMessageDescriptor *pb; /* its type; NULL: by channel */
	bool stats;
	bool table;          /* stats as a table, redrawn: a terminal */
	struct yk_ready *ready;              /* told once subscribed */
	void (*say)(const char *fmt, ...);   /* warnings: yk_err_say */
	/* its own */
	struct yk_stats st;
	int64_t next_report; /* monotonic ms */
	struct yk_buf dec;   /* a payload as JSON */
	struct yk_err dec_err;
	long dec_failed;
};

/* Before connecting (the statistics' first period starts now): out, the
 * scope of the keys, and what stats prints. */
void yk_subscriber_init(struct yk_subscriber *u, const struct yk_scope *sc,
			struct yk_out *out, bool json);
/* The session's on_message (ud: the subscriber). */
void yk_subscriber_on_msg(void *ud, const struct yk_rx *rx);
/* Follow, once w is subscribed. */
int yk_subscriber_run(struct yk_subscriber *u, struct yk_mqtt *s,
		      struct yk_err *err);
void yk_subscriber_free(struct yk_subscriber *u);

#endif
