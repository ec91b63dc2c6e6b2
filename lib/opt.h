/*
 * opt.h - the one option parser of every yoke tool.
 *
 * A tool declares a table of struct yk_opt (help text beside each option)
 * and includes the shared table of conf.h.  Values come, in this order of
 * precedence, from argv, the option's environment variable, the config file
 * (same names as the long options, `name = value` lines), then the default
 * already in the variable.  No abbreviated options; GNU-style permutation,
 * `--` ends options.
 *
 * A short letter means the same thing in every tool: yk_opt_registry below
 * is the single list of letters and the names they stand for, and the parser
 * refuses (abort) a table that disagrees with it.  It also lists every
 * config-file key any tool knows, so one shared config file may hold keys a
 * given tool ignores while a misspelt key is still an error.
 */
#ifndef YK_OPT_H
#define YK_OPT_H

#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "parse.h" /* the numbers YK_INT and YK_NUM take */

enum yk_opt_kind {
	YK_OPT_END = 0,
	YK_OPT_GROUP,   /* heading in --help */
	YK_OPT_FLAG,    /* bool */
	YK_OPT_COUNT,   /* int, +1 per use */
	YK_OPT_STR,     /* const char * */
	YK_OPT_INT,     /* long in [lo, hi] */
	YK_OPT_NUM,     /* double in [lo, hi], finite */
	YK_OPT_CHOICE,  /* int: index into choices */
	YK_OPT_FUNC,    /* fn(opt, arg) */
	YK_OPT_INCLUDE, /* another table */
	YK_OPT_ONLY,    /* the options after it go with some modes only */
};

#define YK_OPT_CONFIG 0x1u /* may be set in the config file */
#define YK_OPT_NOARGV 0x2u /* never from argv: a secret */
#define YK_OPT_SECRET 0x4u /* file holding it must be private */
#define YK_OPT_HIDDEN 0x8u /* not listed by --help */
#define YK_OPT_TAKES_ARG 0x10u /* FUNC: takes an argument */

struct yk_opt {
	enum yk_opt_kind kind;
	char sname;
	const char *lname;
	void *val;
	const char *argname;
	const char *help;
	const char *env;
	unsigned flags;
	double lo, hi;
	const char *const *choices;
	int (*fn)(const struct yk_opt *o, const char *arg, struct yk_err *err);
	const struct yk_opt *inc;
	unsigned modes;  /* YK_OPT_ONLY: a bit per mode (YK_MODE) */
};

#define YK_GROUP(h) {.kind = YK_OPT_GROUP, .help = (h)}
#define YK_FLAG(s, l, v, h) \
	{.kind = YK_OPT_FLAG, .sname = (s), .lname = (l), .val = (v), \
	 .help = (h)}
#define YK_COUNT(s, l, v, h) \
	{.kind = YK_OPT_COUNT, .sname = (s), .lname = (l), .val = (v), \
	 .help = (h)}
#define YK_STR(s, l, v, a, h) \
	{.kind = YK_OPT_STR, .sname = (s), .lname = (l), .val = (v), \
	 .argname = (a), .help = (h)}
#define YK_INT(s, l, v, a, lo_, hi_, h) \
	{.kind = YK_OPT_INT, .sname = (s), .lname = (l), .val = (v), \
	 .argname = (a), .lo = (lo_), .hi = (hi_), .help = (h)}
#define YK_NUM(s, l, v, a, lo_, hi_, h) \
	{.kind = YK_OPT_NUM, .sname = (s), .lname = (l), .val = (v), \
	 .argname = (a), .lo = (lo_), .hi = (hi_), .help = (h)}
#define YK_CHOICE(s, l, v, a, c, h) \
	{.kind = YK_OPT_CHOICE, .sname = (s), .lname = (l), .val = (v), \
	 .argname = (a), .choices = (c), .help = (h)}
#define YK_FUNC(s, l, v, a, f, h) \
	{.kind = YK_OPT_FUNC, .sname = (s), .lname = (l), .val = (v), \
	 .argname = (a), .fn = (f), .help = (h), \
	 .flags = (a) ? YK_OPT_TAKES_ARG : 0}
