/* SPDX-License-Identifier: MIT */
/*
 * The state of one pd_trace_emit() (pd_trace.c), shared with the parts
 * it calls: the counter tracks (pd_trace_counters.c) and the loss
 * markers (pd_trace_loss.c). Internal to the trace writer.
 */
#ifndef PD_TRACE_GEN_H
#define PD_TRACE_GEN_H

#include <stddef.h>
#include <stdint.h>

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
	int32_t *edge_pred, *edge_succ;	/* per edge: group index or -1 */
	/* Per group: where its edges start in d->e (by pred), in by_succ. */
	uint32_t *out_lo, *in_lo;
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

/* struct pd_kv, pd_kv_sort, pd_key_double: pd_model.h (pd_sort.c). */
/*
 * The n rows of m (rows[0..n), or 0..n-1 when rows is NULL) into out
 * ordered by (core, start) -- by (core, dispatch) with by_dispatch --
 * ties in their given order. 0 or -ENOMEM.
 */
int pd_rows_by_core_time(const struct pd_model *m, const uint32_t *rows,
			 size_t n, int by_dispatch, uint32_t *out);

/*
 * The edges of group gi leaving it (out: d->e[*lo, *hi)) or entering it
 * (d->e[d->by_succ[*lo .. *hi)]); none without deps.
 */
void pd_gen_edges(const struct pd_gen *q, size_t gi, int out, size_t *lo,
		  size_t *hi);

/* The counter tracks derived per task: tasks in flight, ready queue. */
int pd_trace_counters(struct pd_gen *q);
/* The recorded shared ready-queue depths (needs no edges). */
int pd_trace_depths(struct pd_gen *q);
/* The loss totals marker and each buffer's loss marker and wait slice. */
int pd_trace_losses(struct pd_gen *q);

#endif /* PD_TRACE_GEN_H */
