// SPDX-License-Identifier: MIT
/*
 * A starved host: the device runs over tiny pools with nobody returning
 * buffers (the collector starts only after the run), or with a live host
 * and no back-pressure. Records are dropped, never overwritten: every
 * loss is counted, collected + dropped + mismatch == total per kind, and
 * no token appears twice.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "prof_host.h"
#include "pto_layout.h"
#include "support/prof_sim.h"

static const struct prof_sim_cfg starved_cfg = {
	.cores = 6, .threads = 4, .tasks_per_core = 200, .level = 4,
	.records = 8, .buffers = 2, .orch_records = 100, .orch_edges = 100,
};

/* Records of a per-core kind the host holds (joined or not). */
static uint64_t held(const struct prof_vec *v, unsigned int n)
{
	uint64_t sum = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		sum += v[i].len;
	return sum;
}

static void check_counted(const struct prof_sim *s,
			  const struct prof_loaded *r)
{
	uint64_t tasks = (uint64_t)s->cfg.cores * s->cfg.tasks_per_core;
	const struct prof_books *a = &r->books[PTO_BUF_AICPU_TASK];
	const struct prof_books *c = &r->books[PTO_BUF_AICORE_TASK];

	prof_sim_check_books(r->books);
	prof_sim_check_tokens(s, r, 0);
	assert_int_equal(a->total, tasks);
	assert_int_equal(c->total, tasks);
	/* Every record the device made is held or counted dropped. */
	assert_int_equal(held(r->aicpu, s->cfg.cores) + a->dropped, tasks);
	assert_int_equal(held(r->aicore, s->cfg.cores) + c->dropped, tasks);
}

static void test_host_starts_after_run(void **state)
{
	const struct prof_loaded *r;
	struct prof_loaded m;
	struct pto_prof_host *h;
	struct prof_sim s;
	unsigned int k;

	(void)state;
	assert_int_equal(prof_sim_init(&s, &starved_cfg), 0);
	prof_sim_run(&s);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	assert_int_equal(prof_host_stop(h, 1), 0);
	prof_load(&m, prof_host_records(h));
	r = &m;
	check_counted(&s, r);
	/* 2 buffers of 8 cannot hold 200 tasks per core: drops happened
	 * in every kind level 4 records.
	 */
	for (k = 0; k < PTO_BUF_KIND_COUNT; k++)
		if (pto_prof_kind_enabled(PTO_DFX_FLAGS_OF_LEVEL(
				starved_cfg.level), k))
			assert_true(r->books[k].dropped > 0);
	/* With nothing returned, each pool delivered at most its buffers. */
	for (k = 0; k < starved_cfg.cores; k++) {
		assert_true(r->aicpu[k].len <= 16);
		assert_true(r->aicore[k].len <= 16);
	}
	prof_load_free(&m);
	prof_host_free(h);
	prof_sim_destroy(&s);
}

static void test_live_host_no_backpressure(void **state)
{
	struct prof_loaded m;
	struct pto_prof_host *h;
	struct prof_sim s;

	(void)state;
	assert_int_equal(prof_sim_init(&s, &starved_cfg), 0);
	assert_int_equal(prof_host_start(s.region, s.size, &h), 0);
	prof_sim_run(&s);
	assert_int_equal(prof_host_stop(h, 1), 0);
	prof_load(&m, prof_host_records(h));
	check_counted(&s, &m);
	prof_load_free(&m);
	prof_host_free(h);
	prof_sim_destroy(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_host_starts_after_run),
		cmocka_unit_test(test_live_host_no_backpressure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
