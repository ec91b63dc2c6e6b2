/*
 * driver.h - yoke-drive's session with one robot: commands on
 * <robot>/commands (stamped, range-checked), a velocity held and
 * streamed at a rate, the robot RPC (lib/robot/rpc.h), and what the robot
 * says of itself for the console's status line.
 *
 * What always holds:
 * - every command carries timestamp_us (now) and sequence 1, 2, ... in
 *   the order sent;
 * - nothing out of range is sent: yk_asimov_check refuses it, or with
 *   clamp brings it into range and the caller is told what changed;
 * - a session opened with will_zero has as its MQTT will a zero velocity
 *   CloudCommand on <robot>/commands (QoS 1, sequence 0, stamped at
 *   connect), so a killed or cut-off driver stops the robot; and
 *   yk_driver_close sends a zero velocity itself when the last velocity
 *   sent was not zero.
 */
#ifndef YK_DRIVER_H
#define YK_DRIVER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "conf.h"
#include "drive.h"
#include "query.h"
#include "rpc.h"

struct yk_driver {
	struct yk_conf *c;
	const char *robot;
	struct yk_mqtt *s;
	struct yk_buf topic;       /* <robot>/commands */
	struct yk_buf inbox;
	bool inbox_on;
	bool will;                 /* the zero velocity is our will */
	uint32_t seq;              /* the last sequence sent */
	bool moved;                /* the last velocity sent was not zero */
	bool last_zero;            /* the last command sent: a zero velocity */
	/* a velocity held: streamed at rate until changed */
	bool holding;
	struct yk_drive_vel hold;
	double rate;
	int64_t next_ms;
	bool first;                /* the hold's first tick is next */
	unsigned long dropped;     /* ticks dropped: the link was busy */
	volatile sig_atomic_t *stop; /* the run's stop signal, or NULL */
	struct yk_rpc_call call;
	/* the console: what the robot says (watch) */
	bool watch;
	struct yk_buf state_topic;
	struct yk_rpc_call poll;
	int64_t poll_ms;           /* when the next state poll goes */
	int64_t state_ms;          /* last EdgeTelemetry (monotonic) */
	int64_t open_ms;           /* when the session opened */
	struct yk_drive_status st;
	char mode[16];
	bool changed;              /* st changed since the caller looked */
	/* a call answered in the background (the console's skills) */
	struct yk_rpc_call side;
	const char *side_method;
	const ProtobufCMessage *side_req; /* pending; NULL once answered */
	/* yk_driver_present: is the robot there? */
	bool checking;
	struct yk_buf alive_topic;
	struct yk_sync sync;
	bool token;                /* its liveliness token is held */
	bool state_seen;           /* an EdgeTelemetry came meanwhile */
};

/* Connect for robot, with will_zero the zero velocity as the will
 * (yk_drive_wants_will says when); with watch, also follow the robot's
 * state for yk_driver_status. */
int yk_driver_open(struct yk_driver *d, struct yk_conf *c, const char *robot,
		   bool watch, bool will_zero, struct yk_err *err);

/*
 * Is the robot there?  Its retained liveliness token (<robot>/alive,
 * yoke-sim's and every yoke agent's) answers in one round trip: the
 * sync marker of lib/query.h comes back after it.  A robot that holds
 * no token (it speaks only the robot API) is there when it sends a
 * state message (10 Hz) within YK_DRIVER_PRESENT_S.  YK_ETIMEOUT
 * "'r1' is not there: ..." when neither came; YK_ERUNTIME when the
 * broker does not confirm our subscriptions within 10 s, or at a stop
 * signal.  Nothing is published to the robot meanwhile.
 */
#define YK_DRIVER_PRESENT_S 1.5
int yk_driver_present(struct yk_driver *d, volatile sig_atomic_t *stop,
		      struct yk_err *err);

/*
 * Check cmd (yk_asimov_check; with clamp, what was clamped is described
 * in note, else note is left empty) without sending.
 */
int yk_driver_check(Asimov__CloudCommand *cmd, bool clamp, struct yk_buf *note,
		    struct yk_err *err);
/* Stamp and send cmd (already checked), QoS 1.  A command other than a
 * velocity ends a held velocity. */
int yk_driver_send(struct yk_driver *d, Asimov__CloudCommand *cmd,
		   struct yk_err *err);
/* Send a velocity now (checked by the caller). */
int yk_driver_vel(struct yk_driver *d, const struct yk_drive_vel *v,
		  struct yk_err *err);
