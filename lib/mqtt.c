/*
 * mqtt.c - MQTT v5 session: connect, reconnect, priority send queue,
 * subscriptions, all driven from yk_mqtt_step().
 *
 * libmosquitto is used without its thread: publishes are written at once
 * when the socket takes them, and reads drain the socket before the next
 * poll, which is where mosquitto_sub loses time (one select per message).
 *
 * Callbacks from libmosquitto only update counters and state; nothing is
 * published from inside a callback except through the queue, so there is no
 * re-entrancy to reason about.
 */
#include <errno.h>
#include <mosquitto.h>
#include <mqtt_protocol.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "clock.h"
#include "mqtt.h"
#include "pq.h"
#include "tlsdiag.h"
#include "wakepair.h"

/* QoS 0 messages handed to libmosquitto but not yet written. */
#define WIN0 256
/* Topic aliases we define per connection (at most what the broker allows). */
#define ALIASES 16
/* QoS 1 messages we let the broker push to us unacknowledged. */
#define RECV_MAX 1024

enum state { ST_DOWN, ST_CONNECTING, ST_UP, ST_CLOSING };

struct sub {
	char *filter;
	int qos;
	enum yk_rh rh;
	int mid;       /* SUBSCRIBE in flight, 0 when acknowledged */
};

struct yk_mqtt {
	struct mosquitto *m;
	struct yk_mqtt_cfg cfg;
	char client_id[128];
	char hostport[300];
	enum state state;
	bool ever_up;
	bool want_refresh;     /* credentials refused on a reconnect */
	bool refreshed;        /* new ones tried since the last connect */
	int64_t attempt_deadline; /* CONNECTING: give up at */
	int64_t reconnect_at;     /* DOWN: next attempt at */
	int64_t down_since;
	int64_t last_rx;          /* UP: when the broker last sent a packet */
	int64_t down_before;      /* down_since when this connection came */
	bool answered;            /* it sent anything after this CONNACK */
	bool ever_answered;
	bool silent;              /* the link ended by the watchdog */
	double backoff;           /* seconds */
	char cause[160];          /* why the last attempt or link failed */
	struct yk_tlsdiag tls;    /* why the current TLS attempt failed */
	int conn_errno;           /* see note_errno */
	struct yk_wakepair wake;  /* see wakepair.h */

	struct yk_pq q;
	int win1;                 /* broker's receive-maximum */
	int inflight0, inflight1;
	unsigned char qos1_mid[65536 / 8];
	unsigned long refused;
	int refused_reason;
	uint32_t max_packet;      /* broker's Maximum Packet Size, 0: none */
	unsigned long oversized;  /* queued, then too large after a reconnect */
	bool too_large;           /* the last yk_mqtt_send's failure */

	struct sub *subs;
	int nsubs;

	/* MQTT v5 topic aliases for QoS 0 streams: after the first message a
	 * topic goes as two bytes, and neither side parses it again */
	char *alias[ALIASES];
	int nalias, alias_max;

	void (*on_msg)(void *ud, const struct yk_rx *rx);
	void *msg_ud;
	yk_mqtt_conn_fn on_conn;
	void *conn_ud;
	bool conn_pending_cb;
	bool session_present;
	bool no_reading;
	bool with_will;          /* the goodbye asks for our will (0x04) */
	bool probed;             /* see only_311 */

	struct yk_err fatal;      /* fatal.rc != 0: stop */
	char abort_msg[400];      /* see on_abort */
	size_t abort_len;
};

