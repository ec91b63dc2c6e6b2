/*
 * test_pbgolden.c - JSON <-> protobuf (lib/pbjson.h) on every message of
 * proto/, against golden files and an independent encoder.
 *
 * tests/unit/golden/pb_NAME.txt is a message in protobuf's text format,
 * its first line naming the type ("# type: asimov.CloudCommand");
 * pb_NAME.json is the JSON yoke prints for it, written by hand from the
 * mapping in pbjson.h.  The Makefile turns each .txt into
 * build/golden/pb_NAME.bin with protoc-c --encode, which shares no code
 * with lib/pbjson.  For each case: the .json encodes to exactly those
 * bytes, the bytes print exactly the .json, and no prefix of the bytes
 * crashes the decoder.  Then malformed input on the real types: wrong
 * JSON types, unknown fields, out-of-range numbers and enums, truncated
 * and corrupt wire bytes, each an error that names the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>

#include <cmocka.h>

#include "slurp.h"

#include "asimov.pb-c.h"
#include "foxglove/CompressedVideo.pb-c.h"
#include "pbjson.h"
#include "pbreg.h"

#define GOLDEN "tests/unit/golden"
#define BYTES "build/golden"

static const char *const cases[] = {
	"cloud_velocity", "cloud_velocity_zero", "cloud_trajectory",
	"cloud_mode_stand", "cloud_mode_damp", "cloud_empty",
	"velocity_command", "trajectory_request", "trajectory_request_empty",
	"full_trajectory", "joint_segment", "mode_command_stand",
	"mode_command_damp", "edge_telemetry_full", "edge_telemetry_fw_damp",
	"edge_telemetry_fw_stand", "edge_telemetry_fw_move", "firmware_alert",
	"edge_event_error", "edge_event_diagnostics", "edge_event_controller",
	"edge_error", "can_bus_health", "edge_diagnostics", "controller_event",
	"skills_request", "invoke_request", "cancel_request", "state_request",
	"capture_request", "rpc_reply_error", "rpc_reply_skills",
	"rpc_reply_action", "rpc_reply_cancel", "rpc_reply_state",
	"rpc_reply_image", "rpc_reply_empty", "rpc_error", "skill_param",
	"skill_descriptor", "skill_list", "action_result", "action_error",
	"action_meta", "cancel_reply", "state_entry", "state_reply",
	"compressed_video", "compressed_video_empty", "compressed_image",
	"timestamp", "timestamp_big", NULL,
};

/* The type a case's .txt names on its first line. */
static const ProtobufCMessageDescriptor *
type_of(const char *name)
{
	const ProtobufCMessageDescriptor *d;
	struct yk_buf t = {0};
	struct yk_err err = {0};
	char path[256], type[128];

	snprintf(path, sizeof(path), GOLDEN "/pb_%s.txt", name);
	slurp(path, &t);
	if (sscanf(t.p, "# type: %127s", type) != 1)
		fail_msg("%s: the first line must be '# type: TYPE'", path);
	if (yk_pbreg_find(&d, type, &err) != YK_OK)
		fail_msg("%s: %s", path, err.msg);
	yk_buf_free(&t);
	return d;
}

/* Show bytes as hex in a failure message. */
static const char *
hex(const void *p, size_t n)
{
	static char s[4096];
	size_t o = 0;

	for (size_t i = 0; i < n && o + 4 < sizeof(s); i++)
		o += (size_t)snprintf(s + o, sizeof(s) - o, "%02x ",
				      ((const unsigned char *)p)[i]);
	s[o] = '\0';
	return s;
}

static void
golden(void **state)
{
	const char *name = *state;
	const ProtobufCMessageDescriptor *d = type_of(name);
	struct yk_buf json = {0}, wire = {0}, got = {0}, out = {0};
	struct yk_err err = {0};
	char path[256], want_err[160];

	snprintf(path, sizeof(path), GOLDEN "/pb_%s.json", name);
	slurp(path, &json);
	if (json.len == 0 || json.p[json.len - 1] != '\n')
		fail_msg("%s: one line, ending in a newline", path);
	json.p[--json.len] = '\0';
	snprintf(path, sizeof(path), BYTES "/pb_%s.bin", name);
	slurp(path, &wire);

	/* JSON -> protobuf: protoc-c's bytes exactly */
	if (yk_pb_json_to_bytes(&got, d, json.p, json.len, &err) != YK_OK)
		fail_msg("pb_%s.json: %s", name, err.msg);
	if (got.len != wire.len || memcmp(got.p, wire.p, got.len) != 0) {
		char a[4096];

		snprintf(a, sizeof(a), "%s", hex(got.p, got.len));
		fail_msg("pb_%s: JSON encodes to\n  %s\nprotoc-c:\n  %s",
			 name, a, hex(wire.p, wire.len));
	}
	/* protobuf -> JSON: the golden text exactly */
	assert_int_equal(yk_pb_bytes_to_json(&out, d, wire.p, wire.len, &err),
			 YK_OK);
	if (strcmp(out.p, json.p) != 0)
		fail_msg("pb_%s:\n got: %s\nwant: %s", name, out.p, json.p);

	/* every cut decodes or is refused, never more */
	snprintf(want_err, sizeof(want_err), "not a valid %s", d->name);
	for (size_t n = 0; n < wire.len; n++) {
		char *cut = malloc(n + 1);

		memcpy(cut, wire.p, n);
		yk_buf_truncate(&out, 0);
		if (yk_pb_bytes_to_json(&out, d, cut, n, &err) != YK_OK) {
			assert_int_equal(err.rc, YK_EUSAGE);
			assert_string_equal(err.msg, want_err);
			assert_int_equal(out.len, 0);
		}
		free(cut);
	}
	yk_buf_free(&json);
	yk_buf_free(&wire);
	yk_buf_free(&got);
	yk_buf_free(&out);
}

