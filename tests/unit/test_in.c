/*
 * test_in.c - input framing (lib/in.h): one message, lines, and
 * varint length-delimited frames, fed through pipes and files as yoke-pub
 * reads standard input.
 *
 * What users rely on: every line is one message (CRLF and a last line
 * without newline included), nothing is invented from empty input, and a
 * bad stream names the frame at fault instead of publishing garbage.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#include "in.h"

#define S(lit) (lit), sizeof(lit) - 1

/* A file descriptor that reads data[0..n) then end of file. */
static int
source(const void *data, size_t n)
{
	char path[] = "/tmp/yk-test-in.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
	return fd;
}

/* Frames read so far, each as "<bytes>", for one-line comparisons. */
struct frames {
	struct yk_buf all;
	int n;
	int rc;
	struct yk_err err;
};

/* Read fd to the end (or an error) in the given mode. */
static void
read_all(struct frames *fr, int fd, enum yk_framing mode, const char *name)
{
	struct yk_in in;

	memset(fr, 0, sizeof(*fr));
	yk_in_init(&in, fd, mode, name);
	for (int guard = 0; guard < 100000; guard++) {
		const char *p;
		size_t n;
		int r = yk_in_next(&in, &p, &n, &fr->err);

		/* in.h: 1 a frame, 0 need more, <0 bad input (err set) */
		if (r < 0) {
			fr->rc = fr->err.rc;
			assert_int_not_equal(fr->rc, YK_OK);
			break;
		}
		if (r != 0 && r != 1)
			fail_msg("yk_in_next returned %d (%s)", r,
				 fr->err.msg);
		if (r == 1) {
			yk_buf_addc(&fr->all, '<');
			yk_buf_add(&fr->all, p, n);
			yk_buf_addc(&fr->all, '>');
			fr->n++;
			assert_int_equal(in.frame, (unsigned long)fr->n);
			continue;
		}
		if (yk_in_done(&in))
			break;
		/* after end of input, next() must finish or fail */
		assert_false(in.eof);
		fr->rc = yk_in_fill(&in, &fr->err);
		if (fr->rc != YK_OK)
			break;
	}
	if (fr->rc == YK_OK)
		assert_true(yk_in_done(&in));
	yk_in_free(&in);
	close(fd);
	if (fr->all.p == NULL)
		yk_buf_adds(&fr->all, "");
}

static void
frames_are(const void *data, size_t n, enum yk_framing mode, int count,
	   const char *want)
{
	struct frames fr;

	read_all(&fr, source(data, n), mode, "standard input");
	if (fr.rc != YK_OK)
		fail_msg("unexpected error: %s", fr.err.msg);
	assert_string_equal(fr.all.p, want);
	assert_int_equal(fr.n, count);
	yk_buf_free(&fr.all);
}

static void
fails_with(const void *data, size_t n, enum yk_framing mode,
	   const char *name, const char *msg)
{
	struct frames fr;

	read_all(&fr, source(data, n), mode, name);
	assert_int_equal(fr.rc, YK_EUSAGE);
	assert_string_equal(fr.err.msg, msg);
	yk_buf_free(&fr.all);
}

static void
test_lines(void **state)
{
	(void)state;
	frames_are(S("a\nb\nc\n"), YK_FRAME_LINES, 3, "<a><b><c>");
	frames_are(S("{\"v\":1}\n{\"v\":2}\n"), YK_FRAME_LINES, 2,
		   "<{\"v\":1}><{\"v\":2}>");
	/* a line keeps its spaces */
	frames_are(S("  a b  \n"), YK_FRAME_LINES, 1, "<  a b  >");
}

static void
test_lines_last_without_newline(void **state)
{
	(void)state;
	frames_are(S("a\nb"), YK_FRAME_LINES, 2, "<a><b>");
	frames_are(S("only"), YK_FRAME_LINES, 1, "<only>");
}

