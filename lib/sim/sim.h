/*
 * sim.h - the simulated robot of yoke-sim, stepped by simulated time: its
 * modes, its walk through a small world, 25 PD-driven joints, IMU, motor
 * temperatures with the over-temperature alert, battery, the deadman, and
 * the skill controllers (go_to, set_velocity, dock).  Pure: no clock, no
 * MQTT, no I/O; the caller says how much simulated time passes
 * (lib/sim/simrun.c does it from the wall clock times --speed).
 *
 * What always holds:
 * - time advances in fixed substeps of YK_SIM_DT, so a robot given the
 *   same seed and the same commands at the same simulated times is in the
 *   same state, bit for bit;
 * - a command is applied at the substep boundary where it arrives;
 * - the pose never enters a wall or a box (the robot's disc stops short);
 * - at most one action runs; every action that starts ends exactly once,
 *   with an event the caller takes (done, or failed with a code).
 *
 * Modes and their transitions (the reference's Robot Control):
 *   STAND  start; joints hold their PD targets (the standing pose, or the
 *          last trajectory segment)
 *   MOVE   entered by any velocity command (from DAMP or STAND) and while
 *          a skill drives; the legs add a gait to their targets
 *   DAMP   entered by MODE_DAMP or an empty battery: joints go limp
 *          (damping only), velocity zero, the active action cancelled
 *   MODE_STAND from any mode: velocity zero, the action cancelled, STAND.
 *   Deadman: in MOVE with no velocity command for YK_SIM_DEADMAN s (and no
 *   skill driving): velocity zero, back to STAND.
 */
#ifndef YK_SIM_H
#define YK_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define YK_SIM_JOINTS 25
#define YK_SIM_DT 0.005        /* s, one substep */
#define YK_SIM_DEADMAN 0.5     /* s without a velocity command */
#define YK_SIM_RADIUS 0.25     /* m, the robot's disc */
#define YK_SIM_TEMP_TRIP 80.0  /* C, over-temperature alert set */
#define YK_SIM_TEMP_CLEAR 70.0 /* C, and cleared (hysteresis) */
#define YK_SIM_KP 40.0         /* PD gains when a segment gives none */
#define YK_SIM_KD 1.0
#define YK_SIM_CONTROL_S 5.0   /* s without a command: control released */
#define YK_SIM_SEG_DT 0.01     /* s, trajectory segments apply at 100 Hz */
#define YK_SIM_MAX_SEGS 100    /* segments queued at most (1 s) */

/* Firmware modes, numbered as asimov.FirmwareMode. */
enum yk_sim_mode { YK_SIM_DAMP = 0, YK_SIM_STAND = 1, YK_SIM_MOVE = 2 };

/* ---- the world: a rectangle [0,w] x [0,h] with walls at its edges ---- */

struct yk_sim_pad {
	char name[16];
	double x, y;   /* centre, m */
	double size;   /* side of the square, m */
};

struct yk_sim_box {
	double x, y;   /* lower-left corner, m */
	double w, h;
};

#define YK_SIM_MAX_PADS 8
#define YK_SIM_MAX_BOXES 8

struct yk_sim_world {
	double w, h;
	struct yk_sim_pad pads[YK_SIM_MAX_PADS];
	int npads;
	struct yk_sim_box boxes[YK_SIM_MAX_BOXES];
	int nboxes;
};

/* The world of yoke-sim(1): 10 x 6 m; pads dock, pad_A, pad_B, pad_C;
 * a box in the middle, between pad_A and pad_C (the start sees every
 * pad past it), a small crate. */
void yk_sim_world_default(struct yk_sim_world *w);
const struct yk_sim_pad *yk_sim_pad_find(const struct yk_sim_world *w,
					 const char *name);
/* True when a disc of radius r at (x, y) touches no wall and no box. */
bool yk_sim_free(const struct yk_sim_world *w, double x, double y, double r);

/* ---- events the caller takes after each advance ---- */

enum yk_sim_ev_kind {
	YK_SIM_EV_ALERT_SET,    /* over-temperature: motor, temp */
	YK_SIM_EV_ALERT_CLEAR,
	YK_SIM_EV_CONTROLLER,   /* prev, cur, reason */
	YK_SIM_EV_ACTION_END,   /* action_id, skill, failed, code, ... */
	YK_SIM_EV_MODE,         /* mode (the new one), reason */
};

struct yk_sim_event {
	enum yk_sim_ev_kind kind;
	double t;               /* simulated time it happened */
	int motor;              /* ALERT_*: which motor (the hottest) */
	double temp;            /* ALERT_*: its temperature */
	enum yk_sim_mode mode;  /* MODE */
	char prev[16], cur[16]; /* CONTROLLER */
	char reason[64];        /* CONTROLLER, MODE: why */
	/* ACTION_END */
	char action_id[24], skill[16];
	bool failed;
	char code[24];
	char message[96];
	char result[160];       /* a JSON object: what the skill reports */
	double started;         /* simulated time the action started */
};

#define YK_SIM_MAX_EVENTS 32

/* ---- the robot ---- */

enum yk_sim_skill { YK_SIM_NONE, YK_SIM_GOTO, YK_SIM_SETVEL, YK_SIM_DOCK };

