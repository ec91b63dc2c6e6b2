/*
 * test_print.c - the record printer (lib/print.h): the terminal line and
 * its JSON twin from the same calls.
 *
 * What users rely on: a field given once is in both forms, in the order
 * of the calls; text from the network never reaches the terminal raw;
 * columns line up from line to line, cut text ends with an ellipsis;
 * the JSON line is one valid object whichever fields came first.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "json.h"
#include "print.h"

#define ELL "\xe2\x80\xa6"

/* The same record in both forms. */
struct twin {
	struct yk_buf tb, jb;
	struct yk_print t, j;
};

static void
twin_init(struct twin *w, const char *sep)
{
	memset(w, 0, sizeof(*w));
	w->t = (struct yk_print){.b = &w->tb, .sep = sep, .cols = 40};
	w->j = (struct yk_print){.b = &w->jb, .json = true};
}

static void
twin_free(struct twin *w)
{
	yk_buf_free(&w->tb);
	yk_buf_free(&w->jb);
}

/* A record of a robot, a flag and a payload, printed into p. */
static void
record(struct yk_print *p, const char *robot, int *w, const char *payload)
{
	yk_print_begin(p);
	yk_print_str(p, YK_PR_ANY, "robot", robot,
		     &(struct yk_cell){.width = w, .max = 10});
	yk_print_members(p, payload, strlen(payload), "robot");
	yk_print_bool(p, YK_PR_ANY, "late", true, "LATE");
	yk_print_payload(p, YK_PR_TEXT, payload, strlen(payload),
			 &(struct yk_cell){.rest = 6});
	yk_print_end(p);
}

static void
test_one_call_both_forms(void **state)
{
	struct twin w;
	int wt = 0, wj = 0;

	(void)state;
	twin_init(&w, "  ");
	record(&w.t, "arm-1", &wt, "{\"robot\":\"x\",\"a\": 1}");
	record(&w.j, "arm-1", &wj, "{\"robot\":\"x\",\"a\": 1}");
	record(&w.t, "arm-12", &wt, " {\"b\" : [1, 2]} ");
	record(&w.j, "arm-12", &wj, " {\"b\" : [1, 2]} ");
	/* the payload's own robot gives way to ours; white space goes */
	assert_string_equal(w.jb.p,
			    "{\"robot\":\"arm-1\",\"a\":1,\"late\":true}\n"
			    "{\"robot\":\"arm-12\",\"b\":[1,2],\"late\":true}\n");
	/* the column grows to the widest so far; the rest of the line is
	 * cut at 40 columns (the payload keeps at least 6) */
	assert_string_equal(w.tb.p,
			    "arm-1  LATE  {\"robot\":\"x\",\"a\": 1}\n"
			    "arm-12  LATE   {\"b\" : [1, 2]} \n");
	assert_true(yk_json_valid(w.jb.p, strcspn(w.jb.p, "\n")));
	twin_free(&w);
}

static void
test_cells(void **state)
{
	struct twin w;
	int width = 8;

	(void)state;
	twin_init(&w, " ");
	w.t.colour = true;
	yk_print_begin(&w.t);
	/* upper case, a fixed column of 8, coloured inside the padding */
	yk_print_str(&w.t, YK_PR_TEXT, NULL, "warn",
		     &(struct yk_cell){.width = &width, .max = 8,
				       .upper = true, .sgr = "\033[33m"});
	yk_print_str(&w.t, YK_PR_TEXT, NULL, "abcdefghijklmnop",
		     &(struct yk_cell){.max = 5});
	/* network text is made safe */
	yk_print_str(&w.t, YK_PR_ANY, "m", "a\033[2Jb", NULL);
	yk_print_end(&w.t);
	assert_string_equal(w.tb.p, "\033[33mWARN\033[0m     abcd" ELL
				    " a?[2Jb\n");
	assert_int_equal(width, 8);
	/* no colour asked: none; the line's end cuts a .rest cell, which
	 * keeps its minimum */
	w.t.colour = false;
	w.t.cols = 12;
	yk_buf_truncate(&w.tb, 0);
	yk_print_begin(&w.t);
	yk_print_str(&w.t, YK_PR_TEXT, NULL, "err",
		     &(struct yk_cell){.sgr = "\033[31m"});
	yk_print_str(&w.t, YK_PR_TEXT, NULL, "0123456789",
		     &(struct yk_cell){.rest = 3});
	yk_print_str(&w.t, YK_PR_TEXT, NULL, "0123456789",
		     &(struct yk_cell){.rest = 3});
	yk_print_end(&w.t);
	assert_string_equal(w.tb.p, "err 0123456" ELL " 01" ELL "\n");
	twin_free(&w);
}

