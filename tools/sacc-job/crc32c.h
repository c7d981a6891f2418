/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Software CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the reference
 * the device's CRC32C results are checked against.
 */
#ifndef SACC_JOB_CRC32C_H
#define SACC_JOB_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/*
 * crc32c() - CRC-32C of @len bytes, zlib style, as the device computes it:
 * ~update(~seed, data). Seed 0 starts a new CRC; a previous result as the seed
 * continues it: crc32c(crc32c(0, A), B) == crc32c(0, A || B).
 */
uint32_t crc32c(uint32_t seed, const void *buf, size_t len);

#endif
