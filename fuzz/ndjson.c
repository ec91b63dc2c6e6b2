/*
 * ndjson.c - libFuzzer target for `yoke-pub --ndjson` lines (lib/ndjson.h):
 * one line, as yk_in hands it out (no newline), then the key check that
 * yoke-pub runs on the key it gives.  What holds: no crash, and a
 * priority, when the line gives one, in 0..255.
 */
#include "fuzz.h"
#include "key.h"
#include "ndjson.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct yk_scope sc = {.root = "yoke", .org = "default"};
	struct yk_buf key = {0}, payload = {0};
	struct yk_err err = {0};
	int prio = -1;

	if (yk_ndjson_msg((const char *)data, size, &key, &payload, &prio,
			  &err) == YK_OK) {
		yk_buf_addc(&key, '\0');
		yk_key_check(&sc, key.p, &err);
		if (prio < -1 || prio > 255)
			abort();
	}
	yk_buf_free(&key);
	yk_buf_free(&payload);
	return 0;
}
