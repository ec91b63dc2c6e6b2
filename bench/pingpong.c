/*
 * pingpong - the bare-libmosquitto latency baseline for bench/latency.sh.
 *
 * One MQTT v5 client, one thread, subscribed to its own topic: publish a
 * message, run mosquitto_loop() until that message comes back through the
 * broker, record the round trip, wait for the next tick, repeat.  Prints
 * p50/p99 of the round trip in microseconds, and half of each (the one-way
 * figure yoke's one-way latency is compared with).
 *
 * What must hold: this is the plainest use of libmosquitto a C programmer
 * would write (library defaults: Nagle on, select(2) loop), so the figure is
 * the floor that any tool built on libmosquitto and this broker can expect.
 * Messages are paced at the same interval as yoke's latency run (default
 * 1 ms) so both pay the same idle wake-ups; a back-to-back loop would look
 * better than any real sender.
 *
 * usage: pingpong [-O] [-h HOST] [-p PORT] [-n N] [-w WARMUP]
 *                 [-i INTERVAL_US] [-q QOS] [-t TOPIC] [-o FILE]
 * -o FILE writes every measured round trip (us), one per line.
 *
 * -O measures one way instead, across two processes, as yoke's pipeline
 * does: a forked child subscribes, the parent publishes its send time
 * (CLOCK_REALTIME, us) as the payload, the child takes receive - send.
 * A round trip wakes one process per hop, the same one twice; one way to
 * another process wakes a process that has slept for a whole interval, so
 * RTT/2 flatters a one-way figure.  -O is that baseline without flattery
 * (and still without the stdout pipe yoke-sub's figure includes).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <mosquitto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "wallclock.h"

struct pp {
	volatile int connected, subscribed, got;
	long want;    /* sequence number we wait for */
	int64_t t_recv; /* ns, CLOCK_MONOTONIC, when it came back */
	/* -O: the receiving child's samples */
	int64_t *ow;
	long now_n, ow_max;
};

static int64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void
on_connect(struct mosquitto *m, void *ud, int rc, int flags,
	   const mosquitto_property *props)
{
	struct pp *p = ud;

	(void)m;
	(void)flags;
	(void)props;
	if (rc == 0)
		p->connected = 1;
}

static void
on_subscribe(struct mosquitto *m, void *ud, int mid, int n,
	     const int *granted, const mosquitto_property *props)
{
	struct pp *p = ud;

	(void)m;
	(void)mid;
	(void)props;
	if (n > 0 && granted[0] < 0x80)
		p->subscribed = 1;
}

static void
on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg,
	   const mosquitto_property *props)
{
	struct pp *p = ud;
	int64_t t = now_ns(); /* first thing: the message is here */

	(void)m;
	(void)props;
	if (p->ow) { /* -O child: payload is "SEQ SEND_US" */
		int64_t now = wall_us();
		char *end;
		long seq = msg->payloadlen > 0
				   ? strtol(msg->payload, &end, 10) : -1;

		if (seq >= 0 && p->now_n < p->ow_max) {
			p->ow[p->now_n++] = now - strtoll(end, NULL, 10);
			if (p->now_n == p->ow_max)
				p->got = 1;
		}
		return;
	}
	if (msg->payloadlen > 0 && strtol(msg->payload, NULL, 10) == p->want) {
		p->t_recv = t;
		p->got = 1;
	}
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* Nearest-rank percentile of a sorted array. */
static int64_t
pct(const int64_t *v, long n, double q)
{
	long i = (long)(q / 100.0 * (double)n + 0.999999) - 1;

	if (i < 0)
		i = 0;
	if (i >= n)
		i = n - 1;
	return v[i];
}

static int
loop_until(struct mosquitto *m, volatile int *flag, int64_t deadline_ns)
{
	while (!*flag) {
		int rc = mosquitto_loop(m, 100, 1);

		if (rc != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "pingpong: %s\n", mosquitto_strerror(rc));
			return -1;
		}
		if (now_ns() > deadline_ns) {
			fprintf(stderr, "pingpong: timed out\n");
			return -1;
		}
	}
	return 0;
}

/* Write the n samples to outf (if any), then print their p50/p99. */
static int
write_samples(int64_t *v, long n, const char *outf, const char *what)
{
	if (outf) {
		FILE *f = fopen(outf, "w");

		if (f == NULL) {
			fprintf(stderr, "pingpong: cannot open '%s': %s\n",
				outf, strerror(errno));
			return 1;
		}
		for (long i = 0; i < n; i++)
			fprintf(f, "%lld\n", (long long)v[i]);
		if (fclose(f) != 0) {
			fprintf(stderr, "pingpong: cannot write '%s'\n", outf);
			return 1;
		}
	}
	qsort(v, (size_t)n, sizeof(*v), cmp_i64);
	if (strcmp(what, "rtt") == 0)
		printf("n=%ld rtt_p50_us=%lld rtt_p99_us=%lld "
		       "oneway_p50_us=%.1f oneway_p99_us=%.1f\n",
		       n, (long long)pct(v, n, 50), (long long)pct(v, n, 99),
		       (double)pct(v, n, 50) / 2, (double)pct(v, n, 99) / 2);
	else
		printf("n=%ld oneway_p50_us=%lld oneway_p99_us=%lld\n", n,
		       (long long)pct(v, n, 50), (long long)pct(v, n, 99));
	return 0;
}

