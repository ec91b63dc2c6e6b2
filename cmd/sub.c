/*
 * yoke-sub - subscribe to key expressions and print what arrives: JSON
 * lines (default), text, raw payloads, length-delimited frames, or per-key
 * statistics; protobuf payloads as JSON with --decode.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "out.h"
#include "pbchan.h"
#include "pbjson.h"
#include "pbreg.h"
#include "query.h"
#include "ready.h"
#include "sig.h"
#include "stats.h"
#include "subs.h"

static const char usage[] = "[options] KEYEXPR...";

enum { FR_NONE = -1, FR_DELIMITED };
static const char *const framings[] = {"delimited", NULL};

struct sub {
	long count, qos;
	double wait;
	bool retained_only, no_retained, stats, json;
	int fmt, framing;
	const char *decode;                   /* --decode: a type, or "auto" */
	const ProtobufCMessageDescriptor *pb; /* its type; NULL: by channel */
	struct yk_buf dec;                    /* the payload as JSON */
	struct yk_err dec_err;                /* why a payload did not decode */
	long dec_failed;
	const struct yk_scope *scope;
	struct yk_subs w;
	struct yk_out out;
	struct yk_stats st;
	struct yk_sync sync;
	struct yk_err out_err; /* a failed flush inside on_msg */
	long seen;
	struct yk_ready ready;
};

/*
 * --decode: the payload as JSON, or, when it is not a valid message of
 * its type, payload_b64 with the reason in "error" (said on stderr the
 * first time only: a stream of bad payloads must not flood the terminal).
 */
static void
decode(struct sub *u, struct yk_outmsg *m)
{
	const ProtobufCMessageDescriptor *d =
		u->pb ? u->pb : yk_pbchan_for_key(m->key);

	if (d == NULL)
		return; /* auto, and a channel that carries no protobuf */
	u->dec.len = 0;
	if (yk_pb_bytes_to_json(&u->dec, d, m->payload, m->len,
				&u->dec_err) == YK_OK) {
		m->json = u->dec.p;
		m->json_len = u->dec.len;
		return;
	}
	m->error = u->dec_err.msg;
	m->b64 = true;
	if (u->dec_failed++ == 0)
		yk_err_say("cannot decode '%s': %s (printed %s; said once)",
			   m->key, u->dec_err.msg,
			   u->fmt == YK_FMT_TEXT
				   ? "as it came"
				   : "as payload_b64 with \"error\"");
}

static void
on_msg(void *ud, const struct yk_rx *rx)
{
	struct sub *u = ud;
	struct yk_cap caps[YK_MAX_CAPS];
	const char *key;
	int i;

	if (yk_sync_check(&u->sync, rx))
		return;
	if (u->count > 0 && u->seen >= u->count)
		return;
	if (u->retained_only && !rx->retain)
		return;
	key = yk_key_unscope(u->scope, rx->topic);
	if (key == NULL)
		return;
	i = yk_subs_pick(&u->w, key, rx, caps);
	if (i < 0)
		return;
	if (++u->seen == u->count)
		yk_mqtt_stop_reading(rx->session);
	if (u->stats) {
		yk_stats_msg(&u->st, key, rx->len, rx->ts_us, rx->retain,
			     yk_now_us());
		return;
	}
	struct yk_outmsg m = {
		.key = key, .ts_us = rx->ts_us, .qos = rx->qos,
		.retain = rx->retain, .caps = caps, .ncaps = u->w.ex[i].ncap,
		.payload = rx->payload, .len = rx->len, .tty = u->out.tty,
	};
	if (u->decode)
		decode(u, &m);
	yk_out_message(&u->out.b, u->fmt, &m);
	/* A burst is written as one write(2), but never held beyond 64 KiB:
	 * memory stays flat, and a pipe sees messages while they stream. */
	if (u->out.b.len >= 65536 && !u->out_err.rc &&
	    yk_out_flush(&u->out, &u->out_err) != YK_OK) {
		if (u->out_err.rc == YK_OK) /* the reader went away */
			u->out_err.rc = YK_EXIT;
		yk_mqtt_stop_reading(rx->session);
	}
}