static void
logf_(struct yk_mqtt *s, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
logf_(struct yk_mqtt *s, int level, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (s->cfg.log == NULL || s->cfg.verbose < level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->cfg.log(s->cfg.log_ud, level, msg);
}

static bool
mid_test(const struct yk_mqtt *s, int mid)
{
	return s->qos1_mid[(mid & 0xffff) >> 3] & (1u << (mid & 7));
}

static void
mid_set(struct yk_mqtt *s, int mid, bool on)
{
	unsigned char *b = &s->qos1_mid[(mid & 0xffff) >> 3];

	if (on)
		*b |= (unsigned char)(1u << (mid & 7));
	else
		*b &= (unsigned char)~(1u << (mid & 7));
}

static void
set_cause(struct yk_mqtt *s, int rc, int errnum)
{
	const char *c;

	if (rc == MOSQ_ERR_SUCCESS)
		return; /* our own DISCONNECT, or the broker's: keep the last */
	if (rc == MOSQ_ERR_ERRNO)
		c = errnum == EINTR ? "timed out" : strerror(errnum);
	else if (rc == MOSQ_ERR_CONN_LOST)
		c = "connection closed by the broker";
	else if (rc == MOSQ_ERR_KEEPALIVE)
		c = "no answer within the keepalive";
	else if (rc == MOSQ_ERR_EAI)
		c = "unknown host";
	else if (rc == MOSQ_ERR_TLS)
		c = "TLS handshake failed";
	else
		c = mosquitto_strerror(rc);
	if (rc == MOSQ_ERR_TLS && s->tls.why[0])
		snprintf(s->cause, sizeof(s->cause), "%s: %s", c, s->tls.why);
	else
		snprintf(s->cause, sizeof(s->cause), "%s", c);
}

/* Keep a dup of a TLS attempt's socket as soon as it exists (see
 * yk_tlsdiag_verdict). */
static void
probe_take(struct yk_mqtt *s)
{
	if (s->state == ST_CONNECTING && s->cfg.url->tls)
		yk_tlsdiag_take(&s->tls, mosquitto_socket(s->m));
}

/* MQTT reason codes in words, as our messages are written (lowercase);
 * libmosquitto's own strings for the rest. */
static const char *
reason_text(int reason)
{
	switch (reason) {
	case MQTT_RC_BAD_USERNAME_OR_PASSWORD:
		return "bad user name or password";
	case MQTT_RC_NOT_AUTHORIZED:
		return "not authorised";
	case MQTT_RC_BANNED:
		return "banned";
	case MQTT_RC_CLIENTID_NOT_VALID:
		return "client id not valid";
	case MQTT_RC_SERVER_UNAVAILABLE:
		return "server unavailable";
	case MQTT_RC_SERVER_BUSY:
		return "server busy";
	case MQTT_RC_QUOTA_EXCEEDED:
		return "quota exceeded";
	case MQTT_RC_PACKET_TOO_LARGE:
		return "message too large for the broker";
	default:
		return mosquitto_reason_string(reason);
	}
}

static bool
refusal(int reason)
{
	switch (reason) {
	case MQTT_RC_BAD_USERNAME_OR_PASSWORD:
	case MQTT_RC_NOT_AUTHORIZED:
	case MQTT_RC_BANNED:
	case MQTT_RC_BAD_AUTHENTICATION_METHOD:
	case MQTT_RC_CLIENTID_NOT_VALID:
		return true;
	default:
		return false;
	}
}

/* Aliases live as long as one connection. */
static void
clear_aliases(struct yk_mqtt *s)
{
	for (int i = 0; i < s->nalias; i++)
		free(s->alias[i]);
	s->nalias = 0;
}

/*
 * The alias for a QoS 0 message's topic, defining one if there is room:
 * returns the alias (1..) and sets *define when the topic must go along
 * this once; 0 for none.  Only QoS 0: libmosquitto resends QoS 1 messages
 * on a new connection, where an alias of the old one means nothing.
 */
static int
topic_alias(struct yk_mqtt *s, const char *topic, bool *define)
{
	*define = false;
	for (int i = 0; i < s->nalias; i++)
		if (strcmp(s->alias[i], topic) == 0)
			return i + 1;
	if (s->nalias >= s->alias_max)
		return 0;
	s->alias[s->nalias++] = yk_strdup(topic);
	*define = true;
	return s->nalias;
}

static void
send_subscribe(struct yk_mqtt *s, int i)
{
	struct sub *sb = &s->subs[i];
	mosquitto_property *props = NULL;
	int mid = 0, rc;
	/* Renewals never repeat retained messages the session already got. */
	int rh = sb->rh == YK_RH_NEVER ? MQTT_SUB_OPT_SEND_RETAIN_NEVER
				       : MQTT_SUB_OPT_SEND_RETAIN_NEW;

	mosquitto_property_add_varint(&props, MQTT_PROP_SUBSCRIPTION_IDENTIFIER,
				      (uint32_t)i + 1);
	rc = mosquitto_subscribe_v5(s->m, &mid, sb->filter, sb->qos, rh, props);
	mosquitto_property_free_all(&props);
	if (rc == MOSQ_ERR_SUCCESS) {
		sb->mid = mid;
	} else if (rc != MOSQ_ERR_NO_CONN) {
		yk_err_set(&s->fatal, YK_EUSAGE, "cannot subscribe to '%s': %s",
			   sb->filter, mosquitto_strerror(rc));
	}
}

/* What a broker that does not speak MQTT v5 is told it is. */
static void
not_v5(struct yk_mqtt *s, const char *how)
{
	yk_err_set(&s->fatal, YK_ERUNTIME,
		   "broker '%s' does not speak MQTT v5, which yoke needs (%s)",
		   s->hostport, how);
}

static void
on_connect(struct mosquitto *m, void *ud, int rc, int flags,
	   const mosquitto_property *props)
{
	struct yk_mqtt *s = ud;
	uint16_t rmax = 0;

	(void)m;
	if (rc == MQTT_RC_UNSUPPORTED_PROTOCOL_VERSION ||
	    rc == CONNACK_REFUSED_PROTOCOL_VERSION) {
		/* libmosquitto reads a 3.1.1 CONNACK "unacceptable protocol
		 * version" as 0x84: no later attempt can do better */
		not_v5(s, "it refused our MQTT v5 CONNECT: unsupported "
			  "protocol version");
		return;
	}
	if (rc != 0) {
		const char *why = reason_text(rc);

		if (refusal(rc) && s->ever_up && s->cfg.refresh &&
		    !s->refreshed) {
			logf_(s, 1, "broker '%s' refused the connection: %s",
			      s->hostport, why);
			s->want_refresh = true;
		} else if (refusal(rc))
			yk_err_set(&s->fatal, YK_EREFUSED,
				   "broker '%s' refused the connection: %s",
				   s->hostport, why);
		else if (!s->ever_up)
			yk_err_set(&s->fatal, YK_ERUNTIME,
				   "broker '%s' refused the connection: %s",
				   s->hostport, why);
		else
			logf_(s, 1, "broker refused the connection: %s", why);
		return;
	}
	s->state = ST_UP;
	s->ever_up = true;
	s->refreshed = false;
	s->last_rx = yk_mono_ms();
	s->answered = false;
	s->down_before = s->down_since;
	yk_tlsdiag_close(&s->tls);
	if (s->cfg.verbose < 3)
		mosquitto_log_callback_set(s->m, NULL);
	s->backoff = 0;
	s->session_present = flags & 1;
	s->win1 = 65535;
	if (mosquitto_property_read_int16(props, MQTT_PROP_RECEIVE_MAXIMUM,
					  &rmax, false))
		s->win1 = rmax;
	s->max_packet = 0;
	mosquitto_property_read_int32(props, MQTT_PROP_MAXIMUM_PACKET_SIZE,
				      &s->max_packet, false);
	rmax = 0;
	mosquitto_property_read_int16(props, MQTT_PROP_TOPIC_ALIAS_MAXIMUM,
				      &rmax, false);
	s->alias_max = rmax < ALIASES ? rmax : ALIASES;
	clear_aliases(s);
	logf_(s, 1, "connected to %s as '%s'%s", s->hostport, s->client_id,
	      s->session_present ? " (session resumed)" : "");
	for (int i = 0; i < s->nsubs; i++)
		send_subscribe(s, i);
	s->conn_pending_cb = true;
}

/* libmosquitto's TLS handshake reports a failed write on a dead socket
 * as success, leaving errno set: keep the first such errno of an attempt
 * (see connect_dead).  Only socket errors count, as OpenSSL may leave an
 * unrelated errno behind. */
static void
note_errno(struct yk_mqtt *s)
{
	int e = errno;

	if (s->state != ST_CONNECTING || s->conn_errno != 0)
		return;
	if (e == ECONNREFUSED || e == ECONNRESET || e == EPIPE ||
	    e == ENOTCONN || e == ETIMEDOUT || e == EHOSTUNREACH ||
	    e == ENETUNREACH)
		s->conn_errno = e;
}

/* A broker that closes the connection before it answers our CONNECT (or
 * our TLS hello) is often one that speaks the other protocol on that
 * port. */
static void
port_hint(struct yk_mqtt *s, int rc, int e)
{
	size_t n = strlen(s->cause);

	if (yk_tlsdiag_fatal(&s->tls))
		return;
	if (rc != MOSQ_ERR_CONN_LOST && rc != MOSQ_ERR_TLS &&
	    !(rc == MOSQ_ERR_ERRNO && e == ECONNRESET))
		return;
	snprintf(s->cause + n, sizeof(s->cause) - n, "%s",
		 s->cfg.url->tls ? " (does the broker speak TLS on that port?)"
				 : " (is it a TLS port? then use mqtts://)");
}

/* Wait up to ms for fd to be ready for events; false on a timeout. */
static bool
wait_fd(int fd, short events, int ms)
{
	struct pollfd p = {fd, events, 0};

	return poll(&p, 1, ms) == 1 && (p.revents & events);
}

/*
 * A broker that speaks only MQTT 3.1.1 answers a v5 CONNECT with a 3.1.1
 * CONNACK "unacceptable protocol version" (nats-server, aedes: see
 * on_connect), or, when it cannot even parse it, closes without a word
 * (RabbitMQ before 3.13: "unparseable payload").  That close looks like a
 * TLS port's.  To tell them apart, once per session, on a fresh
 * connection: a 3.1.1 CONNECT (clean session, empty client id, so no
 * session is left behind).  A CONNACK of any return code says the broker
 * speaks MQTT, only not v5.  Blocking, bounded by the connect timeout (3
 * s at most), on a path that ends in an error anyway.
 */
static bool
only_311(struct yk_mqtt *s)
{
	static const unsigned char connect311[] = {
		0x10, 12, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x02, 0, 0, 0, 0,
	};
	static const unsigned char bye[] = {0xe0, 0};
	struct addrinfo hints = {0}, *ai = NULL;
	unsigned char b[4];
	char port[16];
	int ms = (int)(s->cfg.connect_timeout * 1000), fd = -1, got = 0;
	bool yes = false;

	if (s->probed || s->cfg.url->tls)
		return false;
	s->probed = true;
	if (ms > 3000)
		ms = 3000;
	snprintf(port, sizeof(port), "%d", s->cfg.url->port);
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(s->cfg.url->host, port, &hints, &ai) != 0)
		return false;
	fd = socket(ai->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
		    0);
	if (fd < 0)
		goto out;
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 &&
	    (errno != EINPROGRESS || !wait_fd(fd, POLLOUT, ms)))
		goto out;
	if (send(fd, connect311, sizeof(connect311), MSG_NOSIGNAL) !=
	    (ssize_t)sizeof(connect311))
		goto out;
	while (got < 4 && wait_fd(fd, POLLIN, ms)) {
		ssize_t n = recv(fd, b + got, sizeof(b) - (size_t)got, 0);

		if (n <= 0)
			break;
		got += (int)n;
	}
	yes = got == 4 && b[0] == 0x20 && b[1] == 0x02;
	if (yes)
		send(fd, bye, sizeof(bye), MSG_NOSIGNAL);
out:
	if (fd >= 0)
		close(fd);
	freeaddrinfo(ai);
	return yes;
}

/* libmosquitto's word for a packet from the broker it could not read */
static bool
garbled(int rc)
{
	return rc == MOSQ_ERR_PROTOCOL || rc == MOSQ_ERR_MALFORMED_PACKET ||
	       rc == MOSQ_ERR_MALFORMED_UTF8 ||
	       rc == MOSQ_ERR_DUPLICATE_PROPERTY ||
	       rc == MOSQ_ERR_TOPIC_ALIAS_INVALID;
}

