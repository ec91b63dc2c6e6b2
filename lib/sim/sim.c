/*
 * sim.c - the simulated robot (see sim.h): a fixed-step integrator of a
 * disc that walks on a floor with walls and boxes, 25 joints as damped
 * masses under PD control, first-order motor heating, a battery, and the
 * skill controllers.
 *
 * The models are deliberately simple (no planner: go_to drives straight at
 * its target and reports NAVIGATION_STUCK when a box is in the way; robots
 * do not collide with each other); what matters is that each number moves
 * the way a client expects it to, and repeatably.
 *
 * Semi-implicit Euler at 5 ms is stable for every gain the API allows
 * (kp 500 with inertia 0.1: omega dt = 0.35; kd 5: 0.25).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "sim.h"

#define INERTIA 0.1      /* kg m^2, every joint */
#define KT 4.0           /* Nm per amp */
#define I_MAX 40.0       /* A, the drivers' limit */
#define HEAT (1.0 / 120) /* C/s per A^2 */
#define TAU 120.0        /* s, cooling time constant */
#define A_LIN 2.0        /* m/s^2 */
#define A_YAW 4.0        /* rad/s^2 */
#define Q_MAX 3.1        /* rad, every joint's hard stop */
#define STUCK_S 4.0      /* go_to: no progress for this long */
#define ARRIVE 0.1       /* m */
#define GOTO_V 0.5       /* m/s, a skill's walking pace */

const char *const yk_sim_state_keys[] = {"robot_status", "pose", "mode",
					 "battery_pct", "velocity", "cameras",
					 NULL};
/* lib/sim/simcam.c renders them; named here so that the state RPC can list
 * them without linking the cameras (and libav*) */
const char *const yk_sim_cameras[] = {"pov", "topdown", NULL};

const struct yk_sim_skill_desc yk_sim_skills[] = {
	{"go_to", "walk in a straight line to a pad or a point",
	 {{"target", "object",
	   "{\"kind\":\"entity\",\"entity_id\":PAD} or {\"x\":X,\"y\":Y} "
	   "(m)", true}},
	 1},
	{"set_velocity", "turn (and walk) for a while",
	 {{"wz", "number", "yaw rate, -2..2 rad/s", true},
	  {"duration_s", "number", "how long, simulated seconds", true},
	  {"vx", "number", "forward speed, -2..2 m/s (default 0)", false}},
	 3},
	{"dock", "walk to the dock and charge", {{0}}, 0},
};
const int yk_sim_nskills = 3;

/* Joints whose motors carry the body's weight (hip, knee and ankle
 * pitch of both legs): their holding current grows with the bend. */
static bool
pitch_joint(int j)
{
	return j == 2 || j == 3 || j == 4 || j == 8 || j == 9 || j == 10;
}

/* The standing pose: knees slightly bent. */
static double
stand_pose(int j)
{
	switch (j) {
	case 2: case 8: return -0.15;
	case 3: case 9: return 0.3;
	case 4: case 10: return -0.15;
	default: return 0.0;
	}
}

/*
 * Stand: the standing pose, at the default gains, and no trajectory left
 * to come.  A mode command means this pose, whatever a trajectory made
 * of the joints (a squat held would keep the knees heating).
 */
static void
stand_up(struct yk_sim *r)
{
	for (int j = 0; j < YK_SIM_JOINTS; j++) {
		r->target[j] = stand_pose(j);
		r->kp[j] = YK_SIM_KP;
		r->kd[j] = YK_SIM_KD;
	}
	r->nseg = 0;
}

