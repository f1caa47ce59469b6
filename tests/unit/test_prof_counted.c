// SPDX-License-Identifier: MIT
/*
 * Every record a writer is asked for is counted, even on the paths that
 * cannot write it: an AICore that rejected its profiling head at bind
 * (its tasks' records are counted mismatch of the AICore kind, from the
 * AICPU side's count for the core), a task record naming a thread or a
 * core outside the run, a phase or edge record naming a thread outside
 * the run (counted mismatch, said on stderr). The books balance with the
 * loss visible, in the live books and in the capture's. And a joined
 * task whose AICore start time reads 0 (a counter can) is exported like
 * any other.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "fw_prof.h"
#include "prof_cap.h"
#include "prof_host.h"
#include "support/json_check.h"
#include "support/prof_sim.h"
#include "support/stderr_capture.h"

static const struct prof_sim_cfg cfg = {
	.cores = 3, .threads = 2, .tasks_per_core = 1, .level = 4,
	.records = 8, .buffers = 2,
};

struct run {
	struct prof_sim s;
	struct pto_prof_host *h;
	struct prof_cap *cap;		/* NULL: no capture */
	struct fw_prof_core st;		/* core 2's AICore writer */
	char msg[4096];			/* stderr of the writers and stop */
	struct stderr_capture err;
};

static uint64_t aicore_head(const struct prof_sim *s, unsigned int core)
{
	return s->layout.kind[PTO_BUF_AICORE_TASK].pool_off +
	       core * (uint64_t)s->layout.pool_size;
}

/*
 * Core 2 owned by thread 0, its AICore bound head_delta bytes past its
 * head; with cap_path, the host writes a capture there.
 */
static void run_begin_cap(struct run *r, uint64_t head_delta,
			  const char *cap_path)
{
	memset(r, 0, sizeof(*r));
	assert_int_equal(prof_sim_init(&r->s, &cfg), 0);
	if (cap_path)
		assert_int_equal(prof_cap_create(cap_path, &r->cap), 0);
	assert_int_equal(prof_host_start_capture(r->s.region, r->s.size,
						 r->cap, 1, &r->h), 0);
	prof_dev_core_assign(r->s.dev, 2, 0);
	fw_prof_bind(&r->st, r->s.region, aicore_head(&r->s, 2) + head_delta);
	assert_int_equal(stderr_capture_begin(&r->err), 0);
}

static void run_begin(struct run *r, uint64_t head_delta)
{
	run_begin_cap(r, head_delta, NULL);
}

/* One task on core 2, its AICPU record written as thread thr. */
static void task(struct run *r, unsigned int thr, uint32_t tok,
		 uint64_t start)
{
	prof_dev_task_dispatched(r->s.dev, 2, tok);
	fw_prof_record(&r->st, tok, start, start, start + 5);
	prof_dev_task_done(r->s.dev, thr, 2, tok, 100 + tok, 1,
			   PTO_CORE_TYPE_AIV, 1, start + 9);
}

/* Flushes, stops (books balance), returns the books. */
static const struct prof_books *run_end(struct run *r)
{
	int ret;

	prof_dev_thread_flush(r->s.dev, 0);
	prof_dev_thread_flush(r->s.dev, 1);
	ret = prof_host_stop(r->h, 1);
	stderr_capture_end(&r->err, r->msg, sizeof(r->msg));
	assert_int_equal(ret, 0);
	return prof_host_records(r->h)->books;
}

static void run_free(struct run *r)
{
	prof_host_free(r->h);
	prof_sim_destroy(&r->s);
}

static void assert_books(const struct prof_books *b, uint64_t total,
			 uint64_t collected, uint64_t mismatch)
{
	assert_int_equal(b->total, total);
	assert_int_equal(b->collected, collected);
	assert_int_equal(b->dropped, 0);
	assert_int_equal(b->mismatch, mismatch);
}

static void test_aicore_rejected_head(void **state)
{
	const struct prof_books *b;
	struct run r;

	(void)state;
	/* Not a head: the AICore turns its recording off at bind. */
	run_begin(&r, 8);
	task(&r, 0, 1, 1000);
	task(&r, 0, 2, 2000);
	task(&r, 0, 3, 3000);
	b = run_end(&r);
	assert_books(&b[PTO_BUF_AICORE_TASK], 3, 0, 3);
	/* Their AICPU records have no partner: mismatch too. */
	assert_books(&b[PTO_BUF_AICPU_TASK], 3, 0, 3);
	assert_non_null(strstr(r.msg, "core 2: 3 aicpu_task and 0 "
			       "aicore_task records counted"));
	assert_non_null(strstr(r.msg, "rejected its profiling head"));
	run_free(&r);
}

static void test_task_thread_outside_run(void **state)
{
	const struct prof_books *b;
	struct run r;

	(void)state;
	run_begin(&r, 0);
	task(&r, 0, 1, 1000);
	task(&r, 9, 2, 2000);		/* thread 9 of 2 */
	b = run_end(&r);
	assert_books(&b[PTO_BUF_AICPU_TASK], 2, 1, 1);
	/* Task 2's AICore record lost its partner. */
	assert_books(&b[PTO_BUF_AICORE_TASK], 2, 1, 1);
	assert_non_null(strstr(r.msg, "aicpu_task pool 2: record for thread "
			       "9, outside the run; counted mismatch"));
	run_free(&r);
}