static void
on_disconnect(struct mosquitto *m, void *ud, int rc,
	      const mosquitto_property *props)
{
	struct yk_mqtt *s = ud;
	int e = errno;
	int64_t now = yk_mono_ms();
	uint32_t r;
	bool silent = s->silent;

	(void)m;
	(void)props;
	s->silent = false;
	if (!silent) /* else the cause is the watchdog's */
		set_cause(s, rc, e);
	if (s->state == ST_CONNECTING && rc != MOSQ_ERR_SUCCESS &&
	    s->fatal.rc == 0) {
		yk_tlsdiag_verdict(&s->tls, &s->fatal);
		if ((rc == MOSQ_ERR_CONN_LOST ||
		     (rc == MOSQ_ERR_ERRNO && e == ECONNRESET)) &&
		    s->fatal.rc == 0 && only_311(s))
			not_v5(s, "it closed the connection at our MQTT v5 "
				  "CONNECT, and answers an MQTT 3.1.1 one");
		else
			port_hint(s, rc, e);
	}
	yk_tlsdiag_close(&s->tls);
	if (s->state == ST_CLOSING) {
		s->state = ST_DOWN;
		return;
	}
	if (s->state == ST_UP) {
		logf_(s, 1, "connection to %s lost: %s", s->hostport, s->cause);
		s->down_since = now;
		/* a broker that went silent was gone since it last spoke;
		 * one that never answered on this connection was not there
		 * at all: the offline clock goes on from before it */
		if (silent || rc == MOSQ_ERR_KEEPALIVE)
			s->down_since = s->answered ? s->last_rx
						    : s->down_before;
		/* A broker whose first word after the CONNACK was a malformed
		 * packet was not there either (a restart resets the link,
		 * it does not garble it): the clock goes on, and when no
		 * connection ever worked, a first one that must (the
		 * default) has failed; else every reconnect would be
		 * broken the same way, for ever. */
		if (!s->answered && garbled(rc)) {
			s->down_since = s->down_before;
			if (!s->ever_answered && s->cfg.offline_timeout < 0 &&
			    s->fatal.rc == 0)
				yk_err_set(&s->fatal, YK_ERUNTIME,
					   "broker '%s' accepted the "
					   "connection, then broke it: %s",
					   s->hostport, s->cause);
		}
	}
	s->state = ST_DOWN;
	/* Unwritten QoS 0 packets are gone; in-flight QoS 1 stay with
	 * libmosquitto, which resends them after the next CONNACK. */
	s->inflight0 = 0;
	clear_aliases(s);
	for (int i = 0; i < s->nsubs; i++)
		s->subs[i].mid = 0;
	s->backoff = s->backoff == 0 ? 1 : s->backoff * 2;
	if (s->backoff > 60)
		s->backoff = 60;
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint32_t)now;
	/* +-10% jitter spreads a fleet's reconnects after a broker restart */
	s->reconnect_at = now + (int64_t)(s->backoff * 1000 *
					  (0.9 + 0.2 * (r / 4294967296.0)));
}

static void
on_publish(struct mosquitto *m, void *ud, int mid, int reason,
	   const mosquitto_property *props)
{
	struct yk_mqtt *s = ud;

	(void)m;
	(void)props;
	if (mid_test(s, mid)) {
		mid_set(s, mid, false);
		s->inflight1--;
		if (reason >= 0x80) {
			s->refused++;
			s->refused_reason = reason;
			logf_(s, 1, "broker refused a message: %s",
			      reason_text(reason));
		}
	} else if (s->inflight0 > 0) {
		s->inflight0--;
	}
}

static void
on_subscribe(struct mosquitto *m, void *ud, int mid, int n,
	     const int *granted, const mosquitto_property *props)
{
	struct yk_mqtt *s = ud;

	(void)m;
	(void)props;
	for (int i = 0; i < s->nsubs; i++) {
		if (s->subs[i].mid != mid)
			continue;
		s->subs[i].mid = 0;
		if (n > 0 && granted[0] < 0x80)
			logf_(s, 1, "subscribed to '%s'", s->subs[i].filter);
		if (n > 0 && granted[0] >= 0x80)
			yk_err_set(&s->fatal,
				   granted[0] == MQTT_RC_NOT_AUTHORIZED
					   ? YK_EREFUSED
					   : YK_ERUNTIME,
				   "broker refused the subscription to '%s': "
				   "%s",
				   s->subs[i].filter, reason_text(granted[0]));
	}
}

bool
yk_rx_via(const struct yk_rx *rx, int id)
{
	if (rx->nsub_ids == 0)
		return true;
	for (int i = 0; i < rx->nsub_ids; i++)
		if (rx->sub_ids[i] == id)
			return true;
	return false;
}

char *
yk_rx_prop(const struct yk_rx *rx, const char *name)
{
	const mosquitto_property *p = rx->props;
	bool skip = false;

	for (;;) {
		char *n = NULL, *v = NULL;

		p = mosquitto_property_read_string_pair(
			p, MQTT_PROP_USER_PROPERTY, &n, &v, skip);
		if (p == NULL)
			return NULL;
		skip = true;
		if (strcmp(n, name) == 0) {
			free(n);
			return v;
		}
		free(n);
		free(v);
	}
}

static void
on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg,
	   const mosquitto_property *props)
{
	struct yk_mqtt *s = ud;
	struct yk_rx rx = {0};
	const mosquitto_property *p;
	char *ts;
	void *corr = NULL;
	uint16_t corr_len = 0;
	char *resp = NULL;

	(void)m;
	if (s->on_msg == NULL)
		return;
	rx.session = s;
	rx.topic = msg->topic;
	rx.payload = msg->payload;
	rx.len = (size_t)msg->payloadlen;
	rx.qos = msg->qos;
	rx.retain = msg->retain;
	rx.props = props;
	rx.ts_us = -1;
	ts = yk_rx_prop(&rx, "ts");
	if (ts) {
		char *end;
		long long v;

		/* digits only: no blanks, signs or a value past 64 bits */
		errno = 0;
		v = strtoll(ts, &end, 10);
		if (*end == '\0' && end != ts && v >= 0 && errno == 0 &&
		    *ts >= '0' && *ts <= '9')
			rx.ts_us = v;
		free(ts);
	}
	p = props;
	for (bool skip = false; rx.nsub_ids < YK_MAX_SUB_IDS; skip = true) {
		uint32_t id;

		p = mosquitto_property_read_varint(
			p, MQTT_PROP_SUBSCRIPTION_IDENTIFIER, &id, skip);
		if (p == NULL)
			break;
		rx.sub_ids[rx.nsub_ids++] = (int)id;
	}
	if (mosquitto_property_read_binary(props, MQTT_PROP_CORRELATION_DATA,
					   &corr, &corr_len, false)) {
		rx.corr = corr;
		rx.corr_len = corr_len;
	}
	if (mosquitto_property_read_string(props, MQTT_PROP_RESPONSE_TOPIC,
					   &resp, false))
		rx.resp_topic = resp;
	s->on_msg(s->msg_ud, &rx);
	free(corr);
	free(resp);
}

static void
on_log(struct mosquitto *m, void *ud, int level, const char *str)
{
	struct yk_mqtt *s = ud;

	(void)m;
	/* libmosquitto logs "sending CONNECT" before it writes it: the
	 * socket exists, and a reset may follow before the call returns */
	probe_take(s);
	if (level == MOSQ_LOG_ERR && s->state == ST_CONNECTING)
		yk_tlsdiag_log(&s->tls, str);
	logf_(s, 3, "libmosquitto: %s", str);
}


static void
on_alarm(int sig)
{
	(void)sig; /* interrupts a blocking connect(2): EINTR */
}

