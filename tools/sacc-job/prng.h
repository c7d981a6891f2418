/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A small seeded PRNG (xoshiro256**, seeded through splitmix64): test data and
 * choices that a --seed-rng value reproduces exactly.
 */
#ifndef SACC_JOB_PRNG_H
#define SACC_JOB_PRNG_H

#include <stddef.h>
#include <stdint.h>

struct prng {
	uint64_t s[4];
};

void prng_seed(struct prng *r, uint64_t seed);
uint64_t prng_next(struct prng *r);
/* Uniform in [0, n), n > 0. */
uint64_t prng_below(struct prng *r, uint64_t n);
/* Uniform in [lo, hi], lo <= hi. */
uint64_t prng_range(struct prng *r, uint64_t lo, uint64_t hi);
void prng_fill(struct prng *r, void *buf, size_t len);

#endif
