/*
 * key.h - keys, key expressions and their MQTT topics.
 *
 * A key is what users write ("arm-042/sensors/imu"); its topic is
 * "<root>/<org>/<key>" unless the scope is raw.  A key expression adds `*`
 * (one segment), `**` (any depth, zero included), `{name}` (one segment,
 * captured) and `*` inside a segment (`bot-*`: one segment, any bytes in
 * place of the star).  Each expression becomes one MQTT subscription
 * filter; when the filter alone cannot decide a match (`**` before the end,
 * a `*` inside a segment, which subscribes as `+`) or captures must be
 * read, yk_kexpr_match decides on the client.
 *
 * Costs: keys and expressions come from the network, so every function
 * here is bounded by the sizes of its inputs (see key.c); an expression or
 * a key to publish holds at most YK_KEY_MAX_SEGS segments.
 *
 * Invariants: a scoped key's first segment is a robot id, so names starting
 * with '_' (yoke's own channels, see query.h) never collide with user keys;
 * output always shows keys with the scope stripped.
 */
#ifndef YK_KEY_H
#define YK_KEY_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct yk_scope {
	const char *root;
	const char *org;
	bool raw;
};

/* A robot id or org slug: [a-z0-9][a-z0-9._-]*.  what names it in errors. */
int yk_id_check(const char *what, const char *id, struct yk_err *err);
/* A topic root: one or more '/'-separated literal segments. */
int yk_root_check(const char *root, struct yk_err *err);

/* Check a concrete key (no wildcards) for publishing. */
int yk_key_check(const struct yk_scope *sc, const char *key,
		 struct yk_err *err);
/* Append the topic of a concrete key. */
void yk_key_topic(struct yk_buf *out, const struct yk_scope *sc,
		  const char *key);
/* The key of a topic (pointer into topic), or NULL when the topic lies
 * outside the scope or is one of yoke's own channels ('_' first).  Raw
 * scopes return the topic itself. */
const char *yk_key_unscope(const struct yk_scope *sc, const char *topic);
/* The robot id of a key: its first segment (copied into out, cut at n). */
void yk_key_robot(const char *key, char *out, size_t n);

/* Segments in a key expression or a key to publish: more is refused. */
#define YK_KEY_MAX_SEGS 128

enum yk_seg_kind {
	YK_SEG_LIT,
	YK_SEG_STAR,
	YK_SEG_DSTAR,
	YK_SEG_CAP,
	YK_SEG_GLOB, /* a '*' inside a segment: text is the pattern */
};

struct yk_seg {
	enum yk_seg_kind kind;
	char *text; /* literal text, pattern or capture name */
};

struct yk_kexpr {
	char *text;        /* as written, scope not included */
	char *filter;      /* MQTT subscription filter, scope included */
	struct yk_seg *seg;
	int nseg;
	int ncap;
	bool client_match; /* the filter alone does not decide a match */
};

struct yk_cap {
	const char *name;
	const char *p;
	size_t n;
};

#define YK_MAX_CAPS 16

int yk_kexpr_parse(struct yk_kexpr *ke, const struct yk_scope *sc,
		   const char *text, struct yk_err *err);
void yk_kexpr_free(struct yk_kexpr *ke);
/* Match an unscoped key; fills caps[0..ke->ncap) when caps is not NULL. */
bool yk_kexpr_match(const struct yk_kexpr *ke, const char *key,
		    struct yk_cap *caps);
/* True when some key matches both expressions. */
bool yk_kexpr_intersects(const struct yk_kexpr *a, const struct yk_kexpr *b);
/* Append the most specific expression whose keys both a and b match (the
 * keys a queryable for a answers to a query for b); captures become '*'.
 * False when they do not intersect. */
bool yk_kexpr_meet(const struct yk_kexpr *a, const struct yk_kexpr *b,
		   struct yk_buf *out);
/* The same, with *steps set to the work done (tests bound it): matching
 * takes at most (nseg + 1) x (key segments + 1) segment steps, plus the
 * bytes of segments a `*`-in-a-segment pattern is tried on; intersection
 * and meet at most 3 x (a->nseg + 1) x (b->nseg + 1). */
bool yk_kexpr_match_counted(const struct yk_kexpr *ke, const char *key,
			    struct yk_cap *caps, unsigned long *steps);
bool yk_kexpr_intersects_counted(const struct yk_kexpr *a,
				 const struct yk_kexpr *b,
				 unsigned long *steps);
bool yk_kexpr_meet_counted(const struct yk_kexpr *a, const struct yk_kexpr *b,
			   struct yk_buf *out, unsigned long *steps);
/* True when the expression has no wildcard: it names one key. */
bool yk_kexpr_concrete(const struct yk_kexpr *ke);

#endif
