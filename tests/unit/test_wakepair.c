/*
 * test_wakepair.c - lib/wakepair.h: libmosquitto's wake-up pair is found
 * by what it is and by which end libmosquitto writes, and nothing else
 * is ever touched.
 *
 * What must hold: only the end that was written to becomes /dev/null,
 * whatever its number; sockets that were open before, more than two new
 * ones, or a pair whose ends both hold data are left alone; and with
 * today's libmosquitto (mosquitto_new, then a CONNECT queued to a
 * listener of our own, no broker) the write end is found and muted while
 * the network socket still carries the CONNECT.
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
#include <mosquitto.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wakepair.h"

/* fd is /dev/null now */
static bool
is_null(int fd)
{
	struct stat a, b;

	return fstat(fd, &a) == 0 && stat("/dev/null", &b) == 0 &&
	       S_ISCHR(a.st_mode) && a.st_rdev == b.st_rdev;
}

static bool
is_socket(int fd)
{
	struct stat a;

	return fstat(fd, &a) == 0 && S_ISSOCK(a.st_mode);
}

static int
queued(int fd)
{
	int n = -1;

	assert_int_equal(ioctl(fd, FIONREAD, &n), 0);
	return n;
}

/* A pair made between before and after, as mosquitto_new makes it. */
static void
new_pair(struct yk_wakepair *w, int sv[2])
{
	yk_wakepair_before(w);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	yk_wakepair_after(w);
}

static void
test_mutes_the_end_written_to(void **state)
{
	struct yk_wakepair w;
	int sv[2];

	(void)state;
	new_pair(&w, sv);
	assert_int_equal(w.state, YK_WAKEPAIR_FOUND);
	/* nothing queued yet: no verdict, nothing changed */
	assert_false(yk_wakepair_mute(&w));
	assert_int_equal(w.state, YK_WAKEPAIR_FOUND);
	assert_true(is_socket(sv[0]) && is_socket(sv[1]));
	/* libmosquitto's wake byte, on sv[1] as net__socketpair has it */
	assert_int_equal(write(sv[1], "", 1), 1);
	assert_true(yk_wakepair_mute(&w));
	assert_int_equal(w.state, YK_WAKEPAIR_MUTED);
	assert_true(is_null(sv[1]));
	assert_true(is_socket(sv[0]));
	/* the check's own byte arrived beside libmosquitto's */
	assert_int_equal(queued(sv[0]), 2);
	/* the next wake-up costs nothing and reaches no one */
	assert_int_equal(write(sv[1], "", 1), 1);
	assert_int_equal(queued(sv[0]), 2);
	assert_true(yk_wakepair_mute(&w)); /* stays muted */
	close(sv[0]);
	close(sv[1]);
}

/* By behaviour, not by number: the lower descriptor written to is the
 * one muted. */
static void
test_direction_by_data(void **state)
{
	struct yk_wakepair w;
	int sv[2];

	(void)state;
	new_pair(&w, sv);
	assert_int_equal(write(sv[0], "", 1), 1);
	assert_true(yk_wakepair_mute(&w));
	assert_true(is_null(sv[0]));
	assert_true(is_socket(sv[1]));
	assert_int_equal(queued(sv[1]), 2);
	close(sv[0]);
	close(sv[1]);
}

/* Data both ways is not libmosquitto's pair: given up, both untouched. */
static void
test_both_ways_left_alone(void **state)
{
	struct yk_wakepair w;
	int sv[2];

	(void)state;
	new_pair(&w, sv);
	assert_int_equal(write(sv[0], "", 1), 1);
	assert_int_equal(write(sv[1], "", 1), 1);
	assert_false(yk_wakepair_mute(&w));
	assert_int_equal(w.state, YK_WAKEPAIR_NONE);
	assert_true(is_socket(sv[0]) && is_socket(sv[1]));
	assert_int_equal(queued(sv[0]), 1);
	assert_int_equal(queued(sv[1]), 1);
	/* and never looked at again */
	assert_false(yk_wakepair_mute(&w));
	close(sv[0]);
	close(sv[1]);
}

/* Two new sockets that are not each other's peer: the probe byte does
 * not arrive where the data is, so nothing is muted. */
static void
test_not_peers_left_alone(void **state)
{
	struct yk_wakepair w;
	int a[2], b[2], keep[2];

	(void)state;
	/* a[1] and b[0] are the two new ones: the others exist before */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, a), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, b), 0);
	keep[0] = dup(a[1]);
	keep[1] = dup(b[0]);
	close(a[1]);
	close(b[0]);
	yk_wakepair_before(&w);
	assert_int_equal(dup2(keep[0], a[1]), a[1]);
	assert_int_equal(dup2(keep[1], b[0]), b[0]);
	yk_wakepair_after(&w);
	assert_int_equal(w.state, YK_WAKEPAIR_FOUND);
	/* a byte for b[0], from its real peer b[1] */
	assert_int_equal(write(b[1], "", 1), 1);
	assert_false(yk_wakepair_mute(&w));
	assert_int_equal(w.state, YK_WAKEPAIR_NONE);
	assert_true(is_socket(a[1]) && is_socket(b[0]));
	/* the probe went to a[0], a's own peer, not to b[0] */
	assert_int_equal(queued(b[0]), 1);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
		close(keep[i]);
	}
}

