/*
 * yoke-get - one-shot query: the retained values that match, plus the
 * replies of live queryables; or, with --serve, be such a queryable.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "in.h"
#include "job.h"
#include "json.h"
#include "map.h"
#include "out.h"
#include "query.h"
#include "ready.h"
#include "sig.h"

static const char usage[] =
	"[options] KEYEXPR [-W SECONDS] [--count N] [--expect ROBOT,...]\n"
	"[options] --serve KEYEXPR (--exec CMD | --reply-file FILE)";

#define MAX_JOBS 8

struct get {
	double wait;
	long count;
	const char *expect, *exec, *reply_file;
	bool serve;
	int fmt;
	int verbose;
	const struct yk_scope *scope;
	struct yk_kexpr ex;
	struct yk_buf resp, rfilter, tail, qtopic;
	char corr[32];
	struct yk_out out;
	struct yk_map expected; /* robot -> answered (non-NULL) */
	long answers;
	/* --serve */
	struct yk_mqtt *s;
	struct yk_job jobs[MAX_JOBS];
	struct yk_err fail;
	struct yk_ready ready;
};

struct reply_to {
	char *topic, *key;
	unsigned char corr[64];
	size_t corr_len;
};

static void
got_answer(struct get *g, const char *key, const char *source,
	   const struct yk_rx *rx, const char *error)
{
	char robot[256];
	struct yk_map_ent *e;
	struct yk_outmsg m = {
		.key = key, .source = source, .ts_us = rx->ts_us,
		.qos = rx->qos, .retain = rx->retain, .payload = rx->payload,
		.len = rx->len, .error = error, .tty = g->out.tty,
	};

	if (g->count > 0 && g->answers >= g->count)
		return;
	g->answers++;
	yk_out_message(&g->out.b, g->fmt, &m);
	yk_key_robot(key, robot, sizeof(robot));
	e = yk_map_get(&g->expected, robot);
	if (e)
		e->val = e->key;
}

/* A reply that is not printed: -v says why. */
static void
dropped(const struct get *g, const char *why)
{
	if (g->verbose)
		fprintf(stderr, "%s: %s\n", yk_prog, why);
}

static void
on_answer(void *ud, const struct yk_rx *rx)
{
	struct get *g = ud;
	const char *key, *rest;
	char robot[256];

	rest = yk_q_reply_parse(g->scope, rx->topic, robot, sizeof(robot));
	if (rest && strcmp(rest, g->tail.p) == 0) {
		char *k, *error, *rk;
		struct yk_err e = {0};

		/* "**" also covers the replies: take their own copy only. */
		if (!yk_rx_via(rx, 1))
			return;
		if (rx->corr_len != sizeof(g->corr) ||
		    memcmp(rx->corr, g->corr, sizeof(g->corr)) != 0) {
			dropped(g, "a reply dropped: its correlation data is "
				   "not this query's");
			return;
		}
		k = yk_rx_prop(rx, "key");
		error = yk_rx_prop(rx, "error");
		/* The reply's robot is its topic's (the ACL's word); its key
		 * may be an expression itself, as arm-1 followed by '**'. */
		if (yk_q_reply_key(g->scope, &g->ex, rx->topic, k, &rk, &e) ==
		    YK_OK)
			got_answer(g, rk, "reply", rx, error);
		else
			dropped(g, e.msg);
		free(rk);
		free(k);
		free(error);
		return;
	}
	if (!rx->retain)
		return; /* live traffic is not an answer */
	key = yk_key_unscope(g->scope, rx->topic);
	if (key && yk_kexpr_match(&g->ex, key, NULL))
		got_answer(g, key, "retained", rx, NULL);
}

static bool
all_expected(const struct get *g)
{
	size_t i = 0;

	if (g->expected.n == 0)
		return false;
	for (struct yk_map_ent *e = yk_map_next(&g->expected, &i); e;
	     e = yk_map_next(&g->expected, &i))
		if (e->val == NULL)
			return false;
	return true;
}

