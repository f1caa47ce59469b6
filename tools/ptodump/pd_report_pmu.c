// SPDX-License-Identifier: MIT
/*
 * ptodump report, "PMU Counters by Function": the mean of every counter
 * column of pmu.csv (the run's PMU records, libpto's prof_export_pmu.c)
 * per function, over the tasks whose cell holds a value (an empty cell is
 * a counter that was not counted for that task).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_report.h"
#include "ptodump.h"
#include "pto_prof.h"

#define PMU_FIXED	5	/* thread,core,core_type,task,func */
#define PMU_MAX_COLS	(PMU_FIXED + PTO_PMU_SLOTS)

struct pmu_func {
	uint32_t id;
	uint64_t tasks;
	double sum[PTO_PMU_SLOTS];
	uint64_t n[PTO_PMU_SLOTS];
};

struct pmu_table {
	char *name[PTO_PMU_SLOTS];	/* counter column names */
	unsigned int ncnt;
	struct pmu_func *f;
	size_t nf, cap;
};

/* Splits line at commas in place; the number of fields (at most max). */
static unsigned int split(char *line, char **field, unsigned int max)
{
	unsigned int n = 0;

	line[strcspn(line, "\r\n")] = 0;
	while (n < max) {
		field[n++] = line;
		line = strchr(line, ',');
		if (!line)
			break;
		*line++ = 0;
	}
	return line ? max + 1 : n;
}

static struct pmu_func *func_of(struct pmu_table *t, uint32_t id)
{
	size_t i;

	for (i = 0; i < t->nf; i++)
		if (t->f[i].id == id)
			return &t->f[i];
	if (t->nf == t->cap) {
		size_t cap = t->cap ? 2 * t->cap : 16;
		struct pmu_func *f = realloc(t->f, cap * sizeof(*f));

		if (!f)
			return NULL;
		t->f = f;
		t->cap = cap;
	}
	memset(&t->f[t->nf], 0, sizeof(t->f[0]));
	t->f[t->nf].id = id;
	return &t->f[t->nf++];
}

/* One data row into t; what is wrong with it, or NULL. */
static const char *take_row(struct pmu_table *t, char *line)
{
	char *field[PMU_MAX_COLS], *end;
	struct pmu_func *f;
	unsigned long long id;
	unsigned int i;

	if (split(line, field, PMU_MAX_COLS) != PMU_FIXED + t->ncnt)
		return "wrong number of fields";
	errno = 0;
	id = strtoull(field[4], &end, 10);
	if (errno || *end || !*field[4] || id > UINT32_MAX)
		return "bad func";
	f = func_of(t, (uint32_t)id);
	if (!f)
		return "out of memory";
	f->tasks++;
	for (i = 0; i < t->ncnt; i++) {
		const char *c = field[PMU_FIXED + i];

		if (!*c)
			continue;	/* not counted for this task */
		f->sum[i] += strtod(c, &end);
		if (*end)
			return "bad counter value";
		f->n[i]++;
	}
	return NULL;
}

/* The header's counter names into t; what is wrong, or NULL. */
static const char *take_head(struct pmu_table *t, char *line)
{
	char *field[PMU_MAX_COLS];
	unsigned int n = split(line, field, PMU_MAX_COLS), i;

	if (n < PMU_FIXED || n > PMU_MAX_COLS ||
	    strcmp(field[0], "thread") || strcmp(field[4], "func"))
		return "not a pmu.csv header";
	t->ncnt = n - PMU_FIXED;
	for (i = 0; i < t->ncnt; i++) {
		t->name[i] = strdup(field[PMU_FIXED + i]);
		if (!t->name[i])
			return "out of memory";
	}
	return NULL;
}

static void print_table(const struct pd_out *o, const struct pmu_table *t,
			const struct pd_names *names)
{
	static const int w[PMU_MAX_COLS] = { -24, 7, 16, 16, 16, 16, 16, 16,
					     16, 16, 16, 16, 16, 16 };
	const struct pd_table tb = { o->f, o->md, 2 + t->ncnt, w };
	const char *cell[PMU_MAX_COLS];
	char buf[PMU_MAX_COLS][32];
	size_t i;
	unsigned int k;

	cell[0] = "Function";
	cell[1] = "Tasks";
	for (k = 0; k < t->ncnt; k++)
		cell[2 + k] = t->name[k];
	pd_table_head(&tb, cell);
	for (i = 0; i < t->nf; i++) {
		const struct pmu_func *f = &t->f[i];
		const char *nm = pd_names_get(names, f->id);

		if (nm)
			snprintf(buf[0], sizeof(buf[0]), "%s", nm);
		else
			snprintf(buf[0], sizeof(buf[0]), "func_%" PRIu32,
				 f->id);
		snprintf(buf[1], sizeof(buf[1]), "%" PRIu64, f->tasks);
		for (k = 0; k < t->ncnt; k++) {
			if (f->n[k])
				snprintf(buf[2 + k], sizeof(buf[0]), "%.1f",
					 f->sum[k] / (double)f->n[k]);
			else
				snprintf(buf[2 + k], sizeof(buf[0]), "-");
		}
		for (k = 0; k < 2 + t->ncnt; k++)
			cell[k] = buf[k];
		pd_table_row(&tb, cell);
	}
	pd_table_end(&tb);
}

static int func_cmp(const void *a, const void *b)
{
	const struct pmu_func *x = a, *y = b;

	return x->id < y->id ? -1 : x->id > y->id;
}

int pd_report_pmu(const struct pd_out *o, const char *csv, int given,
		  const struct pd_names *names)
{
	struct pmu_table t = { .ncnt = 0 };
	FILE *f = fopen(csv, "r");
	const char *why = NULL;
	char line[1024];
	unsigned long ln = 1;
	unsigned int k;

	if (!f && (given || errno != ENOENT)) {
		pd_err("%s: %s", csv, strerror(errno));
		return -errno;
	}
	if (!f)
		return 0;
	if (!fgets(line, sizeof(line), f))
		why = "empty";
	else
		why = take_head(&t, line);
	while (!why && fgets(line, sizeof(line), f) && ++ln)
		why = take_row(&t, line);
	fclose(f);
	if (why) {
		pd_warn("%s:%lu: %s; no PMU section", csv, ln, why);
	} else {
		qsort(t.f, t.nf, sizeof(*t.f), func_cmp);
		pd_heading(o, "PMU Counters by Function (mean per task)");
		if (!t.ncnt)
			pd_line(o, "no counter could be opened (see the "
				"run's warnings)");
		print_table(o, &t, names);
	}
	for (k = 0; k < t.ncnt; k++)
		free(t.name[k]);
	free(t.f);
	return why ? -EINVAL : 0;
}
