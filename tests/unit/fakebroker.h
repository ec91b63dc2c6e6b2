/*
 * fakebroker.h - an MQTT v5 broker small enough to live in a unit test,
 * so that code which needs a session (lib/fleet/agent.c, lib/feed.c,
 * lib/robot/rpc.c, lib/sim/simrun.c) is tested without mosquitto.
 *
 * fb_start forks a child that listens on a free 127.0.0.1 port and does
 * what a broker does for yoke's sessions: CONNECT (and CONNACK, or a
 * refusal the test asked for), SUBSCRIBE with retain handling and
 * subscription identifiers, PUBLISH at QoS 0 and 1 routed to every
 * matching subscription (+ and # wildcards) with the publisher's
 * properties, retained messages, wills (a connection lost, or DISCONNECT
 * 0x04), PINGREQ, UNSUBSCRIBE, DISCONNECT.  No topic aliases (the CONNACK
 * allows none), no QoS 2, no persistent sessions, no $share.
 *
 * The child tells the test what it saw, one line per event on a pipe, in
 * the order it happened; a PUBLISH is told before its PUBACK, so once a
 * QoS 1 send is confirmed its line is waiting:
 *   C client user will-topic will-qos will-retain will-hex   (CONNECT)
 *   P client topic qos retain hex                            (PUBLISH in)
 *   S client filter qos rh subid                             (SUBSCRIBE)
 *   U client filter                                          (UNSUBSCRIBE)
 *   D client reason                                          (DISCONNECT)
 *   X client                                    (connection closed)
 *   W client topic qos retain hex               (its will, published)
 * ("-" for what is absent; payloads in hex).  The test steers it with
 * fb_ctl: "R USER RC" refuses the CONNECTs of USER with reason RC, "M N"
 * announces a Maximum Packet Size of N in later CONNACKs, "I N" a
 * Receive Maximum of N (QoS 1 messages in flight), "K CLIENT" drops that
 * connection without a word (its will goes out).  fb_mark and
 * fb_upto_mark read everything told until now, not a line less: what
 * the child has told is in its own buffer a moment before it is in the
 * pipe, so an empty pipe proves nothing; a mark line it tells after all
 * of it does.
 *
 * Every wait for an event is bounded (FB_WAIT_MS): a test that waits for
 * what never comes fails, saying what it waited for, instead of hanging.
 * fb_conf and fb_session set up a tool's settings and sessions for it.
 * Include after <cmocka.h>.
 */
#ifndef YK_TEST_FAKEBROKER_H
#define YK_TEST_FAKEBROKER_H

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"

#define FB_WAIT_MS 10000
#define FB_CLIENTS 64
#define FB_SUBS 32
#define FB_RETAINED 256

struct fb {
	pid_t pid;
	int port;
	char url[64];
	int ev;  /* events from the child */
	int ctl; /* commands to it */
	char *line;
	size_t have, cap;
};

struct fb_event {
	char kind;
	char client[128];
	char user[128];
	char topic[512];
	int qos, retain, rh, subid, reason;
	unsigned char *payload; /* NUL-terminated copy; NULL: "-" */
	size_t len;
};

/* ---------------------------------------------------------------- child */

struct fb_sub {
	char *filter;
	int qos, rh, subid;
	bool rap; /* retain as published */
};

struct fb_client {
	int fd;
	bool connected, gone;
	char id[128], user[128];
	unsigned char *in;
	size_t nin, capin;
	char *will_topic;
	unsigned char *will;
	size_t will_len;
	int will_qos;
	bool will_retain, has_will;
	struct fb_sub subs[FB_SUBS];
	int nsubs;
	uint16_t next_id;
};

struct fb_retained {
	char *topic;
	unsigned char *payload;
	size_t len;
	unsigned char *props;
	size_t plen;
	int qos;
};

struct fb_child {
	int ev, ctl, lfd;
	struct fb_client c[FB_CLIENTS];
	struct fb_retained r[FB_RETAINED];
	int nr;
	char refuse_user[128];
	int refuse_rc;
	uint32_t max_packet;
	uint16_t recv_max;
	unsigned char *out; /* event lines not yet written */
	size_t nout, capout;
};

