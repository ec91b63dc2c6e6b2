/*
 * yoke-get - one-shot query: the retained values that match, plus the
 * replies of live queryables (lib/ask.h); or, with --serve, be such a
 * queryable (lib/serve.h).
 */
#include <stdio.h>
#include <unistd.h>

#include "ask.h"
#include "conf.h"
#include "in.h"
#include "out.h"
#include "ready.h"
#include "serve.h"
#include "sig.h"

static const char usage[] =
	"[options] KEYEXPR [-W SECONDS] [--count N] [--expect ROBOT,...]\n"
	"[options] --serve KEYEXPR (--exec CMD | --reply-file FILE)";

struct get {
	double wait;
	long count;
	const char *expect, *exec, *reply_file;
	bool serve;
	int fmt;
	struct yk_kexpr ex;
	struct yk_out out;
	struct yk_ready ready;
	struct yk_ask ask;
	struct yk_serve sv;
};

static int
check_args(struct get *g, int nargs, struct yk_err *err)
{
	if (nargs != 1)
		return yk_err_set(err, YK_EUSAGE, nargs ? "expected one "
				  "KEYEXPR, got %d" : "missing KEYEXPR", nargs);
	if (g->serve && (g->exec != NULL) == (g->reply_file != NULL))
		return yk_err_set(err, YK_EUSAGE, "--serve needs one of "
				  "--exec and --reply-file");
	if (!g->serve && (g->exec || g->reply_file))
		return yk_err_set(err, YK_EUSAGE,
				  "--exec and --reply-file go with --serve");
	if (g->reply_file) {
		const char *why;
		int fd = yk_in_open_regular(g->reply_file, &why);

		/* one missing now may be there by the first query */
		if (fd == -2)
			return yk_err_set(err, YK_EUSAGE,
					  "cannot read --reply-file '%s': %s",
					  g->reply_file, why);
		if (fd >= 0)
			close(fd);
	}
	if (g->serve && (g->count || g->expect))
		return yk_err_set(err, YK_EUSAGE, "--count and --expect go "
				  "with queries, not --serve");
	return g->expect ? yk_ask_expect(&g->ask, g->expect, err) : YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage, .summary = "Query retained "
			     "values and live queryables, or answer queries."};
	struct yk_conf c;
	struct get g = {.wait = 5};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};
	int nargs, rc;

	yk_prog = "yoke-get";
	yk_conf_init(&c, &cli, YK_CONF_RAW);
	struct yk_opt opts[] = {
		YK_GROUP("Query"),
		YK_NUM('W', "timeout", &g.wait, "SECONDS", 0.001, 1e9,
		       "wait this long for answers; with --serve, the longest "
		       "a command may run (default 5)"),
		YK_INT('C', "count", &g.count, "N", 1, 1e18,
		       "stop after N answers"),
		YK_STR(0, "expect", &g.expect, "ROBOT,...",
		       "report expected robots that did not answer (exit 3)"),
		YK_CHOICE(0, "format", &g.fmt, "json|text|raw", yk_fmt_names,
			  "JSON lines, 'KEY PAYLOAD' lines, or payload bytes"),
		YK_GROUP("Answering"),
		YK_FLAG(0, "serve", &g.serve, "answer queries for KEYEXPR"),
		YK_STR(0, "exec", &g.exec, "CMD",
		       "answer with the output of CMD (query JSON on stdin)"),
		YK_STR(0, "reply-file", &g.reply_file, "FILE",
		       "answer with the contents of FILE"),
		YK_READY_OPT(&g.ready),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_out_init(&g.out, 1);
	yk_ready_init(&g.ready);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || check_args(&g, nargs, &err) != YK_OK ||
	    yk_conf_finish(&c, &cli, &err) != YK_OK ||
	    yk_kexpr_parse(&g.ex, &c.scope, argv[0], &err) != YK_OK)
		goto out;
	if (g.ready.fd >= 0 && !g.serve) {
		yk_err_set(&err, YK_EUSAGE, "--ready-fd goes with --serve");
		goto out;
	}
	if (yk_ready_setup(&g.ready, &err) != YK_OK)
		goto out;
	g.ask.cfg = (struct yk_ask_cfg){
		.scope = &c.scope, .ex = &g.ex, .wait = g.wait,
		.count = g.count, .fmt = g.fmt, .out = &g.out,
		.log = yk_conf_log, .verbose = c.verbose, .stop = &yk_sig_stop,
	};
	g.sv.cfg = (struct yk_serve_cfg){
		.scope = &c.scope, .ex = &g.ex, .reply_file = g.reply_file,
		.exec = g.exec, .wait = g.wait, .log = yk_conf_log,
		.verbose = c.verbose, .ready = &g.ready, .stop = &yk_sig_stop,
	};
	yk_conf_mqtt(&c, &mc);
	mc.on_message = g.serve ? yk_serve_on_message : yk_ask_on_message;
	mc.msg_ud = g.serve ? (void *)&g.sv : (void *)&g.ask;
	if (yk_conf_open(&c, &mc, &s, &err) != YK_OK)
		goto out;
	if (g.serve)
		yk_serve_run(&g.sv, s, &err);
	else
		yk_ask_run(&g.ask, s, c.url.user, &err);
out:
	yk_mqtt_close(s);
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	yk_serve_free(&g.sv);
	yk_ask_free(&g.ask);
	yk_kexpr_free(&g.ex);
	yk_ready_free(&g.ready);
	yk_out_free(&g.out);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
