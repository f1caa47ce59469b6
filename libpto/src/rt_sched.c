// SPDX-License-Identifier: MIT
/*
 * The scheduler loop of an AICPU thread: retire finished subtasks from
 * the COND registers of the cores it owns, wire (thread 0, deferred
 * mode), and dispatch ready tasks through the DATA registers with at most
 * one running and one pending task per core (REFERENCE G.6). Ready
 * queues are lock-free MPMC, one per shape: AIC, AIV and MIX (a whole
 * idle cluster, only its active subslots dispatched). An idle scheduler
 * spins briefly, then sleeps on its doorbell, rung by a FIN on one of its
 * cores, a ready push, a wiring push or the end of the run.
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "aicore.h"
#include "pto_clock.h"
#include "prof_dev.h"
#include "rt.h"

#define SCHED_SPIN 128
#define SCHED_STUCK_NS 5000000000ull	/* a core wait that long is reported */

/* A wait on a core that should be short: yields, and says once on stderr
 * when it has lasted SCHED_STUCK_NS (the wait goes on).
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
	} else if (!w->told && now - w->t0 > SCHED_STUCK_NS) {
		fprintf(stderr, "pto: core %u: still waiting for %s after "
			"%llu s\n", ci, what,
			(unsigned long long)((now - w->t0) / 1000000000ull));
		w->told = true;
	}
}

static inline _Atomic uint32_t *reg(__u32 *r)
{
	return (_Atomic uint32_t *)r;
}

static inline bool phases_on(const struct rt_run *run)
{
	return run->flags & PTO_DFX_SCHED_PHASES;
}

void rt_wake_schedulers(struct rt_run *run)
{
	unsigned int i;

	for (i = 0; i < run->nthreads; i++)
		rt_doorbell_ring(&run->db[i]);
}

void rt_core_notify(void *ctx, unsigned int core)
{
	struct rt_run *run = ctx;
	int owner = atomic_load_explicit(
		&run->clusters[core / PTO_CORES_PER_BLOCK].owner,
		memory_order_relaxed);

	rt_doorbell_ring(&run->db[owner]);
}

void rt_push_ready(struct rt_run *run, struct rt_task *t)
{
	/* Capacity covers every slot of every ring: a push cannot fail. */
	if (!rt_mpmc_push(&run->ready[t->shape], (uint64_t)(uintptr_t)t)) {
		rt_fail(run, -EOVERFLOW);
		return;
	}
	rt_wake_schedulers(run);
}

void rt_task_release(struct rt_run *run, struct rt_task *t)
{
	struct rt_ring *r = rt_ring_of(run, t);

	if (atomic_fetch_sub(&t->refs, 1) != 1)
		return;
	/* release: the slot's marks precede CONSUMED for the reclaimer */
	atomic_store_explicit(&t->state, RT_CONSUMED, memory_order_release);
	rt_ring_reclaim(run, r);
}

static void task_complete(struct rt_run *run, struct rt_task *t)
{
	struct rt_dep *d, *next;
	struct rt_task *c;
	uint32_t i;

	/* acquire: pairs with the wiring step's unlock */
	while (atomic_flag_test_and_set_explicit(&t->fanout_lock,
						 memory_order_acquire))
		rt_cpu_relax();
	atomic_store_explicit(&t->state, RT_COMPLETED, memory_order_relaxed);
	d = t->fanout;
	t->fanout = NULL;
	/* release: COMPLETED is seen by the next wiring step */
	atomic_flag_clear_explicit(&t->fanout_lock, memory_order_release);
	for (; d; d = next) {
		/* Read the entry before the consumer can become ready. */
		next = d->next;
		c = d->consumer;
		if (atomic_fetch_add(&c->fanin_refcount, 1) + 1 ==
		    c->fanin_count)
			rt_push_ready(run, c);
	}
	for (i = 0; i < t->nfanin; i++)
		rt_task_release(run, t->fanin[i]);
	rt_task_release(run, t);	/* its completion reference */
	atomic_fetch_add(&run->completed, 1);
	rt_check_finished(run);
}

/* A subtask finished on core; returns 1 when it completed the task. */
static int sub_done(struct rt_run *run, unsigned int thr, unsigned int core,
		    const struct rt_slot_run *s)
{
	struct rt_task *t = s->task;
	uint64_t fin = 0;

	if (RT_PROF(run)) {
		if (run->flags & PTO_DFX_TASK_LIFECYCLE)
			fin = pto_clock_now();
		prof_dev_task_done(run->prof, thr, core, s->token, t->id,
				   t->func[s->sub], run->cores[core].type,
				   s->dispatch_ts, fin);
	}
	if (atomic_fetch_sub(&t->subtasks_left, 1) != 1)
		return 0;
	task_complete(run, t);
	return 1;
}