static inline void
fb_grow(unsigned char **p, size_t *cap, size_t need)
{
	if (need <= *cap)
		return;
	*cap = need * 2 + 256;
	*p = realloc(*p, *cap);
	if (*p == NULL)
		_exit(99);
}

static inline void
fb_emit(struct fb_child *k, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		_exit(99);
	if ((size_t)n >= sizeof(tmp)) {
		char *big = malloc((size_t)n + 1);

		va_start(ap, fmt);
		vsnprintf(big, (size_t)n + 1, fmt, ap);
		va_end(ap);
		fb_grow(&k->out, &k->capout, k->nout + (size_t)n);
		memcpy(k->out + k->nout, big, (size_t)n);
		free(big);
	} else {
		fb_grow(&k->out, &k->capout, k->nout + (size_t)n);
		memcpy(k->out + k->nout, tmp, (size_t)n);
	}
	k->nout += (size_t)n;
}

static inline void
fb_emit_hex(struct fb_child *k, const unsigned char *p, size_t n, bool some)
{
	static const char hex[] = "0123456789abcdef";

	if (!some) {
		fb_emit(k, " -");
		return;
	}
	fb_grow(&k->out, &k->capout, k->nout + 2 * n + 2);
	k->out[k->nout++] = ' ';
	for (size_t i = 0; i < n; i++) {
		k->out[k->nout++] = (unsigned char)hex[p[i] >> 4];
		k->out[k->nout++] = (unsigned char)hex[p[i] & 15];
	}
	if (n == 0) /* an empty payload: "" rather than "-" */
		k->out[k->nout++] = '.';
}

static inline void
fb_put_varint(unsigned char *b, size_t *n, uint32_t v)
{
	do {
		unsigned char d = v % 128;

		v /= 128;
		b[(*n)++] = (unsigned char)(v ? d | 128 : d);
	} while (v);
}

/* A varint at p[0..n): its value, and *used its length; false if cut. */
static inline bool
fb_get_varint(const unsigned char *p, size_t n, uint32_t *v, size_t *used)
{
	uint32_t m = 1;

	*v = 0;
	for (size_t i = 0; i < n && i < 4; i++) {
		*v += (p[i] & 127u) * m;
		m *= 128;
		if (!(p[i] & 128)) {
			*used = i + 1;
			return true;
		}
	}
	return false;
}

static inline void
fb_send(struct fb_client *c, unsigned char type, const unsigned char *body,
	size_t n)
{
	unsigned char *pk = malloc(n + 5);
	size_t h = 0, off = 0;

	pk[h++] = type;
	fb_put_varint(pk, &h, (uint32_t)n);
	if (n)
		memcpy(pk + h, body, n);
	while (off < h + n) {
		ssize_t w = write(c->fd, pk + off, h + n - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			c->gone = true;
			break;
		}
		off += (size_t)w;
	}
	free(pk);
}

/* MQTT's topic filter match, + one level, # the rest. */
static inline bool
fb_match(const char *f, const char *t)
{
	if (*t == '$' && (*f == '+' || *f == '#'))
		return false;
	for (;;) {
		if (*f == '#')
			return true;
		if (*f == '+') {
			while (*t && *t != '/')
				t++;
			f++;
		} else {
			while (*f && *f != '/' && *f == *t) {
				f++;
				t++;
			}
			if ((*f && *f != '/') || (*t && *t != '/'))
				return false;
		}
		if (*f == '\0' && *t == '\0')
			return true;
		if (*f == '\0' || *t == '\0')
			/* "a/#" matches "a" */
			return *t == '\0' && strcmp(f, "/#") == 0;
		f++;
		t++;
	}
}

