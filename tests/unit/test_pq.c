/*
 * test_pq.c - priorities and the bounded send queue (lib/pq.h).
 *
 * What users rely on: --priority takes 0-255 or a class name, higher
 * classes leave first, order within a class is kept (a failed send goes
 * back to the front), and a full queue refuses instead of dropping.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pq.h"

static void
test_prio_parse_numbers(void **state)
{
	static const char *const bad[] = {
		"256", "-1", "1000", "", " 5", "5 ", "1.5", "0x10", "abc",
		"99999999999999999999", NULL,
	};
	int v = -7;

	(void)state;
	assert_int_equal(yk_prio_parse("0", &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(yk_prio_parse("255", &v), 0);
	assert_int_equal(v, 255);
	assert_int_equal(yk_prio_parse("100", &v), 0);
	assert_int_equal(v, 100);
	v = -7;
	for (int i = 0; bad[i]; i++)
		if (yk_prio_parse(bad[i], &v) != -1)
			fail_msg("priority '%s' accepted", bad[i]);
	assert_int_equal(v, -7);
}

static void
test_prio_parse_names(void **state)
{
	static const struct {
		const char *name;
		int prio;
	} t[] = {
		{"real-time", 240}, {"interactive-high", 210},
		{"interactive-low", 180}, {"data-high", 140}, {"data", 100},
		{"data-low", 60}, {"background", 0},
		/* as people type them */
		{"Real-Time", 240}, {"DATA", 100}, {"data_high", 140},
		{"interactive_low", 180},
	};
	static const char *const bad[] = {
		"dat", "data-", "datas", "realtime", "real time", "high",
		"data-higher", "-data", NULL,
	};
	int v;

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		v = -1;
		if (yk_prio_parse(t[i].name, &v) != 0)
			fail_msg("class '%s' refused", t[i].name);
		assert_int_equal(v, t[i].prio);
	}
	for (int i = 0; bad[i]; i++)
		if (yk_prio_parse(bad[i], &v) != -1)
			fail_msg("class '%s' accepted", bad[i]);
}

