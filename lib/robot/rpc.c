/*
 * rpc.c - robot RPC requests and replies (see rpc.h).
 *
 * Messages are packed into a buffer on the stack's caller side and handed
 * to yk_mqtt_send_wait, which copies them: nothing here outlives a call
 * but the request's response topic, which the robot may need after its
 * on_message returned.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fleet.h"
#include "query.h"
#include "rpc.h"

static int
send_packed(struct yk_mqtt *s, const char *topic, const ProtobufCMessage *m,
	    const char *resp_topic, const void *corr, size_t corr_len,
	    struct yk_err *err)
{
	size_t n = protobuf_c_message_get_packed_size(m);
	unsigned char *p = malloc(n ? n : 1);
	int rc;

	if (p == NULL)
		return yk_err_set(err, YK_ERUNTIME, "out of memory");
	protobuf_c_message_pack(m, p);
	struct yk_msg msg = {
		.topic = topic, .payload = p, .len = n, .qos = 1, .prio = -1,
		.resp_topic = resp_topic, .corr = corr, .corr_len = corr_len,
	};
	rc = yk_mqtt_send_wait(s, &msg, err);
	free(p);
	return rc;
}

/* <scope>/<robot>/rpc/<method>: the fleet channel "rpc/<method>" */
static void
method_topic(struct yk_buf *out, const struct yk_scope *sc,
	     const char *robot, const char *method)
{
	yk_fleet_topic(out, sc, robot, "rpc");
	yk_buf_addc(out, '/');
	yk_buf_adds(out, method);
}

int
yk_rpc_send(struct yk_mqtt *s, struct yk_rpc_call *c,
	    const struct yk_scope *sc, const char *robot, const char *method,
	    const ProtobufCMessage *req, const char *inbox, struct yk_err *err)
{
	struct yk_buf topic = {0};
	int rc;

	memset(c, 0, sizeof(*c));
	yk_q_random(c->corr, sizeof(c->corr));
	method_topic(&topic, sc, robot, method);
	rc = send_packed(s, topic.p, req, inbox, c->corr, sizeof(c->corr),
			 err);
	yk_buf_free(&topic);
	c->sent = rc == YK_OK;
	return rc;
}

bool
yk_rpc_take(struct yk_rpc_call *c, const struct yk_rx *rx)
{
	if (!c->sent || c->done || rx->corr_len != sizeof(c->corr) ||
	    memcmp(rx->corr, c->corr, sizeof(c->corr)) != 0)
		return false;
	c->reply = yoke__rpc_reply__unpack(NULL, rx->len, rx->payload);
	c->bad = c->reply == NULL;
	c->done = true;
	return true;
}

int
yk_rpc_wait(struct yk_mqtt *s, struct yk_rpc_call *c, const char *robot,
	    const char *method, double timeout_s, volatile sig_atomic_t *stop,
	    yk_rpc_step_fn step, void *ud, struct yk_err *err)
{
	int64_t end = yk_mono_ms() + (int64_t)(timeout_s * 1000);
	int64_t left;
	int ms, rc;

	while (!c->done) {
		if (stop != NULL && *stop) {
			c->interrupted = true;
			return yk_err_set(err, YK_ERUNTIME, "interrupted");
		}
		ms = 1000;
		if (timeout_s >= 0) {
			left = end - yk_mono_ms();
			if (left <= 0)
				return yk_err_set(err, YK_ETIMEOUT,
						  "no answer from '%s' to %s "
						  "within %g s", robot, method,
						  timeout_s);
			if (left < ms)
				ms = (int)left;
		}
		rc = step ? step(ud, ms, err)
			  : yk_mqtt_step(s, NULL, 0, ms, err);
		if (rc != YK_OK)
			return rc;
	}
	if (c->bad)
		return yk_err_set(err, YK_ERUNTIME,
				  "'%s' answered %s with something that is "
				  "not a yoke.RpcReply", robot, method);
	return YK_OK;
}

void
yk_rpc_serve_filter(struct yk_buf *out, const struct yk_scope *sc,
		    const char *robot)
{
	method_topic(out, sc, robot, "+");
}

bool
yk_rpc_req_from(struct yk_rpc_req *r, const struct yk_scope *sc,
		const struct yk_rx *rx)
{
	const char *key = yk_key_unscope(sc, rx->topic);
	const char *slash, *m;
	size_t n;

	memset(r, 0, sizeof(*r));
	if (key == NULL || rx->resp_topic == NULL ||
	    rx->corr_len > sizeof(r->corr))
		return false;
	slash = strchr(key, '/');
	if (slash == NULL || strncmp(slash, "/rpc/", 5) != 0)
		return false;
	m = slash + 5;
	n = (size_t)(slash - key);
	if (n >= sizeof(r->robot) || strlen(m) >= sizeof(r->method) ||
	    *m == '\0' || strchr(m, '/') != NULL)
		return false;
	memcpy(r->robot, key, n);
	r->robot[n] = '\0';
	strcpy(r->method, m);
	r->resp_topic = strdup(rx->resp_topic);
	if (r->resp_topic == NULL)
		return false;
	if (rx->corr_len > 0) /* none: rx->corr is NULL */
		memcpy(r->corr, rx->corr, rx->corr_len);
	r->corr_len = rx->corr_len;
	r->payload = rx->payload;
	r->len = rx->len;
	return true;
}

void
yk_rpc_req_free(struct yk_rpc_req *r)
{
	free(r->resp_topic);
	r->resp_topic = NULL;
}

int
yk_rpc_answer(struct yk_mqtt *s, const struct yk_rpc_req *r,
	      const Yoke__RpcReply *reply, struct yk_err *err)
{
	return send_packed(s, r->resp_topic, &reply->base, NULL, r->corr,
			   r->corr_len, err);
}

int
yk_rpc_answer_error(struct yk_mqtt *s, const struct yk_rpc_req *r,
		    const char *code, const char *message, struct yk_err *err)
{
	Yoke__RpcReply reply = YOKE__RPC_REPLY__INIT;
	Yoke__RpcError e = YOKE__RPC_ERROR__INIT;

	e.code = (char *)code;
	e.message = (char *)message;
	reply.reply_case = YOKE__RPC_REPLY__REPLY_ERROR;
	reply.error = &e;
	return yk_rpc_answer(s, r, &reply, err);
}