/* The slot transitions of REFERENCE G.6 for one COND value. */
static int core_poll(struct rt_run *run, unsigned int thr, unsigned int ci)
{
	struct rt_core *c = &run->cores[ci];
	/* acquire: kernel results and records precede ACK/FIN */
	uint32_t v = atomic_load_explicit(reg(&c->hs->cond),
					  memory_order_acquire);
	uint32_t tok = PTO_COND_TOKEN(v);
	bool fin = PTO_COND_IS_FIN(v);
	int n = 0;

	if (v == c->last_cond)
		return 0;
	c->last_cond = v;
	if (c->has_pending && tok == c->pending.token) {
		n += sub_done(run, thr, ci, &c->running); /* runs serially */
		if (fin) {
			n += sub_done(run, thr, ci, &c->pending);
			c->has_running = false;
		} else {
			c->running = c->pending;
			c->running.acked = true;
		}
		c->has_pending = false;
	} else if (c->has_running && tok == c->running.token) {
		if (!fin) {
			c->running.acked = true;
		} else {
			n += sub_done(run, thr, ci, &c->running);
			c->has_running = c->has_pending;
			c->running = c->pending;
			c->has_pending = false;
		}
	}
	return n;
}

static void dispatch_sub(struct rt_run *run, unsigned int ci,
			 struct rt_task *t, unsigned int sub)
{
	struct rt_core *c = &run->cores[ci];
	uint32_t tok = rt_token_next(&c->seq);
	struct pto_hs_payload *p = &c->hs->payload[tok & 1];
	struct rt_slot_run *s = c->has_running ? &c->pending : &c->running;

	p->task_id = t->id;
	p->func_id = t->func[sub];
	p->num_args = t->num_args;
	p->block_idx = 0;
	p->block_num = 1;
	p->sub_block_id = sub == PTO_SUBSLOT_AIV1;
	p->flags = 0;
	memcpy(p->args, t->args, sizeof(uint64_t) * t->num_args);
	s->task = t;
	s->token = tok;
	s->sub = (uint8_t)sub;
	s->acked = false;
	s->dispatch_ts = 0;
	if (RT_PROF(run)) {
		if (run->flags & PTO_DFX_TASK_LIFECYCLE)
			s->dispatch_ts = pto_clock_now();
		prof_dev_task_dispatched(run->prof, ci, tok);
	}
	if (c->has_running)
		c->has_pending = true;
	else
		c->has_running = true;
	/* seq_cst: payload before DATA (release), and DATA before the
	 * sleeping test in aicore_kick (Dekker with the core)
	 */
	atomic_store(reg(&c->hs->data), tok);
	aicore_kick(c->hs, &c->sleeping);
}

static bool pop(struct rt_run *run, struct rt_thread *th, unsigned int shape,
		struct rt_task **t)
{
	uint64_t v;

	if (!rt_mpmc_pop(&run->ready[shape], &v)) {
		th->pop_miss++;
		return false;
	}
	th->pop_hit++;
	*t = (struct rt_task *)(uintptr_t)v;
	return true;
}

static bool core_idle(const struct rt_core *c)
{
	return !c->has_running;
}

static bool cluster_idle(const struct rt_run *run, unsigned int b)
{
	const struct rt_core *c = &run->cores[b * PTO_CORES_PER_BLOCK];

	return core_idle(&c[0]) && core_idle(&c[1]) && core_idle(&c[2]);
}

/* A core may take a task now: idle, or (pending stage) running acked. */
static bool core_free(const struct rt_core *c, bool pending_stage)
{
	if (!pending_stage)
		return !c->has_running;
	return c->has_running && c->running.acked && !c->has_pending;
}

static int dispatch_mix(struct rt_run *run, struct rt_thread *th)
{
	struct rt_task *t;
	unsigned int b, s;
	int n = 0;

	for (b = 0; b < run->nblocks; b++) {
		if (!th->owned[b] || !cluster_idle(run, b))
			continue;
		if (!pop(run, th, RT_SHAPE_MIX, &t))
			break;
		for (s = 0; s < PTO_CORES_PER_BLOCK; s++)
			if (t->mask & (1u << s)) {
				dispatch_sub(run, b * PTO_CORES_PER_BLOCK + s,
					     t, s);
				n++;
			}
	}
	return n;
}

static int dispatch_shape(struct rt_run *run, struct rt_thread *th,
			  unsigned int shape, bool pending_stage)
{
	struct rt_task *t;
	unsigned int ci;
	int n = 0;

	for (ci = 0; ci < run->ncores; ci++) {
		if (!th->owned[ci / PTO_CORES_PER_BLOCK] ||
		    run->cores[ci].type != shape ||
		    !core_free(&run->cores[ci], pending_stage))
			continue;
		if (!pop(run, th, shape, &t))
			break;
		dispatch_sub(run, ci, t, shape == RT_SHAPE_AIC ?
			     PTO_SUBSLOT_AIC : PTO_SUBSLOT_AIV0);
		n++;
	}
	return n;
}

