/*
 * test_sim.c - the simulated robot (lib/sim/sim.h): modes and the deadman,
 * the walk and its walls, joints following a segment, IMU consistent with
 * the pose, over-temperature with hysteresis, battery, repeatability by
 * seed, and the skill controllers (go_to done / stuck / bad target,
 * set_velocity, dock, cancel, pre-emption, argument errors).
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "sim.h"

static struct yk_sim_world W;

static void
robot(struct yk_sim *r)
{
	yk_sim_world_default(&W);
	yk_sim_init(r, &W, 1, 0);
}

/* The events of kind k since the last call, the last one in *out. */
static int
events(struct yk_sim *r, enum yk_sim_ev_kind k, struct yk_sim_event *out)
{
	struct yk_sim_event e;
	int n = 0;

	while (yk_sim_event_take(r, &e))
		if (e.kind == k) {
			n++;
			if (out)
				*out = e;
		}
	return n;
}

/* Run until an action ends (or limit simulated seconds pass). */
static bool
until_end(struct yk_sim *r, double limit, struct yk_sim_event *out)
{
	struct yk_sim_event e;

	for (double t = 0; t < limit; t += 0.1) {
		yk_sim_advance(r, 0.1);
		while (yk_sim_event_take(r, &e))
			if (e.kind == YK_SIM_EV_ACTION_END) {
				*out = e;
				return true;
			}
	}
	return false;
}

static void
test_start(void **state)
{
	struct yk_sim r;

	(void)state;
	robot(&r);
	assert_int_equal(r.mode, YK_SIM_STAND);
	assert_true(fabs(r.x - 2.0) <= 0.25 && fabs(r.y - 3.0) <= 0.25);
	assert_true(r.battery == 90.0);
	assert_true(yk_sim_free(&W, r.x, r.y, YK_SIM_RADIUS));
	/* nothing commands it: it stays where it is */
	double x = r.x, y = r.y;
	yk_sim_advance(&r, 10.0);
	assert_true(r.x == x && r.y == y);
	assert_int_equal(r.mode, YK_SIM_STAND);
}

static void
test_velocity_and_deadman(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e;
	double x0, yaw0;

	(void)state;
	robot(&r);
	r.yaw = 0;
	x0 = r.x;
	yaw0 = r.yaw;
	yk_sim_velocity(&r, 0.5, 0, 0.4);
	assert_int_equal(r.mode, YK_SIM_MOVE);
	/* a command every 0.2 s for 2 s keeps it moving */
	for (int i = 0; i < 10; i++) {
		yk_sim_advance(&r, 0.2);
		assert_int_equal(r.mode, YK_SIM_MOVE);
		yk_sim_velocity(&r, 0.5, 0, 0.4);
	}
	assert_true(r.x > x0 + 0.5);
	assert_true(r.yaw > yaw0 + 0.5);
	/* no command for 0.5 s: back to STAND, velocity zero */
	yk_sim_advance(&r, 0.45);
	assert_int_equal(r.mode, YK_SIM_MOVE);
	yk_sim_advance(&r, 0.1);
	assert_int_equal(r.mode, YK_SIM_STAND);
	assert_true(events(&r, YK_SIM_EV_MODE, &e) >= 1);
	assert_string_equal(e.reason, "deadman");
	yk_sim_advance(&r, 1.0);
	assert_true(r.vx == 0 && r.vyaw == 0);
	double x = r.x;
	yk_sim_advance(&r, 1.0);
	assert_true(r.x == x);
}

