/*
 * test_conf.c - the shared settings (lib/conf.h) beyond what test_opt.c
 * checks of their parsing: whether the backend is asked and which API key
 * setting counts, TLS files that would block, the robot a tool speaks
 * for, the session settings handed to lib/mqtt, and where yk_conf_open
 * connects: the broker given, or cached credentials from the backend,
 * dropped when the broker refuses them (tests/unit/fakebroker.h stands
 * in for the broker; the backend is a closed port, so any fetch fails).
 *
 * Every test runs with the YOKE_* variables cleared, YOKE_CONFIG at a
 * private temporary file and XDG_RUNTIME_DIR (the credential cache) in a
 * temporary directory.  Messages are checked word for word.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "clock.h"
#include "cache.h"
#include "conf.h"
#include "fakebroker.h"
#include "opt.h"

#define ID_HINT "use lowercase letters, digits, '.', '_' and '-', " \
		"starting with a letter or digit"

/* Every YOKE_ variable out of the environment: the user's own
 * settings must not leak in. */
static void
clear_env(void)
{
	extern char **environ;
	char name[128];

	for (size_t i = 0; environ[i] != NULL;) {
		const char *eq = strchr(environ[i], '=');
		size_t n = eq ? (size_t)(eq - environ[i]) : 0;

		if (strncmp(environ[i], "YOKE_", 5) != 0 || n >= sizeof(name)) {
			i++;
			continue;
		}
		memcpy(name, environ[i], n);
		name[n] = '\0';
		unsetenv(name); /* the rest moves down into place i */
	}
}

struct t {
	struct yk_cli cli;
	struct yk_conf c;
	struct yk_opt opts[4];
	char *argv[32];
	int nargs;
	struct yk_err err;
	char dir[64];
	char config[128];
};

static void
write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(path, mode), 0);
}

static int
setup_with(void **state, unsigned what)
{
	struct t *t = calloc(1, sizeof(*t));
	char run[160];

	if (t == NULL)
		return -1;
	clear_env();
	snprintf(t->dir, sizeof(t->dir), "/tmp/yk-test-conf.XXXXXX");
	if (mkdtemp(t->dir) == NULL)
		return -1;
	snprintf(t->config, sizeof(t->config), "%s/config", t->dir);
	snprintf(run, sizeof(run), "%s/run", t->dir);
	mkdir(run, 0700);
	write_file(t->config, "", 0600);
	setenv("YOKE_CONFIG", t->config, 1);
	setenv("XDG_RUNTIME_DIR", run, 1);
	yk_conf_init(&t->c, &t->cli, what);
	t->opts[0] = (struct yk_opt)YK_INCLUDE(t->c.opts);
	t->opts[1] = (struct yk_opt)YK_END;
	t->cli.usage = "[options]";
	t->cli.summary = "Test the shared settings.";
	t->cli.opts = t->opts;
	*state = t;
	return 0;
}

static int
setup(void **state)
{
	return setup_with(state, YK_CONF_ROBOT | YK_CONF_SESSION |
					 YK_CONF_QUEUE);
}

/* A tool without -r (yoke-pub): the robot is only a setting. */
static int
setup_norobot(void **state)
{
	return setup_with(state, YK_CONF_QUEUE);
}

static void
rm_tree(const char *dir)
{
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
}

static int
teardown(void **state)
{
	struct t *t = *state;

	yk_conf_free(&t->c);
	yk_cli_free(&t->cli);
	rm_tree(t->dir);
	free(t);
	clear_env();
	unsetenv("XDG_RUNTIME_DIR");
	return 0;
}

/* argv[0] and the arguments, NULL-terminated. */
#define ARGV(...) ((const char *const[]){"yoke-test", __VA_ARGS__, NULL})
#define NOARGS ((const char *const[]){"yoke-test", NULL})

/* Parse args (ARGV, NOARGS), then yk_conf_finish. */
static int
finish(struct t *t, const char *const *args)
{
	int argc = 0;

	/* the parser permutes its argv: a copy */
	for (; args[argc] && argc < 31; argc++)
		t->argv[argc] = (char *)args[argc];
	t->argv[argc] = NULL;
	memset(&t->err, 0, sizeof(t->err));
	if (yk_cli_parse(&t->cli, argc, t->argv, &t->nargs, stdout,
			 &t->err) != YK_OK)
		fail_msg("parse: %s", t->err.msg);
	return yk_conf_finish(&t->c, &t->cli, &t->err);
}

