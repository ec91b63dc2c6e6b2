/*
 * test_roster.c - the fleet verdicts of lib/fleet/roster.h, at exact times:
 * reported offline, the will, the watchdog, a lost token, missing robots,
 * and the JSON line and table that yoke-robot-status prints.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "roster.h"

#define SEC 1000000LL
#define T0 (1795300718LL * SEC) /* every payload below is dated T0 */
#define STALE (75 * SEC)

static struct yk_robot *
put(struct yk_roster *r, const char *robot, enum yk_chan ch, const char *p,
    bool retain, int64_t now)
{
	return yk_roster_apply(r, robot, ch, p, strlen(p), retain, now);
}

static void
judged(struct yk_roster *r, const char *robot, int64_t now,
       const char *status, const char *reason)
{
	struct yk_verdict v;

	yk_roster_judge(r, yk_map_get(&r->robots, robot)->val, now, &v);
	assert_string_equal(v.status, status);
	assert_string_equal(v.reason, reason);
}

static void
test_verdicts(void **state)
{
	struct yk_roster r = {.stale_us = STALE};
	const char *hb = "{\"ts\":1795300718,\"seq\":4,\"uptime_s\":90}";
	const char *tok = "{\"alive\":true}";

	(void)state;
	/* a script's robot: its word, whatever the time */
	put(&r, "a", YK_CH_STATUS, "{\"status\":\"idle\",\"ts\":1}", true, T0);
	judged(&r, "a", T0 + 1000 * SEC, "idle", "");
	/* an agent's robot: online until the watchdog */
	put(&r, "b", YK_CH_STATUS, "{\"status\":\"online\"}", true, T0);
	put(&r, "b", YK_CH_HEARTBEAT, hb, true, T0);
	put(&r, "b", YK_CH_ALIVE, tok, true, T0);
	judged(&r, "b", T0 + STALE, "online", "");
	judged(&r, "b", T0 + STALE + 1, "offline", "no heartbeat for 1m15s");
	/* a live heartbeat is dated by its arrival, not the robot's clock */
	put(&r, "b", YK_CH_HEARTBEAT, hb, false, T0 + 3600 * SEC);
	judged(&r, "b", T0 + 3600 * SEC + STALE, "online", "");
	/* its token gone */
	put(&r, "b", YK_CH_ALIVE, "", false, T0);
	judged(&r, "b", T0, "offline", "token gone");
	/* its will; its own goodbye */
	put(&r, "b", YK_CH_STATUS,
	    "{\"status\":\"offline\",\"reason\":\"connection lost\"}", true,
	    T0);
	judged(&r, "b", T0, "offline", "connection lost");
	put(&r, "b", YK_CH_STATUS, "{\"status\":\"offline\",\"ts\":1}", true,
	    T0);
	judged(&r, "b", T0, "offline", "reported");
	/* registered: gone without a word is missing, a goodbye is not */
	put(&r, "b", YK_CH_META, "{\"name\":\"B\"}", true, T0);
	judged(&r, "b", T0, "offline", "reported");
	put(&r, "b", YK_CH_STATUS,
	    "{\"status\":\"offline\",\"reason\":\"connection lost\"}", true,
	    T0);
	judged(&r, "b", T0, "missing", "connection lost");
	put(&r, "c", YK_CH_META, "{\"name\":\"C\"}", true, T0);
	judged(&r, "c", T0, "missing", "never seen");
	put(&r, "d", YK_CH_ALIVE, tok, true, T0);
	judged(&r, "d", T0, "unknown", "no status");
	yk_roster_free(&r);
}

/* The token rule is for robots that hold tokens: a robot of the fleet
 * SDK (status and heartbeats only) is judged by those alone. */
