// SPDX-License-Identifier: MIT
/*
 * What a records file becomes on the timeline (see pd_trace.h). Flows:
 * one arrow per unique deps.json edge whose two tasks are present, from
 * the producer's row that ends last to the consumer's row that starts
 * first, so arrows == usable edges even for MIX tasks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_pmu.h"
#include "pd_trace_gen.h"
#include "pto_layout.h"
#include "pto_reader.h"

static int has_aicpu(const struct pd_model *m)
{
	size_t i;

	for (i = 0; i < m->ntasks; i++)
		if (m->tasks[i].finish > 0)
			return 1;
	return 0;
}

static int emit_meta(struct pd_gen *q, int aicpu, const uint8_t *lanes_used)
{
	static const char *const tname[] = { "AIC", "AIV" };
	struct pd_sink *s = q->s;
	uint8_t seen[PTO_MAX_CORES] = { 0 }, type[PTO_MAX_CORES] = { 0 };
	char buf[64], owner[24];
	unsigned int c, t, l;
	size_t i;
	int r = 0;

	for (i = 0; i < q->m->ntasks; i++) {
		seen[q->m->tasks[i].core_id] = 1;
		type[q->m->tasks[i].core_id] = q->m->tasks[i].core_type;
	}
	r |= s->process(s, PD_PID_AICORE, "AICore View", 4);
	for (c = 0; c < PTO_MAX_CORES; c++) {
		if (!seen[c])
			continue;
		snprintf(buf, sizeof(buf), "%s_%u", tname[type[c] & 1], c);
		r |= s->thread(s, PD_PID_AICORE, PD_TID_CORE(c), buf);
		if (!aicpu)
			continue;
		/* AICPU lanes say which scheduler thread owns the core. */
		if (c < q->m->n_core_to_thread && q->m->core_to_thread[c] >= 0)
			snprintf(owner, sizeof(owner), "Sched_%d/",
				 q->m->core_to_thread[c]);
		else
			owner[0] = 0;
		for (l = 0; l < lanes_used[c]; l++) {
			snprintf(buf, sizeof(buf), "%s%s_%u", owner,
				 tname[type[c] & 1], c);
			if (l)
				snprintf(buf + strlen(buf), sizeof(buf) -
					 strlen(buf), ".%u", l);
			r |= s->thread(s, PD_PID_AICPU, PD_TID_CORE(c) + l, buf);
		}
	}
	if (aicpu)
		r |= s->process(s, PD_PID_AICPU, "AICPU View", 3);
	if (q->m->nsched) {
		r |= s->process(s, PD_PID_SCHED, "AICPU Scheduler", 2);
		for (t = 0; t < q->m->sched_threads; t++) {
			snprintf(buf, sizeof(buf), "Sched_%u", t);
			r |= s->thread(s, PD_PID_SCHED, PD_TID_SCHED(t), buf);
		}
	}
	if (q->m->norch) {
		if (q->nm && q->nm->orch_name)
			snprintf(buf, sizeof(buf), "AICPU %s", q->nm->orch_name);
		else
			snprintf(buf, sizeof(buf), "AICPU Orchestrator");
		r |= s->process(s, PD_PID_ORCH, buf, 1);
		for (t = 0; t < q->m->orch_threads; t++) {
			snprintf(buf, sizeof(buf), "Orch_%u", t);
			r |= s->thread(s, PD_PID_ORCH, PD_TID_ORCH(t), buf);
		}
	}
	if (q->m->ntasks)
		r |= s->process(s, PD_PID_COUNTERS, "Counters", 5);
	return r ? -EIO : 0;
}

/* A host <-> device flow of id onto q->flows. */
static int push_cross(struct pd_gen *q, unsigned int *n, uint64_t id)
{
	if (pd_grow((void **)&q->flows, &q->cap_flows, *n, sizeof(*q->flows)))
		return -ENOMEM;
	q->flows[(*n)++] = (struct pd_flow){ id, 0, 1 };
	return 0;
}

