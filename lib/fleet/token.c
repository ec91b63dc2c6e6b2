/*
 * token.c - a liveliness token that belongs to its holder (token.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"

#include "fleet.h"
#include "json.h"
#include "text.h"
#include "token.h"

void
yk_token_init(struct yk_token *t, const char *topic, const char *key,
	      const char *host)
{
	memset(t, 0, sizeof(*t));
	yk_buf_adds(&t->topic, topic);
	yk_buf_addf(&t->roll, "%s/holders", topic);
	t->key = key;
	yk_uuid4(t->holder);
	yk_fleet_alive_json(&t->payload, host, t->holder);
	t->will_prop = (struct yk_prop){.name = "holder", .value = t->holder};
	t->holding = true;
}

void
yk_token_will(const struct yk_token *t, struct yk_mqtt_cfg *mc)
{
	mc->will_topic = t->topic.p;
	mc->will_payload = "";
	mc->will_len = 0;
	mc->will_qos = 1;
	mc->will_retain = true;
	mc->will_props = &t->will_prop;
	mc->will_nprops = 1;
}

int
yk_token_hold(struct yk_token *t, struct yk_mqtt *s, struct yk_err *err)
{
	t->s = s;
	if (yk_mqtt_subscribe(s, t->topic.p, 1, YK_RH_SEND, err) < 0 ||
	    yk_mqtt_subscribe(s, t->roll.p, 1, YK_RH_SEND, err) < 0)
		return err->rc;
	return YK_OK;
}

/* Our token (on), or its clear naming us. */
static void
send_payload(struct yk_token *t, bool on)
{
	struct yk_msg m = {
		.topic = t->topic.p, .payload = on ? t->payload.p : "",
		.len = on ? t->payload.len : 0, .qos = 1, .retain = true,
		.prio = -1, .props = on ? NULL : &t->will_prop,
		.nprops = on ? 0 : 1,
	};

	if (t->s == NULL || t->fail.rc)
		return;
	if (yk_mqtt_send(t->s, &m, &t->fail) == YK_EAGAIN)
		yk_err_set(&t->fail, YK_ERUNTIME, "send queue full");
}

/* A message of the roll, at QoS 0: the roll only spares watchers a gap,
 * so a broker whose ACL refuses it (silently, at QoS 0) leaves the
 * holder holding, as before the roll; and a full queue skips it rather
 * than fail, so anyone who may write the roll cannot stop a holder by
 * flooding it. */
static void
send_roll(struct yk_token *t, const char *event)
{
	struct yk_buf b = {0};
	struct yk_err e = {0};

	if (t->s == NULL || t->fail.rc)
		return;
	yk_fleet_holder_json(&b, t->holder, event);
	struct yk_msg m = {
		.topic = t->roll.p, .payload = b.p, .len = b.len, .qos = 0,
		.prio = -1,
	};

	int rc = yk_mqtt_send(t->s, &m, &e);

	if (rc != YK_OK && rc != YK_EAGAIN)
		t->fail = e;
	yk_buf_free(&b);
}

void
yk_token_send(struct yk_token *t)
{
	if (!t->holding)
		return;
	t->echoed = false;
	send_roll(t, "hello");
	send_payload(t, true);
}

/* The string member name of a token payload, unescaped, or "". */
static void
member(struct yk_buf *out, const struct yk_rx *rx, const char *name)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	yk_buf_truncate(out, 0);
	if (!yk_json_obj_begin(&it, rx->payload, rx->len))
		return;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, name)) {
			if (v[0] == '"')
				yk_json_unescape(out, v, vn);
			else
				yk_buf_add(out, v, vn);
			return;
		}
}

/* At most max characters of text from the network, made safe for the
 * terminal the message reaches (lib/text.h). */
static void
add_safe(struct yk_buf *b, const struct yk_buf *s, size_t max)
{
	struct yk_buf u = {0};

	yk_text_utf8(&u, s->p ? s->p : "", s->len, max);
	yk_text_tty(b, u.p ? u.p : "", u.len);
	yk_buf_free(&u);
}

/* "already held (pid P on H)", said once our own token came back. */
static void
note_held(struct yk_token *t, const struct yk_rx *rx)
{
	struct yk_buf host = {0}, pid = {0}, *msg = &t->held_by;

	member(&host, rx, "host");
	member(&pid, rx, "pid");
	yk_buf_truncate(msg, 0);
	yk_buf_addf(msg, "'%s' is already held", t->key);
	if (pid.len > 0 || host.len > 0) {
		yk_buf_adds(msg, " (");
		if (pid.len > 0) {
			yk_buf_adds(msg, "pid ");
			add_safe(msg, &pid, 20);
		}
		if (pid.len > 0 && host.len > 0)
			yk_buf_adds(msg, " on ");
		add_safe(msg, &host, 64);
		yk_buf_addc(msg, ')');
	}
	yk_buf_adds(msg, "; holding it too");
	yk_buf_free(&host);
	yk_buf_free(&pid);
}

/* A holder id as we make them (a UUID): anything else is not a holder
 * of the roll, and is not kept. */
static bool
holder_id(const struct yk_buf *id)
{
	if (id->len != YK_TOKEN_ID - 1)
		return false;
	for (size_t i = 0; i < id->len; i++)
		if (!strchr("0123456789abcdef-", id->p[i]))
			return false;
	return true;
}

static int
peer_at(const struct yk_token *t, const char *id)
{
	for (int i = 0; i < t->npeers; i++)
		if (strcmp(t->peers[i], id) == 0)
			return i;
	return -1;
}

/* Add a peer; false when it was known, or there is no room. */
static bool
peer_add(struct yk_token *t, const char *id)
{
	if (peer_at(t, id) >= 0 || t->npeers == YK_TOKEN_PEERS)
		return false;
	memcpy(t->peers[t->npeers++], id, YK_TOKEN_ID);
	return true;
}

