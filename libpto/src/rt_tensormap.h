/* SPDX-License-Identifier: MIT */
/*
 * TensorMap: which task last wrote each byte range of each tensor. Used
 * by the orchestrator alone (no locking). Entries are keyed by tensor and
 * hold a byte range [off, end) and the producer; lookups report every
 * live entry overlapping a range, newest first, classed as covered (the
 * producer's write contains the range) or partial, and stop at the first
 * covering entry (older writers are ordered before it). Entries whose
 * producer has been reclaimed are stale: dropped when a lookup walks over
 * them. An insert drops older entries its range covers.
 */
#ifndef PTO_RT_TENSORMAP_H
#define PTO_RT_TENSORMAP_H

#include <stdbool.h>
#include <stdint.h>

struct rt_tm_entry {
	const void *tensor;
	uint64_t off, end;
	uint64_t task_id;
	void *task;
	struct rt_tm_entry *next;
};

struct rt_tm_chunk;

/* live(ctx, task_id): false once the producer's slot was reclaimed. */
typedef bool (*rt_tm_live_fn)(void *ctx, uint64_t task_id);
/* Called per overlapping live entry; covered: the entry contains the
 * looked-up range.
 */
typedef void (*rt_tm_visit_fn)(void *ctx, const struct rt_tm_entry *e,
			       bool covered);

struct rt_tensormap {
	struct rt_tm_entry **buckets;
	uint32_t nbuckets;	/* power of two */
	struct rt_tm_entry *free;
	struct rt_tm_chunk *chunks;
	uint64_t live;		/* entries in buckets */
	rt_tm_live_fn is_live;
	void *live_ctx;
};

int rt_tm_init(struct rt_tensormap *tm, uint32_t nbuckets,
	       rt_tm_live_fn is_live, void *live_ctx);
void rt_tm_fini(struct rt_tensormap *tm);
void rt_tm_lookup(struct rt_tensormap *tm, const void *tensor, uint64_t off,
		  uint64_t end, rt_tm_visit_fn visit, void *ctx);
int rt_tm_insert(struct rt_tensormap *tm, const void *tensor, uint64_t off,
		 uint64_t end, uint64_t task_id, void *task);

#endif /* PTO_RT_TENSORMAP_H */
