/*
 * tokens.h - the liveliness tokens of many keys, listed or watched
 * (yoke-alive --list, --watch).
 *
 * A token is live while <key>/alive holds anything but the empty message
 * or {"alive":false} (fleet.h).  --list prints the tokens live now (the
 * sync marker says when all are in, lib/query.h) and ends: none matching
 * is YK_ETIMEOUT.  --watch prints a record each time a key's token comes
 * or goes (the ones live already first, unless no_history), until a
 * signal.  Records are JSON lines, or on a terminal one line each (the
 * key; "HH:MM:SS + key" / "- key" for a watch), through lib/print.h:
 * - list: {"key":K, the token's own members (not a "key" of its own),
 *   or "alive":true when it has none};
 * - watch: {"key":K,"alive":true|false}.
 */
#ifndef YK_TOKENS_H
#define YK_TOKENS_H

#include <signal.h>
#include <stdbool.h>

#include "conf.h"
#include "err.h"
#include "ready.h"

struct yk_tokens_cfg {
	struct yk_conf *conf;
	bool watch;                   /* else list */
	bool no_history;              /* watch: skip the live ones */
	bool json;                    /* JSON lines even on a terminal */
	int nargs;                    /* the PATTERN: at most one */
	char **args;
	struct yk_ready *ready;       /* watch: told once subscribed */
};

/* Check the PATTERN (YK_EUSAGE), before anything connects. */
int yk_tokens_check(const struct yk_tokens_cfg *cfg, struct yk_err *err);
/* Connect, list or watch, until done or a stop signal. */
int yk_tokens_run(const struct yk_tokens_cfg *cfg, struct yk_err *err);

#endif
