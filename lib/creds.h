/*
 * creds.h - broker credentials as text: the fleet backend's answer to
 * POST /auth/broker-config, which is also the cache file's format
 * (lib/cache.h), and the API key file (DESIGN.md "Configuration and
 * credentials").
 *
 * The answer is a JSON object with host, port, username, password, tls
 * and optionally expires_at (Unix seconds) or expires_in (seconds).
 *
 * What always holds:
 * - the API key and the password are never put in a message: an error
 *   names the member at fault, never its value;
 * - every buffer that held them is wiped before it is freed
 *   (yk_creds_wipe), and sized once so that no realloc leaves a copy;
 * - a file that holds them is read only when nobody else may read it
 *   (yk_creds_read_file), as ssh reads keys.
 */
#ifndef YK_CREDS_H
#define YK_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* Seconds an answer is trusted when it says nothing of its expiry. */
#define YK_CREDS_TTL 3600
/* Credentials count as expired this many seconds early, so that a tool
 * does not connect with a password that expires on the way. */
#define YK_CREDS_MARGIN 10
/* Answers (and cache files) larger than this are refused: a broker
 * config is a few lines. */
#define YK_CREDS_MAX 65536

struct yk_creds {
	char host[256];
	int port;
	bool tls;
	char *username;     /* NULL: none */
	char *password;     /* NULL: none; wiped by yk_creds_free */
	int64_t expires_at; /* Unix seconds */
};

/*
 * Read an answer (or a cache file: the same format) s[0..n).  now is the
 * wall clock in seconds, for expires_in.  Unknown members are ignored.
 * On failure err says what was wrong without quoting any value.
 */
int yk_creds_parse(struct yk_creds *cr, const char *s, size_t n, int64_t now,
		   struct yk_err *err);
/* The cache file's text: the same members, expiry as expires_at. */
void yk_creds_format(struct yk_buf *out, const struct yk_creds *cr);
/* Still usable at now (seconds), the margin included. */
bool yk_creds_fresh(const struct yk_creds *cr, int64_t now);
void yk_creds_free(struct yk_creds *cr);

/* Wipe p[0..n) and free it (NULL: nothing). */
void yk_creds_wipe(void *p, size_t n);

/* What yk_creds_read_file found wrong. */
struct yk_creds_why {
	const char *text; /* in words: "other users can read it", ... */
	int eno;          /* errno of a failed open, else 0 */
	bool open;        /* group or others have access */
	unsigned mode;    /* the file's permission bits */
};
/*
 * A whole file of at most max bytes that nobody else may access, and
 * that is ours when mine is set, in a new buffer with a NUL after its
 * *n bytes (free it with yk_creds_wipe(p, *n + 1)); NULL, and why.
 */
char *yk_creds_read_file(const char *path, size_t max, bool mine, size_t *n,
			 struct yk_creds_why *why);
/* Read an API key file: its first line, trimmed.  A file that others may
 * read is refused (YK_EUSAGE), as ssh refuses such keys. */
int yk_creds_read_key(const char *path, char **key, struct yk_err *err);

#endif
