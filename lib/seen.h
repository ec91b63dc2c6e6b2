/*
 * seen.h - a bounded set of recently seen ids (a fault_id that QoS 1
 * delivers twice is shown once): membership in O(1), and once the set
 * holds its capacity each new id forgets the oldest, so memory stays
 * bounded however long a watcher runs.
 */
#ifndef YK_SEEN_H
#define YK_SEEN_H

#include <stdbool.h>
#include <stddef.h>

#include "map.h"

struct yk_seen {
	struct yk_map map;  /* id -> non-NULL */
	char **ring;        /* the same ids; ring[at] is the oldest */
	size_t cap, at;
};

void yk_seen_init(struct yk_seen *s, size_t cap);
/* True when id is held; otherwise hold it (and forget the oldest). */
bool yk_seen_check(struct yk_seen *s, const char *id);
void yk_seen_free(struct yk_seen *s);

#endif
