/*
 * test_out.c - what yoke-sub and yoke-get print (lib/out.h).
 *
 * The message formats are checked against golden files, as jq's tests
 * are: tests/unit/golden/out_NAME.in is a message (header lines, a blank
 * line, the payload bytes) and out_NAME.out what must be printed for it;
 * golden/README has the format.  Paths are relative to the top of the
 * repository, where tests/run runs the tests.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "slurp.h"

#include "json.h"
#include "out.h"
#include "text.h"

#define GOLDEN "tests/unit/golden"

static const char *const cases[] = {
	"json_object", "json_number", "json_bignum", "json_string",
	"json_null", "text_utf8", "text_escapes", "text_not_json",
	"text_nul", "binary", "binary_cut_utf8", "binary_json_bad_utf8",
	"empty", "captures", "key_escaped", "source_error",
	"source_retained", "ts_small", "ts_zero", "ts_micro",
	"ts_under_second", "ts_round_second", "text_format",
	"text_format_json", "text_format_empty", "raw_format",
	"raw_format_binary", "decoded", "decoded_text", "decode_error",
	"delimited", "delimited_empty", "delimited_long", NULL,
};

/* One golden message, pointing into the .in file's text. */
struct golden {
	struct yk_buf text;
	enum yk_fmt fmt;
	struct yk_outmsg m;
	struct yk_cap caps[YK_MAX_CAPS];
};

static void
golden_load(struct golden *g, const char *name)
{
	char path[256];
	char *p, *end;
	bool have_fmt = false;

	memset(g, 0, sizeof(*g));
	g->m.ts_us = -1;
	g->m.caps = g->caps;
	snprintf(path, sizeof(path), GOLDEN "/out_%s.in", name);
	slurp(path, &g->text);
	p = g->text.p;
	end = p + g->text.len;
	for (;;) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		char *v;

		if (nl == NULL)
			fail_msg("%s: no blank line before the payload", path);
		*nl = '\0';
		if (nl == p) {
			p = nl + 1;
			break;
		}
		v = strstr(p, ": ");
		if (v == NULL)
			fail_msg("%s: bad header line '%s'", path, p);
		*v = '\0';
		v += 2;
		if (strcmp(p, "format") == 0) {
			int i;

			for (i = 0; yk_fmt_names[i]; i++)
				if (strcmp(v, yk_fmt_names[i]) == 0)
					break;
			if (strcmp(v, "delimited") == 0)
				i = YK_FMT_DELIMITED;
			else if (yk_fmt_names[i] == NULL)
				fail_msg("%s: unknown format '%s'", path, v);
			g->fmt = (enum yk_fmt)i;
			have_fmt = true;
		} else if (strcmp(p, "key") == 0) {
			g->m.key = v;
		} else if (strcmp(p, "source") == 0) {
			g->m.source = v;
		} else if (strcmp(p, "error") == 0) {
			g->m.error = v;
		} else if (strcmp(p, "decoded") == 0) {
			g->m.json = v;
			g->m.json_len = strlen(v);
		} else if (strcmp(p, "b64") == 0) {
			g->m.b64 = strcmp(v, "true") == 0;
		} else if (strcmp(p, "ts") == 0) {
			g->m.ts_us = strtoll(v, NULL, 10);
		} else if (strcmp(p, "qos") == 0) {
			g->m.qos = atoi(v);
		} else if (strcmp(p, "retain") == 0) {
			g->m.retain = strcmp(v, "true") == 0;
		} else if (strcmp(p, "cap") == 0) {
			char *eq = strchr(v, '=');
			struct yk_cap *c = &g->caps[g->m.ncaps++];

			if (eq == NULL || g->m.ncaps > YK_MAX_CAPS)
				fail_msg("%s: bad cap '%s'", path, v);
			*eq = '\0';
			c->name = v;
			c->p = eq + 1;
			c->n = strlen(eq + 1);
		} else {
			fail_msg("%s: unknown field '%s'", path, p);
		}
		p = nl + 1;
	}
	if (!have_fmt || g->m.key == NULL)
		fail_msg("%s: format and key are required", path);
	g->m.payload = p;
	g->m.len = (size_t)(end - p);
}

