/*
 * test_spark.c - sparklines (lib/fleet/spark.h): scaling between the window's
 * lowest and highest, blanks where no reading came, bucket means, and
 * buckets from an older round of the ring not shown.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "spark.h"

static void
test_line(void **state)
{
	double v[] = {0, 1, 2, 3, 4, 5, 6, 7, 9};
	bool has[] = {1, 1, 1, 1, 1, 1, 1, 1, 0};
	struct yk_buf b = {0};

	(void)state;
	yk_spark_line(&b, v, has, 9);
	assert_string_equal(b.p, "▁▂▃▄▅▆▇█ ");
	yk_buf_truncate(&b, 0);
	yk_spark_line(&b, v + 8, has, 1);
	assert_string_equal(b.p, "▄"); /* flat: the middle */
	yk_buf_free(&b);
}

/* The scale spans at least 1 % of the values: a change in the last digit
 * of 95.96 is not a full swing; a real change still is. */
static void
test_span(void **state)
{
	double v[] = {95.96, 95.95, 95.96, 95.95};
	double w[] = {95, 100};
	double z[] = {-5, 5};
	double f[] = {0, 0};
	bool has[] = {1, 1, 1, 1};
	struct yk_buf b = {0};

	(void)state;
	yk_spark_line(&b, v, has, 4);
	assert_string_equal(b.p, "▄▄▄▄");
	yk_buf_truncate(&b, 0);
	yk_spark_line(&b, w, has, 2);
	assert_string_equal(b.p, "▁█");
	yk_buf_truncate(&b, 0);
	yk_spark_line(&b, z, has, 2);
	assert_string_equal(b.p, "▁█");
	yk_buf_truncate(&b, 0);
	yk_spark_line(&b, f, has, 2);
	assert_string_equal(b.p, "▄▄");
	yk_buf_free(&b);
}

static void
test_window(void **state)
{
	struct yk_spark s;
	struct yk_buf b = {0};
	int64_t t0 = 600000; /* a multiple of the 60 s window */

	(void)state;
	yk_spark_init(&s, 60000); /* 2 s buckets */
	yk_spark_add(&s, t0 - 70000, 100); /* older than the window */
	yk_spark_add(&s, t0 + 1000, 10);
	yk_spark_add(&s, t0 + 1500, 30);   /* same bucket: mean 20 */
	yk_spark_add(&s, t0 + 58000, 40);
	yk_spark_draw(&b, &s, t0 + 58500);
	assert_string_equal(b.p, "▁                            █");
	yk_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line),
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_span),
	};

	return cmocka_run_group_tests_name("spark", tests, NULL, NULL);
}
