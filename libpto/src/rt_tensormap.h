/* SPDX-License-Identifier: MIT */
/*
 * TensorMap: which tasks wrote and which read each byte range of each
 * tensor since it was last overwritten. Used by the orchestrator alone
 * (no locking).
 *
 * Per tensor, writer entries and reader entries each sit in an interval
 * tree (a treap keyed by start offset, each node holding the largest end
 * below it), so a lookup costs O(log n + k) for k overlapping entries,
 * not a walk of every entry of the tensor. A lookup reports the live
 * overlapping writers (and, when asked, readers) newest first, classed as
 * covered (the entry contains the range) or partial, and stops at the
 * first covering writer: everything older that overlaps the range was
 * ordered before that writer. Inserting a writer drops the writer and
 * reader entries its range covers (the new writer is ordered after them);
 * reader entries accumulate until a writer covers them or their task is
 * reclaimed.
 *
 * An entry is stale once its task's ring position was reclaimed (the
 * live callback says so): lookups skip and drop stale entries they meet,
 * and an insert sweeps every tree when the map has doubled since the
 * last sweep, so entries nobody looks up again (readers of a tensor never
 * rewritten) do not accumulate.
 */
#ifndef PTO_RT_TENSORMAP_H
#define PTO_RT_TENSORMAP_H

#include <stdbool.h>
#include <stdint.h>

/* The task an entry names: opaque to the map but for liveness. */
struct rt_tm_task {
	void *task;
	uint64_t id;		/* task id (profiling label) */
	uint64_t pos;		/* 64-bit ring position: never aliases */
	uint32_t ring;		/* the ring pos is on */
};

struct rt_tm_entry {
	uint64_t off, end;
	uint64_t seq;		/* insertion order, newest largest */
	struct rt_tm_task who;
	bool writer;
	/* Interval treap. */
	struct rt_tm_entry *child[2];
	uint64_t max_end;	/* largest end in this subtree */
	uint32_t prio;
};

struct rt_tm_chunk;
struct rt_tm_tensor;

/* live(ctx, who): false once the task's slot was reclaimed. */
typedef bool (*rt_tm_live_fn)(void *ctx, const struct rt_tm_task *who);
/* Called per overlapping live entry; covered: the entry contains the
 * looked-up range.
 */
typedef void (*rt_tm_visit_fn)(void *ctx, const struct rt_tm_entry *e,
			       bool covered);

struct rt_tensormap {
	struct rt_tm_tensor **buckets;	/* tensors by address */
	uint32_t nbuckets;		/* power of two */
	struct rt_tm_entry *free;
	struct rt_tm_tensor *free_tensors;
	struct rt_tm_chunk *chunks;
	uint64_t live;			/* entries in the trees */
	uint64_t sweep_at;		/* sweep when live reaches it */
	uint64_t seq;
	uint32_t rng;			/* treap priorities */
	struct rt_tm_entry **found;	/* lookup scratch */
	uint64_t nfound, found_cap;
	/* What found holds, until the next insert: every live entry of
	 * found_of overlapping [found_off, found_end), readers included
	 * when found_readers (NULL: nothing reusable).
	 */
	const struct rt_tm_tensor *found_of;
	uint64_t found_off, found_end;
	bool found_readers;
	rt_tm_live_fn is_live;
	void *live_ctx;
};

int rt_tm_init(struct rt_tensormap *tm, uint32_t nbuckets,
	       rt_tm_live_fn is_live, void *live_ctx);
void rt_tm_fini(struct rt_tensormap *tm);
/* Writers of [off, end), and readers too when readers; -ENOMEM. */
int rt_tm_lookup(struct rt_tensormap *tm, const void *tensor, uint64_t off,
		 uint64_t end, bool readers, rt_tm_visit_fn visit, void *ctx);
/* Records who as a writer (or reader) of [off, end); -ENOMEM. */
int rt_tm_insert(struct rt_tensormap *tm, const void *tensor, uint64_t off,
		 uint64_t end, bool writer, const struct rt_tm_task *who);

#endif /* PTO_RT_TENSORMAP_H */
