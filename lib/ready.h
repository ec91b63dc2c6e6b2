/*
 * ready.h - a long-running tool tells whoever started it that it is
 * ready, so a script or a service manager waits for that instead of
 * sleeping: yoke-sub, yoke-get --serve, yoke-alive, yoke-robot-status
 * agent, yoke-sim.
 *
 * Ready means what a peer can rely on: connected, every subscription
 * acknowledged by the broker (SUBACK), and for a holder its token (and
 * status) published and acknowledged.  A message published after ready
 * reaches the subscriber; a watcher that looks after ready sees the token.
 *
 * Two ways, either or both:
 * - the systemd notify protocol: when $NOTIFY_SOCKET is set, one datagram
 *   "READY=1" to that unix socket (a path, or with a leading '@' an
 *   abstract name), as sd_notify(3) sends it, without libsystemd;
 * - --ready-fd N (s6's notification-fd, and `3>fifo` in a shell): the
 *   line "ready" written to descriptor N, which is then closed, so a
 *   reader sees the line, or end of file if the tool died before it.
 * Both are said once, on the first time ready; a reconnect later says
 * nothing.  $NOTIFY_SOCKET is taken out of the environment and N is
 * close-on-exec: a child (yoke-alive KEY -- CMD, yoke-get --exec) is not
 * the service, and one that held N open would keep the reader waiting.
 */
#ifndef YK_READY_H
#define YK_READY_H

#include <stdbool.h>

#include "err.h"
#include "opt.h"

struct yk_ready {
	long fd;    /* --ready-fd N; -1: none */
	char *sock; /* $NOTIFY_SOCKET, or NULL */
	bool told;
};

/* The option, defined once for every tool that takes it; _HELP for a
 * tool where it goes with one verb only ("agent: ..."). */
#define YK_READY_OPT_HELP(r, help)                                         \
	YK_INT(0, "ready-fd", &(r)->fd, "N", 3, 1048575, help)
#define YK_READY_OPT(r)                                                    \
	YK_READY_OPT_HELP(r, "when ready (connected, subscribed, a token "  \
			     "confirmed), write a line to descriptor N "   \
			     "and close it")

/* Before parsing: no descriptor; $NOTIFY_SOCKET read and unset. */
void yk_ready_init(struct yk_ready *r);
/* After parsing: YK_EUSAGE "--ready-fd 3: descriptor 3 is not open";
 * else N becomes close-on-exec. */
int yk_ready_setup(struct yk_ready *r, struct yk_err *err);
/* Say "ready" (the first call only).  An error (YK_ERUNTIME, "cannot
 * notify '/run/..': ...") is the caller's to print as a warning: the tool
 * itself is fine. */
int yk_ready_tell(struct yk_ready *r, struct yk_err *err);
void yk_ready_free(struct yk_ready *r);

#endif