static void test_task_core_outside_run(void **state)
{
	const struct prof_books *b;
	struct run r;

	(void)state;
	run_begin(&r, 0);
	task(&r, 0, 1, 1000);
	prof_dev_task_done(r.s.dev, 0, 7, 1, 200, 1, PTO_CORE_TYPE_AIV, 1, 2);
	prof_dev_task_done(r.s.dev, 0, 70, 1, 201, 1, PTO_CORE_TYPE_AIV, 1, 2);
	b = run_end(&r);
	assert_books(&b[PTO_BUF_AICPU_TASK], 3, 1, 2);
	assert_books(&b[PTO_BUF_AICORE_TASK], 1, 1, 0);
	/* Said once per kind, counted every time. */
	assert_non_null(strstr(r.msg, "aicpu_task record for core 7, outside "
			       "the run; counted mismatch"));
	assert_null(strstr(r.msg, "core 70"));
	assert_non_null(strstr(r.msg, "2 aicpu_task record(s) named a thread "
			       "or core outside the run"));
	run_free(&r);
}

static void test_phase_and_edge_thread_outside_run(void **state)
{
	const struct prof_books *b;
	struct run r;

	(void)state;
	run_begin(&r, 0);
	prof_dev_sched_phase(r.s.dev, 1, &(struct pto_sched_phase_record){
		.kind = PTO_SCHED_PHASE_COMPLETE, .start_time = 1,
		.end_time = 2, .loop_iter = 1, .tasks_processed = 1
	});
	prof_dev_sched_phase(r.s.dev, 2, &(struct pto_sched_phase_record){
		.kind = PTO_SCHED_PHASE_COMPLETE, .start_time = 1,
		.end_time = 2, .loop_iter = 1, .tasks_processed = 1
	});
	prof_dev_orch_phase(r.s.dev, 5, &(struct pto_orch_phase_record){
		.kind = PTO_ORCH_PHASE_SUBMIT, .start_time = 1, .end_time = 2,
		.task_id = 7
	});
	prof_dev_dep_edge(r.s.dev, 8, 6, 7, PTO_DEP_SRC_TENSORMAP,
			  PTO_DEP_OVERLAP_OTHER, 0);
	b = run_end(&r);
	assert_books(&b[PTO_BUF_SCHED_PHASE], 2, 1, 1);
	assert_books(&b[PTO_BUF_ORCH_PHASE], 1, 0, 1);
	assert_books(&b[PTO_BUF_DEP_EDGE], 1, 0, 1);
	assert_non_null(strstr(r.msg, "sched_phase record for thread 2"));
	assert_non_null(strstr(r.msg, "orch_phase record for thread 5"));
	assert_non_null(strstr(r.msg, "dep_edge record for thread 8"));
	run_free(&r);
}

static void test_unheld_in_capture(void **state)
{
	char dir[] = "/tmp/pto_prof_counted.XXXXXX", path[96], cmd[128];
	const struct prof_books *live;
	struct prof_cap_names names;
	struct prof_cap_info info;
	struct prof_records rec;
	struct stderr_capture err;
	struct run r;
	unsigned int k;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/run.ptocap", dir);
	run_begin_cap(&r, 8, path);	/* the AICore rejects its head */
	task(&r, 0, 1, 1000);
	task(&r, 0, 2, 2000);
	prof_dev_task_done(r.s.dev, 0, 7, 1, 200, 1, PTO_CORE_TYPE_AIV, 1, 2);
	live = run_end(&r);
	assert_int_equal(prof_cap_close(r.cap, 0), 0);
	assert_int_equal(stderr_capture_begin(&err), 0);
	assert_int_equal(prof_cap_load(path, &rec, &names, &info), 0);
	stderr_capture_end(&err, r.msg, sizeof(r.msg));
	/* The capture's reader counts them as the live host did. */
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		assert_memory_equal(&rec.books[k], &live[k], sizeof(*live));
	assert_books(&rec.books[PTO_BUF_AICORE_TASK], 2, 0, 2);
	assert_books(&rec.books[PTO_BUF_AICPU_TASK], 3, 0, 3);
	assert_non_null(strstr(r.msg, "core 2: 2 aicpu_task and 0 aicore_task"));
	prof_records_free(&rec);
	prof_cap_names_free(&names);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	run_free(&r);
}

static void test_joined_at_counter_zero_exported(void **state)
{
	char dir[] = "/tmp/pto_prof_counted.XXXXXX", path[96], cmd[128];
	const struct prof_books *b;
	const struct jc_value *tasks;
	struct jc_value *rec;
	struct run r;

	(void)state;
	run_begin(&r, 0);
	task(&r, 0, 1, 0);		/* the AICore counter read 0 */
	task(&r, 0, 2, 1000);
	b = run_end(&r);
	assert_books(&b[PTO_BUF_AICPU_TASK], 2, 2, 0);
	assert_non_null(mkdtemp(dir));
	assert_int_equal(prof_host_export(r.h, dir, NULL, NULL), 0);
	snprintf(path, sizeof(path), "%s/l2_swimlane_records.json", dir);
	rec = jc_parse_file(path);
	assert_non_null(rec);
	tasks = jc_get(rec, "tasks");
	/* Both collected rows are exported, task 101 first. */
	assert_int_equal(tasks->len, 2);
	assert_int_equal(jc_get(tasks->items[0], "task_id")->num, 101);
	/* Its end (tick 5) after the earliest dispatch (tick 1). */
	assert_string_equal(jc_get(tasks->items[0], "end_time_us")->text,
			    "0.004");
	jc_free(rec);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	assert_int_equal(system(cmd), 0);
	run_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aicore_rejected_head),
		cmocka_unit_test(test_task_thread_outside_run),
		cmocka_unit_test(test_task_core_outside_run),
		cmocka_unit_test(test_phase_and_edge_thread_outside_run),
		cmocka_unit_test(test_unheld_in_capture),
		cmocka_unit_test(test_joined_at_counter_zero_exported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
