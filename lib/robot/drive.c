/*
 * drive.c - yoke-drive's words, commands, teleop keys and status line
 * (see drive.h).  Nothing here does I/O.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "asimov.h"
#include "drive.h"
#include "fleet.h"
#include "opt.h"
#include "pbjson.h"

const char *const yk_drive_verbs[] = {
	"vel", "mode", "traj", "stop", "skills", "invoke", "cancel", "state",
	"vision", "json", "sleep", "teleop", "help", "quit", NULL,
};

/* ---- words ---- */

static void
push(struct yk_drive_words *w, const char *p, size_t n)
{
	w->v = yk_realloc(w->v, sizeof(*w->v) * (size_t)(w->n + 2));
	w->v[w->n++] = yk_strndup(p ? p : "", n);
	w->v[w->n] = NULL;
}

/* The end of the JSON value starting at s[i] ('{' or '['), or 0. */
static size_t
json_end(const char *s, size_t i, size_t n)
{
	int depth = 0;
	bool str = false;

	for (; i < n; i++) {
		char ch = s[i];

		if (str) {
			if (ch == '\\')
				i++;
			else if (ch == '"')
				str = false;
			continue;
		}
		if (ch == '"')
			str = true;
		else if (ch == '{' || ch == '[')
			depth++;
		else if ((ch == '}' || ch == ']') && --depth == 0)
			return i + 1;
	}
	return 0;
}

int
yk_drive_split(struct yk_drive_words *w, const char *s, size_t n,
	       struct yk_err *err)
{
	struct yk_buf b = {0};
	size_t i = 0, e;

	memset(w, 0, sizeof(*w));
	while (i < n) {
		if (isspace((unsigned char)s[i])) {
			i++;
			continue;
		}
		if (s[i] == '#')
			break;
		if (s[i] == '{' || s[i] == '[') {
			e = json_end(s, i, n);
			if (e == 0) {
				yk_buf_free(&b);
				yk_drive_words_free(w);
				return yk_err_set(err, YK_EUSAGE,
						  "unbalanced '%c'", s[i]);
			}
			push(w, s + i, e - i);
			i = e;
			continue;
		}
		yk_buf_truncate(&b, 0);
		while (i < n && !isspace((unsigned char)s[i])) {
			char q = s[i];

			if (q != '"' && q != '\'') {
				yk_buf_addc(&b, s[i++]);
				continue;
			}
			for (i++; i < n && s[i] != q; i++) {
				if (q == '"' && s[i] == '\\' && i + 1 < n)
					i++;
				yk_buf_addc(&b, s[i]);
			}
			if (i == n) {
				yk_buf_free(&b);
				yk_drive_words_free(w);
				return yk_err_set(err, YK_EUSAGE,
						  "unterminated %c", q);
			}
			i++;
		}
		push(w, b.p, b.len);
	}
	yk_buf_free(&b);
	return YK_OK;
}

void
yk_drive_words_free(struct yk_drive_words *w)
{
	for (int i = 0; i < w->n; i++)
		free(w->v[i]);
	free(w->v);
	memset(w, 0, sizeof(*w));
}

/* ---- commands ---- */

void
yk_drive_cmd_init(struct yk_drive_cmd *c)
{
	memset(c, 0, sizeof(*c));
	c->for_s = -1;
	c->timeout = -1;
}

void
yk_drive_cmd_free(struct yk_drive_cmd *c)
{
	if (c->json)
		protobuf_c_message_free_unpacked(&c->json->base, NULL);
	c->json = NULL;
}

static int
verb_of(const char *w)
{
	for (int i = 0; yk_drive_verbs[i]; i++)
		if (strcmp(w, yk_drive_verbs[i]) == 0 &&
		    i + YK_DRIVE_VEL != YK_DRIVE_JSON)
			return i + YK_DRIVE_VEL;
	if (strcmp(w, "exit") == 0)
		return YK_DRIVE_QUIT;
	return -1;
}

