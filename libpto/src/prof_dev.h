/* SPDX-License-Identifier: MIT */
/*
 * Device-side profiling writers: the calls the AICPU threads (schedulers
 * and orchestrator) make into the profiling region. The AICore writer is
 * firmware/fw_prof.h. Every call is a no-op when p is NULL (profiling
 * off), so a disabled path costs one predictable branch at the caller:
 *
 *	if (rt->prof) prof_dev_task_done(rt->prof, ...);
 *
 * Threading: calls naming thread thr are made only by AICPU thread thr;
 * calls naming a core only by the thread that currently owns the core.
 *
 * Call order the writers rely on:
 *   1. prof_dev_open (after pto_prof_region_init; before or after
 *      prof_host_start), prof_dev_set_threads.
 *   2. prof_dev_core_assign(core, thr) before the first dispatch to a
 *      core (it publishes the core's first AICore buffer); again when
 *      the core changes owner, with the old owner's calls for the core
 *      ordered before the new owner's (e.g. by the reassignment lock).
 *   3. Per task on a core: prof_dev_task_dispatched before writing DATA,
 *      and exactly one prof_dev_task_done per dispatched token, in FIN
 *      order, made as soon as the FIN is seen and before the slot it
 *      frees is reused (so at most 2 tasks are in flight per core).
 *   4. prof_dev_thread_flush(thr) once thr's cores are idle; then
 *      prof_host_stop after every thread flushed; prof_dev_close last.
 * Orchestrator records are written by the orchestrator thread
 * (orch_thread of prof_dev_open) into orchestrator pool 0.
 */
#ifndef PTO_PROF_DEV_H
#define PTO_PROF_DEV_H

#include <stddef.h>
#include <stdint.h>

#include "pto_prof.h"

struct pto_prof_dev;

/*
 * Binds to an initialised region (pto_prof_region_init) at base for a
 * run with num_cores cores and num_threads AICPU threads; the
 * orchestrator is thread orch_thread. Writes counter_freq_hz into the
 * header. -EINVAL if the header does not describe such a region; -E2BIG
 * (said in an error, naming the buffers_per_pool fields) if one thread
 * owning every core could hold more buffers than a ready queue has
 * entries (so a hand-over never finds its queue full).
 */
int prof_dev_open(void *base, size_t size, unsigned int num_cores,
		  unsigned int num_threads, unsigned int orch_thread,
		  uint64_t counter_freq_hz, struct pto_prof_dev **out);
void prof_dev_close(struct pto_prof_dev *p);

/*
 * The buffer policy of kind (PTO_BUF_POLICY_*, pto_prof.h) and, when not
 * 0, the block policy's timeout (default 1000 ms; one for every kind).
 * Written into the region's layout, where the AICore reads it: call
 * after prof_dev_open, before any record is written. A disabled kind is
 * left alone. -EINVAL for an unknown kind or policy.
 */
int prof_dev_set_policy(struct pto_prof_dev *p, uint32_t kind,
			uint32_t policy, unsigned int block_timeout_ms);

/*
 * One record of an AICPU-written kind (rec: the kind's record, its
 * record_size bytes) by thread thr. index names the core for per-core
 * kinds and is ignored for per-thread kinds (pool thr) and the
 * orchestrator kind (pool 0). The pool's policy applies when it has no
 * buffer; a thread or core outside the run is counted (stray or
 * mismatch). The typed calls below are this with their record built.
 */
void prof_dev_record(struct pto_prof_dev *p, unsigned int thr,
		     uint32_t kind, unsigned int index, const void *rec);

/*
 * ring(ctx) is called when a writer takes the last free buffers of a
 * pool (on hardware: an interrupt to the host), and the writer then
 * yields its CPU once: where the device's threads share the CPUs with
 * the host collector (the simulated device), a device busy on every CPU
 * would otherwise leave the collector no time to return buffers before
 * the pool runs dry. Set before any record is written; NULL: none.
 */
void prof_dev_set_doorbell(struct pto_prof_dev *p, void (*ring)(void *ctx),
			   void *ctx);

/* Scheduler/orchestrator thread counts of the run (header fields). */
void prof_dev_set_threads(struct pto_prof_dev *p, unsigned int nsched,
			  unsigned int norch);

/*
 * Thread thr takes ownership of core (at start, and again when cores are
 * reassigned): primes the core's AICPU and AICore pools on first use and
 * records core_to_thread[core] = thr.
 */
void prof_dev_core_assign(struct pto_prof_dev *p, unsigned int core,
			  unsigned int thr);

/* Before writing DATA = token on core (AICore rotation bookkeeping). */
void prof_dev_task_dispatched(struct pto_prof_dev *p, unsigned int core,
			      uint32_t token);

/*
 * On FIN of token on core: writes the AICPU task record and, when due,
 * rotates the core's AICPU and AICore buffers. dispatch_ts/finish_ts are
 * 0 below PTO_DFX_TASK_LIFECYCLE.
 */
void prof_dev_task_done(struct pto_prof_dev *p, unsigned int thr,
			unsigned int core, uint32_t token, uint64_t task_id,
			uint32_t func_id, uint32_t core_type,
			uint64_t dispatch_ts, uint64_t finish_ts);

/* One scheduler-loop phase record (PTO_DFX_SCHED_PHASES), copied. */
void prof_dev_sched_phase(struct pto_prof_dev *p, unsigned int thr,
			  const struct pto_sched_phase_record *rec);

/* One orchestrator record (PTO_DFX_ORCH_PHASES), copied; submit_idx
 * is kept by the caller.
 */
void prof_dev_orch_phase(struct pto_prof_dev *p, unsigned int thr,
			 const struct pto_orch_phase_record *rec);

/* One dependency edge (PTO_DFX_TASK_LIFECYCLE). */
void prof_dev_dep_edge(struct pto_prof_dev *p, unsigned int thr,
		       uint64_t pred, uint64_t succ, uint32_t source,
		       uint32_t overlap, uint32_t arg);

/*
 * One tensor region (PTO_DFX_TENSOR_DUMP) into thread thr's dump pool:
 * a head record (head as given; entry and chunk are set here) and
 * head->dumped bytes from src in data records. Each record is counted
 * like any other (dropped when no buffer is free; when the head is
 * dropped, so are all of its data records, uncopied).
 */
struct pto_tdump_head;
void prof_dev_tensor(struct pto_prof_dev *p, unsigned int thr,
		     const struct pto_tdump_head *head, const void *src);

/* Hands thread thr's partial dump buffer to the host (a stalled run). */
void prof_dev_tensor_flush(struct pto_prof_dev *p, unsigned int thr);

/*
 * Thread thr exits: hands every partial buffer it owns (its cores' AICPU
 * and AICore buffers, its phase, edge, PMU and dump buffers) to the host. Called
 * after the thread's cores have all reported FIN for their last task.
 */
void prof_dev_thread_flush(struct pto_prof_dev *p, unsigned int thr);

#endif /* PTO_PROF_DEV_H */
