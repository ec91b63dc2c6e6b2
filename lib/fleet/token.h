/*
 * token.h - holding a liveliness token that other processes may hold too
 * (DESIGN.md: "A token belongs to its holder").
 *
 * A token is the retained message <key>/alive; its payload names its
 * holder ("holder", a random id, beside host and pid).  The holder
 * subscribes to its own token, so it always knows whose token the broker
 * keeps:
 * - on leaving it clears the token only while the retained one is its
 *   own: a second holder that came later and leaves first does not take
 *   the token from the first;
 * - when the token is cleared by anyone else (a will of another holder,
 *   mosquitto_pub -n, a holder that left) while it holds it, it puts its
 *   own back at once: two holders of one key never both lose it;
 * - a token already live, another holder's, when it starts is reported
 *   (the log callback, once): two processes claim the same key.
 *
 * What cannot be helped: a will is fixed at connect time, so a holder
 * that dies clears the token whoever's it is, and a live holder puts it
 * back within a round trip (watchers see it vanish and come back).  The
 * same flicker comes when a later holder, whose token replaced the first
 * one's, leaves cleanly: it clears its own, the first puts its own back.
 * (A later holder that stayed passive while another's token is live would
 * only move the flicker to the other order, the first leaving.  Holders
 * that know of each other, a retained entry per holder with its will,
 * would let a clean exit clear only when no other holder is left: not
 * done yet.)
 *
 * The subscription goes before the first publish (yk_mqtt resubscribes
 * before on_connect callbacks), so the broker sends the token it kept
 * before it sees ours: "already held" needs no timer.
 */
#ifndef YK_TOKEN_H
#define YK_TOKEN_H

#include <stdbool.h>

#include "buf.h"
#include "err.h"
#include "mqtt.h"

enum yk_token_seen { YK_TOK_UNKNOWN, YK_TOK_MINE, YK_TOK_OTHER,
		     YK_TOK_NONE };

struct yk_token {
	struct yk_mqtt *s;
	struct yk_buf topic;       /* <root>/<org>/<key>/alive */
	struct yk_buf payload;     /* ours */
	const char *key;           /* for messages */
	char holder[37];
	enum yk_token_seen cur;    /* what the broker keeps, as last seen */
	bool echoed;               /* ours came back since we (re)sent it */
	bool holding;              /* false once we leave */
	bool warned;
	long restored;             /* times we put it back */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
	struct yk_err fail;        /* what a callback ran into */
};

/* topic is the token's full MQTT topic; key names it in messages (kept,
 * not copied). */
void yk_token_init(struct yk_token *t, const char *topic, const char *key,
		   const char *host);
/* Start holding on session s: subscribe to the token.  Call right after
 * the session opened, and call yk_token_send from its on_connect. */
int yk_token_hold(struct yk_token *t, struct yk_mqtt *s, struct yk_err *err);
/* Publish our token (QoS 1, retained); after every (re)connect. */
void yk_token_send(struct yk_token *t);
/* Give every message of the session here; true when it was the token's
 * (then it is handled: the caller ignores it). */
bool yk_token_rx(struct yk_token *t, const struct yk_rx *rx);
/* Our own token came back since we last sent it: the broker has it, and
 * any token it kept before ours was seen (and reported). */
bool yk_token_ready(const struct yk_token *t);
/* Stop holding: clear the token unless another holder's is the one the
 * broker keeps.  The clear is queued; drain the session after. */
int yk_token_release(struct yk_token *t, struct yk_err *err);
void yk_token_free(struct yk_token *t);

#endif
