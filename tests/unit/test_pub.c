/*
 * test_pub.c - yoke-pub's options and input made messages (lib/pub.h),
 * without a broker: what goes with what, the one message of -m / -f,
 * a line of -l (--encode), a line of --ndjson.
 *
 * What users rely on: a command line that asks for two things, or for
 * nothing, is refused saying which; a bad input line is refused naming
 * its line, before anything is sent; a captured line replays with its
 * own key, qos and retain unless -q / -r say otherwise.
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

#include "asimov.pb-c.h"
#include "pbjson.h"
#include "pq.h"
#include "pub.h"

#define S(lit) (lit), sizeof(lit) - 1

static const struct yk_scope scope = {"yoke", "default", false};

/* yk_pub_check of p with the operands args[], NULL-terminated. */
static int
check(struct yk_pub *p, struct yk_err *err, ...)
{
	char *args[8];
	int n = 0;
	va_list ap;

	va_start(ap, err);
	while (n < 7 && (args[n] = va_arg(ap, char *)) != NULL)
		n++;
	va_end(ap);
	args[n] = NULL;
	return yk_pub_check(p, n, args, err);
}

static void
refused(struct yk_pub *p, const char *key, const char *msg)
{
	struct yk_err err = {0};

	assert_int_equal(check(p, &err, key, NULL), YK_EUSAGE);
	assert_string_equal(err.msg, msg);
}

static void
test_check_one_input(void **state)
{
	struct yk_pub p;
	struct yk_err err = {0};
	const char *one = "give exactly one of -m, -f, -s, -l, -n, --framing, "
			  "--ndjson";

	(void)state;
	yk_pub_init(&p);
	refused(&p, "arm-1/x", one);
	p.message = "hi";
	p.lines = true;
	refused(&p, "arm-1/x", one);
	p.message = NULL;
	/* -l and --framing lines say the same */
	p.framing = YK_PUB_FRAMING_LINES;
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_OK);
	assert_string_equal(p.key, "arm-1/x");
	p.framing = YK_PUB_FRAMING_DELIMITED;
	refused(&p, "arm-1/x", "-l and --framing delimited disagree");
	p.lines = false;
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_OK);
	p.null_msg = true;
	refused(&p, "arm-1/x", one);
}

static void
test_check_operands(void **state)
{
	struct yk_pub p;
	struct yk_err err = {0};

	(void)state;
	yk_pub_init(&p);
	p.message = "hi";
	assert_int_equal(check(&p, &err, NULL), YK_EUSAGE);
	assert_string_equal(err.msg, "missing KEY");
	assert_int_equal(check(&p, &err, "a/x", "b/y", NULL), YK_EUSAGE);
	assert_string_equal(err.msg, "expected one KEY, got 2 arguments");
	yk_pub_init(&p);
	p.ndjson = true;
	refused(&p, "arm-1/x",
		"--ndjson takes the keys from its input, not from 'arm-1/x'");
	assert_int_equal(check(&p, &err, NULL), YK_OK);
	assert_null(p.key);
}

static void
test_check_goes_with(void **state)
{
	struct yk_pub p;

	(void)state;
	yk_pub_init(&p);
	p.lines = true;
	p.repeat = 2;
	refused(&p, "arm-1/x", "--repeat goes with -m, -f, -s or -n");
	yk_pub_init(&p);
	p.null_msg = true;
	p.encode = "asimov.CloudCommand";
	refused(&p, "arm-1/x",
		"--encode goes with -m, -f, -s, -l or --ndjson");
	yk_pub_init(&p);
	p.framing = YK_PUB_FRAMING_DELIMITED;
	p.encode = "asimov.CloudCommand";
	refused(&p, "arm-1/x",
		"--encode goes with -m, -f, -s, -l or --ndjson");
	yk_pub_init(&p);
	p.message = "x";
	p.pace = true;
	refused(&p, "arm-1/x", "--pace goes with --ndjson");
}