static void
test_modes(void **state)
{
	struct yk_sim r;
	char b[64] = "";
	struct yk_buf out = {0};

	(void)state;
	robot(&r);
	yk_sim_mode_cmd(&r, YK_SIM_DAMP);
	assert_int_equal(r.mode, YK_SIM_DAMP);
	assert_true(yk_sim_state_json(&r, "mode", &out));
	assert_string_equal(out.p, "\"DAMP\"");
	/* velocity enters MOVE from DAMP too */
	yk_sim_velocity(&r, 0.2, 0, 0);
	assert_int_equal(r.mode, YK_SIM_MOVE);
	yk_sim_mode_cmd(&r, YK_SIM_STAND);
	assert_int_equal(r.mode, YK_SIM_STAND);
	assert_true(r.cvx == 0);
	/* the enum follows asimov.FirmwareMode's numbering */
	assert_int_equal(YK_SIM_DAMP, 0);
	assert_int_equal(YK_SIM_STAND, 1);
	assert_int_equal(YK_SIM_MOVE, 2);
	assert_false(yk_sim_state_json(&r, "nope", &out));
	(void)b;
	yk_buf_free(&out);
}

static void
test_walls(void **state)
{
	struct yk_sim r;

	(void)state;
	robot(&r);
	r.x = 1.0;
	r.y = 1.0;
	r.yaw = M_PI; /* facing the wall at x = 0 */
	for (int i = 0; i < 40; i++) {
		yk_sim_velocity(&r, 1.0, 0, 0);
		yk_sim_advance(&r, 0.1);
	}
	assert_true(r.x >= YK_SIM_RADIUS);
	assert_true(r.x < YK_SIM_RADIUS + 0.05);
	assert_true(r.blocked);
	assert_false(yk_sim_free(&W, 5.5, 3.0, 0.1)); /* inside the box */
	assert_false(yk_sim_free(&W, 0.1, 3.0, YK_SIM_RADIUS));
	assert_true(yk_sim_free(&W, 2.0, 3.0, YK_SIM_RADIUS));
}

static void
test_joints_follow_segment(void **state)
{
	struct yk_sim r;
	float pos[YK_SIM_JOINTS], kp[YK_SIM_JOINTS], kd[YK_SIM_JOINTS];

	(void)state;
	robot(&r);
	for (int j = 0; j < YK_SIM_JOINTS; j++) {
		pos[j] = (float)(0.02 * j - 0.2);
		kp[j] = 100;
		kd[j] = 2;
	}
	assert_true(yk_sim_segment(&r, pos, kp, kd));
	assert_true(r.kp[5] == 100 && r.kd[5] == 2);
	yk_sim_advance(&r, 2.0);
	for (int j = 0; j < YK_SIM_JOINTS; j++)
		assert_true(fabs(r.q[j] - pos[j]) < 0.01);
	/* defaults when the segment gives no gains */
	yk_sim_segment(&r, pos, NULL, NULL);
	assert_true(r.kp[0] == YK_SIM_KP && r.kd[0] == YK_SIM_KD);
	/* DAMP: the joints no longer follow */
	yk_sim_mode_cmd(&r, YK_SIM_DAMP);
	pos[0] = 1.0f;
	yk_sim_segment(&r, pos, NULL, NULL);
	yk_sim_advance(&r, 2.0);
	assert_true(fabs(r.q[0] - 1.0) > 0.5);
	assert_true(r.current[0] == 0);
}

static void
test_segments_in_order(void **state)
{
	struct yk_sim r;
	float pos[YK_SIM_JOINTS] = {0};

	(void)state;
	robot(&r);
	for (int i = 0; i < 3; i++) {
		pos[12] = (float)(i + 1) / 10;
		assert_true(yk_sim_segment(&r, pos, NULL, NULL));
	}
	/* the first at once, then one every 10 ms; the last holds */
	assert_true(fabs(r.target[12] - 0.1) < 1e-6);
	assert_int_equal(r.nseg, 2);
	yk_sim_advance(&r, 0.01);
	assert_true(fabs(r.target[12] - 0.2) < 1e-6);
	yk_sim_advance(&r, 0.05);
	assert_true(fabs(r.target[12] - 0.3) < 1e-6);
	assert_int_equal(r.nseg, 0);
	/* a full queue refuses (the first applies at once, unqueued) */
	for (int i = 0; i < YK_SIM_MAX_SEGS + 1; i++)
		assert_true(yk_sim_segment(&r, pos, NULL, NULL));
	assert_false(yk_sim_segment(&r, pos, NULL, NULL));
}

