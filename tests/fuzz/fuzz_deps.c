// SPDX-License-Identifier: MIT
/* Fuzz target: the deps.json reader, and the edge index built from it. */
#include <stdint.h>

#include "fuzz_file.h"
#include "pd_model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pd_deps d;
	size_t lo, hi;
	char msg[600];

	if (pd_deps_load(&d, fuzz_file(data, size), msg, sizeof(msg)))
		return 0;
	if (!pd_deps_finish(&d) && d.n) {
		pd_deps_succs(&d, d.e[0].pred, &lo, &hi);
		pd_deps_preds(&d, d.e[d.n - 1].succ, &lo, &hi);
	}
	pd_deps_free(&d);
	return 0;
}
