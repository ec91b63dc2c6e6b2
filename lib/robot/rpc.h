/*
 * rpc.h - the robot RPC of proto/yoke.proto over MQTT v5 request/response:
 * both halves, the caller's (yoke-drive) and the robot's (yoke-sim).
 *
 *   request  <root>/<org>/<robot>/rpc/<method>, QoS 1, payload the
 *            method's request message, response topic = the robot's
 *            reply channel to the caller, <root>/<org>/_reply/<robot>/
 *            <user>/<client-id> (query.h), correlation data = 16 random
 *            bytes
 *   reply    on that response topic, QoS 1, same correlation data,
 *            payload a yoke.RpcReply
 *
 * So an ACL that lets only the robot write its reply channel and only the
 * caller's user read it (scripts/examples/fleet.acl) keeps others from
 * forging or reading the reply.  The robot answers on the response topic
 * as given: whoever may write its rpc topics may command it anyway.
 *
 * What always holds: a caller takes only the reply carrying its own
 * correlation data (a late reply to an earlier call is ignored); a robot
 * answers every request that has a response topic exactly once, keeping
 * what it needs to answer later (invoke answers when its action ends).
 * Neither half owns the loop: the caller's on_message hands messages to
 * yk_rpc_take / yk_rpc_req_from.
 */
#ifndef YK_RPC_H
#define YK_RPC_H

#include <signal.h>
#include <stdbool.h>

#include "buf.h"
#include "key.h"
#include "mqtt.h"
#include "yoke.pb-c.h"

/* The methods, as in the topic. */
#define YK_RPC_SKILLS "skills"
#define YK_RPC_INVOKE "invoke"
#define YK_RPC_CANCEL "cancel"
#define YK_RPC_STATE "state"
#define YK_RPC_VISION "vision"

/* ---- the caller ---- */

struct yk_rpc_call {
	unsigned char corr[16];
	bool sent;
	bool done;
	Yoke__RpcReply *reply; /* when done: the answer (caller frees it
				  with yoke__rpc_reply__free_unpacked) */
	bool bad;              /* when done: the answer did not unpack */
	bool interrupted;      /* the wait ended by a stop signal */
};

/*
 * Send req to robot's method, replies to inbox (the reply channel, which
 * the caller has subscribed to, so the answer cannot be missed).  c is reset first.
 */
int yk_rpc_send(struct yk_mqtt *s, struct yk_rpc_call *c,
		const struct yk_scope *sc, const char *robot,
		const char *method, const ProtobufCMessage *req,
		const char *inbox, struct yk_err *err);
/* From on_message: true when rx answers c (c->done is then set). */
bool yk_rpc_take(struct yk_rpc_call *c, const struct yk_rx *rx);
/* How a caller waits: step for up to ms (yk_mqtt_step's contract). */
typedef int (*yk_rpc_step_fn)(void *ud, int ms, struct yk_err *err);

/*
 * Step until c is answered, timeout_s passes (<0: no limit;
 * YK_ETIMEOUT "no answer from 'ROBOT' to METHOD within N s") or *stop
 * is set (YK_ERUNTIME "interrupted", and c->interrupted).  A reply that
 * does not unpack is YK_ERUNTIME.  step NULL: yk_mqtt_step(s, ...);
 * else step(ud, ms, err), for a caller whose loop does more.
 */
int yk_rpc_wait(struct yk_mqtt *s, struct yk_rpc_call *c, const char *robot,
		const char *method, double timeout_s,
		volatile sig_atomic_t *stop, yk_rpc_step_fn step, void *ud,
		struct yk_err *err);

/* ---- the robot ---- */

/* The filter a robot serves its methods on: <scope>/<robot>/rpc/+ */
void yk_rpc_serve_filter(struct yk_buf *out, const struct yk_scope *sc,
			 const char *robot);

struct yk_rpc_req {
	char robot[128];
	char method[32];
	const void *payload; /* valid only inside on_message */
	size_t len;
	char *resp_topic;    /* malloc'd: the request may be answered later */
	unsigned char corr[64];
	size_t corr_len;
};

/*
 * Read rx as a request: true when its topic is <scope>/<robot>/rpc/<m>
 * and it carries a response topic (a request without one cannot be
 * answered and is ignored, as MQTT v5 requesters expect).
 */
bool yk_rpc_req_from(struct yk_rpc_req *r, const struct yk_scope *sc,
		     const struct yk_rx *rx);
void yk_rpc_req_free(struct yk_rpc_req *r);

/* Answer r with reply (QoS 1). */
int yk_rpc_answer(struct yk_mqtt *s, const struct yk_rpc_req *r,
		  const Yoke__RpcReply *reply, struct yk_err *err);
/* Answer r with an RpcError. */
int yk_rpc_answer_error(struct yk_mqtt *s, const struct yk_rpc_req *r,
			const char *code, const char *message,
			struct yk_err *err);

#endif
