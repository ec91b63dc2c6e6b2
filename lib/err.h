/*
 * err.h - error results shared by every lib/ module.
 *
 * lib/ never prints and never exits: a function that fails fills a
 * struct yk_err with one of the exit codes below and a message, and returns
 * that code.  The tool prints "<prog>: <msg>" and exits with the code, so the
 * exit-code contract of yoke(7) lives here and nowhere else.
 */
#ifndef YK_ERR_H
#define YK_ERR_H

enum yk_rc {
	YK_OK = 0,       /* done */
	YK_ERUNTIME = 1, /* broker unreachable, link lost, not confirmed */
	YK_EUSAGE = 2,   /* usage error or invalid input */
	YK_ETIMEOUT = 3, /* timeout, or nothing found */
	YK_EREFUSED = 4, /* bad credentials, not authorised */
	YK_EAGAIN = 100, /* internal: queue full, try again; not an exit */
	YK_EXIT = 101,   /* internal: work done early (--help); exit 0 */
};

struct yk_err {
	int rc;
	char msg[512];
};

/* The program name used in messages; set once by main. */
extern const char *yk_prog;

/* Fill err with rc and a printf-style message; returns rc. */
int yk_err_set(struct yk_err *err, int rc, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the message already in err with "<fmt>: "; returns err->rc. */
int yk_err_wrap(struct yk_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print "<prog>: <msg>" to stderr; returns err->rc for use as exit code.
 * Messages quote what came from the network (a robot's RpcError, a key):
 * they are made safe for a terminal here (lib/text.h), the one place. */
int yk_err_print(const struct yk_err *err);
/* The same for a message that is no error result (a warning). */
void yk_err_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Out of memory is not an error path a CLI can recover from: say so, abort. */
void yk_oom(void) __attribute__((noreturn));
void *yk_malloc(size_t n);
void *yk_calloc(size_t n, size_t size);
void *yk_realloc(void *p, size_t n);
char *yk_strdup(const char *s);
char *yk_strndup(const char *s, size_t n);

#endif
