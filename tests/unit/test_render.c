/*
 * test_render.c - the simulated world's cameras (lib/sim/render.h): the map
 * shows the robot where it is and heading where it heads, pads (with
 * their names) and boxes in their colours; the pov sees a box straight ahead and a pad on the
 * floor, changes when the robot turns, is repeatable; sizes, worlds and
 * fields of view out of range are refused and leave the image alone.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "render.h"

#define MAGENTA {200, 40, 200}
#define GREEN {40, 200, 60}
#define YELLOW {230, 210, 30}

static const struct yk_render_pad pads[] = {
	{"pad_A", 2, 2, 1, MAGENTA},
	{"pad_B", 8, 6, 1, YELLOW},
	{"dock", 1, 7, 0.8, {30, 30, 220}},
};
static const struct yk_render_box boxes[] = {
	{5, 4, 1, 1, GREEN},
};

static struct yk_render_scene
scene(double rx, double ry, double yaw)
{
	return (struct yk_render_scene){
		.w = 10, .h = 8, .pads = pads, .npads = 3, .boxes = boxes,
		.nboxes = 1, .rx = rx, .ry = ry, .ryaw = yaw};
}

static const unsigned char *
pixel(const unsigned char *rgb, int width, int x, int y)
{
	return rgb + ((size_t)y * width + x) * 3;
}

static void
assert_rgb(const unsigned char *p, int r, int g, int b)
{
	assert_int_equal(p[0], r);
	assert_int_equal(p[1], g);
	assert_int_equal(p[2], b);
}

/* A shaded colour: the channel `dom` at least twice each other one. */
static int
dominated_by(const unsigned char *p, int dom)
{
	for (int i = 0; i < 3; i++)
		if (i != dom && p[dom] < 2 * p[i])
			return 0;
	return 1;
}

/* The map of the 10 x 8 m world in 640x480: 60 px/m, 20 px margins. */
static int
map_x(double x)
{
	return (int)(20 + x * 60);
}

static int
map_y(double y)
{
	return (int)((8 - y) * 60);
}

/* Whether the label colour shows in the 10 rows from top around x. */
static int
label_pixels(const unsigned char *rgb, int width, int x, int top)
{
	int n = 0;

	for (int y = top; y < top + 10; y++)
		for (int c = x - 20; c < x + 20; c++)
			n += memcmp(pixel(rgb, width, c, y), "\x28\x28\x32",
				    3) == 0;
	return n > 20;
}

static void
test_topdown(void **state)
{
	enum { W = 640, H = 480 };
	unsigned char *rgb = malloc(W * H * 3);
	struct yk_render_scene sc = scene(3, 5, 0);
	struct yk_render_pad bare = pads[0];
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_render_topdown(&sc, rgb, W, H, &err), YK_OK);
	/* the robot at its position, its tip ahead (+x), nothing behind */
	assert_rgb(pixel(rgb, W, map_x(3), map_y(5)), YK_RENDER_ROBOT_R,
		   YK_RENDER_ROBOT_G, YK_RENDER_ROBOT_B);
	assert_rgb(pixel(rgb, W, map_x(3.25), map_y(5)), YK_RENDER_ROBOT_R,
		   YK_RENDER_ROBOT_G, YK_RENDER_ROBOT_B);
	assert_int_not_equal(pixel(rgb, W, map_x(2.7), map_y(5))[0],
			     YK_RENDER_ROBOT_R);
	/* pads and the box in their colours, the margin outside the world */
	assert_rgb(pixel(rgb, W, map_x(2.3), map_y(1.8)), 200, 40, 200);
	assert_rgb(pixel(rgb, W, map_x(8), map_y(6)), 230, 210, 30);
	assert_rgb(pixel(rgb, W, map_x(1), map_y(7)), 30, 30, 220);
	assert_rgb(pixel(rgb, W, map_x(5.4), map_y(4.4)), 40, 200, 60);
	assert_rgb(pixel(rgb, W, 5, 240), 40, 40, 48);
	assert_rgb(pixel(rgb, W, 634, 240), 40, 40, 48);
	/* floor, and a grid line on the metre */
	assert_rgb(pixel(rgb, W, map_x(6.5), map_y(1.5)), 200, 200, 196);
	assert_rgb(pixel(rgb, W, map_x(6), map_y(1.5)), 165, 165, 160);

	/* pad names under the pads: pad_A's fills some of the 5 rows (10
	 * pixels at 2 per font pixel) starting 4 pixels below it */
	assert_int_equal(label_pixels(rgb, W, map_x(2), map_y(1.5) + 4), 1);

	/* turned to face -y (south): the tip moves below, +x is clear */
	sc.ryaw = -M_PI / 2;
	assert_int_equal(yk_render_topdown(&sc, rgb, W, H, &err), YK_OK);
	assert_rgb(pixel(rgb, W, map_x(3), map_y(4.75)), YK_RENDER_ROBOT_R,
		   YK_RENDER_ROBOT_G, YK_RENDER_ROBOT_B);
	assert_int_not_equal(pixel(rgb, W, map_x(3.3), map_y(5))[0],
			     YK_RENDER_ROBOT_R);

	/* a pad without a name has none */
	bare.name = NULL;
	sc.pads = &bare;
	sc.npads = 1;
	assert_int_equal(yk_render_topdown(&sc, rgb, W, H, &err), YK_OK);
	assert_int_equal(label_pixels(rgb, W, map_x(2), map_y(1.5) + 4), 0);
	sc.pads = pads;
	sc.npads = 3;

	/* the smallest image still shows the robot where it is */
	sc.rx = 7.3;
	sc.ry = 2.1;
	assert_int_equal(yk_render_topdown(&sc, rgb, 16, 16, &err), YK_OK);
	/* 1.6 px/m, 1.6 px margins above and below */
	assert_rgb(pixel(rgb, 16, (int)(7.3 * 1.6), (int)(1.6 + 5.9 * 1.6)),
		   YK_RENDER_ROBOT_R, YK_RENDER_ROBOT_G, YK_RENDER_ROBOT_B);
	free(rgb);
}

