/*
 * fleet.c - fleet channel names, checks and payloads.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "clock.h"
#include "fleet.h"
#include "json.h"

const char *const yk_fleet_statuses[] = {"online", "idle", "fault",
					 "offline", NULL};
const char *const yk_fleet_severities[] = {"info", "warning", "error",
					   "critical", NULL};
const char *const yk_fleet_levels[] = {"debug", "info", "warn", "error",
				       NULL};

int
yk_fleet_pick(const char *what, const char *const names[], const char *v,
	      struct yk_err *err)
{
	struct yk_buf list = {0};
	int n = 0;

	for (int i = 0; names[i]; i++) {
		if (strcmp(names[i], v) == 0)
			return i;
		n++;
	}
	for (int i = 0; i < n; i++) {
		if (i > 0)
			yk_buf_adds(&list, i == n - 1 ? " or " : ", ");
		yk_buf_adds(&list, names[i]);
	}
	yk_err_set(err, YK_EUSAGE, "invalid %s '%s': use %s", what, v,
		   list.p);
	yk_buf_free(&list);
	return -1;
}

void
yk_fleet_topic(struct yk_buf *t, const struct yk_scope *sc,
	       const char *robot, const char *chan)
{
	yk_key_topic(t, sc, robot);
	yk_buf_addc(t, '/');
	yk_buf_adds(t, chan);
}

void
yk_uuid4(char out[37])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[16];
	size_t got = 0;

	/* getrandom(2) of 16 bytes from an initialised pool does not fail
	 * short; the loop covers a signal. */
	while (got < sizeof(r)) {
		ssize_t n = getrandom(r + got, sizeof(r) - got, 0);

		if (n > 0)
			got += (size_t)n;
	}
	r[6] = (unsigned char)((r[6] & 0x0f) | 0x40); /* version 4 */
	r[8] = (unsigned char)((r[8] & 0x3f) | 0x80); /* RFC 4122 variant */
	for (int i = 0, o = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[r[i] >> 4];
		out[o++] = hex[r[i] & 15];
	}
	out[36] = '\0';
}

int
yk_fleet_code(struct yk_buf *out, const char *code, struct yk_err *err)
{
	const char *e = code + strlen(code);

	while (isspace((unsigned char)*code))
		code++;
	while (e > code && isspace((unsigned char)e[-1]))
		e--;
	if (e == code)
		return yk_err_set(err, YK_EUSAGE, "fault code is empty");
	yk_buf_truncate(out, 0);
	for (; code < e; code++)
		yk_buf_addc(out, (char)toupper((unsigned char)*code));
	return YK_OK;
}

int
yk_fleet_object(const char *what, const char *s, struct yk_err *err)
{
	const char *p = s;

	while (isspace((unsigned char)*p))
		p++;
	if (*p != '{' || !yk_json_valid(s, strlen(s)))
		return yk_err_set(err, YK_EUSAGE, "%s is not a JSON object",
				  what);
	return YK_OK;
}

void
yk_fleet_fault_json(struct yk_buf *b, const struct yk_fault *f)
{
	yk_buf_adds(b, "{\"fault_id\":");
	yk_json_strz(b, f->id);
	yk_buf_adds(b, ",\"code\":");
	yk_json_strz(b, f->code);
	yk_buf_adds(b, ",\"severity\":");
	yk_json_strz(b, f->severity);
	yk_buf_adds(b, ",\"data\":");
	if (f->data)
		yk_json_minify(b, f->data, strlen(f->data));
	else
		yk_buf_adds(b, "null");
	yk_buf_adds(b, ",\"ts\":");
	yk_json_ts(b, f->ts_us);
	yk_buf_addc(b, '}');
}

/* A string member's value, unescaped into b; false when v is none. */
static bool
str_into(struct yk_buf *b, const char *v, size_t vn)
{
	if (v[0] != '"')
		return false;
	yk_buf_truncate(b, 0);
	yk_json_unescape(b, v, vn);
	return true;
}

