/*
 * test_pbjson.c - protobuf <-> JSON (lib/pbjson.h) on pbtest.All, a
 * message with every shape the converter handles (tests/unit/proto/): the
 * JSON printed for each type, what is accepted on input, and the errors
 * for input that does not fit, each naming the field.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "pbjson.h"
#include "pbtest.pb-c.h"

#define ALL (&pbtest__all__descriptor)
#define S(lit) (lit), sizeof(lit) - 1

/* The zero values every proto3 field without presence prints. */
#define ZEROS \
	"\"i32\":0,\"s32\":0,\"sf32\":0,\"u32\":0,\"f32\":0,\"i64\":0," \
	"\"s64\":0,\"sf64\":0,\"u64\":0,\"f64\":0,\"fl\":0,\"db\":0," \
	"\"flag\":false,\"text\":\"\",\"blob\":\"\"," \
	"\"color\":\"COLOR_UNSPECIFIED\""
#define EMPTY_LISTS "\"nums\":[],\"items\":[],\"words\":[],\"colors\":[]"

/* json in -> protobuf bytes -> json out: want */
static void
round_trip(const char *in, const char *want)
{
	struct yk_buf pb = {0}, out = {0};
	struct yk_err err = {0};

	if (yk_pb_json_to_bytes(&pb, ALL, in, strlen(in), &err) != YK_OK)
		fail_msg("%s: %s", in, err.msg);
	assert_int_equal(yk_pb_bytes_to_json(&out, ALL, pb.p, pb.len, &err),
			 YK_OK);
	yk_buf_addc(&out, '\0');
	assert_string_equal(out.p, want);
	yk_buf_free(&pb);
	yk_buf_free(&out);
}

static void
refused(const char *in, const char *want)
{
	ProtobufCMessage *m = (void *)1;
	struct yk_err err = {0};

	assert_int_equal(yk_pb_from_json(&m, ALL, in, strlen(in), &err),
			 YK_EUSAGE);
	assert_null(m);
	assert_string_equal(err.msg, want);
}

static void
test_defaults(void **state)
{
	(void)state;
	round_trip("{}", "{" ZEROS "," EMPTY_LISTS ",\"joint_angle_rad\":0}");
}

static void
test_scalars(void **state)
{
	(void)state;
	round_trip("{\"i32\":-5,\"s32\":-6,\"sf32\":-7,\"u32\":4294967295,"
		   "\"f32\":8,\"i64\":\"-9007199254740993\","
		   "\"s64\":9007199254740992,\"sf64\":\"12\",\"u64\":"
		   "\"18446744073709551615\",\"f64\":1e3,\"fl\":0.1,"
		   "\"db\":0.1,\"flag\":true,\"text\":\"h\\u00e9\\n\","
		   "\"blob\":\"AAH/\",\"color\":\"GREEN\"}",
		   "{\"i32\":-5,\"s32\":-6,\"sf32\":-7,\"u32\":4294967295,"
		   "\"f32\":8,\"i64\":\"-9007199254740993\","
		   "\"s64\":9007199254740992,\"sf64\":12,"
		   "\"u64\":\"18446744073709551615\",\"f64\":1000,"
		   "\"fl\":0.1,\"db\":0.1,\"flag\":true,"
		   "\"text\":\"h\xc3\xa9\\n\",\"blob\":\"AAH/\","
		   "\"color\":\"GREEN\"," EMPTY_LISTS
		   ",\"joint_angle_rad\":0}");
	round_trip("{\"fl\":\"NaN\",\"db\":\"-Infinity\",\"color\":1,"
		   "\"blob\":\"AAH_\"}",
		   "{\"i32\":0,\"s32\":0,\"sf32\":0,\"u32\":0,\"f32\":0,"
		   "\"i64\":0,\"s64\":0,\"sf64\":0,\"u64\":0,\"f64\":0,"
		   "\"fl\":\"NaN\",\"db\":\"-Infinity\",\"flag\":false,"
		   "\"text\":\"\",\"blob\":\"AAH/\",\"color\":\"RED\","
		   EMPTY_LISTS ",\"joint_angle_rad\":0}");
}

static void
test_nested_repeated_oneof(void **state)
{
	(void)state;
	/* json_name spelling accepted; original names printed */
	round_trip("{\"inner\":{\"id\":1,\"label\":\"a\"},\"nums\":[1,2,3],"
		   "\"items\":[{\"id\":2},{}],\"words\":[\"x\",\"y\"],"
		   "\"colors\":[\"RED\",2],"
		   "\"thing\":{\"id\":9},\"jointAngleRad\":1.5}",
		   "{" ZEROS ",\"inner\":{\"id\":1,\"label\":\"a\"},"
		   "\"nums\":[1,2,3],\"items\":[{\"id\":2,\"label\":\"\"},"
		   "{\"id\":0,\"label\":\"\"}],\"words\":[\"x\",\"y\"],"
		   "\"colors\":[\"RED\",\"GREEN\"],"
		   "\"thing\":{\"id\":9,\"label\":\"\"},"
		   "\"joint_angle_rad\":1.5}");
	/* null is "not set" */
	round_trip("{\"inner\":null,\"name\":null}",
		   "{" ZEROS "," EMPTY_LISTS ",\"joint_angle_rad\":0}");
}