static int push_flow(struct pd_gen *q, unsigned int *n, size_t edge)
{
	const struct pd_group *p = &q->g[q->edge_pred[edge]];
	const struct pd_group *c = &q->g[q->edge_succ[edge]];
	const struct pd_task *src = &q->m->tasks[p->first + p->src];
	const struct pd_task *dst = &q->m->tasks[c->first + c->dst];

	if (pd_grow((void **)&q->flows, &q->cap_flows, *n, sizeof(*q->flows)))
		return -ENOMEM;
	q->flows[*n].id = edge + 1;
	q->flows[*n].violation = src->end > dst->start;
	(*n)++;
	return 0;
}

/* Flows leaving (out) or entering a group, appended to q->flows. */
static int group_flows(struct pd_gen *q, size_t gi, int out, unsigned int *n)
{
	size_t lo, hi, k;

	if (!q->d)
		return 0;
	pd_gen_edges(q, gi, out, &lo, &hi);
	for (k = lo; k < hi; k++) {
		size_t e = out ? k : q->d->by_succ[k];

		if (q->edge_pred[e] < 0 || q->edge_succ[e] < 0)
			continue;
		if (push_flow(q, n, e))
			return -ENOMEM;
		q->st->flows += out;	/* each arrow once: at its tail */
	}
	return 0;
}

/* The PMU counters of task t as arguments at a; how many. */
static unsigned int pmu_args(const struct pd_gen *q, const struct pd_task *t,
			     struct pd_arg *a)
{
	const struct pd_pmu_row *r = q->pmu ?
		pd_pmu_find(q->pmu, t->task_id, t->core_id) : NULL;
	unsigned int k, n = 0;

	for (k = 0; r && k < q->pmu->ncnt; k++)
		if (r->mask >> k & 1)
			a[n++] = (struct pd_arg){ q->pmu->key[k], PD_ARG_U64,
						  { .u = r->v[k] }, 0 };
	return n;
}

/*
 * The AICore's local setup before task row t: a slice from when the core
 * read the task (receive) to its start, on the task's lane, so the lane
 * shows the row from receive to end; none when not recorded.
 */
static int emit_setup(struct pd_gen *q, const struct pd_task *t)
{
	struct pd_arg a[2] = {
		{ "taskId", PD_ARG_U64, { .u = t->task_id }, 0 },
		{ "propagation-us", PD_ARG_DBL, { .d = t->receive -
						  t->dispatch }, 0 },
	};
	struct pd_slice sl = { 0 };

	if (!(t->receive > 0) || !(t->receive < t->start))
		return 0;
	sl.pid = PD_PID_AICORE;
	sl.tid = PD_TID_CORE(t->core_id);
	sl.ts = t->receive;
	sl.dur = t->start - t->receive;
	sl.name = "local_setup";
	sl.cat = "setup";
	sl.cname = "grey";
	sl.args = a;
	/*
	 * Propagation (dispatch to receive) needs the dispatch time, which
	 * is recorded with finish (TASK_LIFECYCLE); test finish: the
	 * earliest dispatch is the time base, 0 here.
	 */
	sl.nargs = t->finish > 0 ? 2 : 1;
	if (q->s->slice(q->s, &sl))
		return -EIO;
	q->st->slices_setup++;
	return 0;
}

/*
 * The slice of task row r (of group gi) and its setup slice. Its
 * dispatch, finish and receive times are details when a twin slice
 * shows them: the row's AICPU slice (dispatch to finish), its setup
 * slice (receive to start).
 */