/* Start a connection attempt; a failure schedules the next one. */
static void
attempt(struct yk_mqtt *s, bool first)
{
	int rc, e;

	errno = 0;
	/* already now: what libmosquitto logs during the call below
	 * belongs to this attempt (see on_log) */
	s->state = ST_CONNECTING;
	yk_tlsdiag_begin(&s->tls);
	s->conn_errno = 0;
	/* Only the log says why a TLS attempt failed (see tlsdiag.h).  It is
	 * read while connecting only: with a log callback set, libmosquitto
	 * formats a line for every packet, a cost on a stream. */
	if (s->cfg.url->tls)
		mosquitto_log_callback_set(s->m, on_log);
	if (first) {
		mosquitto_property *props = NULL;
		struct sigaction sa = {0}, old;

		if (!s->cfg.clean_start)
			mosquitto_property_add_int32(
				&props, MQTT_PROP_SESSION_EXPIRY_INTERVAL,
				(uint32_t)s->cfg.session_expiry);
		/*
		 * libmosquitto 2.0 takes CONNECT properties only through its
		 * blocking connect; later attempts reuse them without
		 * blocking.  SIGALRM (no SA_RESTART) bounds that connect(2),
		 * which would otherwise wait minutes on a silent host.
		 */
		sa.sa_handler = on_alarm;
		sigaction(SIGALRM, &sa, &old);
		alarm((unsigned)s->cfg.connect_timeout + 1);
		rc = mosquitto_connect_bind_v5(s->m, s->cfg.url->host,
					       s->cfg.url->port,
					       s->cfg.keepalive, NULL, props);
		alarm(0);
		sigaction(SIGALRM, &old, NULL);
		mosquitto_property_free_all(&props);
	} else {
		rc = mosquitto_reconnect_async(s->m);
	}
	e = errno;
	/* an asynchronous TLS attempt has tried its first write already */
	note_errno(s);
	probe_take(s);
	/* the CONNECT, if the attempt got that far, went through
	 * libmosquitto's wake-up pair: now it can be told */
	yk_wakepair_mute(&s->wake);
	s->state = ST_CONNECTING;
	s->attempt_deadline =
		yk_mono_ms() + (int64_t)(s->cfg.connect_timeout * 1000);
	if (rc != MOSQ_ERR_SUCCESS) {
		errno = e;
		on_disconnect(s->m, s, rc, NULL);
		logf_(s, 1, "cannot connect to %s: %s", s->hostport, s->cause);
	}
}

static void
fail_offline(struct yk_mqtt *s)
{
	if (s->cfg.offline_timeout < 0)
		yk_err_set(&s->fatal, YK_ERUNTIME, "cannot connect to '%s': %s",
			   s->hostport, s->cause);
	else
		yk_err_set(&s->fatal, YK_ERUNTIME,
			   "no connection to '%s' for %g s: %s", s->hostport,
			   s->cfg.offline_timeout, s->cause);
}

/* Decide what to do while not connected: give up, wait, or try again. */
static void
tend_link(struct yk_mqtt *s, int64_t now)
{
	if (s->fatal.rc)
		return;
	if (s->state == ST_CONNECTING && now >= s->attempt_deadline) {
		snprintf(s->cause, sizeof(s->cause), "timed out");
		on_disconnect(s->m, s, MOSQ_ERR_SUCCESS, NULL);
	}
	if (s->state != ST_DOWN)
		return;
	if (s->want_refresh) {
		const char *user = NULL, *pass = NULL;

		s->want_refresh = false;
		s->refreshed = true;
		if (s->cfg.refresh(s->cfg.refresh_ud, &user, &pass,
				   &s->fatal) != YK_OK)
			return;
		mosquitto_username_pw_set(s->m, user, pass);
		s->reconnect_at = now;
	}
	if (s->cfg.offline_timeout < 0) {
		if (!s->ever_up) {
			fail_offline(s);
			return;
		}
	} else if (now - s->down_since > s->cfg.offline_timeout * 1000) {
		fail_offline(s);
		return;
	}
	if (now >= s->reconnect_at)
		attempt(s, false);
}

/* v (>= 0) in decimal, in buf (24 bytes) */
static const char *
decimal(char *buf, int64_t v)
{
	char *p = buf + 23;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	return p;
}

static size_t
varint_len(size_t n)
{
	return n < 128 ? 1 : n < 16384 ? 2 : n < 2097152 ? 3 : 4;
}

/*
 * The whole PUBLISH packet publish_item makes of it, as the broker's
 * Maximum Packet Size counts it (fixed header included), with a topic of
 * topic_len bytes and, if alias, a topic alias.  We check it ourselves:
 * libmosquitto's own check before mosquitto_publish_v5 returns leaves
 * out a few bytes (the property length, the fixed header), and the exact
 * one after it, in send__publish, logs through log__printf(NULL, ...),
 * which aborts (see on_abort).
 */
static size_t
publish_size(const struct yk_pq_item *it, size_t topic_len, bool alias)
{
	char num[24];
	size_t props = 1 + 2 + 2 + 2 + strlen(decimal(num, it->ts_us));
	size_t rem;

	if (it->prio >= 0 && it->prio != YK_PRIO_DEFAULT)
		props += 1 + 2 + 4 + 2 + strlen(decimal(num, it->prio));
	for (int i = 0; i < it->nprops; i++)
		props += 1 + 2 + strlen(it->props[2 * i]) + 2 +
			 strlen(it->props[2 * i + 1]);
	if (it->resp_topic)
		props += 1 + 2 + strlen(it->resp_topic);
	if (it->corr)
		props += 1 + 2 + it->corr_len;
	if (alias)
		props += 1 + 2;
	rem = 2 + topic_len + (it->qos > 0 ? 2 : 0) + varint_len(props) +
	      props + it->len;
	return 1 + varint_len(rem) + rem;
}

/* The message cannot go to this broker, now or queued: its largest
 * form (an alias defined along with the topic) is over the limit. */
static bool
too_large(const struct yk_mqtt *s, const struct yk_pq_item *it)
{
	return s->max_packet > 0 &&
	       publish_size(it, strlen(it->topic), it->qos == 0) >
		       s->max_packet;
}

static int
publish_item(struct yk_mqtt *s, const struct yk_pq_item *it)
{
	mosquitto_property *props = NULL;
	const char *topic = it->topic;
	char num[24];
	int mid = 0, rc, alias = 0;
	bool define = false;

	/* per message, so no printf */
	mosquitto_property_add_string_pair(&props, MQTT_PROP_USER_PROPERTY,
					   "ts", decimal(num, it->ts_us));
	/* the default class goes without saying: one allocation less per
	 * message, and receivers read a missing prio as data (100) */
	if (it->prio >= 0 && it->prio != YK_PRIO_DEFAULT)
		mosquitto_property_add_string_pair(
			&props, MQTT_PROP_USER_PROPERTY, "prio",
			decimal(num, it->prio));
	for (int i = 0; i < it->nprops; i++)
		mosquitto_property_add_string_pair(
			&props, MQTT_PROP_USER_PROPERTY, it->props[2 * i],
			it->props[2 * i + 1]);
	if (it->resp_topic)
		mosquitto_property_add_string(&props, MQTT_PROP_RESPONSE_TOPIC,
					      it->resp_topic);
	if (it->corr)
		mosquitto_property_add_binary(&props,
					      MQTT_PROP_CORRELATION_DATA,
					      it->corr, (uint16_t)it->corr_len);
	if (it->qos == 0)
		alias = topic_alias(s, it->topic, &define);
	if (alias) {
		mosquitto_property_add_int16(&props, MQTT_PROP_TOPIC_ALIAS,
					     (uint16_t)alias);
		if (!define)
			topic = NULL;
	}
	if (s->max_packet > 0 &&
	    publish_size(it, topic ? strlen(topic) : 0, alias != 0) >
		    s->max_packet) {
		if (alias && define)
			free(s->alias[--s->nalias]);
		mosquitto_property_free_all(&props);
		return MOSQ_ERR_OVERSIZE_PACKET;
	}
	if (it->qos == 1)
		s->inflight1++;
	else
		s->inflight0++;
	/* mid must be marked before libmosquitto may call on_publish, which
	 * it does from inside this call for a QoS 0 message; mids of QoS 1
	 * messages are marked after, as their PUBACK cannot come sooner. */
	rc = mosquitto_publish_v5(s->m, &mid, topic, (int)it->len,
				  it->payload, it->qos, it->retain, props);
	mosquitto_property_free_all(&props);
	if (rc != MOSQ_ERR_SUCCESS) {
		if (alias && define) /* not sent: the alias was not defined */
			free(s->alias[--s->nalias]);
		if (it->qos == 1)
			s->inflight1--;
		else if (s->inflight0 > 0)
			s->inflight0--;
		return rc;
	}
	if (it->qos == 1)
		mid_set(s, mid, true);
	return MOSQ_ERR_SUCCESS;
}

