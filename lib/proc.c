/*
 * proc.c - spawning children.
 *
 * The child gets default signal dispositions and an unblocked mask, so a
 * command run by yoke behaves as it would from the shell.  It gets stdin,
 * stdout and stderr and no other descriptor: the MQTT socket in a child
 * would keep an authenticated session open for it to write into, and keep
 * the broker from seeing us die (the will, clearing a token, fires only
 * when the socket closes).  Closing everything above 2 in the child, as
 * sudo(8) does, covers descriptors that libraries (libmosquitto, libcurl)
 * open without O_CLOEXEC, and ones we inherited: a command that needs one
 * is started otherwise.  And the child is sent SIGTERM when we die
 * (PR_SET_PDEATHSIG), SIGKILL included: a command must not outlive the
 * token that says it runs.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proc.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

/*
 * In the child, between fork and exec: every descriptor above 2 becomes
 * close-on-exec (not closed: the pipe that reports an exec failure must
 * live until the exec).  close_range is Linux 5.11; before, one fcntl per
 * possible descriptor (only async-signal-safe calls here).
 */
static void
cloexec_from(int lo)
{
	long max;

	if (syscall(SYS_close_range, (unsigned)lo, ~0U,
		    CLOSE_RANGE_CLOEXEC) == 0)
		return;
	max = sysconf(_SC_OPEN_MAX);
	if (max < 0 || max > 1 << 20)
		max = 1 << 20;
	for (int fd = lo; fd < max; fd++) {
		int f = fcntl(fd, F_GETFD);

		if (f >= 0 && !(f & FD_CLOEXEC))
			fcntl(fd, F_SETFD, f | FD_CLOEXEC);
	}
}

int
yk_proc_spawn(struct yk_proc *p, char *const argv[], char *const env[],
	      int flags, struct yk_err *err)
{
	int in[2] = {-1, -1}, out[2] = {-1, -1}, ex[2];
	int pipes = flags & YK_PROC_PIPES;
	int e = 0;
	pid_t parent;

	p->pid = -1;
	p->in = p->out = -1;
	p->exec_errno = 0;
	if (pipes && (pipe2(in, O_CLOEXEC) < 0 || pipe2(out, O_CLOEXEC) < 0))
		goto fail;
	/* The exec error travels back through a close-on-exec pipe. */
	if (pipe2(ex, O_CLOEXEC) < 0)
		goto fail;
	parent = getpid();
	p->pid = fork();
	if (p->pid < 0) {
		close(ex[0]);
		close(ex[1]);
		goto fail;
	}
	if (p->pid == 0) {
		sigset_t all;

		if (flags & YK_PROC_GROUP)
			setpgid(0, 0);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		signal(SIGPIPE, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGCHLD, SIG_DFL);
		/* told when we die; we may have died already */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		if (getppid() != parent)
			raise(SIGTERM);
		if (pipes) {
			dup2(in[0], 0);
			dup2(out[1], 1);
		}
		cloexec_from(3);
		for (int i = 0; env && env[i]; i++)
			putenv(env[i]);
		execvp(argv[0], argv);
		e = errno;
		if (write(ex[1], &e, sizeof(e)) < 0) {
			/* the parent will see EOF and assume success */
		}
		_exit(127);
	}
	close(ex[1]);
	if (flags & YK_PROC_GROUP)
		setpgid(p->pid, p->pid); /* also here: no race with a kill */
	if (read(ex[0], &e, sizeof(e)) == sizeof(e)) {
		p->exec_errno = e;
		close(ex[0]);
		waitpid(p->pid, NULL, 0);
		p->pid = -1;
		if (pipes) {
			close(in[0]);
			close(in[1]);
			close(out[0]);
			close(out[1]);
		}
		return yk_err_set(err, e == ENOENT ? YK_EUSAGE : YK_ERUNTIME,
				  "cannot run '%s': %s", argv[0], strerror(e));
	}
	close(ex[0]);
	if (pipes) {
		close(in[0]);
		close(out[1]);
		p->in = in[1];
		p->out = out[0];
		fcntl(p->in, F_SETFL, O_NONBLOCK);
		fcntl(p->out, F_SETFL, O_NONBLOCK);
	}
	return YK_OK;
fail:
	e = errno;
	if (pipes) {
		for (int i = 0; i < 2; i++) {
			if (in[i] >= 0)
				close(in[i]);
			if (out[i] >= 0)
				close(out[i]);
		}
	}
	return yk_err_set(err, YK_ERUNTIME, "cannot start '%s': %s", argv[0],
			  strerror(e));
}

int
yk_proc_status(int wstatus)
{
	if (WIFEXITED(wstatus))
		return WEXITSTATUS(wstatus);
	if (WIFSIGNALED(wstatus))
		return 128 + WTERMSIG(wstatus);
	return 1;
}
