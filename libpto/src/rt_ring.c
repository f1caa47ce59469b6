// SPDX-License-Identifier: MIT
/*
 * Task rings: per ring a task window (slots reused once reclaimed), a
 * heap ring for pto_orch_alloc, and the reclaimer that advances
 * last_alive over consumed slots and frees their heap and dep-pool space
 * (checked per ring, serialised by reclaim_lock). The orchestrator waits
 * here for space (back-pressure) and detects a deadlock: when every task
 * submitted so far has completed and a reclaim pass still leaves no room,
 * nothing but the orchestrator itself could free space, so the run stops
 * with -EDEADLK and a diagnostic instead of hanging.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "rt_ring.h"
#include "rt_run.h"
#include "rt_task.h"
#include "rt_wiring.h"
#include "log.h"

#define RT_WAIT_NS 10000000ull	/* orchestrator wait bound per round */

int rt_rings_init(struct rt_run *run)
{
	const struct pto_run_config *c = &run->cfg;
	struct rt_ring *r;
	unsigned int i;
	int err;

	for (i = 0; i < RT_RINGS; i++) {
		r = &run->rings[i];
		r->index = i;
		r->window = c->task_window;
		r->slots = calloc(r->window, sizeof(*r->slots));
		r->dep_cap = c->dep_pool;
		r->deps = calloc(r->dep_cap, sizeof(*r->deps));
		if (!r->slots || !r->deps)
			return -ENOMEM;
		r->heap_size = c->heap_size;
		err = run->dev->ops->bo_alloc(run->dev->priv, r->heap_size,
					      &r->heap_bo);
		if (err)
			return err;
	}
	return 0;
}

void rt_rings_fini(struct rt_run *run)
{
	struct rt_ring *r;
	unsigned int i, j;

	for (i = 0; i < RT_RINGS; i++) {
		r = &run->rings[i];
		for (j = 0; r->slots && j < r->window; j++)
			if (r->slots[j].fanin != r->slots[j].fanin_inline)
				free(r->slots[j].fanin);
		free(r->slots);
		free(r->deps);
		if (r->heap_bo.map)
			run->dev->ops->bo_free(run->dev->priv, &r->heap_bo);
	}
}

static void reclaim_locked(struct rt_run *run, struct rt_ring *r)
{
	uint64_t la = atomic_load_explicit(&r->last_alive,
					   memory_order_relaxed);
	/* acquire: slots below published are initialised */
	uint64_t pub = atomic_load_explicit(&r->published,
					    memory_order_acquire);
	uint64_t heap = 0, dep = 0;
	bool moved = false, dep_moved = false;
	struct rt_task *t;

	while (la != pub) {
		t = &r->slots[la & (r->window - 1)];
		/* acquire: the slot's marks were written before CONSUMED */
		if (atomic_load_explicit(&t->state, memory_order_acquire) !=
		    RT_CONSUMED)
			break;
		if (t->heap_end)
			heap = t->heap_end;
		if (t->has_dep_mark) {
			dep = t->dep_mark;
			dep_moved = true;
		}
		la++;
		moved = true;
	}
	if (!moved)
		return;
	/* release: marks read before the slots are handed back */
	if (heap)
		atomic_store_explicit(&r->heap_tail, heap,
				      memory_order_release);
	if (dep_moved)
		atomic_store_explicit(&r->dep_tail, dep, memory_order_release);
	atomic_store_explicit(&r->last_alive, la, memory_order_release);
	atomic_fetch_add(&r->progress, 1);
	if (atomic_load(&run->orch_waiting))
		rt_futex_wake(&r->progress, INT_MAX);
	if (dep_moved)
		rt_wiring_progress(run);
}

void rt_ring_reclaim(struct rt_run *run, struct rt_ring *r)
{
	/* A request left while another thread holds the lock is served by
	 * that thread when it re-checks reclaim_req after unlocking.
	 */
	atomic_store(&r->reclaim_req, 1);
	while (atomic_load(&r->reclaim_req)) {
		/*
		 * seq_cst (not just acquire): Dekker with the holder's clear
		 * and re-check of reclaim_req below, so either we see the
		 * lock free or the holder sees our request.
		 */
		if (atomic_flag_test_and_set(&r->reclaim_lock))
			return;
		atomic_store(&r->reclaim_req, 0);
		reclaim_locked(run, r);
		/* seq_cst (not just release): our stores precede the next
		 * reclaimer's, and the clear precedes the re-check (Dekker)
		 */
		atomic_flag_clear(&r->reclaim_lock);
	}
}