static int dispatch(struct rt_run *run, struct rt_thread *th)
{
	unsigned int first = th->idx & 1 ? RT_SHAPE_AIV : RT_SHAPE_AIC;
	int n;

	if (atomic_load_explicit(&run->error, memory_order_relaxed))
		return 0;
	n = dispatch_mix(run, th);
	/* Leftover MIX work keeps clusters draining for it. */
	if (rt_mpmc_nonempty(&run->ready[RT_SHAPE_MIX]))
		return n;
	n += dispatch_shape(run, th, first, false);
	n += dispatch_shape(run, th, first ^ 1, false);
	n += dispatch_shape(run, th, first, true);
	n += dispatch_shape(run, th, first ^ 1, true);
	return n;
}

static int poll_completions(struct rt_run *run, struct rt_thread *th)
{
	unsigned int ci;
	int n = 0;

	for (ci = 0; ci < run->ncores; ci++)
		if (th->owned[ci / PTO_CORES_PER_BLOCK] &&
		    run->cores[ci].has_running)
			n += core_poll(run, th->idx, ci);
	return n;
}

static bool owns_busy_core(const struct rt_run *run,
			   const struct rt_thread *th)
{
	unsigned int b;

	for (b = 0; b < run->nblocks; b++)
		if (th->owned[b] && !cluster_idle(run, b))
			return true;
	return false;
}

/* AICPU side of the G.6 handshake, once per core and run. */
static void core_handshake(struct rt_run *run, unsigned int ci)
{
	struct pto_hs_core *hs = run->cores[ci].hs;
	struct core_wait w = { 0 };

	if (atomic_load_explicit(reg(&hs->aicpu_regs_ready),
				 memory_order_relaxed))
		return;
	/* acquire: the core's id is written before its regs ready */
	while (!atomic_load_explicit(reg(&hs->aicore_regs_ready),
				     memory_order_acquire))
		core_wait_tick(&w, ci, "its handshake (aicore_regs_ready)");
	if (hs->physical_core_id != ci)
		rt_fail(run, -EIO);
	atomic_store_explicit(reg(&hs->data), PTO_TOKEN_AICPU_IDLE,
			      memory_order_relaxed);
	/* release: DATA is initialised before the core leaves the wait */
	atomic_store_explicit(reg(&hs->aicpu_regs_ready), 1,
			      memory_order_release);
}

/* orch_to_sched: cluster b is ours, idle, and goes to another thread. */
static bool must_hand_off(struct rt_run *run, const struct rt_thread *th,
			  unsigned int b)
{
	return th->owned[b] && atomic_load(&run->reassign) &&
	       run->clusters[b].next_owner != (int)th->idx &&
	       cluster_idle(run, b);
}

static bool ownership_pending(struct rt_run *run, const struct rt_thread *th)
{
	unsigned int b;

	for (b = 0; b < run->nblocks; b++)
		if (must_hand_off(run, th, b) ||
		    (!th->owned[b] &&
		     atomic_load(&run->clusters[b].owner) == (int)th->idx))
			return true;
	return false;
}

/* Takes clusters handed to this thread; hands off idle ones it must give
 * away (orch_to_sched). Returns true when ownership changed.
 */
static bool claim_clusters(struct rt_run *run, struct rt_thread *th)
{
	bool changed = false;
	unsigned int b, k;

	for (b = 0; b < run->nblocks; b++) {
		struct rt_cluster *cl = &run->clusters[b];

		if (must_hand_off(run, th, b)) {
			th->owned[b] = false;
			/* release: the cores' state is handed over */
			atomic_store_explicit(&cl->owner, cl->next_owner,
					      memory_order_release);
			rt_doorbell_ring(&run->db[cl->next_owner]);
			changed = true;
		} else if (!th->owned[b] &&
			   /* acquire: pairs with the hand-off */
			   atomic_load_explicit(&cl->owner,
						memory_order_acquire) ==
			   (int)th->idx) {
			th->owned[b] = true;
			for (k = b * PTO_CORES_PER_BLOCK;
			     k < (b + 1) * PTO_CORES_PER_BLOCK; k++) {
				core_handshake(run, k);
				if (RT_PROF(run))
					prof_dev_core_assign(run->prof, k,
							     th->idx);
			}
			changed = true;
		}
	}
	return changed;
}

struct sleep_ctx {
	struct rt_run *run;
	struct rt_thread *th;
};

