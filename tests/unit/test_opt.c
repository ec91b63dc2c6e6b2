/*
 * test_opt.c - the option parser (lib/opt.h) and the shared settings
 * (lib/conf.h): argv > environment > config file > default.
 *
 * Every test runs with the YOKE_* variables cleared and YOKE_CONFIG
 * pointing at a private temporary file, so the user's own configuration
 * never leaks in.  Messages are checked word for word: they are how a user
 * finds the flag, variable or config line at fault.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "conf.h"
#include "opt.h"
#include "version.h"

#define ID_HINT "use lowercase letters, digits, '.', '_' and '-', " \
		"starting with a letter or digit"

static const char *const yoke_vars[] = {
	"YOKE_BROKER", "YOKE_ORG", "YOKE_ROBOT", "YOKE_ROOT",
	"YOKE_KEEPALIVE", "YOKE_USERNAME", "YOKE_PASSWORD", "YOKE_CAFILE",
	"YOKE_CERT", "YOKE_KEY", "YOKE_CONFIG", "YOKE_API_KEY",
	"YOKE_BACKEND_URL", "YOKE_STORE", "YOKE_TEST_LINES", NULL,
};

static const char *const formats[] = {"json", "text", "raw", NULL};
static const char *const two[] = {"lines", "delimited", NULL};

/* A tool as cmd/ writes one: its own options, then the shared table. */
struct tool {
	struct yk_cli cli;
	struct yk_conf c;
	const char *message;
	long count;
	double timeout;
	int format;
	int framing;
	bool lines, whole, ndjson;
	bool watch, json;       /* the tool with modes (use_modes) */
	const char *reason;
	long even;
	int nfunc;
	struct yk_opt opts[24];
	char *argv[32];
	int nargs;
	struct yk_err err;
	char *out;
	size_t outn;
	char config[64];
	char dir[64];
};

static int
opt_even(const struct yk_opt *o, const char *arg, struct yk_err *err)
{
	long v;

	if (yk_parse_long(arg, 0, 100, &v) != 0 || v % 2 != 0)
		return yk_err_set(err, YK_EUSAGE, "'%s' is not an even number",
				  arg);
	*(long *)o->val = v;
	return YK_OK;
}

static int
opt_mark(const struct yk_opt *o, const char *arg, struct yk_err *err)
{
	/* a FUNC without an argument gets NULL */
	if (arg != NULL)
		return yk_err_set(err, YK_EUSAGE, "unexpected argument");
	(*(int *)o->val)++;
	return YK_OK;
}

static void
write_config(struct tool *t, const char *text, mode_t mode)
{
	FILE *f = fopen(t->config, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(chmod(t->config, mode), 0);
}

static int
setup(void **state)
{
	struct tool *t = calloc(1, sizeof(*t));
	int fd;
	int n = 0;

	if (t == NULL)
		return -1;
	for (int i = 0; yoke_vars[i]; i++)
		unsetenv(yoke_vars[i]);
	snprintf(t->config, sizeof(t->config), "/tmp/yk-test-conf.XXXXXX");
	fd = mkstemp(t->config);
	if (fd < 0)
		return -1;
	close(fd);
	chmod(t->config, 0600);
	setenv("YOKE_CONFIG", t->config, 1);

	yk_conf_init(&t->c, &t->cli,
		     YK_CONF_ROBOT | YK_CONF_SESSION | YK_CONF_QUEUE |
			     YK_CONF_RAW);
	t->count = 10;
	t->timeout = 5;
	t->opts[n++] = (struct yk_opt)YK_GROUP("Test");
	t->opts[n++] = (struct yk_opt)YK_STR('m', "message", &t->message,
					     "TEXT", "publish TEXT");
	t->opts[n++] = (struct yk_opt)YK_INT('C', "count", &t->count, "N", 1,
					     100, "stop after N messages");
	t->opts[n++] = (struct yk_opt)YK_NUM('W', "timeout", &t->timeout, "S",
					     0.5, 60, "give up after S s");
	t->opts[n++] = (struct yk_opt)YK_CHOICE(0, "format", &t->format,
						"FMT", formats,
						"json, text or raw");
	t->opts[n++] = (struct yk_opt)YK_CHOICE(0, "framing", &t->framing,
						"F", two, "input framing");
	t->opts[n++] = (struct yk_opt)YK_FLAG('l', "lines", &t->lines,
					      "one message per line");
	t->opts[n++] = (struct yk_opt)YK_FLAG('s', "stdin", &t->whole,
					      "all of standard input");
	t->opts[n++] = (struct yk_opt)YK_FUNC(0, "even", &t->even, "N",
					      opt_even, "an even number");
	t->opts[n++] = (struct yk_opt)YK_FUNC(0, "mark", &t->nfunc, NULL,
					      opt_mark, "count marks");
	t->opts[n++] = (struct yk_opt)YK_FLAG(0, "ndjson", &t->ndjson,
					      "a very long option name with "
					      "a help text long enough that "
					      "it has to wrap at least once "
					      "on an 80-column terminal");
	t->opts[n - 1].env = "YOKE_TEST_LINES";
	t->opts[n++] = (struct yk_opt)YK_INCLUDE(t->c.opts);
	t->opts[n++] = (struct yk_opt)YK_END;
	t->cli.usage = "[options] KEY\n[options] --ndjson";
	t->cli.summary = "Test the option parser.";
	t->cli.opts = t->opts;
	*state = t;
	return 0;
}

static int
teardown(void **state)
{
	struct tool *t = *state;

	yk_conf_free(&t->c);
	yk_cli_free(&t->cli);
	unlink(t->config);
	if (t->dir[0] != '\0') {
		char path[128];

		snprintf(path, sizeof(path), "%s/yoke/config", t->dir);
		unlink(path);
		snprintf(path, sizeof(path), "%s/yoke", t->dir);
		rmdir(path);
		rmdir(t->dir);
	}
	free(t->out);
	free(t);
	for (int i = 0; yoke_vars[i]; i++)
		unsetenv(yoke_vars[i]);
	unsetenv("XDG_CONFIG_HOME");
	return 0;
}

/* Parse "yoke-test ARGS..." (NULL-terminated). */
static int
run(struct tool *t, ...)
{
	va_list ap;
	const char *a;
	int argc = 0, rc;
	FILE *out;

	t->argv[argc++] = (char *)"yoke-test";
	va_start(ap, t);
	while ((a = va_arg(ap, const char *)) != NULL)
		t->argv[argc++] = (char *)a;
	va_end(ap);
	t->argv[argc] = NULL;
	/* a tool parses once: start each run from a clean slate */
	yk_cli_free(&t->cli);
	free(t->out);
	t->out = NULL;
	out = open_memstream(&t->out, &t->outn);
	assert_non_null(out);
	memset(&t->err, 0, sizeof(t->err));
	rc = yk_cli_parse(&t->cli, argc, t->argv, &t->nargs, out, &t->err);
	fclose(out);
	return rc;
}

static void
run_ok(struct tool *t, int rc)
{
	if (rc != YK_OK)
		fail_msg("parse failed (%d): %s", rc, t->err.msg);
}

static void
run_err(struct tool *t, int rc, const char *msg)
{
	if (rc == YK_OK)
		fail_msg("parse succeeded, expected: %s", msg);
	assert_int_equal(rc, YK_EUSAGE);
	assert_string_equal(t->err.msg, msg);
}

/* yk_conf_finish after a successful parse. */
static int
finish(struct tool *t)
{
	memset(&t->err, 0, sizeof(t->err));
	return yk_conf_finish(&t->c, &t->cli, &t->err);
}

static void
test_defaults(void **state)
{
	struct tool *t = *state;

	run_ok(t, run(t, NULL));
	assert_int_equal(t->nargs, 0);
	assert_string_equal(t->c.broker, "mqtt://localhost:1883");
	assert_string_equal(t->c.org, "default");
	assert_string_equal(t->c.root, "yoke");
	/* 60 s; 5 s only for tools that hold a will (YK_CONF_WILL) */
	assert_int_equal(t->c.keepalive, 60);
	assert_int_equal(t->count, 10);
	assert_int_equal(yk_cli_origin(&t->cli, "broker"), YK_FROM_DEFAULT);
	assert_int_equal(yk_cli_origin(&t->cli, "count"), YK_FROM_DEFAULT);
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.url.host, "localhost");
	assert_int_equal(t->c.url.port, 1883);
	/* the robot id defaults to the host name */
	assert_string_equal(t->c.robot, t->c.hostname);
}

