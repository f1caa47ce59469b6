// SPDX-License-Identifier: MIT
/*
 * pmu.csv read back (pd_pmu.h): "thread,core,core_type,task,func," then
 * the counter columns; an empty cell is a counter not counted for that
 * task.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pd_pmu.h"
#include "ptodump.h"

#define PMU_FIXED	5	/* thread,core,core_type,task,func */
#define PMU_MAX_COLS	(PMU_FIXED + PTO_PMU_SLOTS)

/* Splits line at commas in place; the number of fields, max + 1 when
 * there are more than max.
 */
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

/* A whole decimal field into *v; 0 or -1. */
static int field_u64(const char *s, uint64_t *v)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

/* The header's counter names into p; what is wrong, or NULL. */
static const char *take_head(struct pd_pmu *p, char *line)
{
	char *field[PMU_MAX_COLS];
	unsigned int n = split(line, field, PMU_MAX_COLS), i;

	if (n < PMU_FIXED || n > PMU_MAX_COLS ||
	    strcmp(field[0], "thread") || strcmp(field[4], "func"))
		return "not a pmu.csv header";
	p->ncnt = n - PMU_FIXED;
	for (i = 0; i < p->ncnt; i++) {
		p->name[i] = strdup(field[PMU_FIXED + i]);
		p->key[i] = malloc(strlen(field[PMU_FIXED + i]) + 5);
		if (!p->name[i] || !p->key[i])
			return "out of memory";
		sprintf(p->key[i], "pmu.%s", p->name[i]);
	}
	return NULL;
}

/* One data row into p; what is wrong with it, or NULL. */
static const char *take_row(struct pd_pmu *p, char *line)
{
	char *field[PMU_MAX_COLS];
	struct pd_pmu_row *r;
	uint64_t core, func;
	unsigned int i;

	if (split(line, field, PMU_MAX_COLS) != PMU_FIXED + p->ncnt)
		return "wrong number of fields";
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 256;

		r = realloc(p->row, cap * sizeof(*r));
		if (!r)
			return "out of memory";
		p->row = r;
		p->cap = cap;
	}
	r = &p->row[p->n];
	memset(r, 0, sizeof(*r));
	if (field_u64(field[1], &core) || core > UINT32_MAX ||
	    field_u64(field[3], &r->task) || field_u64(field[4], &func) ||
	    func > UINT32_MAX)
		return "bad core, task or func";
	r->core = (uint32_t)core;
	r->func = (uint32_t)func;
	for (i = 0; i < p->ncnt; i++) {
		if (!*field[PMU_FIXED + i])
			continue;	/* not counted for this task */
		if (field_u64(field[PMU_FIXED + i], &r->v[i]))
			return "bad counter value";
		r->mask |= 1u << i;
	}
	p->n++;
	return NULL;
}

static int row_cmp(const void *a, const void *b)
{
	const struct pd_pmu_row *x = a, *y = b;

	if (x->task != y->task)
		return x->task < y->task ? -1 : 1;
	return x->core < y->core ? -1 : x->core > y->core;
}

int pd_pmu_load(struct pd_pmu *p, const char *path)
{
	FILE *f = fopen(path, "r");
	const char *why;
	char line[1024];
	unsigned long ln = 1;

	memset(p, 0, sizeof(*p));
	if (!f && errno == ENOENT)
		return -ENOENT;
	if (!f) {
		pd_err("%s: %s", path, strerror(errno));
		return -errno;
	}
	why = fgets(line, sizeof(line), f) ? take_head(p, line) : "empty";
	while (!why && fgets(line, sizeof(line), f) && ++ln)
		why = take_row(p, line);
	fclose(f);
	if (why) {
		pd_warn("%s:%lu: %s", path, ln, why);
		return strcmp(why, "out of memory") ? -EINVAL : -ENOMEM;
	}
	qsort(p->row, p->n, sizeof(*p->row), row_cmp);
	return 0;
}

void pd_pmu_free(struct pd_pmu *p)
{
	unsigned int i;

	for (i = 0; i < PTO_PMU_SLOTS; i++) {
		free(p->name[i]);
		free(p->key[i]);
	}
	free(p->row);
	memset(p, 0, sizeof(*p));
}

const struct pd_pmu_row *pd_pmu_find(const struct pd_pmu *p, uint64_t task,
				     uint32_t core)
{
	struct pd_pmu_row k = { .task = task, .core = core };

	return p->n ? bsearch(&k, p->row, p->n, sizeof(k), row_cmp) : NULL;
}
