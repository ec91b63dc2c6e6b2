/*
 * rl.c - readline by dlopen (see rl.h).
 */
#include <dlfcn.h>

#include "rl.h"

#define LIBREADLINE "libreadline.so.8"

int
yk_rl_load(struct yk_rl *rl, struct yk_err *err)
{
	void *h = dlopen(LIBREADLINE, RTLD_NOW | RTLD_LOCAL);

	if (h == NULL)
		return yk_err_set(err, YK_ERUNTIME,
				  "the console needs readline (Debian package "
				  "libreadline8): %s", dlerror());
	/* never dlclose'd: the console ends with the process */
#define SYM(f, name) *(void **)(&rl->f) = dlsym(h, name)
	SYM(handler_install, "rl_callback_handler_install");
	SYM(read_char, "rl_callback_read_char");
	SYM(handler_remove, "rl_callback_handler_remove");
	SYM(set_prompt, "rl_set_prompt");
	SYM(on_new_line, "rl_on_new_line");
	SYM(redisplay, "rl_redisplay");
	SYM(completion_matches, "rl_completion_matches");
	SYM(add_history, "add_history");
	SYM(read_history, "read_history");
	SYM(write_history, "write_history");
	SYM(history_truncate_file, "history_truncate_file");
	SYM(readline_name, "rl_readline_name");
	SYM(outstream, "rl_outstream");
	SYM(catch_signals, "rl_catch_signals");
	SYM(catch_sigwinch, "rl_catch_sigwinch");
	SYM(attempted_completion_function, "rl_attempted_completion_function");
	SYM(attempted_completion_over, "rl_attempted_completion_over");
	SYM(line_buffer, "rl_line_buffer");
#undef SYM
	if (!rl->handler_install || !rl->read_char || !rl->handler_remove ||
	    !rl->set_prompt ||
	    !rl->on_new_line || !rl->redisplay ||
	    !rl->completion_matches || !rl->add_history ||
	    !rl->read_history || !rl->write_history ||
	    !rl->history_truncate_file || !rl->readline_name ||
	    !rl->outstream || !rl->catch_signals || !rl->catch_sigwinch ||
	    !rl->attempted_completion_function ||
	    !rl->attempted_completion_over || !rl->line_buffer)
		return yk_err_set(err, YK_ERUNTIME,
				  "%s lacks a function yoke needs",
				  LIBREADLINE);
	return YK_OK;
}
