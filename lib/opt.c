/*
 * opt.c - declarative option parsing: argv, environment, config file.
 *
 * Invariant: every value a tool reads went through set_value(), whatever its
 * source, so range checks and messages are the same for a flag, an
 * environment variable and a config line.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "opt.h"
#include "url.h"
#include "version.h"

extern char **environ;

/*
 * The registry: every short letter and every config-file key of every tool.
 * '-r' is the one letter with two names: --robot in the tools that address a
 * robot, --retain in yoke-pub (mosquitto_pub's letter), which takes no robot.
 */
const struct yk_optreg yk_opt_registry[] = {
	{'b', "broker", YK_OPT_CONFIG},
	{'C', "count", 0},
	{'f', "file", 0},
	{'h', "help", 0},
	{'k', "keepalive", YK_OPT_CONFIG},
	{'l', "lines", 0},
	{'m', "message", 0},
	{'n', "null-message", 0},
	{'o', "output", 0},
	{'q', "qos", 0},
	{'r', "robot", YK_OPT_CONFIG},
	{'r', "retain", 0},
	{'s', "stdin", 0},
	{'v', "verbose", 0},
	{'V', "version", 0},
	{'W', "timeout", 0},
	{0, "org", YK_OPT_CONFIG},
	{0, "root", YK_OPT_CONFIG},
	{0, "cafile", YK_OPT_CONFIG},
	{0, "cert", YK_OPT_CONFIG},
	{0, "key", YK_OPT_CONFIG},
	{0, "username", YK_OPT_CONFIG},
	{0, "password", YK_OPT_CONFIG | YK_OPT_SECRET},
	{0, "api-key", YK_OPT_CONFIG | YK_OPT_SECRET},
	{0, "api-key-file", YK_OPT_CONFIG},
	{0, "backend", YK_OPT_CONFIG},
	{0, "store", YK_OPT_CONFIG},
	{0, "connect-timeout", YK_OPT_CONFIG},
	{0, "offline-timeout", YK_OPT_CONFIG},
	{0, "session-expiry", YK_OPT_CONFIG},
	{0, "queue", YK_OPT_CONFIG},
	{0, NULL, 0},
};

/* A table's options into cli->flat; only: the modes of the YK_ONLY in
 * force (a table starts with none: its options go with every mode). */
static void
flatten(struct yk_cli *cli, const struct yk_opt *t)
{
	unsigned only = 0;

	for (; t->kind != YK_OPT_END; t++) {
		if (t->kind == YK_OPT_INCLUDE) {
			flatten(cli, t->inc);
			continue;
		}
		if (t->kind == YK_OPT_GROUP || t->kind == YK_OPT_ONLY) {
			only = t->modes;
			continue;
		}
		if (cli->nflat == YK_CLI_MAX_OPTS)
			abort(); /* a table larger than any tool needs */
		if (t->sname) {
			bool ok = false;

			for (const struct yk_optreg *r = yk_opt_registry;
			     r->lname; r++)
				if (r->sname == t->sname &&
				    strcmp(r->lname, t->lname) == 0)
					ok = true;
			if (!ok) {
				fprintf(stderr,
					"%s: internal error: -%c --%s is not "
					"in the option registry\n",
					yk_prog, t->sname, t->lname);
				abort();
			}
		}
		cli->origin[cli->nflat] = YK_FROM_DEFAULT;
		cli->only[cli->nflat] = only;
		cli->flat[cli->nflat++] = t;
	}
}

static void
fmt_num(char *buf, size_t n, double v)
{
	if (v > -1e18 && v < 1e18 && v == (double)(long long)v)
		snprintf(buf, n, "%lld", (long long)v);
	else
		snprintf(buf, n, "%g", v);
}

/* Store arg into the option; ctx names the source for messages. */
static int
set_value(const struct yk_opt *o, const char *arg, const char *ctx,
	  struct yk_err *err)
{
	char lo[32], hi[32];