/* -O parent: publish "SEQ SEND_US" every interval, then reap the child. */
static int
oneway_send(struct mosquitto *m, const char *topic, int qos, long total,
	    long interval_us, pid_t child)
{
	int64_t next = now_ns();
	char msg[64];
	int st;

	for (long i = 0; i < total; i++) {
		struct timespec ts;
		int len;

		next += interval_us * 1000;
		ts.tv_sec = next / 1000000000;
		ts.tv_nsec = next % 1000000000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		len = snprintf(msg, sizeof(msg), "%ld %lld", i,
			       (long long)wall_us());
		if (mosquitto_publish_v5(m, NULL, topic, len, msg, qos, false,
					 NULL) != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "pingpong: publish failed\n");
			return 1;
		}
		/* keepalive and any unwritten bytes; does not block */
		mosquitto_loop(m, 0, 1);
		if (next < now_ns())
			next = now_ns();
	}
	mosquitto_disconnect_v5(m, 0, NULL);
	mosquitto_loop(m, 100, 1);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	if (waitpid(child, &st, 0) != child || !WIFEXITED(st))
		return 1;
	return WEXITSTATUS(st);
}

int
main(int argc, char **argv)
{
	const char *host = "127.0.0.1", *topic = NULL, *outf = NULL;
	int port = 1883, qos = 0, oneway = 0, c, ready[2] = {-1, -1};
	pid_t child = 0;
	long n = 10000, warm = 500, interval_us = 1000;
	struct pp p = {0};
	struct mosquitto *m;
	char tbuf[128], msg[64];
	int64_t *rt, next;

	while ((c = getopt(argc, argv, "Oh:p:n:w:i:q:t:o:")) != -1) {
		switch (c) {
		case 'O': oneway = 1; break;
		case 'h': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'n': n = atol(optarg); break;
		case 'w': warm = atol(optarg); break;
		case 'i': interval_us = atol(optarg); break;
		case 'q': qos = atoi(optarg); break;
		case 't': topic = optarg; break;
		case 'o': outf = optarg; break;
		default:
			fprintf(stderr, "usage: pingpong [-O] [-h HOST] "
					"[-p PORT] [-n N] [-w WARMUP] "
					"[-i INTERVAL_US] [-q QOS] [-t TOPIC] "
					"[-o FILE]\n");
			return 2;
		}
	}
	if (n < 1 || warm < 0 || interval_us < 0) {
		fprintf(stderr, "pingpong: bad -n, -w or -i\n");
		return 2;
	}
	if (topic == NULL) {
		snprintf(tbuf, sizeof(tbuf), "bench/pingpong/%d", (int)getpid());
		topic = tbuf;
	}
	rt = calloc((size_t)(n + warm), sizeof(*rt));
	if (rt == NULL) {
		fprintf(stderr, "pingpong: out of memory\n");
		return 1;
	}
	if (oneway) {
		/* The child subscribes and says so on the pipe; the parent
		 * publishes only then. */
		if (pipe(ready) != 0 || (child = fork()) < 0) {
			perror("pingpong");
			return 1;
		}
		if (child == 0) {
			/* the parent's end is ours: never outlive it */
			prctl(PR_SET_PDEATHSIG, SIGTERM);
			close(ready[0]);
			p.ow = rt;
			p.ow_max = n + warm;
		} else {
			close(ready[1]);
		}
	}
	mosquitto_lib_init();
	m = mosquitto_new(NULL, true, &p);
	if (m == NULL) {
		fprintf(stderr, "pingpong: out of memory\n");
		return 1;
	}
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	mosquitto_connect_v5_callback_set(m, on_connect);
	mosquitto_subscribe_v5_callback_set(m, on_subscribe);
	mosquitto_message_v5_callback_set(m, on_message);
	if (mosquitto_connect_bind_v5(m, host, port, 60, NULL, NULL) !=
	    MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "pingpong: cannot connect to %s:%d: %s\n", host,
			port, strerror(errno));
		return 1;
	}
	if (loop_until(m, &p.connected, now_ns() + 5000000000LL) != 0)
		return 1;
	if (oneway && child != 0) {
		char b;

		if (read(ready[0], &b, 1) != 1) {
			fprintf(stderr, "pingpong: receiver failed\n");
			return 1;
		}
		return oneway_send(m, topic, qos, n + warm, interval_us,
				   child);
	}
	mosquitto_subscribe_v5(m, NULL, topic, qos, 0, NULL);
	if (loop_until(m, &p.subscribed, now_ns() + 5000000000LL) != 0)
		return 1;
	if (oneway) { /* the child: receive n + warm, keep the last n */
		if (write(ready[1], "r", 1) != 1 ||
		    loop_until(m, &p.got, now_ns() + (n + warm) *
			       (interval_us * 1000 + 5000000LL) +
			       10000000000LL) != 0)
			return 1;
		mosquitto_disconnect_v5(m, 0, NULL);
		mosquitto_loop(m, 100, 1);
		mosquitto_destroy(m);
		mosquitto_lib_cleanup();
		return write_samples(rt + warm, n, outf, "oneway");
	}

	next = now_ns();
	for (long i = -warm; i < n; i++) {
		int64_t t0;
		struct timespec ts;

		next += interval_us * 1000;
		ts.tv_sec = next / 1000000000;
		ts.tv_nsec = next % 1000000000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		p.want = i;
		p.got = 0;
		snprintf(msg, sizeof(msg), "%ld", i);
		t0 = now_ns();
		if (mosquitto_publish_v5(m, NULL, topic, (int)strlen(msg), msg,
					 qos, false, NULL) != MOSQ_ERR_SUCCESS) {
			fprintf(stderr, "pingpong: publish failed\n");
			return 1;
		}
		if (loop_until(m, &p.got, t0 + 5000000000LL) != 0)
			return 1;
		if (i >= 0)
			rt[i] = (p.t_recv - t0) / 1000;
		if (next < now_ns())
			next = now_ns(); /* fell behind: don't burst */
	}
	mosquitto_disconnect_v5(m, 0, NULL);
	mosquitto_loop(m, 100, 1);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	return write_samples(rt, n, outf, "rtt");
}
