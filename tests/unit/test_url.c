/*
 * test_url.c - broker URLs (lib/url.h).
 *
 * What users rely on: the forms mosquitto users type work, the default
 * ports are the MQTT ones, and a password never shows up in a message
 * ("Secrets never appear in argv, logs, --verbose output or error
 * messages").
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

#define HOST_HINT "expected mqtt://host[:port] or mqtts://host[:port]"
#define PORT_HINT "the port must be a number from 1 to 65535"

static void
parse_ok(struct yk_url *u, const char *text)
{
	struct yk_err err = {0};

	if (yk_url_parse(u, text, &err) != YK_OK)
		fail_msg("'%s' refused: %s", text, err.msg);
}

static void
parse_err(const char *text, const char *msg)
{
	struct yk_url u;
	struct yk_err err = {0};
	int rc;

	rc = yk_url_parse(&u, text, &err);
	if (rc == YK_OK) {
		yk_url_free(&u);
		fail_msg("'%s' accepted", text);
	}
	assert_int_equal(rc, YK_EUSAGE);
	assert_string_equal(err.msg, msg);
	/* nothing left to free after a failure */
	assert_null(u.user);
	assert_null(u.pass);
}

static void
test_forms(void **state)
{
	static const struct {
		const char *text;
		bool tls;
		const char *host;
		int port;
	} t[] = {
		{"mqtt://localhost:1883", false, "localhost", 1883},
		{"mqtt://broker.example.com", false, "broker.example.com",
		 1883},
		{"mqtts://broker.example.com", true, "broker.example.com",
		 8883},
		{"mqtts://broker:443", true, "broker", 443},
		{"mqtt://10.0.0.5:1", false, "10.0.0.5", 1},
		{"mqtt://h:65535", false, "h", 65535},
		{"mqtt://host/", false, "host", 1883},
		/* bare host[:port] means mqtt:// */
		{"localhost", false, "localhost", 1883},
		{"broker.local:1884", false, "broker.local", 1884},
		{"mqtt://[::1]:1884", false, "::1", 1884},
		{"mqtts://[fe80::1]", true, "fe80::1", 8883},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		struct yk_url u;

		parse_ok(&u, t[i].text);
		if (u.tls != t[i].tls)
			fail_msg("'%s': tls %d", t[i].text, u.tls);
		assert_string_equal(u.host, t[i].host);
		assert_int_equal(u.port, t[i].port);
		assert_null(u.user);
		assert_null(u.pass);
		yk_url_free(&u);
	}
}

static void
test_credentials(void **state)
{
	struct yk_url u;

	(void)state;
	parse_ok(&u, "mqtt://robot@host");
	assert_string_equal(u.user, "robot");
	assert_null(u.pass);
	assert_string_equal(u.host, "host");
	yk_url_free(&u);

	parse_ok(&u, "mqtts://robot:s3cret@host:8884");
	assert_true(u.tls);
	assert_string_equal(u.user, "robot");
	assert_string_equal(u.pass, "s3cret");
	assert_string_equal(u.host, "host");
	assert_int_equal(u.port, 8884);
	yk_url_free(&u);
	/* freed and cleared, so a second free is harmless */
	assert_null(u.user);
	assert_null(u.pass);
	yk_url_free(&u);
}

static void
test_percent_decoding(void **state)
{
	struct yk_url u;

	(void)state;
	parse_ok(&u, "mqtt://us%20er:p%40ss%3Aw%2f@host");
	assert_string_equal(u.user, "us er");
	assert_string_equal(u.pass, "p@ss:w/");
	assert_string_equal(u.host, "host");
	yk_url_free(&u);

	/* what is not a %XX escape stays as written */
	parse_ok(&u, "mqtt://u:a%zz%4@host");
	assert_string_equal(u.pass, "a%zz%4");
	yk_url_free(&u);
}

