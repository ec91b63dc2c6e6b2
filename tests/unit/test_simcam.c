/*
 * test_simcam.c - yoke-sim's cameras: the sim's world drawn and encoded
 * (lib/sim/simcam.c), names, defaults and refusals.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "simcam.h"

/* Width and height from a baseline JPEG's SOF0 segment. */
static void
jpeg_size(const struct yk_buf *b, int *w, int *h)
{
	const unsigned char *p = (const unsigned char *)b->p;
	size_t i = 2;

	*w = *h = -1;
	while (i + 9 < b->len && p[i] == 0xff) {
		size_t n = (size_t)p[i + 2] << 8 | p[i + 3];

		if (p[i + 1] == 0xc0) {
			*h = p[i + 5] << 8 | p[i + 6];
			*w = p[i + 7] << 8 | p[i + 8];
			return;
		}
		i += 2 + n;
	}
}

static void
robot(struct yk_sim *m, struct yk_sim_world *w)
{
	yk_sim_world_default(w);
	yk_sim_init(m, w, 1, 0);
}

static void
test_defaults_and_sizes(void **state)
{
	struct yk_sim_world w;
	struct yk_sim m;
	struct yk_buf b = {0};
	struct yk_err err = {0};
	int x, y;

	(void)state;
	robot(&m, &w);
	assert_int_equal(yk_simcam_capture(&b, &m, "pov", 0, 0, 0, &err),
			 YK_OK);
	assert_memory_equal(b.p, "\xff\xd8\xff", 3);
	jpeg_size(&b, &x, &y);
	assert_int_equal(x, 1280);
	assert_int_equal(y, 720);
	yk_buf_truncate(&b, 0);
	assert_int_equal(yk_simcam_capture(&b, &m, "topdown", 64, 48, 0.5,
					   &err), YK_OK);
	jpeg_size(&b, &x, &y);
	assert_int_equal(x, 64);
	assert_int_equal(y, 48);
	yk_buf_free(&b);
}

static void
test_pose_changes_the_picture(void **state)
{
	struct yk_sim_world w;
	struct yk_sim m;
	struct yk_buf a = {0}, b = {0}, c = {0};
	struct yk_err err = {0};

	(void)state;
	robot(&m, &w);
	for (int i = 0; i < 2; i++) {
		struct yk_buf *o = i ? &b : &a;

		assert_int_equal(yk_simcam_capture(o, &m, "pov", 160, 90, 0,
						   &err), YK_OK);
	}
	/* the same pose, the same bytes */
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.p, b.p, a.len);
	m.yaw += 1.5;
	assert_int_equal(yk_simcam_capture(&c, &m, "pov", 160, 90, 0, &err),
			 YK_OK);
	assert_false(c.len == a.len && memcmp(c.p, a.p, a.len) == 0);
	yk_buf_free(&a);
	yk_buf_free(&b);
	yk_buf_free(&c);
}

static void
test_refusals(void **state)
{
	struct yk_sim_world w;
	struct yk_sim m;
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	robot(&m, &w);
	assert_int_equal(yk_simcam_capture(&b, &m, "fisheye", 0, 0, 0, &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg,
			    "no camera 'fisheye' (cameras: pov, topdown)");
	assert_int_equal(yk_simcam_capture(&b, &m, "pov", 8, 0, 0, &err),
			 YK_EUSAGE);
	assert_string_equal(err.msg,
			    "image size '8x720' out of range 16x16..3840x2160");
	assert_int_equal(yk_simcam_capture(&b, &m, "pov", 0, 0, 1.5, &err),
			 YK_EUSAGE);
	assert_int_equal(b.len, 0);
	assert_string_equal(yk_sim_cameras[0], "pov");
	assert_string_equal(yk_sim_cameras[1], "topdown");
	assert_null(yk_sim_cameras[2]);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults_and_sizes),
		cmocka_unit_test(test_pose_changes_the_picture),
		cmocka_unit_test(test_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
