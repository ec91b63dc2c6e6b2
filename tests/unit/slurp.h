/*
 * slurp.h - read a whole file into a buffer, for the unit tests that
 * compare with golden files.  Paths are relative to the top of the
 * repository, where tests/run runs the tests; a missing file fails the
 * test, saying so.  Include after <cmocka.h>.
 */
#ifndef YK_TEST_SLURP_H
#define YK_TEST_SLURP_H

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"

static void
slurp(const char *path, struct yk_buf *b)
{
	char chunk[4096];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL)
		fail_msg("cannot open %s: %s (run `make unit` from the top of "
			 "the repository)", path, strerror(errno));
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		yk_buf_add(b, chunk, n);
	fclose(f);
	if (b->p == NULL)
		yk_buf_adds(b, "");
}

#endif
