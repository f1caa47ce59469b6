// SPDX-License-Identifier: MIT
/*
 * Fuzz target: a raw profiling region, as the device writers' and the
 * host collector's layout check (prof_region_check) and as ptodump reads
 * a region dump: stat (every pool, queue and buffer header) and snapshot
 * (every record, checked, joined and exported).
 */
#include <getopt.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_file.h"
#include "prof_region.h"
#include "ptodump.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char out_dir[] = "/tmp/pto-fuzz-region.XXXXXX";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* stat and snapshot print what they read: not the fuzzer's output */
	if (!freopen("/dev/null", "w", stdout) || !mkdtemp(out_dir))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_file(data, size);
	char *stat_argv[] = { "stat", "--region", (char *)path, NULL };
	char *snap_argv[] = { "snapshot", "--region", (char *)path, "-o",
			      out_dir, NULL };
	struct pto_prof_layout l;
	void *copy = aligned_alloc(64, (size + 64) & ~(size_t)63);

	/* The region as a device or host would map it: aligned. */
	if (!copy)
		abort();
	memcpy(copy, data, size);
	(void)prof_region_check(copy, size, &l);
	free(copy);
	optind = 0;
	(void)pd_cmd_stat(3, stat_argv);
	optind = 0;
	(void)pd_cmd_snapshot(5, snap_argv);
	return 0;
}
