/*
 * fleet.c - fleet channel names, checks and payloads.
 */
#include <ctype.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "clock.h"
#include "fleet.h"
#include "json.h"
#include "out.h"

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
	yk_out_ts(b, f->ts_us);
	yk_buf_addc(b, '}');
}

void
yk_fleet_status_json(struct yk_buf *b, const struct yk_status *st)
{
	yk_buf_adds(b, "{\"status\":");
	yk_json_strz(b, st->status);
	yk_buf_adds(b, ",\"ts\":");
	yk_out_ts(b, st->ts_us);
	if (st->reason) {
		yk_buf_adds(b, ",\"reason\":");
		yk_json_strz(b, st->reason);
	}
	if (st->heartbeat_s > 0)
		yk_buf_addf(b, ",\"heartbeat_s\":%ld", st->heartbeat_s);
	if (st->fault) {
		yk_buf_adds(b, ",\"fault\":");
		yk_fleet_fault_json(b, st->fault);
	}
	yk_buf_addc(b, '}');
}

void
yk_fleet_alive_json(struct yk_buf *b, const char *host, const char *holder)
{
	yk_buf_adds(b, "{\"alive\":true,\"since\":");
	yk_out_ts(b, yk_now_us());
	yk_buf_adds(b, ",\"host\":");
	yk_json_strz(b, host);
	yk_buf_addf(b, ",\"pid\":%ld", (long)getpid());
	if (holder) {
		yk_buf_adds(b, ",\"holder\":");
		yk_json_strz(b, holder);
	}
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