static int emit_row(struct pd_gen *q, size_t gi, size_t r, int aicpu)
{
	const struct pd_group *g = &q->g[gi];
	const struct pd_task *t = &q->m->tasks[r];
	size_t i = r - g->first;
	int twin_aicpu = aicpu && t->finish > 0 && t->dispatch >= 0;
	int twin_setup = t->receive > 0 && t->receive < t->start;
	struct pd_slice sl = { 0 };
	unsigned int nout = 0, nall;
	char label[32], name[160], hint[128];
	struct pd_arg a[9 + PTO_PMU_SLOTS] = {
		/* detail (1): the slice's times say it */
		{ "event-hint", PD_ARG_STR, { .s = hint }, 1 },
		{ "taskId", PD_ARG_U64, { .u = t->task_id }, 0 },
		{ "funcId", PD_ARG_U64, { .u = t->func_id }, 0 },
		{ "coreId", PD_ARG_U64, { .u = t->core_id }, 0 },
		{ "start-us", PD_ARG_DBL, { .d = t->start }, 1 },
		{ "duration-us", PD_ARG_DBL, { .d = t->dur }, 1 },
		{ "dispatch-us", PD_ARG_DBL, { .d = t->dispatch },
		  twin_aicpu },
		{ "finish-us", PD_ARG_DBL, { .d = t->finish }, twin_aicpu },
		{ "receive-us", PD_ARG_DBL, { .d = t->receive }, twin_setup },
	};

	hint[0] = 0;
	if (!q->s->compact) {
		pd_task_label(t->task_id, label, sizeof(label));
		snprintf(hint, sizeof(hint),
			 "Task:%s, FuncId:%" PRIu32 ", CoreId:%u", label,
			 t->func_id, t->core_id);
	}
	pd_task_name(q->nm, t->func_id, t->task_id, name, sizeof(name));
	if (i == g->src && group_flows(q, gi, 1, &nout))
		return -ENOMEM;
	if ((long)r == q->xlast && push_cross(q, &nout, PD_FLOW_DONE))
		return -ENOMEM;
	nall = nout;
	if (i == g->dst && group_flows(q, gi, 0, &nall))
		return -ENOMEM;
	if ((long)r == q->xfirst && push_cross(q, &nall, PD_FLOW_SETUP))
		return -ENOMEM;
	sl.pid = PD_PID_AICORE;
	sl.tid = PD_TID_CORE(t->core_id);
	sl.ts = t->start;
	sl.dur = t->end - t->start;
	sl.name = name;
	sl.name_once = 1;
	sl.cat = "event";
	sl.args = a;
	sl.nargs = t->receive > 0 ? 9 : 8;
	sl.nargs += pmu_args(q, t, a + sl.nargs);
	sl.out = q->flows;
	sl.nout = nout;
	sl.in = q->flows + nout;
	sl.nin = nall - nout;
	if (emit_setup(q, t) || q->s->slice(q->s, &sl))
		return -EIO;
	q->st->slices_aicore++;
	pd_gen_tick(q);
	return 0;
}

/*
 * The AICore lanes, each in time order (core, start): a lane's events
 * then only move forward, which keeps a protobuf trace's time deltas
 * small and its clock snapshots few.
 */
static int emit_aicore(struct pd_gen *q, int aicpu)
{
	size_t n = q->m->ntasks ? q->m->ntasks : 1, gi, i;
	uint32_t *order = malloc(n * sizeof(*order)), *grp = NULL;
	int r = order ? pd_rows_by_core_time(q->m, NULL, q->m->ntasks, 0,
					     order) : -ENOMEM;

	if (!r) {
		grp = malloc(n * sizeof(*grp));
		r = grp ? 0 : -ENOMEM;
	}
	if (r) {
		free(order);
		free(grp);
		return r;
	}
	for (gi = 0; gi < q->ng; gi++)
		for (i = 0; i < q->g[gi].n; i++)
			grp[q->g[gi].first + i] = (uint32_t)gi;
	for (i = 0; !r && i < q->m->ntasks; i++)
		r = emit_row(q, grp[order[i]], order[i], aicpu);
	free(order);
	free(grp);
	return r;
}

/*
 * Greedy lanes per core: a lane is free when its last finish <= dispatch.
 * *order: the rows with lifecycle times, by (core, dispatch); *n of them.
 */
