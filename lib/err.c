/*
 * err.c - error results and the allocation wrappers that abort on OOM.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "err.h"
#include "text.h"

const char *yk_prog = "yoke";

int
yk_err_set(struct yk_err *err, int rc, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return rc;
	err->rc = rc;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return rc;
}

int
yk_err_wrap(struct yk_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	size_t n;
	va_list ap;

	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (n + 2 < sizeof(err->msg)) {
		memcpy(err->msg + n, ": ", 2);
		n += 2;
		/* cut the old message to what still fits */
		size_t k = strnlen(old, sizeof(err->msg) - n - 1);

		memcpy(err->msg + n, old, k);
		err->msg[n + k] = '\0';
	}
	return err->rc;
}

static void
say(const char *msg)
{
	struct yk_buf b = {0};

	yk_buf_adds(&b, yk_prog);
	yk_buf_adds(&b, ": ");
	yk_text_tty(&b, msg, strlen(msg));
	yk_buf_addc(&b, '\n');
	fwrite(b.p, 1, b.len, stderr);
	yk_buf_free(&b);
}

int
yk_err_print(const struct yk_err *err)
{
	say(err->msg);
	return err->rc;
}

void
yk_err_say(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	say(msg);
}

void
yk_oom(void)
{
	static const char msg[] = "yoke: out of memory\n";

	/* write(2), not stdio: stdio may itself need memory. */
	if (write(2, msg, sizeof(msg) - 1) < 0) {
		/* nothing left to try */
	}
	abort();
}

void *
yk_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL)
		yk_oom();
	return p;
}

void *
yk_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL)
		yk_oom();
	return p;
}

void *
yk_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL)
		yk_oom();
	return p;
}

char *
yk_strdup(const char *s)
{
	return yk_strndup(s, strlen(s));
}

char *
yk_strndup(const char *s, size_t n)
{
	char *p = yk_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}