	switch (o->kind) {
	case YK_OPT_FLAG:
		if (arg == NULL || strcmp(arg, "true") == 0 ||
		    strcmp(arg, "yes") == 0 || strcmp(arg, "1") == 0) {
			*(bool *)o->val = true;
		} else if (strcmp(arg, "false") == 0 ||
			   strcmp(arg, "no") == 0 || strcmp(arg, "0") == 0) {
			*(bool *)o->val = false;
		} else {
			return yk_err_set(err, YK_EUSAGE,
					  "invalid value '%s' for %s: expected "
					  "true or false",
					  arg, ctx);
		}
		return YK_OK;
	case YK_OPT_COUNT:
		(*(int *)o->val)++;
		return YK_OK;
	case YK_OPT_STR:
		*(const char **)o->val = arg;
		return YK_OK;
	case YK_OPT_INT: {
		long v;

		if (yk_parse_long(arg, (long)o->lo, (long)o->hi, &v) != 0) {
			fmt_num(lo, sizeof(lo), o->lo);
			fmt_num(hi, sizeof(hi), o->hi);
			return yk_err_set(err, YK_EUSAGE,
					  "invalid value '%s' for %s: expected "
					  "an integer from %s to %s",
					  arg, ctx, lo, hi);
		}
		*(long *)o->val = v;
		return YK_OK;
	}
	case YK_OPT_NUM: {
		double v;

		if (yk_parse_double(arg, o->lo, o->hi, &v) != 0) {
			fmt_num(lo, sizeof(lo), o->lo);
			fmt_num(hi, sizeof(hi), o->hi);
			return yk_err_set(err, YK_EUSAGE,
					  "invalid value '%s' for %s: expected "
					  "a number from %s to %s",
					  arg, ctx, lo, hi);
		}
		*(double *)o->val = v;
		return YK_OK;
	}
	case YK_OPT_CHOICE: {
		char list[256] = "";

		for (int i = 0; o->choices[i]; i++) {
			if (strcmp(arg, o->choices[i]) == 0) {
				*(int *)o->val = i;
				return YK_OK;
			}
		}
		for (int i = 0; o->choices[i]; i++) {
			if (i > 0)
				strncat(list, o->choices[i + 1] ? ", " : " or ",
					sizeof(list) - strlen(list) - 1);
			strncat(list, o->choices[i],
				sizeof(list) - strlen(list) - 1);
		}
		return yk_err_set(err, YK_EUSAGE,
				  "invalid value '%s' for %s: expected %s",
				  arg, ctx, list);
	}
	case YK_OPT_FUNC:
		if (o->fn(o, arg, err) != YK_OK)
			return yk_err_wrap(err, "%s", ctx);
		return YK_OK;
	default:
		abort();
	}
}

static bool
takes_arg(const struct yk_opt *o)
{
	switch (o->kind) {
	case YK_OPT_FLAG:
	case YK_OPT_COUNT:
		return false;
	case YK_OPT_FUNC:
		return (o->flags & YK_OPT_TAKES_ARG) != 0;
	default:
		return true;
	}
}

/* Match a long name, treating '_' as '-' (config files often use '_'). */
static bool
name_eq(const char *name, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n && name[i]; i++) {
		char c = s[i] == '_' ? '-' : s[i];

		if (c != name[i])
			return false;
	}
	return i == n && name[i] == '\0';
}

static int
find_long(const struct yk_cli *cli, const char *s, size_t n)
{
	for (int i = 0; i < cli->nflat; i++)
		if (cli->flat[i]->lname && name_eq(cli->flat[i]->lname, s, n))
			return i;
	return -1;
}

static int
find_short(const struct yk_cli *cli, char c)
{
	for (int i = 0; i < cli->nflat; i++)
		if (cli->flat[i]->sname == c)
			return i;
	return -1;
}

static int
apply_argv(struct yk_cli *cli, int i, const char *arg, struct yk_err *err)
{
	const struct yk_opt *o = cli->flat[i];
	char ctx[80];

	if (o->flags & YK_OPT_NOARGV)
		return yk_err_set(err, YK_EUSAGE,
				  "--%s cannot be given on the command line, "
				  "where other users can read it; set %s or "
				  "'%s' in the config file",
				  o->lname, o->env ? o->env : "it", o->lname);
	snprintf(ctx, sizeof(ctx), "--%s", o->lname);
	cli->origin[i] = YK_FROM_ARGV;
	return set_value(o, arg, ctx, err);
}