/* Show bytes readably in a failure message. */
static void
printable(char *out, size_t n, const char *s, size_t len)
{
	size_t o = 0;

	for (size_t i = 0; i < len && o + 5 < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, n - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

static void
golden(void **state)
{
	const char *name = *state;
	struct golden g;
	struct yk_buf want = {0}, got = {0};
	char path[256], a[2048], b[2048];

	golden_load(&g, name);
	snprintf(path, sizeof(path), GOLDEN "/out_%s.out", name);
	slurp(path, &want);
	yk_out_message(&got, g.fmt, &g.m);
	if (got.p == NULL)
		yk_buf_adds(&got, "");
	if (got.len != want.len || memcmp(got.p, want.p, got.len) != 0) {
		printable(a, sizeof(a), got.p, got.len);
		printable(b, sizeof(b), want.p, want.len);
		fail_msg("out_%s:\n got: %s\nwant: %s", name, a, b);
	}
	/* every JSON line is one valid JSON value and one line */
	if (g.fmt == YK_FMT_JSON) {
		assert_true(yk_json_valid(got.p, got.len));
		assert_ptr_equal(memchr(got.p, '\n', got.len),
				 got.p + got.len - 1);
	}
	yk_buf_free(&g.text);
	yk_buf_free(&want);
	yk_buf_free(&got);
}

static void
test_golden_all_listed(void **state)
{
	DIR *d = opendir(GOLDEN);
	struct dirent *e;
	int n = 0;

	(void)state;
	if (d == NULL)
		fail_msg("cannot open " GOLDEN ": %s (run from the top of the "
			 "repository)", strerror(errno));
	while ((e = readdir(d)) != NULL) {
		size_t l = strlen(e->d_name);
		char name[256], path[300];
		bool listed = false;

		if (strncmp(e->d_name, "out_", 4) != 0 || l < 8 ||
		    strcmp(e->d_name + l - 3, ".in") != 0)
			continue;
		snprintf(name, sizeof(name), "%.*s", (int)(l - 7),
			 e->d_name + 4);
		for (int i = 0; cases[i]; i++)
			if (strcmp(cases[i], name) == 0)
				listed = true;
		if (!listed)
			fail_msg("%s is not listed in test_out.c", e->d_name);
		snprintf(path, sizeof(path), GOLDEN "/out_%s.out", name);
		if (access(path, R_OK) != 0)
			fail_msg("%s has no .out file", e->d_name);
		n++;
	}
	closedir(d);
	for (int i = 0; cases[i]; i++)
		n--;
	assert_int_equal(n, 0);
}

static void
payload_is(const void *p, size_t n, const char *want)
{
	struct yk_buf b = {0};

	yk_out_payload(&b, p, n);
	assert_string_equal(b.p, want);
	yk_buf_free(&b);
}

static void
test_payload(void **state)
{
	(void)state;
	payload_is("{ \"a\" : 1 }", 11, ",\"payload\":{\"a\":1}");
	payload_is("[]", 2, ",\"payload\":[]");
	payload_is("false", 5, ",\"payload\":false");
	payload_is("hi there", 8, ",\"payload\":\"hi there\"");
	payload_is("", 0, ",\"payload\":\"\"");
	payload_is("\x80", 1, ",\"payload_b64\":\"gA==\"");
	/* the length decides, not a NUL */
	payload_is("12x", 2, ",\"payload\":12");
}

static void
test_lines_accumulate(void **state)
{
	struct yk_outmsg m = {.key = "a/b", .ts_us = -1, .payload = "1",
			      .len = 1};
	struct yk_buf b = {0};

	(void)state;
	yk_out_message(&b, YK_FMT_JSON, &m);
	m.key = "a/c";
	m.payload = "x";
	yk_out_message(&b, YK_FMT_JSON, &m);
	assert_string_equal(b.p,
			    "{\"key\":\"a/b\",\"qos\":0,\"retain\":false,"
			    "\"payload\":1}\n"
			    "{\"key\":\"a/c\",\"qos\":0,\"retain\":false,"
			    "\"payload\":\"x\"}\n");
	yk_buf_free(&b);
}

static void
test_flush(void **state)
{
	struct yk_out o;
	struct yk_err err = {0};
	char buf[64];
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	yk_out_init(&o, fds[1]);
	yk_buf_adds(&o.b, "one\n");
	yk_buf_adds(&o.b, "two\n");
	assert_int_equal(yk_out_flush(&o, &err), YK_OK);
	assert_int_equal(o.b.len, 0);
	assert_int_equal(read(fds[0], buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "one\ntwo\n", 8);
	/* nothing buffered: nothing written, still fine */
	assert_int_equal(yk_out_flush(&o, &err), YK_OK);
	yk_out_free(&o);
	close(fds[0]);
	close(fds[1]);
}

static void
test_flush_large(void **state)
{
	char path[] = "/tmp/yk-test-out.XXXXXX";
	int fd = mkstemp(path);
	struct yk_out o;
	struct yk_err err = {0};
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	yk_out_init(&o, fd);
	for (int i = 0; i < 100000; i++)
		yk_buf_adds(&o.b, "0123456789abcdef");
	assert_int_equal(yk_out_flush(&o, &err), YK_OK);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, 1600000);
	yk_out_free(&o);
	close(fd);
}

static void
test_flush_epipe(void **state)
{
	struct yk_out o;
	struct yk_err err = {0};
	int fds[2];

	(void)state;
	/* `yoke-sub ... | head -1`: the reader left, stop quietly */
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fds), 0);
	close(fds[0]);
	yk_out_init(&o, fds[1]);
	yk_buf_adds(&o.b, "{}\n");
	assert_int_equal(yk_out_flush(&o, &err), YK_EXIT);
	assert_int_equal(o.b.len, 0);
	yk_out_free(&o);
	close(fds[1]);
}