static int aicpu_lanes(struct pd_gen *q, uint32_t **order, size_t *n_out,
		       uint8_t **lane, uint8_t *used)
{
	const struct pd_model *m = q->m;
	double last[PD_AICPU_LANES];
	uint32_t *rows = malloc((m->ntasks ? m->ntasks : 1) * sizeof(*rows));
	size_t i, n = 0;
	unsigned int l, core = UINT32_MAX;
	int r;

	*order = malloc((m->ntasks ? m->ntasks : 1) * sizeof(**order));
	*lane = malloc(m->ntasks ? m->ntasks : 1);
	if (!rows || !*order || !*lane) {
		free(rows);
		return -ENOMEM;
	}
	for (i = 0; i < m->ntasks; i++)
		if (m->tasks[i].finish > 0 && m->tasks[i].dispatch >= 0)
			rows[n++] = (uint32_t)i;
	r = pd_rows_by_core_time(m, rows, n, 1, *order);
	free(rows);
	if (r)
		return r;
	for (i = 0; i < n; i++) {
		const struct pd_task *t = &m->tasks[(*order)[i]];

		if (t->core_id != core) {
			core = t->core_id;
			for (l = 0; l < PD_AICPU_LANES; l++)
				last[l] = -1e300;
		}
		for (l = 0; l < PD_AICPU_LANES - 1; l++)
			if (last[l] <= t->dispatch)
				break;
		last[l] = t->finish;
		(*lane)[(*order)[i]] = (uint8_t)l;
		if (l + 1 > used[core])
			used[core] = (uint8_t)(l + 1);
	}
	*n_out = n;
	return 0;
}

static int emit_aicpu(struct pd_gen *q, const uint32_t *order, size_t n,
		      const uint8_t *lane)
{
	char name[160];
	size_t i;

	for (i = 0; i < n; i++) {
		const struct pd_task *t = &q->m->tasks[order[i]];
		struct pd_slice sl = { 0 };
		struct pd_arg a[4] = {
			{ "taskId", PD_ARG_U64, { .u = t->task_id }, 0 },
			{ "dispatch-time-us", PD_ARG_DBL, { .d = t->dispatch },
			  1 },
			{ "finish-time-us", PD_ARG_DBL, { .d = t->finish }, 1 },
			{ "aicpu-duration-us", PD_ARG_DBL,
			  { .d = t->finish - t->dispatch }, 1 },
		};

		pd_task_name(q->nm, t->func_id, t->task_id, name, sizeof(name));
		sl.pid = PD_PID_AICPU;
		sl.tid = PD_TID_CORE(t->core_id) + lane[order[i]];
		sl.ts = t->dispatch;
		sl.dur = t->finish - t->dispatch;
		sl.name = name;
		sl.name_once = 1;
		sl.cat = "aicpu";
		sl.args = a;
		sl.nargs = 4;
		if (q->s->slice(q->s, &sl))
			return -EIO;
		q->st->slices_aicpu++;
		pd_gen_tick(q);
	}
	return 0;
}

/* Perfetto's colour of a scheduler phase slice. */
static const char *sched_cname(uint8_t kind)
{
	switch (kind) {
	case PTO_SCHED_PHASE_COMPLETE:
		return "good";
	case PTO_SCHED_PHASE_DISPATCH:
		return "terrible";
	case PTO_SCHED_PHASE_RELEASE:
		return "olive";
	case PTO_SCHED_PHASE_WIRING:
		return "yellow";
	case PTO_SCHED_PHASE_IDLE:
		return "grey";
	case PTO_SCHED_PHASE_SLEEP:
		return "rail_idle";
	default:
		return "generic_work";
	}
}

