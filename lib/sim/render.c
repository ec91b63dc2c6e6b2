/*
 * render.c - the topdown map and the pov camera of a simulated world.
 *
 * Must hold: every pixel of the image is written (nothing is left from a
 * previous frame), nothing is written outside width * height * 3 bytes,
 * and the output depends on the arguments alone.
 *
 * The pov is a ray caster (one ray per column) drawn row by row: since
 * walls and boxes all stand on the floor and every box is the same
 * height, the nearest box in a column covers every row a farther box
 * would, so a column needs only its wall and its nearest box: no depth
 * buffer, no sorting.  Floor pixels are projected back onto the floor
 * (depth per row, ray per column) to find their tile and pad.
 *
 * Costs at -O2 on one core of the build machine (4 pads, 3 boxes), best
 * of 7: pov 0.5 ms at 640x480, 1.5 ms at 1280x720, 13 ms at 3840x2160;
 * topdown 0.6, 1.6 and 15 ms.  test_render prints the 1280x720 figures.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "render.h"

/* Colours. */
static const unsigned char margin_rgb[3] = {40, 40, 48};
static const unsigned char floor_rgb[3] = {200, 200, 196};
static const unsigned char grid_rgb[3] = {165, 165, 160};
static const unsigned char wall_rgb[3] = {60, 60, 70};
static const unsigned char robot_rgb[3] = {
	YK_RENDER_ROBOT_R, YK_RENDER_ROBOT_G, YK_RENDER_ROBOT_B};
static const unsigned char tile_rgb[2][3] = {{150, 150, 145},
					     {122, 122, 118}};
static const unsigned char sky_top[3] = {105, 155, 220};
static const unsigned char sky_low[3] = {195, 218, 240};
static const unsigned char label_rgb[3] = {40, 40, 50};
/* pov walls by side: west (x = 0), east (x = w), south, north */
enum { WEST, EAST, SOUTH, NORTH };
static const unsigned char side_rgb[4][3] = {
	{180, 90, 60}, {70, 130, 185}, {90, 165, 90}, {205, 185, 80}};

int
yk_render_size_check(int width, int height, struct yk_err *err)
{
	if (width < YK_RENDER_MIN_W || width > YK_RENDER_MAX_W ||
	    height < YK_RENDER_MIN_H || height > YK_RENDER_MAX_H)
		return yk_err_set(err, YK_EUSAGE,
				  "image size '%dx%d' out of range %dx%d..%dx%d",
				  width, height, YK_RENDER_MIN_W,
				  YK_RENDER_MIN_H, YK_RENDER_MAX_W,
				  YK_RENDER_MAX_H);
	return YK_OK;
}

static int
scene_check(const struct yk_render_scene *sc, struct yk_err *err)
{
	if (!(isfinite(sc->w) && isfinite(sc->h) && sc->w > 0 && sc->h > 0))
		return yk_err_set(err, YK_EUSAGE,
				  "world size '%gx%g' is not positive", sc->w,
				  sc->h);
	if (!(isfinite(sc->rx) && isfinite(sc->ry) && isfinite(sc->ryaw)))
		return yk_err_set(err, YK_EUSAGE, "robot pose is not finite");
	if ((sc->npads && !sc->pads) || (sc->nboxes && !sc->boxes))
		return yk_err_set(err, YK_EUSAGE, "scene lists are missing");
	for (size_t i = 0; i < sc->npads; i++) {
		const struct yk_render_pad *p = &sc->pads[i];

		if (!(isfinite(p->x) && isfinite(p->y) &&
		      isfinite(p->size) && p->size >= 0))
			return yk_err_set(err, YK_EUSAGE,
					  "pad %zu is not a finite square", i);
	}
	for (size_t i = 0; i < sc->nboxes; i++) {
		const struct yk_render_box *b = &sc->boxes[i];

		if (!(isfinite(b->x) && isfinite(b->y) && isfinite(b->w) &&
		      isfinite(b->h) && b->w >= 0 && b->h >= 0))
			return yk_err_set(err, YK_EUSAGE,
					  "box %zu is not a finite box", i);
	}
	return YK_OK;
}

static void
put(unsigned char *px, const unsigned char rgb[3])
{
	px[0] = rgb[0];
	px[1] = rgb[1];
	px[2] = rgb[2];
}

