/*
 * test_follow.c - the watchers' loop and the channels they follow
 * (lib/follow.h).
 *
 * The loop runs on a simulated session and clock (the Makefile links
 * this test with --wrap for the session's calls and yk_mono_ms): each
 * step "waits" exactly its timeout, then delivers what the test scripted
 * for it.  So every wait the loop asks for is checked exactly, without a
 * broker and without a timed assertion.
 *
 * What users rely on: -C N prints N records and leaves the rest unread;
 * -W S ends after S seconds; a record reaches a pipe before the next
 * wait; a reader that goes away (EPIPE) is a clean end, a full disk is
 * an error; the retained-values mode ends when the sync marker is back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "follow.h"
#include "sig.h"

static const struct yk_scope sc = {.root = "yoke", .org = "acme"};

/* ---- the simulated session ---- */

#define MAX_STEPS 64

static struct simulated {
	int64_t now;               /* the clock, ms */
	int steps;
	int timeout[MAX_STEPS];    /* what each step was asked to wait */
	int stopped;               /* yk_mqtt_stop_reading calls */
	char filter[128];          /* the last subscription */
	void (*deliver)(int step); /* what comes in step n */
	struct yk_follow *f;
	int out_fd;
	int pipe_fd;               /* out_fd when it is a pipe: not read */
} sim;

static struct yk_mqtt *const session = (struct yk_mqtt *)&sim;

int64_t __wrap_yk_mono_ms(void);
int __wrap_yk_mqtt_step(struct yk_mqtt *s, struct pollfd *ext, int next,
			int timeout_ms, struct yk_err *err);
int __wrap_yk_mqtt_subscribe(struct yk_mqtt *s, const char *filter, int qos,
			     enum yk_rh rh, struct yk_err *err);
void __wrap_yk_mqtt_stop_reading(struct yk_mqtt *s);
const char *__wrap_yk_mqtt_client_id(const struct yk_mqtt *s);
int __wrap_yk_sync_step(struct yk_mqtt *s, struct yk_sync *y,
			const char *inbox, struct yk_err *err);

int64_t
__wrap_yk_mono_ms(void)
{
	return sim.now;
}

int
__wrap_yk_mqtt_step(struct yk_mqtt *s, struct pollfd *ext, int next,
		    int timeout_ms, struct yk_err *err)
{
	int n = sim.steps++;

	(void)s;
	(void)ext;
	(void)next;
	(void)err;
	assert_true(n < MAX_STEPS);
	sim.timeout[n] = timeout_ms;
	sim.now += timeout_ms;
	if (sim.deliver)
		sim.deliver(n);
	return YK_OK;
}

int
__wrap_yk_mqtt_subscribe(struct yk_mqtt *s, const char *filter, int qos,
			 enum yk_rh rh, struct yk_err *err)
{
	(void)s;
	(void)qos;
	(void)rh;
	(void)err;
	snprintf(sim.filter, sizeof(sim.filter), "%s", filter);
	return 1;
}

void
__wrap_yk_mqtt_stop_reading(struct yk_mqtt *s)
{
	assert_ptr_equal(s, session);
	sim.stopped++;
}

const char *
__wrap_yk_mqtt_client_id(const struct yk_mqtt *s)
{
	(void)s;
	return "cid";
}

/* The marker is "sent" at once: its token is all 7s. */
int
__wrap_yk_sync_step(struct yk_mqtt *s, struct yk_sync *y, const char *inbox,
		    struct yk_err *err)
{
	(void)s;
	(void)inbox;
	(void)err;
	memset(y->token, 7, sizeof(y->token));
	y->sent = true;
	return YK_OK;
}

/* A watcher's callback: every message it may take is one line. */
static void
message(const char *text)
{
	struct yk_rx rx = {.session = session, .topic = "t", .payload = text,
			   .len = strlen(text)};

	if (yk_follow_marker(sim.f, &rx))
		return;
	if (yk_follow_take(sim.f, &rx)) {
		yk_buf_adds(&sim.f->out->b, text);
		yk_buf_addc(&sim.f->out->b, '\n');
	}
}

static void
marker(void)
{
	unsigned char token[16];
	struct yk_rx rx = {.session = session, .topic = "inbox",
			   .corr = token, .corr_len = sizeof(token)};

	memset(token, 7, sizeof(token));
	assert_true(yk_follow_marker(sim.f, &rx));
}

static struct yk_out out;
static char path[] = "/tmp/yk-test-follow.XXXXXX";

static int
setup(void **state)
{
	(void)state;
	memset(&sim, 0, sizeof(sim));
	strcpy(path, "/tmp/yk-test-follow.XXXXXX");
	sim.out_fd = mkstemp(path);
	assert_true(sim.out_fd >= 0);
	yk_out_init(&out, sim.out_fd);
	yk_sig_stop = 0;
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	yk_out_free(&out);
	close(sim.out_fd);
	unlink(path);
	yk_sig_stop = 0;
	return 0;
}

