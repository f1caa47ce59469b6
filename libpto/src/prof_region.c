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
	if (memcmp(&computed, &claimed, sizeof(computed)) ||
	    computed.region_size > size)
		return -EINVAL;
	*out = computed;
	return 0;
}

void prof_default_pool(__u32 kind, __u32 *records, __u32 *buffers)
{
	static const __u32 rec[PTO_BUF_KIND_COUNT] = {
		[PTO_BUF_AICPU_TASK] = PTO_PROF_DEFAULT_RECORDS_AICPU_TASK,
		[PTO_BUF_SCHED_PHASE] = PTO_PROF_DEFAULT_RECORDS_PHASE,
		[PTO_BUF_ORCH_PHASE] = PTO_PROF_DEFAULT_RECORDS_PHASE,
		[PTO_BUF_AICORE_TASK] = PTO_PROF_DEFAULT_RECORDS_AICORE_TASK,
		[PTO_BUF_DEP_EDGE] = PTO_PROF_DEFAULT_RECORDS_DEP_EDGE,
		[PTO_BUF_PMU] = PTO_PROF_DEFAULT_RECORDS_PMU,
	};
	static const __u32 buf[PTO_BUF_KIND_COUNT] = {
		[PTO_BUF_AICPU_TASK] = PTO_PROF_DEFAULT_BUFFERS_AICPU_TASK,
		[PTO_BUF_SCHED_PHASE] = PTO_PROF_DEFAULT_BUFFERS_PHASE,
		[PTO_BUF_ORCH_PHASE] = PTO_PROF_DEFAULT_BUFFERS_PHASE,
		[PTO_BUF_AICORE_TASK] = PTO_PROF_DEFAULT_BUFFERS_AICORE_TASK,
		[PTO_BUF_DEP_EDGE] = PTO_PROF_DEFAULT_BUFFERS_DEP_EDGE,
		[PTO_BUF_PMU] = PTO_PROF_DEFAULT_BUFFERS_PMU,
	};

	*records = kind < PTO_BUF_KIND_COUNT ? rec[kind] : 0;
	*buffers = kind < PTO_BUF_KIND_COUNT ? buf[kind] : 0;
}