static void
test_token_rule(void **state)
{
	struct yk_roster r = {.stale_us = STALE};
	const char *sdk = "{\"ts\":1795300718,\"seq\":1,\"uptime_s\":9}";
	const char *ours = "{\"ts\":1795300718,\"seq\":1,\"uptime_s\":9,"
			   "\"token\":true}";

	(void)state;
	put(&r, "sdk", YK_CH_STATUS, "{\"status\":\"online\"}", true, T0);
	put(&r, "sdk", YK_CH_HEARTBEAT, sdk, false, T0);
	judged(&r, "sdk", T0, "online", "");
	judged(&r, "sdk", T0 + STALE + 1, "offline", "no heartbeat for 1m15s");
	/* an agent's heartbeat says it holds a token: without one, offline */
	put(&r, "agt", YK_CH_STATUS, "{\"status\":\"online\"}", true, T0);
	put(&r, "agt", YK_CH_HEARTBEAT, ours, true, T0);
	judged(&r, "agt", T0, "offline", "token gone");
	put(&r, "agt", YK_CH_ALIVE, "{\"alive\":true}", true, T0);
	judged(&r, "agt", T0, "online", "");
	/* {"alive":false} is no live token */
	put(&r, "agt", YK_CH_ALIVE, "{\"alive\":false}", false, T0);
	judged(&r, "agt", T0, "offline", "token gone");
	put(&r, "x", YK_CH_ALIVE, "{\"alive\":false}", true, T0);
	assert_false(((struct yk_robot *)yk_map_get(&r.robots, "x")->val)
			     ->token_seen);
	/* a token seen, then gone: a holder, whatever its heartbeats say */
	put(&r, "sdk", YK_CH_ALIVE, "1", false, T0);
	judged(&r, "sdk", T0, "online", "");
	put(&r, "sdk", YK_CH_ALIVE, "", false, T0);
	judged(&r, "sdk", T0, "offline", "token gone");
	yk_roster_free(&r);
}

/* A resolution on <robot>/faults: the fault it names is shown no more. */
static void
test_resolution(void **state)
{
	struct yk_roster r = {.stale_us = STALE};
	struct yk_robot *rb;

	(void)state;
	rb = put(&r, "a", YK_CH_FAULTS,
		 "{\"fault_id\":\"f1\",\"code\":\"X\",\"severity\":\"error\"}",
		 false, T0);
	assert_string_equal(rb->fault_code, "X");
	assert_ptr_equal(put(&r, "a", YK_CH_FAULTS,
			     "{\"fault_id\":\"f0\",\"resolved\":true}", false,
			     T0),
			 rb);
	assert_string_equal(rb->fault_code, "X");
	put(&r, "a", YK_CH_FAULTS, "{\"fault_id\":\"f1\",\"code\":\"X\","
	    "\"resolved\":true,\"ts\":1}", false, T0);
	assert_null(rb->fault_code);
	assert_null(rb->fault_id);
	/* the status that follows lists what is still open */
	put(&r, "a", YK_CH_STATUS, "{\"status\":\"fault\",\"fault\":{"
	    "\"fault_id\":\"f2\",\"code\":\"Y\"},\"open_faults\":[{\"fault_id\""
	    ":\"f0\",\"code\":\"Z\"},{\"fault_id\":\"f2\",\"code\":\"Y\"}]}",
	    true, T0);
	assert_int_equal(rb->open_faults, 2);
	struct yk_buf b = {0};

	yk_roster_json(&b, &r, rb, T0, false);
	assert_non_null(strstr(b.p, "},\"open_faults\":2,\"registered\""));
	yk_buf_free(&b);
	yk_roster_free(&r);
}

/* Offline robots gone for longer than hide_us leave the view. */
static void
test_hide(void **state)
{
	struct yk_roster r = {.stale_us = STALE, .hide_us = 86400 * SEC};
	struct yk_robot **v;
	size_t n, hidden;

	(void)state;
	put(&r, "a", YK_CH_STATUS, "{\"status\":\"offline\",\"ts\":1795300718}",
	    true, T0);
	put(&r, "b", YK_CH_STATUS, "{\"status\":\"online\",\"ts\":1795300718}",
	    true, T0);
	put(&r, "c", YK_CH_STATUS, "{\"status\":\"offline\"}", true, T0);
	put(&r, "d", YK_CH_META, "{\"name\":\"D\"}", true, T0);
	put(&r, "d", YK_CH_STATUS,
	    "{\"status\":\"offline\",\"ts\":1795300718,\"reason\":"
	    "\"connection lost\"}", true, T0);
	put(&r, "e", YK_CH_HEARTBEAT, "{\"ts\":1795300718,\"seq\":1}", true,
	    T0);
	assert_int_equal(yk_roster_last_seen(yk_map_get(&r.robots, "e")->val),
			 T0);
	v = yk_roster_view(&r, T0 + 86400 * SEC, &n, &hidden);
	assert_int_equal(n, 5);
	assert_int_equal(hidden, 0);
	free(v);
	/* a day and a second later: offline a (dated) and e (watchdog)
	 * go; b (a script's online), c (undated), d (missing) stay */
	v = yk_roster_view(&r, T0 + 86401 * SEC, &n, &hidden);
	assert_int_equal(n, 3);
	assert_int_equal(hidden, 2);
	assert_string_equal(v[0]->id, "b");
	assert_string_equal(v[1]->id, "c");
	assert_string_equal(v[2]->id, "d");
	free(v);
	r.hide_us = 0;
	v = yk_roster_view(&r, T0 + 86401 * SEC, &n, &hidden);
	assert_int_equal(n, 5);
	free(v);
	yk_roster_free(&r);
}

