/*
 * roster.c - fleet state from the per-robot channels, and its verdicts.
 *
 * Payloads are read with the object walker of json.c (the status by
 * fleet.c's reader, which the agent shares): a fleet view of 1,000 robots
 * parses 4,000 retained messages before its first table, and needs a few
 * fields of each, never a tree.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "json.h"
#include "out.h"
#include "roster.h"

const char *const yk_roster_chans[] = {"status", "heartbeat", "alive",
				       "meta", "faults", NULL};
const char *const yk_roster_verdicts[] = {"online", "idle", "fault",
					  "offline", "missing", "unknown",
					  NULL};

static void
clear_fault(struct yk_robot *rb)
{
	free(rb->fault_id);
	free(rb->fault_code);
	free(rb->fault_sev);
	rb->fault_id = rb->fault_code = rb->fault_sev = NULL;
	rb->fault_ts = 0;
}

/* A copy of a string read, NULL when it was none (or empty). */
static char *
dup_read(const struct yk_buf *b)
{
	return b->len > 0 ? yk_strndup(b->p, b->len) : NULL;
}

/* A fault object: from <robot>/faults, or embedded in a status; read by
 * fleet.c.  Shown when it has a code. */
static bool
read_fault(struct yk_robot *rb, const char *p, size_t n)
{
	struct yk_fault_in f = {0};

	yk_fleet_fault_read(&f, p, n);
	if (f.object) {
		clear_fault(rb);
		rb->fault_id = dup_read(&f.id);
		rb->fault_code = dup_read(&f.code);
		rb->fault_sev = dup_read(&f.severity);
		rb->fault_ts = f.ts_us > 0 ? f.ts_us : 0;
	}
	yk_fleet_fault_in_free(&f);
	return f.object && rb->fault_code != NULL;
}

/* A resolution of the fault shown: it is shown no more (the status that
 * follows names the next open one). */
static void
resolved(struct yk_robot *rb, const char *p, size_t n)
{
	struct yk_fault_in f = {0};

	if (yk_fleet_fault_read(&f, p, n) && rb->fault_id &&
	    strcmp(f.id.p, rb->fault_id) == 0)
		clear_fault(rb);
	yk_fleet_fault_in_free(&f);
}

/* The elements of an array token; -1 when it is none. */
static int
count(const char *v, size_t n)
{
	struct yk_json_iter it;
	const char *e;
	size_t en;
	int c = 0;

	if (!yk_json_arr_enter(&it, v, n))
		return -1;
	while (yk_json_arr_next(&it, &e, &en))
		c++;
	return c;
}

/* The status payload, read by fleet.c: the verdict needs its status,
 * date, reason and fault. */
static bool
read_status(struct yk_robot *rb, const char *p, size_t n)
{
	struct yk_status_rd st;

	if (!yk_fleet_status_read(&st, p, n))
		return false;
	free(rb->reason);
	rb->reason = st.reason;
	rb->status_ts = st.ts_us;
	rb->open_faults = st.open ? count(st.open, st.open_n) : -1;
	if (st.fault)
		read_fault(rb, st.fault, st.fault_n);
	if (st.named)
		strcpy(rb->status, st.status);
	return st.named;
}

static void
read_heartbeat(struct yk_robot *rb, const char *p, size_t n, bool retain,
	       int64_t now_us)
{
	struct yk_heartbeat hb;

	yk_fleet_heartbeat_read(&hb, p, n);
	/* A live heartbeat is dated by its arrival: a robot whose clock is
	 * off must not look dead.  A retained one only has its own date,
	 * nor is it younger than its arrival: a date in the future must not
	 * keep a robot fresh until then. */
	rb->hb_us = retain && hb.ts_us >= 0 && hb.ts_us < now_us ? hb.ts_us
								  : now_us;
	rb->hb_seq = hb.seq;
	rb->hb_token = hb.token;
}

struct yk_robot *
yk_roster_apply(struct yk_roster *r, const char *robot, enum yk_chan ch,
		const void *payload, size_t n, bool retain, int64_t now_us)
{
	struct yk_map_ent *e = yk_map_put(&r->robots, robot);
	struct yk_robot *rb = e->val;
	const char *p = payload;

	if (rb == NULL) {
		rb = yk_calloc(1, sizeof(*rb));
		rb->id = e->key;
		e->val = rb;
	}
	switch (ch) {
	case YK_CH_STATUS:
		rb->has_status = n > 0 && read_status(rb, p, n);
		if (n > 0 && !rb->has_status)
			return NULL;
		break;
	case YK_CH_HEARTBEAT:
		rb->has_hb = n > 0;
		if (n > 0)
			read_heartbeat(rb, p, n, retain, now_us);
		break;
	case YK_CH_ALIVE:
		rb->has_token = yk_fleet_token_live(p, n);
		rb->token_seen |= rb->has_token;
		break;
	case YK_CH_META:
		rb->registered = n > 0;
		if (n > 0)
			yk_fleet_meta_read(&rb->name, &rb->model, p, n);
		break;
	case YK_CH_FAULTS:
		if (n > 0 && yk_fleet_is_resolution(p, n)) {
			resolved(rb, p, n);
			break;
		}
		if (n == 0 || !read_fault(rb, p, n))
			return NULL;
		break;
	default:
		return NULL;
	}
	return rb;
}

