/*
 * pbjson.c - messages converted per second on one core by lib/pbjson,
 * both ways, against protobuf-c's own pack and unpack of the same message
 * (the ceiling: JSON <-> protobuf does that and the JSON work on top).
 *
 * usage: pbjson TYPE FILE.json [SECONDS]
 *
 * Prints one line per measurement, "NAME RATE" in messages per second:
 *   json_to_pb  yk_pb_json_to_bytes: parse, build, pack, free
 *   pack        protobuf_c_message_pack of the message already built
 *   pb_to_json  yk_pb_bytes_to_json: unpack, print, free
 *   unpack      protobuf_c_message_unpack + free_unpacked
 * Each runs for SECONDS (default 1) of CPU time of this process, in
 * batches, after a warm-up batch; the output buffers are reused, as a
 * tool converting a stream reuses its own.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pbjson.h"
#include "pbreg.h"

static double
cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

struct job {
	const ProtobufCMessageDescriptor *d;
	const char *json;
	size_t json_len;
	struct yk_buf wire, out;
	ProtobufCMessage *msg;
};

enum { JSON_TO_PB, PACK, PB_TO_JSON, UNPACK };

static void
once(struct job *j, int what)
{
	struct yk_err err = {0};
	ProtobufCMessage *m;
	int rc = YK_OK;

	j->out.len = 0;
	switch (what) {
	case JSON_TO_PB:
		rc = yk_pb_json_to_bytes(&j->out, j->d, j->json, j->json_len,
					 &err);
		break;
	case PACK:
		protobuf_c_message_pack(j->msg, (uint8_t *)j->out.p);
		break;
	case PB_TO_JSON:
		rc = yk_pb_bytes_to_json(&j->out, j->d, j->wire.p, j->wire.len,
					 &err);
		break;
	case UNPACK:
		m = protobuf_c_message_unpack(j->d, NULL, j->wire.len,
					      (const uint8_t *)j->wire.p);
		if (m == NULL)
			rc = YK_EUSAGE;
		else
			protobuf_c_message_free_unpacked(m, NULL);
		break;
	}
	if (rc != YK_OK) {
		fprintf(stderr, "pbjson: %s\n", err.msg);
		exit(1);
	}
}

static double
rate(struct job *j, int what, double seconds)
{
	long n = 0, batch = 1000;
	double t0, t;

	for (long i = 0; i < batch; i++)
		once(j, what);
	t0 = cpu_s();
	do {
		for (long i = 0; i < batch; i++)
			once(j, what);
		n += batch;
		t = cpu_s() - t0;
	} while (t < seconds);
	return (double)n / t;
}

int
main(int argc, char **argv)
{
	static const char *const names[] = {"json_to_pb", "pack", "pb_to_json",
					    "unpack"};
	struct job j = {0};
	struct yk_buf text = {0};
	struct yk_err err = {0};
	double seconds = argc > 3 ? atof(argv[3]) : 1.0;
	char chunk[4096];
	size_t n;
	FILE *f;

	if (argc < 3) {
		fprintf(stderr, "usage: pbjson TYPE FILE.json [SECONDS]\n");
		return 2;
	}
	if (yk_pbreg_find(&j.d, argv[1], &err) != YK_OK) {
		fprintf(stderr, "pbjson: %s\n", err.msg);
		return 2;
	}
	f = fopen(argv[2], "rb");
	if (f == NULL) {
		perror(argv[2]);
		return 2;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		yk_buf_add(&text, chunk, n);
	fclose(f);
	j.json = text.p;
	j.json_len = text.len;
	if (yk_pb_from_json(&j.msg, j.d, j.json, j.json_len, &err) != YK_OK ||
	    yk_pb_json_to_bytes(&j.wire, j.d, j.json, j.json_len, &err) !=
		    YK_OK) {
		fprintf(stderr, "pbjson: %s: %s\n", argv[2], err.msg);
		return 2;
	}
	yk_buf_reserve(&j.out, j.wire.len + j.json_len * 2);
	printf("bytes %zu json_bytes %zu\n", j.wire.len, j.json_len);
	for (int w = 0; w < 4; w++)
		printf("%s %.0f\n", names[w], rate(&j, w, seconds));
	protobuf_c_message_free_unpacked(j.msg, NULL);
	yk_buf_free(&j.wire);
	yk_buf_free(&j.out);
	yk_buf_free(&text);
	return 0;
}
