/*
 * console.c - yoke-drive's console and teleop (see console.h).
 *
 * readline runs through its callback interface, so one poll(2) waits for
 * a key, the broker and the held velocity's next send at once: a
 * command keeps streaming while the operator types.  readline's
 * callbacks take no context, hence the one file-level pointer `con`
 * (set while the console runs, and only then).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "console.h"
#include "out.h"
#include "rl.h"

/* Redraw the status at most this often. */
#define DRAW_MS 200
/* An Esc alone is told from an arrow key's ESC [ A when nothing more
 * came within this time. */
#define ESC_MS 50
#define HISTORY_MAX 1000

static const char help_text[] =
	"verbs:\n"
	"  vel VX VY VYAW [--for S] [--rate HZ] [--clamp]\n"
	"                  hold a velocity (m/s, m/s, rad/s) until the next "
	"command\n"
	"  stop            zero velocity\n"
	"  mode stand|damp\n"
	"  traj FILE.json [--clamp]\n"
	"  skills          the robot's skills\n"
	"  invoke SKILL [ARGS_JSON] [-W S]   run a skill, wait for its end\n"
	"  cancel [ACTION_ID]\n"
	"  state [KEY]\n"
	"  vision CAMERA -o FILE [--width W] [--height H]\n"
	"  sleep S         wait S seconds (a held velocity goes on)\n"
	"  {...}           a CloudCommand as JSON\n"
	"  teleop          drive with the keys:\n"
	"                    w/Up s/Down  faster / slower (vx)\n"
	"                    a/Left d/Right  turn left / right (vyaw)\n"
	"                    z c  sideways left / right (vy)\n"
	"                    space  stop    q/Esc  leave teleop (sends "
	"zero)\n"
	"  help, quit      (Ctrl-D quits too; Ctrl-C stops the robot and "
	"quits)\n";

struct con {
	struct yk_driver *d;
	const struct yk_driver_io *io;
	struct yk_rl rl;
	char **skills;
	int nskills;
	char *line;
	bool got_line;
	bool installed;         /* readline has the terminal */
	bool quit;
	struct yk_buf prompt;
	int64_t drawn_ms;
	/* the completion generator's state */
	const char *const *glist;
	int gn, gi;
};

static struct con *con;

static void
on_line(char *line)
{
	con->got_line = true;
	con->line = line; /* NULL: end of input */
	/* here, or readline shows the prompt again at once, under
	 * whatever the command will print */
	con->rl.handler_remove();
	con->installed = false;
}

static char *
generate(const char *text, int state)
{
	size_t n = strlen(text);

	if (state == 0)
		con->gi = 0;
	while (con->gi < con->gn) {
		const char *s = con->glist[con->gi++];

		if (strncmp(s, text, n) == 0 && strcmp(s, "json") != 0)
			return strdup(s);
	}
	return NULL;
}

static char **
complete(const char *text, int start, int end)
{
	static const char *const modes[] = {"stand", "damp"};
	const char *b = *con->rl.line_buffer;
	char first[16];
	int i = 0, n = 0, words = 0;

	(void)end;
	*con->rl.attempted_completion_over = 1; /* never file names */
	/* the words before this one */
	while (i < start) {
		while (i < start && (b[i] == ' ' || b[i] == '\t'))
			i++;
		if (i >= start)
			break;
		n = 0;
		while (i < start && b[i] != ' ' && b[i] != '\t') {
			if (words == 0 && n < (int)sizeof(first) - 1)
				first[n++] = b[i];
			i++;
		}
		if (words == 0)
			first[n] = '\0';
		words++;
	}
	if (words == 0) {
		con->glist = yk_drive_verbs;
		for (con->gn = 0; yk_drive_verbs[con->gn]; con->gn++)
			;
	} else if (words == 1 && strcmp(first, "invoke") == 0) {
		con->glist = (const char *const *)con->skills;
		con->gn = con->nskills;
	} else if (words == 1 && strcmp(first, "mode") == 0) {
		con->glist = modes;
		con->gn = 2;
	} else {
		return NULL;
	}
	return con->rl.completion_matches(text, generate);
}

bool
yk_console_history_path(struct yk_buf *out)
{
	const char *s = getenv("XDG_STATE_HOME"), *h = getenv("HOME");

	if (s && *s == '/') {
		yk_buf_adds(out, s);
	} else if (h && *h) {
		yk_buf_adds(out, h);
		yk_buf_adds(out, "/.local/state");
	} else {
		return false;
	}
	yk_buf_adds(out, "/yoke/drive_history");
	return true;
}