static bool
window_open(const struct yk_mqtt *s, int qos)
{
	return qos == 1 ? s->inflight1 < s->win1 : s->inflight0 < WIN0;
}

/* Hand queued messages to libmosquitto while the windows allow. */
static void
pump(struct yk_mqtt *s)
{
	while (s->state == ST_UP && s->fatal.rc == 0) {
		struct yk_pq_item *it = yk_pq_peek(&s->q);
		int rc;

		if (it == NULL || !window_open(s, it->qos))
			return;
		it = yk_pq_pop(&s->q);
		rc = publish_item(s, it);
		if (rc == MOSQ_ERR_SUCCESS) {
			free(it);
			continue;
		}
		if (rc == MOSQ_ERR_OVERSIZE_PACKET) {
			/* it fitted when queued: a reconnect lowered the
			 * limit; the others may still go */
			s->oversized++;
			logf_(s, 1, "dropped a message to '%s': too large for "
			      "the broker (its limit is %u bytes)", it->topic,
			      s->max_packet);
			free(it);
			continue;
		}
		yk_pq_unshift(&s->q, it);
		if (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST ||
		    rc == MOSQ_ERR_ERRNO)
			return; /* the link is down; it stays queued */
		yk_err_set(&s->fatal,
			   rc == MOSQ_ERR_OVERSIZE_PACKET ||
				   rc == MOSQ_ERR_PAYLOAD_SIZE ||
				   rc == MOSQ_ERR_MALFORMED_UTF8
				   ? YK_EUSAGE
				   : YK_ERUNTIME,
			   "cannot publish to '%s': %s", it->topic,
			   mosquitto_strerror(rc));
		return;
	}
}

static struct yk_pq_item *
item_new(const struct yk_msg *m)
{
	size_t tl = strlen(m->topic) + 1;
	size_t rl = m->resp_topic ? strlen(m->resp_topic) + 1 : 0;
	size_t pl = 0;
	struct yk_pq_item *it;
	char *d;

	for (int i = 0; i < m->nprops; i++)
		pl += strlen(m->props[i].name) + strlen(m->props[i].value) + 2;
	it = yk_malloc(sizeof(*it) + sizeof(char *) * 2 * (size_t)m->nprops +
		       tl + rl + pl + m->len + m->corr_len);
	d = (char *)(it + 1);
	it->props = (char **)d;
	d += sizeof(char *) * 2 * (size_t)m->nprops;
	it->next = NULL;
	it->qos = m->qos;
	it->retain = m->retain;
	it->prio = m->prio;
	it->ts_us = m->ts_us ? m->ts_us : yk_now_us();
	it->topic = memcpy(d, m->topic, tl);
	d += tl;
	it->resp_topic = rl ? memcpy(d, m->resp_topic, rl) : NULL;
	d += rl;
	it->nprops = m->nprops;
	for (int i = 0; i < m->nprops; i++) {
		size_t a = strlen(m->props[i].name) + 1;
		size_t b = strlen(m->props[i].value) + 1;

		it->props[2 * i] = memcpy(d, m->props[i].name, a);
		d += a;
		it->props[2 * i + 1] = memcpy(d, m->props[i].value, b);
		d += b;
	}
	it->payload = m->len ? memcpy(d, m->payload, m->len) : d;
	it->len = m->len;
	d += m->len;
	it->corr = m->corr_len ? memcpy(d, m->corr, m->corr_len) : NULL;
	it->corr_len = m->corr_len;
	return it;
}

int
yk_mqtt_send(struct yk_mqtt *s, const struct yk_msg *m, struct yk_err *err)
{
	struct yk_pq_item it = {
		.qos = m->qos, .retain = m->retain, .prio = m->prio,
		.ts_us = m->ts_us ? m->ts_us : yk_now_us(),
		.topic = (char *)m->topic, .payload = (void *)m->payload,
		.len = m->len, .resp_topic = (char *)m->resp_topic,
		.corr = (void *)m->corr, .corr_len = m->corr_len,
	};
	char *pv[16];

	s->too_large = false;
	if (s->fatal.rc) {
		*err = s->fatal;
		return err->rc;
	}
	if (m->nprops <= 8) {
		for (int i = 0; i < m->nprops; i++) {
			pv[2 * i] = (char *)m->props[i].name;
			pv[2 * i + 1] = (char *)m->props[i].value;
		}
		it.props = pv;
		it.nprops = m->nprops;
	}
	/* Not fatal: this message cannot go, the session goes on. */
	if (m->nprops <= 8 && too_large(s, &it)) {
		s->too_large = true;
		return yk_err_set(err, YK_ERUNTIME,
				  "cannot publish to '%s': message too large "
				  "for the broker (its limit is %u bytes)",
				  m->topic, s->max_packet);
	}
	/* Fast path: nothing waits and the window is open, so the queue
	 * would hand it straight on; skip the copy.  An express message
	 * goes at once whatever waits: libmosquitto holds what exceeds the
	 * window (QoS 1), and nothing orders it behind the queue. */
	if (s->state == ST_UP && m->nprops <= 8 &&
	    (m->express || (s->q.count == 0 && window_open(s, m->qos))) &&
	    publish_item(s, &it) == MOSQ_ERR_SUCCESS)
		return YK_OK;
	if (yk_pq_full(&s->q))
		return YK_EAGAIN;
	yk_pq_push(&s->q, item_new(m));
	pump(s);
	if (s->fatal.rc) {
		*err = s->fatal;
		return err->rc;
	}
	return YK_OK;
}

unsigned long
yk_mqtt_too_large(const struct yk_mqtt *s)
{
	return s->too_large ? s->max_packet : 0;
}

void
yk_mqtt_stop_reading(struct yk_mqtt *s)
{
	s->no_reading = true;
}

int
yk_mqtt_send_wait(struct yk_mqtt *s, const struct yk_msg *m,
		  struct yk_err *err)
{
	for (;;) {
		int rc = yk_mqtt_send(s, m, err);

		if (rc != YK_EAGAIN)
			return rc;
		if (yk_mqtt_step(s, NULL, 0, 100, err) != YK_OK)
			return err->rc;
	}
}

int
yk_mqtt_subscribe(struct yk_mqtt *s, const char *filter, int qos,
		  enum yk_rh rh, struct yk_err *err)
{
	int i = s->nsubs;

	s->subs = yk_realloc(s->subs, sizeof(*s->subs) * (size_t)(i + 1));
	s->subs[i].filter = yk_strdup(filter);
	s->subs[i].qos = qos;
	s->subs[i].rh = rh;
	s->subs[i].mid = 0;
	s->nsubs++;
	if (s->state == ST_UP)
		send_subscribe(s, i);
	if (s->fatal.rc) {
		*err = s->fatal;
		return -1;
	}
	return i + 1;
}

bool
yk_mqtt_subscribed(const struct yk_mqtt *s)
{
	if (s->state != ST_UP)
		return false;
	for (int i = 0; i < s->nsubs; i++)
		if (s->subs[i].mid != 0)
			return false;
	return true;
}

size_t
yk_mqtt_pending(const struct yk_mqtt *s)
{
	return s->q.count + (size_t)s->inflight0 + (size_t)s->inflight1;
}

bool
yk_mqtt_queue_full(const struct yk_mqtt *s)
{
	return yk_pq_full(&s->q);
}