static void
test_imu(void **state)
{
	struct yk_sim r;
	float q[4], g[3], gr[3];

	(void)state;
	robot(&r);
	r.yaw = 1.2;
	yk_sim_imu(&r, q, g, gr);
	/* upright: gravity straight down, yaw in the quaternion */
	assert_true(fabsf(gr[2] + 1.0f) < 1e-6 && fabsf(gr[0]) < 1e-6);
	assert_true(fabs(2 * atan2(q[3], q[0]) - 1.2) < 1e-5);
	assert_true(fabsf(q[0] * q[0] + q[1] * q[1] + q[2] * q[2] +
			  q[3] * q[3] - 1.0f) < 1e-5);
	/* turning: the gyro says so; leaning: gravity is a unit vector */
	r.vyaw = 0.7;
	r.vx = 1.5;
	yk_sim_imu(&r, q, g, gr);
	assert_true(fabsf(g[2] - 0.7f) < 1e-6);
	assert_true(gr[0] > 0.01f);
	assert_true(fabsf(gr[0] * gr[0] + gr[1] * gr[1] + gr[2] * gr[2] -
			  1.0f) < 1e-5);
}

static void
test_overtemp_hysteresis(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e = {0};
	float pos[YK_SIM_JOINTS] = {0};
	double t = 0;

	(void)state;
	robot(&r);
	/* a deep squat: the knees carry the weight and heat up */
	pos[3] = pos[9] = 1.5f;
	yk_sim_segment(&r, pos, NULL, NULL);
	while (!r.alert && t < 600) {
		yk_sim_advance(&r, 1.0);
		t++;
	}
	assert_true(r.alert);
	assert_true(t < 120);
	assert_int_equal(events(&r, YK_SIM_EV_ALERT_SET, &e), 1);
	assert_true(e.motor == 3 || e.motor == 9);
	assert_true(e.temp >= YK_SIM_TEMP_TRIP);
	/* standing again: it cools, and the alert holds until 70 C */
	memset(pos, 0, sizeof(pos));
	yk_sim_segment(&r, pos, NULL, NULL);
	while (r.temp[e.motor] >= 75.0)
		yk_sim_advance(&r, 0.5);
	assert_true(r.alert);
	assert_int_equal(events(&r, YK_SIM_EV_ALERT_CLEAR, NULL), 0);
	while (r.alert && t < 2000) {
		yk_sim_advance(&r, 1.0);
		t++;
	}
	assert_false(r.alert);
	assert_int_equal(events(&r, YK_SIM_EV_ALERT_CLEAR, &e), 1);
	assert_true(e.temp < YK_SIM_TEMP_CLEAR);
}

/* mode stand after a squat: the standing pose again, and the knees cool
 * (they were kept squatting, and heating, before) */
static void
test_stand_after_squat(void **state)
{
	struct yk_sim r, fresh;
	float pos[YK_SIM_JOINTS] = {0};
	double hot;

	(void)state;
	robot(&r);
	robot(&fresh);
	pos[3] = pos[9] = 1.5f;
	yk_sim_segment(&r, pos, NULL, NULL);
	/* a second squat queued behind: stand drops it */
	yk_sim_segment(&r, pos, NULL, NULL);
	yk_sim_advance(&r, 30.0);
	assert_true(r.q[3] > 1.4 && r.q[9] > 1.4);
	hot = r.temp[3];
	yk_sim_mode_cmd(&r, YK_SIM_STAND);
	yk_sim_advance(&r, 30.0);
	for (int j = 0; j < YK_SIM_JOINTS; j++) {
		assert_true(fabs(r.q[j] - fresh.q[j]) < 0.02);
		assert_true(r.kp[j] == YK_SIM_KP && r.kd[j] == YK_SIM_KD);
	}
	assert_true(r.temp[3] < hot);
	assert_int_equal(r.nseg, 0);
	/* a trajectory after it is followed again */
	yk_sim_segment(&r, pos, NULL, NULL);
	yk_sim_advance(&r, 5.0);
	assert_true(r.q[3] > 1.4);
}