/* Print {"missing":[...]} for expected robots that did not answer. */
static int
report_missing(struct get *g, struct yk_err *err)
{
	struct yk_buf names = {0}, list = {0}, words = {0};
	size_t i = 0, n = 0;

	for (struct yk_map_ent *e = yk_map_next(&g->expected, &i); e;
	     e = yk_map_next(&g->expected, &i)) {
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
	if (g->fmt == YK_FMT_JSON)
		yk_buf_addf(&g->out.b, "{\"missing\":[%s]}\n", list.p);
	else if (g->fmt == YK_FMT_TEXT)
		yk_buf_addf(&g->out.b, "missing%s\n", words.p);
	yk_buf_free(&list);
	yk_buf_free(&words);
	yk_err_set(err, YK_ETIMEOUT, "no answer from %s", names.p);
	yk_buf_free(&names);
	return err->rc;
}

static int
parse_expect(struct get *g, struct yk_err *err)
{
	char *list = yk_strdup(g->expect), *save = NULL;
	int rc = YK_OK;

	for (char *r = strtok_r(list, ",", &save); r;
	     r = strtok_r(NULL, ",", &save)) {
		if (yk_id_check("robot id in --expect", r, err) != YK_OK) {
			rc = err->rc;
			break;
		}
		yk_map_put(&g->expected, r);
	}
	free(list);
	if (rc == YK_OK && g->expected.n == 0)
		rc = yk_err_set(err, YK_EUSAGE, "--expect needs robot ids");
	return rc;
}

static int
query(struct yk_mqtt *s, struct get *g, struct yk_err *err)
{
	int64_t end = yk_mono_ms() + (int64_t)(g->wait * 1000);
	struct yk_buf payload = {0};
	bool sent = false;
	int rc = YK_OK;

	if (yk_mqtt_subscribe(s, g->rfilter.p, 1, YK_RH_NEVER, err) < 0 ||
	    yk_mqtt_subscribe(s, g->ex.filter, 1, YK_RH_SEND, err) < 0)
		return err->rc;
	yk_buf_adds(&payload, "{\"key\":");
	yk_json_strz(&payload, g->ex.text);
	yk_buf_adds(&payload, "}");
	yk_q_random_hex(g->corr, sizeof(g->corr));
	while (!yk_sig_stop && yk_mono_ms() < end) {
		if (g->count > 0 && g->answers >= g->count)
			break;
		if (all_expected(g))
			break;
		/* Ask once our replies' filter is in place: none is lost. */
		if (!sent && yk_mqtt_subscribed(s)) {
			struct yk_msg m = {
				.topic = g->qtopic.p, .payload = payload.p,
				.len = payload.len, .qos = 1, .prio = -1,
				.resp_topic = g->resp.p, .corr = g->corr,
				.corr_len = sizeof(g->corr),
			};

			if (yk_mqtt_send_wait(s, &m, err) != YK_OK)
				goto out;
			sent = true;
		}
		rc = yk_out_flush(&g->out, err);
		if (rc != YK_OK)
			goto out;
		if (yk_mqtt_step(s, NULL, 0, (int)(end - yk_mono_ms()), err) !=
		    YK_OK)
			goto out;
	}
	/* no answer may mean the query never went: the ACL said no */
	if (g->answers == 0 && yk_mqtt_refusals(s, err) != YK_OK)
		goto out;
	/* or it never went: the broker did not acknowledge our inbox */
	if (g->answers == 0 && !yk_sig_stop &&
	    yk_mqtt_sub_check(s, err) != YK_OK)
		goto out;
	if (g->expected.n && !all_expected(g))
		report_missing(g, err);
	else if (g->answers == 0 && yk_sig_stop)
		yk_err_set(err, YK_ETIMEOUT, "no answer for '%s' (interrupted)",
			   g->ex.text);
	else if (g->answers == 0)
		yk_err_set(err, YK_ETIMEOUT, "no answer for '%s' within %g s",
			   g->ex.text, g->wait);
	rc = yk_out_flush(&g->out, err);
out:
	yk_buf_free(&payload);
	return rc == YK_EXIT ? YK_OK : err->rc;
}

static void
send_reply(struct get *g, const struct reply_to *r, const void *p, size_t n,
	   const char *error)
{
	struct yk_prop props[2] = {{"key", r->key}, {"error", error}};
	struct yk_msg m = {
		.topic = r->topic, .payload = p, .len = n, .qos = 1,
		.prio = -1, .corr = r->corr, .corr_len = r->corr_len,
		.props = props, .nprops = error ? 2 : 1,
	};
	struct yk_err e = {0};

	/* From a callback we cannot wait for room: a full queue (the asker
	 * is long gone by then) loses this reply, and says so.  A reply
	 * too large for the broker becomes an empty one with the reason as
	 * its error, so the asker learns why at once. */
	if (yk_mqtt_send(g->s, &m, &e) == YK_OK)
		return;
	if (yk_mqtt_too_large(g->s)) {
		char why[80];

		snprintf(why, sizeof(why), "reply too large for the broker "
			 "(its limit is %lu bytes)", yk_mqtt_too_large(g->s));
		yk_err_say("reply for '%s' not sent: %s; sent an error "
			   "reply instead", r->key, why);
		props[1].value = why;
		m.nprops = 2;
		m.len = 0;
		if (yk_mqtt_send(g->s, &m, &e) == YK_OK)
			return;
	}
	yk_err_say("reply for '%s' dropped: %s", r->key,
		   e.rc == YK_EAGAIN ? "send queue full" : e.msg);
}

static void
reply_free(struct reply_to *r)
{
	free(r->topic);
	free(r->key);
	free(r);
}

static void
answer_file(struct get *g, const struct reply_to *r)
{
	struct yk_buf b = {0};
	char msg[300];
	const char *why = NULL;
	int fd = yk_in_open_regular(g->reply_file, &why);
	ssize_t n = 0;

	if (fd >= 0) {
		do {
			yk_buf_reserve(&b, 65536);
			n = read(fd, b.p + b.len, 65536);
			if (n > 0)
				b.len += (size_t)n;
		} while (n > 0 || (n < 0 && errno == EINTR));
		close(fd);
	}
	if (fd < 0 || n < 0) {
		snprintf(msg, sizeof(msg), "cannot read '%s': %s",
			 g->reply_file, fd < 0 ? why : strerror(errno));
		fprintf(stderr, "%s: %s\n", yk_prog, msg);
		send_reply(g, r, "", 0, msg);
	} else {
		send_reply(g, r, b.p ? b.p : "", b.len, NULL);
	}
	yk_buf_free(&b);
}

static void
answer_exec(struct get *g, struct reply_to *r, const struct yk_rx *rx)
{
	struct yk_err e = {0};
	char env[4200];
	char *envv[] = {env, NULL};

	snprintf(env, sizeof(env), "YOKE_QUERY_KEY=%s", r->key);
	for (int i = 0; i < MAX_JOBS; i++) {
		if (g->jobs[i].ud != NULL)
			continue;
		if (yk_job_start(&g->jobs[i], g->exec, envv, rx->payload,
				 rx->len, g->wait, &e) != YK_OK) {
			send_reply(g, r, "", 0, e.msg);
			reply_free(r);
			return;
		}
		g->jobs[i].ud = r;
		return;
	}
	send_reply(g, r, "", 0, "busy: too many queries at once");
	reply_free(r);
}

static void
on_query(void *ud, const struct yk_rx *rx)
{
	struct get *g = ud;
	struct yk_json_iter it;
	struct yk_buf qk = {0}, key = {0}, topic = {0};
	struct yk_kexpr q;
	struct yk_err e;
	const char *k, *v;
	size_t kn, vn;
	struct reply_to *r;

	if (rx->resp_topic == NULL || rx->corr_len == 0 || rx->corr_len > 64 ||
	    !yk_json_obj_begin(&it, rx->payload, rx->len))
		return;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, "key") && *v == '"')
			yk_json_unescape(&qk, v, vn);
	if (qk.p == NULL || yk_kexpr_parse(&q, g->scope, qk.p, &e) != YK_OK) {
		yk_buf_free(&qk);
		return;
	}
	/* Answer for the keys both name: a queryable serving all of arm-1,
	 * asked for any robot's config, answers arm-1/config, on arm-1's
	 * reply channel. */
	if (yk_kexpr_meet(&g->ex, &q, &key) &&
	    yk_q_answer_topic(&topic, g->scope, rx->resp_topic, key.p, &e) !=
		    YK_OK) {
		dropped(g, e.msg);
	} else if (topic.p) {
		r = yk_calloc(1, sizeof(*r));
		r->topic = topic.p;
		topic.p = NULL;
		r->key = key.p;
		key.p = NULL;
		memcpy(r->corr, rx->corr, rx->corr_len);
		r->corr_len = rx->corr_len;
		if (g->reply_file) {
			answer_file(g, r);
			reply_free(r);
		} else {
			answer_exec(g, r, rx);
		}
	}
	yk_kexpr_free(&q);
	yk_buf_free(&qk);
	yk_buf_free(&key);
	yk_buf_free(&topic);
}