bool
yk_fleet_fault_read(struct yk_fault_in *f, const void *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v, *ts = NULL;
	size_t kn, vn, tsn = 0;
	bool seen_resolved = false;
	double t;

	yk_buf_truncate(&f->id, 0);
	yk_buf_truncate(&f->code, 0);
	yk_buf_truncate(&f->severity, 0);
	f->resolved = false;
	f->data = NULL;
	f->ts_us = -1;
	f->object = yk_json_obj_begin(&it, p, n);
	while (f->object && yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (yk_json_key_is(k, kn, "fault_id"))
			str_into(&f->id, v, vn);
		else if (yk_json_key_is(k, kn, "code"))
			str_into(&f->code, v, vn);
		else if (yk_json_key_is(k, kn, "severity"))
			str_into(&f->severity, v, vn);
		if (yk_json_key_is(k, kn, "data")) {
			f->data = v;
			f->data_len = vn;
		} else if (yk_json_key_is(k, kn, "ts")) {
			ts = v;
			tsn = vn;
		} else if (yk_json_key_is(k, kn, "resolved") &&
			   !seen_resolved) {
			seen_resolved = true;
			f->resolved = vn == 4 && memcmp(v, "true", 4) == 0;
		}
	}
	if (f->data && f->data_len == 4 && memcmp(f->data, "null", 4) == 0)
		f->data = NULL;
	if (ts && yk_json_num(ts, tsn, &t) && t >= 0 && t <= 1e11)
		f->ts_us = (int64_t)(t * 1e6);
	return f->id.len > 0;
}

void
yk_fleet_fault_in_free(struct yk_fault_in *f)
{
	yk_buf_free(&f->id);
	yk_buf_free(&f->code);
	yk_buf_free(&f->severity);
}

void
yk_fleet_status_json(struct yk_buf *b, const struct yk_status *st)
{
	const struct yk_status_rd *was = st->faults_of;

	yk_buf_adds(b, "{\"status\":");
	yk_json_strz(b, st->status);
	if (st->ts_us != 0) {
		yk_buf_adds(b, ",\"ts\":");
		yk_json_ts(b, st->ts_us);
	}
	if (st->reason) {
		yk_buf_adds(b, ",\"reason\":");
		yk_json_strz(b, st->reason);
	}
	if (st->heartbeat_s > 0)
		yk_buf_addf(b, ",\"heartbeat_s\":%ld", st->heartbeat_s);
	if (st->fault) {
		yk_buf_adds(b, ",\"fault\":");
		yk_fleet_fault_json(b, st->fault);
	} else if (was) {
		if (was->fault) {
			yk_buf_adds(b, ",\"fault\":");
			yk_buf_add(b, was->fault, was->fault_n);
		}
		if (was->open && was->open[0] == '[') {
			yk_buf_adds(b, ",\"open_faults\":");
			yk_buf_add(b, was->open, was->open_n);
		}
	}
	yk_buf_addc(b, '}');
}

bool
yk_fleet_status_read(struct yk_status_rd *st, const void *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	char *name;

	memset(st, 0, sizeof(*st));
	if (!yk_json_obj_begin(&it, p, n))
		return false;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (yk_json_key_is(k, kn, "status")) {
			name = yk_json_strdup(v, vn);
			st->named = name && strlen(name) < sizeof(st->status);
			if (st->named)
				strcpy(st->status, name);
			free(name);
		} else if (yk_json_key_is(k, kn, "ts")) {
			st->ts_us = yk_json_ts_us(v, vn);
		} else if (yk_json_key_is(k, kn, "reason")) {
			free(st->reason);
			st->reason = yk_json_strdup(v, vn);
		} else if (yk_json_key_is(k, kn, "fault") && vn > 0 &&
			   v[0] == '{') {
			st->fault = v;
			st->fault_n = vn;
		} else if (yk_json_key_is(k, kn, "open_faults")) {
			st->open = v;
			st->open_n = vn;
		}
	}
	if (!st->named)
		st->status[0] = '\0';
	return true;
}

void
yk_fleet_status_rd_free(struct yk_status_rd *st)
{
	free(st->reason);
	st->reason = NULL;
}

