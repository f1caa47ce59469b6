// SPDX-License-Identifier: MIT
/*
 * AICPU <-> AICore join by (core, token): partners get the AICore times;
 * a record without a partner on either side moves from collected to
 * mismatch, so the books still balance.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "prof_records.h"
#include "support/prof_sim.h"

static const struct prof_sim_cfg cfg = {
	.cores = 3, .threads = 2, .tasks_per_core = 1, .level = 2,
	.records = 8, .buffers = 2,
};

static void add_cpu(struct prof_records *r, uint32_t core, uint32_t tok)
{
	struct pto_aicpu_task_record rec = {
		.task_id = 100 + tok, .reg_token = tok,
	};

	assert_int_equal(prof_records_add(r, PTO_BUF_AICPU_TASK, core,
					  &rec, 1), 0);
}

static void add_core(struct prof_records *r, uint32_t core, uint32_t tok,
		     uint64_t start, uint64_t end)
{
	struct pto_aicore_task_record rec = {
		.start_time = start, .end_time = end, .reg_token = tok,
	};

	assert_int_equal(prof_records_add(r, PTO_BUF_AICORE_TASK, core,
					  &rec, 1), 0);
}

static void test_join_partners_and_orphans(void **state)
{
	const struct pto_aicpu_task_record *c0, *c1;
	struct prof_records r;
	struct prof_loaded m;
	struct prof_sim s;

	(void)state;
	assert_int_equal(prof_sim_init(&s, &cfg), 0);
	prof_records_init(&r, s.region);
	add_cpu(&r, 0, 2);
	add_cpu(&r, 0, 1);
	add_cpu(&r, 0, 3);		/* no AICore partner */
	add_core(&r, 0, 1, 10, 15);
	add_core(&r, 0, 2, 20, 28);
	add_core(&r, 0, 4, 40, 45);	/* no AICPU partner */
	add_cpu(&r, 1, 1);
	add_core(&r, 1, 1, 7, 7);	/* same token, other core */
	r.books[PTO_BUF_AICPU_TASK].total = 4;
	r.books[PTO_BUF_AICORE_TASK].total = 4;

	prof_records_join(&r);
	prof_load(&m, &r);
	c0 = m.aicpu[0].data;
	c1 = m.aicpu[1].data;
	assert_int_equal(c0[0].start_time, 20);
	assert_int_equal(c0[0].duration, 8);
	assert_int_equal(c0[1].end_time, 15);
	assert_int_equal(c0[2].start_time, 0);
	assert_int_equal(c1[0].start_time, 7);
	assert_int_equal(c1[0].duration, 0);
	assert_int_equal(r.books[PTO_BUF_AICPU_TASK].collected, 3);
	assert_int_equal(r.books[PTO_BUF_AICPU_TASK].mismatch, 1);
	assert_int_equal(r.books[PTO_BUF_AICORE_TASK].collected, 3);
	assert_int_equal(r.books[PTO_BUF_AICORE_TASK].mismatch, 1);
	prof_sim_check_books(r.books);
	prof_load_free(&m);
	prof_records_free(&r);
	prof_sim_destroy(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_join_partners_and_orphans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
