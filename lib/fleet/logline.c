/*
 * logline.c - log entries: write, read, rank, print.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "fleet.h"
#include "json.h"
#include "logline.h"
#include "text.h"

bool
yk_logline_json(struct yk_buf *b, struct yk_buf *tmp, const char *level,
		const char *s, size_t n, int64_t ts_us)
{
	bool cut = false;

	yk_buf_adds(b, "{\"level\":");
	yk_json_strz(b, level);
	yk_buf_adds(b, ",\"message\":");
	if (n <= YK_LOG_MAX_CHARS && yk_utf8_valid(s, n)) {
		yk_json_str(b, s, n);
	} else {
		yk_buf_truncate(tmp, 0);
		cut = yk_text_utf8(tmp, s, n, YK_LOG_MAX_CHARS);
		yk_json_str(b, tmp->p, tmp->len);
	}
	yk_buf_adds(b, ",\"ts\":");
	yk_json_ts(b, ts_us);
	yk_buf_addc(b, '}');
	return cut;
}

int
yk_logline_parse(struct yk_logline *l, const char *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	bool lv = false, msg = false;

	l->ts_us = -1;
	yk_buf_truncate(&l->level, 0);
	yk_buf_truncate(&l->message, 0);
	if (!yk_json_obj_begin(&it, p, n))
		return -1;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		struct yk_buf *into = NULL;

		if (yk_json_key_is(k, kn, "level"))
			into = &l->level;
		else if (yk_json_key_is(k, kn, "message"))
			into = &l->message;
		if (into && vn > 0 && v[0] == '"') {
			yk_buf_truncate(into, 0);
			yk_json_unescape(into, v, vn);
			*(into == &l->level ? &lv : &msg) = true;
		} else if (yk_json_key_is(k, kn, "ts")) {
			double t;

			if (yk_json_num(v, vn, &t) && t > 0 && t < 1e11)
				l->ts_us = (int64_t)(t * 1e6 + 0.5);
		}
	}
	if (!lv || !msg)
		return -1;
	yk_buf_addc(&l->level, '\0'); /* an empty one must be a string too */
	l->level.len--;
	return 0;
}

int
yk_logline_rank(const char *level)
{
	for (int i = 0; yk_fleet_levels[i]; i++)
		if (strcmp(yk_fleet_levels[i], level) == 0)
			return i;
	return 1;
}

enum { DEBUG, INFO, WARN, ERROR };

/* The words, any case; syslog's, Python's, Java's (SEVERE, FINE), Go's
 * and Rust's (TRACE); and the first line of a Python or Java crash
 * (Traceback, Exception), so that its indented lines are errors too. */
static const struct {
	const char *word;
	int level;
} words[] = {
	{"trace", DEBUG},   {"debug", DEBUG},  {"dbg", DEBUG},
	{"verbose", DEBUG}, {"fine", DEBUG},   {"finer", DEBUG},
	{"finest", DEBUG},  {"info", INFO},    {"notice", INFO},
	{"warn", WARN},     {"warning", WARN}, {"error", ERROR},
	{"err", ERROR},     {"fatal", ERROR},  {"critical", ERROR},
	{"crit", ERROR},    {"alert", ERROR},  {"emerg", ERROR},
	{"panic", ERROR},   {"severe", ERROR}, {"traceback", ERROR},
	{"exception", ERROR},
};

/* logcat and glog letters; syslog priorities 0..7 */
static int
letter(char c)
{
	switch (c) {
	case 'V': case 'D': return DEBUG;
	case 'I': return INFO;
	case 'W': return WARN;
	case 'E': case 'F': case 'A': return ERROR;
	}
	return -1;
}

static const int prio[8] = {ERROR, ERROR, ERROR, ERROR,
			    WARN,  INFO,  INFO,  DEBUG};

/* The level word at s (a level in its own right: what follows it ends
 * it), or -1. */
static int
word_at(const char *s, const char *e)
{
	const char *w;
	size_t n;

	if (s < e && strchr("[(<", *s))
		s++;
	for (w = s; w < e && isalpha((unsigned char)*w); w++)
		;
	n = (size_t)(w - s);
	if (n == 0 || (w < e && !strchr(" \t:|-])>", *w)))
		return -1;
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i].word) == n &&
		    strncasecmp(words[i].word, s, n) == 0)
			return words[i].level;
	return -1;
}

