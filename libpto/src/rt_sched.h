/* SPDX-License-Identifier: MIT */
/*
 * The scheduler side of the runtime: the AICPU threads' loop
 * (rt_sched.c), the cores they drive and the clusters they own
 * (rt_cluster.c).
 */
#ifndef PTO_RT_SCHED_H
#define PTO_RT_SCHED_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "prof_pmu.h"
#include "pto_hs.h"
#include "pto_prof.h"

struct rt_run;
struct rt_task;

/* A handshake register (uapi/pto_hs.h), accessed atomically. */
static inline _Atomic uint32_t *rt_reg(__u32 *r)
{
	return (_Atomic uint32_t *)r;
}

#define RT_SLEEP_NS		50000000ull	/* doorbell wait bound */

/* Bitmaps of cores: bit ci % 64 of word ci / 64. */
#define RT_CORE_WORDS		((PTO_MAX_CORES + 63) / 64)

/* A word of run->fin_pend, on a cache line of its own. */
struct rt_fin_word {
	_Alignas(64) _Atomic uint64_t bits;
};

/* A task on a core: running, or pending behind the running one. */
struct rt_slot_run {
	struct rt_task *task;
	uint32_t token;
	uint8_t sub;
	bool acked;
	uint64_t dispatch_ts;
};

/*
 * Scheduler-side state of one core, touched only by the thread owning its
 * cluster (handed over only while the cluster is idle).
 */
struct rt_core {
	struct pto_hs_core *hs;
	uint32_t type;		/* PTO_CORE_TYPE_* */
	uint32_t seq;		/* dispatch counter */
	bool has_running, has_pending;
	struct rt_slot_run running, pending;
	uint32_t last_cond;	/* COND value last acted on */
	/*
	 * What the stall monitor reads (rt_stall.c), published by the owner
	 * after each change: the running and pending task (store-release,
	 * NULL: none), their subslots, and the running token (0: idle).
	 */
	_Atomic(struct rt_task *) mon_task[2];
	_Atomic uint8_t mon_sub[2];
	_Atomic uint32_t mon_tok;
	/* Stall monitor (scheduler 0) only. */
	uint32_t stall_tok;	/* running token last sampled, 0: idle */
	uint64_t stall_seen_ns;	/* when stall_tok was first sampled */
	/* PMU counts per payload slot (token & 1): written by the kernel's
	 * thread before FIN, read by the owner after it (uapi/pto_hs.h).
	 */
	struct prof_pmu_sample pmu[2];
};

struct rt_cluster {
	_Atomic int owner;	/* scheduler thread index */
	int next_owner;		/* after orchestration, orch_to_sched */
};

/* Private state of one AICPU thread: loop and pop counters (profiling),
 * wiring state (thread 0), the clusters it owns.
 */
struct rt_thread {
	_Alignas(64) unsigned int idx;	/* a line of its own: written per loop */
	uint32_t loop;
	uint32_t pop_hit, pop_miss;
	uint32_t pop_hit_emitted, pop_miss_emitted;
	uint32_t backoff;	/* wiring drain skips */
	uint32_t ready;		/* shapes made ready this pass (rt_sched.c) */
	bool owned[PTO_MAX_BLOCKS];
	uint8_t blk[PTO_MAX_BLOCKS];	/* the owned blocks, ascending */
	unsigned int nblk;
	uint64_t own[RT_CORE_WORDS];	/* cores of the owned blocks */
	uint64_t idle[2][RT_CORE_WORDS];	/* of those, the ones with no
						 * task, by shape (AIC, AIV)
						 */
	uint32_t handoff_seen;	/* run->handoff_gen last scanned */
	/* Cores this dispatch pass posted: to serve inline (how many),
	 * and whether any was left to the executors; the mean time of
	 * this thread's inline kernels (rt_sched.c, serve_posted).
	 */
	uint64_t serve[RT_CORE_WORDS];
	unsigned int nserve;
	bool wake_exec;
	uint64_t inline_avg;	/* device counter ticks */
	/* Tensor dump (rt_tdump.c): region copies made, cut at the cap;
	 * the flush generation last handled.
	 */
	uint64_t tdump_regions, tdump_truncated;
	uint32_t tdump_flush_seen;
};

/*
 * The next dispatch token of a core from its dispatch counter: 1, 2, ...
 * skipping the reserved range and 0 (not a valid token; ACK(0) is a
 * zeroed COND) by even steps, so token & 1 (the payload slot) keeps
 * alternating.
 */
static inline uint32_t rt_token_next(uint32_t *seq)
{
	uint32_t tok = ++*seq & PTO_TOKEN_MASK;

	if (tok >= PTO_TOKEN_EXIT_SIGNAL) {
		*seq += PTO_TOKEN_WRAP_SKIP;
		tok = *seq & PTO_TOKEN_MASK;
	}
	if (!tok) {
		*seq += 2;
		tok = *seq & PTO_TOKEN_MASK;
	}
	return tok;
}

/* rt_sched.c */
void rt_wake_schedulers(struct rt_run *run);
void rt_sched_wake_for(struct rt_run *run, unsigned int shape);
void rt_sched_loop(struct rt_run *run, unsigned int thr);
void rt_core_notify(void *ctx, unsigned int core);
void rt_sched_masks(const struct rt_run *run, struct rt_thread *th);
/*
 * Does a scheduler run the kernels of registered func inline (then only
 * the inline ones are timed)? rt_kernel_ran: one of them ran for ticks
 * (the device counter).
 */
bool rt_kernel_inline_ok(struct rt_run *run, uint32_t func);
void rt_kernel_ran(struct rt_run *run, uint32_t func, uint64_t ticks);

/* rt_cluster.c */
bool rt_cluster_idle(const struct rt_run *run, unsigned int b);
bool rt_cluster_claim(struct rt_run *run, struct rt_thread *th);
bool rt_cluster_pending(struct rt_run *run, const struct rt_thread *th);

#endif /* PTO_RT_SCHED_H */
