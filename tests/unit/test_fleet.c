/*
 * test_fleet.c - fleet channel names and payloads (lib/fleet/fleet.h): the
 * error texts users see for a bad status or severity, fault codes as the
 * fleet SDK stores them, version 4 UUIDs, and the status, fault and meta
 * JSON.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fleet.h"
#include "json.h"

#define T0 1795300718861248LL

static void
test_pick(void **state)
{
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_fleet_pick("status", yk_fleet_statuses, "idle",
				       &err), 1);
	assert_int_equal(yk_fleet_pick("status", yk_fleet_statuses, "Online",
				       &err), -1);
	assert_int_equal(err.rc, YK_EUSAGE);
	assert_string_equal(err.msg, "invalid status 'Online': use online, "
			    "idle, fault or offline");
	assert_int_equal(yk_fleet_pick("severity", yk_fleet_severities, "",
				       &err), -1);
	assert_string_equal(err.msg, "invalid severity '': use info, "
			    "warning, error or critical");
}

static void
test_code(void **state)
{
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_fleet_code(&b, " \tmotor_overheat\n", &err),
			 YK_OK);
	assert_string_equal(b.p, "MOTOR_OVERHEAT");
	assert_int_equal(yk_fleet_code(&b, "  \t ", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "fault code is empty");
	assert_int_equal(yk_fleet_code(&b, "low battery", &err), YK_OK);
	assert_string_equal(b.p, "LOW BATTERY");
	yk_buf_free(&b);
}

static void
test_uuid(void **state)
{
	char a[37], b[37];

	(void)state;
	yk_uuid4(a);
	yk_uuid4(b);
	assert_int_equal(strlen(a), 36);
	assert_string_not_equal(a, b);
	for (int i = 0; i < 36; i++) {
		if (i == 8 || i == 13 || i == 18 || i == 23)
			assert_int_equal(a[i], '-');
		else
			assert_non_null(strchr("0123456789abcdef", a[i]));
	}
	assert_int_equal(a[14], '4');
	assert_non_null(strchr("89ab", a[19]));
}

static void
test_object(void **state)
{
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_fleet_object("--data", " {\"a\": [1]} ", &err),
			 YK_OK);
	assert_int_equal(yk_fleet_object("--data", "[1]", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "--data is not a JSON object");
	assert_int_equal(yk_fleet_object("--data", "{\"a\":", &err),
			 YK_EUSAGE);
	assert_int_equal(yk_fleet_object("--data", "", &err), YK_EUSAGE);
}

static void
test_payloads(void **state)
{
	struct yk_fault f = {.id = "0b4e-x", .code = "LOW_BATTERY",
			     .severity = "warning", .ts_us = T0};
	struct yk_status st = {.status = "fault", .ts_us = T0, .fault = &f};
	struct yk_buf b = {0};

	(void)state;
	yk_fleet_fault_json(&b, &f);
	assert_string_equal(b.p, "{\"fault_id\":\"0b4e-x\",\"code\":"
			    "\"LOW_BATTERY\",\"severity\":\"warning\","
			    "\"data\":null,\"ts\":1795300718.861248}");
	yk_buf_truncate(&b, 0);
	f.data = "{ \"motor\": 3 }";
	yk_fleet_status_json(&b, &st);
	assert_string_equal(b.p, "{\"status\":\"fault\",\"ts\":"
			    "1795300718.861248,\"fault\":{\"fault_id\":"
			    "\"0b4e-x\",\"code\":\"LOW_BATTERY\",\"severity\":"
			    "\"warning\",\"data\":{\"motor\":3},\"ts\":"
			    "1795300718.861248}}");
	yk_buf_truncate(&b, 0);
	st = (struct yk_status){.status = "offline", .ts_us = T0,
				.reason = "stopped", .heartbeat_s = 30};
	yk_fleet_status_json(&b, &st);
	assert_string_equal(b.p, "{\"status\":\"offline\",\"ts\":"
			    "1795300718.861248,\"reason\":\"stopped\","
			    "\"heartbeat_s\":30}");
	yk_buf_truncate(&b, 0);
	/* the roster entry: the name escaped, the model only when given */
	yk_fleet_meta_json(&b, "Arm \"7\"", NULL, T0);
	assert_string_equal(b.p, "{\"name\":\"Arm \\\"7\\\"\",\"created\":"
			    "1795300718.861248}");
	yk_buf_truncate(&b, 0);
	yk_fleet_meta_json(&b, "arm-042", "UR5e", T0);
	assert_string_equal(b.p, "{\"name\":\"arm-042\",\"model\":\"UR5e\","
			    "\"created\":1795300718.861248}");
	yk_buf_truncate(&b, 0);
	yk_fleet_topic(&b, &(struct yk_scope){.root = "yoke", .org = "acme"},
		       "arm-042", "faults");
	assert_string_equal(b.p, "yoke/acme/arm-042/faults");
	yk_buf_free(&b);
}

