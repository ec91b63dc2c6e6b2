/*
 * query.c - query, reply and sync channels.
 */
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "query.h"

static void
scope_prefix(struct yk_buf *out, const struct yk_scope *sc)
{
	yk_buf_adds(out, sc->root);
	yk_buf_addc(out, '/');
	yk_buf_adds(out, sc->org);
	yk_buf_addc(out, '/');
}

void
yk_q_inbox(struct yk_buf *out, const struct yk_scope *sc,
	   const char *client_id)
{
	scope_prefix(out, sc);
	yk_buf_adds(out, "_inbox/");
	yk_buf_adds(out, client_id);
}

void
yk_q_topic(struct yk_buf *out, const struct yk_scope *sc,
	   const struct yk_kexpr *ke)
{
	scope_prefix(out, sc);
	yk_buf_adds(out, "_query/");
	if (ke->seg[0].kind == YK_SEG_LIT)
		yk_buf_adds(out, ke->seg[0].text);
	else
		yk_buf_addc(out, '*');
}

int
yk_q_serve_filters(const struct yk_scope *sc, const struct yk_kexpr *ke,
		   struct yk_buf f[2])
{
	scope_prefix(&f[0], sc);
	yk_buf_adds(&f[0], "_query/");
	if (ke->seg[0].kind != YK_SEG_LIT) {
		yk_buf_addc(&f[0], '+');
		return 1;
	}
	yk_buf_adds(&f[0], ke->seg[0].text);
	scope_prefix(&f[1], sc);
	yk_buf_adds(&f[1], "_query/*");
	return 2;
}

void
yk_q_random(unsigned char *b, size_t n)
{
	if (getrandom(b, n, 0) != (ssize_t)n) {
		/* No entropy yet (early boot): unique enough for an id. */
		struct timespec ts;

		clock_gettime(CLOCK_MONOTONIC, &ts);
		for (size_t i = 0; i < n; i++)
			b[i] = (unsigned char)((ts.tv_nsec >> (i % 4 * 8)) ^
					       getpid() ^ i);
	}
}

int
yk_sync_start(struct yk_mqtt *s, struct yk_sync *y, const char *inbox,
	      struct yk_err *err)
{
	static const struct yk_prop prop = {"yoke", "sync"};
	struct yk_msg m = {
		.topic = inbox, .qos = 1, .prio = -1,
		.corr = y->token, .corr_len = sizeof(y->token),
		.props = &prop, .nprops = 1,
	};

	yk_q_random(y->token, sizeof(y->token));
	y->done = false;
	y->sent = true;
	return yk_mqtt_send_wait(s, &m, err);
}

bool
yk_sync_check(struct yk_sync *y, const struct yk_rx *rx)
{
	if (!y->sent || rx->corr_len != sizeof(y->token) ||
	    memcmp(rx->corr, y->token, sizeof(y->token)) != 0)
		return false;
	y->done = true;
	return true;
}