/* -0.0 in a singular float or double: protobuf-c would drop it (it
 * compares with 0), protobuf sends it (the bits differ). */
static void
test_negative_zero(void **state)
{
	struct yk_buf pb = {0}, out = {0};
	struct yk_err err = {0};
	Pbtest__Deep *d;
	const char *in = "{\"all\":{\"fl\":-0.0,\"db\":-0,\"i32\":3},"
			 "\"alls\":[{\"i32\":1},{\"db\":-0.0}],"
			 "\"one\":{\"inner\":{\"id\":2},\"fl\":-0.0},"
			 "\"top\":-0.0}";

	(void)state;
	assert_int_equal(yk_pb_json_to_bytes(&pb, ALL, S("{\"fl\":-0.0}"),
					     &err), YK_OK);
	assert_int_equal(pb.len, 5);
	assert_memory_equal(pb.p, "\x5d\x00\x00\x00\x80", 5);
	yk_buf_free(&pb);
	assert_int_equal(yk_pb_json_to_bytes(&pb, ALL, S("{\"db\":-0}"),
					     &err), YK_OK);
	assert_int_equal(pb.len, 9);
	assert_memory_equal(pb.p, "\x61\0\0\0\0\0\0\0\x80", 9);
	yk_buf_free(&pb);
	/* +0.0 is the default: nothing on the wire */
	assert_int_equal(yk_pb_json_to_bytes(&pb, ALL, S("{\"fl\":0.0}"),
					     &err), YK_OK);
	assert_int_equal(pb.len, 0);
	round_trip("{\"fl\":-0.0,\"db\":\"-0\"}",
		   "{\"i32\":0,\"s32\":0,\"sf32\":0,\"u32\":0,\"f32\":0,"
		   "\"i64\":0,\"s64\":0,\"sf64\":0,\"u64\":0,\"f64\":0,"
		   "\"fl\":-0,\"db\":-0,\"flag\":false,"
		   "\"text\":\"\",\"blob\":\"\",\"color\":\"COLOR_UNSPECIFIED\","
		   EMPTY_LISTS ",\"joint_angle_rad\":0}");

	/* at depth, read back by protobuf-c itself */
	assert_int_equal(yk_pb_json_to_bytes(&pb, &pbtest__deep__descriptor,
					     in, strlen(in), &err), YK_OK);
	d = pbtest__deep__unpack(NULL, pb.len, (uint8_t *)pb.p);
	assert_non_null(d);
	assert_non_null(d->all);
	assert_true(d->all->fl == 0 && signbit(d->all->fl));
	assert_true(d->all->db == 0 && signbit(d->all->db));
	assert_int_equal(d->all->i32, 3);
	assert_int_equal(d->n_alls, 2);
	assert_int_equal(d->alls[0]->i32, 1);
	assert_false(signbit(d->alls[0]->db));
	assert_true(d->alls[1]->db == 0 && signbit(d->alls[1]->db));
	assert_int_equal(d->pick_case, PBTEST__DEEP__PICK_ONE);
	assert_true(signbit(d->one->fl));
	assert_int_equal(d->one->inner->id, 2);
	assert_true(d->top == 0 && signbit(d->top));
	pbtest__deep__free_unpacked(d, NULL);
	/* and the message it came from is left as it was */
	yk_buf_free(&pb);
	assert_int_equal(yk_pb_json_to_bytes(&pb, &pbtest__deep__descriptor,
					     in, strlen(in), &err), YK_OK);
	assert_int_equal(yk_pb_bytes_to_json(&out, &pbtest__deep__descriptor,
					     pb.p, pb.len, &err), YK_OK);
	yk_buf_addc(&out, '\0');
	assert_non_null(strstr(out.p, "\"top\":-0"));
	yk_buf_free(&pb);
	yk_buf_free(&out);
}

