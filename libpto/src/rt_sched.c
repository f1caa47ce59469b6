// SPDX-License-Identifier: MIT
/*
 * The scheduler loop of an AICPU thread: retire finished subtasks from
 * the COND registers of the cores it owns, wire (thread 0, deferred
 * mode), and dispatch ready tasks through the DATA registers with at most
 * one running and one pending task per core (REFERENCE G.6; the pending
 * slot only where no other core of the task's shape exists). Ready
 * queues are lock-free MPMC, one per shape: AIC, AIV and MIX (a whole
 * idle cluster, only its active subslots dispatched). A loop's work is
 * proportional to the cores it owns and what changed on them: a core's
 * executor sets the core's bit in run->fin_pend after FIN (the owner
 * reads COND only for those), and the owner keeps bitmaps of its cores
 * and of the idle ones per shape (th->own, th->idle). A scheduler
 * dispatches only while the device's executors have room
 * (dev_cores_room), so ready work waits in the ready queues, not in
 * front of the executors. An idle scheduler spins for a bounded time
 * while the device lets it (device.h), then sleeps on its doorbell,
 * rung by a FIN on one of its cores, a ready push of a shape it has an
 * idle core for (or ready work passed on by a scheduler that has none),
 * a wiring push (thread 0) or the end of the run.
 *
 * Serving inline: after a dispatch pass, a scheduler runs the kernels it
 * just dispatched itself, as the cores they went to (dev_core_serve: the
 * executors' firmware step, the same records and core ids), instead of
 * waking an executor and waiting for its FIN: on a machine with fewer
 * CPUs than device threads every dependent hand-off would otherwise be
 * two context switches. Only kernels of functions that ran short
 * (rt_kernel_inline_ok) run inline: a kernel that never returned, or
 * that is long most of the time, stays on the executors. (One of a
 * function that ran short and then blocks holds its scheduler; the
 * other schedulers and the executors go on, and any of them reports
 * the stall, rt_stall.c.)
 */
#include <errno.h>
#include <string.h>

#include "dev_cores.h"
#include "pto_clock.h"
#include "prof_dev.h"
#include "rt_phase.h"
#include "rt_run.h"
#include "rt_sched.h"
#include "rt_stall.h"
#include "rt_task.h"
#include "rt_tdump.h"
#include "rt_wiring.h"

#define SCHED_SPIN_NS 2000ull	/* idle spin before sleeping */
/*
 * Whether a function's kernels run inline: its score counts short runs
 * (at most RT_INLINE_MAX_NS) up to RT_INLINE_CAP, and a longer run halves
 * it; they run inline from RT_INLINE_RUNS on. A kernel preempted once in
 * a while (a shared machine) keeps its place, one that is long most of
 * the time never gets one, and one that never returned never counted.
 */
#define RT_INLINE_RUNS	8u
#define RT_INLINE_CAP	16u
#define RT_INLINE_MAX_NS 20000ull
#define RT_INLINE_SHARE_NS 4000ull

static inline bool phases_on(const struct rt_run *run)
{
	return run->flags & PTO_DFX_SCHED_PHASES;
}

/* The inline score of func (see RT_INLINE_RUNS). */
static _Atomic uint32_t *inline_score(struct rt_run *run, uint32_t func)
{
	return &run->dev->kernels[func].inline_score;
}

bool rt_kernel_inline_ok(struct rt_run *run, uint32_t func)
{
	return atomic_load_explicit(inline_score(run, func),
				    memory_order_relaxed) >= RT_INLINE_RUNS;
}

void rt_kernel_ran(struct rt_run *run, uint32_t func, uint64_t ticks)
{
	_Atomic uint32_t *sc = inline_score(run, func);
	uint32_t v = atomic_load_explicit(sc, memory_order_relaxed), nv;

	if (ticks > pto_clock_ns_to_ticks(RT_INLINE_MAX_NS,
					  run->dev->freq_hz))
		nv = v / 2;
	else
		nv = v < RT_INLINE_CAP ? v + 1 : v;
	/* one try: a lost update of a racing run only delays the score */
	if (nv != v)
		atomic_compare_exchange_strong_explicit(
			sc, &v, nv, memory_order_relaxed,
			memory_order_relaxed);
}

