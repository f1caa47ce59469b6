// SPDX-License-Identifier: MIT
/* Fuzz target: the name map reader (name_map.json). */
#include <stdint.h>

#include "fuzz_file.h"
#include "pd_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_names nm;
	char msg[600];

	if (pd_names_load(&nm, fuzz_file(data, size), msg, sizeof(msg)))
		return 0;
	if (nm.n)
		(void)pd_names_get(&nm, nm.v[nm.n - 1].id);
	pd_names_free(&nm);
	return 0;
}
