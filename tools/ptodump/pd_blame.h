/* SPDX-License-Identifier: MIT */
/*
 * The observed critical path and its blame. Each task spans its rows'
 * first start to last end. Walking back from the task that ends last,
 * each task is bound by whichever predecessor ended last before it
 * started: a deps.json producer (data-wait) or the task the same core
 * ran before it (core-wait); a task bound by neither opens the path
 * (front-gap). A sweep from the first start along the path then tiles
 * the execution makespan (first start to last end) exactly into compute
 * (time a path task ran past the frontier) and stall (the gap before
 * it), the stall blamed on how the task was bound.
 */
#ifndef PD_BLAME_H
#define PD_BLAME_H

#include "pd_graph.h"

enum pd_blame_kind { PD_BLAME_FRONT, PD_BLAME_DATA, PD_BLAME_CORE,
		     PD_BLAME_KINDS };

/* "front-gap", "data-wait", "core-wait". */
const char *pd_blame_name(enum pd_blame_kind k);

struct pd_blame_step {
	uint32_t group;		/* index into the groups */
	uint8_t kind;		/* pd_blame_kind of the stall before it */
	double compute, stall;	/* us */
};

struct pd_blame {
	struct pd_blame_step *step;	/* first to last */
	size_t n;
	double t0, t1;			/* first start, last end */
	double compute, stall;
	double by_kind[PD_BLAME_KINDS];
};

/*
 * Blames the path of groups g (rows in m->tasks, as pd_groups_build left
 * them) along deps (may be NULL: core-wait only). 0 or -ENOMEM.
 */
int pd_blame_path(const struct pd_model *m, const struct pd_group *g,
		  size_t ng, const struct pd_deps *deps, struct pd_blame *out);
void pd_blame_free(struct pd_blame *b);

#endif /* PD_BLAME_H */
