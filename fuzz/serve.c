/*
 * serve.c - libFuzzer target for a queryable's reading of queries
 * (lib/serve.h: yk_serve_request): anyone who may write a robot's query
 * channel sends these.  The input is four parts, split at newlines: the
 * served expression, the query's response topic, its correlation data
 * and its payload.  Nothing may crash or leak; a reply channel, when
 * there is one, is always inside the scope, and a reason given for a
 * dropped query holds no control character (it reaches a terminal).
 */
#include "fuzz.h"
#include "key.h"
#include "serve.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct yk_scope sc = {.root = "yoke", .org = "acme"};
	struct yk_serve sv = {0};
	struct yk_serve_req req;
	struct yk_kexpr ex;
	struct yk_err err = {0}, why;
	char *p[4];

	fuzz_split(data, size, p, 4);
	if (yk_kexpr_parse(&ex, &sc, p[0][0] ? p[0] : "**", &err) == YK_OK) {
		struct yk_rx rx = {
			.topic = "yoke/acme/_query/arm-1", .payload = p[3],
			.len = strlen(p[3]), .qos = 1, .ts_us = -1,
			.resp_topic = p[1][0] ? p[1] : NULL, .corr = p[2],
			.corr_len = strlen(p[2]),
		};

		sv.cfg = (struct yk_serve_cfg){.scope = &sc, .ex = &ex};
		if (yk_serve_request(&sv, &rx, &req, &why)) {
			if (strncmp(req.topic, "yoke/acme/", 10) != 0 ||
			    req.key == NULL)
				__builtin_trap();
			yk_serve_req_free(&req);
		} else {
			for (const char *c = why.msg; *c; c++)
				if ((unsigned char)*c < 0x20 || *c == 0x7f)
					__builtin_trap();
		}
		yk_kexpr_free(&ex);
	}
	free(p[0]);
	return 0;
}
