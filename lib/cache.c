/*
 * cache.c - the backend's answer on disk.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cache.h"
#include "clock.h"
#include "sha256.h"

void
yk_cache_name(char *buf, size_t n, const char *dir, const char *url,
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
	yk_creds_wipe(in.p, in.cap);
	for (int i = 0; i < YK_SHA256_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", h[i]);
	snprintf(buf, n, "%s/broker-%s.json", dir, hex);
}

void
yk_cache_dir(char *buf, size_t n)
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
yk_cache_init(struct yk_cache *k, const struct yk_backend *b)
{
	char dir[3900];

	k->b = b;
	yk_cache_dir(dir, sizeof(dir));
	k->path[0] = '\0';
	if (dir[0])
		yk_cache_name(k->path, sizeof(k->path), dir, b->url, b->key,
			      b->org, b->robot);
}

int
yk_cache_load(const struct yk_cache *k, struct yk_creds *cr)
{
	struct yk_err err = {0};
	struct yk_creds_why why;
	size_t n = 0;
	char *text;
	int64_t now = yk_now_us() / 1000000;
	int rc;

	if (k->path[0] == '\0') {
		yk_backend_log(
		    k->b, 1, "no cache directory: set XDG_RUNTIME_DIR or HOME");
		return YK_ERUNTIME;
	}
	yk_backend_log(k->b, 2, "credentials cache '%s'", k->path);
	text = yk_creds_read_file(k->path, YK_CREDS_MAX, true, &n, &why);
	if (text == NULL) {
		if (why.eno != ENOENT)
			yk_backend_log(k->b, 1, "ignoring cache file '%s': %s",
				       k->path, why.text);
		return YK_ERUNTIME;
	}
	rc = yk_creds_parse(cr, text, n, now, &err);
	yk_creds_wipe(text, n + 1);
	if (rc != YK_OK) {
		yk_backend_log(k->b, 1, "ignoring cache file '%s': %s", k->path,
			       err.msg);
		return YK_ERUNTIME;
	}
	if (!yk_creds_fresh(cr, now)) {
		yk_backend_log(k->b, 1, "the cached credentials have expired");
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
yk_cache_store(const struct yk_cache *k, const struct yk_creds *cr)
{
	char dir[sizeof(k->path)], tmp[sizeof(k->path) + 8];
	struct yk_buf text = {0};
	const char *why = NULL;
	size_t off = 0;
	char *slash;
	int fd;

	if (k->path[0] == '\0')
		return;
	snprintf(dir, sizeof(dir), "%s", k->path);
	slash = strrchr(dir, '/');
	*slash = '\0';
	if (private_dir(dir, &why) != 0) {
		yk_backend_log(k->b, 1,
			       "cannot cache the credentials in '%s': %s", dir,
			       why);
		return;
	}
	/* a temporary file renamed over the old one: a reader sees the
	 * old answer or the new one, never half of one */
	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", k->path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		yk_backend_log(k->b, 1,
			       "cannot cache the credentials in '%s': %s", dir,
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
	yk_creds_wipe(text.p, text.cap);
	if (close(fd) != 0 && why == NULL)
		why = strerror(errno);
	if (why == NULL && rename(tmp, k->path) != 0)
		why = strerror(errno);
	if (why) {
		unlink(tmp);
		yk_backend_log(k->b, 1,
			       "cannot cache the credentials in '%s': %s",
			       k->path, why);
		return;
	}
	yk_backend_log(k->b, 2, "credentials cached in '%s'", k->path);
}

void
yk_cache_drop(const struct yk_cache *k)
{
	if (k->path[0] && unlink(k->path) == 0)
		yk_backend_log(k->b, 2, "removed cache file '%s'", k->path);
}