static void
finish_jobs(struct get *g)
{
	for (int i = 0; i < MAX_JOBS; i++) {
		struct yk_job *j = &g->jobs[i];
		struct reply_to *r = j->ud;
		char msg[80];

		if (r == NULL || !yk_job_pump(j))
			continue;
		if (j->timed_out)
			snprintf(msg, sizeof(msg),
				 "command timed out after %g s", g->wait);
		else if (j->status != 0)
			snprintf(msg, sizeof(msg),
				 "command exited with status %d", j->status);
		send_reply(g, r, j->output.p ? j->output.p : "", j->output.len,
			   j->timed_out || j->status ? msg : NULL);
		reply_free(r);
		yk_job_free(j);
		memset(j, 0, sizeof(*j));
	}
}

static int
serve(struct yk_mqtt *s, struct get *g, struct yk_err *err)
{
	struct yk_buf f[2] = {{0}, {0}};
	int nf = yk_q_serve_filters(g->scope, &g->ex, f);

	g->s = s;
	yk_sig_watch_children(); /* a finished command wakes the loop */
	for (int i = 0; i < nf; i++)
		if (yk_mqtt_subscribe(s, f[i].p, 1, YK_RH_NEVER, err) < 0)
			break;
	yk_buf_free(&f[0]);
	yk_buf_free(&f[1]);
	while (!yk_sig_stop && err->rc == YK_OK) {
		struct pollfd p[2 * MAX_JOBS];
		struct yk_err w = {0};
		int n = 0;

		for (int i = 0; i < MAX_JOBS; i++)
			if (g->jobs[i].ud)
				n += yk_job_fds(&g->jobs[i], p + n);
		/* ready: a query sent from now on is heard */
		if (!g->ready.told && yk_mqtt_subscribed(s) &&
		    yk_ready_tell(&g->ready, &w) != YK_OK)
			yk_err_print(&w); /* a warning: we serve all the same */
		if (yk_mqtt_step(s, p, n, 200, err) != YK_OK)
			break;
		finish_jobs(g);
	}
	for (int i = 0; i < MAX_JOBS; i++) {
		if (g->jobs[i].ud) {
			reply_free(g->jobs[i].ud);
			yk_job_free(&g->jobs[i]);
		}
	}
	if (err->rc == YK_OK)
		yk_mqtt_drain(s, &yk_sig_stop, err);
	return err->rc;
}

