// SPDX-License-Identifier: MIT
/*
 * Stop-time checks: a writer that never flushed leaves a non-empty active
 * buffer, which prof_host_stop reports as an error naming the pool; a
 * flushed writer leaves none.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "fw_prof.h"
#include "prof_host.h"
#include "support/prof_sim.h"
#include "support/stderr_capture.h"

static const struct prof_sim_cfg cfg = {
	.cores = 3, .threads = 2, .tasks_per_core = 1, .level = 4,
	.records = 8, .buffers = 2,
};

/* Core 2, owned by thread 0, with its AICore writer bound. */
static void aicore_of_core_2(struct prof_sim *s, struct fw_prof_core *st)
{
	prof_dev_core_assign(s->dev, 2, 0);
	fw_prof_bind(st, s->region,
		     s->layout.kind[PTO_BUF_AICORE_TASK].pool_off +
		     2 * (uint64_t)s->layout.pool_size);
}

/* Stops the host, capturing its error output into msg. */
static int stop_captured(struct pto_prof_host *h, char *msg, size_t len)
{
	struct stderr_capture cap;
	int ret;

	assert_int_equal(stderr_capture_begin(&cap), 0);
	ret = prof_host_stop(h, 1);
	stderr_capture_end(&cap, msg, len);
	return ret;
}

static void test_unflushed_phase_buffer(void **state)
{
	struct pto_prof_host *h;
	struct prof_sim s;
	char msg[4096];

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	prof_dev_sched_phase(s.dev, 1, &(struct pto_sched_phase_record){
		.kind = PTO_SCHED_PHASE_COMPLETE, .start_time = 1,
		.end_time = 2, .loop_iter = 1, .tasks_processed = 1
	});
	assert_int_equal(stop_captured(h, msg, sizeof(msg)), -EIO);
	assert_non_null(strstr(msg, "sched_phase pool 1: active buffer"));
	prof_host_free(h);
	prof_sim_destroy(&s);
}

static void test_unflushed_aicore_buffer(void **state)
{
	struct pto_prof_host *h;
	struct prof_sim s;
	struct fw_prof_core st;
	char msg[4096];

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	aicore_of_core_2(&s, &st);
	fw_prof_record(&st, 1, 10, 10, 20);
	assert_int_equal(stop_captured(h, msg, sizeof(msg)), -EIO);
	assert_non_null(strstr(msg, "aicore_task pool 2: active buffer"));
	prof_host_free(h);
	prof_sim_destroy(&s);
}

static void test_flushed_writers_leave_nothing(void **state)
{
	const struct prof_loaded *r;
	struct prof_loaded m;
	struct pto_prof_host *h;
	struct prof_sim s;
	struct fw_prof_core st;

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	aicore_of_core_2(&s, &st);
	prof_dev_task_dispatched(s.dev, 2, 1);
	fw_prof_record(&st, 1, 10, 10, 20);
	prof_dev_task_done(s.dev, 0, 2, 1, 77, 3, PTO_CORE_TYPE_AIV, 5, 25);
	prof_dev_sched_phase(s.dev, 1, &(struct pto_sched_phase_record){
		.kind = PTO_SCHED_PHASE_COMPLETE, .start_time = 1,
		.end_time = 2, .loop_iter = 1, .tasks_processed = 1
	});
	prof_dev_orch_phase(s.dev, 1, &(struct pto_orch_phase_record){
		.kind = PTO_ORCH_PHASE_SUBMIT, .start_time = 1, .end_time = 2,
		.task_id = 77
	});
	prof_dev_dep_edge(s.dev, 1, 76, 77, PTO_DEP_SRC_TENSORMAP,
			  PTO_DEP_OVERLAP_OTHER, 0);
	prof_dev_thread_flush(s.dev, 0);
	prof_dev_thread_flush(s.dev, 1);
	assert_int_equal(prof_host_stop(h, 1), 0);
	prof_load(&m, prof_host_records(h));
	r = &m;
	assert_int_equal(r->aicpu[2].len, 1);
	assert_int_equal(r->aicore[2].len, 1);
	assert_int_equal(((struct pto_aicpu_task_record *)
			  r->aicpu[2].data)->start_time, 10);
	assert_int_equal(r->sched[1].len, 1);
	assert_int_equal(r->orch[0].len, 1);
	assert_int_equal(r->edges[1].len, 1);
	prof_load_free(&m);
	prof_host_free(h);
	prof_sim_destroy(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unflushed_phase_buffer),
		cmocka_unit_test(test_unflushed_aicore_buffer),
		cmocka_unit_test(test_flushed_writers_leave_nothing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