static void
test_pov_box_ahead(void **state)
{
	enum { W = 320, H = 240 };
	unsigned char *rgb = malloc(W * H * 3);
	struct yk_render_scene sc = scene(2, 4, 0);
	struct yk_err err = {0};

	(void)state;
	/* facing +x, the box 3 m ahead fills the centre column at the
	 * horizon and a little above and below */
	assert_int_equal(yk_render_pov(&sc, rgb, W, H, YK_RENDER_FOV, &err),
			 YK_OK);
	assert_true(dominated_by(pixel(rgb, W, W / 2, H / 2), 1));
	assert_true(dominated_by(pixel(rgb, W, W / 2, H / 2 - 10), 1));
	assert_true(dominated_by(pixel(rgb, W, W / 2, H / 2 + 10), 1));
	/* the top row is sky, the bottom row floor: neither green */
	assert_false(dominated_by(pixel(rgb, W, W / 2, 0), 1));
	assert_false(dominated_by(pixel(rgb, W, W / 2, H - 1), 1));

	/* facing west the box is behind: the brick-red west wall instead */
	sc.ryaw = M_PI;
	assert_int_equal(yk_render_pov(&sc, rgb, W, H, YK_RENDER_FOV, &err),
			 YK_OK);
	assert_false(dominated_by(pixel(rgb, W, W / 2, H / 2), 1));
	assert_true(dominated_by(pixel(rgb, W, W / 2, H / 2), 0));

	/* without the box, facing east: the blue east wall */
	sc.ryaw = 0;
	sc.nboxes = 0;
	assert_int_equal(yk_render_pov(&sc, rgb, W, H, YK_RENDER_FOV, &err),
			 YK_OK);
	assert_false(dominated_by(pixel(rgb, W, W / 2, H / 2), 1));
	assert_true(pixel(rgb, W, W / 2, H / 2)[2] >
		    pixel(rgb, W, W / 2, H / 2)[0]);
	free(rgb);
}

static void
test_pov_pad_on_floor(void **state)
{
	enum { W = 320, H = 240 };
	unsigned char *rgb = malloc(W * H * 3);
	/* pad_A at (2, 2), the robot 2 m west of it facing east: the floor
	 * 2 m ahead is at row H/2 + f * eye / 2, f = W/2 for 90 degrees */
	struct yk_render_scene sc = scene(0.5, 2, 0);
	int row = (int)(H / 2 + (W / 2.0) * YK_RENDER_EYE / 1.5);
	const unsigned char *p;
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_render_pov(&sc, rgb, W, H, YK_RENDER_FOV, &err),
			 YK_OK);
	p = pixel(rgb, W, W / 2, row);
	/* magenta, darkened by distance */
	assert_true(p[0] > 2 * p[1] && p[2] > 2 * p[1]);
	/* a metre nearer there is grey floor */
	row = (int)(H / 2 + (W / 2.0) * YK_RENDER_EYE / 0.7);
	p = pixel(rgb, W, W / 2, row);
	assert_true(abs(p[0] - p[1]) < 8 && abs(p[1] - p[2]) < 8);
	free(rgb);
}

