/*
 * tlsdiag.h - why a TLS connection attempt failed, from the little that
 * libmosquitto lets us see.
 *
 * libmosquitto returns MOSQ_ERR_TLS (or a lost connection) for every TLS
 * failure; only its error log tells a certificate we cannot trust from a
 * broker that does not speak TLS, and with TLS 1.3 not even that when the
 * broker refuses our certificate after the handshake (see
 * yk_tlsdiag_verdict).  So two sources, both read here and nowhere else:
 * - the error lines libmosquitto logs during the attempt
 *   (yk_tlsdiag_log), classified by the text they hold;
 * - the bytes the broker sent that were left unread when the link
 *   failed, peeked at through a dup of the attempt's socket
 *   (yk_tlsdiag_take, taken as soon as the socket exists).
 *
 * What always holds: every failure but YK_TLS_OTHER cannot be mended by
 * trying again, so the session makes it fatal at once, with the message
 * and exit code yk_tlsdiag_verdict gives (tests/e2e/tls.bats); the first
 * line that says what went wrong wins.
 */
#ifndef YK_TLSDIAG_H
#define YK_TLSDIAG_H

#include <stdbool.h>

#include "err.h"

/* The CA directory given to libmosquitto when no --cafile is. */
#ifndef YK_CAPATH
#define YK_CAPATH "/etc/ssl/certs"
#endif

enum yk_tls_fail {
	YK_TLS_NONE,
	YK_TLS_OTHER,     /* retried like any failed attempt */
	YK_TLS_UNTRUSTED, /* the broker's certificate did not verify */
	YK_TLS_NAME,      /* ... or does not name the URL's host */
	YK_TLS_NOCERT,    /* the broker wants a client certificate */
	YK_TLS_BADCERT,   /* ... and did not accept ours */
	YK_TLS_CAFILE,    /* our own files would not load */
	YK_TLS_CERT,
	YK_TLS_KEY,
};

/* What the messages name: the session's broker and files. */
struct yk_tlsdiag_ctx {
	const char *hostport; /* "host:port", as the session quotes it */
	const char *host;     /* the URL's host name */
	const char *cafile;   /* NULL: the system's (YK_CAPATH) */
	const char *cert, *key; /* NULL: no client certificate */
};

struct yk_tlsdiag {
	struct yk_tlsdiag_ctx ctx;
	enum yk_tls_fail fail; /* of the current attempt */
	char why[96];          /* OpenSSL's first reason, or "" */
	int probe_fd;          /* the dup of yk_tlsdiag_take, or -1 */
};

void yk_tlsdiag_init(struct yk_tlsdiag *d, const struct yk_tlsdiag_ctx *ctx);
/* A new attempt: what the last one said is forgotten, its dup closed. */
void yk_tlsdiag_begin(struct yk_tlsdiag *d);
/*
 * One error line libmosquitto logged during the attempt, such as
 *   "Error: host name verification failed."
 *   "Error: Unable to load CA certificates, check cafile \"F\"."
 *   "OpenSSL Error[0]: error:0A000086:SSL routines::certificate verify
 *    failed"  (OpenSSL's reason, kept in why, is the text after the last
 *    colon of the first such line)
 * Any line makes the attempt at least YK_TLS_OTHER.
 */
void yk_tlsdiag_log(struct yk_tlsdiag *d, const char *line);
/* No retry can mend what the attempt ran into (so far). */
bool yk_tlsdiag_fatal(const struct yk_tlsdiag *d);
/* Keep a dup of the attempt's socket fd (once; fd < 0: not yet). */
void yk_tlsdiag_take(struct yk_tlsdiag *d, int fd);
/* Close the dup (the attempt is over, or it connected). */
void yk_tlsdiag_close(struct yk_tlsdiag *d);
/*
 * The attempt failed.  With TLS 1.3 a broker checks our certificate
 * after the handshake: it sends an alert and closes.  Our CONNECT, sent
 * as the handshake ends, often meets the broker's reset before we have
 * read the alert (one attempt in four on loopback), and libmosquitto
 * then closes the socket unread; the dup keeps what was received.  A TLS
 * record left unread (0x15 alert, or 0x17 encrypted, as a TLS 1.3 alert
 * is) is the broker's last word, a refusal of our certificate, or of
 * none; a broker that does not speak TLS sends no such record.  Then,
 * when no retry can mend the failure: its message in err, and its code
 * returned (YK_ERUNTIME the broker's certificate, YK_EREFUSED ours,
 * YK_EUSAGE our files); else YK_OK, err untouched.
 */
int yk_tlsdiag_verdict(struct yk_tlsdiag *d, struct yk_err *err);

#endif
