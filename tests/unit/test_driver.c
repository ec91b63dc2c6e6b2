/*
 * test_driver.c - the parts of yoke-drive's session that need no broker
 * (lib/robot/driver.h, lib/robot/console.h): commands made ready from what was typed
 * (ranges, --clamp and what it says, trajectory files), the state reply
 * as JSON, the history file's place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "console.h"
#include "driver.h"

/* Parse a line and prepare it; returns prepare's result. */
static int
prep(struct yk_driver_job *j, struct yk_drive_cmd *c,
     struct yk_drive_words *w, const char *line, struct yk_err *err)
{
	memset(err, 0, sizeof(*err));
	if (yk_drive_line(c, w, line, strlen(line), err) != YK_OK)
		fail_msg("'%s': %s", line, err->msg);
	return yk_driver_prepare(j, c, false, err);
}

static void
done(struct yk_driver_job *j, struct yk_drive_cmd *c,
     struct yk_drive_words *w)
{
	yk_driver_job_free(j);
	yk_drive_cmd_free(c);
	yk_drive_words_free(w);
}

static void
test_prepare_velocity(void **state)
{
	struct yk_driver_job j;
	struct yk_drive_cmd c;
	struct yk_drive_words w;
	struct yk_err err;

	(void)state;
	assert_int_equal(prep(&j, &c, &w, "vel 0.5 -1 2", &err), YK_OK);
	assert_non_null(j.send);
	assert_true(j.send->velocity->vy == -1.0f);
	assert_int_equal(j.note.len, 0);
	done(&j, &c, &w);
	assert_int_equal(prep(&j, &c, &w, "vel 0.5 -1.5 0", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "vy -1.5 is out of range -1..1 m/s");
	done(&j, &c, &w);
	assert_int_equal(prep(&j, &c, &w, "vel 3 -1.5 0.5 --clamp", &err),
			 YK_OK);
	assert_string_equal(j.note.p, "vx 3 to 2, vy -1.5 to -1");
	assert_true(j.send->velocity->vx == 2.0f &&
		    j.send->velocity->vy == -1.0f &&
		    j.send->velocity->vyaw == 0.5f);
	done(&j, &c, &w);
	/* a JSON command is checked the same way */
	assert_int_equal(prep(&j, &c, &w, "{\"velocity\": {\"vyaw\": -2.5}}",
			      &err), YK_EUSAGE);
	assert_string_equal(err.msg, "vyaw -2.5 is out of range -2..2 rad/s");
	done(&j, &c, &w);
	assert_int_equal(prep(&j, &c, &w, "{}", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "a command needs one of velocity, "
				     "trajectory, mode");
	done(&j, &c, &w);
	/* stop is a zero velocity; mode the enum value */
	assert_int_equal(prep(&j, &c, &w, "stop", &err), YK_OK);
	assert_true(yk_drive_is_zero(j.send));
	done(&j, &c, &w);
	assert_int_equal(prep(&j, &c, &w, "mode damp", &err), YK_OK);
	assert_int_equal(j.send->command_case,
			 ASIMOV__CLOUD_COMMAND__COMMAND_MODE);
	assert_int_equal(j.send->mode->mode, ASIMOV__MODE__MODE_DAMP);
	done(&j, &c, &w);
	/* the RPC verbs send no command */
	assert_int_equal(prep(&j, &c, &w, "state pose", &err), YK_OK);
	assert_null(j.send);
	done(&j, &c, &w);
}

static void
test_prepare_traj(void **state)
{
	char path[] = "/tmp/yoke-test-traj-XXXXXX", line[128];
	struct yk_driver_job j;
	struct yk_drive_cmd c;
	struct yk_drive_words w;
	struct yk_err err;
	FILE *f;
	int fd;

	(void)state;
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("{\"segments\": [{\"positions\": [", f);
	for (int i = 0; i < 25; i++)
		fprintf(f, "%s%d", i ? "," : "", i);
	fputs("], \"kd\": [", f);
	for (int i = 0; i < 25; i++)
		fprintf(f, "%s%d", i ? "," : "", i == 7 ? 6 : 1);
	fputs("]}]}", f);
	fclose(f);
	snprintf(line, sizeof(line), "traj %s", path);
	assert_int_equal(prep(&j, &c, &w, line, &err), YK_EUSAGE);
	assert_string_equal(err.msg,
			    "segments[0].kd[7] 6 is out of range 0..5");
	done(&j, &c, &w);
	snprintf(line, sizeof(line), "traj %s --clamp", path);
	assert_int_equal(prep(&j, &c, &w, line, &err), YK_OK);
	assert_string_equal(j.note.p, "1 gain (kp 0..500, kd 0..5)");
	assert_int_equal(j.send->command_case,
			 ASIMOV__CLOUD_COMMAND__COMMAND_TRAJECTORY);
	assert_int_equal(j.send->trajectory->full->n_segments, 1);
	assert_true(j.send->trajectory->full->segments[0]->kd[7] == 5.0f);
	assert_true(j.send->trajectory->full->segments[0]->positions[24] ==
		    24.0f);
	done(&j, &c, &w);
	unlink(path);
	assert_int_equal(prep(&j, &c, &w, line, &err), YK_EUSAGE);
	assert_true(strstr(err.msg, "cannot open '/tmp/yoke-test-traj-") ==
		    err.msg);
	done(&j, &c, &w);
	/* standard input holds a script's lines: not a trajectory */
	assert_int_equal(prep(&j, &c, &w, "traj -", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "traj -: standard input holds the "
				     "commands; give a FILE");
	done(&j, &c, &w);
}

static void
test_state_json(void **state)
{
	Yoke__StateEntry e[3] = {YOKE__STATE_ENTRY__INIT,
				 YOKE__STATE_ENTRY__INIT,
				 YOKE__STATE_ENTRY__INIT};
	Yoke__StateEntry *ev[3] = {&e[0], &e[1], &e[2]};
	Yoke__StateReply r = YOKE__STATE_REPLY__INIT;
	struct yk_buf b = {0};

	(void)state;
	e[0].key = "pose";
	e[0].value_json = "{ \"x\": 1.5, \"y\": -2, \"yaw\": 0.1 }";
	e[1].key = "mode";
	e[1].value_json = "\"STAND\"";
	e[2].key = "odd";
	e[2].value_json = "not json";
	r.entries = ev;
	r.n_entries = 3;
	yk_driver_state_json(&b, &r, NULL);
	assert_string_equal(b.p, "{\"pose\":{\"x\":1.5,\"y\":-2,\"yaw\":0.1},"
				 "\"mode\":\"STAND\",\"odd\":\"not json\"}");
	yk_buf_truncate(&b, 0);
	yk_driver_state_json(&b, &r, "mode");
	assert_string_equal(b.p, "\"STAND\"");
	yk_buf_truncate(&b, 0);
	yk_driver_state_json(&b, &r, "battery_pct");
	assert_string_equal(b.p, "null");
	yk_buf_truncate(&b, 0);
	r.n_entries = 0;
	yk_driver_state_json(&b, &r, NULL);
	assert_string_equal(b.p, "{}");
	yk_buf_free(&b);
}

static void
test_history_path(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	setenv("XDG_STATE_HOME", "/var/x", 1);
	setenv("HOME", "/home/op", 1);
	assert_true(yk_console_history_path(&b));
	assert_string_equal(b.p, "/var/x/yoke/drive_history");
	yk_buf_truncate(&b, 0);
	/* unset, or not absolute (XDG says: ignore it) */
	setenv("XDG_STATE_HOME", "rel", 1);
	assert_true(yk_console_history_path(&b));
	assert_string_equal(b.p, "/home/op/.local/state/yoke/drive_history");
	yk_buf_truncate(&b, 0);
	unsetenv("XDG_STATE_HOME");
	unsetenv("HOME");
	assert_false(yk_console_history_path(&b));
	yk_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prepare_velocity),
		cmocka_unit_test(test_prepare_traj),
		cmocka_unit_test(test_state_json),
		cmocka_unit_test(test_history_path),
	};

	yk_prog = "yoke-test";
	return cmocka_run_group_tests_name("driver", tests, NULL, NULL);
}