static void
test_backend_needs_a_key(void **state)
{
	struct t *t = *state;

	setenv("YOKE_BACKEND_URL", "https://ops:s3cret@api.example", 1);
	assert_int_equal(finish(t, NOARGS), YK_EUSAGE);
	/* the URL's password is not shown */
	assert_string_equal(t->err.msg,
			    "backend 'https://***@api.example' needs an API "
			    "key: set YOKE_API_KEY, or 'api-key' or "
			    "'api-key-file' in the config file");
	assert_false(t->c.use_backend);
}

static void
test_backend_url_checks(void **state)
{
	struct t *t = *state;

	assert_int_equal(finish(t, ARGV("--backend", "https://ops:pw@api")),
			 YK_EUSAGE);
	assert_string_equal(t->err.msg,
			    "a password in --backend would be visible to "
			    "other users; set YOKE_BACKEND_URL or the config "
			    "file");
	yk_cli_free(&t->cli);
	t->c.backend = NULL;
	setenv("YOKE_API_KEY", "k", 1);
	assert_int_equal(finish(t, ARGV("--backend", "ftp://api")), YK_EUSAGE);
	assert_false(t->c.use_backend);
}

/* The stronger setting of the two names the key; api-key on a tie. */
static void
test_backend_key_choice(void **state)
{
	struct t *t = *state;
	char cfg[512];

	setenv("YOKE_BACKEND_URL", "https://api", 1);
	snprintf(cfg, sizeof(cfg), "api-key-file = %s/key\n", t->dir);
	write_file(t->config, cfg, 0600);
	setenv("YOKE_API_KEY", "k-env", 1);
	assert_int_equal(finish(t, NOARGS), YK_OK);
	assert_true(t->c.use_backend);
	assert_string_equal(t->c.key_from, "YOKE_API_KEY");
	assert_string_equal(t->c.api_key, "k-env");
	assert_null(t->c.api_key_file);
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	/* the file in the environment beats the key in the config file */
	t->c.api_key = t->c.api_key_file = NULL;
	write_file(t->config, "api-key = k-file\n", 0600);
	unsetenv("YOKE_API_KEY");
	setenv("YOKE_API_KEY_FILE", "/run/key", 1);
	assert_int_equal(finish(t, NOARGS), YK_OK);
	assert_string_equal(t->c.key_from, "the API key file");
	assert_null(t->c.api_key);
	assert_string_equal(t->c.api_key_file, "/run/key");
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	/* both in the config file: api-key */
	t->c.api_key = t->c.api_key_file = NULL;
	unsetenv("YOKE_API_KEY_FILE");
	snprintf(cfg, sizeof(cfg), "api-key = k-file\napi-key-file = %s/key\n",
		 t->dir);
	write_file(t->config, cfg, 0600);
	assert_int_equal(finish(t, NOARGS), YK_OK);
	assert_string_equal(t->c.key_from, "'api-key' in the config file");
	assert_string_equal(t->c.api_key, "k-file");
	assert_null(t->c.api_key_file);
}

/* A broker given by flag or environment wins over the backend; one
 * from the config file does not. */
static void
test_backend_broker_given(void **state)
{
	struct t *t = *state;

	setenv("YOKE_BACKEND_URL", "https://api", 1);
	setenv("YOKE_API_KEY", "k", 1);
	assert_int_equal(finish(t, ARGV("-b", "mqtt://dev:1884")), YK_OK);
	assert_false(t->c.use_backend);
	assert_string_equal(t->c.broker_by, "--broker");
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	t->c.broker_by = NULL;
	setenv("YOKE_BROKER", "mqtt://dev:1884", 1);
	assert_int_equal(finish(t, NOARGS), YK_OK);
	assert_false(t->c.use_backend);
	assert_string_equal(t->c.broker_by, "YOKE_BROKER");
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	t->c.broker_by = NULL;
	t->c.broker = "mqtt://localhost:1883";
	unsetenv("YOKE_BROKER");
	write_file(t->config, "broker = mqtt://file:1885\n", 0600);
	assert_int_equal(finish(t, NOARGS), YK_OK);
	assert_true(t->c.use_backend);
	assert_null(t->c.broker_by);
}