/* A timestamp word: a digit first (after an optional '['), then only
 * digits and - : . , / T Z + ]. */
static bool
stamp(const char *s, const char *e)
{
	if (s < e && *s == '[')
		s++;
	if (s == e || !isdigit((unsigned char)*s))
		return false;
	for (; s < e; s++)
		if (!isdigit((unsigned char)*s) && !strchr("-:.,/TZ+]", *s))
			return false;
	return true;
}

static const char *
skip_blanks(const char *s, const char *e)
{
	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	return s;
}

static const char *
word_end(const char *s, const char *e)
{
	while (s < e && *s != ' ' && *s != '\t')
		s++;
	return s;
}

static int
guess(const char *s, const char *e)
{
	const char *w;
	int lv;

	s = skip_blanks(s, e);
	/* <3>: a syslog priority */
	if (e - s >= 3 && s[0] == '<' && s[1] >= '0' && s[1] <= '7' &&
	    s[2] == '>')
		return prio[s[1] - '0'];
	/* E/Tag: logcat; E1204: glog (month and day) */
	if (e - s >= 2 && letter(s[0]) >= 0 && s[1] == '/')
		return letter(s[0]);
	if (e - s >= 5 && letter(s[0]) >= 0 && s[0] != 'V' && s[0] != 'D' &&
	    s[0] != 'A' && isdigit((unsigned char)s[1]) &&
	    isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3]) &&
	    isdigit((unsigned char)s[4]))
		return letter(s[0]);
	lv = word_at(s, e);
	if (lv >= 0)
		return lv;
	/* up to two timestamp words, then a separator, then the word */
	for (int k = 0; k < 2 && s < e; k++) {
		w = word_end(s, e);
		if (!stamp(s, w))
			break;
		s = skip_blanks(w, e);
		if (e - s >= 2 && strchr("-|", *s) &&
		    (s[1] == ' ' || s[1] == '\t'))
			s = skip_blanks(s + 1, e);
		lv = word_at(s, e);
		if (lv >= 0)
			return lv;
	}
	return -1;
}

const char *
yk_logline_guess(const char *s, size_t n, const char *prev)
{
	int lv = guess(s, s + n);

	if (lv >= 0)
		return yk_fleet_levels[lv];
	if (prev && n > 0 && (s[0] == ' ' || s[0] == '\t'))
		return prev;
	return yk_fleet_levels[INFO];
}

/* The colour of each level on a terminal, by yk_fleet_levels index. */
static const char *const colours[] = {"\033[2m", "", "\033[33m",
				      "\033[31m"};

bool
yk_logline_print(struct yk_print *pr, const char *robot,
		 const struct yk_logline *e, const char *p, size_t n)
{
	const char *m = e->message.p ? e->message.p : "", *nl;
	size_t left = e->message.len;

	yk_print_begin(pr);
	yk_print_time(pr, e->ts_us >= 0 ? e->ts_us : yk_now_us());
	yk_print_str(pr, YK_PR_ANY, "robot", robot, NULL);
	if (yk_print_members(pr, p, n, NULL) < 0) {
		yk_print_drop(pr);
		return false;
	}
	yk_print_strn(pr, YK_PR_TEXT, NULL, e->level.p, e->level.len,
		      &(struct yk_cell){
			      .upper = true, .max = YK_LOG_LEVEL_COLS,
			      .sgr = colours[yk_logline_rank(e->level.p)]});
	for (;;) {
		nl = memchr(m, '\n', left);
		yk_print_strn(pr, YK_PR_TEXT, NULL, m,
			      nl ? (size_t)(nl - m) : left, NULL);
		if (nl == NULL)
			break;
		left -= (size_t)(nl - m) + 1;
		m = nl + 1;
		/* the next line under the robot */
		yk_print_break(pr, (int)strlen("HH:MM:SS "));
	}
	yk_print_end(pr);
	return true;
}

void
yk_logline_free(struct yk_logline *l)
{
	yk_buf_free(&l->level);
	yk_buf_free(&l->message);
}
