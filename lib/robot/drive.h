/*
 * drive.h - what yoke-drive understands, without any I/O: a command line
 * ("vel 0.3 0 0 --for 2", "invoke go_to {...}") split into words and read
 * as one command, a CloudCommand built from it, the teleop key map and
 * the console's status line.
 *
 * The same reader serves the one-shot verbs (argv), script lines and the
 * console, so a verb means the same thing in all three.  What always
 * holds: a value is never changed on the way (ranges are lib/robot/asimov.h's
 * to check and, only when asked, to clamp); a word that does not fit is
 * an error naming the verb and the word.
 */
#ifndef YK_DRIVE_H
#define YK_DRIVE_H

#include <stdbool.h>
#include <stddef.h>

#include "asimov.pb-c.h"
#include "buf.h"
#include "err.h"
#include "opt.h"

enum yk_drive_verb {
	YK_DRIVE_NONE = 0, /* a blank line or a comment */
	YK_DRIVE_VEL,
	YK_DRIVE_MODE,
	YK_DRIVE_TRAJ,
	YK_DRIVE_STOP,
	YK_DRIVE_SKILLS,
	YK_DRIVE_INVOKE,
	YK_DRIVE_CANCEL,
	YK_DRIVE_STATE,
	YK_DRIVE_VISION,
	YK_DRIVE_JSON,     /* a CloudCommand as a JSON object */
	YK_DRIVE_SLEEP,    /* scripts and the console: wait, streaming */
	YK_DRIVE_TELEOP,   /* the console only */
	YK_DRIVE_HELP,     /* the console only */
	YK_DRIVE_QUIT,     /* the console only */
};

/* The verbs by name, in enum order from YK_DRIVE_VEL (NULL-terminated;
 * "json" is not a verb one types). */
extern const char *const yk_drive_verbs[];

/* Default stream rate of a velocity command (Hz). */
#define YK_DRIVE_RATE 20.0

struct yk_drive_cmd {
	enum yk_drive_verb verb;
	double vx, vy, vyaw;   /* vel */
	int mode;              /* mode: an Asimov__Mode */
	const char *arg;       /* traj FILE, invoke SKILL, cancel ID, state
				  KEY, vision CAMERA (NULL: not given) */
	const char *args_json; /* invoke: the skill's arguments, or NULL */
	double seconds;        /* sleep */
	Asimov__CloudCommand *json; /* YK_DRIVE_JSON: owned, free with
				       yk_drive_cmd_free */
	/* a verb's options; in a line they follow the verb's words */
	double for_s;          /* vel --for; <0: not given */
	double rate;           /* vel --rate; 0: not given */
	bool clamp;            /* vel, traj, json --clamp */
	double timeout;        /* invoke .. vision --timeout; <0: not given */
	long width, height;    /* vision; 0: not given */
	const char *output;    /* vision -o FILE */
};

/* Words of one line: blanks separate them; "..." and '...' quote (a
 * backslash escapes in "..."), and a JSON object or array is one word
 * however many blanks it holds, so `invoke go_to {"target": {...}}`
 * needs no quoting.  # starts a comment outside a word. */
struct yk_drive_words {
	char **v;
	int n;
};

int yk_drive_split(struct yk_drive_words *w, const char *s, size_t n,
		   struct yk_err *err);
void yk_drive_words_free(struct yk_drive_words *w);

/* Empty c (every option "not given"). */
void yk_drive_cmd_init(struct yk_drive_cmd *c);
/*
 * Read words (verb first) as a command; with opts, the verb's options
 * (--for, --rate, --clamp, --timeout/-W, --width, --height, -o) may
 * follow among the words, as in a script line; without, they were
 * parsed from argv already.  Strings point into words.  YK_EUSAGE:
 *   "vel: expected VX VY VYAW, got 2 numbers"
 *   "unknown verb 'jump' (try help)"
 */
int yk_drive_parse(struct yk_drive_cmd *c, int n, char *const words[],
		   bool opts, struct yk_err *err);
/* A line: a CloudCommand JSON object (first non-blank '{') or the verb
 * syntax.  Blank lines and comments are YK_DRIVE_NONE.  words keeps
 * what c points into. */
int yk_drive_line(struct yk_drive_cmd *c, struct yk_drive_words *words,
		  const char *s, size_t n, struct yk_err *err);
void yk_drive_cmd_free(struct yk_drive_cmd *c);
/*
 * The modes of yoke-drive's command line (lib/opt.h), at the values of
 * the verbs argv takes; with none, a script on standard input or the
 * console on a terminal (YK_DRIVE_CONSOLE is the value of YK_DRIVE_JSON,
 * which argv does not take).
 */
