/*
 * hold.h - hold a liveliness token for as long as we, or a command, run
 * (yoke-alive KEY [-- CMD]): the session and its will, the token
 * (token.h), and the command's supervision.
 *
 * The token is confirmed (ours came back from the broker) before the
 * command starts.  The command gets the signals that would stop us (it
 * decides what they mean), its exit status is ours, and it does not
 * outlive the token: when the session fails it is sent SIGTERM.  A
 * command that cannot be run gives 127 (not found) or 126, as env(1)
 * and the shells do.
 */
#ifndef YK_HOLD_H
#define YK_HOLD_H

#include <signal.h>

#include "conf.h"
#include "err.h"

struct yk_hold {
	struct yk_conf *conf;       /* opened through yk_conf_open */
	const char *key;            /* the token's key (checked) */
	char **cmd;                 /* NULL: hold until *stop */
	volatile sig_atomic_t *stop; /* set by a signal (lib/sig.h) */
	volatile sig_atomic_t *last; /* which one, forwarded to cmd */
	/* Once the token is confirmed (NULL: nothing). */
	void (*ready)(void *ud);
	void *ud;
};

/* Hold h->key; *status: the command's exit status (0 without one).
 * Returns YK_OK, or the session's failure in err. */
int yk_hold_run(const struct yk_hold *h, int *status, struct yk_err *err);

#endif