static void
test_lone_surrogate(void **state)
{
	(void)state;
	refused("{\"text\":\"a\\ud800\"}",
		"pbtest.All: text: a lone surrogate escape is not a character");
	refused("{\"items\":[{},{\"label\":\"\\udfff\"}]}",
		"pbtest.All: items[1].label: a lone surrogate escape is not a "
		"character");
	round_trip("{\"text\":\"\\ud83d\\ude00\"}",
		   "{\"i32\":0,\"s32\":0,\"sf32\":0,\"u32\":0,\"f32\":0,"
		   "\"i64\":0,\"s64\":0,\"sf64\":0,\"u64\":0,\"f64\":0,"
		   "\"fl\":0,\"db\":0,\"flag\":false,"
		   "\"text\":\"\xf0\x9f\x98\x80\",\"blob\":\"\","
		   "\"color\":\"COLOR_UNSPECIFIED\","
		   EMPTY_LISTS ",\"joint_angle_rad\":0}");
}

static void
test_errors(void **state)
{
	(void)state;
	refused("{\"nope\":1}", "pbtest.All: unknown field 'nope'");
	refused("{\"i32\":\"x\"}",
		"pbtest.All: i32: 'x' is not an integer in the field's range");
	refused("{\"i32\":2147483648}",
		"pbtest.All: i32: '2147483648' is not an integer in the "
		"field's range");
	refused("{\"u32\":-1}",
		"pbtest.All: u32: '-1' is not an integer in the field's range");
	refused("{\"i64\":1.5}",
		"pbtest.All: i64: '1.5' is not an integer in the field's "
		"range");
	refused("{\"fl\":1e39}",
		"pbtest.All: fl: 1e39 is out of a float's range");
	refused("{\"db\":true}",
		"pbtest.All: db: expected a number, got a boolean");
	refused("{\"flag\":1}",
		"pbtest.All: flag: expected true or false, got a number");
	refused("{\"text\":5}",
		"pbtest.All: text: expected a string, got a number");
	refused("{\"blob\":\"***\"}", "pbtest.All: blob: not base64");
	refused("{\"color\":\"BLUE\"}",
		"pbtest.All: color: 'BLUE' is not a value of the enum");
	refused("{\"color\":7}",
		"pbtest.All: color: number is not a value of the enum");
	refused("{\"inner\":[1]}",
		"pbtest.All: inner: expected an object, got an array");
	refused("{\"inner\":{\"id\":\"q\"}}",
		"pbtest.All: inner.id: 'q' is not an integer in the field's "
		"range");
	refused("{\"items\":[{},{\"label\":3}]}",
		"pbtest.All: items[1].label: expected a string, got a number");
	refused("{\"nums\":7}",
		"pbtest.All: nums: expected an array, got a number");
	refused("{\"name\":\"a\",\"thing\":{}}",
		"pbtest.All: thing: a second member of its oneof");
	refused("{\"i32\":1,\"i32\":2}", "pbtest.All: i32: given twice");
	refused("{\"i32\":1", "pbtest.All: not valid JSON");
	refused("[]", "pbtest.All: expected an object, got an array");
}

static void
test_bad_bytes(void **state)
{
	struct yk_buf pb = {0}, out = {0};
	struct yk_err err = {0};
	const char *in = "{\"text\":\"hello\",\"items\":[{\"id\":1}]}";

	(void)state;
	assert_int_equal(yk_pb_json_to_bytes(&pb, ALL, in, strlen(in), &err),
			 YK_OK);
	/* text (7 bytes: tag, length, "hello"), then items (5): a cut
	 * between the two is a valid message, any other is refused, and
	 * nothing is read past the cut (a copy of exactly n bytes) */
	assert_int_equal(pb.len, 12);
	for (size_t n = 1; n < pb.len; n++) {
		char *cut = malloc(n);

		memcpy(cut, pb.p, n);
		yk_buf_truncate(&out, 0);
		if (n == 7) {
			assert_int_equal(yk_pb_bytes_to_json(&out, ALL, cut, n,
							     &err),
					 YK_OK);
		} else {
			assert_int_equal(yk_pb_bytes_to_json(&out, ALL, cut, n,
							     &err),
					 YK_EUSAGE);
			assert_string_equal(err.msg, "not a valid pbtest.All");
		}
		free(cut);
	}
	yk_buf_truncate(&out, 0);
	assert_int_equal(yk_pb_bytes_to_json(&out, ALL, "\xff\xff\xff", 3,
					     &err),
			 YK_EUSAGE);
	assert_int_equal(out.len, 0);
	yk_buf_free(&pb);
	yk_buf_free(&out);
}

static void
test_invalid_utf8_out(void **state)
{
	Pbtest__All m = PBTEST__ALL__INIT;
	struct yk_buf out = {0};

	(void)state;
	m.text = "a\xff" "b";
	yk_pb_to_json(&out, &m.base);
	yk_buf_addc(&out, '\0');
	assert_non_null(strstr(out.p, "\"text\":\"a\xef\xbf\xbd" "b\""));
	yk_buf_free(&out);
}