static void
test_argv_forms(void **state)
{
	struct tool *t = *state;

	run_ok(t, run(t, "--count", "5", "--timeout=2.5", "-m", "hi",
		      "--format", "raw", NULL));
	assert_int_equal(t->count, 5);
	assert_true(t->timeout == 2.5);
	assert_string_equal(t->message, "hi");
	assert_int_equal(t->format, 2);
	assert_int_equal(yk_cli_origin(&t->cli, "count"), YK_FROM_ARGV);
	assert_int_equal(yk_cli_origin(&t->cli, "timeout"), YK_FROM_ARGV);
}

static void
test_short_clusters(void **state)
{
	struct tool *t = *state;

	run_ok(t, run(t, "-vvv", "-C7", "-mhello", NULL));
	assert_int_equal(t->c.verbose, 3);
	assert_int_equal(t->count, 7);
	assert_string_equal(t->message, "hello");
	/* flags, then one option whose value is the rest or the next arg */
	run_ok(t, run(t, "-vlC4", NULL));
	assert_int_equal(t->c.verbose, 4);
	assert_true(t->lines);
	assert_int_equal(t->count, 4);
	run_ok(t, run(t, "-slC", "9", NULL));
	assert_true(t->whole);
	assert_int_equal(t->count, 9);
	/* a value that looks like an option is still the value */
	run_ok(t, run(t, "-m", "-v", NULL));
	assert_string_equal(t->message, "-v");
	run_ok(t, run(t, "--message", "--count", NULL));
	assert_string_equal(t->message, "--count");
}

static void
test_positionals(void **state)
{
	struct tool *t = *state;

	/* GNU permutation: options anywhere, positionals keep their order */
	run_ok(t, run(t, "a", "-C", "3", "b", "-", "--lines", "c", NULL));
	assert_int_equal(t->nargs, 4);
	assert_string_equal(t->argv[0], "a");
	assert_string_equal(t->argv[1], "b");
	assert_string_equal(t->argv[2], "-");
	assert_string_equal(t->argv[3], "c");
	assert_int_equal(t->count, 3);
	assert_true(t->lines);
	/* a negative number is an argument (no option letter is a digit);
	 * "-x" is still an option */
	run_ok(t, run(t, "vel", "-0.3", "-.5", "-2", "-C", "4", NULL));
	assert_int_equal(t->nargs, 4);
	assert_string_equal(t->argv[1], "-0.3");
	assert_string_equal(t->argv[2], "-.5");
	assert_string_equal(t->argv[3], "-2");
	assert_int_equal(t->count, 4);
	run_err(t, run(t, "-.", NULL), "unknown option '-.'");
}

static void
test_double_dash(void **state)
{
	struct tool *t = *state;

	run_ok(t, run(t, "a", "--", "-k", "--count=3", "--", "b", NULL));
	assert_int_equal(t->nargs, 5);
	assert_string_equal(t->argv[0], "a");
	assert_string_equal(t->argv[1], "-k");
	assert_string_equal(t->argv[2], "--count=3");
	assert_string_equal(t->argv[3], "--");
	assert_string_equal(t->argv[4], "b");
	/* nothing after "--" was taken as an option */
	assert_int_equal(t->c.keepalive, 60);
	assert_int_equal(t->count, 10);
	run_ok(t, run(t, "--", NULL));
	assert_int_equal(t->nargs, 0);
}

