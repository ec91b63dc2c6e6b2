/*
 * proc.h - child processes: yoke-alive's "-- CMD ARGS" and yoke-get
 * --serve's --exec CMD.
 */
#ifndef YK_PROC_H
#define YK_PROC_H

#include <sys/types.h>

#include "err.h"

struct yk_proc {
	pid_t pid;
	int in;  /* write end of the child's stdin, or -1 */
	int out; /* read end of the child's stdout, or -1 */
	int exec_errno;
};

#define YK_PROC_PIPES 0x1  /* stdin, stdout: pipes (non-blocking here) */
#define YK_PROC_GROUP 0x2  /* own process group, to kill it whole */

/* Run argv (execvp) with env (NAME=VALUE, NULL-terminated, may be NULL)
 * added.  Without YK_PROC_PIPES it inherits our stdio.  A command that
 * cannot be run is reported here (errno in exec_errno), not by a child
 * exiting 127. */
int yk_proc_spawn(struct yk_proc *p, char *const argv[], char *const env[],
		  int flags, struct yk_err *err);
/* Exit status in the shell's convention: the code, or 128 + signal. */
int yk_proc_status(int wstatus);

#endif