static void
test_bad_payloads(void **state)
{
	struct yk_roster r = {.stale_us = STALE};

	(void)state;
	assert_null(put(&r, "a", YK_CH_STATUS, "online", true, T0));
	assert_null(put(&r, "a", YK_CH_STATUS, "{\"ts\":1}", true, T0));
	assert_null(put(&r, "a", YK_CH_FAULTS, "{\"fault_id\":\"x\"}", false,
			T0));
	assert_null(put(&r, "a", YK_CH_FAULTS, "", false, T0));
	size_t n;
	free(yk_roster_sorted(&r, &n));
	assert_int_equal(n, 0);
	yk_roster_free(&r);
}

/* Dates from the network that no clock gives: the verdict stays one a
 * person can act on, and no arithmetic on them overflows. */
static void
test_absurd_dates(void **state)
{
	struct yk_roster r = {.stale_us = STALE};
	struct yk_buf b = {0};
	char hb[64];

	(void)state;
	put(&r, "c", YK_CH_STATUS, "{\"status\":\"online\"}", true, T0);
	put(&r, "c", YK_CH_ALIVE, "{\"alive\":true}", true, T0);
	/* 1e300 s is no date: as old as a string for ts would make it */
	put(&r, "c", YK_CH_HEARTBEAT, "{\"ts\":1e300,\"seq\":1}", true, T0);
	judged(&r, "c", T0, "offline", "no heartbeat for 20778d22h");
	yk_roster_json(&b, &r, yk_map_get(&r.robots, "c")->val, T0, true);
	assert_non_null(strstr(b.p, "\"heartbeat_age_s\":1795300718.0,"));
	put(&r, "c", YK_CH_HEARTBEAT, "{\"ts\":-1e300}", true, T0);
	judged(&r, "c", T0, "offline", "no heartbeat for 20778d22h");
	/* a retained heartbeat dated an hour ahead is as fresh as its
	 * arrival, no fresher */
	snprintf(hb, sizeof(hb), "{\"ts\":%lld}", T0 / SEC + 3600);
	put(&r, "c", YK_CH_HEARTBEAT, hb, true, T0);
	judged(&r, "c", T0 + STALE, "online", "");
	judged(&r, "c", T0 + STALE + 1, "offline", "no heartbeat for 1m15s");
	/* a fault or status dated 1e300 s: no overflow either */
	put(&r, "c", YK_CH_FAULTS,
	    "{\"fault_id\":\"f\",\"code\":\"X\",\"ts\":1e300}", true, T0);
	put(&r, "c", YK_CH_STATUS, "{\"status\":\"idle\",\"ts\":-1e300}", true,
	    T0);
	yk_buf_free(&b);
	yk_roster_free(&r);
}

static void
fleet(struct yk_roster *r)
{
	put(r, "arm-2", YK_CH_STATUS,
	    "{\"status\":\"fault\",\"ts\":1795300718,\"fault\":{\"fault_id\":"
	    "\"f1\",\"code\":\"MOTOR_OVERHEAT\",\"severity\":\"critical\","
	    "\"data\":null,\"ts\":1795300718.25}}",
	    true, T0);
	put(r, "arm-2", YK_CH_HEARTBEAT, "{\"ts\":1795300718,\"seq\":7}",
	    true, T0);
	put(r, "arm-2", YK_CH_ALIVE, "{\"alive\":true}", true, T0);
	put(r, "arm-1", YK_CH_META,
	    "{\"name\":\"Arm \\u00e9\",\"model\":\"UR5\"}", true, T0);
	put(r, "arm-1", YK_CH_STATUS, "{\"status\":\"online\"}", true, T0);
}