/* The status payload read back, as the fleet view and the agent read it. */
static void
test_status_read(void **state)
{
	/* objects that name no status: read, but not named */
	static const char *const unnamed[] = {
		"{}", "{\"status\":1}", "{\"status\":\"online\",\"status\":null}",
		"{\"status\":\"sixteen-letters!\"}", NULL,
	};
	static const char *const junk[] = {"", "[]", "\"online\"", "{", NULL};
	struct yk_status_rd st;
	const char *p;

	(void)state;
	p = "{\"status\":\"fault\",\"ts\":1795300718.861248,\"reason\":"
	    "\"a\\u0062c\",\"fault\":{ \"code\": \"X\" },\"open_faults\":"
	    "[{\"code\":\"X\"}],\"extra\":1}";
	assert_true(yk_fleet_status_read(&st, p, strlen(p)));
	assert_true(st.named);
	assert_string_equal(st.status, "fault");
	assert_int_equal(st.ts_us, T0);
	assert_string_equal(st.reason, "abc");
	assert_int_equal(st.fault_n, 15);
	assert_memory_equal(st.fault, "{ \"code\": \"X\" }", 15);
	assert_int_equal(st.open_n, 14);
	assert_memory_equal(st.open, "[{\"code\":\"X\"}]", 14);
	yk_fleet_status_rd_free(&st);
	/* a will: no ts; the fleet SDK's: no reason, no fault */
	p = "{\"status\":\"offline\",\"reason\":\"connection lost\"}";
	assert_true(yk_fleet_status_read(&st, p, strlen(p)));
	assert_int_equal(st.ts_us, 0);
	assert_null(st.fault);
	assert_null(st.open);
	yk_fleet_status_rd_free(&st);
	/* a repeated member counts as its last; "fault" as its last object */
	p = "{\"status\":\"idle\",\"status\":\"online\",\"reason\":\"x\","
	    "\"reason\":7,\"fault\":{\"a\":1},\"fault\":null}";
	assert_true(yk_fleet_status_read(&st, p, strlen(p)));
	assert_string_equal(st.status, "online");
	assert_null(st.reason);
	assert_memory_equal(st.fault, "{\"a\":1}", st.fault_n);
	yk_fleet_status_rd_free(&st);
	for (int i = 0; unnamed[i]; i++) {
		assert_true(yk_fleet_status_read(&st, unnamed[i],
						 strlen(unnamed[i])));
		if (st.named)
			fail_msg("'%s' names a status", unnamed[i]);
		assert_string_equal(st.status, "");
		yk_fleet_status_rd_free(&st);
	}
	p = "{\"status\":\"fifteen-letters\"}";
	assert_true(yk_fleet_status_read(&st, p, strlen(p)));
	assert_true(st.named);
	yk_fleet_status_rd_free(&st);
	/* not an object: nothing */
	for (int i = 0; junk[i]; i++) {
		assert_false(yk_fleet_status_read(&st, junk[i],
						  strlen(junk[i])));
		assert_false(st.named);
		assert_null(st.reason);
	}
}

