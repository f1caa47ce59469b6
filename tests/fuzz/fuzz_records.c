// SPDX-License-Identifier: MIT
/* Fuzz target: the records JSON reader (l2_swimlane_records.json). */
#include <stdint.h>

#include "fuzz_file.h"
#include "pd_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_model m;
	char msg[600];

	if (!pd_model_load(&m, fuzz_file(data, size), msg, sizeof(msg), NULL,
			   NULL))
		pd_model_free(&m);
	return 0;
}