void
yk_roster_age(char *out, size_t n, int64_t us)
{
	long long s = us < 0 ? 0 : us / 1000000;

	if (s < 60)
		snprintf(out, n, "%llds", s);
	else if (s < 3600)
		snprintf(out, n, "%lldm%02llds", s / 60, s % 60);
	else if (s < 86400)
		snprintf(out, n, "%lldh%02lldm", s / 3600, s / 60 % 60);
	else
		snprintf(out, n, "%lldd%02lldh", s / 86400, s / 3600 % 24);
}

void
yk_roster_judge(const struct yk_roster *r, const struct yk_robot *rb,
		int64_t now_us, struct yk_verdict *v)
{
	char age[32];
	bool agent = rb->has_hb || rb->token_seen;
	bool holder = rb->token_seen || (rb->has_hb && rb->hb_token);

	v->reason[0] = '\0';
	v->aged = false;
	if (rb->has_status && strcmp(rb->status, "offline") == 0) {
		v->status = "offline";
		snprintf(v->reason, sizeof(v->reason), "%s",
			 rb->reason ? rb->reason : "reported");
	} else if (rb->has_hb && now_us - rb->hb_us > r->stale_us) {
		v->status = "offline";
		yk_roster_age(age, sizeof(age), now_us - rb->hb_us);
		snprintf(v->reason, sizeof(v->reason),
			 "no heartbeat for %s", age);
		v->aged = true;
	} else if (holder && !rb->has_token) {
		v->status = "offline";
		snprintf(v->reason, sizeof(v->reason), "token gone");
	} else if (rb->has_status) {
		v->status = rb->status;
		if (rb->reason)
			snprintf(v->reason, sizeof(v->reason), "%s",
				 rb->reason);
	} else if (agent) {
		v->status = "unknown";
		snprintf(v->reason, sizeof(v->reason), "no status");
	} else {
		v->status = rb->registered ? "missing" : "unknown";
		snprintf(v->reason, sizeof(v->reason), "never seen");
	}
	/* a robot we expect, gone without a word: the report to act on */
	if (rb->registered && strcmp(v->status, "offline") == 0 &&
	    strcmp(v->reason, "reported") != 0 &&
	    strcmp(v->reason, "stopped") != 0)
		v->status = "missing";
}

static bool
shows(const struct yk_robot *rb)
{
	return rb->has_status || rb->has_hb || rb->has_token ||
	       rb->token_seen || rb->registered || rb->fault_code;
}

static int
by_id(const void *a, const void *b)
{
	const struct yk_robot *const *x = a, *const *y = b;

	return strcmp((*x)->id, (*y)->id);
}

int64_t
yk_roster_last_seen(const struct yk_robot *rb)
{
	int64_t t = rb->has_status ? rb->status_ts : 0;

	if (rb->has_hb && rb->hb_us > t)
		t = rb->hb_us;
	return t;
}

bool
yk_roster_visible(const struct yk_roster *r, const struct yk_robot *rb,
		  int64_t now_us)
{
	struct yk_verdict v;
	int64_t last;

	if (!shows(rb))
		return false;
	if (r->hide_us <= 0)
		return true;
	last = yk_roster_last_seen(rb);
	if (last <= 0 || now_us - last <= r->hide_us)
		return true;
	yk_roster_judge(r, rb, now_us, &v);
	return strcmp(v.status, "offline") != 0;
}

static struct yk_robot **
pick(const struct yk_roster *r, bool all, int64_t now_us, size_t *n,
     size_t *hidden)
{
	struct yk_robot **v = yk_malloc(sizeof(*v) * (r->robots.n + 1));
	struct yk_map_ent *e;
	size_t i = 0;

	*n = *hidden = 0;
	while ((e = yk_map_next(&r->robots, &i)) != NULL) {
		if (!shows(e->val))
			continue;
		if (all || yk_roster_visible(r, e->val, now_us))
			v[(*n)++] = e->val;
		else
			(*hidden)++;
	}
	qsort(v, *n, sizeof(*v), by_id);
	return v;
}

struct yk_robot **
yk_roster_sorted(const struct yk_roster *r, size_t *n)
{
	size_t hidden;

	return pick(r, true, 0, n, &hidden);
}

struct yk_robot **
yk_roster_view(const struct yk_roster *r, int64_t now_us, size_t *n,
	       size_t *hidden)
{
	return pick(r, false, now_us, n, hidden);
}

static void
json_field(struct yk_buf *b, const char *name, const char *s)
{
	if (s == NULL)
		return;
	yk_buf_adds(b, ",\"");
	yk_buf_adds(b, name);
	yk_buf_adds(b, "\":");
	yk_json_strz(b, s);
}

