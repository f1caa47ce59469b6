// SPDX-License-Identifier: MIT
/*
 * ptodump report, "PMU Counters by Function": the mean of every counter
 * column of pmu.csv (pd_pmu.h) per function, over the tasks whose cell
 * holds a value (an empty cell is a counter that was not counted for that
 * task).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_pmu.h"
#include "pd_report.h"
#include "ptodump.h"

#define PMU_COLS	(2 + PTO_PMU_SLOTS)	/* function, tasks, counters */

struct pmu_func {
	uint32_t id;
	uint64_t tasks;
	double sum[PTO_PMU_SLOTS];
	uint64_t n[PTO_PMU_SLOTS];
};

static int func_cmp(const void *a, const void *b)
{
	const struct pmu_func *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

/* Per function sums of p's rows (sorted by id) into *out; -ENOMEM. */
static int per_func(const struct pd_pmu *p, struct pmu_func **out, size_t *nf)
{
	struct pmu_func *f = NULL, key;
	size_t n = 0, cap = 0, i;
	unsigned int k;

	for (i = 0; i < p->n; i++) {
		const struct pd_pmu_row *r = &p->row[i];
		struct pmu_func *g;

		key.id = r->func;
		g = n ? bsearch(&key, f, n, sizeof(*f), func_cmp) : NULL;
		if (!g) {
			if (n == cap) {
				cap = cap ? 2 * cap : 16;
				g = realloc(f, cap * sizeof(*f));
				if (!g) {
					free(f);
					return -ENOMEM;
				}
				f = g;
			}
			g = &f[n++];
			*g = (struct pmu_func){ .id = r->func };
			qsort(f, n, sizeof(*f), func_cmp);
			g = bsearch(&key, f, n, sizeof(*f), func_cmp);
		}
		g->tasks++;
		for (k = 0; k < p->ncnt; k++)
			if (r->mask >> k & 1) {
				g->sum[k] += (double)r->v[k];
				g->n[k]++;
			}
	}
	*out = f;
	*nf = n;
	return 0;
}

static void print_table(const struct pd_out *o, const struct pd_pmu *p,
			const struct pmu_func *f, size_t nf,
			const struct pd_names *names)
{
	static const int w[PMU_COLS] = { -24, 7, 16, 16, 16, 16, 16, 16, 16,
					 16, 16, 16, 16, 16 };
	const struct pd_table tb = { o->f, o->md, 2 + p->ncnt, w };
	const char *cell[PMU_COLS];
	char buf[PMU_COLS][32];
	unsigned int k;
	size_t i;

	cell[0] = "Function";
	cell[1] = "Tasks";
	for (k = 0; k < p->ncnt; k++)
		cell[2 + k] = p->name[k];
	pd_table_head(&tb, cell);
	for (i = 0; i < nf; i++) {
		const char *nm = pd_names_get(names, f[i].id);

		if (nm)
			snprintf(buf[0], sizeof(buf[0]), "%s", nm);
		else
			snprintf(buf[0], sizeof(buf[0]), "func_%" PRIu32,
				 f[i].id);
		snprintf(buf[1], sizeof(buf[1]), "%" PRIu64, f[i].tasks);
		for (k = 0; k < p->ncnt; k++) {
			if (f[i].n[k])
				snprintf(buf[2 + k], sizeof(buf[0]), "%.1f",
					 f[i].sum[k] / (double)f[i].n[k]);
			else
				snprintf(buf[2 + k], sizeof(buf[0]), "-");
		}
		for (k = 0; k < 2 + p->ncnt; k++)
			cell[k] = buf[k];
		pd_table_row(&tb, cell);
	}
	pd_table_end(&tb);
}

int pd_report_pmu(const struct pd_out *o, const char *csv, int given,
		  const struct pd_names *names)
{
	struct pmu_func *f = NULL;
	struct pd_pmu p;
	size_t nf = 0;
	int r = pd_pmu_load(&p, csv);

	if (r == -ENOENT) {
		pd_pmu_free(&p);
		if (given)
			pd_err("%s: %s", csv, strerror(ENOENT));
		return given ? r : 0;
	}
	if (!r)
		r = per_func(&p, &f, &nf);
	if (!r) {
		pd_heading(o, "PMU Counters by Function (mean per task)");
		if (!p.ncnt)
			pd_line(o, "no counter could be opened (see the "
				"run's warnings)");
		print_table(o, &p, f, nf, names);
	}
	free(f);
	pd_pmu_free(&p);
	return r;
}