static void
test_json_only_and_text_only(void **state)
{
	struct twin w;
	struct tm tm = {.tm_year = 126, .tm_mon = 11, .tm_mday = 4,
			.tm_hour = 18, .tm_min = 5, .tm_sec = 9,
			.tm_isdst = -1};
	int64_t us = (int64_t)mktime(&tm) * 1000000 + 999999;

	(void)state;
	twin_init(&w, " ");
	for (int i = 0; i < 2; i++) {
		struct yk_print *p = i ? &w.j : &w.t;

		yk_print_begin(p);
		yk_print_time(p, us);
		yk_print_text(p, "+");
		yk_print_str(p, YK_PR_ANY, "key", "a/b", NULL);
		yk_print_bool(p, YK_PR_JSON, "alive", false, NULL);
		yk_print_end(p);
	}
	assert_string_equal(w.tb.p, "18:05:09 + a/b\n");
	assert_string_equal(w.jb.p, "{\"key\":\"a/b\",\"alive\":false}\n");
	twin_free(&w);
}

static void
test_splices_first(void **state)
{
	struct twin w;

	(void)state;
	twin_init(&w, NULL);
	/* a payload's members, or the payload, as the first of a record */
	yk_print_begin(&w.j);
	assert_int_equal(yk_print_members(&w.j, "{\"a\":1}", 7, NULL), 1);
	yk_print_end(&w.j);
	yk_print_begin(&w.j);
	assert_int_equal(yk_print_members(&w.j, "{}", 2, NULL), 0);
	yk_print_payload(&w.j, YK_PR_ANY, "\xff", 1, NULL);
	yk_print_end(&w.j);
	yk_print_begin(&w.j);
	assert_int_equal(yk_print_members(&w.j, "{\"k\":1}", 7, "k"), 0);
	yk_print_payload(&w.j, YK_PR_ANY, "hi", 2, NULL);
	yk_print_end(&w.j);
	assert_string_equal(w.jb.p, "{\"a\":1}\n"
				    "{\"payload_b64\":\"/w==\"}\n"
				    "{\"payload\":\"hi\"}\n");
	/* not an object: -1, nothing added, and the record can go */
	yk_buf_truncate(&w.jb, 0);
	yk_print_begin(&w.j);
	yk_print_str(&w.j, YK_PR_ANY, "robot", "r", NULL);
	assert_int_equal(yk_print_members(&w.j, "[1]", 3, NULL), -1);
	assert_int_equal(yk_print_members(&w.j, "{", 1, NULL), -1);
	yk_print_drop(&w.j);
	assert_int_equal(w.jb.len, 0);
	/* text: members are not for the terminal */
	assert_int_equal(yk_print_members(&w.t, "{\"a\":1}", 7, NULL), 0);
	assert_int_equal(w.tb.len, 0);
	twin_free(&w);
}

static void
test_break(void **state)
{
	struct twin w;

	(void)state;
	twin_init(&w, " ");
	for (int i = 0; i < 2; i++) {
		struct yk_print *p = i ? &w.j : &w.t;

		yk_print_begin(p);
		yk_print_str(p, YK_PR_ANY, "robot", "arm", NULL);
		yk_print_text(p, "one");
		yk_print_break(p, 4);
		yk_print_text(p, "two");
		yk_print_end(p);
	}
	/* the next line starts under the indent, with no separator */
	assert_string_equal(w.tb.p, "arm one\n    two\n");
	assert_string_equal(w.jb.p, "{\"robot\":\"arm\"}\n");
	twin_free(&w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_call_both_forms),
		cmocka_unit_test(test_cells),
		cmocka_unit_test(test_json_only_and_text_only),
		cmocka_unit_test(test_splices_first),
		cmocka_unit_test(test_break),
	};

	return cmocka_run_group_tests_name("print", tests, NULL, NULL);
}