static void
test_lines_crlf(void **state)
{
	(void)state;
	frames_are(S("a\r\nb\r\n"), YK_FRAME_LINES, 2, "<a><b>");
	frames_are(S("a\r\nb\r"), YK_FRAME_LINES, 2, "<a><b>");
	frames_are(S("\r\n"), YK_FRAME_LINES, 1, "<>");
	/* only the CR of a CRLF goes: others are data */
	frames_are(S("a\rb\n"), YK_FRAME_LINES, 1, "<a\rb>");
	frames_are(S("a\r\r\n"), YK_FRAME_LINES, 1, "<a\r>");
}

static void
test_lines_empty(void **state)
{
	(void)state;
	/* no input, no message */
	frames_are("", 0, YK_FRAME_LINES, 0, "");
	/* blank lines are empty messages, as mosquitto_pub -l sends them */
	frames_are(S("\n"), YK_FRAME_LINES, 1, "<>");
	frames_are(S("a\n\nb\n"), YK_FRAME_LINES, 3, "<a><><b>");
	frames_are(S("\n\n"), YK_FRAME_LINES, 2, "<><>");
}

static void
test_lines_binary(void **state)
{
	(void)state;
	/* NUL bytes and invalid UTF-8 are data, not terminators */
	frames_are(S("a\0b\n\xff\xfe\n"), YK_FRAME_LINES, 2,
		   "<a\0b><\xff\xfe>");
}

static void
test_lines_many(void **state)
{
	struct yk_buf data = {0}, want = {0};
	struct frames fr;
	const int n = 30000;

	(void)state;
	/* many reads' worth: lines cross the read boundaries */
	for (int i = 0; i < n; i++) {
		yk_buf_addf(&data, "line %d of the input\n", i);
		yk_buf_addf(&want, "<line %d of the input>", i);
	}
	assert_true(data.len > 4 * 65536);
	read_all(&fr, source(data.p, data.len), YK_FRAME_LINES,
		 "standard input");
	assert_int_equal(fr.rc, YK_OK);
	assert_int_equal(fr.n, n);
	assert_int_equal(fr.all.len, want.len);
	assert_memory_equal(fr.all.p, want.p, want.len);
	yk_buf_free(&fr.all);
	yk_buf_free(&data);
	yk_buf_free(&want);
}

static void
test_lines_long(void **state)
{
	size_t n = 200000;
	char *data = malloc(n + 3);
	struct frames fr;

	(void)state;
	/* one line longer than several reads */
	assert_non_null(data);
	memset(data, 'x', n);
	memcpy(data + n, "\ny", 2);
	read_all(&fr, source(data, n + 2), YK_FRAME_LINES, "standard input");
	assert_int_equal(fr.rc, YK_OK);
	assert_int_equal(fr.n, 2);
	assert_int_equal(fr.all.len, n + 5);
	assert_memory_equal(fr.all.p + n + 1, "><y>", 4);
	yk_buf_free(&fr.all);
	free(data);
}

/*
 * Feed chunks through a pipe, one read each, and collect the lines as
 * "<line>" into out; returns the bytes the line scanner searched.
 */
static unsigned long long
feed(const char *const *chunks, size_t nchunks, const size_t *lens,
     struct yk_buf *out)
{
	struct yk_in in;
	struct yk_err err = {0};
	const char *p;
	size_t n;
	int fds[2];
	unsigned long long scanned;

	assert_int_equal(pipe(fds), 0);
	yk_in_init(&in, fds[0], YK_FRAME_LINES, "standard input");
	for (size_t i = 0; i <= nchunks; i++) {
		if (i < nchunks) {
			assert_int_equal(write(fds[1], chunks[i], lens[i]),
					 (ssize_t)lens[i]);
		} else {
			close(fds[1]);
		}
		do
			assert_int_equal(yk_in_fill(&in, &err), YK_OK);
		while (i == nchunks && !in.eof);
		while (yk_in_next(&in, &p, &n, &err) == 1) {
			yk_buf_addc(out, '<');
			yk_buf_add(out, p, n);
			yk_buf_addc(out, '>');
		}
	}
	assert_true(yk_in_done(&in));
	scanned = in.scanned;
	yk_in_free(&in);
	close(fds[0]);
	return scanned;
}

