/*
 * map.c - open-addressing hash map with backward-shift deletion (no
 * tombstones, so lookups never slow down after many deletes).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "map.h"

static uint64_t
hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ULL;
	}
	return h;
}

static struct yk_map_ent *
find(const struct yk_map *m, const char *key, uint64_t h)
{
	size_t i = (size_t)h & (m->cap - 1);

	for (;;) {
		struct yk_map_ent *e = &m->ent[i];

		if (e->key == NULL || strcmp(e->key, key) == 0)
			return e;
		i = (i + 1) & (m->cap - 1);
	}
}

static void
grow(struct yk_map *m)
{
	struct yk_map old = *m;

	m->cap = old.cap ? old.cap * 2 : 16;
	m->ent = yk_calloc(m->cap, sizeof(*m->ent));
	for (size_t i = 0; i < old.cap; i++) {
		if (old.ent[i].key)
			*find(m, old.ent[i].key, hash(old.ent[i].key)) =
				old.ent[i];
	}
	free(old.ent);
}

struct yk_map_ent *
yk_map_put(struct yk_map *m, const char *key)
{
	struct yk_map_ent *e;

	if ((m->n + 1) * 4 > m->cap * 3)
		grow(m);
	e = find(m, key, hash(key));
	if (e->key == NULL) {
		e->key = yk_strdup(key);
		e->val = NULL;
		m->n++;
	}
	return e;
}

struct yk_map_ent *
yk_map_get(const struct yk_map *m, const char *key)
{
	struct yk_map_ent *e;

	if (m->cap == 0)
		return NULL;
	e = find(m, key, hash(key));
	return e->key ? e : NULL;
}

void *
yk_map_del(struct yk_map *m, const char *key)
{
	struct yk_map_ent *e = yk_map_get(m, key);
	size_t i, j;
	void *val;

	if (e == NULL)
		return NULL;
	val = e->val;
	free(e->key);
	e->key = NULL;
	m->n--;
	/* Shift back the entries that probed past the freed slot. */
	i = (size_t)(e - m->ent);
	j = i;
	for (;;) {
		size_t home;

		j = (j + 1) & (m->cap - 1);
		if (m->ent[j].key == NULL)
			break;
		home = (size_t)hash(m->ent[j].key) & (m->cap - 1);
		if (((j - home) & (m->cap - 1)) >= ((j - i) & (m->cap - 1))) {
			m->ent[i] = m->ent[j];
			m->ent[j].key = NULL;
			i = j;
		}
	}
	return val;
}

struct yk_map_ent *
yk_map_next(const struct yk_map *m, size_t *i)
{
	for (; *i < m->cap; (*i)++)
		if (m->ent[*i].key)
			return &m->ent[(*i)++];
	return NULL;
}

void
yk_map_free(struct yk_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->ent[i].key);
	free(m->ent);
	memset(m, 0, sizeof(*m));
}

size_t
yk_map_prune(struct yk_map *m, bool (*drop)(void *val, void *ud), void *ud)
{
	struct yk_map keep = {0};
	struct yk_map_ent *e;
	size_t i = 0, gone = 0;

	while ((e = yk_map_next(m, &i)) != NULL) {
		if (drop(e->val, ud)) {
			e->val = NULL;
			gone++;
		}
	}
	if (gone == 0)
		return 0;
	i = 0;
	while ((e = yk_map_next(m, &i)) != NULL)
		if (e->val)
			yk_map_put(&keep, e->key)->val = e->val;
	yk_map_free(m);
	*m = keep;
	return gone;
}
