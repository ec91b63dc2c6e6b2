/*
 * test_feed.c - the input -> queue -> broker loop (lib/feed.h), on a
 * pipe, against tests/unit/fakebroker.h.
 *
 * What must hold: every frame goes, in order, stamped with when its bytes
 * were read; input is read only while the send queue has room (a broker
 * that lets one message fly at a time makes the producer wait, nothing
 * is dropped); bad input or a frame too large for the broker ends the
 * feed, naming the frame, and what came before it is still delivered;
 * the timer runs beside the input; a paced replay keeps at least the
 * recorded distances and never waits for a frame recorded earlier.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "fakebroker.h"
#include "feed.h"
#include "sig.h"

#define TOPIC "yoke/acme/feed"

struct session {
	struct fb b;
	struct yk_conf c;
	struct yk_cli cli;
	struct yk_mqtt *s;
};

/* A broker, told ctl first (NULL: nothing), and a session to it with a
 * queue of queue messages. */
static void
open_with(struct session *x, const char *ctl, size_t queue)
{
	memset(x, 0, sizeof(*x));
	fb_start(&x->b);
	if (ctl)
		fb_ctl(&x->b, "%s", ctl);
	fb_conf(&x->c, &x->cli, YK_CONF_QUEUE, x->b.url, NULL);
	x->s = fb_session(&x->c, queue, NULL, NULL);
}

static void
close_session(struct session *x)
{
	yk_mqtt_close(x->s);
	yk_conf_free(&x->c);
	yk_cli_free(&x->cli);
	fb_stop(&x->b);
}

/* A pipe holding text, its write end closed: the input ends there. */
static int
input(const char *text)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], text, strlen(text)),
			 (ssize_t)strlen(text));
	close(p[1]);
	return p[0];
}

struct sent {
	int n, fail_at, fail_rc;
	unsigned long frame[256];
	int64_t ts[256];
	bool full_seen;
	size_t most_pending; /* at a call: in flight + queued */
};

/* The frame as a QoS 1 message, its frame number recorded. */
static int
frame(void *ud, struct yk_mqtt *s, const char *p, size_t n,
      unsigned long fr, int64_t ts_us, struct yk_err *err)
{
	struct sent *st = ud;
	struct yk_msg m = {.topic = TOPIC, .payload = p, .len = n, .qos = 1,
			   .prio = -1, .ts_us = ts_us};

	if (yk_mqtt_queue_full(s))
		st->full_seen = true;
	if (yk_mqtt_pending(s) > st->most_pending)
		st->most_pending = yk_mqtt_pending(s);
	assert_true(st->n < 256);
	st->frame[st->n] = fr;
	st->ts[st->n++] = ts_us;
	if (st->n == st->fail_at)
		return yk_err_set(err, st->fail_rc, "frame %lu is bad", fr);
	return yk_mqtt_send(s, &m, err);
}

/* The next n publishes on TOPIC carry these payloads, in order. */
static void
expect_payloads(struct fb *b, const char *const *want, int n)
{
	struct fb_event e;

	for (int i = 0; i < n; i++) {
		fb_expect(b, &e, 'P', TOPIC);
		assert_int_equal(e.qos, 1);
		assert_string_equal((const char *)e.payload, want[i]);
		fb_event_free(&e);
	}
}

/* No publish beyond what was awaited (all were confirmed, so any would
 * be told before a mark). */
static void
expect_no_more(struct fb *b)
{
	struct fb_event e;

	fb_mark(b);
	while (fb_upto_mark(b, &e)) {
		if (e.kind == 'P')
			fail_msg("an unexpected publish: %s", e.payload);
		fb_event_free(&e);
	}
}

static void
test_lines_in_order(void **state)
{
	static const char *const want[] = {"a", "{\"v\":2}", "c"};
	struct session x;
	struct yk_in in;
	struct sent st = {0};
	struct yk_err err = {0};
	int64_t t0 = yk_now_us(), t1;

	(void)state;
	open_with(&x, NULL, 100);
	yk_in_init(&in, input("a\n{\"v\":2}\nc\n"), YK_FRAME_LINES,
		   "standard input");
	assert_int_equal(yk_feed_run(x.s, &in, frame, &st, &err), YK_OK);
	assert_int_equal(yk_feed_drain(x.s, YK_OK, &err), YK_OK);
	t1 = yk_now_us();
	assert_int_equal(yk_mqtt_pending(x.s), 0);
	assert_int_equal(st.n, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(st.frame[i], (unsigned long)i + 1);
		/* when the bytes were read */
		assert_true(st.ts[i] >= t0 && st.ts[i] <= t1);
		assert_true(i == 0 || st.ts[i] >= st.ts[i - 1]);
	}
	expect_payloads(&x.b, want, 3);
	expect_no_more(&x.b);
	close(in.fd);
	yk_in_free(&in);
	close_session(&x);
}