static void
test_lines_long_scanned_once(void **state)
{
	enum { PIECE = 4096, PIECES = 512 }; /* a 2 MiB line in 512 reads */
	const char *chunks[PIECES + 1];
	size_t lens[PIECES + 1];
	char *piece = malloc(PIECE);
	struct yk_buf out = {0};
	unsigned long long scanned;

	(void)state;
	assert_non_null(piece);
	memset(piece, 'x', PIECE);
	for (int i = 0; i < PIECES; i++) {
		chunks[i] = piece;
		lens[i] = PIECE;
	}
	chunks[PIECES] = "\nend\n";
	lens[PIECES] = 5;
	scanned = feed(chunks, PIECES + 1, lens, &out);
	/* each byte once: before, the scan restarted at the line's start
	 * on every read, 512 x 1 MiB on average */
	if (scanned > (unsigned long long)PIECE * PIECES + 5)
		fail_msg("%llu bytes scanned for %d", scanned,
			 PIECE * PIECES + 5);
	assert_int_equal(out.len, (size_t)PIECE * PIECES + 2 + 5);
	assert_memory_equal(out.p + out.len - 6, "><end>", 6);
	yk_buf_free(&out);
	free(piece);
}

static void
test_lines_read_boundaries(void **state)
{
	static const struct {
		const char *chunks[4];
		const char *want;
	} t[] = {
		/* the newline alone, first in a read */
		{{"abc", "\ndef", "\n"}, "<abc><def>"},
		/* CR at the end of one read, LF at the start of the next */
		{{"abc\r", "\nd\r", "\n"}, "<abc><d>"},
		/* empty lines across reads */
		{{"\n", "\n\n", "a"}, "<><><><a>"},
		/* a line ends exactly at the end of a read */
		{{"ab\n", "cd\n", "ef"}, "<ab><cd><ef>"},
		/* several lines in one read, the last one split */
		{{"a\nb\nc", "c\nd"}, "<a><b><cc><d>"},
		/* a CR that is not before a LF stays */
		{{"a\rb", "\r", "x\n"}, "<a\rb\rx>"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		size_t lens[4], k;
		struct yk_buf out = {0};
		unsigned long long scanned, total = 0;

		for (k = 0; k < 4 && t[i].chunks[k]; k++) {
			lens[k] = strlen(t[i].chunks[k]);
			total += lens[k];
		}
		scanned = feed(t[i].chunks, k, lens, &out);
		yk_buf_addc(&out, '\0');
		assert_string_equal(out.p, t[i].want);
		assert_true(scanned <= total);
		yk_buf_free(&out);
	}
}

static void
test_lines_through_pipe(void **state)
{
	struct yk_in in;
	struct yk_err err = {0};
	const char *p;
	size_t n;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	yk_in_init(&in, fds[0], YK_FRAME_LINES, "standard input");

	/* half a line: nothing yet */
	assert_int_equal(write(fds[1], "hel", 3), 3);
	assert_int_equal(yk_in_fill(&in, &err), YK_OK);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 0);
	assert_false(yk_in_done(&in));

	/* the rest of it, and the start of the next */
	assert_int_equal(write(fds[1], "lo\r\nwor", 7), 7);
	assert_int_equal(yk_in_fill(&in, &err), YK_OK);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 1);
	assert_int_equal(n, 5);
	assert_memory_equal(p, "hello", 5);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 0);

	/* end of input: the last line goes out without its newline */
	close(fds[1]);
	assert_int_equal(write(fds[1], "x", 1), -1);
	while (!in.eof)
		assert_int_equal(yk_in_fill(&in, &err), YK_OK);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 1);
	assert_int_equal(n, 3);
	assert_memory_equal(p, "wor", 3);
	assert_int_equal(in.frame, 2);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 0);
	assert_true(yk_in_done(&in));
	/* filling after the end is harmless */
	assert_int_equal(yk_in_fill(&in, &err), YK_OK);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 0);
	yk_in_free(&in);
	close(fds[0]);
}

