/*
 * test_map.c - the string-keyed hash map (lib/map.h).
 *
 * Per-key state (stats, live tokens, robots that answered) lives here, so
 * a key that is lost or found twice shows up as a wrong fleet listing.
 * Deletion shifts entries back instead of leaving tombstones; the
 * collision tests below build probe chains on purpose, using the map's
 * FNV-1a hash, and the random test checks every operation against a
 * plain array.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "map.h"

static void
test_put_get(void **state)
{
	struct yk_map m = {0};
	struct yk_map_ent *e;
	int a = 1, b = 2;

	(void)state;
	assert_null(yk_map_get(&m, "x"));
	e = yk_map_put(&m, "arm-042");
	assert_non_null(e);
	assert_string_equal(e->key, "arm-042");
	assert_null(e->val);
	e->val = &a;
	yk_map_put(&m, "cam-1")->val = &b;
	assert_int_equal(m.n, 2);
	assert_ptr_equal(yk_map_get(&m, "arm-042")->val, &a);
	assert_ptr_equal(yk_map_get(&m, "cam-1")->val, &b);
	assert_null(yk_map_get(&m, "arm-04"));
	assert_null(yk_map_get(&m, "arm-0422"));
	assert_null(yk_map_get(&m, ""));
	/* putting an existing key finds it, value kept */
	e = yk_map_put(&m, "arm-042");
	assert_ptr_equal(e->val, &a);
	assert_int_equal(m.n, 2);
	yk_map_free(&m);
	assert_int_equal(m.n, 0);
	assert_null(yk_map_get(&m, "arm-042"));
}

static void
test_keys_copied(void **state)
{
	struct yk_map m = {0};
	char key[16] = "arm-042";

	(void)state;
	yk_map_put(&m, key);
	strcpy(key, "changed");
	assert_non_null(yk_map_get(&m, "arm-042"));
	assert_null(yk_map_get(&m, "changed"));
	yk_map_free(&m);
}

static void
test_empty_key(void **state)
{
	struct yk_map m = {0};
	int v;

	(void)state;
	yk_map_put(&m, "")->val = &v;
	assert_ptr_equal(yk_map_get(&m, "")->val, &v);
	assert_ptr_equal(yk_map_del(&m, ""), &v);
	assert_null(yk_map_get(&m, ""));
	yk_map_free(&m);
}

static void
test_del(void **state)
{
	struct yk_map m = {0};
	int a, b;

	(void)state;
	assert_null(yk_map_del(&m, "nothing"));
	yk_map_put(&m, "a")->val = &a;
	yk_map_put(&m, "b")->val = &b;
	assert_ptr_equal(yk_map_del(&m, "a"), &a);
	assert_int_equal(m.n, 1);
	assert_null(yk_map_get(&m, "a"));
	assert_null(yk_map_del(&m, "a"));
	assert_ptr_equal(yk_map_get(&m, "b")->val, &b);
	/* put again after delete: a fresh slot */
	assert_null(yk_map_put(&m, "a")->val);
	assert_int_equal(m.n, 2);
	yk_map_free(&m);
}

static void
test_grow(void **state)
{
	static int vals[5000];
	struct yk_map m = {0};
	char key[32];

	(void)state;
	for (int i = 0; i < 5000; i++) {
		snprintf(key, sizeof(key), "robot-%d/telemetry", i);
		yk_map_put(&m, key)->val = &vals[i];
	}
	assert_int_equal(m.n, 5000);
	for (int i = 0; i < 5000; i++) {
		struct yk_map_ent *e;

		snprintf(key, sizeof(key), "robot-%d/telemetry", i);
		e = yk_map_get(&m, key);
		if (e == NULL || e->val != &vals[i])
			fail_msg("'%s' lost after growing", key);
	}
	yk_map_free(&m);
}

