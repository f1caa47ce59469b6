/* SPDX-License-Identifier: MIT */
/*
 * Scheduler phase records (rt_phase.c): the loop of rt_sched.c marks the
 * boundaries of its phases (the time and the ready-queue depth of each
 * shape) and records a phase from one boundary to the next. Called only
 * with scheduler phases on (PTO_DFX_SCHED_PHASES), by the thread th.
 */
#ifndef PTO_RT_PHASE_H
#define PTO_RT_PHASE_H

#include <stdint.h>

#include "pto_prof.h"

struct rt_run;
struct rt_thread;

/* A phase boundary: when, and the ready-queue depths then. */
struct rt_phase_mark {
	uint64_t t;
	uint32_t depth[PTO_SHAPES];
};

/* The boundary now. */
void rt_phase_now(struct rt_run *run, struct rt_phase_mark *m);

/*
 * Records phase kind (PTO_SCHED_PHASE_*) from *from to *to; n: tasks
 * processed. A DISPATCH record carries the pops since the last one.
 */
void rt_phase_span(struct rt_run *run, struct rt_thread *th,
		   const struct rt_phase_mark *from,
		   const struct rt_phase_mark *to, uint32_t kind, uint32_t n);

/* Records phase kind from *m to now, which becomes *m (the next start). */
void rt_phase_end(struct rt_run *run, struct rt_thread *th,
		  struct rt_phase_mark *m, uint32_t kind, uint32_t n);

#endif /* PTO_RT_PHASE_H */
