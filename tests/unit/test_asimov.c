/*
 * test_asimov.c - the CloudCommand range check (lib/robot/asimov.h): every
 * range at and past both ends, the counts of 25, NaN and infinities,
 * clamping and its count, modes, and each message word for word.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "asimov.h"

/* A command to check, with its parts in one place. */
struct cmd {
	Asimov__CloudCommand c;
	Asimov__VelocityCommand v;
	Asimov__ModeCommand m;
	Asimov__TrajectoryRequest t;
	Asimov__FullTrajectory f;
	Asimov__JointSegment seg[2];
	Asimov__JointSegment *segp[2];
	float pos[2][26], kp[2][26], kd[2][26];
};

static void
velocity(struct cmd *k, float vx, float vy, float vyaw)
{
	asimov__cloud_command__init(&k->c);
	asimov__velocity_command__init(&k->v);
	k->v.vx = vx;
	k->v.vy = vy;
	k->v.vyaw = vyaw;
	k->c.command_case = ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY;
	k->c.velocity = &k->v;
}

/* nseg segments of 25 positions (0.1 each), kp 100 and kd 1 each when
 * gains is true, none otherwise. */
static void
trajectory(struct cmd *k, size_t nseg, bool gains)
{
	asimov__cloud_command__init(&k->c);
	asimov__trajectory_request__init(&k->t);
	asimov__full_trajectory__init(&k->f);
	for (size_t s = 0; s < 2; s++) {
		asimov__joint_segment__init(&k->seg[s]);
		for (size_t i = 0; i < 26; i++) {
			k->pos[s][i] = 0.1f;
			k->kp[s][i] = 100;
			k->kd[s][i] = 1;
		}
		k->seg[s].n_positions = 25;
		k->seg[s].positions = k->pos[s];
		k->seg[s].n_kp = gains ? 25 : 0;
		k->seg[s].kp = k->kp[s];
		k->seg[s].n_kd = gains ? 25 : 0;
		k->seg[s].kd = k->kd[s];
		k->segp[s] = &k->seg[s];
	}
	k->f.n_segments = nseg;
	k->f.segments = k->segp;
	k->t.full = &k->f;
	k->c.command_case = ASIMOV__CLOUD_COMMAND__COMMAND_TRAJECTORY;
	k->c.trajectory = &k->t;
}

static void
mode(struct cmd *k, int m)
{
	asimov__cloud_command__init(&k->c);
	asimov__mode_command__init(&k->m);
	k->m.mode = (Asimov__Mode)m;
	k->c.command_case = ASIMOV__CLOUD_COMMAND__COMMAND_MODE;
	k->c.mode = &k->m;
}

static void
ok(struct cmd *k)
{
	struct yk_err err = {0};
	int clamped = 0;

	if (yk_asimov_check(&k->c, false, &clamped, &err) != YK_OK)
		fail_msg("refused: %s", err.msg);
	assert_int_equal(clamped, 0);
	/* clamped may be NULL */
	assert_int_equal(yk_asimov_check(&k->c, false, NULL, &err), YK_OK);
}

