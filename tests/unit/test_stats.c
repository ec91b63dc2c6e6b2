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

	yk_stats_report(st, &b, false, false, 0, 0, now);
	if (b.p == NULL)
		yk_buf_adds(&b, "");
	if (want)
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

/* A retained message is counted, but its age is no delay: the broker
 * kept it since it was sent.  The line counts it apart. */
static void
test_retained_no_delay(void **state)
{
	struct yk_stats st;

	(void)state;
	yk_stats_init(&st, T0);
	yk_stats_msg(&st, "arm/status", 10, T0 - 163 * SEC, true, T0);
	yk_stats_msg(&st, "arm/status", 10, T0 - 2000, false, T0 + 1000);
	report_is(&st, T0 + SEC,
		  "{\"key\":\"arm/status\",\"hz\":2.000,"
		  "\"bytes_per_s\":20.0,\"count\":2,\"retained\":1,"
		  "\"delay_ms\":{\"mean\":3.000,\"min\":3.000,"
		  "\"max\":3.000}}\n");
	yk_stats_msg(&st, "arm/status", 10, T0 - 163 * SEC, true,
		     T0 + SEC);
	report_is(&st, T0 + 2 * SEC,
		  "{\"key\":\"arm/status\",\"hz\":1.000,"
		  "\"bytes_per_s\":10.0,\"count\":3,\"retained\":1}\n");
	yk_stats_free(&st);
}

/* Keys quiet for YK_STATS_FORGET_S leave the table and memory; the
 * others stay, whatever came and went. */
static void
test_forget(void **state)
{
	struct yk_stats st;
	char k[32];
	int64_t quiet = YK_STATS_FORGET_S * SEC;

	(void)state;
	yk_stats_init(&st, T0);
	for (int i = 0; i < 20000; i++) {
		snprintf(k, sizeof(k), "bot-%d/x", i);
		yk_stats_add(&st, k, 1, -1, T0);
	}
	yk_stats_add(&st, "arm/imu", 1, -1, T0 + quiet - SEC);
	assert_int_equal(yk_stats_keys(&st), 20001);
	report_is(&st, T0 + quiet - 1, NULL);
	assert_int_equal(yk_stats_keys(&st), 20001);
	report_is(&st, T0 + quiet,
		  "{\"key\":\"arm/imu\",\"hz\":0.000,\"bytes_per_s\":0.0,"
		  "\"count\":1}\n");
	assert_int_equal(yk_stats_keys(&st), 1);
	/* the map shrank with it */
	assert_true(st.keys.cap <= 16);
	report_is(&st, T0 + 2 * quiet, "");
	assert_int_equal(yk_stats_keys(&st), 0);
	yk_stats_free(&st);
}

/* The table: keys made safe and cut to the width, numbers whole, drawn
 * in place with the header kept on screen. */
static void
test_table(void **state)
{
	struct yk_stats st;
	struct yk_buf b = {0};

	(void)state;
	yk_stats_init(&st, T0);
	yk_stats_add(&st, "evil/\033]0;PWNED\007/a-rather-long-key-name", 10,
		     T0 - 2000, T0);
	yk_stats_report(&st, &b, true, false, 72, 0, T0 + SEC);
	assert_null(memchr(b.p, '\033', b.len));
	assert_string_equal(b.p,
		"KEY                      RATE  BANDWIDTH  "
		"DELAY ms (mean/min/max)  COUNT\n"
		"evil/?]0;PWNED?/a-rat\xe2\x80\xa6  1.0/s     10 B/s  "
		"         2.00/2.00/2.00      1\n");
	yk_buf_truncate(&b, 0);
	yk_stats_report(&st, &b, true, true, 72, 24, T0 + 2 * SEC);
	assert_memory_equal(b.p, "\033[HKEY", 6);
	yk_buf_free(&b);
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
		cmocka_unit_test(test_retained_no_delay),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_table),
	};

	return cmocka_run_group_tests_name("stats", tests, NULL, NULL);
}