static void
test_unknown_option(void **state)
{
	struct tool *t = *state;

	run_err(t, run(t, "--colour", NULL), "unknown option '--colour'");
	run_err(t, run(t, "--colour=red", NULL), "unknown option '--colour'");
	run_err(t, run(t, "-x", NULL), "unknown option '-x'");
	run_err(t, run(t, "-vx", NULL), "unknown option '-x'");
	/* no abbreviations */
	run_err(t, run(t, "--keep", "10", NULL), "unknown option '--keep'");
	run_err(t, run(t, "--coun=3", NULL), "unknown option '--coun'");
	/* '_' for '-' is for config files only */
	run_err(t, run(t, "--connect_timeout", "1", NULL),
		"unknown option '--connect_timeout'");
	/* a setting the config file knows is not a flag of this tool */
	run_err(t, run(t, "--store", "/x", NULL), "unknown option '--store'");
}

static void
test_missing_value(void **state)
{
	struct tool *t = *state;

	run_err(t, run(t, "--count", NULL), "option '--count' needs a value");
	run_err(t, run(t, "-C", NULL), "option '-C' needs a value");
	run_err(t, run(t, "-vC", NULL), "option '-C' needs a value");
	run_err(t, run(t, "a", "--broker", NULL),
		"option '--broker' needs a value");
	run_err(t, run(t, "--lines=yes", NULL),
		"option '--lines' takes no value");
	run_err(t, run(t, "--mark=1", NULL), "option '--mark' takes no value");
}

static void
test_int_range(void **state)
{
	static const char *const bad[] = {
		"0", "101", "-1", "5x", "x", "", " 5", "5 ", "1.5", "0x10",
		"99999999999999999999", NULL,
	};
	struct tool *t = *state;
	char arg[64], want[160];

	for (int i = 0; bad[i]; i++) {
		snprintf(arg, sizeof(arg), "--count=%s", bad[i]);
		snprintf(want, sizeof(want),
			 "invalid value '%s' for --count: expected an integer "
			 "from 1 to 100",
			 bad[i]);
		run_err(t, run(t, arg, NULL), want);
	}
	run_ok(t, run(t, "--count", "1", NULL));
	assert_int_equal(t->count, 1);
	run_ok(t, run(t, "--count", "100", NULL));
	assert_int_equal(t->count, 100);
	/* the short form says which option too, by its long name */
	run_err(t, run(t, "-k", "4", NULL),
		"invalid value '4' for --keepalive: expected an integer from 5 "
		"to 65535");
	run_err(t, run(t, "--session-expiry", "0", NULL),
		"invalid value '0' for --session-expiry: expected an integer "
		"from 1 to 4294967294");
}

static void
test_num_range(void **state)
{
	static const char *const bad[] = {
		"0.25", "61", "-1", "nan", "inf", "-inf", "1e999", "abc", "",
		" 1", "1 ", "1,5", "2s", NULL,
	};
	struct tool *t = *state;
	char want[160];

	for (int i = 0; bad[i]; i++) {
		snprintf(want, sizeof(want),
			 "invalid value '%s' for --timeout: expected a number "
			 "from 0.5 to 60",
			 bad[i]);
		run_err(t, run(t, "--timeout", bad[i], NULL), want);
	}
	run_ok(t, run(t, "--timeout", "0.5", NULL));
	assert_true(t->timeout == 0.5);
	run_ok(t, run(t, "--timeout", "60", NULL));
	assert_true(t->timeout == 60);
	run_ok(t, run(t, "--timeout", "1e1", NULL));
	assert_true(t->timeout == 10);
	run_err(t, run(t, "--connect-timeout", "0", NULL),
		"invalid value '0' for --connect-timeout: expected a number "
		"from 0.1 to 3600");
}

static void
test_choice(void **state)
{
	struct tool *t = *state;

	run_ok(t, run(t, "--format", "text", NULL));
	assert_int_equal(t->format, 1);
	run_ok(t, run(t, "--format=json", NULL));
	assert_int_equal(t->format, 0);
	run_err(t, run(t, "--format", "yaml", NULL),
		"invalid value 'yaml' for --format: expected json, text or "
		"raw");
	/* exact names: no case folding, no prefixes */
	run_err(t, run(t, "--format", "JSON", NULL),
		"invalid value 'JSON' for --format: expected json, text or "
		"raw");
	run_err(t, run(t, "--format", "te", NULL),
		"invalid value 'te' for --format: expected json, text or raw");
	run_err(t, run(t, "--framing", "x", NULL),
		"invalid value 'x' for --framing: expected lines or "
		"delimited");
}

static void
test_func(void **state)
{
	struct tool *t = *state;

	run_ok(t, run(t, "--even", "42", "--mark", "--mark", NULL));
	assert_int_equal(t->even, 42);
	assert_int_equal(t->nfunc, 2);
	/* the option's own message, after the option's name */
	run_err(t, run(t, "--even", "3", NULL),
		"--even: '3' is not an even number");
}

static void
test_noargv_secrets(void **state)
{
	struct tool *t = *state;

	run_err(t, run(t, "--password", "hunter2", NULL),
		"--password cannot be given on the command line, where other "
		"users can read it; set YOKE_PASSWORD or 'password' in the "
		"config file");
	run_err(t, run(t, "--password=hunter2", NULL),
		"--password cannot be given on the command line, where other "
		"users can read it; set YOKE_PASSWORD or 'password' in the "
		"config file");
	run_err(t, run(t, "--username", "bob", NULL),
		"--username cannot be given on the command line, where other "
		"users can read it; set YOKE_USERNAME or 'username' in the "
		"config file");
	/* the environment is where it may come from */
	setenv("YOKE_PASSWORD", "hunter2", 1);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.password, "hunter2");
	assert_int_equal(yk_cli_origin(&t->cli, "password"), YK_FROM_ENV);
}

/*
 * Secrets from the environment are read once: copied, wiped where they
 * lay (the environment block that /proc/PID/environ shows) and removed,
 * so that no child inherits them; other settings stay (issue 9).
 */
