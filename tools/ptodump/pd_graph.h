/* SPDX-License-Identifier: MIT */
/*
 * Tasks grouped by task_id (a MIX task has one row per subtask), and
 * what the analyses derive from the groups and deps.json: per-task
 * times, the critical path.
 */
#ifndef PD_GRAPH_H
#define PD_GRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "pd_model.h"

struct pd_group {		/* 56 bytes: one per task of the run */
	uint64_t id;
	uint32_t first;		/* rows first .. first + n - 1 of m->tasks */
	uint32_t n : 31;
	uint32_t life : 1;	/* some row has lifecycle times (finish > 0;
				 * a dispatch at the time base reads 0)
				 */
	uint32_t src;		/* row (offset from first) with the latest end */
	uint32_t dst;		/* row with the earliest start */
	double start, end;	/* earliest start, latest end */
	double dispatch;	/* earliest dispatch of those rows */
	double finish;		/* latest finish, 0: none */
};

/* First dispatch (or start) and last finish (or end) of a task. */
double pd_group_first(const struct pd_group *g);
double pd_group_last(const struct pd_group *g);

/*
 * Sorts m->tasks by (task_id, start) and builds one group per task id.
 * -ENOMEM.
 */
int pd_groups_build(struct pd_model *m, struct pd_group **out, size_t *n);

/*
 * Indices of m->tasks ordered by (core, start, end), and by function,
 * rows in index order where those are equal; malloc'd, NULL on ENOMEM.
 */
uint32_t *pd_rows_by_core(const struct pd_model *m);
uint32_t *pd_rows_by_func(const struct pd_model *m);

/* Index of the group of id, or -1. */
long pd_group_find(const struct pd_group *g, size_t n, uint64_t id);

/* A task's weight on the critical path: latency when lifecycle times
 * were recorded, else its execution span (end - start). */
double pd_group_weight(const struct pd_group *g);

struct pd_critpath {
	double length;		/* us: sum of the weights on the path */
	uint32_t *path;		/* group indices, first to last */
	size_t n;
	size_t skipped_edges;	/* edges naming a task not in the records */
};

/*
 * Longest weighted path through the DAG of groups along deps edges.
 * Returns 0, -ELOOP (the edges form a cycle) or -ENOMEM.
 */
int pd_critpath(const struct pd_group *g, size_t ng, const struct pd_deps *d,
		struct pd_critpath *out);
void pd_critpath_free(struct pd_critpath *cp);

#endif /* PD_GRAPH_H */