bool
yk_mqtt_can_send(const struct yk_mqtt *s, int qos)
{
	return s->state == ST_UP && s->q.count == 0 && window_open(s, qos);
}


bool
yk_mqtt_up(const struct yk_mqtt *s)
{
	return s->state == ST_UP;
}

bool
yk_mqtt_pollfd(const struct yk_mqtt *s, struct pollfd *p)
{
	int sock = s->state == ST_DOWN ? -1 : mosquitto_socket(s->m);

	p->fd = sock;
	p->events = 0;
	p->revents = 0;
	if (sock < 0)
		return false;
	p->events = s->no_reading ? 0 : POLLIN;
	if (mosquitto_want_write(s->m))
		p->events |= POLLOUT;
	return true;
}

const char *
yk_mqtt_client_id(const struct yk_mqtt *s)
{
	return s->client_id;
}


void
yk_mqtt_on_connect(struct yk_mqtt *s, yk_mqtt_conn_fn fn, void *ud)
{
	s->on_conn = fn;
	s->conn_ud = ud;
	/* Registered while connected: it runs at the next step. */
	s->conn_pending_cb = fn != NULL && s->state == ST_UP;
}

/* libmosquitto reports some failures (a TLS handshake) only through a
 * return value, without its disconnect callback: treat them alike. */
static void
io_result(struct yk_mqtt *s, int rc)
{
	if (rc != MOSQ_ERR_SUCCESS && rc != MOSQ_ERR_NO_CONN &&
	    s->state != ST_DOWN)
		on_disconnect(s->m, s, rc, NULL);
}

/*
 * Acknowledge at once what we just read, while PUBACKs are still due.
 * mosquitto leaves Nagle on, so it holds a second PUBACK until our kernel
 * ACKs the segment that carried the first, and a delayed ACK waits 40 ms:
 * two QoS 1 messages in flight took 45 ms instead of 3.  Linux sends the
 * pending ACK when TCP_QUICKACK is set, and clears the flag again by
 * itself, so it is set after every read.  One system call per read, and
 * only while QoS 1 messages wait: a subscriber does not pay it.
 */
static void
quick_ack(struct yk_mqtt *s)
{
	int one = 1, fd;

	if (s->inflight1 == 0 || s->state == ST_DOWN)
		return;
	fd = mosquitto_socket(s->m);
	if (fd >= 0)
		setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &one, sizeof(one));
}

/*
 * A broker can make libmosquitto abort: 2.0.11 (and 2.0.18 still) logs an
 * unknown property identifier, in any packet the broker sends (CONNACK,
 * PUBLISH, SUBACK, AUTH, ...), through log__printf(NULL, ...), whose
 * assert(mosq) then fails (property_mosq.c, the default case of
 * property__read): `f0 06 18 ab d5 77 00 2f`, an AUTH whose property is
 * id 0, does it, and so do about 5% of random 300-byte replies.  Nothing
 * in its API prevents it: it reads and parses the socket itself, before
 * any callback runs, so we cannot refuse the packet first; no option
 * (MOSQ_OPT_*) skips property parsing, and a v5 client has no AUTH
 * callback (handle__auth parses, then drops, the packet).  Peeking at the
 * socket (MSG_PEEK) would see nothing under TLS.
 *
 * So, as a last resort, a SIGABRT handler: while libmosquitto reads a
 * broker's packets (and only then), an abort becomes exit 1 with a
 * message, by write(2) and _exit(2), both async-signal-safe, and no core
 * dump.  The costs: the session cannot be resumed (libmosquitto's state
 * after a failed assert is unknown, so no reconnect is tried); stdio
 * buffers are not flushed (every tool flushes its stdout per record);
 * glibc's "Assertion `mosq' failed" line comes first, before ours.  An
 * abort anywhere else (a bug of ours) still aborts, with a core: the
 * handler puts the default action back and raises the signal again.
 * The message is formatted when the session opens; a store to a pointer
 * marks the read, two per wakeup, not per packet.
 */
static const char *volatile guard_msg;
static volatile size_t guard_len;

static void
on_abort(int sig)
{
	const char *m = guard_msg;

	if (m == NULL) {
		signal(sig, SIG_DFL);
		raise(sig); /* delivered as the handler returns */
		return;
	}
	if (write(STDERR_FILENO, m, guard_len) < 0) {
		/* nothing left to tell it to */
	}
	_exit(YK_ERUNTIME);
}

static void
guard_init(struct yk_mqtt *s)
{
	static bool done;
	struct sigaction sa = {0};
	int n;

	n = snprintf(s->abort_msg, sizeof(s->abort_msg),
		     "%s: broker '%s' sent a packet that libmosquitto cannot "
		     "handle (it aborted on it): giving up\n",
		     yk_prog, s->hostport);
	s->abort_len = n > 0 && (size_t)n < sizeof(s->abort_msg)
			       ? (size_t)n
			       : strlen(s->abort_msg);
	if (done)
		return;
	done = true;
	sa.sa_handler = on_abort;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGABRT, &sa, NULL);
}

static void
guard_on(struct yk_mqtt *s)
{
	guard_len = s->abort_len;
	guard_msg = s->abort_msg;
}

static void
guard_off(void)
{
	guard_msg = NULL;
}

static void
read_packets(struct yk_mqtt *s)
{
	/* Drain what the socket holds (bounded, to stay fair to the other
	 * descriptors): one poll per burst instead of one per packet. */
	for (int i = 0; i < 4096 && s->state != ST_DOWN && !s->no_reading;
	     i++) {
		int rc;

		errno = 0;
		rc = mosquitto_loop_read(s->m, 1);
		if (rc != MOSQ_ERR_SUCCESS) {
			io_result(s, rc);
			return;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			break;
		note_errno(s);
		if (s->state == ST_CONNECTING && s->conn_errno)
			return;
	}
	quick_ack(s);
}

static void
read_socket(struct yk_mqtt *s)
{
	guard_on(s);
	read_packets(s);
	guard_off();
}

static void
write_socket(struct yk_mqtt *s)
{
	int rc;

	errno = 0;
	rc = mosquitto_loop_write(s->m, 1);
	note_errno(s);
	io_result(s, rc);
}

/*
 * The socket of a connection attempt reported an error or a hang-up, and
 * reading did not end the attempt.  libmosquitto's TLS handshake takes a
 * failed write (a refused connection) for "try again later", and would
 * be called again without pause until --connect-timeout: end the attempt
 * here, with the socket's error, or the one a read or write saw.
 */
static void
connect_dead(struct yk_mqtt *s, int fd)
{
	int e = 0;
	socklen_t l = sizeof(e);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &l) != 0 || e == 0)
		e = s->conn_errno;
	errno = e;
	io_result(s, e ? MOSQ_ERR_ERRNO : MOSQ_ERR_CONN_LOST);
}

/* The first subscription the broker has not acknowledged, or NULL. */
static const char *
unacked(const struct yk_mqtt *s)
{
	for (int i = 0; i < s->nsubs; i++)
		if (s->subs[i].mid != 0)
			return s->subs[i].filter;
	return NULL;
}

/*
 * A broker that keeps the connection open and stops answering.
 * libmosquitto sends a PINGREQ once nothing came for a keepalive, and
 * gives up after a second one without a PINGRESP: two keepalives, and
 * never, for a tool that only waits for an acknowledgement, when the
 * broker that accepted the connection never answers anything at all.
 * Ours: nothing for 1.5 x the keepalive (a healthy broker answers the
 * PINGREQ in well under the half keepalive left) ends the link as lost,
 * and it is retried as any lost link; when no connection was ever
 * answered and a first connection must work (offline_timeout < 0),
 * that is fatal.  Shutting the socket down makes libmosquitto's next
 * read see the end, so it closes and reports the loss itself.
 */
