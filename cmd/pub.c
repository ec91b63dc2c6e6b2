/*
 * yoke-pub - publish one message, a file, or every line or frame of stdin;
 * with --encode, JSON turned into protobuf first.
 *
 * Exit 0 means every message reached the broker (QoS 1: acknowledged).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "conf.h"
#include "feed.h"
#include "ndjson.h"
#include "pbchan.h"
#include "pbjson.h"
#include "pbreg.h"
#include "pq.h"
#include "sig.h"

static const char usage[] =
	"[options] KEY (-m MSG | -f FILE | -s | -l | -n)\n"
	"[options] --ndjson";

enum { FR_NONE = -1, FR_LINES, FR_DELIMITED };
static const char *const framings[] = {"lines", "delimited", NULL};

struct pub {
	const char *key;
	const char *message, *file;
	const char *encode;                   /* --encode TYPE or auto */
	const ProtobufCMessageDescriptor *pb; /* its type */
	bool whole_stdin, lines, null_msg, ndjson, retain, express, pace;
	bool qos_given, retain_given;         /* -q, -r: override the lines */
	struct yk_feed_pace pacer;
	int framing;
	long qos, repeat;
	double repeat_delay;
	int prio;
	const struct yk_scope *scope;
	struct yk_buf topic, k, payload, enc;
};

static int
opt_prio(const struct yk_opt *o, const char *arg, struct yk_err *err)
{
	if (yk_prio_parse(arg, o->val) != 0)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid priority '%s': expected 0-255 or "
				  "real-time, interactive-high, "
				  "interactive-low, data-high, data, data-low, "
				  "background",
				  arg);
	return YK_OK;
}

/* -m, -f: a second one is refused, as mosquitto_pub refuses it, rather
 * than one of them dropped without a word. */
static int
opt_once(const struct yk_opt *o, const char *arg, struct yk_err *err)
{
	if (*(const char **)o->val)
		return yk_err_set(err, YK_EUSAGE,
				  "given twice: a run publishes one message "
				  "(-l publishes one per line)");
	*(const char **)o->val = arg;
	return YK_OK;
}

static void
msg_init(struct yk_msg *m, const struct pub *p, const char *topic,
	 const void *data, size_t n)
{
	memset(m, 0, sizeof(*m));
	m->topic = topic;
	m->payload = data;
	m->len = n;
	m->qos = (int)p->qos;
	m->retain = p->retain;
	m->prio = p->prio;
	m->express = p->express;
}

/* One frame of -l/-s/-f/--framing input. */
static int
frame_plain(void *ud, struct yk_mqtt *s, const char *f, size_t n,
	    unsigned long frame, int64_t ts_us, struct yk_err *err)
{
	struct pub *p = ud;
	struct yk_msg m;

	(void)frame;
	msg_init(&m, p, p->topic.p, f, n);
	m.ts_us = ts_us;
	return yk_mqtt_send(s, &m, err);
}

/* One line of -l --encode input: JSON in, protobuf out; blank lines are
 * skipped, as --ndjson skips them. */
static int
frame_encode(void *ud, struct yk_mqtt *s, const char *f, size_t n,
	     unsigned long line, int64_t ts_us, struct yk_err *err)
{
	struct pub *p = ud;
	size_t i = 0;

	while (i < n && (f[i] == ' ' || f[i] == '\t'))
		i++;
	if (i == n)
		return YK_OK;
	p->enc.len = 0;
	if (yk_pb_json_to_bytes(&p->enc, p->pb, f, n, err) != YK_OK)
		return yk_err_wrap(err, "standard input line %lu", line);
	return frame_plain(ud, s, p->enc.p, p->enc.len, line, ts_us, err);
}

/*
 * One line of --ndjson input: its own key, qos and retain (-q and -r,
 * when given, override them, as ros2 bag play's QoS overrides do), and
 * with --pace its ts gives its time.  The message is stamped when it is
 * sent, not with the recorded ts: a replay happens now (as ros2 bag play
 * stamps it), and --pace keeps the recorded spacing.
 */
static int
frame_ndjson(void *ud, struct yk_mqtt *s, const char *f, size_t n,
	     unsigned long line, int64_t ts_us, struct yk_err *err)
{
	struct pub *p = ud;
	struct yk_ndjson_meta meta;
	struct yk_msg m;
	int64_t stamp = 0; /* 0: when queued (paced: when due) */
	int prio = p->prio;

	(void)ts_us;
	if (n == 0)
		return YK_OK;
	if (yk_ndjson_blank(f, n))
		return YK_OK;
	p->k.len = 0;
	p->topic.len = 0;
	if (yk_ndjson_replay(f, n, &p->k, &p->payload, &prio, &meta, err) !=
		    YK_OK ||
	    (strlen(p->k.p) != p->k.len &&
	     yk_err_set(err, YK_EUSAGE, "\"key\" holds a NUL character")) ||
	    yk_key_check(p->scope, p->k.p, err) != YK_OK ||
	    (p->encode && yk_ndjson_encode(&p->payload, p->k.p, &meta, p->pb,
					   &p->enc, err) != YK_OK))
		return yk_err_wrap(err, "standard input line %lu", line);
	yk_key_topic(&p->topic, p->scope, p->k.p);
	if (p->pace && meta.ts_us >= 0 &&
	    yk_feed_pace(s, &p->pacer, meta.ts_us, &stamp, err) != YK_OK)
		return err->rc;
	if (p->pace && yk_sig_stop)
		return YK_OK; /* interrupted while waiting: not sent */
	msg_init(&m, p, p->topic.p, p->payload.p ? p->payload.p : "",
		 p->payload.len);
	m.ts_us = stamp;
	m.prio = prio;
	if (!p->qos_given && meta.qos >= 0)
		m.qos = meta.qos;
	if (!p->retain_given && meta.retain >= 0)
		m.retain = meta.retain;
	return yk_mqtt_send(s, &m, err);
}

