/*
 * in.h - input framing for publishing tools: one message from all of the
 * input, one per line, or length-delimited frames (a varint length before
 * each, as protobuf's writeDelimitedTo writes them).
 *
 * Non-blocking friendly: yk_in_fill does one read(2) when the caller's poll
 * says the descriptor is readable; yk_in_next hands out every complete
 * frame buffered so far.  Frames point into the buffer and stay valid until
 * the next yk_in_fill.
 */
#ifndef YK_IN_H
#define YK_IN_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

enum yk_framing { YK_FRAME_WHOLE, YK_FRAME_LINES, YK_FRAME_DELIMITED };

/* Largest frame: MQTT's payload limit (256 MiB). */
#define YK_IN_MAX_FRAME (256u * 1024 * 1024)

struct yk_in {
	int fd;
	enum yk_framing mode;
	const char *name;    /* "standard input" or a file name */
	struct yk_buf buf;
	size_t off;          /* start of unread data in buf */
	bool eof;
	bool done;           /* the last frame has been handed out */
	unsigned long frame; /* number of the frame last handed out (1-based) */
	size_t scan;         /* lines: bytes after off searched for '\n' */
	unsigned long long scanned; /* lines: bytes searched in all (tests) */
};

void yk_in_init(struct yk_in *in, int fd, enum yk_framing mode,
		const char *name);
/* One read(2).  Sets eof at end of input. */
int yk_in_fill(struct yk_in *in, struct yk_err *err);
/* 1: a frame in *p, *n; 0: need more input (or all done); <0: bad input. */
int yk_in_next(struct yk_in *in, const char **p, size_t *n,
	       struct yk_err *err);
/* Open a file that must be a regular one (a reply file, a key file):
 * its descriptor, or -1 (cannot open) or -2 (not a regular file) with
 * *why saying why not, without blocking on a FIFO or a device.  Input
 * that may be a FIFO (yoke-pub -f) is opened plainly. */
int yk_in_open_regular(const char *path, const char **why);
/* All of path (NULL or "-": standard input) appended to out, as one
 * message (yoke-pub -f, -s).  A named file that cannot be opened or read
 * is bad input, YK_EUSAGE ("cannot open 'f': ..."); standard input that
 * cannot be read, YK_ERUNTIME; more than YK_IN_MAX_FRAME, YK_EUSAGE. */
int yk_in_slurp(const char *path, struct yk_buf *out, struct yk_err *err);
/* True when every frame has been handed out. */
bool yk_in_done(const struct yk_in *in);
void yk_in_free(struct yk_in *in);

#endif
