/*
 * test_drive.c - yoke-drive's reader (lib/robot/drive.h): words, verbs and
 * their options, CloudCommand lines, the teleop key map and the status
 * line.  Every refusal is checked with its message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "drive.h"

static struct yk_drive_cmd C;
static struct yk_drive_words W;
static struct yk_err E;

static int
line(const char *s)
{
	yk_drive_cmd_free(&C);
	yk_drive_words_free(&W);
	memset(&E, 0, sizeof(E));
	return yk_drive_line(&C, &W, s, strlen(s), &E);
}

static void
bad(const char *s, const char *msg)
{
	int rc = line(s);

	if (rc == YK_OK)
		fail_msg("'%s' was accepted, expected: %s", s, msg);
	assert_int_equal(rc, YK_EUSAGE);
	assert_string_equal(E.msg, msg);
}

static void
ok(const char *s, enum yk_drive_verb v)
{
	int rc = line(s);

	if (rc != YK_OK)
		fail_msg("'%s' refused: %s", s, E.msg);
	assert_int_equal(C.verb, v);
}

static void
test_split(void **state)
{
	struct yk_drive_words w;
	struct yk_err err;
	const char *s = "invoke go_to {\"target\": {\"x\": 1, \"s\": \"a}\"}} "
			"'two words' \"q\\\"x\" \"\" # comment";

	(void)state;
	assert_int_equal(yk_drive_split(&w, s, strlen(s), &err), YK_OK);
	assert_int_equal(w.n, 6);
	assert_string_equal(w.v[0], "invoke");
	assert_string_equal(w.v[2], "{\"target\": {\"x\": 1, \"s\": \"a}\"}}");
	assert_string_equal(w.v[3], "two words");
	assert_string_equal(w.v[4], "q\"x");
	assert_string_equal(w.v[5], "");
	yk_drive_words_free(&w);
	s = "invoke x {\"a\": [1, 2}";
	assert_int_equal(yk_drive_split(&w, s, strlen(s), &err), YK_EUSAGE);
	assert_string_equal(err.msg, "unbalanced '{'");
	s = "state 'pose";
	assert_int_equal(yk_drive_split(&w, s, strlen(s), &err), YK_EUSAGE);
	assert_string_equal(err.msg, "unterminated '");
}

static void
test_vel(void **state)
{
	(void)state;
	ok("vel 0.3 -0.1 -.5", YK_DRIVE_VEL);
	assert_true(C.vx == 0.3 && C.vy == -0.1 && C.vyaw == -0.5);
	assert_true(C.for_s < 0 && C.rate == 0 && !C.clamp);
	ok("  vel 1 0 0 --for 2.5 --rate 50 --clamp  ", YK_DRIVE_VEL);
	assert_true(C.for_s == 2.5 && C.rate == 50 && C.clamp);
	/* out of range is not the reader's business: asimov.h refuses it */
	ok("vel 9 0 0", YK_DRIVE_VEL);
	assert_true(C.vx == 9);
	bad("vel 0.3 0", "vel: expected VX VY VYAW, got 2 numbers");
	bad("vel 0.3 0 0 1", "vel: expected VX VY VYAW, got 4 numbers");
	bad("vel x 0 0", "vel: VX: 'x' is not a number");
	bad("vel nan 0 0", "vel: VX: 'nan' is not a number");
	bad("vel 1 0 0 --for", "option '--for' needs a value");
	bad("vel 1 0 0 --for -1", "--for: '-1' is not a number in range");
	bad("vel 1 0 0 --rate 0", "--rate: '0' is not a number in range");
	bad("vel 1 0 0 --width 3", "--width does not go with vel");
	bad("vel 1 0 0 --fast", "vel: unknown option '--fast'");
}

