/*
 * test_stats.c - per-key rate, bandwidth and delay (lib/stats.h), the
 * JSON lines of `yoke-sub --stats --json`.
 *
 * Times are passed in, so every number below is exact: rate is messages
 * in the period over its length, delay is receive time minus the sender's
 * ts in milliseconds, count is messages since the start.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"
#include "stats.h"

#define T0 1795300718000000LL /* microseconds */
#define SEC 1000000LL

static void
report_is(struct yk_stats *st, int64_t now, const char *want)
{
	struct yk_buf b = {0};

	yk_stats_report(st, &b, false, false, now);
	if (b.p == NULL)
		yk_buf_adds(&b, "");
	assert_string_equal(b.p, want);
	/* each line is one JSON object */
	for (const char *l = b.p; *l;) {
		const char *nl = strchr(l, '\n');

		assert_non_null(nl);
		assert_true(yk_json_valid(l, (size_t)(nl - l)));
		l = nl + 1;
	}
	yk_buf_free(&b);
}

static void
test_empty(void **state)
{
	struct yk_stats st;

	(void)state;
	yk_stats_init(&st, T0);
	report_is(&st, T0 + SEC, "");
	yk_stats_free(&st);
}

static void
test_rate_bandwidth_delay(void **state)
{
	struct yk_stats st;

	(void)state;
	yk_stats_init(&st, T0);
	/* three messages of 100 bytes, sent 2, 4 and 6 ms before arrival */
	yk_stats_add(&st, "arm/imu", 100, T0 + 100000 - 2000, T0 + 100000);
	yk_stats_add(&st, "arm/imu", 100, T0 + 500000 - 4000, T0 + 500000);
	yk_stats_add(&st, "arm/imu", 100, T0 + 900000 - 6000, T0 + 900000);
	/* one without a timestamp: counted, no delay */
	yk_stats_add(&st, "arm/log", 10, -1, T0 + 200000);
	report_is(&st, T0 + 2 * SEC,
		  "{\"key\":\"arm/imu\",\"hz\":1.500,\"bytes_per_s\":150.0,"
		  "\"count\":3,\"delay_ms\":{\"mean\":4.000,\"min\":2.000,"
		  "\"max\":6.000}}\n"
		  "{\"key\":\"arm/log\",\"hz\":0.500,\"bytes_per_s\":5.0,"
		  "\"count\":1}\n");
	yk_stats_free(&st);
}

static void
test_sorted_by_key(void **state)
{
	static const char *const keys[] = {"b/x", "a/z", "c", "a/y", "a"};
	struct yk_stats st;

	(void)state;
	yk_stats_init(&st, T0);
	for (int i = 0; i < 5; i++)
		yk_stats_add(&st, keys[i], 1, -1, T0);
	report_is(&st, T0 + SEC,
		  "{\"key\":\"a\",\"hz\":1.000,\"bytes_per_s\":1.0,"
		  "\"count\":1}\n"
		  "{\"key\":\"a/y\",\"hz\":1.000,\"bytes_per_s\":1.0,"
		  "\"count\":1}\n"
		  "{\"key\":\"a/z\",\"hz\":1.000,\"bytes_per_s\":1.0,"
		  "\"count\":1}\n"
		  "{\"key\":\"b/x\",\"hz\":1.000,\"bytes_per_s\":1.0,"
		  "\"count\":1}\n"
		  "{\"key\":\"c\",\"hz\":1.000,\"bytes_per_s\":1.0,"
		  "\"count\":1}\n");
	yk_stats_free(&st);
}

static void
test_periods(void **state)
{
	struct yk_stats st;

	(void)state;
	yk_stats_init(&st, T0);
	for (int i = 0; i < 4; i++)
		yk_stats_add(&st, "arm/state", 50, T0 + i * 100000 - 1000,
			     T0 + i * 100000);
	report_is(&st, T0 + SEC,
		  "{\"key\":\"arm/state\",\"hz\":4.000,\"bytes_per_s\":200.0,"
		  "\"count\":4,\"delay_ms\":{\"mean\":1.000,\"min\":1.000,"
		  "\"max\":1.000}}\n");
	/* the next period starts from zero; count keeps the total */
	yk_stats_add(&st, "arm/state", 30, T0 + SEC + 500000 - 3000,
		     T0 + SEC + 500000);
	report_is(&st, T0 + 3 * SEC,
		  "{\"key\":\"arm/state\",\"hz\":0.500,\"bytes_per_s\":15.0,"
		  "\"count\":5,\"delay_ms\":{\"mean\":3.000,\"min\":3.000,"
		  "\"max\":3.000}}\n");
	/* a quiet key still shows, at zero, with no delay */
	report_is(&st, T0 + 4 * SEC,
		  "{\"key\":\"arm/state\",\"hz\":0.000,\"bytes_per_s\":0.0,"
		  "\"count\":5}\n");
	yk_stats_free(&st);
}

static void
test_fractional_delay(void **state)
{
	struct yk_stats st;

	(void)state;
	yk_stats_init(&st, T0);
	/* microsecond resolution, and clock skew (sender ahead) */
	yk_stats_add(&st, "a/b", 0, T0 - 1234, T0);
	yk_stats_add(&st, "a/b", 0, T0 + 500, T0);
	report_is(&st, T0 + 4 * SEC,
		  "{\"key\":\"a/b\",\"hz\":0.500,\"bytes_per_s\":0.0,"
		  "\"count\":2,\"delay_ms\":{\"mean\":0.367,\"min\":-0.500,"
		  "\"max\":1.234}}\n");
	yk_stats_free(&st);
}

static void
test_key_escaped(void **state)
{
	struct yk_stats st;

	(void)state;
	yk_stats_init(&st, T0);
	yk_stats_add(&st, "arm/say \"hi\"", 4, -1, T0);
	report_is(&st, T0 + 2 * SEC,
		  "{\"key\":\"arm/say \\\"hi\\\"\",\"hz\":0.500,"
		  "\"bytes_per_s\":2.0,\"count\":1}\n");
	yk_stats_free(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_rate_bandwidth_delay),
		cmocka_unit_test(test_sorted_by_key),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_fractional_delay),
		cmocka_unit_test(test_key_escaped),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
