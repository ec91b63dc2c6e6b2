/*
 * linetime - the two ends of bench/latency.sh's yoke measurement.
 *
 *   linetime pace N INTERVAL_US   write N JSON lines to stdout, one per
 *                                 tick, each carrying "t": its own write
 *                                 time in microseconds
 *   linetime stamp FIELD...       read lines on stdin; print, per line,
 *                                 now - FIELD in microseconds for each FIELD
 *                                 ("ts": yoke-sub's copy of yoke-pub's
 *                                 send time; "t": the pacer's write time)
 *
 * Why C and not a shell loop: a `sleep` per line costs a fork and an exec
 * (about a millisecond, with jitter of the same order), and a perl or awk
 * reader adds its own wake-up noise to every sample.  Here the pacer sleeps
 * to absolute ticks (no drift) and writes with one write(2) per line; the
 * stamper reads the clock once per read(2), as soon as it returns.  A "ts"
 * sample is yoke-pub's send -> broker -> yoke-sub -> pipe -> stamper; a
 * "t" sample is the whole pipe to pipe path, pacer -> publisher tool ->
 * broker -> subscriber tool -> stamper, which any pair of tools can be
 * put through (mosquitto_pub -l | mosquitto_sub -F %p).
 *
 * What must hold: both use CLOCK_REALTIME, the clock yoke-pub stamps "ts"
 * with; publisher and subscriber run on the same host, so there is no skew.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int64_t
now_us(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static int
pace(long n, long interval_us)
{
	char line[96];
	int64_t next = now_us(CLOCK_MONOTONIC);

	for (long i = 0; i < n; i++) {
		struct timespec ts;
		int len;

		next += interval_us;
		ts.tv_sec = next / 1000000;
		ts.tv_nsec = (next % 1000000) * 1000;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts,
				       NULL) == EINTR)
			;
		len = snprintf(line, sizeof(line),
			       "{\"metric\":\"lat\",\"value\":%ld,\"t\":%lld}\n",
			       i, (long long)now_us(CLOCK_REALTIME));
		if (write(1, line, (size_t)len) != len) {
			perror("linetime: write");
			return 1;
		}
	}
	return 0;
}

/*
 * The number after "NAME": in microseconds, or -1.  "ts" is yoke-sub's
 * SECONDS.MICROS; "t" is the pacer's integer microseconds.  The first match
 * wins: yoke-sub prints "ts" before the payload, and the pacer's field is
 * "t", which "ts" cannot be mistaken for (the quote after the name).
 */
static int64_t
line_field(const char *s, size_t n, const char *name)
{
	char pat[64];
	int pl = snprintf(pat, sizeof(pat), "\"%s\":", name);
	const char *p = memmem(s, n, pat, (size_t)pl);
	int64_t sec = 0, us = 0;
	int digits = 0;

	if (p == NULL)
		return -1;
	for (p += pl; p < s + n && *p >= '0' && *p <= '9'; p++)
		sec = sec * 10 + (*p - '0');
	if (p < s + n && *p == '.') {
		for (p++; p < s + n && *p >= '0' && *p <= '9'; p++, digits++)
			if (digits < 6)
				us = us * 10 + (*p - '0');
		for (; digits < 6; digits++)
			us *= 10;
		return sec * 1000000 + us;
	}
	return sec; /* already microseconds */
}

static int
stamp(int nf, char **fields)
{
	static char buf[1 << 16];
	size_t have = 0;

	for (;;) {
		ssize_t r = read(0, buf + have, sizeof(buf) - have);
		int64_t t = now_us(CLOCK_REALTIME);
		char *s = buf, *nl;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		have += (size_t)r;
		while ((nl = memchr(s, '\n', have - (size_t)(s - buf)))) {
			for (int i = 0; i < nf; i++) {
				int64_t v = line_field(s, (size_t)(nl - s),
						       fields[i]);

				if (i)
					putchar(' ');
				if (v >= 0)
					printf("%lld", (long long)(t - v));
				else
					putchar('x'); /* field missing */
			}
			putchar('\n');
			s = nl + 1;
		}
		have -= (size_t)(s - buf);
		memmove(buf, s, have);
		if (have == sizeof(buf))
			have = 0; /* an absurd line: drop it */
	}
	return fflush(stdout) == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "pace") == 0)
		return pace(atol(argv[2]), atol(argv[3]));
	if (argc >= 3 && strcmp(argv[1], "stamp") == 0)
		return stamp(argc - 2, argv + 2);
	fprintf(stderr, "usage: linetime pace N INTERVAL_US | "
			"linetime stamp FIELD...\n");
	return 2;
}
