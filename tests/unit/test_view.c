/*
 * test_view.c - the fleet view and wait of lib/fleet/view.h, without a
 * broker: messages and times are given, and what the view prints and
 * when a wait is over are checked exactly.
 *
 * What users rely on: --watch --json prints the fleet, then each robot's
 * line once per change of what it says (a status flipping there and back
 * within a second is two changes; heartbeats and growing ages are none),
 * the watchdog's verdict within a tick; a view with nothing to show says
 * why; a wait ends on the verdict asked for ("missing" is offline too),
 * and at its timeout says what the robot is.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "view.h"

#define SEC 1000000LL
#define T0 (1795300718LL * SEC)

static const struct yk_scope scope = {"yoke", "default", false};
static volatile sig_atomic_t no_stop;

/* A retained (or live) message on <robot>/<chan>. */
static void
put(struct yk_view *v, const char *robot, const char *chan, const char *p,
    bool retain, int64_t now)
{
	char topic[256];
	struct yk_rx rx = {.payload = p, .len = strlen(p), .retain = retain,
			   .topic = topic};

	snprintf(topic, sizeof(topic), "yoke/default/%s/%s", robot, chan);
	yk_view_rx(v, &rx, now);
}

/* What the view printed since the last call. */
static void
printed(struct yk_view *v, const char *want)
{
	yk_buf_addc(&v->out.b, '\0');
	assert_string_equal(v->out.b.p, want);
	yk_buf_truncate(&v->out.b, 0);
}

static void
init(struct yk_view *v, const struct yk_view_cfg *cfg, const char *pattern,
     bool faults)
{
	struct yk_err err = {0};

	memset(v, 0, sizeof(*v));
	if (yk_view_init(v, &scope, cfg, pattern, faults, &err) != YK_OK)
		fail_msg("'%s' refused: %s", pattern, err.msg);
}

static void
test_init(void **state)
{
	struct yk_view_cfg cfg = {.stale = 75, .hide_after = 86400,
				  .stop = &no_stop};
	struct yk_view v = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_view_init(&v, &scope, &cfg, "arm/#", false, &err),
			 YK_EUSAGE);
	assert_non_null(strstr(err.msg, "'arm/#'"));
	yk_view_free(&v);
	/* the faults channel only when watching */
	init(&v, &cfg, "arm-*", false);
	assert_int_equal(v.w.n, YK_CH_N - 1);
	assert_int_equal(v.ro.stale_us, 75 * SEC);
	assert_int_equal(v.ro.hide_us, 86400 * SEC);
	yk_view_free(&v);
	cfg.all = true;
	init(&v, &cfg, "*", true);
	assert_int_equal(v.w.n, YK_CH_N);
	assert_int_equal(v.chan[YK_CH_N - 1], YK_CH_FAULTS);
	assert_int_equal(v.ro.hide_us, 0);
	yk_view_free(&v);
}

/* Keys the pattern does not select, or that are no robot's channel, are
 * not in the view. */
static void
test_rx(void **state)
{
	struct yk_view_cfg cfg = {.stale = 75, .hide_after = 86400,
				  .stop = &no_stop};
	struct yk_view v;
	struct yk_rx rx = {.topic = "other/default/arm-1/status",
			   .payload = "{\"status\":\"idle\"}", .len = 17};

	(void)state;
	init(&v, &cfg, "arm-*", false);
	put(&v, "arm-1", "status", "{\"status\":\"online\",\"ts\":1}", true,
	    T0);
	put(&v, "cam-1", "status", "{\"status\":\"online\",\"ts\":1}", true,
	    T0);
	put(&v, "arm-2", "status/x", "{\"status\":\"online\"}", true, T0);
	yk_view_rx(&v, &rx, T0);
	assert_int_equal(v.ro.robots.n, 1);
	assert_true(yk_view_reached(&v, "arm-1", "online", T0));
	yk_view_print(&v, false, false, T0);
	printed(&v, "{\"robot\":\"arm-1\",\"status\":\"online\",\"reported\":"
		    "\"online\",\"alive\":false,\"registered\":false}\n");
	yk_view_free(&v);
}

