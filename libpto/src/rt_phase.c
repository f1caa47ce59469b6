// SPDX-License-Identifier: MIT
/*
 * Scheduler phase records (rt_phase.h). The depths are hints: each
 * queue's counters are read relaxed, one queue after another, so a
 * snapshot is what each queue held at some moment of the read.
 */
#include <string.h>

#include "prof_dev.h"
#include "pto_clock.h"
#include "rt_phase.h"
#include "rt_run.h"

_Static_assert(PTO_SHAPES == RT_SHAPES && PTO_SHAPE_AIC == RT_SHAPE_AIC &&
	       PTO_SHAPE_AIV == RT_SHAPE_AIV && PTO_SHAPE_MIX == RT_SHAPE_MIX,
	       "record depths are indexed by ready-queue shape");

void rt_phase_now(struct rt_run *run, struct rt_phase_mark *m)
{
	unsigned int s;

	m->t = pto_clock_now();
	for (s = 0; s < RT_SHAPES; s++)
		m->depth[s] = (uint32_t)rt_mpmc_size(&run->ready[s]);
}

void rt_phase_span(struct rt_run *run, struct rt_thread *th,
		   const struct rt_phase_mark *from,
		   const struct rt_phase_mark *to, uint32_t kind, uint32_t n)
{
	struct pto_sched_phase_record r = {
		.start_time = from->t, .end_time = to->t,
		.loop_iter = th->loop, .kind = kind, .tasks_processed = n,
	};

	memcpy(r.depth_start, from->depth, sizeof(r.depth_start));
	memcpy(r.depth_end, to->depth, sizeof(r.depth_end));
	if (kind == PTO_SCHED_PHASE_DISPATCH) {
		r.pop_hit = th->pop_hit - th->pop_hit_emitted;
		r.pop_miss = th->pop_miss - th->pop_miss_emitted;
		th->pop_hit_emitted = th->pop_hit;
		th->pop_miss_emitted = th->pop_miss;
	}
	prof_dev_sched_phase(run->prof, th->idx, &r);
}

void rt_phase_end(struct rt_run *run, struct rt_thread *th,
		  struct rt_phase_mark *m, uint32_t kind, uint32_t n)
{
	struct rt_phase_mark now;

	rt_phase_now(run, &now);
	rt_phase_span(run, th, m, &now, kind, n);
	*m = now;
}
