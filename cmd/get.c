/*
 * yoke-get - one-shot query: the retained values that match, plus the
 * replies of live queryables (lib/ask.h); or, with --serve, be such a
 * queryable (lib/serve.h).
 */
#include <stdio.h>
#include <unistd.h>

#include "ask.h"
#include "in.h"
#include "out.h"
#include "ready.h"
#include "serve.h"
#include "sig.h"
#include "tool.h"

static const char usage[] =
	"[options] KEYEXPR [-W SECONDS] [--count N] [--expect ROBOT,...]\n"
	"[options] --serve KEYEXPR (--exec CMD | --reply-file FILE)";

enum { QUERY, SERVE };
static const struct yk_mode modes[] = {
	[QUERY] = {.what = "a query"}, [SERVE] = {.flag = "serve"}, {0},
};

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
	return g->expect ? yk_ask_expect(&g->ask, g->expect, err) : YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct get g = {.wait = 5};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;

	yk_tool_start(&t, "yoke-get", usage, "Query retained values and live "
		      "queryables, or answer queries.", YK_CONF_RAW);
	t.cli.modes = modes;
	struct yk_opt opts[] = {
		YK_GROUP("Query"),
		YK_NUM('W', "timeout", &g.wait, "SECONDS", 0.001, 1e9,
		       "wait this long for answers; with --serve, the longest "
		       "a command may run (default 5)"),
		YK_ONLY(YK_MODE(QUERY)),
		YK_INT('C', "count", &g.count, "N", 1, 1e18,
		       "stop after N answers"),
		YK_STR(0, "expect", &g.expect, "ROBOT,...",
		       "report expected robots that did not answer (exit 3)"),
		YK_ONLY(0),
		YK_CHOICE(0, "format", &g.fmt, "json|text|raw", yk_fmt_names,
			  "JSON lines, 'KEY PAYLOAD' lines, or payload bytes"),
		YK_GROUP("Answering"),
		YK_FLAG(0, "serve", &g.serve, "answer queries for KEYEXPR"),
		YK_ONLY(YK_MODE(SERVE)),
		YK_STR(0, "exec", &g.exec, "CMD",
		       "answer with the output of CMD (query JSON on stdin)"),
		YK_STR(0, "reply-file", &g.reply_file, "FILE",
		       "answer with the contents of FILE"),
		YK_READY_OPT(&g.ready),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	yk_out_init(&g.out, 1);
	yk_ready_init(&g.ready);
	/* the operands are checked before the settings: usage errors first */
	if (yk_tool_options(&t, opts, argc, argv) != YK_OK ||
	    check_args(&g, t.nargs, &t.err) != YK_OK ||
	    yk_conf_finish(&t.c, &t.cli, &t.err) != YK_OK ||
	    yk_kexpr_parse(&g.ex, &t.c.scope, argv[0], &t.err) != YK_OK ||
	    yk_ready_setup(&g.ready, &t.err) != YK_OK)
		goto out;
	g.ask.cfg = (struct yk_ask_cfg){
		.scope = &t.c.scope, .ex = &g.ex, .wait = g.wait,
		.count = g.count, .fmt = g.fmt, .out = &g.out,
		.log = yk_conf_log, .verbose = t.c.verbose,
		.stop = &yk_sig_stop,
	};
	g.sv.cfg = (struct yk_serve_cfg){
		.scope = &t.c.scope, .ex = &g.ex, .reply_file = g.reply_file,
		.exec = g.exec, .wait = g.wait, .log = yk_conf_log,
		.verbose = t.c.verbose, .ready = &g.ready,
		.stop = &yk_sig_stop,
	};
	yk_conf_mqtt(&t.c, &mc);
	mc.on_message = g.serve ? yk_serve_on_message : yk_ask_on_message;
	mc.msg_ud = g.serve ? (void *)&g.sv : (void *)&g.ask;
	if (yk_conf_open(&t.c, &mc, &s, &t.err) != YK_OK)
		goto out;
	if (g.serve)
		yk_serve_run(&g.sv, s, &t.err);
	else
		yk_ask_run(&g.ask, s, t.c.url.user, &t.err);
out:
	yk_mqtt_close(s);
	yk_serve_free(&g.sv);
	yk_ask_free(&g.ask);
	yk_kexpr_free(&g.ex);
	yk_ready_free(&g.ready);
	yk_out_free(&g.out);
	return yk_tool_end(&t);
}
