// SPDX-License-Identifier: MIT
/*
 * Critical-path section of ptodump report. A node is a task id; its
 * weight is its latency (first dispatch to last finish) when lifecycle
 * times were recorded, else its execution span (first start to last
 * end). The makespan is the same span over all tasks.
 */
#include <errno.h>
#include <float.h>

#include "pd_report.h"

#define SHOW_ENDS	8	/* path tasks shown at each end */

int pd_report_critpath(FILE *f, const struct pd_model *m,
		       const struct pd_deps *deps, const struct pd_group *g,
		       size_t ng, const struct pd_names *names)
{
	double t0 = DBL_MAX, t1 = -DBL_MAX;
	struct pd_critpath cp;
	size_t i;
	int r;

	fprintf(f, "\n=== Critical Path ===\n");
	if (!deps) {
		fprintf(f, "(no deps.json: no dependency graph)\n");
		return 0;
	}
	r = pd_critpath(g, ng, deps, &cp);
	if (r) {
		fprintf(f, "(%s)\n", r == -ELOOP ?
			"deps.json edges form a cycle: no critical path" :
			"out of memory");
		return r;
	}
	for (i = 0; i < ng; i++) {
		double a = pd_group_first(&g[i]);
		double b = pd_group_last(&g[i]);

		if (a < t0)
			t0 = a;
		if (b > t1)
			t1 = b;
	}
	fprintf(f, "Critical path: %zu tasks, %.3f us; makespan %.3f us; "
		"path/makespan = %.1f%%\n", cp.n, cp.length,
		ng ? t1 - t0 : 0.0,
		ng && t1 > t0 ? cp.length / (t1 - t0) * 100.0 : 0.0);
	fprintf(f, "  (node weight: dispatch->finish latency when recorded, "
		"else end-start)\n");
	if (cp.skipped_edges)
		fprintf(f, "  %zu edges name tasks not in the records "
			"(ignored)\n", cp.skipped_edges);
	for (i = 0; i < cp.n; i++) {
		const struct pd_group *x = &g[cp.path[i]];
		char name[160];

		if (cp.n > 2 * SHOW_ENDS && i == SHOW_ENDS) {
			fprintf(f, "  ... %zu more ...\n", cp.n - 2 * SHOW_ENDS);
			i = cp.n - SHOW_ENDS - 1;
			continue;
		}
		pd_task_name(names, m->tasks[x->first].func_id, x->id, name,
			     sizeof(name));
		fprintf(f, "  %-32s %12.3f us\n", name, pd_group_weight(x));
	}
	pd_critpath_free(&cp);
	return 0;
}
