/*
 * driveprobe - the watcher of bench/drive.sh: command-to-effect latency of
 * a robot driven by yoke-drive.
 *
 * Subscribes (QoS 0) to <root>/<org>/<robot>/commands and .../state.  A
 * cycle starts when the robot's EdgeTelemetry says it is not moving
 * (fw_mode other than MOVE); the first velocity command that is not zero
 * seen after that is the cause, its timestamp_us (set by yoke-drive just
 * before it publishes) the start; the first EdgeTelemetry with fw_mode
 * MOVE is the effect, its arrival here (CLOCK_REALTIME) the end.  One
 * line per cycle: "EFFECT_US CMD_ONEWAY_US" (the second: when the
 * command itself reached this probe, for information).
 *
 * What must hold: both ends on one clock (one machine, wall time, as the
 * command's timestamp is), and a cycle counted only when the cause was
 * seen before its effect, so a stray MOVE is never timed.
 *
 * usage: driveprobe -p PORT -r ROBOT -n N [-h HOST] [-t ROOT/ORG]
 * Prints "ready" on stderr once subscribed; exits after N cycles.
 */
#define _GNU_SOURCE
#include <mosquitto.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "asimov.pb-c.h"
#include "wallclock.h"

struct probe {
	char cmd_topic[256], state_topic[256];
	int subscribed;
	int moving;       /* the last state said MOVE */
	int armed;        /* not moving: waiting for a cause */
	int64_t t_cmd;    /* the cause's timestamp_us, 0: none yet */
	int64_t cmd_oneway;
	long n, want;
};

static void
on_connect(struct mosquitto *m, void *ud, int rc)
{
	struct probe *p = ud;

	if (rc != 0) {
		fprintf(stderr, "driveprobe: connect refused (%d)\n", rc);
		exit(1);
	}
	mosquitto_subscribe(m, NULL, p->cmd_topic, 0);
	mosquitto_subscribe(m, NULL, p->state_topic, 0);
}

static void
on_subscribe(struct mosquitto *m, void *ud, int mid, int n, const int *g)
{
	struct probe *p = ud;

	(void)m;
	(void)mid;
	(void)n;
	(void)g;
	if (++p->subscribed == 2)
		fprintf(stderr, "ready\n");
}

static void
on_message(struct mosquitto *m, void *ud, const struct mosquitto_message *msg)
{
	struct probe *p = ud;
	int64_t now = wall_us(); /* first thing: the message is here */

	if (strcmp(msg->topic, p->cmd_topic) == 0) {
		Asimov__CloudCommand *c = asimov__cloud_command__unpack(
			NULL, (size_t)msg->payloadlen, msg->payload);
		const Asimov__VelocityCommand *v;

		if (c == NULL)
			return;
		v = c->velocity;
		if (c->command_case ==
			    ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY &&
		    (v->vx != 0 || v->vy != 0 || v->vyaw != 0) && p->armed &&
		    p->t_cmd == 0) {
			p->t_cmd = (int64_t)c->timestamp_us;
			p->cmd_oneway = now - p->t_cmd;
		}
		asimov__cloud_command__free_unpacked(c, NULL);
		return;
	}
	Asimov__EdgeTelemetry *t = asimov__edge_telemetry__unpack(
		NULL, (size_t)msg->payloadlen, msg->payload);

	if (t == NULL)
		return;
	p->moving = t->fw_mode == ASIMOV__FIRMWARE_MODE__FW_MODE_MOVE;
	asimov__edge_telemetry__free_unpacked(t, NULL);
	if (!p->moving) {
		p->armed = 1;
		p->t_cmd = 0;
		return;
	}
	if (p->armed && p->t_cmd) {
		printf("%lld %lld\n", (long long)(now - p->t_cmd),
		       (long long)p->cmd_oneway);
		fflush(stdout);
		if (++p->n == p->want) {
			mosquitto_disconnect(m);
			return;
		}
	}
	p->armed = 0;
	p->t_cmd = 0;
}

int
main(int argc, char **argv)
{
	struct probe p = {.want = 100};
	const char *host = "127.0.0.1", *robot = "b1", *scope = "yoke/default";
	struct mosquitto *m;
	int port = 1883, c;

	while ((c = getopt(argc, argv, "h:p:r:n:t:")) != -1) {
		switch (c) {
		case 'h': host = optarg; break;
		case 'p': port = atoi(optarg); break;
		case 'r': robot = optarg; break;
		case 'n': p.want = atol(optarg); break;
		case 't': scope = optarg; break;
		default:
			fprintf(stderr, "usage: driveprobe -p PORT -r ROBOT "
				"-n N [-h HOST] [-t ROOT/ORG]\n");
			return 2;
		}
	}
	snprintf(p.cmd_topic, sizeof(p.cmd_topic), "%s/%s/commands", scope,
		 robot);
	snprintf(p.state_topic, sizeof(p.state_topic), "%s/%s/state", scope,
		 robot);
	mosquitto_lib_init();
	m = mosquitto_new(NULL, 1, &p);
	if (m == NULL)
		return 1;
	mosquitto_connect_callback_set(m, on_connect);
	mosquitto_subscribe_callback_set(m, on_subscribe);
	mosquitto_message_callback_set(m, on_message);
	if (mosquitto_connect(m, host, port, 60) != MOSQ_ERR_SUCCESS) {
		fprintf(stderr, "driveprobe: cannot connect to %s:%d\n", host,
			port);
		return 1;
	}
	mosquitto_loop_forever(m, -1, 1);
	mosquitto_destroy(m);
	mosquitto_lib_cleanup();
	return p.n == p.want ? 0 : 1;
}
