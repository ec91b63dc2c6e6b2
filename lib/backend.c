/*
 * backend.c - broker credentials from a fleet backend, and their cache.
 *
 * Invariants (see backend.h): libcurl is dlopen'ed by yk_backend_fetch
 * only, so a tool that finds its answer in the cache never loads it
 * (measured: linking libcurl adds ~3 ms to the start-up of every process,
 * where a whole cached yoke-pub -q 1 takes a few ms); the key and the
 * password never reach a log line or a message, and every buffer that held
 * them is wiped before it is freed.
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "backend.h"
#include "clock.h"
#include "json.h"
#include "parse.h"
#include "sha256.h"
#include "url.h"
#include "version.h"

#define ENDPOINT "/auth/broker-config"
#define LIBCURL "libcurl.so.4"

static void
logf_(const struct yk_backend *b, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
logf_(const struct yk_backend *b, int level, const char *fmt, ...)
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

static void
wipe_free(char *p, size_t n)
{
	if (p == NULL)
		return;
	explicit_bzero(p, n);
	free(p);
}

static void
wipe_str(char **p)
{
	if (*p)
		wipe_free(*p, strlen(*p));
	*p = NULL;
}

/* ------------------------------------------------------------ answers */

/* A JSON string member (null: NULL when nullable) into a new C string.
 * The buffer is sized once, so a password is never left behind by a
 * realloc. */
static int
str_member(const char *v, size_t vn, bool nullable, char **out)
{
	struct yk_buf b = {0};

	if (nullable && vn == 4 && memcmp(v, "null", 4) == 0) {
		*out = NULL;
		return 0;
	}
	if (vn < 2 || v[0] != '"')
		return -1;
	yk_buf_reserve(&b, vn + 1);
	b.p[0] = '\0'; /* "" adds nothing */
	if (yk_json_unescape(&b, v, vn) != 0 || strlen(b.p) != b.len) {
		/* a \u0000 cannot go into a C string */
		wipe_free(b.p, b.cap);
		return -1;
	}
	*out = b.p;
	return 0;
}

/* A JSON number token as a double in [lo, hi]. */
static int
num_member(const char *v, size_t vn, double lo, double hi, double *out)
{
	char tok[48];

	if (vn == 0 || vn >= sizeof(tok))
		return -1;
	memcpy(tok, v, vn);
	tok[vn] = '\0';
	return yk_parse_double(tok, lo, hi, out);
}

static bool
host_ok(const char *h)
{
	size_t n = strlen(h);

	if (n == 0 || n >= sizeof(((struct yk_creds *)0)->host))
		return false;
	for (const char *c = h; *c; c++)
		if ((unsigned char)*c <= ' ' || *c == '/' || *c == '@' ||
		    *c == '[' || *c == ']' || *c == 0x7f)
			return false;
	return true;
}

