// SPDX-License-Identifier: MIT
/* The layout check shared by the device writers and the host collector. */
#include <errno.h>
#include <string.h>

#include "pto_layout.h"
#include "prof_region.h"

int prof_region_check(const void *base, size_t size,
		      struct pto_prof_layout *out)
{
	const struct pto_prof_header *h = base;
	struct pto_prof_params params = { 0 };
	struct pto_prof_layout claimed, computed;
	__u32 k;

	if (!base || size < sizeof(*h))
		return -EINVAL;
	if (h->magic != PTO_PROF_MAGIC ||
	    h->abi_version >> 16 != PTO_ABI_VERSION_MAJOR)
		return -EINVAL;
	/* One copy: the check and the use must see the same values. */
	memcpy(&claimed, &h->layout, sizeof(claimed));
	params.num_cores = h->num_cores;
	params.num_aicpu_threads = h->num_aicpu_threads;
	params.dfx_flags = h->dfx_flags;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		params.records_per_buffer[k] =
			claimed.kind[k].records_per_buffer;
		params.buffers_per_pool[k] = claimed.kind[k].buffers_per_pool;
	}
	if (pto_prof_layout_compute(&params, &computed))
		return -EINVAL;
	/* The policies are the run's (written at its start), not computed. */
	for (k = 0; k < PTO_BUF_KIND_MAX; k++) {
		if (claimed.kind[k].policy >= PTO_BUF_POLICY_COUNT ||
		    (claimed.kind[k].policy && !computed.kind[k].pool_off))
			return -EINVAL;
		computed.kind[k].policy = claimed.kind[k].policy;
	}
	if (memcmp(&computed, &claimed, sizeof(computed)) ||
	    computed.region_size > size)
		return -EINVAL;
	*out = computed;
	return 0;
}
