/*
 * cache.h - the on-disk cache of a fleet backend's answer (lib/backend.h),
 * so that one-shot tools in cron and shell loops do not call HTTP each
 * time (DESIGN.md "Configuration and credentials").
 *
 * One file per backend, API key, org and robot, in the creds.h format,
 * kept until it expires or the broker refuses what it holds.
 *
 * What always holds:
 * - the file is mode 0600 in a 0700 directory of ours, written whole (a
 *   temporary file renamed over it): a reader sees the old answer or the
 *   new one, never half of one;
 * - its name holds a hash of the settings, not the key;
 * - a cache that cannot be read or written costs a fetch, never an error:
 *   what went wrong is said at -v.
 */
#ifndef YK_CACHE_H
#define YK_CACHE_H

#include "backend.h"
#include "creds.h"

struct yk_cache {
	const struct yk_backend *b; /* whose answers; its log */
	char path[4096];            /* the cache file; "" when there is none */
};

/*
 * The cache file's name in dir: broker-<SHA-256 of url, key, org and
 * robot, in hex>.json.
 */
void yk_cache_name(char *buf, size_t n, const char *dir, const char *url,
		   const char *key, const char *org, const char *robot);
/* The cache directory: $XDG_RUNTIME_DIR/yoke, else $XDG_CACHE_HOME/yoke,
 * else ~/.cache/yoke; "" when none of them is set. */
void yk_cache_dir(char *buf, size_t n);

/* The cache of b's answers (b's settings are set). */
void yk_cache_init(struct yk_cache *k, const struct yk_backend *b);
/* Fresh credentials from the cache: YK_OK, or YK_ERUNTIME when there are
 * none (missing, expired, unreadable, not private: said at -v). */
int yk_cache_load(const struct yk_cache *k, struct yk_creds *cr);
/* Write the cache; a failure is said at -v and otherwise ignored. */
void yk_cache_store(const struct yk_cache *k, const struct yk_creds *cr);
/* Remove the cache file (the broker refused what it held). */
void yk_cache_drop(const struct yk_cache *k);

#endif
