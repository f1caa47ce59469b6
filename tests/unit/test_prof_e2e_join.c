// SPDX-License-Identifier: MIT
/*
 * Task records end to end: a run of AIC, AIV and MIX tasks on the sim
 * device exports exactly one joined row per subtask (the AICPU record and
 * the AICore record of the same subtask), each on a core of the right
 * type running the submitted kernel; per row dispatch <= start <= end <=
 * finish; for every deps edge the producer ended before the consumer
 * started; the books balance with nothing dropped or unmatched.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "support/e2e_prof.h"

#define TASKS 120
#define BLOCKS 2

struct joined {
	struct e2e_work w;
	struct e2e_row *rows;
	size_t nrows;
	struct e2e_edge *edges;
	size_t nedges;
};

static void run(struct joined *j, int level, enum pto_wiring_mode mode)
{
	pto_device *dev = e2e_device(BLOCKS, 0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct jc_value *rec, *deps;
	uint64_t dropped, mismatch;
	struct e2e_dir d;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = level;
	cfg.wiring = mode;
	e2e_work_init(&j->w, dev, TASKS);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &j->w, &res), 0);
	assert_int_equal(res.tasks, TASKS);
	assert_true(res.reconcile_ok);
	rec = e2e_load(d.out, "l2_swimlane_records.json");
	deps = e2e_load(d.out, "deps.json");
	assert_non_null(rec);
	assert_non_null(deps);
	e2e_check_books(rec, &dropped, &mismatch);
	assert_int_equal(dropped, 0);
	assert_int_equal(mismatch, 0);
	/* Both task kinds saw one record per subtask on the device. */
	assert_int_equal(e2e_u64(jc_get(e2e_books(rec, 0), "total")),
			 e2e_work_subtasks(&j->w));
	assert_int_equal(e2e_u64(jc_get(e2e_books(rec, 3), "total")),
			 e2e_work_subtasks(&j->w));
	j->rows = e2e_rows(rec, &j->nrows);
	j->edges = e2e_edges(deps, &j->nedges);
	jc_free(rec);
	jc_free(deps);
	e2e_work_fini(&j->w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

static void done(struct joined *j)
{
	free(j->rows);
	free(j->edges);
}

static unsigned int task_index(const struct e2e_work *w, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < w->n; i++)
		if (w->ids[i] == id)
			return i;
	fail_msg("row or edge names task %llu, never submitted",
		 (unsigned long long)id);
	return 0;
}

/* Core ids of the sim device: block b holds AIC b*3, AIV b*3+1, +2. */
static unsigned int slot_of_core(uint32_t core_id)
{
	return core_id % 3;
}

static void check_rows(struct joined *j)
{
	unsigned int seen[TASKS][3] = { { 0 } };
	int cluster[TASKS];
	unsigned int i, s;
	size_t r;

	assert_int_equal(j->nrows, e2e_work_subtasks(&j->w));
	for (i = 0; i < TASKS; i++)
		cluster[i] = -1;
	for (r = 0; r < j->nrows; r++) {
		const struct e2e_row *row = &j->rows[r];

		i = task_index(&j->w, row->task_id);
		s = slot_of_core(row->core_id);
		assert_true(row->core_id < BLOCKS * 3);
		assert_int_equal(row->aic, s == 0);
		/* The row ran the kernel submitted for its subslot. */
		assert_int_equal(row->func_id, j->w.funcs[i][s]);
		seen[i][s]++;
		/* A MIX task's subtasks run together on one cluster. */
		if (cluster[i] < 0)
			cluster[i] = (int)(row->core_id / 3);
		assert_int_equal(cluster[i], row->core_id / 3);
	}
	/* Exactly one row per active subslot, none for inactive ones. */
	for (i = 0; i < TASKS; i++)
		for (s = 0; s < 3; s++)
			assert_int_equal(seen[i][s],
					 j->w.funcs[i][s] != PTO_FUNC_NONE);
}

/*
 * dispatch/finish come from the scheduler thread, start/end from the
 * AICore thread. KNOWN ISSUE (reported): pto_clock_now() is a bare
 * rdtsc, which may execute before the load that observed FIN completes;
 * in stress runs about one row in 100k had end > finish by 50-130 ns, so
 * these assertions can fail rarely until the counter read is fenced.
 */
static void check_order(struct joined *j)
{
	size_t r;

	for (r = 0; r < j->nrows; r++) {
		const struct e2e_row *row = &j->rows[r];

		assert_true(row->dispatch <= row->start);
		assert_true(row->start <= row->end);
		assert_true(row->end <= row->finish);
	}
}

/* Latest end (or earliest start) over the rows of task id. */
static double task_time(struct joined *j, uint64_t id, int want_end)
{
	double t = want_end ? -1.0 : 1e300;
	size_t r;

	for (r = 0; r < j->nrows; r++) {
		if (j->rows[r].task_id != id)
			continue;
		if (want_end && j->rows[r].end > t)
			t = j->rows[r].end;
		if (!want_end && j->rows[r].start < t)
			t = j->rows[r].start;
	}
	assert_true(t >= 0.0 && t < 1e300);
	return t;
}

static void check_edges(struct joined *j)
{
	size_t e;

	/* The workload reads two earlier regions: edges must exist. */
	assert_true(j->nedges > 0);
	for (e = 0; e < j->nedges; e++)
		assert_true(task_time(j, j->edges[e].pred, 1) <=
			    task_time(j, j->edges[e].succ, 0));
}

static void test_one_row_per_subtask(void **state)
{
	struct joined j;

	(void)state;
	run(&j, 1, PTO_WIRING_DEFERRED);
	check_rows(&j);
	done(&j);
}

static void test_order_and_edges_deferred(void **state)
{
	struct joined j;

	(void)state;
	run(&j, 2, PTO_WIRING_DEFERRED);
	check_rows(&j);
	check_order(&j);
	check_edges(&j);
	done(&j);
}

static void test_order_and_edges_inline_level4(void **state)
{
	struct joined j;

	(void)state;
	run(&j, 4, PTO_WIRING_INLINE);
	check_rows(&j);
	check_order(&j);
	check_edges(&j);
	done(&j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_row_per_subtask),
		cmocka_unit_test(test_order_and_edges_deferred),
		cmocka_unit_test(test_order_and_edges_inline_level4),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
