// SPDX-License-Identifier: GPL-2.0 OR MIT
/*
 * Region layout and initialisation, shared verbatim by pto.ko and libpto.
 * Freestanding: no libc and no kernel API beyond errno values and the
 * compiler's overflow builtins.
 */
#include <linux/errno.h>
#include "pto_layout.h"

#define PTO_ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__u64)(a) - 1))

int pto_dfx_normalize(__u64 flags, __u64 *out)
{
	if (flags & ~PTO_DFX_VALID_MASK)
		return -EINVAL;
	if (flags & PTO_DFX_ORCH_PHASES)
		flags |= PTO_DFX_SCHED_PHASES;
	if (flags & PTO_DFX_SCHED_PHASES)
		flags |= PTO_DFX_TASK_LIFECYCLE;
	if (flags & PTO_DFX_TASK_LIFECYCLE)
		flags |= PTO_DFX_AICORE_TIMING;
	*out = flags;
	return 0;
}

int pto_dfx_from_level(__u32 level, __u64 *out)
{
	if (level > PTO_LEVEL_MAX)
		return -EINVAL;
	*out = PTO_DFX_FLAGS_OF_LEVEL(level);
	return 0;
}

__u32 pto_dfx_level(__u64 flags)
{
	__u32 level = 0;

	while (level < PTO_LEVEL_MAX &&
	       (flags & PTO_DFX_FLAGS_OF_LEVEL(level + 1)) ==
	       PTO_DFX_FLAGS_OF_LEVEL(level + 1))
		level++;
	return level;
}

/*
 * The ABI side of every buffer kind: its name (reconcile lines, JSON,
 * debugfs), record size, the dfx bits that allocate its buffers, and
 * whose its pools are. A new kind adds a row.
 */
static const struct {
	const char *name;
	__u32 record_size;
	__u32 pool_shape;	/* PTO_POOLS_* */
	__u64 enable;		/* any of these bits allocates the kind */
} pto_kinds[PTO_BUF_KIND_COUNT] = {
	/* AICPU task records carry the ids the AICore records lack. */
	[PTO_BUF_AICPU_TASK] = { "aicpu_task",
				 sizeof(struct pto_aicpu_task_record),
				 PTO_POOLS_PER_CORE, PTO_DFX_AICORE_TIMING },
	[PTO_BUF_SCHED_PHASE] = { "sched_phase",
				  sizeof(struct pto_sched_phase_record),
				  PTO_POOLS_PER_THREAD, PTO_DFX_SCHED_PHASES },
	[PTO_BUF_ORCH_PHASE] = { "orch_phase",
				 sizeof(struct pto_orch_phase_record),
				 PTO_POOLS_ORCH, PTO_DFX_ORCH_PHASES },
	[PTO_BUF_AICORE_TASK] = { "aicore_task",
				  sizeof(struct pto_aicore_task_record),
				  PTO_POOLS_PER_CORE, PTO_DFX_AICORE_TIMING },
	[PTO_BUF_DEP_EDGE] = { "dep_edge",
			       sizeof(struct pto_dep_edge_record),
			       PTO_POOLS_PER_THREAD, PTO_DFX_TASK_LIFECYCLE },
	/* Outside the lifecycle chain: its own bit alone. */
	[PTO_BUF_PMU] = { "pmu", sizeof(struct pto_pmu_record),
			  PTO_POOLS_PER_THREAD, PTO_DFX_PMU },
	[PTO_BUF_TENSOR_DUMP] = { "tensor_dump", PTO_TDUMP_RECORD_SIZE,
				  PTO_POOLS_PER_THREAD, PTO_DFX_TENSOR_DUMP },
};

int pto_prof_kind_enabled(__u64 flags, __u32 kind)
{
	return kind < PTO_BUF_KIND_COUNT && (flags & pto_kinds[kind].enable);
}