static void
test_errors(void **state)
{
	(void)state;
	parse_err("http://host", "invalid broker URL 'http://host': the "
				 "scheme must be mqtt:// or mqtts://");
	parse_err("ws://host:80", "invalid broker URL 'ws://host:80': the "
				  "scheme must be mqtt:// or mqtts://");
	parse_err("mqtt://host/path", "invalid broker URL 'mqtt://host/path': "
				      "unexpected path");
	parse_err("mqtt://", "invalid broker URL 'mqtt://': " HOST_HINT);
	parse_err("", "invalid broker URL '': " HOST_HINT);
	parse_err("mqtt://:1883", "invalid broker URL 'mqtt://:1883': "
				  HOST_HINT);
	parse_err("mqtt://ho st", "invalid broker URL 'mqtt://ho st': "
				  HOST_HINT);
	parse_err("mqtt://[::1", "invalid broker URL 'mqtt://[::1': "
				 HOST_HINT);
	parse_err("mqtt://[::1]x", "invalid broker URL 'mqtt://[::1]x': "
				   HOST_HINT);
	parse_err("mqtt://host:0", "invalid broker URL 'mqtt://host:0': "
				   PORT_HINT);
	parse_err("mqtt://host:65536", "invalid broker URL "
				       "'mqtt://host:65536': " PORT_HINT);
	parse_err("mqtt://host:", "invalid broker URL 'mqtt://host:': "
				  PORT_HINT);
	parse_err("mqtt://host:12a", "invalid broker URL 'mqtt://host:12a': "
				     PORT_HINT);
	parse_err("mqtt://host:-1", "invalid broker URL 'mqtt://host:-1': "
				    PORT_HINT);
	parse_err("mqtt://host:99999999999999999999",
		  "invalid broker URL 'mqtt://host:99999999999999999999': "
		  PORT_HINT);
	parse_err("mqtt://[::1]:0", "invalid broker URL 'mqtt://[::1]:0': "
				    PORT_HINT);
}

static void
test_long_host(void **state)
{
	char text[400];
	struct yk_url u;
	struct yk_err err = {0};

	(void)state;
	snprintf(text, sizeof(text), "mqtt://");
	memset(text + 7, 'a', 300);
	text[307] = '\0';
	assert_int_equal(yk_url_parse(&u, text, &err), YK_EUSAGE);
	assert_non_null(strstr(err.msg, HOST_HINT));
	/* 255 is the longest host name (RFC 1035) and fits */
	text[7 + 255] = '\0';
	parse_ok(&u, text);
	assert_int_equal(strlen(u.host), 255);
	yk_url_free(&u);
}

/* A refused URL's message shows it with the credentials masked. */
static void
test_errors_mask_credentials(void **state)
{
	(void)state;
	parse_err("mqtt://robot:hunter2@host:0",
		  "invalid broker URL 'mqtt://***@host:0': " PORT_HINT);
	parse_err("mqtt://robot:hunter2@host/x",
		  "invalid broker URL 'mqtt://***@host/x': unexpected path");
	parse_err("robot:hunter2@:1883",
		  "invalid broker URL '***@:1883': " HOST_HINT);
}

static void
no_secret_in_message(const char *text, const char *secret)
{
	struct yk_url u;
	struct yk_err err = {0};

	if (yk_url_parse(&u, text, &err) == YK_OK) {
		yk_url_free(&u);
		return;
	}
	if (strstr(err.msg, secret) != NULL)
		fail_msg("'%s': the message shows the password: %s", text,
			 err.msg);
}

static void
test_wrong_scheme_masks_credentials(void **state)
{
	(void)state;
	/* a user who types http:// still must not see the password echoed */
	no_secret_in_message("http://robot:hunter2@host", "hunter2");
	no_secret_in_message("ws://robot:hunter2@host:8080", "hunter2");
}

static void
test_unencoded_at_in_password(void **state)
{
	struct yk_url u;
	struct yk_err err = {0};

	(void)state;
	/*
	 * "p@ss" should be written p%40ss, but users paste passwords as they
	 * are.  Either the last '@' ends the credentials (as curl and
	 * browsers read it), or the URL is refused: in no case may part of
	 * the password reach the message.
	 */
	if (yk_url_parse(&u, "mqtt://robot:p@ssw0rd@host", &err) == YK_OK) {
		assert_string_equal(u.host, "host");
		assert_string_equal(u.pass, "p@ssw0rd");
		yk_url_free(&u);
		return;
	}
	if (strstr(err.msg, "ssw0rd") != NULL)
		fail_msg("the message shows part of the password: %s",
			 err.msg);
}

static void
test_has_password(void **state)
{
	(void)state;
	assert_true(yk_url_has_password("mqtt://u:p@h"));
	assert_true(yk_url_has_password("mqtts://u:p@h:8883"));
	assert_true(yk_url_has_password("u:p@h"));
	assert_true(yk_url_has_password("mqtt://u:@h"));
	assert_false(yk_url_has_password("mqtt://u@h"));
	assert_false(yk_url_has_password("mqtt://h:1883"));
	assert_false(yk_url_has_password("h:1883"));
	assert_false(yk_url_has_password("mqtt://h:1883/x"));
}

