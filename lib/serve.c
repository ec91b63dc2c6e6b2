/*
 * serve.c - a queryable: queries in, replies out (the model: serve.h,
 * query.h).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "in.h"
#include "json.h"
#include "query.h"
#include "serve.h"
#include "sig.h"

static void
logf_(const struct yk_serve *sv, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
logf_(const struct yk_serve *sv, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (sv->cfg.log == NULL || sv->cfg.verbose < level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	sv->cfg.log(sv->cfg.log_ud, level, msg);
}

bool
yk_serve_request(const struct yk_serve *sv, const struct yk_rx *rx,
		 struct yk_serve_req *req, struct yk_err *why)
{
	struct yk_json_iter it;
	struct yk_buf qk = {0}, key = {0}, topic = {0};
	struct yk_kexpr q;
	struct yk_err pe;
	const char *k, *v;
	size_t kn, vn;

	memset(req, 0, sizeof(*req));
	*why = (struct yk_err){0};
	if (rx->resp_topic == NULL || rx->corr_len == 0 ||
	    rx->corr_len > sizeof(req->corr) ||
	    !yk_json_obj_begin(&it, rx->payload, rx->len))
		return false;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, "key") && *v == '"')
			yk_json_unescape(&qk, v, vn);
	if (qk.p == NULL ||
	    yk_kexpr_parse(&q, sv->cfg.scope, qk.p, &pe) != YK_OK) {
		yk_buf_free(&qk);
		return false;
	}
	/* Answer for the keys both name: a queryable serving all of arm-1,
	 * asked for any robot's config, answers arm-1/config, on arm-1's
	 * reply channel. */
	if (yk_kexpr_meet(sv->cfg.ex, &q, &key))
		yk_q_answer_topic(&topic, sv->cfg.scope, rx->resp_topic, key.p,
				  why);
	yk_kexpr_free(&q);
	yk_buf_free(&qk);
	if (topic.p == NULL) {
		yk_buf_free(&key);
		return false;
	}
	req->topic = topic.p;
	req->key = key.p;
	memcpy(req->corr, rx->corr, rx->corr_len);
	req->corr_len = rx->corr_len;
	return true;
}

void
yk_serve_req_free(struct yk_serve_req *req)
{
	free(req->topic);
	free(req->key);
	req->topic = req->key = NULL;
}

void
yk_serve_reply(struct yk_serve *sv, const struct yk_serve_req *req,
	       const void *p, size_t n, const char *error)
{
	struct yk_prop props[2] = {{"key", req->key}, {"error", error}};
	struct yk_msg m = {
		.topic = req->topic, .payload = p, .len = n, .qos = 1,
		.prio = -1, .corr = req->corr, .corr_len = req->corr_len,
		.props = props, .nprops = error ? 2 : 1,
	};
	struct yk_err e = {0};

	/* From a callback we cannot wait for room (serve.h). */
	if (yk_mqtt_send(sv->s, &m, &e) == YK_OK)
		return;
	if (yk_mqtt_too_large(sv->s)) {
		char why[80];

		snprintf(why, sizeof(why), "reply too large for the broker "
			 "(its limit is %lu bytes)", yk_mqtt_too_large(sv->s));
		logf_(sv, 0, "reply for '%s' not sent: %s; sent an error "
		      "reply instead", req->key, why);
		props[1].value = why;
		m.nprops = 2;
		m.len = 0;
		if (yk_mqtt_send(sv->s, &m, &e) == YK_OK)
			return;
	}
	logf_(sv, 0, "reply for '%s' dropped: %s", req->key,
	      e.rc == YK_EAGAIN ? "send queue full" : e.msg);
}

static void
answer_file(struct yk_serve *sv, const struct yk_serve_req *req)
{
	const char *path = sv->cfg.reply_file;
	struct yk_buf b = {0};
	char msg[300];
	const char *why = NULL;
	int fd = yk_in_open_regular(path, &why);
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
		snprintf(msg, sizeof(msg), "cannot read '%s': %s", path,
			 fd < 0 ? why : strerror(errno));
		logf_(sv, 0, "%s", msg);
		yk_serve_reply(sv, req, "", 0, msg);
	} else {
		yk_serve_reply(sv, req, b.p ? b.p : "", b.len, NULL);
	}
	yk_buf_free(&b);
}

