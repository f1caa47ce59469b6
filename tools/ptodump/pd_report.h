/* SPDX-License-Identifier: MIT */
/*
 * The analyses of ptodump report, each printed to a stream:
 *   per-function table   (REFERENCE E.1 "Task Statistics by Function")
 *   scheduler overhead   (E.2: phase shares, loop statistics, pops/edges)
 *   critical path        (longest weighted path through deps.json)
 * and the analyses that write text or Markdown through struct pd_out:
 *   head/tail percentiles per function, the head-overhead split
 *   (propagation/local) per function, AICore switch per core, the
 *   overhead verdict per shape, the critical-path blame.
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

/* ---- text or Markdown ------------------------------------------------ */

struct pd_out {
	FILE *f;
	int md;			/* Markdown, else plain text */
};

/* "=== title ===" or "## title". */
void pd_heading(const struct pd_out *o, const char *title);
/* A line of prose ("- " bullet in Markdown). */
void pd_line(const struct pd_out *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

struct pd_table {
	FILE *f;
	int md;
	unsigned int ncol;
	const int *width;	/* text column widths; < 0: left-aligned */
};

void pd_table_head(const struct pd_table *t, const char *const *names);
void pd_table_row(const struct pd_table *t, const char *const *cells);
void pd_table_end(const struct pd_table *t);

/* qsort comparator of doubles; v[min(n * p / 100, n - 1)] of sorted v. */
int pd_cmp_dbl(const void *a, const void *b);
double pd_percentile(const double *v, size_t n, int p);
/* v in the order of pd_cmp_dbl, stably (a radix sort; as qsort). */
void pd_sort_dbl(double *v, size_t n);

void pd_report_ohpct(const struct pd_out *o, const struct pd_model *m,
		     const struct pd_names *names);
void pd_report_head(const struct pd_out *o, const struct pd_model *m,
		    const struct pd_names *names);
void pd_report_switch(const struct pd_out *o, const struct pd_model *m);
void pd_report_verdict(const struct pd_out *o, const struct pd_model *m,
		       const struct pd_deps *deps, const struct pd_group *g,
		       size_t ng);
void pd_report_blame(const struct pd_out *o, const struct pd_model *m,
		     const struct pd_deps *deps, const struct pd_group *g,
		     size_t ng, const struct pd_names *names);

/*
 * PMU counters per function from the pmu.csv at csv (mean per task). A
 * missing file prints nothing and returns 0 unless the user named it
 * (given); a malformed one is a warning and -EINVAL; an open error is
 * printed and its -errno returned.
 */
int pd_report_pmu(const struct pd_out *o, const char *csv, int given,
		  const struct pd_names *names);

#endif /* PD_REPORT_H */
