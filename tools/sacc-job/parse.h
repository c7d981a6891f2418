/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsing of command line values with complete error checking: no sign, no
 * trailing garbage, no overflow. Each returns 0 or -1.
 */
#ifndef SACC_JOB_PARSE_H
#define SACC_JOB_PARSE_H

#include <stdint.h>

/* Decimal with an optional K, M or G suffix (binary: K = 1024). */
int parse_size(const char *s, uint64_t *out);
/* Decimal, or hexadecimal with 0x. */
int parse_u64(const char *s, uint64_t *out);
/* parse_u64() within [lo, hi]. */
int parse_uint(const char *s, uint64_t lo, uint64_t hi, uint64_t *out);
/* A positive decimal number of seconds, at most 1e6. */
int parse_seconds(const char *s, double *out);

#endif
