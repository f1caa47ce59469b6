// SPDX-License-Identifier: MIT
/*
 * Kernels a scheduler runs inline (rt_sched.c): a function's kernels run
 * inline once eight of them ran short (at most 20 us), a long run halves
 * its score so one long now and then keeps it inline while two in a row
 * take it back, and a function long every other run never gets there. A
 * chain of short kernels run twice on one device (the second run with
 * the function inline) runs each task once, in chain order, and every
 * AICore record names the core the kernel was given, with dispatch <=
 * start <= end <= finish.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pto_reader.h"
#include "rt_run.h"
#include "support/e2e_prof.h"
#include "support/rt_test.h"

#define CHAIN 256
#define LONG_RUN UINT64_MAX

static struct rt_run *fake_run(pto_device *dev)
{
	struct rt_run *run = aligned_alloc(64, (sizeof(*run) + 63) & ~63ul);

	assert_non_null(run);
	memset(run, 0, sizeof(*run));
	run->dev = dev;
	return run;
}

static void test_short_runs_earn_inline(void **state)
{
	pto_device *dev = rt_test_device(1);
	struct rt_run *run = fake_run(dev);
	unsigned int i;

	(void)state;
	assert_false(rt_kernel_inline_ok(run, RT_TEST_AIV));
	for (i = 0; i < 7; i++)
		rt_kernel_ran(run, RT_TEST_AIV, 0);
	assert_false(rt_kernel_inline_ok(run, RT_TEST_AIV));
	rt_kernel_ran(run, RT_TEST_AIV, 0);
	assert_true(rt_kernel_inline_ok(run, RT_TEST_AIV));
	/* the other function has its own score */
	assert_false(rt_kernel_inline_ok(run, RT_TEST_AIC));
	free(run);
	pto_device_close(dev);
}

static void test_long_runs_take_it_back(void **state)
{
	pto_device *dev = rt_test_device(1);
	struct rt_run *run = fake_run(dev);
	unsigned int i;

	(void)state;
	for (i = 0; i < 100; i++)
		rt_kernel_ran(run, RT_TEST_AIV, 0);
	rt_kernel_ran(run, RT_TEST_AIV, LONG_RUN);
	assert_true(rt_kernel_inline_ok(run, RT_TEST_AIV));
	rt_kernel_ran(run, RT_TEST_AIV, LONG_RUN);
	assert_false(rt_kernel_inline_ok(run, RT_TEST_AIV));
	for (i = 0; i < 100; i++) {
		rt_kernel_ran(run, RT_TEST_AIC, 0);
		rt_kernel_ran(run, RT_TEST_AIC, LONG_RUN);
		assert_false(rt_kernel_inline_ok(run, RT_TEST_AIC));
	}
	free(run);
	pto_device_close(dev);
}

struct chain {
	pto_tensor *t;
	struct rt_rec rec;
	uint64_t ids[CHAIN];
	unsigned int rows;
};

static int chain_orch(pto_orch *o, void *user)
{
	struct chain *c = user;
	struct pto_param p[3];
	unsigned int i;
	int err;

	for (i = 0; i < CHAIN; i++) {
		p[0] = pto_inout(c->t, 0, 64);
		rt_rec_params(&p[1], &c->rec, i);
		if ((err = pto_submit(o, RT_TEST_AIV, p, 3, &c->ids[i])))
			return err;
	}
	return 0;
}

static int on_task(void *ctx, const struct pto_task *t)
{
	struct chain *c = ctx;
	unsigned int i;

	for (i = 0; i < CHAIN && c->ids[i] != t->task_id; i++)
		;
	assert_true(i < CHAIN);
	assert_int_equal(t->core_id + 1, atomic_load(&c->rec.core[i]));
	assert_true(t->dispatch <= t->start);
	assert_true(t->start <= t->end);
	assert_true(t->end <= t->finish);
	c->rows++;
	return 0;
}

static void test_inline_chain_records(void **state)
{
	pto_device *dev = rt_test_device(0);
	struct pto_run_result res = { .size = sizeof(res) };
	struct pto_run_config cfg;
	struct e2e_dir d;
	struct chain c;
	pto_capture *cap;
	char path[700];
	unsigned int r, i;

	(void)state;
	assert_int_equal(pto_tensor_alloc(dev, 64, &c.t), 0);
	for (r = 0; r < 2; r++) {
		assert_int_equal(rt_rec_init(&c.rec, CHAIN), 0);
		c.rows = 0;
		e2e_dir_make(&d);
		e2e_config(&cfg, &d);
		cfg.chip_swimlane_level = 2;
		assert_int_equal(pto_run(dev, &cfg, chain_orch, &c, &res), 0);
		assert_true(res.reconcile_ok);
		for (i = 0; i < CHAIN; i++) {
			assert_int_equal(atomic_load(&c.rec.runs[i]), 1);
			if (i)
				assert_true(atomic_load(&c.rec.start[i]) >
					    atomic_load(&c.rec.end[i - 1]));
		}
		snprintf(path, sizeof(path), "%s/capture.ptocap",
			 res.output_dir);
		assert_int_equal(pto_capture_open(path, NULL, &cap), 0);
		assert_int_equal(pto_capture_tasks(cap, on_task, &c), 0);
		pto_capture_close(cap);
		assert_int_equal(c.rows, CHAIN);
		e2e_dir_remove(&d);
		rt_rec_free(&c.rec);
	}
	pto_tensor_free(c.t);
	pto_device_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_short_runs_earn_inline),
		cmocka_unit_test(test_long_runs_take_it_back),
		cmocka_unit_test(test_inline_chain_records),
	};

	return cmocka_run_group_tests_name("rt_inline", tests, NULL, NULL);
}