/* An agent's offline status: no ts in a will, the fault it stood by. */
static void
test_status_faults_of(void **state)
{
	struct yk_status_rd was;
	struct yk_buf b = {0};
	const char *p = "{\"status\":\"fault\",\"ts\":1,\"fault\":{\"code\":"
			"\"X\"},\"open_faults\":[{\"code\":\"X\"}]}";

	(void)state;
	assert_true(yk_fleet_status_read(&was, p, strlen(p)));
	yk_fleet_status_json(&b, &(struct yk_status){
		.status = "offline", .reason = "connection lost",
		.faults_of = &was});
	assert_string_equal(b.p, "{\"status\":\"offline\",\"reason\":"
			    "\"connection lost\",\"fault\":{\"code\":\"X\"},"
			    "\"open_faults\":[{\"code\":\"X\"}]}");
	yk_fleet_status_rd_free(&was);
	yk_buf_truncate(&b, 0);
	/* open_faults that is no list is not carried on */
	p = "{\"status\":\"idle\",\"open_faults\":3}";
	assert_true(yk_fleet_status_read(&was, p, strlen(p)));
	yk_fleet_status_json(&b, &(struct yk_status){
		.status = "offline", .ts_us = T0, .reason = "stopped",
		.faults_of = &was});
	assert_string_equal(b.p, "{\"status\":\"offline\",\"ts\":"
			    "1795300718.861248,\"reason\":\"stopped\"}");
	yk_fleet_status_rd_free(&was);
	yk_buf_free(&b);
}

static void
test_heartbeat(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_fleet_heartbeat_json(&b, &(struct yk_heartbeat){
		.ts_us = T0, .seq = 3, .uptime_s = 61, .token = true});
	assert_string_equal(b.p, "{\"ts\":1795300718.861248,\"seq\":3,"
			    "\"uptime_s\":61,\"token\":true}");
	yk_buf_truncate(&b, 0);
	yk_fleet_heartbeat_json(&b, &(struct yk_heartbeat){
		.ts_us = T0, .seq = 1});
	assert_string_equal(b.p, "{\"ts\":1795300718.861248,\"seq\":1,"
			    "\"uptime_s\":0}");
	assert_true(yk_json_valid(b.p, b.len));
	yk_buf_free(&b);
}

/* What the heartbeat and meta writers write, the readers read back; and
 * what is missing or of the wrong type says so. */
static void
test_heartbeat_meta_read(void **state)
{
	struct yk_buf b = {0};
	struct yk_heartbeat hb;
	char *name = NULL, *model = NULL;

	(void)state;
	yk_fleet_heartbeat_json(&b, &(struct yk_heartbeat){
		.ts_us = T0, .seq = 3, .uptime_s = 61, .token = true});
	assert_true(yk_fleet_heartbeat_read(&hb, b.p, b.len));
	assert_int_equal(hb.ts_us, T0);
	assert_int_equal(hb.seq, 3);
	assert_int_equal(hb.uptime_s, 61);
	assert_true(hb.token);
	assert_true(yk_fleet_heartbeat_read(&hb, "{\"seq\":\"x\",\"ts\":\"y\"}",
					    20));
	assert_int_equal(hb.seq, 0);
	assert_int_equal(hb.ts_us, 0);
	assert_int_equal(hb.uptime_s, -1);
	assert_false(hb.token);
	assert_false(yk_fleet_heartbeat_read(&hb, "[1]", 3));
	assert_int_equal(hb.ts_us, -1);
	assert_int_equal(hb.seq, -1);
	yk_buf_truncate(&b, 0);
	yk_fleet_meta_json(&b, "Arm \"one\"", "UR5", T0);
	assert_true(yk_fleet_meta_read(&name, &model, b.p, b.len));
	assert_string_equal(name, "Arm \"one\"");
	assert_string_equal(model, "UR5");
	assert_true(yk_fleet_meta_read(&name, &model, "{\"name\":1}", 10));
	assert_null(name);
	assert_null(model);
	assert_false(yk_fleet_meta_read(&name, &model, "x", 1));
	yk_buf_free(&b);
}

