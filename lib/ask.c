/*
 * ask.c - one query and its answers (the model: ask.h, query.h).
 */
#include <stdlib.h>
#include <string.h>

#include "ask.h"
#include "clock.h"
#include "json.h"
#include "query.h"

int
yk_ask_expect(struct yk_ask *a, const char *list, struct yk_err *err)
{
	char *l = yk_strdup(list), *save = NULL;
	int rc = YK_OK;

	for (char *r = strtok_r(l, ",", &save); r;
	     r = strtok_r(NULL, ",", &save)) {
		if (yk_id_check("robot id in --expect", r, err) != YK_OK) {
			rc = err->rc;
			break;
		}
		yk_map_put(&a->expected, r);
	}
	free(l);
	if (rc == YK_OK && a->expected.n == 0)
		rc = yk_err_set(err, YK_EUSAGE, "--expect needs robot ids");
	return rc;
}

void
yk_ask_start(struct yk_ask *a, const char *user, const char *client_id)
{
	const struct yk_scope *sc = a->cfg.scope;
	const struct yk_kexpr *ex = a->cfg.ex;
	const char *robot = ex->seg[0].kind == YK_SEG_LIT ? ex->seg[0].text
							  : NULL;

	yk_q_reply(&a->resp, sc, robot ? robot : "*", user, client_id);
	yk_q_reply(&a->rfilter, sc, robot ? robot : "+", user, client_id);
	yk_buf_addf(&a->tail, "%s/%s", yk_q_asker(user), client_id);
	yk_q_topic(&a->qtopic, sc, ex);
	yk_buf_adds(&a->payload, "{\"key\":");
	yk_json_strz(&a->payload, ex->text);
	yk_buf_adds(&a->payload, "}");
	yk_q_random_hex(a->corr, sizeof(a->corr));
}

static void
got_answer(struct yk_ask *a, const char *key, const char *source,
	   const struct yk_rx *rx, const char *error)
{
	char robot[256];
	struct yk_map_ent *e;
	struct yk_outmsg m = {
		.key = key, .source = source, .ts_us = rx->ts_us,
		.qos = rx->qos, .retain = rx->retain, .payload = rx->payload,
		.len = rx->len, .error = error, .tty = a->cfg.out->tty,
	};

	if (a->cfg.count > 0 && a->answers >= a->cfg.count)
		return;
	a->answers++;
	yk_out_message(&a->cfg.out->b, a->cfg.fmt, &m);
	yk_key_robot(key, robot, sizeof(robot));
	e = yk_map_get(&a->expected, robot);
	if (e)
		e->val = e->key;
}

/* A reply that is not printed: -v says why. */
static void
dropped(const struct yk_ask *a, const char *why)
{
	if (a->cfg.log && a->cfg.verbose >= 1)
		a->cfg.log(a->cfg.log_ud, 1, why);
}

static void
got_reply(struct yk_ask *a, const struct yk_rx *rx)
{
	char *k, *error, *rk;
	struct yk_err e = {0};

	/* "**" also covers the replies: take their own copy only. */
	if (!yk_rx_via(rx, 1))
		return;
	if (rx->corr_len != sizeof(a->corr) ||
	    memcmp(rx->corr, a->corr, sizeof(a->corr)) != 0) {
		dropped(a, "a reply dropped: its correlation data is not this "
			   "query's");
		return;
	}
	k = yk_rx_prop(rx, "key");
	error = yk_rx_prop(rx, "error");
	/* The reply's robot is its topic's (the ACL's word); its key may be
	 * an expression itself, as arm-1 followed by '**'. */
	if (yk_q_reply_key(a->cfg.scope, a->cfg.ex, rx->topic, k, &rk, &e) ==
	    YK_OK)
		got_answer(a, rk, "reply", rx, error);
	else
		dropped(a, e.msg);
	free(rk);
	free(k);
	free(error);
}

void
yk_ask_on_message(void *ud, const struct yk_rx *rx)
{
	struct yk_ask *a = ud;
	const char *key, *rest;
	char robot[256];

	rest = yk_q_reply_parse(a->cfg.scope, rx->topic, robot, sizeof(robot));
	if (rest && a->tail.p && strcmp(rest, a->tail.p) == 0) {
		got_reply(a, rx);
		return;
	}
	if (!rx->retain)
		return; /* live traffic is not an answer */
	key = yk_key_unscope(a->cfg.scope, rx->topic);
	if (key && yk_kexpr_match(a->cfg.ex, key, NULL))
		got_answer(a, key, "retained", rx, NULL);
}