const char *pto_prof_kind_name(__u32 kind)
{
	return kind < PTO_BUF_KIND_COUNT ? pto_kinds[kind].name : (void *)0;
}

__u32 pto_prof_record_size(__u32 kind)
{
	return kind < PTO_BUF_KIND_COUNT ? pto_kinds[kind].record_size : 0;
}

__u32 pto_prof_kind_pool_shape(__u32 kind)
{
	return kind < PTO_BUF_KIND_COUNT ? pto_kinds[kind].pool_shape :
	       PTO_POOLS_PER_THREAD;
}

/* Pools in the array of a kind, and how many of them own buffers. */
static void pto_prof_kind_pools(const struct pto_prof_params *p, __u32 kind,
				__u32 *pool_count, __u32 *buf_pools)
{
	switch (pto_prof_kind_pool_shape(kind)) {
	case PTO_POOLS_PER_CORE:
		*pool_count = p->num_cores;
		*buf_pools = p->num_cores;
		break;
	case PTO_POOLS_ORCH:
		/* One orchestrator, pool 0; the stride stays the maximum. */
		*pool_count = PTO_MAX_AICPU_THREADS;
		*buf_pools = 1;
		break;
	default:
		*pool_count = PTO_MAX_AICPU_THREADS;
		*buf_pools = p->num_aicpu_threads;
		break;
	}
}

static int pto_add(__u64 *acc, __u64 a, __u64 b)
{
	__u64 prod;

	if (__builtin_mul_overflow(a, b, &prod) ||
	    __builtin_add_overflow(*acc, prod, acc))
		return -E2BIG;
	return 0;
}

int pto_prof_layout_compute(const struct pto_prof_params *p,
			    struct pto_prof_layout *l)
{
	struct pto_prof_kind_layout *kl;
	__u64 flags, off;
	__u32 k;
	int ret;

	if (!p || !l)
		return -EINVAL;
	if (!p->num_cores || !p->num_aicpu_threads)
		return -EINVAL;
	if (p->num_cores > PTO_MAX_CORES ||
	    p->num_aicpu_threads > PTO_MAX_AICPU_THREADS)
		return -E2BIG;
	ret = pto_dfx_normalize(p->dfx_flags, &flags);
	if (ret)
		return ret;
	for (k = PTO_BUF_KIND_COUNT; k < PTO_BUF_KIND_MAX; k++)
		if (p->records_per_buffer[k] || p->buffers_per_pool[k])
			return -EINVAL;
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		if (!pto_prof_kind_enabled(flags, k))
			continue;
		if (!p->records_per_buffer[k] || !p->buffers_per_pool[k])
			return -EINVAL;
		if (p->records_per_buffer[k] > PTO_PROF_MAX_RECORDS_PER_BUFFER ||
		    p->buffers_per_pool[k] > PTO_PROF_MAX_BUFFERS_PER_POOL)
			return -E2BIG;
	}

	*l = (struct pto_prof_layout){ 0 };
	l->header_size = sizeof(struct pto_prof_header);
	l->pool_size = sizeof(struct pto_pool);
	l->ready_queue_count = PTO_MAX_AICPU_THREADS;
	l->ready_queue_cap = PTO_READY_QUEUE_CAP;

	off = PTO_ALIGN_UP(sizeof(struct pto_prof_header), PTO_CACHELINE);
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		if (!pto_prof_kind_enabled(flags, k))
			continue;
		kl = &l->kind[k];
		pto_prof_kind_pools(p, k, &kl->pool_count, &kl->buf_pools);
		kl->pool_off = off;
		off += (__u64)kl->pool_count * sizeof(struct pto_pool);
	}
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		kl = &l->kind[k];
		if (!kl->pool_off)
			continue;
		kl->record_size = pto_prof_record_size(k);
		kl->records_per_buffer = p->records_per_buffer[k];
		kl->buffers_per_pool = p->buffers_per_pool[k];
		kl->buf_size = sizeof(struct pto_buf_header);
		if (pto_add(&kl->buf_size, kl->record_size,
			    kl->records_per_buffer))
			return -E2BIG;
		kl->buf_size = PTO_ALIGN_UP(kl->buf_size, PTO_CACHELINE);
		kl->buf_off = off;
		if (pto_add(&off, kl->buf_size,
			    (__u64)kl->buf_pools * kl->buffers_per_pool))
			return -E2BIG;
		if (off > PTO_PROF_MAX_REGION_SIZE)
			return -E2BIG;
	}
	l->region_size = off;
	return 0;
}