/* What the writer writes, the reader reads; what others write is read
 * for what it is. */
#define READ(in, lit) yk_fleet_fault_read(in, lit, sizeof(lit) - 1)

static void
test_fault_read(void **state)
{
	struct yk_fault f = {.id = "0b4e-x", .code = "LOW_BATTERY",
			     .severity = "warning", .data = "{\"m\": 3}",
			     .ts_us = T0};
	struct yk_fault_in in = {0};
	struct yk_buf b = {0};

	(void)state;
	yk_fleet_fault_json(&b, &f);
	assert_true(yk_fleet_fault_read(&in, b.p, b.len));
	assert_true(in.object);
	assert_false(in.resolved);
	assert_string_equal(in.id.p, "0b4e-x");
	assert_string_equal(in.code.p, "LOW_BATTERY");
	assert_string_equal(in.severity.p, "warning");
	assert_int_equal(in.data_len, 7);
	assert_memory_equal(in.data, "{\"m\":3}", 7);
	assert_int_equal(in.ts_us, T0);
	/* a resolution; escapes; data null is no data */
	yk_buf_truncate(&b, 0);
	yk_fleet_resolution_json(&b, "a\"b", NULL, T0);
	assert_true(yk_fleet_fault_read(&in, b.p, b.len));
	assert_true(in.resolved);
	assert_string_equal(in.id.p, "a\"b");
	assert_int_equal(in.code.len, 0);
	assert_true(READ(&in, "{\"fault_id\":\"x\",\"data\":"
					"null,\"resolved\":false}"));
	assert_null(in.data);
	assert_false(in.resolved);
	/* members of the wrong type are none; the last of a repeated one
	 * counts; a ts that is not a time is none */
	assert_true(READ(&in, "{\"fault_id\":\"x\",\"code\":7,"
					"\"fault_id\":\"y\",\"ts\":\"1\"}"));
	assert_string_equal(in.id.p, "y");
	assert_int_equal(in.code.len, 0);
	assert_int_equal(in.ts_us, -1);
	assert_true(READ(&in, "{\"fault_id\":\"x\",\"ts\":1e12}"));
	assert_int_equal(in.ts_us, -1);
	/* not a fault */
	assert_false(READ(&in, "{\"fault_id\":\"\"}"));
	assert_true(in.object);
	assert_false(READ(&in, "{\"fault_id\":1}"));
	assert_false(READ(&in, "[1]"));
	assert_false(in.object);
	assert_false(READ(&in, "\xff"));
	assert_false(READ(&in, ""));
	yk_fleet_fault_in_free(&in);
	yk_buf_free(&b);
}

static void
test_token(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_fleet_alive_json(&b, "vm", "0b4e-h");
	assert_true(strncmp(b.p, "{\"alive\":true,\"since\":", 22) == 0);
	assert_non_null(strstr(b.p, ",\"host\":\"vm\",\"pid\":"));
	assert_non_null(strstr(b.p, ",\"holder\":\"0b4e-h\"}"));
	assert_true(yk_fleet_token_live(b.p, b.len));
	assert_false(yk_fleet_token_live("", 0));
	assert_false(yk_fleet_token_live("{\"alive\":false}", 15));
	assert_false(yk_fleet_token_live("{ \"pid\":1, \"alive\" : false }",
					 28));
	assert_true(yk_fleet_token_live("{\"alive\":true}", 14));
	assert_true(yk_fleet_token_live("{}", 2));
	assert_true(yk_fleet_token_live("1", 1));
	assert_true(yk_fleet_token_live("false", 5)); /* not our schema */
	yk_buf_free(&b);
}

