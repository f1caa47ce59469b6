// SPDX-License-Identifier: MIT
/*
 * Live streaming: a synthetic device (dual-issue schedulers, AICore
 * writers, orchestrator) over tiny pools that rotate constantly, drained
 * by the real host collector while it runs. With the device waiting for
 * buffers instead of dropping, the books are exact: every record is
 * collected, no token is lost or duplicated, every AICPU record joins.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "prof_host.h"
#include "support/prof_sim.h"

static void run_exact(const struct prof_sim_cfg *cfg)
{
	const struct prof_loaded *r;
	struct prof_loaded m;
	struct pto_prof_host *h;
	struct prof_sim s;
	unsigned int t;
	uint64_t sched = 0, edges = 0, tasks;

	assert_int_equal(prof_sim_init(&s, cfg), 0);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	prof_sim_run(&s);
	assert_int_equal(prof_host_stop(h, 1), 0);
	assert_non_null(prof_host_records(h));
	prof_load(&m, prof_host_records(h));
	r = &m;

	tasks = (uint64_t)cfg->cores * cfg->tasks_per_core;
	for (t = 0; t < PTO_MAX_AICPU_THREADS; t++) {
		sched += s.sched_written[t];
		edges += s.edges_written[t];
		assert_int_equal(r->sched[t].len, s.sched_written[t]);
		assert_int_equal(r->edges[t].len, s.edges_written[t]);
	}
	assert_int_equal(r->books[PTO_BUF_AICPU_TASK].total, tasks);
	assert_int_equal(r->books[PTO_BUF_AICORE_TASK].total, tasks);
	assert_int_equal(r->books[PTO_BUF_SCHED_PHASE].total, sched);
	assert_int_equal(r->books[PTO_BUF_ORCH_PHASE].total, s.orch_written);
	assert_int_equal(r->books[PTO_BUF_DEP_EDGE].total, edges);
	assert_int_equal(r->orch[0].len, s.orch_written);
	for (t = 0; t < PTO_BUF_KIND_COUNT; t++) {
		assert_int_equal(r->books[t].collected, r->books[t].total);
		assert_int_equal(r->books[t].dropped, 0);
		assert_int_equal(r->books[t].mismatch, 0);
	}
	prof_sim_check_tokens(&s, r, 1);
	/* core_to_thread and the thread counts came through the header. */
	for (t = 0; t < cfg->cores; t++)
		assert_int_equal(r->core_to_thread[t], t % (cfg->threads - 1));
	assert_int_equal(r->num_sched_threads, cfg->threads - 1);
	prof_load_free(&m);
	prof_host_free(h);
	prof_sim_destroy(&s);
}

/* 8 records per buffer, 2 buffers per pool: a rotation every few tasks. */
static void test_exact_tiny_pools(void **state)
{
	struct prof_sim_cfg cfg = {
		.cores = 6, .threads = 4, .tasks_per_core = 300, .level = 4,
		.records = 8, .buffers = 2, .orch_records = 200,
		.orch_edges = 150, .backpressure = 1,
	};

	(void)state;
	run_exact(&cfg);
}

/* 4-record AICore buffers: the owner rotates on every FIN. */
static void test_exact_four_records(void **state)
{
	struct prof_sim_cfg cfg = {
		.cores = 3, .threads = 2, .tasks_per_core = 300, .level = 4,
		.records = 4, .buffers = 3, .orch_records = 50,
		.orch_edges = 50, .backpressure = 1,
	};

	(void)state;
	run_exact(&cfg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_exact_tiny_pools),
		cmocka_unit_test(test_exact_four_records),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
