// SPDX-License-Identifier: MIT
/*
 * Task groups and the critical path (Kahn's topological order, then a
 * longest-path relaxation).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pd_graph.h"

static int cmp_task(const void *a, const void *b)
{
	const struct pd_task *x = a, *y = b;

	if (x->task_id != y->task_id)
		return x->task_id < y->task_id ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return (x->core_id > y->core_id) - (x->core_id < y->core_id);
}

int pd_groups_build(struct pd_model *m, struct pd_group **out, size_t *n)
{
	struct pd_group *g = NULL;
	size_t i, ng = 0;

	pd_sort(m->tasks, m->ntasks, sizeof(*m->tasks), cmp_task);
	g = malloc((m->ntasks ? m->ntasks : 1) * sizeof(*g));
	if (!g)
		return -ENOMEM;
	for (i = 0; i < m->ntasks; i++) {
		const struct pd_task *t = &m->tasks[i];
		struct pd_group *c = ng ? &g[ng - 1] : NULL;

		if (!c || c->id != t->task_id) {
			c = &g[ng++];
			memset(c, 0, sizeof(*c));
			c->id = t->task_id;
			c->first = (uint32_t)i;
			c->start = t->start;
			c->end = t->end;
		}
		if (t->end > c->end || !c->n) {
			c->end = t->end;
			c->src = c->n;
		}
		/* Rows are sorted by start: the first row starts earliest. */
		if (t->finish > 0 && (!c->life || t->dispatch < c->dispatch)) {
			c->dispatch = t->dispatch;
			c->life = 1;
		}
		if (t->finish > c->finish)
			c->finish = t->finish;
		c->n++;
	}
	*out = g;
	*n = ng;
	return 0;
}

static uint64_t key_end(const struct pd_task *t)
{
	return pd_key_double(t->end);
}

static uint64_t key_start(const struct pd_task *t)
{
	return pd_key_double(t->start);
}

static uint64_t key_core(const struct pd_task *t)
{
	return t->core_id;
}

static uint64_t key_func(const struct pd_task *t)
{
	return t->func_id;
}

typedef uint64_t (*row_key_fn)(const struct pd_task *t);

/*
 * Indices of m->tasks ordered by keys[nk - 1], then keys[nk - 2], ...,
 * then row index: one stable sort per key, least significant first.
 */
static uint32_t *rows_sorted(const struct pd_model *m, const row_key_fn *keys,
			     unsigned int nk)
{
	size_t i, n = m->ntasks;
	uint32_t *idx = malloc((n ? n : 1) * sizeof(*idx));
	struct pd_kv *kv = malloc((n ? n : 1) * sizeof(*kv));
	unsigned int k;

	for (i = 0; idx && kv && i < n; i++)
		idx[i] = (uint32_t)i;
	for (k = 0; idx && kv && k < nk; k++) {
		for (i = 0; i < n; i++)
			kv[i] = (struct pd_kv){ keys[k](&m->tasks[idx[i]]),
						idx[i] };
		if (pd_radix_sort(kv, n, sizeof(*kv)))
			break;
		for (i = 0; i < n; i++)
			idx[i] = (uint32_t)kv[i].val;
	}
	if (!kv || k < nk) {
		free(idx);
		idx = NULL;
	}
	free(kv);
	return idx;
}

uint32_t *pd_rows_by_core(const struct pd_model *m)
{
	static const row_key_fn keys[] = { key_end, key_start, key_core };

	return rows_sorted(m, keys, 3);
}

uint32_t *pd_rows_by_func(const struct pd_model *m)
{
	static const row_key_fn keys[] = { key_func };

	return rows_sorted(m, keys, 1);
}

long pd_group_find(const struct pd_group *g, size_t n, uint64_t id)
{
	size_t a = 0, b = n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (g[mid].id == id)
			return (long)mid;
		if (g[mid].id < id)
			a = mid + 1;
		else
			b = mid;
	}
	return -1;
}

double pd_group_weight(const struct pd_group *g)
{
	return pd_group_last(g) - pd_group_first(g);
}

double pd_group_first(const struct pd_group *g)
{
	return g->life ? g->dispatch : g->start;
}

double pd_group_last(const struct pd_group *g)
{
	return g->life ? g->finish : g->end;
}