/* Clamp a pixel coordinate before it becomes an int. */
static double
clampd(double v, double lo, double hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * The pixels whose centres fall in [a, b): first and end index, clipped
 * to [0, n).  A span thinner than a pixel still gets the one pixel its
 * middle falls in, so small things never vanish from a small map.
 */
static void
span(double a, double b, int n, int *first, int *end)
{
	a = clampd(a, -2, n + 2);
	b = clampd(b, -2, n + 2);
	*first = (int)ceil(a - 0.5);
	*end = (int)ceil(b - 0.5);
	if (*end <= *first && b > a) {
		*first = (int)floor((a + b) / 2);
		*end = *first + 1;
	}
	if (*first < 0)
		*first = 0;
	if (*end > n)
		*end = n;
}

struct map {
	unsigned char *rgb;
	int width, height;
	double s, ox, oy, h; /* pixels per metre, origin, world height */
};

static double
map_x(const struct map *m, double x)
{
	return m->ox + x * m->s;
}

static double
map_y(const struct map *m, double y)
{
	return m->oy + (m->h - y) * m->s;
}

/* Fill the pixel rectangle [x0, x1) x [y0, y1) (pixel coordinates). */
static void
fill(const struct map *m, double x0, double y0, double x1, double y1,
     const unsigned char rgb[3])
{
	int c0, c1, r0, r1;

	span(x0, x1, m->width, &c0, &c1);
	span(y0, y1, m->height, &r0, &r1);
	for (int r = r0; r < r1; r++)
		for (int c = c0; c < c1; c++)
			put(m->rgb + ((size_t)r * m->width + c) * 3, rgb);
}

/* Fill the world rectangle centred at (x, y), w by h metres. */
static void
fill_world(const struct map *m, double x, double y, double w, double h,
	   const unsigned char rgb[3])
{
	fill(m, map_x(m, x - w / 2), map_y(m, y + h / 2), map_x(m, x + w / 2),
	     map_y(m, y - h / 2), rgb);
}

/* Which side of the directed edge a->b the point p lies on. */
static double
edge(double ax, double ay, double bx, double by, double px, double py)
{
	return (bx - ax) * (py - ay) - (by - ay) * (px - ax);
}

/* Fill the triangle t (pixel coordinates, either winding), inclusive. */
static void
triangle(const struct map *m, const double t[3][2],
	 const unsigned char rgb[3])
{
	double area = edge(t[0][0], t[0][1], t[1][0], t[1][1], t[2][0],
			   t[2][1]);
	double sign = area < 0 ? -1 : 1;
	int c0, c1, r0, r1;

	span(fmin(fmin(t[0][0], t[1][0]), t[2][0]),
	     fmax(fmax(t[0][0], t[1][0]), t[2][0]), m->width, &c0, &c1);
	span(fmin(fmin(t[0][1], t[1][1]), t[2][1]),
	     fmax(fmax(t[0][1], t[1][1]), t[2][1]), m->height, &r0, &r1);
	for (int row = r0; row < r1; row++) {
		for (int c = c0; c < c1; c++) {
			double qx = c + 0.5, qy = row + 0.5;

			if (sign * edge(t[1][0], t[1][1], t[2][0], t[2][1], qx,
					qy) >= 0 &&
			    sign * edge(t[2][0], t[2][1], t[0][0], t[0][1], qx,
					qy) >= 0 &&
			    sign * edge(t[0][0], t[0][1], t[1][0], t[1][1], qx,
					qy) >= 0)
				put(m->rgb + ((size_t)row * m->width + c) * 3,
				    rgb);
		}
	}
}

/*
 * The robot: an arrowhead at least 8 pixels long pointing along yaw, its
 * tip 0.4 m ahead of the position, the notch behind it.
 */
static void
robot(const struct map *m, double x, double y, double yaw)
{
	double px = map_x(m, x), py = map_y(m, y);
	double r = fmax(0.4 * m->s, 8.0);
	double dx = cos(yaw), dy = -sin(yaw); /* image y grows down */
	double tip[2] = {px + r * dx, py + r * dy};
	double notch[2] = {px - 0.3 * r * dx, py - 0.3 * r * dy};
	double left[3][2] = {
		{tip[0], tip[1]},
		{notch[0], notch[1]},
		{px - 0.7 * r * dx + 0.6 * r * dy,
		 py - 0.7 * r * dy - 0.6 * r * dx},
	};
	double right[3][2] = {
		{tip[0], tip[1]},
		{notch[0], notch[1]},
		{px - 0.7 * r * dx - 0.6 * r * dy,
		 py - 0.7 * r * dy + 0.6 * r * dx},
	};

	triangle(m, left, robot_rgb);
	triangle(m, right, robot_rgb);
	/* the position itself, whatever the rounding above did */
	if (px >= 0 && px < m->width && py >= 0 && py < m->height)
		put(m->rgb + ((size_t)py * m->width + (size_t)px) * 3,
		    robot_rgb);
}

/*
 * A 3x5 pixel font for pad names: each glyph is 15 bits, rows top down,
 * the top row's left pixel the highest bit.  Lower case is drawn as upper
 * case; other characters are blanks.
 */
static const char font_chars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.";
static const unsigned short font[] = {
	0x2bed, 0x6bae, 0x3923, 0x6b6e, 0x79a7, 0x79a4, 0x396b, 0x5bed,
	0x7497, 0x126a, 0x5bad, 0x4927, 0x5fed, 0x6b6d, 0x2b6a, 0x6ba4,
	0x2b73, 0x6bad, 0x388e, 0x7492, 0x5b6f, 0x5b6a, 0x5bfd, 0x5aad,
	0x5a92, 0x72a7, 0x7b6f, 0x2c97, 0x62a7, 0x628e, 0x5bc9, 0x798e,
	0x39ef, 0x7292, 0x7bef, 0x7bce, 0x0007, 0x01c0, 0x0002};

/* Text centred on column x from row top, each font pixel k x k. */
static void
text(const struct map *m, const char *s, double x, double top, int k)
{
	size_t n = strnlen(s, 32);
	double left = x - (4.0 * n - 1) * k / 2;

	for (size_t i = 0; i < n; i++) {
		char ch = s[i] >= 'a' && s[i] <= 'z' ? s[i] - 'a' + 'A' : s[i];
		const char *at = ch ? strchr(font_chars, ch) : NULL;
		unsigned bits = at ? font[at - font_chars] : 0;

		for (int b = 0; b < 15; b++) {
			double gx = left + (4.0 * i + b % 3) * k;
			double gy = top + (double)(b / 3) * k;

			if (bits & (1u << (14 - b)))
				fill(m, gx, gy, gx + k, gy + k, label_rgb);
		}
	}
}

/*
 * A pad's name under it, or over it at the world's bottom edge; only
 * when a metre is 20 pixels or more, below which names would cover the
 * map.
 */
static void
label(const struct map *m, const struct yk_render_pad *p)
{
	int k = (int)(m->s / 25) + 1;
	double top = map_y(m, p->y - p->size / 2) + 2 * k;

	if (p->name == NULL || m->s < 20)
		return;
	if (top + 5 * k > map_y(m, 0) - 0.1 * m->s)
		top = map_y(m, p->y + p->size / 2) - 7 * k;
	text(m, p->name, map_x(m, p->x), top, k);
}

int
yk_render_topdown(const struct yk_render_scene *sc, unsigned char *rgb,
		  int width, int height, struct yk_err *err)
{
	struct map m = {.rgb = rgb, .width = width, .height = height,
			.h = sc->h};
	double wall;
	int rc = yk_render_size_check(width, height, err);

	if (rc == YK_OK)
		rc = scene_check(sc, err);
	if (rc)
		return rc;
	m.s = fmin(width / sc->w, height / sc->h);
	m.ox = (width - sc->w * m.s) / 2;
	m.oy = (height - sc->h * m.s) / 2;

	fill(&m, 0, 0, width, height, margin_rgb);
	fill(&m, map_x(&m, 0), map_y(&m, sc->h), map_x(&m, sc->w),
	     map_y(&m, 0), floor_rgb);
	/* a line a metre, when a metre is wide enough to leave floor */
	if (m.s >= 4) {
		for (int k = 1; k < sc->w; k++)
			fill(&m, floor(map_x(&m, k)), map_y(&m, sc->h),
			     floor(map_x(&m, k)) + 1, map_y(&m, 0), grid_rgb);
		for (int k = 1; k < sc->h; k++)
			fill(&m, map_x(&m, 0), floor(map_y(&m, k)),
			     map_x(&m, sc->w), floor(map_y(&m, k)) + 1,
			     grid_rgb);
	}
	for (size_t i = 0; i < sc->npads; i++) {
		const struct yk_render_pad *p = &sc->pads[i];

		fill_world(&m, p->x, p->y, p->size, p->size, p->rgb);
	}
	for (size_t i = 0; i < sc->nboxes; i++) {
		const struct yk_render_box *b = &sc->boxes[i];

		fill_world(&m, b->x, b->y, b->w, b->h, b->rgb);
	}
	for (size_t i = 0; i < sc->npads; i++)
		label(&m, &sc->pads[i]);
	/* walls: inside the world's edge, a tenth of a metre, >= 1 pixel */
	wall = fmax(0.1 * m.s, 1.0);
	fill(&m, map_x(&m, 0), map_y(&m, sc->h), map_x(&m, 0) + wall,
	     map_y(&m, 0), wall_rgb);
	fill(&m, map_x(&m, sc->w) - wall, map_y(&m, sc->h), map_x(&m, sc->w),
	     map_y(&m, 0), wall_rgb);
	fill(&m, map_x(&m, 0), map_y(&m, sc->h), map_x(&m, sc->w),
	     map_y(&m, sc->h) + wall, wall_rgb);
	fill(&m, map_x(&m, 0), map_y(&m, 0) - wall, map_x(&m, sc->w),
	     map_y(&m, 0), wall_rgb);
	robot(&m, sc->rx, sc->ry, sc->ryaw);
	return YK_OK;
}

/* What one pov column sees: its ray, its wall and its nearest box. */
struct column {
	double vx, vy;   /* ray per metre of depth (forward part is 1) */
	int wall0, wall1; /* wall rows [wall0, wall1) */
	int box0, box1;   /* nearest box rows, empty when none */
	int side;         /* the wall's side */
	long box;         /* the box's index, -1 for none */
	int xface;        /* the box face seen faces +x or -x */
	unsigned char wall_rgb[3], box_rgb[3];
};

/* The camera: position, heading, focal length (pixels), horizon row. */
struct view {
	double cx, cy, fx, fy, f, hz;
	int height;
};

/* Darken with distance: 256 near, about half at 12 m. */
static int
fog(double z)
{
	return (int)(256 / (1 + 0.08 * z));
}

static void
shade(unsigned char out[3], const unsigned char rgb[3], double face,
      double z)
{
	int k = (int)(fog(z) * face);

	for (int i = 0; i < 3; i++)
		out[i] = (unsigned char)((rgb[i] * k) >> 8);
}

/* Rows [first, end) that a vertical span from z0 to z1 metres covers. */
static void
rows(double f, double hz, double depth, double z0, double z1, int height,
     int *first, int *end)
{
	double top = hz - f * (z1 - YK_RENDER_EYE) / depth;
	double bot = hz - f * (z0 - YK_RENDER_EYE) / depth;

	span(top, bot, height, first, end);
}

/* The nearest box a ray hits at depth > 0: its index, or -1. */
static long
nearest_box(const struct yk_render_scene *sc, double cx, double cy,
	    double vx, double vy, double *depth, int *xface)
{
	long best = -1;

	for (size_t i = 0; i < sc->nboxes; i++) {
		const struct yk_render_box *b = &sc->boxes[i];
		double x0 = b->x - b->w / 2, x1 = b->x + b->w / 2;
		double y0 = b->y - b->h / 2, y1 = b->y + b->h / 2;
		double tx0 = -INFINITY, tx1 = INFINITY;
		double ty0 = -INFINITY, ty1 = INFINITY, near, far;

		if (vx != 0) {
			tx0 = fmin((x0 - cx) / vx, (x1 - cx) / vx);
			tx1 = fmax((x0 - cx) / vx, (x1 - cx) / vx);
		} else if (cx < x0 || cx > x1) {
			continue;
		}
		if (vy != 0) {
			ty0 = fmin((y0 - cy) / vy, (y1 - cy) / vy);
			ty1 = fmax((y0 - cy) / vy, (y1 - cy) / vy);
		} else if (cy < y0 || cy > y1) {
			continue;
		}
		near = fmax(tx0, ty0);
		far = fmin(tx1, ty1);
		/* a robot inside a box does not see that box */
		if (near > far || near <= 0)
			continue;
		if (best < 0 || near < *depth) {
			best = (long)i;
			*depth = near;
			*xface = tx0 >= ty0;
		}
	}
	return best;
}

/* The floor colour at (x, y): the last pad there, else the tile. */
static const unsigned char *
floor_at(const struct yk_render_scene *sc, double x, double y)
{
	for (size_t i = sc->npads; i-- > 0;) {
		const struct yk_render_pad *p = &sc->pads[i];
		double hs = p->size / 2;

		if (fabs(x - p->x) <= hs && fabs(y - p->y) <= hs)
			return p->rgb;
	}
	/* visible floor lies inside the walls: x, y >= 0 up to rounding */
	return tile_rgb[((int)(x + 1) + (int)(y + 1)) & 1];
}

/* Cast the ray of a column u focal lengths right of the centre. */
static void
cast(const struct yk_render_scene *sc, const struct view *v, double u,
     struct column *k)
{
	double tx = INFINITY, ty = INFINITY, t, bt = 0;

	/* right of the image is clockwise of the heading */
	k->vx = v->fx + u * v->fy;
	k->vy = v->fy - u * v->fx;
	if (k->vx > 0)
		tx = (sc->w - v->cx) / k->vx;
	else if (k->vx < 0)
		tx = -v->cx / k->vx;
	if (k->vy > 0)
		ty = (sc->h - v->cy) / k->vy;
	else if (k->vy < 0)
		ty = -v->cy / k->vy;
	if (tx < ty) {
		t = tx;
		k->side = k->vx > 0 ? EAST : WEST;
	} else {
		t = ty;
		k->side = k->vy > 0 ? NORTH : SOUTH;
	}
	rows(v->f, v->hz, t, 0, YK_RENDER_WALL_H, v->height, &k->wall0,
	     &k->wall1);
	shade(k->wall_rgb, side_rgb[k->side],
	      k->side == WEST || k->side == EAST ? 1.0 : 0.8, t);
	k->box = nearest_box(sc, v->cx, v->cy, k->vx, k->vy, &bt, &k->xface);
	if (k->box >= 0 && bt >= t)
		k->box = -1;
	if (k->box >= 0) {
		rows(v->f, v->hz, bt, 0, YK_RENDER_BOX_H, v->height, &k->box0,
		     &k->box1);
		shade(k->box_rgb, sc->boxes[k->box].rgb, k->xface ? 1.0 : 0.8,
		      bt);
	}
}

static void
darken(unsigned char rgb[3])
{
	for (int i = 0; i < 3; i++)
		rgb[i] = (unsigned char)(rgb[i] * 5 / 8);
}

/*
 * Outline where a box's face or a wall's side changes from one column to
 * the next, so that faces of one colour read as a solid.
 */
static void
edges(struct column *col, int width)
{
	for (int c = 1; c < width; c++) {
		struct column *k = &col[c], *l = &col[c - 1];

		if (k->side != l->side)
			darken(k->wall_rgb);
		if (k->box == l->box && k->xface == l->xface)
			continue;
		if (k->box >= 0)
			darken(k->box_rgb);
		else if (l->box >= 0)
			darken(l->box_rgb);
	}
}

int
yk_render_pov(const struct yk_render_scene *sc, unsigned char *rgb,
	      int width, int height, double fov, struct yk_err *err)
{
	struct column *col;
	struct view v = {.hz = height / 2.0, .height = height};
	const double eps = 1e-3;
	int rc = yk_render_size_check(width, height, err);

	if (rc == YK_OK)
		rc = scene_check(sc, err);
	if (rc)
		return rc;
	if (!(fov > 0 && fov < M_PI))
		return yk_err_set(err, YK_EUSAGE,
				  "field of view '%g' out of range (0, pi)",
				  fov);
	v.cx = clampd(sc->rx, fmin(eps, sc->w / 2),
		      fmax(sc->w - eps, sc->w / 2));
	v.cy = clampd(sc->ry, fmin(eps, sc->h / 2),
		      fmax(sc->h - eps, sc->h / 2));
	v.fx = cos(sc->ryaw);
	v.fy = sin(sc->ryaw);
	v.f = width / 2.0 / tan(fov / 2);
	col = yk_calloc((size_t)width, sizeof(*col));
	for (int c = 0; c < width; c++)
		cast(sc, &v, (c + 0.5 - width / 2.0) / v.f, &col[c]);
	edges(col, width);

	for (int r = 0; r < height; r++) {
		unsigned char *px = rgb + (size_t)r * width * 3;
		double below = r + 0.5 - v.hz;
		double depth = below > 0 ? v.f * YK_RENDER_EYE / below : 0;
		int k = below > 0 ? fog(depth) : 0;
		/* walls rise above the eye: below the horizon no sky shows,
		 * and the gradient stops there (past it, not a byte) */
		double sr = below > 0 ? v.hz : r + 0.5;
		unsigned char sky[3];

		for (int i = 0; i < 3; i++)
			sky[i] = (unsigned char)(sky_top[i] +
						 (sky_low[i] - sky_top[i]) *
							 sr / v.hz);
		for (int c = 0; c < width; c++, px += 3) {
			const struct column *cc = &col[c];
			const unsigned char *fl;

			if (r >= cc->box0 && r < cc->box1) {
				put(px, cc->box_rgb);
			} else if (r >= cc->wall0 && r < cc->wall1) {
				put(px, cc->wall_rgb);
			} else if (r < cc->wall0) {
				put(px, sky);
			} else {
				fl = floor_at(sc, v.cx + depth * cc->vx,
					      v.cy + depth * cc->vy);
				px[0] = (unsigned char)((fl[0] * k) >> 8);
				px[1] = (unsigned char)((fl[1] * k) >> 8);
				px[2] = (unsigned char)((fl[2] * k) >> 8);
			}
		}
	}
	free(col);
	return YK_OK;
}
