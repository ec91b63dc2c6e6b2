/*
 * rl.h - GNU readline, loaded at run time for the console only.
 *
 * Linking readline costs every process ~30 ms at start-up (DESIGN.md);
 * yoke-drive's one-shot verbs must not pay it, so the console dlopens
 * libreadline as lib/backend.c does libcurl, and `ldd bin/yoke-drive`
 * shows no readline.  The header is used for its types only.
 */
#ifndef YK_RL_H
#define YK_RL_H

#include <stdio.h>

#include <readline/history.h>
#include <readline/readline.h>

#include "err.h"

struct yk_rl {
	void (*handler_install)(const char *, rl_vcpfunc_t *);
	void (*read_char)(void);
	void (*handler_remove)(void);
	int (*set_prompt)(const char *);
	int (*on_new_line)(void);
	void (*redisplay)(void);
	char **(*completion_matches)(const char *, rl_compentry_func_t *);
	void (*add_history)(const char *);
	int (*read_history)(const char *);
	int (*write_history)(const char *);
	int (*history_truncate_file)(const char *, int);
	/* readline's variables */
	const char **readline_name;
	FILE **outstream;
	int *catch_signals;
	int *catch_sigwinch;
	rl_completion_func_t **attempted_completion_function;
	int *attempted_completion_over;
	char **line_buffer;
};

/* Load libreadline.so.8; YK_ERUNTIME naming the package when missing. */
int yk_rl_load(struct yk_rl *rl, struct yk_err *err);

#endif