/* --watch --json: the fleet, then every change once. */
static void
test_watch_changes(void **state)
{
	struct yk_view_cfg cfg = {.stale = 75, .hide_after = 86400,
				  .watch = true, .stop = &no_stop};
	const char *hb = "{\"ts\":1795300718,\"seq\":1,\"uptime_s\":9}";
	const char *line_online =
		"{\"robot\":\"a\",\"status\":\"online\",\"reported\":"
		"\"online\",\"alive\":false,\"registered\":false}\n";
	struct yk_view v;

	(void)state;
	init(&v, &cfg, "*", true);
	put(&v, "a", "status", "{\"status\":\"online\"}", true, T0);
	/* before the fleet is printed, nothing is */
	printed(&v, "");
	yk_view_print(&v, false, false, T0);
	printed(&v, line_online);
	v.live = true;
	/* the same again, and a tick with nothing new: nothing */
	put(&v, "a", "status", "{\"status\":\"online\"}", false, T0 + SEC);
	yk_view_print(&v, false, true, T0 + SEC);
	printed(&v, "");
	/* a fault and back within the tick: both, at once */
	put(&v, "a", "status", "{\"status\":\"fault\"}", false, T0 + SEC);
	printed(&v, "{\"robot\":\"a\",\"status\":\"fault\",\"reported\":"
		    "\"fault\",\"alive\":false,\"registered\":false}\n");
	put(&v, "a", "status", "{\"status\":\"online\"}", false, T0 + SEC);
	printed(&v, line_online);
	/* heartbeats change ages only */
	put(&v, "a", "heartbeat", hb, false, T0 + 2 * SEC);
	put(&v, "a", "heartbeat", hb, false, T0 + 3 * SEC);
	printed(&v, "");
	yk_view_print(&v, false, true, T0 + 4 * SEC);
	printed(&v, "");
	/* the watchdog: at the first tick past it, once */
	yk_view_print(&v, false, true, T0 + 78 * SEC);
	printed(&v, "");
	yk_view_print(&v, false, true, T0 + 79 * SEC);
	printed(&v, "{\"robot\":\"a\",\"status\":\"offline\",\"reason\":"
		    "\"no heartbeat for 1m16s\",\"reported\":\"online\","
		    "\"heartbeat_age_s\":76.0,\"heartbeat_seq\":1,"
		    "\"alive\":false,\"registered\":false}\n");
	yk_view_print(&v, false, true, T0 + 600 * SEC);
	printed(&v, "");
	/* a fault on <robot>/faults is a change too */
	put(&v, "a", "faults", "{\"fault_id\":\"f1\",\"code\":\"E_STOP\","
	    "\"severity\":\"critical\",\"ts\":1795300718}", false,
	    T0 + 600 * SEC);
	printed(&v, "{\"robot\":\"a\",\"status\":\"offline\",\"reason\":"
		    "\"no heartbeat for 9m57s\",\"reported\":\"online\","
		    "\"heartbeat_age_s\":597.0,\"heartbeat_seq\":1,"
		    "\"alive\":false,\"fault\":{\"code\":\"E_STOP\","
		    "\"severity\":\"critical\",\"fault_id\":\"f1\",\"ts\":"
		    "1795300718.000000},\"registered\":false}\n");
	yk_view_free(&v);
}

/* Robots offline for long leave the view, and an empty view says why. */
static void
test_hidden(void **state)
{
	struct yk_view_cfg cfg = {.stale = 75, .hide_after = 3600,
				  .stop = &no_stop};
	const char *gone = "{\"status\":\"offline\",\"ts\":1795300718}";
	struct yk_view v;
	struct yk_err err = {0};

	(void)state;
	init(&v, &cfg, "*", false);
	assert_int_equal(yk_view_any(&v, "arm-*", T0, &err), YK_ETIMEOUT);
	assert_string_equal(err.msg, "no robot matches 'arm-*'");
	put(&v, "a", "status", gone, true, T0);
	assert_int_equal(yk_view_any(&v, "*", T0 + 3600 * SEC, &err), YK_OK);
	err = (struct yk_err){0};
	assert_int_equal(yk_view_any(&v, "*", T0 + 3601 * SEC, &err),
			 YK_ETIMEOUT);
	assert_string_equal(err.msg, "no robot matches '*' (1 offline for "
				     "more than 3600 s: --all shows them)");
	yk_view_print(&v, false, false, T0 + 3601 * SEC);
	printed(&v, "");
	yk_view_free(&v);
	/* --all */
	cfg.all = true;
	init(&v, &cfg, "*", false);
	put(&v, "a", "status", gone, true, T0);
	assert_int_equal(yk_view_any(&v, "*", T0 + 1000 * 3600 * SEC, &err),
			 YK_OK);
	yk_view_free(&v);
}