static int
parse_argv(struct yk_cli *cli, int argc, char **argv, int *nargs,
	   struct yk_err *err)
{
	int npos = 0;
	int i;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (strcmp(a, "--") == 0) {
			i++;
			break;
		}
		/* a negative number (vel -0.3 0 0) is an argument: no
		 * option letter is a digit */
		if (a[0] != '-' || a[1] == '\0' || isdigit((unsigned char)a[1]) ||
		    (a[1] == '.' && isdigit((unsigned char)a[2]))) {
			argv[npos++] = a;
			continue;
		}
		if (a[1] == '-') {
			char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			int k = find_long(cli, name, n);
			const char *arg = NULL;

			if (k < 0 || memchr(name, '_', n))
				return yk_err_set(err, YK_EUSAGE,
						  "unknown option '--%.*s'",
						  (int)n, name);
			if (takes_arg(cli->flat[k])) {
				if (eq)
					arg = eq + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return yk_err_set(
						err, YK_EUSAGE,
						"option '--%s' needs a value",
						cli->flat[k]->lname);
			} else if (eq) {
				return yk_err_set(err, YK_EUSAGE,
						  "option '--%s' takes no "
						  "value",
						  cli->flat[k]->lname);
			}
			if (apply_argv(cli, k, arg, err) != YK_OK)
				return err->rc;
			continue;
		}
		for (char *c = a + 1; *c; c++) {
			int k = find_short(cli, *c);
			const char *arg = NULL;

			if (k < 0)
				return yk_err_set(err, YK_EUSAGE,
						  "unknown option '-%c'", *c);
			if (takes_arg(cli->flat[k])) {
				if (c[1] != '\0')
					arg = c + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return yk_err_set(
						err, YK_EUSAGE,
						"option '-%c' needs a value",
						*c);
				if (apply_argv(cli, k, arg, err) != YK_OK)
					return err->rc;
				break;
			}
			if (apply_argv(cli, k, NULL, err) != YK_OK)
				return err->rc;
		}
	}
	for (; i < argc; i++)
		argv[npos++] = argv[i];
	*nargs = npos;
	return YK_OK;
}

/* A copy of s that yk_cli_free wipes and frees. */
static char *
own(struct yk_cli *cli, const char *s)
{
	char *copy = yk_strdup(s);

	cli->owned = yk_realloc(cli->owned,
				sizeof(char *) * (size_t)(cli->nowned + 1));
	cli->owned[cli->nowned++] = copy;
	return copy;
}

/* A URL with user:password@ is a secret too (url.h decides). */
static bool
is_secret(const char *lname, unsigned flags, const char *value)
{
	if (flags & YK_OPT_SECRET)
		return true;
	return (strcmp(lname, "broker") == 0 ||
		strcmp(lname, "backend") == 0) &&
	       yk_url_has_password(value);
}

/*
 * Take every NAME=... out of environ and wipe it where it lies.  By hand:
 * unsetenv may free a string that setenv made (musl does) before we could
 * wipe it, and it would leave the name in the initial block.
 */
static void
env_wipe(const char *name)
{
	size_t n = strlen(name);
	char **e = environ;

	while (*e) {
		if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') {
			char *entry = *e;

			for (char **m = e; *m; m++)
				m[0] = m[1];
			explicit_bzero(entry, strlen(entry));
		} else {
			e++;
		}
	}
}

/*
 * Secrets are read from the environment once, here: copied, then wiped
 * where they lie (the initial environment block is what /proc/PID/environ
 * shows for the whole run) and removed, so that no child of ours
 * (yoke-alive's CMD, yoke-get's --exec) inherits them.  Every secret
 * variable of the table goes, used or not: -b overrides YOKE_BROKER, but
 * the password in it must not reach a child either.
 */