static void
test_whole(void **state)
{
	(void)state;
	/* -s / -f: all of it, newlines and all */
	frames_are(S("hello\nworld\n"), YK_FRAME_WHOLE, 1, "<hello\nworld\n>");
	frames_are(S("a\r\n"), YK_FRAME_WHOLE, 1, "<a\r\n>");
	frames_are(S("\0\xff"), YK_FRAME_WHOLE, 1, "<\0\xff>");
}

static void
test_whole_empty(void **state)
{
	(void)state;
	/* an empty file is one empty message, as `yoke-pub -f /dev/null` */
	frames_are("", 0, YK_FRAME_WHOLE, 1, "<>");
}

static void
test_whole_large(void **state)
{
	size_t n = 1000000;
	unsigned char *data = malloc(n);
	struct frames fr;

	(void)state;
	assert_non_null(data);
	for (size_t i = 0; i < n; i++)
		data[i] = (unsigned char)(i * 7);
	read_all(&fr, source(data, n), YK_FRAME_WHOLE, "standard input");
	assert_int_equal(fr.rc, YK_OK);
	assert_int_equal(fr.n, 1);
	assert_int_equal(fr.all.len, n + 2);
	assert_memory_equal(fr.all.p + 1, data, n);
	yk_buf_free(&fr.all);
	free(data);
}

/* Append a varint length and the frame. */
static void
put_frame(struct yk_buf *b, const void *p, size_t n)
{
	size_t v = n;

	do {
		unsigned char c = v & 0x7f;

		v >>= 7;
		if (v)
			c |= 0x80;
		yk_buf_addc(b, (char)c);
	} while (v);
	yk_buf_add(b, p, n);
}

static void
test_delimited(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	put_frame(&b, S("one"));
	put_frame(&b, S(""));
	put_frame(&b, S("\n\0three"));
	frames_are(b.p, b.len, YK_FRAME_DELIMITED, 3,
		   "<one><><\n\0three>");
	yk_buf_free(&b);
	/* no input, no frame */
	frames_are("", 0, YK_FRAME_DELIMITED, 0, "");
}

static void
test_delimited_varint_sizes(void **state)
{
	static const size_t sizes[] = {0, 1, 127, 128, 255, 300, 16383,
				       16384, 70000, 200000};
	struct yk_buf b = {0}, want = {0};
	char *data = malloc(200000);
	struct frames fr;

	(void)state;
	/* one- to three-byte length prefixes, frames across reads */
	assert_non_null(data);
	for (size_t i = 0; i < 200000; i++)
		data[i] = (char)('a' + i % 26);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		put_frame(&b, data, sizes[i]);
		yk_buf_addc(&want, '<');
		yk_buf_add(&want, data, sizes[i]);
		yk_buf_addc(&want, '>');
	}
	read_all(&fr, source(b.p, b.len), YK_FRAME_DELIMITED,
		 "standard input");
	assert_int_equal(fr.rc, YK_OK);
	assert_int_equal(fr.n, sizeof(sizes) / sizeof(sizes[0]));
	assert_int_equal(fr.all.len, want.len);
	assert_memory_equal(fr.all.p, want.p, want.len);
	yk_buf_free(&fr.all);
	yk_buf_free(&b);
	yk_buf_free(&want);
	free(data);
}

