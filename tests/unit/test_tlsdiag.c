/*
 * test_tlsdiag.c - lib/tlsdiag.h: what a failed TLS attempt is told to
 * be, from libmosquitto's log lines and from the bytes left unread.
 *
 * What users rely on: a certificate that cannot be trusted, a name that
 * does not match, a client certificate refused or missing, and our own
 * files that do not load are each said as such, once, with the exit code
 * of yoke(7) (1, 4, 2), never retried; anything else is retried.  The
 * peek at unread bytes is checked on a socketpair standing for the
 * attempt's socket: a TLS alert or encrypted record the broker left is a
 * refusal, a handshake record or nothing is not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tlsdiag.h"

static const struct yk_tlsdiag_ctx plain = {
	.hostport = "broker.example:8883", .host = "broker.example"};
static const struct yk_tlsdiag_ctx files = {
	.hostport = "localhost:8883", .host = "localhost",
	.cafile = "/etc/yoke/ca.pem", .cert = "robot.pem", .key = "robot.key"};

/* The verdict after the lines of one attempt, into err; returns rc. */
static int
verdict_of(const struct yk_tlsdiag_ctx *ctx, const char *const *lines,
	   struct yk_err *err)
{
	struct yk_tlsdiag d;
	int rc;

	yk_tlsdiag_init(&d, ctx);
	yk_tlsdiag_begin(&d);
	for (; *lines; lines++)
		yk_tlsdiag_log(&d, *lines);
	memset(err, 0, sizeof(*err));
	rc = yk_tlsdiag_verdict(&d, err);
	assert_int_equal(rc, err->rc);
	yk_tlsdiag_close(&d);
	return rc;
}

static void
test_log_lines_classified(void **state)
{
	static const struct {
		const char *line;
		enum yk_tls_fail fail;
	} cases[] = {
		{"Error: host name verification failed.", YK_TLS_NAME},
		{"Error: Unable to load CA certificates, check cafile "
		 "\"/x/ca.pem\".",
		 YK_TLS_CAFILE},
		{"Error: Unable to load client certificate \"c.pem\".",
		 YK_TLS_CERT},
		{"Error: Unable to load client key file \"k.pem\".",
		 YK_TLS_KEY},
		{"OpenSSL Error[0]: error:0A000086:SSL routines::certificate "
		 "verify failed",
		 YK_TLS_UNTRUSTED},
		{"OpenSSL Error[0]: error:0A00045C:SSL routines::tlsv13 alert "
		 "certificate required",
		 YK_TLS_NOCERT},
		{"OpenSSL Error[0]: error:0A000412:SSL routines::sslv3 alert "
		 "bad certificate",
		 YK_TLS_BADCERT},
		{"OpenSSL Error[0]: error:0A000418:SSL routines::tlsv1 alert "
		 "unknown ca",
		 YK_TLS_BADCERT},
		{"OpenSSL Error[0]: error:0A000415:SSL routines::sslv3 alert "
		 "certificate expired",
		 YK_TLS_BADCERT},
		{"OpenSSL Error[0]: error:0A000419:SSL routines::tlsv1 alert "
		 "access denied",
		 YK_TLS_BADCERT},
		/* says nothing we know: retried */
		{"OpenSSL Error[0]: error:0A00010B:SSL routines::wrong version "
		 "number",
		 YK_TLS_OTHER},
		{"Error: Connection refused", YK_TLS_OTHER},
	};
	struct yk_tlsdiag d;

	(void)state;
	yk_tlsdiag_init(&d, &plain);
	assert_int_equal(d.fail, YK_TLS_NONE);
	assert_int_equal(d.probe_fd, -1);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		yk_tlsdiag_begin(&d);
		yk_tlsdiag_log(&d, cases[i].line);
		assert_int_equal(d.fail, cases[i].fail);
		assert_int_equal(yk_tlsdiag_fatal(&d),
				 cases[i].fail > YK_TLS_OTHER);
	}
}

/* libmosquitto logs the name check, then OpenSSL's "certificate verify
 * failed" for the same cause: the first line that says what went wrong
 * is the one told. */