static int
parse_env(struct yk_cli *cli, struct yk_err *err)
{
	for (int i = 0; i < cli->nflat; i++) {
		const struct yk_opt *o = cli->flat[i];
		char *v;

		if (o->env == NULL)
			continue;
		v = getenv(o->env);
		if (v == NULL)
			continue;
		if (is_secret(o->lname, o->flags, v)) {
			v = own(cli, v);
			env_wipe(o->env);
		}
		if (*v == '\0' || cli->origin[i] != YK_FROM_DEFAULT)
			continue;
		if (set_value(o, v, o->env, err) != YK_OK)
			return err->rc;
		cli->origin[i] = YK_FROM_ENV;
	}
	return YK_OK;
}

static const struct yk_optreg *
registry_find(const char *s, size_t n)
{
	for (const struct yk_optreg *r = yk_opt_registry; r->lname; r++)
		if ((r->flags & YK_OPT_CONFIG) && name_eq(r->lname, s, n))
			return r;
	return NULL;
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* The config file to read: NULL when there is none to read. */
/* The config file for reading.  O_NONBLOCK: a FIFO (or a device) in its
 * place would otherwise block in open(2) for ever, before the check for a
 * regular file could refuse it; a regular file reads the same either
 * way. */
static FILE *
open_config(const char *path)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	FILE *f;

	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (f == NULL)
		close(fd);
	return f;
}

static char *
config_path(const struct yk_cli *cli, bool *explicit)
{
	const char *p = cli->config;
	char buf[4096];

	*explicit = true;
	if (p == NULL)
		p = getenv("YOKE_CONFIG");
	if (p && *p)
		return yk_strdup(p);
	*explicit = false;
	p = getenv("XDG_CONFIG_HOME");
	if (p && *p) {
		snprintf(buf, sizeof(buf), "%s/yoke/config", p);
	} else if ((p = getenv("HOME")) && *p) {
		snprintf(buf, sizeof(buf), "%s/.config/yoke/config", p);
	} else {
		buf[0] = '\0';
	}
	if (buf[0] && access(buf, F_OK) == 0)
		return yk_strdup(buf);
	if (access("/etc/yoke/config", F_OK) == 0)
		return yk_strdup("/etc/yoke/config");
	return NULL;
}

static int
parse_config(struct yk_cli *cli, struct yk_err *err)
{
	bool explicit, secret = false;
	char *path = config_path(cli, &explicit);
	char *line = NULL;
	size_t cap = 0;
	long lineno = 0;
	struct stat st;
	FILE *f;
	int rc = YK_OK;

	if (path == NULL)
		return YK_OK;
	f = open_config(path);
	if (f == NULL) {
		rc = yk_err_set(err, explicit ? YK_EUSAGE : YK_ERUNTIME,
				"cannot read config file '%s': %s", path,
				strerror(errno));
		free(path);
		return rc;
	}
	cli->config_used = path;
	if (fstat(fileno(f), &st) == 0 && !S_ISREG(st.st_mode)) {
		fclose(f);
		return yk_err_set(err, YK_EUSAGE,
				  "cannot read config file '%s': %s", path,
				  S_ISDIR(st.st_mode) ? strerror(EISDIR)
						      : "not a regular file");
	}
	while (getline(&line, &cap, f) > 0) {
		char *s = trim(line), *eq, *key, *val;
		const struct yk_optreg *r;
		char ctx[4200];
		int k;

		lineno++;
		if (*s == '\0' || *s == '#')
			continue;
		eq = strchr(s, '=');
		if (eq == NULL) {
			rc = yk_err_set(err, YK_EUSAGE,
					"config file '%s' line %ld: expected "
					"'name = value'",
					path, lineno);
			break;
		}
		*eq = '\0';
		key = trim(s);
		val = trim(eq + 1);
		r = registry_find(key, strlen(key));
		if (r == NULL) {
			rc = yk_err_set(err, YK_EUSAGE,
					"config file '%s' line %ld: unknown "
					"setting '%s'",
					path, lineno, key);
			break;
		}
		if (is_secret(r->lname, r->flags, val))
			secret = true;
		k = find_long(cli, key, strlen(key));
		/* another tool's key, or set by a flag or the environment; a
		 * key repeated in the file: the last line wins */
		if (k < 0 || !(cli->flat[k]->flags & YK_OPT_CONFIG) ||
		    (cli->origin[k] != YK_FROM_DEFAULT &&
		     cli->origin[k] != YK_FROM_FILE))
			continue;
		val = own(cli, val);
		snprintf(ctx, sizeof(ctx), "'%s' in config file '%s' line %ld",
			 key, path, lineno);
		if (set_value(cli->flat[k], val, ctx, err) != YK_OK) {
			rc = err->rc;
			break;
		}
		cli->origin[k] = YK_FROM_FILE;
	}
	if (rc == YK_OK && ferror(f))
		rc = yk_err_set(err, YK_ERUNTIME,
				"cannot read config file '%s': %s", path,
				strerror(errno));
	if (line)
		explicit_bzero(line, cap);
	free(line);
	if (rc == YK_OK && secret && fstat(fileno(f), &st) == 0 &&
	    (st.st_mode & 077) != 0)
		rc = yk_err_set(err, YK_EUSAGE,
				"config file '%s' holds a secret and other "
				"users can read it (mode %03o); run 'chmod 600 "
				"%s'",
				path, (unsigned)(st.st_mode & 0777), path);
	fclose(f);
	return rc;
}

