// SPDX-License-Identifier: MIT
/* Reads spilled records back into arrays for the tests; see prof_load.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "prof_load.h"

static void *load_alloc(struct prof_vec *v, size_t len, size_t elem)
{
	size_t bytes = (len ? len : 1) * elem;

	/* Record types are up to 64-byte aligned. */
	v->len = len;
	v->data = aligned_alloc(64, (bytes + 63) & ~(size_t)63);
	assert_non_null(v->data);
	memset(v->data, 0, bytes);
	return v->data;
}

static void load_spill(struct prof_vec *v, const struct prof_spill *s)
{
	load_alloc(v, prof_spill_count(s), s->elem);
	assert_int_equal(prof_spill_read(s, 0, v->data, v->len), 0);
}

static struct prof_task_row *load_rows(const struct prof_spill *s)
{
	struct prof_task_row *rows = calloc(prof_spill_count(s) + 1,
					    sizeof(*rows));

	assert_non_null(rows);
	assert_int_equal(prof_spill_read(s, 0, rows, prof_spill_count(s)), 0);
	return rows;
}

static void put_aicore(struct prof_loaded *m, size_t *filled,
		       const struct prof_task_row *t)
{
	struct pto_aicore_task_record *a = m->aicore[t->core].data;

	assert_true(filled[t->core] < m->aicore[t->core].len);
	a += filled[t->core]++;
	a->start_time = t->start_time;
	a->end_time = t->end_time;
	a->reg_token = t->reg_token;
}

void prof_load(struct prof_loaded *m, const struct prof_records *r)
{
	size_t filled[PTO_MAX_CORES] = { 0 }, i, n;
	struct prof_vec seen[PTO_MAX_CORES];	/* AICPU index placed */
	struct prof_task_row *rows;
	uint32_t c, t;

	memset(m, 0, sizeof(*m));
	assert_true(r->joined);
	memcpy(m->books, r->books, sizeof(m->books));
	memcpy(m->core_to_thread, r->core_to_thread,
	       sizeof(m->core_to_thread));
	m->num_sched_threads = r->num_sched_threads;
	for (c = 0; c < PTO_MAX_CORES; c++) {
		load_alloc(&m->aicpu[c],
			   r->pool_added[PTO_BUF_AICPU_TASK][c],
			   sizeof(struct pto_aicpu_task_record));
		load_alloc(&m->aicore[c],
			   r->pool_added[PTO_BUF_AICORE_TASK][c],
			   sizeof(struct pto_aicore_task_record));
		load_alloc(&seen[c], m->aicpu[c].len, 1);
	}
	for (t = 0; t < PTO_MAX_AICPU_THREADS; t++) {
		load_spill(&m->sched[t], &r->spill[PTO_BUF_SCHED_PHASE][t]);
		load_spill(&m->orch[t], &r->spill[PTO_BUF_ORCH_PHASE][t]);
		load_spill(&m->edges[t], &r->spill[PTO_BUF_DEP_EDGE][t]);
	}
	/* AICPU records back at their arrival index on their core. */
	rows = load_rows(&r->tasks);
	n = prof_spill_count(&r->tasks);
	for (i = 0; i < n; i++) {
		const struct prof_task_row *w = &rows[i];
		struct pto_aicpu_task_record *a;

		assert_true(w->core < PTO_MAX_CORES);
		assert_true(w->seq < m->aicpu[w->core].len);
		a = (struct pto_aicpu_task_record *)m->aicpu[w->core].data +
		    w->seq;
		assert_int_equal(((unsigned char *)seen[w->core].data)[w->seq],
				 0);
		((unsigned char *)seen[w->core].data)[w->seq] = 1;
		*a = (struct pto_aicpu_task_record){
			.start_time = w->start_time, .end_time = w->end_time,
			.duration = w->end_time > w->start_time ?
				    w->end_time - w->start_time : 0,
			.dispatch_time = w->dispatch_time,
			.finish_time = w->finish_time, .task_id = w->task_id,
			.func_id = w->func_id, .core_type = w->core_type,
			.reg_token = w->reg_token,
		};
		if (w->joined)
			put_aicore(m, filled, w);
	}
	free(rows);
	rows = load_rows(&r->lone_core);
	n = prof_spill_count(&r->lone_core);
	for (i = 0; i < n; i++)
		put_aicore(m, filled, &rows[i]);
	free(rows);
	for (c = 0; c < PTO_MAX_CORES; c++) {
		assert_int_equal(filled[c], m->aicore[c].len);
		/* Every AICPU record came back. */
		assert_null(memchr(seen[c].data, 0, seen[c].len));
		free(seen[c].data);
	}
}

void prof_load_free(struct prof_loaded *m)
{
	unsigned int i;

	for (i = 0; i < PTO_MAX_CORES; i++) {
		free(m->aicpu[i].data);
		free(m->aicore[i].data);
	}
	for (i = 0; i < PTO_MAX_AICPU_THREADS; i++) {
		free(m->sched[i].data);
		free(m->orch[i].data);
		free(m->edges[i].data);
	}
	memset(m, 0, sizeof(*m));
}
