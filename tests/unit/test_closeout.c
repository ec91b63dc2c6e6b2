/*
 * test_closeout.c - standard output checked before exit (lib/closeout.h),
 * each case in a child process whose stdout is a full device, a file, a
 * pipe without a reader, or closed.
 *
 * What users rely on: `yoke-pub --help > /dev/full` fails saying why
 * instead of exiting 0; `yoke-sub ... | head -1` and a tool that wrote
 * nothing to a closed stdout are no error.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "buf.h"
#include "closeout.h"

/* In a child: fd (-1: none) as stdout, text written there with stdio
 * times times, then yk_closeout; its result in *err.  SIGPIPE is ignored, as
 * yk_sig_init ignores it in every tool. */
static void
closeout_times(int fd, const char *text, int times, struct yk_err *err)
{
	int p[2], status;
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	/* what the parent buffered must not be written by the child too */
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct yk_err e = {0};

		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		if (fd >= 0) {
			dup2(fd, 1);
			close(fd);
		} else {
			close(1);
		}
		for (int i = 0; text && i < times; i++)
			fputs(text, stdout);
		e.rc = yk_closeout(&e);
		_exit(write(p[1], &e, sizeof(e)) == (ssize_t)sizeof(e) ? 0 : 1);
	}
	close(p[1]);
	if (fd >= 0)
		close(fd);
	memset(err, 0, sizeof(*err));
	assert_int_equal(read(p[0], err, sizeof(*err)), (ssize_t)sizeof(*err));
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static void
closeout_with(int fd, const char *text, struct yk_err *err)
{
	closeout_times(fd, text, 1, err);
}

static void
test_full(void **state)
{
	struct yk_err err;

	(void)state;
	closeout_with(open("/dev/full", O_WRONLY), "usage: yoke-pub\n", &err);
	assert_int_equal(err.rc, YK_ERUNTIME);
	assert_string_equal(err.msg, "write failure on standard output: No "
				     "space left on device");
	/* more than stdio's buffer, line by line as --help writes: the
	 * first flush fails long before the end, and the last says why */
	closeout_times(open("/dev/full", O_WRONLY), "  -q, --qos 0|1\n", 2000,
		       &err);
	assert_int_equal(err.rc, YK_ERUNTIME);
	assert_string_equal(err.msg, "write failure on standard output: No "
				     "space left on device");
	/* nothing written: nothing failed */
	closeout_with(open("/dev/full", O_WRONLY), NULL, &err);
	assert_int_equal(err.rc, YK_OK);
}

/* One write larger than stdio's buffer goes past it and fails there:
 * glibc keeps no errno for it, but the failure is still one. */
static void
test_full_unbuffered(void **state)
{
	static char big[200000];
	struct yk_err err;

	(void)state;
	memset(big, 'x', sizeof(big) - 1);
	closeout_with(open("/dev/full", O_WRONLY), big, &err);
	assert_int_equal(err.rc, YK_ERUNTIME);
	assert_true(strncmp(err.msg, "write failure on standard output",
			    32) == 0);
}

static void
test_file(void **state)
{
	char path[] = "/tmp/yk-test-closeout.XXXXXX";
	int fd = mkstemp(path);
	struct yk_err err;
	char got[16] = {0};

	(void)state;
	assert_true(fd >= 0);
	closeout_with(dup(fd), "all of it\n", &err);
	assert_int_equal(err.rc, YK_OK);
	assert_int_equal(pread(fd, got, sizeof(got), 0), 10);
	assert_string_equal(got, "all of it\n");
	close(fd);
	unlink(path);
}

/* A reader gone is no error: EPIPE, or on a pipe a failure whose errno
 * stdio did not keep. */
static void
test_reader_gone(void **state)
{
	int p[2];
	struct yk_err err;
	static char big[200000];

	(void)state;
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	closeout_with(p[1], "line\n", &err);
	assert_int_equal(err.rc, YK_OK);
	memset(big, 'x', sizeof(big) - 1);
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	closeout_with(p[1], big, &err);
	assert_int_equal(err.rc, YK_OK);
}

/* stdout closed (`>&-`): fine while nothing is written to it. */
static void
test_closed(void **state)
{
	struct yk_err err;

	(void)state;
	closeout_with(-1, NULL, &err);
	assert_int_equal(err.rc, YK_OK);
	closeout_with(-1, "yoke-pub 0.1.0\n", &err);
	assert_int_equal(err.rc, YK_ERUNTIME);
	assert_string_equal(err.msg, "write failure on standard output: Bad "
				     "file descriptor");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_full_unbuffered),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_reader_gone),
		cmocka_unit_test(test_closed),
	};

	return cmocka_run_group_tests_name("closeout", tests, NULL, NULL);
}
