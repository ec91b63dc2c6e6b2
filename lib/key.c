/*
 * key.c - key validation, scoping, key-expression parsing and matching.
 *
 * Matching is backtracking glob over segments; keys and expressions are
 * short (a handful of segments), so the worst case of `**` backtracking does
 * not matter in practice and keeps the code obvious.
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

	if (*key == '\0')
		return yk_err_set(err, YK_EUSAGE, "key must not be empty");
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
	} else {
		if (!lit_ok(p, n))
			return yk_err_set(err, YK_EUSAGE,
					  "invalid key expression '%s': "
					  "'*' and '**' stand alone as "
					  "segments, '+', '#', '{', '}' are "
					  "not allowed in names",
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
			ke->client_match = i != ke->nseg - 1;
			break;
		} else {
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

static bool
match_at(const struct yk_kexpr *ke, int pi, const struct span *k, int nk,
	 int ki, struct yk_cap *caps, int ci)
{
	while (pi < ke->nseg) {
		const struct yk_seg *s = &ke->seg[pi];

		if (s->kind == YK_SEG_DSTAR) {
			if (pi == ke->nseg - 1)
				return true;
			for (int j = ki; j <= nk; j++)
				if (match_at(ke, pi + 1, k, nk, j, caps, ci))
					return true;
			return false;
		}
		if (ki == nk)
			return false;
		if (s->kind == YK_SEG_LIT) {
			if (strlen(s->text) != k[ki].n ||
			    memcmp(s->text, k[ki].p, k[ki].n) != 0)
				return false;
		} else if (s->kind == YK_SEG_CAP) {
			if (caps) {
				caps[ci].name = s->text;
				caps[ci].p = k[ki].p;
				caps[ci].n = k[ki].n;
			}
			ci++;
		}
		pi++;
		ki++;
	}
	return ki == nk;
}

bool
yk_kexpr_match(const struct yk_kexpr *ke, const char *key,
	       struct yk_cap *caps)
{
	struct span stack[32], *k = stack;
	int nk = 0, max = 32;
	const char *p = key;
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
	ok = match_at(ke, 0, k, nk, 0, caps, 0);
	if (k != stack)
		free(k);
	return ok;
}

static bool
inter_at(const struct yk_kexpr *a, int ai, const struct yk_kexpr *b, int bi)
{
	if (ai == a->nseg && bi == b->nseg)
		return true;
	if (ai < a->nseg && a->seg[ai].kind == YK_SEG_DSTAR)
		return inter_at(a, ai + 1, b, bi) ||
		       (bi < b->nseg && inter_at(a, ai, b, bi + 1));
	if (bi < b->nseg && b->seg[bi].kind == YK_SEG_DSTAR)
		return inter_at(a, ai, b, bi + 1) ||
		       (ai < a->nseg && inter_at(a, ai + 1, b, bi));
	if (ai == a->nseg || bi == b->nseg)
		return false;
	if (a->seg[ai].kind == YK_SEG_LIT && b->seg[bi].kind == YK_SEG_LIT &&
	    strcmp(a->seg[ai].text, b->seg[bi].text) != 0)
		return false;
	return inter_at(a, ai + 1, b, bi + 1);
}

bool
yk_kexpr_intersects(const struct yk_kexpr *a, const struct yk_kexpr *b)
{
	return inter_at(a, 0, b, 0);
}

/* The meet, segment by segment: out collects the chosen segments. */
struct meet {
	const struct yk_kexpr *a, *b;
	const char **seg;
	int n;
};

static const char *
seg_text(const struct yk_seg *s)
{
	switch (s->kind) {
	case YK_SEG_LIT:
		return s->text;
	case YK_SEG_DSTAR:
		return "**";
	default:
		return "*";
	}
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
 * facing a segment first tries to match nothing, then to take it.
 */
static bool
meet_at(struct meet *m, int ai, int bi)
{
	const struct yk_kexpr *a = m->a, *b = m->b;
	const struct yk_seg *sa = ai < a->nseg ? &a->seg[ai] : NULL;
	const struct yk_seg *sb = bi < b->nseg ? &b->seg[bi] : NULL;
	bool da = sa && sa->kind == YK_SEG_DSTAR;
	bool db = sb && sb->kind == YK_SEG_DSTAR;

	if (sa == NULL && sb == NULL)
		return true;
	if (da && db) /* the shared stretch, then whichever goes on */
		return meet_try(m, "**", ai + 1, bi + 1) ||
		       meet_try(m, "**", ai + 1, bi) ||
		       meet_try(m, "**", ai, bi + 1);
	if (da)
		return meet_try(m, NULL, ai + 1, bi) ||
		       (sb && meet_try(m, seg_text(sb), ai, bi + 1));
	if (db)
		return meet_try(m, NULL, ai, bi + 1) ||
		       (sa && meet_try(m, seg_text(sa), ai + 1, bi));
	if (sa == NULL || sb == NULL)
		return false;
	if (sa->kind == YK_SEG_LIT && sb->kind == YK_SEG_LIT &&
	    strcmp(sa->text, sb->text) != 0)
		return false;
	return meet_try(m, seg_text(sa->kind == YK_SEG_LIT ? sa : sb), ai + 1,
			bi + 1);
}

bool
yk_kexpr_meet(const struct yk_kexpr *a, const struct yk_kexpr *b,
	      struct yk_buf *out)
{
	struct meet m = {a, b, NULL, 0};
	bool ok;

	m.seg = yk_calloc((size_t)(a->nseg + b->nseg + 1), sizeof(*m.seg));
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
	return ok;
}
