/*
 * clock.h - the two clocks yoke uses: wall time for message timestamps
 * (microseconds since the Unix epoch, the `ts` user property) and a monotonic
 * clock for every timeout and interval, so a clock step never fires a timer.
 */
#ifndef YK_CLOCK_H
#define YK_CLOCK_H

#include <stdint.h>

int64_t yk_now_us(void);
int64_t yk_mono_ms(void);

#endif