/* Replies from the robot the query names, or from any ('*' in the
 * response topic, '+' in the filter), to our user and client id. */
static void
reply_channel(struct get *g, const struct yk_conf *c, const char *cid)
{
	const char *robot = g->ex.seg[0].kind == YK_SEG_LIT ? g->ex.seg[0].text
							    : NULL;

	yk_q_reply(&g->resp, &c->scope, robot ? robot : "*", c->url.user, cid);
	yk_q_reply(&g->rfilter, &c->scope, robot ? robot : "+", c->url.user,
		   cid);
	yk_buf_addf(&g->tail, "%s/%s", yk_q_asker(c->url.user), cid);
}

static int
check_args(struct get *g, int nargs, struct yk_err *err)
{
	if (nargs != 1)
		return yk_err_set(err, YK_EUSAGE,
				  nargs ? "expected one KEYEXPR, got %d"
					: "missing KEYEXPR",
				  nargs);
	if (g->serve && (g->exec != NULL) == (g->reply_file != NULL))
		return yk_err_set(err, YK_EUSAGE,
				  "--serve needs one of --exec and "
				  "--reply-file");
	if (!g->serve && (g->exec || g->reply_file))
		return yk_err_set(err, YK_EUSAGE,
				  "--exec and --reply-file go with --serve");
	if (g->reply_file) {
		const char *why;
		int fd = yk_in_open_regular(g->reply_file, &why);

		/* one missing now may be there by the first query */
		if (fd == -2)
			return yk_err_set(err, YK_EUSAGE,
					  "cannot read --reply-file '%s': %s",
					  g->reply_file, why);
		if (fd >= 0)
			close(fd);
	}
	if (g->serve && (g->count || g->expect))
		return yk_err_set(err, YK_EUSAGE,
				  "--count and --expect go with queries, "
				  "not --serve");
	if (g->expect)
		return parse_expect(g, err);
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Query retained values and live "
					"queryables, or answer queries."};
	struct yk_conf c;
	struct get g = {.wait = 5};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};
	int nargs, rc;

	yk_prog = "yoke-get";
	yk_conf_init(&c, &cli, YK_CONF_RAW);
	struct yk_opt opts[] = {
		YK_GROUP("Query"),
		YK_NUM('W', "timeout", &g.wait, "SECONDS", 0.001, 1e9,
		       "wait this long for answers; with --serve, the longest "
		       "a command may run (default 5)"),
		YK_INT('C', "count", &g.count, "N", 1, 1e18,
		       "stop after N answers"),
		YK_STR(0, "expect", &g.expect, "ROBOT,...",
		       "report expected robots that did not answer (exit 3)"),
		YK_CHOICE(0, "format", &g.fmt, "json|text|raw", yk_fmt_names,
			  "JSON lines, 'KEY PAYLOAD' lines, or payload bytes"),
		YK_GROUP("Answering"),
		YK_FLAG(0, "serve", &g.serve, "answer queries for KEYEXPR"),
		YK_STR(0, "exec", &g.exec, "CMD",
		       "answer with the output of CMD (query JSON on stdin)"),
		YK_STR(0, "reply-file", &g.reply_file, "FILE",
		       "answer with the contents of FILE"),
		YK_READY_OPT(&g.ready),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_out_init(&g.out, 1);
	yk_ready_init(&g.ready);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || check_args(&g, nargs, &err) != YK_OK ||
	    yk_conf_finish(&c, &cli, &err) != YK_OK ||
	    yk_kexpr_parse(&g.ex, &c.scope, argv[0], &err) != YK_OK)
		goto out;
	if (g.ready.fd >= 0 && !g.serve) {
		yk_err_set(&err, YK_EUSAGE, "--ready-fd goes with --serve");
		goto out;
	}
	if (yk_ready_setup(&g.ready, &err) != YK_OK)
		goto out;
	g.scope = &c.scope;
	yk_conf_mqtt(&c, &mc);
	mc.on_message = g.serve ? on_query : on_answer;
	mc.msg_ud = &g;
	if (yk_conf_open(&c, &mc, &s, &err) != YK_OK)
		goto out;
	g.verbose = c.verbose;
	reply_channel(&g, &c, yk_mqtt_client_id(s));
	yk_q_topic(&g.qtopic, &c.scope, &g.ex);
	if (g.serve)
		serve(s, &g, &err);
	else
		query(s, &g, &err);
out:
	yk_mqtt_close(s);
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	yk_kexpr_free(&g.ex);
	yk_buf_free(&g.resp);
	yk_buf_free(&g.rfilter);
	yk_buf_free(&g.tail);
	yk_buf_free(&g.qtopic);
	yk_map_free(&g.expected);
	yk_ready_free(&g.ready);
	yk_out_free(&g.out);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