static void
test_all_listed(void **state)
{
	DIR *dir = opendir(GOLDEN);
	struct dirent *e;
	int n = 0;

	(void)state;
	if (dir == NULL)
		fail_msg("cannot open " GOLDEN ": %s", strerror(errno));
	while ((e = readdir(dir)) != NULL) {
		size_t l = strlen(e->d_name);
		bool listed = false;

		if (strncmp(e->d_name, "pb_", 3) != 0 || l < 8 ||
		    strcmp(e->d_name + l - 4, ".txt") != 0)
			continue;
		for (int i = 0; cases[i]; i++)
			if (strlen(cases[i]) == l - 7 &&
			    strncmp(cases[i], e->d_name + 3, l - 7) == 0)
				listed = true;
		if (!listed)
			fail_msg("%s is not listed in test_pbgolden.c",
				 e->d_name);
		n++;
	}
	closedir(dir);
	for (int i = 0; cases[i]; i++)
		n--;
	assert_int_equal(n, 0);
}

/* Every type of the registry has a golden case. */
static void
test_every_type(void **state)
{
	const ProtobufCMessageDescriptor *t;

	(void)state;
	for (size_t i = 0; (t = yk_pbreg_at(i)) != NULL; i++) {
		bool found = false;

		for (int c = 0; cases[c] && !found; c++)
			found = type_of(cases[c]) == t;
		if (!found)
			fail_msg("%s has no golden case", t->name);
	}
}

static void
json_is(const ProtobufCMessageDescriptor *d, const char *in,
	const char *want)
{
	struct yk_buf pb = {0}, out = {0};
	struct yk_err err = {0};

	if (yk_pb_json_to_bytes(&pb, d, in, strlen(in), &err) != YK_OK)
		fail_msg("%s: %s", in, err.msg);
	assert_int_equal(yk_pb_bytes_to_json(&out, d, pb.p, pb.len, &err),
			 YK_OK);
	assert_string_equal(out.p, want);
	yk_buf_free(&pb);
	yk_buf_free(&out);
}

static void
refused(const ProtobufCMessageDescriptor *d, const char *in,
	const char *want)
{
	ProtobufCMessage *m = (void *)1;
	struct yk_err err = {0};

	assert_int_equal(yk_pb_from_json(&m, d, in, strlen(in), &err),
			 YK_EUSAGE);
	assert_null(m);
	assert_string_equal(err.msg, want);
}

#define CMD (&asimov__cloud_command__descriptor)
#define TEL (&asimov__edge_telemetry__descriptor)
#define EVT (&asimov__edge_event__descriptor)

/*
 * The two mode enums are numbered differently: the number 1 is
 * MODE_DAMP in a command and FW_MODE_STAND in telemetry.  Names are what
 * JSON carries; numbers are accepted on input, by each enum's own table.
 */