static int
run(struct yk_mqtt *s, struct sub *u, struct yk_err *err)
{
	int64_t deadline = u->wait > 0 ? yk_mono_ms() + (int64_t)(u->wait * 1e3)
				       : -1;
	int64_t next_report = yk_mono_ms() + 1000;
	bool tty = yk_out_human(1) && !u->json;
	struct yk_buf inbox = {0};
	int rc = YK_OK;

	if (u->retained_only) {
		yk_q_inbox(&inbox, u->scope, yk_mqtt_client_id(s));
		if (yk_mqtt_subscribe(s, inbox.p, 1, YK_RH_NEVER, err) < 0)
			goto done;
	}
	while (!yk_sig_stop) {
		int64_t now = yk_mono_ms();
		int timeout = 1000;
		struct yk_err w = {0};

		if (u->out_err.rc == YK_EXIT)
			goto done; /* the reader went away: we are done */
		if (u->out_err.rc) {
			*err = u->out_err;
			goto done;
		}
		if (u->count > 0 && u->seen >= u->count)
			break;
		if (u->sync.done)
			break;
		if (deadline >= 0 && now >= deadline)
			break;
		/* ready: what is published from now on reaches us */
		if (!u->ready.told && yk_mqtt_subscribed(s) &&
		    yk_ready_tell(&u->ready, &w) != YK_OK)
			yk_err_print(&w); /* a warning: we go on */
		if (u->retained_only &&
		    yk_sync_step(s, &u->sync, inbox.p, err) != YK_OK)
			goto done;
		if (u->stats && now >= next_report) {
			yk_stats_report(&u->st, &u->out.b, tty, tty,
					yk_out_cols(1), yk_out_rows(1),
					yk_now_us());
			next_report += 1000;
		}
		if (deadline >= 0 && deadline - now < timeout)
			timeout = (int)(deadline - now);
		if (u->stats && next_report - now < timeout)
			timeout = (int)(next_report - now);
		rc = yk_out_flush(&u->out, err);
		if (rc != YK_OK)
			goto done;
		if (yk_mqtt_step(s, NULL, 0, timeout < 0 ? 0 : timeout, err) !=
		    YK_OK)
			goto done;
	}
	rc = yk_out_flush(&u->out, err);
	/* nothing came: because nothing was there (3), or because the
	 * broker never acknowledged the subscription (1) */
	if (rc == YK_OK && u->seen == 0 && deadline >= 0 && !yk_sig_stop &&
	    !u->sync.done)
		rc = yk_mqtt_sub_check(s, err);
	if (rc == YK_OK && u->seen == 0 &&
	    ((deadline >= 0 && !yk_sig_stop) || u->sync.done))
		rc = yk_err_set(err, YK_ETIMEOUT,
				u->sync.done ? "no retained value matches"
					     : "nothing received in %g s",
				u->wait);
done:
	yk_buf_free(&inbox);
	return rc == YK_EXIT ? YK_OK : (rc ? rc : err->rc);
}

