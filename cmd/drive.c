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
	struct yk_cli cli = {.usage = usage,
			     .summary = "Command a robot: velocity, mode, "
					"trajectory, skills, state, camera; "
					"scripts and an interactive console."};
	struct yk_conf c;
	struct yk_drive_cmd o, cmd;
	struct yk_driver d = {0};
	struct yk_driver_job j = {0};
	struct yk_out out;
	struct yk_err err = {0};
	int nargs, rc, on_error = -1;
	bool script = false, console = false, no_check = false;

	yk_prog = "yoke-drive";
	yk_drive_cmd_init(&o);
	yk_drive_cmd_init(&cmd);
	yk_conf_init(&c, &cli, YK_CONF_WILL);
	struct yk_opt opts[] = {
		YK_GROUP("vel"),
		YK_NUM(0, "for", &o.for_s, "S", 0, 1e9,
		       "stream for S seconds, then zero (default: until "
		       "interrupted)"),
		YK_NUM(0, "rate", &o.rate, "HZ", 0.1, 1000,
		       "send the velocity HZ times a second (default 20)"),
		YK_FLAG(0, "clamp", &o.clamp,
			"vel, traj: bring values into range (said on stderr) "
			"instead of refusing them"),
		YK_GROUP("skills, invoke, cancel, state, vision"),
		YK_NUM('W', "timeout", &o.timeout, "S", 0, 1e9,
		       "give up after S seconds, exit 3 (default 10; invoke: "
		       "no limit)"),
		YK_INT(0, "width", &o.width, "W", 1, 8192,
		       "vision: image width (default the robot's, 1280; "
		       "the robot sets the limit, yoke-sim's is 3840)"),
		YK_INT(0, "height", &o.height, "H", 1, 8192,
		       "vision: image height (default 720; yoke-sim's "
		       "limit is 2160)"),
		YK_STR('o', "output", &o.output, "FILE",
		       "vision: write the JPEG to FILE"),
		YK_GROUP("Commands that move the robot"),
		YK_FLAG(0, "no-check", &no_check,
			"send without first checking that the robot is "
			"there (its token, or its state within 1.5 s)"),
		YK_GROUP("Scripts (commands on standard input)"),
		YK_CHOICE(0, "on-error", &on_error, "exit|skip", on_errors,
			  "a bad line: stop (exit 2; the default) or report it "
			  "and go on"),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_out_init(&out, 1);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || yk_conf_finish(&c, &cli, &err) != YK_OK)
		goto out;
	if (nargs == 0) {
		yk_err_set(&err, YK_EUSAGE, "missing ROBOT (see --help)");
		goto out;
	}
	if (yk_id_check("robot id", argv[0], &err) != YK_OK ||
	    yk_drive_parse(&cmd, nargs - 1, argv + 1, false, &err) != YK_OK)
		goto out;
	script = cmd.verb == YK_DRIVE_NONE && !isatty(0);
	console = cmd.verb == YK_DRIVE_NONE && !script;
	if (cmd.verb >= YK_DRIVE_SLEEP) {
		yk_err_set(&err, YK_EUSAGE, "%s: only in %s",
			   argv[1], cmd.verb == YK_DRIVE_SLEEP
					    ? "scripts and the console"
					    : "the console");
		goto out;
	}
	if (yk_drive_check_opts(&cli, &cmd,
				script    ? "a script"
				: console ? "the console"
					  : NULL,
				on_error >= 0, &err))
		goto out;
	cmd.for_s = o.for_s;
	cmd.rate = o.rate;
	cmd.clamp = o.clamp;
	cmd.timeout = o.timeout;
	cmd.width = o.width;
	cmd.height = o.height;
	cmd.output = o.output;
	/* everything is checked before anything connects */
	if (yk_driver_prepare(&j, &cmd, true, &err) != YK_OK)
		goto out;
	if (cmd.verb == YK_DRIVE_VISION && !cmd.output && isatty(1)) {
		yk_err_set(&err, YK_EUSAGE,
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

	if (yk_driver_open(&d, &c, argv[0], console,
			   yk_drive_wants_will(cmd.verb), &err) != YK_OK)
		goto close;
	/* a command that moves a robot that is not there is no success */
	if (!no_check && !console && yk_drive_checks_presence(cmd.verb) &&
	    yk_driver_present(&d, &yk_sig_stop, &err) != YK_OK)
		goto close;
	if (script)
		yk_driver_script(&d, 0, on_error == ON_ERROR_SKIP, o.clamp,
				 &io, warn, NULL, &err);
	else if (console)
		yk_console_run(&d, &io, &err);
	else if (yk_driver_run(&d, &j, &io, &err) == YK_OK)
		yk_out_flush(&out, &err);
close:
	/* the zero velocity goes whatever happened */
	yk_out_flush(&out, &err);
	yk_driver_close(&d, &yk_sig_stop, &err);
	if (d.dropped && c.verbose)
		fprintf(stderr, "%s: %lu velocity command%s dropped: the "
			"link was busy or down\n", yk_prog, d.dropped,
			d.dropped == 1 ? "" : "s");
out:
	rc = err.rc == YK_EXIT ? YK_OK : err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	yk_driver_job_free(&j);
	yk_out_free(&out);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
