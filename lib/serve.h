/*
 * serve.h - the answering side of queries (yoke-get --serve): a queryable
 * for one key expression on the channels of query.h, answering each query
 * with a file's contents or a command's output.
 *
 * What must hold (query.h, Access control in yoke(7)):
 * - a reply goes only to a reply channel, in the name of the robot its
 *   key names, for the keys both the query and the served expression
 *   name (their meet); a query that is not a valid one (no response
 *   topic or correlation data, no key) gets no reply, and one that cannot
 *   be answered there (its key names no robot) is dropped, -v says why;
 * - commands run beside the MQTT loop, never blocking it, at most
 *   YK_SERVE_JOBS at once (one more gets a "busy" error reply), and a
 *   command that runs longer than the wait is killed, its reply saying so;
 * - a reply is sent from the message callback, which cannot wait for
 *   room: a full queue (the asker is long gone then) loses it, and says
 *   so; one too large for the broker becomes an empty reply with the
 *   reason as its error, so the asker learns why at once.
 *
 * A process that answers in its own way (yoke-sim could, from its
 * robots' state) calls yk_serve_request and yk_serve_reply itself, from
 * its own loop; yk_serve_run is yoke-get's whole loop.
 */
#ifndef YK_SERVE_H
#define YK_SERVE_H

#include <poll.h>
#include <signal.h>
#include <stdbool.h>

#include "err.h"
#include "job.h"
#include "key.h"
#include "mqtt.h"
#include "ready.h"

#define YK_SERVE_JOBS 8

struct yk_serve_cfg {
	const struct yk_scope *scope;
	const struct yk_kexpr *ex; /* what is served */
	const char *reply_file;    /* answer with its contents, or */
	const char *exec;          /* with `sh -c exec`'s output (the query's
				      JSON on its stdin, $YOKE_QUERY_KEY) */
	double wait;               /* the longest a command may run (s) */
	/* Warnings at level 0; why a query was dropped at level 1 (said
	 * when verbose >= 1). */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
	int verbose;
	struct yk_ready *ready;      /* told once subscribed, or NULL */
	volatile sig_atomic_t *stop; /* ends yk_serve_run */
};

/* A query to answer: where its reply goes and for which keys. */
struct yk_serve_req {
	char *topic;            /* the reply channel (yk_q_answer_topic) */
	char *key;              /* the meet of the query's key and ours */
	unsigned char corr[64]; /* the query's correlation data */
	size_t corr_len;
};

struct yk_serve {
	struct yk_serve_cfg cfg;
	struct yk_mqtt *s;                  /* set by yk_serve_start */
	struct yk_job jobs[YK_SERVE_JOBS];  /* ud: its request; NULL: free */
};

/*
 * Read rx as a query to the served expression.  True: req is filled (to
 * answer, then yk_serve_req_free).  False: no reply; why->rc is YK_OK
 * when rx was no valid query or asks keys we do not serve, else
 * YK_EUSAGE with why->msg (safe for a terminal) saying why not.
 */
bool yk_serve_request(const struct yk_serve *sv, const struct yk_rx *rx,
		      struct yk_serve_req *req, struct yk_err *why);
/* Send the reply p[0..n) to req on sv->s, with error as its "error"
 * property (NULL: none); what is lost is said (cfg.log, level 0). */
void yk_serve_reply(struct yk_serve *sv, const struct yk_serve_req *req,
		    const void *p, size_t n, const char *error);
void yk_serve_req_free(struct yk_serve_req *req);

/* Serve on s: subscribe to the queries for cfg.ex; with cfg.exec, a
 * finished command wakes the loop (SIGCHLD). */
int yk_serve_start(struct yk_serve *sv, struct yk_mqtt *s, struct yk_err *err);
/* The session's on_message (ud: the server): answer a query, with the
 * file now or by starting the command. */
void yk_serve_on_message(void *ud, const struct yk_rx *rx);
/* The running commands' descriptors, for the step's poll: up to
 * 2 x YK_SERVE_JOBS, written to p; returns how many. */
int yk_serve_fds(const struct yk_serve *sv, struct pollfd *p);
/* After each step: move the commands' data; reply for those done. */
void yk_serve_pump(struct yk_serve *sv);
/* yk_serve_start, then step and pump until *cfg.stop or a fatal error,
 * telling cfg.ready once subscribed; then deliver what is queued. */
int yk_serve_run(struct yk_serve *sv, struct yk_mqtt *s, struct yk_err *err);
/* Kill the commands still running (their queries get no reply). */
void yk_serve_free(struct yk_serve *sv);

#endif