static void
test_battery(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e;
	double b;

	(void)state;
	robot(&r);
	b = r.battery;
	for (int i = 0; i < 50; i++) {
		yk_sim_velocity(&r, 1.0, 0, 0.3);
		yk_sim_advance(&r, 0.1);
	}
	assert_true(r.battery < b - 0.1);
	/* dock: done on the pad, and it charges there */
	assert_null(yk_sim_invoke(&r, "dock", "{}", 2, (char[24]){0},
				  (char[64]){0}, 64));
	assert_true(until_end(&r, 120, &e));
	assert_false(e.failed);
	assert_string_equal(e.skill, "dock");
	yk_sim_advance(&r, 1.0);
	assert_true(r.docked);
	b = r.battery;
	yk_sim_advance(&r, 10.0);
	assert_true(r.battery > b + 4.0);
}

static void
test_seed(void **state)
{
	struct yk_sim a, b, c;

	(void)state;
	yk_sim_world_default(&W);
	yk_sim_init(&a, &W, 7, 3);
	yk_sim_init(&b, &W, 7, 3);
	yk_sim_init(&c, &W, 8, 3);
	for (int i = 0; i < 30; i++) {
		yk_sim_velocity(&a, 0.8, 0.1, 0.5);
		yk_sim_velocity(&b, 0.8, 0.1, 0.5);
		yk_sim_advance(&a, 0.1);
		yk_sim_advance(&b, 0.1);
	}
	assert_true(a.x == b.x && a.y == b.y && a.yaw == b.yaw);
	assert_memory_equal(a.temp, b.temp, sizeof(a.temp));
	assert_true(a.x != c.x || a.ambient != c.ambient);
}

static void
test_goto_pad(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e;
	const struct yk_sim_pad *p;
	char id[24], msg[128];
	const char *args = "{\"target\":{\"kind\":\"entity\","
			   "\"entity_id\":\"pad_B\"}}";

	(void)state;
	robot(&r);
	assert_null(yk_sim_invoke(&r, "go_to", args, strlen(args), id, msg,
				  sizeof(msg)));
	assert_string_equal(id, "act-1");
	assert_int_equal(r.mode, YK_SIM_MOVE);
	/* no deadman while a skill drives */
	assert_true(until_end(&r, 60, &e));
	assert_false(e.failed);
	assert_string_equal(e.action_id, "act-1");
	assert_string_equal(e.skill, "go_to");
	p = yk_sim_pad_find(&W, "pad_B");
	assert_true(hypot(r.x - p->x, r.y - p->y) < 0.1);
	assert_non_null(strstr(e.result, "\"target\":\"pad_B\""));
	assert_int_equal(r.mode, YK_SIM_STAND);
	/* and to a point */
	args = "{\"target\":{\"x\":3.0,\"y\":1.5}}";
	assert_null(yk_sim_invoke(&r, "go_to", args, strlen(args), id, msg,
				  sizeof(msg)));
	assert_true(until_end(&r, 60, &e));
	assert_false(e.failed);
	assert_true(hypot(r.x - 3.0, r.y - 1.5) < 0.1);
}

