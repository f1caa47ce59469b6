/* SPDX-License-Identifier: MIT */
/*
 * The tensor dump of a run (PTO_DFX_TENSOR_DUMP, rt_tdump.c): which
 * params of a task are copied, chosen at submit; the copies, made by the
 * scheduler thread that dispatches the task (inputs) or retires it
 * (outputs) into its dump pool (prof_dev_tensor); and the flush a stall
 * asks for. With the bit off run->tdump is NULL, no task carries a dump
 * (rt_task.dump NULL) and the scheduler's only cost is that test.
 */
#ifndef PTO_RT_TDUMP_H
#define PTO_RT_TDUMP_H

#include <stdatomic.h>
#include <stdint.h>

#include "pto.h"
#include "rt_ring.h"

struct rt_run;
struct rt_task;
struct rt_thread;

/* What is dumped of one task, kept beside its ring slot. */
struct rt_tdump_task {
	uint16_t before;	/* params copied before the dispatch */
	uint16_t after;		/* params copied after the last FIN */
	uint8_t role[PTO_MAX_ARGS];	/* PTO_TDUMP_ROLE_* */
	uint8_t dtype[PTO_MAX_ARGS];	/* enum pto_dtype */
	uint64_t offset[PTO_MAX_ARGS];	/* in the tensor */
	uint64_t bytes[PTO_MAX_ARGS];
};

struct rt_tdump {
	struct rt_tdump_task *slots[RT_RINGS];	/* per ring slot */
	uint64_t cap;			/* bytes copied per region at most */
	_Atomic uint32_t flush_gen;	/* bumped when a stall is reported */
};

/* Validates the run_config tensor_dump_* fields against run->flags. */
int rt_tdump_config(struct rt_run *run);
/* Allocates run->tdump when the run dumps; 0 or -ENOMEM. */
int rt_tdump_init(struct rt_run *run);
void rt_tdump_fini(struct rt_run *run);

/* Orchestrator, at submit (params checked): sets t->dump. */
void rt_tdump_submit(struct rt_run *run, struct rt_task *t,
		     const struct pto_param *params, unsigned int n);

/* Thread th copies t's regions of stage (PTO_TDUMP_STAGE_*). */
void rt_tdump_copy(struct rt_run *run, struct rt_thread *th,
		   const struct rt_task *t, unsigned int stage);

/* The stall monitor: every scheduler hands its partial dump over. */
void rt_tdump_stall(struct rt_run *run);
/* A scheduler between loops: hands its dump over when a stall asked. */
void rt_tdump_flush_poll(struct rt_run *run, struct rt_thread *th);

#endif /* PTO_RT_TDUMP_H */
