/*
 * backend.c - libFuzzer target for the backend's answer to POST
 * /auth/broker-config (lib/creds.h), which is also the cache file's
 * format.  What holds: an accepted answer has a host, a port in 1..65535
 * and an expiry; formatted and parsed again it is the same credentials;
 * an error never quotes the password.
 */
#include "creds.h"
#include "fuzz.h"

#define NOW 1795300000

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct yk_creds cr = {0}, again = {0};
	struct yk_err err = {0};
	struct yk_buf b = {0};

	if (yk_creds_parse(&cr, (const char *)data, size, NOW, &err) ==
	    YK_OK) {
		if (cr.host[0] == '\0' || cr.port < 1 || cr.port > 65535)
			abort();
		yk_creds_format(&b, &cr);
		if (yk_creds_parse(&again, b.p, b.len, NOW, &err) != YK_OK ||
		    strcmp(again.host, cr.host) != 0 ||
		    again.port != cr.port || again.tls != cr.tls ||
		    again.expires_at != cr.expires_at ||
		    !again.username != !cr.username ||
		    (cr.username && strcmp(again.username, cr.username)) ||
		    !again.password != !cr.password ||
		    (cr.password && strcmp(again.password, cr.password)))
			abort();
		yk_creds_fresh(&cr, NOW);
	}
	yk_creds_free(&cr);
	yk_creds_free(&again);
	yk_buf_free(&b);
	return 0;
}
