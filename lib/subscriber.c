/*
 * subscriber.c - print, decode or count what arrives.
 */
#include "clock.h"
#include "pbjson.h"
#include "pbchan.h"
#include "pbreg.h"
#include "subscriber.h"

void
yk_subscriber_init(struct yk_subscriber *u, const struct yk_scope *sc,
		   struct yk_out *out, bool json)
{
	u->f.out = out;
	u->f.scope = sc;
	u->table = yk_out_human(out->fd) && !json;
	yk_stats_init(&u->st, yk_now_us());
}

/* --decode: the payload as JSON, or, when it is not a valid message of
 * its type, payload_b64 with the reason in "error" (said once). */
static void
decode(struct yk_subscriber *u, struct yk_outmsg *m)
{
	const ProtobufCMessageDescriptor *d =
		u->pb ? u->pb : yk_pbchan_for_key(m->key);

	if (d == NULL)
		return; /* auto, and a channel that carries no protobuf */
	u->dec.len = 0;
	if (yk_pb_bytes_to_json(&u->dec, d, m->payload, m->len,
				&u->dec_err) == YK_OK) {
		m->json = u->dec.p;
		m->json_len = u->dec.len;
		return;
	}
	m->error = u->dec_err.msg;
	m->b64 = true;
	if (u->dec_failed++ == 0)
		u->say("cannot decode '%s': %s (printed %s; said once)",
		       m->key, u->dec_err.msg,
		       u->fmt == YK_FMT_TEXT ? "as it came"
					     : "as payload_b64 with \"error\"");
}

void
yk_subscriber_on_msg(void *ud, const struct yk_rx *rx)
{
	struct yk_subscriber *u = ud;
	struct yk_cap caps[YK_MAX_CAPS];
	const char *key;
	int i;

	if (yk_follow_marker(&u->f, rx) || (u->f.current && !rx->retain))
		return;
	key = yk_key_unscope(u->f.scope, rx->topic);
	if (key == NULL)
		return;
	i = yk_subs_pick(&u->w, key, rx, caps);
	if (i < 0 || !yk_follow_take(&u->f, rx))
		return;
	if (u->stats) {
		yk_stats_msg(&u->st, key, rx->len, rx->ts_us, rx->retain,
			     yk_now_us());
		return;
	}
	struct yk_outmsg m = {
		.key = key, .ts_us = rx->ts_us, .qos = rx->qos,
		.retain = rx->retain, .caps = caps, .ncaps = u->w.ex[i].ncap,
		.payload = rx->payload, .len = rx->len, .tty = u->f.out->tty,
	};
	if (u->decode)
		decode(u, &m);
	yk_out_message(&u->f.out->b, u->fmt, &m);
}

/* Ready once every subscription is acknowledged: what is published from
 * then on reaches us; the statistics every second. */
static int
tick(void *ud, struct yk_mqtt *s, int64_t now, int64_t *next,
     struct yk_err *err)
{
	struct yk_subscriber *u = ud;
	struct yk_err w = {0};
	struct yk_out *out = u->f.out;

	(void)err;
	if (u->ready && !u->ready->told && yk_mqtt_subscribed(s) &&
	    yk_ready_tell(u->ready, &w) != YK_OK)
		u->say("%s", w.msg); /* a warning: we go on */
	if (!u->stats)
		return YK_OK;
	if (now >= u->next_report) {
		yk_stats_report(&u->st, &out->b, u->table, u->table,
				yk_out_cols(out->fd), yk_out_rows(out->fd),
				yk_now_us());
		u->next_report += 1000;
	}
	*next = u->next_report;
	return YK_OK;
}

int
yk_subscriber_run(struct yk_subscriber *u, struct yk_mqtt *s,
		  struct yk_err *err)
{
	u->next_report = yk_mono_ms() + 1000;
	u->f.tick = tick;
	u->f.ud = u;
	if (yk_follow_run(&u->f, s, err) != YK_OK)
		return err->rc;
	if (u->f.taken > 0)
		return YK_OK;
	/* nothing came: because nothing was there (3), or because the
	 * broker never acknowledged the subscription (1) */
	if (u->f.expired && yk_mqtt_sub_check(s, err) != YK_OK)
		return err->rc;
	if (u->f.sync.done)
		return yk_err_set(err, YK_ETIMEOUT,
				  "no retained value matches");
	if (u->f.expired)
		return yk_err_set(err, YK_ETIMEOUT,
				  "nothing received in %g s", u->f.wait);
	return YK_OK;
}

void
yk_subscriber_free(struct yk_subscriber *u)
{
	yk_follow_free(&u->f);
	yk_subs_free(&u->w);
	yk_stats_free(&u->st);
	yk_buf_free(&u->dec);
}
