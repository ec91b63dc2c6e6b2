/*
 * pbjson.c - libFuzzer target for lib/pbjson.c, both directions, on
 * pbtest.All (every field shape; tests/unit/proto/pbtest.proto) and on
 * every message yoke knows (lib/pbreg.h: oneofs, nested and repeated
 * messages of the robot API).
 *
 * The first byte picks the type (0: pbtest.All, k: the (k-1)-th of the
 * registry, modulo their number); the rest is taken as protobuf bytes and
 * as JSON.  Besides "never crash,
 * never read or write out of bounds, never leak" (ASan, UBSan), what holds:
 * - whatever converts to JSON converts to valid JSON;
 * - JSON we print is JSON we read back, to the same JSON (one pass makes
 *   any accepted input canonical).
 * Bytes of an unknown enum value print as a number, which JSON input
 * refuses, so from bytes the read-back may fail, but must not crash.
 *
 * `make fuzz` builds it with clang and runs it (FUZZ_SECONDS).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "pbjson.h"
#include "pbreg.h"
#include "pbtest.pb-c.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const ProtobufCMessageDescriptor *
pick(uint8_t b)
{
	size_t n = 0;

	while (yk_pbreg_at(n) != NULL)
		n++;
	b %= (uint8_t)(n + 1);
	return b == 0 ? &pbtest__all__descriptor : yk_pbreg_at(b - 1u);
}

/* j is JSON we printed: it must read back and print the same. */
static void
canonical(const ProtobufCMessageDescriptor *type, const struct yk_buf *j,
	  bool must_read)
{
	ProtobufCMessage *m;
	struct yk_buf again = {0};
	struct yk_err err = {0};

	if (!yk_json_valid(j->p, j->len))
		abort();
	if (yk_pb_from_json(&m, type, j->p, j->len, &err) != YK_OK) {
		if (must_read)
			abort();
		return;
	}
	yk_pb_to_json(&again, m);
	if (again.len != j->len || memcmp(again.p, j->p, j->len) != 0)
		abort();
	protobuf_c_message_free_unpacked(m, NULL);
	yk_buf_free(&again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const ProtobufCMessageDescriptor *type;
	struct yk_buf j = {0};
	struct yk_err err = {0};
	ProtobufCMessage *m;

	if (size == 0)
		return 0;
	type = pick(data[0]);
	data++;
	size--;
	if (yk_pb_bytes_to_json(&j, type, data, size, &err) == YK_OK)
		canonical(type, &j, false);
	yk_buf_free(&j);
	if (yk_pb_from_json(&m, type, (const char *)data, size, &err) ==
	    YK_OK) {
		yk_pb_to_json(&j, m);
		protobuf_c_message_free_unpacked(m, NULL);
		canonical(type, &j, true);
		yk_buf_free(&j);
	}
	return 0;
}
