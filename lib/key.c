/*
 * key.c - key validation, scoping, key-expression parsing and matching.
 *
 * Keys and query expressions arrive from the network, so no match may cost
 * more than a bound fixed by the sizes: matching a key is the classic
 * two-pointer glob over segments (the last `**` is the only restart point),
 * at most (segments of the expression + 1) x (segments of the key + 1)
 * steps; intersection and meet of two expressions memoise the pairs of
 * positions that failed, so each pair is tried once.  Expressions hold at
 * most YK_KEY_MAX_SEGS segments, which bounds those tables.  A `*` inside
 * a segment (`bot-*`) is the same two-pointer glob over its bytes.
 */
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "key.h"

static const char *const reserved_caps[] = {
	"key", "ts", "qos", "retain", "payload", "payload_b64",
	"source", "error", "alive", NULL,
};

/* True when p[0..n) is a robot id or org slug. */
static bool
id_ok(const char *p, size_t n)
{
	if (n == 0 || !((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9')))
		return false;
	for (size_t i = 1; i < n; i++) {
		char c = p[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

#define ID_RULE "use lowercase letters, digits, '.', '_' and '-', " \
		"starting with a letter or digit"

int
yk_id_check(const char *what, const char *id, struct yk_err *err)
{
	if (*id == '\0')
		return yk_err_set(err, YK_EUSAGE, "%s must not be empty", what);
	if (!id_ok(id, strlen(id)))
		return yk_err_set(err, YK_EUSAGE, "invalid %s '%s': " ID_RULE,
				  what, id);
	return YK_OK;
}

/* True when s[0..n) holds a control character (C0, DEL or C1, which
 * MQTT refuses in topics): it would also reach terminals raw. */
static bool
has_ctl(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f ||
		    (c == 0xc2 && i + 1 < n &&
		     (unsigned char)s[i + 1] >= 0x80 &&
		     (unsigned char)s[i + 1] < 0xa0))
			return true;
	}
	return false;
}

/* Check one literal segment [p, p+n). */
static bool
lit_ok(const char *p, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (p[i] == '+' || p[i] == '#' || p[i] == '*' ||
		    p[i] == '{' || p[i] == '}')
			return false;
	return yk_utf8_valid(p, n);
}

/* A segment that holds '*' among other bytes: `bot-*`, `*-1`, `a*b`. */
static bool
glob_ok(const char *p, size_t n)
{
	bool star = false, other = false;

	for (size_t i = 0; i < n; i++) {
		if (p[i] == '*')
			star = true;
		else if (p[i] == '+' || p[i] == '#' || p[i] == '{' ||
			 p[i] == '}')
			return false;
		else
			other = true;
	}
	return star && other && yk_utf8_valid(p, n);
}

/* A first segment that can match robot ids only: `bot-*`, `*-1`. */
static bool
glob_id_ok(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == '*' || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
			continue;
		if (i == 0 || !(c == '.' || c == '_' || c == '-'))
			return false;
	}
	return true;
}

/* Does the in-segment pattern p[0..pn) match s[0..sn)?  Two pointers,
 * the last '*' the restart point: at most (pn + 1) x (sn + 1) steps. */
static bool
glob_match(const char *p, size_t pn, const char *s, size_t sn,
	   unsigned long *steps)
{
	size_t pi = 0, si = 0, star = (size_t)-1, mark = 0;

	while (si < sn) {
		(*steps)++;
		if (pi < pn && p[pi] == '*') {
			star = pi++;
			mark = si;
		} else if (pi < pn && p[pi] == s[si]) {
			pi++;
			si++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			si = ++mark;
		} else {
			return false;
		}
	}
	while (pi < pn && p[pi] == '*')
		pi++;
	return pi == pn;
}

/* Is there a segment both in-segment patterns match?  When both hold a
 * '*' the stretch between their first and last '*' takes anything, so
 * only the literal heads and tails must agree. */
static bool
glob_glob(const char *a, const char *b)
{
	size_t ah = strcspn(a, "*"), bh = strcspn(b, "*");
	const char *at = strrchr(a, '*') + 1, *bt = strrchr(b, '*') + 1;
	size_t an = strlen(at), bn = strlen(bt);
	size_t h = ah < bh ? ah : bh, t = an < bn ? an : bn;

	return memcmp(a, b, h) == 0 &&
	       memcmp(at + an - t, bt + bn - t, t) == 0;
}

int
yk_root_check(const char *root, struct yk_err *err)
{
	const char *p = root;

	for (;;) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);

		if (!lit_ok(p, n) || (p == root && *p == '$'))
			return yk_err_set(err, YK_EUSAGE,
					  "invalid topic root '%s'", root);
		if (s == NULL)
			return YK_OK;
		p = s + 1;
	}
}

int
yk_key_check(const struct yk_scope *sc, const char *key, struct yk_err *err)
{
	const char *p = key;
	bool first = true;
	int nseg = 1;

	if (*key == '\0')
		return yk_err_set(err, YK_EUSAGE, "key must not be empty");
	for (const char *q = key; *q; q++)
		nseg += *q == '/';
	if (nseg > YK_KEY_MAX_SEGS)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid key '%.40s...': more than %d "
				  "segments",
				  key, YK_KEY_MAX_SEGS);
	if (has_ctl(key, strlen(key)))
		return yk_err_set(err, YK_EUSAGE,
				  "invalid key: control characters are not "
				  "allowed");
	for (;;) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);

		if (n == 0)
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key '%s': empty segment",
					  key);
		if (!yk_utf8_valid(p, n))
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key: not valid UTF-8");
		if (!lit_ok(p, n))
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key '%s': keys may not "
					  "hold '*', '+', '#', '{' or '}'",
					  key);
		if (first && !sc->raw && !id_ok(p, n))
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key '%s': invalid robot id "
					  "'%.*s': " ID_RULE,
					  key, (int)n, p);
		first = false;
		if (s == NULL)
			return YK_OK;
		p = s + 1;
	}
}

