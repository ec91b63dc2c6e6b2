/*
 * simcam.h - yoke-sim's cameras: what a simulated robot sees, as JPEG.
 *
 *   pov      the robot's eye: 0.5 m above the floor, 90 degrees wide,
 *            looking along its heading (lib/sim/render.h's yk_render_pov)
 *   topdown  the whole world from above, the robot as a red arrowhead
 *
 * What always holds: the image shows the world and the pose as they are
 * at the call; the same pose gives the same bytes.
 */
#ifndef YK_SIMCAM_H
#define YK_SIMCAM_H

#include "buf.h"
#include "err.h"
#include "sim.h"

#define YK_SIMCAM_WIDTH 1280   /* size when the request gives none */
#define YK_SIMCAM_HEIGHT 720

/*
 * Append to out the JPEG of camera (a name of yk_simcam_names) for robot
 * m at width x height (0: the default) and quality in (0, 1] (0: 0.7).
 * YK_EUSAGE for an unknown camera ("no camera 'x' (cameras: pov,
 * topdown)") or a size out of range; YK_ERUNTIME when encoding fails.
 */
int yk_simcam_capture(struct yk_buf *out, const struct yk_sim *m,
		      const char *camera, int width, int height,
		      double quality, struct yk_err *err);

#endif
