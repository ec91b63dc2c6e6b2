/*
 * yoke-pub - publish one message, a file, or every line or frame of stdin;
 * with --encode, JSON turned into protobuf first.
 *
 * The messages are lib/pub.c's; this file declares the options.  Exit 0
 * means every message reached the broker (QoS 1: acknowledged).
 */
#include "pbreg.h"
#include "pub.h"
#include "tool.h"

static const char usage[] =
	"[options] KEY (-m MSG | -f FILE | -s | -l | -n)\n"
	"[options] --ndjson";

int
main(int argc, char **argv)
{
	struct yk_tool t;
	struct yk_pub p;
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;

	yk_pub_init(&p);
	yk_tool_start(&t, "yoke-pub", usage,
		      "Publish a message, a file, or every line or frame of "
		      "standard input.",
		      YK_CONF_RAW | YK_CONF_SESSION | YK_CONF_QUEUE);
	struct yk_opt opts[] = {
		YK_GROUP("Message"),
		YK_FUNC('m', "message", &p.message, "MSG", yk_pub_opt_once,
			"publish MSG"),
		YK_FUNC('f', "file", &p.file, "FILE", yk_pub_opt_once,
			"publish the contents of FILE (-: standard input)"),
		YK_FLAG('s', "stdin", &p.whole_stdin,
			"publish all of standard input as one message"),
		YK_FLAG('l', "lines", &p.lines,
			"publish each line of standard input"),
		YK_FLAG('n', "null-message", &p.null_msg,
			"publish an empty message"),
		YK_CHOICE(0, "framing", &p.framing, "lines|delimited",
			  yk_pub_framings,
			  "split standard input into lines, or varint "
			  "length-delimited frames"),
		YK_STR(0, "encode", &p.encode, "TYPE|auto",
		       "the input is JSON: publish it as protobuf TYPE, or "
		       "auto: the key's channel's ('help' lists the types)"),
		YK_FLAG(0, "ndjson", &p.ndjson,
			"each line is {\"key\":..,\"payload\":..}, with "
			"its own qos and retain"),
		YK_FLAG(0, "pace", &p.pace,
			"--ndjson: replay with the recorded spacing (each "
			"line's ts)"),
		YK_INT('q', "qos", &p.qos, "0|1", 0, 1,
		       "quality of service (default 0; --ndjson: overrides "
		       "the lines')"),
		YK_FLAG('r', "retain", &p.retain,
			"the broker keeps the value (--ndjson: every line "
			"retained)"),
		YK_FUNC(0, "priority", &p.prio, "N|CLASS", yk_pub_opt_prio,
			"0-255 or a class name; orders the send queue "
			"(default data)"),
		YK_FLAG(0, "express", &p.express,
			"hand each message over at once, ahead of queued ones "
			"and past the in-flight window"),
		YK_INT(0, "repeat", &p.repeat, "N", 1, 1000000000,
		       "publish the message N times"),
		YK_NUM(0, "repeat-delay", &p.repeat_delay, "S", 0, 86400,
		       "seconds between repeats"),
		YK_INCLUDE(t.c.opts),
		YK_END,
	};
	/* the operands are checked before the settings: usage errors first */
	if (yk_tool_options(&t, opts, argc, argv) != YK_OK ||
	    yk_pbreg_help(p.encode, stdout) ||
	    yk_pub_check(&p, t.nargs, argv, &t.err) != YK_OK ||
	    yk_conf_finish(&t.c, &t.cli, &t.err) != YK_OK)
		goto out;
	p.qos_given = yk_cli_origin(&t.cli, "qos") != YK_FROM_DEFAULT;
	p.retain_given = p.retain;
	if (yk_pub_prepare(&p, &t.c.scope, &t.err) != YK_OK)
		goto out;
	yk_conf_mqtt(&t.c, &mc);
	if (yk_conf_open(&t.c, &mc, &s, &t.err) == YK_OK)
		yk_pub_run(&p, s, &t.err);
out:
	yk_mqtt_close(s);
	yk_pub_free(&p);
	return yk_tool_end(&t);
}
