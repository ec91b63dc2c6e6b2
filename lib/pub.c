/*
 * pub.c - yoke-pub's messages: options checked, input made messages,
 * messages sent.
 */
#include <string.h>

#include "clock.h"
#include "in.h"
#include "ndjson.h"
#include "pbchan.h"
#include "pbjson.h"
#include "pbreg.h"
#include "pq.h"
#include "pub.h"
#include "sig.h"

const char *const yk_pub_framings[] = {"lines", "delimited", NULL};

void
yk_pub_init(struct yk_pub *p)
{
	memset(p, 0, sizeof(*p));
	p->repeat = 1;
	p->prio = YK_PRIO_DEFAULT;
	p->framing = YK_PUB_FRAMING_NONE;
}

int
yk_pub_opt_prio(const struct yk_opt *o, const char *arg, struct yk_err *err)
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

int
yk_pub_opt_once(const struct yk_opt *o, const char *arg, struct yk_err *err)
{
	if (*(const char **)o->val)
		return yk_err_set(err, YK_EUSAGE,
				  "given twice: a run publishes one message "
				  "(-l publishes one per line)");
	*(const char **)o->val = arg;
	return YK_OK;
}

/* Input from standard input, one message a line or frame. */
static bool
streams(const struct yk_pub *p)
{
	return p->lines || p->ndjson || p->framing != YK_PUB_FRAMING_NONE;
}

static int
check_encode(struct yk_pub *p, struct yk_err *err)
{
	if (p->encode == NULL)
		return YK_OK;
	if (strcmp(p->encode, "auto") != 0)
		return yk_pbreg_find(&p->pb, p->encode, err);
	if (p->ndjson)
		return YK_OK; /* pb NULL: by each line's channel */
	p->pb = yk_pbchan_for_key(p->key);
	if (p->pb == NULL)
		return yk_err_set(err, YK_EUSAGE,
				  "--encode auto: '%s' is not a channel that "
				  "carries protobuf (give a TYPE)",
				  p->key);
	return YK_OK;
}

int
yk_pub_check(struct yk_pub *p, int nargs, char **args, struct yk_err *err)
{
	int modes = (p->message != NULL) + (p->file != NULL) +
		    p->whole_stdin + p->lines + p->null_msg + p->ndjson +
		    (p->framing != YK_PUB_FRAMING_NONE);

	if (p->lines && p->framing == YK_PUB_FRAMING_DELIMITED)
		return yk_err_set(err, YK_EUSAGE,
				  "-l and --framing delimited disagree");
	modes -= p->lines && p->framing != YK_PUB_FRAMING_NONE;
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
	if (p->repeat > 1 && streams(p))
		return yk_err_set(err, YK_EUSAGE,
				  "--repeat goes with -m, -f, -s or -n");
	if (p->encode &&
	    (p->null_msg || p->framing == YK_PUB_FRAMING_DELIMITED))
		return yk_err_set(err, YK_EUSAGE,
				  "--encode goes with -m, -f, -s, -l or "
				  "--ndjson");
	if (p->pace && !p->ndjson)
		return yk_err_set(err, YK_EUSAGE, "--pace goes with --ndjson");
	p->key = p->ndjson ? NULL : args[0];
	return check_encode(p, err);
}