static void
test_goto_stuck(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e;
	char id[24], msg[128];
	const char *args = "{\"target\":{\"kind\":\"entity\","
			   "\"entity_id\":\"pad_C\"}}";

	const char *to_a = "{\"target\":{\"kind\":\"entity\","
			   "\"entity_id\":\"pad_A\"}}";

	(void)state;
	robot(&r);
	assert_null(yk_sim_invoke(&r, "go_to", to_a, strlen(to_a), id, msg,
				  sizeof(msg)));
	assert_true(until_end(&r, 60, &e));
	assert_false(e.failed);
	/* the box in the middle stands between pad_A and pad_C */
	assert_null(yk_sim_invoke(&r, "go_to", args, strlen(args), id, msg,
				  sizeof(msg)));
	assert_true(until_end(&r, 60, &e));
	assert_true(e.failed);
	assert_string_equal(e.code, "NAVIGATION_STUCK");
	assert_true(yk_sim_free(&W, r.x, r.y, YK_SIM_RADIUS));
	assert_true(r.x < 5.2 && r.y < 3.0);
	assert_int_equal(r.mode, YK_SIM_STAND);
	/* from the start, every pad is in sight: pad_C too, and back to
	 * the dock from anywhere on the way */
	for (int seed = 1; seed <= 20; seed++) {
		yk_sim_init(&r, &W, (uint64_t)seed, 0);
		assert_null(yk_sim_invoke(&r, "go_to", args, strlen(args), id,
					  msg, sizeof(msg)));
		yk_sim_advance(&r, 3.0 + seed % 5);
		assert_null(yk_sim_invoke(&r, "dock", "", 0, id, msg,
					  sizeof(msg)));
		assert_true(until_end(&r, 60, &e)); /* go_to pre-empted */
		assert_string_equal(e.code, "CANCELLED");
		assert_true(until_end(&r, 60, &e));
		assert_false(e.failed);
		assert_string_equal(e.skill, "dock");
	}
	for (int seed = 1; seed <= 20; seed++) {
		const char *pads[] = {"pad_A", "pad_B", "pad_C", "dock"};

		for (int i = 0; i < 4; i++) {
			char a[80];

			snprintf(a, sizeof(a), "{\"target\":{\"entity_id\":"
				 "\"%s\"}}", pads[i]);
			yk_sim_init(&r, &W, (uint64_t)seed, 0);
			assert_null(yk_sim_invoke(&r, "go_to", a, strlen(a),
						  id, msg, sizeof(msg)));
			assert_true(until_end(&r, 60, &e));
			assert_false(e.failed);
		}
	}
}

static void
test_bad_target(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e;
	char id[24], id2[24], msg[128];
	const char *run = "{\"wz\":0.5,\"duration_s\":10}";
	const char *bad = "{\"target\":{\"entity_id\":\"pad_Z\"}}";
	const char *out = "{\"target\":{\"x\":30,\"y\":1}}";

	(void)state;
	robot(&r);
	assert_null(yk_sim_invoke(&r, "set_velocity", run, strlen(run), id,
				  msg, sizeof(msg)));
	/* a bad target fails at once, and the running action goes on */
	assert_null(yk_sim_invoke(&r, "go_to", bad, strlen(bad), id2, msg,
				  sizeof(msg)));
	assert_int_equal(events(&r, YK_SIM_EV_ACTION_END, &e), 1);
	assert_true(e.failed);
	assert_string_equal(e.code, "BAD_TARGET");
	assert_string_equal(e.action_id, id2);
	assert_string_equal(e.message,
			    "no pad 'pad_Z' (pads: dock, pad_A, pad_B, "
			    "pad_C)");
	assert_string_equal(r.act.id, id);
	assert_null(yk_sim_invoke(&r, "go_to", out, strlen(out), id2, msg,
				  sizeof(msg)));
	assert_int_equal(events(&r, YK_SIM_EV_ACTION_END, &e), 1);
	assert_string_equal(e.code, "BAD_TARGET");
	assert_string_equal(e.message,
			    "(30, 1) is outside the world, 0..10 x 0..6 m");
}

