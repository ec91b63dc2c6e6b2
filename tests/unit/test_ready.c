/*
 * test_ready.c - lib/ready.h: the systemd notify datagram and the
 * --ready-fd line, said once, and what no child may inherit.
 *
 * What users rely on: a service manager listening on $NOTIFY_SOCKET
 * (a path or an abstract @name) gets exactly "READY=1"; a script
 * reading the --ready-fd pipe gets one line and then the end of file.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "ready.h"

/* A datagram socket bound to name (a path, or @abstract). */
static int
listener(const char *name)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(name);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
				    n + (name[0] == '@' ? 0 : 1));
	int fd = socket(AF_UNIX, SOCK_DGRAM, 0);

	assert_true(fd >= 0);
	memcpy(sa.sun_path, name, n);
	if (name[0] == '@')
		sa.sun_path[0] = '\0';
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
	return fd;
}

static void
told_on(const char *name)
{
	struct yk_ready r;
	struct yk_err err = {0};
	char buf[64];
	ssize_t n;
	int l = listener(name);

	setenv("NOTIFY_SOCKET", name, 1);
	yk_ready_init(&r);
	/* children get no NOTIFY_SOCKET */
	assert_null(getenv("NOTIFY_SOCKET"));
	assert_string_equal(r.sock, name);
	assert_int_equal(yk_ready_tell(&r, &err), YK_OK);
	n = recv(l, buf, sizeof(buf), MSG_DONTWAIT);
	assert_int_equal(n, 7);
	assert_memory_equal(buf, "READY=1", 7);
	/* once only */
	assert_int_equal(yk_ready_tell(&r, &err), YK_OK);
	assert_true(recv(l, buf, sizeof(buf), MSG_DONTWAIT) < 0);
	yk_ready_free(&r);
	close(l);
}

static void
test_notify_path_and_abstract(void **state)
{
	char path[64], abs[64];

	(void)state;
	snprintf(path, sizeof(path), "/tmp/yk-test-ready-%d.sock",
		 (int)getpid());
	unlink(path);
	told_on(path);
	unlink(path);
	snprintf(abs, sizeof(abs), "@yk-test-ready-%d", (int)getpid());
	told_on(abs);
}

static void
test_fd_line_then_eof(void **state)
{
	struct yk_ready r;
	struct yk_err err = {0};
	char buf[16];
	int p[2];

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	yk_ready_init(&r);
	assert_null(r.sock);
	assert_int_equal(yk_ready_setup(&r, &err), YK_OK); /* none: fine */
	assert_int_equal(pipe(p), 0);
	r.fd = p[1];
	assert_int_equal(yk_ready_setup(&r, &err), YK_OK);
	assert_true(fcntl(p[1], F_GETFD) & FD_CLOEXEC);
	assert_int_equal(yk_ready_tell(&r, &err), YK_OK);
	assert_true(r.told);
	/* the line, then the end: our end of the pipe was closed */
	assert_int_equal(read(p[0], buf, sizeof(buf)), 6);
	assert_memory_equal(buf, "ready\n", 6);
	assert_int_equal(read(p[0], buf, sizeof(buf)), 0);
	close(p[0]);
	yk_ready_free(&r);
}

static void
test_errors(void **state)
{
	struct yk_ready r;
	struct yk_err err = {0};

	(void)state;
	unsetenv("NOTIFY_SOCKET");
	yk_ready_init(&r);
	r.fd = 1000;
	assert_int_equal(yk_ready_setup(&r, &err), YK_EUSAGE);
	assert_string_equal(err.msg,
			    "--ready-fd 1000: descriptor 1000 is not open");
	r.fd = -1;
	setenv("NOTIFY_SOCKET", "relative.sock", 1);
	yk_ready_init(&r);
	assert_int_equal(yk_ready_tell(&r, &err), YK_ERUNTIME);
	assert_string_equal(err.msg, "cannot notify 'relative.sock': not a "
				     "unix socket path or @name");
	yk_ready_free(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_notify_path_and_abstract),
		cmocka_unit_test(test_fd_line_then_eof),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests_name("ready", tests, NULL, NULL);
}