/* ---- verbs and modes ---- */

/* How messages and --help name mode m. */
static void
mode_name(const struct yk_mode *m, char *buf, size_t n)
{
	if (m->verb)
		snprintf(buf, n, "%s", m->verb);
	else if (m->flag)
		snprintf(buf, n, "--%s", m->flag);
	else
		snprintf(buf, n, "%s", m->what);
}

/* The mode that option k selects, or -1: it is no mode flag. */
static int
flag_mode(const struct yk_cli *cli, int k)
{
	for (int m = 0; cli->modes[m].verb || cli->modes[m].flag ||
			cli->modes[m].what;
	     m++)
		if (cli->modes[m].flag &&
		    strcmp(cli->modes[m].flag, cli->flat[k]->lname) == 0)
			return m;
	return -1;
}

/* "--heartbeat goes with agent, not set"; the verbs in the order of the
 * declaration, the last two joined by "or". */
static int
not_with(const struct yk_cli *cli, int k, int m, struct yk_err *err)
{
	char list[512] = "", name[128], here[128];
	int nm = 0, left = 0;

	mode_name(&cli->modes[m], here, sizeof(here));
	if (flag_mode(cli, k) >= 0)
		return yk_err_set(err, YK_EUSAGE, "--%s does not go with %s",
				  cli->flat[k]->lname, here);
	for (int i = 0; i < YK_MODES_MAX; i++)
		if (cli->only[k] & YK_MODE(i))
			left++;
	for (int i = 0; i < YK_MODES_MAX && left; i++) {
		if (!(cli->only[k] & YK_MODE(i)))
			continue;
		mode_name(&cli->modes[i], name, sizeof(name));
		left--;
		if (nm++ > 0)
			strncat(list, left ? ", " : " or ",
				sizeof(list) - strlen(list) - 1);
		strncat(list, name, sizeof(list) - strlen(list) - 1);
	}
	return yk_err_set(err, YK_EUSAGE, "--%s goes with %s, not %s",
			  cli->flat[k]->lname, list, here);
}

/* The operands of mode m against its args ("ROBOT STATUS", "[PATTERN]",
 * "KEY..."): "set: missing STATUS", "wait: unexpected argument 'x'". */
static int
check_args(const struct yk_cli *cli, const struct yk_mode *m,
	   struct yk_err *err)
{
	const char *a = m->args, *missing = NULL;
	int at = cli->verb_at + (m->verb != NULL), n = 0;
	bool more = false;