static void
test_first_cause_wins(void **state)
{
	struct yk_tlsdiag d;

	(void)state;
	yk_tlsdiag_init(&d, &plain);
	yk_tlsdiag_begin(&d);
	yk_tlsdiag_log(&d, "Error: something generic");
	assert_int_equal(d.fail, YK_TLS_OTHER);
	yk_tlsdiag_log(&d, "Error: host name verification failed.");
	assert_int_equal(d.fail, YK_TLS_NAME);
	yk_tlsdiag_log(&d, "OpenSSL Error[0]: error:0A000086:SSL "
			   "routines::certificate verify failed");
	assert_int_equal(d.fail, YK_TLS_NAME);
	/* OpenSSL's reason is kept all the same: the text after the last
	 * colon of its first line */
	assert_string_equal(d.why, "certificate verify failed");
	yk_tlsdiag_log(&d, "OpenSSL Error[1]: error:0A000126:SSL "
			   "routines::unexpected eof while reading");
	assert_string_equal(d.why, "certificate verify failed");
	/* a new attempt starts from nothing */
	yk_tlsdiag_begin(&d);
	assert_int_equal(d.fail, YK_TLS_NONE);
	assert_string_equal(d.why, "");
	assert_false(yk_tlsdiag_fatal(&d));
}

