/*
 * yoke-log - put a robot's log into the fleet: one entry from the
 * arguments, or one per line of standard input over one connection; or
 * follow the fleet's logs.
 *
 * Entries go to <robot>/log at QoS 1: exit 0 means the broker
 * acknowledged every one.  A message is valid UTF-8 in its JSON however
 * the input was encoded, and is cut at 10,000 characters.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "feed.h"
#include "fleet.h"
#include "follow.h"
#include "logline.h"
#include "out.h"
#include "sig.h"
#include "text.h"

static const char usage[] =
	"[options] [--level L|auto] MESSAGE...\n"
	"[options] [--level L|auto] < LINES\n"
	"[options] --follow [PATTERN] [--level L] [--json]";

/* The colour of each level on a terminal, by yk_fleet_levels index. */
static const char *const colours[] = {"\033[2m", "", "\033[33m",
				      "\033[31m"};

struct logt {
	const char *level;
	bool guess;          /* --level auto: each line's own prefix */
	int rank;            /* --follow --level: the lowest shown */
	bool follow, json, tty, colour;
	struct yk_buf topic, payload, tmp, robot;
	/* --follow */
	const struct yk_scope *scope;
	struct yk_kexpr ex;
	struct yk_out out;
	struct yk_logline entry;
};

static int
put(struct yk_mqtt *s, struct logt *l, const char *msg, size_t n,
    int64_t ts_us, bool wait, struct yk_err *err)
{
	struct yk_msg m = {.topic = l->topic.p, .qos = 1, .prio = -1,
			   .ts_us = ts_us};

	yk_buf_truncate(&l->payload, 0);
	if (l->guess)
		l->level = yk_logline_guess(msg, n, l->level);
	yk_logline_json(&l->payload, &l->tmp, l->level, msg, n, ts_us);
	m.payload = l->payload.p;
	m.len = l->payload.len;
	return wait ? yk_mqtt_send_wait(s, &m, err) : yk_mqtt_send(s, &m, err);
}

static int
frame(void *ud, struct yk_mqtt *s, const char *f, size_t n,
      unsigned long line, int64_t ts_us, struct yk_err *err)
{
	(void)line;
	if (n == 0)
		return YK_OK; /* an empty line is no entry */
	return put(s, ud, f, n, ts_us, false, err);
}

/* HH:MM:SS robot LEVEL message, the level coloured; continuation lines
 * of a multi-line message indented under the first. */
static void
print_tty(struct logt *l, const char *robot)
{
	struct yk_buf *b = &l->out.b;
	const struct yk_logline *e = &l->entry;
	int64_t us = e->ts_us >= 0 ? e->ts_us : yk_now_us();
	time_t t = (time_t)(us / 1000000);
	int rank = yk_logline_rank(e->level.p);
	const char *sgr = l->colour ? colours[rank] : "";
	const char *m = e->message.p ? e->message.p : "", *nl;
	size_t left = e->message.len;
	struct tm tm;
	char hms[16];

	localtime_r(&t, &tm);
	strftime(hms, sizeof(hms), "%H:%M:%S", &tm);
	yk_buf_addf(b, "%s ", hms);
	yk_text_tty(b, robot, strlen(robot));
	yk_buf_addf(b, " %s", sgr);
	yk_logline_level_tty(b, e->level.p, e->level.len);
	yk_buf_adds(b, *sgr ? "\033[0m " : " ");
	for (;;) {
		nl = memchr(m, '\n', left);
		yk_text_tty(b, m, nl ? (size_t)(nl - m) : left);
		yk_buf_addc(b, '\n');
		if (nl == NULL)
			break;
		left -= (size_t)(nl - m) + 1;
		m = nl + 1;
		yk_buf_adds(b, "         "); /* under the robot */
	}
}

static void
on_entry(void *ud, const struct yk_rx *rx)
{
	struct logt *l = ud;
	const char *key = yk_key_unscope(l->scope, rx->topic);

	if (key == NULL || !yk_kexpr_match(&l->ex, key, NULL) ||
	    !yk_follow_robot(&l->robot, key, "log"))
		return;
	/* what is not a log entry is not shown */
	if (yk_logline_parse(&l->entry, rx->payload, rx->len) != 0 ||
	    yk_logline_rank(l->entry.level.p) < l->rank)
		return;
	if (l->tty)
		print_tty(l, l->robot.p);
	else
		yk_follow_json(&l->out.b, l->robot.p, rx->payload, rx->len);
}

