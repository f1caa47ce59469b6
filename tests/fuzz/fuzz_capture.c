// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the public reader (pto_reader.h) on a file, a capture
 * (capture.ptocap, what the JSON of a profiled run is converted from) or
 * a raw region dump, opened, then every task and tensor dump entry
 * streamed and every kind's books read. Capture sections are checksummed, so most mutations stop
 * at a checksum; the headers and lengths before it are what this
 * reaches there.
 */
#include <stdint.h>

#include "fuzz_file.h"
#include "pto_reader.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count_task(void *ctx, const struct pto_task *t)
{
	(void)t;
	++*(uint64_t *)ctx;
	return 0;
}

/* Reads every byte of an entry, as a user of the dump would. */
static int sum_dump(void *ctx, const struct pto_tensor_dump *d)
{
	const uint8_t *b = d->data;
	uint64_t i;

	for (i = 0; i < d->dumped; i++)
		*(uint64_t *)ctx += b[i];
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pto_capture_books books = { .size = sizeof(books) };
	pto_capture *c;
	uint64_t n = 0;
	uint32_t k;

	if (pto_capture_open(fuzz_file(data, size), NULL, &c))
		return 0;
	(void)pto_capture_tasks(c, count_task, &n);
	(void)pto_capture_tensor_dumps(c, sum_dump, &n);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		(void)pto_capture_reconcile(c, k, &books);
	pto_capture_close(c);
	return 0;
}
