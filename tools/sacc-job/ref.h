/* SPDX-License-Identifier: GPL-2.0 */
/*
 * CPU references for the device's operations, and helpers that describe the
 * first difference between what the device produced and what it should have.
 */
#ifndef SACC_JOB_REF_H
#define SACC_JOB_REF_H

#include <stddef.h>
#include <stdint.h>

#define REF_EQUAL	UINT64_MAX	/* COMPARE result for equal ranges */

/* COMPARE: offset of the first differing byte, or REF_EQUAL. */
uint64_t ref_compare(const void *a, const void *b, size_t len);
/*
 * Check @len bytes of @got against @want. Return 0 if equal, else 1 with a
 * description of the first difference in @why ("byte N: got 0x.., expected 0x..").
 */
int ref_check(const void *got, const void *want, size_t len, char *why, size_t whylen);
/* Same, against the FILL pattern. */
int ref_check_fill(const void *got, size_t len, uint64_t pattern, char *why, size_t whylen);

#endif
