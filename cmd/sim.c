/*
 * yoke-sim - simulated robots (the toolkit's turtlesim): one, or --count
 * of them in one process, each speaking the robot protocols (commands,
 * state, system, rpc) and the fleet channels, until SIGINT or SIGTERM.
 *
 * The robot is lib/sim/sim.c, the wire lib/sim/simrun.c; this file names the
 * robots and checks the options.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "key.h"
#include "ready.h"
#include "sig.h"
#include "simrun.h"

static const char usage[] =
	"[options] [-r ID | -C N] [--rate HZ] [--speed X] [--seed S]";

/* sim-001 .. sim-N, or ID-001 .. with -r ID; -r ID alone: ID. */
static int
names(char ***out, const char *prefix, long count, struct yk_err *err)
{
	char **v = yk_calloc((size_t)count + 1, sizeof(*v));

	*out = v;
	for (long i = 0; i < count; i++) {
		size_t n = strlen(prefix) + 16;

		v[i] = yk_malloc(n);
		if (count == 1 && strcmp(prefix, "sim") != 0)
			snprintf(v[i], n, "%s", prefix);
		else
			snprintf(v[i], n, "%s-%03ld", prefix, i + 1);
		if (yk_id_check("robot id", v[i], err) != YK_OK)
			return err->rc;
	}
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Simulated robots that speak every "
					"yoke robot protocol."};
	struct yk_conf c;
	struct yk_simrun_cfg sc = {.rate = 10, .speed = 1, .seed = 1,
				   .heartbeat_s = 30, .stop = &yk_sig_stop,
				   .log = yk_conf_log};
	struct yk_ready ready;
	long count = 1, seed = 1;
	char **robots = NULL;
	struct yk_err err = {0};
	int nargs, rc;

	yk_prog = "yoke-sim";
	yk_conf_init(&c, &cli, YK_CONF_ROBOT | YK_CONF_WILL | YK_CONF_QUEUE);
	yk_conf_robot_help(&c, "robot id; with -C, the prefix of ID-001 .. "
			       "(default sim-001)");
	struct yk_opt opts[] = {
		YK_GROUP("Simulation"),
		YK_INT('C', "count", &count, "N", 1, 1000,
		       "run N robots, sim-001 .. (ID-001 .. with -r ID)"),
		YK_NUM(0, "rate", &sc.rate, "HZ", 0.1, 1000,
		       "state messages per second and robot (default 10)"),
		YK_NUM(0, "speed", &sc.speed, "X", 0.01, 1000,
		       "simulated seconds per second (default 1)"),
		YK_INT(0, "seed", &seed, "S", 0, 1e15,
		       "start poses and motors from seed S (default 1)"),
		YK_READY_OPT(&ready),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_ready_init(&ready);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || yk_conf_finish(&c, &cli, &err) != YK_OK ||
	    yk_ready_setup(&ready, &err) != YK_OK)
		goto out;
	if (nargs > 0) {
		yk_err_set(&err, YK_EUSAGE, "unexpected argument '%s'",
			   argv[0]);
		goto out;
	}
	/* the host name is no simulated robot's name */
	if (names(&robots, yk_cli_origin(&cli, "robot") == YK_FROM_DEFAULT
				   ? "sim" : c.robot,
		  count, &err) != YK_OK)
		goto out;
	sc.c = &c;
	sc.robots = (const char *const *)robots;
	sc.nrobots = (int)count;
	sc.seed = (uint64_t)seed;
	sc.ready = &ready;
	yk_simrun(&sc, &err);
out:
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	for (long i = 0; robots && i < count; i++)
		free(robots[i]);
	free(robots);
	yk_ready_free(&ready);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
