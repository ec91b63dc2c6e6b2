/*
 * ndjson.h - messages as JSON lines, the input twin of yoke-sub's output:
 * {"key":"arm-042/cmd","payload":<any JSON>} or {"key":..,"payload_b64":..}.
 *
 * A string payload is published as its text (as yoke-sub prints a text
 * payload), any other JSON value as its compact JSON text, payload_b64 as
 * the decoded bytes.  An optional "priority" (0-255 or a class name) sets
 * the line's place in the send queue.  Other fields (ts, qos, retain,
 * source, captures) are ignored, so `yoke-sub ... | yoke-pub --ndjson`
 * replays a capture.
 */
#ifndef YK_NDJSON_H
#define YK_NDJSON_H

#include "buf.h"
#include "err.h"
#include "json.h"

/* True for a line that holds only JSON whitespace (none included): it
 * is skipped, as an empty line is, not an error. */
bool yk_ndjson_blank(const char *line, size_t n);

/* Parse one line into key and payload (both replaced); *prio is set
 * when the line has a priority and left alone otherwise. */
int yk_ndjson_msg(const char *line, size_t n, struct yk_buf *key,
		  struct yk_buf *payload, int *prio, struct yk_err *err);

#endif