/* What wait waits for, and what it says at its timeout. */
static void
test_wait(void **state)
{
	struct yk_view_cfg cfg = {.stale = 75, .hide_after = 86400,
				  .stop = &no_stop};
	const char *hb = "{\"ts\":1795300718,\"seq\":1,\"uptime_s\":9}";
	struct yk_view v;
	struct yk_err err = {0};

	(void)state;
	init(&v, &cfg, "arm-1", false);
	assert_false(yk_view_reached(&v, "arm-1", "unknown", T0));
	assert_int_equal(yk_view_late(&v, "arm-1", "online", 2.5, T0, &err),
			 YK_ETIMEOUT);
	assert_string_equal(err.msg,
			    "'arm-1' is not online after 2.5 s: never seen");
	/* seen, no status yet */
	put(&v, "arm-1", "alive", "{\"alive\":true}", true, T0);
	assert_true(yk_view_reached(&v, "arm-1", "unknown", T0));
	assert_false(yk_view_reached(&v, "arm-1", "online", T0));
	yk_view_late(&v, "arm-1", "online", 3, T0, &err);
	assert_string_equal(err.msg, "'arm-1' is not online after 3 s: it "
				     "is unknown, no status");
	put(&v, "arm-1", "status", "{\"status\":\"idle\"}", true, T0);
	put(&v, "arm-1", "heartbeat", hb, false, T0);
	assert_true(yk_view_reached(&v, "arm-1", "idle", T0));
	assert_false(yk_view_reached(&v, "arm-1", "offline", T0));
	/* the watchdog's offline is waited for as any other */
	assert_true(yk_view_reached(&v, "arm-1", "offline", T0 + 76 * SEC));
	assert_false(yk_view_reached(&v, "arm-1", "missing", T0 + 76 * SEC));
	/* on the roster and gone without a word: missing, and offline */
	put(&v, "arm-1", "meta", "{\"name\":\"Arm\"}", true, T0);
	put(&v, "arm-1", "status", "{\"status\":\"offline\",\"reason\":"
	    "\"connection lost\"}", false, T0);
	assert_true(yk_view_reached(&v, "arm-1", "missing", T0));
	assert_true(yk_view_reached(&v, "arm-1", "offline", T0));
	assert_false(yk_view_reached(&v, "arm-1", "online", T0));
	yk_view_late(&v, "arm-1", "online", 10, T0, &err);
	assert_string_equal(err.msg, "'arm-1' is not online after 10 s: it "
				     "is missing, connection lost");
	/* another robot's verdict is not arm-1's */
	assert_false(yk_view_reached(&v, "arm-2", "missing", T0));
	yk_view_free(&v);
}

/* The table: whole, or drawn over the last one in place. */
static void
test_table(void **state)
{
	struct yk_view_cfg cfg = {.stale = 75, .hide_after = 86400,
				  .watch = true, .stop = &no_stop};
	struct yk_view v;

	(void)state;
	setenv("COLUMNS", "80", 1);
	setenv("LINES", "24", 1);
	init(&v, &cfg, "*", false);
	put(&v, "a", "status", "{\"status\":\"online\"}", true, T0);
	yk_view_print(&v, true, false, T0);
	yk_buf_addc(&v.out.b, '\0');
	assert_true(strncmp(v.out.b.p, "ROBOT", 5) == 0);
	assert_non_null(strstr(v.out.b.p, "\na "));
	yk_buf_truncate(&v.out.b, 0);
	yk_view_print(&v, true, true, T0);
	yk_buf_addc(&v.out.b, '\0');
	assert_true(strncmp(v.out.b.p, "\033[H", 3) == 0);
	assert_non_null(strstr(v.out.b.p, "ROBOT"));
	/* a table is no JSON: nothing was noted as printed */
	assert_null(((struct yk_robot *)yk_map_get(&v.ro.robots, "a")->val)
			    ->shown);
	yk_view_free(&v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),
		cmocka_unit_test(test_rx),
		cmocka_unit_test(test_watch_changes),
		cmocka_unit_test(test_hidden),
		cmocka_unit_test(test_wait),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