/* One PUBLISH to client c: props are the publisher's property bytes. */
static inline void
fb_deliver(struct fb_client *c, const char *topic, int qos, bool retain,
	   const unsigned char *props, size_t plen, const int *ids, int nids,
	   const unsigned char *payload, size_t len)
{
	size_t tl = strlen(topic), n = 0, pn = 0;
	unsigned char *b = malloc(tl + len + plen + 5 * (size_t)nids + 16);
	unsigned char *pb = malloc(plen + 5 * (size_t)nids + 1);

	b[n++] = (unsigned char)(tl >> 8);
	b[n++] = (unsigned char)tl;
	memcpy(b + n, topic, tl);
	n += tl;
	if (qos > 0) {
		c->next_id = (uint16_t)(c->next_id % 65535 + 1);
		b[n++] = (unsigned char)(c->next_id >> 8);
		b[n++] = (unsigned char)c->next_id;
	}
	if (plen)
		memcpy(pb, props, plen);
	pn = plen;
	for (int i = 0; i < nids; i++) {
		pb[pn++] = 0x0b;
		fb_put_varint(pb, &pn, (uint32_t)ids[i]);
	}
	fb_put_varint(b, &n, (uint32_t)pn);
	memcpy(b + n, pb, pn);
	n += pn;
	if (len)
		memcpy(b + n, payload, len);
	n += len;
	fb_send(c, (unsigned char)(0x30 | (qos << 1) | (retain ? 1 : 0)), b,
		n);
	free(b);
	free(pb);
}

/* A message to everyone whose subscriptions match. */
static inline void
fb_route(struct fb_child *k, const char *topic, int qos, bool retain,
	 const unsigned char *props, size_t plen, const unsigned char *p,
	 size_t len)
{
	for (int i = 0; i < FB_CLIENTS; i++) {
		struct fb_client *c = &k->c[i];
		int ids[FB_SUBS], nids = 0, q = -1;
		bool keep = false;

		if (c->fd < 0 || !c->connected)
			continue;
		for (int j = 0; j < c->nsubs; j++) {
			if (!fb_match(c->subs[j].filter, topic))
				continue;
			if (c->subs[j].subid)
				ids[nids++] = c->subs[j].subid;
			if (c->subs[j].qos > q)
				q = c->subs[j].qos;
			keep = keep || c->subs[j].rap;
		}
		if (q < 0)
			continue;
		fb_deliver(c, topic, q < qos ? q : qos, retain && keep, props,
			   plen, ids, nids, p, len);
	}
}

static inline void
fb_retain(struct fb_child *k, const char *topic, int qos,
	  const unsigned char *props, size_t plen, const unsigned char *p,
	  size_t len)
{
	int i;

	for (i = 0; i < k->nr; i++)
		if (strcmp(k->r[i].topic, topic) == 0)
			break;
	if (i < k->nr) {
		free(k->r[i].topic);
		free(k->r[i].payload);
		free(k->r[i].props);
		k->r[i] = k->r[--k->nr];
	}
	if (len == 0 || k->nr == FB_RETAINED)
		return;
	k->r[k->nr].topic = strdup(topic);
	k->r[k->nr].payload = malloc(len);
	memcpy(k->r[k->nr].payload, p, len);
	k->r[k->nr].len = len;
	k->r[k->nr].props = malloc(plen + 1);
	if (plen)
		memcpy(k->r[k->nr].props, props, plen);
	k->r[k->nr].plen = plen;
	k->r[k->nr].qos = qos;
	k->nr++;
}

static inline void
fb_publish(struct fb_child *k, const char *topic, int qos, bool retain,
	   const unsigned char *props, size_t plen, const unsigned char *p,
	   size_t len)
{
	if (retain)
		fb_retain(k, topic, qos, props, plen, p, len);
	fb_route(k, topic, qos, retain, props, plen, p, len);
}

