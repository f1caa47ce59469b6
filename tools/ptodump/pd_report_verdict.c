// SPDX-License-Identifier: MIT
/*
 * Overhead verdict of ptodump report. Over the window from the first
 * dispatch to the last finish, a shape (AIC, AIV) is overhead while one
 * of its cores is idle (fewer of its rows running than it has cores)
 * and a task of that shape is ready but not dispatched: from the end of
 * its last producer in the records to its first dispatch. A task without
 * a recorded producer is never counted waiting (its readiness is not
 * known). A MIX task (rows on both shapes) waits on both. "all": every
 * shape is overhead at once; "has": every shape that has ready work has
 * an idle core. One sweep over the sorted start/end and ready/dispatch
 * events.
 */
#include <stdlib.h>
#include <string.h>

#include "pd_report.h"

#define NSHAPE	2	/* PTO_CORE_TYPE_AIC, PTO_CORE_TYPE_AIV */

struct ev {
	double t;
	int8_t shape, wait, d;	/* wait: 0 running row, 1 ready task */
};

static int cmp_ev(const void *a, const void *b)
{
	double x = ((const struct ev *)a)->t, y = ((const struct ev *)b)->t;

	return (x > y) - (x < y);
}

static double clip(double t, double a, double b)
{
	return t < a ? a : t > b ? b : t;
}

struct verdict {
	double w0, w1, over[NSHAPE], all, has;
	unsigned int cores[NSHAPE];
};

static int add(struct ev **v, size_t *n, size_t *cap, double a, double b,
	       int shape, int wait)
{
	if (b <= a)
		return 0;
	if (*n + 2 > *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct ev *p = realloc(*v, nc * sizeof(*p));

		if (!p)
			return -1;
		*v = p;
		*cap = nc;
	}
	(*v)[(*n)++] = (struct ev){ a, (int8_t)shape, (int8_t)wait, 1 };
	(*v)[(*n)++] = (struct ev){ b, (int8_t)shape, (int8_t)wait, -1 };
	return 0;
}

/* Ready time of group gi: its last recorded producer's end, or -1. */
static double ready_at(const struct pd_deps *d, const struct pd_group *g,
		       size_t ng, size_t gi)
{
	double r = -1;
	size_t lo, hi, e;

	pd_deps_preds(d, g[gi].id, &lo, &hi);
	for (e = lo; e < hi; e++) {
		long p = pd_group_find(g, ng, d->e[d->by_succ[e]].pred);

		if (p >= 0 && g[p].end > r)
			r = g[p].end;
	}
	return r;
}

static int events(const struct pd_model *m, const struct pd_deps *d,
		  const struct pd_group *g, size_t ng, struct verdict *vd,
		  struct ev **v, size_t *n)
{
	uint8_t *seen = calloc(65536, 1);
	size_t i, cap = 0;
	uint32_t k;

	if (!seen)
		return -1;
	for (i = 0; i < m->ntasks; i++) {
		const struct pd_task *t = &m->tasks[i];
		int sh = t->core_type == PTO_CORE_TYPE_AIC ? 0 : 1;

		if (!seen[t->core_id]++)
			vd->cores[sh]++;
		if (add(v, n, &cap, clip(t->start, vd->w0, vd->w1),
			clip(t->end, vd->w0, vd->w1), sh, 0))
			goto fail;
	}
	for (i = 0; i < ng; i++) {
		double r = ready_at(d, g, ng, i), disp = g[i].dispatch;
		int shapes = 0;

		if (!g[i].life || r < 0)
			continue;
		for (k = 0; k < g[i].n; k++)
			shapes |= m->tasks[g[i].first + k].core_type ==
				  PTO_CORE_TYPE_AIC ? 1 : 2;
		for (k = 0; k < NSHAPE; k++)
			if ((shapes >> k & 1) &&
			    add(v, n, &cap, clip(r, vd->w0, vd->w1),
				clip(disp, vd->w0, vd->w1), (int)k, 1))
				goto fail;
	}
	free(seen);
	return 0;
fail:
	free(seen);
	return -1;
}