/* mkdir -p of the history file's directory (private, as bash's). */
static void
make_dirs(const char *path)
{
	char *p = yk_strdup(path), *s;

	for (s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST)
			break;
		*s = '/';
	}
	free(p);
}

static void
set_prompt(struct con *k, bool draw)
{
	struct yk_buf old = k->prompt;
	bool same;

	memset(&k->prompt, 0, sizeof(k->prompt));
	yk_drive_status_line(&k->prompt, yk_driver_status(k->d));
	yk_buf_adds(&k->prompt, " > ");
	same = old.p && strcmp(old.p, k->prompt.p) == 0;
	yk_buf_free(&old);
	k->drawn_ms = yk_mono_ms();
	if (draw && same)
		return; /* no flicker under the operator's typing */
	k->rl.set_prompt(k->prompt.p);
	if (draw) {
		/* the old prompt's line, cleared; readline told it is on a
		 * new line, so it draws prompt and input from column 0 */
		fputs("\r\033[K", stderr);
		k->rl.on_new_line();
		k->rl.redisplay();
	}
}

/* The skills' names for completion, once the robot answered. */
static void
take_skills(struct con *k)
{
	const Yoke__RpcReply *r = k->d->side.reply;
	const Yoke__SkillList *l;

	if (k->skills || r == NULL ||
	    r->reply_case != YOKE__RPC_REPLY__REPLY_SKILLS)
		return;
	l = r->skills;
	k->skills = yk_calloc(l->n_skills + 1, sizeof(*k->skills));
	for (size_t i = 0; i < l->n_skills; i++)
		k->skills[k->nskills++] = yk_strdup(l->skills[i]->name);
}

/* The teleop line on stderr, redrawn in place. */
static void
teleop_draw(struct con *k, const struct yk_drive_vel *v)
{
	struct yk_drive_status st = *yk_driver_status(k->d);
	struct yk_buf b = {0};

	st.teleop = true;
	st.cmd = *v;
	yk_buf_adds(&b, "\r\033[K");
	yk_drive_status_line(&b, &st);
	yk_buf_adds(&b, "  [w/s a/d z/c, space stop, q quit]");
	fputs(b.p, stderr);
	fflush(stderr);
	yk_buf_free(&b);
	k->drawn_ms = yk_mono_ms();
}

/* Keys set the velocity; it streams at the rate; q/Esc sends zero. */
static int
teleop(struct con *k, struct yk_err *err)
{
	struct yk_drive_vel v = {0};
	struct termios saved, raw;
	char buf[64];
	size_t have = 0;
	int64_t esc_ms = 0;
	bool quit = false, tty = tcgetattr(0, &saved) == 0;

	if (tty) {
		raw = saved;
		raw.c_lflag &= (tcflag_t)~(ICANON | ECHO); /* ISIG stays */
		raw.c_cc[VMIN] = 1;
		raw.c_cc[VTIME] = 0;
		tcsetattr(0, TCSANOW, &raw);
	}
	yk_driver_hold(k->d, &v, k->io->rate);
	teleop_draw(k, &v);
	while (!*k->io->stop && !quit) {
		struct pollfd p = {0, POLLIN, 0};
		bool moved = false, final;
		size_t off = 0;

		if (yk_driver_step(k->d, &p, 1, have ? ESC_MS : DRAW_MS,
				   err) != YK_OK)
			break;
		if (have < sizeof(buf) && (p.revents & (POLLIN | POLLHUP))) {
			ssize_t n = read(0, buf + have, sizeof(buf) - have);

			if (n == 0 || (n < 0 && errno != EINTR))
				break; /* the terminal is gone */
			if (n > 0) {
				if (have == 0)
					esc_ms = yk_mono_ms();
				have += (size_t)n;
			}
		}
		final = yk_mono_ms() - esc_ms >= ESC_MS;
		while (off < have) {
			size_t used;
			enum yk_drive_key key = yk_drive_key(
				buf + off, have - off, final, &used);

			if (key == YK_KEY_MORE)
				break;
			off += used;
			if (key == YK_KEY_QUIT) {
				quit = true;
				break;
			}
			moved |= yk_drive_teleop(&v, key);
		}
		memmove(buf, buf + off, have - off);
		have -= off;
		if (have)
			esc_ms = off ? yk_mono_ms() : esc_ms;
		if (moved) /* at once, then at the rate */
			yk_driver_hold(k->d, &v, k->io->rate);
		if (moved || (k->d->changed &&
			      yk_mono_ms() - k->drawn_ms >= DRAW_MS))
			teleop_draw(k, &v);
	}
	yk_driver_hold(k->d, NULL, 0);
	v.vx = v.vy = v.vyaw = 0;
	if (err->rc == YK_OK)
		yk_driver_vel(k->d, &v, err);
	if (tty)
		tcsetattr(0, TCSANOW, &saved);
	fputs("\r\033[K", stderr);
	return err->rc;
}