void rt_ring_reclaim_force(struct rt_run *run, struct rt_ring *r)
{
	/* seq_cst: as in rt_ring_reclaim */
	while (atomic_flag_test_and_set(&r->reclaim_lock))
		rt_cpu_relax();
	atomic_store(&r->reclaim_req, 0);
	reclaim_locked(run, r);
	/* seq_cst: as in rt_ring_reclaim */
	atomic_flag_clear(&r->reclaim_lock);
	/* Serve a request that found the lock held by us. */
	if (atomic_load(&r->reclaim_req))
		rt_ring_reclaim(run, r);
}

bool rt_task_live(struct rt_run *run, unsigned int ring, uint64_t pos)
{
	/* acquire: pairs with the reclaimer's release of last_alive */
	return pos >= atomic_load_explicit(&run->rings[ring].last_alive,
					   memory_order_acquire);
}

static bool slot_fits(struct rt_ring *r, uint64_t unused)
{
	(void)unused;
	return r->next_local - atomic_load(&r->last_alive) < r->window;
}

/* Start position of bytes on the heap ring: no allocation wraps. */
static uint64_t heap_start(const struct rt_ring *r, uint64_t bytes)
{
	uint64_t off = r->heap_top % r->heap_size;

	return off + bytes > r->heap_size ?
	       r->heap_top + (r->heap_size - off) : r->heap_top;
}

static bool heap_fits(struct rt_ring *r, uint64_t bytes)
{
	return heap_start(r, bytes) + bytes - atomic_load(&r->heap_tail) <=
	       r->heap_size;
}

static uint64_t pow2_above(uint64_t n)
{
	uint64_t p = 1;

	while (p <= n)
		p <<= 1;
	return p;
}

static void diag_slot(struct rt_ring *r, uint64_t unused)
{
	uint64_t active = r->next_local - atomic_load(&r->last_alive);

	(void)unused;
	pto_err("pto: deadlock: the task window of ring %u is full "
		"and cannot drain: task_window %u, %llu tasks active (held by "
		"open scopes); a task_window of at least %llu is needed\n",
		r->index, r->window, (unsigned long long)active,
		(unsigned long long)pow2_above(active));
}

static void diag_heap(struct rt_ring *r, uint64_t bytes)
{
	uint64_t active = r->heap_top - atomic_load(&r->heap_tail);

	pto_err("pto: deadlock: the heap of ring %u is exhausted: "
		"heap_size %llu, %llu bytes active, %llu requested; a "
		"heap_size of at least %llu is needed\n", r->index,
		(unsigned long long)r->heap_size, (unsigned long long)active,
		(unsigned long long)bytes,
		(unsigned long long)pow2_above(active + bytes - 1));
}

static bool quiescent(struct rt_run *run)
{
	return atomic_load(&run->completed) == atomic_load(&run->submitted);
}

/* The orchestrator waits until fits(r, arg): back-pressure. */
static int ring_wait_loop(struct rt_run *run, struct rt_ring *r,
			  bool (*fits)(struct rt_ring *, uint64_t),
			  uint64_t arg,
			  void (*diag)(struct rt_ring *, uint64_t))
{
	unsigned int spins = 0;
	uint32_t seen;
	int err;

	for (;;) {
		if (fits(r, arg))
			return 0;
		err = atomic_load(&run->error);
		if (err)
			return err;
		seen = atomic_load(&r->progress);
		rt_ring_reclaim(run, r);
		if (fits(r, arg))
			return 0;
		if (quiescent(run)) {
			/* Nothing in flight: one full pass decides. */
			rt_ring_reclaim_force(run, r);
			if (fits(r, arg))
				return 0;
			diag(r, arg);
			rt_fail(run, -EDEADLK);
			return -EDEADLK;
		}
		if (++spins < 64) {
			rt_cpu_relax();
			continue;
		}
		atomic_store(&run->orch_waiting, 1);
		if (atomic_load(&r->progress) == seen && !quiescent(run)) {
			dev_asleep(run->dev);
			rt_futex_wait(&r->progress, seen, RT_WAIT_NS);
			dev_awake(run->dev);
		}
		atomic_store(&run->orch_waiting, 0);
	}
}