static void
test_verdict_messages(void **state)
{
	const char *untrusted[] = {"OpenSSL Error[0]: error:0A000086:SSL "
				   "routines::certificate verify failed",
				   NULL};
	const char *name[] = {"Error: host name verification failed.", NULL};
	const char *nocert[] = {"OpenSSL Error[0]: error:0A00045C:SSL "
				"routines::tlsv13 alert certificate required",
				NULL};
	const char *badcert[] = {"OpenSSL Error[0]: error:0A000418:SSL "
				 "routines::tlsv1 alert unknown ca",
				 NULL};
	const char *cafile[] = {"Error: Unable to load CA certificates, "
				"check cafile \"/etc/yoke/ca.pem\".",
				"OpenSSL Error[0]: error:05800088:x509 "
				"certificate routines::no certificate or crl "
				"found",
				NULL};
	const char *cert[] = {"Error: Unable to load client certificate "
			      "\"robot.pem\".",
			      NULL};
	const char *key[] = {"OpenSSL Error[0]: error:05800074:x509 "
			     "certificate routines::key values mismatch",
			     "Error: Unable to load client key file "
			     "\"robot.key\".",
			     NULL};
	const char *other[] = {"OpenSSL Error[0]: error:0A00010B:SSL "
			       "routines::wrong version number",
			       NULL};
	const char *none[] = {NULL};
	struct yk_err err;

	(void)state;
	assert_int_equal(verdict_of(&plain, untrusted, &err), YK_ERUNTIME);
	assert_string_equal(err.msg,
			    "cannot connect to 'broker.example:8883': the "
			    "broker's certificate could not be verified "
			    "against the system's CA certificates");
	assert_int_equal(verdict_of(&files, untrusted, &err), YK_ERUNTIME);
	assert_string_equal(err.msg,
			    "cannot connect to 'localhost:8883': the broker's "
			    "certificate could not be verified against "
			    "'/etc/yoke/ca.pem'");
	assert_int_equal(verdict_of(&plain, name, &err), YK_ERUNTIME);
	assert_string_equal(err.msg,
			    "cannot connect to 'broker.example:8883': the "
			    "broker's certificate does not match the host "
			    "name 'broker.example'");
	assert_int_equal(verdict_of(&plain, nocert, &err), YK_EREFUSED);
	assert_string_equal(err.msg,
			    "broker 'broker.example:8883' refused the "
			    "connection: it requires a client certificate "
			    "(--cert and --key)");
	assert_int_equal(verdict_of(&files, badcert, &err), YK_EREFUSED);
	assert_string_equal(err.msg,
			    "broker 'localhost:8883' refused the connection: "
			    "it did not accept the client certificate "
			    "'robot.pem'");
	assert_int_equal(verdict_of(&files, cafile, &err), YK_EUSAGE);
	assert_string_equal(err.msg,
			    "cannot load CA certificates from "
			    "'/etc/yoke/ca.pem': no certificate or crl found");
	/* no --cafile: the directory libmosquitto was given */
	assert_int_equal(verdict_of(&plain, cafile, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "cannot load CA certificates from '"
				     YK_CAPATH "': no certificate or crl found");
	assert_int_equal(verdict_of(&files, cert, &err), YK_EUSAGE);
	assert_string_equal(err.msg,
			    "cannot load the client certificate 'robot.pem'");
	assert_int_equal(verdict_of(&files, key, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "cannot load the client key 'robot.key': "
				     "key values mismatch");
	/* retried: no verdict, err untouched */
	assert_int_equal(verdict_of(&files, other, &err), YK_OK);
	assert_string_equal(err.msg, "");
	assert_int_equal(verdict_of(&files, none, &err), YK_OK);
}

/* A socketpair stands for the attempt's socket: sv[0] is ours, what is
 * written to sv[1] is what the broker sent. */
static int
peek_verdict(const struct yk_tlsdiag_ctx *ctx, const void *sent, size_t n,
	     bool take, struct yk_err *err)
{
	struct yk_tlsdiag d;
	int sv[2], rc;

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	yk_tlsdiag_init(&d, ctx);
	yk_tlsdiag_begin(&d);
	if (take) {
		yk_tlsdiag_take(&d, sv[0]);
		assert_true(d.probe_fd >= 0);
		assert_int_not_equal(d.probe_fd, sv[0]);
		assert_true(fcntl(d.probe_fd, F_GETFD) & FD_CLOEXEC);
	}
	if (n)
		assert_int_equal(write(sv[1], sent, n), (ssize_t)n);
	/* libmosquitto closes its socket unread: the dup still sees it */
	close(sv[0]);
	close(sv[1]);
	memset(err, 0, sizeof(*err));
	rc = yk_tlsdiag_verdict(&d, err);
	yk_tlsdiag_close(&d);
	assert_int_equal(d.probe_fd, -1);
	return rc;
}

static void
test_unread_record(void **state)
{
	/* a TLS 1.2 alert record header, fatal, bad_certificate */
	static const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02,
					      0x02, 0x2a};
	/* TLS 1.3: the alert is encrypted, an application_data record */
	static const unsigned char enc[] = {0x17, 0x03, 0x03, 0x00, 0x13};
	/* a handshake record, or an MQTT CONNACK: no refusal */
	static const unsigned char hs[] = {0x16, 0x03, 0x03, 0x00, 0x40};
	static const unsigned char connack[] = {0x20, 0x03, 0x00, 0x00, 0x00};
	struct yk_err err;

	(void)state;
	assert_int_equal(peek_verdict(&plain, alert, sizeof(alert), true,
				      &err),
			 YK_EREFUSED);
	assert_string_equal(err.msg,
			    "broker 'broker.example:8883' refused the "
			    "connection: it requires a client certificate "
			    "(--cert and --key)");
	assert_int_equal(peek_verdict(&files, enc, sizeof(enc), true, &err),
			 YK_EREFUSED);
	assert_string_equal(err.msg,
			    "broker 'localhost:8883' refused the connection: "
			    "it did not accept the client certificate "
			    "'robot.pem'");
	assert_int_equal(peek_verdict(&files, hs, sizeof(hs), true, &err),
			 YK_OK);
	assert_int_equal(peek_verdict(&files, connack, sizeof(connack), true,
				      &err),
			 YK_OK);
	assert_int_equal(peek_verdict(&files, NULL, 0, true, &err), YK_OK);
	/* no dup taken (not a TLS attempt): nothing to see */
	assert_int_equal(peek_verdict(&files, enc, sizeof(enc), false, &err),
			 YK_OK);
}

/* What the log said beats what the peek would: a name that does not
 * match stays that, even with an alert left unread. */
static void
test_log_beats_peek(void **state)
{
	static const unsigned char alert[] = {0x15, 0x03, 0x03, 0x00, 0x02};
	struct yk_tlsdiag d;
	struct yk_err err = {0};
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	yk_tlsdiag_init(&d, &files);
	yk_tlsdiag_begin(&d);
	yk_tlsdiag_take(&d, sv[0]);
	assert_int_equal(write(sv[1], alert, sizeof(alert)),
			 (ssize_t)sizeof(alert));
	yk_tlsdiag_log(&d, "Error: host name verification failed.");
	assert_int_equal(yk_tlsdiag_verdict(&d, &err), YK_ERUNTIME);
	assert_non_null(strstr(err.msg, "does not match the host name"));
	yk_tlsdiag_close(&d);
	close(sv[0]);
	close(sv[1]);
}

/* One dup per attempt: later calls keep the first; a new attempt
 * closes it. */
static void
test_take_once(void **state)
{
	struct yk_tlsdiag d;
	int sv[2], first;

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	yk_tlsdiag_init(&d, &plain);
	yk_tlsdiag_take(&d, -1); /* no socket yet */
	assert_int_equal(d.probe_fd, -1);
	yk_tlsdiag_take(&d, sv[0]);
	first = d.probe_fd;
	assert_true(first >= 0);
	yk_tlsdiag_take(&d, sv[1]);
	assert_int_equal(d.probe_fd, first);
	yk_tlsdiag_begin(&d);
	assert_int_equal(d.probe_fd, -1);
	assert_int_equal(fcntl(first, F_GETFD), -1); /* closed */
	yk_tlsdiag_close(&d); /* twice is harmless */
	close(sv[0]);
	close(sv[1]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_log_lines_classified),
	    cmocka_unit_test(test_first_cause_wins),
	    cmocka_unit_test(test_verdict_messages),
	    cmocka_unit_test(test_unread_record),
	    cmocka_unit_test(test_log_beats_peek),
	    cmocka_unit_test(test_take_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
