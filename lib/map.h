/*
 * map.h - a string-keyed hash map (open addressing, linear probing), for
 * per-key state: stats per key, live tokens, robots that answered.
 * Keys are copied; values are the caller's.
 */
#ifndef YK_MAP_H
#define YK_MAP_H

#include <stdbool.h>
#include <stddef.h>

struct yk_map_ent {
	char *key;
	void *val;
};

struct yk_map {
	struct yk_map_ent *ent;
	size_t cap;  /* power of two */
	size_t n;
};

/* The slot for key, created (val NULL) when absent. */
struct yk_map_ent *yk_map_put(struct yk_map *m, const char *key);
struct yk_map_ent *yk_map_get(const struct yk_map *m, const char *key);
/* Remove key; returns its value (NULL when absent). */
void *yk_map_del(struct yk_map *m, const char *key);
/* Iterate: i from 0; returns NULL at the end. */
struct yk_map_ent *yk_map_next(const struct yk_map *m, size_t *i);
void yk_map_free(struct yk_map *m);
/* Drop every entry for which drop(val, ud) is true (drop frees the
 * value), into a map sized for what is left: yk_map_del keeps its slots,
 * so a table that forgets keys would keep its peak memory.  Returns how
 * many went. */
size_t yk_map_prune(struct yk_map *m, bool (*drop)(void *val, void *ud),
		    void *ud);

#endif