/* ring_wait_loop when r has no room now: a wait of kind (rt_orch.h). */
static int ring_wait(struct rt_run *run, struct rt_ring *r,
		     bool (*fits)(struct rt_ring *, uint64_t), uint64_t arg,
		     void (*diag)(struct rt_ring *, uint64_t), uint32_t kind)
{
	uint64_t t0;
	int err;

	if (fits(r, arg))
		return 0;
	t0 = rt_orch_wait_begin(run);
	err = ring_wait_loop(run, r, fits, arg, diag);
	if (!err)
		rt_orch_wait_end(run, kind, t0, arg);
	return err;
}

int rt_ring_alloc_slot(struct rt_run *run, struct rt_ring *r,
		       struct rt_task **out)
{
	struct rt_task *t;
	int err = ring_wait(run, r, slot_fits, 0, diag_slot,
			    PTO_ORCH_PHASE_WAIT_SLOT);

	if (err)
		return err;
	t = &r->slots[r->next_local & (r->window - 1)];
	t->pos = r->next_local++;
	t->id = ((uint64_t)r->index << 32) | (uint32_t)t->pos;
	atomic_store_explicit(&t->state, RT_PENDING, memory_order_relaxed);
	atomic_store_explicit(&t->refs, 2, memory_order_relaxed);
	atomic_store_explicit(&t->fanin_refcount, 0, memory_order_relaxed);
	atomic_flag_clear_explicit(&t->fanout_lock, memory_order_relaxed);
	t->fanout = NULL;
	t->nfanin = 0;
	if (!t->fanin) {
		t->fanin = t->fanin_inline;
		t->fanin_cap = RT_FANIN_INLINE;
	}
	t->heap_end = 0;
	t->has_dep_mark = false;
	t->num_args = 0;
	*out = t;
	return 0;
}

void rt_ring_publish(struct rt_ring *r)
{
	/* release: the slot is initialised before a reclaimer reads it */
	atomic_store_explicit(&r->published, r->next_local,
			      memory_order_release);
}

int rt_ring_alloc_heap(struct rt_run *run, struct rt_ring *r, uint64_t bytes,
		       uint64_t *off)
{
	uint64_t start;
	int err;

	bytes = (bytes + RT_HEAP_ALIGN - 1) & ~(uint64_t)(RT_HEAP_ALIGN - 1);
	if (bytes > r->heap_size) {
		diag_heap(r, bytes);
		rt_fail(run, -EDEADLK);
		return -EDEADLK;
	}
	err = ring_wait(run, r, heap_fits, bytes, diag_heap,
			PTO_ORCH_PHASE_WAIT_HEAP);
	if (err)
		return err;
	start = heap_start(r, bytes);
	r->heap_top = start + bytes;
	*off = start % r->heap_size;
	return 0;
}

/*
 * Test hook: waits until ring r has drained (every slot reclaimed), then
 * moves its positions forward to pos, as if pos - next_local tasks had
 * run. Orchestrator thread only; -EINVAL for a position behind the ring.
 */
int rt_ring_test_jump(struct rt_run *run, struct rt_ring *r, uint64_t pos)
{
	int err;

	if (pos < r->next_local)
		return -EINVAL;
	while (atomic_load(&r->last_alive) != r->next_local) {
		err = atomic_load(&run->error);
		if (err)
			return err;
		rt_ring_reclaim(run, r);
		sched_yield();
	}
	/* seq_cst: as in rt_ring_reclaim */
	while (atomic_flag_test_and_set(&r->reclaim_lock))
		rt_cpu_relax();
	r->next_local = pos;
	atomic_store(&r->published, pos);
	atomic_store(&r->last_alive, pos);
	atomic_flag_clear(&r->reclaim_lock);
	return 0;
}