static void
test_mode_numbering(void **state)
{
	Asimov__CloudCommand c = ASIMOV__CLOUD_COMMAND__INIT;
	Asimov__ModeCommand mc = ASIMOV__MODE_COMMAND__INIT;
	struct yk_buf out = {0};

	(void)state;
	assert_int_equal(ASIMOV__MODE__MODE_STAND, 0);
	assert_int_equal(ASIMOV__MODE__MODE_DAMP, 1);
	assert_int_equal(ASIMOV__FIRMWARE_MODE__FW_MODE_DAMP, 0);
	assert_int_equal(ASIMOV__FIRMWARE_MODE__FW_MODE_STAND, 1);
	assert_int_equal(ASIMOV__FIRMWARE_MODE__FW_MODE_MOVE, 2);
	json_is(CMD, "{\"mode\":{\"mode\":0}}",
		"{\"timestamp_us\":0,\"sequence\":0,"
		"\"mode\":{\"mode\":\"MODE_STAND\"}}");
	json_is(CMD, "{\"mode\":{\"mode\":1}}",
		"{\"timestamp_us\":0,\"sequence\":0,"
		"\"mode\":{\"mode\":\"MODE_DAMP\"}}");
	json_is(&asimov__mode_command__descriptor, "{\"mode\":1}",
		"{\"mode\":\"MODE_DAMP\"}");
	json_is(TEL, "{\"fw_mode\":0,\"sequence\":1}",
		"{\"timestamp_us\":0,\"fw_timestamp_us\":0,\"sequence\":1,"
		"\"fw_mode\":\"FW_MODE_DAMP\",\"joint_pos\":[],"
		"\"joint_vel\":[],\"joint_current\":[],\"joint_temp\":[],"
		"\"imu_quat\":[],\"imu_gyro\":[],\"imu_gravity\":[],"
		"\"error_flags\":0,\"active_alerts\":[],\"fw_age_ms\":0,"
		"\"last_video_timestamp_us\":0,"
		"\"last_audio_timestamp_us\":0}");
	json_is(&asimov__edge_telemetry__descriptor, "{\"fwMode\":1}",
		"{\"timestamp_us\":0,\"fw_timestamp_us\":0,\"sequence\":0,"
		"\"fw_mode\":\"FW_MODE_STAND\",\"joint_pos\":[],"
		"\"joint_vel\":[],\"joint_current\":[],\"joint_temp\":[],"
		"\"imu_quat\":[],\"imu_gyro\":[],\"imu_gravity\":[],"
		"\"error_flags\":0,\"active_alerts\":[],\"fw_age_ms\":0,"
		"\"last_video_timestamp_us\":0,"
		"\"last_audio_timestamp_us\":0}");
	/* a name of the other enum is not a value of this one */
	refused(CMD, "{\"mode\":{\"mode\":\"FW_MODE_STAND\"}}",
		"asimov.CloudCommand: mode.mode: 'FW_MODE_STAND' is not a "
		"value of the enum");
	refused(TEL, "{\"fw_mode\":\"MODE_DAMP\"}",
		"asimov.EdgeTelemetry: fw_mode: 'MODE_DAMP' is not a value of "
		"the enum");
	/* out of range either way */
	refused(CMD, "{\"mode\":{\"mode\":2}}",
		"asimov.CloudCommand: mode.mode: number is not a value of the "
		"enum");
	refused(TEL, "{\"fw_mode\":3}",
		"asimov.EdgeTelemetry: fw_mode: number is not a value of the "
		"enum");
	refused(TEL, "{\"fw_mode\":-1}",
		"asimov.EdgeTelemetry: fw_mode: number is not a value of the "
		"enum");
	/* on the wire an enum is open (proto3): a number the .proto does
	 * not name still decodes, and prints as that number */
	mc.mode = 7;
	c.command_case = ASIMOV__CLOUD_COMMAND__COMMAND_MODE;
	c.mode = &mc;
	yk_pb_to_json(&out, &c.base);
	assert_string_equal(out.p, "{\"timestamp_us\":0,\"sequence\":0,"
				   "\"mode\":{\"mode\":7}}");
	yk_buf_truncate(&out, 0);
	{
		struct yk_err err = {0};

		assert_int_equal(yk_pb_bytes_to_json(&out, CMD, "\x2a\x02\x08"
							       "\x07", 4,
						     &err),
				 YK_OK);
		assert_string_equal(out.p, "{\"timestamp_us\":0,"
					   "\"sequence\":0,"
					   "\"mode\":{\"mode\":7}}");
	}
	yk_buf_free(&out);
}

/* Input spellings the mapping allows besides the printed one. */
static void
test_input_spellings(void **state)
{
	(void)state;
	json_is(CMD,
		"{\"timestampUs\":\"1795300718861248\",\"sequence\":\"42\","
		"\"velocity\":{\"vx\":\"1.5\",\"vyaw\":2e0}}",
		"{\"timestamp_us\":1795300718861248,\"sequence\":42,"
		"\"velocity\":{\"vx\":1.5,\"vy\":0,\"vyaw\":2}}");
	/* null: not set; a oneof member set to null leaves it unset */
	json_is(CMD, "{\"velocity\":null,\"sequence\":null}",
		"{\"timestamp_us\":0,\"sequence\":0}");
	/* white space anywhere JSON allows it */
	json_is(&asimov__velocity_command__descriptor,
		" { \"vx\" : -0.5 ,\n\t\"vy\":1 } ",
		"{\"vx\":-0.5,\"vy\":1,\"vyaw\":0}");
	json_is(&asimov__edge_diagnostics__descriptor,
		"{\"canHealth\":[{\"framesSent\":\"18446744073709551615\","
		"\"busOffs\":1e1}],\"onnxMaxMs\":\"Infinity\"}",
		"{\"can_health\":[{\"bus\":\"\",\"frames_sent\":"
		"\"18446744073709551615\",\"frames_received\":0,\"errors\":0,"
		"\"bus_offs\":10}],\"onnx_avg_ms\":0,"
		"\"onnx_max_ms\":\"Infinity\",\"onnx_count\":0,"
		"\"controller\":\"\",\"provisioned\":false,"
		"\"cloud_connected\":false,\"ble_connected\":false,"
		"\"camera_active\":false,\"mic_active\":false}");
}

