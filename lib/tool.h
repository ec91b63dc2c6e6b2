/*
 * tool.h - the frame of a tool's main, as git's run_builtin is the frame
 * of its builtins: what every main did alike (the program name, the
 * signal flags, the option table with the shared settings, the error
 * printed, the exit code mapped, standard output checked) is done here,
 * so a main holds only its options and its calls.
 *
 *	struct yk_tool t;
 *
 *	yk_tool_start(&t, "yoke-pub", usage, summary, YK_CONF_RAW);
 *	struct yk_opt opts[] = {..., YK_INCLUDE(t.c.opts), YK_END};
 *	if (yk_tool_parse(&t, opts, argc, argv) != YK_OK)
 *		goto out;
 *	... lib calls, their errors in &t.err, argv[0..t.nargs) ...
 * out:
 *	... the tool's own frees ...
 *	return yk_tool_end(&t);
 *
 * What always holds: the exit code is t.err.rc (lib/err.h), with YK_EXIT
 * (--help, --version, a reader gone from a pipe) exit 0; a tool that
 * would exit 0 exits 1 instead when standard output did not take what
 * was written to it (lib/closeout.h); an error is printed once, last.
 */
#ifndef YK_TOOL_H
#define YK_TOOL_H

#include "conf.h"
#include "err.h"
#include "opt.h"

struct yk_tool {
	struct yk_cli cli;
	struct yk_conf c;   /* the shared settings */
	struct yk_err err;  /* the result */
	int nargs;          /* after parsing: argv[0..nargs) the operands */
};

/* Name the program, install the signal flags (lib/sig.h), fill the
 * shared settings' defaults and options (conf: YK_CONF_*). */
void yk_tool_start(struct yk_tool *t, const char *prog, const char *usage,
		   const char *summary, unsigned conf);
/* Argv, the environment and the config file into opts (lib/opt.h),
 * then the settings checked (yk_conf_finish).  YK_OK, or t->err.rc:
 * YK_EXIT when --help or --version was printed. */
int yk_tool_parse(struct yk_tool *t, const struct yk_opt *opts, int argc,
		  char **argv);
/* The options alone, for a tool that checks its operands before the
 * settings (its usage errors first); it calls yk_conf_finish itself. */
int yk_tool_options(struct yk_tool *t, const struct yk_opt *opts, int argc,
		    char **argv);
/* Print the error, check standard output, free; the exit code. */
int yk_tool_end(struct yk_tool *t);

#endif
