/*
 * query.c - query, reply and sync channels (the model: query.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "json.h"
#include "query.h"
#include "text.h"

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

const char *
yk_q_asker(const char *user)
{
	if (user == NULL || *user == '\0' || strpbrk(user, "/+#") ||
	    !yk_utf8_valid(user, strlen(user)))
		return "_";
	return user;
}

void
yk_q_reply(struct yk_buf *out, const struct yk_scope *sc, const char *robot,
	   const char *user, const char *client_id)
{
	scope_prefix(out, sc);
	yk_buf_addf(out, "_reply/%s/%s/%s", robot, yk_q_asker(user),
		    client_id);
}

const char *
yk_q_reply_parse(const struct yk_scope *sc, const char *topic, char *robot,
		 size_t n)
{
	struct yk_buf pre = {0};
	const char *p, *slash;
	size_t l;

	scope_prefix(&pre, sc);
	yk_buf_adds(&pre, "_reply/");
	l = pre.len;
	p = strncmp(topic, pre.p, l) == 0 ? topic + l : NULL;
	yk_buf_free(&pre);
	if (p == NULL)
		return NULL;
	slash = strchr(p, '/');
	if (slash == NULL || slash == p || (size_t)(slash - p) >= n)
		return NULL;
	memcpy(robot, p, (size_t)(slash - p));
	robot[slash - p] = '\0';
	return slash + 1;
}

/* s as a terminal may show it: valid UTF-8, no control characters, cut. */
static char *
safe(struct yk_buf *out, const char *s)
{
	struct yk_buf u = {0};

	if (yk_text_utf8(&u, s, strlen(s), 200))
		yk_buf_adds(&u, "...");
	yk_text_tty(out, u.p ? u.p : "", u.len);
	yk_buf_free(&u);
	if (out->p == NULL)
		yk_buf_adds(out, "");
	return out->p;
}

int
yk_q_answer_topic(struct yk_buf *out, const struct yk_scope *sc,
		  const char *resp, const char *key, struct yk_err *err)
{
	struct yk_buf t = {0}, k = {0};
	char robot[256], level[256];
	const char *rest = yk_q_reply_parse(sc, resp, level, sizeof(level));

	yk_key_robot(key, robot, sizeof(robot));
	if (strcmp(robot, "*") == 0 || strcmp(robot, "**") == 0)
		yk_err_set(err, YK_EUSAGE, "query for '%s' not answered: it "
			   "names no robot", safe(&k, key));
	else if (rest == NULL || *rest == '\0' || strpbrk(rest, "+#"))
		yk_err_set(err, YK_EUSAGE, "query for '%s' not answered: its "
			   "response topic '%s' is not a reply channel "
			   "(%s/%s/_reply/ROBOT/...)", safe(&k, key),
			   safe(&t, resp), sc->root, sc->org);
	else
		err->rc = YK_OK;
	yk_buf_free(&t);
	yk_buf_free(&k);
	if (err->rc != YK_OK)
		return err->rc;
	scope_prefix(out, sc);
	yk_buf_addf(out, "_reply/%s/%s", robot, rest);
	return YK_OK;
}

int
yk_q_reply_key(const struct yk_scope *sc, const struct yk_kexpr *asked,
	       const char *topic, const char *key, char **out,
	       struct yk_err *err)
{
	struct yk_buf t = {0}, r = {0}, k = {0};
	struct yk_kexpr ke = {0};
	struct yk_err pe;
	char robot[256];
	bool parsed = false;

	*out = NULL;
	if (yk_q_reply_parse(sc, topic, robot, sizeof(robot)) == NULL) {
		yk_err_set(err, YK_EUSAGE, "reply on '%s' dropped: not a "
			   "reply channel", safe(&t, topic));
		goto out;
	}
	safe(&r, robot);
	if (strcmp(robot, "*") == 0) {
		yk_err_set(err, YK_EUSAGE, "reply on '%s' dropped: '*' names "
			   "no robot; a robot answers on its own reply "
			   "channel", safe(&t, topic));
		goto out;
	}
	if (key == NULL && !yk_kexpr_concrete(asked)) {
		yk_err_set(err, YK_EUSAGE, "reply from '%s' dropped: no key "
			   "property, and '%s' names more than one key", r.p,
			   asked->text);
		goto out;
	}
	if (key == NULL)
		key = asked->text;
	safe(&k, key);
	if (yk_kexpr_parse(&ke, sc, key, &pe) != YK_OK) {
		yk_err_set(err, YK_EUSAGE, "reply from '%s' dropped: invalid "
			   "key '%s'", r.p, k.p);
		goto out;
	}
	parsed = true;
	if (ke.seg[0].kind != YK_SEG_LIT ||
	    strcmp(ke.seg[0].text, robot) != 0) {
		yk_err_set(err, YK_EUSAGE, "reply from '%s' dropped: its key "
			   "'%s' is not %s's", r.p, k.p, r.p);
		goto out;
	}
	if (!yk_kexpr_intersects(asked, &ke)) {
		yk_err_set(err, YK_EUSAGE, "reply from '%s' dropped: its key "
			   "'%s' does not match '%s'", r.p, k.p, asked->text);
		goto out;
	}
	*out = yk_strdup(key);
	err->rc = YK_OK;
out:
	if (parsed)
		yk_kexpr_free(&ke);
	yk_buf_free(&t);
	yk_buf_free(&r);
	yk_buf_free(&k);
	return *out ? YK_OK : err->rc;
}

void
yk_q_random_hex(char *b, size_t n)
{
	unsigned char r[64];

	if (n / 2 > sizeof(r))
		n = 2 * sizeof(r);
	yk_q_random(r, n / 2);
	for (size_t i = 0; i < n / 2; i++) {
		b[2 * i] = "0123456789abcdef"[r[i] >> 4];
		b[2 * i + 1] = "0123456789abcdef"[r[i] & 15];
	}
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
	y->seen_ms = yk_mono_ms();
	return yk_mqtt_send_wait(s, &m, err);
}

int
yk_sync_step(struct yk_mqtt *s, struct yk_sync *y, const char *inbox,
	     struct yk_err *err)
{
	struct yk_err why = {0};

	if (y->done)
		return YK_OK;
	if (!y->sent)
		return yk_mqtt_subscribed(s) ? yk_sync_start(s, y, inbox, err)
					     : YK_OK;
	/* the marker is the only message a waiting tool publishes */
	if (yk_mqtt_refusals(s, &why) != YK_OK)
		return yk_err_set(err, why.rc, "%s (the sync marker on '%s': "
				  "a client must be allowed to write and read "
				  "its own inbox)", why.msg, inbox);
	if (yk_mono_ms() - y->seen_ms > YK_SYNC_SILENCE_MS)
		return yk_err_set(err, YK_ERUNTIME, "the broker did not send "
				  "back our sync marker on '%s' (nothing came "
				  "for %d s): may this client read its inbox?",
				  inbox, YK_SYNC_SILENCE_MS / 1000);
	return YK_OK;
}

bool
yk_sync_check(struct yk_sync *y, const struct yk_rx *rx)
{
	y->seen_ms = yk_mono_ms();
	if (!y->sent || rx->corr_len != sizeof(y->token) ||
	    memcmp(rx->corr, y->token, sizeof(y->token)) != 0)
		return false;
	y->done = true;
	return true;
}
