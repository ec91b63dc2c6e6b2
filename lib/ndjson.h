/*
 * ndjson.h - messages as JSON lines, the input twin of yoke-sub's output:
 * {"key":"arm-042/cmd","payload":<any JSON>} or {"key":..,"payload_b64":..}.
 *
 * A string payload is published as its text (as yoke-sub prints a text
 * payload), any other JSON value as its compact JSON text, payload_b64 as
 * the decoded bytes.  An optional "priority" (0-255 or a class name) sets
 * the line's place in the send queue.  With yk_ndjson_replay, the ts,
 * qos and retain that yoke-sub prints are read too, so `yoke-sub ... |
 * yoke-pub --ndjson` replays a capture as it was; other fields (source,
 * captures, error) are ignored.
 */
#ifndef YK_NDJSON_H
#define YK_NDJSON_H

#include <stdbool.h>
#include <stdint.h>

#include <protobuf-c/protobuf-c.h>

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

/* What a captured line says of its message besides key and payload. */
struct yk_ndjson_meta {
	int qos;       /* 0 or 1; -1: not given */
	int retain;    /* 0 or 1; -1: not given */
	int64_t ts_us; /* "ts" (seconds) in microseconds; -1: not given or
			  null */
	bool object;   /* the payload is a JSON object (not a string, not
			  payload_b64): what --encode turns into protobuf */
};

/* yk_ndjson_msg, also filling meta.  YK_EUSAGE: "\"qos\" must be 0 or
 * 1", "\"retain\" must be true or false", "\"ts\" must be seconds
 * since the epoch". */
int yk_ndjson_replay(const char *line, size_t n, struct yk_buf *key,
		     struct yk_buf *payload, int *prio,
		     struct yk_ndjson_meta *meta, struct yk_err *err);

/*
 * --encode with --ndjson: a line whose payload is a JSON object
 * (meta->object) becomes protobuf of type pb or, pb NULL, of the type
 * key's channel carries (yk_pbchan_for_key, as yoke-sub --decode auto
 * chose it), in place of payload; strings, payload_b64 and channels that
 * carry no protobuf stay as they are.  tmp is scratch.  YK_EUSAGE as
 * yk_pb_json_to_bytes says ("asimov.CloudCommand: velocity.vx: ...").
 */
int yk_ndjson_encode(struct yk_buf *payload, const char *key,
		     const struct yk_ndjson_meta *meta,
		     const ProtobufCMessageDescriptor *pb, struct yk_buf *tmp,
		     struct yk_err *err);

#endif