static void
test_wrong_json(void **state)
{
	(void)state;
	refused(CMD, "{\"velocity\":{\"vx\":true}}",
		"asimov.CloudCommand: velocity.vx: expected a number, got a "
		"boolean");
	refused(CMD, "{\"velocity\":{\"vx\":\"fast\"}}",
		"asimov.CloudCommand: velocity.vx: 'fast' is not a number");
	/* a string may hold a number (proto3), but only a JSON number */
	refused(CMD, "{\"velocity\":{\"vx\":\"0x10\"}}",
		"asimov.CloudCommand: velocity.vx: '0x10' is not a number");
	refused(CMD, "{\"velocity\":{\"vx\":\"inf\"}}",
		"asimov.CloudCommand: velocity.vx: 'inf' is not a number");
	refused(CMD, "{\"velocity\":{\"vx\":\" 1\"}}",
		"asimov.CloudCommand: velocity.vx: ' 1' is not a number");
	refused(CMD, "{\"velocity\":{\"vx\":\"1.\"}}",
		"asimov.CloudCommand: velocity.vx: '1.' is not a number");
	refused(CMD, "{\"velocity\":{\"vx\":\"\"}}",
		"asimov.CloudCommand: velocity.vx: '' is not a number");
	refused(CMD, "{\"velocity\":[1,2,3]}",
		"asimov.CloudCommand: velocity: expected an object, got an "
		"array");
	refused(CMD, "{\"sequence\":{}}",
		"asimov.CloudCommand: sequence: expected an integer, got an "
		"object");
	refused(CMD, "{\"sequence\":1.5}",
		"asimov.CloudCommand: sequence: '1.5' is not an integer in the "
		"field's range");
	refused(CMD, "{\"sequence\":4294967296}",
		"asimov.CloudCommand: sequence: '4294967296' is not an integer "
		"in the field's range");
	refused(CMD, "{\"timestamp_us\":-1}",
		"asimov.CloudCommand: timestamp_us: '-1' is not an integer in "
		"the field's range");
	refused(CMD, "{\"timestamp_us\":\"18446744073709551616\"}",
		"asimov.CloudCommand: timestamp_us: '18446744073709551616' is "
		"not an integer in the field's range");
	refused(CMD, "{\"trajectory\":{\"full\":{\"segments\":[{\"positions\":"
		     "[1]},{\"positions\":2}]}}}",
		"asimov.CloudCommand: trajectory.full.segments[1].positions: "
		"expected an array, got a number");
	refused(CMD, "{\"trajectory\":{\"full\":{\"segments\":[{\"kp\":"
		     "[1,null]}]}}}",
		"asimov.CloudCommand: trajectory.full.segments[0].kp[1]: "
		"expected a number, got null");
	refused(CMD, "{\"velocity\":{\"vx\":1e39}}",
		"asimov.CloudCommand: velocity.vx: 1e39 is out of a float's "
		"range");
	refused(TEL, "{\"active_alerts\":[{\"severity\":\"ALERT_SEVERITY_"
		     "WARNING\"}]}",
		"asimov.EdgeTelemetry: active_alerts[0].severity: "
		"'ALERT_SEVERITY_WARNING' is not an integer in the field's "
		"range");
	refused(EVT, "{\"diagnostics\":{\"provisioned\":\"yes\"}}",
		"asimov.EdgeEvent: diagnostics.provisioned: expected true or "
		"false, got a string");
	refused(EVT, "{\"error\":{\"code\":7}}",
		"asimov.EdgeEvent: error.code: expected a string, got a number");
	refused(&foxglove__compressed_video__descriptor,
		"{\"data\":\"not base64!\"}",
		"foxglove.CompressedVideo: data: not base64");
	refused(CMD, "[]", "asimov.CloudCommand: expected an object, got an "
			   "array");
	refused(CMD, "", "asimov.CloudCommand: not valid JSON");
	refused(CMD, "{\"sequence\":1}{}", "asimov.CloudCommand: not valid "
					   "JSON");
}

