// SPDX-License-Identifier: MIT
/*
 * Fanout wiring (seed 003). Deferred mode: the orchestrator's submit only
 * records the task's producers (holding a reference on each) and pushes
 * the task into the SPSC wiring queue; scheduler thread 0 drains it in
 * batches and links each task into its producers' fanout lists. Inline
 * mode: the orchestrator wires at submit (kept for A/B measurement).
 *
 * Wiring one task: its dep-pool entries are reserved and its dep_mark is
 * recorded first, before any other thread can see the task (a producer
 * completing may make it ready, run and reclaim it at once). Under each
 * producer's fanout lock, a producer already COMPLETED counts as early
 * finished; otherwise the task is prepended to its fanout list. Finally
 * early + 1 is added to fanin_refcount in one step: the +1 guard keeps a
 * concurrently completing producer from making the task ready before the
 * wiring is done; whoever brings the count to fanin_count pushes it.
 */
#include <errno.h>
#include <stdio.h>

#include "rt.h"

static void fanout_lock(struct rt_task *p)
{
	/* acquire: the producer's state and list are read under the lock */
	while (atomic_flag_test_and_set_explicit(&p->fanout_lock,
						 memory_order_acquire))
		rt_cpu_relax();
}

static void fanout_unlock(struct rt_task *p)
{
	/* release: our list update is visible to the next holder */
	atomic_flag_clear_explicit(&p->fanout_lock, memory_order_release);
}

static int rt_wire_task(struct rt_run *run, struct rt_task *t)
{
	struct rt_ring *r = rt_ring_of(run, t);
	uint32_t i, early = 0;
	struct rt_task *p;
	struct rt_dep *d;
	int32_t add;

	if (rt_dep_free(r) < t->nfanin)
		return -EAGAIN;
	/* The reclamation mark before the task becomes visible. */
	t->dep_mark = r->dep_head + t->nfanin;
	t->has_dep_mark = true;
	for (i = 0; i < t->nfanin; i++) {
		p = t->fanin[i];
		fanout_lock(p);
		if (atomic_load_explicit(&p->state, memory_order_relaxed) >=
		    RT_COMPLETED) {
			early++;
		} else {
			d = rt_dep_take(r);
			d->consumer = t;
			d->next = p->fanout;
			p->fanout = d;
		}
		fanout_unlock(p);
	}
	r->dep_head = t->dep_mark;
	add = (int32_t)early + 1;
	if (atomic_fetch_add(&t->fanin_refcount, add) + add == t->fanin_count)
		rt_push_ready(run, t);
	return 0;
}

static void diag_dep(struct rt_ring *r, uint32_t need)
{
	uint32_t used = r->dep_cap - rt_dep_free(r);
	unsigned long long fit = 1;

	while (fit < (unsigned long long)used + need)
		fit <<= 1;
	fprintf(stderr, "pto: deadlock: the dep pool of ring %u is exhausted: "
		"dep_pool %u, %u entries in use, a task needs %u; a dep_pool "
		"of at least %llu is needed\n", r->index, r->dep_cap, used,
		need, fit);
}

/*
 * The wiring owner cannot get entries for t: reclaim, and when nothing
 * wired is still in flight (in_flight false) a failed full pass is a
 * deadlock. Returns 0 (wired), -EAGAIN (wait) or -EDEADLK.
 */
static int wire_starved(struct rt_run *run, struct rt_task *t, bool in_flight)
{
	struct rt_ring *r = rt_ring_of(run, t);

	if (t->nfanin > r->dep_cap)
		goto deadlock;
	rt_ring_reclaim(run, r);
	if (!rt_wire_task(run, t))
		return 0;
	if (in_flight)
		return -EAGAIN;
	rt_ring_reclaim_force(run, r);
	if (!rt_wire_task(run, t))
		return 0;
deadlock:
	diag_dep(r, t->nfanin);
	rt_fail(run, -EDEADLK);
	return -EDEADLK;
}

int rt_wiring_drain(struct rt_run *run, struct rt_thread *th, bool force)
{
	uint64_t n = rt_spsc_size(&run->wiring), v;
	int done = 0, err;
	struct rt_task *t;

	if (!n)
		return 0;
	if (!force && n < RT_WIRING_BATCH && ++th->backoff < RT_WIRING_BACKOFF)
		return 0;
	th->backoff = 0;
	while ((force || done < RT_WIRING_BATCH) &&
	       rt_spsc_peek(&run->wiring, &v)) {
		t = (struct rt_task *)(uintptr_t)v;
		err = rt_wire_task(run, t);
		if (err) {
			atomic_store(&run->dep_starved, 1);
			err = wire_starved(run, t, atomic_load(&run->completed)
					   != th->wired);
			if (err)
				break;	/* stays queued (FIFO) */
		}
		atomic_store(&run->dep_starved, 0);
		rt_spsc_pop(&run->wiring);
		th->wired++;
		done++;
	}
	return done;
}

/* Inline mode: the orchestrator wires t itself, waiting for entries. */
int rt_wire_inline(struct rt_run *run, struct rt_task *t)
{
	struct rt_ring *r = rt_ring_of(run, t);
	uint32_t seen;
	int err;

	for (;;) {
		if (!rt_wire_task(run, t))
			return 0;
		seen = atomic_load(&r->progress);
		err = wire_starved(run, t, atomic_load(&run->completed) + 1 !=
				   atomic_load(&run->submitted));
		if (err != -EAGAIN)
			return err;
		atomic_store(&run->orch_waiting, 1);
		if (atomic_load(&r->progress) == seen)
			rt_futex_wait(&r->progress, seen, 10000000ull);
		atomic_store(&run->orch_waiting, 0);
	}
}
