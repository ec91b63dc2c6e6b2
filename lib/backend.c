/*
 * backend.c - broker credentials from a fleet backend: the URL and the
 * libcurl fetch.
 *
 * Invariants (see backend.h): libcurl is dlopen'ed by yk_backend_fetch
 * only, so a tool that finds its answer in the cache never loads it
 * (measured: linking libcurl adds ~3 ms to the start-up of every process,
 * where a whole cached yoke-pub -q 1 takes a few ms); the key and the
 * password never reach a log line or a message, and every buffer that held
 * them is wiped before it is freed.
 */
#include <dlfcn.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <curl/curl.h>

#include "backend.h"
#include "clock.h"
#include "json.h"
#include "url.h"
#include "version.h"

#define ENDPOINT "/auth/broker-config"
#define LIBCURL "libcurl.so.4"

void
yk_backend_log(const struct yk_backend *b, int level, const char *fmt, ...)
{
	char msg[600];
	va_list ap;

	if (b->log == NULL || b->verbose < level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	b->log(b->log_ud, level, msg);
}

/* --------------------------------------------------------------- URLs */

int
yk_backend_check_url(const char *url, struct yk_err *err)
{
	char safe[512];
	const char *h;

	if (strncmp(url, "https://", 8) == 0)
		h = url + 8;
	else if (strncmp(url, "http://", 7) == 0)
		h = url + 7;
	else
		return yk_err_set(err, YK_EUSAGE,
				  "invalid backend URL '%s': the scheme must "
				  "be http:// or https://",
				  yk_backend_redact(url, safe, sizeof(safe)));
	if (*h == '\0' || *h == '/' || strpbrk(url, " \t\r\n"))
		return yk_err_set(err, YK_EUSAGE,
				  "invalid backend URL '%s': expected "
				  "https://host[:port][/path]",
				  yk_backend_redact(url, safe, sizeof(safe)));
	return YK_OK;
}

const char *
yk_backend_redact(const char *url, char *buf, size_t n)
{
	/* the broker's rule: where credentials may lie is decided once */
	return yk_url_redact(url, buf, n);
}

void
yk_backend_init(struct yk_backend *b)
{
	yk_backend_redact(b->url, b->safe_url, sizeof(b->safe_url));
}

/* -------------------------------------------------------------- fetch */

/* The few libcurl entry points we use, found at run time. */
struct curl_api {
	CURL *(*init)(void);
	CURLcode (*setopt)(CURL *, CURLoption, ...);
	CURLcode (*perform)(CURL *);
	CURLcode (*getinfo)(CURL *, CURLINFO, ...);
	void (*cleanup)(CURL *);
	const char *(*strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void (*slist_free_all)(struct curl_slist *);
};

static int
load_curl(struct curl_api *c, struct yk_err *err)
{
	void *h = dlopen(LIBCURL, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		return yk_err_set(err, YK_ERUNTIME,
				  "HTTP needs libcurl (Debian package "
				  "libcurl4): %s",
				  dlerror());
	/* never dlclose'd: the process ends soon, and libcurl's TLS
	 * libraries do not all unload cleanly */
	c->init = (CURL * (*)(void)) dlsym(h, "curl_easy_init");
	c->setopt = (CURLcode(*)(CURL *, CURLoption, ...))dlsym(
		h, "curl_easy_setopt");
	c->perform = (CURLcode(*)(CURL *))dlsym(h, "curl_easy_perform");
	c->getinfo = (CURLcode(*)(CURL *, CURLINFO, ...))dlsym(
		h, "curl_easy_getinfo");
	c->cleanup = (void (*)(CURL *))dlsym(h, "curl_easy_cleanup");
	c->strerror = (const char *(*)(CURLcode))dlsym(h, "curl_easy_strerror");
	c->slist_append = (struct curl_slist * (*)(struct curl_slist *,
						   const char *))
		dlsym(h, "curl_slist_append");
	c->slist_free_all = (void (*)(struct curl_slist *))dlsym(
		h, "curl_slist_free_all");
	if (!c->init || !c->setopt || !c->perform || !c->getinfo ||
	    !c->cleanup || !c->strerror || !c->slist_append ||
	    !c->slist_free_all)
		return yk_err_set(err, YK_ERUNTIME,
				  "%s lacks a function yoke needs", LIBCURL);
	return YK_OK;
}

/* The answer's body; grown by copying, so that no realloc leaves a
 * password behind in freed memory. */
struct sink {
	char *p;
	size_t len, cap;
	bool too_big;
};

static size_t
on_data(char *ptr, size_t size, size_t nmemb, void *ud)
{
	struct sink *k = ud;
	size_t n = size * nmemb;

	if (k->len + n > YK_CREDS_MAX) {
		k->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (k->len + n + 1 > k->cap) {
		size_t cap = k->cap ? k->cap : 4096;
		char *p;

		while (cap < k->len + n + 1)
			cap *= 2;
		p = yk_malloc(cap);
		if (k->len)
			memcpy(p, k->p, k->len);
		yk_creds_wipe(k->p, k->cap);
		k->p = p;
		k->cap = cap;
	}
	memcpy(k->p + k->len, ptr, n);
	k->len += n;
	k->p[k->len] = '\0';
	return n;
}

static bool
stopped(const struct yk_backend *b)
{
	return b->stop != NULL && *b->stop > 0;
}

static int
on_progress(void *ud, curl_off_t dltotal, curl_off_t dlnow,
	    curl_off_t ultotal, curl_off_t ulnow)
{
	(void)dltotal;
	(void)dlnow;
	(void)ultotal;
	(void)ulnow;
	return stopped(ud); /* a stop signal ends the request */
}

enum outcome { OUT_OK, OUT_RETRY, OUT_FAIL, OUT_REFUSED };

/* The errors worth another try: the network, not the request. */
static bool
transient(CURLcode rc)
{
	switch (rc) {
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_OPERATION_TIMEDOUT:
	case CURLE_SEND_ERROR:
	case CURLE_RECV_ERROR:
	case CURLE_GOT_NOTHING:
	case CURLE_PARTIAL_FILE:
		return true;
	default:
		return false;
	}
}

/* One POST; cause gets what went wrong, in words. */
static enum outcome
attempt(const struct curl_api *c, CURL *h, struct sink *k, long timeout_ms,
	char *cause, size_t n)
{
	CURLcode rc;
	long code = 0, oserr = 0;

	k->len = 0;
	k->too_big = false;
	c->setopt(h, CURLOPT_TIMEOUT_MS, timeout_ms);
	c->setopt(h, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
	rc = c->perform(h);
	c->getinfo(h, CURLINFO_RESPONSE_CODE, &code);
	if (rc != CURLE_OK) {
		c->getinfo(h, CURLINFO_OS_ERRNO, &oserr);
		if (k->too_big)
			snprintf(cause, n, "the answer is larger than %d bytes",
				 YK_CREDS_MAX);
		else if (rc == CURLE_ABORTED_BY_CALLBACK)
			snprintf(cause, n, "interrupted");
		else if (rc == CURLE_OPERATION_TIMEDOUT)
			snprintf(cause, n, "timed out");
		else if (oserr != 0)
			snprintf(cause, n, "%s", strerror((int)oserr));
		else
			snprintf(cause, n, "%s", c->strerror(rc));
		return transient(rc) ? OUT_RETRY : OUT_FAIL;
	}
	snprintf(cause, n, "HTTP %ld", code);
	if (code >= 200 && code < 300)
		return OUT_OK;
	if (code == 401 || code == 403)
		return OUT_REFUSED;
	return code >= 500 && code < 600 ? OUT_RETRY : OUT_FAIL;
}

/* Wait ms, or less if a stop signal comes; false if one came. */
static bool
pause_ms(const struct yk_backend *b, int64_t ms)
{
	int64_t end = yk_mono_ms() + ms;

	for (int64_t now = yk_mono_ms(); now < end && !stopped(b);
	     now = yk_mono_ms())
		poll(NULL, 0, (int)(end - now));
	return !stopped(b);
}

/* The backoff before try number i+1: 1 s, 2 s, 4 s ... 60 s, +-10%. */
static int64_t
backoff_ms(int i)
{
	int64_t base = i < 7 ? 1000LL << i : 60000;
	unsigned short r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (unsigned short)getpid();
	return base * (900 + r % 201) / 1000;
}

/* The request's settings: everything but the timeouts. */
static struct curl_slist *
prepare(const struct curl_api *c, CURL *h, const struct yk_backend *b,
	struct sink *k, const char *url, const struct yk_buf *body)
{
	struct curl_slist *hdr = NULL;
	size_t n = strlen(b->key) + 32;
	char *auth = yk_malloc(n);

	snprintf(auth, n, "Authorization: Bearer %s", b->key);
	hdr = c->slist_append(hdr, auth);
	yk_creds_wipe(auth, n);
	hdr = c->slist_append(hdr, "Content-Type: application/json");
	hdr = c->slist_append(hdr, "Accept: application/json");
	c->setopt(h, CURLOPT_URL, url);
	c->setopt(h, CURLOPT_HTTPHEADER, hdr);
	c->setopt(h, CURLOPT_POSTFIELDS, body->p);
	c->setopt(h, CURLOPT_POSTFIELDSIZE, (long)body->len);
	c->setopt(h, CURLOPT_USERAGENT, "yoke/" YK_VERSION);
	c->setopt(h, CURLOPT_NOSIGNAL, 1L);
	c->setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	c->setopt(h, CURLOPT_WRITEDATA, k);
	c->setopt(h, CURLOPT_NOPROGRESS, 0L);
	c->setopt(h, CURLOPT_XFERINFOFUNCTION, on_progress);
	c->setopt(h, CURLOPT_XFERINFODATA, (void *)b);
	/* the key goes to this URL only: no redirects, no other schemes */
	c->setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
#if LIBCURL_VERSION_NUM >= 0x075500
	c->setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	return hdr;
}

/* curl copies header strings and frees them without wiping. */
static void
free_headers(const struct curl_api *c, struct curl_slist *hdr)
{
	for (struct curl_slist *l = hdr; l; l = l->next)
		explicit_bzero(l->data, strlen(l->data));
	c->slist_free_all(hdr);
}

int
yk_backend_fetch(const struct yk_backend *b, struct yk_creds *cr,
		 struct yk_err *err)
{
	struct curl_api c = {0};
	struct curl_slist *hdr;
	struct yk_buf url = {0}, body = {0};
	struct sink k = {0};
	char cause[256];
	enum outcome o;
	int64_t end = yk_mono_ms() + (int64_t)(b->budget * 1000);
	int tries = 0, rc;
	CURL *h;

	if (load_curl(&c, err) != YK_OK)
		return yk_err_wrap(err, "cannot get broker credentials from "
					"'%s'",
				   b->safe_url);
	h = c.init();
	if (h == NULL)
		return yk_err_set(err, YK_ERUNTIME,
				  "cannot get broker credentials from '%s': "
				  "libcurl failed to start",
				  b->safe_url);
	yk_buf_adds(&url, b->url);
	while (url.len > 0 && url.p[url.len - 1] == '/')
		yk_buf_truncate(&url, url.len - 1);
	yk_buf_adds(&url, ENDPOINT);
	yk_buf_adds(&body, "{\"robot_id\":");
	yk_json_strz(&body, b->robot);
	yk_buf_adds(&body, ",\"org_id\":");
	yk_json_strz(&body, b->org);
	yk_buf_addc(&body, '}');
	hdr = prepare(&c, h, b, &k, url.p, &body);
	yk_backend_log(b, 1,
		       "asking backend '%s' for the broker and credentials",
		       b->safe_url);
	for (;;) {
		int64_t left = end - yk_mono_ms(), wait;

		tries++;
		o = attempt(&c, h, &k, left > 1 ? (long)left : 1, cause,
			    sizeof(cause));
		if (o != OUT_RETRY)
			break;
		wait = backoff_ms(tries - 1);
		if (yk_mono_ms() + wait >= end || stopped(b))
			break;
		yk_backend_log(b, 1, "backend '%s': %s; retrying in %.1f s",
			       b->safe_url, cause, (double)wait / 1000);
		if (!pause_ms(b, wait)) {
			snprintf(cause, sizeof(cause), "interrupted");
			o = OUT_FAIL;
			break;
		}
	}
	free_headers(&c, hdr);
	c.cleanup(h);
	if (o == OUT_OK) {
		rc = yk_creds_parse(cr, k.p ? k.p : "", k.len,
				    yk_now_us() / 1000000, err);
		if (rc != YK_OK)
			yk_err_wrap(err, "cannot get broker credentials from "
					 "'%s': invalid answer",
				    b->safe_url);
	} else if (o == OUT_REFUSED) {
		rc = yk_err_set(err, YK_EREFUSED,
				"cannot get broker credentials from '%s': API "
				"key rejected (%s)",
				b->safe_url, cause);
	} else if (o == OUT_RETRY) {
		rc = yk_err_set(err, YK_ERUNTIME,
				"cannot get broker credentials from '%s': %s "
				"(%d attempt%s)",
				b->safe_url, cause, tries,
				tries == 1 ? "" : "s");
	} else {
		rc = yk_err_set(err, YK_ERUNTIME,
				"cannot get broker credentials from '%s': %s",
				b->safe_url, cause);
	}
	yk_creds_wipe(k.p, k.cap);
	yk_buf_free(&url);
	yk_buf_free(&body);
	return rc;
}