static void
test_verbs(void **state)
{
	(void)state;
	ok("", YK_DRIVE_NONE);
	ok("   # a comment", YK_DRIVE_NONE);
	ok("mode stand", YK_DRIVE_MODE);
	assert_int_equal(C.mode, ASIMOV__MODE__MODE_STAND);
	ok("mode damp", YK_DRIVE_MODE);
	assert_int_equal(C.mode, ASIMOV__MODE__MODE_DAMP);
	bad("mode move", "mode: expected stand or damp, got 'move'");
	bad("mode", "mode: missing stand or damp");
	ok("traj path.json --clamp", YK_DRIVE_TRAJ);
	assert_string_equal(C.arg, "path.json");
	assert_true(C.clamp);
	ok("stop", YK_DRIVE_STOP);
	bad("stop now", "stop: unexpected argument 'now'");
	ok("skills", YK_DRIVE_SKILLS);
	ok("invoke go_to {\"target\": {\"kind\": \"entity\", "
	   "\"entity_id\": \"pad_B\"}} -W 30", YK_DRIVE_INVOKE);
	assert_string_equal(C.arg, "go_to");
	assert_string_equal(C.args_json, "{\"target\": {\"kind\": \"entity\", "
					 "\"entity_id\": \"pad_B\"}}");
	assert_true(C.timeout == 30);
	ok("invoke dock", YK_DRIVE_INVOKE);
	assert_null(C.args_json);
	bad("invoke", "invoke: missing SKILL");
	bad("invoke go_to [1]", "invoke: ARGS_JSON is not a JSON object");
	bad("invoke go_to 7", "invoke: ARGS_JSON is not a JSON object");
	ok("cancel", YK_DRIVE_CANCEL);
	assert_null(C.arg);
	ok("cancel a-1", YK_DRIVE_CANCEL);
	assert_string_equal(C.arg, "a-1");
	ok("state pose", YK_DRIVE_STATE);
	assert_string_equal(C.arg, "pose");
	ok("vision pov --width 320 --height 240 -o f.jpg", YK_DRIVE_VISION);
	assert_string_equal(C.arg, "pov");
	assert_int_equal(C.width, 320);
	assert_int_equal(C.height, 240);
	assert_string_equal(C.output, "f.jpg");
	bad("vision", "vision: missing CAMERA");
	bad("vision pov --width 0",
	    "invalid value '0' for --width: expected an integer from 1 to "
	    "8192");
	ok("sleep 0.5", YK_DRIVE_SLEEP);
	assert_true(C.seconds == 0.5);
	ok("exit", YK_DRIVE_QUIT);
	bad("jump 3", "unknown verb 'jump' (verbs: vel, mode, traj, stop, "
		      "skills, invoke, cancel, state, vision)");
	bad("json", "unknown verb 'json' (verbs: vel, mode, traj, stop, "
		    "skills, invoke, cancel, state, vision)");
}

static void
test_json_line(void **state)
{
	(void)state;
	ok(" {\"velocity\": {\"vx\": 0.5}}", YK_DRIVE_JSON);
	assert_int_equal(C.json->command_case,
			 ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY);
	assert_true(C.json->velocity->vx == 0.5f);
	ok("{\"mode\": {\"mode\": \"MODE_DAMP\"}}", YK_DRIVE_JSON);
	assert_int_equal(C.json->mode->mode, ASIMOV__MODE__MODE_DAMP);
	bad("{\"velocity\": {\"vz\": 1}}",
	    "asimov.CloudCommand: velocity: unknown field 'vz'");
	yk_drive_cmd_free(&C);
}

static void
test_velocity_build(void **state)
{
	Asimov__CloudCommand c;
	Asimov__VelocityCommand v;

	(void)state;
	yk_drive_velocity(&c, &v, 0.25, 0, -1);
	assert_int_equal(c.command_case,
			 ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY);
	assert_true(c.velocity->vx == 0.25f && c.velocity->vyaw == -1.0f);
	assert_false(yk_drive_is_zero(&c));
	yk_drive_velocity(&c, &v, 0, 0, 0);
	assert_true(yk_drive_is_zero(&c));
}

static void
test_keys(void **state)
{
	size_t used;

	(void)state;
	assert_int_equal(yk_drive_key("w", 1, true, &used), YK_KEY_FORWARD);
	assert_int_equal(used, 1);
	assert_int_equal(yk_drive_key("S", 1, true, &used), YK_KEY_BACK);
	assert_int_equal(yk_drive_key("a", 1, true, &used), YK_KEY_LEFT);
	assert_int_equal(yk_drive_key("d", 1, true, &used), YK_KEY_RIGHT);
	assert_int_equal(yk_drive_key("z", 1, true, &used), YK_KEY_SLIDE_L);
	assert_int_equal(yk_drive_key("c", 1, true, &used), YK_KEY_SLIDE_R);
	assert_int_equal(yk_drive_key(" ", 1, true, &used), YK_KEY_STOP);
	assert_int_equal(yk_drive_key("q", 1, true, &used), YK_KEY_QUIT);
	assert_int_equal(yk_drive_key("x", 1, true, &used), YK_KEY_NONE);
	assert_int_equal(used, 1);
	/* arrows, CSI and SS3 forms */
	assert_int_equal(yk_drive_key("\033[A", 3, true, &used),
			 YK_KEY_FORWARD);
	assert_int_equal(used, 3);
	assert_int_equal(yk_drive_key("\033[Bw", 4, true, &used), YK_KEY_BACK);
	assert_int_equal(used, 3);
	assert_int_equal(yk_drive_key("\033OC", 3, true, &used), YK_KEY_RIGHT);
	assert_int_equal(yk_drive_key("\033[D", 3, true, &used), YK_KEY_LEFT);
	/* a modified arrow or another sequence is skipped whole */
	assert_int_equal(yk_drive_key("\033[1;5A", 6, true, &used),
			 YK_KEY_NONE);
	assert_int_equal(used, 6);
	/* Esc alone: only when nothing more came */
	assert_int_equal(yk_drive_key("\033", 1, false, &used), YK_KEY_MORE);
	assert_int_equal(used, 0);
	assert_int_equal(yk_drive_key("\033", 1, true, &used), YK_KEY_QUIT);
	assert_int_equal(used, 1);
	assert_int_equal(yk_drive_key("\033[", 2, false, &used), YK_KEY_MORE);
	assert_int_equal(yk_drive_key("\033x", 2, true, &used), YK_KEY_QUIT);
	assert_int_equal(used, 1);
	assert_int_equal(yk_drive_key("", 0, true, &used), YK_KEY_NONE);
	assert_int_equal(used, 0);
}