/* One message in flight at a time and a queue of two: the feed reads
 * only when there is room, and everything arrives, in order. */
static void
test_back_pressure(void **state)
{
	struct session x;
	struct yk_in in;
	struct sent st = {0};
	struct yk_err err = {0};
	struct yk_buf text = {0};
	struct fb_event e;

	(void)state;
	open_with(&x, "I 1", 2);
	for (int i = 1; i <= 60; i++)
		yk_buf_addf(&text, "%d\n", i);
	yk_in_init(&in, input(text.p), YK_FRAME_LINES, "standard input");
	assert_int_equal(yk_feed_run(x.s, &in, frame, &st, &err), YK_OK);
	assert_int_equal(yk_feed_drain(x.s, YK_OK, &err), YK_OK);
	assert_false(st.full_seen);
	/* it did fill: one in flight, one queued, and this one the last
	 * place (the broker's window is what held it back) */
	assert_int_equal(st.most_pending, 2);
	assert_int_equal(st.n, 60);
	for (int i = 1; i <= 60; i++) {
		char n[8];

		snprintf(n, sizeof(n), "%d", i);
		fb_expect(&x.b, &e, 'P', TOPIC);
		assert_string_equal((const char *)e.payload, n);
		fb_event_free(&e);
	}
	close(in.fd);
	yk_in_free(&in);
	yk_buf_free(&text);
	close_session(&x);
}

/* Bad input ends the feed there; what came before is delivered and the
 * error stays the result. */
