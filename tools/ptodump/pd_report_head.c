// SPDX-License-Identifier: MIT
/*
 * Head-overhead split per function of ptodump report: head OH = start -
 * dispatch splits at the AICore's receive time (when it read the task
 * from its DATA register) into propagation (receive - dispatch) and local
 * setup (start - receive). Rows carrying lifecycle times (finish > 0)
 * count, when the records carry receive times at all (some row's receive
 * > 0; a receive of 0 is then the time base itself).
 */
#include <inttypes.h>
#include <stdlib.h>

#include "pd_report.h"

struct head_sum {
	size_t n;
	double head, prop, local;
};

static int cmp_func(const struct pd_task *x, const struct pd_task *y)
{
	return (x->func_id > y->func_id) - (x->func_id < y->func_id);
}

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
		pd_line(o, "(no receive times: firmware before ABI 1.2)");
		return;
	}
	idx = pd_rows_sorted(m, cmp_func);
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