int
yk_creds_parse(struct yk_creds *cr, const char *s, size_t n, int64_t now,
	       struct yk_err *err)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	bool have_port = false, have_tls = false;
	double at = -1, in = -1, port;
	char *host = NULL;

	memset(cr, 0, sizeof(*cr));
	if (!yk_json_obj_begin(&it, s, n))
		return yk_err_set(err, YK_ERUNTIME, "not a JSON object");
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (yk_json_key_is(k, kn, "host")) {
			free(host);
			host = NULL;
			if (str_member(v, vn, false, &host) != 0) {
				yk_err_set(err, YK_ERUNTIME,
					   "'host' must be a string");
				goto fail;
			}
		} else if (yk_json_key_is(k, kn, "port")) {
			if (num_member(v, vn, 1, 65535, &port) != 0 ||
			    port != (int)port) {
				yk_err_set(err, YK_ERUNTIME,
					   "'port' must be an integer from 1 "
					   "to 65535");
				goto fail;
			}
			cr->port = (int)port;
			have_port = true;
		} else if (yk_json_key_is(k, kn, "tls")) {
			if (vn == 4 && memcmp(v, "true", 4) == 0) {
				cr->tls = true;
			} else if (vn == 5 && memcmp(v, "false", 5) == 0) {
				cr->tls = false;
			} else {
				yk_err_set(err, YK_ERUNTIME,
					   "'tls' must be true or false");
				goto fail;
			}
			have_tls = true;
		} else if (yk_json_key_is(k, kn, "username")) {
			wipe_str(&cr->username);
			if (str_member(v, vn, true, &cr->username) != 0) {
				yk_err_set(err, YK_ERUNTIME,
					   "'username' must be a string");
				goto fail;
			}
		} else if (yk_json_key_is(k, kn, "password")) {
			wipe_str(&cr->password);
			if (str_member(v, vn, true, &cr->password) != 0) {
				yk_err_set(err, YK_ERUNTIME,
					   "'password' must be a string");
				goto fail;
			}
		} else if (yk_json_key_is(k, kn, "expires_at")) {
			if (num_member(v, vn, 0, 1e12, &at) != 0) {
				yk_err_set(err, YK_ERUNTIME,
					   "'expires_at' must be a time in "
					   "seconds since 1970");
				goto fail;
			}
		} else if (yk_json_key_is(k, kn, "expires_in")) {
			if (num_member(v, vn, 0, 1e10, &in) != 0) {
				yk_err_set(err, YK_ERUNTIME,
					   "'expires_in' must be a number of "
					   "seconds");
				goto fail;
			}
		}
	}
	if (host == NULL) {
		yk_err_set(err, YK_ERUNTIME, "'host' is missing");
		goto fail;
	}
	if (!host_ok(host)) {
		yk_err_set(err, YK_ERUNTIME,
			   "'host' must be a host name or an address");
		goto fail;
	}
	if (!have_port) {
		yk_err_set(err, YK_ERUNTIME, "'port' is missing");
		goto fail;
	}
	if (!have_tls) {
		yk_err_set(err, YK_ERUNTIME, "'tls' is missing");
		goto fail;
	}
	if (cr->password && cr->username == NULL) {
		yk_err_set(err, YK_ERUNTIME,
			   "'password' is given without 'username'");
		goto fail;
	}
	snprintf(cr->host, sizeof(cr->host), "%s", host);
	free(host);
	/* both given: the earlier wins */
	cr->expires_at = now + YK_BACKEND_TTL;
	if (at >= 0 || in >= 0)
		cr->expires_at = INT64_MAX;
	if (at >= 0)
		cr->expires_at = (int64_t)at;
	if (in >= 0 && now + (int64_t)in < cr->expires_at)
		cr->expires_at = now + (int64_t)in;
	return YK_OK;
fail:
	free(host);
	yk_creds_free(cr);
	return err->rc;
}

void
yk_creds_format(struct yk_buf *out, const struct yk_creds *cr)
{
	size_t u = cr->username ? strlen(cr->username) : 0;
	size_t p = cr->password ? strlen(cr->password) : 0;

	/* room for the worst case (\u00XX for every byte) at once: a
	 * realloc would leave a copy of the password behind */
	yk_buf_reserve(out, 128 + 6 * (strlen(cr->host) + u + p));
	yk_buf_adds(out, "{\"host\":");
	yk_json_strz(out, cr->host);
	yk_buf_adds(out, ",\"port\":");
	yk_buf_addi(out, cr->port);
	yk_buf_adds(out, cr->tls ? ",\"tls\":true" : ",\"tls\":false");
	if (cr->username) {
		yk_buf_adds(out, ",\"username\":");
		yk_json_strz(out, cr->username);
	}
	if (cr->password) {
		yk_buf_adds(out, ",\"password\":");
		yk_json_strz(out, cr->password);
	}
	yk_buf_adds(out, ",\"expires_at\":");
	yk_buf_addi(out, cr->expires_at);
	yk_buf_adds(out, "}\n");
}

bool
yk_creds_fresh(const struct yk_creds *cr, int64_t now)
{
	return now < cr->expires_at - YK_BACKEND_MARGIN;
}