/*
 * Each edge's succ group into succ_of (-1: no such group) and each
 * group's out-edges [lo[u], hi[u]) of d->e, by merge walks: the edges
 * are sorted by pred (by_succ: by succ), the groups by id. Returns the
 * edges naming a task that has no group.
 */
static size_t edge_groups(const struct pd_group *g, size_t ng,
			  const struct pd_deps *d, long *succ_of,
			  uint32_t *lo, uint32_t *hi)
{
	size_t i, j = 0, skipped = 0;

	for (i = 0; i < ng; i++)
		lo[i] = hi[i] = 0;
	for (i = 0; i < d->n; i++) {
		uint64_t id = d->e[i].pred;

		while (j < ng && g[j].id < id)
			j++;
		succ_of[i] = j < ng && g[j].id == id ? 0 : -1;
		if (succ_of[i] < 0)
			continue;
		if (lo[j] == hi[j])
			lo[j] = (uint32_t)i;
		hi[j] = (uint32_t)i + 1;
	}
	for (i = 0, j = 0; i < d->n; i++) {
		size_t e = d->by_succ[i];
		uint64_t id = d->e[e].succ;

		while (j < ng && g[j].id < id)
			j++;
		if (succ_of[e] < 0 || j == ng || g[j].id != id) {
			succ_of[e] = -1;
			skipped++;
		} else {
			succ_of[e] = (long)j;
		}
	}
	return skipped;
}

int pd_critpath(const struct pd_group *g, size_t ng, const struct pd_deps *d,
		struct pd_critpath *out)
{
	uint32_t *indeg = NULL, *order = NULL, *prev = NULL, *lo = NULL, *hi;
	long *succ_of = NULL;	/* edge -> succ group, -1: not present */
	double *dist = NULL;
	size_t i, head = 0, tail = 0, best = 0;
	int r = -ENOMEM;

	memset(out, 0, sizeof(*out));
	if (!ng)
		return 0;
	indeg = calloc(ng, sizeof(*indeg));
	order = malloc(ng * sizeof(*order));
	prev = malloc(ng * sizeof(*prev));
	dist = malloc(ng * sizeof(*dist));
	succ_of = malloc((d->n ? d->n : 1) * sizeof(*succ_of));
	lo = malloc(ng * 2 * sizeof(*lo));
	if (!indeg || !order || !prev || !dist || !succ_of || !lo)
		goto out;
	hi = lo + ng;
	out->skipped_edges = edge_groups(g, ng, d, succ_of, lo, hi);
	for (i = 0; i < d->n; i++)
		if (succ_of[i] >= 0)
			indeg[succ_of[i]]++;
	for (i = 0; i < ng; i++) {
		dist[i] = pd_group_weight(&g[i]);
		prev[i] = UINT32_MAX;
		if (!indeg[i])
			order[tail++] = (uint32_t)i;
	}
	while (head < tail) {
		uint32_t u = order[head++];
		size_t e;

		for (e = lo[u]; e < hi[u]; e++) {
			long v = succ_of[e];
			double w;

			if (v < 0)
				continue;
			w = dist[u] + pd_group_weight(&g[v]);
			if (prev[v] == UINT32_MAX || w > dist[v]) {
				dist[v] = w;
				prev[v] = u;
			}
			if (!--indeg[v])
				order[tail++] = (uint32_t)v;
		}
	}
	if (tail != ng) {
		r = -ELOOP;
		goto out;
	}
	for (i = 1; i < ng; i++)
		if (dist[i] > dist[best])
			best = i;
	out->length = dist[best];
	for (i = best; ; i = prev[i]) {
		out->n++;
		if (prev[i] == UINT32_MAX)
			break;
	}
	out->path = malloc(out->n * sizeof(*out->path));
	if (!out->path)
		goto out;
	i = best;
	for (size_t k = out->n; k-- > 0; i = prev[i])
		out->path[k] = (uint32_t)i;
	r = 0;
out:
	free(indeg);
	free(order);
	free(prev);
	free(dist);
	free(succ_of);
	free(lo);
	return r;
}

void pd_critpath_free(struct pd_critpath *cp)
{
	free(cp->path);
	memset(cp, 0, sizeof(*cp));
}
