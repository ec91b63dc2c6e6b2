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

#include "key.h"
#include "ready.h"
#include "sig.h"
#include "simrun.h"
#include "tool.h"

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
	struct yk_tool t;
	struct yk_simrun_cfg sc = {.rate = 10, .speed = 1, .seed = 1,
				   .heartbeat_s = 30, .stop = &yk_sig_stop,
				   .log = yk_conf_log};
	struct yk_ready ready;
	long count = 1, seed = 1;
	char **robots = NULL;

	yk_tool_start(&t, "yoke-sim", usage,
		      "Simulated robots that speak every yoke robot protocol.",
		      YK_CONF_ROBOT | YK_CONF_WILL | YK_CONF_QUEUE);
	yk_conf_robot_help(&t.c, "robot id; with -C, the prefix of ID-001 .. "
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
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	yk_ready_init(&ready);
	if (yk_tool_parse(&t, opts, argc, argv) != YK_OK ||
	    yk_ready_setup(&ready, &t.err) != YK_OK)
		goto out;
	if (t.nargs > 0) {
		yk_err_set(&t.err, YK_EUSAGE, "unexpected argument '%s'",
			   argv[0]);
		goto out;
	}
	/* the host name is no simulated robot's name */
	if (names(&robots, yk_cli_origin(&t.cli, "robot") == YK_FROM_DEFAULT
				   ? "sim" : t.c.robot,
		  count, &t.err) != YK_OK)
		goto out;
	sc.c = &t.c;
	sc.robots = (const char *const *)robots;
	sc.nrobots = (int)count;
	sc.seed = (uint64_t)seed;
	sc.ready = &ready;
	yk_simrun(&sc, &t.err);
out:
	for (long i = 0; robots && i < count; i++)
		free(robots[i]);
	free(robots);
	yk_ready_free(&ready);
	return yk_tool_end(&t);
}