/* Start the command for req (which the job then owns), or say why not. */
static void
answer_exec(struct yk_serve *sv, struct yk_serve_req *req,
	    const struct yk_rx *rx)
{
	struct yk_err e = {0};
	char env[4200];
	char *envv[] = {env, NULL};

	snprintf(env, sizeof(env), "YOKE_QUERY_KEY=%s", req->key);
	for (int i = 0; i < YK_SERVE_JOBS; i++) {
		struct yk_job *j = &sv->jobs[i];

		if (j->ud != NULL)
			continue;
		if (yk_job_start(j, sv->cfg.exec, envv, rx->payload, rx->len,
				 sv->cfg.wait, &e) != YK_OK)
			break;
		j->ud = yk_malloc(sizeof(*req));
		memcpy(j->ud, req, sizeof(*req));
		return;
	}
	yk_serve_reply(sv, req, "", 0,
		       e.rc ? e.msg : "busy: too many queries at once");
	yk_serve_req_free(req);
}

void
yk_serve_on_message(void *ud, const struct yk_rx *rx)
{
	struct yk_serve *sv = ud;
	struct yk_serve_req req;
	struct yk_err why;

	if (!yk_serve_request(sv, rx, &req, &why)) {
		if (why.rc != YK_OK)
			logf_(sv, 1, "%s", why.msg);
		return;
	}
	if (sv->cfg.reply_file) {
		answer_file(sv, &req);
		yk_serve_req_free(&req);
	} else {
		answer_exec(sv, &req, rx);
	}
}

int
yk_serve_start(struct yk_serve *sv, struct yk_mqtt *s, struct yk_err *err)
{
	struct yk_buf f[2] = {{0}, {0}};
	int nf = yk_q_serve_filters(sv->cfg.scope, sv->cfg.ex, f);

	sv->s = s;
	if (sv->cfg.exec)
		yk_sig_watch_children(); /* a finished command wakes the loop */
	for (int i = 0; i < nf; i++)
		if (yk_mqtt_subscribe(s, f[i].p, 1, YK_RH_NEVER, err) < 0)
			break;
	yk_buf_free(&f[0]);
	yk_buf_free(&f[1]);
	return err->rc;
}

int
yk_serve_fds(const struct yk_serve *sv, struct pollfd *p)
{
	int n = 0;

	for (int i = 0; i < YK_SERVE_JOBS; i++)
		if (sv->jobs[i].ud)
			n += yk_job_fds(&sv->jobs[i], p + n);
	return n;
}

void
yk_serve_pump(struct yk_serve *sv)
{
	for (int i = 0; i < YK_SERVE_JOBS; i++) {
		struct yk_job *j = &sv->jobs[i];
		struct yk_serve_req *req = j->ud;
		char msg[80];

		if (req == NULL || !yk_job_pump(j))
			continue;
		if (j->timed_out)
			snprintf(msg, sizeof(msg),
				 "command timed out after %g s", sv->cfg.wait);
		else if (j->status != 0)
			snprintf(msg, sizeof(msg),
				 "command exited with status %d", j->status);
		yk_serve_reply(sv, req, j->output.p ? j->output.p : "",
			       j->output.len,
			       j->timed_out || j->status ? msg : NULL);
		yk_serve_req_free(req);
		free(req);
		yk_job_free(j);
		memset(j, 0, sizeof(*j));
	}
}

int
yk_serve_run(struct yk_serve *sv, struct yk_mqtt *s, struct yk_err *err)
{
	yk_serve_start(sv, s, err);
	while (!*sv->cfg.stop && err->rc == YK_OK) {
		struct pollfd p[2 * YK_SERVE_JOBS];
		struct yk_err w = {0};
		int n = yk_serve_fds(sv, p);

		/* ready: a query sent from now on is heard */
		if (sv->cfg.ready && !sv->cfg.ready->told &&
		    yk_mqtt_subscribed(s) &&
		    yk_ready_tell(sv->cfg.ready, &w) != YK_OK)
			logf_(sv, 0, "%s", w.msg); /* we serve all the same */
		if (yk_mqtt_step(s, p, n, 200, err) != YK_OK)
			break;
		yk_serve_pump(sv);
	}
	yk_serve_free(sv);
	if (err->rc == YK_OK)
		yk_mqtt_drain(s, sv->cfg.stop, err);
	return err->rc;
}

void
yk_serve_free(struct yk_serve *sv)
{
	for (int i = 0; i < YK_SERVE_JOBS; i++) {
		struct yk_job *j = &sv->jobs[i];

		if (j->ud == NULL)
			continue;
		yk_serve_req_free(j->ud);
		free(j->ud);
		yk_job_free(j);
		memset(j, 0, sizeof(*j));
	}
}
