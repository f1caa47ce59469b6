// SPDX-License-Identifier: MIT
/*
 * Dependency pool of a ring: fanout-list entries handed out FIFO by the
 * ring's single wiring owner (scheduler thread 0, or the orchestrator in
 * inline mode). dep_head is the owner's; dep_tail is published by the
 * reclaimer as the dep_mark of the newest reclaimed task, so every entry
 * before it belongs to consumed tasks and is no longer walked.
 */
#include "rt_ring.h"
#include "rt_task.h"

uint32_t rt_dep_free(struct rt_ring *r)
{
	/* acquire: pairs with the reclaimer's release of dep_tail */
	uint64_t tail = atomic_load_explicit(&r->dep_tail,
					     memory_order_acquire);

	return r->dep_cap - (uint32_t)(r->dep_head - tail);
}

struct rt_dep *rt_dep_take(struct rt_ring *r)
{
	return &r->deps[r->dep_head++ % r->dep_cap];
}