static void
test_env_secrets_scrubbed(void **state)
{
	struct tool *t = *state;
	static char pw[] = "YOKE_PASSWORD=hunter2";
	static char key[] = "YOKE_API_KEY=k3y-s3cret";
	static char br[] = "YOKE_BROKER=mqtt://u:S3cret/x@h";
	static char be[] = "YOKE_BACKEND_URL=https://u:B4ck@api";
	static char org[] = "YOKE_ORG=acme";
	struct {
		const char *s;
		size_t n;
	} wiped[] = {{pw, sizeof(pw)}, {key, sizeof(key)}, {br, sizeof(br)},
		     {be, sizeof(be)}};

	putenv(pw);
	putenv(key);
	putenv(br);
	putenv(be);
	putenv(org);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.password, "hunter2");
	assert_string_equal(t->c.api_key, "k3y-s3cret");
	assert_string_equal(t->c.broker, "mqtt://u:S3cret/x@h");
	assert_string_equal(t->c.backend, "https://u:B4ck@api");
	assert_int_equal(yk_cli_origin(&t->cli, "password"), YK_FROM_ENV);
	assert_null(getenv("YOKE_PASSWORD"));
	assert_null(getenv("YOKE_API_KEY"));
	assert_null(getenv("YOKE_BROKER"));
	assert_null(getenv("YOKE_BACKEND_URL"));
	/* every byte of the entry, where it lay: /proc/PID/environ shows
	 * neither the value nor that there was one */
	for (int i = 0; i < 4; i++)
		for (size_t j = 0; j < wiped[i].n; j++)
			assert_int_equal(wiped[i].s[j], '\0');
	assert_string_equal(getenv("YOKE_ORG"), "acme");
	unsetenv("YOKE_ORG");
}

/* -b wins over YOKE_BROKER, whose password still leaves the environment;
 * a broker without one stays. */
static void
test_env_secret_overridden(void **state)
{
	struct tool *t = *state;

	setenv("YOKE_BROKER", "mqtt://u:pw@env", 1);
	run_ok(t, run(t, "-b", "mqtt://flag", NULL));
	assert_string_equal(t->c.broker, "mqtt://flag");
	assert_null(getenv("YOKE_BROKER"));
	setenv("YOKE_BROKER", "mqtt://u@env:1884", 1);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.broker, "mqtt://u@env:1884");
	assert_string_equal(getenv("YOKE_BROKER"), "mqtt://u@env:1884");
	unsetenv("YOKE_BROKER");
}

static void
test_precedence_keepalive(void **state)
{
	struct tool *t = *state;

	write_config(t, "keepalive = 20\n", 0600);
	setenv("YOKE_KEEPALIVE", "30", 1);
	run_ok(t, run(t, "-k", "40", NULL));
	assert_int_equal(t->c.keepalive, 40);
	assert_int_equal(yk_cli_origin(&t->cli, "keepalive"), YK_FROM_ARGV);

	t->c.keepalive = 5;
	run_ok(t, run(t, NULL));
	assert_int_equal(t->c.keepalive, 30);
	assert_int_equal(yk_cli_origin(&t->cli, "keepalive"), YK_FROM_ENV);

	unsetenv("YOKE_KEEPALIVE");
	t->c.keepalive = 5;
	run_ok(t, run(t, NULL));
	assert_int_equal(t->c.keepalive, 20);
	assert_int_equal(yk_cli_origin(&t->cli, "keepalive"), YK_FROM_FILE);
	assert_string_equal(t->cli.config_used, t->config);
}

static void
test_precedence_broker(void **state)
{
	struct tool *t = *state;

	write_config(t, "broker = mqtt://file:1001\n", 0600);
	setenv("YOKE_BROKER", "mqtt://env:1002", 1);
	run_ok(t, run(t, "--broker", "mqtt://argv:1003", NULL));
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.url.host, "argv");
	yk_conf_free(&t->c);

	t->c.broker = "mqtt://localhost:1883";
	run_ok(t, run(t, NULL));
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.url.host, "env");
	yk_conf_free(&t->c);

	unsetenv("YOKE_BROKER");
	t->c.broker = "mqtt://localhost:1883";
	run_ok(t, run(t, NULL));
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.url.host, "file");
	assert_int_equal(t->c.url.port, 1001);
}

static void
test_empty_env_is_unset(void **state)
{
	struct tool *t = *state;

	write_config(t, "org = acme\n", 0600);
	setenv("YOKE_ORG", "", 1);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.org, "acme");
	assert_int_equal(yk_cli_origin(&t->cli, "org"), YK_FROM_FILE);
}

static void
test_env_errors_name_variable(void **state)
{
	struct tool *t = *state;

	setenv("YOKE_KEEPALIVE", "abc", 1);
	run_err(t, run(t, NULL),
		"invalid value 'abc' for YOKE_KEEPALIVE: expected an integer "
		"from 5 to 65535");
	/* argv wins, so the bad variable is never read */
	run_ok(t, run(t, "-k", "10", NULL));
	assert_int_equal(t->c.keepalive, 10);
}

static void
test_env_flag(void **state)
{
	struct tool *t = *state;

	setenv("YOKE_TEST_LINES", "yes", 1);
	run_ok(t, run(t, NULL));
	assert_true(t->ndjson);
	t->ndjson = true;
	setenv("YOKE_TEST_LINES", "0", 1);
	run_ok(t, run(t, NULL));
	assert_false(t->ndjson);
	setenv("YOKE_TEST_LINES", "maybe", 1);
	run_err(t, run(t, NULL),
		"invalid value 'maybe' for YOKE_TEST_LINES: expected true or "
		"false");
}

static void
test_config_syntax(void **state)
{
	struct tool *t = *state;

	write_config(t,
		     "# shared by every yoke tool\n"
		     "\n"
		     "   org=acme   \n"
		     "\troot\t=\tfleet/prod\n"
		     "connect_timeout = 2.5\r\n"
		     "session_expiry = 600\n"
		     "robot = arm-042\n"
		     "  # indented comment\n"
		     "queue = 50\n"
		     /* keys of other tools are not errors here */
		     "store = /var/lib/yoke\n"
		     "backend = https://fleet.example.com\n"
		     "api_key_file = /etc/yoke/key\n",
		     0600);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.org, "acme");
	assert_string_equal(t->c.root, "fleet/prod");
	assert_true(t->c.connect_timeout == 2.5);
	assert_int_equal(t->c.session_expiry, 600);
	assert_string_equal(t->c.robot, "arm-042");
	assert_int_equal(t->c.queue, 50);
	assert_int_equal(yk_cli_origin(&t->cli, "connect-timeout"),
			 YK_FROM_FILE);
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.scope.root, "fleet/prod");
	assert_string_equal(t->c.scope.org, "acme");
}

