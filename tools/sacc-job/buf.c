// SPDX-License-Identifier: GPL-2.0
/* Memory for job buffers. */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "tool.h"

void *xmalloc(size_t len)
{
	void *p = malloc(len ? len : 1);

	if (!p) {
		fprintf(stderr, PROG ": out of memory (%zu bytes)\n", len);
		exit(EXIT_FAIL);
	}
	return p;
}