static void
test_unknown_fields(void **state)
{
	(void)state;
	refused(CMD, "{\"velocity\":{\"vz\":1}}",
		"asimov.CloudCommand: velocity: unknown field 'vz'");
	refused(CMD, "{\"Sequence\":1}",
		"asimov.CloudCommand: unknown field 'Sequence'");
	refused(CMD, "{\"timestamp_Us\":1}",
		"asimov.CloudCommand: unknown field 'timestamp_Us'");
	refused(TEL, "{\"active_alerts\":[{},{\"level\":2}]}",
		"asimov.EdgeTelemetry: active_alerts[1]: unknown field "
		"'level'");
	/* one command at a time: a oneof takes one member */
	refused(CMD, "{\"velocity\":{},\"mode\":{}}",
		"asimov.CloudCommand: mode: a second member of its oneof");
	refused(CMD, "{\"sequence\":1,\"sequence\":2}",
		"asimov.CloudCommand: sequence: given twice");
	refused(CMD, "{\"timestampUs\":1,\"timestamp_us\":2}",
		"asimov.CloudCommand: timestamp_us: given twice");
}

static void
test_bad_wire(void **state)
{
	static const struct {
		const char *bytes;
		size_t n;
	} bad[] = {
		{"\x08", 1},                 /* varint cut */
		{"\x08\x80\x80", 3},         /* varint cut inside */
		{"\x1a\x05\x0d\x00", 4},     /* length beyond the end */
		{"\x1a\x02\x0d\x00", 4},     /* float cut inside a message */
		{"\x0b", 1},                 /* start group: not proto3 */
		{"\x0f", 1},                 /* wire type 7 */
		{"\x00", 1},                 /* field number 0 */
		{"\x08\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12},
	};
	struct yk_buf out = {0};
	struct yk_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		yk_buf_truncate(&out, 0);
		if (yk_pb_bytes_to_json(&out, CMD, bad[i].bytes, bad[i].n,
					&err) != YK_EUSAGE)
			fail_msg("case %zu decoded: %s", i, out.p);
		assert_string_equal(err.msg, "not a valid asimov.CloudCommand");
		assert_int_equal(out.len, 0);
	}
	/* a field this version does not know is skipped, as protobuf
	 * readers must (field 15, varint 1) */
	yk_buf_truncate(&out, 0);
	assert_int_equal(yk_pb_bytes_to_json(&out, CMD, "\x10\x05\x78\x01", 4,
					     &err),
			 YK_OK);
	assert_string_equal(out.p, "{\"timestamp_us\":0,\"sequence\":5}");
	yk_buf_free(&out);
}

/* ---- google.protobuf.Timestamp: RFC 3339 strings ---- */

#define TS (&google__protobuf__timestamp__descriptor)
#define VID (&foxglove__compressed_video__descriptor)
#define TS_MIN (-62135596800LL) /* 0001-01-01T00:00:00Z */
#define TS_MAX 253402300799LL   /* 9999-12-31T23:59:59Z */

/* A Timestamp (s, n) prints as want, and want, if a string, reads back
 * as (s, n). */
static void
ts_prints(int64_t s, int32_t n, const char *want)
{
	Google__Protobuf__Timestamp t = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	Google__Protobuf__Timestamp *back;
	struct yk_buf out = {0};
	struct yk_err err = {0};

	t.seconds = s;
	t.nanos = n;
	yk_pb_to_json(&out, &t.base);
	yk_buf_addc(&out, '\0');
	assert_string_equal(out.p, want);
	if (yk_pb_from_json((ProtobufCMessage **)&back, TS, want,
			    strlen(want), &err) != YK_OK)
		fail_msg("%s: %s", want, err.msg);
	assert_int_equal(back->seconds, s);
	assert_int_equal(back->nanos, n);
	protobuf_c_message_free_unpacked(&back->base, NULL);
	yk_buf_free(&out);
}

/* The JSON string in reads as (s, n), at the top and in a message. */
static void
ts_reads(const char *in, int64_t s, int32_t n)
{
	Google__Protobuf__Timestamp *t;
	Foxglove__CompressedVideo *v;
	struct yk_err err = {0};
	char json[200];

	if (yk_pb_from_json((ProtobufCMessage **)&t, TS, in, strlen(in),
			    &err) != YK_OK)
		fail_msg("%s: %s", in, err.msg);
	assert_int_equal(t->seconds, s);
	assert_int_equal(t->nanos, n);
	protobuf_c_message_free_unpacked(&t->base, NULL);
	snprintf(json, sizeof(json), "{\"timestamp\":%s}", in);
	if (yk_pb_from_json((ProtobufCMessage **)&v, VID, json, strlen(json),
			    &err) != YK_OK)
		fail_msg("%s: %s", json, err.msg);
	assert_non_null(v->timestamp);
	assert_int_equal(v->timestamp->seconds, s);
	assert_int_equal(v->timestamp->nanos, n);
	protobuf_c_message_free_unpacked(&v->base, NULL);
}

