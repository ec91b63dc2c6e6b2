/*
 * thin.h - thin a fast stream to at most HZ messages a second per key
 * (yoke-telemetry --max-rate), never losing the latest value.
 *
 * Each key has a slot: a message may go when its slot has come, which
 * books the next one period later.  A message arriving too soon is held,
 * replacing the one held before; the held one goes when its slot comes
 * (yk_thin_due), or at the end of input (yk_thin_due with all).  So the
 * last value of every key is always sent, and no key waits for another.
 * Times are monotonic milliseconds.
 */
#ifndef YK_THIN_H
#define YK_THIN_H

#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "map.h"

struct yk_thin_slot {
	double next;     /* when the next message may go */
	bool held;
	int64_t ts_us;   /* the held message's stamp */
	struct yk_buf payload;
};

struct yk_thin {
	struct yk_map m; /* key -> struct yk_thin_slot */
	double period;   /* ms */
};

void yk_thin_init(struct yk_thin *t, double hz);
/* A message for key arrives at now: true when it may go now (its slot is
 * booked); false when it must wait, and the caller puts it into *slot
 * (payload, ts_us, held = true), replacing what was held. */
bool yk_thin_offer(struct yk_thin *t, const char *key, int64_t now,
		   struct yk_thin_slot **slot);
/* A held message whose slot has come (all: any held one), its slot
 * booked and held cleared: the caller sends its payload.  NULL when none;
 * then *wake is when the next falls due, or -1. */
struct yk_thin_slot *yk_thin_due(struct yk_thin *t, int64_t now, bool all,
				 int64_t *wake);
void yk_thin_free(struct yk_thin *t);

#endif
