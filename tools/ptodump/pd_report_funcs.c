// SPDX-License-Identifier: MIT
/*
 * Per-function table. Every row (each MIX subtask) counts. Exec =
 * end - start; head overhead = start - dispatch; tail overhead = finish -
 * end; latency = finish - dispatch; Exec% = sum(exec) / sum(latency).
 * The overhead columns use the rows that carry lifecycle times (finish >
 * 0); without any they read "-".
 */
#include <float.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pd_report.h"

struct fstat {
	uint32_t func_id;
	size_t n, nlife;
	double exec, exec_min, exec_max;
	double head, tail, lat, life_exec;
};

static void row(FILE *f, const char *id, const char *name,
		const struct fstat *s)
{
	fprintf(f, "%-8s %-24.24s %8zu %12.3f %12.3f %12.3f", id, name, s->n,
		s->n ? s->exec / (double)s->n : 0.0, s->exec_min, s->exec_max);
	if (s->nlife)
		fprintf(f, " %12.3f %7.2f %12.3f %12.3f\n",
			s->lat / (double)s->nlife,
			s->lat > 0 ? s->life_exec / s->lat * 100.0 : 0.0,
			s->head / (double)s->nlife, s->tail / (double)s->nlife);
	else
		fprintf(f, " %12s %7s %12s %12s\n", "-", "-", "-", "-");
}

static void add(struct fstat *s, const struct pd_task *t)
{
	double exec = t->end - t->start;

	if (!s->n || exec < s->exec_min)
		s->exec_min = exec;
	if (!s->n || exec > s->exec_max)
		s->exec_max = exec;
	s->n++;
	s->exec += exec;
	if (t->finish > 0) {
		s->nlife++;
		s->life_exec += exec;
		s->head += t->start - t->dispatch;
		s->tail += t->finish - t->end;
		s->lat += t->finish - t->dispatch;
	}
}

void pd_report_funcs(FILE *f, const struct pd_model *m,
		     const struct pd_names *names)
{
	struct fstat *v, total = { 0 };
	uint32_t *idx;
	double first = DBL_MAX, last = -DBL_MAX;
	size_t i, n = 0;
	char rule[111];

	memset(rule, '=', 110);
	rule[110] = 0;
	fprintf(f, "%s\nTask Statistics by Function\n"
		"Exec = kernel time on AICore; Latency = dispatch->finish "
		"(incl. head OH + Exec + tail OH)\n%s\n", rule, rule);
	v = calloc(m->ntasks ? m->ntasks : 1, sizeof(*v));
	idx = pd_rows_by_func(m);
	if (!v || !idx) {
		free(v);
		free(idx);
		fprintf(f, "(out of memory)\n");
		return;
	}
	for (i = 0; i < m->ntasks; i++) {
		const struct pd_task *t = &m->tasks[idx[i]];

		if (!n || v[n - 1].func_id != t->func_id)
			v[n++].func_id = t->func_id;
		add(&v[n - 1], t);
		add(&total, t);
		if (t->finish > 0) {
			if (t->dispatch < first)
				first = t->dispatch;
			if (t->finish > last)
				last = t->finish;
		}
	}
	free(idx);
	fprintf(f, "%-8s %-24s %8s %12s %12s %12s %12s %7s %12s %12s\n",
		"Func_ID", "Func_Name", "Count", "Avg Exec(us)", "Min Exec(us)",
		"Max Exec(us)", "Avg Lat(us)", "Exec%", "Avg Head(us)",
		"Avg Tail(us)");
	for (i = 0; i < n; i++) {
		const char *name = pd_names_get(names, v[i].func_id);
		char id[16];

		snprintf(id, sizeof(id), "%" PRIu32, v[i].func_id);
		row(f, id, name ? name : "-", &v[i]);
	}
	row(f, "TOTAL", "", &total);
	if (last >= first)
		fprintf(f, "Total Test Time: %.3f us (from earliest dispatch to "
			"latest finish)\n", last - first);
	free(v);
}
