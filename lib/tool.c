/*
 * tool.c - the frame of a tool's main.
 */
#include <stdio.h>
#include <string.h>

#include "closeout.h"
#include "sig.h"
#include "tool.h"

void
yk_tool_start(struct yk_tool *t, const char *prog, const char *usage,
	      const char *summary, unsigned conf)
{
	memset(t, 0, sizeof(*t));
	yk_prog = prog;
	t->cli.usage = usage;
	t->cli.summary = summary;
	yk_conf_init(&t->c, &t->cli, conf);
	yk_sig_init();
}

int
yk_tool_options(struct yk_tool *t, const struct yk_opt *opts, int argc,
		char **argv)
{
	int rc;

	t->cli.opts = opts;
	rc = yk_cli_parse(&t->cli, argc, argv, &t->nargs, stdout, &t->err);
	if (rc == YK_EXIT)
		t->err.rc = YK_EXIT;
	return rc;
}

int
yk_tool_parse(struct yk_tool *t, const struct yk_opt *opts, int argc,
	      char **argv)
{
	if (yk_tool_options(t, opts, argc, argv) != YK_OK)
		return t->err.rc;
	return yk_conf_finish(&t->c, &t->cli, &t->err);
}

int
yk_tool_end(struct yk_tool *t)
{
	int rc = t->err.rc == YK_EXIT ? YK_OK : t->err.rc;

	/* a failed tool's output is moot: its own error is the one told */
	if (rc == YK_OK)
		rc = yk_closeout(&t->err);
	if (rc != YK_OK)
		yk_err_print(&t->err);
	yk_conf_free(&t->c);
	yk_cli_free(&t->cli);
	return rc;
}