/* The PMU record of a subtask that reported FIN on core. */
static void pmu_done(struct rt_run *run, unsigned int thr, unsigned int core,
		     const struct rt_slot_run *s, const struct rt_task *t)
{
	/* The kernel's thread wrote it before FIN, which we acquired. */
	const struct prof_pmu_sample *x = &run->cores[core].pmu[s->token & 1];
	struct pto_pmu_record r = {
		.task_id = t->id,
		.reg_token = s->token,
		.func_id = t->func[s->sub],
		.core = core,
		.core_type = run->cores[core].type,
		.thread = x->tid,
		.counter_mask = x->mask,
	};

	memcpy(r.counters, x->v, sizeof(r.counters));
	prof_dev_record(run->prof, thr, PTO_BUF_PMU, thr, &r);
}

static inline unsigned int core_shape(unsigned int ci)
{
	return ci % PTO_CORES_PER_BLOCK == PTO_SUBSLOT_AIC ? RT_SHAPE_AIC :
	       RT_SHAPE_AIV;
}

/* The subslot a task of shape runs in (AIV: its first). */
static inline unsigned int shape_subslot(unsigned int shape)
{
	return shape == RT_SHAPE_AIC ? PTO_SUBSLOT_AIC : PTO_SUBSLOT_AIV0;
}

/* Core ci of th (no task on it) is idle or not, in th->idle. */
static inline void mark_idle(struct rt_thread *th, unsigned int ci,
			     bool idle)
{
	uint64_t *w = &th->idle[core_shape(ci)][ci / 64];

	if (idle)
		*w |= 1ull << (ci % 64);
	else
		*w &= ~(1ull << (ci % 64));
}

void rt_sched_masks(const struct rt_run *run, struct rt_thread *th)
{
	unsigned int i, ci, hi;

	memset(th->own, 0, sizeof(th->own));
	memset(th->idle, 0, sizeof(th->idle));
	for (i = 0; i < th->nblk; i++)
		for (ci = th->blk[i] * PTO_CORES_PER_BLOCK,
		     hi = ci + PTO_CORES_PER_BLOCK; ci < hi; ci++) {
			th->own[ci / 64] |= 1ull << (ci % 64);
			mark_idle(th, ci, !run->cores[ci].has_running);
		}
}

/*
 * The tasks one poll of the cores completed: released after the poll
 * (rt_task_complete), so retiring and releasing are phases of their own.
 * A core completes at most its running and its pending task per poll.
 */
struct done_list {
	unsigned int n;
	struct rt_task *t[2 * PTO_MAX_CORES];
};

/* A subtask finished on core; returns 1 when it completed the task. */
static int sub_done(struct rt_run *run, struct rt_thread *th,
		    unsigned int core, const struct rt_slot_run *s,
		    struct done_list *dl)
{
	unsigned int thr = th->idx;
	struct rt_task *t = s->task;
	uint64_t fin = 0;

	if (RT_PROF(run)) {
		if (run->flags & PTO_DFX_TASK_LIFECYCLE)
			fin = pto_clock_now();
		prof_dev_task_done(run->prof, thr, core, s->token, t->id,
				   t->func[s->sub], run->cores[core].type,
				   s->dispatch_ts, fin);
		if (run->flags & PTO_DFX_PMU)
			pmu_done(run, thr, core, s, t);
	}
	if (atomic_fetch_sub(&t->subtasks_left, 1) != 1)
		return 0;
	/* Outputs before completion (release_done): later writers wait. */
	if (RT_PROF(run) && t->dump)
		rt_tdump_copy(run, th, t, PTO_TDUMP_STAGE_AFTER);
	dl->t[dl->n++] = t;
	return 1;
}

/* Publishes c's slots for the stall monitor (rt_stall.c). */
static void mon_publish(struct rt_core *c)
{
	atomic_store_explicit(&c->mon_tok, c->has_running ? c->running.token :
			      0, memory_order_relaxed);
	atomic_store_explicit(&c->mon_sub[0], c->running.sub,
			      memory_order_relaxed);
	atomic_store_explicit(&c->mon_sub[1], c->pending.sub,
			      memory_order_relaxed);
	/* release: pairs with the monitor's acquire of the task */
	atomic_store_explicit(&c->mon_task[0], c->has_running ?
			      c->running.task : NULL, memory_order_release);
	atomic_store_explicit(&c->mon_task[1], c->has_pending ?
			      c->pending.task : NULL, memory_order_release);
}