static int
follow(struct yk_mqtt *s, struct logt *l, struct yk_err *err)
{
	int rc = YK_OK;

	if (yk_mqtt_subscribe(s, l->ex.filter, 1, YK_RH_SEND, err) < 0)
		return err->rc;
	while (!yk_sig_stop && rc == YK_OK) {
		rc = yk_out_flush(&l->out, err);
		if (rc == YK_OK && yk_mqtt_step(s, NULL, 0, 1000, err) != YK_OK)
			return err->rc;
	}
	return rc == YK_EXIT ? YK_OK : rc;
}

static int
check_args(struct logt *l, int nargs, char **args, struct yk_err *err)
{
	int i;

	l->guess = l->level && strcmp(l->level, "auto") == 0;
	if (l->guess && l->follow)
		return yk_err_set(err, YK_EUSAGE,
				  "--level auto goes with sending, not "
				  "--follow");
	i = l->level && !l->guess ? yk_fleet_pick("level", yk_fleet_levels,
						  l->level, err)
				  : 1;
	if (i < 0 && !l->follow)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid level '%s': use debug, info, warn, "
				  "error or auto", l->level);
	if (i < 0)
		return err->rc;
	if (l->follow) {
		l->rank = l->level ? i : 0;
		if (nargs > 1)
			return yk_err_set(err, YK_EUSAGE,
					  "expected at most one PATTERN, got "
					  "%d",
					  nargs);
		return yk_follow_expr(&l->ex, l->scope, nargs ? args[0] : "*",
				      "log", err);
	}
	l->level = l->guess ? NULL : yk_fleet_levels[i];
	if (l->json)
		return yk_err_set(err, YK_EUSAGE, "--json goes with --follow");
	if (nargs == 0 && isatty(0))
		return yk_err_set(err, YK_EUSAGE,
				  "missing MESSAGE (or lines on standard "
				  "input)");
	for (int k = 0; k < nargs; k++) {
		if (k > 0)
			yk_buf_addc(&l->tmp, ' ');
		yk_buf_adds(&l->tmp, args[k]);
	}
	if (nargs > 0 && l->tmp.len == 0)
		return yk_err_set(err, YK_EUSAGE, "message is empty");
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Put log entries into the fleet, from "
					"the arguments or each line of "
					"standard input; follow the fleet's "
					"logs."};
	struct yk_conf c;
	struct logt l = {0};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};
	int nargs, rc;

	yk_prog = "yoke-log";
	yk_conf_init(&c, &cli, YK_CONF_ROBOT | YK_CONF_QUEUE);
	struct yk_opt opts[] = {
		YK_GROUP("Log"),
		YK_STR(0, "level", &l.level, "debug|info|warn|error|auto",
		       "level of the entries (default info; auto: from each "
		       "line's prefix, ERROR, W/, [warn] ...); --follow: "
		       "show this level and above"),
		YK_FLAG(0, "follow", &l.follow,
			"print the fleet's log entries as they arrive "
			"(PATTERN: robots, default *)"),
		YK_FLAG(0, "json", &l.json, "JSON lines even on a terminal"),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	yk_out_init(&l.out, 1);
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT)
		return 0;
	if (rc != YK_OK || yk_conf_finish(&c, &cli, &err) != YK_OK)
		goto out;
	l.scope = &c.scope;
	if (check_args(&l, nargs, argv, &err) != YK_OK)
		goto out;
	l.tty = l.follow && yk_out_human(1) && !l.json;
	l.colour = yk_out_colour(1);
	if (!l.follow && yk_conf_robot(&c, &err) != YK_OK)
		goto out;
	yk_fleet_topic(&l.topic, &c.scope, c.robot, "log");

	yk_conf_mqtt(&c, &mc);
	if (l.follow) {
		mc.on_message = on_entry;
		mc.msg_ud = &l;
	}
	if (yk_conf_open(&c, &mc, &s, &err) != YK_OK)
		goto out;
	if (l.follow) {
		follow(s, &l, &err);
	} else if (nargs > 0) {
		struct yk_buf msg = l.tmp;

		l.tmp = (struct yk_buf){0};
		put(s, &l, msg.p, msg.len, yk_now_us(), true, &err);
		yk_buf_free(&msg);
	} else {
		struct yk_in in;

		yk_in_init(&in, 0, YK_FRAME_LINES, "standard input");
		yk_feed_run(s, &in, frame, &l, &err);
		yk_in_free(&in);
	}
	/* QoS 1: exit 0 only once every entry is acknowledged. */
	if (!l.follow)
		yk_feed_drain(s, err.rc, &err);
out:
	yk_mqtt_close(s);
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	yk_kexpr_free(&l.ex);
	yk_logline_free(&l.entry);
	yk_buf_free(&l.topic);
	yk_buf_free(&l.payload);
	yk_buf_free(&l.tmp);
	yk_buf_free(&l.robot);
	yk_out_free(&l.out);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