static void
test_pov_turn_and_repeat(void **state)
{
	enum { W = 160, H = 120 };
	unsigned char a[W * H * 3], b[W * H * 3];
	struct yk_render_scene sc = scene(3, 3, 0.3);
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_render_pov(&sc, a, W, H, 1.2, &err), YK_OK);
	assert_int_equal(yk_render_pov(&sc, b, W, H, 1.2, &err), YK_OK);
	assert_memory_equal(a, b, sizeof(a));
	sc.ryaw += 0.1;
	assert_int_equal(yk_render_pov(&sc, b, W, H, 1.2, &err), YK_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	/* moving changes it too */
	sc.ryaw -= 0.1;
	sc.rx += 0.2;
	assert_int_equal(yk_render_pov(&sc, b, W, H, 1.2, &err), YK_OK);
	assert_memory_not_equal(a, b, sizeof(a));
	/* a robot outside the walls or inside a box still renders */
	sc.rx = -3;
	assert_int_equal(yk_render_pov(&sc, b, W, H, 1.2, &err), YK_OK);
	sc.rx = 5;
	sc.ry = 4;
	assert_int_equal(yk_render_pov(&sc, b, W, H, 1.2, &err), YK_OK);
	assert_int_equal(yk_render_topdown(&sc, b, W, H, &err), YK_OK);
}

static void
test_refused(void **state)
{
	static const int bad[][2] = {
		{15, 16}, {16, 15}, {3841, 2160}, {3840, 2161}, {0, 0},
		{-16, 16},
	};
	unsigned char rgb[16 * 16 * 3];
	struct yk_render_scene sc = scene(3, 3, 0);
	struct yk_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memset(rgb, 7, sizeof(rgb));
		assert_int_equal(yk_render_topdown(&sc, rgb, bad[i][0],
						   bad[i][1], &err),
				 YK_EUSAGE);
		assert_int_equal(yk_render_pov(&sc, rgb, bad[i][0], bad[i][1],
					       1.0, &err),
				 YK_EUSAGE);
		assert_int_equal(rgb[0], 7);
	}
	assert_string_equal(err.msg, "image size '-16x16' out of range "
				     "16x16..3840x2160");
	assert_int_equal(yk_render_size_check(16, 16, &err), YK_OK);
	assert_int_equal(yk_render_size_check(3840, 2160, &err), YK_OK);
	assert_int_equal(yk_render_size_check(3841, 2160, &err), YK_EUSAGE);

	assert_int_equal(yk_render_pov(&sc, rgb, 16, 16, 0, &err), YK_EUSAGE);
	assert_string_equal(err.msg,
			    "field of view '0' out of range (0, pi)");
	assert_int_equal(yk_render_pov(&sc, rgb, 16, 16, M_PI, &err),
			 YK_EUSAGE);
	assert_int_equal(yk_render_pov(&sc, rgb, 16, 16, NAN, &err),
			 YK_EUSAGE);

	sc.w = 0;
	assert_int_equal(yk_render_topdown(&sc, rgb, 16, 16, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "world size '0x8' is not positive");
	sc.w = 10;
	sc.ryaw = INFINITY;
	assert_int_equal(yk_render_pov(&sc, rgb, 16, 16, 1, &err), YK_EUSAGE);
	assert_string_equal(err.msg, "robot pose is not finite");
	assert_int_equal(rgb[0], 7);
}

/* The largest size and the default one both render.  (Timings are for
 * bench/, not for tests: the figures are in lib/sim/render.h.) */
static void
test_sizes(void **state)
{
	unsigned char *rgb = malloc(3840 * 2160 * 3);
	struct yk_render_scene sc = scene(3, 3, 0.7);
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_render_pov(&sc, rgb, 3840, 2160, 1.0, &err),
			 YK_OK);
	assert_int_equal(yk_render_topdown(&sc, rgb, 3840, 2160, &err), YK_OK);
	assert_int_equal(yk_render_pov(&sc, rgb, 1280, 720, YK_RENDER_FOV,
				       &err), YK_OK);
	assert_int_equal(yk_render_topdown(&sc, rgb, 1280, 720, &err), YK_OK);
	free(rgb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_topdown),
		cmocka_unit_test(test_pov_box_ahead),
		cmocka_unit_test(test_pov_pad_on_floor),
		cmocka_unit_test(test_pov_turn_and_repeat),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_sizes),
	};

	return cmocka_run_group_tests_name("render", tests, NULL, NULL);
}