static void
test_json(void **state)
{
	struct yk_roster r = {.stale_us = STALE};
	struct yk_buf b = {0};
	struct yk_robot **v;
	size_t n;

	(void)state;
	fleet(&r);
	v = yk_roster_sorted(&r, &n);
	assert_int_equal(n, 2);
	for (size_t i = 0; i < n; i++)
		yk_roster_json(&b, &r, v[i], T0 + 125 * SEC, true);
	yk_roster_json(&b, &r, v[1], T0 + 125 * SEC, false);
	assert_string_equal(
		b.p,
		"{\"robot\":\"arm-1\",\"status\":\"online\",\"reported\":"
		"\"online\",\"alive\":false,\"name\":\"Arm \xc3\xa9\","
		"\"model\":\"UR5\",\"registered\":true}\n"
		"{\"robot\":\"arm-2\",\"status\":\"offline\",\"reason\":\"no "
		"heartbeat for 2m05s\",\"reported\":\"fault\","
		"\"heartbeat_age_s\":125.0,\"heartbeat_seq\":7,\"alive\":true,"
		"\"fault\":{\"code\":\"MOTOR_OVERHEAT\",\"severity\":"
		"\"critical\",\"fault_id\":\"f1\",\"ts\":1795300718.250000},"
		"\"registered\":false}\n"
		/* without ages (what --watch compares): not the watchdog's
		 * age either */
		"{\"robot\":\"arm-2\",\"status\":\"offline\",\"reason\":\"no "
		"heartbeat\",\"reported\":\"fault\",\"alive\":true,"
		"\"fault\":{\"code\":\"MOTOR_OVERHEAT\",\"severity\":"
		"\"critical\",\"fault_id\":\"f1\",\"ts\":1795300718.250000},"
		"\"registered\":false}\n");
	free(v);
	yk_buf_free(&b);
	yk_roster_free(&r);
}

static void
test_table(void **state)
{
	struct yk_roster r = {.stale_us = STALE};
	struct yk_buf b = {0};
	struct yk_robot **v;
	size_t n;

	(void)state;
	fleet(&r);
	v = yk_roster_sorted(&r, &n);
	yk_roster_table(&b, &r, v, n, T0 + 30 * SEC, false, 0, 0);
	assert_string_equal(
		b.p,
		"ROBOT  STATUS  HEARTBEAT  ALIVE  FAULT                        "
		"NAME   MODEL  REASON\n"
		"arm-1  online  -          no     -                            "
		"Arm \xc3\xa9  UR5\n"
		"arm-2  fault   30s        yes    MOTOR_OVERHEAT critical 29s  "
		"-      -\n");
	yk_buf_truncate(&b, 0);
	yk_roster_table(&b, &r, v, n, T0 + 30 * SEC, true, 0, 0);
	assert_non_null(strstr(b.p, "arm-2  \033[1;31mfault\033[0m   30s"));
	free(v);
	yk_buf_free(&b);
	yk_roster_free(&r);
}

static void
test_age(void **state)
{
	char s[32];

	(void)state;
	yk_roster_age(s, sizeof(s), 59 * SEC + SEC - 1);
	assert_string_equal(s, "59s");
	yk_roster_age(s, sizeof(s), 60 * SEC);
	assert_string_equal(s, "1m00s");
	yk_roster_age(s, sizeof(s), 2 * 3600 * SEC + 5 * 60 * SEC);
	assert_string_equal(s, "2h05m");
	yk_roster_age(s, sizeof(s), 3 * 86400 * SEC + 4 * 3600 * SEC);
	assert_string_equal(s, "3d04h");
	yk_roster_age(s, sizeof(s), -5 * SEC);
	assert_string_equal(s, "0s");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verdicts),
		cmocka_unit_test(test_token_rule),
		cmocka_unit_test(test_hide),
		cmocka_unit_test(test_resolution),
		cmocka_unit_test(test_bad_payloads),
		cmocka_unit_test(test_absurd_dates),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_age),
	};

	return cmocka_run_group_tests_name("roster", tests, NULL, NULL);
}