static inline void
fb_drop(struct fb_child *k, struct fb_client *c, bool will)
{
	if (will && c->has_will) {
		fb_emit(k, "W %s %s %d %d", c->id, c->will_topic, c->will_qos,
			c->will_retain);
		fb_emit_hex(k, c->will, c->will_len, true);
		fb_emit(k, "\n");
		fb_publish(k, c->will_topic, c->will_qos, c->will_retain, NULL,
			   0, c->will, c->will_len);
	}
	fb_emit(k, "X %s\n", c->connected ? c->id : "-");
	close(c->fd);
	c->fd = -1;
	free(c->in);
	free(c->will_topic);
	free(c->will);
	for (int j = 0; j < c->nsubs; j++)
		free(c->subs[j].filter);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

/* A length-prefixed string at *p (advanced), as a new C string. */
static inline char *
fb_str(const unsigned char **p, const unsigned char *end)
{
	size_t n;
	char *s;

	if (end - *p < 2)
		return NULL;
	n = (size_t)((*p)[0] << 8 | (*p)[1]);
	*p += 2;
	if ((size_t)(end - *p) < n)
		return NULL;
	s = malloc(n + 1);
	memcpy(s, *p, n);
	s[n] = '\0';
	*p += n;
	return s;
}

/* Skip a property block at *p; its bytes in *props, *plen. */
static inline bool
fb_props(const unsigned char **p, const unsigned char *end,
	 const unsigned char **props, size_t *plen)
{
	uint32_t n;
	size_t used;

	if (!fb_get_varint(*p, (size_t)(end - *p), &n, &used) ||
	    (size_t)(end - *p) - used < n)
		return false;
	*props = *p + used;
	*plen = n;
	*p += used + n;
	return true;
}

/* The packet id and properties SUBSCRIBE and UNSUBSCRIBE begin with;
 * their ack begins with that id and no properties. */
static inline bool
fb_ack_head(const unsigned char **p, const unsigned char *end,
	    unsigned char *ack, size_t *an, const unsigned char **props,
	    size_t *plen)
{
	if (end - *p < 2)
		return false;
	ack[(*an)++] = (*p)[0];
	ack[(*an)++] = (*p)[1];
	ack[(*an)++] = 0;
	*p += 2;
	return fb_props(p, end, props, plen);
}

static inline bool
fb_on_connect(struct fb_child *k, struct fb_client *c, const unsigned char *p,
	      const unsigned char *end)
{
	const unsigned char *props;
	size_t plen;
	char *name = fb_str(&p, end), *s;
	unsigned char flags, ack[16];
	size_t an = 0;
	int rc = 0;

	free(name);
	if (end - p < 4)
		return false;
	flags = p[1];
	p += 4; /* level, flags, keepalive */
	if (!fb_props(&p, end, &props, &plen))
		return false;
	s = fb_str(&p, end);
	if (s == NULL)
		return false;
	snprintf(c->id, sizeof(c->id), "%s", *s ? s : "anon");
	free(s);
	if (flags & 0x04) {
		size_t wn;

		if (!fb_props(&p, end, &props, &plen))
			return false;
		c->will_topic = fb_str(&p, end);
		if (c->will_topic == NULL || end - p < 2)
			return false;
		wn = (size_t)(p[0] << 8 | p[1]);
		p += 2;
		if ((size_t)(end - p) < wn)
			return false;
		c->will = malloc(wn + 1);
		memcpy(c->will, p, wn);
		c->will_len = wn;
		p += wn;
		c->will_qos = (flags >> 3) & 3;
		c->will_retain = flags & 0x20;
		c->has_will = true;
	}
	if (flags & 0x80) {
		s = fb_str(&p, end);
		if (s == NULL)
			return false;
		snprintf(c->user, sizeof(c->user), "%s", s);
		free(s);
	}
	fb_emit(k, "C %s %s %s %d %d", c->id, c->user[0] ? c->user : "-",
		c->has_will ? c->will_topic : "-", c->will_qos,
		c->will_retain);
	fb_emit_hex(k, c->will, c->will_len, c->has_will);
	fb_emit(k, "\n");
	if (k->refuse_user[0] && strcmp(k->refuse_user, c->user) == 0)
		rc = k->refuse_rc;
	ack[an++] = 0;
	ack[an++] = (unsigned char)rc;
	ack[an++] = 0; /* the properties' length, set below */
	if (k->max_packet && rc == 0) {
		ack[an++] = 0x27;
		ack[an++] = (unsigned char)(k->max_packet >> 24);
		ack[an++] = (unsigned char)(k->max_packet >> 16);
		ack[an++] = (unsigned char)(k->max_packet >> 8);
		ack[an++] = (unsigned char)k->max_packet;
	}
	if (k->recv_max && rc == 0) {
		ack[an++] = 0x21;
		ack[an++] = (unsigned char)(k->recv_max >> 8);
		ack[an++] = (unsigned char)k->recv_max;
	}
	ack[2] = (unsigned char)(an - 3);
	fb_send(c, 0x20, ack, an);
	if (rc != 0)
		return false;
	c->connected = true;
	return true;
}

static inline bool
fb_on_publish(struct fb_child *k, struct fb_client *c, unsigned char h,
	      const unsigned char *p, const unsigned char *end)
{
	int qos = (h >> 1) & 3;
	bool retain = h & 1;
	char *topic = fb_str(&p, end);
	const unsigned char *props;
	size_t plen;
	unsigned char id[2] = {0, 0};

	if (topic == NULL || qos > 1)
		return false;
	if (qos) {
		if (end - p < 2) {
			free(topic);
			return false;
		}
		id[0] = p[0];
		id[1] = p[1];
		p += 2;
	}
	if (!fb_props(&p, end, &props, &plen)) {
		free(topic);
		return false;
	}
	fb_emit(k, "P %s %s %d %d", c->id, topic, qos, retain);
	fb_emit_hex(k, p, (size_t)(end - p), true);
	fb_emit(k, "\n");
	fb_publish(k, topic, qos, retain, props, plen, p, (size_t)(end - p));
	if (qos)
		fb_send(c, 0x40, id, 2);
	free(topic);
	return true;
}

static inline bool
fb_on_subscribe(struct fb_child *k, struct fb_client *c,
		const unsigned char *p, const unsigned char *end)
{
	const unsigned char *props, *q;
	size_t plen, used, an = 0;
	unsigned char ack[64];
	uint32_t subid = 0;
	int got[FB_SUBS], ngot = 0;

	if (!fb_ack_head(&p, end, ack, &an, &props, &plen))
		return false;
	q = props;
	/* only the identifier is looked at */
	if (plen > 1 && *q == 0x0b)
		fb_get_varint(q + 1, plen - 1, &subid, &used);
	while (p < end && an < sizeof(ack) && ngot < FB_SUBS) {
		char *f = fb_str(&p, end);
		struct fb_sub *sb = NULL;
		bool fresh = true;
		int opt, j;

		if (f == NULL || p >= end) {
			free(f);
			return false;
		}
		opt = *p++;
		for (j = 0; j < c->nsubs; j++)
			if (strcmp(c->subs[j].filter, f) == 0)
				break;
		if (j < c->nsubs) {
			sb = &c->subs[j];
			fresh = false;
			free(sb->filter);
		} else if (c->nsubs == FB_SUBS) {
			free(f);
			return false;
		} else {
			j = c->nsubs++;
			sb = &c->subs[j];
		}
		*sb = (struct fb_sub){.filter = f, .qos = opt & 3,
				      .rh = (opt >> 4) & 3,
				      .rap = opt & 0x08, .subid = (int)subid};
		fb_emit(k, "S %s %s %d %d %d\n", c->id, f, sb->qos, sb->rh,
			sb->subid);
		ack[an++] = (unsigned char)(sb->qos > 1 ? 1 : sb->qos);
		if (sb->rh == 0 || (sb->rh == 1 && fresh))
			got[ngot++] = j;
	}
	fb_send(c, 0x90, ack, an);
	/* then the retained messages the new subscriptions match */
	for (int g = 0; g < ngot; g++) {
		struct fb_sub *sb = &c->subs[got[g]];

		for (int i = 0; i < k->nr; i++) {
			struct fb_retained *r = &k->r[i];
			int id = sb->subid;

			if (fb_match(sb->filter, r->topic))
				fb_deliver(c, r->topic,
					   r->qos < sb->qos ? r->qos : sb->qos,
					   true, r->props, r->plen, &id,
					   id ? 1 : 0, r->payload, r->len);
		}
	}
	return true;
}

static inline bool
fb_on_unsubscribe(struct fb_child *k, struct fb_client *c,
		  const unsigned char *p, const unsigned char *end)
{
	const unsigned char *props;
	size_t plen, an = 0;
	unsigned char ack[64];

	if (!fb_ack_head(&p, end, ack, &an, &props, &plen))
		return false;
	while (p < end && an < sizeof(ack)) {
		char *f = fb_str(&p, end);

		if (f == NULL)
			return false;
		fb_emit(k, "U %s %s\n", c->id, f);
		for (int j = 0; j < c->nsubs; j++)
			if (strcmp(c->subs[j].filter, f) == 0) {
				free(c->subs[j].filter);
				c->subs[j] = c->subs[--c->nsubs];
				break;
			}
		free(f);
		ack[an++] = 0;
	}
	fb_send(c, 0xb0, ack, an);
	return true;
}

/* Handle the complete packets in c's buffer; false: drop c (will: as
 * *will says). */
static inline bool
fb_packets(struct fb_child *k, struct fb_client *c, bool *will)
{
	size_t off = 0;
	bool ok = true;

	*will = true;
	while (ok && c->nin - off >= 2) {
		uint32_t len;
		size_t used;
		unsigned char h = c->in[off];
		const unsigned char *p, *end;

		if (!fb_get_varint(c->in + off + 1, c->nin - off - 1, &len,
				   &used)) {
			if (c->nin - off - 1 >= 4)
				ok = false;
			break;
		}
		if (c->nin - off - 1 - used < len)
			break;
		p = c->in + off + 1 + used;
		end = p + len;
		off += 1 + used + len;
		if (!c->connected && (h & 0xf0) != 0x10) {
			ok = false;
			break;
		}
		switch (h & 0xf0) {
		case 0x10:
			ok = !c->connected && fb_on_connect(k, c, p, end);
			if (!ok)
				*will = false;
			break;
		case 0x30:
			ok = fb_on_publish(k, c, h, p, end);
			break;
		case 0x40: /* PUBACK of what we sent */
			break;
		case 0x80:
			ok = fb_on_subscribe(k, c, p, end);
			break;
		case 0xa0:
			ok = fb_on_unsubscribe(k, c, p, end);
			break;
		case 0xc0:
			fb_send(c, 0xd0, NULL, 0);
			break;
		case 0xe0: {
			int reason = len > 0 ? p[0] : 0;

			fb_emit(k, "D %s %d\n", c->id, reason);
			*will = reason == 0x04;
			ok = false;
			break;
		}
		default:
			ok = false;
		}
	}
	memmove(c->in, c->in + off, c->nin - off);
	c->nin -= off;
	return ok && !c->gone;
}

static inline void
fb_command(struct fb_child *k, char *line)
{
	char a[128];
	long n;

	if (sscanf(line, "R %127s %ld", a, &n) == 2) {
		snprintf(k->refuse_user, sizeof(k->refuse_user), "%s", a);
		k->refuse_rc = (int)n;
	} else if (sscanf(line, "M %ld", &n) == 1) {
		k->max_packet = (uint32_t)n;
	} else if (sscanf(line, "I %ld", &n) == 1) {
		k->recv_max = (uint16_t)n;
	} else if (strcmp(line, "T") == 0) {
		fb_emit(k, "T -\n");
	} else if (sscanf(line, "K %127s", a) == 1) {
		for (int i = 0; i < FB_CLIENTS; i++)
			if (k->c[i].fd >= 0 && strcmp(k->c[i].id, a) == 0)
				fb_drop(k, &k->c[i], true);
	}
}

static inline void __attribute__((noreturn))
fb_child_run(int lfd, int ev, int ctl)
{
	struct fb_child *k = calloc(1, sizeof(*k));
	char cbuf[512];
	size_t cn = 0;

	k->lfd = lfd;
	k->ev = ev;
	k->ctl = ctl;
	for (int i = 0; i < FB_CLIENTS; i++)
		k->c[i].fd = -1;
	fcntl(ev, F_SETFL, O_NONBLOCK);
	signal(SIGPIPE, SIG_IGN);
	for (;;) {
		struct pollfd p[FB_CLIENTS + 3];
		int np = 0;

		p[np++] = (struct pollfd){lfd, POLLIN, 0};
		p[np++] = (struct pollfd){ctl, POLLIN, 0};
		p[np++] = (struct pollfd){ev, k->nout ? POLLOUT : 0, 0};
		for (int i = 0; i < FB_CLIENTS; i++)
			p[np++] = (struct pollfd){k->c[i].fd, POLLIN, 0};
		if (poll(p, (nfds_t)np, -1) < 0) {
			if (errno == EINTR)
				continue;
			_exit(98);
		}
		if (p[0].revents & POLLIN) {
			int fd = accept(lfd, NULL, NULL);

			for (int i = 0; fd >= 0 && i < FB_CLIENTS; i++) {
				if (k->c[i].fd < 0) {
					k->c[i].fd = fd;
					fd = -1;
				}
			}
			if (fd >= 0)
				close(fd);
		}
		if (p[1].revents & (POLLIN | POLLHUP)) {
			ssize_t n = read(ctl, cbuf + cn, sizeof(cbuf) - 1 - cn);
			char *nl;

			if (n <= 0)
				_exit(0); /* the test is gone */
			cn += (size_t)n;
			cbuf[cn] = '\0';
			while ((nl = strchr(cbuf, '\n')) != NULL) {
				*nl = '\0';
				fb_command(k, cbuf);
				cn -= (size_t)(nl + 1 - cbuf);
				memmove(cbuf, nl + 1, cn + 1);
			}
		}
		for (int i = 0; i < FB_CLIENTS; i++) {
			struct fb_client *c = &k->c[i];
			bool will;
			ssize_t n;

			if (c->fd < 0 || !(p[3 + i].revents &
					   (POLLIN | POLLHUP | POLLERR)))
				continue;
			fb_grow(&c->in, &c->capin, c->nin + 65536);
			n = read(c->fd, c->in + c->nin, 65536);
			if (n <= 0) {
				fb_drop(k, c, true);
				continue;
			}
			c->nin += (size_t)n;
			if (!fb_packets(k, c, &will))
				fb_drop(k, c, will);
		}
		if (k->nout) {
			ssize_t w = write(ev, k->out, k->nout);

			if (w < 0 && errno == EPIPE)
				_exit(0);
			if (w > 0) {
				k->nout -= (size_t)w;
				memmove(k->out, k->out + w, k->nout);
			}
		}
	}
}

/* ----------------------------------------------------------------- test */

/* A loopback port nothing listens on (bound, then closed). */
static inline int
fb_closed_port(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &sl), 0);
	close(fd);
	return ntohs(sa.sin_port);
}