	if (a == NULL)
		return YK_OK;
	while (*a) {
		size_t w = strcspn(a, " ");

		if (w >= 3 && strncmp(a + w - 3, "...", 3) == 0)
			more = true;
		if (*a != '[' && at + n >= cli->nargs && missing == NULL)
			missing = a;
		n++;
		a += w;
		a += strspn(a, " ");
	}
	if (missing)
		return yk_err_set(err, YK_EUSAGE, "%s%s%smissing %s",
				  m->verb ? m->verb : "", m->verb ? ":" : "",
				  m->verb ? " " : "", missing);
	if (!more && at + n < cli->nargs)
		return yk_err_set(err, YK_EUSAGE,
				  "%s%sunexpected argument '%s'",
				  m->verb ? m->verb : "", m->verb ? ": " : "",
				  cli->args[at + n]);
	return YK_OK;
}

int
yk_cli_mode(struct yk_cli *cli, int m, struct yk_err *err)
{
	cli->mode = m;
	for (int k = 0; k < cli->nflat; k++) {
		unsigned only = cli->only[k];
		int f = flag_mode(cli, k);

		if (f >= 0)
			only = YK_MODE(f);
		if (cli->origin[k] == YK_FROM_ARGV && only &&
		    !(only & YK_MODE(m)))
			return not_with(cli, k, m, err);
	}
	return check_args(cli, &cli->modes[m], err);
}

/* The mode the operands and options given choose: a verb, else a mode
 * flag, else the one default; -1 when there are two defaults. */
static int
pick_mode(struct yk_cli *cli, struct yk_err *err)
{
	const struct yk_mode *t = cli->modes;
	const char *verb = cli->verb_at < cli->nargs ? cli->args[cli->verb_at]
						     : NULL;
	int m, pick = -1, ndef = 0, def = -1;

	for (m = 0; t[m].verb || t[m].flag || t[m].what; m++) {
		if (m == YK_MODES_MAX)
			abort(); /* more modes than a mask holds */
		if (t[m].verb && verb && strcmp(t[m].verb, verb) == 0)
			return yk_cli_mode(cli, m, err);
		if (!t[m].verb && !t[m].flag && ndef++ == 0)
			def = m;
	}
	for (int k = 0; k < cli->nflat; k++) {
		int f = flag_mode(cli, k);

		if (f < 0 || cli->origin[k] != YK_FROM_ARGV)
			continue;
		if (pick >= 0)
			return not_with(cli, k, pick, err);
		pick = f;
	}
	if (pick < 0 && ndef == 1)
		pick = def;
	cli->mode = -1;
	return pick < 0 ? YK_OK : yk_cli_mode(cli, pick, err);
}

int
yk_cli_parse(struct yk_cli *cli, int argc, char **argv, int *nargs,
	     FILE *out, struct yk_err *err)
{
	cli->nflat = 0;
	cli->mode = -1;
	flatten(cli, cli->opts);
	if (parse_argv(cli, argc, argv, nargs, err) != YK_OK)
		return err->rc;
	cli->args = argv;
	cli->nargs = *nargs;
	if (cli->help) {
		yk_cli_help(cli, out);
		return YK_EXIT;
	}
	if (cli->version) {
		fprintf(out, "%s %s\n", yk_prog, YK_VERSION);
		return YK_EXIT;
	}
	if (cli->modes && pick_mode(cli, err) != YK_OK)
		return err->rc;
	if (parse_env(cli, err) != YK_OK)
		return err->rc;
	return parse_config(cli, err);
}

enum yk_origin
yk_cli_origin(const struct yk_cli *cli, const char *lname)
{
	int k = find_long(cli, lname, strlen(lname));

	return k < 0 ? YK_FROM_DEFAULT : (enum yk_origin)cli->origin[k];
}

/* Print text wrapped to 80 columns, continuation lines indented by col. */
static void
wrap(FILE *out, const char *text, int col)
{
	int at = col;

	while (*text) {
		size_t w = strcspn(text, " ");

		if (at > col && at + 1 + (int)w > 79) {
			fprintf(out, "\n%*s", col, "");
			at = col;
		} else if (at > col) {
			fputc(' ', out);
			at++;
		}
		fprintf(out, "%.*s", (int)w, text);
		at += (int)w;
		text += w;
		while (*text == ' ')
			text++;
	}
	fputc('\n', out);
}