/* splitmix64: small, fast, and the same everywhere. */
static double
rnd(struct yk_sim *r)
{
	uint64_t z = (r->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	return (double)(z >> 11) / 9007199254740992.0;
}

static double
clamp(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static double
wrap(double a)
{
	while (a > M_PI)
		a -= 2 * M_PI;
	while (a <= -M_PI)
		a += 2 * M_PI;
	return a;
}

void
yk_sim_world_default(struct yk_sim_world *w)
{
	static const struct yk_sim_pad pads[] = {
		{"dock", 1.0, 3.0, 0.8},
		{"pad_A", 3.0, 1.0, 0.8},
		{"pad_B", 8.0, 1.0, 0.8},
		{"pad_C", 8.0, 5.0, 0.8},
	};
	static const struct yk_sim_box boxes[] = {
		{5.2, 2.75, 0.6, 0.5},
		{7.0, 2.5, 0.5, 0.5},
	};

	memset(w, 0, sizeof(*w));
	w->w = 10.0;
	w->h = 6.0;
	w->npads = (int)(sizeof(pads) / sizeof(pads[0]));
	memcpy(w->pads, pads, sizeof(pads));
	w->nboxes = (int)(sizeof(boxes) / sizeof(boxes[0]));
	memcpy(w->boxes, boxes, sizeof(boxes));
}

const struct yk_sim_pad *
yk_sim_pad_find(const struct yk_sim_world *w, const char *name)
{
	for (int i = 0; i < w->npads; i++)
		if (strcmp(w->pads[i].name, name) == 0)
			return &w->pads[i];
	return NULL;
}

bool
yk_sim_free(const struct yk_sim_world *w, double x, double y, double r)
{
	if (x - r < 0 || y - r < 0 || x + r > w->w || y + r > w->h)
		return false;
	for (int i = 0; i < w->nboxes; i++) {
		const struct yk_sim_box *b = &w->boxes[i];
		double cx = clamp(x, b->x, b->x + b->w);
		double cy = clamp(y, b->y, b->y + b->h);

		if ((x - cx) * (x - cx) + (y - cy) * (y - cy) < r * r)
			return false;
	}
	return true;
}

static struct yk_sim_event *
event(struct yk_sim *r, enum yk_sim_ev_kind kind)
{
	struct yk_sim_event *e;

	if (r->nev == YK_SIM_MAX_EVENTS) {
		/* the caller takes events after every advance; a queue this
		 * full means it does not, and the oldest matter least */
		r->dropped++;
		memmove(r->ev, r->ev + 1, sizeof(r->ev[0]) * (size_t)--r->nev);
	}
	e = &r->ev[r->nev++];
	memset(e, 0, sizeof(*e));
	e->kind = kind;
	e->t = r->t;
	return e;
}

bool
yk_sim_event_take(struct yk_sim *r, struct yk_sim_event *e)
{
	if (r->nev == 0)
		return false;
	*e = r->ev[0];
	memmove(r->ev, r->ev + 1, sizeof(r->ev[0]) * (size_t)--r->nev);
	return true;
}

static void
set_mode(struct yk_sim *r, enum yk_sim_mode m, const char *why)
{
	struct yk_sim_event *e;

	if (r->mode == m)
		return;
	r->mode = m;
	e = event(r, YK_SIM_EV_MODE);
	e->mode = m;
	snprintf(e->reason, sizeof(e->reason), "%s", why);
}

static void
control(struct yk_sim *r, const char *cur, const char *why)
{
	struct yk_sim_event *e;

	if (strcmp(r->controller, cur) == 0)
		return;
	e = event(r, YK_SIM_EV_CONTROLLER);
	snprintf(e->prev, sizeof(e->prev), "%s", r->controller);
	snprintf(e->cur, sizeof(e->cur), "%s", cur);
	snprintf(e->reason, sizeof(e->reason), "%s", why);
	snprintf(r->controller, sizeof(r->controller), "%s", cur);
}

/* Every command takes control for the cloud. */
static void
touch(struct yk_sim *r)
{
	r->last_cmd = r->t;
	control(r, "cloud", "acquired");
}

static void
stop_walk(struct yk_sim *r)
{
	r->cvx = r->cvy = r->cvyaw = 0;
}

static const char *
skill_name(enum yk_sim_skill s)
{
	return s == YK_SIM_GOTO ? "go_to" : s == YK_SIM_SETVEL ? "set_velocity"
							       : "dock";
}

/* End the active action; result is a JSON object or NULL. */
static void
end_action(struct yk_sim *r, const char *code, const char *msg,
	   const char *result)
{
	struct yk_sim_event *e;

	if (r->act.skill == YK_SIM_NONE)
		return;
	e = event(r, YK_SIM_EV_ACTION_END);
	snprintf(e->action_id, sizeof(e->action_id), "%s", r->act.id);
	snprintf(e->skill, sizeof(e->skill), "%s", skill_name(r->act.skill));
	e->failed = code != NULL;
	snprintf(e->code, sizeof(e->code), "%s", code ? code : "");
	snprintf(e->message, sizeof(e->message), "%s", msg ? msg : "");
	snprintf(e->result, sizeof(e->result), "%s", result ? result : "");
	e->started = r->act.started;
	r->act.skill = YK_SIM_NONE;
	stop_walk(r);
	if (r->mode == YK_SIM_MOVE)
		set_mode(r, YK_SIM_STAND, e->failed ? "action failed"
						    : "action done");
}

static void
docked_update(struct yk_sim *r)
{
	const struct yk_sim_pad *d = yk_sim_pad_find(r->world, "dock");

	r->docked = d && fabs(r->x - d->x) <= d->size / 2 &&
		    fabs(r->y - d->y) <= d->size / 2 &&
		    r->mode != YK_SIM_MOVE;
}

void
yk_sim_init(struct yk_sim *r, const struct yk_sim_world *w, uint64_t seed,
	    unsigned index)
{
	memset(r, 0, sizeof(*r));
	r->world = w;
	r->rng = seed * 0xd1b54a32d192ed03ULL ^ ((uint64_t)index + 1) *
						       0x8cb92ba72f3d8dd7ULL;
	r->x = 2.0 + (rnd(r) - 0.5) * 0.5;
	r->y = 3.0 + (rnd(r) - 0.5) * 0.5;
	r->yaw = (rnd(r) - 0.5) * 0.6;
	r->mode = YK_SIM_STAND;
	r->battery = 90.0;
	r->ambient = 28.0 + rnd(r) * 4.0;
	r->last_vel = -1e9;
	stand_up(r);
	for (int j = 0; j < YK_SIM_JOINTS; j++) {
		r->q[j] = r->target[j];
		r->temp[j] = r->ambient + rnd(r) * 2.0;
	}
	docked_update(r);
}

/* The skill controllers: set the commanded velocity, end the action. */
static void
drive(struct yk_sim *r)
{
	struct yk_sim_action *a = &r->act;
	char res[160];
	double dx, dy, d, e;

	if (a->skill == YK_SIM_SETVEL) {
		if (r->t >= a->until) {
			snprintf(res, sizeof(res), "{\"yaw\":%.4f}", r->yaw);
			end_action(r, NULL, NULL, res);
			return;
		}
		r->cvx = a->vx;
		r->cvy = 0;
		r->cvyaw = a->wz;
		return;
	}
	dx = a->tx - r->x;
	dy = a->ty - r->y;
	d = hypot(dx, dy);
	if (d < ARRIVE) {
		if (a->skill == YK_SIM_DOCK) {
			snprintf(res, sizeof(res),
				 "{\"docked\":true,\"battery_pct\":%.2f}",
				 r->battery);
		} else {
			snprintf(res, sizeof(res),
				 "{\"x\":%.3f,\"y\":%.3f%s%s%s}", r->x, r->y,
				 a->target[0] ? ",\"target\":\"" : "",
				 a->target, a->target[0] ? "\"" : "");
		}
		end_action(r, NULL, NULL, res);
		return;
	}
	if (d < a->best - 0.02) {
		a->best = d;
		a->best_t = r->t;
	} else if (r->t - a->best_t > STUCK_S) {
		snprintf(res, sizeof(res),
			 "no progress toward (%.2f, %.2f) for %g s at "
			 "(%.2f, %.2f)", a->tx, a->ty, STUCK_S, r->x, r->y);
		end_action(r, "NAVIGATION_STUCK", res, NULL);
		return;
	}
	e = wrap(atan2(dy, dx) - r->yaw);
	r->cvyaw = clamp(2.5 * e, -1.5, 1.5);
	r->cvx = fabs(e) < 0.6 ? fmin(GOTO_V, 1.2 * d) * cos(e) : 0.0;
	r->cvy = 0;
}

static double
toward(double v, double goal, double step)
{
	return v + clamp(goal - v, -step, step);
}

static void
walk(struct yk_sim *r, double dt)
{
	double c, s, nx, ny;

	if (r->mode != YK_SIM_MOVE)
		stop_walk(r);
	r->vx = toward(r->vx, r->cvx, A_LIN * dt);
	r->vy = toward(r->vy, r->cvy, A_LIN * dt);
	r->vyaw = toward(r->vyaw, r->cvyaw, A_YAW * dt);
	r->yaw = wrap(r->yaw + r->vyaw * dt);
	c = cos(r->yaw);
	s = sin(r->yaw);
	nx = r->x + (r->vx * c - r->vy * s) * dt;
	ny = r->y + (r->vx * s + r->vy * c) * dt;
	r->blocked = false;
	if (nx == r->x && ny == r->y)
		return;
	if (yk_sim_free(r->world, nx, ny, YK_SIM_RADIUS)) {
		r->x = nx;
		r->y = ny;
	} else {
		/* a disc against a wall: it stops short, no sliding */
		r->blocked = true;
		r->vx = r->vy = 0;
	}
}

/* The sum of speeds that loads the legs: 0 standing, ~2 at a run. */
static double
effort(const struct yk_sim *r)
{
	return fabs(r->vx) + fabs(r->vy) + 0.5 * fabs(r->vyaw);
}

static void
joints(struct yk_sim *r, double dt)
{
	double load = effort(r), amp = fmin(1.0, load);
	bool hold = r->mode != YK_SIM_DAMP;

	if (r->mode == YK_SIM_MOVE)
		r->gait = fmod(r->gait + 2 * M_PI * 1.8 * dt, 2 * M_PI);
	for (int j = 0; j < YK_SIM_JOINTS; j++) {
		double tgt = r->target[j], tau, cur;

		if (r->mode == YK_SIM_MOVE && j < 12) {
			double ph = sin(r->gait) * (j < 6 ? 1 : -1);

			if (j == 2 || j == 8)
				tgt += 0.35 * amp * ph;
			else if (j == 3 || j == 9)
				tgt += 0.5 * amp * fmax(0.0, ph);
		}
		tau = hold ? r->kp[j] * (tgt - r->q[j]) - r->kd[j] * r->qd[j]
			   : -2.0 * r->qd[j];
		r->qd[j] += tau / INERTIA * dt;
		r->q[j] += r->qd[j] * dt;
		if (fabs(r->q[j]) > Q_MAX) {
			r->q[j] = copysign(Q_MAX, r->q[j]);
			r->qd[j] = 0;
		}
		cur = 0;
		if (hold) {
			cur = fabs(tau) / KT + (j < 12 ? 1.0 : 0.5);
			if (pitch_joint(j))
				cur += 10.0 * fabs(sin(r->q[j]));
			if (r->mode == YK_SIM_MOVE && j < 12)
				cur += 1.0 + 2.5 * load;
		}
		r->current[j] = fmin(cur, I_MAX);
		r->temp[j] += (HEAT * r->current[j] * r->current[j] -
			       (r->temp[j] - r->ambient) / TAU) * dt;
	}
}

static void
alerts(struct yk_sim *r)
{
	int hot = 0;
	struct yk_sim_event *e;

	for (int j = 1; j < YK_SIM_JOINTS; j++)
		if (r->temp[j] > r->temp[hot])
			hot = j;
	if (!r->alert && r->temp[hot] >= YK_SIM_TEMP_TRIP) {
		r->alert = true;
		r->alert_motor = hot;
		r->alert_value = r->temp[hot];
		r->alert_since = r->t;
		e = event(r, YK_SIM_EV_ALERT_SET);
	} else if (r->alert && r->temp[hot] < YK_SIM_TEMP_CLEAR) {
		r->alert = false;
		e = event(r, YK_SIM_EV_ALERT_CLEAR);
	} else {
		return;
	}
	e->motor = r->alert ? r->alert_motor : hot;
	e->temp = r->temp[e->motor];
}

static void
power(struct yk_sim *r, double dt)
{
	static const double idle[] = {0.002, 0.01, 0.02}; /* %/s by mode */

	docked_update(r);
	if (r->docked)
		r->battery = fmin(100.0, r->battery + 0.5 * dt);
	else
		r->battery -= (idle[r->mode] +
			       (r->mode == YK_SIM_MOVE ? 0.05 * effort(r)
						       : 0)) * dt;
	if (r->battery <= 0) {
		r->battery = 0;
		if (r->mode != YK_SIM_DAMP) {
			end_action(r, "CANCELLED", "the battery is empty",
				   NULL);
			stop_walk(r);
			set_mode(r, YK_SIM_DAMP, "battery empty");
		}
	}
}

/* The oldest queued segment becomes the PD target, when its time came. */
static void
next_segment(struct yk_sim *r)
{
	int i = r->seg_head;

	if (r->nseg == 0 || r->t < r->seg_next - 1e-9)
		return;
	for (int j = 0; j < YK_SIM_JOINTS; j++) {
		r->target[j] = r->seg[i][0][j];
		r->kp[j] = r->seg_gains[i] & 1 ? r->seg[i][1][j] : YK_SIM_KP;
		r->kd[j] = r->seg_gains[i] & 2 ? r->seg[i][2][j] : YK_SIM_KD;
	}
	r->seg_head = (i + 1) % YK_SIM_MAX_SEGS;
	r->nseg--;
	r->seg_next = r->t + YK_SIM_SEG_DT;
}

static void
substep(struct yk_sim *r)
{
	double dt = YK_SIM_DT;

	r->t += dt;
	if (r->act.skill != YK_SIM_NONE) {
		drive(r);
	} else if (r->mode == YK_SIM_MOVE &&
		   r->t - r->last_vel >= YK_SIM_DEADMAN) {
		stop_walk(r);
		set_mode(r, YK_SIM_STAND, "deadman");
	}
	if (r->controller[0] && r->act.skill == YK_SIM_NONE &&
	    r->t - r->last_cmd >= YK_SIM_CONTROL_S)
		control(r, "", "timeout");
	next_segment(r);
	walk(r, dt);
	joints(r, dt);
	alerts(r);
	power(r, dt);
}

void
yk_sim_advance(struct yk_sim *r, double dt)
{
	r->acc += dt;
	/* a hair under a substep is a substep: float sums of 0.1 must not
	 * lose one in twenty */
	while (r->acc >= YK_SIM_DT * 0.999) {
		r->acc -= YK_SIM_DT;
		substep(r);
	}
}

void
yk_sim_velocity(struct yk_sim *r, double vx, double vy, double vyaw)
{
	touch(r);
	end_action(r, "CANCELLED", "pre-empted by a velocity command", NULL);
	r->cvx = vx;
	r->cvy = vy;
	r->cvyaw = vyaw;
	r->last_vel = r->t;
	if (r->battery > 0)
		set_mode(r, YK_SIM_MOVE, "velocity command");
}

void
yk_sim_mode_cmd(struct yk_sim *r, enum yk_sim_mode m)
{
	touch(r);
	end_action(r, "CANCELLED", m == YK_SIM_DAMP ? "pre-empted by damp"
						    : "pre-empted by stand",
		   NULL);
	stop_walk(r);
	if (m == YK_SIM_STAND && r->battery > 0)
		stand_up(r);
	if (m == YK_SIM_DAMP || r->battery > 0)
		set_mode(r, m, "mode command");
}

bool
yk_sim_segment(struct yk_sim *r, const float *pos, const float *kp,
	       const float *kd)
{
	int i;

	touch(r);
	if (r->nseg == YK_SIM_MAX_SEGS)
		return false;
	i = (r->seg_head + r->nseg++) % YK_SIM_MAX_SEGS;
	memcpy(r->seg[i][0], pos, sizeof(r->seg[i][0]));
	if (kp)
		memcpy(r->seg[i][1], kp, sizeof(r->seg[i][1]));
	if (kd)
		memcpy(r->seg[i][2], kd, sizeof(r->seg[i][2]));
	r->seg_gains[i] = (unsigned char)((kp ? 1 : 0) | (kd ? 2 : 0));
	next_segment(r);
	return true;
}

/* ---- skills ---- */

/* A JSON number token as a double. */
static bool
num(const char *v, size_t n, double *out)
{
	char tmp[64], *end;

	if (n == 0 || n >= sizeof(tmp) ||
	    !(v[0] == '-' || (v[0] >= '0' && v[0] <= '9')))
		return false;
	memcpy(tmp, v, n);
	tmp[n] = '\0';
	*out = strtod(tmp, &end);
	return *end == '\0' && isfinite(*out);
}

struct args {
	bool has_target, has_x, has_y, has_wz, has_dur, has_vx;
	double x, y, wz, dur, vx;
	char pad[32];
	bool pad_set, pad_long;
	const char *bad; /* a member of the wrong type */
};

static void
read_target(struct args *a, const char *s, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (!yk_json_obj_begin(&it, s, n)) {
		a->bad = "target";
		return;
	}
	a->has_target = true;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (yk_json_key_is(k, kn, "entity_id")) {
			struct yk_buf t = {0};

			if (v[0] != '"' || yk_json_unescape(&t, v, vn)) {
				a->bad = "target.entity_id";
			} else {
				a->pad_set = true;
				a->pad_long = t.len >= sizeof(a->pad);
				snprintf(a->pad, sizeof(a->pad), "%s",
					 t.p ? t.p : "");
			}
			yk_buf_free(&t);
		} else if (yk_json_key_is(k, kn, "x")) {
			a->has_x = num(v, vn, &a->x);
			if (!a->has_x)
				a->bad = "target.x";
		} else if (yk_json_key_is(k, kn, "y")) {
			a->has_y = num(v, vn, &a->y);
			if (!a->has_y)
				a->bad = "target.y";
		}
	}
}

/* Read args; false with msg when they are no JSON object or a member
 * has the wrong type.  Unknown members are ignored (forward
 * compatibility: a newer client may send more). */
static bool
read_args(struct args *a, const char *s, size_t n, char *msg, size_t msgn)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	memset(a, 0, sizeof(*a));
	while (n > 0 && (s[0] == ' ' || s[0] == '\n' || s[0] == '\t')) {
		s++;
		n--;
	}
	if (n == 0)
		return true;
	if (!yk_json_valid(s, n) || !yk_json_obj_begin(&it, s, n)) {
		snprintf(msg, msgn, "args are not a JSON object");
		return false;
	}
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (yk_json_key_is(k, kn, "target")) {
			read_target(a, v, vn);
		} else if (yk_json_key_is(k, kn, "wz")) {
			a->has_wz = num(v, vn, &a->wz);
			if (!a->has_wz)
				a->bad = "wz";
		} else if (yk_json_key_is(k, kn, "duration_s")) {
			a->has_dur = num(v, vn, &a->dur);
			if (!a->has_dur)
				a->bad = "duration_s";
		} else if (yk_json_key_is(k, kn, "vx")) {
			a->has_vx = num(v, vn, &a->vx);
			if (!a->has_vx)
				a->bad = "vx";
		}
	}
	if (a->bad) {
		snprintf(msg, msgn, "%s is not a %s", a->bad,
			 strcmp(a->bad, "target") == 0 ? "JSON object"
			 : strcmp(a->bad, "target.entity_id") == 0 ? "string"
								   : "number");
		return false;
	}
	return true;
}

