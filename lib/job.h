/*
 * job.h - a shell command fed a string on stdin whose stdout is collected,
 * run alongside the MQTT loop (yoke-get --serve --exec).
 *
 * The caller polls yk_job_fds() in its yk_mqtt_step, then calls
 * yk_job_pump(); a job is finished when its stdout closed and it was
 * reaped.  A job that overruns its deadline is killed (SIGKILL to its
 * process group, so `sh -c` pipelines die whole).
 */
#ifndef YK_JOB_H
#define YK_JOB_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "buf.h"
#include "err.h"

struct yk_job {
	pid_t pid;
	int in, out;       /* -1 once closed */
	struct yk_buf input;
	size_t input_off;
	struct yk_buf output;
	int64_t deadline;  /* monotonic ms */
	bool reaped, timed_out;
	int status;        /* shell convention, once reaped */
	void *ud;          /* the caller's */
};

/* Start `sh -c cmd` with input on its stdin; env holds extra NAME=VALUE
 * pairs (NULL-terminated, may be NULL). */
int yk_job_start(struct yk_job *j, const char *cmd, char *const env[],
		 const void *input, size_t n, double timeout_s,
		 struct yk_err *err);
/* Descriptors to poll (0, 1 or 2), written to p. */
int yk_job_fds(const struct yk_job *j, struct pollfd *p);
/* Move data, reap, enforce the deadline.  True once finished. */
bool yk_job_pump(struct yk_job *j);
void yk_job_free(struct yk_job *j);

#endif
