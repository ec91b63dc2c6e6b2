/*
 * yoke-sub - subscribe to key expressions and print what arrives: JSON
 * lines (default), text, raw payloads, length-delimited frames, or per-key
 * statistics; protobuf payloads as JSON with --decode (lib/subscriber.h).
 */
#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "pbreg.h"
#include "sig.h"
#include "subscriber.h"
#include "tool.h"

static const char usage[] = "[options] KEYEXPR...";

enum { FR_NONE = -1, FR_DELIMITED };
static const char *const framings[] = {"delimited", NULL};

struct mode {
	long qos;
	bool no_retained, json;
	int framing;
};

static int
check_args(struct yk_subscriber *u, const struct mode *m,
	   const struct yk_cli *cli, struct yk_err *err)
{
	bool fmt_given = yk_cli_origin(cli, "format") != YK_FROM_DEFAULT;

	if (u->f.current && m->no_retained)
		return yk_err_set(err, YK_EUSAGE,
				  "--retained-only and --no-retained exclude "
				  "each other");
	if (m->framing == FR_DELIMITED && fmt_given && u->fmt != YK_FMT_RAW)
		return yk_err_set(err, YK_EUSAGE,
				  "--framing delimited and --format %s "
				  "disagree", yk_fmt_names[u->fmt]);
	if (m->framing == FR_DELIMITED && u->decode)
		return yk_err_set(err, YK_EUSAGE,
				  "--framing delimited and --decode disagree");
	if (u->decode && u->fmt == YK_FMT_RAW)
		return yk_err_set(err, YK_EUSAGE,
				  "--format raw and --decode disagree");
	if (m->framing == FR_DELIMITED)
		u->fmt = YK_FMT_DELIMITED;
	if (u->decode && strcmp(u->decode, "auto") != 0)
		return yk_pbreg_find(&u->pb, u->decode, err);
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct mode m = {.qos = 1, .framing = FR_NONE};
	struct yk_ready ready;
	struct yk_subscriber u = {.ready = &ready, .say = yk_err_say};
	struct yk_out out;
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;

	yk_tool_start(&t, "yoke-sub", usage,
		      "Subscribe to key expressions and "
		      "print each message as it arrives.",
		      YK_CONF_RAW | YK_CONF_SESSION);
	struct yk_opt opts[] = {
		YK_GROUP("Output"),
		YK_INT('C', "count", &u.f.count, "COUNT", 1, 1e18,
		       "exit after COUNT messages"),
		YK_NUM('W', "timeout", &u.f.wait, "SECONDS", 0.001, 1e9,
		       "exit after SECONDS; exit 3 if nothing came"),
		YK_FLAG(0, "retained-only", &u.f.current,
			"print the retained values, then exit"),
		YK_FLAG(0, "no-retained", &m.no_retained,
			"skip the retained values"),
		YK_CHOICE(0, "format", &u.fmt, "json|text|raw", yk_fmt_names,
			  "JSON lines, 'KEY PAYLOAD' lines, or payload bytes"),
		YK_CHOICE(0, "framing", &m.framing, "delimited", framings,
			  "raw payloads, each after its varint length (as "
			  "protobuf's writeDelimitedTo)"),
		YK_STR(0, "decode", &u.decode, "TYPE|auto",
		       "protobuf payloads of TYPE as JSON; auto: by channel "
		       "(state, system, commands, rpc/*, video/*); 'help' "
		       "lists the types"),
		YK_FLAG(0, "stats", &u.stats,
			"per-key rate, bandwidth and delay, every second"),
		YK_FLAG(0, "json", &m.json,
			"--stats as JSON lines on a terminal"),
		YK_INT('q', "qos", &m.qos, "0|1", 0, 1,
		       "subscription QoS: highest delivered (default 1)"),
		YK_READY_OPT(&ready),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	yk_out_init(&out, 1);
	yk_ready_init(&ready);
	if (yk_tool_options(&t, opts, argc, argv) != YK_OK ||
	    yk_pbreg_help(u.decode, stdout) ||
	    yk_conf_finish(&t.c, &t.cli, &t.err) != YK_OK)
		goto out;
	if (t.nargs == 0) {
		yk_err_set(&t.err, YK_EUSAGE, "missing KEYEXPR");
		goto out;
	}
	if (check_args(&u, &m, &t.cli, &t.err) != YK_OK ||
	    yk_ready_setup(&ready, &t.err) != YK_OK)
		goto out;
	for (int i = 0; i < t.nargs; i++)
		if (yk_subs_add(&u.w, &t.c.scope, argv[i], &t.err) != YK_OK)
			goto out;
	yk_subscriber_init(&u, &t.c.scope, &out, m.json);
	yk_conf_mqtt(&t.c, &mc);
	mc.on_message = yk_subscriber_on_msg;
	mc.msg_ud = &u;
	if (yk_conf_open(&t.c, &mc, &s, &t.err) == YK_OK &&
	    yk_subs_subscribe(&u.w, s, (int)m.qos,
			       m.no_retained ? YK_RH_NEVER : YK_RH_SEND,
			       &t.err) == YK_OK)
		yk_subscriber_run(&u, s, &t.err);
out:
	yk_mqtt_close(s);
	yk_subscriber_free(&u);
	yk_ready_free(&ready);
	yk_out_free(&out);
	return yk_tool_end(&t);
}