void
yk_creds_free(struct yk_creds *cr)
{
	wipe_str(&cr->username);
	wipe_str(&cr->password);
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

/* -------------------------------------------------------------- cache */

void
yk_backend_cache_name(char *buf, size_t n, const char *dir, const char *url,
		      const char *key, const char *org, const char *robot)
{
	struct yk_buf in = {0};
	unsigned char h[YK_SHA256_LEN];
	char hex[2 * YK_SHA256_LEN + 1];
	size_t len;

	/* NUL-separated, so that no two settings give the same input */
	len = strlen(url) + strlen(key) + strlen(org) + strlen(robot) + 4;
	yk_buf_reserve(&in, len);
	yk_buf_add(&in, url, strlen(url) + 1);
	yk_buf_add(&in, key, strlen(key) + 1);
	yk_buf_add(&in, org, strlen(org) + 1);
	yk_buf_add(&in, robot, strlen(robot) + 1);
	yk_sha256(in.p, in.len, h);
	wipe_free(in.p, in.cap);
	for (int i = 0; i < YK_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	snprintf(buf, n, "%s/broker-%s.json", dir, hex);
}

void
yk_backend_cache_dir(char *buf, size_t n)
{
	static const char *const vars[] = {"XDG_RUNTIME_DIR", "XDG_CACHE_HOME",
					   "HOME"};
	static const char *const sub[] = {"yoke", "yoke", ".cache/yoke"};

	/* the runtime directory first: private, in memory, gone at
	 * logout; relative paths are not valid XDG settings */
	buf[0] = '\0';
	for (int i = 0; i < 3; i++) {
		const char *p = getenv(vars[i]);

		if (p && *p == '/') {
			snprintf(buf, n, "%s/%s", p, sub[i]);
			return;
		}
	}
}

void
yk_backend_init(struct yk_backend *b)
{
	char dir[3900];

	yk_backend_redact(b->url, b->safe_url, sizeof(b->safe_url));
	yk_backend_cache_dir(dir, sizeof(dir));
	b->cache[0] = '\0';
	if (dir[0])
		yk_backend_cache_name(b->cache, sizeof(b->cache), dir, b->url,
				      b->key, b->org, b->robot);
}

/* What read_private found wrong. */
struct why {
	const char *text;
	int eno;     /* errno of a failed open, else 0 */
	bool open;   /* group or others have access */
	mode_t mode;
};

/* Read a whole file (at most max bytes) that nobody else may access, and
 * that is ours when mine is set, into a new buffer. */
static char *
read_private(const char *path, size_t max, bool mine, size_t *n,
	     struct why *why)
{
	struct stat st;
	char *p = NULL;
	size_t len = 0;
	/* O_NONBLOCK: a FIFO must not block before it is refused below */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	memset(why, 0, sizeof(*why));
	if (fd < 0) {
		why->eno = errno;
		why->text = strerror(errno);
		return NULL;
	}
	if (fstat(fd, &st) != 0) {
		why->text = strerror(errno);
		goto out;
	}
	why->mode = st.st_mode & 0777;
	if (!S_ISREG(st.st_mode)) {
		why->text = "not a regular file";
		goto out;
	}
	if (mine && st.st_uid != geteuid()) {
		why->text = "owned by another user";
		goto out;
	}
	if (st.st_mode & 077) {
		why->text = "other users can read it";
		why->open = true;
		goto out;
	}
	if ((size_t)st.st_size > max) {
		why->text = "too large";
		goto out;
	}
	p = yk_malloc((size_t)st.st_size + 1);
	while (len < (size_t)st.st_size) {
		ssize_t r = read(fd, p + len, (size_t)st.st_size - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			why->text = r < 0 ? strerror(errno) : "file shrank";
			wipe_free(p, (size_t)st.st_size + 1);
			p = NULL;
			goto out;
		}
		len += (size_t)r;
	}
	p[len] = '\0';
	*n = len;
out:
	close(fd);
	return p;
}

int
yk_backend_load(struct yk_backend *b, struct yk_creds *cr)
{
	struct yk_err err = {0};
	struct why why;
	size_t n = 0;
	char *text;
	int64_t now = yk_now_us() / 1000000;
	int rc;

	if (b->cache[0] == '\0') {
		logf_(b, 1, "no cache directory: set XDG_RUNTIME_DIR or HOME");
		return YK_ERUNTIME;
	}
	logf_(b, 2, "credentials cache '%s'", b->cache);
	text = read_private(b->cache, YK_BACKEND_MAX_ANSWER, true, &n, &why);
	if (text == NULL) {
		if (why.eno != ENOENT)
			logf_(b, 1, "ignoring cache file '%s': %s", b->cache,
			      why.text);
		return YK_ERUNTIME;
	}
	rc = yk_creds_parse(cr, text, n, now, &err);
	wipe_free(text, n + 1);
	if (rc != YK_OK) {
		logf_(b, 1, "ignoring cache file '%s': %s", b->cache, err.msg);
		return YK_ERUNTIME;
	}
	if (!yk_creds_fresh(cr, now)) {
		logf_(b, 1, "the cached credentials have expired");
		yk_creds_free(cr);
		return YK_ERUNTIME;
	}
	return YK_OK;
}

/* mkdir path 0700 (and its parent, for ~/.cache); it must be ours, and
 * nobody else's to read. */
static int
private_dir(char *path, const char **why)
{
	struct stat st;

	if (mkdir(path, 0700) != 0 && errno == ENOENT) {
		char *slash = strrchr(path, '/');

		if (slash && slash != path) {
			*slash = '\0';
			if (mkdir(path, 0700) != 0 && errno != EEXIST) {
				*slash = '/';
				*why = strerror(errno);
				return -1;
			}
			*slash = '/';
		}
		mkdir(path, 0700);
	}
	if (lstat(path, &st) != 0) {
		*why = strerror(errno);
		return -1;
	}
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid()) {
		*why = "not a directory of ours";
		return -1;
	}
	if ((st.st_mode & 077) && chmod(path, 0700) != 0) {
		*why = strerror(errno);
		return -1;
	}
	return 0;
}

void
yk_backend_store(struct yk_backend *b, const struct yk_creds *cr)
{
	char dir[sizeof(b->cache)], tmp[sizeof(b->cache) + 8];
	struct yk_buf text = {0};
	const char *why = NULL;
	size_t off = 0;
	char *slash;
	int fd;

	if (b->cache[0] == '\0')
		return;
	snprintf(dir, sizeof(dir), "%s", b->cache);
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (private_dir(dir, &why) != 0) {
		logf_(b, 1, "cannot cache the credentials in '%s': %s", dir,
		      why);
		return;
	}
	/* a temporary file renamed over the old one: a reader sees the
	 * old answer or the new one, never half of one */
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", b->cache);
	fd = mkstemp(tmp);
	if (fd < 0) {
		logf_(b, 1, "cannot cache the credentials in '%s': %s", dir,
		      strerror(errno));
		return;
	}
	yk_creds_format(&text, cr);
	if (fchmod(fd, 0600) != 0)
		why = strerror(errno);
	while (why == NULL && off < text.len) {
		ssize_t w = write(fd, text.p + off, text.len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			why = w < 0 ? strerror(errno) : "short write";
		else
			off += (size_t)w;
	}
	wipe_free(text.p, text.cap);
	if (close(fd) != 0 && why == NULL)
		why = strerror(errno);
	if (why == NULL && rename(tmp, b->cache) != 0)
		why = strerror(errno);
	if (why) {
		unlink(tmp);
		logf_(b, 1, "cannot cache the credentials in '%s': %s",
		      b->cache, why);
		return;
	}
	logf_(b, 2, "credentials cached in '%s'", b->cache);
}

void
yk_backend_drop(struct yk_backend *b)
{
	if (b->cache[0] && unlink(b->cache) == 0)
		logf_(b, 2, "removed cache file '%s'", b->cache);
}

int
yk_backend_read_key(const char *path, char **key, struct yk_err *err)
{
	struct why why;
	size_t n = 0, len;
	char *text, *p;

	/* not necessarily ours: root may hand a service its key */
	text = read_private(path, 65536, false, &n, &why);
	if (text == NULL && why.open)
		return yk_err_set(err, YK_EUSAGE,
				  "API key file '%s' is open to other users "
				  "(mode %03o); run 'chmod 600 %s'",
				  path, (unsigned)why.mode, path);
	if (text == NULL)
		return yk_err_set(err, YK_EUSAGE,
				  "cannot read API key file '%s': %s", path,
				  why.text);
	/* the first line, without surrounding white space */
	p = text + strspn(text, " \t\r\n");
	len = strcspn(p, "\r\n");
	while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	*key = len ? yk_strndup(p, len) : NULL;
	wipe_free(text, n + 1);
	if (*key == NULL)
		return yk_err_set(err, YK_EUSAGE, "API key file '%s' is empty",
				  path);
	return YK_OK;
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

	if (k->len + n > YK_BACKEND_MAX_ANSWER) {
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
		wipe_free(k->p, k->cap);
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
				 YK_BACKEND_MAX_ANSWER);
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
	wipe_free(auth, n);
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
yk_backend_fetch(struct yk_backend *b, struct yk_creds *cr,
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
	logf_(b, 1, "asking backend '%s' for the broker and credentials",
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
		logf_(b, 1, "backend '%s': %s; retrying in %.1f s",
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
	wipe_free(k.p, k.cap);
	yk_buf_free(&url);
	yk_buf_free(&body);
	return rc;
}
