/*
 * follow.c - the watchers' loop; fleet channels: expression, robot,
 * record.
 */
#include <string.h>

#include "clock.h"
#include "follow.h"
#include "json.h"
#include "print.h"
#include "sig.h"

/* The most a callback buffers before it writes: a burst is one write(2),
 * never a whole backlog held in memory. */
#define SPILL 65536

bool
yk_follow_marker(struct yk_follow *f, const struct yk_rx *rx)
{
	return yk_sync_check(&f->sync, rx);
}

bool
yk_follow_take(struct yk_follow *f, const struct yk_rx *rx)
{
	if (f->out_err.rc || (f->count > 0 && f->taken >= f->count))
		return false;
	if (f->out->b.len >= SPILL &&
	    yk_out_flush(f->out, &f->out_err) != YK_OK) {
		if (f->out_err.rc == YK_OK) /* the reader went away */
			f->out_err.rc = YK_EXIT;
		yk_mqtt_stop_reading(rx->session);
		return false;
	}
	if (++f->taken == f->count)
		yk_mqtt_stop_reading(rx->session);
	return true;
}

/* One turn: false when the loop is over (and nothing failed). */
static bool
going(struct yk_follow *f, int64_t now, int64_t deadline)
{
	if (yk_sig_stop || f->out_err.rc || f->sync.done ||
	    (f->count > 0 && f->taken >= f->count))
		return false;
	if (deadline >= 0 && now >= deadline) {
		f->expired = true;
		return false;
	}
	return true;
}

int
yk_follow_run(struct yk_follow *f, struct yk_mqtt *s, struct yk_err *err)
{
	int64_t deadline =
		f->wait > 0 ? yk_mono_ms() + (int64_t)(f->wait * 1e3) : -1;
	int rc;

	if (f->current) {
		yk_q_inbox(&f->inbox, f->scope, yk_mqtt_client_id(s));
		if (yk_mqtt_subscribe(s, f->inbox.p, 1, YK_RH_NEVER, err) < 0)
			return err->rc;
	}
	for (;;) {
		int64_t now = yk_mono_ms(), next = -1;
		int64_t until = now + 1000;

		if (!going(f, now, deadline))
			break;
		if (f->current &&
		    yk_sync_step(s, &f->sync, f->inbox.p, err) != YK_OK)
			return err->rc;
		if (f->tick && f->tick(f->ud, s, now, &next, err) != YK_OK)
			return err->rc;
		if (deadline >= 0 && deadline < until)
			until = deadline;
		if (next >= 0 && next < until)
			until = next;
		rc = yk_out_flush(f->out, err);
		if (rc != YK_OK)
			return rc == YK_EXIT ? YK_OK : rc;
		if (yk_mqtt_step(s, NULL, 0, until > now ? (int)(until - now) : 0,
				 err) != YK_OK)
			return err->rc;
	}
	if (f->out_err.rc == YK_EXIT)
		return YK_OK;
	if (f->out_err.rc) {
		*err = f->out_err;
		return err->rc;
	}
	rc = yk_out_flush(f->out, err);
	return rc == YK_EXIT ? YK_OK : rc;
}

void
yk_follow_free(struct yk_follow *f)
{
	yk_buf_free(&f->inbox);
}

int
yk_follow_chan_parse(struct yk_follow_chan *c, const struct yk_scope *sc,
		     const char *chan, int nargs, char **args, const char *def,
		     struct yk_err *err)
{
	c->scope = sc;
	c->chan = chan;
	if (nargs > 1)
		return yk_err_set(err, YK_EUSAGE,
				  "expected at most one PATTERN, got %d",
				  nargs);
	return yk_follow_expr(&c->ex, sc, nargs ? args[0] : def, chan, err);
}

const char *
yk_follow_chan_robot(struct yk_follow_chan *c, const struct yk_rx *rx)
{
	const char *key = yk_key_unscope(c->scope, rx->topic);

	if (key == NULL || !yk_kexpr_match(&c->ex, key, NULL) ||
	    !yk_follow_robot(&c->robot, key, c->chan))
		return NULL;
	return c->robot.p;
}

void
yk_follow_chan_free(struct yk_follow_chan *c)
{
	yk_kexpr_free(&c->ex);
	yk_buf_free(&c->robot);
}

int
yk_follow_expr(struct yk_kexpr *ke, const struct yk_scope *sc,
	       const char *pattern, const char *chan, struct yk_err *err)
{
	struct yk_buf e = {0};
	size_t n = strlen(pattern), c = strlen(chan);
	int rc;

	if (n > c && pattern[n - c - 1] == '/' &&
	    strcmp(pattern + n - c, chan) == 0)
		n -= c + 1;
	yk_buf_add(&e, pattern, n);
	/* parse what the user wrote first, so errors quote it */
	rc = yk_kexpr_parse(ke, sc, e.p, err);
	yk_kexpr_free(ke);
	if (rc == YK_OK) {
		yk_buf_addc(&e, '/');
		yk_buf_adds(&e, chan);
		rc = yk_kexpr_parse(ke, sc, e.p, err);
	}
	yk_buf_free(&e);
	return rc;
}

bool
yk_follow_robot(struct yk_buf *r, const char *key, const char *chan)
{
	size_t n = strlen(key), c = strlen(chan);

	yk_buf_truncate(r, 0);
	if (n <= c + 1 || key[n - c - 1] != '/' ||
	    strcmp(key + n - c, chan) != 0)
		return false;
	yk_buf_add(r, key, n - c - 1);
	return true;
}

bool
yk_follow_json(struct yk_buf *b, const char *robot, const char *p, size_t n)
{
	struct yk_print pr = {.b = b, .json = true};

	yk_print_begin(&pr);
	yk_print_str(&pr, YK_PR_JSON, "robot", robot, NULL);
	if (yk_print_members(&pr, p, n, NULL) < 0) {
		yk_print_drop(&pr);
		return false;
	}
	yk_print_end(&pr);
	return true;
}