void
yk_fleet_heartbeat_json(struct yk_buf *b, const struct yk_heartbeat *hb)
{
	yk_buf_adds(b, "{\"ts\":");
	yk_json_ts(b, hb->ts_us);
	yk_buf_addf(b, ",\"seq\":%lld,\"uptime_s\":%lld", hb->seq,
		    hb->uptime_s);
	if (hb->token)
		yk_buf_adds(b, ",\"token\":true");
	yk_buf_addc(b, '}');
}

bool
yk_fleet_heartbeat_read(struct yk_heartbeat *hb, const void *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	double d;

	*hb = (struct yk_heartbeat){.ts_us = -1, .seq = -1, .uptime_s = -1};
	if (!yk_json_obj_begin(&it, p, n))
		return false;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (yk_json_key_is(k, kn, "ts"))
			hb->ts_us = yk_json_ts_us(v, vn);
		else if (yk_json_key_is(k, kn, "seq"))
			hb->seq = yk_json_num(v, vn, &d) ? (long long)d : 0;
		else if (yk_json_key_is(k, kn, "uptime_s"))
			hb->uptime_s = yk_json_num(v, vn, &d) ? (long long)d
							       : 0;
		else if (yk_json_key_is(k, kn, "token"))
			hb->token = vn == 4 && memcmp(v, "true", 4) == 0;
	}
	return true;
}

void
yk_fleet_meta_json(struct yk_buf *b, const char *name, const char *model,
		   int64_t created_us)
{
	yk_buf_adds(b, "{\"name\":");
	yk_json_strz(b, name);
	if (model) {
		yk_buf_adds(b, ",\"model\":");
		yk_json_strz(b, model);
	}
	yk_buf_adds(b, ",\"created\":");
	yk_json_ts(b, created_us);
	yk_buf_addc(b, '}');
}

bool
yk_fleet_meta_read(char **name, char **model, const void *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	free(*name);
	free(*model);
	*name = *model = NULL;
	if (!yk_json_obj_begin(&it, p, n))
		return false;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		char **dst = yk_json_key_is(k, kn, "name")    ? name
			     : yk_json_key_is(k, kn, "model") ? model
							      : NULL;

		if (dst) {
			free(*dst);
			*dst = yk_json_strdup(v, vn);
		}
	}
	return true;
}

void
yk_fleet_alive_json(struct yk_buf *b, const char *host, const char *holder)
{
	yk_buf_adds(b, "{\"alive\":true,\"since\":");
	yk_json_ts(b, yk_now_us());
	yk_buf_adds(b, ",\"host\":");
	yk_json_strz(b, host);
	yk_buf_addf(b, ",\"pid\":%ld", (long)getpid());
	if (holder) {
		yk_buf_adds(b, ",\"holder\":");
		yk_json_strz(b, holder);
	}
	yk_buf_addc(b, '}');
}

void
yk_fleet_holder_json(struct yk_buf *b, const char *holder, const char *event)
{
	yk_buf_adds(b, "{\"holder\":");
	yk_json_strz(b, holder);
	yk_buf_adds(b, ",\"event\":");
	yk_json_strz(b, event);
	yk_buf_addc(b, '}');
}

bool
yk_fleet_token_live(const void *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (n == 0)
		return false;
	if (!yk_json_obj_begin(&it, p, n))
		return true; /* any other bytes: another tool's token */
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, "alive") && vn == 5 &&
		    memcmp(v, "false", 5) == 0)
			return false;
	return true;
}

/* The string member name of the object p[0..n), unescaped, into out
 * (truncated to outn); "" when absent or not a string. */
static void
str_member(char *out, size_t outn, const char *p, size_t n, const char *name)
{
	struct yk_json_iter it;
	struct yk_buf b = {0};
	const char *k, *v;
	size_t kn, vn;

	out[0] = '\0';
	if (!yk_json_obj_begin(&it, p, n))
		return;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, name) && v[0] == '"' &&
		    yk_json_unescape(&b, v, vn) == YK_OK) {
			snprintf(out, outn, "%.*s", (int)b.len, b.p);
			break;
		}
	yk_buf_free(&b);
}

