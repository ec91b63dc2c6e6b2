/*
 * test_seen.c - recently seen ids (lib/seen.h): a repeat is seen, and
 * past the capacity the oldest id is forgotten, one for one.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "seen.h"

static void
test_repeat_and_forget(void **state)
{
	struct yk_seen s;
	char id[16];

	(void)state;
	yk_seen_init(&s, 3);
	assert_false(yk_seen_check(&s, "a"));
	assert_true(yk_seen_check(&s, "a"));
	assert_false(yk_seen_check(&s, "b"));
	assert_false(yk_seen_check(&s, "c"));
	assert_true(yk_seen_check(&s, "a"));
	/* a fourth id forgets the oldest, "a", and only it */
	assert_false(yk_seen_check(&s, "d"));
	assert_true(yk_seen_check(&s, "b"));
	assert_true(yk_seen_check(&s, "c"));
	assert_true(yk_seen_check(&s, "d"));
	assert_false(yk_seen_check(&s, "a"));
	yk_seen_free(&s);

	yk_seen_init(&s, 1000);
	for (int i = 0; i < 5000; i++) {
		snprintf(id, sizeof(id), "%d", i);
		assert_false(yk_seen_check(&s, id));
	}
	assert_int_equal(s.map.n, 1000);
	assert_true(yk_seen_check(&s, "4999"));
	assert_false(yk_seen_check(&s, "3999"));
	yk_seen_free(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_repeat_and_forget),
	};

	return cmocka_run_group_tests_name("seen", tests, NULL, NULL);
}
