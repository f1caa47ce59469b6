// SPDX-License-Identifier: MIT
/*
 * Small profiling configurations on the largest device (24 blocks, 72
 * cores). A ready queue must hold every buffer one thread can own, so 16
 * buffers of 16 records per pool (a few hundred KB of region) is refused
 * with -E2BIG and a message naming the buffers_per_pool fields and the
 * numbers that broke the bound; a shape just inside the bound runs and
 * its books balance.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "support/e2e_prof.h"
#include "support/stderr_capture.h"

#define BLOCKS	24
#define TASKS	96

static int run_shape(const unsigned int bufs[E2E_KINDS], char *err,
		     size_t errlen, struct pto_run_result *res)
{
	pto_device *dev = e2e_device(BLOCKS, 0);
	struct pto_run_config cfg;
	struct stderr_capture cap;
	struct e2e_work w;
	struct e2e_dir d;
	unsigned int k;
	int rc;

	e2e_dir_make(&d);
	e2e_config(&cfg, &d);
	cfg.chip_swimlane_level = 4;
	for (k = 0; k < E2E_KINDS; k++) {
		cfg.records_per_buffer[k] = 16;
		cfg.buffers_per_pool[k] = bufs[k];
	}
	e2e_work_init(&w, dev, TASKS);
	assert_int_equal(stderr_capture_begin(&cap), 0);
	rc = pto_run(dev, &cfg, e2e_work_orch, &w, res);
	stderr_capture_end(&cap, err, errlen);
	e2e_work_fini(&w);
	e2e_dir_remove(&d);
	pto_device_close(dev);
	return rc;
}

static void test_sixteen_by_sixteen_refused(void **state)
{
	static const unsigned int bufs[E2E_KINDS] = { 16, 16, 16, 16, 16 };
	struct pto_run_result res = { .size = sizeof(res) };
	char err[2048];

	(void)state;
	assert_int_equal(run_shape(bufs, err, sizeof(err), &res), -E2BIG);
	/* 72 x (16 + 16) + 3 x 16 buffers against 1024 entries. */
	assert_non_null(strstr(err, "all 72 cores could hold 2352 buffers"));
	assert_non_null(strstr(err, "the 1024 of its ready queue"));
	assert_non_null(strstr(err, "buffers_per_pool[aicpu_task] 16"));
	assert_non_null(strstr(err, "buffers_per_pool[aicore_task] 16"));
	assert_non_null(strstr(err, "lower run_config.buffers_per_pool"));
	assert_int_equal(res.tasks, 0);
}

static void test_inside_bound_runs(void **state)
{
	/* 72 x (8 + 6) + 4 + 4 + 4 = 1020 <= 1024 (kind order of pto_prof.h) */
	static const unsigned int bufs[E2E_KINDS] = { 8, 4, 4, 6, 4 };
	struct pto_run_result res = { .size = sizeof(res) };
	char err[2048];

	(void)state;
	assert_int_equal(run_shape(bufs, err, sizeof(err), &res), 0);
	assert_null(strstr(err, "ready queue"));
	assert_int_equal(res.tasks, TASKS);
	assert_true(res.reconcile_ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sixteen_by_sixteen_refused),
		cmocka_unit_test(test_inside_bound_runs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