/* Which verbs take which option (a bit per verb). */
#define BIT(v) (1u << (v))
static const struct {
	const char *lname;
	char sname;
	unsigned verbs;
} vopts[] = {
	{"for", 0, BIT(YK_DRIVE_VEL)},
	{"rate", 0, BIT(YK_DRIVE_VEL)},
	{"clamp", 0, BIT(YK_DRIVE_VEL) | BIT(YK_DRIVE_TRAJ) |
			     BIT(YK_DRIVE_JSON)},
	{"timeout", 'W', BIT(YK_DRIVE_SKILLS) | BIT(YK_DRIVE_INVOKE) |
				 BIT(YK_DRIVE_CANCEL) | BIT(YK_DRIVE_STATE) |
				 BIT(YK_DRIVE_VISION)},
	{"width", 0, BIT(YK_DRIVE_VISION)},
	{"height", 0, BIT(YK_DRIVE_VISION)},
	{"output", 'o', BIT(YK_DRIVE_VISION)},
};

const struct yk_mode yk_drive_modes[] = {
	[YK_DRIVE_SCRIPT] = {.what = "a script"},
	[YK_DRIVE_VEL] = {.verb = "vel"},
	[YK_DRIVE_MODE] = {.verb = "mode"},
	[YK_DRIVE_TRAJ] = {.verb = "traj"},
	[YK_DRIVE_STOP] = {.verb = "stop"},
	[YK_DRIVE_SKILLS] = {.verb = "skills"},
	[YK_DRIVE_INVOKE] = {.verb = "invoke"},
	[YK_DRIVE_CANCEL] = {.verb = "cancel"},
	[YK_DRIVE_STATE] = {.verb = "state"},
	[YK_DRIVE_VISION] = {.verb = "vision"},
	[YK_DRIVE_CONSOLE] = {.what = "the console"},
	{0},
};

void
yk_drive_opts(struct yk_opt t[YK_DRIVE_OPTS_MAX], struct yk_drive_cmd *o)
{
	const struct yk_opt v[] = {
		YK_GROUP("vel"),
		YK_ONLY(BIT(YK_DRIVE_VEL)),
		YK_NUM(0, "for", &o->for_s, "S", 0, 1e9,
		       "stream for S seconds, then zero (default: until "
		       "interrupted)"),
		YK_ONLY(BIT(YK_DRIVE_VEL) | YK_DRIVE_SESSION),
		YK_NUM(0, "rate", &o->rate, "HZ", 0.1, 1000,
		       "send the velocity HZ times a second (default 20)"),
		YK_ONLY(BIT(YK_DRIVE_VEL) | BIT(YK_DRIVE_TRAJ) |
			YK_DRIVE_SESSION),
		YK_FLAG(0, "clamp", &o->clamp,
			"vel, traj: bring values into range (said on stderr) "
			"instead of refusing them"),
		YK_GROUP("skills, invoke, cancel, state, vision"),
		YK_ONLY(BIT(YK_DRIVE_SKILLS) | BIT(YK_DRIVE_INVOKE) |
			BIT(YK_DRIVE_CANCEL) | BIT(YK_DRIVE_STATE) |
			BIT(YK_DRIVE_VISION)),
		YK_NUM('W', "timeout", &o->timeout, "S", 0, 1e9,
		       "give up after S seconds, exit 3 (default 10; invoke: "
		       "no limit)"),
		YK_ONLY(BIT(YK_DRIVE_VISION)),
		YK_INT(0, "width", &o->width, "W", 1, 8192,
		       "vision: image width (default the robot's, 1280; "
		       "the robot sets the limit, yoke-sim's is 3840)"),
		YK_INT(0, "height", &o->height, "H", 1, 8192,
		       "vision: image height (default 720; yoke-sim's "
		       "limit is 2160)"),
		YK_STR('o', "output", &o->output, "FILE",
		       "vision: write the JPEG to FILE"),
		YK_END,
	};

	_Static_assert(sizeof(v) / sizeof(v[0]) <= YK_DRIVE_OPTS_MAX,
		       "YK_DRIVE_OPTS_MAX");
	memcpy(t, v, sizeof(v));
}

void
yk_drive_take_opts(struct yk_drive_cmd *c, const struct yk_drive_cmd *o)
{
	c->for_s = o->for_s;
	c->rate = o->rate;
	c->clamp = o->clamp;
	c->timeout = o->timeout;
	c->width = o->width;
	c->height = o->height;
	c->output = o->output;
}

bool
yk_drive_wants_will(enum yk_drive_verb verb)
{
	switch (verb) {
	case YK_DRIVE_SKILLS:
	case YK_DRIVE_CANCEL:
	case YK_DRIVE_STATE:
	case YK_DRIVE_VISION:
		return false;
	default:
		return true;
	}
}

