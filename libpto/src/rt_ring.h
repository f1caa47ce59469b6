/* SPDX-License-Identifier: MIT */
/*
 * Task rings (rt_ring.c): per ring a task window, a heap ring and a dep
 * pool (rt_deppool.c), and their reclamation.
 */
#ifndef PTO_RT_RING_H
#define PTO_RT_RING_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "rt_task.h"

struct rt_run;

#define RT_RINGS		4
#define RT_HEAP_ALIGN		64

struct rt_ring {
	unsigned int index;
	struct rt_task *slots;
	uint32_t window;	/* power of two */
	/* Free-running 64-bit positions (never wrap, so never alias). */
	uint64_t next_local;	/* orchestrator's allocation cursor */
	_Atomic uint64_t published; /* slots below it are initialised */
	_Atomic uint64_t last_alive; /* reclaimer (under reclaim_lock) */
	/* Heap ring: free-running byte positions. */
	struct dev_bo heap_bo;
	uint64_t heap_size;
	uint64_t heap_top;	/* orchestrator */
	_Atomic uint64_t heap_tail; /* reclaimer */
	/* Dep pool, used only by the wiring owner (scheduler 0, or the
	 * orchestrator in inline mode); dep_tail is published by the
	 * reclaimer.
	 */
	struct rt_dep *deps;
	uint32_t dep_cap;
	uint64_t dep_head;
	_Atomic uint64_t dep_tail;
	atomic_flag reclaim_lock; /* serialises reclaimers: last_alive,
				   * heap_tail, dep_tail
				   */
	_Atomic uint32_t reclaim_req;
	_Atomic uint32_t progress; /* bumped after reclaiming; futex word */
};

/* rt_ring.c */
int rt_rings_init(struct rt_run *run);
void rt_rings_fini(struct rt_run *run);
void rt_ring_reclaim(struct rt_run *run, struct rt_ring *r);
void rt_ring_reclaim_force(struct rt_run *run, struct rt_ring *r);
int rt_ring_alloc_slot(struct rt_run *run, struct rt_ring *r,
		       struct rt_task **out);
int rt_ring_alloc_heap(struct rt_run *run, struct rt_ring *r, uint64_t bytes,
		       uint64_t *off);
void rt_ring_publish(struct rt_ring *r);
bool rt_task_live(struct rt_run *run, unsigned int ring, uint64_t pos);
int rt_ring_test_jump(struct rt_run *run, struct rt_ring *r, uint64_t pos);

/* rt_deppool.c: dep pool of a ring, used by its single wiring owner. */
uint32_t rt_dep_free(struct rt_ring *r);
struct rt_dep *rt_dep_take(struct rt_ring *r);

#endif /* PTO_RT_RING_H */
