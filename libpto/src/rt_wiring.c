// SPDX-License-Identifier: MIT
/*
 * Fanout wiring (seed 003). Deferred mode: the orchestrator's submit only
 * records the task's producers (holding a reference on each) and pushes
 * the task into the SPSC wiring queue; scheduler thread 0 drains it in
 * batches and links each task into its producers' fanout lists. Inline
 * mode: the orchestrator wires at submit (kept for A/B measurement).
 *
 * Wiring one task takes a dep-pool entry only for each producer not yet
 * COMPLETED (a producer never goes back), so a task needs at most as many
 * entries as it has unfinished producers, and none once they finished.
 * Under each producer's fanout lock, a producer already COMPLETED counts
 * as early finished; otherwise the task is prepended to its fanout list.
 * The task's dep_mark (the pool head after its entries, for the
 * reclaimer) is written before early + 1 is added to fanin_refcount in
 * one step: the +1 guard keeps a concurrently completing producer from
 * making the task ready before the wiring is done; whoever brings the
 * count to fanin_count pushes it.
 *
 * A full dep pool is never a deadlock: the producers a task waits for
 * are wired before it (FIFO) and run to completion, and every completion
 * lowers what it needs. The wiring owner then waits for progress: it
 * sets dep_starved, and completers (rt_wiring_progress after bumping
 * run->completed) and reclaimers (after freeing dep entries) bump
 * dep_wake and wake it. Ordering (Dekker, all seq_cst): the owner stores
 * dep_starved then loads run->completed and the ring's progress before
 * retrying; a completer or reclaimer bumps those counters then loads
 * dep_starved. Either the owner's retry sees the progress or the other
 * side sees dep_starved and bumps dep_wake.
 */
#include <errno.h>

#include "rt_ring.h"
#include "rt_run.h"
#include "rt_sched.h"
#include "rt_task.h"
#include "rt_wiring.h"

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

/* Entries wiring t takes at most: its producers not yet completed. */
static uint32_t deps_needed(const struct rt_task *t)
{
	uint32_t i, n = 0;

	for (i = 0; i < t->nfanin; i++)
		/* acquire: pairs with the completer's unlock after COMPLETED */
		n += atomic_load_explicit(&t->fanin[i]->state,
					  memory_order_acquire) < RT_COMPLETED;
	return n;
}

static int rt_wire_task(struct rt_run *run, struct rt_task *t)
{
	struct rt_ring *r = rt_ring_of(run, t);
	uint32_t i, early = 0;
	struct rt_task *p;
	struct rt_dep *d;
	int32_t add;

	if (rt_dep_free(r) < deps_needed(t))
		return -EAGAIN;
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
	/* Still guarded: nothing can run (and reclaim) t before the add. */
	t->dep_mark = r->dep_head;
	t->has_dep_mark = true;
	add = (int32_t)early + 1;
	if (atomic_fetch_add(&t->fanin_refcount, add) + add == t->fanin_count)
		rt_push_ready(run, t);
	return 0;
}

/* The wiring owner found too few entries for a task of ring r: says it
 * waits (see the top of the file) and remembers dep_wake.
 */
static void starve(struct rt_run *run, struct rt_ring *r)
{
	atomic_store(&run->dep_starved, 1);
	/* seq_cst loads, values unused: order the retry after the progress
	 * of anyone who did not see dep_starved (Dekker)
	 */
	(void)atomic_load(&run->completed);
	(void)atomic_load(&r->progress);
	run->dep_wake_seen = atomic_load(&run->dep_wake);
}

void rt_wiring_progress(struct rt_run *run)
{
	/* seq_cst: Dekker with starve() */
	if (!atomic_load(&run->dep_starved))
		return;
	atomic_fetch_add(&run->dep_wake, 1);
	if (run->cfg.wiring == PTO_WIRING_INLINE)
		rt_futex_wake(&run->dep_wake, INT_MAX);
	else
		rt_doorbell_ring(&run->db[0]);
}

bool rt_wiring_has_work(struct rt_run *run)
{
	return rt_spsc_size(&run->wiring) &&
	       (!atomic_load(&run->dep_starved) ||
		atomic_load(&run->dep_wake) != run->dep_wake_seen);
}

/* Wires t, or -EAGAIN after starve() when the pool is still short. */
static int wire_or_starve(struct rt_run *run, struct rt_task *t)
{
	if (!rt_wire_task(run, t))
		return 0;
	starve(run, rt_ring_of(run, t));
	return rt_wire_task(run, t);
}

int rt_wiring_drain(struct rt_run *run, struct rt_thread *th, bool force)
{
	uint64_t n = rt_spsc_size(&run->wiring), v;
	int done = 0;

	if (!n)
		return 0;
	if (!force && n < RT_WIRING_BATCH && ++th->backoff < RT_WIRING_BACKOFF)
		return 0;
	th->backoff = 0;
	while ((force || done < RT_WIRING_BATCH) &&
	       rt_spsc_peek(&run->wiring, &v)) {
		if (wire_or_starve(run, (struct rt_task *)(uintptr_t)v))
			break;	/* stays queued (FIFO) until progress */
		atomic_store(&run->dep_starved, 0);
		rt_spsc_pop(&run->wiring);
		done++;
	}
	return done;
}

/*
 * Inline mode: the orchestrator wires t itself, waiting for entries (a
 * wait of the orchestrator, rt_orch.h).
 */
int rt_wire_inline(struct rt_run *run, struct rt_task *t)
{
	uint64_t t0;
	int err;

	if (!rt_wire_task(run, t))
		return 0;
	t0 = rt_orch_wait_begin(run);
	while (wire_or_starve(run, t)) {
		err = atomic_load(&run->error);
		if (err)
			return err;
		dev_asleep(run->dev);
		rt_futex_wait(&run->dep_wake, run->dep_wake_seen, RT_SLEEP_NS);
		dev_awake(run->dev);
	}
	atomic_store(&run->dep_starved, 0);
	rt_orch_wait_end(run, PTO_ORCH_PHASE_WAIT_DEP, t0, 0);
	return 0;
}
