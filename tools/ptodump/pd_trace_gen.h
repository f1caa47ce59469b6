/* SPDX-License-Identifier: MIT */
/*
 * The state of one pd_trace_emit() (pd_trace.c), shared with the parts
 * it calls: the counter tracks (pd_trace_counters.c) and the loss
 * markers (pd_trace_loss.c). Internal to the trace writer.
 */
#ifndef PD_TRACE_GEN_H
#define PD_TRACE_GEN_H

#include <stddef.h>

#include "pd_graph.h"
#include "pd_trace.h"

struct pd_gen {
	struct pd_model *m;
	const struct pd_deps *d;
	const struct pd_names *nm;
	const struct pd_pmu *pmu;	/* NULL: no PMU arguments */
	struct pd_sink *s;
	struct pd_trace_stats *st;
	struct pd_group *g;
	size_t ng;
	long *edge_pred, *edge_succ;	/* per edge: group index or -1 */
	struct pd_flow *flows;		/* scratch */
	size_t cap_flows;
	pd_frac_fn frac;
	void *ctx;
	size_t done, total;		/* units of work for progress */
	/* Rows at the device ends of the cross-domain flows, or -1. */
	long xfirst, xlast;
};

/* One unit of work done (progress now and then). */
static inline void pd_gen_tick(struct pd_gen *q)
{
	if (q->frac && !(++q->done & 0x3fff))
		q->frac(q->ctx, (double)q->done / (double)q->total);
}

/*
 * The Counters process's tracks: tasks in flight, ready-queue depth
 * (both derived per task) and the recorded shared ready-queue depths.
 */
int pd_trace_counters(struct pd_gen *q);
/* The loss totals marker and each buffer's loss marker and wait slice. */
int pd_trace_losses(struct pd_gen *q);

#endif /* PD_TRACE_GEN_H */
