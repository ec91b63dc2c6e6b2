/*
 * agent.h - a robot's own side of the fleet channels (the fleet SDK's
 * RobotClient): its status, a heartbeat every N seconds, its liveliness
 * token, and the wills that speak for it when it dies.
 *
 * Two sessions, because a session has one will and a dead robot needs two
 * things said for it: its status turns "offline" (reason "connection
 * lost", and the fault it was in) and its token is cleared.
 *
 * What always holds:
 * - after every (re)connect the status and the token are published again:
 *   the wills may have fired meanwhile;
 * - a status someone else sets for the robot (a fault, `set idle`) is the
 *   one the agent stands by from then on; a will is fixed at connect
 *   time, so when that status carries a new fault the status session is
 *   reconnected with a will that says it;
 * - heartbeats go only while connected (QoS 0, retained): one queued
 *   through an outage would claim the robot was fine all along.
 */
#ifndef YK_AGENT_H
#define YK_AGENT_H

#include <signal.h>
#include <stdbool.h>

#include "conf.h"
#include "err.h"

struct yk_agent;

struct yk_agent_cfg {
	const char *status;      /* reported at start: online, idle, ... */
	long heartbeat_s;        /* > 0 */
	/* a signal counter: a further signal while we wait for the broker
	 * to acknowledge the goodbye gives up (see yk_mqtt_drain) */
	volatile sig_atomic_t *stop;
	/* warnings (another process holds the robot's token): yk_conf_log */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
};

/* Connect both sessions for c->robot; the status and token go at once. */
int yk_agent_open(struct yk_agent **out, struct yk_conf *c,
		  const struct yk_agent_cfg *cfg, struct yk_err *err);
/* Run for up to timeout_ms: heartbeats, acknowledgements, reconnects. */
int yk_agent_step(struct yk_agent *a, int timeout_ms, struct yk_err *err);
/* Say goodbye: status offline (reason "stopped"), the token cleared
 * unless another process holds it (token.h), both acknowledged, waiting at most ms milliseconds for that (<0: as long as
 * it takes). */
int yk_agent_stop(struct yk_agent *a, int ms, struct yk_err *err);
/* Connected, and the status and the token published and confirmed by
 * the broker (lib/ready.h's "ready" for a holder). */
bool yk_agent_ready(const struct yk_agent *a);
/* Close (a normal DISCONNECT: the wills are not said) and free. */
void yk_agent_close(struct yk_agent *a);

struct yk_ready;
/* yoke-robot-status agent: open, step until cfg->stop, then stop and
 * close.  ready (lib/ready.h) is told once the agent is ready; a failure
 * to tell it is a warning (cfg->log), and the agent goes on. */
int yk_agent_run(struct yk_conf *c, const struct yk_agent_cfg *cfg,
		 struct yk_ready *ready, struct yk_err *err);

#endif
