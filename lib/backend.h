/*
 * backend.h - the broker and its credentials from a fleet backend
 * (DESIGN.md "Configuration and credentials", the fleet SDK's start()).
 *
 * POST <backend>/auth/broker-config with "Authorization: Bearer <API key>"
 * and {"robot_id","org_id"}; the answer is a JSON object with host, port,
 * username, password, tls and optionally expires_at (Unix seconds) or
 * expires_in (seconds).  The answer is cached per backend, key, org and
 * robot in a private file, so that one-shot tools do not call HTTP each
 * time.
 *
 * What always holds:
 * - libcurl is loaded (dlopen) by yk_backend_fetch only: reading the cache
 *   costs no HTTP library at start-up;
 * - the API key and the password are never logged nor put in a message;
 *   buffers that held them are wiped before they are freed;
 * - network errors and HTTP 5xx are retried with backoff within the
 *   budget; 401/403 are YK_EREFUSED, other answers are never retried;
 * - the cache file is mode 0600 in a 0700 directory, written whole (a
 *   temporary file renamed over it), and its name holds a hash, not the
 *   key.
 */
#ifndef YK_BACKEND_H
#define YK_BACKEND_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"

/* Seconds an answer is trusted when it says nothing of its expiry. */
#define YK_BACKEND_TTL 3600
/* Cached credentials count as expired this many seconds early, so that a
 * tool does not connect with a password that expires on the way. */
#define YK_BACKEND_MARGIN 10
/* Answers larger than this are refused: a broker config is a few lines. */
#define YK_BACKEND_MAX_ANSWER 65536

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

struct yk_backend {
	const char *url;    /* base URL: http:// or https:// */
	const char *key;    /* the API key */
	const char *org;
	const char *robot;
	double budget;      /* seconds for a fetch, retries included */
	/* a stop signal counter, as the MQTT session's drains take one
	 * (sig.h): once it is above 0 the fetch ends, "interrupted", even
	 * in the middle of a request or a backoff; NULL: only the budget
	 * ends it */
	volatile sig_atomic_t *stop;
	/* Diagnostics for -v; never given secrets. */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
	int verbose;
	/* filled by yk_backend_init */
	char safe_url[512]; /* url with user info masked, for messages */
	char cache[4096];   /* cache file path; "" when there is none */
};

/* Check that url is an http:// or https:// URL (YK_EUSAGE if not). */
int yk_backend_check_url(const char *url, struct yk_err *err);
/* url with any user:password@ masked as ***@. */
const char *yk_backend_redact(const char *url, char *buf, size_t n);
/*
 * The cache file's name in dir: broker-<SHA-256 of url, key, org and
 * robot, in hex>.json.
 */
void yk_backend_cache_name(char *buf, size_t n, const char *dir,
			   const char *url, const char *key, const char *org,
			   const char *robot);
/* The cache directory: $XDG_RUNTIME_DIR/yoke, else $XDG_CACHE_HOME/yoke,
 * else ~/.cache/yoke; "" when none of them is set. */
void yk_backend_cache_dir(char *buf, size_t n);

/* Fill safe_url and cache from the settings. */
void yk_backend_init(struct yk_backend *b);
/* Fresh credentials from the cache: YK_OK, or YK_ERUNTIME when there are
 * none (missing, expired, unreadable, not private: said at -v). */
int yk_backend_load(struct yk_backend *b, struct yk_creds *cr);
/* Ask the backend, retrying as above.  YK_EREFUSED: the key was
 * rejected. */
int yk_backend_fetch(struct yk_backend *b, struct yk_creds *cr,
		     struct yk_err *err);
/* Write the cache; a failure is said at -v and otherwise ignored. */
void yk_backend_store(struct yk_backend *b, const struct yk_creds *cr);
/* Remove the cache file (the broker refused what it held). */
void yk_backend_drop(struct yk_backend *b);

/* Read an API key file: its first line, trimmed.  A file that others may
 * read is refused (YK_EUSAGE), as ssh refuses such keys. */
int yk_backend_read_key(const char *path, char **key, struct yk_err *err);

#endif
