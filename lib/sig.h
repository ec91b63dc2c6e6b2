/*
 * sig.h - the signal flags every tool watches (the only mutable globals
 * besides the program name).
 *
 * SIGINT, SIGTERM and SIGHUP count into yk_sig_stop: the first asks a tool
 * to finish cleanly (stop reading, deliver what is queued, clear tokens),
 * the second to give up at once.  SIGPIPE is ignored, so a closed stdout is
 * an EPIPE the tool handles.  Handlers are installed without SA_RESTART, so
 * a blocking poll(2) returns at once.
 */
#ifndef YK_SIG_H
#define YK_SIG_H

#include <signal.h>

extern volatile sig_atomic_t yk_sig_stop;  /* count of stop signals */
extern volatile sig_atomic_t yk_sig_last;  /* the last one's number */
extern volatile sig_atomic_t yk_sig_child; /* SIGCHLD seen */

void yk_sig_init(void);
/* Also catch SIGCHLD (for tools that run a child). */
void yk_sig_watch_children(void);

#endif
