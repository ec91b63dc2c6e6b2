/*
 * asimov.h - the ranges of the robot command API (shared/reference/003)
 * and the one check of a CloudCommand against them, used by the sender
 * (yoke-drive refuses) and the robot (yoke-sim rejects with an EdgeError).
 *
 * What always holds: a value outside its range is an error naming the
 * field, the value and the range, never silently clamped; clamping
 * happens only when the caller asks for it, and is then reported.
 */
#ifndef YK_ASIMOV_H
#define YK_ASIMOV_H

#include <stdbool.h>

#include "asimov.pb-c.h"
#include "err.h"

#define YK_ASIMOV_JOINTS 25
#define YK_ASIMOV_VX_MAX 2.0   /* m/s, both ways */
#define YK_ASIMOV_VY_MAX 1.0   /* m/s */
#define YK_ASIMOV_VYAW_MAX 2.0 /* rad/s */
#define YK_ASIMOV_KP_MAX 500.0
#define YK_ASIMOV_KD_MAX 5.0

/*
 * Check c: exactly one of velocity, trajectory, mode set; every number
 * finite and in range; 25 positions per segment, kp and kd empty or 25
 * each; a mode the enum defines.  With clamp, out-of-range velocities,
 * kp and kd are brought into range instead (NaN is still an error) and
 * *clamped counts them.  YK_EUSAGE with a message such as
 *   "vx 2.5 is out of range -2..2 m/s"
 *   "segments[1].kp: 3 values, need 0 or 25"
 */
int yk_asimov_check(Asimov__CloudCommand *c, bool clamp, int *clamped,
		    struct yk_err *err);

#endif
