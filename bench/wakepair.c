/*
 * wakepair.c - what lib/wakepair.h saves: CPU time per QoS 0 publish
 * through libmosquitto driven as lib/mqtt.c drives it (no loop thread,
 * the socket written at once, loop_write when it was full), with the
 * library's wake-up pair as it is and with its write end muted.
 *
 * usage: wakepair HOST PORT N ROUNDS
 *
 * Each round publishes N messages on one fresh connection per mode, the
 * modes taking turns (which goes first alternates), and prints
 * "plain NS" and "muted NS": nanoseconds of this process's CPU time
 * (CLOCK_PROCESS_CPUTIME_ID: waiting for the socket costs none) per
 * message, the connection set up before the clock starts.
 */
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <mosquitto.h>

#include "wakepair.h"

static double
cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static void
die(const char *what, int rc)
{
	fprintf(stderr, "wakepair: %s: %s\n", what, mosquitto_strerror(rc));
	exit(1);
}

/* ns of CPU per message for n publishes on a new connection. */
static double
run(const char *host, int port, long n, bool mute)
{
	static const char payload[] = "{\"metric\":\"temp_c\",\"value\":42}";
	struct yk_wakepair w;
	struct mosquitto *m;
	double t0, t1;
	int rc;

	yk_wakepair_before(&w);
	m = mosquitto_new(NULL, true, NULL);
	if (m == NULL)
		die("mosquitto_new", MOSQ_ERR_NOMEM);
	yk_wakepair_after(&w);
	mosquitto_int_option(m, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V5);
	rc = mosquitto_connect(m, host, port, 60);
	if (rc != MOSQ_ERR_SUCCESS)
		die("connect", rc);
	if (mute && !yk_wakepair_mute(&w)) {
		fprintf(stderr, "wakepair: the pair was not found\n");
		exit(1);
	}
	t0 = cpu_s();
	for (long i = 0; i < n; i++) {
		rc = mosquitto_publish(m, NULL, "yoke/default/bench/wakepair",
				       (int)sizeof(payload) - 1, payload, 0,
				       false);
		if (rc != MOSQ_ERR_SUCCESS)
			die("publish", rc);
		while (mosquitto_want_write(m)) {
			struct pollfd p = {mosquitto_socket(m), POLLOUT, 0};

			poll(&p, 1, 1000);
			rc = mosquitto_loop_write(m, 1);
			if (rc != MOSQ_ERR_SUCCESS)
				die("write", rc);
		}
	}
	t1 = cpu_s();
	mosquitto_disconnect(m);
	mosquitto_destroy(m);
	return (t1 - t0) / (double)n * 1e9;
}

int
main(int argc, char **argv)
{
	long n, rounds;
	int port;

	if (argc != 5) {
		fprintf(stderr, "usage: wakepair HOST PORT N ROUNDS\n");
		return 2;
	}
	port = atoi(argv[2]);
	n = atol(argv[3]);
	rounds = atol(argv[4]);
	mosquitto_lib_init();
	for (long r = 0; r < rounds; r++) {
		for (int k = 0; k < 2; k++) {
			bool mute = (k == 0) == (r % 2 == 0);

			printf("%s %.1f\n", mute ? "muted" : "plain",
			       run(argv[1], port, n, mute));
			fflush(stdout);
		}
	}
	mosquitto_lib_cleanup();
	return 0;
}