/*
 * A URL that carries a password is a secret however malformed it is: the
 * user info ends at the last '@' of the whole text, so a '/', '?' or '#'
 * typed unencoded in the password does not hide it (issue 9: the password
 * was printed, and allowed on argv and in a readable config file).
 */
static void
test_has_password_malformed(void **state)
{
	(void)state;
	assert_true(yk_url_has_password("mqtt://u:S3cretPW/x@127.0.0.1:1883"));
	assert_true(yk_url_has_password("mqtt://u:a?b@h"));
	assert_true(yk_url_has_password("mqtt://u:a#b@h"));
	assert_true(yk_url_has_password("u:S3cret/PW@h"));
	/* a "://" inside the password is no scheme */
	assert_true(yk_url_has_password("u:pa://ss@h"));
	assert_true(yk_url_has_password("mqtt:/u:pw@h"));
	assert_true(yk_url_has_password("mqtt://u:a/b@c@h"));
	/* what might be a path is masked too: refused anyway */
	assert_true(yk_url_has_password("mqtt://h/u:p@x"));
	assert_false(yk_url_has_password("mqtt://h/x@y"));
}

static void
test_redact(void **state)
{
	char buf[300];

	(void)state;
	assert_string_equal(yk_url_redact("mqtt://u:pw@h:1", buf, sizeof(buf)),
			    "mqtt://***@h:1");
	assert_string_equal(yk_url_redact("mqtt://u:S3cretPW/x@127.0.0.1:1883",
					  buf, sizeof(buf)),
			    "mqtt://***@127.0.0.1:1883");
	assert_string_equal(yk_url_redact("u:pa://ss@h", buf, sizeof(buf)),
			    "***@h");
	assert_string_equal(yk_url_redact("https://k:v@api/v1/x", buf,
					  sizeof(buf)),
			    "https://***@api/v1/x");
	assert_string_equal(yk_url_redact("mqtt://h:1883", buf, sizeof(buf)),
			    "mqtt://h:1883");
}

/* Every refusal of a malformed URL masks the password. */
static void
test_malformed_masks_credentials(void **state)
{
	(void)state;
	parse_err("mqtt://u:S3cretPW/x@127.0.0.1:1883",
		  "invalid broker URL 'mqtt://***@127.0.0.1:1883': a '/' in "
		  "the user name or password must be written %2F");
	no_secret_in_message("mqtt://u:S3cretPW/x@127.0.0.1:1883", "S3cret");
	no_secret_in_message("mqtt://u:S3cret?PW@h", "S3cret");
	no_secret_in_message("mqtt://u:S3cret#PW@h", "S3cret");
	no_secret_in_message("u:S3cret://PW@h", "S3cret");
	no_secret_in_message("ws://u:S3cret/PW@h", "S3cret");
	no_secret_in_message("mqtt://u:a/S3cret@b@h", "S3cret");
	no_secret_in_message("mqtt:/u:S3cret@h", "S3cret");
}

static void
test_has_password_any_scheme(void **state)
{
	(void)state;
	/*
	 * conf.c refuses a password in --broker only when this says yes; a
	 * mistyped scheme must not let the password through argv (and into
	 * the error message).
	 */
	assert_true(yk_url_has_password("http://u:p@h"));
	assert_true(yk_url_has_password("mqtt+ws://u:p@h"));
}

static void
test_hostport(void **state)
{
	char buf[300];
	struct yk_url u;

	(void)state;
	parse_ok(&u, "mqtt://robot:hunter2@broker:1884");
	assert_string_equal(yk_url_hostport(&u, buf, sizeof(buf)),
			    "broker:1884");
	yk_url_free(&u);
	parse_ok(&u, "mqtts://broker");
	assert_string_equal(yk_url_hostport(&u, buf, sizeof(buf)),
			    "broker:8883");
	yk_url_free(&u);
	parse_ok(&u, "mqtt://[::1]");
	assert_string_equal(yk_url_hostport(&u, buf, sizeof(buf)),
			    "[::1]:1883");
	yk_url_free(&u);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_credentials),
		cmocka_unit_test(test_percent_decoding),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_long_host),
		cmocka_unit_test(test_errors_mask_credentials),
		cmocka_unit_test(test_wrong_scheme_masks_credentials),
		cmocka_unit_test(test_unencoded_at_in_password),
		cmocka_unit_test(test_has_password),
		cmocka_unit_test(test_has_password_any_scheme),
		cmocka_unit_test(test_has_password_malformed),
		cmocka_unit_test(test_redact),
		cmocka_unit_test(test_malformed_masks_credentials),
		cmocka_unit_test(test_hostport),
	};

	return cmocka_run_group_tests_name("url", tests, NULL, NULL);
}
