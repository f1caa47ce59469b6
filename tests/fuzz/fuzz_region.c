// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a raw profiling region, as the public reader opens one
 * (pto_capture_open_region: the layout check, then every buffer not in a
 * free queue) and as ptodump reads a region dump: stat (every pool, queue
 * and buffer header) and snapshot (every record checked, then exported).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "pto_reader.h"
#include "ptodump.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out_dir[] = "/tmp/pto-fuzz-region.XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (!mkdtemp(out_dir))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	char *stat_argv[] = { "stat", "--region", (char *)path, NULL };
	char *snap_argv[] = { "snapshot", "--region", (char *)path, "-o",
			      out_dir, NULL };
	/* The region as a device or a mapping presents it: aligned. */
	void *copy = aligned_alloc(64, (size + 64) & ~(size_t)63);
	pto_capture *c;

	if (!copy)
		abort();
	memcpy(copy, data, size);
	if (!pto_capture_open_region(copy, size, NULL, &c))
		pto_capture_close(c);
	free(copy);
	optind = 0;
	(void)pd_cmd_stat(3, stat_argv);
	optind = 0;
	(void)pd_cmd_snapshot(5, snap_argv);
	return 0;
}
