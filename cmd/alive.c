/*
 * yoke-alive - hold a liveliness token (for as long as we, or a command,
 * run), list the live tokens, or watch them appear and vanish.
 *
 * A token is the retained message <key>/alive; its will clears it: at
 * once for a holder that dies (its socket closes), after 1.5 keepalives
 * for one that hangs or is cut off.  A token belongs to its holder
 * (lib/fleet/token.h): holders of one key know each other, and the token
 * changes hands when one leaves rather than vanish.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "conf.h"
#include "fleet.h"
#include "follow.h"
#include "hold.h"
#include "json.h"
#include "map.h"
#include "out.h"
#include "query.h"
#include "ready.h"
#include "sig.h"
#include "text.h"

static const char usage[] =
	"[options] KEY [-- CMD ARGS...]\n"
	"[options] --list [PATTERN]\n"
	"[options] --watch [PATTERN] [--no-history]";

struct alive {
	struct yk_mqtt *s;
	bool list, watch, no_history, json, tty;
	const struct yk_scope *scope;
	struct yk_kexpr ex;
	struct yk_out out;
	struct yk_sync sync;
	struct yk_map live;   /* key -> non-NULL */
	long found;
	struct yk_ready ready;
};

/* Ready: our token confirmed, or our subscription (--watch). */
static void
ready(void *ud)
{
	struct alive *a = ud;
	struct yk_err w = {0};

	if (yk_ready_tell(&a->ready, &w) != YK_OK)
		yk_err_print(&w); /* a warning: we go on */
}

/* One token as a JSON line: {"key":K, <the token's own fields>}. */
static void
print_token(struct alive *a, const char *key, const struct yk_rx *rx)
{
	const char *p = rx->payload;
	struct yk_buf *b = &a->out.b;

	if (a->tty) {
		yk_text_tty(b, key, strlen(key));
		yk_buf_addc(b, '\n');
		return;
	}
	yk_buf_adds(b, "{\"key\":");
	yk_json_strz(b, key);
	size_t at = b->len;

	/* A yoke token is an object: its fields after the key, but not a
	 * "key" of its own (a second "key" would name another token). */
	yk_json_members(b, p, rx->len, "key");
	yk_buf_adds(b, b->len == at ? ",\"alive\":true}" : "}");
	yk_buf_addc(b, '\n');
}

/* When a token came: its "since" (seconds), else the sender's ts, else
 * now.  A token that was live before we looked was not born now. */
static time_t
since(const struct yk_rx *rx)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (yk_json_obj_begin(&it, rx->payload, rx->len))
		while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
			if (yk_json_key_is(k, kn, "since") && vn > 0 &&
			    vn < 32 && v[0] != '"') {
				char t[32];
				double d;

				memcpy(t, v, vn);
				t[vn] = '\0';
				if (yk_parse_double(t, 1, 1e11, &d) == 0)
					return (time_t)d;
			}
	if (rx->ts_us > 0)
		return (time_t)(rx->ts_us / 1000000);
	return time(NULL);
}

static void
print_event(struct alive *a, const char *key, bool on,
	    const struct yk_rx *rx)
{
	struct yk_buf *b = &a->out.b;

	if (a->tty) {
		time_t t = on ? since(rx) : time(NULL);
		struct tm tm;
		char hms[16];

		localtime_r(&t, &tm);
		strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
		yk_buf_addf(b, "%s %s ", hms, on ? "+" : "-");
		yk_text_tty(b, key, strlen(key));
		yk_buf_addc(b, '\n');
		return;
	}
	yk_buf_adds(b, "{\"key\":");
	yk_json_strz(b, key);
	yk_buf_adds(b, on ? ",\"alive\":true}\n" : ",\"alive\":false}\n");
}

static void
on_token(void *ud, const struct yk_rx *rx)
{
	struct alive *a = ud;
	const char *key;
	char *k;
	size_t n;
	bool on = yk_fleet_token_live(rx->payload, rx->len), was;

	if (yk_sync_check(&a->sync, rx))
		return;
	key = yk_key_unscope(a->scope, rx->topic);
	if (key == NULL || !yk_kexpr_match(&a->ex, key, NULL))
		return;
	n = strlen(key) - strlen("/alive");
	k = yk_strndup(key, n); /* the token's key, without /alive */
	was = yk_map_get(&a->live, k) != NULL;
	if (on)
		yk_map_put(&a->live, k)->val = a;
	else
		yk_map_del(&a->live, k);
	if (a->list) {
		if (on && rx->retain && !a->sync.done) {
			print_token(a, k, rx);
			a->found++;
		}
	} else if (on != was && !(rx->retain && a->no_history)) {
		print_event(a, k, on, rx);
	}
	free(k);
}