static void
add_prefix(struct yk_buf *out, const struct yk_scope *sc)
{
	if (sc->raw)
		return;
	yk_buf_adds(out, sc->root);
	yk_buf_addc(out, '/');
	yk_buf_adds(out, sc->org);
	yk_buf_addc(out, '/');
}

void
yk_key_topic(struct yk_buf *out, const struct yk_scope *sc, const char *key)
{
	add_prefix(out, sc);
	yk_buf_adds(out, key);
}

const char *
yk_key_unscope(const struct yk_scope *sc, const char *topic)
{
	size_t rn, on;

	if (sc->raw)
		return topic;
	rn = strlen(sc->root);
	on = strlen(sc->org);
	if (strncmp(topic, sc->root, rn) != 0 || topic[rn] != '/')
		return NULL;
	topic += rn + 1;
	if (strncmp(topic, sc->org, on) != 0 || topic[on] != '/')
		return NULL;
	topic += on + 1;
	/* yoke's own channels (query.h) are not user keys */
	return topic[0] == '_' ? NULL : topic;
}

void
yk_key_robot(const char *key, char *out, size_t n)
{
	size_t l = strcspn(key, "/");

	if (n == 0)
		return;
	if (l >= n)
		l = n - 1;
	memcpy(out, key, l);
	out[l] = '\0';
}

static int
cap_name_check(const char *expr, const char *name, struct yk_err *err)
{
	const char *p = name;

	if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
		goto bad;
	for (p++; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
		      *p == '_'))
			goto bad;
	for (int i = 0; reserved_caps[i]; i++)
		if (strcmp(name, reserved_caps[i]) == 0)
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key expression '%s': "
					  "capture name '%s' is reserved for "
					  "an output field",
					  expr, name);
	return YK_OK;
bad:
	return yk_err_set(err, YK_EUSAGE,
			  "invalid key expression '%s': capture name '%s' "
			  "must match [a-z_][a-z0-9_]*",
			  expr, name);
}

void
yk_kexpr_free(struct yk_kexpr *ke)
{
	for (int i = 0; i < ke->nseg; i++)
		free(ke->seg[i].text);
	free(ke->seg);
	free(ke->text);
	free(ke->filter);
	memset(ke, 0, sizeof(*ke));
}