static void
test_set_velocity(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e;
	char id[24], msg[128];
	const char *args = "{\"wz\":0.8,\"duration_s\":2.0}";
	double yaw0;

	(void)state;
	robot(&r);
	yaw0 = r.yaw;
	assert_null(yk_sim_invoke(&r, "set_velocity", args, strlen(args), id,
				  msg, sizeof(msg)));
	assert_false(until_end(&r, 1.9, &e));
	assert_true(until_end(&r, 0.3, &e));
	assert_false(e.failed);
	assert_true(r.t >= 2.0 && r.t < 2.2);
	/* 0.8 rad/s for 2 s, less the ramp up at 4 rad/s^2, plus what
	 * the ramp down adds after the end (at most 0.08 rad) */
	assert_true(r.yaw - yaw0 > 1.50 && r.yaw - yaw0 < 1.61);
}

static void
test_cancel_and_preempt(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e;
	char id[24], id2[24], out[24], msg[128];
	const char *args = "{\"wz\":0.5,\"duration_s\":30}";

	(void)state;
	robot(&r);
	assert_false(yk_sim_cancel(&r, "", out));
	assert_null(yk_sim_invoke(&r, "set_velocity", args, strlen(args), id,
				  msg, sizeof(msg)));
	yk_sim_advance(&r, 1.0);
	/* a new invoke pre-empts */
	assert_null(yk_sim_invoke(&r, "set_velocity", args, strlen(args), id2,
				  msg, sizeof(msg)));
	assert_int_equal(events(&r, YK_SIM_EV_ACTION_END, &e), 1);
	assert_string_equal(e.action_id, id);
	assert_true(e.failed);
	assert_string_equal(e.code, "CANCELLED");
	assert_string_equal(e.message, "pre-empted by set_velocity");
	/* cancel by another id: nothing; by its id: failed CANCELLED */
	assert_false(yk_sim_cancel(&r, id, out));
	assert_true(yk_sim_cancel(&r, id2, out));
	assert_string_equal(out, id2);
	assert_int_equal(events(&r, YK_SIM_EV_ACTION_END, &e), 1);
	assert_string_equal(e.code, "CANCELLED");
	assert_string_equal(e.message, "cancelled");
	assert_int_equal(r.mode, YK_SIM_STAND);
	/* a velocity command pre-empts a skill */
	assert_null(yk_sim_invoke(&r, "set_velocity", args, strlen(args), id,
				  msg, sizeof(msg)));
	yk_sim_velocity(&r, 0.1, 0, 0);
	assert_int_equal(events(&r, YK_SIM_EV_ACTION_END, &e), 1);
	assert_string_equal(e.message, "pre-empted by a velocity command");
}

static void
test_invoke_errors(void **state)
{
	struct yk_sim r;
	char id[24], msg[128];
	static const struct {
		const char *skill, *args, *code, *msg;
	} cases[] = {
		{"fly", "{}", "UNKNOWN_SKILL",
		 "no skill 'fly' (skills: go_to, set_velocity, dock)"},
		{"go_to", "[1]", "BAD_ARGS", "args are not a JSON object"},
		{"go_to", "{\"target\":", "BAD_ARGS",
		 "args are not a JSON object"},
		{"go_to", "", "BAD_ARGS", "go_to needs a target"},
		{"go_to", "{\"target\":3}", "BAD_ARGS",
		 "target is not a JSON object"},
		{"go_to", "{\"target\":{\"x\":1}}", "BAD_ARGS",
		 "target needs entity_id, or x and y"},
		{"go_to", "{\"target\":{\"x\":\"1\",\"y\":2}}", "BAD_ARGS",
		 "target.x is not a number"},
		{"set_velocity", "{\"duration_s\":1}", "BAD_ARGS",
		 "set_velocity needs wz"},
		{"set_velocity", "{\"wz\":1}", "BAD_ARGS",
		 "set_velocity needs duration_s"},
		{"set_velocity", "{\"wz\":3,\"duration_s\":1}", "BAD_ARGS",
		 "wz 3 is out of range -2..2 rad/s"},
		{"set_velocity", "{\"wz\":1,\"duration_s\":0}", "BAD_ARGS",
		 "duration_s 0 is out of range (0, 86400]"},
	};

	(void)state;
	robot(&r);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *code = yk_sim_invoke(&r, cases[i].skill,
						 cases[i].args,
						 strlen(cases[i].args), id,
						 msg, sizeof(msg));

		assert_non_null(code);
		assert_string_equal(code, cases[i].code);
		assert_string_equal(msg, cases[i].msg);
	}
	assert_int_equal(r.nactions, 0);
}