static void
test_open_faults(void **state)
{
	struct yk_open_faults o;
	struct yk_buf b = {0};
	const char *f1 = "{\"fault_id\":\"f1\",\"code\":\"A\"}";
	const char *f2 = "{ \"fault_id\": \"f2\", \"code\": \"B\" }";
	const char *st = "{\"status\":\"fault\",\"ts\":1,\"fault\":"
			 "{\"fault_id\":\"f2\",\"code\":\"B\"},\"open_faults\":"
			 "[{\"fault_id\":\"f1\",\"code\":\"A\"},"
			 "{\"fault_id\":\"f2\",\"code\":\"B\"}]}";

	(void)state;
	yk_fleet_open_read(&o, "", 0);
	assert_true(o.known);
	assert_int_equal(o.n, 0);
	yk_fleet_open_add(&o, f1, strlen(f1));
	yk_fleet_open_add(&o, f2, strlen(f2));
	yk_fleet_open_status(&b, NULL, 0, "fault", T0, &o);
	assert_string_equal(b.p, "{\"status\":\"fault\",\"ts\":"
			    "1795300718.861248,\"fault\":{\"fault_id\":\"f2\","
			    "\"code\":\"B\"},\"open_faults\":[{\"fault_id\":"
			    "\"f1\",\"code\":\"A\"},{\"fault_id\":\"f2\","
			    "\"code\":\"B\"}]}");
	yk_fleet_open_free(&o);
	/* read back: the list; resolve the newest, the status is kept */
	yk_fleet_open_read(&o, st, strlen(st));
	assert_int_equal(o.n, 2);
	assert_string_equal(o.status, "fault");
	assert_int_equal(yk_fleet_open_find(&o, "f2"), 1);
	assert_int_equal(yk_fleet_open_find(&o, "f3"), -1);
	yk_fleet_open_del(&o, 1);
	yk_buf_truncate(&b, 0);
	yk_fleet_open_status(&b, st, strlen(st), "fault", T0, &o);
	assert_string_equal(b.p, "{\"status\":\"fault\",\"ts\":1,\"fault\":"
			    "{\"fault_id\":\"f1\",\"code\":\"A\"},\"open_faults\":"
			    "[{\"fault_id\":\"f1\",\"code\":\"A\"}]}");
	yk_fleet_open_del(&o, 0);
	yk_buf_truncate(&b, 0);
	yk_fleet_open_status(&b, st, strlen(st), "online", T0, &o);
	assert_string_equal(b.p, "{\"status\":\"online\",\"ts\":"
			    "1795300718.861248}");
	yk_fleet_open_free(&o);
	/* an embedded fault alone; a fault status naming none */
	yk_fleet_open_read(&o, "{\"status\":\"offline\",\"fault\":{\"fault_id\""
			   ":\"f9\"}}", 46);
	assert_int_equal(o.n, 1);
	assert_string_equal(o.id[0], "f9");
	yk_fleet_open_free(&o);
	yk_fleet_open_read(&o, "{\"status\":\"fault\"}", 18);
	assert_false(o.known);
	/* at most YK_FLEET_OPEN_MAX: the oldest give way */
	for (int i = 0; i < YK_FLEET_OPEN_MAX + 2; i++) {
		char f[64];

		snprintf(f, sizeof(f), "{\"fault_id\":\"g%d\"}", i);
		yk_fleet_open_add(&o, f, strlen(f));
	}
	assert_int_equal(o.n, YK_FLEET_OPEN_MAX);
	assert_string_equal(o.id[0], "g2");
	yk_fleet_open_free(&o);
	yk_buf_truncate(&b, 0);
	yk_fleet_resolution_json(&b, "f1", "A", T0);
	assert_string_equal(b.p, "{\"fault_id\":\"f1\",\"code\":\"A\","
			    "\"resolved\":true,\"ts\":1795300718.861248}");
	assert_true(yk_fleet_is_resolution(b.p, b.len));
	assert_false(yk_fleet_is_resolution(f1, strlen(f1)));
	assert_true(yk_fleet_is_id("5b0c2d1e-8a4b-4c1e-9d2a-1b3c4d5e6f70"));
	assert_false(yk_fleet_is_id(""));
	assert_false(yk_fleet_is_id("a b"));
	assert_false(yk_fleet_is_id("a\"b"));
	yk_buf_free(&b);
}

