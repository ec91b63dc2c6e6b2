/*
 * yoke-alive - hold a liveliness token (for as long as we, or a command,
 * run), list the live tokens, or watch them appear and vanish.
 *
 * A token is the retained message <key>/alive; its will clears it: at
 * once for a holder that dies (its socket closes), after 1.5 keepalives
 * for one that hangs or is cut off.  A token belongs to its holder
 * (lib/fleet/token.h): holders of one key know each other, and the token
 * changes hands when one leaves rather than vanish.  Holding is
 * lib/fleet/hold.h, listing and watching lib/fleet/tokens.h.
 */
#include <stdio.h>
#include <string.h>

#include "hold.h"
#include "key.h"
#include "ready.h"
#include "sig.h"
#include "tokens.h"
#include "tool.h"

static const char usage[] =
	"[options] KEY [-- CMD ARGS...]\n"
	"[options] --list [PATTERN]\n"
	"[options] --watch [PATTERN] [--no-history]";

/* Ready: our token confirmed (--watch: lib/fleet/tokens.c). */
static void
ready(void *ud)
{
	struct yk_err w = {0};

	if (yk_ready_tell(ud, &w) != YK_OK)
		yk_err_print(&w); /* a warning: we go on */
}

/* The modes' options, checked before anything connects. */
static int
check(bool list, const struct yk_tokens_cfg *tc, char **cmd,
      struct yk_err *err)
{
	if (list + tc->watch > 1 || (tc->no_history && !tc->watch) ||
	    ((list || tc->watch) && cmd))
		return yk_err_set(err, YK_EUSAGE,
				  "use one of KEY [-- CMD], --list, --watch "
				  "[--no-history]");
	if (cmd && cmd[0] == NULL)
		return yk_err_set(err, YK_EUSAGE, "missing CMD after '--'");
	if (list && tc->ready->fd >= 0)
		return yk_err_set(err, YK_EUSAGE,
				  "--ready-fd goes with KEY and --watch");
	return yk_ready_setup(tc->ready, err);
}

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct yk_ready rd;
	struct yk_tokens_cfg tc = {.ready = &rd};
	bool list = false;
	char **cmd = NULL;
	int status = 0, rc;

	yk_tool_start(&t, "yoke-alive", usage,
		      "Hold a liveliness token, list the live ones, or watch "
		      "them come and go.",
		      YK_CONF_RAW | YK_CONF_WILL);
	struct yk_opt opts[] = {
		YK_GROUP("Tokens"),
		YK_FLAG(0, "list", &list, "print the live tokens, then exit"),
		YK_FLAG(0, "watch", &tc.watch,
			"print tokens as they appear and vanish"),
		YK_FLAG(0, "no-history", &tc.no_history,
			"--watch: skip the tokens already live"),
		YK_FLAG(0, "json", &tc.json, "JSON lines even on a terminal"),
		YK_READY_OPT(&rd),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	yk_ready_init(&rd);
	/* "KEY -- CMD ARGS": the command's own options are not ours. */
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			cmd = argv + i + 1;
			argc = i;
			break;
		}
	}
	if (yk_tool_parse(&t, opts, argc, argv) != YK_OK ||
	    check(list, &tc, cmd, &t.err) != YK_OK)
		goto out;
	tc.conf = &t.c;
	tc.nargs = t.nargs;
	tc.args = argv;
	if (list || tc.watch) {
		if (yk_tokens_check(&tc, &t.err) == YK_OK)
			yk_tokens_run(&tc, &t.err);
	} else if (t.nargs != 1) {
		yk_err_set(&t.err, YK_EUSAGE,
			   t.nargs ? "expected one KEY, got %d arguments"
				   : "missing KEY",
			   t.nargs);
	} else if (yk_key_check(&t.c.scope, argv[0], &t.err) == YK_OK) {
		struct yk_hold h = {
			.conf = &t.c, .key = argv[0], .cmd = cmd,
			.stop = &yk_sig_stop, .last = &yk_sig_last,
			.ready = ready, .ud = &rd,
		};

		yk_hold_run(&h, &status, &t.err);
	}
out:
	yk_ready_free(&rd);
	rc = yk_tool_end(&t);
	return rc == 0 ? status : rc;
}