/* -m, -n, -f, -s: one message, --repeat times. */
static int
send_repeated(struct yk_mqtt *s, struct pub *p, struct yk_err *err)
{
	struct yk_msg m;

	msg_init(&m, p, p->topic.p, p->payload.p ? p->payload.p : "",
		 p->payload.len);
	for (long i = 0; i < p->repeat && !yk_sig_stop; i++) {
		int64_t until = yk_mono_ms() + (int64_t)(p->repeat_delay * 1e3);

		while (i > 0 && !yk_sig_stop && yk_mono_ms() < until)
			if (yk_mqtt_step(s, NULL, 0,
					 (int)(until - yk_mono_ms()),
					 err) != YK_OK)
				return err->rc;
		if (yk_mqtt_send_wait(s, &m, err) != YK_OK)
			return err->rc;
	}
	return YK_OK;
}

/* The whole of -f FILE or -s stdin, read before connecting. */
static int
slurp(struct pub *p, struct yk_err *err)
{
	struct yk_in in;
	bool std = p->file && strcmp(p->file, "-") == 0;
	const char *name = p->file && !std ? p->file : "standard input";
	int fd = 0;
	const char *f;
	size_t n;

	if (p->file && !std) {
		fd = open(p->file, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return yk_err_set(err, YK_EUSAGE,
					  "cannot open '%s': %s", p->file,
					  strerror(errno));
	}
	yk_in_init(&in, fd, YK_FRAME_WHOLE, name);
	while (!in.eof)
		if (yk_in_fill(&in, err) != YK_OK)
			break;
	if (fd > 0)
		close(fd);
	if (in.eof && yk_in_next(&in, &f, &n, err) == 1)
		yk_buf_add(&p->payload, f, n);
	yk_in_free(&in);
	if (!in.eof && err->rc == YK_ERUNTIME && p->file && !std)
		err->rc = YK_EUSAGE; /* the named file is bad input */
	return in.eof ? YK_OK : err->rc;
}

static int
check_args(struct pub *p, int nargs, char **args, struct yk_err *err)
{
	int modes = (p->message != NULL) + (p->file != NULL) +
		    p->whole_stdin + p->lines + p->null_msg + p->ndjson +
		    (p->framing != FR_NONE);

	if (p->lines && p->framing == FR_DELIMITED)
		return yk_err_set(err, YK_EUSAGE,
				  "-l and --framing delimited disagree");
	if (p->lines || p->framing != FR_NONE)
		modes -= p->lines && p->framing != FR_NONE;
	if (modes != 1)
		return yk_err_set(err, YK_EUSAGE,
				  "give exactly one of -m, -f, -s, -l, -n, "
				  "--framing, --ndjson");
	if (p->ndjson && nargs != 0)
		return yk_err_set(err, YK_EUSAGE,
				  "--ndjson takes the keys from its input, "
				  "not from '%s'",
				  args[0]);
	if (!p->ndjson && nargs != 1)
		return yk_err_set(err, YK_EUSAGE,
				  nargs ? "expected one KEY, got %d arguments"
					: "missing KEY",
				  nargs);
	if (p->repeat > 1 && (p->lines || p->ndjson || p->framing != FR_NONE))
		return yk_err_set(err, YK_EUSAGE,
				  "--repeat goes with -m, -f, -s or -n");
	if (p->encode && (p->null_msg || p->framing == FR_DELIMITED))
		return yk_err_set(err, YK_EUSAGE,
				  "--encode goes with -m, -f, -s, -l or "
				  "--ndjson");
	if (p->pace && !p->ndjson)
		return yk_err_set(err, YK_EUSAGE, "--pace goes with --ndjson");
	p->key = p->ndjson ? NULL : args[0];
	if (p->encode && strcmp(p->encode, "auto") == 0) {
		if (p->ndjson)
			return YK_OK; /* pb NULL: by each line's channel */
		p->pb = yk_pbchan_for_key(p->key);
		if (p->pb == NULL)
			return yk_err_set(err, YK_EUSAGE,
					  "--encode auto: '%s' is not a "
					  "channel that carries protobuf "
					  "(give a TYPE)",
					  p->key);
		return YK_OK;
	}
	if (p->encode)
		return yk_pbreg_find(&p->pb, p->encode, err);
	return YK_OK;
}

/* --encode with -m, -f or -s: the one message, JSON to protobuf. */
static int
encode_one(struct pub *p, struct yk_err *err)
{
	if (yk_pb_json_to_bytes(&p->enc, p->pb, p->payload.p ? p->payload.p
							     : "",
				p->payload.len, err) != YK_OK) {
		if (p->file && strcmp(p->file, "-") != 0)
			yk_err_wrap(err, "'%s'", p->file);
		else if (p->file || p->whole_stdin)
			yk_err_wrap(err, "standard input");
		return err->rc;
	}
	yk_buf_truncate(&p->payload, 0);
	yk_buf_add(&p->payload, p->enc.p, p->enc.len);
	return YK_OK;
}

int
main(int argc, char **argv)
{
	struct yk_cli cli = {.usage = usage,
			     .summary = "Publish a message, a file, or every "
					"line or frame of standard input."};
	struct yk_conf c;
	struct pub p = {.qos = 0, .repeat = 1, .prio = YK_PRIO_DEFAULT,
			.framing = FR_NONE};
	struct yk_mqtt_cfg mc;
	struct yk_mqtt *s = NULL;
	struct yk_err err = {0};
	int nargs, rc;

	yk_prog = "yoke-pub";
	yk_conf_init(&c, &cli, YK_CONF_RAW | YK_CONF_SESSION | YK_CONF_QUEUE);
	struct yk_opt opts[] = {
		YK_GROUP("Message"),
		YK_FUNC('m', "message", &p.message, "MSG", opt_once,
			"publish MSG"),
		YK_FUNC('f', "file", &p.file, "FILE", opt_once,
			"publish the contents of FILE (-: standard input)"),
		YK_FLAG('s', "stdin", &p.whole_stdin,
			"publish all of standard input as one message"),
		YK_FLAG('l', "lines", &p.lines,
			"publish each line of standard input"),
		YK_FLAG('n', "null-message", &p.null_msg,
			"publish an empty message"),
		YK_CHOICE(0, "framing", &p.framing, "lines|delimited",
			  framings,
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
		YK_FUNC(0, "priority", &p.prio, "N|CLASS", opt_prio,
			"0-255 or a class name; orders the send queue "
			"(default data)"),
		YK_FLAG(0, "express", &p.express,
			"hand each message over at once, ahead of queued ones "
			"and past the in-flight window"),
		YK_INT(0, "repeat", &p.repeat, "N", 1, 1000000000,
		       "publish the message N times"),
		YK_NUM(0, "repeat-delay", &p.repeat_delay, "S", 0, 86400,
		       "seconds between repeats"),
		YK_INCLUDE(c.opts),
		YK_END,
	};
	cli.opts = opts;
	yk_sig_init();
	rc = yk_cli_parse(&cli, argc, argv, &nargs, stdout, &err);
	if (rc == YK_EXIT || (rc == YK_OK && yk_pbreg_help(p.encode, stdout)))
		return 0;
	if (rc != YK_OK || check_args(&p, nargs, argv, &err) != YK_OK ||
	    yk_conf_finish(&c, &cli, &err) != YK_OK)
		goto out;
	p.scope = &c.scope;
	p.qos_given = yk_cli_origin(&cli, "qos") != YK_FROM_DEFAULT;
	p.retain_given = p.retain;
	if (p.key) {
		if (yk_key_check(&c.scope, p.key, &err) != YK_OK)
			goto out;
		yk_key_topic(&p.topic, &c.scope, p.key);
	}
	if (p.message)
		yk_buf_adds(&p.payload, p.message);
	if ((p.file || p.whole_stdin) && slurp(&p, &err) != YK_OK)
		goto out;
	if (p.pb && !p.lines && !p.ndjson && p.framing == FR_NONE &&
	    encode_one(&p, &err) != YK_OK)
		goto out;

	yk_conf_mqtt(&c, &mc);
	if (yk_conf_open(&c, &mc, &s, &err) != YK_OK)
		goto out;
	if (p.lines || p.ndjson || p.framing != FR_NONE) {
		struct yk_in in;

		yk_in_init(&in, 0,
			   p.framing == FR_DELIMITED ? YK_FRAME_DELIMITED
						     : YK_FRAME_LINES,
			   "standard input");
		rc = yk_feed_run(s, &in,
				 p.ndjson ? frame_ndjson
				 : p.pb   ? frame_encode
					  : frame_plain,
				 &p, &err);
		yk_in_free(&in);
	} else {
		rc = send_repeated(s, &p, &err);
	}
	/* Deliver what was accepted, even after bad input (then exit 2). */
	yk_feed_drain(s, rc, &err);
out:
	yk_mqtt_close(s);
	rc = err.rc;
	if (rc != YK_OK)
		yk_err_print(&err);
	yk_buf_free(&p.topic);
	yk_buf_free(&p.k);
	yk_buf_free(&p.payload);
	yk_buf_free(&p.enc);
	yk_conf_free(&c);
	yk_cli_free(&cli);
	return rc;
}