static int
parse_seg(struct yk_kexpr *ke, const struct yk_scope *sc, const char *p,
	  size_t n, bool last, struct yk_err *err)
{
	struct yk_seg *s = &ke->seg[ke->nseg];

	s->text = NULL;
	if (n == 0)
		return yk_err_set(err, YK_EUSAGE,
				  "invalid key expression '%s': empty segment",
				  ke->text);
	if ((n == 1 && p[0] == '*') || (sc->raw && n == 1 && p[0] == '+')) {
		s->kind = YK_SEG_STAR;
	} else if ((n == 2 && p[0] == '*' && p[1] == '*') ||
		   (sc->raw && n == 1 && p[0] == '#')) {
		if (p[0] == '#' && !last)
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key expression '%s': '#' "
					  "must be the last segment",
					  ke->text);
		/* Adjacent double stars collapse: they match the same keys. */
		if (ke->nseg > 0 && ke->seg[ke->nseg - 1].kind == YK_SEG_DSTAR)
			return YK_OK;
		s->kind = YK_SEG_DSTAR;
	} else if (p[0] == '{' && n >= 2 && p[n - 1] == '}') {
		s->kind = YK_SEG_CAP;
		s->text = yk_strndup(p + 1, n - 2);
		ke->nseg++; /* owned from here: freed by yk_kexpr_free */
		if (cap_name_check(ke->text, s->text, err) != YK_OK)
			return err->rc;
		for (int i = 0; i < ke->nseg - 1; i++)
			if (ke->seg[i].kind == YK_SEG_CAP &&
			    strcmp(ke->seg[i].text, s->text) == 0)
				return yk_err_set(err, YK_EUSAGE,
						  "invalid key expression '%s':"
						  " capture '%s' appears twice",
						  ke->text, s->text);
		if (++ke->ncap > YK_MAX_CAPS)
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key expression '%s': more "
					  "than %d captures",
					  ke->text, YK_MAX_CAPS);
		return YK_OK;
	} else if (glob_ok(p, n)) {
		s->kind = YK_SEG_GLOB;
		s->text = yk_strndup(p, n);
		ke->nseg++;
		if (ke->nseg == 1 && !sc->raw && !glob_id_ok(p, n))
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key expression '%s': "
					  "invalid robot id pattern '%s': "
					  ID_RULE,
					  ke->text, s->text);
		return YK_OK;
	} else {
		if (!lit_ok(p, n))
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key expression '%s': "
					  "'**' stands alone as a segment, "
					  "'+', '#', '{', '}' are not allowed "
					  "in names",
					  ke->text);
		s->kind = YK_SEG_LIT;
		s->text = yk_strndup(p, n);
		if (ke->nseg == 0 && !sc->raw) {
			struct yk_err e2;

			if (yk_id_check("robot id", s->text, &e2) != YK_OK) {
				ke->nseg++;
				return yk_err_set(err, YK_EUSAGE,
						  "invalid key expression "
						  "'%s': %s",
						  ke->text, e2.msg);
			}
		}
	}
	ke->nseg++;
	return YK_OK;
}

int
yk_kexpr_parse(struct yk_kexpr *ke, const struct yk_scope *sc,
	       const char *text, struct yk_err *err)
{
	struct yk_buf f = {0};
	size_t nslash = 0;
	const char *p;

	memset(ke, 0, sizeof(*ke));
	ke->text = yk_strdup(text);
	for (p = text; *p; p++)
		nslash += *p == '/';
	ke->seg = yk_calloc(nslash + 1, sizeof(*ke->seg));
	if (*text == '\0') {
		yk_err_set(err, YK_EUSAGE, "key expression must not be empty");
		goto fail;
	}
	if (has_ctl(text, strlen(text))) {
		yk_err_set(err, YK_EUSAGE,
			   "invalid key expression: control characters are "
			   "not allowed");
		goto fail;
	}
	if (nslash >= YK_KEY_MAX_SEGS) {
		yk_err_set(err, YK_EUSAGE,
			   "invalid key expression '%.40s...': more than %d "
			   "segments",
			   text, YK_KEY_MAX_SEGS);
		goto fail;
	}
	p = text;
	for (;;) {
		const char *s = strchr(p, '/');
		size_t n = s ? (size_t)(s - p) : strlen(p);

		if (parse_seg(ke, sc, p, n, s == NULL, err) != YK_OK)
			goto fail;
		if (s == NULL)
			break;
		p = s + 1;
	}

	add_prefix(&f, sc);
	for (int i = 0; i < ke->nseg; i++) {
		const struct yk_seg *s = &ke->seg[i];

		if (i > 0)
			yk_buf_addc(&f, '/');
		if (s->kind == YK_SEG_LIT) {
			yk_buf_adds(&f, s->text);
		} else if (s->kind == YK_SEG_DSTAR) {
			yk_buf_addc(&f, '#');
			if (i != ke->nseg - 1)
				ke->client_match = true;
			break;
		} else {
			/* `bot-*`: the broker sends the segment, we decide */
			if (s->kind == YK_SEG_GLOB)
				ke->client_match = true;
			yk_buf_addc(&f, '+');
		}
	}
	ke->filter = f.p;
	return YK_OK;
fail:
	yk_buf_free(&f);
	yk_kexpr_free(ke);
	return err->rc;
}

