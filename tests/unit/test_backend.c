/*
 * test_backend.c - the backend's answer, the cache file format and name,
 * backend URLs and API key files (lib/creds.h, lib/cache.h,
 * lib/backend.h).  The HTTP exchange itself is tested end to end
 * (tests/e2e/backend.bats).
 *
 * What users rely on: an answer a backend may really send is taken, a
 * wrong one is refused with a message that names the member and never its
 * value (it may be the password), and what is cached reads back the same.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "backend.h"
#include "cache.h"
#include "creds.h"

#define NOW 1800000000LL

static void
parse_ok(struct yk_creds *cr, const char *s)
{
	struct yk_err err = {0};

	if (yk_creds_parse(cr, s, strlen(s), NOW, &err) != YK_OK)
		fail_msg("'%s' refused: %s", s, err.msg);
}

static void
parse_err(const char *s, const char *msg)
{
	struct yk_creds cr;
	struct yk_err err = {0};
	int rc = yk_creds_parse(&cr, s, strlen(s), NOW, &err);

	if (rc == YK_OK) {
		yk_creds_free(&cr);
		fail_msg("'%s' accepted", s);
	}
	assert_int_equal(rc, YK_ERUNTIME);
	assert_string_equal(err.msg, msg);
	assert_null(cr.username);
	assert_null(cr.password);
	/* no value is ever quoted */
	assert_null(strstr(err.msg, "hunter2"));
}

static void
test_answer(void **state)
{
	struct yk_creds cr;

	(void)state;
	parse_ok(&cr, "{\"host\":\"mqtt.example.com\",\"port\":8883,"
		      "\"username\":\"arm-042\",\"password\":\"hunter2\","
		      "\"tls\":true,\"expires_in\":600,\"org\":\"acme\"}");
	assert_string_equal(cr.host, "mqtt.example.com");
	assert_int_equal(cr.port, 8883);
	assert_true(cr.tls);
	assert_string_equal(cr.username, "arm-042");
	assert_string_equal(cr.password, "hunter2");
	assert_int_equal(cr.expires_at, NOW + 600);
	yk_creds_free(&cr);
	assert_null(cr.password);
}

static void
test_answer_forms(void **state)
{
	struct yk_creds cr;

	(void)state;
	/* no expiry: the default TTL; escapes decoded; no credentials */
	parse_ok(&cr, " {\"tls\":false,\"port\":1883,\"host\":\"10.0.0.1\"} ");
	assert_int_equal(cr.expires_at, NOW + YK_CREDS_TTL);
	assert_null(cr.username);
	assert_null(cr.password);
	assert_false(cr.tls);
	yk_creds_free(&cr);
	parse_ok(&cr, "{\"host\":\"::1\",\"port\":1,\"tls\":false,"
		      "\"username\":\"u\",\"password\":\"p\\\"\\u00e9\\\\\","
		      "\"expires_at\":1800000100.5}");
	assert_string_equal(cr.host, "::1");
	assert_string_equal(cr.password, "p\"\xc3\xa9\\");
	assert_int_equal(cr.expires_at, 1800000100);
	yk_creds_free(&cr);
	/* both: the earlier wins; null credentials are none */
	parse_ok(&cr, "{\"host\":\"h\",\"port\":2,\"tls\":true,"
		      "\"expires_at\":1800000100,\"expires_in\":50,"
		      "\"username\":null,\"password\":null}");
	assert_int_equal(cr.expires_at, NOW + 50);
	assert_null(cr.username);
	yk_creds_free(&cr);
	parse_ok(&cr, "{\"host\":\"h\",\"port\":2,\"tls\":true,"
		      "\"expires_at\":1800000010,\"expires_in\":50}");
	assert_int_equal(cr.expires_at, NOW + 10);
	yk_creds_free(&cr);
}

