/* SPDX-License-Identifier: MIT */
/*
 * Hand-built DAGs for the ptodump analysis tests: a task row and a
 * deps.json edge appended to a model. Header-only (after <cmocka.h>),
 * as only the tests linked with the ptodump objects may use it.
 */
#ifndef PD_DAG_H
#define PD_DAG_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pd_model.h"

/* A zeroed task id over [start, end]; the caller sets the rest. */
static inline struct pd_task *pd_dag_task(struct pd_model *m, uint64_t id,
					  double start, double end)
{
	struct pd_task *t;

	assert_int_equal(pd_grow((void **)&m->tasks, &m->cap_tasks,
				 m->ntasks, sizeof(*t)), 0);
	t = &m->tasks[m->ntasks++];
	memset(t, 0, sizeof(*t));
	t->task_id = id;
	t->start = start;
	t->end = end;
	t->dur = end - start;
	return t;
}

static inline void pd_dag_edge(struct pd_deps *d, uint64_t pred,
			       uint64_t succ)
{
	d->e = realloc(d->e, (d->n + 1) * sizeof(*d->e));
	assert_non_null(d->e);
	d->e[d->n].pred = pred;
	d->e[d->n++].succ = succ;
}

#endif /* PD_DAG_H */
