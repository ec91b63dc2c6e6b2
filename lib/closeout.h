/*
 * closeout.h - standard output checked before a tool exits, as git's
 * run_builtin checks it after every builtin and gnulib's close_stdout
 * does: a tool whose output did not all reach its file (a full disk,
 * /dev/full, an I/O error that close(2) reports late, as NFS does) must
 * not exit 0, or `yoke-pub --help > usage.txt` on a full disk looks done.
 *
 * What always holds: a reader that went away (EPIPE: `... | head -1`) is
 * no error, as it is nowhere in yoke (lib/out.h); nothing written to a
 * closed descriptor (`>&-`) is no error either.  Data written with
 * write(2) (lib/out.c's writer) reports its own failures as they happen;
 * this catches what went through stdio (--help, --version, the type
 * list of --encode help) and the close of descriptor 1.
 *
 * The dispatcher (cmd/yoke.c) calls this directly; every other tool
 * through yk_tool_end (lib/tool.h), which needs the settings module and
 * so libmosquitto, which the dispatcher does not link.
 */
#ifndef YK_CLOSEOUT_H
#define YK_CLOSEOUT_H

#include "err.h"

/* Flush and close stdout.  YK_ERUNTIME "write failure on standard
 * output: <cause>" when what was written did not all go; else YK_OK. */
int yk_closeout(struct yk_err *err);
/* The error of a failed write to standard output: "write failure on
 * standard output" and the cause (errno; 0: none known). */
int yk_closeout_fail(struct yk_err *err, int cause);

#endif
