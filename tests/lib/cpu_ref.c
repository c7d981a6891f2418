// SPDX-License-Identifier: GPL-2.0
/*
 * CPU references for what the engine computes, and the buffer patterns the suites
 * fill and compare with: CRC32C, a seeded pseudo-random fill, the first difference
 * of two buffers, the FILL pattern (docs/device-spec.md §11.3).
 */
#include <string.h>

#include "sacc_test.h"

static uint32_t crc32c_table[256];

static void crc32c_init(void)
{
	uint32_t c;
	int i, k;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78u & -(c & 1));
		crc32c_table[i] = c;
	}
}

/* zlib style: ~update(~seed, data). */
uint32_t crc32c(uint32_t seed, const uint8_t *p, size_t n)
{
	uint32_t c = ~seed;

	if (!crc32c_table[1])
		crc32c_init();
	while (n--)
		c = crc32c_table[(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

uint64_t rnd(uint64_t *s)
{
	/* xorshift64* */
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545f4914f6cdd1dull;
}

void fill_rand(uint8_t *p, size_t n, uint64_t seed)
{
	uint64_t s = seed | 1, v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (!(i % 8))
			v = rnd(&s);
		p[i] = v >> (8 * (i % 8));
	}
}

long first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i;

	if (!memcmp(a, b, n))
		return -1;
	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

long fill_diff(const uint8_t *p, size_t n, uint64_t pattern)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (uint8_t)(pattern >> (8 * (i % 8))))
			return i;
	return -1;
}