static void
test_config_value_with_equals(void **state)
{
	struct tool *t = *state;

	write_config(t, "broker = mqtt://robot:a=b@host\n", 0600);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.broker, "mqtt://robot:a=b@host");
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.url.pass, "a=b");
}

static void
test_config_unknown_key(void **state)
{
	struct tool *t = *state;
	char want[256];

	write_config(t, "org = acme\n# c\ncolour = red\n", 0600);
	snprintf(want, sizeof(want),
		 "config file '%s' line 3: unknown setting 'colour'",
		 t->config);
	run_err(t, run(t, NULL), want);
	/* a misspelt key is caught even in a tool that has the option */
	write_config(t, "keep_alive = 10\n", 0600);
	snprintf(want, sizeof(want),
		 "config file '%s' line 1: unknown setting 'keep_alive'",
		 t->config);
	run_err(t, run(t, NULL), want);
	/* flags that are argv-only are not settings */
	write_config(t, "\ncount = 3\n", 0600);
	snprintf(want, sizeof(want),
		 "config file '%s' line 2: unknown setting 'count'", t->config);
	run_err(t, run(t, NULL), want);
}

static void
test_config_syntax_error(void **state)
{
	struct tool *t = *state;
	char want[256];

	write_config(t, "org = acme\nverbose\n", 0600);
	snprintf(want, sizeof(want),
		 "config file '%s' line 2: expected 'name = value'", t->config);
	run_err(t, run(t, NULL), want);
}

static void
test_config_bad_value(void **state)
{
	struct tool *t = *state;
	char want[256];

	write_config(t, "\n\nkeepalive = 1\n", 0600);
	snprintf(want, sizeof(want),
		 "invalid value '1' for 'keepalive' in config file '%s' line "
		 "3: expected an integer from 5 to 65535",
		 t->config);
	run_err(t, run(t, NULL), want);
	/* but argv overrides the bad line, which is then not even used */
	run_ok(t, run(t, "-k", "9", NULL));
	assert_int_equal(t->c.keepalive, 9);
}

static void
test_config_missing(void **state)
{
	struct tool *t = *state;

	setenv("YOKE_CONFIG", "/nonexistent/yoke/config", 1);
	run_err(t, run(t, NULL),
		"cannot read config file '/nonexistent/yoke/config': No such "
		"file or directory");
}

static void
test_config_directory(void **state)
{
	struct tool *t = *state;
	char want[256];

	/* a directory given by mistake is not an empty config file */
	snprintf(t->dir, sizeof(t->dir), "/tmp/yk-test-dir.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	setenv("YOKE_CONFIG", t->dir, 1);
	snprintf(want, sizeof(want),
		 "cannot read config file '%s': Is a directory", t->dir);
	run_err(t, run(t, NULL), want);
}

static void
test_config_fifo(void **state)
{
	struct tool *t = *state;
	char want[300], fifo[128];

	/* a FIFO would block open(2) for ever: refused without a reader */
	snprintf(t->dir, sizeof(t->dir), "/tmp/yk-test-dir.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	snprintf(fifo, sizeof(fifo), "%s/fifo", t->dir);
	assert_int_equal(mkfifo(fifo, 0600), 0);
	setenv("YOKE_CONFIG", fifo, 1);
	snprintf(want, sizeof(want),
		 "cannot read config file '%s': not a regular file", fifo);
	run_err(t, run(t, NULL), want);
	unlink(fifo);
}

static void
test_config_flag_wins(void **state)
{
	struct tool *t = *state;

	setenv("YOKE_CONFIG", "/nonexistent/yoke/config", 1);
	write_config(t, "org = acme\n", 0600);
	run_ok(t, run(t, "--config", t->config, NULL));
	assert_string_equal(t->c.org, "acme");
	assert_string_equal(t->cli.config_used, t->config);
}

static void
test_config_default_path(void **state)
{
	struct tool *t = *state;
	char path[128];
	FILE *f;

	/* $XDG_CONFIG_HOME/yoke/config when YOKE_CONFIG is unset */
	unsetenv("YOKE_CONFIG");
	snprintf(t->dir, sizeof(t->dir), "/tmp/yk-test-xdg.XXXXXX");
	assert_non_null(mkdtemp(t->dir));
	setenv("XDG_CONFIG_HOME", t->dir, 1);
	snprintf(path, sizeof(path), "%s/yoke", t->dir);
	assert_int_equal(mkdir(path, 0700), 0);
	snprintf(path, sizeof(path), "%s/yoke/config", t->dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("org = from-xdg\n", f);
	fclose(f);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.org, "from-xdg");
	assert_string_equal(t->cli.config_used, path);
	yk_cli_free(&t->cli);
	assert_int_equal(unlink(path), 0);

	/* no file at the default places is not an error */
	if (access("/etc/yoke/config", F_OK) == 0)
		return; /* this host has one: nothing more to check */
	t->c.org = "default";
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.org, "default");
	assert_null(t->cli.config_used);
}

static void
secret_refused(struct tool *t, const char *text, mode_t mode,
	       const char *secret)
{
	char want[512];

	write_config(t, text, mode);
	snprintf(want, sizeof(want),
		 "config file '%s' holds a secret and other users can read it "
		 "(mode %03o); run 'chmod 600 %s'",
		 t->config, (unsigned)mode, t->config);
	run_err(t, run(t, NULL), want);
	assert_null(strstr(t->err.msg, secret));
}

static void
test_config_secret_mode(void **state)
{
	struct tool *t = *state;

	secret_refused(t, "password = hunter2\n", 0644, "hunter2");
	secret_refused(t, "password = hunter2\n", 0640, "hunter2");
	secret_refused(t, "password = hunter2\n", 0604, "hunter2");
	/* a broker URL with user:password@ is a secret too */
	secret_refused(t, "broker = mqtts://robot:hunter2@host\n", 0644,
		       "hunter2");
	/* so is a secret this tool does not use */
	secret_refused(t, "api-key = k-123456\n", 0644, "k-123456");
	/* overriding it does not make the file private */
	setenv("YOKE_PASSWORD", "other", 1);
	secret_refused(t, "password = hunter2\n", 0644, "hunter2");
}

static void
test_config_secret_private(void **state)
{
	struct tool *t = *state;

	write_config(t, "username = robot\npassword = hunter2\n", 0600);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.password, "hunter2");
	assert_int_equal(yk_cli_origin(&t->cli, "password"), YK_FROM_FILE);
	assert_int_equal(finish(t), YK_OK);
	/* the settings fill what the URL leaves out */
	assert_string_equal(t->c.url.user, "robot");
	assert_string_equal(t->c.url.pass, "hunter2");
	yk_conf_free(&t->c);
	yk_cli_free(&t->cli);

	write_config(t, "password = hunter2\n", 0400);
	t->c.password = NULL;
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.password, "hunter2");
}

