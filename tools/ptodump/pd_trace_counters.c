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

struct step {
	double ts;
	int delta;
};

/* ts as an unsigned key in the same order (-0 as 0). */
static uint64_t ts_key(double ts)
{
	uint64_t u;

	if (ts == 0)
		ts = 0;
	memcpy(&u, &ts, sizeof(u));
	return u >> 63 ? ~u : u | 1ull << 63;
}

/* Key 0: the delta; key 1: the time. */
static uint64_t step_key(const struct step *s, int key)
{
	return key ? ts_key(s->ts) : (uint32_t)s->delta ^ 0x80000000u;
}

/*
 * Sorts v by (ts, delta) -- decrements first at a time: no false peaks
 * -- with a stable radix sort (delta's bytes, then the time's; a byte
 * all keys share is skipped): millions of steps, which qsort took most
 * of a conversion's sorting time on.
 */
static int sort_steps(struct step *v, size_t n)
{
	struct step *tmp, *a = v, *b;
	int key, shift;
	size_t i;

	if (n < 2)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	b = tmp;
	for (key = 0; key < 2; key++) {
		for (shift = 0; shift < (key ? 64 : 32); shift += 8) {
			size_t cnt[256] = { 0 }, pos = 0, c;
			struct step *t;

			for (i = 0; i < n; i++)
				cnt[step_key(&a[i], key) >> shift & 0xff]++;
			if (cnt[step_key(&a[0], key) >> shift & 0xff] == n)
				continue;
			for (i = 0; i < 256; i++) {
				c = cnt[i];
				cnt[i] = pos;
				pos += c;
			}
			for (i = 0; i < n; i++)
				b[cnt[step_key(&a[i], key) >> shift & 0xff]++] =
					a[i];
			t = a;
			a = b;
			b = t;
		}
	}
	if (a != v)
		memcpy(v, a, n * sizeof(*v));
	free(tmp);
	return 0;
}

static int emit_steps(struct pd_gen *q, struct step *v, size_t n,
		      const char *name)
{
	int64_t level = 0;
	size_t i;

	if (sort_steps(v, n))
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		level += v[i].delta;
		if (i + 1 < n && v[i + 1].ts == v[i].ts)
			continue;
		if (q->s->counter(q->s, PD_PID_COUNTERS, name, v[i].ts, level))
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
static int emit_counters(struct pd_gen *q)
{
	const struct pd_model *m = q->m;
	struct pd_edge *subs;
	size_t i, n = 0, k, nsubs = 0;
	struct step *v;
	int r;

	v = malloc((q->ng ? q->ng : 1) * 2 * sizeof(*v));
	subs = malloc((m->norch ? m->norch : 1) * sizeof(*subs));
	if (!v || !subs) {
		free(v);
		free(subs);
		return -ENOMEM;
	}
	for (k = 0; k < m->norch; k++)
		if (m->orch[k].is_submit && m->orch[k].has_task)
			subs[nsubs++] = (struct pd_edge){
				m->orch[k].task_id,
				m->orch[k].end > 0 ?
				(uint64_t)(m->orch[k].end * 1000.0) : 0 };
	qsort(subs, nsubs, sizeof(*subs), pd_edge_cmp);
	for (i = 0; i < q->ng; i++) {
		const struct pd_group *g = &q->g[i];

		v[n++] = (struct step){ pd_group_first(g), 1 };
		v[n++] = (struct step){ pd_group_last(g), -1 };
	}
	r = emit_steps(q, v, n, "tasks_in_flight");
	n = 0;
	for (i = 0; r == 0 && i < q->ng; i++) {
		const struct pd_group *g = &q->g[i];
		double ready = -1;
		size_t lo = 0, hi = 0;

		if (!g->life)
			continue;
		if (q->d)
			pd_deps_preds(q->d, g->id, &lo, &hi);
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
		v[n++] = (struct step){ ready, 1 };
		v[n++] = (struct step){ g->dispatch, -1 };
	}
	if (!r && n)
		r = emit_steps(q, v, n, "ready_queue_depth");
	free(v);
	free(subs);
	return r;
}

/*
 * The recorded ready-queue depths, one counter per shape
 * ("shared_ready_queue_aic", _aiv, _mix): every scheduler phase record's
 * depth at its start and end, in time order over all threads.
 */
static int emit_shared_depths(struct pd_gen *q)
{
	static const char *const name[PTO_SHAPES] = {
		"shared_ready_queue_aic", "shared_ready_queue_aiv",
		"shared_ready_queue_mix" };
	const struct pd_model *m = q->m;
	struct step *v = malloc((m->nsched ? m->nsched : 1) * 2 * sizeof(*v));
	unsigned int sh;
	size_t i, n;
	int r = 0;

	if (!v)
		return -ENOMEM;
	for (sh = 0; !r && sh < PTO_SHAPES; sh++) {
		n = 0;
		for (i = 0; i < m->nsched; i++) {
			const struct pd_sched *p = &m->sched[i];

			if (!p->has_depth || p->phase == PD_PHASE_OTHER)
				continue;
			v[n++] = (struct step){ p->start,
						(int)p->depth_start[sh] };
			v[n++] = (struct step){ p->end, (int)p->depth_end[sh] };
		}
		r = sort_steps(v, n);
		for (i = 0; !r && i < n; i++) {
			r = q->s->counter(q->s, PD_PID_COUNTERS, name[sh],
					  v[i].ts, v[i].delta) ? -EIO : 0;
			q->st->counters++;
		}
	}
	free(v);
	return r;
}

int pd_trace_counters(struct pd_gen *q)
{
	int r = emit_counters(q);

	return r ? r : emit_shared_depths(q);
}