static bool
all_expected(const struct yk_ask *a)
{
	size_t i = 0;

	if (a->expected.n == 0)
		return false;
	for (struct yk_map_ent *e = yk_map_next(&a->expected, &i); e;
	     e = yk_map_next(&a->expected, &i))
		if (e->val == NULL)
			return false;
	return true;
}

bool
yk_ask_done(const struct yk_ask *a)
{
	return (a->cfg.count > 0 && a->answers >= a->cfg.count) ||
	       all_expected(a);
}

/* Print {"missing":[...]} for expected robots that did not answer. */
static int
report_missing(struct yk_ask *a, struct yk_err *err)
{
	struct yk_buf names = {0}, list = {0}, words = {0};
	struct yk_buf *out = &a->cfg.out->b;
	size_t i = 0, n = 0;

	for (struct yk_map_ent *e = yk_map_next(&a->expected, &i); e;
	     e = yk_map_next(&a->expected, &i)) {
		if (e->val)
			continue;
		yk_json_strz(&list, e->key);
		yk_buf_addc(&list, ',');
		yk_buf_addf(&names, "%s%s", n ? ", " : "", e->key);
		yk_buf_addf(&words, " %s", e->key);
		n++;
	}
	yk_buf_truncate(&list, list.len - 1);
	/* the same report in each --format: raw has no place for it */
	if (a->cfg.fmt == YK_FMT_JSON)
		yk_buf_addf(out, "{\"missing\":[%s]}\n", list.p);
	else if (a->cfg.fmt == YK_FMT_TEXT)
		yk_buf_addf(out, "missing%s\n", words.p);
	yk_buf_free(&list);
	yk_buf_free(&words);
	yk_err_set(err, YK_ETIMEOUT, "no answer from %s", names.p);
	yk_buf_free(&names);
	return err->rc;
}

int
yk_ask_finish(struct yk_ask *a, struct yk_err *err)
{
	bool stopped = a->cfg.stop && *a->cfg.stop;

	if (a->expected.n && !all_expected(a))
		return report_missing(a, err);
	if (a->answers == 0 && stopped)
		return yk_err_set(err, YK_ETIMEOUT,
				  "no answer for '%s' (interrupted)",
				  a->cfg.ex->text);
	if (a->answers == 0)
		return yk_err_set(err, YK_ETIMEOUT,
				  "no answer for '%s' within %g s",
				  a->cfg.ex->text, a->cfg.wait);
	return YK_OK;
}

int
yk_ask_run(struct yk_ask *a, struct yk_mqtt *s, const char *user,
	   struct yk_err *err)
{
	int64_t end = yk_mono_ms() + (int64_t)(a->cfg.wait * 1000);
	volatile sig_atomic_t *stop = a->cfg.stop;
	bool sent = false;

	yk_ask_start(a, user, yk_mqtt_client_id(s));
	if (yk_mqtt_subscribe(s, a->rfilter.p, 1, YK_RH_NEVER, err) < 0 ||
	    yk_mqtt_subscribe(s, a->cfg.ex->filter, 1, YK_RH_SEND, err) < 0)
		return err->rc;
	while (!*stop && yk_mono_ms() < end && !yk_ask_done(a)) {
		/* Ask once our replies' filter is in place: none is lost. */
		if (!sent && yk_mqtt_subscribed(s)) {
			struct yk_msg m = {
				.topic = a->qtopic.p, .payload = a->payload.p,
				.len = a->payload.len, .qos = 1, .prio = -1,
				.resp_topic = a->resp.p, .corr = a->corr,
				.corr_len = sizeof(a->corr),
			};

			if (yk_mqtt_send_wait(s, &m, err) != YK_OK)
				return err->rc;
			sent = true;
		}
		/* EPIPE: nobody reads the answers, we are done (YK_OK) */
		if (yk_out_flush(a->cfg.out, err) != YK_OK)
			return err->rc;
		if (yk_mqtt_step(s, NULL, 0, (int)(end - yk_mono_ms()), err) !=
		    YK_OK)
			return err->rc;
	}
	/* no answer may mean the query never went: the ACL said no */
	if (a->answers == 0 && yk_mqtt_refusals(s, err) != YK_OK)
		return err->rc;
	/* or it never went: the broker did not acknowledge our inbox */
	if (a->answers == 0 && !*stop && yk_mqtt_sub_check(s, err) != YK_OK)
		return err->rc;
	yk_ask_finish(a, err);
	yk_out_flush(a->cfg.out, err);
	return err->rc;
}

void
yk_ask_free(struct yk_ask *a)
{
	yk_map_free(&a->expected);
	yk_buf_free(&a->resp);
	yk_buf_free(&a->rfilter);
	yk_buf_free(&a->tail);
	yk_buf_free(&a->qtopic);
	yk_buf_free(&a->payload);
}