static void
test_config_no_secret_any_mode(void **state)
{
	struct tool *t = *state;

	/* only secrets need a private file */
	write_config(t,
		     "broker = mqtt://robot@host\n"
		     "# password = hunter2\n"
		     "username = robot\n",
		     0644);
	run_ok(t, run(t, NULL));
	assert_string_equal(t->c.broker, "mqtt://robot@host");
	assert_string_equal(t->c.username, "robot");
}

static void
test_url_credentials_beat_settings(void **state)
{
	struct tool *t = *state;

	write_config(t, "username = robot\npassword = hunter2\n", 0600);
	setenv("YOKE_BROKER", "mqtt://admin:pw@host", 1);
	run_ok(t, run(t, NULL));
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.url.user, "admin");
	assert_string_equal(t->c.url.pass, "pw");
}

static void
test_password_in_broker_flag(void **state)
{
	struct tool *t = *state;

	run_ok(t, run(t, "-b", "mqtt://robot:hunter2@host", NULL));
	assert_int_equal(finish(t), YK_EUSAGE);
	assert_string_equal(t->err.msg,
			    "a password in --broker would be visible to other "
			    "users; set YOKE_BROKER, YOKE_PASSWORD or the "
			    "config file");
	/* a user name alone is not a secret */
	t->c.broker = "mqtt://localhost:1883";
	run_ok(t, run(t, "-b", "mqtt://robot@host", NULL));
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.url.user, "robot");
	yk_conf_free(&t->c);
	/* from the environment it is fine */
	t->c.broker = "mqtt://localhost:1883";
	setenv("YOKE_BROKER", "mqtt://robot:hunter2@host", 1);
	run_ok(t, run(t, NULL));
	assert_int_equal(finish(t), YK_OK);
	assert_string_equal(t->c.url.pass, "hunter2");
}

static void
test_finish_checks(void **state)
{
	struct tool *t = *state;

	run_ok(t, run(t, "--org", "Acme", NULL));
	assert_int_equal(finish(t), YK_EUSAGE);
	assert_string_equal(t->err.msg, "invalid org 'Acme': " ID_HINT);

	t->c.org = "default";
	run_ok(t, run(t, "--org=", NULL));
	assert_int_equal(finish(t), YK_EUSAGE);
	assert_string_equal(t->err.msg, "org must not be empty");

	t->c.org = "default";
	run_ok(t, run(t, "-r", "Arm 1", NULL));
	assert_int_equal(finish(t), YK_EUSAGE);
	assert_string_equal(t->err.msg, "invalid robot id 'Arm 1': " ID_HINT);

	t->c.robot = NULL;
	run_ok(t, run(t, "--root", "$SYS", NULL));
	assert_int_equal(finish(t), YK_EUSAGE);
	assert_string_equal(t->err.msg, "invalid topic root '$SYS'");

	t->c.root = "yoke";
	run_ok(t, run(t, "--cert", "c.pem", NULL));
	assert_int_equal(finish(t), YK_EUSAGE);
	assert_string_equal(t->err.msg, "--cert and --key go together");
	yk_conf_free(&t->c);

	t->c.cert = NULL;
	run_ok(t, run(t, "--session", "my session", NULL));
	assert_int_equal(finish(t), YK_EUSAGE);
	assert_string_equal(t->err.msg, "invalid session name 'my session': "
					"use letters, digits, '.', '_' and "
					"'-'");
	yk_conf_free(&t->c);

	t->c.session = NULL;
	run_ok(t, run(t, "-b", "mqtt://host:0", NULL));
	assert_int_equal(finish(t), YK_EUSAGE);
	assert_string_equal(t->err.msg, "invalid broker URL 'mqtt://host:0': "
					"the port must be a number from 1 to "
					"65535");
}

static void
test_help(void **state)
{
	struct tool *t = *state;
	const char *p;

	/* --help is answered before the config file is read */
	write_config(t, "colour = red\n", 0644);
	assert_int_equal(run(t, "--count", "3", "--help", NULL), YK_EXIT);
	assert_non_null(t->out);
	p = "usage: yoke-test [options] KEY\n"
	    "       yoke-test [options] --ndjson\n"
	    "\n"
	    "Test the option parser.\n";
	assert_memory_equal(t->out, p, strlen(p));
	assert_non_null(strstr(t->out, "\nTest:\n"));
	assert_non_null(strstr(t->out, "  -C, --count N"));
	assert_non_null(strstr(t->out, "      --format FMT"));
	assert_non_null(strstr(t->out, "[YOKE_BROKER]"));
	/* secrets that never come from argv are not offered there */
	assert_null(strstr(t->out, "--password"));
	assert_null(strstr(t->out, "--username"));
	p = "\nSee yoke-test(1) and yoke(7).\n";
	assert_string_equal(t->out + strlen(t->out) - strlen(p), p);
	/* 80 columns */
	for (const char *l = t->out; *l;) {
		size_t n = strcspn(l, "\n");

		if (n > 80)
			fail_msg("help line longer than 80: %.*s", (int)n, l);
		l += n + (l[n] == '\n');
	}
}

