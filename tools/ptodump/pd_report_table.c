// SPDX-License-Identifier: MIT
/*
 * Output shapes of the report sections: a heading, a line of prose and a
 * table, in plain text (fixed-width columns) or Markdown (pipe tables);
 * and the percentile rule the sections share.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "pd_report.h"

void pd_heading(const struct pd_out *o, const char *title)
{
	if (o->md)
		fprintf(o->f, "\n## %s\n\n", title);
	else
		fprintf(o->f, "\n=== %s ===\n", title);
}

void pd_line(const struct pd_out *o, const char *fmt, ...)
{
	va_list ap;

	if (o->md)
		fputs("- ", o->f);
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputc('\n', o->f);
}

static void cells(const struct pd_table *t, const char *const *c)
{
	unsigned int i;

	for (i = 0; i < t->ncol; i++) {
		int w = t->width[i];

		if (t->md)
			fprintf(t->f, "| %s ", c[i]);
		else if (i + 1 == t->ncol && w < 0)	/* no trailing blanks */
			fprintf(t->f, "%s%s", i ? " " : "", c[i]);
		else
			fprintf(t->f, "%s%*s", i ? " " : "", w, c[i]);
	}
	fputs(t->md ? "|\n" : "\n", t->f);
}

void pd_table_head(const struct pd_table *t, const char *const *names)
{
	unsigned int i;

	if (t->md)
		fputc('\n', t->f);
	cells(t, names);
	if (!t->md)
		return;
	for (i = 0; i < t->ncol; i++)
		fputs(t->width[i] < 0 ? "|---" : "|---:", t->f);
	fputs("|\n", t->f);
}

void pd_table_row(const struct pd_table *t, const char *const *c)
{
	cells(t, c);
}

void pd_table_end(const struct pd_table *t)
{
	if (t->md)
		fputc('\n', t->f);
}

int pd_cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

void pd_sort_dbl(double *v, size_t n)
{
	if (pd_radix_dbl(v, n, sizeof(*v)))
		pd_sort(v, n, sizeof(*v), pd_cmp_dbl);
}

double pd_percentile(const double *v, size_t n, int p)
{
	size_t k = n * (size_t)p / 100;

	return v[k < n ? k : n - 1];
}
