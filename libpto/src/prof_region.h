/* SPDX-License-Identifier: MIT */
/*
 * Access to a profiling region shared by the device writers and the host
 * collector: typed atomic access to the plain __u32/__u64 fields of
 * uapi/pto_prof.h (the ordering contract is at the top of that file),
 * pool and buffer lookups, and the layout check every reader runs before
 * trusting an offset.
 */
#ifndef PTO_PROF_REGION_H
#define PTO_PROF_REGION_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "pto_prof.h"

/* The region's fields are plain integers; access them as C11 atomics. */
#define PROF_ATOMIC(p)	((_Atomic __typeof__(*(p)) *)(p))
#define PROF_LOAD_ACQ(p) \
	atomic_load_explicit(PROF_ATOMIC(p), memory_order_acquire)
#define PROF_LOAD(p)	atomic_load_explicit(PROF_ATOMIC(p), memory_order_relaxed)
#define PROF_STORE_REL(p, v) \
	atomic_store_explicit(PROF_ATOMIC(p), (v), memory_order_release)
#define PROF_STORE(p, v) \
	atomic_store_explicit(PROF_ATOMIC(p), (v), memory_order_relaxed)

/* A counter with one writer: a relaxed load and store, no RMW needed. */
static inline void prof_ctr_add(__u64 *c, __u64 n)
{
	PROF_STORE(c, PROF_LOAD(c) + n);
}

static inline struct pto_pool *prof_pool(char *base,
					 const struct pto_prof_layout *l,
					 __u32 kind, __u32 index)
{
	return (struct pto_pool *)(base + l->kind[kind].pool_off +
				   (__u64)index * l->pool_size);
}

static inline struct pto_buf_header *prof_buf(char *base, __u64 off)
{
	return (struct pto_buf_header *)(base + off);
}

static inline char *prof_buf_records(struct pto_buf_header *b)
{
	return (char *)(b + 1);
}

/*
 * Pool owning the buffer at off of kind, or -1 when off is not the start
 * of one of the kind's buffers.
 */
static inline long prof_buf_pool(const struct pto_prof_layout *l,
				 __u32 kind, __u64 off)
{
	const struct pto_prof_kind_layout *k = &l->kind[kind];
	__u64 idx, n = (__u64)k->buf_pools * k->buffers_per_pool;

	if (!k->pool_off || off < k->buf_off || !k->buf_size)
		return -1;
	if ((off - k->buf_off) % k->buf_size)
		return -1;
	idx = (off - k->buf_off) / k->buf_size;
	if (idx >= n)
		return -1;
	return (long)(idx / k->buffers_per_pool);
}

/*
 * The free queue of pool index of kind, as its readers see it: the slots
 * from head to tail, -1 when tail runs more than the queue's capacity
 * past head (a broken host: the queue is not to be used).
 */
static inline long prof_fq_len(const struct pto_free_queue *fq, __u32 head)
{
	/* Pairs with the host's release of tail: the slots are written. */
	__u32 n = PROF_LOAD_ACQ(&fq->tail) - head;

	return n > PTO_FREE_QUEUE_SLOTS ? -1 : (long)n;
}

/*
 * The buffer in free-queue slot pos of pool index of kind when it is one
 * of the pool's own buffers (*j its place in the pool), else 0.
 */
static inline __u64 prof_fq_slot(const struct pto_prof_layout *l,
				 const struct pto_free_queue *fq, __u32 kind,
				 __u32 index, __u32 pos, __u32 *j)
{
	const struct pto_prof_kind_layout *k = &l->kind[kind];
	__u64 off = PROF_LOAD(&fq->slots[pos & (PTO_FREE_QUEUE_SLOTS - 1)]);

	if (prof_buf_pool(l, kind, off) != (long)index)
		return 0;
	*j = (__u32)((off - k->buf_off) / k->buf_size -
		     (__u64)index * k->buffers_per_pool);
	return off;
}

/*
 * Checks that the header at base describes a region of at most size
 * bytes whose layout is exactly what pto_prof_layout_compute() gives for
 * the header's shape, and copies that layout to out. -EINVAL otherwise.
 */
int prof_region_check(const void *base, size_t size,
		      struct pto_prof_layout *out);

/* Short name of a buffer kind ("aicpu_task", ...), "?" if unknown. */
const char *prof_kind_name(__u32 kind);

/*
 * libpto's records_per_buffer and buffers_per_pool for kind when the run
 * configuration says 0 (the PTO_PROF_DEFAULT_* of pto_layout.h).
 */
void prof_default_pool(__u32 kind, __u32 *records, __u32 *buffers);

#endif /* PTO_PROF_REGION_H */