static void
watchdog(struct yk_mqtt *s, int64_t now)
{
	int64_t limit = (int64_t)s->cfg.keepalive * 1500;
	const char *f = unacked(s);

	if (s->state != ST_UP || s->cfg.keepalive <= 0 || s->no_reading ||
	    now - s->last_rx <= limit || s->silent)
		return;
	if (f)
		snprintf(s->cause, sizeof(s->cause),
			 "the broker did not acknowledge the subscription to "
			 "'%s' within %g s (1.5 x the keepalive)", f,
			 limit / 1000.0);
	else
		snprintf(s->cause, sizeof(s->cause),
			 "no answer from the broker within %g s (1.5 x the "
			 "keepalive)", limit / 1000.0);
	if (!s->ever_answered && s->cfg.offline_timeout < 0 &&
	    s->fatal.rc == 0)
		yk_err_set(&s->fatal, YK_ERUNTIME,
			   "broker '%s' accepted the connection, then stopped "
			   "answering: %s", s->hostport, s->cause);
	s->silent = true;
	shutdown(mosquitto_socket(s->m), SHUT_RDWR);
	read_socket(s);
}

int
yk_mqtt_sub_check(const struct yk_mqtt *s, struct yk_err *err)
{
	const char *f = unacked(s);

	if (s->fatal.rc) {
		*err = s->fatal;
		return err->rc;
	}
	if (s->state != ST_UP)
		return yk_err_set(err, YK_ERUNTIME,
				  "no connection to '%s': %s", s->hostport,
				  s->cause[0] ? s->cause : "not connected");
	if (f)
		return yk_err_set(err, YK_ERUNTIME,
				  "broker '%s' did not acknowledge the "
				  "subscription to '%s'", s->hostport, f);
	return YK_OK;
}

int
yk_mqtt_step(struct yk_mqtt *s, struct pollfd *ext, int next, int timeout_ms,
	     struct yk_err *err)
{
	struct pollfd fds[1 + 16];
	int64_t now = yk_mono_ms();
	int sock = -1, n, base = 0;

	if (next > 16)
		abort(); /* more than any tool watches */
	tend_link(s, now);
	if (s->fatal.rc)
		goto fatal;
	if (s->state != ST_DOWN)
		sock = mosquitto_socket(s->m);
	if (sock >= 0) {
		fds[0].fd = sock;
		fds[0].events = s->no_reading ? 0 : POLLIN;
		if (mosquitto_want_write(s->m))
			fds[0].events |= POLLOUT;
		fds[0].revents = 0;
		base = 1;
	}
	for (int i = 0; i < next; i++) {
		fds[base + i] = ext[i];
		fds[base + i].revents = 0;
	}
	/* Wake at least once a second (a tenth of the keepalive, if less)
	 * for the keepalive, its watchdog and reconnect timers: the PINGREQ
	 * goes at most that late, the watchdog's margin is the rest. */
	if (timeout_ms < 0 || timeout_ms > 1000)
		timeout_ms = 1000;
	if (s->cfg.keepalive > 0 && timeout_ms > s->cfg.keepalive * 100)
		timeout_ms = s->cfg.keepalive * 100;
	if (s->state == ST_DOWN && s->reconnect_at - now < timeout_ms)
		timeout_ms = (int)(s->reconnect_at > now ? s->reconnect_at - now
							 : 0);
	n = poll(fds, (nfds_t)(base + next), timeout_ms);
	if (n < 0 && errno != EINTR)
		return yk_err_set(err, YK_ERUNTIME, "poll: %s",
				  strerror(errno));
	for (int i = 0; i < next; i++)
		ext[i].revents = n > 0 ? fds[base + i].revents : 0;
	if (n > 0 && base) {
		if (fds[0].revents & (POLLIN | POLLERR | POLLHUP)) {
			bool up = s->state == ST_UP;

			read_socket(s);
			/* the CONNACK itself is no answer (see watchdog) */
			if (up && s->state == ST_UP &&
			    (fds[0].revents & POLLIN)) {
				s->last_rx = yk_mono_ms();
				s->answered = s->ever_answered = true;
			}
		}
		if (s->state == ST_CONNECTING &&
		    (fds[0].revents & (POLLERR | POLLHUP)))
			connect_dead(s, sock);
		if (s->state != ST_DOWN && (fds[0].revents & POLLOUT))
			write_socket(s);
	}
	if (s->state != ST_DOWN)
		mosquitto_loop_misc(s->m);
	watchdog(s, yk_mono_ms());
	if (s->conn_pending_cb && s->state == ST_UP) {
		s->conn_pending_cb = false;
		if (s->on_conn)
			s->on_conn(s->conn_ud, s->session_present);
	}
	pump(s);
	if (s->state != ST_DOWN && mosquitto_want_write(s->m))
		write_socket(s);
	if (s->fatal.rc)
		goto fatal;
	return YK_OK;
fatal:
	*err = s->fatal;
	return err->rc;
}

int
yk_mqtt_drain(struct yk_mqtt *s, volatile sig_atomic_t *stop,
	      struct yk_err *err)
{
	return yk_mqtt_drain_for(s, stop, -1, err);
}

int
yk_mqtt_interrupted(const struct yk_mqtt *s, struct yk_err *err)
{
	return yk_err_set(err, YK_ERUNTIME,
			  "interrupted with %zu messages not confirmed by the "
			  "broker",
			  yk_mqtt_pending(s));
}

int
yk_mqtt_drain_for(struct yk_mqtt *s, volatile sig_atomic_t *stop, int ms,
		  struct yk_err *err)
{
	/* The signal that asked us to finish is why we drain; only a
	 * further one gives up. */
	sig_atomic_t seen = stop ? *stop : 0;
	int64_t end = yk_mono_ms() + ms, left = 1000;

	while (yk_mqtt_pending(s) > 0 || (s->state == ST_UP &&
					  mosquitto_want_write(s->m))) {
		if (stop && *stop > seen)
			return yk_mqtt_interrupted(s, err);
		if (ms >= 0) {
			left = end - yk_mono_ms();
			if (left <= 0)
				return yk_err_set(err, YK_ERUNTIME,
						  "%zu messages not confirmed "
						  "by the broker within %g s",
						  yk_mqtt_pending(s),
						  ms / 1000.0);
		}
		if (yk_mqtt_step(s, NULL, 0, left < 1000 ? (int)left : 1000,
				 err) != YK_OK)
			return err->rc;
	}
	return yk_mqtt_refusals(s, err);
}

int
yk_mqtt_refusals(const struct yk_mqtt *s, struct yk_err *err)
{
	bool auth = s->refused_reason == MQTT_RC_NOT_AUTHORIZED;

	if (s->refused == 0 && s->oversized > 0)
		return yk_err_set(err, YK_ERUNTIME,
				  "%lu message%s dropped: too large for the "
				  "broker (its limit is %u bytes)",
				  s->oversized, s->oversized == 1 ? "" : "s",
				  s->max_packet);
	if (s->refused == 0)
		return YK_OK;
	return yk_err_set(err, auth ? YK_EREFUSED : YK_ERUNTIME,
			  "broker refused %lu message%s: %s", s->refused,
			  s->refused == 1 ? "" : "s",
			  reason_text(s->refused_reason));
}

int
yk_mqtt_open(struct yk_mqtt **out, const struct yk_mqtt_cfg *cfg,
	     struct yk_err *err)
{
	struct yk_mqtt *s = yk_calloc(1, sizeof(*s));
	const struct yk_url *u = cfg->url;