static void
test_flush_failure(void **state)
{
	struct yk_out o;
	struct yk_err err = {0};
	int fd = open("/dev/full", O_WRONLY);

	(void)state;
	/* git's words, and the cause */
	if (fd < 0)
		skip();
	yk_out_init(&o, fd);
	yk_buf_adds(&o.b, "{}\n");
	assert_int_equal(yk_out_flush(&o, &err), YK_ERUNTIME);
	assert_string_equal(err.msg, "write failure on standard output: No "
				     "space left on device");
	yk_out_free(&o);
	close(fd);
}

/* The table printer: display widths, cells made safe, the widest text
 * column cut with "…" to fit, numbers and kept cells never cut, no
 * trailing blanks, rows beyond the limit counted. */
/* A narrow terminal: the first column (what names the row) is cut last,
 * and what cannot be cut to fit is cut at the edge, so no row wraps. */
static void
test_table_narrow(void **state)
{
	static const unsigned flags[] = {0, 0, YK_COL_KEEP};
	struct yk_table t;
	struct yk_buf b = {0};
	char *line, *save = NULL;

	(void)state;
	yk_table_init(&t, 3, flags);
	yk_table_cellz(&t, "ROBOT");
	yk_table_cellz(&t, "METRIC");
	yk_table_cellz(&t, "VALUE");
	yk_table_cellz(&t, "arm-042-left");
	yk_table_cellz(&t, "temperature_c");
	yk_table_cellz(&t, "47.37692677,8.54171450");
	/* 44 columns: METRIC gives way, the robot stays whole */
	yk_table_draw(&t, &b, 44, 0, false);
	assert_string_equal(b.p, "ROBOT         METRIC  VALUE\n"
				 "arm-042-left  tempe\xe2\x80\xa6  "
				 "47.37692677,8.54171450\n");
	yk_buf_truncate(&b, 0);
	/* 20 columns: even a kept value is cut at the edge */
	yk_table_draw(&t, &b, 20, 0, false);
	for (line = strtok_r(b.p, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		assert_true(yk_text_width(line, strlen(line)) <= 20);
	yk_buf_free(&b);
	yk_table_free(&t);
}

static void
test_table(void **state)
{
	static const unsigned flags[] = {0, YK_COL_KEEP | YK_COL_RIGHT, 0};
	struct yk_table t;
	struct yk_buf b = {0};

	(void)state;
	yk_table_init(&t, 3, flags);
	yk_table_cellz(&t, "NAME");
	yk_table_cellz(&t, "N");
	yk_table_cellz(&t, "NOTE");
	yk_table_cellz(&t, "\xe6\x97\xa5\xe6\x9c\xac");
	yk_table_cellz(&t, "12345");
	yk_table_cellz(&t, "\x1b]0;PWNED\x07\x1b[2J");
	yk_table_cellz(&t, "x");
	yk_table_cellz(&t, "1");
	yk_table_cellz(&t, "");
	assert_int_equal(yk_table_rows(&t), 3);
	yk_table_draw(&t, &b, 0, 0, false);
	assert_string_equal(b.p, "NAME      N  NOTE\n"
				 "\xe6\x97\xa5\xe6\x9c\xac  12345  "
				 "?]0;PWNED??[2J\n"
				 "x         1\n");
	yk_buf_truncate(&b, 0);
	/* 20 columns: NOTE (the widest text) is cut, N never */
	yk_table_draw(&t, &b, 20, 0, false);
	assert_string_equal(b.p, "NAME      N  NOTE\n"
				 "\xe6\x97\xa5\xe6\x9c\xac  12345  "
				 "?]0;PW\xe2\x80\xa6\n"
				 "x         1\n");
	yk_buf_truncate(&b, 0);
	/* two lines: the header and how many rows did not fit */
	yk_table_draw(&t, &b, 0, 2, true);
	assert_string_equal(b.p, "\033[1mNAME      N  NOTE\033[0m\n"
				 "\xe2\x80\xa6 2 more\n");
	yk_table_free(&t);

	/* a kept cell holds its column's width; paint only with colour */
	yk_table_init(&t, 2, NULL);
	yk_table_cellz(&t, "A");
	yk_table_cellz(&t, "B");
	yk_table_cellz(&t, "48.8583701,2.2944813");
	yk_table_keep(&t);
	yk_table_paint(&t, "\033[32m");
	yk_table_cellz(&t, "abcdefghijklmnop");
	yk_buf_truncate(&b, 0);
	yk_table_draw(&t, &b, 30, 0, false);
	assert_string_equal(b.p, "A                     B\n"
				 "48.8583701,2.2944813  abcdefg\xe2\x80\xa6\n");
	yk_buf_truncate(&b, 0);
	yk_table_draw(&t, &b, 30, 0, true);
	assert_non_null(strstr(b.p, "\033[32m48.8583701,2.2944813\033[0m  "));
	yk_table_free(&t);
	yk_buf_free(&b);
}

/* NO_COLOR means no colour, and nothing else: human output stays (on a
 * terminal; a pipe is never one). */
static void
test_no_color(void **state)
{
	int fds[2], m = posix_openpt(O_RDWR | O_NOCTTY), s;

	(void)state;
	assert_true(m >= 0);
	assert_int_equal(grantpt(m), 0);
	assert_int_equal(unlockpt(m), 0);
	s = open(ptsname(m), O_RDWR | O_NOCTTY);
	assert_true(s >= 0);
	setenv("NO_COLOR", "1", 1);
	assert_true(yk_out_human(s));
	assert_false(yk_out_colour(s));
	unsetenv("NO_COLOR");
	assert_true(yk_out_colour(s));
	close(s);
	close(m);
	assert_int_equal(pipe(fds), 0);
	assert_false(yk_out_human(fds[1]));
	assert_false(yk_out_colour(fds[1]));
	close(fds[0]);
	close(fds[1]);
	setenv("COLUMNS", "132", 1);
	assert_int_equal(yk_out_cols(-1), 132);
	unsetenv("COLUMNS");
	assert_int_equal(yk_out_cols(-1), 80);
}

/* --format text on a terminal: key and payload made safe; elsewhere as
 * they came. */
static void
test_text_tty(void **state)
{
	struct yk_outmsg m = {.key = "a/\033[2J", .ts_us = -1,
			      .payload = "x\033]0;T\007\xc2\x9b", .len = 9};
	struct yk_buf b = {0};

	(void)state;
	yk_out_message(&b, YK_FMT_TEXT, &m);
	assert_memory_equal(b.p, "a/\033[2J x\033]0;T\007\xc2\x9b\n", 17);
	yk_buf_truncate(&b, 0);
	m.tty = true;
	yk_out_message(&b, YK_FMT_TEXT, &m);
	assert_string_equal(b.p, "a/?[2J x?]0;T??\n");
	yk_buf_free(&b);
}

static void
test_redraw(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	yk_out_redraw(&b, "a\nb\n", 4);
	assert_string_equal(b.p, "\033[Ha\033[K\nb\033[K\n\033[J");
	yk_buf_free(&b);
}

int
main(void)
{
	struct CMUnitTest tests[64];
	static const struct CMUnitTest rest[] = {
		cmocka_unit_test(test_golden_all_listed),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_lines_accumulate),
		cmocka_unit_test(test_flush),
		cmocka_unit_test(test_flush_large),
		cmocka_unit_test(test_flush_epipe),
		cmocka_unit_test(test_flush_failure),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_table_narrow),
		cmocka_unit_test(test_no_color),
		cmocka_unit_test(test_redraw),
		cmocka_unit_test(test_text_tty),
	};
	static char names[64][64];
	size_t n = 0;

	/* one test per golden case, named after it */
	for (int i = 0; cases[i] && n < 64 - 8; i++) {
		snprintf(names[n], sizeof(names[n]), "golden out_%s",
			 cases[i]);
		tests[n] = (struct CMUnitTest){
			.name = names[n],
			.test_func = golden,
			.initial_state = (void *)cases[i],
		};
		n++;
	}
	for (size_t i = 0; i < sizeof(rest) / sizeof(rest[0]); i++)
		tests[n++] = rest[i];
	return _cmocka_run_group_tests("out", tests, n, NULL, NULL);
}