/* One line the operator typed. */
static void
run_line(struct con *k, const char *line)
{
	struct yk_drive_cmd c;
	struct yk_drive_words w;
	struct yk_driver_job j = {0};
	struct yk_err e = {0};

	if (yk_drive_line(&c, &w, line, strlen(line), &e) == YK_OK) {
		switch (c.verb) {
		case YK_DRIVE_HELP:
			fputs(help_text, stderr);
			break;
		case YK_DRIVE_QUIT:
			k->quit = true;
			break;
		case YK_DRIVE_TELEOP:
			teleop(k, &e);
			break;
		case YK_DRIVE_VISION:
			if (c.output == NULL && isatty(k->io->out->fd)) {
				yk_err_set(&e, YK_EUSAGE,
					   "vision: give -o FILE (standard "
					   "output is a terminal)");
				break;
			}
			/* fall through */
		default:
			if (yk_driver_prepare(&j, &c, false, &e) != YK_OK)
				break;
			if (j.note.len)
				fprintf(stderr, "%s: --clamp: %s\n", yk_prog,
					j.note.p);
			if (yk_driver_run(k->d, &j, k->io, &e) == YK_OK)
				yk_out_flush(k->io->out, &e);
		}
	}
	/* a failed command is said and the console goes on */
	if (e.rc != YK_OK && e.rc != YK_EXIT)
		yk_err_print(&e);
	yk_out_flush(k->io->out, &e);
	yk_driver_job_free(&j);
	yk_drive_cmd_free(&c);
	yk_drive_words_free(&w);
}

int
yk_console_run(struct yk_driver *d, const struct yk_driver_io *io,
	       struct yk_err *err)
{
	struct con k = {.d = d, .io = io};
	Yoke__SkillsRequest skills_req = YOKE__SKILLS_REQUEST__INIT;
	struct yk_buf hist = {0};
	bool have_hist;

	if (yk_rl_load(&k.rl, err) != YK_OK)
		return err->rc;
	con = &k;
	*k.rl.readline_name = "yoke-drive";
	*k.rl.outstream = stderr;
	*k.rl.catch_signals = 0; /* ours: SIGINT stops the robot, quits */
	*k.rl.catch_sigwinch = 0;
	*k.rl.attempted_completion_function = complete;
	have_hist = yk_console_history_path(&hist);
	if (have_hist)
		k.rl.read_history(hist.p);
	fprintf(stderr, "%s: driving '%s'; help for the verbs, quit or "
		"Ctrl-D to leave\n", yk_prog, d->robot);
	/* asked now, answered whenever the robot is there */
	yk_driver_call_later(d, YK_RPC_SKILLS, &skills_req.base);
	set_prompt(&k, false);
	k.rl.handler_install(k.prompt.p, on_line);
	k.installed = true;
	while (!*io->stop && !k.quit) {
		struct pollfd p = {0, POLLIN, 0};

		if (yk_driver_step(d, &p, 1, DRAW_MS, err) != YK_OK)
			break;
		take_skills(&k);
		if (p.revents & (POLLIN | POLLHUP))
			k.rl.read_char();
		if (k.got_line) {
			k.got_line = false;
			if (k.line == NULL) {
				fputc('\n', stderr);
				break;
			}
			if (k.line[strspn(k.line, " \t")] != '\0')
				k.rl.add_history(k.line);
			run_line(&k, k.line);
			free(k.line);
			k.line = NULL;
			if (k.quit || *io->stop)
				break;
			set_prompt(&k, false);
			k.rl.handler_install(k.prompt.p, on_line);
			k.installed = true;
		} else if (d->changed &&
			   yk_mono_ms() - k.drawn_ms >= DRAW_MS) {
			set_prompt(&k, true);
		}
	}
	if (k.installed)
		k.rl.handler_remove(); /* the terminal as it was */
	if (*io->stop)
		fputc('\n', stderr);
	if (have_hist) {
		make_dirs(hist.p);
		k.rl.write_history(hist.p);
		k.rl.history_truncate_file(hist.p, HISTORY_MAX);
	}
	for (int i = 0; i < k.nskills; i++)
		free(k.skills[i]);
	free(k.skills);
	free(k.line);
	yk_buf_free(&k.prompt);
	yk_buf_free(&hist);
	con = NULL;
	return err->rc;
}
