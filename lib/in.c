/*
 * in.c - input framing.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "in.h"
#include "varint.h"

#define CHUNK 65536

void
yk_in_init(struct yk_in *in, int fd, enum yk_framing mode, const char *name)
{
	memset(in, 0, sizeof(*in));
	in->fd = fd;
	in->mode = mode;
	in->name = name;
}

int
yk_in_fill(struct yk_in *in, struct yk_err *err)
{
	ssize_t n;

	if (in->eof)
		return YK_OK;
	/* Keep the buffer from creeping: drop what was handed out. */
	if (in->off > 0 && (in->off >= in->buf.len / 2 || in->off > CHUNK)) {
		yk_buf_consume(&in->buf, in->off);
		in->off = 0;
	}
	yk_buf_reserve(&in->buf, CHUNK);
	do {
		n = read(in->fd, in->buf.p + in->buf.len, CHUNK);
	} while (n < 0 && errno == EINTR);
	if (n < 0) {
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			return YK_OK;
		return yk_err_set(err, YK_ERUNTIME, "cannot read %s: %s",
				  in->name, strerror(errno));
	}
	if (n == 0)
		in->eof = true;
	in->buf.len += (size_t)n;
	if (in->mode == YK_FRAME_WHOLE && in->buf.len > YK_IN_MAX_FRAME)
		return yk_err_set(err, YK_EUSAGE,
				  "%s is larger than an MQTT message can be "
				  "(256 MiB)",
				  in->name);
	return YK_OK;
}

/*
 * A line's bytes are searched for '\n' once: in->scan remembers how far
 * the search got, so a line that arrives in many reads costs its length,
 * not its length times the number of reads (a 100 MB line is 1,600 reads
 * of 64 KiB).
 */
static int
next_line(struct yk_in *in, const char **p, size_t *n, struct yk_err *err)
{
	size_t avail = in->buf.len - in->off;
	/* before the first read buf.p is NULL: no offset from it */
	char *s = avail ? in->buf.p + in->off : NULL;
	char *nl = NULL;
	size_t l;

	if (avail > in->scan) {
		nl = memchr(s + in->scan, '\n', avail - in->scan);
		in->scanned += nl ? (size_t)(nl - s) + 1 - in->scan
				  : avail - in->scan;
		in->scan = avail;
	}
	if (nl == NULL) {
		if (avail > YK_IN_MAX_FRAME) {
			yk_err_set(err, YK_EUSAGE,
				   "%s line %lu is longer than an MQTT message "
				   "can be (256 MiB)",
				   in->name, in->frame + 1);
			return -1;
		}
		if (!in->eof)
			return 0;
		in->done = true;
		if (avail == 0)
			return 0;
		l = avail; /* the last line, without a newline */
		in->off += avail;
	} else {
		l = (size_t)(nl - s);
		in->off += l + 1;
	}
	in->scan = 0;
	if (l > 0 && s[l - 1] == '\r')
		l--;
	*p = s;
	*n = l;
	in->frame++;
	return 1;
}

static int
next_delimited(struct yk_in *in, const char **p, size_t *n,
	       struct yk_err *err)
{
	size_t avail = in->buf.len - in->off;
	const char *s = avail ? in->buf.p + in->off : NULL;
	uint64_t len = 0;
	int h;

	if (avail == 0) {
		if (in->eof)
			in->done = true;
		return 0;
	}
	h = yk_varint_get(s, avail, &len);
	if (h < 0 || len > YK_IN_MAX_FRAME) {
		yk_err_set(err, YK_EUSAGE,
			   "%s: frame %lu: length prefix is not a valid varint "
			   "or exceeds 256 MiB",
			   in->name, in->frame + 1);
		return -1;
	}
	if (h == 0 && in->eof) {
		yk_err_set(err, YK_EUSAGE,
			   "%s: frame %lu is truncated inside its length "
			   "prefix",
			   in->name, in->frame + 1);
		return -1;
	}
	if (h == 0 || avail - (size_t)h < len) {
		if (!in->eof)
			return 0;
		yk_err_set(err, YK_EUSAGE,
			   "%s: frame %lu is truncated: %llu bytes announced, "
			   "%zu present",
			   in->name, in->frame + 1, (unsigned long long)len,
			   avail - (size_t)h);
		return -1;
	}
	*p = s + h;
	*n = (size_t)len;
	in->off += (size_t)h + (size_t)len;
	in->frame++;
	return 1;
}

int
yk_in_next(struct yk_in *in, const char **p, size_t *n, struct yk_err *err)
{
	if (in->done)
		return 0;
	switch (in->mode) {
	case YK_FRAME_LINES:
		return next_line(in, p, n, err);
	case YK_FRAME_DELIMITED:
		return next_delimited(in, p, n, err);
	default:
		if (!in->eof)
			return 0;
		in->done = true;
		*p = in->buf.p ? in->buf.p : "";
		*n = in->buf.len;
		in->off = in->buf.len;
		in->frame = 1;
		return 1;
	}
}

int
yk_in_open_regular(const char *path, const char **why)
{
	/* O_NONBLOCK: open(2) of a FIFO without a writer waits for one */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = S_ISDIR(st.st_mode) ? strerror(EISDIR)
					    : "not a regular file";
		close(fd);
		return -2;
	}
	/* a regular file never blocks; reads are plain from here */
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

int
yk_in_slurp(const char *path, struct yk_buf *out, struct yk_err *err)
{
	bool named = path && strcmp(path, "-") != 0;
	struct yk_in in;
	const char *f;
	size_t n;
	int fd = 0;

	if (named) {
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return yk_err_set(err, YK_EUSAGE,
					  "cannot open '%s': %s", path,
					  strerror(errno));
	}
	yk_in_init(&in, fd, YK_FRAME_WHOLE, named ? path : "standard input");
	while (!in.eof)
		if (yk_in_fill(&in, err) != YK_OK)
			break;
	if (named)
		close(fd);
	if (in.eof && yk_in_next(&in, &f, &n, err) == 1)
		yk_buf_add(out, f, n);
	yk_in_free(&in);
	if (in.eof)
		return YK_OK;
	if (err->rc == YK_ERUNTIME && named)
		err->rc = YK_EUSAGE; /* the named file is bad input */
	return err->rc;
}

bool
yk_in_done(const struct yk_in *in)
{
	return in->done;
}

void
yk_in_free(struct yk_in *in)
{
	yk_buf_free(&in->buf);
}