/* The slot transitions of REFERENCE G.6 for one COND value. */
static int core_poll(struct rt_run *run, struct rt_thread *th,
		     unsigned int ci, struct done_list *dl)
{
	struct rt_core *c = &run->cores[ci];
	/* acquire: kernel results and records precede ACK/FIN */
	uint32_t v = atomic_load_explicit(rt_reg(&c->hs->cond),
					  memory_order_acquire);
	uint32_t tok = PTO_COND_TOKEN(v);
	bool fin = PTO_COND_IS_FIN(v);
	int n = 0;

	if (v == c->last_cond)
		return 0;
	c->last_cond = v;
	if (c->has_pending && tok == c->pending.token) {
		/* runs serially */
		n += sub_done(run, th, ci, &c->running, dl);
		if (fin) {
			n += sub_done(run, th, ci, &c->pending, dl);
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
			n += sub_done(run, th, ci, &c->running, dl);
			c->has_running = c->has_pending;
			c->running = c->pending;
			c->has_pending = false;
		}
	}
	if (!c->has_running)
		mark_idle(th, ci, true);
	mon_publish(c);
	return n;
}

static void dispatch_sub(struct rt_run *run, struct rt_thread *th,
			 unsigned int ci, struct rt_task *t, unsigned int sub)
{
	struct rt_core *c = &run->cores[ci];
	uint32_t tok = rt_token_next(&c->seq);
	struct pto_hs_payload *p = &c->hs->payload[tok & 1];
	struct rt_slot_run *s = c->has_running ? &c->pending : &c->running;

	/* Inputs once per task, before its first subslot is dispatched. */
	if (RT_PROF(run) && t->dump &&
	    sub == (unsigned int)__builtin_ctz(t->mask))
		rt_tdump_copy(run, th, t, PTO_TDUMP_STAGE_BEFORE);
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
	mark_idle(th, ci, false);
	mon_publish(c);
	/* seq_cst: payload before DATA (release), and DATA before the
	 * pending bit (dev_cores.c)
	 */
	atomic_store(rt_reg(&c->hs->data), tok);
	dev_core_post(run->dev->cores, ci);
	if (rt_kernel_inline_ok(run, t->func[sub])) {
		th->serve[ci / 64] |= 1ull << (ci % 64);
		th->nserve++;
	} else {
		th->wake_exec = true;
	}
}

/*
 * After a dispatch pass: wakes an executor for the cores posted for
 * them, or to share the inline ones when there are several and this
 * thread's inline kernels took more than RT_INLINE_SHARE_NS on average
 * (a wake costs about that), then serves the inline ones (what an
 * executor took meanwhile it serves). A kernel that ran long inline is
 * left to the executors from then on (rt_kernel_ran).
 */
