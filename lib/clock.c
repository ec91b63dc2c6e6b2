/*
 * clock.c - wall and monotonic clocks.
 */
#include <errno.h>
#include <time.h>

#include "clock.h"

int64_t
yk_now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int64_t
yk_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
yk_sleep_ms(int64_t ms, volatile sig_atomic_t *stop)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR) {
		if (stop && *stop)
			return;
	}
}
