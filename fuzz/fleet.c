/*
 * fleet.c - libFuzzer target for the fleet payloads robots send
 * (lib/fleet/roster.h, lib/fleet/logline.h, lib/fleet/reading.h): each input is a run of
 * messages "CHANNEL-BYTE ROBOT-BYTE payload\n"; the roster applies them,
 * judges every robot, prints its JSON line and the table; log entries and
 * telemetry readings are read from the same payloads.  Hostile robots
 * send these: nothing may crash, leak or print a control character to
 * the table (it goes to a terminal).
 */
#include "json.h"
#include "fuzz.h"
#include "logline.h"
#include "reading.h"
#include "roster.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const robots[] = {"arm-1", "arm-2", "sdk-1"};
	struct yk_roster r = {.stale_us = 75000000};
	struct yk_buf b = {0};
	struct yk_robot **v;
	struct yk_verdict vd;
	int64_t now = 1795300000000000;
	size_t i = 0, n;

	while (i + 2 <= size) {
		const char *p = (const char *)data + i + 2;
		const char *nl = memchr(p, '\n', size - i - 2);
		size_t len = nl ? (size_t)(nl - p) : size - i - 2;
		enum yk_chan ch = (enum yk_chan)(data[i] % YK_CH_N);
		const char *robot = robots[data[i + 1] % 3];
		struct yk_logline l = {0};
		struct yk_reading rd = {0}, def = {0};
		struct yk_err err = {0};

		yk_roster_apply(&r, robot, ch, p, len, data[i] & 0x80, now);
		yk_logline_parse(&l, p, len);
		yk_logline_free(&l);
		yk_reading_line(&rd, &def, p, len, &err);
		yk_reading_free(&rd);
		now += 1000000 * (int64_t)(data[i + 1] >> 2);
		i += 2 + len + 1;
	}
	v = yk_roster_sorted(&r, &n);
	for (size_t k = 0; k < n; k++) {
		yk_roster_judge(&r, v[k], now, &vd);
		yk_buf_truncate(&b, 0);
		yk_roster_json(&b, &r, v[k], now, true);
		/* one JSON line */
		if (b.len == 0 || b.p[b.len - 1] != '\n' ||
		    !yk_json_valid(b.p, b.len - 1))
			abort();
	}
	yk_buf_truncate(&b, 0);
	yk_roster_table(&b, &r, v, n, now, false, 80, 0);
	for (size_t k = 0; k < b.len; k++) {
		unsigned char c = (unsigned char)b.p[k];

		if ((c < 0x20 && c != '\n') || c == 0x7f)
			abort();
	}
	free(v);
	yk_buf_free(&b);
	yk_roster_free(&r);
	return 0;
}
