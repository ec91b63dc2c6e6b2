/*
 * creds.c - broker credentials as text, and the private files that hold
 * them.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "creds.h"
#include "json.h"
#include "parse.h"

void
yk_creds_wipe(void *p, size_t n)
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
		yk_creds_wipe(*p, strlen(*p));
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
		yk_creds_wipe(b.p, b.cap);
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
	cr->expires_at = now + YK_CREDS_TTL;
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
	return now < cr->expires_at - YK_CREDS_MARGIN;
}

void
yk_creds_free(struct yk_creds *cr)
{
	wipe_str(&cr->username);
	wipe_str(&cr->password);
}

/* -------------------------------------------------------------- files */

char *
yk_creds_read_file(const char *path, size_t max, bool mine, size_t *n,
		   struct yk_creds_why *why)
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
			yk_creds_wipe(p, (size_t)st.st_size + 1);
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
yk_creds_read_key(const char *path, char **key, struct yk_err *err)
{
	struct yk_creds_why why;
	size_t n = 0, len;
	char *text, *p;

	/* not necessarily ours: root may hand a service its key */
	text = yk_creds_read_file(path, 65536, false, &n, &why);
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
	yk_creds_wipe(text, n + 1);
	if (*key == NULL)
		return yk_err_set(err, YK_EUSAGE, "API key file '%s' is empty",
				  path);
	return YK_OK;
}