static void
test_bad_input(void **state)
{
	static const char *const want[] = {"one"};
	struct session x;
	struct yk_in in;
	struct sent st = {.fail_at = 2, .fail_rc = YK_EUSAGE};
	struct yk_err err = {0};

	(void)state;
	open_with(&x, NULL, 100);
	yk_in_init(&in, input("one\ntwo\nthree\n"), YK_FRAME_LINES,
		   "standard input");
	assert_int_equal(yk_feed_run(x.s, &in, frame, &st, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "frame 2 is bad");
	assert_int_equal(st.n, 2); /* three was never handed over */
	assert_int_equal(yk_feed_drain(x.s, err.rc, &err), YK_EUSAGE);
	assert_int_equal(yk_mqtt_pending(x.s), 0);
	expect_payloads(&x.b, want, 1);
	expect_no_more(&x.b);
	close(in.fd);
	yk_in_free(&in);
	close_session(&x);
}

/* A frame over the broker's Maximum Packet Size: named by its line. */
static void
test_too_large(void **state)
{
	static const char *const want[] = {"short"};
	struct session x;
	struct yk_in in;
	struct sent st = {0};
	struct yk_err err = {0};
	struct yk_buf text = {0};

	(void)state;
	open_with(&x, "M 64", 100);
	yk_buf_adds(&text, "short\n");
	for (int i = 0; i < 100; i++)
		yk_buf_addc(&text, 'x');
	yk_buf_adds(&text, "\nafter\n");
	yk_in_init(&in, input(text.p), YK_FRAME_LINES, "standard input");
	assert_int_equal(yk_feed_run(x.s, &in, frame, &st, &err),
			 YK_ERUNTIME);
	assert_string_equal(err.msg,
			    "standard input line 2: cannot publish to "
			    "'yoke/acme/feed': message too large for the "
			    "broker (its limit is 64 bytes)");
	assert_int_equal(yk_feed_drain(x.s, err.rc, &err), YK_ERUNTIME);
	assert_int_equal(yk_mqtt_pending(x.s), 0);
	expect_payloads(&x.b, want, 1);
	expect_no_more(&x.b);
	close(in.fd);
	yk_in_free(&in);
	yk_buf_free(&text);
	close_session(&x);
}

/* A failure that is not about the input: nothing more is waited for. */
static void
test_drain_after_failure(void **state)
{
	struct session x;
	struct yk_msg m = {.topic = TOPIC, .payload = "q", .len = 1, .qos = 1,
			   .prio = -1};
	struct yk_err err = {0};

	(void)state;
	open_with(&x, NULL, 100);
	assert_int_equal(yk_mqtt_send(x.s, &m, &err), YK_OK);
	yk_err_set(&err, YK_ERUNTIME, "connection lost for good");
	assert_int_equal(yk_feed_drain(x.s, err.rc, &err), YK_ERUNTIME);
	assert_string_equal(err.msg, "connection lost for good");
	assert_int_equal(yk_mqtt_pending(x.s), 1); /* not stepped */
	memset(&err, 0, sizeof(err));
	assert_int_equal(yk_feed_drain(x.s, YK_OK, &err), YK_OK);
	assert_int_equal(yk_mqtt_pending(x.s), 0);
	close_session(&x);
}

struct ticker {
	int calls, fail_at;
	int writer; /* the input's write end, closed by the first tick */
	int64_t last_now;
};

static int
tick(void *ud, struct yk_mqtt *s, int64_t now_ms, int64_t *next_ms,
     struct yk_err *err)
{
	struct ticker *t = ud;
	struct yk_msg m = {.topic = TOPIC, .payload = "held", .len = 4,
			   .qos = 1, .prio = -1};

	assert_true(now_ms >= t->last_now && now_ms <= yk_mono_ms());
	t->last_now = now_ms;
	if (++t->calls == t->fail_at)
		return yk_err_set(err, YK_ERUNTIME, "tick failed");
	if (t->calls == 1) {
		*next_ms = now_ms; /* at once: the feed must not sleep */
		return yk_mqtt_send(s, &m, err);
	}
	if (t->writer >= 0)
		close(t->writer); /* the input ends now */
	t->writer = -1;
	*next_ms = -1;
	return YK_OK;
}

/* The ticker gets the frame callback's ud: its own frame function. */
static int
no_frame(void *ud, struct yk_mqtt *s, const char *p, size_t n,
	 unsigned long fr, int64_t ts_us, struct yk_err *err)
{
	(void)ud;
	(void)s;
	(void)p;
	(void)n;
	(void)fr;
	(void)ts_us;
	return yk_err_set(err, YK_EUSAGE, "no input was written");
}

static void
test_tick(void **state)
{
	static const char *const want[] = {"held"};
	struct session x;
	struct yk_in in;
	struct ticker t = {0};
	struct yk_err err = {0};
	int p[2];

	(void)state;
	open_with(&x, NULL, 100);
	assert_int_equal(pipe(p), 0);
	t.writer = p[1];
	yk_in_init(&in, p[0], YK_FRAME_LINES, "standard input");
	assert_int_equal(yk_feed_run_tick(x.s, &in, no_frame, tick, &t, &err),
			 YK_OK);
	assert_true(t.calls >= 2);
	assert_int_equal(yk_feed_drain(x.s, YK_OK, &err), YK_OK);
	expect_payloads(&x.b, want, 1);
	close(p[0]);
	yk_in_free(&in);

	/* a tick's error ends the feed */
	assert_int_equal(pipe(p), 0);
	t = (struct ticker){.fail_at = 1, .writer = p[1]};
	yk_in_init(&in, p[0], YK_FRAME_LINES, "standard input");
	assert_int_equal(yk_feed_run_tick(x.s, &in, no_frame, tick, &t, &err),
			 YK_ERUNTIME);
	assert_string_equal(err.msg, "tick failed");
	close(p[0]);
	close(p[1]);
	yk_in_free(&in);
	close_session(&x);
}

/* Paced replay: at least the recorded distance from the first frame
 * (less the monotonic clock's 1 ms step); a frame recorded earlier, or
 * a stop signal, never waits: NULL for the session, which a wait would
 * step. */
static void
test_pace(void **state)
{
	struct session x;
	struct yk_feed_pace pace = {0};
	struct yk_err err = {0};
	int64_t rec0 = 1795300718000000, s0, s1, s2, s3, before;

	(void)state;
	open_with(&x, NULL, 100);
	before = yk_now_us();
	assert_int_equal(yk_feed_pace(x.s, &pace, rec0, &s0, &err), YK_OK);
	assert_true(s0 >= before && s0 <= yk_now_us());
	assert_int_equal(yk_feed_pace(x.s, &pace, rec0 + 40000, &s1, &err),
			 YK_OK);
	assert_true(s1 - s0 >= 40000 - 1000);
	assert_int_equal(yk_feed_pace(NULL, &pace, rec0 + 20000, &s2, &err),
			 YK_OK);
	assert_true(s2 >= s1);
	yk_sig_stop = 1;
	assert_int_equal(yk_feed_pace(NULL, &pace, rec0 + 3600000000LL, &s3,
				      &err),
			 YK_OK);
	assert_true(s3 >= s2);
	yk_sig_stop = 0;
	close_session(&x);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_lines_in_order),
	    cmocka_unit_test(test_back_pressure),
	    cmocka_unit_test(test_bad_input),
	    cmocka_unit_test(test_too_large),
	    cmocka_unit_test(test_drain_after_failure),
	    cmocka_unit_test(test_tick),
	    cmocka_unit_test(test_pace),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