/* What the loop wrote so far. */
static char *
written(void)
{
	static char text[1 << 17];
	ssize_t n = pread(sim.out_fd, text, sizeof(text) - 1, 0);

	assert_true(n >= 0);
	text[n] = '\0';
	return text;
}

/* ---- the loop ---- */

static void
two_a_step(int n)
{
	char m[16];

	snprintf(m, sizeof(m), "m%d", 2 * n);
	message(m);
	snprintf(m, sizeof(m), "m%d", 2 * n + 1);
	message(m);
}

static void
test_count(void **state)
{
	struct yk_follow f = {.out = &out, .count = 3};
	struct yk_err err = {0};

	(void)state;
	sim.f = &f;
	sim.deliver = two_a_step;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_OK);
	/* the third stops the reading; the fourth is left unread */
	assert_string_equal(written(), "m0\nm1\nm2\n");
	assert_int_equal(f.taken, 3);
	assert_int_equal(sim.stopped, 1);
	assert_int_equal(sim.steps, 2);
	assert_false(f.expired);
	yk_follow_free(&f);
}

/* Step 1 sees what step 0 delivered on the pipe before it waits. */
static void
check_flushed(int n)
{
	if (n == 0)
		message("first");
	if (n == 1) {
		assert_string_equal(written(), "first\n");
		yk_sig_stop = 1;
	}
}

static void
test_flush_before_wait_and_signal(void **state)
{
	struct yk_follow f = {.out = &out};
	struct yk_err err = {0};

	(void)state;
	sim.f = &f;
	sim.deliver = check_flushed;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_OK);
	assert_int_equal(sim.steps, 2);
	assert_int_equal(sim.timeout[0], 1000);
	yk_follow_free(&f);
}

static void
test_deadline(void **state)
{
	struct yk_follow f = {.out = &out, .wait = 2.5};
	struct yk_err err = {0};

	(void)state;
	sim.now = 5000;
	sim.f = &f;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_OK);
	/* a second at a time, the last wait up to the deadline only */
	assert_int_equal(sim.steps, 3);
	assert_int_equal(sim.timeout[0], 1000);
	assert_int_equal(sim.timeout[1], 1000);
	assert_int_equal(sim.timeout[2], 500);
	assert_true(f.expired);
	assert_int_equal(f.taken, 0);
	yk_follow_free(&f);
}

/* A tick that wants to run every 300 ms, and fails at its fifth run. */
static int ticks;

static int
tick(void *ud, struct yk_mqtt *s, int64_t now, int64_t *next,
     struct yk_err *err)
{
	(void)ud;
	assert_ptr_equal(s, session);
	if (++ticks == 5)
		return yk_err_set(err, YK_ERUNTIME, "tick failed");
	*next = now + 300;
	return YK_OK;
}

static void
test_tick(void **state)
{
	struct yk_follow f = {.out = &out, .wait = 0.7, .tick = tick};
	struct yk_err err = {0};

	(void)state;
	ticks = 0;
	sim.f = &f;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_OK);
	/* the tick's 300 ms, then the deadline's 100 */
	assert_int_equal(sim.steps, 3);
	assert_int_equal(sim.timeout[0], 300);
	assert_int_equal(sim.timeout[1], 300);
	assert_int_equal(sim.timeout[2], 100);
	yk_follow_free(&f);
	/* a tick's error ends the loop with that error */
	f = (struct yk_follow){.out = &out, .tick = tick};
	ticks = 0;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_ERUNTIME);
	assert_string_equal(err.msg, "tick failed");
	yk_follow_free(&f);
}

static void
retained_then_marker(int n)
{
	if (n == 0) {
		message("retained");
		marker();
	}
}

static void
test_current(void **state)
{
	struct yk_follow f = {.out = &out, .current = true, .scope = &sc};
	struct yk_err err = {0};

	(void)state;
	sim.f = &f;
	sim.deliver = retained_then_marker;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_OK);
	assert_string_equal(sim.filter, "yoke/acme/_inbox/cid");
	assert_true(f.sync.done);
	assert_int_equal(sim.steps, 1);
	/* what came before the marker is all written, nothing more is
	 * waited for */
	assert_string_equal(written(), "retained\n");
	yk_follow_free(&f);
}

/* 70 KiB in step 0: the callback writes what is held at 64 KiB. */
static void
backlog(int n)
{
	static char line[1025];

	if (n > 0)
		return;
	memset(line, 'x', sizeof(line) - 1);
	for (int i = 0; i < 70; i++) {
		message(line);
		/* 66 lines of 1025 bytes: 64 were written, at 64 KiB */
		if (i == 65 && out.fd != sim.pipe_fd)
			assert_int_equal(strlen(written()), 64 * 1025);
	}
	yk_sig_stop = 1;
}

static void
test_spill(void **state)
{
	struct yk_follow f = {.out = &out};
	struct yk_err err = {0};

	(void)state;
	sim.f = &f;
	sim.deliver = backlog;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_OK);
	assert_int_equal(strlen(written()), 70 * 1025);
	yk_follow_free(&f);
}