/* xorshift64: the same numbers on every run */
static uint64_t
next_random(uint64_t *r)
{
	*r ^= *r << 13;
	*r ^= *r >> 7;
	*r ^= *r << 17;
	return *r;
}

/* What put_real must print: the first %.{6|15..17}g that reads back. */
static void
shortest_by_printf(char *s, size_t n, double v, bool single)
{
	for (int prec = single ? 6 : 15; prec <= 17; prec++) {
		snprintf(s, n, "%.*g", prec, v);
		if (single ? (float)strtod(s, NULL) == (float)v
			   : strtod(s, NULL) == v)
			return;
	}
}

/*
 * Floats and doubles are printed without printf and read without strtod
 * where plain double arithmetic is exact (pbjson.c): the text must be
 * printf's, and the value read strtod's, bit for bit.  Random bit
 * patterns (every magnitude) and random short decimals (the usual case).
 */
static void
test_reals_match_libc(void **state)
{
	uint64_t r = 88172645463325252ULL;
	struct yk_buf out = {0};
	struct yk_err err = {0};
	char want[64], in[96];

	(void)state;
	for (int i = 0; i < 200000; i++) {
		Pbtest__All m = PBTEST__ALL__INIT;
		ProtobufCMessage *back;
		Pbtest__All *b;
		bool single = i & 1;
		uint64_t x = next_random(&r);
		double v;
		float f;
		const char *p;

		if (i % 4 < 2) {
			uint32_t u = (uint32_t)x;

			memcpy(&f, &u, 4);
			memcpy(&v, &x, 8);
			if (single)
				v = f;
		} else {
			/* up to 9 digits, the point anywhere */
			v = (double)(x % 1000000000) /
			    pow(10, (double)(x >> 40) / 0x1000000 * 12);
			if (x >> 63)
				v = -v;
		}
		if (single)
			v = (float)v;
		if (!isfinite(v))
			continue;
		if (single)
			m.fl = (float)v;
		else
			m.db = v;
		yk_buf_truncate(&out, 0);
		yk_pb_to_json(&out, &m.base);
		shortest_by_printf(want, sizeof(want), v, single);
		p = strstr(out.p, single ? "\"fl\":" : "\"db\":") + 5;
		if (strncmp(p, want, strlen(want)) != 0 ||
		    p[strlen(want)] != ',')
			fail_msg("%.17g: printed %.20s, printf %s", v, p, want);
		/* and read back: the same bits as strtod's */
		snprintf(in, sizeof(in), "{\"%s\":%s}", single ? "fl" : "db",
			 want);
		assert_int_equal(yk_pb_from_json(&back, ALL, in, strlen(in),
						 &err),
				 YK_OK);
		b = (Pbtest__All *)back;
		if (single ? b->fl != (float)strtod(want, NULL)
			   : b->db != strtod(want, NULL))
			fail_msg("%s: read %.17g, strtod %.17g", want,
				 single ? b->fl : b->db, strtod(want, NULL));
		protobuf_c_message_free_unpacked(back, NULL);
	}
	yk_buf_free(&out);
}

static void
test_reals_read_like_strtod(void **state)
{
	static const char *const odd[] = {
		"0", "-0", "0.0", "1e0", "1E+2", "1e-2", "123456789012345",
		"1234567890123456", "0.000000000000000000001",
		"1e22", "1e23", "1e-22", "1e-23", "9007199254740993",
		"2.2250738585072014e-308", "4.9e-324", "1.7976931348623157e308",
		"0.1", "0.30000000000000004", "100000000000000000000000",
		"1.00000000000000000000000000000000000000000000000000000000001",
	};
	struct yk_err err = {0};
	char in[128];

	(void)state;
	for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++) {
		ProtobufCMessage *back;
		double want = strtod(odd[i], NULL);
		double got;

		snprintf(in, sizeof(in), "{\"db\":%s}", odd[i]);
		assert_int_equal(yk_pb_from_json(&back, ALL, in, strlen(in),
						 &err),
				 YK_OK);
		got = ((Pbtest__All *)back)->db;
		if (memcmp(&got, &want, sizeof(got)) != 0)
			fail_msg("%s: read %.17g, strtod %.17g", odd[i], got,
				 want);
		protobuf_c_message_free_unpacked(back, NULL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_nested_repeated_oneof),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_negative_zero),
		cmocka_unit_test(test_lone_surrogate),
		cmocka_unit_test(test_bad_bytes),
		cmocka_unit_test(test_invalid_utf8_out),
		cmocka_unit_test(test_reals_match_libc),
		cmocka_unit_test(test_reals_read_like_strtod),
	};

	return cmocka_run_group_tests_name("pbjson", tests, NULL, NULL);
}
