/*
 * simrun.h - yoke-sim's loop: robots of lib/sim/sim.h on the wire, each with
 * its own MQTT sessions, speaking the robot protocols (commands, state,
 * system, rpc) and the fleet channels (status, heartbeat, liveliness,
 * meta, telemetry, faults) of DESIGN.md.
 *
 * What always holds:
 * - simulated time is the wall clock since start times speed; a robot is
 *   brought up to it before any command or request of its own is
 *   applied, and all of them at every tick;
 * - state goes at rate Hz (wall clock), diagnostics and fleet telemetry
 *   once a second, whatever the speed;
 * - every RPC request with a response topic is answered exactly once
 *   (an invoke when its action ends, or at shutdown: failed CANCELLED);
 * - a stop signal ends the run cleanly: status offline, tokens cleared,
 *   all acknowledged (a further signal gives up waiting);
 * - nothing the robots send on their own blocks the loop, broker or not:
 *   state and telemetry (QoS 0) go at once or are dropped, never sent
 *   stale; QoS 1 events wait in the queue (c->queue) but for room kept
 *   for RPC answers, beyond which they are dropped (said once via log,
 *   counted at the end).
 */
#ifndef YK_SIMRUN_H
#define YK_SIMRUN_H

#include <signal.h>
#include <stdint.h>

#include "conf.h"
#include "err.h"

struct yk_simrun_cfg {
	struct yk_conf *c;        /* broker, scope; c->robot is overwritten */
	const char *const *robots; /* ids, checked */
	int nrobots;
	double rate;              /* state messages per second and robot */
	double speed;             /* simulated seconds per wall second */
	uint64_t seed;
	long heartbeat_s;
	volatile sig_atomic_t *stop;
	/* told once every robot is ready (lib/ready.h), or NULL */
	struct yk_ready *ready;
	/* diagnostics (level, message without the program's name) */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
};

/* Run the robots until *stop; then say goodbye. */
int yk_simrun(const struct yk_simrun_cfg *cfg, struct yk_err *err);

#endif