bool
yk_drive_checks_presence(enum yk_drive_verb verb)
{
	return verb != YK_DRIVE_STOP && yk_drive_wants_will(verb);
}

static int
num(double *out, const char *what, const char *w, double lo, double hi,
    struct yk_err *err)
{
	if (yk_parse_double(w, lo, hi, out) != 0)
		return yk_err_set(err, YK_EUSAGE,
				  "%s: '%s' is not a number%s", what, w,
				  lo > -1e300 ? " in range" : "");
	return YK_OK;
}

/* One option of a line: words[*i] is "--name" or "-x". */
static int
line_opt(struct yk_drive_cmd *c, int n, char *const words[], int *i,
	 const char *verb, struct yk_err *err)
{
	const char *w = words[*i], *v;
	size_t k;
	long l;

	for (k = 0; k < sizeof(vopts) / sizeof(vopts[0]); k++)
		if ((w[1] == '-' && strcmp(w + 2, vopts[k].lname) == 0) ||
		    (w[1] != '-' && vopts[k].sname && w[1] == vopts[k].sname &&
		     w[2] == '\0'))
			break;
	if (k == sizeof(vopts) / sizeof(vopts[0]))
		return yk_err_set(err, YK_EUSAGE, "%s: unknown option '%s'",
				  verb, w);
	if (!(vopts[k].verbs & BIT(c->verb)))
		return yk_err_set(err, YK_EUSAGE, "--%s does not go with %s",
				  vopts[k].lname, verb);
	if (strcmp(vopts[k].lname, "clamp") == 0) {
		c->clamp = true;
		return YK_OK;
	}
	if (*i + 1 >= n)
		return yk_err_set(err, YK_EUSAGE, "option '--%s' needs a value",
				  vopts[k].lname);
	v = words[++*i];
	switch (k) {
	case 0:
		return num(&c->for_s, "--for", v, 0, 1e9, err);
	case 1:
		return num(&c->rate, "--rate", v, 0.1, 1000, err);
	case 3:
		return num(&c->timeout, "--timeout", v, 0, 1e9, err);
	case 4:
	case 5:
		if (yk_parse_long(v, 1, 8192, &l) != 0)
			return yk_err_set(err, YK_EUSAGE,
					  "invalid value '%s' for --%s: "
					  "expected an integer from 1 to 8192",
					  v, vopts[k].lname);
		*(k == 4 ? &c->width : &c->height) = l;
		return YK_OK;
	default:
		c->output = v;
		return YK_OK;
	}
}

static bool
is_opt(const char *w)
{
	return w[0] == '-' && w[1] != '\0' && !isdigit((unsigned char)w[1]) &&
	       w[1] != '.';
}

