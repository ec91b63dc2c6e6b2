/*
 * pbjson.h - protobuf-c messages <-> JSON, driven by the descriptors that
 * protoc-c compiles in (DESIGN.md: proto3's JSON mapping).
 *
 * Output: field names as in the .proto (not lowerCamelCase); enums by
 * name (by number when the value has none); bytes as standard base64;
 * 64-bit integers as numbers while a double holds them exactly (|v| <=
 * 2^53), as strings beyond; float and double in their shortest exact
 * form, NaN and infinities as "NaN", "Infinity", "-Infinity".  Every
 * proto3 field without presence is printed, zero values included, so a
 * velocity of 0 is seen as 0 rather than missing; fields with presence
 * (optional, messages, oneof members) only when set.
 *
 * Input: either spelling of a field name (the .proto's, or proto3's
 * lowerCamelCase json_name); enums by name or number; 64-bit integers as
 * numbers or strings; floats as numbers, or strings holding a JSON number,
 * "NaN", "Infinity" or "-Infinity"; null for "not set".  Whatever does not
 * fit is an error naming the field's path and what was wrong, never a
 * crash: an unknown field, a wrong JSON type, an integer out of its
 * type's range or with a fraction, an enum value the type does not
 * define, bad base64.
 *
 * Map fields are not supported (none of yoke's messages has one).
 *
 * google.protobuf.Timestamp, wherever it occurs (top level, nested,
 * repeated; it is the only well-known type yoke uses), is proto3's RFC
 * 3339 string in UTC: "1972-01-01T10:00:20.021Z", the fraction in 0, 3,
 * 6 or 9 digits as needed.  A Timestamp the string cannot say (seconds
 * outside 0001-01-01T00:00:00Z .. 9999-12-31T23:59:59Z, nanos outside
 * 0..999999999: an invalid message, which protobuf refuses to print) is
 * printed as the plain object {"seconds":..,"nanos":..} instead, never
 * an error.  Input takes "YYYY-MM-DDThh:mm:ss[.f]" with 1 to 9 fraction
 * digits and "Z" or an offset "+hh:mm"/"-hh:mm", as protobuf's JsonFormat
 * does: 'T' and 'Z' upper case only, no leap second, the result within
 * that range; anything else is "timestamp: not an RFC 3339 time: '...'".
 * The object form is read too (what yoke printed before, and the
 * fallback above).  No libc time function is used: TZ and the locale
 * change nothing.
 */
#ifndef YK_PBJSON_H
#define YK_PBJSON_H

#include <protobuf-c/protobuf-c.h>

#include "buf.h"
#include "err.h"

/* Append m as one JSON object (no newline); a Timestamp m as its string. */
void yk_pb_to_json(struct yk_buf *out, const ProtobufCMessage *m);

/*
 * Parse the JSON object s[0..n) into a new message of type d; free it with
 * protobuf_c_message_free_unpacked(m, NULL).  Errors are YK_EUSAGE (the
 * input is wrong) with a message such as
 *   "asimov.CloudCommand: velocity.vx: expected a number, got a string".
 */
int yk_pb_from_json(ProtobufCMessage **out, const ProtobufCMessageDescriptor *d,
		    const char *s, size_t n, struct yk_err *err);

/* Wire bytes of type d -> JSON; a message that does not unpack is
 * YK_EUSAGE "not a valid <type>". */
int yk_pb_bytes_to_json(struct yk_buf *out, const ProtobufCMessageDescriptor *d,
			const void *p, size_t n, struct yk_err *err);
/* JSON -> wire bytes of type d (appended to out). */
int yk_pb_json_to_bytes(struct yk_buf *out, const ProtobufCMessageDescriptor *d,
			const char *s, size_t n, struct yk_err *err);

#endif
