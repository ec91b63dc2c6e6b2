/*
 * token.c - a liveliness token that belongs to its holder (token.h).
 */
#include <stdio.h>
#include <string.h>

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
	t->key = key;
	yk_uuid4(t->holder);
	yk_fleet_alive_json(&t->payload, host, t->holder);
	t->holding = true;
}

int
yk_token_hold(struct yk_token *t, struct yk_mqtt *s, struct yk_err *err)
{
	t->s = s;
	if (yk_mqtt_subscribe(s, t->topic.p, 1, YK_RH_SEND, err) < 0)
		return err->rc;
	return YK_OK;
}

static void
send_payload(struct yk_token *t, bool on)
{
	struct yk_msg m = {
		.topic = t->topic.p, .payload = on ? t->payload.p : "",
		.len = on ? t->payload.len : 0, .qos = 1, .retain = true,
		.prio = -1,
	};

	if (t->s == NULL || t->fail.rc)
		return;
	if (yk_mqtt_send(t->s, &m, &t->fail) == YK_EAGAIN)
		yk_err_set(&t->fail, YK_ERUNTIME, "send queue full");
}

void
yk_token_send(struct yk_token *t)
{
	if (!t->holding)
		return;
	t->echoed = false;
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

static void
warn_held(struct yk_token *t, const struct yk_rx *rx)
{
	struct yk_buf host = {0}, pid = {0}, msg = {0};

	member(&host, rx, "host");
	member(&pid, rx, "pid");
	yk_buf_addf(&msg, "'%s' is already held", t->key);
	if (pid.len > 0 || host.len > 0) {
		yk_buf_adds(&msg, " (");
		if (pid.len > 0) {
			yk_buf_adds(&msg, "pid ");
			add_safe(&msg, &pid, 20);
		}
		if (pid.len > 0 && host.len > 0)
			yk_buf_adds(&msg, " on ");
		add_safe(&msg, &host, 64);
		yk_buf_addc(&msg, ')');
	}
	yk_buf_adds(&msg, "; holding it too");
	if (t->log)
		t->log(t->log_ud, 0, msg.p);
	yk_buf_free(&host);
	yk_buf_free(&pid);
	yk_buf_free(&msg);
}

bool
yk_token_rx(struct yk_token *t, const struct yk_rx *rx)
{
	struct yk_buf who = {0};
	bool mine;

	if (t->topic.p == NULL || strcmp(rx->topic, t->topic.p) != 0)
		return false;
	if (!t->holding)
		return true;
	if (!yk_fleet_token_live(rx->payload, rx->len)) {
		/* cleared while we hold it: ours goes back */
		t->cur = YK_TOK_NONE;
		t->restored++;
		yk_token_send(t);
		return true;
	}
	member(&who, rx, "holder");
	mine = who.len > 0 ? strcmp(who.p, t->holder) == 0
			   : rx->len == t->payload.len &&
				     memcmp(rx->payload, t->payload.p,
					    rx->len) == 0;
	yk_buf_free(&who);
	if (mine) {
		t->cur = YK_TOK_MINE;
		t->echoed = true;
		return true;
	}
	/* kept before ours came: someone holds it already */
	if (!t->echoed && !t->warned) {
		t->warned = true;
		warn_held(t, rx);
	}
	t->cur = YK_TOK_OTHER;
	return true;
}

bool
yk_token_ready(const struct yk_token *t)
{
	return t->echoed;
}

int
yk_token_release(struct yk_token *t, struct yk_err *err)
{
	bool clear = t->holding && t->cur != YK_TOK_OTHER;

	t->holding = false;
	if (clear)
		send_payload(t, false);
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
	yk_buf_free(&t->payload);
}