bool
yk_kexpr_concrete(const struct yk_kexpr *ke)
{
	for (int i = 0; i < ke->nseg; i++)
		if (ke->seg[i].kind != YK_SEG_LIT)
			return false;
	return true;
}

struct span {
	const char *p;
	size_t n;
};

/* Does expression segment s (not a `**`) match key segment k? */
static bool
seg_match(const struct yk_seg *s, const struct span *k, unsigned long *steps)
{
	switch (s->kind) {
	case YK_SEG_LIT:
		return strlen(s->text) == k->n &&
		       memcmp(s->text, k->p, k->n) == 0;
	case YK_SEG_GLOB:
		return glob_match(s->text, strlen(s->text), k->p, k->n, steps);
	default:
		return true;
	}
}

/*
 * The two-pointer glob over segments: a `**` records where it stood; a
 * mismatch after it restarts just past that `**` with one more key segment
 * given to it.  Only the last `**` needs remembering: whatever the earlier
 * ones took can stay as it is (the classic argument for '*' globs).  The
 * shortest stretch is tried first for each `**`, so captures after it are
 * the earliest that fit.
 */
static bool
match_segs(const struct yk_kexpr *ke, const struct span *k, int nk,
	   struct yk_cap *caps, unsigned long *steps)
{
	int pi = 0, ki = 0, ci = 0;
	int star = -1, mark = 0, star_ci = 0;

	while (ki < nk) {
		const struct yk_seg *s = pi < ke->nseg ? &ke->seg[pi] : NULL;

		(*steps)++;
		if (s && s->kind == YK_SEG_DSTAR) {
			star = pi++;
			mark = ki;
			star_ci = ci;
		} else if (s && seg_match(s, &k[ki], steps)) {
			if (s->kind == YK_SEG_CAP) {
				if (caps) {
					caps[ci].name = s->text;
					caps[ci].p = k[ki].p;
					caps[ci].n = k[ki].n;
				}
				ci++;
			}
			pi++;
			ki++;
		} else if (star >= 0) {
			pi = star + 1;
			ki = ++mark;
			ci = star_ci;
		} else {
			return false;
		}
	}
	while (pi < ke->nseg && ke->seg[pi].kind == YK_SEG_DSTAR)
		pi++;
	return pi == ke->nseg;
}

bool
yk_kexpr_match_counted(const struct yk_kexpr *ke, const char *key,
		       struct yk_cap *caps, unsigned long *steps)
{
	struct span stack[32], *k = stack;
	int nk = 0, max = 32;
	const char *p = key;
	unsigned long n = 0;
	bool ok;

	for (const char *q = key; *q; q++)
		nk += *q == '/';
	if (nk + 1 > max)
		k = yk_malloc(sizeof(*k) * (size_t)(nk + 1));
	nk = 0;
	for (;;) {
		const char *s = strchr(p, '/');

		k[nk].p = p;
		k[nk].n = s ? (size_t)(s - p) : strlen(p);
		nk++;
		if (s == NULL)
			break;
		p = s + 1;
	}
	ok = match_segs(ke, k, nk, caps, &n);
	if (k != stack)
		free(k);
	if (steps)
		*steps = n;
	return ok;
}

bool
yk_kexpr_match(const struct yk_kexpr *ke, const char *key,
	       struct yk_cap *caps)
{
	return yk_kexpr_match_counted(ke, key, caps, NULL);
}

