// SPDX-License-Identifier: MIT
/*
 * orch_to_sched hand-off at the end of a run: clusters move to their next
 * owner while the old owner may already be flushing. Each core's
 * profiling buffers must be handed over exactly once (the collector
 * rejects a buffer handed over twice and the books must balance), over
 * many short runs where the graph finishes before the reassignment.
 */
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pto_prof.h"
#include "support/e2e_prof.h"

#define TASKS	24	/* two per core of 4 clusters */
#define RUNS	40
#define K_AIC	900
#define K_AIV	901

static _Atomic unsigned int ran;

static void count_kernel(const struct pto_kernel_ctx *ctx)
{
	(void)ctx;
	atomic_fetch_add(&ran, 1);
}

/*
 * Independent tasks on every core, then the orchestrator waits for their
 * kernels, so the graph is (nearly) done when it returns and the
 * reassignment meets threads that are about to exit.
 */
static int orch(pto_orch *o, void *user)
{
	unsigned int i;
	int err;

	(void)user;
	atomic_store(&ran, 0);
	for (i = 0; i < TASKS; i++) {
		err = pto_submit(o, i % 3 ? K_AIV : K_AIC, NULL, 0, NULL);
		if (err)
			return err;
	}
	while (atomic_load(&ran) < TASKS)
		sched_yield();
	return 0;
}

static void test_handoff_flushes_once(void **state)
{
	unsigned int sched = 3, blocks = sched + 1, i;
	pto_device *dev = e2e_device(blocks, sched + 1);
	struct pto_run_result res;
	struct pto_run_config cfg;
	struct e2e_dir d;

	(void)state;
	assert_int_equal(pto_kernel_register(dev, K_AIC, PTO_AIC, "v1_aic",
					     count_kernel), 0);
	assert_int_equal(pto_kernel_register(dev, K_AIV, PTO_AIV, "v1_aiv",
					     count_kernel), 0);
	for (i = 0; i < RUNS; i++) {
		e2e_dir_make(&d);
		e2e_config(&cfg, &d);
		cfg.chip_swimlane_level = 4;
		cfg.schedulers = sched;
		cfg.orch_to_sched = 1;
		res = (struct pto_run_result){ .size = sizeof(res) };
		assert_int_equal(pto_run(dev, &cfg, orch, NULL, &res), 0);
		assert_int_equal(res.tasks, TASKS);
		assert_true(res.reconcile_ok);
		assert_int_equal(res.records_dropped, 0);
		assert_int_equal(res.records_mismatched, 0);
		e2e_dir_remove(&d);
	}
	pto_device_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_handoff_flushes_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
