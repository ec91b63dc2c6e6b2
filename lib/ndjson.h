/*
 * ndjson.h - messages as JSON lines, the input twin of yoke-sub's output:
 * {"key":"arm-042/cmd","payload":<any JSON>} or {"key":..,"payload_b64":..}.
 *
 * A string payload is published as its text (as yoke-sub prints a text
 * payload), any other JSON value as its compact JSON text, payload_b64 as
 * the decoded bytes.  Other fields (ts, qos, retain, source, captures) are
 * ignored, so `yoke-sub ... | yoke-pub --ndjson` replays a capture.
 */
#ifndef YK_NDJSON_H
#define YK_NDJSON_H

#include "buf.h"
#include "err.h"

/* Parse one line into key and payload (both appended to). */
int yk_ndjson_msg(const char *line, size_t n, struct yk_buf *key,
		  struct yk_buf *payload, struct yk_err *err);

#endif
