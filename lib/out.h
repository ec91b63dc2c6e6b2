/*
 * out.h - what yoke writes on stdout: received messages as JSON lines
 * (DESIGN.md "Data on stdin and stdout"), text, or raw payloads, through one
 * buffered writer.
 *
 * The writer is flushed by the tool before it blocks waiting for the
 * network, so a pipe sees every message as soon as it arrives while a burst
 * costs one write(2) instead of one per message.
 */
#ifndef YK_OUT_H
#define YK_OUT_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "key.h"

/* YK_FMT_DELIMITED: raw payloads, each after its varint length (yoke-sub
 * --framing delimited); not one of --format's names. */
enum yk_fmt { YK_FMT_JSON, YK_FMT_TEXT, YK_FMT_RAW, YK_FMT_DELIMITED };
extern const char *const yk_fmt_names[]; /* "json", "text", "raw" */

struct yk_out {
	int fd;
	struct yk_buf b;
};

void yk_out_init(struct yk_out *o, int fd);
/* Whether fd gets human output (tables, colour): a terminal, and no
 * NO_COLOR in the environment (DESIGN.md: never with NO_COLOR). */
bool yk_out_human(int fd);
/* Write what is buffered.  YK_EXIT: the reader went away (EPIPE); stop
 * quietly.  Other failures: "write failure on standard output". */
int yk_out_flush(struct yk_out *o, struct yk_err *err);
void yk_out_free(struct yk_out *o);

/* One received message, as a tool prints it. */
struct yk_outmsg {
	const char *key;         /* scope stripped */
	const char *source;      /* yoke-get: "retained" or "reply"; or NULL */
	int64_t ts_us;           /* sender's timestamp, <0 when absent */
	int qos;
	bool retain;
	const struct yk_cap *caps;
	int ncaps;
	const void *payload;
	size_t len;
	const char *error;       /* a queryable's error, or why the payload
				    did not decode; or NULL */
	const char *json;        /* the payload already turned into JSON
				    (yoke-sub --decode), or NULL */
	size_t json_len;
	bool b64;                /* payload_b64 whatever the bytes are (a
				    payload that did not decode) */
};

void yk_out_message(struct yk_buf *b, enum yk_fmt f,
		    const struct yk_outmsg *m);
/* ,"payload":<json|string> or ,"payload_b64":"..." */
void yk_out_payload(struct yk_buf *b, const void *p, size_t n);
/* Seconds with microseconds: 1795300718.861248 */
void yk_out_ts(struct yk_buf *b, int64_t us);

#endif