static void
test_answer_errors(void **state)
{
	(void)state;
	parse_err("", "not a JSON object");
	parse_err("[1]", "not a JSON object");
	parse_err("{\"host\":\"h\",\"port\":1,}", "not a JSON object");
	parse_err("{\"port\":1,\"tls\":true}", "'host' is missing");
	parse_err("{\"host\":\"h\",\"tls\":true}", "'port' is missing");
	parse_err("{\"host\":\"h\",\"port\":1}", "'tls' is missing");
	parse_err("{\"host\":7,\"port\":1,\"tls\":true}",
		  "'host' must be a string");
	parse_err("{\"host\":\"a b\",\"port\":1,\"tls\":true}",
		  "'host' must be a host name or an address");
	parse_err("{\"host\":\"u@h\",\"port\":1,\"tls\":true}",
		  "'host' must be a host name or an address");
	parse_err("{\"host\":\"\",\"port\":1,\"tls\":true}",
		  "'host' must be a host name or an address");
	parse_err("{\"host\":\"h\",\"port\":\"1883\",\"tls\":true}",
		  "'port' must be an integer from 1 to 65535");
	parse_err("{\"host\":\"h\",\"port\":0,\"tls\":true}",
		  "'port' must be an integer from 1 to 65535");
	parse_err("{\"host\":\"h\",\"port\":65536,\"tls\":true}",
		  "'port' must be an integer from 1 to 65535");
	parse_err("{\"host\":\"h\",\"port\":1.5,\"tls\":true}",
		  "'port' must be an integer from 1 to 65535");
	parse_err("{\"host\":\"h\",\"port\":1,\"tls\":\"yes\"}",
		  "'tls' must be true or false");
	parse_err("{\"host\":\"h\",\"port\":1,\"tls\":true,"
		  "\"username\":\"u\",\"password\":[\"hunter2\"]}",
		  "'password' must be a string");
	parse_err("{\"host\":\"h\",\"port\":1,\"tls\":true,"
		  "\"username\":\"u\",\"password\":\"hun\\u0000ter2\"}",
		  "'password' must be a string");
	parse_err("{\"host\":\"h\",\"port\":1,\"tls\":true,"
		  "\"username\":1,\"password\":\"hunter2\"}",
		  "'username' must be a string");
	parse_err("{\"host\":\"h\",\"port\":1,\"tls\":true,"
		  "\"password\":\"hunter2\"}",
		  "'password' is given without 'username'");
	parse_err("{\"host\":\"h\",\"port\":1,\"tls\":true,"
		  "\"expires_in\":-5}",
		  "'expires_in' must be a number of seconds");
	parse_err("{\"host\":\"h\",\"port\":1,\"tls\":true,"
		  "\"expires_at\":\"soon\"}",
		  "'expires_at' must be a time in seconds since 1970");
}

/* What is cached reads back as it was. */
static void
test_cache_format(void **state)
{
	struct yk_creds cr = {.port = 8883, .tls = true,
			      .expires_at = NOW + 5};
	struct yk_creds back;
	struct yk_buf b = {0};

	(void)state;
	snprintf(cr.host, sizeof(cr.host), "broker.example.com");
	cr.username = strdup("arm\"042");
	cr.password = strdup("p\\w\n\xc3\xa9");
	yk_creds_format(&b, &cr);
	assert_string_equal(b.p, "{\"host\":\"broker.example.com\","
				 "\"port\":8883,\"tls\":true,"
				 "\"username\":\"arm\\\"042\","
				 "\"password\":\"p\\\\w\\n\xc3\xa9\","
				 "\"expires_at\":1800000005}\n");
	parse_ok(&back, b.p);
	assert_string_equal(back.host, cr.host);
	assert_int_equal(back.port, cr.port);
	assert_true(back.tls);
	assert_string_equal(back.username, cr.username);
	assert_string_equal(back.password, cr.password);
	assert_int_equal(back.expires_at, cr.expires_at);
	yk_creds_free(&back);
	yk_creds_free(&cr);
	yk_buf_free(&b);
}

static void
test_fresh(void **state)
{
	struct yk_creds cr = {.expires_at = NOW + 100};

	(void)state;
	assert_true(yk_creds_fresh(&cr, NOW));
	assert_true(yk_creds_fresh(&cr, NOW + 100 - YK_CREDS_MARGIN - 1));
	assert_false(yk_creds_fresh(&cr, NOW + 100 - YK_CREDS_MARGIN));
	assert_false(yk_creds_fresh(&cr, NOW + 1000));
}

static void
test_cache_name(void **state)
{
	char a[512], b[512];
	const char *p;

	(void)state;
	yk_cache_name(a, sizeof(a), "/run/user/1000/yoke",
		      "https://api.example.com", "sk-secret-key",
		      "acme", "arm-1");
	assert_int_equal(strlen(a), strlen("/run/user/1000/yoke/broker-") +
					    64 + strlen(".json"));
	assert_int_equal(strncmp(a, "/run/user/1000/yoke/broker-", 27), 0);
	assert_null(strstr(a, "sk-secret"));
	for (p = a + 27; p < a + 27 + 64; p++)
		assert_non_null(strchr("0123456789abcdef", *p));
	/* the same settings, the same file; any other, another */
	yk_cache_name(b, sizeof(b), "/run/user/1000/yoke",
		      "https://api.example.com", "sk-secret-key",
		      "acme", "arm-1");
	assert_string_equal(a, b);
	yk_cache_name(b, sizeof(b), "/run/user/1000/yoke",
		      "https://api.example.com", "sk-other-key",
		      "acme", "arm-1");
	assert_string_not_equal(a, b);
	yk_cache_name(b, sizeof(b), "/run/user/1000/yoke",
		      "https://api.example.com", "sk-secret-key",
		      "acme", "arm-2");
	assert_string_not_equal(a, b);
	/* settings are separated, not just run together */
	yk_cache_name(a, sizeof(a), "/d", "u", "k", "ab", "c");
	yk_cache_name(b, sizeof(b), "/d", "u", "k", "a", "bc");
	assert_string_not_equal(a, b);
}

