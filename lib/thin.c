/*
 * thin.c - per-key rate thinning that keeps the latest value.
 *
 * yk_thin_due scans every key: fine for the handful of metrics one
 * stream carries; a stream of thousands of keys would want a heap.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "thin.h"

void
yk_thin_init(struct yk_thin *t, double hz)
{
	memset(t, 0, sizeof(*t));
	t->period = 1000.0 / hz;
}

bool
yk_thin_offer(struct yk_thin *t, const char *key, int64_t now,
	      struct yk_thin_slot **slot)
{
	struct yk_map_ent *e = yk_map_put(&t->m, key);
	struct yk_thin_slot *s = e->val;

	if (s == NULL) {
		s = yk_calloc(1, sizeof(*s));
		s->next = -INFINITY;
		e->val = s;
	}
	*slot = s;
	/* A held message means the slot has not come: the newer one takes
	 * its place, so order within a key is kept. */
	if (s->held || (double)now < s->next)
		return false;
	s->next = (double)now + t->period;
	return true;
}

struct yk_thin_slot *
yk_thin_due(struct yk_thin *t, int64_t now, bool all, int64_t *wake)
{
	struct yk_map_ent *e;
	size_t i = 0;

	*wake = -1;
	while ((e = yk_map_next(&t->m, &i)) != NULL) {
		struct yk_thin_slot *s = e->val;

		if (!s->held)
			continue;
		if (all || (double)now >= s->next) {
			s->held = false;
			s->next = (double)now + t->period;
			return s;
		}
		int64_t at = (int64_t)s->next + 1; /* never early */

		if (*wake < 0 || at < *wake)
			*wake = at;
	}
	return NULL;
}

void
yk_thin_free(struct yk_thin *t)
{
	struct yk_map_ent *e;
	size_t i = 0;

	while ((e = yk_map_next(&t->m, &i)) != NULL) {
		struct yk_thin_slot *s = e->val;

		yk_buf_free(&s->payload);
		free(s);
	}
	yk_map_free(&t->m);
}
