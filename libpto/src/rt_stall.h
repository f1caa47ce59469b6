/* SPDX-License-Identifier: MIT */
/* The stall diagnostic (rt_stall.c), run by the scheduler threads. */
#ifndef PTO_RT_STALL_H
#define PTO_RT_STALL_H

#include <stdatomic.h>
#include <stdint.h>

struct rt_run;

/* Stall monitor state, used by one scheduler at a time (busy). */
struct rt_stall {
	atomic_flag busy;	/* a monitor's turn: one scheduler at a time */
	uint64_t budget_ns;	/* report interval */
	uint64_t check_ns;	/* last check */
	uint64_t completed;	/* run->completed at the last progress */
	uint64_t since_ns;	/* time of the last progress */
	uint64_t reported;	/* reports since the last progress */
};

void rt_stall_init(struct rt_run *run);
void rt_stall_check(struct rt_run *run);

#endif /* PTO_RT_STALL_H */
