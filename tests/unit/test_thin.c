/*
 * test_thin.c - --max-rate thinning (lib/thin.h): the first message of a
 * key goes at once, a too-early one is held and replaced by newer ones,
 * the held one goes when its slot comes or at the end, keys do not wait
 * for each other.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "thin.h"

static void
test_slots(void **state)
{
	struct yk_thin t;
	struct yk_thin_slot *s, *s2;
	int64_t wake;

	(void)state;
	yk_thin_init(&t, 10); /* 100 ms */
	assert_true(yk_thin_offer(&t, "a", 1000, &s));
	assert_null(yk_thin_due(&t, 1000, false, &wake));
	assert_int_equal(wake, -1);
	assert_false(yk_thin_offer(&t, "a", 1050, &s));
	s->held = true;
	yk_buf_adds(&s->payload, "2");
	assert_false(yk_thin_offer(&t, "a", 1060, &s2));
	assert_ptr_equal(s, s2);
	yk_buf_truncate(&s->payload, 0);
	yk_buf_adds(&s->payload, "3"); /* replaces 2 */
	/* another key is not held back by a */
	assert_true(yk_thin_offer(&t, "b", 1070, &s2));
	assert_null(yk_thin_due(&t, 1099, false, &wake));
	assert_int_equal(wake, 1101);
	s2 = yk_thin_due(&t, 1100, false, &wake);
	assert_ptr_equal(s2, s);
	assert_string_equal(s->payload.p, "3");
	assert_false(s->held);
	assert_null(yk_thin_due(&t, 1100, false, &wake));
	/* the slot after a held one is booked from when it went */
	assert_false(yk_thin_offer(&t, "a", 1150, &s));
	s->held = true;
	assert_null(yk_thin_due(&t, 1160, false, &wake));
	assert_ptr_equal(yk_thin_due(&t, 1160, true, &wake), s);
	assert_null(yk_thin_due(&t, 1160, true, &wake));
	assert_true(yk_thin_offer(&t, "a", 1300, &s));
	yk_thin_free(&t);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_slots),
	};

	return cmocka_run_group_tests_name("thin", tests, NULL, NULL);
}