/* A tool's settings (what: YK_CONF_*) for the broker at url, org acme,
 * robot given or (NULL) the host name. */
static inline void
fb_conf(struct yk_conf *c, struct yk_cli *cli, unsigned what,
	const char *url, const char *robot)
{
	struct yk_err err = {0};

	memset(cli, 0, sizeof(*cli));
	yk_conf_init(c, cli, what);
	c->broker = url;
	c->org = "acme";
	c->robot = robot;
	if (yk_conf_finish(c, cli, &err) != YK_OK)
		fail_msg("%s", err.msg);
}

/* A session with c's settings (queue 0: theirs), messages to fn(ud). */
static inline struct yk_mqtt *
fb_session(struct yk_conf *c, size_t queue,
	   void (*fn)(void *, const struct yk_rx *), void *ud)
{
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};

	yk_conf_mqtt(c, &mc);
	if (queue)
		mc.queue_max = queue;
	mc.on_message = fn;
	mc.msg_ud = ud;
	if (yk_conf_open(c, &mc, &s, &err) != YK_OK)
		fail_msg("%s", err.msg);
	return s;
}

static inline void
fb_start(struct fb *b)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	int lfd, ev[2], ctl[2];

	memset(b, 0, sizeof(*b));
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(lfd >= 0);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(lfd, 64), 0);
	assert_int_equal(getsockname(lfd, (struct sockaddr *)&sa, &sl), 0);
	b->port = ntohs(sa.sin_port);
	snprintf(b->url, sizeof(b->url), "mqtt://127.0.0.1:%d", b->port);
	assert_int_equal(pipe2(ev, O_CLOEXEC), 0);
	assert_int_equal(pipe2(ctl, O_CLOEXEC), 0);
	fflush(NULL);
	b->pid = fork();
	assert_true(b->pid >= 0);
	if (b->pid == 0) {
		/* a test that dies takes its broker along */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(ev[0]);
		close(ctl[1]);
		fb_child_run(lfd, ev[1], ctl[0]);
	}
	close(lfd);
	close(ev[1]);
	close(ctl[0]);
	b->ev = ev[0];
	b->ctl = ctl[1];
}