/* The string in, as CompressedVideo's timestamp, is refused: not an RFC
 * 3339 time, or (range) one outside Timestamp's range. */
static void
ts_refused(const char *in, bool range)
{
	char json[200], want[300];

	snprintf(json, sizeof(json), "{\"timestamp\":\"%s\"}", in);
	if (range)
		snprintf(want, sizeof(want),
			 "foxglove.CompressedVideo: timestamp: '%s' is outside "
			 "0001-01-01T00:00:00Z to "
			 "9999-12-31T23:59:59.999999999Z",
			 in);
	else
		snprintf(want, sizeof(want),
			 "foxglove.CompressedVideo: timestamp: not an RFC 3339 "
			 "time: '%s'",
			 in);
	refused(VID, json, want);
}

static void
test_timestamp_out(void **state)
{
	(void)state;
	ts_prints(0, 0, "\"1970-01-01T00:00:00Z\"");
	ts_prints(-1, 0, "\"1969-12-31T23:59:59Z\"");
	ts_prints(-1, 999999999, "\"1969-12-31T23:59:59.999999999Z\"");
	ts_prints(-14182940, 0, "\"1969-07-20T20:17:40Z\"");
	ts_prints(-11670912000LL, 0, "\"1600-03-01T00:00:00Z\"");
	ts_prints(1709208000, 0, "\"2024-02-29T12:00:00Z\"");
	ts_prints(951782400, 0, "\"2000-02-29T00:00:00Z\"");
	ts_prints(63108020, 21000000, "\"1972-01-01T10:00:20.021Z\"");
	ts_prints(TS_MIN, 0, "\"0001-01-01T00:00:00Z\"");
	ts_prints(TS_MAX, 999999999, "\"9999-12-31T23:59:59.999999999Z\"");
	/* fractions in 0, 3, 6 or 9 digits, as few as hold them */
	ts_prints(1, 100000000, "\"1970-01-01T00:00:01.100Z\"");
	ts_prints(1, 1000000, "\"1970-01-01T00:00:01.001Z\"");
	ts_prints(1, 120000, "\"1970-01-01T00:00:01.000120Z\"");
	ts_prints(1, 999999000, "\"1970-01-01T00:00:01.999999Z\"");
	ts_prints(1, 1, "\"1970-01-01T00:00:01.000000001Z\"");
	ts_prints(1, 123456789, "\"1970-01-01T00:00:01.123456789Z\"");
	/* what the string cannot say: the plain object, never an error */
	ts_prints(TS_MAX + 1, 0, "{\"seconds\":253402300800,\"nanos\":0}");
	ts_prints(TS_MIN - 1, 0, "{\"seconds\":-62135596801,\"nanos\":0}");
	ts_prints(0, -1, "{\"seconds\":0,\"nanos\":-1}");
	ts_prints(0, 1000000000, "{\"seconds\":0,\"nanos\":1000000000}");
	ts_prints(INT64_MIN, INT32_MIN,
		  "{\"seconds\":\"-9223372036854775808\","
		  "\"nanos\":-2147483648}");
	/* TZ has no say */
	setenv("TZ", "America/New_York", 1);
	ts_prints(0, 0, "\"1970-01-01T00:00:00Z\"");
	unsetenv("TZ");
}

static void
test_timestamp_nested_out(void **state)
{
	Google__Protobuf__Timestamp t = GOOGLE__PROTOBUF__TIMESTAMP__INIT;
	Foxglove__CompressedVideo v = FOXGLOVE__COMPRESSED_VIDEO__INIT;
	struct yk_buf pb = {0}, out = {0};
	struct yk_err err = {0};

	(void)state;
	v.timestamp = &t;
	t.seconds = TS_MAX + 1;
	t.nanos = 5;
	yk_buf_reserve(&pb, protobuf_c_message_get_packed_size(&v.base));
	pb.len = protobuf_c_message_pack(&v.base, (uint8_t *)pb.p);
	/* an invalid Timestamp on the wire prints, as the object */
	assert_int_equal(yk_pb_bytes_to_json(&out, VID, pb.p, pb.len, &err),
			 YK_OK);
	yk_buf_addc(&out, '\0');
	assert_string_equal(out.p,
			    "{\"timestamp\":{\"seconds\":253402300800,"
			    "\"nanos\":5},\"frame_id\":\"\",\"data\":\"\","
			    "\"format\":\"\"}");
	/* and that object reads back to the same bytes */
	json_is(VID, out.p, out.p);
	yk_buf_free(&pb);
	yk_buf_free(&out);
}