static void
test_check_encode(void **state)
{
	struct yk_pub p;
	struct yk_err err = {0};

	(void)state;
	yk_pub_init(&p);
	p.message = "{}";
	p.encode = "asimov.CloudCommand";
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_OK);
	assert_ptr_equal(p.pb, &asimov__cloud_command__descriptor);
	p.pb = NULL;
	p.encode = "auto";
	assert_int_equal(check(&p, &err, "arm-1/commands", NULL), YK_OK);
	assert_ptr_equal(p.pb, &asimov__cloud_command__descriptor);
	p.pb = NULL;
	refused(&p, "arm-1/x",
		"--encode auto: 'arm-1/x' is not a channel that carries "
		"protobuf (give a TYPE)");
	p.encode = "no.Such";
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_EUSAGE);
	assert_non_null(strstr(err.msg, "no.Such"));
	/* --ndjson --encode auto: each line by its own channel */
	yk_pub_init(&p);
	p.ndjson = true;
	p.encode = "auto";
	assert_int_equal(check(&p, &err, NULL), YK_OK);
	assert_null(p.pb);
}

static void
test_prepare_message(void **state)
{
	struct yk_pub p;
	struct yk_err err = {0};

	(void)state;
	yk_pub_init(&p);
	p.message = "hello";
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(&p, &scope, &err), YK_OK);
	assert_string_equal(p.topic.p, "yoke/default/arm-1/x");
	assert_int_equal(p.payload.len, 5);
	assert_memory_equal(p.payload.p, "hello", 5);
	yk_pub_free(&p);
	/* a key that is no key: nothing is read */
	yk_pub_init(&p);
	p.file = "/nonexistent";
	assert_int_equal(check(&p, &err, "arm-1/+", NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(&p, &scope, &err), YK_EUSAGE);
	assert_null(strstr(err.msg, "nonexistent"));
	yk_pub_free(&p);
	yk_pub_init(&p);
	p.file = "/nonexistent";
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(&p, &scope, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "cannot open '/nonexistent': No such "
				     "file or directory");
	yk_pub_free(&p);
}

/* --encode with the one message: it is sent as protobuf, and JSON that
 * does not fit the type names where it came from. */
static void
test_prepare_encode(void **state)
{
	struct yk_pub p;
	struct yk_buf want = {0};
	struct yk_err err = {0};
	char path[] = "/tmp/yk-test-pub.XXXXXX";
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	assert_int_equal(write(fd, S("{\"sequence\": \"x\"}")), 17);
	close(fd);
	yk_pub_init(&p);
	p.message = "{\"sequence\": 7}";
	p.encode = "auto";
	assert_int_equal(check(&p, &err, "arm-1/commands", NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(&p, &scope, &err), YK_OK);
	assert_int_equal(yk_pb_json_to_bytes(&want, p.pb, S("{\"sequence\":7}"),
					     &err),
			 YK_OK);
	assert_int_equal(p.payload.len, want.len);
	assert_memory_equal(p.payload.p, want.p, want.len);
	yk_pub_free(&p);
	yk_pub_init(&p);
	p.file = path;
	p.encode = "asimov.CloudCommand";
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(&p, &scope, &err), YK_EUSAGE);
	assert_true(strncmp(err.msg, "'", 1) == 0);
	assert_true(strncmp(err.msg + 1, path, strlen(path)) == 0);
	assert_non_null(strstr(err.msg, "sequence"));
	yk_pub_free(&p);
	unlink(path);
	yk_buf_free(&want);
}