static void
test_cache_dir(void **state)
{
	char d[256];

	(void)state;
	setenv("XDG_RUNTIME_DIR", "/run/user/7", 1);
	setenv("XDG_CACHE_HOME", "/home/u/.xc", 1);
	setenv("HOME", "/home/u", 1);
	yk_cache_dir(d, sizeof(d));
	assert_string_equal(d, "/run/user/7/yoke");
	setenv("XDG_RUNTIME_DIR", "relative", 1);
	yk_cache_dir(d, sizeof(d));
	assert_string_equal(d, "/home/u/.xc/yoke");
	unsetenv("XDG_RUNTIME_DIR");
	unsetenv("XDG_CACHE_HOME");
	yk_cache_dir(d, sizeof(d));
	assert_string_equal(d, "/home/u/.cache/yoke");
	unsetenv("HOME");
	yk_cache_dir(d, sizeof(d));
	assert_string_equal(d, "");
}

static void
test_urls(void **state)
{
	struct yk_err err = {0};
	char buf[256];

	(void)state;
	assert_int_equal(yk_backend_check_url("https://api.example.com", &err),
			 YK_OK);
	assert_int_equal(yk_backend_check_url("http://127.0.0.1:8000/v1/",
					      &err),
			 YK_OK);
	assert_int_equal(yk_backend_check_url("mqtt://h", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "invalid backend URL 'mqtt://h': the "
				     "scheme must be http:// or https://");
	assert_int_equal(yk_backend_check_url("https://", &err), YK_EUSAGE);
	assert_string_equal(err.msg, "invalid backend URL 'https://': "
				     "expected https://host[:port][/path]");
	assert_int_equal(yk_backend_check_url("ftp://u:hunter2@h", &err),
			 YK_EUSAGE);
	assert_null(strstr(err.msg, "hunter2"));
	/* up to the last '@': a '/' in a password must not end it, so an
	 * '@' in a path is masked too (issue 9) */
	assert_string_equal(
		yk_backend_redact("https://u:hunter2@h:8/p@x", buf,
				  sizeof(buf)),
		"https://***@x");
	assert_string_equal(
		yk_backend_redact("https://u:hunter2/p@h:8/p", buf,
				  sizeof(buf)),
		"https://***@h:8/p");
	assert_string_equal(yk_backend_redact("https://h/p", buf,
					      sizeof(buf)),
			    "https://h/p");
}

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

static void
test_key_file(void **state)
{
	char path[] = "/tmp/yk-test-key-XXXXXX";
	struct yk_err err = {0};
	char *key = NULL;
	char want[200];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	write_file(path, "  sk-abc123 \r\nsecond line\n", 0600);
	assert_int_equal(yk_creds_read_key(path, &key, &err), YK_OK);
	assert_string_equal(key, "sk-abc123");
	free(key);
	write_file(path, "\n\n", 0400);
	assert_int_equal(yk_creds_read_key(path, &key, &err), YK_EUSAGE);
	snprintf(want, sizeof(want), "API key file '%s' is empty", path);
	assert_string_equal(err.msg, want);
	write_file(path, "sk-abc123\n", 0640);
	assert_int_equal(yk_creds_read_key(path, &key, &err), YK_EUSAGE);
	snprintf(want, sizeof(want),
		 "API key file '%s' is open to other users (mode 640); run "
		 "'chmod 600 %s'",
		 path, path);
	assert_string_equal(err.msg, want);
	unlink(path);
	assert_int_equal(yk_creds_read_key(path, &key, &err), YK_EUSAGE);
	snprintf(want, sizeof(want),
		 "cannot read API key file '%s': No such file or directory",
		 path);
	assert_string_equal(err.msg, want);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_answer),
		cmocka_unit_test(test_answer_forms),
		cmocka_unit_test(test_answer_errors),
		cmocka_unit_test(test_cache_format),
		cmocka_unit_test(test_fresh),
		cmocka_unit_test(test_cache_name),
		cmocka_unit_test(test_cache_dir),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_key_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