/* Hold v, sent at rate Hz from now on (NULL: hold nothing). */
void yk_driver_hold(struct yk_driver *d, const struct yk_drive_vel *v,
		    double rate);
/* Wait up to ms (-1: no limit) for the broker, ext (as yk_mqtt_step)
 * and the held velocity's next send; sends it when due. */
int yk_driver_step(struct yk_driver *d, struct pollfd *ext, int next, int ms,
		   struct yk_err *err);
/* Step for seconds (<0: until *stop), or until *stop is set. */
int yk_driver_wait(struct yk_driver *d, double seconds,
		   volatile sig_atomic_t *stop, struct yk_err *err);

/*
 * Call method with req and wait for the answer in d->call.reply (held
 * velocities keep streaming meanwhile); timeout_s < 0: no limit.  An
 * RpcError answer is an error: YK_EUSAGE for what the caller asked
 * wrongly (UNKNOWN_SKILL, BAD_ARGS, UNKNOWN_KEY, UNKNOWN_CAMERA,
 * BAD_REQUEST), else YK_ERUNTIME; message "'r1' refused invoke 'fly':
 * UNKNOWN_SKILL: ...".  subject names what was asked for (or NULL).
 */
int yk_driver_rpc(struct yk_driver *d, const char *method, const char *subject,
		  const ProtobufCMessage *req, double timeout_s,
		  volatile sig_atomic_t *stop, struct yk_err *err);
/* While watching: send req to method as soon as the inbox is there,
 * and take the answer into d->side (side.done) when it comes, without
 * waiting.  req must live until then. */
void yk_driver_call_later(struct yk_driver *d, const char *method,
			  const ProtobufCMessage *req);
/* The state entries as one JSON object {"key": value, ...}, or, with
 * key, that entry's value alone. */
void yk_driver_state_json(struct yk_buf *out, const Yoke__StateReply *r,
			  const char *key);

/* The status line's facts, fresh (a state poll goes every second while
 * watching). */
const struct yk_drive_status *yk_driver_status(struct yk_driver *d);

/* Stop holding; when the last velocity sent was not zero, send zero;
 * deliver; disconnect.  err keeps an earlier error (the zero is sent
 * all the same). */
int yk_driver_close(struct yk_driver *d, volatile sig_atomic_t *stop,
		    struct yk_err *err);


/* ---- running a command (one-shot, script line, console) ---- */

/* A command made ready: parsed, its CloudCommand built and checked. */
struct yk_driver_job {
	struct yk_drive_cmd *c;
	Asimov__CloudCommand cmd;   /* vel, mode, traj, stop */
	Asimov__VelocityCommand vel;
	Asimov__ModeCommand mode;
	Asimov__TrajectoryRequest tr;
	Asimov__FullTrajectory *full; /* traj: owned */
	Asimov__CloudCommand *send; /* what goes on commands, or NULL */
	struct yk_buf note;         /* what --clamp changed, or empty */
};

/*
 * Build and check c's command; stdin_ok: `traj -` may read standard
 * input.  Errors (YK_EUSAGE) name the field and its range, or the file.
 */
int yk_driver_prepare(struct yk_driver_job *j, struct yk_drive_cmd *c,
		      bool stdin_ok, struct yk_err *err);
void yk_driver_job_free(struct yk_driver_job *j);

struct yk_driver_io {
	struct yk_out *out;        /* data: skills, results, state, JPEG */
	volatile sig_atomic_t *stop;
	bool oneshot;              /* vel without --for streams until stop;
				      else it is held while lines go on */
	double rate;               /* vel's default --rate */
	double rpc_timeout;        /* default --timeout but for invoke */
};

/*
 * Run a prepared job.  invoke: the ActionResult as a JSON line on out;
 * "failed" is YK_ERUNTIME "go_to failed: CODE: message"; a timeout is
 * YK_ETIMEOUT.  vision: the JPEG bytes to -o FILE, else to out.
 */
int yk_driver_run(struct yk_driver *d, struct yk_driver_job *j,
		  const struct yk_driver_io *io, struct yk_err *err);

/*
 * Run the lines of fd (a script) until its end, a stop signal or an
 * error: each line is prepared and run; a bad line (YK_EUSAGE) is an
 * error "line N: ..." -- or, with skip, reported through warn and
 * counted, the result then being YK_EUSAGE "skipped N bad lines of M".
 */
int yk_driver_script(struct yk_driver *d, int fd, bool skip, bool clamp,
		     const struct yk_driver_io *io,
		     void (*warn)(void *ud, const struct yk_err *e),
		     void *ud, struct yk_err *err);

#endif