void
yk_roster_json(struct yk_buf *b, const struct yk_roster *r,
	       const struct yk_robot *rb, int64_t now_us, bool ages)
{
	struct yk_verdict v;

	yk_roster_judge(r, rb, now_us, &v);
	/* without ages (what --watch compares), the watchdog's reason is
	 * the same however long the silence has lasted */
	if (!ages && v.aged)
		snprintf(v.reason, sizeof(v.reason), "no heartbeat");
	yk_buf_adds(b, "{\"robot\":");
	yk_json_strz(b, rb->id);
	json_field(b, "status", v.status);
	json_field(b, "reason", v.reason[0] ? v.reason : NULL);
	json_field(b, "reported", rb->has_status ? rb->status : NULL);
	if (rb->has_hb && ages) {
		yk_buf_addf(b, ",\"heartbeat_age_s\":%.1f",
			    (double)(now_us - rb->hb_us) / 1e6);
		if (rb->hb_seq >= 0)
			yk_buf_addf(b, ",\"heartbeat_seq\":%lld", rb->hb_seq);
	}
	yk_buf_adds(b, rb->has_token ? ",\"alive\":true" : ",\"alive\":false");
	if (rb->fault_code) {
		yk_buf_adds(b, ",\"fault\":{\"code\":");
		yk_json_strz(b, rb->fault_code);
		json_field(b, "severity", rb->fault_sev);
		json_field(b, "fault_id", rb->fault_id);
		if (rb->fault_ts > 0) {
			yk_buf_adds(b, ",\"ts\":");
			yk_json_ts(b, rb->fault_ts);
		}
		yk_buf_addc(b, '}');
	}
	if (rb->has_status && rb->open_faults >= 0)
		yk_buf_addf(b, ",\"open_faults\":%d", rb->open_faults);
	json_field(b, "name", rb->name);
	json_field(b, "model", rb->model);
	yk_buf_adds(b, rb->registered ? ",\"registered\":true}\n"
				      : ",\"registered\":false}\n");
}

enum { C_ROBOT, C_STATUS, C_HB, C_ALIVE, C_FAULT, C_NAME, C_MODEL,
       C_REASON, NCOL };

static const char *const heads[NCOL] = {"ROBOT", "STATUS", "HEARTBEAT",
					"ALIVE", "FAULT", "NAME", "MODEL",
					"REASON"};

static const char *
status_colour(const char *st)
{
	if (strcmp(st, "online") == 0)
		return "\033[32m";
	if (strcmp(st, "idle") == 0)
		return "\033[33m";
	if (strcmp(st, "fault") == 0)
		return "\033[1;31m";
	if (strcmp(st, "missing") == 0)
		return "\033[1;35m";
	if (strcmp(st, "offline") == 0)
		return "\033[90m";
	return "";
}

/* One robot's row; every cell is made safe by the table printer. */
static void
cells(const struct yk_roster *r, const struct yk_robot *rb, int64_t now,
      struct yk_table *t)
{
	struct yk_verdict v;
	char age[32];

	yk_roster_judge(r, rb, now, &v);
	yk_table_cellz(t, rb->id);
	yk_table_cellz(t, v.status);
	yk_table_paint(t, status_colour(v.status));
	if (rb->has_hb)
		yk_roster_age(age, sizeof(age), now - rb->hb_us);
	yk_table_cellz(t, rb->has_hb ? age : "-");
	yk_table_cellz(t, rb->has_token ? "yes" : "no");
	if (rb->fault_code) {
		struct yk_buf f = {0};

		yk_roster_age(age, sizeof(age), now - rb->fault_ts);
		yk_buf_addf(&f, "%s %s %s", rb->fault_code,
			    rb->fault_sev ? rb->fault_sev : "?",
			    rb->fault_ts > 0 ? age : "");
		while (f.len > 0 && f.p[f.len - 1] == ' ')
			f.len--;
		yk_table_cell(t, f.p, f.len);
		yk_buf_free(&f);
	} else {
		yk_table_cellz(t, "-");
	}
	yk_table_cellz(t, rb->name ? rb->name : "-");
	yk_table_cellz(t, rb->model ? rb->model : "-");
	yk_table_cellz(t, v.reason);
}

void
yk_roster_table(struct yk_buf *b, const struct yk_roster *r,
		struct yk_robot **v, size_t n, int64_t now_us, bool colour,
		int cols, int rows)
{
	/* the verdict and ages are never cut */
	static const unsigned flags[NCOL] = {[C_STATUS] = YK_COL_KEEP,
					     [C_HB] = YK_COL_KEEP,
					     [C_ALIVE] = YK_COL_KEEP};
	struct yk_table t;

	yk_table_init(&t, NCOL, flags);
	for (int j = 0; j < NCOL; j++)
		yk_table_cellz(&t, heads[j]);
	for (size_t i = 0; i < n; i++)
		cells(r, v[i], now_us, &t);
	yk_table_draw(&t, b, cols, rows, colour);
	yk_table_free(&t);
}

void
yk_roster_free(struct yk_roster *r)
{
	struct yk_map_ent *e;
	size_t i = 0;

	while ((e = yk_map_next(&r->robots, &i)) != NULL) {
		struct yk_robot *rb = e->val;

		free(rb->reason);
		free(rb->name);
		free(rb->model);
		free(rb->shown);
		clear_fault(rb);
		free(rb);
	}
	yk_map_free(&r->robots);
}