#define YK_INCLUDE(t) {.kind = YK_OPT_INCLUDE, .inc = (t)}
#define YK_ONLY(m) {.kind = YK_OPT_ONLY, .modes = (m)}
/* The shared --json of every tool that prints for a terminal too. */
#define YK_JSON(v) YK_FLAG(0, "json", (v), "JSON lines even on a terminal")
#define YK_END {.kind = YK_OPT_END}

/* One entry of the letter and config-key registry. */
struct yk_optreg {
	char sname;
	const char *lname;
	unsigned flags; /* YK_OPT_CONFIG, YK_OPT_SECRET */
};
extern const struct yk_optreg yk_opt_registry[];

/*
 * Verbs and modes, as git's OPT_SUBCOMMAND: a tool whose options do not
 * all go together lists its modes (yk_cli.modes, ended by an empty one).
 * A mode is chosen by a verb, the operand at yk_cli.verb_at ("set",
 * "vel"); else by a mode flag, an option given on the command line
 * ("watch" for --watch, "serve"); else it is the default, named by a
 * phrase ("the fleet view").  In the option table, YK_ONLY(mask) says
 * that the options after it, up to the next YK_ONLY, YK_GROUP or the end
 * of the table, go with the modes of mask only (YK_MODE(m) | ...); all
 * others go with every mode, and a mode flag goes with its own mode.
 *
 * From that one declaration: yk_cli_parse refuses an option given with
 * a mode it does not go with ("--heartbeat goes with agent, not set"),
 * and a mode flag with another mode ("--watch does not go with --list");
 * it checks the operands of a mode that names them (args); --help lists
 * each mode's own options (completion/yoke.bash reads that list: verbs
 * by name, mode flags as "--flag", defaults as "(phrase)").
 *
 * A tool with two defaults (yoke-drive: a script, or the console on a
 * terminal) decides between them after parsing: yk_cli_parse leaves
 * mode at -1 when no verb or flag chose, and the tool calls yk_cli_mode.
 */
struct yk_mode {
	const char *verb; /* the operand that chooses it, or NULL */
	const char *flag; /* else the long option that chooses it, or NULL */
	const char *what; /* else (a default): a phrase for messages */
	/* the operands after the verb, as usage shows them: "ROBOT STATUS",
	 * "[PATTERN]", "KEY..."; NULL: the tool checks them */
	const char *args;
};
#define YK_MODE(m) (1u << (m))
#define YK_MODES_MAX 32

enum yk_origin { YK_FROM_DEFAULT, YK_FROM_ARGV, YK_FROM_ENV, YK_FROM_FILE };

#define YK_CLI_MAX_OPTS 128

struct yk_cli {
	const char *usage;   /* "usage: ..." lines, without the program name */
	const char *summary; /* one line: what the tool does */
	const struct yk_opt *opts;
	const char *config;  /* --config (argv) */
	bool help, version;
	const struct yk_mode *modes; /* or NULL: every option goes with all */
	int verb_at;         /* the operand that may be a verb */
	/* filled by parsing */
	int mode;            /* index into modes, -1: not chosen */
	const struct yk_opt *flat[YK_CLI_MAX_OPTS];
	unsigned char origin[YK_CLI_MAX_OPTS];
	unsigned only[YK_CLI_MAX_OPTS]; /* its modes; 0: every one */
	char **args;         /* the operands, argv[0..nargs) */
	int nargs;
	int nflat;
	char *config_used;   /* path of the config file read, if any */
	char **owned;        /* strings copied from the config file */
	int nowned;
};

/*
 * Parse argv, then the environment, then the config file.  On return
 * argv[0..*nargs) are the positional arguments.  YK_EXIT means --help or
 * --version was printed to out: exit 0.
 */
int yk_cli_parse(struct yk_cli *cli, int argc, char **argv, int *nargs,
		 FILE *out, struct yk_err *err);
/* Choose mode m (the tool's pick between defaults) and check the options
 * and operands given against it, as yk_cli_parse does for a mode that a
 * verb or a flag chose. */
int yk_cli_mode(struct yk_cli *cli, int m, struct yk_err *err);
/* Where an option (by long name) got its value. */
enum yk_origin yk_cli_origin(const struct yk_cli *cli, const char *lname);
/* Print usage and options (after yk_cli_parse: the options of each mode
 * come from the flattened table). */
void yk_cli_help(const struct yk_cli *cli, FILE *out);
void yk_cli_free(struct yk_cli *cli);

#endif
