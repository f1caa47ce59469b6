// SPDX-License-Identifier: MIT
/*
 * Which scheduler thread owns which cluster (block of three cores), and
 * the AICPU side of each core's handshake. A thread takes a cluster when
 * run->clusters[b].owner names it; with orch_to_sched the clusters move
 * once the orchestration ends, each handed over only while idle (no task
 * on its cores). Every change of an owner bumps run->handoff_gen after
 * the owner store, so a thread rescans owners only when the generation
 * moved, and its per-loop work is proportional to the clusters it owns
 * (th->blk). The first owner completes the core handshake of the
 * cluster's cores.
 *
 * Memory ordering: owner is stored with release after the cores' state
 * was last touched by the old owner, and handoff_gen bumped (seq_cst)
 * after it; the new owner loads the generation and the owner with
 * acquire before touching the cores.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>

#include "prof_dev.h"
#include "pto_clock.h"
#include "rt_run.h"
#include "rt_sched.h"
#include "log.h"

#define STUCK_NS 5000000000ull	/* a core wait that long is reported */

/* A wait on a core that should be short: yields, and warns once
 * when it has lasted STUCK_NS (the wait goes on).
 */
struct core_wait {
	uint64_t t0;
	bool told;
};

static void core_wait_tick(struct core_wait *w, unsigned int ci,
			   const char *what)
{
	uint64_t now;

	sched_yield();
	now = pto_clock_mono_ns();
	if (!w->t0) {
		w->t0 = now;
	} else if (!w->told && now - w->t0 > STUCK_NS) {
		pto_warn("pto: core %u: still waiting for %s after "
			"%llu s\n", ci, what,
			(unsigned long long)((now - w->t0) / 1000000000ull));
		w->told = true;
	}
}

bool rt_cluster_idle(const struct rt_run *run, unsigned int b)
{
	const struct rt_core *c = &run->cores[b * PTO_CORES_PER_BLOCK];

	return !c[0].has_running && !c[1].has_running && !c[2].has_running;
}

/* AICPU side of the G.6 handshake, once per core and run. */
static void core_handshake(struct rt_run *run, unsigned int ci)
{
	struct pto_hs_core *hs = run->cores[ci].hs;
	struct core_wait w = { 0 };

	if (atomic_load_explicit(rt_reg(&hs->aicpu_regs_ready),
				 memory_order_relaxed))
		return;
	/* acquire: the core's id is written before its regs ready */
	while (!atomic_load_explicit(rt_reg(&hs->aicore_regs_ready),
				     memory_order_acquire))
		core_wait_tick(&w, ci, "its handshake (aicore_regs_ready)");
	if (hs->physical_core_id != ci)
		rt_fail(run, -EIO);
	atomic_store_explicit(rt_reg(&hs->data), PTO_TOKEN_AICPU_IDLE,
			      memory_order_relaxed);
	/* release: DATA is initialised before the core leaves the wait */
	atomic_store_explicit(rt_reg(&hs->aicpu_regs_ready), 1,
			      memory_order_release);
	/* The core completes its side at its first kick (dispatch or exit). */
}

/* orch_to_sched: cluster b is ours, idle, and goes to another thread. */
static bool must_hand_off(struct rt_run *run, const struct rt_thread *th,
			  unsigned int b)
{
	return th->owned[b] && atomic_load(&run->reassign) &&
	       run->clusters[b].next_owner != (int)th->idx &&
	       rt_cluster_idle(run, b);
}

bool rt_cluster_pending(struct rt_run *run, const struct rt_thread *th)
{
	unsigned int i;

	if (atomic_load(&run->handoff_gen) != th->handoff_seen)
		return true;
	if (!atomic_load(&run->reassign))
		return false;
	for (i = 0; i < th->nblk; i++)
		if (must_hand_off(run, th, th->blk[i]))
			return true;
	return false;
}

static void rebuild(struct rt_run *run, struct rt_thread *th)
{
	unsigned int b;

	th->nblk = 0;
	for (b = 0; b < run->nblocks; b++)
		if (th->owned[b])
			th->blk[th->nblk++] = (uint8_t)b;
	rt_sched_masks(run, th);
}

static void take(struct rt_run *run, struct rt_thread *th, unsigned int b)
{
	unsigned int k;

	th->owned[b] = true;
	for (k = b * PTO_CORES_PER_BLOCK; k < (b + 1) * PTO_CORES_PER_BLOCK;
	     k++) {
		core_handshake(run, k);
		if (RT_PROF(run))
			prof_dev_core_assign(run->prof, k, th->idx);
	}
}

bool rt_cluster_claim(struct rt_run *run, struct rt_thread *th)
{
	uint32_t gen = atomic_load_explicit(&run->handoff_gen,
					    memory_order_acquire);
	bool changed = false;
	unsigned int b, i;

	if (atomic_load_explicit(&run->reassign, memory_order_relaxed)) {
		for (i = 0; i < th->nblk; i++) {
			struct rt_cluster *cl = &run->clusters[th->blk[i]];

			if (!must_hand_off(run, th, th->blk[i]))
				continue;
			th->owned[th->blk[i]] = false;
			/* release: the cores' state is handed over */
			atomic_store_explicit(&cl->owner, cl->next_owner,
					      memory_order_release);
			atomic_fetch_add(&run->handoff_gen, 1);
			rt_doorbell_ring(&run->db[cl->next_owner]);
			changed = true;
		}
	}
	if (gen != th->handoff_seen) {
		th->handoff_seen = gen;
		for (b = 0; b < run->nblocks; b++)
			/* acquire: pairs with the hand-off */
			if (!th->owned[b] &&
			    atomic_load_explicit(&run->clusters[b].owner,
						 memory_order_acquire) ==
			    (int)th->idx) {
				take(run, th, b);
				changed = true;
			}
	}
	if (changed)
		rebuild(run, th);
	return changed;
}