/* Mirrors dispatch(): is there anything this thread could do now? */
static int has_work(void *arg)
{
	struct sleep_ctx *sc = arg;
	struct rt_run *run = sc->run;
	struct rt_thread *th = sc->th;
	bool mix = rt_mpmc_nonempty(&run->ready[RT_SHAPE_MIX]);
	unsigned int ci;

	if (atomic_load(&run->finished) || ownership_pending(run, th))
		return 1;
	if (th->idx == 0 && run->cfg.wiring == PTO_WIRING_DEFERRED &&
	    rt_spsc_size(&run->wiring) && !atomic_load(&run->dep_starved))
		return 1;
	for (ci = 0; ci < run->ncores; ci++) {
		const struct rt_core *c = &run->cores[ci];
		unsigned int b = ci / PTO_CORES_PER_BLOCK;

		if (!th->owned[b])
			continue;
		if (c->has_running &&
		    atomic_load(reg(&c->hs->cond)) != c->last_cond)
			return 1;
		if (mix ? cluster_idle(run, b) :
		    core_free(c, false) &&
		    rt_mpmc_nonempty(&run->ready[c->type]))
			return 1;
	}
	return 0;
}

static void emit_dispatch(struct rt_run *run, struct rt_thread *th,
			  uint64_t start, uint64_t end, uint32_t n)
{
	prof_dev_sched_phase(run->prof, th->idx, PTO_SCHED_PHASE_DISPATCH,
			     start, end, th->loop, n,
			     th->pop_hit - th->pop_hit_emitted,
			     th->pop_miss - th->pop_miss_emitted);
	th->pop_hit_emitted = th->pop_hit;
	th->pop_miss_emitted = th->pop_miss;
}

void rt_sched_loop(struct rt_run *run, unsigned int thr)
{
	struct rt_thread *th = &run->thr[thr];
	struct sleep_ctx sc = { run, th };
	bool phases = RT_PROF(run) && phases_on(run);
	unsigned int idle = 0;
	uint64_t t0 = 0, t1;
	int ncomp, ndisp, work;

	for (;;) {
		work = claim_clusters(run, th);
		th->loop++;
		if (phases)
			t0 = pto_clock_now();
		ncomp = poll_completions(run, th);
		if (phases && ncomp) {
			t1 = pto_clock_now();
			prof_dev_sched_phase(run->prof, thr,
					     PTO_SCHED_PHASE_COMPLETE, t0, t1,
					     th->loop, (uint32_t)ncomp, 0, 0);
			t0 = t1;
		}
		work += ncomp;
		if (thr == 0 && run->cfg.wiring == PTO_WIRING_DEFERRED)
			work += rt_wiring_drain(run, th,
						atomic_load(&run->orch_done));
		ndisp = dispatch(run, th);
		if (phases && ndisp)
			emit_dispatch(run, th, t0, pto_clock_now(),
				      (uint32_t)ndisp);
		work += ndisp;
		if (atomic_load(&run->finished) && !owns_busy_core(run, th))
			break;
		if (work) {
			idle = 0;
		} else if (++idle < SCHED_SPIN) {
			rt_cpu_relax();
		} else {
			rt_doorbell_sleep(&run->db[thr], has_work, &sc,
					  RT_SLEEP_NS);
			idle = 0;
			if (thr == 0)	/* wakes at least every RT_SLEEP_NS */
				rt_stall_check(run);
		}
	}
	if (phases && (th->pop_hit != th->pop_hit_emitted ||
		       th->pop_miss != th->pop_miss_emitted)) {
		t1 = pto_clock_now();
		emit_dispatch(run, th, t1, t1, 0);
	}
}

/* Sends EXIT_SIGNAL to the cores of the clusters thr owns. */
void rt_sched_exit_cores(struct rt_run *run, unsigned int thr)
{
	unsigned int b, ci;

	for (b = 0; b < run->nblocks; b++) {
		if (!run->thr[thr].owned[b])
			continue;
		for (ci = b * PTO_CORES_PER_BLOCK;
		     ci < (b + 1) * PTO_CORES_PER_BLOCK; ci++) {
			struct rt_core *c = &run->cores[ci];

			/* seq_cst: as in dispatch_sub */
			atomic_store(reg(&c->hs->data), PTO_TOKEN_EXIT_SIGNAL);
			aicore_kick(c->hs, &c->sleeping);
		}
		for (ci = b * PTO_CORES_PER_BLOCK;
		     ci < (b + 1) * PTO_CORES_PER_BLOCK; ci++) {
			__u32 *cond = &run->cores[ci].hs->cond;
			struct core_wait w = { 0 };

			/* acquire: the core's last writes precede EXITED */
			while (atomic_load_explicit(reg(cond),
						    memory_order_acquire) !=
			       PTO_COND_AICORE_EXITED)
				core_wait_tick(&w, ci, "COND = EXITED");
		}
	}
}