int
yk_drive_parse(struct yk_drive_cmd *c, int n, char *const words[],
	       bool opts, struct yk_err *err)
{
	const char *pos[8];
	const char *verb;
	int np = 0, v, want_lo, want_hi;

	yk_drive_cmd_init(c);
	if (n == 0)
		return YK_OK;
	verb = words[0];
	v = verb_of(verb);
	if (v < 0)
		return yk_err_set(err, YK_EUSAGE,
				  "unknown verb '%s' (verbs: vel, mode, traj, "
				  "stop, skills, invoke, cancel, state, "
				  "vision)", verb);
	c->verb = (enum yk_drive_verb)v;
	for (int i = 1; i < n; i++) {
		if (opts && is_opt(words[i])) {
			if (line_opt(c, n, words, &i, verb, err) != YK_OK)
				return err->rc;
			continue;
		}
		if (np == (int)(sizeof(pos) / sizeof(pos[0])))
			return yk_err_set(err, YK_EUSAGE,
					  "%s: unexpected argument '%s'", verb,
					  words[i]);
		pos[np++] = words[i];
	}
	switch (c->verb) {
	case YK_DRIVE_VEL:
		want_lo = want_hi = 3;
		break;
	case YK_DRIVE_MODE:
	case YK_DRIVE_TRAJ:
	case YK_DRIVE_VISION:
	case YK_DRIVE_SLEEP:
		want_lo = want_hi = 1;
		break;
	case YK_DRIVE_INVOKE:
		want_lo = 1;
		want_hi = 2;
		break;
	case YK_DRIVE_CANCEL:
	case YK_DRIVE_STATE:
	case YK_DRIVE_HELP:
		want_lo = 0;
		want_hi = 1;
		break;
	default:
		want_lo = want_hi = 0;
	}
	if (c->verb == YK_DRIVE_VEL && np != 3)
		return yk_err_set(err, YK_EUSAGE,
				  "vel: expected VX VY VYAW, got %d number%s",
				  np, np == 1 ? "" : "s");
	if (np < want_lo) {
		const char *what = "SKILL";

		if (c->verb == YK_DRIVE_MODE)
			what = "stand or damp";
		else if (c->verb == YK_DRIVE_TRAJ)
			what = "FILE.json (or -)";
		else if (c->verb == YK_DRIVE_VISION)
			what = "CAMERA";
		else if (c->verb == YK_DRIVE_SLEEP)
			what = "SECONDS";
		return yk_err_set(err, YK_EUSAGE, "%s: missing %s", verb,
				  what);
	}
	if (np > want_hi)
		return yk_err_set(err, YK_EUSAGE,
				  "%s: unexpected argument '%s'", verb,
				  pos[want_hi]);
	switch (c->verb) {
	case YK_DRIVE_VEL:
		if (num(&c->vx, "vel: VX", pos[0], -1e300, 1e300, err) ||
		    num(&c->vy, "vel: VY", pos[1], -1e300, 1e300, err) ||
		    num(&c->vyaw, "vel: VYAW", pos[2], -1e300, 1e300, err))
			return err->rc;
		break;
	case YK_DRIVE_MODE:
		if (strcmp(pos[0], "stand") == 0)
			c->mode = ASIMOV__MODE__MODE_STAND;
		else if (strcmp(pos[0], "damp") == 0)
			c->mode = ASIMOV__MODE__MODE_DAMP;
		else
			return yk_err_set(err, YK_EUSAGE,
					  "mode: expected stand or damp, got "
					  "'%s'", pos[0]);
		break;
	case YK_DRIVE_SLEEP:
		return num(&c->seconds, "sleep", pos[0], 0, 1e6, err);
	case YK_DRIVE_INVOKE:
		c->arg = pos[0];
		if (np == 2) {
			c->args_json = pos[1];
			if (yk_fleet_object("invoke: ARGS_JSON", pos[1], err))
				return err->rc;
		}
		break;
	default:
		c->arg = np ? pos[0] : NULL;
	}
	return YK_OK;
}

int
yk_drive_line(struct yk_drive_cmd *c, struct yk_drive_words *words,
	      const char *s, size_t n, struct yk_err *err)
{
	ProtobufCMessage *m;
	size_t i = 0;

	yk_drive_cmd_init(c);
	memset(words, 0, sizeof(*words));
	while (i < n && isspace((unsigned char)s[i]))
		i++;
	if (i < n && s[i] == '{') {
		if (yk_pb_from_json(&m, &asimov__cloud_command__descriptor,
				    s + i, n - i, err) != YK_OK)
			return err->rc;
		c->verb = YK_DRIVE_JSON;
		c->json = (Asimov__CloudCommand *)m;
		return YK_OK;
	}
	if (yk_drive_split(words, s, n, err) != YK_OK)
		return err->rc;
	return yk_drive_parse(c, words->n, words->v, true, err);
}

void
yk_drive_velocity(Asimov__CloudCommand *cmd, Asimov__VelocityCommand *v,
		  double vx, double vy, double vyaw)
{
	asimov__cloud_command__init(cmd);
	asimov__velocity_command__init(v);
	v->vx = (float)vx;
	v->vy = (float)vy;
	v->vyaw = (float)vyaw;
	cmd->command_case = ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY;
	cmd->velocity = v;
}

bool
yk_drive_is_zero(const Asimov__CloudCommand *cmd)
{
	const Asimov__VelocityCommand *v = cmd->velocity;

	return cmd->command_case == ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY &&
	       v != NULL && v->vx == 0 && v->vy == 0 && v->vyaw == 0;
}

/* ---- teleop ---- */