/* An action that fails as it starts: its own id and end event, the
 * active action untouched. */
static void
fail_at_once(struct yk_sim *r, const char *skill, const char *id,
	     const char *code, const char *msg)
{
	struct yk_sim_event *e = event(r, YK_SIM_EV_ACTION_END);

	snprintf(e->action_id, sizeof(e->action_id), "%s", id);
	snprintf(e->skill, sizeof(e->skill), "%s", skill);
	e->failed = true;
	snprintf(e->code, sizeof(e->code), "%s", code);
	snprintf(e->message, sizeof(e->message), "%s", msg);
	e->started = r->t;
}

static void
pad_list(const struct yk_sim_world *w, char *out, size_t n)
{
	size_t at = 0;

	out[0] = '\0';
	for (int i = 0; i < w->npads && at < n; i++)
		at += (size_t)snprintf(out + at, n - at, "%s%s",
				       i ? ", " : "", w->pads[i].name);
}

const char *
yk_sim_invoke(struct yk_sim *r, const char *skill, const char *args,
	      size_t n, char id[24], char *msg, size_t msgn)
{
	struct yk_sim_action a = {0};
	struct args in;
	char why[128], pads[64];

	if (strcmp(skill, "go_to") == 0)
		a.skill = YK_SIM_GOTO;
	else if (strcmp(skill, "set_velocity") == 0)
		a.skill = YK_SIM_SETVEL;
	else if (strcmp(skill, "dock") == 0)
		a.skill = YK_SIM_DOCK;
	if (a.skill == YK_SIM_NONE) {
		snprintf(msg, msgn, "no skill '%s' (skills: go_to, "
			 "set_velocity, dock)", skill);
		return "UNKNOWN_SKILL";
	}
	if (!read_args(&in, args, n, msg, msgn))
		return "BAD_ARGS";
	if (a.skill == YK_SIM_GOTO && !in.has_target) {
		snprintf(msg, msgn, "go_to needs a target");
		return "BAD_ARGS";
	}
	if (a.skill == YK_SIM_GOTO && !in.pad_set &&
	    !(in.has_x && in.has_y)) {
		snprintf(msg, msgn, "target needs entity_id, or x and y");
		return "BAD_ARGS";
	}
	if (a.skill == YK_SIM_SETVEL) {
		if (!in.has_wz || !in.has_dur) {
			snprintf(msg, msgn, "set_velocity needs %s",
				 in.has_wz ? "duration_s" : "wz");
			return "BAD_ARGS";
		}
		if (fabs(in.wz) > 2.0 || fabs(in.vx) > 2.0 || in.dur <= 0 ||
		    in.dur > 86400) {
			snprintf(msg, msgn, fabs(in.wz) > 2.0
				 ? "wz %g is out of range -2..2 rad/s"
				 : fabs(in.vx) > 2.0
				 ? "vx %g is out of range -2..2 m/s"
				 : "duration_s %g is out of range (0, 86400]",
				 fabs(in.wz) > 2.0 ? in.wz
				 : fabs(in.vx) > 2.0 ? in.vx : in.dur);
			return "BAD_ARGS";
		}
	}
	touch(r);
	snprintf(id, 24, "act-%lu", ++r->nactions);
	if (a.skill == YK_SIM_DOCK || in.pad_set) {
		const char *name = a.skill == YK_SIM_DOCK ? "dock" : in.pad;
		const struct yk_sim_pad *p = in.pad_long
			? NULL : yk_sim_pad_find(r->world, name);

		if (p == NULL) {
			pad_list(r->world, pads, sizeof(pads));
			snprintf(why, sizeof(why), "no pad '%.32s' (pads: %s)",
				 name, pads);
			fail_at_once(r, skill, id, "BAD_TARGET", why);
			return NULL;
		}
		a.tx = p->x;
		a.ty = p->y;
		snprintf(a.target, sizeof(a.target), "%s", p->name);
	} else if (a.skill == YK_SIM_GOTO) {
		if (in.x < 0 || in.y < 0 || in.x > r->world->w ||
		    in.y > r->world->h) {
			snprintf(why, sizeof(why),
				 "(%g, %g) is outside the world, 0..%g x "
				 "0..%g m", in.x, in.y, r->world->w,
				 r->world->h);
			fail_at_once(r, skill, id, "BAD_TARGET", why);
			return NULL;
		}
		a.tx = in.x;
		a.ty = in.y;
	}
	snprintf(why, sizeof(why), "pre-empted by %s", skill);
	end_action(r, "CANCELLED", why, NULL);
	a.vx = in.vx;
	a.wz = in.wz;
	a.until = r->t + in.dur;
	a.started = r->t;
	a.best = hypot(a.tx - r->x, a.ty - r->y);
	a.best_t = r->t;
	snprintf(a.id, sizeof(a.id), "%s", id);
	r->act = a;
	set_mode(r, YK_SIM_MOVE, skill);
	return NULL;
}