static inline void
fb_stop(struct fb *b)
{
	int st;

	close(b->ctl);
	close(b->ev);
	kill(b->pid, SIGTERM);
	waitpid(b->pid, &st, 0);
	free(b->line);
}

static inline void
fb_ctl(struct fb *b, const char *fmt, ...)
{
	char line[256];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	line[n++] = '\n';
	assert_int_equal(write(b->ctl, line, (size_t)n), n);
}

static inline void
fb_event_free(struct fb_event *e)
{
	free(e->payload);
	e->payload = NULL;
}

static inline void
fb_unhex(struct fb_event *e, const char *h)
{
	size_t n = strlen(h);

	e->payload = NULL;
	e->len = 0;
	if (strcmp(h, "-") == 0)
		return;
	e->payload = malloc(n / 2 + 1);
	if (strcmp(h, ".") != 0)
		for (size_t i = 0; i + 1 < n; i += 2) {
			unsigned v;

			sscanf(h + i, "%2x", &v);
			e->payload[e->len++] = (unsigned char)v;
		}
	e->payload[e->len] = '\0';
}

/* Parse one event line (modified). */
static inline void
fb_parse(struct fb_event *e, char *line)
{
	char *f[8] = {0};
	int n = 0;

	memset(e, 0, sizeof(*e));
	for (char *t = strtok(line, " "); t && n < 8; t = strtok(NULL, " "))
		f[n++] = t;
	assert_true(n >= 2);
	e->kind = f[0][0];
	snprintf(e->client, sizeof(e->client), "%s", f[1]);
	switch (e->kind) {
	case 'C':
		assert_int_equal(n, 7);
		snprintf(e->user, sizeof(e->user), "%s", f[2]);
		snprintf(e->topic, sizeof(e->topic), "%s", f[3]);
		e->qos = atoi(f[4]);
		e->retain = atoi(f[5]);
		fb_unhex(e, f[6]);
		break;
	case 'P':
	case 'W':
		assert_int_equal(n, 6);
		snprintf(e->topic, sizeof(e->topic), "%s", f[2]);
		e->qos = atoi(f[3]);
		e->retain = atoi(f[4]);
		fb_unhex(e, f[5]);
		break;
	case 'S':
		assert_int_equal(n, 6);
		snprintf(e->topic, sizeof(e->topic), "%s", f[2]);
		e->qos = atoi(f[3]);
		e->rh = atoi(f[4]);
		e->subid = atoi(f[5]);
		break;
	case 'U':
		snprintf(e->topic, sizeof(e->topic), "%s", f[2]);
		break;
	case 'D':
		e->reason = atoi(f[2]);
		break;
	default:
		break;
	}
}

