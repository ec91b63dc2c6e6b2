/*
 * test_text.c - text made safe (lib/text.h): invalid UTF-8 repaired with
 * U+FFFD, cuts by code point that never split one, terminal text without
 * control characters.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "text.h"

static void
test_utf8(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	assert_false(yk_text_utf8(&b, "abc", 3, 3));
	assert_string_equal(b.p, "abc");
	yk_buf_truncate(&b, 0);
	assert_true(yk_text_utf8(&b, "abcd", 4, 3));
	assert_string_equal(b.p, "abc");
	yk_buf_truncate(&b, 0);
	/* é (2 bytes) x3 cut at 2 characters */
	assert_true(yk_text_utf8(&b, "\xc3\xa9\xc3\xa9\xc3\xa9", 6, 2));
	assert_string_equal(b.p, "\xc3\xa9\xc3\xa9");
	yk_buf_truncate(&b, 0);
	/* a lone lead byte, a stray continuation, a surrogate, truncated
	 * 4-byte sequence at the end */
	assert_false(yk_text_utf8(&b, "a\xc3z\x80\xed\xa0\x80\xf0\x9f\x98",
				  11, 100));
	assert_string_equal(b.p, "a\xef\xbf\xbdz\xef\xbf\xbd\xef\xbf\xbd"
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
			    "\xef\xbf\xbd");
	assert_true(yk_utf8_valid(b.p, b.len));
	yk_buf_truncate(&b, 0);
	assert_true(yk_text_utf8(&b, "\xff\xff\xff", 3, 2));
	assert_string_equal(b.p, "\xef\xbf\xbd\xef\xbf\xbd");
	yk_buf_free(&b);
}

static void
test_tty(void **state)
{
	struct yk_buf b = {0};
	const char s[] = "a\tb\033[2J\x7f\xc2\x9b\xc3\xa9\n";

	(void)state;
	yk_text_tty(&b, s, sizeof(s) - 1);
	assert_string_equal(b.p, "a b?[2J??\xc3\xa9?");
	yk_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_tty),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
