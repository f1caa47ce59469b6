// SPDX-License-Identifier: MIT
/*
 * The observed critical path and its blame (see pd_blame.h). A
 * predecessor binds a task only when it ended by the task's start and
 * started strictly before it, so the walk back always moves to an
 * earlier start and ends. Ties between binders go to the data producer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pd_blame.h"

const char *pd_blame_name(enum pd_blame_kind k)
{
	static const char *const names[] = { "front-gap", "data-wait",
					      "core-wait" };

	return k < PD_BLAME_KINDS ? names[k] : "?";
}

/*
 * cp[gi]: the task its core ran last before gi's first row (the one
 * whose end, the running maximum over the core's earlier rows, is
 * latest), -1 when none.
 */
static int core_prev(const struct pd_model *m, const struct pd_group *g,
		     size_t ng, long *cp)
{
	uint32_t *idx = pd_rows_by_core(m);
	uint32_t *grp = malloc((m->ntasks ? m->ntasks : 1) * sizeof(*grp));
	double best_end = 0;
	long best = -1;
	size_t i;
	uint32_t k;

	if (!idx || !grp) {
		free(idx);
		free(grp);
		return -ENOMEM;
	}
	for (i = 0; i < ng; i++) {
		cp[i] = -1;
		for (k = 0; k < g[i].n; k++)
			grp[g[i].first + k] = (uint32_t)i;
	}
	for (i = 0; i < m->ntasks; i++) {
		const struct pd_task *t = &m->tasks[idx[i]];
		uint32_t gi = grp[idx[i]];

		if (i && t->core_id != m->tasks[idx[i - 1]].core_id)
			best = -1;
		if (best >= 0 && (uint32_t)best != gi && best_end <= t->start &&
		    t->start == g[gi].start &&
		    (cp[gi] < 0 || best_end > g[cp[gi]].end))
			cp[gi] = best;
		if (best < 0 || t->end > best_end) {
			best_end = t->end;
			best = gi;
		}
	}
	free(idx);
	free(grp);
	return 0;
}

/* A binder of v: ended by v's start, started strictly before it. */
static int binds(const struct pd_group *p, const struct pd_group *v)
{
	return p->end <= v->start && p->start < v->start;
}

int pd_blame_path(const struct pd_model *m, const struct pd_group *g,
		  size_t ng, const struct pd_deps *deps, struct pd_blame *out)
{
	long *cp = malloc((ng ? ng : 1) * sizeof(*cp));
	double frontier;
	size_t i, v = 0;

	memset(out, 0, sizeof(*out));
	out->step = malloc((ng ? ng : 1) * sizeof(*out->step));
	if (!cp || !out->step || core_prev(m, g, ng, cp)) {
		free(cp);
		pd_blame_free(out);
		return -ENOMEM;
	}
	if (!ng) {
		free(cp);
		return 0;
	}
	out->t0 = g[0].start;
	for (i = 0; i < ng; i++) {
		if (g[i].start < out->t0)
			out->t0 = g[i].start;
		if (g[i].end > g[v].end)
			v = i;
	}
	out->t1 = g[v].end;
	for (;;) {
		struct pd_blame_step *s = &out->step[out->n++];
		long best = -1;
		size_t lo = 0, hi = 0, e;

		s->group = (uint32_t)v;
		s->kind = PD_BLAME_FRONT;
		if (deps)
			pd_deps_preds(deps, g[v].id, &lo, &hi);
		for (e = lo; e < hi; e++) {
			long p = pd_group_find(g, ng,
					       deps->e[deps->by_succ[e]].pred);

			if (p >= 0 && binds(&g[p], &g[v]) &&
			    (best < 0 || g[p].end > g[best].end)) {
				best = p;
				s->kind = PD_BLAME_DATA;
			}
		}
		if (cp[v] >= 0 && binds(&g[cp[v]], &g[v]) &&
		    (best < 0 || g[cp[v]].end > g[best].end)) {
			best = cp[v];
			s->kind = PD_BLAME_CORE;
		}
		if (best < 0)
			break;
		v = (size_t)best;
	}
	free(cp);
	/* Walked last to first: reverse, then sweep the frontier. */
	for (i = 0; i < out->n / 2; i++) {
		struct pd_blame_step t = out->step[i];

		out->step[i] = out->step[out->n - 1 - i];
		out->step[out->n - 1 - i] = t;
	}
	frontier = out->t0;
	for (i = 0; i < out->n; i++) {
		struct pd_blame_step *s = &out->step[i];
		const struct pd_group *x = &g[s->group];
		double from = x->start > frontier ? x->start : frontier;

		s->stall = x->start > frontier ? x->start - frontier : 0;
		s->compute = x->end > from ? x->end - from : 0;
		out->stall += s->stall;
		out->compute += s->compute;
		out->by_kind[s->kind] += s->stall;
		if (x->end > frontier)
			frontier = x->end;
	}
	return 0;
}

void pd_blame_free(struct pd_blame *b)
{
	free(b->step);
	memset(b, 0, sizeof(*b));
}
