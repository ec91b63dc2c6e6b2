/*
 * simcam.c - a simulated robot's world, drawn by lib/render and encoded
 * by lib/jpeg.
 *
 * The sim keeps boxes by their lower-left corner, the renderer by their
 * centre: the one conversion between the two lives here.  Costs (from
 * the renderer's and encoder's figures): about 4 ms for a 1280x720 pov,
 * drawn and encoded, on the sim's own loop.
 */
#include <stdlib.h>
#include <string.h>

#include "jpeg.h"
#include "render.h"
#include "simcam.h"


/* Each pad a colour of its own, the dock apart. */
static void
pad_colour(const char *name, unsigned char rgb[3])
{
	static const unsigned char dock[3] = {60, 140, 220};
	static const unsigned char pads[][3] = {
		{240, 180, 40}, {60, 190, 90}, {180, 80, 200}, {240, 120, 60},
	};
	unsigned h = 0;

	if (strcmp(name, "dock") == 0) {
		memcpy(rgb, dock, 3);
		return;
	}
	for (const char *p = name; *p; p++)
		h = h * 31 + (unsigned char)*p;
	memcpy(rgb, pads[h % (sizeof(pads) / sizeof(pads[0]))], 3);
}

int
yk_simcam_capture(struct yk_buf *out, const struct yk_sim *m,
		  const char *camera, int width, int height, double quality,
		  struct yk_err *err)
{
	const struct yk_sim_world *w = m->world;
	struct yk_render_pad pads[YK_SIM_MAX_PADS];
	struct yk_render_box boxes[YK_SIM_MAX_BOXES];
	struct yk_render_scene sc = {
		.w = w->w, .h = w->h, .pads = pads,
		.npads = (size_t)w->npads, .boxes = boxes,
		.nboxes = (size_t)w->nboxes, .rx = m->x, .ry = m->y,
		.ryaw = m->yaw,
	};
	bool pov = strcmp(camera, "pov") == 0;
	unsigned char *rgb;
	int i, rc;

	if (!pov && strcmp(camera, "topdown") != 0)
		return yk_err_set(err, YK_EUSAGE,
				  "no camera '%.64s' (cameras: pov, topdown)",
				  camera);
	if (width == 0)
		width = YK_SIMCAM_WIDTH;
	if (height == 0)
		height = YK_SIMCAM_HEIGHT;
	if (quality == 0)
		quality = YK_JPEG_DEFAULT_QUALITY;
	if (yk_render_size_check(width, height, err) != YK_OK)
		return err->rc;
	for (i = 0; i < w->npads; i++) {
		pads[i] = (struct yk_render_pad){
			.name = w->pads[i].name, .x = w->pads[i].x,
			.y = w->pads[i].y, .size = w->pads[i].size,
		};
		pad_colour(w->pads[i].name, pads[i].rgb);
	}
	for (i = 0; i < w->nboxes; i++)
		boxes[i] = (struct yk_render_box){
			.x = w->boxes[i].x + w->boxes[i].w / 2,
			.y = w->boxes[i].y + w->boxes[i].h / 2,
			.w = w->boxes[i].w, .h = w->boxes[i].h,
			.rgb = {150, 110, 70},
		};
	rgb = malloc((size_t)width * (size_t)height * 3);
	if (rgb == NULL)
		return yk_err_set(err, YK_ERUNTIME, "out of memory");
	if (pov)
		rc = yk_render_pov(&sc, rgb, width, height, YK_RENDER_FOV,
				   err);
	else
		rc = yk_render_topdown(&sc, rgb, width, height, err);
	if (rc == YK_OK)
		rc = yk_jpeg_encode(out, rgb, width, height, quality, err);
	free(rgb);
	return rc;
}
