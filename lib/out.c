/*
 * out.c - message output and the stdout writer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "b64.h"
#include "json.h"
#include "out.h"
#include "varint.h"

const char *const yk_fmt_names[] = {"json", "text", "raw", NULL};

void
yk_out_init(struct yk_out *o, int fd)
{
	memset(o, 0, sizeof(*o));
	o->fd = fd;
}

bool
yk_out_human(int fd)
{
	const char *nc = getenv("NO_COLOR");

	return isatty(fd) && (nc == NULL || *nc == '\0');
}

int
yk_out_flush(struct yk_out *o, struct yk_err *err)
{
	size_t off = 0;

	while (off < o->b.len) {
		ssize_t n = write(o->fd, o->b.p + off, o->b.len - off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			o->b.len = 0;
			if (errno == EPIPE)
				return YK_EXIT;
			return yk_err_set(err, YK_ERUNTIME,
					  "write failure on standard output: "
					  "%s",
					  strerror(errno));
		}
		off += (size_t)n;
	}
	o->b.len = 0;
	return YK_OK;
}

void
yk_out_free(struct yk_out *o)
{
	yk_buf_free(&o->b);
}

void
yk_out_ts(struct yk_buf *b, int64_t us)
{
	char frac[7];
	int64_t f = us % 1000000;

	yk_buf_addi(b, us / 1000000);
	yk_buf_addc(b, '.');
	for (int i = 5; i >= 0; i--) {
		frac[i] = (char)('0' + f % 10);
		f /= 10;
	}
	yk_buf_add(b, frac, 6);
}

static void
put_b64(struct yk_buf *b, const void *p, size_t n)
{
	yk_buf_add(b, ",\"payload_b64\":\"", 16);
	yk_b64_encode(b, p, n);
	yk_buf_addc(b, '"');
}

void
yk_out_payload(struct yk_buf *b, const void *p, size_t n)
{
	const char *s = p;

	if (n > 0 && yk_json_valid(s, n)) {
		yk_buf_add(b, ",\"payload\":", 11);
		yk_json_minify(b, s, n);
	} else if (yk_utf8_valid(s, n)) {
		yk_buf_add(b, ",\"payload\":", 11);
		yk_json_str(b, s, n);
	} else {
		put_b64(b, s, n);
	}
}

void
yk_out_message(struct yk_buf *b, enum yk_fmt f, const struct yk_outmsg *m)
{
	if (f == YK_FMT_DELIMITED)
		yk_varint_put(b, m->len);
	if (f == YK_FMT_RAW || f == YK_FMT_DELIMITED) {
		yk_buf_add(b, m->payload, m->len);
		return;
	}
	if (f == YK_FMT_TEXT) {
		yk_buf_adds(b, m->key);
		yk_buf_addc(b, ' ');
		if (m->json)
			yk_buf_add(b, m->json, m->json_len);
		else
			yk_buf_add(b, m->payload, m->len);
		yk_buf_addc(b, '\n');
		return;
	}
	yk_buf_add(b, "{\"key\":", 7);
	yk_json_strz(b, m->key);
	if (m->source) {
		yk_buf_add(b, ",\"source\":", 10);
		yk_json_strz(b, m->source);
	}
	if (m->ts_us >= 0) {
		yk_buf_add(b, ",\"ts\":", 6);
		yk_out_ts(b, m->ts_us);
	}
	yk_buf_add(b, ",\"qos\":", 7);
	yk_buf_addc(b, (char)('0' + m->qos));
	yk_buf_adds(b, m->retain ? ",\"retain\":true" : ",\"retain\":false");
	for (int i = 0; i < m->ncaps; i++) {
		yk_buf_addc(b, ',');
		yk_json_strz(b, m->caps[i].name);
		yk_buf_addc(b, ':');
		yk_json_str(b, m->caps[i].p, m->caps[i].n);
	}
	if (m->error) {
		yk_buf_add(b, ",\"error\":", 9);
		yk_json_strz(b, m->error);
	}
	if (m->json) {
		yk_buf_add(b, ",\"payload\":", 11);
		yk_buf_add(b, m->json, m->json_len);
	} else if (m->b64) {
		put_b64(b, m->payload, m->len);
	} else {
		yk_out_payload(b, m->payload, m->len);
	}
	yk_buf_add(b, "}\n", 2);
}