static void
test_resolve(void **state)
{
	struct yk_fleet_change ch = {0};
	struct yk_err err = {0};
	struct yk_fault f = {.id = "f2", .code = "B", .severity = "error",
			     .ts_us = T0};
	const char *st = "{\"status\":\"fault\",\"ts\":1,\"fault\":"
			 "{\"fault_id\":\"f1\",\"code\":\"A\"}}";
	const char *off = "{\"status\":\"offline\",\"reason\":\"connection "
			  "lost\",\"fault\":{\"fault_id\":\"f1\"}}";

	(void)state;
	/* a report adds to the faults the status names */
	yk_fleet_report(&ch, st, strlen(st), &f);
	assert_int_equal(ch.nevent, 1);
	assert_string_equal(ch.ids.p, "f2\n");
	assert_non_null(strstr(ch.status.p, "\"open_faults\":[{\"fault_id\":"
					   "\"f1\",\"code\":\"A\"},{\"fault_id\""
					   ":\"f2\""));
	yk_fleet_change_free(&ch);
	/* resolve the one open: online */
	assert_int_equal(yk_fleet_resolve(&ch, st, strlen(st), "f1", "r",
					  T0, &err),
			 YK_OK);
	assert_int_equal(ch.nevent, 1);
	assert_string_equal(ch.event[0].p, "{\"fault_id\":\"f1\",\"code\":"
			    "\"A\",\"resolved\":true,\"ts\":1795300718.861248}");
	assert_string_equal(ch.status.p, "{\"status\":\"online\",\"ts\":"
			    "1795300718.861248}");
	yk_fleet_change_free(&ch);
	/* nothing such open */
	assert_int_equal(yk_fleet_resolve(&ch, st, strlen(st), "f9", "r",
					  T0, &err),
			 YK_ETIMEOUT);
	assert_string_equal(err.msg, "no open fault 'f9' on 'r'");
	assert_int_equal(ch.nevent, 0);
	assert_int_equal(yk_fleet_resolve(&ch, "", 0, NULL, "r", T0, &err),
			 YK_ETIMEOUT);
	assert_string_equal(err.msg, "no open fault on 'r'");
	/* an offline robot stays offline */
	assert_int_equal(yk_fleet_resolve(&ch, off, strlen(off), NULL, "r",
					  T0, &err),
			 YK_OK);
	assert_string_equal(ch.ids.p, "f1\n");
	assert_string_equal(ch.status.p, "{\"status\":\"offline\",\"reason\""
			    ":\"connection lost\"}");
	yk_fleet_change_free(&ch);
	/* the fleet SDK's fault status names none: any id, then online */
	assert_int_equal(yk_fleet_resolve(&ch, "{\"status\":\"fault\"}", 18,
					  "x-1", "r", T0, &err),
			 YK_OK);
	assert_string_equal(ch.event[0].p, "{\"fault_id\":\"x-1\",\"resolved\""
			    ":true,\"ts\":1795300718.861248}");
	assert_string_equal(ch.status.p, "{\"status\":\"online\",\"ts\":"
			    "1795300718.861248}");
	yk_fleet_change_free(&ch);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick),
		cmocka_unit_test(test_code),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_object),
		cmocka_unit_test(test_payloads),
		cmocka_unit_test(test_status_read),
		cmocka_unit_test(test_status_faults_of),
		cmocka_unit_test(test_heartbeat),
		cmocka_unit_test(test_heartbeat_meta_read),
		cmocka_unit_test(test_fault_read),
		cmocka_unit_test(test_token),
		cmocka_unit_test(test_open_faults),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests_name("fleet", tests, NULL, NULL);
}
