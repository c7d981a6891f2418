// SPDX-License-Identifier: GPL-2.0
/*
 * Unit test of the software CRC-32C (make check): the standard check value, the
 * RFC 3720 (iSCSI) vectors, and chaining. Prints TAP; exit status 0 on pass.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crc32c.h"

static int failed, count;

static void check(const char *what, uint32_t got, uint32_t want)
{
	count++;
	if (got == want) {
		printf("ok %d - %s = 0x%08x\n", count, what, got);
	} else {
		printf("not ok %d - %s: got 0x%08x, expected 0x%08x\n", count, what, got, want);
		failed++;
	}
}

int main(void)
{
	unsigned char buf[1000];
	size_t i, split;
	uint32_t whole, a, seed;

	printf("1..9\n");
	check("CRC32C(\"123456789\")", crc32c(0, "123456789", 9), 0xE3069283);

	memset(buf, 0x00, 32);
	check("RFC 3720: 32 bytes of 0x00", crc32c(0, buf, 32), 0x8A9136AA);
	memset(buf, 0xff, 32);
	check("RFC 3720: 32 bytes of 0xff", crc32c(0, buf, 32), 0x62A8AB43);
	for (i = 0; i < 32; i++)
		buf[i] = (unsigned char)i;
	check("RFC 3720: bytes 0..31 ascending", crc32c(0, buf, 32), 0x46DD794E);
	for (i = 0; i < 32; i++)
		buf[i] = (unsigned char)(31 - i);
	check("RFC 3720: bytes 31..0 descending", crc32c(0, buf, 32), 0x113FDB5C);

	check("empty input returns the seed", crc32c(0x12345678, buf, 0), 0x12345678);

	/* Chaining: crc(A || B) == crc(B) seeded with crc(A), for every split. */
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (unsigned char)(i * 131 + 7);
	whole = crc32c(0, buf, sizeof(buf));
	for (split = 0; split <= sizeof(buf); split++) {
		a = crc32c(0, buf, split);
		if (crc32c(a, buf + split, sizeof(buf) - split) != whole)
			break;
	}
	check("chaining at every split point of 1000 bytes",
	      split > sizeof(buf) ? whole : ~whole, whole);

	/* A non-zero seed chains the same way. */
	seed = 0xdeadbeef;
	whole = crc32c(seed, buf, sizeof(buf));
	a = crc32c(seed, buf, 333);
	check("chaining with a non-zero first seed", crc32c(a, buf + 333, sizeof(buf) - 333), whole);
	check("\"123456789\" in two pieces", crc32c(crc32c(0, "1234", 4), "56789", 5), 0xE3069283);

	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