enum yk_drive_key
yk_drive_key(const char *p, size_t n, bool final, size_t *used)
{
	*used = n ? 1 : 0;
	if (n == 0)
		return YK_KEY_NONE;
	switch (p[0]) {
	case 'w': case 'W': return YK_KEY_FORWARD;
	case 's': case 'S': return YK_KEY_BACK;
	case 'a': case 'A': return YK_KEY_LEFT;
	case 'd': case 'D': return YK_KEY_RIGHT;
	case 'z': case 'Z': return YK_KEY_SLIDE_L;
	case 'c': case 'C': return YK_KEY_SLIDE_R;
	case ' ': return YK_KEY_STOP;
	case 'q': case 'Q': return YK_KEY_QUIT;
	case '\033':
		break;
	default:
		return YK_KEY_NONE;
	}
	if (n == 1) {
		*used = final ? 1 : 0;
		return final ? YK_KEY_QUIT : YK_KEY_MORE;
	}
	if (p[1] != '[' && p[1] != 'O')
		return YK_KEY_QUIT; /* Esc, then another key */
	if (n == 2) {
		*used = final ? 2 : 0;
		return final ? YK_KEY_NONE : YK_KEY_MORE;
	}
	/* CSI: parameters, then one final byte in @..~ */
	size_t i = 2;

	while (i < n && !(p[i] >= '@' && p[i] <= '~'))
		i++;
	if (i == n) {
		*used = final ? n : 0;
		return final ? YK_KEY_NONE : YK_KEY_MORE;
	}
	*used = i + 1;
	if (i != 2)
		return YK_KEY_NONE; /* a modified key: not ours */
	switch (p[2]) {
	case 'A': return YK_KEY_FORWARD;
	case 'B': return YK_KEY_BACK;
	case 'C': return YK_KEY_RIGHT;
	case 'D': return YK_KEY_LEFT;
	default: return YK_KEY_NONE;
	}
}

/* v + step, kept inside [-max, max], rounded to the step's grid so that
 * repeated steps land on 0 exactly. */
static double
step(double v, double d, double max)
{
	v = round((v + d) * 1000) / 1000;
	return v > max ? max : v < -max ? -max : v;
}

bool
yk_drive_teleop(struct yk_drive_vel *v, enum yk_drive_key k)
{
	struct yk_drive_vel o = *v;

	switch (k) {
	case YK_KEY_FORWARD:
		v->vx = step(v->vx, YK_DRIVE_STEP_VX, YK_ASIMOV_VX_MAX);
		break;
	case YK_KEY_BACK:
		v->vx = step(v->vx, -YK_DRIVE_STEP_VX, YK_ASIMOV_VX_MAX);
		break;
	case YK_KEY_LEFT:
		v->vyaw = step(v->vyaw, YK_DRIVE_STEP_VYAW,
			       YK_ASIMOV_VYAW_MAX);
		break;
	case YK_KEY_RIGHT:
		v->vyaw = step(v->vyaw, -YK_DRIVE_STEP_VYAW,
			       YK_ASIMOV_VYAW_MAX);
		break;
	case YK_KEY_SLIDE_L:
		v->vy = step(v->vy, YK_DRIVE_STEP_VY, YK_ASIMOV_VY_MAX);
		break;
	case YK_KEY_SLIDE_R:
		v->vy = step(v->vy, -YK_DRIVE_STEP_VY, YK_ASIMOV_VY_MAX);
		break;
	case YK_KEY_STOP:
	case YK_KEY_QUIT:
		v->vx = v->vy = v->vyaw = 0;
		break;
	default:
		break;
	}
	return memcmp(&o, v, sizeof(o)) != 0;
}

/* ---- status line ---- */

void
yk_drive_status_line(struct yk_buf *out, const struct yk_drive_status *st)
{
	yk_buf_adds(out, st->robot);
	yk_buf_addc(out, ' ');
	yk_buf_adds(out, st->mode ? st->mode : "?");
	if (st->stale)
		yk_buf_adds(out, " (no state)");
	if (st->have_vel)
		yk_buf_addf(out, " vel %.2f %.2f %.2f", st->vel.vx, st->vel.vy,
			    st->vel.vyaw);
	if (st->battery >= 0)
		yk_buf_addf(out, " bat %.0f%%", st->battery);
	if (st->alerts > 0)
		yk_buf_addf(out, " ALERT %s%s", st->alert,
			    st->alerts > 1 ? " +more" : "");
	else if (st->alerts == 0)
		yk_buf_adds(out, " ok");
	if (st->teleop)
		yk_buf_addf(out, " | teleop cmd %.2f %.2f %.2f", st->cmd.vx,
			    st->cmd.vy, st->cmd.vyaw);
}
