/* SPDX-License-Identifier: MIT */
/*
 * The analyses of ptodump report, each printed to a stream:
 *   per-function table   (REFERENCE E.1 "Task Statistics by Function")
 *   scheduler overhead   (E.2: phase shares, loop statistics, pops/edges)
 *   critical path        (longest weighted path through deps.json)
 */
#ifndef PD_REPORT_H
#define PD_REPORT_H

#include <stdio.h>

#include "pd_graph.h"
#include "pd_model.h"

void pd_report_funcs(FILE *f, const struct pd_model *m,
		     const struct pd_names *names);

/* Prints why when the records hold no scheduler phases (level < 3). */
void pd_report_sched(FILE *f, const struct pd_model *m,
		     const struct pd_deps *deps, const struct pd_group *g,
		     size_t ng);

/* 0, or -ELOOP / -ENOMEM (printed). */
int pd_report_critpath(FILE *f, const struct pd_model *m,
		       const struct pd_deps *deps, const struct pd_group *g,
		       size_t ng, const struct pd_names *names);

#endif /* PD_REPORT_H */
