/*
 * jpeg.c - RGB24 -> JPEG with libavcodec's MJPEG encoder.
 *
 * Must hold: nothing printed (libav's log is captured, see below), every
 * libav object freed on every path, out grown only on success.
 *
 * One encoder context per call: opening one costs 0.03 ms at 1280x720
 * and 0.26 ms at 3840x2160 (measured on the build machine), against
 * 2.8 ms and 35 ms for the whole call (conversion and encode; 1.0 ms at
 * 640x480), so keeping an encoder per size would save 1% for its state.
 *
 * The RGB -> YUV conversion is done here rather than with libswscale:
 * it is twenty lines, exact BT.601 full range without swscale's range
 * and colourspace set-up, and one library less to link and load.
 * Chroma is the mean of each 2x2 block (of what is left of it on an odd
 * last row or column).
 *
 * libav's log is process-wide: av_log_set_level(AV_LOG_QUIET) would
 * silence every other libav user in the process and lose the cause of a
 * failure.  Instead a callback installed once keeps the first error
 * line of a call in the caller's buffer (a thread-local pointer to it)
 * and hands anything logged outside a call to libav's default.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavutil/log.h>

#include "jpeg.h"

/* The current call's log buffer, or NULL outside a call. */
static _Thread_local char *log_sink;
static pthread_once_t log_once = PTHREAD_ONCE_INIT;

enum { LOG_MAX = 200 };

static void
log_cb(void *avcl, int level, const char *fmt, va_list ap)
{
	size_t n;

	if (log_sink == NULL) {
		av_log_default_callback(avcl, level, fmt, ap);
		return;
	}
	if (level > AV_LOG_ERROR || log_sink[0] != '\0')
		return;
	vsnprintf(log_sink, LOG_MAX, fmt, ap);
	n = strlen(log_sink);
	while (n > 0 && (log_sink[n - 1] == '\n' || log_sink[n - 1] == ' '))
		log_sink[--n] = '\0';
}

static void
log_install(void)
{
	av_log_set_callback(log_cb);
}

/* The cause of a libav failure: its error line, else its error code. */
static int
fail(struct yk_err *err, const char *what, int averr, const char *line)
{
	char buf[AV_ERROR_MAX_STRING_SIZE];

	if (line[0] != '\0')
		return yk_err_set(err, YK_ERUNTIME, "cannot %s: %s", what,
				  line);
	av_strerror(averr, buf, sizeof(buf));
	return yk_err_set(err, YK_ERUNTIME, "cannot %s: %s", what, buf);
}

static unsigned char
clip(int v)
{
	return (unsigned char)(v < 0 ? 0 : v > 255 ? 255 : v);
}

/* BT.601 full range in 16-bit fixed point (the weights sum to 65536). */
static void
rgb_to_yuv420(AVFrame *fr, const unsigned char *rgb, int w, int h)
{
	for (int y = 0; y < h; y++) {
		const unsigned char *s = rgb + (size_t)y * w * 3;
		unsigned char *d = fr->data[0] + (size_t)y * fr->linesize[0];

		for (int x = 0; x < w; x++, s += 3)
			d[x] = (unsigned char)((19595 * s[0] + 38470 * s[1] +
						7471 * s[2] + 32768) >>
					       16);
	}
	for (int y = 0; y < h; y += 2) {
		unsigned char *u = fr->data[1] + (size_t)(y / 2) *
							 fr->linesize[1];
		unsigned char *v = fr->data[2] + (size_t)(y / 2) *
							 fr->linesize[2];
		int dy = y + 1 < h ? 2 : 1;

		for (int x = 0; x < w; x += 2) {
			int dx = x + 1 < w ? 2 : 1, n = dx * dy;
			int r = 0, g = 0, b = 0;

			for (int j = 0; j < dy; j++) {
				const unsigned char *s =
					rgb + ((size_t)(y + j) * w + x) * 3;

				for (int i = 0; i < dx; i++, s += 3) {
					r += s[0];
					g += s[1];
					b += s[2];
				}
			}
			u[x / 2] = clip(((-11059 * r - 21709 * g + 32768 * b) /
						 n +
					 (128 << 16) + 32768) >>
					16);
			v[x / 2] = clip(((32768 * r - 27439 * g - 5329 * b) /
						 n +
					 (128 << 16) + 32768) >>
					16);
		}
	}
}

int
yk_jpeg_encode(struct yk_buf *out, const unsigned char *rgb, int w, int h,
	       double quality, struct yk_err *err)
{
	const AVCodec *codec;
	AVCodecContext *ctx = NULL;
	AVFrame *fr = NULL;
	AVPacket *pkt = NULL;
	char line[LOG_MAX] = "";
	int q, rc, averr;

	if (w < 1 || h < 1 || w > YK_JPEG_MAX || h > YK_JPEG_MAX)
		return yk_err_set(err, YK_EUSAGE,
				  "jpeg size '%dx%d' out of range 1x1..%dx%d",
				  w, h, YK_JPEG_MAX, YK_JPEG_MAX);
	if (!(quality > 0 && quality <= 1))
		return yk_err_set(err, YK_EUSAGE,
				  "jpeg quality '%g' out of range (0, 1]",
				  quality);
	/* 1 at quality 1, 31 as quality nears 0 */
	q = (int)(31 - 30 * quality + 0.5);

	pthread_once(&log_once, log_install);
	log_sink = line;
	codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
	if (codec == NULL) {
		rc = yk_err_set(err, YK_ERUNTIME,
				"cannot find the mjpeg encoder in libavcodec");
		goto out;
	}
	ctx = avcodec_alloc_context3(codec);
	fr = av_frame_alloc();
	pkt = av_packet_alloc();
	if (ctx == NULL || fr == NULL || pkt == NULL)
		yk_oom();
	ctx->width = w;
	ctx->height = h;
	ctx->pix_fmt = AV_PIX_FMT_YUVJ420P;
	ctx->color_range = AVCOL_RANGE_JPEG;
	ctx->time_base = (AVRational){1, 25};
	ctx->thread_count = 1;
	/* a fixed quantiser scale, not rate control */
	ctx->flags |= AV_CODEC_FLAG_QSCALE;
	ctx->global_quality = q * FF_QP2LAMBDA;
	ctx->qmin = 1;
	ctx->qmax = 31;
	averr = avcodec_open2(ctx, codec, NULL);
	if (averr < 0) {
		rc = fail(err, "open the mjpeg encoder", averr, line);
		goto out;
	}
	fr->format = AV_PIX_FMT_YUVJ420P;
	fr->width = w;
	fr->height = h;
	fr->color_range = AVCOL_RANGE_JPEG;
	fr->quality = ctx->global_quality;
	fr->pts = 0;
	averr = av_frame_get_buffer(fr, 0);
	if (averr < 0)
		yk_oom();
	rgb_to_yuv420(fr, rgb, w, h);
	averr = avcodec_send_frame(ctx, fr);
	if (averr >= 0)
		averr = avcodec_receive_packet(ctx, pkt);
	if (averr < 0) {
		rc = fail(err, "encode jpeg", averr, line);
		goto out;
	}
	yk_buf_add(out, pkt->data, (size_t)pkt->size);
	rc = YK_OK;
out:
	log_sink = NULL;
	av_packet_free(&pkt);
	av_frame_free(&fr);
	avcodec_free_context(&ctx);
	return rc;
}
