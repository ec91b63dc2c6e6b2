/*
 * test_jpeg.c - RGB24 -> JPEG (lib/sim/jpeg.h): the output is a JFIF file
 * that libavcodec's MJPEG decoder and ffprobe read back at the same size
 * and close to the input, odd sizes included; lower quality is smaller;
 * the same input gives the same bytes; bad sizes and qualities are
 * refused and leave the buffer alone; nothing is printed.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <libavcodec/avcodec.h>

#include "buf.h"
#include "jpeg.h"

enum { NOISY, FLAT, SMOOTH };

/* A deterministic image: gradients with noise, a flat colour, or
 * gradients alone. */
static unsigned char *
image(int w, int h, int kind)
{
	unsigned char *rgb = malloc((size_t)w * h * 3);
	unsigned int seed = 12345;

	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			unsigned char *p = rgb + ((size_t)y * w + x) * 3;

			seed = seed * 1103515245 + 12345;
			if (kind == FLAT) {
				p[0] = 200;
				p[1] = 100;
				p[2] = 50;
			} else if (kind == SMOOTH) {
				/* gentle whatever the size: an odd last row
				 * or column with the wrong colour shows */
				p[0] = (unsigned char)(60 + 4 * x % 150);
				p[1] = (unsigned char)(200 - 6 * y % 150);
				p[2] = 90;
			} else {
				p[0] = (unsigned char)(x * 255 / w);
				p[1] = (unsigned char)(y * 255 / h);
				p[2] = (unsigned char)((seed >> 16) & 63);
			}
		}
	}
	return rgb;
}

static void
assert_jfif(const struct yk_buf *b)
{
	const unsigned char *p = (const unsigned char *)b->p;

	assert_true(b->len > 100);
	assert_int_equal(p[0], 0xff);
	assert_int_equal(p[1], 0xd8);
	assert_int_equal(p[2], 0xff);
	assert_int_equal(p[b->len - 2], 0xff);
	assert_int_equal(p[b->len - 1], 0xd9);
}

static unsigned char
clip(double v)
{
	return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : lrint(v));
}

/*
 * Decode with libavcodec's MJPEG decoder: check the size, convert back
 * to RGB (BT.601 full range) and return the mean absolute error per
 * channel against rgb.
 */
static double
decode_error(const struct yk_buf *jpeg, const unsigned char *rgb, int w,
	     int h)
{
	const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
	AVCodecContext *ctx = avcodec_alloc_context3(codec);
	AVPacket *pkt = av_packet_alloc();
	AVFrame *fr = av_frame_alloc();
	double sum = 0;

	assert_non_null(ctx);
	assert_int_equal(avcodec_open2(ctx, codec, NULL), 0);
	pkt->data = (uint8_t *)jpeg->p;
	pkt->size = (int)jpeg->len;
	assert_int_equal(avcodec_send_packet(ctx, pkt), 0);
	assert_int_equal(avcodec_receive_frame(ctx, fr), 0);
	assert_int_equal(fr->width, w);
	assert_int_equal(fr->height, h);
	assert_true(fr->format == AV_PIX_FMT_YUVJ420P ||
		    (fr->format == AV_PIX_FMT_YUV420P &&
		     fr->color_range == AVCOL_RANGE_JPEG));
	for (int y = 0; y < h; y++) {
		for (int x = 0; x < w; x++) {
			double Y = fr->data[0][y * fr->linesize[0] + x];
			double U = fr->data[1][y / 2 * fr->linesize[1] + x / 2] -
				   128.0;
			double V = fr->data[2][y / 2 * fr->linesize[2] + x / 2] -
				   128.0;
			const unsigned char *p = rgb + ((size_t)y * w + x) * 3;

			sum += abs(clip(Y + 1.402 * V) - p[0]);
			sum += abs(clip(Y - 0.344136 * U - 0.714136 * V) - p[1]);
			sum += abs(clip(Y + 1.772 * U) - p[2]);
		}
	}
	av_frame_free(&fr);
	av_packet_free(&pkt);
	avcodec_free_context(&ctx);
	return sum / ((double)w * h * 3);
}

static void
test_flat_roundtrip(void **state)
{
	unsigned char *rgb = image(64, 48, FLAT);
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	assert_int_equal(yk_jpeg_encode(&b, rgb, 64, 48, 0.7, &err), YK_OK);
	assert_jfif(&b);
	assert_true(decode_error(&b, rgb, 64, 48) < 2.0);
	yk_buf_free(&b);
	free(rgb);
}

static void
test_textured_roundtrip_and_quality(void **state)
{
	unsigned char *rgb = image(320, 240, NOISY);
	struct yk_buf lo = {0}, hi = {0}, again = {0};
	struct yk_err err = {0};
	double elo, ehi;

	(void)state;
	assert_int_equal(yk_jpeg_encode(&lo, rgb, 320, 240, 0.2, &err), YK_OK);
	assert_int_equal(yk_jpeg_encode(&hi, rgb, 320, 240, 0.9, &err), YK_OK);
	assert_jfif(&lo);
	assert_jfif(&hi);
	assert_true(lo.len < hi.len);
	elo = decode_error(&lo, rgb, 320, 240);
	ehi = decode_error(&hi, rgb, 320, 240);
	assert_true(ehi < elo);
	assert_true(ehi < 8.0);
	assert_true(elo < 20.0);
	/* the same input, the same bytes; appended after what was there */
	yk_buf_adds(&again, "x");
	assert_int_equal(yk_jpeg_encode(&again, rgb, 320, 240, 0.9, &err),
			 YK_OK);
	assert_int_equal(again.len, hi.len + 1);
	assert_memory_equal(again.p + 1, hi.p, hi.len);
	yk_buf_free(&lo);
	yk_buf_free(&hi);
	yk_buf_free(&again);
	free(rgb);
}

