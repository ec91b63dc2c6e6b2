/*
 * mqtt.h - one MQTT v5 session over libmosquitto, driven by the caller's
 * loop.
 *
 * Single-threaded by design: yk_mqtt_step() polls the broker socket together
 * with the caller's own descriptors (stdin, child pipes), so a tool needs no
 * locks and reads its input only when the send queue has room.
 *
 * What always holds:
 * - a message passed to yk_mqtt_send is queued (bounded, by priority) and
 *   handed to libmosquitto only while at most the broker's receive-maximum
 *   QoS 1 messages are unacknowledged, so priorities still order a backed-up
 *   queue;
 * - QoS 1 messages survive a lost connection: queued ones wait, in-flight
 *   ones are resent by libmosquitto after the reconnect;
 * - a lost connection is retried with exponential backoff from 1 s to 60 s,
 *   jittered +-10%, and subscriptions are renewed;
 * - a broker that stops answering is a lost connection within 1.5 x the
 *   keepalive; when it never answered anything after a CONNACK and the
 *   first connection must work, that is fatal (YK_ERUNTIME);
 * - a broker's packet that makes libmosquitto abort ends the process
 *   with exit 1 and a message, never a core (see on_abort in mqtt.c);
 * - refused credentials are fatal at once (YK_EREFUSED), never retried;
 *   so is a client certificate the broker refuses, and a broker
 *   certificate that does not verify or name the host (YK_ERUNTIME), or
 *   a TLS file that does not load (YK_EUSAGE).
 */
#ifndef YK_MQTT_H
#define YK_MQTT_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "url.h"

struct yk_mqtt;
struct yk_rx;

struct yk_mqtt_cfg {
	const struct yk_url *url;
	const char *client_id;    /* NULL: a random one */
	bool clean_start;         /* false: resume a persistent session */
	long session_expiry;      /* seconds a persistent session outlives us */
	int keepalive;            /* seconds */
	const char *cafile, *cert, *key;
	size_t queue_max;         /* messages in the send queue */
	double connect_timeout;   /* seconds for one connection attempt */
	double offline_timeout;   /* <0: first connect must work, later losses
				     are retried for ever; >=0: give up after
				     this many seconds without a connection */
	const char *will_topic;   /* NULL: no will */
	const void *will_payload;
	size_t will_len;
	int will_qos;
	bool will_retain;
	const struct yk_prop *will_props;  /* user properties of the will */
	int will_nprops;
	/* Where received messages go.  Set here, not later: a resumed
	 * session's queued messages arrive right behind the CONNACK. */
	void (*on_message)(void *ud, const struct yk_rx *rx);
	void *msg_ud;
	/* Diagnostics for -v; never given secrets. */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
	int verbose;
	/* When the broker refuses our credentials on a reconnect (they were
	 * rotated while we were connected): new ones, tried once at once.
	 * NULL, or a second refusal: fatal, as on the first connect. */
	int (*refresh)(void *ud, const char **user, const char **pass,
		       struct yk_err *err);
	void *refresh_ud;
};

struct yk_prop {
	const char *name;
	const char *value;
};

struct yk_msg {
	const char *topic;
	const void *payload;
	size_t len;
	int qos;
	bool retain;
	int prio;             /* 0..255; <0: do not send the prio property */
	bool express;         /* skip the queue and the in-flight window */
	int64_t ts_us;        /* 0: stamp when queued */
	const char *resp_topic;
	const void *corr;
	size_t corr_len;
	const struct yk_prop *props;
	int nprops;
};

#define YK_MAX_SUB_IDS 8

struct yk_rx {
	struct yk_mqtt *session; /* the session it came on */
	const char *topic;
	const void *payload;
	size_t len;
	int qos;
	bool retain;
	int64_t ts_us;        /* sender's `ts`, or -1 */
	const char *resp_topic;
	const void *corr;
	size_t corr_len;
	int sub_ids[YK_MAX_SUB_IDS];
	int nsub_ids;
	const void *props;    /* for yk_rx_prop */
};

/* True when rx came through subscription id (or carries no ids). */
bool yk_rx_via(const struct yk_rx *rx, int id);
/* A user property of a received message (malloc'd copy), or NULL. */
char *yk_rx_prop(const struct yk_rx *rx, const char *name);

typedef void (*yk_mqtt_conn_fn)(void *ud, bool session_present);

/* Retain handling of a subscription (MQTT v5). */
enum yk_rh { YK_RH_SEND = 0, YK_RH_NEW = 1, YK_RH_NEVER = 2 };

/* Connect; returns once the broker accepted the session (CONNACK). */
int yk_mqtt_open(struct yk_mqtt **out, const struct yk_mqtt_cfg *cfg,
		 struct yk_err *err);
/* Called from yk_mqtt_step after every successful (re)connect, before
 * queued messages go; registered while connected, at the next step. */
void yk_mqtt_on_connect(struct yk_mqtt *s, yk_mqtt_conn_fn fn, void *ud);

