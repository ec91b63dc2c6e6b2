/*
 * key.c - libFuzzer target for key expressions (lib/key.h): three lines,
 * two expressions and a key.  Query expressions and reply keys come from
 * the network, so parsing and matching must hold on anything, and in
 * bounded time (libFuzzer's -timeout catches a match that backtracks).
 * What holds: a key an expression matches is one whose scoped topic the
 * expression's filter could deliver; meet implies intersect; a concrete
 * expression matches its own text.
 */
#include "fuzz.h"
#include "key.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct yk_scope sc = {.root = "yoke", .org = "default"};
	struct yk_kexpr a = {0}, b = {0};
	struct yk_err err = {0};
	struct yk_cap caps[YK_MAX_CAPS];
	struct yk_buf meet = {0};
	char *p[3];
	bool pa, pb;

	fuzz_split(data, size, p, 3);
	pa = yk_kexpr_parse(&a, &sc, p[0], &err) == YK_OK;
	pb = yk_kexpr_parse(&b, &sc, p[1], &err) == YK_OK;
	if (pa) {
		yk_kexpr_match(&a, p[2], caps);
		if (yk_kexpr_concrete(&a) && !yk_kexpr_match(&a, a.text, NULL))
			abort();
	}
	if (pa && pb) {
		bool in = yk_kexpr_intersects(&a, &b);

		if (yk_kexpr_meet(&a, &b, &meet) && !in)
			abort();
	}
	yk_key_check(&sc, p[2], &err);
	yk_id_check("robot id", p[2], &err);
	yk_buf_free(&meet);
	yk_kexpr_free(&a);
	yk_kexpr_free(&b);
	free(p[0]);
	return 0;
}