static void
test_teleop(void **state)
{
	struct yk_drive_vel v = {0};

	(void)state;
	assert_true(yk_drive_teleop(&v, YK_KEY_FORWARD));
	assert_true(yk_drive_teleop(&v, YK_KEY_FORWARD));
	assert_true(yk_drive_teleop(&v, YK_KEY_FORWARD));
	assert_true(v.vx == 0.3);
	assert_true(yk_drive_teleop(&v, YK_KEY_BACK));
	assert_true(yk_drive_teleop(&v, YK_KEY_BACK));
	assert_true(yk_drive_teleop(&v, YK_KEY_BACK));
	assert_true(v.vx == 0); /* exactly, after steps up and down */
	assert_true(yk_drive_teleop(&v, YK_KEY_LEFT));
	assert_true(v.vyaw == 0.2);
	assert_true(yk_drive_teleop(&v, YK_KEY_RIGHT));
	assert_true(yk_drive_teleop(&v, YK_KEY_RIGHT));
	assert_true(v.vyaw == -0.2);
	assert_true(yk_drive_teleop(&v, YK_KEY_SLIDE_R));
	assert_true(v.vy == -0.1);
	/* never out of range: 25 presses stop at 2 m/s */
	for (int i = 0; i < 25; i++)
		yk_drive_teleop(&v, YK_KEY_FORWARD);
	assert_true(v.vx == 2.0);
	assert_false(yk_drive_teleop(&v, YK_KEY_FORWARD));
	for (int i = 0; i < 15; i++)
		yk_drive_teleop(&v, YK_KEY_SLIDE_L);
	assert_true(v.vy == 1.0);
	assert_true(yk_drive_teleop(&v, YK_KEY_STOP));
	assert_true(v.vx == 0 && v.vy == 0 && v.vyaw == 0);
	assert_false(yk_drive_teleop(&v, YK_KEY_STOP));
	assert_false(yk_drive_teleop(&v, YK_KEY_NONE));
}

static void
test_status_line(void **state)
{
	struct yk_drive_status st = {.robot = "r1", .battery = -1,
				     .alerts = -1};
	struct yk_buf b = {0};

	(void)state;
	yk_drive_status_line(&b, &st);
	assert_string_equal(b.p, "r1 ?");
	st.mode = "MOVE";
	st.battery = 87.4;
	st.have_vel = true;
	st.vel.vx = 0.3;
	st.alerts = 0;
	yk_buf_truncate(&b, 0);
	yk_drive_status_line(&b, &st);
	assert_string_equal(b.p, "r1 MOVE vel 0.30 0.00 0.00 bat 87% ok");
	st.alerts = 2;
	strcpy(st.alert, "MOTOR_OVERTEMP");
	st.teleop = true;
	st.cmd.vyaw = -0.4;
	st.stale = true;
	yk_buf_truncate(&b, 0);
	yk_drive_status_line(&b, &st);
	assert_string_equal(b.p, "r1 MOVE (no state) vel 0.30 0.00 0.00 "
				 "bat 87% ALERT MOTOR_OVERTEMP +more | teleop "
				 "cmd 0.00 0.00 -0.40");
	yk_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split),
		cmocka_unit_test(test_vel),
		cmocka_unit_test(test_verbs),
		cmocka_unit_test(test_json_line),
		cmocka_unit_test(test_velocity_build),
		cmocka_unit_test(test_keys),
		cmocka_unit_test(test_teleop),
		cmocka_unit_test(test_status_line),
	};
	int rc;

	yk_prog = "yoke-test";
	rc = cmocka_run_group_tests_name("drive", tests, NULL, NULL);
	yk_drive_cmd_free(&C);
	yk_drive_words_free(&W);
	return rc;
}