static void sweep(struct verdict *vd, struct ev *v, size_t n)
{
	int run[NSHAPE] = { 0 }, wait[NSHAPE] = { 0 };
	size_t i = 0, j;

	if (pd_radix_dbl(v, n, sizeof(*v)))
		pd_sort(v, n, sizeof(*v), cmp_ev);
	while (i < n) {
		int over = 0, any = 0, all = 1, has = 1;
		double len;

		for (j = i; j < n && v[j].t == v[i].t; j++)
			(v[j].wait ? wait : run)[v[j].shape] += v[j].d;
		if (j == n)
			break;
		len = v[j].t - v[i].t;
		for (int s = 0; s < NSHAPE; s++) {
			int idle = (int)vd->cores[s] - run[s] > 0;

			if (!vd->cores[s])
				continue;
			over = idle && wait[s] > 0;
			if (over)
				vd->over[s] += len;
			all &= over;
			if (wait[s] > 0) {
				any = 1;
				has &= idle;
			}
		}
		if (all)
			vd->all += len;
		if (any && has)
			vd->has += len;
		i = j;
	}
}

static void row(const struct pd_table *t, const char *name,
		unsigned int cores, double us, double window)
{
	char c[3][32];
	const char *cp[4] = { name, c[0], c[1], c[2] };

	if (cores)
		snprintf(c[0], 32, "%u", cores);
	else
		strcpy(c[0], "-");
	snprintf(c[1], 32, "%.3f", us);
	snprintf(c[2], 32, "%.2f", window > 0 ? us / window * 100 : 0.0);
	pd_table_row(t, cp);
}

void pd_report_verdict(const struct pd_out *o, const struct pd_model *m,
		       const struct pd_deps *deps, const struct pd_group *g,
		       size_t ng)
{
	static const char *const head[] = { "Shape", "Cores", "Overhead(us)",
					    "Overhead%" };
	static const int w[] = { -6, 6, 14, 10 };
	struct pd_table t = { o->f, o->md, 4, w };
	struct verdict vd = { 0 };
	struct ev *v = NULL;
	double win, pct;
	size_t i, n = 0;
	int life = 0;

	pd_heading(o, "Overhead Verdict");
	for (i = 0; i < ng; i++) {
		if (!g[i].life)
			continue;
		if (!life || g[i].dispatch < vd.w0)
			vd.w0 = g[i].dispatch;
		if (!life || g[i].finish > vd.w1)
			vd.w1 = g[i].finish;
		life = 1;
	}
	if (!life || !deps) {
		pd_line(o, "(%s)", !life ? "needs dispatch/finish times: record "
			"at level >= 2" : "no deps.json: readiness unknown");
		return;
	}
	if (events(m, deps, g, ng, &vd, &v, &n)) {
		free(v);
		pd_line(o, "(out of memory)");
		return;
	}
	sweep(&vd, v, n);
	free(v);
	win = vd.w1 - vd.w0;
	pd_line(o, "Window %.3f us (first dispatch to last finish). A shape is "
		"overhead while one of its cores is idle and a task of that "
		"shape is ready (its last producer ended) but not dispatched; "
		"a MIX task waits on both shapes.", win);
	pd_table_head(&t, head);
	if (vd.cores[0])
		row(&t, "AIC", vd.cores[0], vd.over[0], win);
	if (vd.cores[1])
		row(&t, "AIV", vd.cores[1], vd.over[1], win);
	row(&t, "all", 0, vd.all, win);
	row(&t, "has", 0, vd.has, win);
	pd_table_end(&t);
	pct = win > 0 ? vd.has / win * 100 : 0;
	pd_line(o, "Verdict: %s (\"has\" = %.1f%% of the window: every shape "
		"with ready work had an idle core)", pct >= 20 ?
		"SCHEDULER-BOUND: free cores sat beside ready work" :
		pct >= 5 ? "MIXED: some reducible scheduler overhead" :
		"COMPUTE/DEPENDENCY-BOUND: little reducible scheduler overhead",
		pct);
}
