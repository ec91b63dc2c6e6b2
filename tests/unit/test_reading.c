/*
 * test_reading.c - telemetry readings (lib/fleet/reading.h): numbers and their
 * ranges with the exact messages users see, the rules between fields,
 * stream lines with defaults, and the payload JSON (numbers as written).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "reading.h"

#define T0 1795300718861248LL

static void
num_err(const char *pre, const char *name, const char *s, const char *msg)
{
	struct yk_num x = {0};
	struct yk_err err = {0};

	assert_int_equal(yk_reading_num(&x, pre, name, s, strlen(s), &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, msg);
	assert_false(x.set);
}

static void
test_num(void **state)
{
	struct yk_num x = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_reading_num(&x, "--", "lat", " -90 ", 5, &err),
			 YK_OK);
	assert_true(x.set);
	assert_true(x.v == -90);
	assert_int_equal(x.n, 3);
	assert_memory_equal(x.p, "-90", 3);
	assert_int_equal(yk_reading_num(&x, "", "heading", "359.999", 7,
					&err), YK_OK);
	assert_int_equal(yk_reading_num(&x, "", "lng", "180", 3, &err), YK_OK);
	num_err("--", "lat", "90.0001", "--lat 90.0001 out of range [-90, 90]");
	num_err("", "lat", "-91", "lat -91 out of range [-90, 90]");
	num_err("", "lng", "-180.5", "lng -180.5 out of range [-180, 180]");
	num_err("--", "heading", "360", "--heading 360 out of range [0, 360)");
	num_err("", "heading", "-0.1", "heading -0.1 out of range [0, 360)");
	num_err("", "ts", "0", "ts 0 out of range (0, 1e11)");
	num_err("--", "value", "nan", "--value nan is not a finite number");
	num_err("--", "value", "-Infinity",
		"--value -Infinity is not a finite number");
	num_err("", "value", "1e400", "value 1e400 is not a finite number");
	num_err("--", "value", "12abc", "--value '12abc' is not a number");
	num_err("--", "value", "  ", "--value '' is not a number");
	num_err("", "value", "true", "value 'true' is not a number");
}

static void
test_metric(void **state)
{
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_reading_metric("temp_c", 6, &err), YK_OK);
	assert_int_equal(yk_reading_metric("Température", 12, &err), YK_OK);
	assert_int_equal(yk_reading_metric("", 0, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "metric is empty");
	assert_int_equal(yk_reading_metric("a\x7f", 2, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "metric holds a control character");
	assert_int_equal(yk_reading_metric("a\xff", 2, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "metric is not valid UTF-8");
	/* C1 (U+009B is CSI) and bidi overrides too */
	assert_int_equal(yk_reading_metric("a\xc2\x9b", 3, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "metric holds a control character");
	assert_int_equal(yk_reading_metric("a\xe2\x80\xae", 4, &err),
			 YK_EUSAGE);
}