static void
test_iterate(void **state)
{
	static char seen[300];
	struct yk_map m = {0};
	struct yk_map_ent *e;
	char key[16];
	size_t i = 0;
	int n = 0;

	(void)state;
	for (int k = 0; k < 300; k++) {
		snprintf(key, sizeof(key), "%d", k);
		yk_map_put(&m, key)->val = &seen[k];
	}
	for (int k = 0; k < 300; k += 3) {
		snprintf(key, sizeof(key), "%d", k);
		yk_map_del(&m, key);
	}
	/* every live key exactly once */
	for (e = yk_map_next(&m, &i); e; e = yk_map_next(&m, &i)) {
		int k = atoi(e->key);

		assert_ptr_equal(e->val, &seen[k]);
		assert_int_not_equal(k % 3, 0);
		seen[k]++;
		n++;
	}
	assert_int_equal(n, 200);
	for (int k = 0; k < 300; k++)
		assert_int_equal(seen[k], k % 3 ? 1 : 0);
	/* an empty map has nothing to visit */
	yk_map_free(&m);
	i = 0;
	assert_null(yk_map_next(&m, &i));
}

static uint64_t
fnv1a(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

/* Find n keys "kN" whose home slot in a 16-slot table is home. */
static void
keys_at(int home, int n, char out[][16], int *next)
{
	for (int found = 0; found < n; (*next)++) {
		snprintf(out[found], 16, "k%d", *next);
		if ((int)(fnv1a(out[found]) & 15) == home)
			found++;
	}
}

static void
check_all(const struct yk_map *m, char keys[][16], int n, int *vals)
{
	for (int i = 0; i < n; i++) {
		struct yk_map_ent *e = yk_map_get(m, keys[i]);

		if (e == NULL || e->val != &vals[i])
			fail_msg("'%s' lost after a delete", keys[i]);
	}
}

static void
test_del_shifts_chain(void **state)
{
	char keys[8][16];
	int vals[8], next = 0;
	struct yk_map m = {0};

	(void)state;
	/* three keys that all want slot 5, one that wants 6 */
	keys_at(5, 3, keys, &next);
	keys_at(6, 1, keys + 3, &next);
	for (int i = 0; i < 4; i++)
		yk_map_put(&m, keys[i])->val = &vals[i];
	assert_int_equal(m.cap, 16);
	/* remove the head of the chain: the others must still be found */
	assert_ptr_equal(yk_map_del(&m, keys[0]), &vals[0]);
	check_all(&m, keys + 1, 3, vals + 1);
	/* remove from the middle */
	assert_ptr_equal(yk_map_del(&m, keys[2]), &vals[2]);
	assert_non_null(yk_map_get(&m, keys[1]));
	assert_non_null(yk_map_get(&m, keys[3]));
	assert_ptr_equal(yk_map_get(&m, keys[3])->val, &vals[3]);
	assert_null(yk_map_get(&m, keys[0]));
	assert_null(yk_map_get(&m, keys[2]));
	assert_int_equal(m.n, 2);
	yk_map_free(&m);
}

static void
test_del_shifts_across_wrap(void **state)
{
	char keys[8][16];
	int vals[8], next = 0;
	struct yk_map m = {0};

	(void)state;
	/* a chain from the last slot round to the first ones */
	keys_at(15, 3, keys, &next);
	keys_at(0, 2, keys + 3, &next);
	keys_at(1, 1, keys + 5, &next);
	for (int i = 0; i < 6; i++)
		yk_map_put(&m, keys[i])->val = &vals[i];
	assert_int_equal(m.cap, 16);
	assert_ptr_equal(yk_map_del(&m, keys[0]), &vals[0]);
	check_all(&m, keys + 1, 5, vals + 1);
	assert_ptr_equal(yk_map_del(&m, keys[3]), &vals[3]);
	check_all(&m, keys + 1, 2, vals + 1);
	check_all(&m, keys + 4, 2, vals + 4);
	/* an entry already at home must not move away from it */
	assert_ptr_equal(yk_map_del(&m, keys[1]), &vals[1]);
	check_all(&m, keys + 2, 1, vals + 2);
	check_all(&m, keys + 4, 2, vals + 4);
	assert_int_equal(m.n, 3);
	yk_map_free(&m);
}

static void
test_random_against_array(void **state)
{
	enum { NKEYS = 400, NOPS = 60000 };
	static int present[NKEYS];
	static int vals[NKEYS];
	struct yk_map m = {0};
	uint32_t r = 12345;
	size_t live = 0;
	char key[16];

	(void)state;
	memset(present, 0, sizeof(present));
	for (int op = 0; op < NOPS; op++) {
		int k, what;

		r = r * 1103515245u + 12345u;
		k = (int)((r >> 8) % NKEYS);
		what = (int)((r >> 24) % 3);
		snprintf(key, sizeof(key), "key/%d", k);
		if (what == 0) {
			struct yk_map_ent *e = yk_map_put(&m, key);

			if (!present[k]) {
				assert_null(e->val);
				present[k] = 1;
				live++;
			}
			e->val = &vals[k];
		} else if (what == 1) {
			void *v = yk_map_del(&m, key);

			assert_ptr_equal(v, present[k] ? &vals[k] : NULL);
			if (present[k])
				live--;
			present[k] = 0;
		} else {
			struct yk_map_ent *e = yk_map_get(&m, key);

			if ((e != NULL) != present[k])
				fail_msg("op %d: '%s' %s", op, key,
					 e ? "found after delete" : "lost");
		}
		assert_int_equal(m.n, live);
	}
	for (int k = 0; k < NKEYS; k++) {
		snprintf(key, sizeof(key), "key/%d", k);
		assert_int_equal(yk_map_get(&m, key) != NULL, present[k]);
	}
	yk_map_free(&m);
}

/* drop the odd values (freeing them) */
static bool
odd(void *val, void *ud)
{
	int *v = val;

	(*(int *)ud)++;
	if (*v % 2 == 0)
		return false;
	free(v);
	return true;
}

/* Prune keeps what it is told to keep, frees the rest through its
 * callback, and gives the memory back: the map it leaves is sized for what
 * is left. */
static void
test_prune(void **state)
{
	struct yk_map m = {0};
	char key[16];
	int asked = 0;
	size_t before;

	(void)state;
	for (int i = 0; i < 1000; i++) {
		int *v = malloc(sizeof(*v));

		*v = i < 990 ? 2 * i + 1 : 2 * i;
		snprintf(key, sizeof(key), "k%d", i);
		yk_map_put(&m, key)->val = v;
	}
	before = m.cap;
	assert_int_equal(yk_map_prune(&m, odd, &asked), 990);
	assert_int_equal(asked, 1000);
	assert_int_equal(m.n, 10);
	assert_true(m.cap < before / 8);
	for (int i = 990; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_non_null(yk_map_get(&m, key));
		assert_int_equal(*(int *)yk_map_get(&m, key)->val, 2 * i);
	}
	assert_null(yk_map_get(&m, "k0"));
	/* nothing to drop: the same map */
	before = m.cap;
	assert_int_equal(yk_map_prune(&m, odd, &asked), 0);
	assert_int_equal(m.cap, before);
	for (size_t i = 0; i < m.cap; i++)
		free(m.ent[i].val);
	yk_map_free(&m);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_put_get),
		cmocka_unit_test(test_keys_copied),
		cmocka_unit_test(test_empty_key),
		cmocka_unit_test(test_del),
		cmocka_unit_test(test_grow),
		cmocka_unit_test(test_iterate),
		cmocka_unit_test(test_del_shifts_chain),
		cmocka_unit_test(test_del_shifts_across_wrap),
		cmocka_unit_test(test_random_against_array),
		cmocka_unit_test(test_prune),
	};

	return cmocka_run_group_tests_name("map", tests, NULL, NULL);
}
