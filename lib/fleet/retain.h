/*
 * retain.h - what the broker keeps for a robot, set and forgotten by
 * yoke-robot-status: its status (`set`), its roster entry (`register`),
 * and all of it (`unregister`).
 *
 * Each is a retained QoS 1 message per channel, and a call returns once
 * the broker has acknowledged every one (DESIGN.md, exit 0).  What is
 * sent for others' terminals (a reason, a name, a model) is checked
 * first, and nothing connects when a check fails; those errors name the
 * tool's options (--reason, --name, --model).
 */
#ifndef YK_RETAIN_H
#define YK_RETAIN_H

#include <signal.h>
#include <stdbool.h>

#include "conf.h"
#include "err.h"

/* c->robot's status (one of yk_fleet_statuses) with an optional reason. */
int yk_retain_status(struct yk_conf *c, const char *status,
		     const char *reason, volatile sig_atomic_t *stop,
		     struct yk_err *err);
/* robot's roster entry: name (NULL: the id), model (or NULL), created
 * now. */
int yk_retain_meta(struct yk_conf *c, const char *robot, const char *name,
		   const char *model, volatile sig_atomic_t *stop,
		   struct yk_err *err);
/* Forget robot: its roster entry, status and heartbeat are cleared.  Its
 * token belongs to whoever holds it (token.h), and stays. */
int yk_retain_forget(struct yk_conf *c, const char *robot,
		     volatile sig_atomic_t *stop, struct yk_err *err);

#endif