/* Pairs of positions (ai, bi) already tried and found to fail. */
struct memo {
	unsigned char *bits;
	int nb;
	unsigned long steps;
};

static void
memo_init(struct memo *m, const struct yk_kexpr *a, const struct yk_kexpr *b)
{
	size_t n = (size_t)(a->nseg + 1) * (size_t)(b->nseg + 1);

	m->bits = yk_calloc(n / 8 + 1, 1);
	m->nb = b->nseg + 1;
	m->steps = 0;
}

static bool
memo_failed(struct memo *m, int ai, int bi)
{
	size_t i = (size_t)ai * (size_t)m->nb + (size_t)bi;

	m->steps++;
	return m->bits[i / 8] & (1u << (i % 8));
}

static bool
memo_fail(struct memo *m, int ai, int bi)
{
	size_t i = (size_t)ai * (size_t)m->nb + (size_t)bi;

	m->bits[i / 8] |= (unsigned char)(1u << (i % 8));
	return false;
}

/* Can one key segment match both (neither a `**`)? */
static bool
seg_seg(const struct yk_seg *a, const struct yk_seg *b, unsigned long *steps)
{
	struct span t;

	if (a->kind == YK_SEG_LIT && b->kind == YK_SEG_LIT)
		return strcmp(a->text, b->text) == 0;
	if (a->kind == YK_SEG_GLOB && b->kind == YK_SEG_GLOB)
		return glob_glob(a->text, b->text);
	if (a->kind == YK_SEG_LIT || b->kind == YK_SEG_LIT) {
		const struct yk_seg *l = a->kind == YK_SEG_LIT ? a : b;
		const struct yk_seg *o = l == a ? b : a;

		t.p = l->text;
		t.n = strlen(l->text);
		return seg_match(o, &t, steps);
	}
	return true; /* a glob against '*' or a capture */
}

static bool
inter_at(const struct yk_kexpr *a, int ai, const struct yk_kexpr *b, int bi,
	 struct memo *m)
{
	bool ok;

	if (ai == a->nseg && bi == b->nseg)
		return true;
	if (memo_failed(m, ai, bi))
		return false;
	if (ai < a->nseg && a->seg[ai].kind == YK_SEG_DSTAR)
		ok = inter_at(a, ai + 1, b, bi, m) ||
		     (bi < b->nseg && inter_at(a, ai, b, bi + 1, m));
	else if (bi < b->nseg && b->seg[bi].kind == YK_SEG_DSTAR)
		ok = inter_at(a, ai, b, bi + 1, m) ||
		     (ai < a->nseg && inter_at(a, ai + 1, b, bi, m));
	else
		ok = ai < a->nseg && bi < b->nseg &&
		     seg_seg(&a->seg[ai], &b->seg[bi], &m->steps) &&
		     inter_at(a, ai + 1, b, bi + 1, m);
	return ok || memo_fail(m, ai, bi);
}

bool
yk_kexpr_intersects_counted(const struct yk_kexpr *a,
			    const struct yk_kexpr *b, unsigned long *steps)
{
	struct memo m;
	bool ok;

	memo_init(&m, a, b);
	ok = inter_at(a, 0, b, 0, &m);
	free(m.bits);
	if (steps)
		*steps = m.steps;
	return ok;
}

bool
yk_kexpr_intersects(const struct yk_kexpr *a, const struct yk_kexpr *b)
{
	return yk_kexpr_intersects_counted(a, b, NULL);
}

/* The meet, segment by segment: out collects the chosen segments. */
struct meet {
	const struct yk_kexpr *a, *b;
	const char **seg;
	int n;
	struct memo memo;
};

static const char *
seg_text(const struct yk_seg *s)
{
	switch (s->kind) {
	case YK_SEG_LIT:
	case YK_SEG_GLOB:
		return s->text;
	case YK_SEG_DSTAR:
		return "**";
	default:
		return "*";
	}
}

static size_t
glob_lits(const char *t)
{
	size_t n = 0;

	for (; *t; t++)
		n += *t != '*';
	return n;
}