struct yk_sim_action {
	enum yk_sim_skill skill;   /* NONE: nothing runs */
	char id[24];
	double started;
	double tx, ty;             /* go_to, dock: the target */
	char target[16];           /* its pad, or "" */
	double vx, wz, until;      /* set_velocity */
	double best, best_t;       /* go_to: closest so far, and when */
};

struct yk_sim {
	const struct yk_sim_world *world;
	uint64_t rng;
	double t;                  /* simulated seconds since start */
	double acc;                /* time given but not yet stepped */
	enum yk_sim_mode mode;
	/* the walk */
	double x, y, yaw;          /* pose: m, m, rad (0 = +x, ccw) */
	double cvx, cvy, cvyaw;    /* commanded, body frame */
	double vx, vy, vyaw;       /* actual */
	bool blocked;              /* the last substep hit something */
	double last_vel;           /* time of the last velocity command */
	/* joints, in the order of yoke-sim(1) */
	double q[YK_SIM_JOINTS], qd[YK_SIM_JOINTS];
	double target[YK_SIM_JOINTS], kp[YK_SIM_JOINTS], kd[YK_SIM_JOINTS];
	double current[YK_SIM_JOINTS], temp[YK_SIM_JOINTS];
	/* trajectory segments not yet applied: positions, kp, kd */
	float seg[YK_SIM_MAX_SEGS][3][YK_SIM_JOINTS];
	unsigned char seg_gains[YK_SIM_MAX_SEGS]; /* 1 kp given, 2 kd */
	int seg_head, nseg;
	double seg_next;           /* when the next one may apply */
	double gait;               /* gait phase, rad */
	double ambient;            /* C */
	/* the over-temperature alert */
	bool alert;
	int alert_motor;
	double alert_value, alert_since;
	/* power */
	double battery;            /* percent */
	bool docked;
	/* control source */
	char controller[16];       /* "cloud" or "" */
	double last_cmd;
	/* skills */
	struct yk_sim_action act;
	unsigned long nactions;
	/* events not yet taken */
	struct yk_sim_event ev[YK_SIM_MAX_EVENTS];
	int nev;
	unsigned long dropped;     /* events lost to a full queue */
};

/*
 * A robot in world w (which must outlive it), number index of a run with
 * this seed: it stands near (2, 3) facing +x, jittered by the seed, with
 * the battery at 90 % and its motors at the ambient temperature.
 */
void yk_sim_init(struct yk_sim *r, const struct yk_sim_world *w,
		 uint64_t seed, unsigned index);
/* Let dt seconds of simulated time pass (in whole substeps; the rest is
 * kept for the next call). */
void yk_sim_advance(struct yk_sim *r, double dt);

/* ---- commands (already checked against the ranges of lib/robot/asimov.h) ---- */

void yk_sim_velocity(struct yk_sim *r, double vx, double vy, double vyaw);
/* A mode command.  Stand is the standing pose at the default gains, the
 * trajectory still queued dropped (a later one is followed again). */
void yk_sim_mode_cmd(struct yk_sim *r, enum yk_sim_mode m);
/*
 * Queue one trajectory segment: positions[25]; kp, kd NULL for the
 * defaults.  Segments become the joints' PD targets one every
 * YK_SIM_SEG_DT, in order (the first at once when none is queued); the
 * last one holds.  False when YK_SIM_MAX_SEGS are queued: dropped.
 */
bool yk_sim_segment(struct yk_sim *r, const float *pos, const float *kp,
		    const float *kd);

/* ---- skills ---- */

struct yk_sim_skill_desc {
	const char *name, *description;
	struct {
		const char *name, *type, *description;
		bool required;
	} params[3];
	int nparams;
};
extern const struct yk_sim_skill_desc yk_sim_skills[];
extern const int yk_sim_nskills;

/*
 * Start skill with args (a JSON object, or empty for {}).  Returns 0 and
 * the new action's id in id; or an RPC error: "UNKNOWN_SKILL" or
 * "BAD_ARGS", with a message in msg.  A target that is no pad or lies
 * outside the world starts an action that fails at once with BAD_TARGET
 * (and leaves the active one running).  A valid start pre-empts the
 * active action (it ends failed CANCELLED).
 */
const char *yk_sim_invoke(struct yk_sim *r, const char *skill,
			  const char *args, size_t n, char id[24],
			  char *msg, size_t msgn);
/* Cancel the active action if id is "" or its id: true when it was. */
bool yk_sim_cancel(struct yk_sim *r, const char *id, char out[24]);

/* ---- what it reports ---- */

/* Take the oldest event: false when none is left. */
bool yk_sim_event_take(struct yk_sim *r, struct yk_sim_event *e);
/* The state keys of yoke-sim(1) (robot_status, pose, mode, battery_pct,
 * velocity, cameras), NULL-terminated. */
extern const char *const yk_sim_state_keys[];
/* The cameras (lib/sim/simcam.h renders them), NULL-terminated. */
extern const char *const yk_sim_cameras[];
/* key's value as JSON into b: false for an unknown key. */
bool yk_sim_state_json(const struct yk_sim *r, const char *key,
		       struct yk_buf *b);
const char *yk_sim_mode_name(enum yk_sim_mode m);

/* IMU consistent with the pose: quaternion [w,x,y,z], gyro [x,y,z]
 * rad/s, projected gravity [x,y,z] in g (upright: 0, 0, -1). */
void yk_sim_imu(const struct yk_sim *r, float quat[4], float gyro[3],
		float grav[3]);

#endif
