/*
 * yoke-drive - command a robot: a one-shot verb (vel, mode, traj, stop,
 * skills, invoke, cancel, state, vision), a script of them on standard
 * input, or an interactive console on a terminal.
 *
 * The verbs are lib/robot/drive.c's, the session lib/robot/driver.c's.  What must
 * hold here: a command out of range is refused before anything connects
 * (exit 2, nothing published); once a velocity was sent, every way out
 * of this program -- the end, EOF, SIGINT, SIGTERM, an error -- sends a
 * zero velocity, and the MQTT will does it when we cannot.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "console.h"
#include "driver.h"
#include "out.h"
#include "sig.h"
#include "tool.h"

static const char usage[] =
	"[options] ROBOT vel VX VY VYAW [--for S] [--rate HZ] [--clamp]\n"
	"[options] ROBOT mode stand|damp\n"
	"[options] ROBOT traj FILE.json|- [--clamp]\n"
	"[options] ROBOT stop\n"
	"[options] ROBOT skills\n"
	"[options] ROBOT invoke SKILL [ARGS_JSON] [-W S]\n"
	"[options] ROBOT cancel [ACTION_ID]\n"
	"[options] ROBOT state [KEY]\n"
	"[options] ROBOT vision CAMERA [--width W] [--height H] [-o FILE]\n"
	"[options] ROBOT [--on-error exit|skip] < COMMANDS\n"
	"[options] ROBOT              (on a terminal: the console)";

enum { ON_ERROR_EXIT, ON_ERROR_SKIP };
static const char *const on_errors[] = {"exit", "skip", NULL};

static void
warn(void *ud, const struct yk_err *e)
{
	(void)ud;
	yk_err_print(e);
}

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct yk_drive_cmd o, cmd;
	struct yk_opt vopts[YK_DRIVE_OPTS_MAX];
	struct yk_driver d = {0};
	struct yk_driver_job j = {0};
	struct yk_out out;
	int on_error = -1;
	bool script = false, console = false, no_check = false;

	yk_drive_cmd_init(&o);
	yk_drive_cmd_init(&cmd);
	yk_out_init(&out, 1);
	yk_tool_start(&t, "yoke-drive", usage,
		      "Command a robot: velocity, mode, trajectory, skills, "
		      "state, camera; scripts and an interactive console.",
		      YK_CONF_WILL);
	t.cli.modes = yk_drive_modes;
	t.cli.verb_at = 1;
	yk_drive_opts(vopts, &o);
	struct yk_opt opts[] = {
		YK_INCLUDE(vopts),
		YK_GROUP("Commands that move the robot"),
		YK_FLAG(0, "no-check", &no_check,
			"send without first checking that the robot is "
			"there (its token, or its state within 1.5 s)"),
		YK_GROUP("Scripts (commands on standard input)"),
		YK_ONLY(YK_DRIVE_SESSION),
		YK_CHOICE(0, "on-error", &on_error, "exit|skip", on_errors,
			  "a bad line: stop (exit 2; the default) or report it "
			  "and go on"),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	if (yk_tool_parse(&t, opts, argc, argv) != YK_OK)
		goto out;
	if (t.nargs == 0) {
		yk_err_set(&t.err, YK_EUSAGE, "missing ROBOT (see --help)");
		goto out;
	}
	if (yk_id_check("robot id", argv[0], &t.err) != YK_OK ||
	    yk_drive_parse(&cmd, t.nargs - 1, argv + 1, false,
			   &t.err) != YK_OK)
		goto out;
	script = cmd.verb == YK_DRIVE_NONE && !isatty(0);
	console = cmd.verb == YK_DRIVE_NONE && !script;
	if (cmd.verb >= YK_DRIVE_SLEEP) {
		yk_err_set(&t.err, YK_EUSAGE, "%s: only in %s",
			   argv[1], cmd.verb == YK_DRIVE_SLEEP
					    ? "scripts and the console"
					    : "the console");
		goto out;
	}
	if (t.cli.mode < 0 &&
	    yk_cli_mode(&t.cli, script ? YK_DRIVE_SCRIPT : YK_DRIVE_CONSOLE,
			&t.err) != YK_OK)
		goto out;
	yk_drive_take_opts(&cmd, &o);
	/* everything is checked before anything connects */
	if (yk_driver_prepare(&j, &cmd, true, &t.err) != YK_OK)
		goto out;
	if (cmd.verb == YK_DRIVE_VISION && !cmd.output && isatty(1)) {
		yk_err_set(&t.err, YK_EUSAGE,
			   "not writing a JPEG to a terminal: redirect "
			   "standard output or give -o FILE");
		goto out;
	}
	if (j.note.len)
		fprintf(stderr, "%s: --clamp: %s\n", yk_prog, j.note.p);

	struct yk_driver_io io = {.out = &out, .stop = &yk_sig_stop,
				  .oneshot = !script && !console,
				  .rate = o.rate > 0 ? o.rate : YK_DRIVE_RATE,
				  .rpc_timeout = o.timeout >= 0 ? o.timeout
								: 10};

	if (yk_driver_open(&d, &t.c, argv[0], console,
			   yk_drive_wants_will(cmd.verb), &t.err) != YK_OK)
		goto close;
	/* a command that moves a robot that is not there is no success */
	if (!no_check && !console && yk_drive_checks_presence(cmd.verb) &&
	    yk_driver_present(&d, &yk_sig_stop, &t.err) != YK_OK)
		goto close;
	if (script)
		yk_driver_script(&d, 0, on_error == ON_ERROR_SKIP, o.clamp,
				 &io, warn, NULL, &t.err);
	else if (console)
		yk_console_run(&d, &io, &t.err);
	else if (yk_driver_run(&d, &j, &io, &t.err) == YK_OK)
		yk_out_flush(&out, &t.err);
close:
	/* the zero velocity goes whatever happened */
	yk_out_flush(&out, &t.err);
	yk_driver_close(&d, &yk_sig_stop, &t.err);
	if (d.dropped && t.c.verbose)
		fprintf(stderr, "%s: %lu velocity command%s dropped: the "
			"link was busy or down\n", yk_prog, d.dropped,
			d.dropped == 1 ? "" : "s");
out:
	yk_driver_job_free(&j);
	yk_out_free(&out);
	return yk_tool_end(&t);
}
