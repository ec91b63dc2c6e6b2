/*
 * token.h - holding a liveliness token that other processes may hold too
 * (DESIGN.md: "A token belongs to its holder").
 *
 * A token is the retained message <key>/alive; its payload names its
 * holder ("holder", a random id, beside host and pid).  The holder
 * subscribes to its own token, so it always knows whose token the broker
 * keeps, and to the roll of its holders, <key>/alive/holders (QoS 0, not
 * retained, {"holder":ID,"event":E}): a holder says "hello" when it
 * (re)connects, the others answer "here", and "bye" when it leaves.  Its
 * will, and its own clear, carry the user property holder=ID, so the
 * others learn who went when a holder dies.  So every holder knows the
 * live holders that came before and after it:
 * - a holder that leaves while the broker keeps another's token leaves
 *   it alone;
 * - one that leaves while the broker keeps its own says bye and waits
 *   (a round trip, 2 s at most) for another live holder to put its own
 *   back, which each does on a bye from the holder whose token is kept;
 *   it clears the token only when no other holder is left, or none
 *   answered.  Watchers see the token change hands, never vanish;
 * - when the token is cleared by anyone else (a will of another holder,
 *   mosquitto_pub -n) while it holds it, it puts its own back at once:
 *   a holder's death shows as a gap of one round trip, no longer;
 * - a token already live, another holder's, when it starts is reported
 *   (the log callback, once), when our own has come back: by then the
 *   broker has passed our hello to the others.
 *
 * Holders that do not speak the roll (older yoke, other SDKs) are still
 * seen through their tokens, as before: put back when cleared, left
 * alone when kept.  The roll keeps at most YK_TOKEN_PEERS others.
 *
 * The subscriptions go before the first publish (yk_mqtt resubscribes
 * before on_connect callbacks), so the broker sends the token it kept
 * before it sees ours: "already held" needs no timer.
 */
#ifndef YK_TOKEN_H
#define YK_TOKEN_H

#include <signal.h>
#include <stdbool.h>

#include "buf.h"
#include "err.h"
#include "mqtt.h"

enum yk_token_seen { YK_TOK_UNKNOWN, YK_TOK_MINE, YK_TOK_OTHER,
		     YK_TOK_NONE };

#define YK_TOKEN_ID 37    /* a holder id: a UUID and its NUL */
#define YK_TOKEN_PEERS 64 /* other holders one holder keeps track of */

struct yk_token {
	struct yk_mqtt *s;
	struct yk_buf topic;       /* <root>/<org>/<key>/alive */
	struct yk_buf roll;        /* ... /alive/holders */
	struct yk_buf payload;     /* ours */
	const char *key;           /* for messages */
	char holder[YK_TOKEN_ID];
	struct yk_prop will_prop;  /* holder=ID, on our will and clear */
	enum yk_token_seen cur;    /* what the broker keeps, as last seen */
	char cur_holder[YK_TOKEN_ID]; /* whose, when it names one */
	char peers[YK_TOKEN_PEERS][YK_TOKEN_ID]; /* other live holders */
	int npeers;
	bool echoed;               /* ours came back since we (re)sent it */
	bool holding;              /* false once we leave */
	bool warned;
	struct yk_buf held_by;     /* "already held" waiting for our echo */
	long restored;             /* times we put it back */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
	struct yk_err fail;        /* what a callback ran into */
};

/* topic is the token's full MQTT topic; key names it in messages (kept,
 * not copied). */
void yk_token_init(struct yk_token *t, const char *topic, const char *key,
		   const char *host);
/* The will of the session that holds the token: it clears the token,
 * naming us.  Points into t: t outlives the session's open. */
void yk_token_will(const struct yk_token *t, struct yk_mqtt_cfg *mc);
/* Start holding on session s (opened with yk_token_will): subscribe to
 * the token and its roll.  Call right after the session opened, and
 * call yk_token_send from its on_connect. */
int yk_token_hold(struct yk_token *t, struct yk_mqtt *s, struct yk_err *err);
/* Say hello and publish our token (QoS 1, retained); after every
 * (re)connect. */
void yk_token_send(struct yk_token *t);
/* Give every message of the session here; true when it was the token's
 * or the roll's (then it is handled: the caller ignores it). */
bool yk_token_rx(struct yk_token *t, const struct yk_rx *rx);
/* Our own token came back since we last sent it: the broker has it, and
 * any token it kept before ours was seen (and reported). */
bool yk_token_ready(const struct yk_token *t);
/* Stop holding: say bye; when the broker keeps our token, hand it to
 * another live holder, or clear it when there is none (steps the
 * session, ms at most, and never over 2 s; 0: ask no one, as when the
 * broker is away; a further signal on *stop, NULL: none, ends the wait
 * as it ends a drain).  The clear is queued; drain the session after. */
int yk_token_release(struct yk_token *t, volatile sig_atomic_t *stop,
		     int ms, struct yk_err *err);
void yk_token_free(struct yk_token *t);

#endif