static void serve_posted(struct rt_run *run, struct rt_thread *th)
{
	struct dev_cores *dc = run->dev->cores;
	const struct rt_slot_run *sl;
	unsigned int w, ci;
	uint64_t bits, t0, dt;

	if (th->wake_exec || (th->nserve > 1 && th->inline_avg >
			      pto_clock_ns_to_ticks(RT_INLINE_SHARE_NS,
						    run->dev->freq_hz)))
		dev_cores_wake(dc);
	th->wake_exec = false;
	th->nserve = 0;
	for (w = 0; w < RT_CORE_WORDS; w++) {
		for (bits = th->serve[w]; bits; bits &= bits - 1) {
			ci = w * 64 + (unsigned int)__builtin_ctzll(bits);
			/* the slot dispatched last, unchanged until we poll */
			sl = run->cores[ci].has_pending ?
			     &run->cores[ci].pending : &run->cores[ci].running;
			t0 = pto_clock_now();
			if (!dev_core_serve(dc, ci))
				continue;
			dt = pto_clock_now() - t0;
			rt_kernel_ran(run, sl->task->func[sl->sub], dt);
			th->inline_avg += dt / 4 - th->inline_avg / 4;
		}
		th->serve[w] = 0;
	}
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

static int dispatch_mix(struct rt_run *run, struct rt_thread *th)
{
	struct rt_task *t;
	unsigned int i, b, s;
	int n = 0;

	for (i = 0; i < th->nblk; i++) {
		b = th->blk[i];
		if (!rt_cluster_idle(run, b))
			continue;
		if (!dev_cores_room(run->dev->cores) ||
		    !pop(run, th, RT_SHAPE_MIX, &t))
			break;
		for (s = 0; s < PTO_CORES_PER_BLOCK; s++)
			if (t->mask & (1u << s)) {
				dispatch_sub(run, th,
					     b * PTO_CORES_PER_BLOCK + s, t, s);
				n++;
			}
	}
	return n;
}

/* The cores of shape (AIC or AIV) in block b: [*lo, *hi). */
static void shape_cores(unsigned int b, unsigned int shape, unsigned int *lo,
			unsigned int *hi)
{
	*lo = b * PTO_CORES_PER_BLOCK + shape_subslot(shape);
	*hi = shape == RT_SHAPE_AIC ? *lo + 1 :
	      (b + 1) * PTO_CORES_PER_BLOCK;
}

/* The pending stage (see pending_slot_ok): cores of shape, running acked. */
static int dispatch_pending(struct rt_run *run, struct rt_thread *th,
			    unsigned int shape)
{
	struct rt_task *t;
	unsigned int i, ci, hi;
	int n = 0;

	for (i = 0; i < th->nblk; i++)
		for (shape_cores(th->blk[i], shape, &ci, &hi); ci < hi; ci++) {
			const struct rt_core *c = &run->cores[ci];

			if (!c->has_running || !c->running.acked ||
			    c->has_pending)
				continue;
			if (!dev_cores_room(run->dev->cores) ||
			    !pop(run, th, shape, &t))
				return n;
			dispatch_sub(run, th, ci, t, shape_subslot(shape));
			n++;
		}
	return n;
}

/* Idle cores of shape (AIC or AIV) first, lowest core first. */
static int dispatch_shape(struct rt_run *run, struct rt_thread *th,
			  unsigned int shape)
{
	struct rt_task *t;
	unsigned int w, ci;
	uint64_t bits;
	int n = 0;

	for (w = 0; w < RT_CORE_WORDS; w++)
		for (bits = th->idle[shape][w]; bits; bits &= bits - 1) {
			ci = w * 64 + (unsigned int)__builtin_ctzll(bits);
			if (!dev_cores_room(run->dev->cores) ||
			    !pop(run, th, shape, &t))
				return n;
			dispatch_sub(run, th, ci, t, shape_subslot(shape));
			n++;
		}
	return n;
}

/*
 * The pending slot (a task queued behind the running one) is used only
 * for a shape the run has a single core of (AIC on a one-block run),
 * where the task waits for that core either way. Elsewhere a task queued
 * behind a kernel that runs long (or waits for other tasks) would wait
 * for it however long it runs, while in the ready queue any other core
 * of its shape can take it.
 */
static bool pending_slot_ok(const struct rt_run *run, unsigned int shape)
{
	return shape == RT_SHAPE_AIC && run->nblocks == 1;
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
	n += dispatch_shape(run, th, first);
	n += dispatch_shape(run, th, first ^ 1);
	if (pending_slot_ok(run, first))
		n += dispatch_pending(run, th, first);
	if (pending_slot_ok(run, first ^ 1))
		n += dispatch_pending(run, th, first ^ 1);
	return n;
}

/*
 * Core ci (< PTO_CORES_PER_BLOCK) of a shape that uses the pending slot
 * (pending_slot_ok), busy and th's: its pending slot waits for an ACK,
 * which sets no FIN-pending bit, so th reads its COND every loop.
 */
static bool ack_watched(const struct rt_run *run, const struct rt_thread *th,
			unsigned int ci)
{
	return pending_slot_ok(run, core_shape(ci)) &&
	       (th->own[0] & (1ull << ci)) && run->cores[ci].has_running;
}

/* Retires what the FIN-pending bits of th's cores announce. */
static int poll_completions(struct rt_run *run, struct rt_thread *th,
			    struct done_list *dl)
{
	unsigned int w, ci;
	uint64_t bits;
	int n = 0;

	dl->n = 0;
	for (w = 0; w < RT_CORE_WORDS; w++) {
		bits = atomic_load_explicit(&run->fin_pend[w].bits,
					    memory_order_relaxed) & th->own[w];
		if (!bits)
			continue;
		/* acquire: pairs with rt_core_notify, after the COND store */
		bits &= atomic_fetch_and(&run->fin_pend[w].bits, ~bits);
		for (; bits; bits &= bits - 1) {
			ci = w * 64 + (unsigned int)__builtin_ctzll(bits);
			if (run->cores[ci].has_running)
				n += core_poll(run, th, ci, dl);
		}
	}
	for (ci = 0; ci < PTO_CORES_PER_BLOCK; ci++)
		if (ack_watched(run, th, ci))
			n += core_poll(run, th, ci, dl);
	return n;
}

static void release_done(struct rt_run *run, struct rt_thread *th,
			 const struct done_list *dl)
{
	unsigned int i;

	for (i = 0; i < dl->n; i++)
		rt_task_complete(run, dl->t[i], &th->ready);
}

/* Does th own a core with a task on it? */
static bool owns_busy_core(const struct rt_thread *th)
{
	unsigned int w;

	for (w = 0; w < RT_CORE_WORDS; w++)
		if (th->own[w] & ~(th->idle[0][w] | th->idle[1][w]))
			return true;
	return false;
}

/*
 * Does th own an idle cluster (its three cores idle)? From th->idle: bit
 * g of x is set when cores g, g + 1 and g + 2 are idle (the next word
 * carries the bits past 63), and a cluster starts at every core index
 * divisible by three: in word w, at the bits p with (64w + p) % 3 == 0,
 * i.e. p % 3 == (3 - w % 3) % 3 as 64 % 3 == 1. th->idle holds only
 * th's cores, so such a triple is one of its clusters.
 */
static bool idle_cluster(const struct rt_thread *th)
{
	const uint64_t starts0 = 0x9249249249249249ull; /* p % 3 == 0 */
	uint64_t a, next, x;
	unsigned int w;

	for (w = 0; w < RT_CORE_WORDS; w++) {
		a = th->idle[RT_SHAPE_AIC][w] | th->idle[RT_SHAPE_AIV][w];
		next = w + 1 < RT_CORE_WORDS ?
		       th->idle[RT_SHAPE_AIC][w + 1] |
		       th->idle[RT_SHAPE_AIV][w + 1] : 0;
		x = a & (a >> 1 | next << 63) & (a >> 2 | next << 62);
		if (x & (starts0 << (3 - w % 3) % 3))
			return true;
	}
	return false;
}

/* Shapes (bit per enum rt_shape) this thread has an idle core for. */
static uint32_t can_take(const struct rt_thread *th)
{
	uint32_t m = 0;
	unsigned int w;

	for (w = 0; w < RT_CORE_WORDS; w++) {
		if (th->idle[RT_SHAPE_AIC][w])
			m |= 1u << RT_SHAPE_AIC;
		if (th->idle[RT_SHAPE_AIV][w])
			m |= 1u << RT_SHAPE_AIV;
	}
	if (idle_cluster(th))
		m |= 1u << RT_SHAPE_MIX;
	return m;
}

/*
 * After a push to the ready queue of shape: wakes one sleeping scheduler
 * that published an idle core of that shape, unless such a scheduler is
 * awake (it sees the task, or passes it on before it sleeps). Pairs with
 * the sleeper's publication of can_take before its sleeping flag (the
 * doorbell's Dekker, rt_futex.h).
 */
void rt_sched_wake_for(struct rt_run *run, unsigned int shape)
{
	struct rt_doorbell *d;
	unsigned int i;

	/* seq_cst: the push is visible before we read can_take */
	atomic_thread_fence(memory_order_seq_cst);
	for (i = 0; i < run->nthreads; i++) {
		d = &run->db[i];
		if (!(atomic_load_explicit(&d->can_take, memory_order_relaxed) &
		      (1u << shape)))
			continue;
		rt_doorbell_ring(d);
		return;
	}
}

/*
 * After a pass that made tasks ready (th->ready): wakes a scheduler for
 * each shape whose ready queue this pass's dispatch left non-empty, so
 * a task this thread dispatched itself costs no wake.
 */
static void wake_for_left(struct rt_run *run, struct rt_thread *th)
{
	unsigned int s;

	for (s = 0; s < RT_SHAPES; s++)
		if ((th->ready & (1u << s)) &&
		    rt_mpmc_nonempty(&run->ready[s]))
			rt_sched_wake_for(run, s);
	th->ready = 0;
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

	/* seq_cst: after the COND store, before the doorbell's fence */
	atomic_fetch_or(&run->fin_pend[core / 64].bits, 1ull << (core % 64));
	rt_doorbell_ring(&run->db[owner]);
}

struct sleep_ctx {
	struct rt_run *run;
	struct rt_thread *th;
};

/*
 * Mirrors dispatch(): is there anything this thread could do now? Runs
 * after the doorbell's sleeping flag is set; ready work this thread
 * cannot take is passed on to a scheduler that can.
 */
static int has_work(void *arg)
{
	struct sleep_ctx *sc = arg;
	struct rt_run *run = sc->run;
	struct rt_thread *th = sc->th;
	uint32_t m = atomic_load_explicit(&run->db[th->idx].can_take,
					  memory_order_relaxed);
	unsigned int w, ci, s;

	if (atomic_load(&run->finished) || rt_cluster_pending(run, th))
		return 1;
	if (th->idx == 0 && run->cfg.wiring == PTO_WIRING_DEFERRED &&
	    rt_wiring_has_work(run))
		return 1;
	for (w = 0; w < RT_CORE_WORDS; w++)
		if (atomic_load(&run->fin_pend[w].bits) & th->own[w])
			return 1;
	for (ci = 0; ci < PTO_CORES_PER_BLOCK; ci++)
		if (ack_watched(run, th, ci) &&
		    atomic_load(rt_reg(&run->cores[ci].hs->cond)) !=
		    run->cores[ci].last_cond)
			return 1;
	/* No room: the FIN of a dispatch in flight wakes its owner. */
	if (!dev_cores_room(run->dev->cores))
		return 0;
	for (s = 0; s < RT_SHAPES; s++) {
		if (!rt_mpmc_nonempty(&run->ready[s]))
			continue;
		if (m & (1u << s))
			return 1;
		rt_sched_wake_for(run, s);
	}
	return 0;
}

/*
 * Idle: spins for SCHED_SPIN_NS while the device lets it (device.h),
 * then publishes what it can take and sleeps on the doorbell. With
 * phases on, a spin of at least PTO_PROF_IDLE_MIN_NS is one IDLE record
 * (from the start of the first idle iteration until work came or the
 * spin ended) and a sleep one SLEEP.
 */
struct idle_wait {
	uint64_t t0;		/* device counter when idleness began, 0: busy */
	uint64_t spin_ticks;
	uint64_t idle_min_ticks; /* shorter spins: no IDLE record */
	struct dev_spin spin;
	bool phases;		/* record IDLE and SLEEP */
	struct rt_phase_mark from; /* idleness began (phases) */
};

/* Idleness ends at *to (phases: the IDLE record's end). */
static void idle_end(struct rt_run *run, struct rt_thread *th,
		     struct idle_wait *iw, const struct rt_phase_mark *to)
{
	if (iw->spin.slot) {
		dev_spin_end(run->dev, &iw->spin);
		if (iw->phases && to->t - iw->from.t >= iw->idle_min_ticks)
			rt_phase_span(run, th, &iw->from, to,
				      PTO_SCHED_PHASE_IDLE, 0);
	}
	iw->t0 = 0;
}

/* pm: the idle iteration's start (phases on). */
static void idle_step(struct rt_run *run, struct rt_thread *th,
		      struct idle_wait *iw, const struct rt_phase_mark *pm)
{
	struct sleep_ctx sc = { run, th };
	struct rt_doorbell *d = &run->db[th->idx];
	uint64_t now = pto_clock_now();
	struct rt_phase_mark m0;
	uint32_t m;

	if (!iw->t0) {
		iw->t0 = now;
		dev_spin_begin(run->dev, &iw->spin);
		if (iw->phases)
			iw->from = *pm;
	}
	if (iw->spin.slot && now - iw->t0 < iw->spin_ticks &&
	    dev_spin_on(run->dev, &iw->spin)) {
		rt_cpu_relax();
		return;
	}
	if (iw->phases)
		rt_phase_now(run, &m0);
	idle_end(run, th, iw, &m0);
	m = can_take(th);
	/* seq_cst: before the sleeping flag (see rt_sched_wake_for) */
	if (atomic_load_explicit(&d->can_take, memory_order_relaxed) != m)
		atomic_store(&d->can_take, m);
	dev_spin_stop(run->dev, &iw->spin);
	rt_doorbell_sleep(d, has_work, &sc, RT_SLEEP_NS);
	dev_awake(run->dev);
	if (iw->phases)
		rt_phase_end(run, th, &m0, PTO_SCHED_PHASE_SLEEP, 0);
	rt_stall_check(run);	/* we wake at least every RT_SLEEP_NS */
	if (RT_PROF(run) && run->tdump)
		rt_tdump_flush_poll(run, th);
}

void rt_sched_loop(struct rt_run *run, unsigned int thr)
{
	struct rt_thread *th = &run->thr[thr];
	bool phases = RT_PROF(run) && phases_on(run);
	struct idle_wait iw = {
		.spin_ticks = pto_clock_ns_to_ticks(SCHED_SPIN_NS,
						    run->dev->freq_hz),
		.idle_min_ticks = pto_clock_ns_to_ticks(PTO_PROF_IDLE_MIN_NS,
							run->dev->freq_hz),
		.phases = phases,
	};
	struct rt_phase_mark pm = { 0 }, it; /* phase, iteration start */
	struct done_list dl;
	int ncomp, nwire, ndisp, work;

	for (;;) {
		th->loop++;
		if (phases)
			rt_phase_now(run, &pm);
		it = pm;
		work = rt_cluster_claim(run, th);
		if (phases && work)
			rt_phase_end(run, th, &pm, PTO_SCHED_PHASE_CLAIM, 0);
		ncomp = poll_completions(run, th, &dl);
		if (phases && ncomp)
			rt_phase_end(run, th, &pm, PTO_SCHED_PHASE_COMPLETE,
				     (uint32_t)ncomp);
		release_done(run, th, &dl);
		if (phases && ncomp)
			rt_phase_end(run, th, &pm, PTO_SCHED_PHASE_RELEASE,
				     (uint32_t)ncomp);
		work += ncomp;
		/*
		 * Wiring batches only while this loop has other work: a
		 * sparse submit is wired (and dispatched) at once.
		 */
		if (thr == 0 && run->cfg.wiring == PTO_WIRING_DEFERRED) {
			nwire = rt_wiring_drain(run, th, !work ||
						atomic_load(&run->orch_done));
			if (phases && nwire)
				rt_phase_end(run, th, &pm,
					     PTO_SCHED_PHASE_WIRING,
					     (uint32_t)nwire);
			work += nwire;
		}
		ndisp = dispatch(run, th);
		if (phases && ndisp)
			rt_phase_end(run, th, &pm, PTO_SCHED_PHASE_DISPATCH,
				     (uint32_t)ndisp);
		if (th->ready)
			wake_for_left(run, th);
		if (ndisp)
			serve_posted(run, th);
		work += ndisp;
		if (thr == 0)
			dev_cores_watch(run->dev->cores);
		if (atomic_load(&run->finished) && !owns_busy_core(th))
			break;
		if (work)
			idle_end(run, th, &iw, &it);
		else
			idle_step(run, th, &iw, &it);
	}
	idle_end(run, th, &iw, &it);
	if (phases && (th->pop_hit != th->pop_hit_emitted ||
		       th->pop_miss != th->pop_miss_emitted)) {
		rt_phase_now(run, &pm);
		rt_phase_span(run, th, &pm, &pm, PTO_SCHED_PHASE_DISPATCH, 0);
	}
}
