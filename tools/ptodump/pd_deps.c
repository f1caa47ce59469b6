// SPDX-License-Identifier: MIT
/*
 * The dependency graph of ptodump deps: nodes, adjacency (compressed
 * rows built straight from deps.json's sorted edges), levels by Kahn's
 * topological order, and the transitive reduction: for each task u,
 * everything reachable from u's successors through at least one more
 * edge is stamped with u; an edge u -> v is redundant when v is stamped.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pd_deps.h"

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static uint32_t node_of(const struct pd_dgraph *dg, uint64_t id)
{
	size_t a = 0, b = dg->n;

	while (a < b) {
		size_t mid = a + (b - a) / 2;

		if (dg->v[mid].id < id)
			a = mid + 1;
		else
			b = mid;
	}
	return (uint32_t)a;	/* every id looked up is a node */
}

static int add_nodes(struct pd_dgraph *dg, const struct pd_group *g,
		     size_t ng, const struct pd_deps *d)
{
	size_t i, n = 0, cap = ng + 2 * d->n;
	uint64_t *ids = malloc((cap ? cap : 1) * sizeof(*ids));

	if (!ids)
		return -ENOMEM;
	for (i = 0; i < ng; i++)
		ids[n++] = g[i].id;
	for (i = 0; i < d->n; i++) {
		ids[n++] = d->e[i].pred;
		ids[n++] = d->e[i].succ;
	}
	pd_sort(ids, n, sizeof(*ids), cmp_u64);
	dg->v = calloc(n ? n : 1, sizeof(*dg->v));
	if (!dg->v) {
		free(ids);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		if (dg->n && dg->v[dg->n - 1].id == ids[i])
			continue;
		dg->v[dg->n].id = ids[i];
		dg->v[dg->n].group = pd_group_find(g, ng, ids[i]);
		dg->n++;
	}
	free(ids);
	return 0;
}

static int add_edges(struct pd_dgraph *dg, const struct pd_deps *d)
{
	size_t i, n = dg->n;

	dg->nedges = d->n;
	dg->succ_off = calloc(n + 1, sizeof(uint32_t));
	dg->pred_off = calloc(n + 1, sizeof(uint32_t));
	dg->succ = malloc((d->n ? d->n : 1) * sizeof(uint32_t));
	dg->pred = malloc((d->n ? d->n : 1) * sizeof(uint32_t));
	dg->pred_edge = malloc((d->n ? d->n : 1) * sizeof(uint32_t));
	dg->redundant = calloc(d->n ? d->n : 1, 1);
	if (!dg->succ_off || !dg->pred_off || !dg->succ || !dg->pred ||
	    !dg->pred_edge || !dg->redundant)
		return -ENOMEM;
	/* Edges are sorted by (pred, succ) and by_succ by (succ, pred): both
	 * lists come out grouped by node and ascending within a node. */
	for (i = 0; i < d->n; i++) {
		uint32_t p = node_of(dg, d->e[i].pred);
		const struct pd_edge *b = &d->e[d->by_succ[i]];

		dg->succ[i] = node_of(dg, d->e[i].succ);
		dg->pred[i] = node_of(dg, b->pred);
		dg->pred_edge[i] = d->by_succ[i];
		dg->succ_off[p + 1]++;
		dg->pred_off[node_of(dg, b->succ) + 1]++;
		dg->v[p].fanout++;
		dg->v[dg->succ[i]].fanin++;
	}
	for (i = 0; i < n; i++) {
		dg->succ_off[i + 1] += dg->succ_off[i];
		dg->pred_off[i + 1] += dg->pred_off[i];
	}
	return 0;
}

/* Levels in topological order; -ELOOP when some node is never freed. */
static int add_levels(struct pd_dgraph *dg)
{
	uint32_t *indeg = malloc((dg->n ? dg->n : 1) * sizeof(*indeg));
	uint32_t *order = malloc((dg->n ? dg->n : 1) * sizeof(*order));
	size_t i, head = 0, tail = 0;
	int r = -ENOMEM;

	if (!indeg || !order)
		goto out;
	for (i = 0; i < dg->n; i++) {
		indeg[i] = dg->v[i].fanin;
		if (!indeg[i])
			order[tail++] = (uint32_t)i;
	}
	while (head < tail) {
		uint32_t u = order[head++], k;

		if (dg->v[u].level + 1 > dg->nlevels)
			dg->nlevels = dg->v[u].level + 1;
		for (k = dg->succ_off[u]; k < dg->succ_off[u + 1]; k++) {
			struct pd_dnode *s = &dg->v[dg->succ[k]];

			if (s->level < dg->v[u].level + 1)
				s->level = dg->v[u].level + 1;
			if (!--indeg[dg->succ[k]])
				order[tail++] = dg->succ[k];
		}
	}
	r = tail == dg->n ? 0 : -ELOOP;
out:
	free(indeg);
	free(order);
	return r;
}

static int reduce(struct pd_dgraph *dg)
{
	uint32_t *stamp = calloc(dg->n ? dg->n : 1, sizeof(*stamp));
	uint32_t *stack = malloc((dg->n ? dg->n : 1) * sizeof(*stack));
	size_t u;

	if (!stamp || !stack) {
		free(stamp);
		free(stack);
		return -ENOMEM;
	}
	for (u = 0; u < dg->n; u++) {
		uint32_t mark = (uint32_t)u + 1, k, j;
		size_t top = 0;

		if (dg->v[u].fanout < 2)
			continue;	/* a single edge is never implied */
		/* Seed with the successors' successors, then close. A node
		 * is pushed once per u: its stamp is set when pushed. */
		for (k = dg->succ_off[u]; k < dg->succ_off[u + 1]; k++)
			for (j = dg->succ_off[dg->succ[k]];
			     j < dg->succ_off[dg->succ[k] + 1]; j++)
				if (stamp[dg->succ[j]] != mark) {
					stamp[dg->succ[j]] = mark;
					stack[top++] = dg->succ[j];
				}
		while (top) {
			uint32_t x = stack[--top];

			for (j = dg->succ_off[x]; j < dg->succ_off[x + 1]; j++)
				if (stamp[dg->succ[j]] != mark) {
					stamp[dg->succ[j]] = mark;
					stack[top++] = dg->succ[j];
				}
		}
		for (k = dg->succ_off[u]; k < dg->succ_off[u + 1]; k++)
			if (stamp[dg->succ[k]] == mark) {
				dg->redundant[k] = 1;
				dg->nredundant++;
			}
	}
	free(stamp);
	free(stack);
	return 0;
}

int pd_dgraph_build(struct pd_dgraph *dg, const struct pd_group *g, size_t ng,
		    const struct pd_deps *d)
{
	int r;

	memset(dg, 0, sizeof(*dg));
	r = add_nodes(dg, g, ng, d);
	if (!r)
		r = add_edges(dg, d);
	if (!r)
		r = add_levels(dg);	/* before reduce: it needs a DAG */
	if (!r)
		r = reduce(dg);
	if (r)
		pd_dgraph_free(dg);
	return r;
}

void pd_dgraph_free(struct pd_dgraph *dg)
{
	free(dg->v);
	free(dg->succ_off);
	free(dg->succ);
	free(dg->pred_off);
	free(dg->pred);
	free(dg->pred_edge);
	free(dg->redundant);
	memset(dg, 0, sizeof(*dg));
}
