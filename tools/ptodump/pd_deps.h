/* SPDX-License-Identifier: MIT */
/*
 * The dependency graph of ptodump deps: one node per task (a task of the
 * records, or one only deps.json names), successor and predecessor lists,
 * levels (longest edge count from a root) and the transitive reduction
 * (an edge is redundant when a longer path joins the same two tasks), and
 * its text and Graphviz DOT views.
 */
#ifndef PD_DEPS_H
#define PD_DEPS_H

#include <stdio.h>

#include "pd_graph.h"

struct pd_dnode {
	uint64_t id;
	long group;		/* index of its pd_group, -1: not recorded */
	uint32_t level;		/* longest edge count from a root */
	uint32_t fanin, fanout;	/* full-graph degrees */
};

struct pd_dgraph {
	struct pd_dnode *v;	/* sorted by id */
	size_t n;
	size_t nedges;		/* unique edges */
	size_t nredundant;	/* edges the transitive reduction drops */
	uint32_t nlevels;
	/* Successors of v[i]: succ[succ_off[i] .. succ_off[i + 1]), ascending
	 * node index; k is the edge's index (deps.json order). Predecessors
	 * likewise in pred_off / pred. redundant[edge]: a longer path implies
	 * the edge. */
	uint32_t *succ_off, *succ, *pred_off, *pred;
	uint32_t *pred_edge;	/* edge index of pred[k] */
	uint8_t *redundant;	/* by edge index */
};

/*
 * Builds the graph of groups g and the edges of d. Returns 0, -ELOOP
 * (the edges form a cycle; the graph is left empty) or -ENOMEM.
 */
int pd_dgraph_build(struct pd_dgraph *dg, const struct pd_group *g, size_t ng,
		    const struct pd_deps *d);
void pd_dgraph_free(struct pd_dgraph *dg);

/* Edge modes of the views. */
#define PD_EDGES_FULL		0
#define PD_EDGES_REDUCED	1

struct pd_deps_view {
	const struct pd_dgraph *dg;
	const struct pd_model *m;	/* rows of the groups */
	const struct pd_group *g;
	const struct pd_names *names;	/* may be NULL */
	int edges;			/* PD_EDGES_* */
};

/* SUMMARY, TASK INDEX and TASK DETAILS sections. */
void pd_deps_text(FILE *f, const struct pd_deps_view *v);
/* A digraph: one box per task (label, kernel, shape, fanin/fanout). */
void pd_deps_dot(FILE *f, const struct pd_deps_view *v);

#endif /* PD_DEPS_H */