static void
test_reader_gone(void **state)
{
	struct yk_follow f = {.out = &out};
	struct yk_err err = {0};
	int fd[2];

	(void)state;
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pipe(fd), 0);
	close(fd[0]);
	out.fd = fd[1];
	sim.f = &f;
	/* in the loop's flush */
	sim.deliver = two_a_step;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_OK);
	assert_int_equal(sim.steps, 1);
	yk_follow_free(&f);
	/* in a callback's: that stops the reading, and the loop */
	f = (struct yk_follow){.out = &out};
	sim = (struct simulated){.f = &f, .deliver = backlog};
	sim.out_fd = sim.pipe_fd = out.fd;
	yk_buf_truncate(&out.b, 0);
	assert_int_equal(yk_follow_run(&f, session, &err), YK_OK);
	assert_int_equal(sim.stopped, 1);
	assert_int_equal(f.out_err.rc, YK_EXIT);
	yk_follow_free(&f);
	close(fd[1]);
	out.fd = -1;
}

static void
test_write_failure(void **state)
{
	struct yk_follow f = {.out = &out};
	struct yk_err err = {0};
	int full = open("/dev/full", O_WRONLY);

	(void)state;
	if (full < 0)
		skip();
	out.fd = full;
	sim.f = &f;
	sim.deliver = two_a_step;
	assert_int_equal(yk_follow_run(&f, session, &err), YK_ERUNTIME);
	assert_string_equal(err.msg, "write failure on standard output: No "
				     "space left on device");
	yk_follow_free(&f);
	close(full);
	out.fd = -1;
}

/* ---- channels ---- */

static void
test_expr(void **state)
{
	struct yk_kexpr ke = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_follow_expr(&ke, &sc, "*", "log", &err), YK_OK);
	assert_string_equal(ke.filter, "yoke/acme/+/log");
	yk_kexpr_free(&ke);
	assert_int_equal(yk_follow_expr(&ke, &sc, "arm-1/telemetry",
					"telemetry", &err), YK_OK);
	assert_string_equal(ke.filter, "yoke/acme/arm-1/telemetry");
	yk_kexpr_free(&ke);
	assert_int_equal(yk_follow_expr(&ke, &sc, "a/+", "log", &err),
			 YK_EUSAGE);
	assert_non_null(strstr(err.msg, "'a/+'"));
	yk_kexpr_free(&ke);
}

static void
test_chan(void **state)
{
	struct yk_follow_chan c = {0};
	struct yk_err err = {0};
	char *args[] = {"arm-*", "x"};
	struct yk_rx rx = {.topic = "yoke/acme/arm-7/log"};

	(void)state;
	assert_int_equal(yk_follow_chan_parse(&c, &sc, "log", 2, args, "*",
					      &err), YK_EUSAGE);
	assert_string_equal(err.msg, "expected at most one PATTERN, got 2");
	yk_follow_chan_free(&c);
	assert_int_equal(yk_follow_chan_parse(&c, &sc, "log", 1, args, "*",
					      &err), YK_OK);
	assert_string_equal(yk_follow_chan_robot(&c, &rx), "arm-7");
	rx.topic = "yoke/acme/bob/log";
	assert_null(yk_follow_chan_robot(&c, &rx));
	rx.topic = "yoke/other/arm-7/log";
	assert_null(yk_follow_chan_robot(&c, &rx));
	yk_follow_chan_free(&c);
	/* no PATTERN: the default */
	assert_int_equal(yk_follow_chan_parse(&c, &sc, "log", 0, args, "*",
					      &err), YK_OK);
	assert_string_equal(c.ex.filter, "yoke/acme/+/log");
	yk_follow_chan_free(&c);
}

static void
test_robot_json(void **state)
{
	struct yk_buf r = {0}, b = {0};

	(void)state;
	assert_true(yk_follow_robot(&r, "arm-1/log", "log"));
	assert_string_equal(r.p, "arm-1");
	assert_false(yk_follow_robot(&r, "arm-1/blog", "log"));
	assert_false(yk_follow_robot(&r, "/log", "log"));
	assert_true(yk_follow_json(&b, "arm-1", " { \"a\" : 1 } ", 13));
	assert_true(yk_follow_json(&b, "x\"", "{}", 2));
	assert_false(yk_follow_json(&b, "x", "[1]", 3));
	assert_false(yk_follow_json(&b, "x", "{", 1));
	assert_string_equal(b.p, "{\"robot\":\"arm-1\",\"a\":1}\n"
			    "{\"robot\":\"x\\\"\"}\n");
	yk_buf_free(&r);
	yk_buf_free(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_count, setup, teardown),
		cmocka_unit_test_setup_teardown(
			test_flush_before_wait_and_signal, setup, teardown),
		cmocka_unit_test_setup_teardown(test_deadline, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_tick, setup, teardown),
		cmocka_unit_test_setup_teardown(test_current, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_spill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reader_gone, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_write_failure, setup,
						teardown),
		cmocka_unit_test(test_expr),
		cmocka_unit_test(test_chan),
		cmocka_unit_test(test_robot_json),
	};

	return cmocka_run_group_tests_name("follow", tests, NULL, NULL);
}