static int emit_sched(struct pd_gen *q)
{
	const struct pd_sched *r;
	double prev_end = 0;
	int prev_thread = -1;
	struct pd_iter it;
	char name[64];

	for (pd_iter_sched(&it, q->m); (r = pd_sched_next(&it));) {
		struct pd_slice sl = { 0 };
		struct pd_arg a[5] = {
			{ "phase", PD_ARG_STR, { .s = NULL }, 1 },
			{ "loop_iter", PD_ARG_U64, { .u = r->loop_iter }, 1 },
			{ "tasks_processed", PD_ARG_U64, { .u = r->tasks }, 1 },
			{ "pop_hit", PD_ARG_U64, { .u = r->pop_hit }, 1 },
			{ "pop_miss", PD_ARG_U64, { .u = r->pop_miss }, 1 },
		};

		if (r->phase == PD_PHASE_OTHER)
			continue;
		sl.pid = PD_PID_SCHED;
		sl.tid = PD_TID_SCHED(r->thread);
		if (r->thread == prev_thread && r->start > prev_end) {
			/* A gap between work records: the loop idled. */
			sl.ts = prev_end;
			sl.dur = r->start - prev_end;
			sl.name = "idle";
			sl.cat = "idle";
			sl.cname = "grey";
			if (q->s->slice(q->s, &sl))
				return -EIO;
			q->st->slices_idle++;
		}
		if (r->thread != prev_thread || r->end > prev_end)
			prev_end = r->end;
		prev_thread = r->thread;
		a[0].v.s = pto_sched_phase_name(r->phase);
		snprintf(name, sizeof(name), "%s(%" PRIu32 ")", a[0].v.s,
			 r->tasks);
		sl.ts = r->start;
		sl.dur = r->end - r->start;
		sl.name = name;
		sl.cat = "scheduler";
		sl.cname = sched_cname(r->phase);
		sl.args = a;
		sl.nargs = r->has_pop ? 5 : 3;
		if (q->s->slice(q->s, &sl))
			return -EIO;
		q->st->slices_sched++;
		pd_gen_tick(q);
	}
	return it.err;
}

static int emit_orch(struct pd_gen *q)
{
	char name[64], label[32];
	const struct pd_orch *o;
	struct pd_iter it;

	for (pd_iter_orch(&it, q->m); (o = pd_orch_next(&it));) {
		struct pd_slice sl = { 0 };
		const char *phase = pto_orch_phase_name(o->kind);
		struct pd_arg a[3] = {
			{ "phase", PD_ARG_STR,
			  { .s = phase ? phase : "unknown" }, 1 },
			{ "submit_idx", PD_ARG_I64, { .i = o->submit_idx }, 0 },
			{ "task_id", PD_ARG_I64,
			  { .i = o->has_task ? (int64_t)o->task_id : -1 }, 0 },
		};

		if (o->has_task)
			pd_task_label(o->task_id, label, sizeof(label));
		else
			snprintf(label, sizeof(label), "%" PRId64, o->submit_idx);
		/* The name without "orch_", as the reference converter. */
		snprintf(name, sizeof(name), "%s(%s)", phase ? phase + 5 :
			 "unknown", label);
		sl.pid = PD_PID_ORCH;
		sl.tid = PD_TID_ORCH(o->thread);
		sl.ts = o->start;
		sl.dur = o->end - o->start;
		sl.name = name;
		sl.name_once = o->has_task;
		sl.cat = "orchestrator";
		sl.cname = o->is_submit ? "rail_animation" : NULL;
		sl.args = a;
		sl.nargs = 3;
		if (q->s->slice(q->s, &sl))
			return -EIO;
		q->st->slices_orch++;
		pd_gen_tick(q);
	}
	return it.err;
}

/*
 * Each group's edges and each edge's groups, in one walk of the groups
 * (by id) beside the edges by pred and by succ: both sorted alike.
 */
static int map_edges(struct pd_gen *q)
{
	const struct pd_deps *d = q->d;
	size_t i, n = d ? d->n : 0, a = 0, b = 0;

	if (n > INT32_MAX || q->ng > INT32_MAX)
		return -E2BIG;
	q->edge_pred = malloc((n ? n : 1) * sizeof(*q->edge_pred));
	q->edge_succ = malloc((n ? n : 1) * sizeof(*q->edge_succ));
	q->out_lo = malloc((q->ng ? q->ng : 1) * sizeof(*q->out_lo));
	q->in_lo = malloc((q->ng ? q->ng : 1) * sizeof(*q->in_lo));
	if (!q->edge_pred || !q->edge_succ || !q->out_lo || !q->in_lo)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		q->edge_pred[i] = q->edge_succ[i] = -1;
	for (i = 0; n && i < q->ng; i++) {
		uint64_t id = q->g[i].id;

		while (a < n && d->e[a].pred < id)
			a++;
		q->out_lo[i] = (uint32_t)a;
		for (; a < n && d->e[a].pred == id; a++)
			q->edge_pred[a] = (int32_t)i;
		while (b < n && d->e[d->by_succ[b]].succ < id)
			b++;
		q->in_lo[i] = (uint32_t)b;
		for (; b < n && d->e[d->by_succ[b]].succ == id; b++)
			q->edge_succ[d->by_succ[b]] = (int32_t)i;
	}
	for (i = 0; i < n; i++)
		if (q->edge_pred[i] < 0 || q->edge_succ[i] < 0)
			q->st->skipped_edges++;
	return 0;
}