static void
test_timestamp_in(void **state)
{
	(void)state;
	ts_reads("\"1972-01-01T10:00:20.021Z\"", 63108020, 21000000);
	ts_reads("\"1969-07-20T20:17:40Z\"", -14182940, 0);
	ts_reads("\"2024-02-29T12:00:00Z\"", 1709208000, 0);
	/* offsets: local time minus the offset */
	ts_reads("\"1970-01-01T01:00:00+01:00\"", 0, 0);
	ts_reads("\"1969-12-31T19:00:00-05:00\"", 0, 0);
	ts_reads("\"1970-01-01T05:30:00+05:30\"", 0, 0);
	ts_reads("\"1969-12-31T18:30:00-05:30\"", 0, 0);
	ts_reads("\"1970-01-01T00:00:00+00:00\"", 0, 0);
	ts_reads("\"2024-03-01T00:30:00+01:00\"", 1709249400, 0);
	/* 1 to 9 fraction digits */
	ts_reads("\"1970-01-01T00:00:00.1Z\"", 0, 100000000);
	ts_reads("\"1970-01-01T00:00:00.12Z\"", 0, 120000000);
	ts_reads("\"1970-01-01T00:00:00.0001Z\"", 0, 100000);
	ts_reads("\"1970-01-01T00:00:00.000000001Z\"", 0, 1);
	ts_reads("\"1970-01-01T00:00:00.5+01:00\"", -3600, 500000000);
	/* the ends of the range, also reached through an offset */
	ts_reads("\"0001-01-01T00:00:00Z\"", TS_MIN, 0);
	ts_reads("\"0001-01-01T01:00:00+01:00\"", TS_MIN, 0);
	ts_reads("\"9999-12-31T23:59:59.999999999Z\"", TS_MAX, 999999999);
	ts_reads("\"9999-12-31T22:59:59-01:00\"", TS_MAX, 0);
	/* the object form too, even outside the string's range */
	ts_reads("{\"seconds\":5,\"nanos\":7}", 5, 7);
	ts_reads("{\"seconds\":253402300800}", 253402300800LL, 0);
	/* JSON escapes are undone first */
	ts_reads("\"1970-01-01T00:00:00\\u005a\"", 0, 0);
}

static void
test_timestamp_malformed(void **state)
{
	(void)state;
	ts_refused("1970/01/01T00:00:00Z", false);
	ts_refused("1970-01-01 00:00:00Z", false);
	ts_refused("1970-01-01T00-00-00Z", false);
	ts_refused("1970-13-01T00:00:00Z", false);
	ts_refused("1970-00-01T00:00:00Z", false);
	ts_refused("1970-01-00T00:00:00Z", false);
	ts_refused("1970-01-32T00:00:00Z", false);
	ts_refused("2024-02-30T00:00:00Z", false);
	ts_refused("2023-02-29T00:00:00Z", false);
	ts_refused("1900-02-29T00:00:00Z", false);
	ts_refused("1970-04-31T00:00:00Z", false);
	ts_refused("1970-01-01T24:00:00Z", false);
	ts_refused("1970-01-01T00:60:00Z", false);
	ts_refused("1970-01-01T00:00:61Z", false);
	ts_refused("1970-01-01T00:00:60Z", false);
	ts_refused("1970-01-01T00:00:00", false);
	ts_refused("1970-01-01T00:00:00.5", false);
	ts_refused("1970-01-01T00:00:00z", false);
	ts_refused("1970-01-01t00:00:00Z", false);
	ts_refused("1970-01-01T00:00:00.Z", false);
	ts_refused("1970-01-01T00:00:00.0000000001Z", false);
	ts_refused("1970-01-01T00:00:00+0100", false);
	ts_refused("1970-01-01T00:00:00+01", false);
	ts_refused("1970-01-01T00:00:00+24:00", false);
	ts_refused("1970-01-01T00:00:00+01:60", false);
	ts_refused("1970-01-01T00:00:00ZZ", false);
	ts_refused("1970-01-01T00:00:00Z ", false);
	ts_refused(" 1970-01-01T00:00:00Z", false);
	ts_refused("70-01-01T00:00:00Z", false);
	ts_refused("+1970-01-01T00:00:00Z", false);
	ts_refused("1970-1-01T00:00:00Z", false);
	ts_refused("1970-01-01T0:00:00Z", false);
	ts_refused("1970-01-01", false);
	ts_refused("", false);
	ts_refused("0", false);
	/* well formed, outside the range */
	ts_refused("0000-12-31T23:59:59Z", true);
	ts_refused("0001-01-01T00:00:00+00:01", true);
	ts_refused("0001-01-01T00:59:59.999999999+01:00", true);
	ts_refused("9999-12-31T23:59:59-00:01", true);
	/* a string where it is JSON, a number or an array is not one */
	refused(VID, "{\"timestamp\":1}",
		"foxglove.CompressedVideo: timestamp: expected an RFC 3339 "
		"string, got a number");
	refused(VID, "{\"timestamp\":[]}",
		"foxglove.CompressedVideo: timestamp: expected an RFC 3339 "
		"string, got an array");
	refused(TS, "1", "google.protobuf.Timestamp: expected an RFC 3339 "
			 "string, got a number");
	refused(TS, "\"1970-01-01T00:00:00\"",
		"google.protobuf.Timestamp: not an RFC 3339 time: "
		"'1970-01-01T00:00:00'");
}