void pto_prof_region_init(void *base, const struct pto_prof_params *p,
			  const struct pto_prof_layout *l,
			  __u64 creator_freq_hz)
{
	struct pto_prof_header *h = (struct pto_prof_header *)base;
	char *b = (char *)base;
	__u32 k, i, j, c;
	__u64 flags = 0;

	pto_dfx_normalize(p->dfx_flags, &flags);
	h->magic = PTO_PROF_MAGIC;
	h->abi_version = PTO_ABI_VERSION;
	h->dfx_flags = flags;
	h->level = pto_dfx_level(flags);
	h->num_cores = p->num_cores;
	h->num_aicpu_threads = p->num_aicpu_threads;
	h->creator_freq_hz = creator_freq_hz;
	h->layout = *l;
	for (c = 0; c < PTO_MAX_CORES; c++)
		h->core_to_thread[c] = PTO_CORE_THREAD_NONE;
	h->run_state = PTO_RUN_CREATED;

	for (k = 0; k < PTO_BUF_KIND_COUNT; k++) {
		const struct pto_prof_kind_layout *kl = &l->kind[k];

		if (!kl->pool_off)
			continue;
		for (i = 0; i < kl->buf_pools; i++) {
			struct pto_pool *pool = (struct pto_pool *)
				(b + kl->pool_off + (__u64)i * l->pool_size);

			for (j = 0; j < kl->buffers_per_pool; j++) {
				__u64 boff = kl->buf_off +
					((__u64)i * kl->buffers_per_pool + j) *
					kl->buf_size;
				struct pto_buf_header *bh =
					(struct pto_buf_header *)(b + boff);

				bh->kind = k;
				bh->pool_index = i;
				bh->capacity = kl->records_per_buffer;
				bh->record_size = kl->record_size;
				pool->free_queue.slots[j] = boff;
			}
			/* Nobody else maps the region yet: no barrier. */
			pool->free_queue.tail = kl->buffers_per_pool;
		}
	}
}

void pto_hs_region_init(void *base, __u32 num_cores,
			const struct pto_prof_layout *l, __u32 prof_region_id)
{
	struct pto_hs_header *h = (struct pto_hs_header *)base;
	struct pto_hs_core *cores = (struct pto_hs_core *)(h + 1);
	const struct pto_prof_kind_layout *ak = NULL;
	__u32 c;

	if (l && l->kind[PTO_BUF_AICORE_TASK].pool_off)
		ak = &l->kind[PTO_BUF_AICORE_TASK];
	h->magic = PTO_HS_MAGIC;
	h->abi_version = PTO_ABI_VERSION;
	h->num_cores = num_cores;
	h->core_size = sizeof(struct pto_hs_core);
	h->prof_region_id = ak ? prof_region_id : 0;
	for (c = 0; c < num_cores; c++) {
		cores[c].core_index = c;
		cores[c].core_type = c % PTO_CORES_PER_BLOCK ?
				     PTO_CORE_TYPE_AIV : PTO_CORE_TYPE_AIC;
		cores[c].data = PTO_TOKEN_AICPU_IDLE;
		cores[c].cond = PTO_COND_AICORE_IDLE;
		if (ak && c < ak->pool_count)
			cores[c].prof_head_off = ak->pool_off +
				(__u64)c * l->pool_size;
	}
}