static int
check_args(struct sub *u, const struct yk_cli *cli, struct yk_err *err)
{
	bool fmt_given = yk_cli_origin(cli, "format") != YK_FROM_DEFAULT;

	if (u->retained_only && u->no_retained)
		return yk_err_set(err, YK_EUSAGE,
				  "--retained-only and --no-retained exclude "
				  "each other");
	if (u->framing == FR_DELIMITED && fmt_given && u->fmt != YK_FMT_RAW)
		return yk_err_set(err, YK_EUSAGE,
				  "--framing delimited and --format %s "
				  "disagree", yk_fmt_names[u->fmt]);
	if (u->framing == FR_DELIMITED && u->decode)
		return yk_err_set(err, YK_EUSAGE,
				  "--framing delimited and --decode disagree");
	if (u->decode && u->fmt == YK_FMT_RAW)
		return yk_err_set(err, YK_EUSAGE,
				  "--format raw and --decode disagree");
	if (u->framing == FR_DELIMITED)
		u->fmt = YK_FMT_DELIMITED;
	if (u->decode && strcmp(u->decode, "auto") != 0)
		return yk_pbreg_find(&u->pb, u->decode, err);
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Subscribe to key expressions and "
					"print each message as it arrives."};
	struct yk_conf c;
	struct sub u = {.qos = 1, .framing = FR_NONE};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};
	int nargs, rc;

	yk_prog = "yoke-sub";
	yk_conf_init(&c, &cli, YK_CONF_RAW | YK_CONF_SESSION);
	struct yk_opt opts[] = {
		YK_GROUP("Output"),
		YK_INT('C', "count", &u.count, "COUNT", 1, 1e18,
		       "exit after COUNT messages"),
		YK_NUM('W', "timeout", &u.wait, "SECONDS", 0.001, 1e9,
		       "exit after SECONDS; exit 3 if nothing came"),
		YK_FLAG(0, "retained-only", &u.retained_only,
			"print the retained values, then exit"),
		YK_FLAG(0, "no-retained", &u.no_retained,
			"skip the retained values"),
		YK_CHOICE(0, "format", &u.fmt, "json|text|raw", yk_fmt_names,
			  "JSON lines, 'KEY PAYLOAD' lines, or payload bytes"),
		YK_CHOICE(0, "framing", &u.framing, "delimited", framings,
			  "raw payloads, each after its varint length (as "
			  "protobuf's writeDelimitedTo)"),
		YK_STR(0, "decode", &u.decode, "TYPE|auto",
		       "protobuf payloads of TYPE as JSON; auto: by channel "
		       "(state, system, commands, rpc/*, video/*); 'help' "
		       "lists the types"),
		YK_FLAG(0, "stats", &u.stats,
			"per-key rate, bandwidth and delay, every second"),
		YK_FLAG(0, "json", &u.json,
			"--stats as JSON lines on a terminal"),
		YK_INT('q', "qos", &u.qos, "0|1", 0, 1,
		       "subscription QoS: highest delivered (default 1)"),
		YK_READY_OPT(&u.ready),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_out_init(&u.out, 1);
	yk_ready_init(&u.ready);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT || (rc == YK_OK && yk_pbreg_help(u.decode, stdout)))
		return 0;
	if (rc != YK_OK || yk_conf_finish(&c, &cli, &err) != YK_OK)
		goto out;
	if (nargs == 0) {
		yk_err_set(&err, YK_EUSAGE, "missing KEYEXPR");
		goto out;
	}
	if (check_args(&u, &cli, &err) != YK_OK ||
	    yk_ready_setup(&u.ready, &err) != YK_OK)
		goto out;
	u.scope = &c.scope;
	for (int i = 0; i < nargs; i++)
		if (yk_subs_add(&u.w, &c.scope, argv[i], &err) != YK_OK)
			goto out;
	yk_stats_init(&u.st, yk_now_us());

	yk_conf_mqtt(&c, &mc);
	mc.on_message = on_msg;
	mc.msg_ud = &u;
	if (yk_conf_open(&c, &mc, &s, &err) != YK_OK)
		goto out;
	if (yk_subs_subscribe(&u.w, s, (int)u.qos,
			      u.no_retained ? YK_RH_NEVER : YK_RH_SEND,
			      &err) != YK_OK)
		goto out;
	run(s, &u, &err);
out:
	yk_mqtt_close(s);
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	yk_subs_free(&u.w);
	yk_ready_free(&u.ready);
	yk_stats_free(&u.st);
	yk_buf_free(&u.dec);
	yk_out_free(&u.out);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