static void
peer_del(struct yk_token *t, const char *id)
{
	int i = peer_at(t, id);

	if (i >= 0)
		memcpy(t->peers[i], t->peers[--t->npeers], YK_TOKEN_ID);
}

/* A message of the roll: who is there, who went. */
static void
roll_rx(struct yk_token *t, const struct yk_rx *rx)
{
	struct yk_buf who = {0}, ev = {0};

	member(&who, rx, "holder");
	member(&ev, rx, "event");
	if (!holder_id(&who) || strcmp(who.p, t->holder) == 0)
		goto out;
	if (strcmp(ev.p ? ev.p : "", "bye") == 0) {
		peer_del(t, who.p);
		/* the holder whose token the broker keeps is leaving:
		 * ours takes its place, with no gap */
		if (t->holding && t->cur == YK_TOK_OTHER &&
		    strcmp(t->cur_holder, who.p) == 0)
			yk_token_send(t);
	} else if (strcmp(ev.p ? ev.p : "", "hello") == 0) {
		if (peer_add(t, who.p) && t->holding)
			send_roll(t, "here");
	} else if (strcmp(ev.p ? ev.p : "", "here") == 0) {
		peer_add(t, who.p);
	}
out:
	yk_buf_free(&who);
	yk_buf_free(&ev);
}

bool
yk_token_rx(struct yk_token *t, const struct yk_rx *rx)
{
	struct yk_buf who = {0};
	bool mine;

	if (t->topic.p == NULL)
		return false;
	if (strcmp(rx->topic, t->roll.p) == 0) {
		roll_rx(t, rx);
		return true;
	}
	if (strcmp(rx->topic, t->topic.p) != 0)
		return false;
	if (!yk_fleet_token_live(rx->payload, rx->len)) {
		char *gone = yk_rx_prop(rx, "holder");

		/* a holder that left or died says so */
		if (gone)
			peer_del(t, gone);
		free(gone);
		t->cur = YK_TOK_NONE;
		t->cur_holder[0] = '\0';
		if (t->holding) {
			/* cleared while we hold it: ours goes back */
			t->restored++;
			yk_token_send(t);
		}
		return true;
	}
	member(&who, rx, "holder");
	mine = who.len > 0 ? strcmp(who.p, t->holder) == 0
			   : rx->len == t->payload.len &&
				     memcmp(rx->payload, t->payload.p,
					    rx->len) == 0;
	snprintf(t->cur_holder, sizeof(t->cur_holder), "%s",
		 holder_id(&who) ? who.p : "");
	yk_buf_free(&who);
	if (mine) {
		t->cur = YK_TOK_MINE;
		if (t->holding && !t->echoed && t->held_by.len > 0 && t->log)
			t->log(t->log_ud, 0, t->held_by.p);
		yk_buf_truncate(&t->held_by, 0);
		t->echoed = true;
		return true;
	}
	/* kept before ours came: someone holds it already */
	if (t->holding && !t->echoed && !t->warned) {
		t->warned = true;
		note_held(t, rx);
	}
	t->cur = YK_TOK_OTHER;
	return true;
}

bool
yk_token_ready(const struct yk_token *t)
{
	return t->echoed;
}

/* How long a leaving holder waits for another to take the token. */
#define HANDOVER_MS 2000

int
yk_token_release(struct yk_token *t, volatile sig_atomic_t *stop, int ms,
		 struct yk_err *err)
{
	sig_atomic_t seen = stop ? *stop : 0;
	int64_t end = yk_mono_ms() +
		      (ms >= 0 && ms < HANDOVER_MS ? ms : HANDOVER_MS);
	bool was = t->holding;

	t->holding = false;
	/* Away from the broker (or with no time to ask) no other holder
	 * can be asked: the clear waits in the queue with whatever else
	 * does. */
	if (was && t->s && !t->fail.rc && (!yk_mqtt_up(t->s) || ms == 0)) {
		if (t->cur != YK_TOK_OTHER)
			send_payload(t, false);
	} else if (was && t->s && !t->fail.rc) {
		send_roll(t, "bye");
		/* A subscription behind the bye: once it is acknowledged,
		 * the broker has passed the bye on and every message it
		 * sent us before has come in (the roll is as complete as it
		 * gets), and the token it keeps came again. */
		struct yk_err lost = {0};
		bool synced = yk_mqtt_subscribe(t->s, t->topic.p, 1,
						YK_RH_SEND, &lost) >= 0;

		/* (a connection lost just now: no one can be asked) */
		while (synced && !yk_mqtt_subscribed(t->s) && !t->fail.rc &&
		       yk_mono_ms() < end && !(stop && *stop > seen))
			if (yk_mqtt_step(t->s, NULL, 0, 50, err) != YK_OK)
				return err->rc;
		while (synced && t->cur != YK_TOK_OTHER && t->npeers > 0 &&
		       !t->fail.rc && yk_mono_ms() < end &&
		       !(stop && *stop > seen))
			if (yk_mqtt_step(t->s, NULL, 0, 50, err) != YK_OK)
				return err->rc;
		if (stop && *stop > seen)
			/* as a drain that a further signal ends */
			return yk_mqtt_interrupted(t->s, err);
		if (t->cur != YK_TOK_OTHER)
			send_payload(t, false);
	}
	if (t->fail.rc) {
		*err = t->fail;
		return err->rc;
	}
	return YK_OK;
}

void
yk_token_free(struct yk_token *t)
{
	yk_buf_free(&t->topic);
	yk_buf_free(&t->roll);
	yk_buf_free(&t->payload);
	yk_buf_free(&t->held_by);
}
