/*
 * asimov.c - CloudCommand range checks (see asimov.h).
 */
#include <math.h>
#include <stdio.h>

#include "asimov.h"

/* One value against [lo, hi]; clamped into it when asked. */
static int
range(float *v, double lo, double hi, const char *what, const char *unit,
      bool clamp, int *clamped, struct yk_err *err)
{
	if (!isfinite(*v))
		return yk_err_set(err, YK_EUSAGE, "%s is not a finite number",
				  what);
	if (*v >= lo && *v <= hi)
		return YK_OK;
	if (clamp) {
		*v = *v < lo ? (float)lo : (float)hi;
		(*clamped)++;
		return YK_OK;
	}
	return yk_err_set(err, YK_EUSAGE, "%s %g is out of range %g..%g%s%s",
			  what, (double)*v, lo, hi, *unit ? " " : "", unit);
}

static int
gains(float *g, size_t n, double hi, const char *name, size_t seg,
      bool clamp, int *clamped, struct yk_err *err)
{
	char what[64];
	size_t i;

	if (n != 0 && n != YK_ASIMOV_JOINTS)
		return yk_err_set(err, YK_EUSAGE,
				  "segments[%zu].%s: %zu values, need 0 or %d",
				  seg, name, n, YK_ASIMOV_JOINTS);
	for (i = 0; i < n; i++) {
		snprintf(what, sizeof(what), "segments[%zu].%s[%zu]", seg,
			 name, i);
		if (range(&g[i], 0, hi, what, "", clamp, clamped, err) != YK_OK)
			return err->rc;
	}
	return YK_OK;
}

static int
trajectory(Asimov__TrajectoryRequest *t, bool clamp, int *clamped,
	   struct yk_err *err)
{
	Asimov__FullTrajectory *f = t->full;
	char what[64];
	size_t s, i;

	if (f == NULL || f->n_segments == 0)
		return yk_err_set(err, YK_EUSAGE,
				  "trajectory: no segments (need at least "
				  "one, of %d positions)", YK_ASIMOV_JOINTS);
	for (s = 0; s < f->n_segments; s++) {
		Asimov__JointSegment *j = f->segments[s];

		if (j->n_positions != YK_ASIMOV_JOINTS)
			return yk_err_set(err, YK_EUSAGE,
					  "segments[%zu].positions: %zu "
					  "values, need %d", s, j->n_positions,
					  YK_ASIMOV_JOINTS);
		for (i = 0; i < j->n_positions; i++) {
			if (!isfinite(j->positions[i])) {
				snprintf(what, sizeof(what),
					 "segments[%zu].positions[%zu]", s, i);
				return yk_err_set(err, YK_EUSAGE,
						  "%s is not a finite number",
						  what);
			}
		}
		if (gains(j->kp, j->n_kp, YK_ASIMOV_KP_MAX, "kp", s, clamp,
			  clamped, err) != YK_OK ||
		    gains(j->kd, j->n_kd, YK_ASIMOV_KD_MAX, "kd", s, clamp,
			  clamped, err) != YK_OK)
			return err->rc;
	}
	return YK_OK;
}

int
yk_asimov_check(Asimov__CloudCommand *c, bool clamp, int *clamped,
		struct yk_err *err)
{
	Asimov__VelocityCommand *v;
	int dummy = 0;

	if (clamped == NULL)
		clamped = &dummy;
	switch (c->command_case) {
	case ASIMOV__CLOUD_COMMAND__COMMAND_VELOCITY:
		v = c->velocity;
		if (range(&v->vx, -YK_ASIMOV_VX_MAX, YK_ASIMOV_VX_MAX, "vx",
			  "m/s", clamp, clamped, err) != YK_OK ||
		    range(&v->vy, -YK_ASIMOV_VY_MAX, YK_ASIMOV_VY_MAX, "vy",
			  "m/s", clamp, clamped, err) != YK_OK ||
		    range(&v->vyaw, -YK_ASIMOV_VYAW_MAX, YK_ASIMOV_VYAW_MAX,
			  "vyaw", "rad/s", clamp, clamped, err) != YK_OK)
			return err->rc;
		return YK_OK;
	case ASIMOV__CLOUD_COMMAND__COMMAND_TRAJECTORY:
		return trajectory(c->trajectory, clamp, clamped, err);
	case ASIMOV__CLOUD_COMMAND__COMMAND_MODE:
		if (protobuf_c_enum_descriptor_get_value(
			    &asimov__mode__descriptor, c->mode->mode) == NULL)
			return yk_err_set(err, YK_EUSAGE,
					  "mode %d is not a Mode (MODE_STAND=0, "
					  "MODE_DAMP=1)", (int)c->mode->mode);
		return YK_OK;
	default:
		return yk_err_set(err, YK_EUSAGE,
				  "a command needs one of velocity, "
				  "trajectory, mode");
	}
}