static void
refused(struct cmd *k, bool clamp, const char *want)
{
	struct yk_err err = {0};
	int clamped = 0;

	assert_int_equal(yk_asimov_check(&k->c, clamp, &clamped, &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, want);
}

static void
test_velocity_ranges(void **state)
{
	struct cmd k;

	(void)state;
	velocity(&k, 0, 0, 0);
	ok(&k);
	/* the ends are in range */
	velocity(&k, 2, 1, 2);
	ok(&k);
	velocity(&k, -2, -1, -2);
	ok(&k);
	velocity(&k, 2.0001f, 0, 0);
	refused(&k, false, "vx 2.0001 is out of range -2..2 m/s");
	velocity(&k, -2.5f, 0, 0);
	refused(&k, false, "vx -2.5 is out of range -2..2 m/s");
	velocity(&k, 0, 1.5f, 0);
	refused(&k, false, "vy 1.5 is out of range -1..1 m/s");
	velocity(&k, 0, -1.01f, 0);
	refused(&k, false, "vy -1.01 is out of range -1..1 m/s");
	velocity(&k, 0, 0, 3);
	refused(&k, false, "vyaw 3 is out of range -2..2 rad/s");
	velocity(&k, 0, 0, -2.25f);
	refused(&k, false, "vyaw -2.25 is out of range -2..2 rad/s");
	/* the first field out of range is named */
	velocity(&k, 9, 9, 9);
	refused(&k, false, "vx 9 is out of range -2..2 m/s");
	velocity(&k, 0, 9, 9);
	refused(&k, false, "vy 9 is out of range -1..1 m/s");
}

static void
test_velocity_not_finite(void **state)
{
	struct cmd k;

	(void)state;
	velocity(&k, NAN, 0, 0);
	refused(&k, false, "vx is not a finite number");
	velocity(&k, 0, INFINITY, 0);
	refused(&k, false, "vy is not a finite number");
	velocity(&k, 0, 0, -INFINITY);
	refused(&k, false, "vyaw is not a finite number");
	/* clamping does not make NaN a number */
	velocity(&k, 0, NAN, 0);
	refused(&k, true, "vy is not a finite number");
	velocity(&k, 0, 0, INFINITY);
	refused(&k, true, "vyaw is not a finite number");
}

static void
test_velocity_clamp(void **state)
{
	struct cmd k;
	struct yk_err err = {0};
	int clamped = 0;

	(void)state;
	velocity(&k, 3, -1.5f, -2.5f);
	assert_int_equal(yk_asimov_check(&k.c, true, &clamped, &err), YK_OK);
	assert_int_equal(clamped, 3);
	assert_true(k.v.vx == 2.0f);
	assert_true(k.v.vy == -1.0f);
	assert_true(k.v.vyaw == -2.0f);
	/* in range: untouched, not counted; the count adds up */
	velocity(&k, 1.25f, 2, -0.5f);
	assert_int_equal(yk_asimov_check(&k.c, true, &clamped, &err), YK_OK);
	assert_int_equal(clamped, 4);
	assert_true(k.v.vx == 1.25f);
	assert_true(k.v.vy == 1.0f);
	assert_true(k.v.vyaw == -0.5f);
	/* without a counter */
	velocity(&k, -7, 0, 0);
	assert_int_equal(yk_asimov_check(&k.c, true, NULL, &err), YK_OK);
	assert_true(k.v.vx == -2.0f);
}

static void
test_trajectory_counts(void **state)
{
	struct cmd k;

	(void)state;
	trajectory(&k, 1, false);
	ok(&k);
	trajectory(&k, 2, true);
	ok(&k);
	trajectory(&k, 0, true);
	refused(&k, false,
		"trajectory: no segments (need at least one, of 25 "
		"positions)");
	trajectory(&k, 1, true);
	k.t.full = NULL;
	refused(&k, false,
		"trajectory: no segments (need at least one, of 25 "
		"positions)");
	trajectory(&k, 2, false);
	k.seg[1].n_positions = 24;
	refused(&k, false, "segments[1].positions: 24 values, need 25");
	k.seg[1].n_positions = 26;
	refused(&k, false, "segments[1].positions: 26 values, need 25");
	k.seg[1].n_positions = 0;
	refused(&k, false, "segments[1].positions: 0 values, need 25");
	/* clamping does not make a count right */
	refused(&k, true, "segments[1].positions: 0 values, need 25");
	trajectory(&k, 2, true);
	k.seg[0].n_kp = 3;
	refused(&k, false, "segments[0].kp: 3 values, need 0 or 25");
	k.seg[0].n_kp = 26;
	refused(&k, false, "segments[0].kp: 26 values, need 0 or 25");
	k.seg[0].n_kp = 25;
	k.seg[1].n_kd = 24;
	refused(&k, true, "segments[1].kd: 24 values, need 0 or 25");
	/* kp and kd are each 0 or 25, independently */
	trajectory(&k, 1, true);
	k.seg[0].n_kd = 0;
	ok(&k);
}

static void
test_trajectory_ranges(void **state)
{
	struct cmd k;

	(void)state;
	/* the ends are in range */
	trajectory(&k, 1, true);
	k.kp[0][0] = 0;
	k.kp[0][24] = 500;
	k.kd[0][0] = 0;
	k.kd[0][24] = 5;
	ok(&k);
	k.kp[0][4] = 500.5f;
	refused(&k, false, "segments[0].kp[4] 500.5 is out of range 0..500");
	k.kp[0][4] = -1;
	refused(&k, false, "segments[0].kp[4] -1 is out of range 0..500");
	k.kp[0][4] = 100;
	k.kd[0][7] = 5.25f;
	refused(&k, false, "segments[0].kd[7] 5.25 is out of range 0..5");
	k.kd[0][7] = -0.5f;
	refused(&k, false, "segments[0].kd[7] -0.5 is out of range 0..5");
	/* positions have no range but must be numbers */
	trajectory(&k, 2, false);
	k.pos[1][3] = 1000;
	ok(&k);
	k.pos[1][3] = NAN;
	refused(&k, false, "segments[1].positions[3] is not a finite number");
	refused(&k, true, "segments[1].positions[3] is not a finite number");
	k.pos[1][3] = -INFINITY;
	refused(&k, false, "segments[1].positions[3] is not a finite number");
	trajectory(&k, 2, true);
	k.kp[1][2] = NAN;
	refused(&k, true, "segments[1].kp[2] is not a finite number");
	k.kp[1][2] = 1;
	k.kd[1][24] = INFINITY;
	refused(&k, false, "segments[1].kd[24] is not a finite number");
}

static void
test_trajectory_clamp(void **state)
{
	struct cmd k;
	struct yk_err err = {0};
	int clamped = 0;

	(void)state;
	trajectory(&k, 2, true);
	k.kp[0][0] = 600;
	k.kp[1][24] = -3;
	k.kd[0][5] = 9;
	k.kd[1][6] = -0.1f;
	assert_int_equal(yk_asimov_check(&k.c, true, &clamped, &err), YK_OK);
	assert_int_equal(clamped, 4);
	assert_true(k.kp[0][0] == 500.0f);
	assert_true(k.kp[1][24] == 0.0f);
	assert_true(k.kd[0][5] == 5.0f);
	assert_true(k.kd[1][6] == 0.0f);
	assert_true(k.kp[0][1] == 100.0f);
	/* positions are never clamped: they have no range */
	assert_true(k.pos[0][0] == 0.1f);
}

static void
test_modes(void **state)
{
	struct cmd k;

	(void)state;
	mode(&k, ASIMOV__MODE__MODE_STAND);
	ok(&k);
	mode(&k, ASIMOV__MODE__MODE_DAMP);
	ok(&k);
	/* FW_MODE_MOVE's number is no command Mode */
	mode(&k, ASIMOV__FIRMWARE_MODE__FW_MODE_MOVE);
	refused(&k, false, "mode 2 is not a Mode (MODE_STAND=0, MODE_DAMP=1)");
	mode(&k, -1);
	refused(&k, true, "mode -1 is not a Mode (MODE_STAND=0, MODE_DAMP=1)");
}

static void
test_no_command(void **state)
{
	struct cmd k;

	(void)state;
	asimov__cloud_command__init(&k.c);
	k.c.timestamp_us = 1;
	k.c.sequence = 1;
	refused(&k, false, "a command needs one of velocity, trajectory, mode");
	refused(&k, true, "a command needs one of velocity, trajectory, mode");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_velocity_ranges),
		cmocka_unit_test(test_velocity_not_finite),
		cmocka_unit_test(test_velocity_clamp),
		cmocka_unit_test(test_trajectory_counts),
		cmocka_unit_test(test_trajectory_ranges),
		cmocka_unit_test(test_trajectory_clamp),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_no_command),
	};

	return cmocka_run_group_tests_name("asimov", tests, NULL, NULL);
}