static void
test_version(void **state)
{
	struct tool *t = *state;

	assert_int_equal(run(t, "-V", NULL), YK_EXIT);
	assert_string_equal(t->out, "yoke-test " YK_VERSION "\n");
}

/* Run yk_cli_parse on a bad table in a child: it must abort. */
static void
expect_table_abort(const struct yk_opt *opts, const char *msg)
{
	int fds[2], status;
	char buf[512];
	ssize_t n;
	pid_t pid;

	assert_int_equal(pipe(fds), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct yk_cli cli = {.usage = "", .opts = opts};
		struct yk_err err;
		char *argv[] = {(char *)"yoke-test", NULL};
		int nargs;

		dup2(fds[1], 2);
		signal(SIGABRT, SIG_DFL);
		yk_cli_parse(&cli, 1, argv, &nargs, stdout, &err);
		_exit(0);
	}
	close(fds[1]);
	n = read(fds[0], buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = '\0';
	close(fds[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGABRT)
		fail_msg("a table outside the registry was accepted");
	assert_string_equal(buf, msg);
}

static void
test_registry(void **state)
{
	bool b = false;
	struct yk_opt bad_letter[] = {
		YK_FLAG('x', "extra", &b, "a letter nobody registered"),
		YK_END,
	};
	struct yk_opt wrong_name[] = {
		YK_FLAG('r', "recursive", &b, "-r means --robot or --retain"),
		YK_END,
	};
	struct yk_opt retain[] = {
		YK_FLAG('r', "retain", &b, "the broker keeps the value"),
		YK_END,
	};
	struct yk_cli cli = {.usage = "", .opts = retain};
	char *argv[] = {(char *)"yoke-test", (char *)"-r", NULL};
	struct yk_err err;
	int nargs;

	(void)state;
	expect_table_abort(bad_letter, "yoke-test: internal error: -x --extra "
				       "is not in the option registry\n");
	expect_table_abort(wrong_name, "yoke-test: internal error: -r "
				       "--recursive is not in the option "
				       "registry\n");
	/* -r is registered twice: --robot, and --retain for yoke-pub */
	assert_int_equal(yk_cli_parse(&cli, 2, argv, &nargs, stdout, &err),
			 YK_OK);
	assert_true(b);
	yk_cli_free(&cli);
}

static void
test_will_keepalive(void **state)
{
	struct yk_conf c;
	struct yk_cli cli = {0};

	(void)state;
	/* a tool whose will others watch notices a dead holder in 7.5 s */
	yk_conf_init(&c, &cli, YK_CONF_WILL);
	assert_int_equal(c.keepalive, 5);
	yk_conf_init(&c, &cli, 0);
	assert_int_equal(c.keepalive, 60);
}

/* ---- verbs and modes ---- */

/* A tool with a default mode (PATTERN), two verbs and a mode flag:
 *	[PATTERN] [--json] | set STATUS [--reason] | wait ROBOT STATUS [-W]
 *	| --watch [-C N]; --stale with the default and wait. */
enum { M_VIEW, M_SET, M_WAIT, M_WATCH };
static const struct yk_mode test_modes[] = {
	[M_VIEW] = {.what = "the view", .args = "[PATTERN]"},
	[M_SET] = {.verb = "set", .args = "STATUS"},
	[M_WAIT] = {.verb = "wait", .args = "ROBOT STATUS"},
	[M_WATCH] = {.flag = "watch", .args = "KEY..."},
	{0},
};

static void
use_modes(struct tool *t)
{
	int n = 0;

	t->opts[n++] = (struct yk_opt)YK_GROUP("Test");
	t->opts[n++] = (struct yk_opt)YK_FLAG(0, "watch", &t->watch, "follow");
	t->opts[n++] = (struct yk_opt)YK_ONLY(YK_MODE(M_VIEW));
	t->opts[n++] = (struct yk_opt)YK_JSON(&t->json);
	t->opts[n++] = (struct yk_opt)YK_ONLY(YK_MODE(M_SET));
	t->opts[n++] = (struct yk_opt)YK_STR(0, "reason", &t->reason, "TEXT",
					     "why");
	t->opts[n++] = (struct yk_opt)YK_ONLY(YK_MODE(M_VIEW) |
					      YK_MODE(M_WAIT));
	t->opts[n++] = (struct yk_opt)YK_NUM(0, "stale", &t->timeout, "S",
					     1, 100, "stale after S s");
	t->opts[n++] = (struct yk_opt)YK_GROUP("Other");
	t->opts[n++] = (struct yk_opt)YK_ONLY(YK_MODE(M_WATCH));
	t->opts[n++] = (struct yk_opt)YK_INT('C', "count", &t->count, "N", 1,
					     100, "stop after N");
	t->opts[n++] = (struct yk_opt)YK_GROUP("Shared");
	t->opts[n++] = (struct yk_opt)YK_STR('m', "message", &t->message,
					     "TEXT", "any mode");
	t->opts[n++] = (struct yk_opt)YK_INCLUDE(t->c.opts);
	t->opts[n++] = (struct yk_opt)YK_END;
	t->cli.modes = test_modes;
}

static void
test_modes_chosen(void **state)
{
	struct tool *t = *state;

	use_modes(t);
	run_ok(t, run(t, "--json", "arm-*", NULL));
	assert_int_equal(t->cli.mode, M_VIEW);
	assert_true(t->json);
	run_ok(t, run(t, "--reason", "lunch", "set", "idle", "-m", "x", NULL));
	assert_int_equal(t->cli.mode, M_SET);
	assert_string_equal(t->reason, "lunch");
	/* the verb stays an operand */
	assert_int_equal(t->nargs, 2);
	assert_string_equal(t->argv[0], "set");
	run_ok(t, run(t, "wait", "arm-1", "online", "--stale", "3", NULL));
	assert_int_equal(t->cli.mode, M_WAIT);
	run_ok(t, run(t, "--watch", "a", "b", "-C", "2", NULL));
	assert_int_equal(t->cli.mode, M_WATCH);
	/* a mode flag selects its mode wherever it stands */
	run_ok(t, run(t, "-C", "2", "x", "--watch", NULL));
	assert_int_equal(t->cli.mode, M_WATCH);
}

static void
test_modes_refused(void **state)
{
	struct tool *t = *state;

	use_modes(t);
	run_err(t, run(t, "set", "idle", "--json", NULL),
		"--json goes with the view, not set");
	run_err(t, run(t, "--reason", "x", NULL),
		"--reason goes with set, not the view");
	run_err(t, run(t, "set", "idle", "--stale", "2", NULL),
		"--stale goes with the view or wait, not set");
	run_err(t, run(t, "-C", "3", "set", "idle", NULL),
		"--count goes with --watch, not set");
	run_err(t, run(t, "--watch", "--json", "k", NULL),
		"--json goes with the view, not --watch");
	/* a mode flag with another mode */
	run_err(t, run(t, "set", "idle", "--watch", NULL),
		"--watch does not go with set");
	/* an option of every mode goes anywhere */
	run_ok(t, run(t, "-m", "x", "wait", "a", "b", NULL));
}

static void
test_modes_operands(void **state)
{
	struct tool *t = *state;

	use_modes(t);
	run_err(t, run(t, "set", NULL), "set: missing STATUS");
	run_err(t, run(t, "wait", NULL), "wait: missing ROBOT STATUS");
	run_err(t, run(t, "wait", "a", NULL), "wait: missing STATUS");
	run_err(t, run(t, "wait", "a", "b", "c", NULL),
		"wait: unexpected argument 'c'");
	run_err(t, run(t, "p", "q", NULL), "unexpected argument 'q'");
	run_err(t, run(t, "--watch", NULL), "missing KEY...");
	run_ok(t, run(t, NULL));
	assert_int_equal(t->cli.mode, M_VIEW);
}

/* Two defaults: the tool chooses, then yk_cli_mode checks. */
static void
test_modes_tool_chooses(void **state)
{
	struct tool *t = *state;
	static const struct yk_mode two_defaults[] = {
		{.what = "a script"}, {.verb = "vel"}, {.what = "the console"},
		{0},
	};
	double rate = 0;
	bool clamp = false;
	int n = 0;

	t->opts[n++] = (struct yk_opt)YK_ONLY(YK_MODE(1) | YK_MODE(2));
	t->opts[n++] = (struct yk_opt)YK_NUM(0, "rate", &rate, "HZ", 1, 100,
					     "rate");
	t->opts[n++] = (struct yk_opt)YK_ONLY(YK_MODE(1));
	t->opts[n++] = (struct yk_opt)YK_FLAG(0, "clamp", &clamp, "clamp");
	t->opts[n++] = (struct yk_opt)YK_INCLUDE(t->c.opts);
	t->opts[n++] = (struct yk_opt)YK_END;
	t->cli.modes = two_defaults;
	t->cli.verb_at = 1;
	run_ok(t, run(t, "r1", "--rate", "5", NULL));
	assert_int_equal(t->cli.mode, -1);
	memset(&t->err, 0, sizeof(t->err));
	assert_int_equal(yk_cli_mode(&t->cli, 2, &t->err), YK_OK);
	assert_int_equal(t->cli.mode, 2);
	memset(&t->err, 0, sizeof(t->err));
	assert_int_equal(yk_cli_mode(&t->cli, 0, &t->err), YK_EUSAGE);
	assert_string_equal(t->err.msg,
			    "--rate goes with vel or the console, not a script");
	run_ok(t, run(t, "r1", "--clamp", NULL));
	memset(&t->err, 0, sizeof(t->err));
	assert_int_equal(yk_cli_mode(&t->cli, 2, &t->err), YK_EUSAGE);
	assert_string_equal(t->err.msg, "--clamp goes with vel, not the console");
	/* the verb after the first operand */
	run_ok(t, run(t, "r1", "vel", "--clamp", NULL));
	assert_int_equal(t->cli.mode, 1);
}

static void
test_modes_help(void **state)
{
	struct tool *t = *state;

	use_modes(t);
	assert_int_equal(run(t, "--help", NULL), YK_EXIT);
	assert_non_null(strstr(t->out,
			       "\nOptions by verb:\n"
			       "  (the view)              --json --stale\n"
			       "  set                     --reason\n"
			       "  wait                    --stale\n"
			       "  --watch                 --count\n"
			       "\nSee yoke-test(1)"));
	/* YK_ONLY lines print nothing in the table */
	assert_non_null(strstr(t->out, "\nTest:\n      --watch"));
}

int
main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_defaults),
		T(test_argv_forms),
		T(test_short_clusters),
		T(test_positionals),
		T(test_double_dash),
		T(test_unknown_option),
		T(test_missing_value),
		T(test_int_range),
		T(test_num_range),
		T(test_choice),
		T(test_func),
		T(test_noargv_secrets),
		T(test_env_secrets_scrubbed),
		T(test_env_secret_overridden),
		T(test_precedence_keepalive),
		T(test_precedence_broker),
		T(test_empty_env_is_unset),
		T(test_env_errors_name_variable),
		T(test_env_flag),
		T(test_config_syntax),
		T(test_config_value_with_equals),
		T(test_config_unknown_key),
		T(test_config_syntax_error),
		T(test_config_bad_value),
		T(test_config_missing),
		T(test_config_directory),
		T(test_config_fifo),
		T(test_config_flag_wins),
		T(test_config_default_path),
		T(test_config_secret_mode),
		T(test_config_secret_private),
		T(test_config_no_secret_any_mode),
		T(test_url_credentials_beat_settings),
		T(test_password_in_broker_flag),
		T(test_finish_checks),
		T(test_help),
		T(test_version),
		T(test_modes_chosen),
		T(test_modes_refused),
		T(test_modes_operands),
		T(test_modes_tool_chooses),
		T(test_modes_help),
		cmocka_unit_test(test_will_keepalive),
		cmocka_unit_test(test_registry),
	};
#undef T

	yk_prog = "yoke-test";
	return cmocka_run_group_tests_name("opt", tests, NULL, NULL);
}
