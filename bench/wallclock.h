/*
 * wallclock.h - the wall clock in microseconds, shared by the bench
 * programs that compare a time stamped in one process with another
 * process's clock (pingpong.c -O, driveprobe.c).  CLOCK_REALTIME, since
 * the stamps travel in messages (yoke's `ts`, timestamp_us).
 */
#ifndef BENCH_WALLCLOCK_H
#define BENCH_WALLCLOCK_H

#include <stdint.h>
#include <time.h>

static inline int64_t
wall_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#endif