static void
test_odd_sizes(void **state)
{
	static const int sizes[][2] = {{17, 9}, {1, 1}, {3, 2}, {2, 5}};
	struct yk_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		int w = sizes[i][0], h = sizes[i][1];
		struct yk_buf b = {0};

		for (int kind = FLAT; kind <= SMOOTH; kind++) {
			unsigned char *rgb = image(w, h, kind);

			assert_int_equal(yk_jpeg_encode(&b, rgb, w, h, 0.8,
							&err),
					 YK_OK);
			assert_jfif(&b);
			assert_true(decode_error(&b, rgb, w, h) < 4.0);
			yk_buf_truncate(&b, 0);
			free(rgb);
		}
		yk_buf_free(&b);
	}
}

/* ffprobe, the tool users will point at a captured frame, reads it. */
static void
test_ffprobe(void **state)
{
	unsigned char *rgb = image(17, 9, NOISY);
	char path[] = "/tmp/test_jpeg.XXXXXX", cmd[256], line[128] = "";
	struct yk_buf b = {0};
	struct yk_err err = {0};
	FILE *f;
	int fd;

	(void)state;
	assert_int_equal(yk_jpeg_encode(&b, rgb, 17, 9, 0.7, &err), YK_OK);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, b.p, b.len), (ssize_t)b.len);
	close(fd);
	snprintf(cmd, sizeof(cmd),
		 "ffprobe -v error -show_entries "
		 "stream=codec_name,width,height,pix_fmt -of csv=p=0 '%s'",
		 path);
	f = popen(cmd, "r");
	assert_non_null(f);
	assert_non_null(fgets(line, sizeof(line), f));
	assert_int_equal(pclose(f), 0);
	unlink(path);
	assert_string_equal(line, "mjpeg,17,9,yuvj420p\n");
	yk_buf_free(&b);
	free(rgb);
}

static void
test_refused(void **state)
{
	static const int sizes[][2] = {{0, 1}, {1, 0}, {-1, 5},
				       {YK_JPEG_MAX + 1, 1}};
	static const double qualities[] = {0, -0.5, 1.01, NAN};
	unsigned char rgb[3] = {1, 2, 3};
	struct yk_buf b = {0};
	struct yk_err err = {0};

	(void)state;
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		assert_int_equal(yk_jpeg_encode(&b, rgb, sizes[i][0],
						sizes[i][1], 0.5, &err),
				 YK_EUSAGE);
	assert_string_equal(err.msg, "jpeg size '8193x1' out of range "
				     "1x1..8192x8192");
	for (size_t i = 0; i < sizeof(qualities) / sizeof(qualities[0]); i++)
		assert_int_equal(yk_jpeg_encode(&b, rgb, 1, 1, qualities[i],
						&err),
				 YK_EUSAGE);
	assert_string_equal(err.msg, "jpeg quality 'nan' out of range (0, 1]");
	assert_int_equal(b.len, 0);
	/* the edges of the range are accepted */
	assert_int_equal(yk_jpeg_encode(&b, rgb, 1, 1, 1.0, &err), YK_OK);
	assert_int_equal(yk_jpeg_encode(&b, rgb, 1, 1, 1e-9, &err), YK_OK);
	yk_buf_free(&b);
}

/*
 * Nothing printed: with stderr on a file, encodes at both ends of the
 * quality range leave it empty, while a libav line logged outside a call
 * still reaches it through libav's default callback.
 */
static void
test_silent(void **state)
{
	unsigned char *rgb = image(17, 9, NOISY);
	struct yk_buf b = {0};
	struct yk_err err = {0};
	char got[256] = "";
	FILE *f = tmpfile();
	int saved = dup(2);

	(void)state;
	assert_non_null(f);
	fflush(stderr);
	dup2(fileno(f), 2);
	assert_int_equal(yk_jpeg_encode(&b, rgb, 17, 9, 1.0, &err), YK_OK);
	assert_int_equal(yk_jpeg_encode(&b, rgb, 17, 9, 1e-9, &err), YK_OK);
	assert_int_equal(ftell(f), 0);
	av_log(NULL, AV_LOG_ERROR, "outside a call\n");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	assert_non_null(fgets(got, sizeof(got), f));
	assert_string_equal(got, "outside a call\n");
	fclose(f);
	yk_buf_free(&b);
	free(rgb);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flat_roundtrip),
		cmocka_unit_test(test_textured_roundtrip_and_quality),
		cmocka_unit_test(test_odd_sizes),
		cmocka_unit_test(test_ffprobe),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_silent),
	};

	return cmocka_run_group_tests_name("jpeg", tests, NULL, NULL);
}
