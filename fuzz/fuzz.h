/*
 * fuzz.h - what the libFuzzer targets share: the entry point's prototype
 * and cutting an input into NUL-terminated parts.
 */
#ifndef YK_FUZZ_H
#define YK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* a[0..n) equals b[0..m) (memcmp may not be given NULL, even for 0) */
static inline int
fuzz_same(const void *a, size_t n, const void *b, size_t m)
{
	return n == m && (n == 0 || memcmp(a, b, n) == 0);
}

/* Cut data at its first k-1 newlines into k strings (the last one takes
 * the rest); parts that are missing are "".  Free p[0] (one block). */
static inline void
fuzz_split(const uint8_t *data, size_t size, char **p, int k)
{
	char *s = malloc(size + 1);
	int i = 0;

	memcpy(s, data, size);
	s[size] = '\0';
	p[i++] = s;
	for (size_t j = 0; j < size && i < k; j++) {
		if (s[j] == '\n') {
			s[j] = '\0';
			p[i++] = s + j + 1;
		}
	}
	while (i < k)
		p[i++] = s + size;
}

#endif
