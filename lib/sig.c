/*
 * sig.c - signal flags.
 */
#include <string.h>

#include "sig.h"

volatile sig_atomic_t yk_sig_stop;
volatile sig_atomic_t yk_sig_last;
volatile sig_atomic_t yk_sig_child;

static void
on_stop(int sig)
{
	yk_sig_stop++;
	yk_sig_last = sig;
}

static void
on_child(int sig)
{
	(void)sig;
	yk_sig_child = 1;
}

void
yk_sig_init(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

void
yk_sig_watch_children(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_child;
	sa.sa_flags = SA_NOCLDSTOP;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
}
