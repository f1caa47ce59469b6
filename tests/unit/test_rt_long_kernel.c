// SPDX-License-Identifier: MIT
/*
 * A kernel that never returns does not hold other cores: the simulated
 * cores are served by fewer executor threads than cores (one per online
 * CPU). With one more blocking kernel than online CPUs, the orchestrator
 * waits until every blocker is inside its kernel, then submits quick
 * tasks and waits until they all ran, and only then releases the
 * blockers. Without the device adding executors while all of its
 * executors are inside kernels, the run would hang (and the test runner
 * would report a TIMEOUT).
 */
#include <linux/futex.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cmocka.h>

#include "support/rt_test.h"

#define BLOCK_FUNC	7
#define QUICK		16

struct gate {
	_Atomic uint32_t open;		/* futex word: 1 releases blockers */
	_Atomic uint32_t blocked;	/* blockers inside the kernel */
	struct rt_rec rec;
	pto_tensor *t;
	unsigned int nblock;
};

static void block_kernel(const struct pto_kernel_ctx *ctx)
{
	struct gate *g = (struct gate *)(uintptr_t)ctx->args[0];

	atomic_fetch_add(&g->blocked, 1);
	while (!atomic_load(&g->open))
		syscall(SYS_futex, &g->open, FUTEX_WAIT_PRIVATE, 0, NULL,
			NULL, 0);
}

static int orch(pto_orch *o, void *user)
{
	struct gate *g = user;
	struct pto_param b = pto_scalar((uint64_t)(uintptr_t)g), p[3];
	unsigned int i, ran;
	int err;

	for (i = 0; i < g->nblock; i++)
		if ((err = pto_submit(o, BLOCK_FUNC, &b, 1, NULL)))
			return err;
	/* Every executor the device started is inside a blocker, and more. */
	while (atomic_load(&g->blocked) < g->nblock)
		sched_yield();
	for (i = 0; i < QUICK; i++) {
		p[0] = pto_out(g->t, i * 64, 64);
		rt_rec_params(&p[1], &g->rec, i);
		if ((err = pto_submit(o, RT_TEST_AIV, p, 3, NULL)))
			return err;
	}
	/* Every quick task runs while the blockers still block. */
	do {
		sched_yield();
		for (ran = 0, i = 0; i < QUICK; i++)
			ran += atomic_load(&g->rec.runs[i]) != 0;
	} while (ran < QUICK);
	atomic_store(&g->open, 1);
	syscall(SYS_futex, &g->open, FUTEX_WAKE_PRIVATE, INT32_MAX, NULL, NULL,
		0);
	return 0;
}

static void test_blocked_executors(void **state)
{
	pto_device *dev = rt_test_device(0);
	struct gate g = { 0 };
	cpu_set_t set;
	unsigned int i;

	(void)state;
	assert_int_equal(sched_getaffinity(0, sizeof(set), &set), 0);
	/* More blockers than executors (one per online CPU), on AIC cores. */
	g.nblock = (unsigned int)CPU_COUNT(&set) + 1;
	assert_true(g.nblock <= 24);
	assert_int_equal(pto_kernel_register(dev, BLOCK_FUNC, PTO_AIC,
					     "block", block_kernel), 0);
	assert_int_equal(rt_rec_init(&g.rec, QUICK), 0);
	assert_int_equal(pto_tensor_alloc(dev, QUICK * 64, &g.t), 0);
	assert_int_equal(pto_run(dev, NULL, orch, &g, NULL), 0);
	assert_int_equal(atomic_load(&g.blocked), g.nblock);
	for (i = 0; i < QUICK; i++)
		assert_int_equal(atomic_load(&g.rec.runs[i]), 1);
	pto_tensor_free(g.t);
	rt_rec_free(&g.rec);
	pto_device_close(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocked_executors),
	};

	return cmocka_run_group_tests_name("rt_long_kernel", tests, NULL,
					   NULL);
}
