/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * The profiling-region layout: one pure function computing every section
 * offset, and the initialiser that writes a fresh region's header, buffer
 * headers and free queues. pto_layout.c is freestanding C (no libc, no
 * kernel API) and is compiled into both pto.ko and libpto, so the driver
 * and the simulated device lay regions out identically.
 */
#ifndef PTO_UAPI_LAYOUT_H
#define PTO_UAPI_LAYOUT_H

#include "pto_prof.h"
#include "pto_hs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Limits enforced by the layout (exceeding one is -E2BIG). */
#define PTO_PROF_MAX_RECORDS_PER_BUFFER	(1u << 20)
#define PTO_PROF_MAX_BUFFERS_PER_POOL	PTO_FREE_QUEUE_SLOTS
#define PTO_PROF_MAX_REGION_SIZE	(1ull << 30)

/* Defaults libpto uses for a kind when the run configuration says 0. */
#define PTO_PROF_DEFAULT_RECORDS_AICPU_TASK	1000
#define PTO_PROF_DEFAULT_BUFFERS_AICPU_TASK	8
#define PTO_PROF_DEFAULT_RECORDS_AICORE_TASK	1024
#define PTO_PROF_DEFAULT_BUFFERS_AICORE_TASK	4
#define PTO_PROF_DEFAULT_RECORDS_PHASE		4096
#define PTO_PROF_DEFAULT_BUFFERS_PHASE		8
#define PTO_PROF_DEFAULT_RECORDS_DEP_EDGE	4096
#define PTO_PROF_DEFAULT_BUFFERS_DEP_EDGE	8
#define PTO_PROF_DEFAULT_RECORDS_TENSOR_DUMP	1024	/* 128 KiB */
#define PTO_PROF_DEFAULT_BUFFERS_TENSOR_DUMP	8
#define PTO_PROF_DEFAULT_RECORDS_PMU		1024
#define PTO_PROF_DEFAULT_BUFFERS_PMU		8

/*
 * Adds the implied bits of the lifecycle chain. Reserved bits: -EINVAL.
 */
int pto_dfx_normalize(__u64 flags, __u64 *out);

/* dfx_flags of chip_swimlane_level 0..4; other levels: -EINVAL. */
int pto_dfx_from_level(__u32 level, __u64 *out);

/* Highest level whose bits are all in flags (0..4). */
__u32 pto_dfx_level(__u64 flags);

/* Non-zero when buffers of kind are allocated under (normalized) flags. */
int pto_prof_kind_enabled(__u64 flags, __u32 kind);

/* Short name of kind ("aicpu_task", ...), NULL for an unknown kind. */
const char *pto_prof_kind_name(__u32 kind);

/* sizeof the record of kind, 0 for an unknown kind. */
__u32 pto_prof_record_size(__u32 kind);

/* Whose a kind's pools are: pool i is core i, thread i, or pool 0 only. */
#define PTO_POOLS_PER_CORE	0
#define PTO_POOLS_PER_THREAD	1
#define PTO_POOLS_ORCH		2	/* the orchestrator: pool 0 */
__u32 pto_prof_kind_pool_shape(__u32 kind);

/*
 * Region size and every section offset from the run's shape. Normalizes
 * dfx_flags. Values of disabled kinds are ignored; values of kinds
 * >= PTO_BUF_KIND_COUNT must be zero.
 * Returns 0, -EINVAL (zero or malformed parameter, reserved flag) or
 * -E2BIG (a count beyond its limit, or a size that overflows or exceeds
 * PTO_PROF_MAX_REGION_SIZE).
 */
int pto_prof_layout_compute(const struct pto_prof_params *params,
			    struct pto_prof_layout *layout);

/*
 * Initialises a zeroed region of layout->region_size bytes: header,
 * buffer headers, and every free queue filled with all of its pool's
 * buffers. params must have passed pto_prof_layout_compute() with layout.
 */
void pto_prof_region_init(void *base, const struct pto_prof_params *params,
			  const struct pto_prof_layout *layout,
			  __u64 creator_freq_hz);

/*
 * Initialises a zeroed handshake region for num_cores cores; when layout
 * is not NULL and AICore timing is enabled, publishes each core's AICore
 * active-head offset in prof_head_off.
 */
void pto_hs_region_init(void *base, __u32 num_cores,
			const struct pto_prof_layout *layout,
			__u32 prof_region_id);

#ifdef __cplusplus
}
#endif

#endif /* PTO_UAPI_LAYOUT_H */