/* Done with the edges: their memory back before the depths' sort. */
static void free_edges(struct pd_gen *q)
{
	free(q->edge_pred);
	free(q->edge_succ);
	free(q->out_lo);
	free(q->in_lo);
	q->edge_pred = q->edge_succ = NULL;
	q->out_lo = q->in_lo = NULL;
}

void pd_gen_edges(const struct pd_gen *q, size_t gi, int out, size_t *lo,
		  size_t *hi)
{
	const struct pd_deps *d = q->d;
	uint64_t id = q->g[gi].id;
	size_t k;

	if (!d || !d->n) {
		*lo = *hi = 0;
		return;
	}
	k = out ? q->out_lo[gi] : q->in_lo[gi];
	*lo = k;
	if (out)
		while (k < d->n && d->e[k].pred == id)
			k++;
	else
		while (k < d->n && d->e[d->by_succ[k]].succ == id)
			k++;
	*hi = k;
}

/* With aligned clocks and host spans: the earliest-starting and the
 * latest-ending AICore rows, the device ends of the cross flows. */
static void cross_rows(struct pd_gen *q, const struct pd_host_view *host)
{
	const struct pd_model *m = q->m;
	size_t i;

	q->xfirst = q->xlast = -1;
	if (!host || !host->n || !host->clock->aligned || !m->ntasks)
		return;
	q->xfirst = q->xlast = 0;
	for (i = 1; i < m->ntasks; i++) {
		if (m->tasks[i].start < m->tasks[q->xfirst].start)
			q->xfirst = (long)i;
		if (m->tasks[i].end > m->tasks[q->xlast].end)
			q->xlast = (long)i;
	}
}

int pd_trace_emit(struct pd_model *m, const struct pd_deps *deps,
		  const struct pd_names *names, const struct pd_pmu *pmu,
		  const struct pd_host_view *host, struct pd_sink *sink,
		  struct pd_trace_stats *st, pd_frac_fn frac, void *ctx)
{
	struct pd_gen q = { .m = m, .d = deps, .nm = names, .pmu = pmu,
			 .s = sink, .st = st, .frac = frac, .ctx = ctx };
	uint8_t used[PTO_MAX_CORES] = { 0 };
	uint32_t *order = NULL;
	uint8_t *lane = NULL;
	size_t n_aicpu = 0;
	int aicpu = has_aicpu(m), r;

	memset(st, 0, sizeof(*st));
	q.total = 2 * m->ntasks + m->nsched + m->norch + 1;
	r = pd_groups_build(m, &q.g, &q.ng);
	if (!r)
		r = map_edges(&q);
	cross_rows(&q, host);
	if (!r && aicpu)
		r = aicpu_lanes(&q, &order, &n_aicpu, &lane, used);
	if (!r)
		r = emit_meta(&q, aicpu, used);
	if (!r)
		r = emit_aicore(&q, aicpu);
	if (!r && aicpu)
		r = emit_aicpu(&q, order, n_aicpu, lane);
	free(order);		/* done with: room for the counters' sorts */
	free(lane);
	order = NULL;
	lane = NULL;
	if (!r)
		r = emit_sched(&q);
	if (!r)
		r = emit_orch(&q);
	if (!r)
		r = pd_trace_counters(&q);
	free_edges(&q);
	if (!r)
		r = pd_trace_depths(&q);
	if (!r)
		r = pd_trace_losses(&q);
	if (!r && host)
		r = pd_trace_host(host, q.xfirst >= 0, sink, st);
	free(order);
	free(lane);
	free(q.flows);
	free_edges(&q);
	free(q.g);
	return r;
}
