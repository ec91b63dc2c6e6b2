/*
 * render.h - draw a simulated robot's world into an RGB24 image: the
 * "topdown" map and the robot's "pov" camera (yoke-sim's cameras).
 *
 * The world is the rectangle [0,w] x [0,h] metres, x east, y north,
 * enclosed by walls; on its floor lie named square pads; axis-aligned
 * boxes stand on it; the robot is a pose (x, y, yaw in radians counter-
 * clockwise from +x).
 *
 * topdown: the whole world scaled to fit the image with its aspect kept
 * (north up, a dark margin around): grey floor with a line every metre,
 * dark walls, pads and boxes in their colours, each pad's name under it
 * (3x5 pixel capitals, when a metre is at least 20 pixels), and the
 * robot as an arrowhead in YK_RENDER_ROBOT_R/G/B pointing where it
 * heads; the pixel at the robot's position is always robot-coloured,
 * whatever the scale.
 *
 * pov: what a camera on the robot sees, looking along its yaw at
 * YK_RENDER_EYE metres above the floor, with the given horizontal field
 * of view (square pixels, horizon in the middle row).  Rays cast per
 * column: sky above; a checkered floor (1 m tiles) with the pads on it;
 * walls YK_RENDER_WALL_H tall, each side its own colour (west, east,
 * south, north: see render.c), and boxes YK_RENDER_BOX_H tall, shaded
 * by the face they show and darkened with distance, nearer ones hiding
 * farther ones.  A robot outside the walls is drawn as if just inside.
 *
 * Both are pure functions of their arguments: the same scene gives the
 * same bytes.  Costs, measured at -O2 on one core: see render.c's head
 * comment.
 */
#ifndef YK_RENDER_H
#define YK_RENDER_H

#include <stddef.h>

#include "err.h"

/* Image sizes accepted, inclusive, in pixels. */
#define YK_RENDER_MIN_W 16
#define YK_RENDER_MIN_H 16
#define YK_RENDER_MAX_W 3840
#define YK_RENDER_MAX_H 2160

#define YK_RENDER_EYE 0.5    /* camera height, metres */
#define YK_RENDER_WALL_H 1.5 /* wall height, metres */
#define YK_RENDER_BOX_H 0.8  /* box height (above the eye), metres */

/* The robot's colour on the map. */
#define YK_RENDER_ROBOT_R 230
#define YK_RENDER_ROBOT_G 40
#define YK_RENDER_ROBOT_B 40

/* A square floor patch of side size metres centred at (x, y). */
struct yk_render_pad {
	const char *name; /* drawn on the map (A-Z 0-9 _ - .); may be NULL */
	double x, y, size;
	unsigned char rgb[3];
};

/* An axis-aligned box w metres along x by h along y, centred at (x, y). */
struct yk_render_box {
	double x, y, w, h;
	unsigned char rgb[3];
};

struct yk_render_scene {
	double w, h; /* world size, metres, > 0 */
	const struct yk_render_pad *pads;
	size_t npads;
	const struct yk_render_box *boxes;
	size_t nboxes;
	double rx, ry, ryaw; /* robot pose */
};

/*
 * Check an image size against the limits above: YK_OK, or YK_EUSAGE with
 * "image size 'WxH' out of range 16x16..3840x2160" in err.
 */
int yk_render_size_check(int width, int height, struct yk_err *err);

/*
 * Draw the map into rgb (width * height * 3 bytes, rows top down, R G B).
 * YK_EUSAGE for a size out of range or a world that is not a positive
 * finite rectangle; rgb is then untouched.
 */
int yk_render_topdown(const struct yk_render_scene *scene, unsigned char *rgb,
		      int width, int height, struct yk_err *err);

/*
 * Draw the robot's view into rgb (as above); fov is the horizontal field
 * of view in radians, in (0, pi) (yoke-sim: YK_RENDER_FOV).  YK_EUSAGE
 * for a bad size, world or fov; rgb is then untouched.
 */
#define YK_RENDER_FOV 1.5707963267948966 /* 90 degrees */
int yk_render_pov(const struct yk_render_scene *scene, unsigned char *rgb,
		  int width, int height, double fov, struct yk_err *err);

#endif