static void
test_delimited_through_pipe(void **state)
{
	struct yk_in in;
	struct yk_err err = {0};
	const char *p;
	size_t n;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	yk_in_init(&in, fds[0], YK_FRAME_DELIMITED, "standard input");
	/* the first byte of a two-byte length: wait */
	assert_int_equal(write(fds[1], "\x82", 1), 1);
	assert_int_equal(yk_in_fill(&in, &err), YK_OK);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 0);
	/* length 130 complete, part of the frame: wait */
	assert_int_equal(write(fds[1], "\x01" "abc", 4), 4);
	assert_int_equal(yk_in_fill(&in, &err), YK_OK);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 0);
	for (int i = 0; i < 127; i++)
		assert_int_equal(write(fds[1], "z", 1), 1);
	assert_int_equal(yk_in_fill(&in, &err), YK_OK);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 1);
	assert_int_equal(n, 130);
	assert_memory_equal(p, "abcz", 4);
	assert_int_equal(p[129], 'z');
	close(fds[1]);
	while (!in.eof)
		assert_int_equal(yk_in_fill(&in, &err), YK_OK);
	assert_int_equal(yk_in_next(&in, &p, &n, &err), 0);
	assert_true(yk_in_done(&in));
	yk_in_free(&in);
	close(fds[0]);
}

static void
test_delimited_truncated(void **state)
{
	struct yk_buf b = {0};

	(void)state;
	fails_with(S("\x0a" "abcd"), YK_FRAME_DELIMITED, "standard input",
		   "standard input: frame 1 is truncated: 10 bytes announced, "
		   "4 present");
	/* the message counts the frames that went before */
	put_frame(&b, S("ok"));
	put_frame(&b, S("fine"));
	yk_buf_add(&b, S("\x05xy"));
	fails_with(b.p, b.len, YK_FRAME_DELIMITED, "frames.bin",
		   "frames.bin: frame 3 is truncated: 5 bytes announced, 2 "
		   "present");
	yk_buf_free(&b);
	/* a length and no frame at all */
	fails_with(S("\x03"), YK_FRAME_DELIMITED, "standard input",
		   "standard input: frame 1 is truncated: 3 bytes announced, "
		   "0 present");
}

static void
test_delimited_truncated_length(void **state)
{
	struct frames fr;

	(void)state;
	/* input that ends inside the length prefix is truncated too */
	read_all(&fr, source(S("\x02hi\x80")), YK_FRAME_DELIMITED,
		 "standard input");
	assert_int_equal(fr.n, 1);
	assert_int_equal(fr.rc, YK_EUSAGE);
	assert_non_null(strstr(fr.err.msg,
			       "standard input: frame 2 is truncated"));
	yk_buf_free(&fr.all);
}

static void
test_delimited_huge_length(void **state)
{
	(void)state;
	/* 256 MiB + 1 announced: refused at once, not buffered */
	fails_with(S("\x81\x80\x80\x80\x01"), YK_FRAME_DELIMITED,
		   "standard input",
		   "standard input: frame 1: length prefix is not a valid "
		   "varint or exceeds 256 MiB");
	/* 2^63 */
	fails_with(S("\x80\x80\x80\x80\x80\x80\x80\x80\x80\x01"),
		   YK_FRAME_DELIMITED, "standard input",
		   "standard input: frame 1: length prefix is not a valid "
		   "varint or exceeds 256 MiB");
	/* more than ten bytes of varint */
	fails_with(S("\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01"),
		   YK_FRAME_DELIMITED, "standard input",
		   "standard input: frame 1: length prefix is not a valid "
		   "varint or exceeds 256 MiB");
	/* exactly 256 MiB is allowed: here it is merely truncated */
	fails_with(S("\x80\x80\x80\x80\x01"), YK_FRAME_DELIMITED,
		   "standard input",
		   "standard input: frame 1 is truncated: 268435456 bytes "
		   "announced, 0 present");
}

static void
test_read_error(void **state)
{
	struct frames fr;
	int fd = open("/", O_RDONLY | O_DIRECTORY);

	(void)state;
	assert_true(fd >= 0);
	read_all(&fr, fd, YK_FRAME_LINES, "'/'");
	assert_int_equal(fr.rc, YK_ERUNTIME);
	assert_string_equal(fr.err.msg, "cannot read '/': Is a directory");
	yk_buf_free(&fr.all);
}

