/* SPDX-License-Identifier: MIT */
/*
 * The orchestrator's state (rt_orch.c): its open scopes, the tasks they
 * hold, its TensorMap and the heap tensors it allocated.
 */
#ifndef PTO_RT_ORCH_H
#define PTO_RT_ORCH_H

#include <stdint.h>

#include "pto.h"
#include "rt_tensormap.h"

struct rt_run;
struct rt_task;

#define RT_MAX_SCOPES		64

struct pto_orch {
	struct rt_run *run;
	unsigned int depth;	/* 0: the implicit outer scope */
	struct rt_scope {
		uint64_t first;	/* index into tasks */
		uint64_t heap_top; /* of the scope's ring at begin */
	} scopes[RT_MAX_SCOPES + 1];
	struct rt_task **tasks;	/* tasks held by open scopes */
	uint64_t ntasks, cap;
	struct rt_tensormap tm;
	uint64_t dep_stamp;	/* submits so far (dep_ctx) */
	uint32_t submit_idx;
	uint64_t waits;		/* waits for space (rt_orch_wait_end) */
	struct pto_tensor **heap_tensors;
	uint64_t nheap, heap_cap;
};

int rt_orch_init(struct rt_run *run);
void rt_orch_fini(struct rt_run *run);
void rt_orch_finish(struct rt_run *run);

/*
 * Back-pressure: the orchestrator must wait for space (kind
 * PTO_ORCH_PHASE_WAIT_*). rt_orch_wait_begin when the wait begins (its
 * time, 0 unless orchestrator phases are recorded), rt_orch_wait_end
 * once the space is there: counts the wait in waits and records it from
 * t0 (arg: the record's arg). Orchestrator thread only.
 */
uint64_t rt_orch_wait_begin(struct rt_run *run);
void rt_orch_wait_end(struct rt_run *run, uint32_t kind, uint64_t t0,
		      uint64_t arg);

#endif /* PTO_RT_ORCH_H */
