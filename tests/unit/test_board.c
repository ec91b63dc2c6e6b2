/*
 * test_board.c - the yoke-telemetry --watch table (lib/fleet/board.h): numbers
 * never cut, text cut with an ellipsis to the width, the header kept,
 * hostile text made safe, quiet rows forgotten.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "board.h"

static struct yk_reading
value(const char *metric, const char *v, const char *unit)
{
	struct yk_reading r = {.metric = metric, .metric_len = strlen(metric),
			       .unit = unit, .unit_len = unit ? strlen(unit)
							      : 0};

	r.value = (struct yk_num){.set = true, .v = 0, .p = v,
				  .n = strlen(v)};
	sscanf(v, "%lf", &r.value.v);
	return r;
}

/* The screen without the redraw's own sequences. */
static void
screen(struct yk_board *b, struct yk_buf *s, int64_t now, int cols,
       int rows)
{
	struct yk_buf raw = {0};

	yk_board_draw(b, &raw, now, cols, rows);
	yk_buf_truncate(s, 0);
	for (size_t i = 0; i < raw.len; i++) {
		if (raw.p[i] == '\033') {
			i += 2; /* \033[H, \033[K, \033[J */
			continue;
		}
		yk_buf_addc(s, raw.p[i]);
	}
	yk_buf_free(&raw);
}

static void
test_fit(void **state)
{
	struct yk_board b = {0};
	struct yk_buf s = {0};
	struct yk_reading r = {.metric = "pos", .metric_len = 3};
	const char *data = "{\"text\":\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
			   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}";

	(void)state;
	r.lat = (struct yk_num){.set = true, .v = 48.85837009,
				.p = "48.858370090000001", .n = 18};
	r.lng = (struct yk_num){.set = true, .v = 2.2944813, .p = "2.2944813",
				.n = 9};
	yk_board_add(&b, "arm-1", &r, 1000);
	r = (struct yk_reading){.metric = "blob", .metric_len = 4,
				.data = data, .data_len = strlen(data)};
	yk_board_add(&b, "arm-1", &r, 1000);
	r = value("temp_c", "95.96", "\033]0;PWNED\007");
	yk_board_add(&b, "arm-1", &r, 1000);
	screen(&b, &s, 1500, 60, 0);
	assert_null(memchr(s.p, '\033', s.len));
	/* 60 columns: the position whole, the data and the unit cut, the
	 * newest 9 buckets of the sparkline */
	assert_string_equal(s.p,
		"ROBOT  METRIC  VALUE                  UNIT   AGE   LAST 60 S\n"
		"arm-1  blob    {\"text\":\"xxxxxxxxxxx\xe2\x80\xa6         0.5s\n"
		"arm-1  pos     48.85837009,2.2944813         0.5s\n"
		"arm-1  temp_c  95.96                  ?]0;\xe2\x80\xa6  0.5s"
		"          \xe2\x96\x84\n");
	/* a terminal of 3 lines: the header, a row, how many more */
	screen(&b, &s, 1500, 0, 4);
	assert_memory_equal(s.p, "ROBOT", 5);
	assert_non_null(strstr(s.p, "\n\xe2\x80\xa6 2 more\n"));
	yk_buf_free(&s);
	yk_board_free(&b);
}

static void
test_forget(void **state)
{
	struct yk_board b = {0};
	struct yk_buf s = {0};
	struct yk_reading r = value("a", "1", NULL);

	(void)state;
	yk_board_add(&b, "arm-1", &r, 0);
	r = value("b", "2", NULL);
	yk_board_add(&b, "arm-1", &r, YK_BOARD_FORGET_MS / 2);
	screen(&b, &s, YK_BOARD_FORGET_MS - 1, 0, 0);
	assert_int_equal(b.rows.n, 2);
	screen(&b, &s, YK_BOARD_FORGET_MS, 0, 0);
	assert_int_equal(b.rows.n, 1);
	assert_null(strstr(s.p, "arm-1  a "));
	assert_non_null(strstr(s.p, "arm-1  b "));
	yk_buf_free(&s);
	yk_board_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_forget),
	};

	return cmocka_run_group_tests_name("board", tests, NULL, NULL);
}
