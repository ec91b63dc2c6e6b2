/*
 * backend.h - the broker and its credentials from a fleet backend
 * (DESIGN.md "Configuration and credentials", the fleet SDK's start()).
 *
 * POST <backend>/auth/broker-config with "Authorization: Bearer <API key>"
 * and {"robot_id","org_id"}; the answer is read by lib/creds.h and kept by
 * lib/cache.h.
 *
 * What always holds:
 * - libcurl is loaded (dlopen) by yk_backend_fetch only: a tool that finds
 *   its answer in the cache costs no HTTP library at start-up;
 * - the API key and the password are never logged nor put in a message;
 *   buffers that held them are wiped before they are freed;
 * - network errors and HTTP 5xx are retried with backoff within the
 *   budget; 401/403 are YK_EREFUSED, other answers are never retried;
 * - the key goes to the backend's URL only: no redirects, no other
 *   schemes.
 */
#ifndef YK_BACKEND_H
#define YK_BACKEND_H

#include <signal.h>
#include <stddef.h>

#include "creds.h"
#include "err.h"

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
	/* Diagnostics for -v (the fetch's and the cache's); never given
	 * secrets. */
	void (*log)(void *ud, int level, const char *msg);
	void *log_ud;
	int verbose;
	/* filled by yk_backend_init */
	char safe_url[512]; /* url with user info masked, for messages */
};

/* Check that url is an http:// or https:// URL (YK_EUSAGE if not). */
int yk_backend_check_url(const char *url, struct yk_err *err);
/* url with any user:password@ masked as ***@. */
const char *yk_backend_redact(const char *url, char *buf, size_t n);

/* Fill safe_url from the settings. */
void yk_backend_init(struct yk_backend *b);
/* Say msg at -v level (1: what a user asked -v for, 2: the details),
 * when b->verbose asks for it. */
void yk_backend_log(const struct yk_backend *b, int level, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));
/* Ask the backend, retrying as above.  YK_EREFUSED: the key was
 * rejected. */
int yk_backend_fetch(const struct yk_backend *b, struct yk_creds *cr,
		     struct yk_err *err);

#endif
