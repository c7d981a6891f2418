// SPDX-License-Identifier: GPL-2.0
/*
 * xoshiro256** by David Blackman and Sebastiano Vigna (public domain), seeded with
 * splitmix64 so that any 64-bit seed, 0 included, gives a good state.
 */
#include <string.h>

#include "prng.h"

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void prng_seed(struct prng *r, uint64_t seed)
{
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&seed);
}

uint64_t prng_next(struct prng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t prng_below(struct prng *r, uint64_t n)
{
	/* Rejection sampling: no modulo bias. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n, v;

	do
		v = prng_next(r);
	while (v >= limit);
	return v % n;
}

uint64_t prng_range(struct prng *r, uint64_t lo, uint64_t hi)
{
	if (hi - lo == UINT64_MAX)
		return prng_next(r);
	return lo + prng_below(r, hi - lo + 1);
}

void prng_fill(struct prng *r, void *buf, size_t len)
{
	unsigned char *p = buf;
	uint64_t v;

	while (len >= 8) {
		v = prng_next(r);
		memcpy(p, &v, 8);
		p += 8;
		len -= 8;
	}
	if (len) {
		v = prng_next(r);
		memcpy(p, &v, len);
	}
}
