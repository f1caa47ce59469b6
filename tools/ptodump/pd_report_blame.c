// SPDX-License-Identifier: MIT
/*
 * Critical-path blame section of ptodump report: the observed path of
 * pd_blame.h against the static path (longest path of execution spans
 * through deps.json: the dependency floor with unlimited cores), with
 * tables per kernel family and per task.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "pd_blame.h"
#include "pd_report.h"

#define SHOW_ENDS	8	/* text: path tasks shown at each end */

struct fam {
	uint32_t func_id;
	size_t n;
	double compute, stall, kind[PD_BLAME_KINDS];
};

static int cmp_fam(const void *a, const void *b)
{
	const struct fam *x = a, *y = b;

	if (x->compute != y->compute)
		return x->compute < y->compute ? 1 : -1;
	return (x->func_id > y->func_id) - (x->func_id < y->func_id);
}

static double pct(double a, double b)
{
	return b > 0 ? a / b * 100 : 0;
}

static void families(const struct pd_out *o, const struct pd_model *m,
		     const struct pd_group *g, const struct pd_blame *b,
		     const struct pd_names *names)
{
	static const char *const head[] = { "Kernel", "OnPath", "Compute(us)",
		"Compute%", "Stall(us)", "data-wait", "core-wait",
		"front-gap" };
	static const int w[] = { -28, 7, 12, 9, 12, 12, 12, 12 };
	static const enum pd_blame_kind cols[] = { PD_BLAME_DATA,
		PD_BLAME_CORE, PD_BLAME_FRONT };
	struct pd_table t = { o->f, o->md, 8, w };
	struct fam *f = calloc(b->n ? b->n : 1, sizeof(*f));
	size_t i, j, nf = 0;

	if (!f)
		return;
	for (i = 0; i < b->n; i++) {
		const struct pd_blame_step *s = &b->step[i];
		uint32_t id = m->tasks[g[s->group].first].func_id;

		for (j = 0; j < nf && f[j].func_id != id; j++)
			;
		if (j == nf)
			f[nf++].func_id = id;
		f[j].n++;
		f[j].compute += s->compute;
		f[j].stall += s->stall;
		f[j].kind[s->kind] += s->stall;
	}
	qsort(f, nf, sizeof(*f), cmp_fam);
	pd_line(o, "Time on the observed path by kernel family:");
	pd_table_head(&t, head);
	for (i = 0; i < nf; i++) {
		char c[8][64];
		const char *cp[8];

		pd_kernel_name(names, f[i].func_id, c[0], sizeof(c[0]));
		snprintf(c[1], 64, "%zu", f[i].n);
		snprintf(c[2], 64, "%.3f", f[i].compute);
		snprintf(c[3], 64, "%.2f", pct(f[i].compute, b->t1 - b->t0));
		snprintf(c[4], 64, "%.3f", f[i].stall);
		for (j = 0; j < PD_BLAME_KINDS; j++)
			snprintf(c[5 + j], 64, "%.3f", f[i].kind[cols[j]]);
		for (j = 0; j < 8; j++)
			cp[j] = c[j];
		pd_table_row(&t, cp);
	}
	pd_table_end(&t);
	free(f);
}

static void tasks(const struct pd_out *o, const struct pd_model *m,
		  const struct pd_group *g, const struct pd_blame *b,
		  const struct pd_names *names)
{
	static const char *const head[] = { "#", "Task", "Kernel", "Span(us)",
		"Compute(us)", "Stall(us)", "Stall kind" };
	static const int w[] = { 5, -14, -28, 12, 12, 12, -10 };
	struct pd_table t = { o->f, o->md, 7, w };
	size_t i;

	pd_line(o, "Observed path, first to last:");
	pd_table_head(&t, head);
	for (i = 0; i < b->n; i++) {
		const struct pd_blame_step *s = &b->step[i];
		const struct pd_group *x = &g[s->group];
		char c[6][64];
		const char *cp[7] = { c[0], c[1], c[2], c[3], c[4], c[5],
				      s->stall > 0 ? pd_blame_name(s->kind) :
				      "" };

		if (!o->md && b->n > 2 * SHOW_ENDS && i == SHOW_ENDS) {
			fprintf(o->f, "  ... %zu more ...\n",
				b->n - 2 * SHOW_ENDS);
			i = b->n - SHOW_ENDS - 1;
			continue;
		}
		snprintf(c[0], 64, "%zu", i);
		pd_task_label(x->id, c[1], sizeof(c[1]));
		pd_kernel_name(names, m->tasks[x->first].func_id, c[2],
			       sizeof(c[2]));
		snprintf(c[3], 64, "%.3f", x->end - x->start);
		snprintf(c[4], 64, "%.3f", s->compute);
		snprintf(c[5], 64, "%.3f", s->stall);
		pd_table_row(&t, cp);
	}
	pd_table_end(&t);
}

/* The static path over execution spans (lifecycle times set aside). */
static void static_path(const struct pd_out *o, const struct pd_group *g,
			size_t ng, const struct pd_deps *deps, double span)
{
	struct pd_group *x = malloc((ng ? ng : 1) * sizeof(*x));
	struct pd_critpath cp;
	size_t i;
	int r;

	if (!x) {
		pd_line(o, "(out of memory)");
		return;
	}
	for (i = 0; i < ng; i++) {
		x[i] = g[i];
		x[i].life = 0;
	}
	r = pd_critpath(x, ng, deps, &cp);
	free(x);
	if (r) {
		pd_line(o, "Static path: (%s)", r == -ELOOP ? "deps.json edges "
			"form a cycle" : "out of memory");
		return;
	}
	pd_line(o, "Static path (execution spans, unlimited cores): %.3f us "
		"over %zu tasks = %.1f%% of the makespan", cp.length, cp.n,
		pct(cp.length, span));
	pd_critpath_free(&cp);
}

void pd_report_blame(const struct pd_out *o, const struct pd_model *m,
		     const struct pd_deps *deps, const struct pd_group *g,
		     size_t ng, const struct pd_names *names)
{
	struct pd_blame b;
	double span;

	pd_heading(o, "Critical Path Blame");
	if (!ng) {
		pd_line(o, "(no tasks)");
		return;
	}
	if (pd_blame_path(m, g, ng, deps, &b)) {
		pd_line(o, "(out of memory)");
		return;
	}
	span = b.t1 - b.t0;
	pd_line(o, "Execution makespan: %.3f us (first start to last end)",
		span);
	if (deps)
		static_path(o, g, ng, deps, span);
	else
		pd_line(o, "(no deps.json: no static path; every stall is "
			"core-wait or front-gap)");
	pd_line(o, "Observed path: %zu tasks; compute %.3f us (%.1f%%), "
		"stall %.3f us (%.1f%%)", b.n, b.compute, pct(b.compute, span),
		b.stall, pct(b.stall, span));
	pd_line(o, "Stall: data-wait %.3f us (%.1f%%), core-wait %.3f us "
		"(%.1f%%), front-gap %.3f us (%.1f%%)",
		b.by_kind[PD_BLAME_DATA], pct(b.by_kind[PD_BLAME_DATA], span),
		b.by_kind[PD_BLAME_CORE], pct(b.by_kind[PD_BLAME_CORE], span),
		b.by_kind[PD_BLAME_FRONT], pct(b.by_kind[PD_BLAME_FRONT], span));
	pd_line(o, "data-wait: waiting on a producer; core-wait: waiting for "
		"the core to finish its previous task; front-gap: before the "
		"first path task started");
	families(o, m, g, &b, names);
	tasks(o, m, g, &b, names);
	pd_blame_free(&b);
}
