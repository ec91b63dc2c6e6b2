/*
 * pub.h - what yoke-pub publishes over one session: one message (-m, -f,
 * -s, -n), --repeat times; each line or length-delimited frame of
 * standard input (-l, --framing), as it is or JSON made protobuf
 * (--encode); or JSON lines that each name their own key, qos and retain
 * (--ndjson: yoke-sub's output replayed, --pace with its spacing).
 *
 * Turning options and input into messages (yk_pub_check, yk_pub_prepare,
 * yk_pub_line, yk_pub_ndjson) needs no broker, so tests reach it;
 * yk_pub_run sends.  What always holds: input is checked and refused
 * before it is sent, naming its line (exit 2), and what was accepted
 * before a bad line is delivered all the same.
 */
#ifndef YK_PUB_H
#define YK_PUB_H

#include <stdbool.h>

#include <protobuf-c/protobuf-c.h>

#include "buf.h"
#include "err.h"
#include "feed.h"
#include "key.h"
#include "mqtt.h"
#include "opt.h"

/* --framing's choices; YK_PUB_FRAMING_NONE: not given. */
enum {
	YK_PUB_FRAMING_NONE = -1,
	YK_PUB_FRAMING_LINES,
	YK_PUB_FRAMING_DELIMITED,
};
extern const char *const yk_pub_framings[]; /* "lines", "delimited" */

struct yk_pub {
	/* yoke-pub's options, as its option table fills them */
	const char *key;
	const char *message, *file;   /* -m, -f (-: standard input) */
	const char *encode;           /* --encode TYPE or auto */
	bool whole_stdin, lines, null_msg, ndjson, pace;
	int framing;                  /* YK_PUB_FRAMING_* */
	long qos, repeat;
	double repeat_delay;
	bool retain, express;
	int prio;
	bool qos_given, retain_given; /* --ndjson: -q, -r override the lines */

	/* derived */
	const ProtobufCMessageDescriptor *pb; /* --encode's type; NULL with
						 --ndjson --encode auto: by
						 each line's channel */
	const struct yk_scope *scope;
	struct yk_feed_pace pacer;
	struct yk_buf topic, k, payload, enc;
};

/* The defaults: qos 0, one message, priority data. */
void yk_pub_init(struct yk_pub *p);
/* Option callbacks: --priority N|CLASS into an int; -m, -f once only
 * (a second is refused, as mosquitto_pub refuses it, rather than one of
 * them dropped without a word). */
int yk_pub_opt_prio(const struct yk_opt *o, const char *arg,
		    struct yk_err *err);
int yk_pub_opt_once(const struct yk_opt *o, const char *arg,
		    struct yk_err *err);
/* The options together and the operands args[0..nargs): exactly one
 * input, KEY unless --ndjson, what goes with what; sets key and pb.
 * YK_EUSAGE saying which. */
int yk_pub_check(struct yk_pub *p, int nargs, char **args,
		 struct yk_err *err);
/* What comes before connecting: KEY's topic in scope, the one message
 * read (-f, -s) and encoded (--encode). */
int yk_pub_prepare(struct yk_pub *p, const struct yk_scope *scope,
		   struct yk_err *err);
/* One line or frame of -l / --framing input as *m, pointing into p or
 * the frame; m->topic NULL: nothing to send (a blank line, --encode). */
int yk_pub_line(struct yk_pub *p, const char *f, size_t n,
		unsigned long line, struct yk_msg *m, struct yk_err *err);
/* One line of --ndjson input as *m, with *rec_us its recorded ts (-1:
 * none); m->topic NULL: a blank line.  YK_EUSAGE "standard input line
 * N: ...". */
int yk_pub_ndjson(struct yk_pub *p, const char *f, size_t n,
		  unsigned long line, struct yk_msg *m, int64_t *rec_us,
		  struct yk_err *err);
/* Publish on s, and deliver what was accepted (yk_feed_drain). */
int yk_pub_run(struct yk_pub *p, struct yk_mqtt *s, struct yk_err *err);
void yk_pub_free(struct yk_pub *p);

#endif
