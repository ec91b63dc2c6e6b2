/*
 * yoke - run a yoke tool: `yoke pub ...` runs `yoke-pub ...`.
 *
 * Like git, the tool is looked up beside this binary first (so an
 * uninstalled build runs its own tools), then on PATH; any yoke-<name> on
 * PATH works, so tools added later need no change here.
 */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "closeout.h"
#include "err.h"
#include "version.h"

static const struct {
	const char *name;
	const char *what;
} tools[] = {
	{"pub", "publish a message, a file, or each line of stdin"},
	{"sub", "subscribe to key expressions and print what arrives"},
	{"get", "query retained values and live queryables; answer queries"},
	{"alive", "hold, list and watch liveliness tokens"},
	{"robot-status", "report and watch robot status"},
	{"fault", "report and watch faults"},
	{"telemetry", "send and watch telemetry"},
	{"log", "send and follow robot logs"},
	{"drive", "command a robot"},
	{"record", "record key expressions into MCAP sessions"},
	{"record-export", "list, query and export recorded sessions"},
	{"video-send", "encode and send a video track"},
	{"sim", "simulated robots"},
};

static void
help(FILE *f, const char *dir)
{
	fprintf(f, "usage: yoke TOOL [ARGS...]\n"
		   "       yoke help [TOOL]\n\n"
		   "Small composable tools for robot fleets, over MQTT.\n\n"
		   "Tools:\n");
	for (size_t i = 0; i < sizeof(tools) / sizeof(tools[0]); i++) {
		char path[PATH_MAX];

		/* list only the tools that are installed */
		snprintf(path, sizeof(path), "%s/yoke-%s", dir, tools[i].name);
		if (access(path, X_OK) == 0)
			fprintf(f, "  %-15s %s\n", tools[i].name,
				tools[i].what);
	}
	fprintf(f, "\n'yoke help TOOL' shows a tool's options; yoke(7) the "
		   "shared contracts.\n");
}

/* Our exit code when we print (help, --version) or fail; else the tool
 * runs in our place, with SIGPIPE as we found it (its to choose). */
static int
dispatch(int argc, char **argv, void (*sigpipe)(int))
{
	char self[PATH_MAX], path[PATH_MAX + 300], name[256];
	const char *tool;
	ssize_t n;
	char *slash;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	slash = strrchr(self, '/');
	if (slash)
		*slash = '\0';
	if (argc < 2) {
		help(stderr, self);
		return 2;
	}
	tool = argv[1];
	if (strcmp(tool, "help") == 0 || strcmp(tool, "--help") == 0 ||
	    strcmp(tool, "-h") == 0) {
		if (argc < 3 || argv[2][0] == '-') {
			help(stdout, self);
			return 0;
		}
		/* "yoke help pub" is "yoke pub --help" */
		argv[1] = argv[2];
		argv[2] = "--help";
		argv[3] = NULL;
		tool = argv[1];
	}
	if (strcmp(tool, "--version") == 0 || strcmp(tool, "-V") == 0) {
		printf("yoke %s\n", YK_VERSION);
		return 0;
	}
	if (tool[0] == '-' || strchr(tool, '/')) {
		fprintf(stderr, "yoke: unknown option '%s'\n", tool);
		help(stderr, self);
		return 2;
	}
	snprintf(name, sizeof(name), "yoke-%s", tool);
	argv[1] = name;
	snprintf(path, sizeof(path), "%s/%s", self, name);
	signal(SIGPIPE, sigpipe);
	if (self[0] && access(path, X_OK) == 0)
		execv(path, argv + 1);
	execvp(name, argv + 1);
	if (errno == ENOENT) {
		fprintf(stderr, "yoke: '%s' is not a yoke tool; see 'yoke "
				"help'\n",
			tool);
		return 2;
	}
	fprintf(stderr, "yoke: cannot run '%s': %s\n", name,
		strerror(errno));
	return 1;
}

int
main(int argc, char **argv)
{
	struct yk_err err = {0};
	int rc;

	yk_prog = "yoke";
	/* our own output to a reader gone is EPIPE, no error (closeout.h) */
	rc = dispatch(argc, argv, signal(SIGPIPE, SIG_IGN));
	if (rc == 0 && yk_closeout(&err) != YK_OK)
		rc = yk_err_print(&err);
	return rc;
}