/* Subscribe now and after every reconnect.  Returns the subscription id
 * (1, 2, ...) that received messages carry in sub_ids. */
int yk_mqtt_subscribe(struct yk_mqtt *s, const char *filter, int qos,
		      enum yk_rh rh, struct yk_err *err);
/* True when every subscription has been acknowledged. */
bool yk_mqtt_subscribed(const struct yk_mqtt *s);
/* For a wait that ends with nothing received: YK_OK when every
 * subscription was acknowledged (nothing was there: exit 3 is right);
 * else YK_ERUNTIME, the broker failed: it did not acknowledge one, or
 * the link is down. */
int yk_mqtt_sub_check(const struct yk_mqtt *s, struct yk_err *err);

/* Queue a message.  YK_EAGAIN: the queue is full, step and try again.
 * A message larger than the broker's Maximum Packet Size (its CONNACK
 * says) is refused, YK_ERUNTIME "message too large for the broker (its
 * limit is N bytes)", and yk_mqtt_too_large() is true: that message
 * only, the session goes on (a server answers the next query). */
int yk_mqtt_send(struct yk_mqtt *s, const struct yk_msg *m,
		 struct yk_err *err);
/* The broker's limit, when the last yk_mqtt_send failed because its
 * message was over it; else 0. */
unsigned long yk_mqtt_too_large(const struct yk_mqtt *s);
/*
 * Read no further message.  libmosquitto acknowledges a QoS 1 message as it
 * reads it, before we see it; a subscriber that has had enough (-C) calls
 * this from its message callback, so what follows stays unread and
 * unacknowledged, and a persistent session gets it next time.
 */
void yk_mqtt_stop_reading(struct yk_mqtt *s);
/* yk_mqtt_send, stepping while the queue is full. */
int yk_mqtt_send_wait(struct yk_mqtt *s, const struct yk_msg *m,
		      struct yk_err *err);
/* Messages queued or not yet confirmed. */
size_t yk_mqtt_pending(const struct yk_mqtt *s);
bool yk_mqtt_queue_full(const struct yk_mqtt *s);
/* True when a message of qos sent now goes to the broker at once: the
 * session is up, nothing waits in the queue, the window is open.  What
 * is perishable (telemetry) is dropped instead when this is false. */
bool yk_mqtt_can_send(const struct yk_mqtt *s, int qos);
const char *yk_mqtt_client_id(const struct yk_mqtt *s);
/* Connected now (what is sent goes at once, not after a reconnect). */
bool yk_mqtt_up(const struct yk_mqtt *s);
/*
 * The session's socket as a pollfd (fd, events), for a process that waits
 * on many sessions in one poll(2) and then steps the ready ones with a
 * zero timeout (yoke-sim).  False when there is no socket (down): step it
 * anyway, at least once a second, for its reconnect timer.
 */
bool yk_mqtt_pollfd(const struct yk_mqtt *s, struct pollfd *p);

/*
 * Wait up to timeout_ms (-1: no limit) for the broker socket or any of
 * ext[0..next); do the I/O, callbacks, keepalive and reconnects.  ext's
 * revents are filled.  Returns YK_OK or a fatal error.
 */
int yk_mqtt_step(struct yk_mqtt *s, struct pollfd *ext, int next,
		 int timeout_ms, struct yk_err *err);
/* Step until nothing is pending, or *stop grows (a further stop signal).
 * Fatal errors are returned. */
int yk_mqtt_drain(struct yk_mqtt *s, volatile sig_atomic_t *stop,
		  struct yk_err *err);
/* yk_mqtt_drain, giving up after ms milliseconds (<0: never) with
 * YK_ERUNTIME "N messages not confirmed by the broker within S s": a
 * goodbye to a broker that is gone must not hold up the exit. */
int yk_mqtt_drain_for(struct yk_mqtt *s, volatile sig_atomic_t *stop, int ms,
		      struct yk_err *err);
/* A wait for the broker that a further signal ended: YK_ERUNTIME
 * "interrupted with N messages not confirmed by the broker". */
int yk_mqtt_interrupted(const struct yk_mqtt *s, struct yk_err *err);
/* The messages the broker refused so far (QoS 1: its PUBACK said no):
 * YK_EREFUSED when not authorised, YK_ERUNTIME for other reasons. */
int yk_mqtt_refusals(const struct yk_mqtt *s, struct yk_err *err);
/* Normal DISCONNECT (the will is not published), then free.  A session
 * the broker may still write to (QoS 1 unconfirmed, subscriptions, a will,
 * a persistent session) waits, up to 2 s, for the broker to read it and
 * close its side. */
void yk_mqtt_close(struct yk_mqtt *s);
/* As yk_mqtt_close, but the DISCONNECT (reason 0x04) asks the broker to
 * publish the will all the same: what we could not confirm, it sends. */
void yk_mqtt_close_with_will(struct yk_mqtt *s);

#endif