	s->cfg = *cfg;
	s->on_msg = cfg->on_message;
	s->msg_ud = cfg->msg_ud;
	yk_pq_init(&s->q, cfg->queue_max);
	yk_url_hostport(u, s->hostport, sizeof(s->hostport));
	yk_tlsdiag_init(&s->tls,
			&(struct yk_tlsdiag_ctx){.hostport = s->hostport,
						 .host = u->host,
						 .cafile = cfg->cafile,
						 .cert = cfg->cert,
						 .key = cfg->key});
	if (cfg->client_id) {
		snprintf(s->client_id, sizeof(s->client_id), "%s",
			 cfg->client_id);
	} else {
		unsigned char r[8];

		if (getrandom(r, sizeof(r), 0) != sizeof(r))
			memset(r, (int)getpid(), sizeof(r));
		snprintf(s->client_id, sizeof(s->client_id),
			 "yk-%02x%02x%02x%02x%02x%02x%02x%02x", r[0], r[1],
			 r[2], r[3], r[4], r[5], r[6], r[7]);
	}
	guard_init(s);
	mosquitto_lib_init();
	yk_wakepair_before(&s->wake);
	s->m = mosquitto_new(s->client_id, cfg->clean_start, s);
	if (s->m == NULL) {
		free(s);
		return yk_err_set(err, YK_ERUNTIME, "cannot create client: %s",
				  strerror(errno));
	}
	yk_wakepair_after(&s->wake);
	mosquitto_int_option(s->m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_int_option(s->m, MOSQ_OPT_RECEIVE_MAXIMUM, RECV_MAX);
	/* If the broker states no receive-maximum, MQTT says 65535. */
	mosquitto_int_option(s->m, MOSQ_OPT_SEND_MAXIMUM, 65535);
	/* Nagle's algorithm made a stream wait for the broker's delayed
	 * ACKs: measured, 200,000 lines went 30% faster without it, and a
	 * sparse stream's latency no longer depends on it. */
	mosquitto_int_option(s->m, MOSQ_OPT_TCP_NODELAY, 1);
	if (u->user)
		mosquitto_username_pw_set(s->m, u->user, u->pass);
	if (u->tls) {
		const char *files[] = {cfg->cafile, cfg->cert, cfg->key};
		int rc;

		for (int i = 0; i < 3; i++) {
			if (files[i] && access(files[i], R_OK) != 0) {
				yk_err_set(err, YK_EUSAGE,
					   "cannot read '%s': %s", files[i],
					   strerror(errno));
				goto fail;
			}
		}
		/* libmosquitto 2.0 wants a cafile or a capath even when told
		 * to use the system's certificates: give it the system's
		 * directory. */
		rc = mosquitto_tls_set(s->m, cfg->cafile,
				       cfg->cafile ? NULL : YK_CAPATH,
				       cfg->cert, cfg->key, NULL);
		if (rc != MOSQ_ERR_SUCCESS) {
			const char *why = rc == MOSQ_ERR_ERRNO
						  ? strerror(errno)
						  : mosquitto_strerror(rc);

			yk_err_set(err, YK_EUSAGE, "cannot set up TLS: %s",
				   why);
			goto fail;
		}
	}
	if (cfg->will_topic) {
		mosquitto_property *wp = NULL;

		for (int i = 0; i < cfg->will_nprops; i++)
			mosquitto_property_add_string_pair(
				&wp, MQTT_PROP_USER_PROPERTY,
				cfg->will_props[i].name,
				cfg->will_props[i].value);
		/* the will owns its properties once set */
		if (mosquitto_will_set_v5(s->m, cfg->will_topic,
					  (int)cfg->will_len,
					  cfg->will_payload, cfg->will_qos,
					  cfg->will_retain,
					  wp) != MOSQ_ERR_SUCCESS) {
			mosquitto_property_free_all(&wp);
			yk_err_set(err, YK_EUSAGE, "invalid will topic '%s'",
				   cfg->will_topic);
			goto fail;
		}
	}
	mosquitto_connect_v5_callback_set(s->m, on_connect);
	mosquitto_disconnect_v5_callback_set(s->m, on_disconnect);
	mosquitto_publish_v5_callback_set(s->m, on_publish);
	mosquitto_message_v5_callback_set(s->m, on_message);
	mosquitto_subscribe_v5_callback_set(s->m, on_subscribe);
	if (cfg->verbose >= 3)
		mosquitto_log_callback_set(s->m, on_log);

	s->down_since = yk_mono_ms();
	attempt(s, true);
	while (s->state != ST_UP) {
		if (yk_mqtt_step(s, NULL, 0, 100, err) != YK_OK)
			goto fail;
		/* The first connection must work (offline_timeout < 0): one
		 * the broker broke in the read that brought its CONNACK (a
		 * malformed packet right after it) did not, and retrying it
		 * for ever, as a lost link, would never end. */
		if (s->ever_up && s->state == ST_DOWN &&
		    s->cfg.offline_timeout < 0) {
			yk_err_set(err, YK_ERUNTIME,
				   "broker '%s' accepted the connection, then "
				   "broke it: %s",
				   s->hostport, s->cause);
			goto fail;
		}
	}
	*out = s;
	return YK_OK;
fail:
	yk_tlsdiag_close(&s->tls);
	mosquitto_destroy(s->m);
	yk_pq_clear(&s->q);
	free(s);
	return err->rc;
}

/*
 * Close without losing our last packets.  libmosquitto closes the socket
 * right after writing DISCONNECT; if messages we chose not to read (-C)
 * are still in the receive buffer, that close(2) sends a TCP reset, and a
 * broker that has not yet read our final PUBACKs and DISCONNECT loses
 * them, so the session gets those messages again.  The same happens when
 * the broker writes to us after we closed: its first packet (the PUBACK of
 * a QoS 1 message still in flight, a message for a subscription) draws
 * the reset, its next write fails, and mosquitto 2.0 drops the connection
 * ("disconnected due to out of memory") before it reads our DISCONNECT,
 * so the will is published after a clean exit.  Holding a dup of the
 * socket, we half-close it (FIN after our data) and read and discard until
 * the broker closes its side: the unread messages stay unacknowledged,
 * and what we sent arrives.
 */
static void
linger(int fd, int64_t end)
{
	char sink[4096];

	if (fd < 0)
		return;
	shutdown(fd, SHUT_WR);
	for (int64_t now = yk_mono_ms(); now < end; now = yk_mono_ms()) {
		struct pollfd p = {fd, POLLIN, 0};

		if (poll(&p, 1, (int)(end - now)) <= 0 ||
		    read(fd, sink, sizeof(sink)) <= 0)
			break;
	}
	close(fd);
}

/* DISCONNECT reasons: a normal goodbye (the will is dropped), and 0x04,
 * publish our will all the same. */
#define BYE MQTT_RC_NORMAL_DISCONNECTION
#define WITH_WILL MQTT_RC_DISCONNECT_WITH_WILL_MSG

void
yk_mqtt_close(struct yk_mqtt *s)
{
	if (s == NULL)
		return;
	if (s->state == ST_UP) {
		int64_t end = yk_mono_ms() + 2000;
		int fd = -1, unread = 0;

		/* Our own hold on the socket, see linger().  Only a clean
		 * session without a will, to which the broker owes nothing
		 * (no PUBACK due, no subscription, nothing unread), skips it:
		 * one-shot tools would pay a round trip.  What is unread now
		 * says nothing of what is on its way. */
		ioctl(mosquitto_socket(s->m), FIONREAD, &unread);
		if (!s->cfg.clean_start || s->no_reading || unread > 0 ||
		    s->inflight1 > 0 || s->nsubs > 0 || s->cfg.will_topic)
			fd = dup(mosquitto_socket(s->m));

		s->state = ST_CLOSING;
		mosquitto_disconnect_v5(s->m, s->with_will ? WITH_WILL : BYE,
					NULL);
		/* The DISCONNECT is written at once unless the socket is
		 * full; give a slow link two seconds to take it. */
		while (s->state == ST_CLOSING && mosquitto_want_write(s->m) &&
		       yk_mono_ms() < end) {
			struct pollfd p = {mosquitto_socket(s->m), POLLOUT, 0};

			if (p.fd < 0 || poll(&p, 1, 100) < 0)
				break;
			mosquitto_loop_write(s->m, 1);
		}
		linger(fd, end);
	}
	yk_tlsdiag_close(&s->tls);
	mosquitto_destroy(s->m);
	mosquitto_lib_cleanup();
	yk_pq_clear(&s->q);
	for (int i = 0; i < s->nsubs; i++)
		free(s->subs[i].filter);
	free(s->subs);
	clear_aliases(s);
	free(s);
}

void
yk_mqtt_close_with_will(struct yk_mqtt *s)
{
	if (s)
		s->with_will = true;
	yk_mqtt_close(s);
}
