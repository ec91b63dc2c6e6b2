/*
 * url.c - broker URL parsing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "url.h"

static char *
pct_decode(const char *p, size_t n)
{
	char *out = yk_malloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '%' && i + 2 < n && yk_hexval(p[i + 1]) >= 0 &&
		    yk_hexval(p[i + 2]) >= 0) {
			*o++ = (char)(yk_hexval(p[i + 1]) << 4 |
				      yk_hexval(p[i + 2]));
			i += 2;
		} else {
			*o++ = p[i];
		}
	}
	*o = '\0';
	return out;
}

/* Where the text after "scheme://" starts: a scheme is a letter, then
 * letters, digits, '+', '-' or '.' (RFC 3986).  Without one (a "://"
 * inside a password is no scheme) the whole text is the authority. */
static const char *
after_scheme(const char *text)
{
	const char *p = text;

	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
		return text;
	p += strspn(p, "abcdefghijklmnopqrstuvwxyz"
		       "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
	return strncmp(p, "://", 3) == 0 ? p + 3 : text;
}

/*
 * The one place that decides where credentials may lie, for every use:
 * messages, the refusal of a password on the command line, the mode check
 * of a config file, the scrubbing of the environment.  They end at the
 * last '@' of the whole text, not of the authority: a password holding a
 * '/' (or a '?', a '#') unencoded is still a password, however malformed
 * the URL it makes.  Erring this way only masks a little too much of a
 * URL that is refused anyway.  NULL when there is no '@'.
 */
static const char *
userinfo(const char *text, const char **start)
{
	*start = after_scheme(text);
	return strrchr(*start, '@');
}

/*
 * The authority: the text after "scheme://" (any scheme, so credentials in
 * a wrong one are still found and masked) up to the first '/'.  scheme:
 * 0 mqtt or none, 1 mqtts, -1 another.
 */
static const char *
authority(const char *text, size_t *n, int *scheme)
{
	const char *p = after_scheme(text), *s;

	*scheme = 0;
	if (strncmp(text, "mqtts://", 8) == 0)
		*scheme = 1;
	else if (p != text && strncmp(text, "mqtt://", 7) != 0)
		*scheme = -1;
	s = strchr(p, '/');
	*n = s ? (size_t)(s - p) : strlen(p);
	return p;
}

bool
yk_url_has_password(const char *text)
{
	const char *a, *at = userinfo(text, &a);

	return at != NULL && memchr(a, ':', (size_t)(at - a)) != NULL;
}

const char *
yk_url_redact(const char *text, char *buf, size_t n)
{
	const char *a, *at = userinfo(text, &a);

	if (at)
		snprintf(buf, n, "%.*s***%s", (int)(a - text), text, at);
	else
		snprintf(buf, n, "%s", text);
	return buf;
}

int
yk_url_parse(struct yk_url *u, const char *text, struct yk_err *err)
{
	size_t n;
	int scheme;
	const char *a = authority(text, &n, &scheme);
	const char *at, *hp, *colon;
	size_t hn;
	char safe[300];

	memset(u, 0, sizeof(*u));
	/* Messages show the URL with its credentials masked. */
	yk_url_redact(text, safe, sizeof(safe));
	if (scheme < 0)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid broker URL '%s': the scheme must be "
				  "mqtt:// or mqtts://",
				  safe);
	u->tls = scheme == 1;
	/* The last '@' ends the user info (as curl splits a password that
	 * holds an unencoded '@'); one beyond the first '/' means a '/' in
	 * the credentials, which we do not guess at. */
	at = memrchr(a, '@', n);
	if (at == NULL && strchr(a + n, '@') != NULL)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid broker URL '%s': a '/' in the user "
				  "name or password must be written %%2F",
				  safe);
	if (a[n] == '/' && a[n + 1] != '\0')
		return yk_err_set(err, YK_EUSAGE,
				  "invalid broker URL '%s': unexpected path",
				  safe);
	hp = a;
	if (at) {
		const char *c = memchr(a, ':', (size_t)(at - a));

		if (c) {
			u->user = pct_decode(a, (size_t)(c - a));
			u->pass = pct_decode(c + 1, (size_t)(at - c - 1));
		} else {
			u->user = pct_decode(a, (size_t)(at - a));
		}
		hp = at + 1;
	}
	hn = n - (size_t)(hp - a);
	u->port = u->tls ? 8883 : 1883;
	if (hn > 0 && hp[0] == '[') {
		const char *rb = memchr(hp, ']', hn);

		if (rb == NULL)
			goto bad_host;
		if ((size_t)(rb - hp - 1) >= sizeof(u->host))
			goto bad_host;
		memcpy(u->host, hp + 1, (size_t)(rb - hp - 1));
		colon = rb + 1 < hp + hn ? rb + 1 : NULL;
		if (colon && *colon != ':')
			goto bad_host;
	} else {
		colon = memchr(hp, ':', hn);
		size_t l = colon ? (size_t)(colon - hp) : hn;
		if (l >= sizeof(u->host))
			goto bad_host;
		memcpy(u->host, hp, l);
	}
	if (u->host[0] == '\0')
		goto bad_host;
	for (const char *c = u->host; *c; c++)
		if (*c == ' ' || *c == '@' || *c == '/')
			goto bad_host;
	if (colon) {
		const char *ps = colon + 1, *pe = hp + hn;
		long port = 0;

		if (ps == pe)
			goto bad_port;
		for (const char *c = ps; c < pe; c++) {
			if (*c < '0' || *c > '9')
				goto bad_port;
			port = port * 10 + (*c - '0');
			if (port > 65535)
				goto bad_port;
		}
		if (port == 0)
			goto bad_port;
		u->port = (int)port;
	}
	return YK_OK;
bad_host:
	yk_url_free(u);
	return yk_err_set(err, YK_EUSAGE,
			  "invalid broker URL '%s': expected "
			  "mqtt://host[:port] or mqtts://host[:port]",
			  safe);
bad_port:
	yk_url_free(u);
	return yk_err_set(err, YK_EUSAGE,
			  "invalid broker URL '%s': the port must be a number "
			  "from 1 to 65535",
			  safe);
}

void
yk_url_free(struct yk_url *u)
{
	if (u->pass) {
		explicit_bzero(u->pass, strlen(u->pass));
		free(u->pass);
	}
	free(u->user);
	u->user = u->pass = NULL;
}

const char *
yk_url_hostport(const struct yk_url *u, char *buf, size_t n)
{
	if (strchr(u->host, ':'))
		snprintf(buf, n, "[%s]:%d", u->host, u->port);
	else
		snprintf(buf, n, "%s:%d", u->host, u->port);
	return buf;
}