/* A tool without -r checks the robot setting only when it goes to the
 * backend. */
static void
test_hidden_robot(void **state)
{
	struct t *t = *state;

	setenv("YOKE_ROBOT", "Arm 1", 1);
	assert_int_equal(finish(t, NOARGS), YK_OK);
	assert_string_equal(t->c.robot, "Arm 1");
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	setenv("YOKE_BACKEND_URL", "https://api", 1);
	setenv("YOKE_API_KEY", "k", 1);
	assert_int_equal(finish(t, NOARGS), YK_EUSAGE);
	assert_string_equal(t->err.msg, "invalid robot id 'Arm 1': " ID_HINT);
}

/* libmosquitto would fopen these and block on a FIFO: refused by name;
 * a missing file is left to it. */
static void
test_tls_files(void **state)
{
	struct t *t = *state;
	char fifo[128], msg[256];

	assert_int_equal(finish(t, ARGV("--cafile", t->dir)), YK_EUSAGE);
	snprintf(msg, sizeof(msg), "cannot read --cafile '%s': Is a directory",
		 t->dir);
	assert_string_equal(t->err.msg, msg);
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	t->c.cafile = NULL;
	snprintf(fifo, sizeof(fifo), "%s/fifo", t->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	assert_int_equal(
	    finish(t, ARGV("--cert", "/nonexistent.pem", "--key", fifo)),
	    YK_EUSAGE);
	snprintf(msg, sizeof(msg), "cannot read --key '%s': not a regular file",
		 fifo);
	assert_string_equal(t->err.msg, msg);
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	t->c.cert = t->c.key = NULL;
	assert_int_equal(finish(t, ARGV("--cafile", "/nonexistent.pem")),
			 YK_OK);
}

/* The robot a tool speaks for: given, or the host name, which may not
 * be an id. */
static void
test_robot(void **state)
{
	struct t *t = *state;
	struct yk_err err = {0};

	snprintf(t->c.hostname, sizeof(t->c.hostname), "Build_Host");
	assert_int_equal(finish(t, NOARGS), YK_OK);
	assert_ptr_equal(t->c.robot, t->c.hostname);
	assert_int_equal(yk_conf_robot(&t->c, &err), YK_EUSAGE);
	assert_string_equal(err.msg,
			    "no -r or YOKE_ROBOT, and the host name will not "
			    "do: invalid robot id 'Build_Host': " ID_HINT);
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	t->c.robot = NULL;
	memset(&err, 0, sizeof(err));
	assert_int_equal(finish(t, ARGV("-r", "arm-1")), YK_OK);
	assert_int_equal(yk_conf_robot(&t->c, &err), YK_OK);
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	/* a host name that is an id will do */
	t->c.robot = NULL;
	snprintf(t->c.hostname, sizeof(t->c.hostname), "build-7");
	assert_int_equal(finish(t, NOARGS), YK_OK);
	assert_int_equal(yk_conf_robot(&t->c, &err), YK_OK);
	assert_string_equal(t->c.robot, "build-7");
}

static void
test_mqtt_settings(void **state)
{
	struct t *t = *state;
	struct yk_mqtt_cfg mc;

	assert_int_equal(
	    finish(t, ARGV("-b", "mqtts://b.example:8884", "--session", "ops-1",
			   "--session-expiry", "600", "-k", "30", "--queue",
			   "50", "--connect-timeout", "2.5",
			   "--offline-timeout", "7", "--cafile", "/etc/ca.pem",
			   "--cert", "c.pem", "--key", "k.pem", "-vv")),
	    YK_OK);
	memset(&mc, 0xff, sizeof(mc));
	yk_conf_mqtt(&t->c, &mc);
	assert_ptr_equal(mc.url, &t->c.url);
	assert_true(mc.url->tls);
	assert_string_equal(mc.url->host, "b.example");
	assert_int_equal(mc.url->port, 8884);
	/* a persistent session: its name is the client id */
	assert_string_equal(mc.client_id, "ops-1");
	assert_false(mc.clean_start);
	assert_int_equal(mc.session_expiry, 600);
	assert_int_equal(mc.keepalive, 30);
	assert_int_equal(mc.queue_max, 50);
	assert_true(mc.connect_timeout == 2.5);
	assert_true(mc.offline_timeout == 7);
	assert_string_equal(mc.cafile, "/etc/ca.pem");
	assert_string_equal(mc.cert, "c.pem");
	assert_string_equal(mc.key, "k.pem");
	assert_ptr_equal(mc.log, yk_conf_log);
	assert_int_equal(mc.verbose, 2);
	/* what the tool adds is cleared */
	assert_null(mc.will_topic);
	assert_null(mc.on_message);
	assert_null(mc.refresh);
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	/* values stay where the last parse put them: back to defaults */
	t->c.session = NULL;
	t->c.keepalive = 60;
	t->c.offline_timeout = -1;
	t->c.broker = "mqtt://localhost:1883";
	assert_int_equal(finish(t, NOARGS), YK_OK);
	yk_conf_mqtt(&t->c, &mc);
	assert_null(mc.client_id);
	assert_true(mc.clean_start);
	assert_int_equal(mc.keepalive, 60);
	assert_true(mc.offline_timeout < 0);
}

static void
test_robot_help(void **state)
{
	struct t *t = *state;
	const struct yk_opt *r = NULL;

	yk_conf_robot_help(&t->c, "robot id (default sim-1)");
	for (const struct yk_opt *o = t->c.opts; o->kind != YK_OPT_END; o++)
		if (o->sname == 'r')
			r = o;
	assert_non_null(r);
	assert_string_equal(r->help, "robot id (default sim-1)");
}

static int
conf_open(struct t *t, struct yk_mqtt **s)
{
	struct yk_mqtt_cfg mc;

	yk_conf_mqtt(&t->c, &mc);
	memset(&t->err, 0, sizeof(t->err));
	return yk_conf_open(&t->c, &mc, s, &t->err);
}

/* Without a backend: the broker given, as the settings say. */
static void
test_open_broker(void **state)
{
	struct t *t = *state;
	struct fb b;
	struct fb_event e;
	struct yk_mqtt *s = NULL;
	char url[64], msg[160];
	int port = fb_closed_port();

	fb_start(&b);
	assert_int_equal(finish(t, ARGV("-b", b.url, "--session", "ops-1")),
			 YK_OK);
	setenv("YOKE_USERNAME", "ignored-here", 1); /* read at parse only */
	assert_int_equal(conf_open(t, &s), YK_OK);
	fb_expect(&b, &e, 'C', NULL);
	assert_string_equal(e.client, "ops-1");
	assert_string_equal(e.user, "-");
	fb_event_free(&e);
	yk_mqtt_close(s);
	fb_expect(&b, &e, 'D', NULL);
	assert_int_equal(e.reason, 0);
	fb_event_free(&e);
	fb_stop(&b);
	yk_cli_free(&t->cli);
	yk_conf_free(&t->c);

	/* nothing there: the first connection must work */
	t->c.session = NULL;
	snprintf(url, sizeof(url), "mqtt://127.0.0.1:%d", port);
	assert_int_equal(finish(t, ARGV("-b", url)), YK_OK);
	assert_int_equal(conf_open(t, &s), YK_ERUNTIME);
	snprintf(msg, sizeof(msg),
		 "cannot connect to '127.0.0.1:%d': Connection refused", port);
	assert_string_equal(t->err.msg, msg);
}

/* The cache the backend's answer lives in, for t's settings. */
static void
store_creds(struct t *t, const char *backend, int port, const char *user)
{
	struct yk_backend bk = {.url = backend, .key = "k3y", .org = "acme",
				.robot = "arm-1"};
	struct yk_creds cr = {.port = port,
			      .expires_at = yk_now_us() / 1000000 + 3600};

	snprintf(cr.host, sizeof(cr.host), "127.0.0.1");
	cr.username = strdup(user);
	cr.password = strdup("pw");
	struct yk_cache k;

	yk_backend_init(&bk);
	yk_cache_init(&k, &bk);
	assert_string_not_equal(k.path, "");
	(void)t;
	yk_cache_store(&k, &cr);
	yk_creds_free(&cr);
}

static bool
cached(const char *backend)
{
	struct yk_backend bk = {.url = backend, .key = "k3y", .org = "acme",
				.robot = "arm-1"};
	struct yk_creds cr;
	bool yes;

	struct yk_cache k;

	yk_backend_init(&bk);
	yk_cache_init(&k, &bk);
	yes = yk_cache_load(&k, &cr) == YK_OK;
	if (yes)
		yk_creds_free(&cr);
	return yes;
}

/* With a backend and its answer cached: no HTTP (the backend is a
 * closed port), the broker and user from the cache, the key wiped; a
 * second session uses what the first resolved. */
static void
test_open_cached_credentials(void **state)
{
	struct t *t = *state;
	struct fb b;
	struct fb_event e;
	struct yk_mqtt *s = NULL, *s2 = NULL;
	char backend[64];

	fb_start(&b);
	snprintf(backend, sizeof(backend), "http://127.0.0.1:%d",
		 fb_closed_port());
	setenv("YOKE_BACKEND_URL", backend, 1);
	setenv("YOKE_API_KEY", "k3y", 1);
	assert_int_equal(finish(t, ARGV("--org", "acme", "-r", "arm-1")),
			 YK_OK);
	assert_true(t->c.use_backend);
	store_creds(t, backend, b.port, "robot-7");
	assert_int_equal(conf_open(t, &s), YK_OK);
	assert_null(t->c.bearer);
	assert_int_equal(t->c.url.port, b.port);
	fb_expect(&b, &e, 'C', NULL);
	assert_string_equal(e.user, "robot-7");
	fb_event_free(&e);
	/* resolved once: the cache is not read again */
	unsetenv("YOKE_API_KEY");
	rm_tree(getenv("XDG_RUNTIME_DIR"));
	assert_int_equal(conf_open(t, &s2), YK_OK);
	fb_expect(&b, &e, 'C', NULL);
	assert_string_equal(e.user, "robot-7");
	fb_event_free(&e);
	yk_mqtt_close(s);
	yk_mqtt_close(s2);
	fb_stop(&b);
}

/* Cached credentials the broker refuses are dropped, and the backend is
 * asked again (here it cannot answer: that failure is the result). */
static void
test_open_cached_refused(void **state)
{
	struct t *t = *state;
	struct fb b;
	struct fb_event e;
	struct yk_mqtt *s = NULL;
	char backend[64], want[128];

	fb_start(&b);
	fb_ctl(&b, "R robot-7 134"); /* bad user name or password */
	snprintf(backend, sizeof(backend), "http://127.0.0.1:%d",
		 fb_closed_port());
	setenv("YOKE_BACKEND_URL", backend, 1);
	setenv("YOKE_API_KEY", "k3y", 1);
	assert_int_equal(finish(t, ARGV("--org", "acme", "-r", "arm-1",
				"--connect-timeout", "0.2")),
			 YK_OK);
	store_creds(t, backend, b.port, "robot-7");
	assert_true(cached(backend));
	assert_int_equal(conf_open(t, &s), YK_ERUNTIME);
	/* the refusal is over: what failed is the second ask */
	snprintf(want, sizeof(want),
		 "cannot get broker credentials from '%s': ", backend);
	assert_int_equal(strncmp(t->err.msg, want, strlen(want)), 0);
	assert_null(s);
	fb_expect(&b, &e, 'C', NULL);
	assert_string_equal(e.user, "robot-7");
	fb_event_free(&e);
	assert_false(cached(backend));
	assert_null(t->c.bearer);
	fb_stop(&b);
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
#define N(f) cmocka_unit_test_setup_teardown(f, setup_norobot, teardown)
	const struct CMUnitTest tests[] = {
	    T(test_backend_needs_a_key),
	    T(test_backend_url_checks),
	    T(test_backend_key_choice),
	    T(test_backend_broker_given),
	    N(test_hidden_robot),
	    T(test_tls_files),
	    T(test_robot),
	    T(test_mqtt_settings),
	    T(test_robot_help),
	    T(test_open_broker),
	    T(test_open_cached_credentials),
	    T(test_open_cached_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
