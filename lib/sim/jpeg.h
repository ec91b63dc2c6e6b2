/*
 * jpeg.h - encode an RGB24 image as a baseline JPEG with libavcodec's
 * MJPEG encoder (yoke-sim's camera frames).
 *
 * Only a program that calls yk_jpeg_encode links libavcodec and libavutil
 * (-lavcodec -lavutil, Makefile's LIBS_AV): libyoke.a is a static archive,
 * so a tool that never names yk_jpeg_* does not pull this module in, and
 * --as-needed keeps the libraries off its start-up (~30 ms).
 *
 * The image is converted to YUV 4:2:0 (BT.601, full range: JFIF), any
 * width and height from 1 to YK_JPEG_MAX, odd ones included.  quality in
 * (0, 1] maps linearly onto the encoder's quantiser scale, 1 (finest,
 * largest) at quality 1 to 31 at quality near 0: 0.7 (the reference
 * SDK's default) is 10.  The output is a complete JFIF file, FF D8 FF ...
 * FF D9, the same bytes for the same input.
 *
 * libav* logs go through a callback this module installs once per
 * process: during a call their error lines become the cause in err;
 * outside one they go on to libav's default callback, as before.
 */
#ifndef YK_JPEG_H
#define YK_JPEG_H

#include "buf.h"
#include "err.h"

/* Largest width or height: libavcodec refuses pictures over about
 * 16000x16000, 8192 keeps every shape within that. */
#define YK_JPEG_MAX 8192
#define YK_JPEG_DEFAULT_QUALITY 0.7 /* the reference SDK's default */

/*
 * Append the JPEG of rgb (w * h * 3 bytes, rows top down, R G B) to out.
 * YK_EUSAGE for a size or quality out of range, YK_ERUNTIME when the
 * encoder fails (libav's cause in the message); out is then unchanged.
 */
int yk_jpeg_encode(struct yk_buf *out, const unsigned char *rgb, int w,
		   int h, double quality, struct yk_err *err);

#endif
