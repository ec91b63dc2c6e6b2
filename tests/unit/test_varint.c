/*
 * test_varint.c - base-128 varints (lib/varint.h) against the bytes
 * protobuf's encoding documentation gives, both ways, and the ways a
 * varint can be cut short, run too long or carry more than 64 bits.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "varint.h"

static const struct {
	uint64_t v;
	const char *bytes;
	size_t n;
} known[] = {
	{0, "\x00", 1},
	{1, "\x01", 1},
	{127, "\x7f", 1},
	{128, "\x80\x01", 2},
	{150, "\x96\x01", 2},
	{300, "\xac\x02", 2},
	{16383, "\xff\x7f", 2},
	{16384, "\x80\x80\x01", 3},
	{268435456, "\x80\x80\x80\x80\x01", 5},
	{UINT64_MAX, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10},
};

static void
test_known(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		struct yk_buf b = {0};
		uint64_t v = 42;

		yk_varint_put(&b, known[i].v);
		assert_int_equal(b.len, known[i].n);
		assert_memory_equal(b.p, known[i].bytes, known[i].n);
		/* bytes after the varint are not read */
		yk_buf_add(&b, "\x81\x81", 2);
		assert_int_equal(yk_varint_get(b.p, b.len, &v),
				 (int)known[i].n);
		assert_true(v == known[i].v);
		yk_buf_free(&b);
	}
}

static void
test_short_and_long(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(yk_varint_get("", 0, &v), 0);
	assert_int_equal(yk_varint_get("\x80", 1, &v), 0);
	assert_int_equal(yk_varint_get("\xff\xff\xff\xff\xff\xff\xff\xff\xff",
				       9, &v), 0);
	assert_int_equal(yk_varint_get("\xff\xff\xff\xff\xff\xff\xff\xff\xff"
				       "\xff\x01", 11, &v), -1);
	assert_int_equal(v, 7); /* untouched when nothing was read */
}

/* The 10th byte carries bit 63 only: 2 and up would be bits 64.. */
static void
test_past_64_bits(void **state)
{
	uint64_t v = 7;

	(void)state;
	assert_int_equal(yk_varint_get("\xff\xff\xff\xff\xff\xff\xff\xff\xff"
				       "\x02", 10, &v), -1);
	assert_int_equal(yk_varint_get("\x80\x80\x80\x80\x80\x80\x80\x80\x80"
				       "\x7f", 10, &v), -1);
	/* a 10th byte that announces an 11th */
	assert_int_equal(yk_varint_get("\x80\x80\x80\x80\x80\x80\x80\x80\x80"
				       "\x82", 10, &v), -1);
	assert_int_equal(v, 7);
	/* bit 63 alone is still a value */
	assert_int_equal(yk_varint_get("\x80\x80\x80\x80\x80\x80\x80\x80\x80"
				       "\x01", 10, &v), 10);
	assert_true(v == (uint64_t)1 << 63);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_short_and_long),
		cmocka_unit_test(test_past_64_bits),
	};

	return cmocka_run_group_tests_name("varint", tests, NULL, NULL);
}
