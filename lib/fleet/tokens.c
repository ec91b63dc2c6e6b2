/*
 * tokens.c - liveliness tokens listed or watched (tokens.h).
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "fleet.h"
#include "follow.h"
#include "json.h"
#include "map.h"
#include "mqtt.h"
#include "out.h"
#include "parse.h"
#include "print.h"
#include "tokens.h"

struct tokens {
	const struct yk_tokens_cfg *cfg;
	struct yk_follow f;
	struct yk_follow_chan ch;
	struct yk_out out;
	struct yk_print pr;
	struct yk_map live;   /* key -> non-NULL */
	long found;
};

/* When a token came (us): its "since" (seconds), else the sender's ts,
 * else now.  A token that was live before we looked was not born now. */
static int64_t
since(const struct yk_rx *rx)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (yk_json_obj_begin(&it, rx->payload, rx->len))
		while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
			if (yk_json_key_is(k, kn, "since") && vn > 0 &&
			    vn < 32 && v[0] != '"') {
				char t[32];
				double d;

				memcpy(t, v, vn);
				t[vn] = '\0';
				if (yk_parse_double(t, 1, 1e11, &d) == 0)
					return (int64_t)d * 1000000;
			}
	if (rx->ts_us > 0)
		return rx->ts_us;
	return yk_now_us();
}

/* One live token: the key, then the token's own fields. */
static void
print_token(struct tokens *t, const char *key, const struct yk_rx *rx)
{
	struct yk_print *p = &t->pr;

	yk_print_begin(p);
	yk_print_str(p, YK_PR_ANY, "key", key, NULL);
	/* A yoke token is an object: its fields after the key, but not a
	 * "key" of its own (a second "key" would name another token). */
	if (yk_print_members(p, rx->payload, rx->len, "key") < 1)
		yk_print_bool(p, YK_PR_JSON, "alive", true, NULL);
	yk_print_end(p);
}

static void
print_event(struct tokens *t, const char *key, bool on,
	    const struct yk_rx *rx)
{
	struct yk_print *p = &t->pr;

	yk_print_begin(p);
	yk_print_time(p, on ? since(rx) : yk_now_us());
	yk_print_text(p, on ? "+" : "-");
	yk_print_str(p, YK_PR_ANY, "key", key, NULL);
	yk_print_bool(p, YK_PR_JSON, "alive", on, NULL);
	yk_print_end(p);
}

static void
on_token(void *ud, const struct yk_rx *rx)
{
	struct tokens *t = ud;
	const char *key;
	bool on, was;

	if (yk_follow_marker(&t->f, rx))
		return;
	key = yk_follow_chan_robot(&t->ch, rx); /* the key, without /alive */
	if (key == NULL)
		return;
	on = yk_fleet_token_live(rx->payload, rx->len);
	was = yk_map_get(&t->live, key) != NULL;
	if (on)
		yk_map_put(&t->live, key)->val = t;
	else
		yk_map_del(&t->live, key);
	if (!t->cfg->watch) {
		if (on && rx->retain && !t->f.sync.done &&
		    yk_follow_take(&t->f, rx)) {
			print_token(t, key, rx);
			t->found++;
		}
	} else if (on != was && !(rx->retain && t->cfg->no_history) &&
		   yk_follow_take(&t->f, rx)) {
		print_event(t, key, on, rx);
	}
}

/* --watch is ready once subscribed. */
static int
tick(void *ud, struct yk_mqtt *s, int64_t now_ms, int64_t *next_ms,
     struct yk_err *err)
{
	struct tokens *t = ud;
	struct yk_err w = {0};

	(void)now_ms;
	(void)next_ms;
	(void)err;
	if (t->cfg->watch && t->cfg->ready && !t->cfg->ready->told &&
	    yk_mqtt_subscribed(s) && yk_ready_tell(t->cfg->ready, &w) != YK_OK)
		yk_err_print(&w); /* a warning: we go on */
	return YK_OK;
}

int
yk_tokens_check(const struct yk_tokens_cfg *cfg, struct yk_err *err)
{
	struct yk_follow_chan ch = {0};
	int rc = yk_follow_chan_parse(&ch, &cfg->conf->scope, "alive",
				      cfg->nargs, cfg->args, "**", err);

	yk_follow_chan_free(&ch);
	return rc;
}

int
yk_tokens_run(const struct yk_tokens_cfg *cfg, struct yk_err *err)
{
	struct tokens t = {.cfg = cfg};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;

	yk_out_init(&t.out, 1);
	t.pr = (struct yk_print){.b = &t.out.b,
				 .json = cfg->json || !yk_out_human(1)};
	t.f = (struct yk_follow){.out = &t.out, .current = !cfg->watch,
				 .scope = &cfg->conf->scope, .tick = tick,
				 .ud = &t};
	if (yk_follow_chan_parse(&t.ch, &cfg->conf->scope, "alive",
				 cfg->nargs, cfg->args, "**", err) != YK_OK)
		goto out;
	yk_conf_mqtt(cfg->conf, &mc);
	mc.on_message = on_token;
	mc.msg_ud = &t;
	if (yk_conf_open(cfg->conf, &mc, &s, err) != YK_OK ||
	    yk_mqtt_subscribe(s, t.ch.ex.filter, 1, YK_RH_SEND, err) < 0 ||
	    yk_follow_run(&t.f, s, err) != YK_OK)
		goto out;
	if (!cfg->watch && t.found == 0 && t.f.sync.done)
		yk_err_set(err, YK_ETIMEOUT, "no live token matches '%s'",
			   t.ch.ex.text);
out:
	yk_mqtt_close(s);
	yk_follow_free(&t.f);
	yk_follow_chan_free(&t.ch);
	yk_map_free(&t.live);
	yk_out_free(&t.out);
	return err->rc;
}
