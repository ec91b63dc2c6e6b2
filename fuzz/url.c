/*
 * url.c - libFuzzer target for broker URLs (lib/url.h) and the backend's
 * URL check.  What holds, besides no crash: a URL that parses with a
 * password is one yk_url_has_password calls secret; an error message never
 * holds the text between the last ':' before the '@' and that '@' (the
 * password, however malformed the URL around it).
 */
#include "backend.h"
#include "fuzz.h"
#include "url.h"

/* The password-ish part of s: after the ':' that follows "//" (or the
 * start) up to the last '@'; NULL when there is none. */
static char *
secret_of(const char *s)
{
	const char *at = strrchr(s, '@'), *start = strstr(s, "//");
	const char *colon;

	start = start ? start + 2 : s;
	if (at == NULL || at < start)
		return NULL;
	colon = memchr(start, ':', (size_t)(at - start));
	char *pw;

	if (colon == NULL || at - colon < 7) /* too short to tell apart */
		return NULL;
	pw = strndup(colon + 1, (size_t)(at - colon - 1));
	/* letters and digits only, a digit and a capital among them: no
	 * message's own words hold those together ("expected mqtts://host"
	 * is not a leak of "mqtts:"), nor does the mask "***@host" */
	if (strspn(pw, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
		   "0123456789") != strlen(pw) ||
	    strpbrk(pw, "0123456789") == NULL ||
	    strpbrk(pw, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == NULL) {
		free(pw);
		return NULL;
	}
	/* text that is also elsewhere in the URL (a host, say) may be
	 * printed for that reason */
	if (strstr(s, pw) != colon + 1 || strstr(colon + 2, pw) != NULL) {
		free(pw);
		return NULL;
	}
	return pw;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yk_url u = {0};
	struct yk_err err = {0};
	char *p[1], *secret;
	char hp[300];

	fuzz_split(data, size, p, 1);
	secret = secret_of(p[0]);
	if (yk_url_parse(&u, p[0], &err) == YK_OK) {
		yk_url_hostport(&u, hp, sizeof(hp));
		if (u.pass && *u.pass && !yk_url_has_password(p[0]))
			abort();
	} else if (secret && strstr(err.msg, secret)) {
		abort();
	}
	yk_url_free(&u);
	memset(&err, 0, sizeof(err));
	if (yk_backend_check_url(p[0], &err) != YK_OK && secret &&
	    strstr(err.msg, secret))
		abort();
	free(secret);
	free(p[0]);
	return 0;
}
