/*
 * conf.c - libFuzzer target for config files: the input is the file,
 * read through the same parser as argv (lib/opt.c) with the shared table
 * of every tool (lib/conf.c: broker, credentials, TLS, backend) and one
 * option of each kind.  The file is a memfd of mode 0600, so files that
 * hold secrets are read too.  What holds: no crash, no leak, and an error
 * never quotes a secret's value.
 */
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct yk_cli cli = {.usage = "usage: yoke-fuzz [options]\n",
			     .summary = "fuzz"};
	struct yk_conf c;
	struct yk_err err = {0};
	const char *choices[] = {"a", "b", NULL};
	const char *str = NULL;
	int choice = 0;
	long num = 0;
	double real = 0;
	bool flag = false;
	char path[64], *argv[4];
	int fd, nargs;

	if (devnull == NULL)
		devnull = fopen("/dev/null", "w");
	fd = memfd_create("config", 0);
	if (fd < 0 || fchmod(fd, 0600) != 0 ||
	    write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	argv[0] = "yoke-fuzz";
	argv[1] = "--config";
	argv[2] = path;
	argv[3] = NULL;
	yk_conf_init(&c, &cli, YK_CONF_ROBOT);
	struct yk_opt opts[] = {
		/* one of each kind, all settable in the file */
		{.kind = YK_OPT_STR, .lname = "name", .val = &str,
		 .argname = "NAME", .help = "a string",
		 .flags = YK_OPT_CONFIG},
		{.kind = YK_OPT_INT, .sname = 'C', .lname = "count",
		 .val = &num, .argname = "N", .lo = 1, .hi = 1e9,
		 .help = "a count", .flags = YK_OPT_CONFIG},
		{.kind = YK_OPT_NUM, .lname = "rate", .val = &real,
		 .argname = "HZ", .lo = 0.1, .hi = 1000, .help = "a rate",
		 .flags = YK_OPT_CONFIG},
		{.kind = YK_OPT_CHOICE, .lname = "mode", .val = &choice,
		 .argname = "a|b", .choices = choices, .help = "a choice",
		 .flags = YK_OPT_CONFIG},
		{.kind = YK_OPT_FLAG, .lname = "flag", .val = &flag,
		 .help = "a flag", .flags = YK_OPT_CONFIG},
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	if (yk_cli_parse(&cli, 3, argv, &nargs, devnull, &err) == YK_OK)
		yk_conf_finish(&c, &cli, &err);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	close(fd);
	return 0;
}
