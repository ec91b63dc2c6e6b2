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
#include <unistd.h>

#include <cmocka.h>

#include "err.h"
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

/* Invalid UTF-8 and the controls that stand for escape sequences on
 * their own: C1 written as UTF-8 (U+009B is CSI) and as one raw byte,
 * bidirectional overrides; printable text is left alone. */
static void
test_tty_unsafe(void **state)
{
	struct yk_buf b = {0};
	const char s[] = "\x9b" "2J\xe2\x80\xae" "abc\xe2\x81\xa6" "d\xef\xbf"
			 "\xe2\x80\xa6\xe6\x97\xa5\x1b]0;PWNED\x07";

	(void)state;
	yk_text_tty(&b, s, sizeof(s) - 1);
	assert_string_equal(b.p, "\xef\xbf\xbd" "2J?abc?d"
			    "\xef\xbf\xbd\xef\xbf\xbd"
			    "\xe2\x80\xa6\xe6\x97\xa5?]0;PWNED?");
	assert_null(memchr(b.p, 0x1b, b.len));
	yk_buf_free(&b);
}

static void
test_width(void **state)
{
	(void)state;
	assert_int_equal(yk_text_width("abc", 3), 3);
	assert_int_equal(yk_text_width("\xc3\xa9t\xc3\xa9", 5), 3);
	/* CJK is two columns, a combining accent none */
	assert_int_equal(yk_text_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);
	assert_int_equal(yk_text_width("e\xcc\x81", 3), 1);
	/* what replaces a control or a bad byte is one column */
	assert_int_equal(yk_text_width("\x1b[2J\xff", 5), 5);
	assert_int_equal(yk_text_width("", 0), 0);
}

static void
test_fit(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	assert_int_equal(yk_text_fit(&b, "abcdef", 6, 6), 6);
	assert_string_equal(b.p, "abcdef");
	yk_buf_truncate(&b, 0);
	assert_int_equal(yk_text_fit(&b, "abcdefg", 7, 6), 6);
	assert_string_equal(b.p, "abcde\xe2\x80\xa6");
	yk_buf_truncate(&b, 0);
	/* a wide character that does not fit is not split */
	assert_int_equal(yk_text_fit(&b, "a\xe6\x97\xa5\xe6\x97\xa5", 7, 4), 4);
	assert_string_equal(b.p, "a\xe6\x97\xa5\xe2\x80\xa6");
	yk_buf_truncate(&b, 0);
	assert_int_equal(yk_text_fit(&b, "a\x1b" "bcdef", 7, 4), 4);
	assert_string_equal(b.p, "a?b\xe2\x80\xa6");
	yk_buf_truncate(&b, 0);
	yk_text_pad(&b, 2, 5);
	assert_string_equal(b.p, "   ");
	yk_buf_free(&b);
}

/* What producers publish for others' terminals: no controls, UTF-8. */
static void
test_check(void **state)
{
	struct yk_err e = {0};

	(void)state;
	assert_int_equal(yk_text_check("--name", "Arm \xc3\xa9 \xe6\x97\xa5",
				       &e), YK_OK);
	assert_int_equal(yk_text_check("--name", "\x1b]0;PWNED\x07", &e),
			 YK_EUSAGE);
	assert_string_equal(e.msg,
			    "--name must not contain control characters");
	assert_int_equal(yk_text_check("--reason", "a\tb", &e), YK_EUSAGE);
	assert_int_equal(yk_text_check("CODE", "A\xc2\x9b" "B", &e), YK_EUSAGE);
	assert_int_equal(yk_text_check("CODE", "A\xe2\x80\xae" "B", &e),
			 YK_EUSAGE);
	assert_int_equal(yk_text_check("CODE", "A\xff", &e), YK_EUSAGE);
	assert_string_equal(e.msg, "CODE is not valid UTF-8");
	assert_int_equal(yk_text_check("CODE", NULL, &e), YK_OK);
	assert_true(yk_text_has_ctl("\xff\x1b", 2));
	assert_true(yk_text_has_ctl("\xff\xc2\x85", 3));
	assert_false(yk_text_has_ctl("\xff\xc2\xa0", 3));
}

/* Messages on stderr quote what the network sent (a robot's RpcError code
 * and message): yk_err_print and yk_err_say make them safe. */
static void
test_err_print(void **state)
{
	struct yk_err e = {0};
	char buf[512];
	FILE *f = tmpfile();
	int saved = dup(2);
	size_t n;

	(void)state;
	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	yk_prog = "yoke-drive";
	yk_err_set(&e, YK_ERUNTIME, "'%s' refused %s: %s: %s", "arm-1",
		   "state", "E\033]0;PWNED\007", "bad\033[2J\xc2\x9b");
	assert_int_equal(yk_err_print(&e), YK_ERUNTIME);
	yk_err_say("reply for '%s' dropped: %s", "a/\033[31m", "x");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	assert_string_equal(buf,
			    "yoke-drive: 'arm-1' refused state: E?]0;PWNED?: "
			    "bad?[2J?\n"
			    "yoke-drive: reply for 'a/?[31m' dropped: x\n");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8),
		cmocka_unit_test(test_tty),
		cmocka_unit_test(test_tty_unsafe),
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_err_print),
	};

	return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
