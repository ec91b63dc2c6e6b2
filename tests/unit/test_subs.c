/*
 * test_subs.c - which subscribed expression a message belongs to
 * (lib/subs.h).
 *
 * What users rely on: yoke-sub given several expressions prints each
 * message once, for the first expression that matches it, with that
 * expression's captures, whatever copies the broker delivers.  The
 * subscription ids below are those yk_subs_subscribe assigns: one per
 * distinct filter, in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "subs.h"

static const struct yk_scope scoped = {"yoke", "default", false};

static void
add(struct yk_subs *w, const char *text, int sub)
{
	struct yk_err err = {0};

	if (yk_subs_add(w, &scoped, text, &err) != YK_OK)
		fail_msg("'%s' refused: %s", text, err.msg);
	w->sub[w->n - 1] = sub;
}

/* A received message that came through the given subscription ids. */
static struct yk_rx
via(int a, int b)
{
	struct yk_rx rx = {0};

	if (a)
		rx.sub_ids[rx.nsub_ids++] = a;
	if (b)
		rx.sub_ids[rx.nsub_ids++] = b;
	return rx;
}

static void
cap_is(const struct yk_cap *c, const char *name, const char *val)
{
	assert_string_equal(c->name, name);
	assert_int_equal(c->n, strlen(val));
	assert_memory_equal(c->p, val, c->n);
}

static void
test_single(void **state)
{
	struct yk_cap caps[YK_MAX_CAPS];
	struct yk_subs w = {0};
	struct yk_rx none = via(0, 0), one = via(1, 0);

	(void)state;
	add(&w, "arm/*", 1);
	assert_int_equal(yk_subs_pick(&w, "arm/status", &none, caps), 0);
	assert_int_equal(yk_subs_pick(&w, "arm/status", &one, caps), 0);
	yk_subs_free(&w);

	/* the broker's filter (arm/#) lets through what the client drops */
	add(&w, "arm/**/imu", 1);
	assert_int_equal(yk_subs_pick(&w, "arm/a/imu", &one, caps), 0);
	assert_int_equal(yk_subs_pick(&w, "arm/a/gps", &one, caps), -1);
	assert_int_equal(yk_subs_pick(&w, "arm/a/gps", &none, caps), -1);
	yk_subs_free(&w);

	add(&w, "{robot}/status", 1);
	assert_int_equal(yk_subs_pick(&w, "arm-7/status", &one, caps), 0);
	cap_is(&caps[0], "robot", "arm-7");
	yk_subs_free(&w);
}

static void
test_dedup(void **state)
{
	struct yk_cap caps[YK_MAX_CAPS];
	struct yk_subs w = {0};
	struct yk_rx r1 = via(1, 0), r2 = via(2, 0), r12 = via(1, 2);
	struct yk_rx r21 = via(2, 1), r3 = via(3, 0), none = via(0, 0);

	(void)state;
	add(&w, "arm/*", 1);
	add(&w, "*/status", 2);
	add(&w, "arm/**/imu", 3);

	/* "arm/status" matches expressions 0 and 1: printed once, for 0 */
	assert_int_equal(yk_subs_pick(&w, "arm/status", &r1, caps), 0);
	assert_int_equal(yk_subs_pick(&w, "arm/status", &r2, caps), -1);
	assert_int_equal(yk_subs_pick(&w, "arm/status", &r12, caps), 0);
	assert_int_equal(yk_subs_pick(&w, "arm/status", &r21, caps), 0);
	/* no subscription ids: the first expression that matches */
	assert_int_equal(yk_subs_pick(&w, "arm/status", &none, caps), 0);

	/* only expression 1 matches */
	assert_int_equal(yk_subs_pick(&w, "cam/status", &r2, caps), 1);
	assert_int_equal(yk_subs_pick(&w, "cam/status", &none, caps), 1);

	/* arm/x/imu reaches through arm/# (id 3) and matches only 2 */
	assert_int_equal(yk_subs_pick(&w, "arm/x/imu", &r3, caps), 2);
	/* arm/x/gps also reaches through arm/#, and matches nothing */
	assert_int_equal(yk_subs_pick(&w, "arm/x/gps", &r3, caps), -1);
	/* arm/imu: expression 0 (id 1) first; the copy for id 3 is dropped */
	assert_int_equal(yk_subs_pick(&w, "arm/imu", &r3, caps), -1);
	assert_int_equal(yk_subs_pick(&w, "arm/imu", &r1, caps), 0);
	yk_subs_free(&w);
}

static void
test_captures(void **state)
{
	struct yk_cap caps[YK_MAX_CAPS];
	struct yk_subs w = {0};
	struct yk_rx r1 = via(1, 0), r2 = via(2, 0);

	(void)state;
	add(&w, "{robot}/status", 1);
	add(&w, "arm/{channel}", 2);
	assert_int_equal(yk_subs_pick(&w, "arm/status", &r1, caps), 0);
	cap_is(&caps[0], "robot", "arm");
	assert_int_equal(yk_subs_pick(&w, "arm/log", &r2, caps), 1);
	cap_is(&caps[0], "channel", "log");
	yk_subs_free(&w);
}

static void
test_same_filter(void **state)
{
	struct yk_cap caps[YK_MAX_CAPS];
	struct yk_subs w = {0};
	struct yk_rx r1 = via(1, 0);

	(void)state;
	/*
	 * Both expressions live on yoke/default/arm/#, subscribed once (a
	 * broker replaces a repeated filter, id included), so every message
	 * arrives through that one subscription: both must still print.
	 */
	add(&w, "arm/**/imu", 1);
	add(&w, "arm/**/gps", 1);
	assert_string_equal(w.ex[0].filter, w.ex[1].filter);
	assert_int_equal(yk_subs_pick(&w, "arm/x/gps", &r1, caps), 1);
	assert_int_equal(yk_subs_pick(&w, "arm/x/imu", &r1, caps), 0);
	yk_subs_free(&w);

	/* the same expression given twice: printed once, not never */
	add(&w, "*/status", 1);
	add(&w, "*/status", 1);
	assert_int_equal(yk_subs_pick(&w, "arm/status", &r1, caps), 0);
	yk_subs_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_dedup),
		cmocka_unit_test(test_captures),
		cmocka_unit_test(test_same_filter),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
