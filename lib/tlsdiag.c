/*
 * tlsdiag.c - a failed TLS attempt's cause, from libmosquitto's log lines
 * and the bytes left unread (see tlsdiag.h).
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tlsdiag.h"

void
yk_tlsdiag_init(struct yk_tlsdiag *d, const struct yk_tlsdiag_ctx *ctx)
{
	memset(d, 0, sizeof(*d));
	d->ctx = *ctx;
	d->probe_fd = -1;
}

void
yk_tlsdiag_begin(struct yk_tlsdiag *d)
{
	d->fail = YK_TLS_NONE;
	d->why[0] = '\0';
	yk_tlsdiag_close(d);
}

void
yk_tlsdiag_log(struct yk_tlsdiag *d, const char *line)
{
	static const struct {
		const char *text;
		enum yk_tls_fail fail;
	} known[] = {
		{"host name verification failed", YK_TLS_NAME},
		{"Unable to load CA certificates", YK_TLS_CAFILE},
		{"Unable to load client certificate", YK_TLS_CERT},
		{"Unable to load client key", YK_TLS_KEY},
		{"certificate verify failed", YK_TLS_UNTRUSTED},
		{"alert certificate required", YK_TLS_NOCERT},
		{"alert bad certificate", YK_TLS_BADCERT},
		{"alert unknown ca", YK_TLS_BADCERT},
		/* unknown, expired, revoked, ... */
		{"alert certificate", YK_TLS_BADCERT},
		{"alert unsupported certificate", YK_TLS_BADCERT},
		{"alert access denied", YK_TLS_BADCERT},
	};
	const char *why = strrchr(line, ':');

	if (strncmp(line, "OpenSSL Error", 13) == 0 && why &&
	    d->why[0] == '\0')
		snprintf(d->why, sizeof(d->why), "%s", why + 1);
	/* the first line that says what went wrong wins: a name that does
	 * not match is also reported as "certificate verify failed" */
	if (yk_tlsdiag_fatal(d))
		return;
	d->fail = YK_TLS_OTHER;
	for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
		if (strstr(line, known[i].text)) {
			d->fail = known[i].fail;
			return;
		}
	}
}

bool
yk_tlsdiag_fatal(const struct yk_tlsdiag *d)
{
	return d->fail > YK_TLS_OTHER;
}

void
yk_tlsdiag_take(struct yk_tlsdiag *d, int fd)
{
	if (d->probe_fd < 0 && fd >= 0)
		d->probe_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
}

void
yk_tlsdiag_close(struct yk_tlsdiag *d)
{
	if (d->probe_fd >= 0)
		close(d->probe_fd);
	d->probe_fd = -1;
}

/* A TLS record the broker sent is waiting unread: an alert (0x15), or
 * encrypted (0x17), as a TLS 1.3 alert is. */
static bool
unread_record(const struct yk_tlsdiag *d)
{
	unsigned char b;

	return d->probe_fd >= 0 &&
	       recv(d->probe_fd, &b, 1, MSG_PEEK | MSG_DONTWAIT) == 1 &&
	       (b == 0x15 || b == 0x17);
}

int
yk_tlsdiag_verdict(struct yk_tlsdiag *d, struct yk_err *err)
{
	const struct yk_tlsdiag_ctx *c = &d->ctx;
	const char *hp = c->hostport, *why = d->why;
	const char *sep = *why ? ": " : "";

	if (!yk_tlsdiag_fatal(d) && unread_record(d))
		d->fail = c->cert ? YK_TLS_BADCERT : YK_TLS_NOCERT;
	switch (d->fail) {
	case YK_TLS_UNTRUSTED:
		return yk_err_set(err, YK_ERUNTIME,
				  "cannot connect to '%s': the broker's "
				  "certificate could not be verified against "
				  "%s%s%s",
				  hp,
				  c->cafile ? "'" : "the system's CA "
						    "certificates",
				  c->cafile ? c->cafile : "",
				  c->cafile ? "'" : "");
	case YK_TLS_NAME:
		return yk_err_set(err, YK_ERUNTIME,
				  "cannot connect to '%s': the broker's "
				  "certificate does not match the host name "
				  "'%s'",
				  hp, c->host);
	case YK_TLS_NOCERT:
		return yk_err_set(err, YK_EREFUSED,
				  "broker '%s' refused the connection: it "
				  "requires a client certificate (--cert and "
				  "--key)",
				  hp);
	case YK_TLS_BADCERT:
		/* no reason: the alert that gives it is not always read
		 * (see unread_record); -vvv shows it when it is */
		return yk_err_set(err, YK_EREFUSED,
				  "broker '%s' refused the connection: it did "
				  "not accept the client certificate '%s'",
				  hp, c->cert ? c->cert : "");
	case YK_TLS_CAFILE:
		return yk_err_set(err, YK_EUSAGE,
				  "cannot load CA certificates from '%s'%s%s",
				  c->cafile ? c->cafile : YK_CAPATH, sep, why);
	case YK_TLS_CERT:
		return yk_err_set(err, YK_EUSAGE,
				  "cannot load the client certificate '%s'%s%s",
				  c->cert ? c->cert : "", sep, why);
	case YK_TLS_KEY:
		return yk_err_set(err, YK_EUSAGE,
				  "cannot load the client key '%s'%s%s",
				  c->key ? c->key : "", sep, why);
	default:
		return YK_OK;
	}
}
