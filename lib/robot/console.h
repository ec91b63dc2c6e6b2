/*
 * console.h - yoke-drive's interactive console on a terminal: readline
 * (history, completion of verbs and the robot's skills), the robot's
 * status in the prompt, and teleop (keys set the velocity, streamed at
 * a fixed rate).
 *
 * The operator's terminal is the console's: its prompt, status, help and
 * messages go to standard error, the commands' data to io->out, so
 * `yoke-drive r1 > log` keeps the data apart.  What always holds: the
 * terminal is given back as it was however the console ends (quit, EOF,
 * a signal), and leaving teleop sends a zero velocity.
 */
#ifndef YK_CONSOLE_H
#define YK_CONSOLE_H

#include "driver.h"

/* Run the console on standard input until quit, EOF or a stop signal.
 * The history file: $XDG_STATE_HOME/yoke/drive_history (default
 * ~/.local/state/yoke/drive_history). */
int yk_console_run(struct yk_driver *d, const struct yk_driver_io *io,
		   struct yk_err *err);

/* The history file's path into out; false when no home is known. */
bool yk_console_history_path(struct yk_buf *out);

#endif
