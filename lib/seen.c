/*
 * seen.c - recently seen ids, at most cap of them.
 */
#include <stdlib.h>

#include "err.h"
#include "seen.h"

void
yk_seen_init(struct yk_seen *s, size_t cap)
{
	*s = (struct yk_seen){.ring = yk_calloc(cap, sizeof(char *)),
			      .cap = cap};
}

bool
yk_seen_check(struct yk_seen *s, const char *id)
{
	char **slot = &s->ring[s->at];

	if (yk_map_get(&s->map, id))
		return true;
	if (*slot) {
		yk_map_del(&s->map, *slot);
		free(*slot);
	}
	*slot = yk_strdup(id);
	yk_map_put(&s->map, id)->val = s;
	s->at = (s->at + 1) % s->cap;
	return false;
}

void
yk_seen_free(struct yk_seen *s)
{
	for (size_t i = 0; i < s->cap; i++)
		free(s->ring[i]);
	free(s->ring);
	yk_map_free(&s->map);
}
