/*
 * framing.c - libFuzzer target for input framing (lib/in.h): the input,
 * after a first byte that picks the framing (whole, lines, varint
 * delimited) and how many bytes each read(2) returns, is fed through a
 * pipe as yoke-pub reads stdin; then every frame goes through the base64
 * decoder and the varint reader.  What holds: frames lie inside the
 * buffer, all of the input is the one frame in whole mode, delimited
 * frames and their lengths take no more bytes than the input, and a frame
 * is never larger than YK_IN_MAX_FRAME.
 */
#include <fcntl.h>
#include <unistd.h>

#include "b64.h"
#include "fuzz.h"
#include "in.h"
#include "varint.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum yk_framing modes[] = {
		YK_FRAME_WHOLE, YK_FRAME_LINES, YK_FRAME_DELIMITED};
	struct yk_in in;
	struct yk_err err = {0};
	struct yk_buf again = {0}, dec = {0};
	size_t off = 0, chunk;
	int fds[2];
	enum yk_framing mode;

	if (size < 1)
		return 0;
	mode = modes[data[0] % 3];
	chunk = 1 + (data[0] >> 2) * 7u; /* 1 .. 442 bytes a read */
	data++;
	size--;
	if (pipe2(fds, O_NONBLOCK) != 0)
		abort();
	yk_in_init(&in, fds[0], mode, "fuzz input");
	for (;;) {
		const char *p;
		size_t n;
		int rc;

		/* what the next read(2) gets; then the end */
		if (off < size) {
			size_t k = size - off < chunk ? size - off : chunk;

			if (write(fds[1], data + off, k) != (ssize_t)k)
				abort();
			off += k;
		} else if (fds[1] >= 0) {
			close(fds[1]);
			fds[1] = -1;
		}
		if (yk_in_fill(&in, &err) != YK_OK)
			break;
		while ((rc = yk_in_next(&in, &p, &n, &err)) == 1) {
			uint64_t v;

			if (n > YK_IN_MAX_FRAME ||
			    (n && (p < in.buf.p || p + n > in.buf.p + in.buf.len)))
				abort();
			if (mode == YK_FRAME_DELIMITED)
				yk_buf_addc(&again, 'L'); /* its length: >= 1 */
			yk_buf_add(&again, p, n);
			if (mode == YK_FRAME_LINES)
				yk_buf_addc(&again, '\n');
			yk_buf_truncate(&dec, 0);
			yk_b64_decode(&dec, p, n);
			yk_varint_get(p, n, &v);
		}
		if (rc < 0 || yk_in_done(&in) || (in.eof && rc == 0))
			break;
	}
	/* what was framed is the input (lines: a last line without its
	 * newline gets one; CR LF may lose its CR) */
	if (mode == YK_FRAME_WHOLE && yk_in_done(&in) &&
	    !fuzz_same(again.p, again.len, data, size))
		abort();
	/* delimited: a length may be written longer than it needs (0x80
	 * 0x00 is 0), so the frames take at most the input's bytes */
	if (mode == YK_FRAME_DELIMITED && again.len > size)
		abort();
	yk_in_free(&in);
	if (fds[1] >= 0)
		close(fds[1]);
	close(fds[0]);
	yk_buf_free(&again);
	yk_buf_free(&dec);
	return 0;
}