/* --encode with -m, -f or -s: the one message, JSON to protobuf. */
static int
encode_one(struct yk_pub *p, struct yk_err *err)
{
	if (yk_pb_json_to_bytes(&p->enc, p->pb,
				p->payload.p ? p->payload.p : "",
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
yk_pub_prepare(struct yk_pub *p, const struct yk_scope *scope,
	       struct yk_err *err)
{
	p->scope = scope;
	if (p->key) {
		if (yk_key_check(scope, p->key, err) != YK_OK)
			return err->rc;
		yk_key_topic(&p->topic, scope, p->key);
	}
	if (p->message)
		yk_buf_adds(&p->payload, p->message);
	if ((p->file || p->whole_stdin) &&
	    yk_in_slurp(p->file, &p->payload, err) != YK_OK)
		return err->rc;
	if (p->pb && !streams(p))
		return encode_one(p, err);
	return YK_OK;
}

static void
msg_init(struct yk_msg *m, const struct yk_pub *p, const char *topic,
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

/* With --encode, a line is JSON and a blank one is skipped, as --ndjson
 * skips it. */
int
yk_pub_line(struct yk_pub *p, const char *f, size_t n, unsigned long line,
	    struct yk_msg *m, struct yk_err *err)
{
	size_t i = 0;

	memset(m, 0, sizeof(*m));
	if (p->pb == NULL) {
		msg_init(m, p, p->topic.p, f, n);
		return YK_OK;
	}
	while (i < n && (f[i] == ' ' || f[i] == '\t'))
		i++;
	if (i == n)
		return YK_OK;
	p->enc.len = 0;
	if (yk_pb_json_to_bytes(&p->enc, p->pb, f, n, err) != YK_OK)
		return yk_err_wrap(err, "standard input line %lu", line);
	msg_init(m, p, p->topic.p, p->enc.p, p->enc.len);
	return YK_OK;
}

/*
 * A line's own key, qos and retain (-q and -r, when given, override
 * them, as ros2 bag play's QoS overrides do), and its ts for --pace.
 */
int
yk_pub_ndjson(struct yk_pub *p, const char *f, size_t n, unsigned long line,
	      struct yk_msg *m, int64_t *rec_us, struct yk_err *err)
{
	struct yk_ndjson_meta meta;
	int prio = p->prio;

	memset(m, 0, sizeof(*m));
	*rec_us = -1;
	if (n == 0 || yk_ndjson_blank(f, n))
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
	msg_init(m, p, p->topic.p, p->payload.p ? p->payload.p : "",
		 p->payload.len);
	m->prio = prio;
	if (!p->qos_given && meta.qos >= 0)
		m->qos = meta.qos;
	if (!p->retain_given && meta.retain >= 0)
		m->retain = meta.retain;
	*rec_us = meta.ts_us;
	return YK_OK;
}

static int
feed_line(void *ud, struct yk_mqtt *s, const char *f, size_t n,
	  unsigned long line, int64_t ts_us, struct yk_err *err)
{
	struct yk_msg m;

	if (yk_pub_line(ud, f, n, line, &m, err) != YK_OK)
		return err->rc;
	if (m.topic == NULL)
		return YK_OK;
	m.ts_us = ts_us;
	return yk_mqtt_send(s, &m, err);
}

/*
 * The message is stamped when it is sent, not with the recorded ts: a
 * replay happens now (as ros2 bag play stamps it), and --pace keeps the
 * recorded spacing.
 */
static int
feed_ndjson(void *ud, struct yk_mqtt *s, const char *f, size_t n,
	    unsigned long line, int64_t ts_us, struct yk_err *err)
{
	struct yk_pub *p = ud;
	struct yk_msg m;
	int64_t rec_us, stamp = 0; /* 0: when queued (paced: when due) */

	(void)ts_us;
	if (yk_pub_ndjson(p, f, n, line, &m, &rec_us, err) != YK_OK)
		return err->rc;
	if (m.topic == NULL)
		return YK_OK;
	if (p->pace && rec_us >= 0 &&
	    yk_feed_pace(s, &p->pacer, rec_us, &stamp, err) != YK_OK)
		return err->rc;
	if (p->pace && yk_sig_stop)
		return YK_OK; /* interrupted while waiting: not sent */
	m.ts_us = stamp;
	return yk_mqtt_send(s, &m, err);
}

/* -m, -n, -f, -s: one message, --repeat times. */
static int
send_repeated(struct yk_mqtt *s, struct yk_pub *p, struct yk_err *err)
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

int
yk_pub_run(struct yk_pub *p, struct yk_mqtt *s, struct yk_err *err)
{
	struct yk_in in;
	int rc;

	if (!streams(p)) {
		rc = send_repeated(s, p, err);
	} else {
		yk_in_init(&in, 0,
			   p->framing == YK_PUB_FRAMING_DELIMITED
				   ? YK_FRAME_DELIMITED
				   : YK_FRAME_LINES,
			   "standard input");
		rc = yk_feed_run(s, &in, p->ndjson ? feed_ndjson : feed_line,
				 p, err);
		yk_in_free(&in);
	}
	/* Deliver what was accepted, even after bad input (then exit 2). */
	return yk_feed_drain(s, rc, err);
}

void
yk_pub_free(struct yk_pub *p)
{
	yk_buf_free(&p->topic);
	yk_buf_free(&p->k);
	yk_buf_free(&p->payload);
	yk_buf_free(&p->enc);
}
