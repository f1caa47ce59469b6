// SPDX-License-Identifier: MIT
/*
 * Fuzz target: the capture file reader (capture.ptocap), which the JSON
 * of a profiled run is converted from. Its sections are checksummed, so
 * most mutations stop at a checksum; the headers and lengths before it
 * are what this reaches.
 */
#include <stdint.h>

#include "fuzz_file.h"
#include "prof_cap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prof_cap_names names;
	struct prof_cap_info info;
	struct prof_records r;

	(void)prof_cap_load(fuzz_file(data, size), &r, &names, &info);
	prof_records_free(&r);
	prof_cap_names_free(&names);
	return 0;
}