static void
test_check(void **state)
{
	struct yk_reading r = {.metric = "m", .metric_len = 1};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_reading_check(&r, "--", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "give at least one of --value, "
			    "--lat/--lng or --data");
	r.lat.set = true;
	assert_int_equal(yk_reading_check(&r, "", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "lat needs lng");
	r.lat.set = false;
	r.lng.set = true;
	assert_int_equal(yk_reading_check(&r, "--", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "--lng needs --lat");
	r.lng.set = false;
	r.heading.set = true;
	r.value.set = true;
	assert_int_equal(yk_reading_check(&r, "", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "heading needs lat and lng");
	r.heading.set = false;
	assert_int_equal(yk_reading_check(&r, "", &err), YK_OK);
}

/* Parse line with def, write its payload at T0 into b. */
static int
line(struct yk_buf *b, const struct yk_reading *def, const char *s,
     struct yk_err *err)
{
	struct yk_reading r = {0};
	int rc = yk_reading_line(&r, def, s, strlen(s), err);

	yk_buf_truncate(b, 0);
	if (rc == YK_OK)
		yk_reading_json(b, &r, T0);
	yk_reading_free(&r);
	return rc;
}

static void
test_line(void **state)
{
	struct yk_reading def = {.metric = "temp_c", .metric_len = 6,
				 .unit = "C", .unit_len = 1};
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	def.heading = (struct yk_num){.set = true, .v = 90, .p = "90", .n = 2};
	assert_int_equal(line(&b, &def, " 21.50 ", &err), YK_OK);
	assert_string_equal(b.p, "{\"metric\":\"temp_c\",\"value\":21.50,"
			    "\"unit\":\"C\",\"ts\":1795300718.861248}");
	assert_int_equal(line(&b, &def, "+5", &err), YK_OK);
	assert_string_equal(b.p, "{\"metric\":\"temp_c\",\"value\":5,"
			    "\"unit\":\"C\",\"ts\":1795300718.861248}");
	assert_int_equal(line(&b, &def, "{\"metric\":\"m\\u00e9\",\"lat\":1,"
			      "\"lng\":-2.5,\"unit\":\"x\",\"data\":{ \"a\" "
			      ": [ 1 ] },\"ts\":1.5}", &err), YK_OK);
	assert_string_equal(b.p, "{\"metric\":\"m\xc3\xa9\",\"lat\":1,"
			    "\"lng\":-2.5,\"heading\":90,\"data\":{\"a\":[1]},"
			    "\"ts\":1.500000}");
	assert_int_equal(line(&b, &def, "{\"value\":null,\"unit\":null,"
			      "\"data\":{},\"heading\":null}", &err), YK_OK);
	assert_string_equal(b.p, "{\"metric\":\"temp_c\",\"data\":{},"
			    "\"ts\":1795300718.861248}");
	assert_int_equal(line(&b, &def, "{\"value\":1,\"unit\":\"K\\\"\"}",
			      &err), YK_OK);
	assert_string_equal(b.p, "{\"metric\":\"temp_c\",\"value\":1,"
			    "\"unit\":\"K\\\"\",\"ts\":1795300718.861248}");

	assert_int_equal(line(&b, &def, "abc", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "'abc' is not a number or a JSON object");
	assert_int_equal(line(&b, &def, "{\"value\":1", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "not a number or a JSON object");
	assert_int_equal(line(&b, &def, "{\"lat\":95,\"lng\":0}", &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, "lat 95 out of range [-90, 90]");
	assert_int_equal(line(&b, &def, "{\"metric\":1,\"value\":1}", &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, "metric is not a string");
	assert_int_equal(line(&b, &def, "{\"unit\":[],\"value\":1}", &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, "unit is not a string");
	assert_int_equal(line(&b, &def, "{\"data\":\"x\"}", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "data is not a JSON object");
	assert_int_equal(line(&b, &def, "{\"metric\":\"a\\u0000\"}", &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, "metric holds a control character");
	assert_int_equal(line(&b, &def, "{\"v\":1}", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "unknown field 'v': use metric, value, "
			    "unit, lat, lng, heading, data or ts");
	assert_int_equal(line(&b, &def, "{\"heading\":1,\"value\":1}", &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, "heading needs lat and lng");
	yk_buf_free(&b);
}

static void
test_json(void **state)
{
	struct yk_reading r = {.metric = "m", .metric_len = 1, .unit = "%",
			       .unit_len = 1};
	struct yk_buf b = {0};

	(void)state;
	/* unit only with a value; shortest exact form for non-JSON text */
	r.data = "{}";
	r.data_len = 2;
	yk_reading_json(&b, &r, T0);
	assert_string_equal(b.p, "{\"metric\":\"m\",\"data\":{},"
			    "\"ts\":1795300718.861248}");
	yk_buf_truncate(&b, 0);
	r.data = NULL;
	r.value = (struct yk_num){.set = true, .v = 0.1, .p = ".1", .n = 2};
	yk_reading_json(&b, &r, T0);
	assert_string_equal(b.p, "{\"metric\":\"m\",\"value\":0.1,"
			    "\"unit\":\"%\",\"ts\":1795300718.861248}");
	yk_buf_truncate(&b, 0);
	r.value = (struct yk_num){.set = true, .v = 1.0 / 3, .p = "x", .n = 1};
	yk_reading_json(&b, &r, T0);
	assert_string_equal(b.p, "{\"metric\":\"m\",\"value\":"
			    "0.3333333333333333,\"unit\":\"%\","
			    "\"ts\":1795300718.861248}");
	yk_buf_free(&b);
}

/* The flags of one reading: each field checked in order, the first bad
 * one named in the flags' spelling. */
static void
test_flags(void **state)
{
	struct yk_reading r = {0};
	struct yk_reading_flags f = {.metric = "temp", .value = "+5",
				     .unit = "C", .data = "{\"a\":1}"};
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_reading_flags(&r, &f, &err), YK_OK);
	assert_int_equal(yk_reading_check(&r, "--", &err), YK_OK);
	yk_reading_json(&b, &r, T0);
	assert_string_equal(b.p, "{\"metric\":\"temp\",\"value\":5,"
			    "\"unit\":\"C\",\"data\":{\"a\":1},"
			    "\"ts\":1795300718.861248}");
	r = (struct yk_reading){0};
	f = (struct yk_reading_flags){.metric = "", .value = "x"};
	assert_int_equal(yk_reading_flags(&r, &f, &err), YK_EUSAGE);
	assert_non_null(strstr(err.msg, "metric"));
	f = (struct yk_reading_flags){.metric = "m", .unit = "\xff",
				      .lat = "95"};
	assert_int_equal(yk_reading_flags(&r, &f, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "--unit is not valid UTF-8");
	f.unit = NULL;
	assert_int_equal(yk_reading_flags(&r, &f, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "--lat 95 out of range [-90, 90]");
	f = (struct yk_reading_flags){.metric = "m", .data = "[1]"};
	assert_int_equal(yk_reading_flags(&r, &f, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "--data is not a JSON object");
	yk_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_num),
		cmocka_unit_test(test_metric),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_flags),
	};

	return cmocka_run_group_tests_name("reading", tests, NULL, NULL);
}
