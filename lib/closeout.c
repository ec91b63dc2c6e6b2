/*
 * closeout.c - standard output flushed, closed and checked before exit.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "closeout.h"

int
yk_closeout(struct yk_err *err)
{
	bool failed = ferror(stdout) != 0; /* a write failed before now */
	bool pipe = false;
	int cause = 0;
	struct stat st;

	if (fstat(1, &st) == 0)
		pipe = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
	if (fflush(stdout) != 0) {
		failed = true;
		cause = errno;
	}
	/* EBADF with nothing failed: the descriptor was closed for us
	 * (`>&-`) and nothing was written to it */
	if (fclose(stdout) != 0 && !failed && errno != EBADF) {
		failed = true;
		cause = errno;
	}
	/* a write that failed earlier took its errno with it; on a pipe or
	 * a socket that is the reader gone, as git reckons it */
	if (!failed || cause == EPIPE || (cause == 0 && pipe))
		return YK_OK;
	return yk_closeout_fail(err, cause);
}

int
yk_closeout_fail(struct yk_err *err, int cause)
{
	if (cause == 0)
		return yk_err_set(err, YK_ERUNTIME,
				  "write failure on standard output");
	return yk_err_set(err, YK_ERUNTIME,
			  "write failure on standard output: %s",
			  strerror(cause));
}