/* The next event within ms (0: only one already there); false if none. */
static inline bool
fb_next(struct fb *b, struct fb_event *e, int ms)
{
	int64_t end = yk_mono_ms() + ms;

	for (;;) {
		char *nl = b->line ? memchr(b->line, '\n', b->have) : NULL;
		struct pollfd p = {b->ev, POLLIN, 0};
		int64_t left = end - yk_mono_ms();
		ssize_t n;

		if (nl) {
			size_t k = (size_t)(nl - b->line) + 1;

			*nl = '\0';
			fb_parse(e, b->line);
			memmove(b->line, b->line + k, b->have - k);
			b->have -= k;
			return true;
		}
		if (poll(&p, 1, left > 0 ? (int)left : 0) <= 0)
			return false;
		if (b->have + 65536 > b->cap) {
			b->cap = b->have + 65536 * 2;
			b->line = realloc(b->line, b->cap);
		}
		n = read(b->ev, b->line + b->have, 65536);
		assert_true(n > 0);
		b->have += (size_t)n;
	}
}

/* Ask for a mark after everything the broker has told so far (every
 * packet it has acknowledged, among them). */
static inline void
fb_mark(struct fb *b)
{
	fb_ctl(b, "T");
}

/* The next event before the mark in *e; false at the mark. */
static inline bool
fb_upto_mark(struct fb *b, struct fb_event *e)
{
	if (!fb_next(b, e, FB_WAIT_MS))
		fail_msg("no mark within %d ms", FB_WAIT_MS);
	if (e->kind != 'T')
		return true;
	fb_event_free(e);
	return false;
}

/* Skip events until one of kind on topic (NULL: any) comes; fails after
 * FB_WAIT_MS. */
static inline void
fb_expect(struct fb *b, struct fb_event *e, char kind, const char *topic)
{
	int64_t end = yk_mono_ms() + FB_WAIT_MS;

	for (;;) {
		int64_t left = end - yk_mono_ms();

		if (!fb_next(b, e, left > 0 ? (int)left : 0))
			fail_msg("no '%c' event for %s within %d ms", kind,
				 topic ? topic : "any topic", FB_WAIT_MS);
		if (e->kind == kind &&
		    (topic == NULL || strcmp(e->topic, topic) == 0))
			return;
		fb_event_free(e);
	}
}

#endif
