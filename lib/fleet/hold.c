/*
 * hold.c - a token held for as long as we, or a command, run (hold.h).
 */
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>

#include "clock.h"
#include "hold.h"
#include "key.h"
#include "mqtt.h"
#include "proc.h"
#include "sig.h"
#include "token.h"

/* (Re)publish the token after every connect: a broker restart, or our
 * own will firing after a network cut, may have cleared it. */
static void
on_connect(void *ud, bool session_present)
{
	(void)session_present;
	yk_token_send(ud);
}

static void
on_message(void *ud, const struct yk_rx *rx)
{
	yk_token_rx(ud, rx);
}

/* The token as the broker keeps it: ours came back (and any holder's
 * before it was reported), or a failure.  The bound is a hang guard for
 * a broker that lets us write our token but not read it. */
static int
await_token(struct yk_mqtt *s, struct yk_token *t,
	    volatile sig_atomic_t *stop, struct yk_err *err)
{
	int64_t end = yk_mono_ms() + 5000;

	while (!yk_token_ready(t) && !t->fail.rc && !*stop &&
	       yk_mono_ms() < end)
		if (yk_mqtt_step(s, NULL, 0, 100, err) != YK_OK)
			return err->rc;
	if (t->fail.rc) {
		*err = t->fail;
		return err->rc;
	}
	return YK_OK;
}

/* The command, for as long as it runs (or, without one, until *stop);
 * *status its exit status. */
static int
supervise(const struct yk_hold *h, struct yk_mqtt *s, struct yk_token *t,
	  int *status, struct yk_err *err)
{
	struct yk_proc p = {.pid = -1};

	if (h->cmd && !*h->stop) {
		yk_sig_watch_children();
		if (yk_proc_spawn(&p, h->cmd, NULL, 0, err) != YK_OK) {
			*status = p.exec_errno == ENOENT ? 127 : 126;
			yk_err_print(err);
			err->rc = YK_OK;
		}
	}
	while (p.pid > 0 || (!h->cmd && !*h->stop)) {
		if (p.pid > 0 && *h->stop) {
			/* the command decides what a signal means */
			kill(p.pid, *h->last);
			*h->stop = 0;
		}
		if (p.pid > 0) {
			int st;

			if (waitpid(p.pid, &st, WNOHANG) == p.pid) {
				*status = yk_proc_status(st);
				return YK_OK;
			}
		}
		if (t->fail.rc)
			*err = t->fail;
		if (t->fail.rc ||
		    yk_mqtt_step(s, NULL, 0, 1000, err) != YK_OK) {
			/* No token, no command: it must not outlive it. */
			if (p.pid > 0) {
				kill(p.pid, SIGTERM);
				waitpid(p.pid, NULL, 0);
			}
			return err->rc;
		}
	}
	return YK_OK;
}

static int
hold(const struct yk_hold *h, struct yk_mqtt *s, struct yk_token *t,
     int *status, struct yk_err *err)
{
	if (yk_token_hold(t, s, err) != YK_OK)
		return err->rc;
	yk_mqtt_on_connect(s, on_connect, t);
	/* The first step runs on_connect; the token must be acknowledged
	 * (and not refused) before we hold it, or run the command. */
	if (yk_mqtt_step(s, NULL, 0, 100, err) != YK_OK)
		return err->rc;
	if (t->fail.rc) {
		*err = t->fail;
		return err->rc;
	}
	if (yk_mqtt_drain(s, h->stop, err) != YK_OK ||
	    await_token(s, t, h->stop, err) != YK_OK)
		return err->rc;
	if (h->ready)
		h->ready(h->ud);
	if (supervise(h, s, t, status, err) != YK_OK)
		return err->rc;
	yk_mqtt_on_connect(s, NULL, NULL);
	if (yk_token_release(t, h->stop, -1, err) != YK_OK ||
	    yk_mqtt_drain(s, h->stop, err) != YK_OK)
		return err->rc;
	return YK_OK;
}

int
yk_hold_run(const struct yk_hold *h, int *status, struct yk_err *err)
{
	struct yk_buf topic = {0};
	struct yk_token t;
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;

	*status = 0;
	yk_key_topic(&topic, &h->conf->scope, h->key);
	yk_buf_adds(&topic, "/alive");
	yk_token_init(&t, topic.p, h->key, h->conf->hostname);
	t.log = yk_conf_log;
	yk_conf_mqtt(h->conf, &mc);
	/* Die without a word, and the broker clears the token. */
	yk_token_will(&t, &mc);
	mc.on_message = on_message;
	mc.msg_ud = &t;
	if (yk_conf_open(h->conf, &mc, &s, err) == YK_OK)
		hold(h, s, &t, status, err);
	yk_mqtt_close(s);
	yk_token_free(&t);
	yk_buf_free(&topic);
	return err->rc;
}