void
yk_fleet_open_add(struct yk_open_faults *o, const char *f, size_t n)
{
	if (o->n == YK_FLEET_OPEN_MAX) {
		/* the oldest gives way */
		yk_buf_free(&o->f[0]);
		memmove(&o->f[0], &o->f[1], sizeof(o->f[0]) * (o->n - 1));
		memmove(o->id[0], o->id[1], sizeof(o->id[0]) * (o->n - 1));
		o->n--;
	}
	o->f[o->n] = (struct yk_buf){0};
	yk_json_minify(&o->f[o->n], f, n);
	str_member(o->id[o->n], sizeof(o->id[0]), f, n, "fault_id");
	o->n++;
}

void
yk_fleet_open_read(struct yk_open_faults *o, const void *payload, size_t n)
{
	struct yk_json_iter it, arr;
	const char *p = payload, *k, *v, *e;
	const char *one = NULL;
	size_t kn, vn, en, onen = 0;
	bool listed = false;

	memset(o, 0, sizeof(*o));
	o->known = true;
	if (n == 0 || !yk_json_obj_begin(&it, p, n))
		return;
	str_member(o->status, sizeof(o->status), p, n, "status");
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
		if (yk_json_key_is(k, kn, "open_faults") &&
		    yk_json_arr_enter(&arr, v, vn)) {
			listed = true;
			while (yk_json_arr_next(&arr, &e, &en))
				if (en > 0 && e[0] == '{')
					yk_fleet_open_add(o, e, en);
		} else if (yk_json_key_is(k, kn, "fault") && vn > 0 &&
			   v[0] == '{') {
			one = v;
			onen = vn;
		}
	}
	if (!listed && one)
		yk_fleet_open_add(o, one, onen);
	if (!listed && !one && strcmp(o->status, "fault") == 0)
		o->known = false;
}

int
yk_fleet_open_find(const struct yk_open_faults *o, const char *id)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->id[i][0] && strcmp(o->id[i], id) == 0)
			return (int)i;
	return -1;
}

void
yk_fleet_open_del(struct yk_open_faults *o, int i)
{
	yk_buf_free(&o->f[i]);
	memmove(&o->f[i], &o->f[i + 1], sizeof(o->f[0]) * (o->n - i - 1));
	memmove(o->id[i], o->id[i + 1], sizeof(o->id[0]) * (o->n - i - 1));
	o->n--;
}

void
yk_fleet_open_free(struct yk_open_faults *o)
{
	for (size_t i = 0; i < o->n; i++)
		yk_buf_free(&o->f[i]);
	o->n = 0;
}

void
yk_fleet_open_status(struct yk_buf *b, const void *old, size_t n,
		     const char *status, int64_t ts_us,
		     const struct yk_open_faults *o)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;
	bool first = true;

	if (n > 0 && strcmp(status, o->status) == 0 &&
	    yk_json_obj_begin(&it, old, n)) {
		yk_buf_addc(b, '{');
		while (yk_json_obj_next(&it, &k, &kn, &v, &vn)) {
			if (yk_json_key_is(k, kn, "fault") ||
			    yk_json_key_is(k, kn, "open_faults"))
				continue;
			if (!first)
				yk_buf_addc(b, ',');
			first = false;
			yk_buf_add(b, k, kn);
			yk_buf_addc(b, ':');
			yk_json_minify(b, v, vn);
		}
	} else {
		yk_buf_adds(b, "{\"status\":");
		yk_json_strz(b, status);
		yk_buf_adds(b, ",\"ts\":");
		yk_json_ts(b, ts_us);
	}
	if (o->n > 0) {
		yk_buf_adds(b, ",\"fault\":");
		yk_buf_add(b, o->f[o->n - 1].p, o->f[o->n - 1].len);
		yk_buf_adds(b, ",\"open_faults\":[");
		for (size_t i = 0; i < o->n; i++) {
			if (i > 0)
				yk_buf_addc(b, ',');
			yk_buf_add(b, o->f[i].p, o->f[i].len);
		}
		yk_buf_addc(b, ']');
	}
	yk_buf_addc(b, '}');
}