static void
test_state_json(void **state)
{
	struct yk_sim r;
	struct yk_buf b = {0};
	char id[24], msg[64];

	(void)state;
	robot(&r);
	r.x = 2.5;
	r.y = 3.25;
	r.yaw = -0.5;
	assert_true(yk_sim_state_json(&r, "pose", &b));
	assert_string_equal(b.p, "{\"x\":2.500,\"y\":3.250,\"yaw\":-0.5000}");
	yk_buf_truncate(&b, 0);
	assert_true(yk_sim_state_json(&r, "robot_status", &b));
	assert_string_equal(b.p, "{\"mode\":\"STAND\",\"battery_pct\":90.00,"
				 "\"docked\":false,\"active_action\":null}");
	yk_buf_truncate(&b, 0);
	assert_null(yk_sim_invoke(&r, "dock", "", 0, id, msg, sizeof(msg)));
	assert_true(yk_sim_state_json(&r, "robot_status", &b));
	assert_string_equal(b.p, "{\"mode\":\"MOVE\",\"battery_pct\":90.00,"
				 "\"docked\":false,\"active_action\":"
				 "{\"action_id\":\"act-1\",\"skill\":"
				 "\"dock\"}}");
	yk_buf_truncate(&b, 0);
	assert_true(yk_sim_state_json(&r, "velocity", &b));
	assert_string_equal(b.p, "{\"vx\":0.000,\"vy\":0.000,\"vyaw\":0.000}");
	yk_buf_free(&b);
}

static void
test_controller(void **state)
{
	struct yk_sim r;
	struct yk_sim_event e;

	(void)state;
	robot(&r);
	yk_sim_mode_cmd(&r, YK_SIM_STAND);
	assert_int_equal(events(&r, YK_SIM_EV_CONTROLLER, &e), 1);
	assert_string_equal(e.prev, "");
	assert_string_equal(e.cur, "cloud");
	assert_string_equal(e.reason, "acquired");
	yk_sim_advance(&r, YK_SIM_CONTROL_S + 0.1);
	assert_int_equal(events(&r, YK_SIM_EV_CONTROLLER, &e), 1);
	assert_string_equal(e.prev, "cloud");
	assert_string_equal(e.cur, "");
	assert_string_equal(e.reason, "timeout");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_start),
		cmocka_unit_test(test_velocity_and_deadman),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_walls),
		cmocka_unit_test(test_joints_follow_segment),
		cmocka_unit_test(test_segments_in_order),
		cmocka_unit_test(test_imu),
		cmocka_unit_test(test_overtemp_hysteresis),
		cmocka_unit_test(test_stand_after_squat),
		cmocka_unit_test(test_battery),
		cmocka_unit_test(test_seed),
		cmocka_unit_test(test_goto_pad),
		cmocka_unit_test(test_goto_stuck),
		cmocka_unit_test(test_bad_target),
		cmocka_unit_test(test_set_velocity),
		cmocka_unit_test(test_cancel_and_preempt),
		cmocka_unit_test(test_invoke_errors),
		cmocka_unit_test(test_state_json),
		cmocka_unit_test(test_controller),
	};

	return cmocka_run_group_tests_name("sim", tests, NULL, NULL);
}
