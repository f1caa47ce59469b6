// SPDX-License-Identifier: MIT
/*
 * Phase pools per thread end to end: for every scheduler count
 * 1..PTO_MAX_AICPU_THREADS-1 (device opened with one more AICPU thread
 * for the orchestrator), a level-4 run exports one scheduler-phase list
 * per scheduler thread (one more when the orchestrator turns scheduler),
 * each list well formed (an idle record no shorter than
 * PTO_PROF_IDLE_MIN_NS), their completions adding up to the tasks and
 * their dispatches to the subtasks; the orchestrator's records in its single list, one per
 * submit in submission order; core_to_thread naming only schedulers,
 * one per cluster; and books that balance with nothing lost.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pto_prof.h"
#include "support/e2e_prof.h"

#define TASKS 60

static uint64_t field(const struct jc_value *o, const char *k)
{
	return e2e_u64(jc_get(o, k));
}

/* What the phase lists of a run add up to. */
struct sums {
	uint64_t done, released, wired, dispatched;
};

/* A depth triple [aic, aiv, mix] within the run's tasks. */
static void check_depths(const struct jc_value *d)
{
	size_t i;

	assert_non_null(d);
	assert_int_equal(d->type, JC_ARR);
	assert_int_equal(d->len, 3);
	for (i = 0; i < 3; i++)
		assert_true(e2e_u64(d->items[i]) <= TASKS);
}

/*
 * Checks one thread's list; adds the tasks it reports complete (counted
 * when a task's last subtask finished), released and wired, and the
 * subtasks it dispatched (REFERENCE.md §B: Complete and Dispatch
 * tasks_processed).
 */
static void check_sched_list(const struct jc_value *l, struct sums *sum)
{
	uint64_t last_iter = 0, n;
	size_t j;

	assert_int_equal(l->type, JC_ARR);
	for (j = 0; j < l->len; j++) {
		const struct jc_value *r = l->items[j];
		const char *ph = jc_get(r, "phase")->text;
		int disp = !strcmp(ph, "dispatch");
		int counts = disp || !strcmp(ph, "complete") ||
			     !strcmp(ph, "release") || !strcmp(ph, "wiring");

		assert_true(counts || !strcmp(ph, "claim") ||
			    !strcmp(ph, "idle") || !strcmp(ph, "sleep"));
		assert_true(jc_get(r, "start_time_us")->num <=
			    jc_get(r, "end_time_us")->num);
		/* Shorter idle spins are not recorded (1 ns of rounding). */
		if (!strcmp(ph, "idle"))
			assert_true(jc_get(r, "end_time_us")->num -
				    jc_get(r, "start_time_us")->num >=
				    PTO_PROF_IDLE_MIN_NS / 1e3 - 1e-3);
		/* Records come in loop order. */
		assert_true(field(r, "loop_iter") >= last_iter);
		last_iter = field(r, "loop_iter");
		assert_int_equal(jc_get(r, "pop_hit") != NULL, disp);
		assert_int_equal(jc_get(r, "pop_miss") != NULL, disp);
		check_depths(jc_get(r, "shared_at_start"));
		check_depths(jc_get(r, "shared_at_end"));
		n = field(r, "tasks_processed");
		if (!counts)
			assert_int_equal(n, 0);
		/*
		 * Of the counting kinds only a thread's last record may
		 * report no task: the dispatch record at exit carrying the
		 * remaining pop deltas.
		 */
		if (counts && !n) {
			assert_true(disp);
			assert_int_equal(j, l->len - 1);
			assert_true(jc_get(r, "start_time_us")->num ==
				    jc_get(r, "end_time_us")->num);
			assert_true(field(r, "pop_hit") +
				    field(r, "pop_miss") > 0);
		}
		if (disp)
			sum->dispatched += n;
		else if (!strcmp(ph, "complete"))
			sum->done += n;
		else if (!strcmp(ph, "release"))
			sum->released += n;
		else if (!strcmp(ph, "wiring"))
			sum->wired += n;
	}
}