/* A pair open before is never a candidate, even with a byte waiting. */
static void
test_old_sockets_ignored(void **state)
{
	struct yk_wakepair w;
	int sv[2];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(write(sv[1], "", 1), 1);
	yk_wakepair_before(&w);
	yk_wakepair_after(&w);
	assert_int_equal(w.state, YK_WAKEPAIR_NONE);
	assert_false(yk_wakepair_mute(&w));
	assert_true(is_socket(sv[0]) && is_socket(sv[1]));
	close(sv[0]);
	close(sv[1]);
}

/* More than two new unix sockets: not the library we know. */
static void
test_more_than_a_pair(void **state)
{
	struct yk_wakepair w;
	int sv[2], third;

	(void)state;
	yk_wakepair_before(&w);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	third = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(third >= 0);
	yk_wakepair_after(&w);
	assert_int_equal(w.state, YK_WAKEPAIR_NONE);
	assert_int_equal(write(sv[1], "", 1), 1);
	assert_false(yk_wakepair_mute(&w));
	assert_true(is_socket(sv[1]));
	close(sv[0]);
	close(sv[1]);
	close(third);
}

/* New descriptors of other kinds (a pipe, a datagram pair, a TCP
 * socket) are not candidates. */
static void
test_other_kinds_ignored(void **state)
{
	struct yk_wakepair w;
	int sv[2], p[2], dg[2], tcp;

	(void)state;
	yk_wakepair_before(&w);
	assert_int_equal(pipe(p), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, dg), 0);
	tcp = socket(AF_INET, SOCK_STREAM, 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	yk_wakepair_after(&w);
	assert_int_equal(w.state, YK_WAKEPAIR_FOUND);
	assert_true((w.fd[0] == sv[0] && w.fd[1] == sv[1]) ||
		    (w.fd[0] == sv[1] && w.fd[1] == sv[0]));
	assert_int_equal(write(sv[1], "", 1), 1);
	assert_true(yk_wakepair_mute(&w));
	assert_true(is_null(sv[1]));
	for (int i = 0; i < 2; i++) {
		close(sv[i]);
		close(p[i]);
		close(dg[i]);
	}
	close(tcp);
}

/* Found above hundreds of open descriptors too (yoke-sim holds three
 * sessions a robot): the window starts at the lowest free one. */
static void
test_high_descriptors(void **state)
{
	struct yk_wakepair w;
	int many[300], sv[2];

	(void)state;
	for (int i = 0; i < 300; i++) {
		many[i] = open("/dev/null", O_RDONLY);
		assert_true(many[i] >= 0);
	}
	new_pair(&w, sv);
	assert_true(sv[0] > 300);
	assert_int_equal(w.state, YK_WAKEPAIR_FOUND);
	assert_int_equal(write(sv[1], "", 1), 1);
	assert_true(yk_wakepair_mute(&w));
	assert_true(is_null(sv[1]));
	for (int i = 0; i < 300; i++)
		close(many[i]);
	close(sv[0]);
	close(sv[1]);
}

/*
 * Today's libmosquitto, no broker: a listener of ours takes the TCP
 * connection (the kernel completes it before accept), libmosquitto
 * queues its CONNECT, and the pair it made in mosquitto_new is found and
 * muted.  If a later libmosquitto makes its pair another way, this test
 * says so (the mute would then silently do nothing).
 */
static void
test_real_libmosquitto(void **state)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	struct yk_wakepair w;
	struct mosquitto *m;
	unsigned char b[2];
	int l, c, nnull = 0, nsock = 0;

	(void)state;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	l = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(l >= 0);
	assert_int_equal(bind(l, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(listen(l, 1), 0);
	assert_int_equal(getsockname(l, (struct sockaddr *)&sa, &sl), 0);

	mosquitto_lib_init();
	yk_wakepair_before(&w);
	m = mosquitto_new("yk-test", true, NULL);
	assert_non_null(m);
	yk_wakepair_after(&w);
	assert_int_equal(w.state, YK_WAKEPAIR_FOUND);
	assert_false(yk_wakepair_mute(&w)); /* nothing queued yet */
	assert_int_equal(
	    mosquitto_connect(m, "127.0.0.1", ntohs(sa.sin_port), 60),
	    MOSQ_ERR_SUCCESS);
	assert_true(yk_wakepair_mute(&w));
	for (int i = 0; i < 2; i++) {
		nnull += is_null(w.fd[i]);
		nsock += is_socket(w.fd[i]);
	}
	assert_int_equal(nnull, 1);
	assert_int_equal(nsock, 1);
	assert_true(is_null(w.fd[1]));
	assert_int_not_equal(w.fd[1], mosquitto_socket(m));
	/* the network socket was not touched: the CONNECT is there */
	c = accept(l, NULL, NULL);
	assert_true(c >= 0);
	assert_int_equal(recv(c, b, 1, MSG_WAITALL), 1);
	assert_int_equal(b[0], 0x10);
	/* and libmosquitto goes on writing its wake-ups, into /dev/null */
	assert_int_equal(mosquitto_publish(m, NULL, "t", 1, "x", 0, false),
			 MOSQ_ERR_SUCCESS);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	close(c);
	close(l);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mutes_the_end_written_to),
		cmocka_unit_test(test_direction_by_data),
		cmocka_unit_test(test_both_ways_left_alone),
		cmocka_unit_test(test_not_peers_left_alone),
		cmocka_unit_test(test_old_sockets_ignored),
		cmocka_unit_test(test_more_than_a_pair),
		cmocka_unit_test(test_other_kinds_ignored),
		cmocka_unit_test(test_high_descriptors),
		cmocka_unit_test(test_real_libmosquitto),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
