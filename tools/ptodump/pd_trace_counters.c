// SPDX-License-Identifier: MIT
/*
 * The Counters process of a trace (see pd_trace.h): how many tasks are
 * in flight and how deep the ready queue is, derived per task, and the
 * recorded depths of the shared ready queues. A counter is a series of
 * steps, each the level after all changes at one time.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pd_trace_gen.h"

/* A change of a counter by delta at ts, as a sort item by time. */
static struct pd_kv step(double ts, int delta)
{
	return (struct pd_kv){ pd_key_double(ts), (uint64_t)(int64_t)delta };
}

/*
 * The steps v[0..n) in time order, each the level after all changes at
 * one time (their order within a time is then of no matter: no false
 * peaks).
 */
static int emit_steps(struct pd_gen *q, struct pd_kv *v, size_t n,
		      const char *name)
{
	int64_t level = 0;
	size_t i;

	if (pd_kv_sort(v, n))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		level += (int64_t)v[i].val;
		if (i + 1 < n && v[i + 1].key == v[i].key)
			continue;
		if (q->s->counter(q->s, PD_PID_COUNTERS, name,
				  pd_double_of_key(v[i].key), level))
			return -EIO;
		q->st->counters++;
	}
	return 0;
}

/* End of the earliest submit of id in v, (task id, end ns) by task id. */
static double submit_end(const struct pd_edge *v, size_t n, uint64_t id)
{
	size_t a = pd_edge_lower(v, n, id);

	return a < n && v[a].pred == id ? (double)v[a].succ / 1000.0 : -1;
}

/*
 * Counters, per task id. In flight: from its first dispatch (its start
 * without lifecycle data) to its last finish (or end). Ready-queue depth:
 * from the moment the task became ready -- its last producer's finish
 * (or end), or for a task without producers the end of its orch_submit
 * record -- to its dispatch; tasks whose ready moment is unknown are left
 * out.
 */
int pd_trace_counters(struct pd_gen *q)
{
	const struct pd_model *m = q->m;
	const struct pd_orch *o;
	struct pd_edge *subs;
	size_t i, n = 0, k, nsubs = 0;
	struct pd_iter it;
	struct pd_kv *v;
	int r;

	v = malloc((q->ng ? q->ng : 1) * 2 * sizeof(*v));
	subs = malloc((m->norch ? m->norch : 1) * sizeof(*subs));
	if (!v || !subs) {
		free(v);
		free(subs);
		return -ENOMEM;
	}
	for (pd_iter_orch(&it, m); (o = pd_orch_next(&it));)
		if (o->is_submit && o->has_task)
			subs[nsubs++] = (struct pd_edge){
				o->task_id,
				o->end > 0 ? (uint64_t)(o->end * 1000.0) : 0 };
	qsort(subs, nsubs, sizeof(*subs), pd_edge_cmp);
	for (i = 0; i < q->ng; i++) {
		const struct pd_group *g = &q->g[i];

		v[n++] = step(pd_group_first(g), 1);
		v[n++] = step(pd_group_last(g), -1);
	}
	r = it.err ? it.err : emit_steps(q, v, n, "tasks_in_flight");
	n = 0;
	for (i = 0; r == 0 && i < q->ng; i++) {
		const struct pd_group *g = &q->g[i];
		double ready = -1;
		size_t lo, hi;

		if (!g->life)
			continue;
		pd_gen_edges(q, i, 0, &lo, &hi);
		for (k = lo; k < hi; k++) {
			long p = q->edge_pred[q->d->by_succ[k]];
			double t;

			if (p < 0)
				continue;
			t = pd_group_last(&q->g[p]);
			if (t > ready)
				ready = t;
		}
		if (ready < 0)
			ready = submit_end(subs, nsubs, g->id);
		if (ready < 0 || ready > g->dispatch)
			continue;
		v[n++] = step(ready, 1);
		v[n++] = step(g->dispatch, -1);
	}
	if (!r && n)
		r = emit_steps(q, v, n, "ready_queue_depth");
	free(v);
	free(subs);
	return r;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sorts v[0..n) ascending: by insertion when short (most runs). */
static void sort_ints(int *v, size_t n)
{
	size_t i, j;
	int x;

	if (n > 8) {
		qsort(v, n, sizeof(*v), cmp_int);
		return;
	}
	for (i = 1; i < n; i++) {
		x = v[i];
		for (j = i; j > 0 && v[j - 1] > x; j--)
			v[j] = v[j - 1];
		v[j] = x;
	}
}

/* Shape sh's depth samples (pd_model_depths): (time key, depth). */
struct samples {
	struct pd_kv *kv;
	size_t n;
	unsigned int sh;
};

static void sample(void *ctx, double ts, const uint32_t *depth,
		   int dispatch_start)
{
	struct samples *s = ctx;

	(void)dispatch_start;
	s->kv[s->n++] = (struct pd_kv){ pd_key_double(ts), depth[s->sh] };
}

/*
 * The recorded ready-queue depths, one counter per shape
 * ("shared_ready_queue_aic", _aiv, _mix): every scheduler phase record's
 * depth at its start and end, in time order over all threads (ties by
 * value). One pass over the phases and one sort per shape: the phases
 * are read in order only (parked), and a shape's samples are all the
 * memory this takes.
 */
int pd_trace_depths(struct pd_gen *q)
{
	static const char *const name[PTO_SHAPES] = {
		"shared_ready_queue_aic", "shared_ready_queue_aiv",
		"shared_ready_queue_mix" };
	const struct pd_model *m = q->m;
	size_t cap = 0, i, j, k, n = 0;
	struct samples smp = { malloc((m->nsched ? m->nsched : 1) * 2 *
				      sizeof(*smp.kv)), 0, 0 };
	struct pd_kv *kv = smp.kv;
	int *run = NULL;	/* the depths at one time */
	unsigned int sh;
	int r = 0;

	if (!kv)
		return -ENOMEM;
	for (sh = 0; !r && sh < PTO_SHAPES; sh++) {
		smp.n = 0;
		smp.sh = sh;
		r = pd_model_depths(m, sample, &smp);
		n = smp.n;
		if (!r)
			r = pd_kv_sort(kv, n);
		for (i = 0; !r && i < n; i = j) {
			for (j = i; !r && j < n && kv[j].key == kv[i].key;
			     j++) {
				r = pd_grow((void **)&run, &cap, j - i,
					    sizeof(*run));
				if (!r)
					run[j - i] = (int)kv[j].val;
			}
			if (r)
				break;
			sort_ints(run, j - i);
			for (k = 0; !r && k < j - i; k++) {
				r = q->s->counter(q->s, PD_PID_COUNTERS,
						  name[sh],
						  pd_double_of_key(kv[i].key),
						  run[k]) ? -EIO : 0;
				q->st->counters++;
			}
		}
	}
	free(kv);
	free(run);
	return r;
}
