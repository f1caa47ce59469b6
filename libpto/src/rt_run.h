/* SPDX-License-Identifier: MIT */
/*
 * One run of the runtime (rt_run.c): its configuration and every part of
 * it, shared by the orchestrator (rt_orch.h), the wiring step
 * (rt_wiring.h), the task lifecycle (rt_task.h, which describes a task's
 * life), the scheduler threads, their cores and clusters (rt_sched.h),
 * the stall monitor (rt_stall.h) and the rings (rt_ring.h).
 */
#ifndef PTO_RT_RUN_H
#define PTO_RT_RUN_H

#include <stdatomic.h>
#include <stdint.h>

#include "device.h"
#include "pto.h"
#include "pto_prof.h"
#include "rt_futex.h"
#include "rt_orch.h"
#include "rt_queue.h"
#include "rt_ring.h"
#include "rt_sched.h"
#include "rt_stall.h"
#include "rt_task.h"

struct pto_prof_dev;
struct rt_tdump;

/*
 * The run's profiling writer, NULL when it records nothing. A build with
 * -DPTO_PROF_COMPILED_OUT has no profiling at all: every writer call
 * folds away (make bench compares it with level 0).
 */
#ifdef PTO_PROF_COMPILED_OUT
#define RT_PROF(run) ((struct pto_prof_dev *)0)
#else
#define RT_PROF(run) ((run)->prof)
#endif

struct rt_run {
	pto_device *dev;
	struct pto_run_config cfg;
	pto_orch_fn orch_fn;
	void *orch_user;
	int orch_rc;
	unsigned int nsched, nthreads, orch_thr;
	unsigned int nblocks, ncores;
	struct rt_ring rings[RT_RINGS];
	struct rt_mpmc ready[RT_SHAPES];
	struct rt_spsc wiring;
	struct rt_doorbell db[PTO_MAX_AICPU_THREADS];
	struct rt_thread thr[PTO_MAX_AICPU_THREADS];
	struct rt_core *cores;
	struct rt_cluster clusters[PTO_MAX_BLOCKS];
	struct pto_prof_dev *prof; /* read through RT_PROF() */
	struct rt_tdump *tdump;	/* tensor dump (rt_tdump.h), NULL: off */
	uint64_t flags;		/* normalized dfx flags, 0: off */
	struct prof_pmu_set pmu; /* counters of PTO_DFX_PMU */
	struct pto_orch orch;
	/* Read by every thread each loop, written a few times per run. */
	_Alignas(64) _Atomic int orch_done;
	_Atomic int finished;	/* every task of a finished orchestration
				 * completed, or the run aborted
				 */
	_Atomic int reassign;	/* orch_to_sched: clusters move */
	_Atomic uint32_t handoff_gen; /* bumped after each owner change */
	_Atomic int error;	/* first fatal error */
	_Atomic uint32_t dep_starved; /* wiring waits for dep entries */
	_Atomic uint32_t dep_wake; /* bumped on progress while starved */
	uint32_t dep_wake_seen;	/* wiring owner: dep_wake at last try */
	_Atomic uint32_t orch_waiting; /* orchestrator waits on a ring */
	/* Cores whose COND became FIN (or EXITED) since their owner last
	 * looked: set by the executors, taken by the owning scheduler.
	 */
	struct rt_fin_word fin_pend[RT_CORE_WORDS];
	/* Counters written per task, each on a line of its own. */
	_Alignas(64) _Atomic uint64_t submitted; /* dispatchable tasks
						  * published (orchestrator)
						  */
	_Alignas(64) _Atomic uint64_t completed; /* by completing schedulers */
	_Alignas(64) struct rt_stall stall;
};

static inline struct rt_ring *rt_ring_of(struct rt_run *run,
					 const struct rt_task *t)
{
	return &run->rings[t->id >> 32];
}

void rt_fail(struct rt_run *run, int err);
void rt_check_finished(struct rt_run *run);

#endif /* PTO_RT_RUN_H */