static void
test_prio_class(void **state)
{
	static const struct {
		int prio, cls;
	} t[] = {
		{255, 0}, {240, 0}, {239, 1}, {210, 1}, {209, 2}, {180, 2},
		{179, 3}, {140, 3}, {139, 4}, {100, 4}, {99, 5}, {60, 5},
		{59, 6}, {0, 6},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (yk_prio_class(t[i].prio) != t[i].cls)
			fail_msg("priority %d: class %d, want %d", t[i].prio,
				 yk_prio_class(t[i].prio), t[i].cls);
	assert_string_equal(yk_prio_class_name(0), "real-time");
	assert_string_equal(yk_prio_class_name(4), "data");
	assert_string_equal(yk_prio_class_name(6), "background");
	assert_string_equal(yk_prio_class_name(yk_prio_class(YK_PRIO_DEFAULT)),
			    "data");
	/* each class name parses back into its own class */
	for (int c = 0; c < YK_PRIO_CLASSES; c++) {
		int v;

		assert_int_equal(yk_prio_parse(yk_prio_class_name(c), &v), 0);
		assert_int_equal(yk_prio_class(v), c);
	}
}

static struct yk_pq_item *
item(int prio, int id)
{
	struct yk_pq_item *it = calloc(1, sizeof(*it));

	assert_non_null(it);
	it->prio = prio;
	it->qos = id; /* the test's own tag */
	it->next = (struct yk_pq_item *)it; /* must be reset by push */
	return it;
}

/* Pop everything, as "id id id". */
static void
drain_is(struct yk_pq *q, const char *want)
{
	char got[256] = "";
	struct yk_pq_item *it;

	while ((it = yk_pq_pop(q)) != NULL) {
		size_t n = strlen(got);

		assert_null(it->next);
		snprintf(got + n, sizeof(got) - n, "%s%d", n ? " " : "",
			 it->qos);
		free(it);
	}
	assert_string_equal(got, want);
	assert_int_equal(q->count, 0);
	assert_null(yk_pq_peek(q));
}

static void
test_queue_fifo_within_class(void **state)
{
	struct yk_pq q;

	(void)state;
	yk_pq_init(&q, 10);
	for (int i = 1; i <= 5; i++)
		assert_true(yk_pq_push(&q, item(100 + i, i)));
	assert_int_equal(q.count, 5);
	drain_is(&q, "1 2 3 4 5");
}

static void
test_queue_classes(void **state)
{
	struct yk_pq q;

	(void)state;
	yk_pq_init(&q, 20);
	assert_true(yk_pq_push(&q, item(0, 1)));   /* background */
	assert_true(yk_pq_push(&q, item(100, 2))); /* data */
	assert_true(yk_pq_push(&q, item(250, 3))); /* real-time */
	assert_true(yk_pq_push(&q, item(101, 4))); /* data */
	assert_true(yk_pq_push(&q, item(60, 5)));  /* data-low */
	assert_true(yk_pq_push(&q, item(241, 6))); /* real-time */
	assert_true(yk_pq_push(&q, item(139, 7))); /* data */
	assert_true(yk_pq_push(&q, item(140, 8))); /* data-high */
	/* a higher number in the same class does not jump the queue */
	drain_is(&q, "3 6 8 2 4 7 5 1");
}

static void
test_queue_peek(void **state)
{
	struct yk_pq q;
	struct yk_pq_item *a = item(100, 1), *b = item(200, 2);

	(void)state;
	yk_pq_init(&q, 4);
	assert_null(yk_pq_peek(&q));
	assert_null(yk_pq_pop(&q));
	assert_true(yk_pq_push(&q, a));
	assert_ptr_equal(yk_pq_peek(&q), a);
	assert_true(yk_pq_push(&q, b));
	assert_ptr_equal(yk_pq_peek(&q), b);
	assert_ptr_equal(yk_pq_peek(&q), b);
	assert_int_equal(q.count, 2);
	drain_is(&q, "2 1");
}

static void
test_queue_full(void **state)
{
	struct yk_pq q;
	struct yk_pq_item *extra = item(255, 99);

	(void)state;
	yk_pq_init(&q, 3);
	assert_false(yk_pq_full(&q));
	for (int i = 1; i <= 3; i++)
		assert_true(yk_pq_push(&q, item(100, i)));
	assert_true(yk_pq_full(&q));
	/* refused, whatever its priority, and not taken */
	assert_false(yk_pq_push(&q, extra));
	assert_int_equal(q.count, 3);
	assert_ptr_not_equal(yk_pq_peek(&q), extra);
	/* room again after a pop */
	free(yk_pq_pop(&q));
	assert_false(yk_pq_full(&q));
	assert_true(yk_pq_push(&q, extra));
	drain_is(&q, "99 2 3");
}

static void
test_queue_zero_max(void **state)
{
	struct yk_pq q;

	(void)state;
	/* a zero bound would block for ever: it means one */
	yk_pq_init(&q, 0);
	assert_true(yk_pq_push(&q, item(100, 1)));
	assert_true(yk_pq_full(&q));
	drain_is(&q, "1");
}

static void
test_queue_unshift(void **state)
{
	struct yk_pq q;
	struct yk_pq_item *it, *extra;

	(void)state;
	yk_pq_init(&q, 3);
	assert_true(yk_pq_push(&q, item(100, 1)));
	assert_true(yk_pq_push(&q, item(100, 2)));
	assert_true(yk_pq_push(&q, item(250, 3)));
	/* send 3 fails: it goes back first */
	it = yk_pq_pop(&q);
	assert_int_equal(it->qos, 3);
	yk_pq_unshift(&q, it);
	assert_ptr_equal(yk_pq_peek(&q), it);
	/* send 1 fails while the queue filled up: it still goes back */
	it = yk_pq_pop(&q);
	assert_int_equal(it->qos, 3);
	free(it);
	it = yk_pq_pop(&q);
	assert_int_equal(it->qos, 1);
	assert_true(yk_pq_push(&q, item(100, 4)));
	assert_true(yk_pq_push(&q, item(100, 5)));
	assert_true(yk_pq_full(&q));
	yk_pq_unshift(&q, it);
	assert_int_equal(q.count, 4);
	assert_true(yk_pq_full(&q));
	/* and the queue, over its bound, still refuses new input */
	extra = item(100, 6);
	assert_false(yk_pq_push(&q, extra));
	free(extra);
	drain_is(&q, "1 2 4 5");
}

static void
test_queue_unshift_empty_class(void **state)
{
	struct yk_pq q;
	struct yk_pq_item *it;

	(void)state;
	yk_pq_init(&q, 5);
	assert_true(yk_pq_push(&q, item(0, 1)));
	assert_true(yk_pq_push(&q, item(100, 2)));
	it = yk_pq_pop(&q);
	assert_int_equal(it->qos, 2);
	/* back into a class that is now empty, then more behind it */
	yk_pq_unshift(&q, it);
	assert_true(yk_pq_push(&q, item(100, 3)));
	drain_is(&q, "2 3 1");
}

static void
test_queue_refill_after_drain(void **state)
{
	struct yk_pq q;

	(void)state;
	yk_pq_init(&q, 4);
	assert_true(yk_pq_push(&q, item(100, 1)));
	drain_is(&q, "1");
	/* an emptied class must not keep a stale tail */
	assert_true(yk_pq_push(&q, item(100, 2)));
	assert_true(yk_pq_push(&q, item(100, 3)));
	drain_is(&q, "2 3");
}

static void
test_queue_clear(void **state)
{
	struct yk_pq q;

	(void)state;
	yk_pq_init(&q, 8);
	for (int i = 0; i < 8; i++)
		assert_true(yk_pq_push(&q, item(i * 30, i)));
	yk_pq_clear(&q);
	assert_int_equal(q.count, 0);
	assert_null(yk_pq_peek(&q));
	assert_false(yk_pq_full(&q));
	assert_true(yk_pq_push(&q, item(100, 1)));
	drain_is(&q, "1");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prio_parse_numbers),
		cmocka_unit_test(test_prio_parse_names),
		cmocka_unit_test(test_prio_class),
		cmocka_unit_test(test_queue_fifo_within_class),
		cmocka_unit_test(test_queue_classes),
		cmocka_unit_test(test_queue_peek),
		cmocka_unit_test(test_queue_full),
		cmocka_unit_test(test_queue_zero_max),
		cmocka_unit_test(test_queue_unshift),
		cmocka_unit_test(test_queue_unshift_empty_class),
		cmocka_unit_test(test_queue_refill_after_drain),
		cmocka_unit_test(test_queue_clear),
	};

	return cmocka_run_group_tests_name("pq", tests, NULL, NULL);
}