enum { YK_DRIVE_SCRIPT = YK_DRIVE_NONE,
       YK_DRIVE_CONSOLE = YK_DRIVE_VISION + 1 };
#define YK_DRIVE_SESSION (YK_MODE(YK_DRIVE_SCRIPT) | YK_MODE(YK_DRIVE_CONSOLE))
extern const struct yk_mode yk_drive_modes[];
/* The verbs' options (--for .. -o) into o, each with the modes it goes
 * with (a script's and the console's --rate and --clamp are their lines'
 * defaults); a tool includes t with YK_INCLUDE. */
#define YK_DRIVE_OPTS_MAX 16
void yk_drive_opts(struct yk_opt t[YK_DRIVE_OPTS_MAX], struct yk_drive_cmd *o);
/* The options of o (from argv) into c (its words read by yk_drive_parse). */
void yk_drive_take_opts(struct yk_drive_cmd *c, const struct yk_drive_cmd *o);
/*
 * True when a session for verb (NONE: a script or the console) leaves a
 * zero velocity as its MQTT will: the verbs that move the robot, invoke
 * included (a skill moves it; an invoker killed is taken as one
 * interrupted, which cancels).  A read-only verb must not: its death
 * would stop another operator's robot.
 */
bool yk_drive_wants_will(enum yk_drive_verb verb);
/*
 * True when a session for verb (NONE: a script) first checks that the
 * robot is there (yk_driver_present): the verbs that move it, invoke
 * included, so a command to a robot that is not there is not taken for
 * done.  Not stop (it goes at once, and a stop reaching no robot harms
 * none), nor the read-only verbs (they wait for an answer anyway).
 */
bool yk_drive_checks_presence(enum yk_drive_verb verb);

/* Fill cmd (and v) with a velocity command, unstamped. */
void yk_drive_velocity(Asimov__CloudCommand *cmd, Asimov__VelocityCommand *v,
		       double vx, double vy, double vyaw);
bool yk_drive_is_zero(const Asimov__CloudCommand *cmd);

/* ---- teleop ---- */

enum yk_drive_key {
	YK_KEY_NONE = 0,
	YK_KEY_FORWARD,  /* w, Up */
	YK_KEY_BACK,     /* s, Down */
	YK_KEY_LEFT,     /* a, Left: turn left (vyaw +) */
	YK_KEY_RIGHT,    /* d, Right: turn right (vyaw -) */
	YK_KEY_SLIDE_L,  /* z: sideways left (vy +) */
	YK_KEY_SLIDE_R,  /* c: sideways right (vy -) */
	YK_KEY_STOP,     /* space */
	YK_KEY_QUIT,     /* q, Esc */
	YK_KEY_MORE,     /* an escape sequence cut short: wait for more */
};

/* Steps per key press; a value never leaves its range (asimov.h). */
#define YK_DRIVE_STEP_VX 0.1
#define YK_DRIVE_STEP_VY 0.1
#define YK_DRIVE_STEP_VYAW 0.2

/*
 * The key at the head of the bytes p[0..n) read from a terminal (keys,
 * arrows as ESC [ A..D or ESC O A..D); *used says how many bytes it
 * took (unknown keys and sequences are skipped, YK_KEY_NONE).  A lone
 * ESC at the end of the bytes is Esc only when final (no more bytes
 * came), else YK_KEY_MORE.
 */
enum yk_drive_key yk_drive_key(const char *p, size_t n, bool final,
			       size_t *used);

struct yk_drive_vel {
	double vx, vy, vyaw;
};

/* Apply a key to v: a step, stop, or nothing.  True when v changed. */
bool yk_drive_teleop(struct yk_drive_vel *v, enum yk_drive_key k);

/* ---- the console's status line ---- */

struct yk_drive_status {
	const char *robot;
	bool teleop;
	struct yk_drive_vel cmd;  /* what we command now */
	const char *mode;         /* "MOVE" .. (from the robot), or NULL */
	double battery;           /* percent, <0 unknown */
	bool have_vel;            /* vel: the robot's own velocity */
	struct yk_drive_vel vel;
	int alerts;               /* active alerts, -1 unknown */
	char alert[48];           /* the first one's name */
	bool stale;               /* no state for more than 1 s */
};

/* One line, no newline: "r1 MOVE vel 0.30 0.00 0.00 bat 87% ok". */
void yk_drive_status_line(struct yk_buf *out, const struct yk_drive_status *st);

#endif