void
yk_fleet_resolution_json(struct yk_buf *b, const char *id, const char *code,
			 int64_t ts_us)
{
	yk_buf_adds(b, "{\"fault_id\":");
	yk_json_strz(b, id);
	if (code && *code) {
		yk_buf_adds(b, ",\"code\":");
		yk_json_strz(b, code);
	}
	yk_buf_adds(b, ",\"resolved\":true,\"ts\":");
	yk_json_ts(b, ts_us);
	yk_buf_addc(b, '}');
}

bool
yk_fleet_is_resolution(const void *p, size_t n)
{
	struct yk_json_iter it;
	const char *k, *v;
	size_t kn, vn;

	if (!yk_json_obj_begin(&it, p, n))
		return false;
	while (yk_json_obj_next(&it, &k, &kn, &v, &vn))
		if (yk_json_key_is(k, kn, "resolved"))
			return vn == 4 && memcmp(v, "true", 4) == 0;
	return false;
}

bool
yk_fleet_is_id(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (; *s; s++)
		if (*s <= ' ' || *s > '~' || *s == '"' || *s == '\\')
			return false;
	return true;
}

void
yk_fleet_report(struct yk_fleet_change *ch, const void *old, size_t n,
		const struct yk_fault *f)
{
	struct yk_open_faults o;
	struct yk_buf *b = &ch->event[ch->nevent++];

	yk_fleet_fault_json(b, f);
	yk_fleet_open_read(&o, old, n);
	yk_fleet_open_add(&o, b->p, b->len);
	yk_fleet_open_status(&ch->status, NULL, 0, "fault", f->ts_us, &o);
	yk_buf_adds(&ch->ids, f->id);
	yk_buf_addc(&ch->ids, '\n');
	yk_fleet_open_free(&o);
}

/* One resolution of open fault i, or of id when the open faults are not
 * known (i < 0). */
static void
resolution(struct yk_fleet_change *ch, const struct yk_open_faults *o,
	   int i, const char *id, int64_t now_us)
{
	char code[128] = "";

	if (i >= 0) {
		id = o->id[i];
		str_member(code, sizeof(code), o->f[i].p, o->f[i].len,
			   "code");
	}
	yk_fleet_resolution_json(&ch->event[ch->nevent++], id, code, now_us);
	yk_buf_adds(&ch->ids, id);
	yk_buf_addc(&ch->ids, '\n');
}

int
yk_fleet_resolve(struct yk_fleet_change *ch, const void *old, size_t n,
		 const char *id, const char *robot, int64_t now_us,
		 struct yk_err *err)
{
	struct yk_open_faults o;
	const char *st;
	int i = -1;

	yk_fleet_open_read(&o, old, n);
	if (id)
		i = yk_fleet_open_find(&o, id);
	if (o.known && (id ? i < 0 : o.n == 0)) {
		yk_fleet_open_free(&o);
		if (id)
			return yk_err_set(err, YK_ETIMEOUT,
					  "no open fault '%s' on '%s'", id,
					  robot);
		return yk_err_set(err, YK_ETIMEOUT, "no open fault on '%s'",
				  robot);
	}
	if (id) {
		resolution(ch, &o, i, id, now_us);
		if (i >= 0)
			yk_fleet_open_del(&o, i);
	} else {
		for (size_t j = 0; j < o.n; j++)
			resolution(ch, &o, (int)j, NULL, now_us);
		yk_fleet_open_free(&o);
	}
	st = o.n == 0 && strcmp(o.status, "fault") == 0 ? "online" : o.status;
	yk_fleet_open_status(&ch->status, old, n, st, now_us, &o);
	yk_fleet_open_free(&o);
	return YK_OK;
}

void
yk_fleet_change_free(struct yk_fleet_change *ch)
{
	for (int i = 0; i < ch->nevent; i++)
		yk_buf_free(&ch->event[i]);
	ch->nevent = 0;
	yk_buf_free(&ch->status);
	yk_buf_free(&ch->ids);
}