static void
test_line_plain(void **state)
{
	struct yk_pub p;
	struct yk_msg m;
	struct yk_err err = {0};

	(void)state;
	yk_pub_init(&p);
	p.lines = true;
	p.qos = 1;
	p.retain = true;
	p.express = true;
	yk_prio_parse("background", &p.prio);
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(&p, &scope, &err), YK_OK);
	/* every line is a message, a blank one too */
	assert_int_equal(yk_pub_line(&p, S(" "), 1, &m, &err), YK_OK);
	assert_string_equal(m.topic, "yoke/default/arm-1/x");
	assert_int_equal(m.len, 1);
	assert_memory_equal(m.payload, " ", 1);
	assert_int_equal(m.qos, 1);
	assert_true(m.retain);
	assert_true(m.express);
	assert_int_equal(m.prio, p.prio);
	yk_pub_free(&p);
}

static void
test_line_encode(void **state)
{
	struct yk_pub p;
	struct yk_msg m;
	struct yk_buf want = {0};
	struct yk_err err = {0};

	(void)state;
	yk_pub_init(&p);
	p.lines = true;
	p.encode = "asimov.CloudCommand";
	assert_int_equal(check(&p, &err, "arm-1/x", NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(&p, &scope, &err), YK_OK);
	assert_int_equal(yk_pub_line(&p, S(" \t "), 4, &m, &err), YK_OK);
	assert_null(m.topic);
	assert_int_equal(yk_pub_line(&p, S("{\"sequence\": 3}"), 5, &m, &err),
			 YK_OK);
	assert_string_equal(m.topic, "yoke/default/arm-1/x");
	assert_int_equal(yk_pb_json_to_bytes(&want, p.pb, S("{\"sequence\":3}"),
					     &err),
			 YK_OK);
	assert_int_equal(m.len, want.len);
	assert_memory_equal(m.payload, want.p, want.len);
	assert_int_equal(yk_pub_line(&p, S("{\"sequence\": \"x\"}"), 6, &m,
				     &err),
			 YK_EUSAGE);
	assert_true(strncmp(err.msg, "standard input line 6: ", 23) == 0);
	assert_non_null(strstr(err.msg, "sequence"));
	yk_pub_free(&p);
	yk_buf_free(&want);
}

/* p ready for --ndjson lines (-q / -r given when the flags say so). */
static void
ndjson_pub(struct yk_pub *p, bool qos_given, bool retain_given)
{
	struct yk_err err = {0};

	yk_pub_init(p);
	p->ndjson = true;
	p->qos_given = qos_given;
	p->retain_given = retain_given;
	p->retain = retain_given;
	assert_int_equal(check(p, &err, NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(p, &scope, &err), YK_OK);
}

static void
test_ndjson_line(void **state)
{
	struct yk_pub p;
	struct yk_msg m;
	struct yk_err err = {0};
	int64_t rec;
	const char line[] = "{\"key\":\"arm-1/imu\",\"ts\":1795300718.861248,"
			    "\"qos\":1,\"retain\":true,\"priority\":\"data-high\","
			    "\"payload\":{\"x\": 1}}";

	(void)state;
	ndjson_pub(&p, false, false);
	assert_int_equal(yk_pub_ndjson(&p, S(line), 1, &m, &rec, &err), YK_OK);
	assert_string_equal(m.topic, "yoke/default/arm-1/imu");
	assert_int_equal(m.len, 7);
	assert_memory_equal(m.payload, "{\"x\":1}", 7);
	assert_int_equal(m.qos, 1);
	assert_true(m.retain);
	assert_int_not_equal(m.prio, YK_PRIO_DEFAULT);
	assert_int_equal(rec, 1795300718861248);
	/* a line without them: ours, and no recorded time */
	assert_int_equal(yk_pub_ndjson(&p, S("{\"key\":\"b/c\",\"payload\":\"t\"}"),
				       2, &m, &rec, &err),
			 YK_OK);
	assert_string_equal(m.topic, "yoke/default/b/c");
	assert_int_equal(m.qos, 0);
	assert_false(m.retain);
	assert_int_equal(m.prio, YK_PRIO_DEFAULT);
	assert_int_equal(rec, -1);
	/* blank lines are skipped */
	assert_int_equal(yk_pub_ndjson(&p, "", 0, 3, &m, &rec, &err), YK_OK);
	assert_null(m.topic);
	assert_int_equal(yk_pub_ndjson(&p, S(" \r"), 4, &m, &rec, &err), YK_OK);
	assert_null(m.topic);
	yk_pub_free(&p);
	/* -q 0 and -r given: they override the line's */
	ndjson_pub(&p, true, true);
	assert_int_equal(yk_pub_ndjson(&p, S(line), 1, &m, &rec, &err), YK_OK);
	assert_int_equal(m.qos, 0);
	assert_true(m.retain);
	assert_int_equal(yk_pub_ndjson(&p, S("{\"key\":\"b/c\",\"retain\":false,"
					     "\"payload\":1}"),
				       1, &m, &rec, &err),
			 YK_OK);
	assert_true(m.retain);
	yk_pub_free(&p);
}

static void
test_ndjson_refused(void **state)
{
	struct yk_pub p;
	struct yk_msg m;
	struct yk_err err = {0};
	int64_t rec;

	(void)state;
	ndjson_pub(&p, false, false);
	assert_int_equal(yk_pub_ndjson(&p, S("{\"key\":\"a\\u0000b\","
					     "\"payload\":1}"),
				       3, &m, &rec, &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, "standard input line 3: \"key\" holds a "
				     "NUL character");
	assert_int_equal(yk_pub_ndjson(&p, S("{\"key\":\"a/+\",\"payload\":1}"),
				       4, &m, &rec, &err),
			 YK_EUSAGE);
	assert_true(strncmp(err.msg, "standard input line 4: ", 23) == 0);
	assert_int_equal(yk_pub_ndjson(&p, S("{\"payload\":1}"), 5, &m, &rec,
				       &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg, "standard input line 5: missing \"key\"");
	yk_pub_free(&p);
}

/* --ndjson --encode auto: an object on a protobuf channel is encoded,
 * the rest goes as it is. */
static void
test_ndjson_encode(void **state)
{
	struct yk_pub p;
	struct yk_msg m;
	struct yk_buf want = {0};
	struct yk_err err = {0};
	int64_t rec;

	(void)state;
	yk_pub_init(&p);
	p.ndjson = true;
	p.encode = "auto";
	assert_int_equal(check(&p, &err, NULL), YK_OK);
	assert_int_equal(yk_pub_prepare(&p, &scope, &err), YK_OK);
	assert_int_equal(yk_pub_ndjson(&p, S("{\"key\":\"arm-1/commands\","
					     "\"payload\":{\"sequence\":9}}"),
				       1, &m, &rec, &err),
			 YK_OK);
	assert_int_equal(yk_pb_json_to_bytes(&want,
					     &asimov__cloud_command__descriptor,
					     S("{\"sequence\":9}"), &err),
			 YK_OK);
	assert_int_equal(m.len, want.len);
	assert_memory_equal(m.payload, want.p, want.len);
	assert_int_equal(yk_pub_ndjson(&p, S("{\"key\":\"arm-1/x\","
					     "\"payload\":{\"a\":1}}"),
				       2, &m, &rec, &err),
			 YK_OK);
	assert_int_equal(m.len, 7);
	assert_memory_equal(m.payload, "{\"a\":1}", 7);
	yk_pub_free(&p);
	yk_buf_free(&want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_check_one_input),
		cmocka_unit_test(test_check_operands),
		cmocka_unit_test(test_check_goes_with),
		cmocka_unit_test(test_check_encode),
		cmocka_unit_test(test_prepare_message),
		cmocka_unit_test(test_prepare_encode),
		cmocka_unit_test(test_line_plain),
		cmocka_unit_test(test_line_encode),
		cmocka_unit_test(test_ndjson_line),
		cmocka_unit_test(test_ndjson_refused),
		cmocka_unit_test(test_ndjson_encode),
	};

	return cmocka_run_group_tests_name("pub", tests, NULL, NULL);
}