static int
observe(struct yk_mqtt *s, struct alive *a, struct yk_err *err)
{
	struct yk_buf inbox = {0};
	int rc = YK_OK;

	if (yk_mqtt_subscribe(s, a->ex.filter, 1, YK_RH_SEND, err) < 0)
		return err->rc;
	if (a->list) {
		yk_q_inbox(&inbox, a->scope, yk_mqtt_client_id(s));
		if (yk_mqtt_subscribe(s, inbox.p, 1, YK_RH_NEVER, err) < 0)
			goto out;
	}
	while (!yk_sig_stop && !a->sync.done) {
		if (a->watch && !a->ready.told && yk_mqtt_subscribed(s))
			ready(a);
		if (a->list && yk_sync_step(s, &a->sync, inbox.p, err) != YK_OK)
			goto out;
		rc = yk_out_flush(&a->out, err);
		if (rc != YK_OK)
			goto out;
		if (yk_mqtt_step(s, NULL, 0, 1000, err) != YK_OK)
			goto out;
	}
	rc = yk_out_flush(&a->out, err);
	if (rc == YK_OK && a->list && a->found == 0 && a->sync.done)
		yk_err_set(err, YK_ETIMEOUT, "no live token matches '%s'",
			   a->ex.text);
out:
	yk_buf_free(&inbox);
	return rc == YK_EXIT ? YK_OK : err->rc;
}

/* The expression for --list/--watch: PATTERN/alive (default all). */
static int
pattern(struct alive *a, int nargs, char **args, struct yk_err *err)
{
	if (nargs > 1)
		return yk_err_set(err, YK_EUSAGE,
				  "expected at most one PATTERN, got %d",
				  nargs);
	return yk_follow_expr(&a->ex, a->scope, nargs ? args[0] : "**",
			      "alive", err);
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Hold a liveliness token, list the "
					"live ones, or watch them come and "
					"go."};
	struct yk_conf c;
	struct alive a = {0};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};
	char **cmd = NULL;
	int nargs, rc, status = 0;

	yk_prog = "yoke-alive";
	yk_conf_init(&c, &cli, YK_CONF_RAW | YK_CONF_WILL);
	struct yk_opt opts[] = {
		YK_GROUP("Tokens"),
		YK_FLAG(0, "list", &a.list, "print the live tokens, then exit"),
		YK_FLAG(0, "watch", &a.watch,
			"print tokens as they appear and vanish"),
		YK_FLAG(0, "no-history", &a.no_history,
			"--watch: skip the tokens already live"),
		YK_FLAG(0, "json", &a.json, "JSON lines even on a terminal"),
		YK_READY_OPT(&a.ready),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_out_init(&a.out, 1);
	yk_ready_init(&a.ready);
	/* "KEY -- CMD ARGS": the command's own options are not ours. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			cmd = argv + i + 1;
			argc = i;
			break;
		}
	}
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || yk_conf_finish(&c, &cli, &err) != YK_OK)
		goto out;
	a.scope = &c.scope;
	a.tty = yk_out_human(1) && !a.json;
	if (a.list + a.watch > 1 || (a.no_history && !a.watch) ||
	    ((a.list || a.watch) && cmd)) {
		yk_err_set(&err, YK_EUSAGE,
			   "use one of KEY [-- CMD], --list, --watch "
			   "[--no-history]");
		goto out;
	}
	if (cmd && cmd[0] == NULL) {
		yk_err_set(&err, YK_EUSAGE, "missing CMD after '--'");
		goto out;
	}
	if (a.list && a.ready.fd >= 0) {
		yk_err_set(&err, YK_EUSAGE,
			   "--ready-fd goes with KEY and --watch");
		goto out;
	}
	if (yk_ready_setup(&a.ready, &err) != YK_OK)
		goto out;
	if (a.list || a.watch) {
		if (pattern(&a, nargs, argv, &err) != YK_OK)
			goto out;
	} else if (nargs != 1) {
		yk_err_set(&err, YK_EUSAGE,
			   nargs ? "expected one KEY, got %d arguments"
				 : "missing KEY",
			   nargs);
		goto out;
	} else if (yk_key_check(&c.scope, argv[0], &err) == YK_OK) {
		struct yk_hold h = {
			.conf = &c, .key = argv[0], .cmd = cmd,
			.stop = &yk_sig_stop, .last = &yk_sig_last,
			.ready = ready, .ud = &a,
		};

		yk_hold_run(&h, &status, &err);
		goto out;
	} else {
		goto out;
	}
	yk_conf_mqtt(&c, &mc);
	mc.on_message = on_token;
	mc.msg_ud = &a;
	if (yk_conf_open(&c, &mc, &s, &err) != YK_OK)
		goto out;
	a.s = s;
	observe(s, &a, &err);
out:
	yk_mqtt_close(s);
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	else
		rc = status;
	yk_kexpr_free(&a.ex);
	yk_map_free(&a.live);
	yk_ready_free(&a.ready);
	yk_out_free(&a.out);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