/* A temporary file holding data[0..n); its path in path. */
static void
temp_file(char *path, const void *data, size_t n)
{
	int fd;

	strcpy(path, "/tmp/yk-test-slurp.XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, n), (ssize_t)n);
	close(fd);
}

static void
test_slurp_file(void **state)
{
	char path[64];
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	temp_file(path, S("a\0b\nc"));
	yk_buf_adds(&b, ">");
	assert_int_equal(yk_in_slurp(path, &b, &err), YK_OK);
	/* appended, every byte, no newline added or taken */
	assert_int_equal(b.len, 6);
	assert_memory_equal(b.p, ">a\0b\nc", 6);
	unlink(path);
	temp_file(path, "", 0);
	b.len = 0;
	assert_int_equal(yk_in_slurp(path, &b, &err), YK_OK);
	assert_int_equal(b.len, 0);
	unlink(path);
	yk_buf_free(&b);
}

/* A named file that is not there or cannot be read is bad input. */
static void
test_slurp_bad_file(void **state)
{
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_in_slurp("/nonexistent/x", &b, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "cannot open '/nonexistent/x': No such "
				     "file or directory");
	assert_int_equal(yk_in_slurp("/", &b, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "cannot read /: Is a directory");
	assert_int_equal(b.len, 0);
	yk_buf_free(&b);
}

/* fd on standard input for the length of one yk_in_slurp(path). */
static int
slurp_stdin(int fd, const char *path, struct yk_buf *b, struct yk_err *err)
{
	int saved = dup(0), rc;

	assert_true(saved >= 0);
	assert_int_equal(dup2(fd, 0), 0);
	close(fd);
	rc = yk_in_slurp(path, b, err);
	assert_int_equal(dup2(saved, 0), 0);
	close(saved);
	return rc;
}

static void
test_slurp_stdin(void **state)
{
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(slurp_stdin(source(S("x\ny\n")), NULL, &b, &err),
			 YK_OK);
	assert_int_equal(b.len, 4);
	assert_memory_equal(b.p, "x\ny\n", 4);
	b.len = 0;
	assert_int_equal(slurp_stdin(source(S("-")), "-", &b, &err), YK_OK);
	assert_int_equal(b.len, 1);
	assert_memory_equal(b.p, "-", 1);
	/* standard input that cannot be read: the system failed */
	assert_int_equal(slurp_stdin(open("/", O_RDONLY | O_DIRECTORY), "-",
				     &b, &err),
			 YK_ERUNTIME);
	assert_string_equal(err.msg,
			    "cannot read standard input: Is a directory");
	yk_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_lines_last_without_newline),
		cmocka_unit_test(test_lines_crlf),
		cmocka_unit_test(test_lines_empty),
		cmocka_unit_test(test_lines_binary),
		cmocka_unit_test(test_lines_many),
		cmocka_unit_test(test_lines_long_scanned_once),
		cmocka_unit_test(test_lines_read_boundaries),
		cmocka_unit_test(test_lines_long),
		cmocka_unit_test(test_lines_through_pipe),
		cmocka_unit_test(test_whole),
		cmocka_unit_test(test_whole_empty),
		cmocka_unit_test(test_whole_large),
		cmocka_unit_test(test_delimited),
		cmocka_unit_test(test_delimited_varint_sizes),
		cmocka_unit_test(test_delimited_through_pipe),
		cmocka_unit_test(test_delimited_truncated),
		cmocka_unit_test(test_delimited_truncated_length),
		cmocka_unit_test(test_delimited_huge_length),
		cmocka_unit_test(test_read_error),
		cmocka_unit_test(test_slurp_file),
		cmocka_unit_test(test_slurp_bad_file),
		cmocka_unit_test(test_slurp_stdin),
	};

	return cmocka_run_group_tests_name("in", tests, NULL, NULL);
}