/*
 * The segment of the meet where a and b (neither a `**`, known to agree)
 * face each other: a literal names the one segment; two globs meet in
 * segments that no single glob describes in general (`bot-*` and `*-1`),
 * so the one that says more stands for them (the asker checks the reply's
 * key against its own expression), the smaller text on a tie so that the
 * meet stays symmetric.
 */
static const char *
meet_seg(const struct yk_seg *a, const struct yk_seg *b)
{
	size_t la, lb;

	if (a->kind == YK_SEG_LIT || b->kind == YK_SEG_LIT)
		return a->kind == YK_SEG_LIT ? a->text : b->text;
	if (a->kind != YK_SEG_GLOB || b->kind != YK_SEG_GLOB)
		return seg_text(a->kind == YK_SEG_GLOB ? a : b);
	la = glob_lits(a->text);
	lb = glob_lits(b->text);
	if (la != lb)
		return la > lb ? a->text : b->text;
	return strcmp(a->text, b->text) <= 0 ? a->text : b->text;
}

static bool meet_at(struct meet *m, int ai, int bi);

/* Try segment text t (NULL: none) then the rest from (ai, bi). */
static bool
meet_try(struct meet *m, const char *t, int ai, int bi)
{
	if (t)
		m->seg[m->n++] = t;
	if (meet_at(m, ai, bi))
		return true;
	if (t)
		m->n--;
	return false;
}

/*
 * Depth-first over the ways the two expressions can line up; the first
 * that works is kept.  The order of the tries is what makes it "most
 * specific": a double star facing a double star stays one (and the one
 * that goes on may still take the other side's later segments), and one
 * facing a segment first tries to match nothing, then to take it.  Whether
 * the rest from (ai, bi) works does not depend on the path that led there,
 * so a pair that failed once is not tried again.
 */
static bool
meet_at(struct meet *m, int ai, int bi)
{
	const struct yk_kexpr *a = m->a, *b = m->b;
	const struct yk_seg *sa = ai < a->nseg ? &a->seg[ai] : NULL;
	const struct yk_seg *sb = bi < b->nseg ? &b->seg[bi] : NULL;
	bool da = sa && sa->kind == YK_SEG_DSTAR;
	bool db = sb && sb->kind == YK_SEG_DSTAR;
	bool ok;

	if (sa == NULL && sb == NULL)
		return true;
	if (memo_failed(&m->memo, ai, bi))
		return false;
	if (da && db) /* the shared stretch, then whichever goes on */
		ok = meet_try(m, "**", ai + 1, bi + 1) ||
		     meet_try(m, "**", ai + 1, bi) ||
		     meet_try(m, "**", ai, bi + 1);
	else if (da)
		ok = meet_try(m, NULL, ai + 1, bi) ||
		     (sb && meet_try(m, seg_text(sb), ai, bi + 1));
	else if (db)
		ok = meet_try(m, NULL, ai, bi + 1) ||
		     (sa && meet_try(m, seg_text(sa), ai + 1, bi));
	else
		ok = sa && sb && seg_seg(sa, sb, &m->memo.steps) &&
		     meet_try(m, meet_seg(sa, sb), ai + 1, bi + 1);
	return ok || memo_fail(&m->memo, ai, bi);
}

bool
yk_kexpr_meet_counted(const struct yk_kexpr *a, const struct yk_kexpr *b,
		      struct yk_buf *out, unsigned long *steps)
{
	struct meet m = {a, b, NULL, 0, {0}};
	bool ok;

	m.seg = yk_calloc((size_t)(a->nseg + b->nseg + 1), sizeof(*m.seg));
	memo_init(&m.memo, a, b);
	ok = meet_at(&m, 0, 0);
	for (int i = 0; ok && i < m.n; i++) {
		/* "**" next to "**" says nothing more */
		if (i > 0 && strcmp(m.seg[i], "**") == 0 &&
		    strcmp(m.seg[i - 1], "**") == 0)
			continue;
		if (i > 0)
			yk_buf_addc(out, '/');
		yk_buf_adds(out, m.seg[i]);
	}
	free(m.seg);
	free(m.memo.bits);
	if (steps)
		*steps = m.memo.steps;
	return ok;
}

bool
yk_kexpr_meet(const struct yk_kexpr *a, const struct yk_kexpr *b,
	      struct yk_buf *out)
{
	return yk_kexpr_meet_counted(a, b, out, NULL);
}