static void
help_table(const struct yk_opt *t, FILE *out)
{
	for (; t->kind != YK_OPT_END; t++) {
		char left[64], text[512];
		int n;

		if (t->kind == YK_OPT_INCLUDE) {
			help_table(t->inc, out);
			continue;
		}
		if (t->kind == YK_OPT_GROUP) {
			fprintf(out, "\n%s:\n", t->help);
			continue;
		}
		if (t->kind == YK_OPT_ONLY)
			continue;
		if (t->flags & (YK_OPT_HIDDEN | YK_OPT_NOARGV))
			continue;
		if (t->sname)
			n = snprintf(left, sizeof(left), "  -%c, --%s",
				     t->sname, t->lname);
		else
			n = snprintf(left, sizeof(left), "      --%s",
				     t->lname);
		if (t->argname && n < (int)sizeof(left))
			snprintf(left + n, sizeof(left) - (size_t)n, " %s",
				 t->argname);
		if (strlen(left) > 24)
			fprintf(out, "%s\n%26s", left, "");
		else
			fprintf(out, "%-26s", left);
		if (t->env)
			snprintf(text, sizeof(text), "%s [%s]", t->help,
				 t->env);
		else
			snprintf(text, sizeof(text), "%s", t->help);
		wrap(out, text, 26);
	}
}

/*
 * Each mode and the options that go with it alone (those that go with
 * every mode are not repeated), as completion/yoke.bash reads them:
 *	"  NAME" padded to column 26, then "--opt" words, wrapped;
 * NAME a verb, "--flag" or "(phrase)".
 */
static void
help_modes(const struct yk_cli *cli, FILE *out)
{
	bool verbs = false;

	for (int m = 0; cli->modes[m].verb || cli->modes[m].flag ||
			cli->modes[m].what;
	     m++)
		verbs |= cli->modes[m].verb != NULL;
	fprintf(out, "\nOptions by %s:\n", verbs ? "verb" : "mode");
	for (int m = 0; cli->modes[m].verb || cli->modes[m].flag ||
			cli->modes[m].what;
	     m++) {
		char name[128], list[1024] = "";

		if (cli->modes[m].verb || cli->modes[m].flag)
			mode_name(&cli->modes[m], name, sizeof(name));
		else
			snprintf(name, sizeof(name), "(%s)",
				 cli->modes[m].what);
		for (int k = 0; k < cli->nflat; k++) {
			const struct yk_opt *o = cli->flat[k];

			if (!(cli->only[k] & YK_MODE(m)) ||
			    flag_mode(cli, k) >= 0 ||
			    (o->flags & (YK_OPT_HIDDEN | YK_OPT_NOARGV)))
				continue;
			snprintf(list + strlen(list),
				 sizeof(list) - strlen(list), "%s--%s",
				 list[0] ? " " : "", o->lname);
		}
		if (list[0] == '\0') {
			fprintf(out, "  %s\n", name);
			continue;
		}
		fprintf(out, "  %-22s  ", name);
		wrap(out, list, 26);
	}
}

void
yk_cli_help(const struct yk_cli *cli, FILE *out)
{
	const char *u = cli->usage;
	bool first = true;

	/* Each usage line gets the program name, as the SYNOPSIS shows. */
	while (*u) {
		const char *nl = strchr(u, '\n');
		size_t n = nl ? (size_t)(nl - u) : strlen(u);

		fprintf(out, "%s %s %.*s\n", first ? "usage:" : "      ",
			yk_prog, (int)n, u);
		first = false;
		u += n + (nl != NULL);
	}
	if (cli->summary)
		fprintf(out, "\n%s\n", cli->summary);
	help_table(cli->opts, out);
	if (cli->modes)
		help_modes(cli, out);
	fprintf(out, "\nSee %s(1) and yoke(7).\n", yk_prog);
}

void
yk_cli_free(struct yk_cli *cli)
{
	for (int i = 0; i < cli->nowned; i++) {
		explicit_bzero(cli->owned[i], strlen(cli->owned[i]));
		free(cli->owned[i]);
	}
	free(cli->owned);
	free(cli->config_used);
	cli->owned = NULL;
	cli->nowned = 0;
	cli->config_used = NULL;
}