static void check_orch(const struct jc_value *rec, const struct e2e_work *w)
{
	const struct jc_value *lists = jc_get(rec,
					      "aicpu_orchestrator_phases");
	const struct jc_value *l, *r;
	size_t j;

	assert_non_null(lists);
	assert_int_equal(lists->len, 1);
	l = lists->items[0];
	assert_int_equal(l->len, w->n);
	for (j = 0; j < l->len; j++) {
		r = l->items[j];
		assert_string_equal(jc_get(r, "phase")->text, "orch_submit");
		assert_int_equal(field(r, "task_id"), w->ids[j]);
		assert_int_equal(field(r, "submit_idx"), j);
		assert_true(jc_get(r, "start_time_us")->num <=
			    jc_get(r, "end_time_us")->num);
	}
}

static void check_core_to_thread(const struct jc_value *rec,
				 unsigned int blocks, unsigned int threads,
				 int spread)
{
	const struct jc_value *c = jc_get(rec, "core_to_thread");
	unsigned int b, i, used[PTO_MAX_AICPU_THREADS] = { 0 };
	uint64_t t;

	assert_non_null(c);
	assert_int_equal(c->len, blocks * PTO_CORES_PER_BLOCK);
	for (b = 0; b < blocks; b++) {
		t = e2e_u64(c->items[b * PTO_CORES_PER_BLOCK]);
		assert_true(t < threads);
		used[t] = 1;
		/* A cluster belongs to one thread. */
		for (i = 1; i < PTO_CORES_PER_BLOCK; i++)
			assert_int_equal(e2e_u64(c->items[b *
					 PTO_CORES_PER_BLOCK + i]), t);
	}
	/* Clusters start spread over every scheduler (and stay so unless
	 * the orchestrator joins and takes some over).
	 */
	for (i = 0; spread && i < threads && i < blocks; i++)
		assert_true(used[i]);
}

static void run_threads(unsigned int sched, int orch_to_sched)
{
	unsigned int blocks = sched + 1, lists = sched + !!orch_to_sched;
	pto_device *dev = e2e_device(blocks, sched + 1);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct jc_value *rec;
	const struct jc_value *sp;
	struct e2e_work w;
	struct e2e_dir d;
	uint64_t dropped, mismatch;
	struct sums sum = { 0 };
	unsigned int t;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 4;
	cfg.schedulers = sched;
	cfg.orch_to_sched = orch_to_sched;
	e2e_work_init(&w, dev, TASKS);
	assert_int_equal(pto_run(dev, &cfg, e2e_work_orch, &w, &res), 0);
	assert_int_equal(res.tasks, TASKS);
	assert_true(res.reconcile_ok);
	rec = e2e_load(d.out, "l2_swimlane_records.json");
	assert_non_null(rec);
	e2e_check_books(rec, &dropped, &mismatch);
	assert_int_equal(dropped, 0);
	assert_int_equal(mismatch, 0);

	sp = jc_get(rec, "aicpu_scheduler_phases");
	assert_non_null(sp);
	assert_int_equal(sp->len, lists);
	for (t = 0; t < sp->len; t++)
		check_sched_list(sp->items[t], &sum);
	/*
	 * Each task completes, is released and is wired (deferred wiring,
	 * the default) once, and each subtask is dispatched once.
	 */
	assert_int_equal(sum.done, TASKS);
	assert_int_equal(sum.released, TASKS);
	assert_int_equal(sum.wired, TASKS);
	assert_int_equal(sum.dispatched, e2e_work_subtasks(&w));
	check_orch(rec, &w);
	check_core_to_thread(rec, blocks, lists, !orch_to_sched);
	jc_free(rec);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
}

static void test_schedulers_1_to_max(void **state)
{
	unsigned int s;

	(void)state;
	for (s = 1; s < PTO_MAX_AICPU_THREADS; s++)
		run_threads(s, 0);
}

static void test_orch_to_sched_1_to_max(void **state)
{
	unsigned int s;

	(void)state;
	for (s = 1; s < PTO_MAX_AICPU_THREADS; s++)
		run_threads(s, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schedulers_1_to_max),
		cmocka_unit_test(test_orch_to_sched_1_to_max),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
