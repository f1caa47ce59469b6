// SPDX-License-Identifier: MIT
/*
 * Three per-row overhead analyses of ptodump report:
 *   head/tail percentiles per function: head OH = start - dispatch, tail
 *     OH = finish - end, over the rows carrying lifecycle times
 *     (finish > 0), P10..P99 by the nearest-rank-below rule
 *     (v[min(n * p / 100, n - 1)] of the sorted values) and the maximum;
 *   head-overhead split per function: head OH splits at the AICore's
 *     receive time (when it read the task from its DATA register) into
 *     propagation (receive - dispatch) and local setup (start - receive),
 *     over the same rows, when the records carry receive times at all
 *     (some row's receive > 0; a receive of 0 is then the time base);
 *   AICore switch per core: rows in start order; each gap from a row's
 *     end to the next row's start (rows that overlap are no switch) is a
 *     switch, split into waiting for dispatch (the part before the next
 *     row's dispatch) and pickup (dispatch, or the previous end, to
 *     start) when the core's rows all carry lifecycle times.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "pd_report.h"

static const int pcts[] = { 10, 25, 50, 75, 90, 95, 99 };
#define NPCT	(sizeof(pcts) / sizeof(pcts[0]))

static const int pct_w[] = { -8, -24, -4, 8, 10, 10, 10, 10, 10, 10, 10,
			     10 };

static void pct_row(const struct pd_table *t, const char *id,
		    const char *name, const char *what, double *v, size_t n)
{
	char cell[NPCT + 2][32], count[24];
	const char *c[12] = { id, name, what, count };
	size_t i;

	if (!n)
		return;
	pd_sort_dbl(v, n);
	snprintf(count, sizeof(count), "%zu", n);
	for (i = 0; i < NPCT; i++) {
		snprintf(cell[i], sizeof(cell[i]), "%.3f",
			 pd_percentile(v, n, pcts[i]));
		c[4 + i] = cell[i];
	}
	snprintf(cell[NPCT], sizeof(cell[NPCT]), "%.3f", v[n - 1]);
	c[4 + NPCT] = cell[NPCT];
	pd_table_row(t, c);
}

void pd_report_ohpct(const struct pd_out *o, const struct pd_model *m,
		     const struct pd_names *names)
{
	static const char *const head[] = { "Func_ID", "Func_Name", "OH",
		"Count", "P10", "P25", "P50", "P75", "P90", "P95", "P99",
		"Max" };
	struct pd_table t = { o->f, o->md, 12, pct_w };
	size_t n = m->ntasks ? m->ntasks : 1, i, j, k, nh = 0, nt = 0;
	double *h = malloc(n * sizeof(*h)), *tl = malloc(n * sizeof(*tl));
	double *ah = malloc(n * sizeof(*ah)), *at = malloc(n * sizeof(*at));
	uint32_t *idx = pd_rows_by_func(m);

	pd_heading(o, "Head / Tail Overhead Percentiles");
	if (!h || !tl || !ah || !at || !idx) {
		pd_line(o, "(out of memory)");
		goto out;
	}
	pd_line(o, "Head OH = start - dispatch, Tail OH = finish - end (us), "
		"rows with dispatch/finish times");
	pd_table_head(&t, head);
	for (i = 0; i < m->ntasks; i = j) {
		uint32_t f = m->tasks[idx[i]].func_id;
		const char *name = pd_names_get(names, f);
		char id[16];

		for (j = i, k = 0; j < m->ntasks &&
		     m->tasks[idx[j]].func_id == f; j++) {
			const struct pd_task *r = &m->tasks[idx[j]];

			if (r->finish <= 0)
				continue;
			h[k] = ah[nh++] = r->start - r->dispatch;
			tl[k++] = at[nt++] = r->finish - r->end;
		}
		snprintf(id, sizeof(id), "%" PRIu32, f);
		pct_row(&t, id, name ? name : "-", "head", h, k);
		pct_row(&t, id, name ? name : "-", "tail", tl, k);
	}
	pct_row(&t, "ALL", "-", "head", ah, nh);
	pct_row(&t, "ALL", "-", "tail", at, nt);
	pd_table_end(&t);
	if (!nh)
		pd_line(o, "(no dispatch/finish times: record at level >= 2)");
out:
	free(h);
	free(tl);
	free(ah);
	free(at);
	free(idx);
}

struct head_sum {
	size_t n;
	double head, prop, local;
};

static const int head_w[] = { -8, -24, 8, 12, 12, 12, 7 };

static void head_row(const struct pd_table *t, const char *id,
		     const char *name, const struct head_sum *s)
{
	char c[5][32];
	const char *cp[7] = { id, name, c[0], c[1], c[2], c[3], c[4] };
	double n = (double)s->n;

	if (!s->n)
		return;
	snprintf(c[0], 32, "%zu", s->n);
	snprintf(c[1], 32, "%.3f", s->head / n);
	snprintf(c[2], 32, "%.3f", s->prop / n);
	snprintf(c[3], 32, "%.3f", s->local / n);
	snprintf(c[4], 32, "%.2f", s->head > 0 ? s->prop / s->head * 100 : 0.0);
	pd_table_row(t, cp);
}

static void head_add(struct head_sum *s, const struct pd_task *r)
{
	s->n++;
	s->head += r->start - r->dispatch;
	s->prop += r->receive - r->dispatch;
	s->local += r->start - r->receive;
}

void pd_report_head(const struct pd_out *o, const struct pd_model *m,
		    const struct pd_names *names)
{
	static const char *const head[] = { "Func_ID", "Func_Name", "Count",
		"Avg Head(us)", "Avg Prop(us)", "Avg Local(us)", "Prop%" };
	struct pd_table t = { o->f, o->md, 7, head_w };
	struct head_sum all = { 0 };
	uint32_t *idx;
	size_t i, j;

	pd_heading(o, "Head Overhead Split by Function");
	for (i = 0; i < m->ntasks && !(m->tasks[i].receive > 0); i++)
		;
	if (i == m->ntasks) {
		pd_line(o, "(no receive times: records before ABI 1.2)");
		return;
	}
	idx = pd_rows_by_func(m);
	if (!idx) {
		pd_line(o, "(out of memory)");
		return;
	}
	pd_line(o, "Head OH = start - dispatch = Prop (receive - dispatch) + "
		"Local (start - receive) (us), rows with dispatch/finish "
		"times");
	pd_table_head(&t, head);
	for (i = 0; i < m->ntasks; i = j) {
		uint32_t f = m->tasks[idx[i]].func_id;
		const char *name = pd_names_get(names, f);
		struct head_sum s = { 0 };
		char id[16];

		for (j = i; j < m->ntasks && m->tasks[idx[j]].func_id == f;
		     j++) {
			const struct pd_task *r = &m->tasks[idx[j]];

			if (r->finish <= 0)
				continue;
			head_add(&s, r);
			head_add(&all, r);
		}
		snprintf(id, sizeof(id), "%" PRIu32, f);
		head_row(&t, id, name ? name : "-", &s);
	}
	head_row(&t, "ALL", "-", &all);
	pd_table_end(&t);
	if (!all.n)
		pd_line(o, "(no dispatch/finish times: record at level >= 2)");
	free(idx);
}

struct core_sw {
	uint32_t core, rows, switches;
	uint8_t type, life;
	double busy, gap, wait, pickup;
};

static void switch_row(const struct pd_table *t, const struct core_sw *s,
		       double window)
{
	char c[10][32];
	const char *cp[10];
	unsigned int i;

	snprintf(c[0], 32, "%" PRIu32, s->core);
	snprintf(c[1], 32, "%s", s->type == PTO_CORE_TYPE_AIC ? "AIC" : "AIV");
	snprintf(c[2], 32, "%" PRIu32, s->rows);
	snprintf(c[3], 32, "%.3f", s->busy);
	snprintf(c[4], 32, "%.2f", window > 0 ? s->busy / window * 100 : 0.0);
	snprintf(c[5], 32, "%" PRIu32, s->switches);
	snprintf(c[6], 32, "%.3f", s->gap);
	snprintf(c[7], 32, "%.3f", s->switches ? s->gap / s->switches : 0.0);
	if (s->life) {
		snprintf(c[8], 32, "%.3f", s->wait);
		snprintf(c[9], 32, "%.3f", s->pickup);
	} else {
		strcpy(c[8], "-");
		strcpy(c[9], "-");
	}
	for (i = 0; i < 10; i++)
		cp[i] = c[i];
	pd_table_row(t, cp);
}

void pd_report_switch(const struct pd_out *o, const struct pd_model *m)
{
	static const char *const head[] = { "Core", "Shape", "Tasks",
		"Busy(us)", "Busy%", "Switches", "Switch(us)", "Mean(us)",
		"WaitDisp(us)", "Pickup(us)" };
	static const int w[] = { -5, -5, 8, 12, 7, 9, 12, 10, 13, 11 };
	struct pd_table t = { o->f, o->md, 10, w };
	uint32_t *idx = pd_rows_by_core(m);
	double t0 = 0, t1 = 0;
	struct core_sw s;
	size_t i;

	pd_heading(o, "AICore Switch per Core");
	if (!idx) {
		pd_line(o, "(out of memory)");
		return;
	}
	for (i = 0; i < m->ntasks; i++) {
		if (!i || m->tasks[i].start < t0)
			t0 = m->tasks[i].start;
		if (!i || m->tasks[i].end > t1)
			t1 = m->tasks[i].end;
	}
	pd_line(o, "Switch = a core's gap from one task's end to the next "
		"one's start = WaitDisp (before the next dispatch) + Pickup "
		"(dispatch to start); Busy%% of the execution makespan "
		"%.3f us; per core, never summed (switches overlap)", t1 - t0);
	pd_table_head(&t, head);
	memset(&s, 0, sizeof(s));
	for (i = 0; i < m->ntasks; i++) {
		const struct pd_task *r = &m->tasks[idx[i]];
		const struct pd_task *p = i ? &m->tasks[idx[i - 1]] : NULL;

		if (!p || p->core_id != r->core_id) {
			if (p)
				switch_row(&t, &s, t1 - t0);
			memset(&s, 0, sizeof(s));
			s.core = r->core_id;
			s.type = r->core_type;
			s.life = 1;
			p = NULL;
		}
		s.rows++;
		s.busy += r->end - r->start;
		s.life &= r->finish > 0;
		if (p && r->start >= p->end) {
			double gap = r->start - p->end;
			double wait = r->dispatch - p->end;

			wait = wait < 0 ? 0 : wait > gap ? gap : wait;
			s.switches++;
			s.gap += gap;
			s.wait += wait;
			s.pickup += gap - wait;
		}
	}
	if (m->ntasks)
		switch_row(&t, &s, t1 - t0);
	pd_table_end(&t);
	free(idx);
}
