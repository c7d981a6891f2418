// SPDX-License-Identifier: GPL-2.0
/* CPU references for FILL and COMPARE, and reporting of differences. */
#include <stdio.h>
#include <string.h>

#include "ref.h"

static unsigned char pattern_byte(uint64_t pattern, size_t i)
{
	return (unsigned char)(pattern >> (8 * (i % 8)));
}

uint64_t ref_compare(const void *a, const void *b, size_t len)
{
	const unsigned char *x = a, *y = b;

	for (size_t i = 0; i < len; i++)
		if (x[i] != y[i])
			return i;
	return REF_EQUAL;
}

int ref_check(const void *got, const void *want, size_t len, char *why, size_t whylen)
{
	const unsigned char *g = got, *w = want;
	uint64_t at;

	if (!memcmp(got, want, len))
		return 0;
	at = ref_compare(got, want, len);
	snprintf(why, whylen, "byte %llu of %zu: got 0x%02x, expected 0x%02x",
		 (unsigned long long)at, len, g[at], w[at]);
	return 1;
}

int ref_check_fill(const void *got, size_t len, uint64_t pattern, char *why, size_t whylen)
{
	const unsigned char *g = got;

	for (size_t i = 0; i < len; i++) {
		if (g[i] != pattern_byte(pattern, i)) {
			snprintf(why, whylen, "byte %zu of %zu: got 0x%02x, expected 0x%02x",
				 i, len, g[i], pattern_byte(pattern, i));
			return 1;
		}
	}
	return 0;
}
