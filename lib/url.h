/*
 * url.h - broker URLs: mqtt://[user[:password]@]host[:port] and mqtts://.
 *
 * A bare "host[:port]" means mqtt://.  Passwords are percent-decoded and are
 * never printed: yk_url_redact gives the form used in every message.
 */
#ifndef YK_URL_H
#define YK_URL_H

#include <stdbool.h>

#include "err.h"

struct yk_url {
	bool tls;
	char host[256];
	int port;
	char *user; /* NULL when absent */
	char *pass; /* NULL when absent; wiped by yk_url_free */
};

int yk_url_parse(struct yk_url *u, const char *text, struct yk_err *err);
void yk_url_free(struct yk_url *u);
/* True when text may carry a password, however malformed: a ':' before
 * the last '@' after "scheme://".  Such a text is a secret: not on argv,
 * only in a private config file, never in the environment of a child. */
bool yk_url_has_password(const char *text);
/* text for messages: what lies between the scheme and that last '@'
 * becomes "***"; any URL (broker, backend) goes through here. */
const char *yk_url_redact(const char *text, char *buf, size_t n);
/* "host:port" for messages; never includes credentials. */
const char *yk_url_hostport(const struct yk_url *u, char *buf, size_t n);

#endif