bool
yk_sim_cancel(struct yk_sim *r, const char *id, char out[24])
{
	touch(r);
	if (r->act.skill == YK_SIM_NONE ||
	    (id[0] && strcmp(id, r->act.id) != 0))
		return false;
	snprintf(out, 24, "%s", r->act.id);
	end_action(r, "CANCELLED", "cancelled", NULL);
	return true;
}

/* ---- what it reports ---- */

const char *
yk_sim_mode_name(enum yk_sim_mode m)
{
	return m == YK_SIM_DAMP ? "DAMP" : m == YK_SIM_STAND ? "STAND"
							    : "MOVE";
}

/* No "-0.000" in what we print. */
static double
z(double v, double eps)
{
	return fabs(v) < eps ? 0.0 : v;
}

bool
yk_sim_state_json(const struct yk_sim *r, const char *key, struct yk_buf *b)
{
	if (strcmp(key, "robot_status") == 0) {
		yk_buf_addf(b, "{\"mode\":\"%s\",\"battery_pct\":%.2f,"
			    "\"docked\":%s,\"active_action\":",
			    yk_sim_mode_name(r->mode), r->battery,
			    r->docked ? "true" : "false");
		if (r->act.skill == YK_SIM_NONE)
			yk_buf_adds(b, "null");
		else
			yk_buf_addf(b, "{\"action_id\":\"%s\",\"skill\":"
				    "\"%s\"}", r->act.id,
				    skill_name(r->act.skill));
		yk_buf_addc(b, '}');
	} else if (strcmp(key, "pose") == 0) {
		yk_buf_addf(b, "{\"x\":%.3f,\"y\":%.3f,\"yaw\":%.4f}",
			    z(r->x, 5e-4), z(r->y, 5e-4), z(r->yaw, 5e-5));
	} else if (strcmp(key, "mode") == 0) {
		yk_buf_addf(b, "\"%s\"", yk_sim_mode_name(r->mode));
	} else if (strcmp(key, "battery_pct") == 0) {
		yk_buf_addf(b, "%.2f", r->battery);
	} else if (strcmp(key, "velocity") == 0) {
		yk_buf_addf(b, "{\"vx\":%.3f,\"vy\":%.3f,\"vyaw\":%.3f}",
			    z(r->vx, 5e-4), z(r->vy, 5e-4), z(r->vyaw, 5e-4));
	} else if (strcmp(key, "cameras") == 0) {
		for (int i = 0; yk_sim_cameras[i]; i++)
			yk_buf_addf(b, "%c\"%s\"", i ? ',' : '[',
				    yk_sim_cameras[i]);
		yk_buf_addc(b, ']');
	} else {
		return false;
	}
	return true;
}

void
yk_sim_imu(const struct yk_sim *r, float quat[4], float gyro[3],
	   float grav[3])
{
	/* a walker leans into its acceleration; here, into its speed */
	double pitch = 0.03 * r->vx, roll = -0.03 * r->vy + 0.0; /* no -0 */
	double cy = cos(r->yaw / 2), sy = sin(r->yaw / 2);
	double cp = cos(pitch / 2), sp = sin(pitch / 2);
	double cr = cos(roll / 2), sr = sin(roll / 2);

	quat[0] = (float)(cr * cp * cy + sr * sp * sy);
	quat[1] = (float)(sr * cp * cy - cr * sp * sy);
	quat[2] = (float)(cr * sp * cy + sr * cp * sy);
	quat[3] = (float)(cr * cp * sy - sr * sp * cy);
	gyro[0] = 0;
	gyro[1] = 0;
	gyro[2] = (float)r->vyaw;
	grav[0] = (float)sin(pitch);
	grav[1] = (float)(-cos(pitch) * sin(roll));
	grav[2] = (float)(-cos(pitch) * cos(roll));
}
