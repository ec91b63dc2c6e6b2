/*
 * job.c - a command fed through pipes without blocking the caller's loop.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "job.h"
#include "proc.h"

int
yk_job_start(struct yk_job *j, const char *cmd, char *const env[],
	     const void *input, size_t n, double timeout_s,
	     struct yk_err *err)
{
	char *argv[] = {"/bin/sh", "-c", (char *)cmd, NULL};
	struct yk_proc p;

	memset(j, 0, sizeof(*j));
	j->in = j->out = -1;
	if (yk_proc_spawn(&p, argv, env, YK_PROC_PIPES | YK_PROC_GROUP, err) !=
	    YK_OK)
		return err->rc;
	j->pid = p.pid;
	j->in = p.in;
	j->out = p.out;
	yk_buf_add(&j->input, input, n);
	j->deadline = yk_mono_ms() + (int64_t)(timeout_s * 1000);
	return YK_OK;
}

int
yk_job_fds(const struct yk_job *j, struct pollfd *p)
{
	int n = 0;

	if (j->in >= 0)
		p[n++] = (struct pollfd){j->in, POLLOUT, 0};
	if (j->out >= 0)
		p[n++] = (struct pollfd){j->out, POLLIN, 0};
	return n;
}

bool
yk_job_pump(struct yk_job *j)
{
	while (j->in >= 0 && j->input_off < j->input.len) {
		ssize_t w = write(j->in, j->input.p + j->input_off,
				  j->input.len - j->input_off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && errno == EAGAIN)
			break;
		if (w < 0) { /* EPIPE: the command does not read its input */
			j->input_off = j->input.len;
			break;
		}
		j->input_off += (size_t)w;
	}
	if (j->in >= 0 && j->input_off >= j->input.len) {
		close(j->in);
		j->in = -1;
	}
	while (j->out >= 0) {
		ssize_t r;

		yk_buf_reserve(&j->output, 4096);
		r = read(j->out, j->output.p + j->output.len, 4096);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0 && errno == EAGAIN)
			break;
		if (r <= 0) {
			close(j->out);
			j->out = -1;
			break;
		}
		j->output.len += (size_t)r;
	}
	if (!j->reaped) {
		int st;
		pid_t p = waitpid(j->pid, &st, WNOHANG);

		if (p == j->pid) {
			j->reaped = true;
			j->status = yk_proc_status(st);
		} else if (yk_mono_ms() >= j->deadline && !j->timed_out) {
			j->timed_out = true;
			kill(-j->pid, SIGKILL);
		}
	}
	/* A killed job's grandchildren may hold stdout open: don't wait. */
	if (j->reaped && j->timed_out && j->out >= 0) {
		close(j->out);
		j->out = -1;
	}
	return j->reaped && j->out < 0;
}

void
yk_job_free(struct yk_job *j)
{
	if (j->in >= 0)
		close(j->in);
	if (j->out >= 0)
		close(j->out);
	if (!j->reaped && j->pid > 0) {
		kill(-j->pid, SIGKILL);
		waitpid(j->pid, NULL, 0);
	}
	yk_buf_free(&j->input);
	yk_buf_free(&j->output);
}