/* A message with a repeated Timestamp (none of proto/ has one): each
 * element is a string, each is read from one, errors name the index. */
typedef struct {
	ProtobufCMessage base;
	size_t n_at;
	Google__Protobuf__Timestamp **at;
} Stamps;

static const ProtobufCMessageDescriptor stamps_descriptor;

static void
stamps_init(ProtobufCMessage *m)
{
	static const Stamps init = {
		PROTOBUF_C_MESSAGE_INIT(&stamps_descriptor), 0, NULL};

	*(Stamps *)(void *)m = init;
}

static const ProtobufCFieldDescriptor stamps_fields[] = {
	{"at", 1, PROTOBUF_C_LABEL_REPEATED, PROTOBUF_C_TYPE_MESSAGE,
	 offsetof(Stamps, n_at), offsetof(Stamps, at),
	 &google__protobuf__timestamp__descriptor, NULL, 0, 0, NULL, NULL},
};
static const unsigned stamps_by_name[] = {0};
static const ProtobufCIntRange stamps_ranges[] = {{1, 0}, {0, 1}};
static const ProtobufCMessageDescriptor stamps_descriptor = {
	PROTOBUF_C__MESSAGE_DESCRIPTOR_MAGIC,
	"test.Stamps",
	"Stamps",
	"Stamps",
	"test",
	sizeof(Stamps),
	1,
	stamps_fields,
	stamps_by_name,
	1,
	stamps_ranges,
	stamps_init,
	NULL,
	NULL,
	NULL,
};

static void
test_timestamp_repeated(void **state)
{
	(void)state;
	json_is(&stamps_descriptor,
		"{\"at\":[\"1970-01-01T01:00:00+01:00\",{\"seconds\":1},"
		"\"2024-02-29T23:59:59.5Z\",{\"seconds\":0,\"nanos\":-1}]}",
		"{\"at\":[\"1970-01-01T00:00:00Z\",\"1970-01-01T00:00:01Z\","
		"\"2024-02-29T23:59:59.500Z\",{\"seconds\":0,\"nanos\":-1}]}");
	refused(&stamps_descriptor,
		"{\"at\":[\"1970-01-01T00:00:00Z\",\"1970-02-30T00:00:00Z\"]}",
		"test.Stamps: at[1]: not an RFC 3339 time: "
		"'1970-02-30T00:00:00Z'");
}

int
main(void)
{
	struct CMUnitTest tests[128];
	static const struct CMUnitTest rest[] = {
		cmocka_unit_test(test_all_listed),
		cmocka_unit_test(test_every_type),
		cmocka_unit_test(test_mode_numbering),
		cmocka_unit_test(test_input_spellings),
		cmocka_unit_test(test_wrong_json),
		cmocka_unit_test(test_unknown_fields),
		cmocka_unit_test(test_bad_wire),
		cmocka_unit_test(test_timestamp_out),
		cmocka_unit_test(test_timestamp_nested_out),
		cmocka_unit_test(test_timestamp_in),
		cmocka_unit_test(test_timestamp_malformed),
		cmocka_unit_test(test_timestamp_repeated),
	};
	static char names[128][64];
	size_t n = 0, nrest = sizeof(rest) / sizeof(rest[0]);

	/* one test per golden case, named after it */
	for (int i = 0; cases[i] && n < 128 - nrest; i++) {
		snprintf(names[n], sizeof(names[n]), "golden pb_%s", cases[i]);
		tests[n] = (struct CMUnitTest){
			.name = names[n],
			.test_func = golden,
			.initial_state = (void *)cases[i],
		};
		n++;
	}
	for (size_t i = 0; i < nrest; i++)
		tests[n++] = rest[i];
	return _cmocka_run_group_tests("pbgolden", tests, n, NULL, NULL);
}
