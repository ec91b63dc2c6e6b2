/*
 * sha256.h - SHA-256 (FIPS 180-4), one call over one buffer.
 *
 * For names derived from secrets (the credentials cache file is named by a
 * hash of the backend URL and the API key), where the name must not let
 * anyone recover the secret.  Not linked from libcrypto: a tool that names
 * one file must not load a crypto library for it.
 */
#ifndef YK_SHA256_H
#define YK_SHA256_H

#include <stddef.h>

#define YK_SHA256_LEN 32

void yk_sha256(const void *data, size_t n, unsigned char out[YK_SHA256_LEN]);

#endif
