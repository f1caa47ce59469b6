// SPDX-License-Identifier: MIT
/*
 * The dep pool is never a deadlock: a task takes entries only for its
 * unfinished producers, so when the pool is full the wiring waits for
 * producers to finish or for a scope end to free entries. A 16-entry pool
 * with a scope of 8 producers, two consumers of all of them, 8 more
 * producers and a consumer of those (24 entries if nothing had finished),
 * with and without a pause before the scope ends; a 4-entry pool with a
 * consumer of 8 producers. Both wiring modes; every task runs once,
 * after its producers.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <time.h>

#include <cmocka.h>

#include "support/rt_test.h"

#define REG 64
#define TASKS 19

struct dp {
	pto_tensor *t;
	struct rt_rec rec;
	int pause;
	unsigned int n;
	unsigned int first_pred[TASKS], npred[TASKS]; /* producers i.. */
};

static int submit(pto_orch *o, struct dp *d, struct pto_param p)
{
	struct pto_param q[3];

	q[0] = p;
	rt_rec_params(&q[1], &d->rec, d->n);
	d->n++;
	return pto_submit(o, RT_TEST_AIV, q, 3, NULL);
}

static int produce(pto_orch *o, struct dp *d, unsigned int region)
{
	d->npred[d->n] = 0;
	return submit(o, d, pto_out(d->t, (uint64_t)region * REG, REG));
}

/* A consumer of regions first..first+count-1, made by tasks pred... */
static int consume(pto_orch *o, struct dp *d, unsigned int first,
		   unsigned int count, unsigned int pred)
{
	d->first_pred[d->n] = pred;
	d->npred[d->n] = count;
	return submit(o, d, pto_in(d->t, (uint64_t)first * REG,
				   (uint64_t)count * REG));
}

static int issue_orch(pto_orch *o, void *user)
{
	struct dp *d = user;
	struct timespec ts = { 0, 1000000 };
	unsigned int i;
	int err = pto_scope_begin(o);

	for (i = 0; !err && i < 8; i++)
		err = produce(o, d, i);
	if (!err)
		err = consume(o, d, 0, 8, 0);
	if (!err)
		err = consume(o, d, 0, 8, 0);
	for (i = 8; !err && i < 16; i++)
		err = produce(o, d, i);
	if (!err)
		err = consume(o, d, 8, 8, 10);
	if (!err && d->pause)
		nanosleep(&ts, NULL);	/* the orchestrator is busy */
	return err ? err : pto_scope_end(o);
}

static int wide_orch(pto_orch *o, void *user)
{
	struct dp *d = user;
	unsigned int i;
	int err = pto_scope_begin(o);

	for (i = 0; !err && i < 8; i++)
		err = produce(o, d, i);
	if (!err)
		err = consume(o, d, 0, 8, 0);
	return err ? err : pto_scope_end(o);
}

static void run(pto_orch_fn fn, unsigned int dep_pool, int pause,
		enum pto_wiring_mode mode)
{
	pto_device *dev = rt_test_device(2);
	struct pto_run_config cfg;
	struct dp d = { .pause = pause };
	unsigned int i, k;

	assert_int_equal(rt_rec_init(&d.rec, TASKS), 0);
	assert_int_equal(pto_tensor_alloc(dev, 16 * REG, &d.t), 0);
	pto_run_config_init(&cfg);
	cfg.dep_pool = dep_pool;
	cfg.wiring = mode;
	assert_int_equal(pto_run(dev, &cfg, fn, &d, NULL), 0);
	for (i = 0; i < d.n; i++) {
		assert_int_equal(atomic_load(&d.rec.runs[i]), 1);
		for (k = 0; k < d.npred[i]; k++)
			assert_true(atomic_load(&d.rec.start[i]) >
				    atomic_load(&d.rec.end[d.first_pred[i] +
							   k]));
	}
	pto_tensor_free(d.t);
	rt_rec_free(&d.rec);
	pto_device_close(dev);
}

static void test_issue_deferred(void **state)
{
	(void)state;
	run(issue_orch, 16, 0, PTO_WIRING_DEFERRED);
}

static void test_issue_pause_deferred(void **state)
{
	(void)state;
	run(issue_orch, 16, 1, PTO_WIRING_DEFERRED);
}

static void test_issue_inline(void **state)
{
	(void)state;
	run(issue_orch, 16, 0, PTO_WIRING_INLINE);
}

static void test_issue_pause_inline(void **state)
{
	(void)state;
	run(issue_orch, 16, 1, PTO_WIRING_INLINE);
}

static void test_wide_deferred(void **state)
{
	(void)state;
	run(wide_orch, 4, 0, PTO_WIRING_DEFERRED);
}

static void test_wide_inline(void **state)
{
	(void)state;
	run(wide_orch, 4, 0, PTO_WIRING_INLINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_deferred),
		cmocka_unit_test(test_issue_pause_deferred),
		cmocka_unit_test(test_issue_inline),
		cmocka_unit_test(test_issue_pause_inline),
		cmocka_unit_test(test_wide_deferred),
		cmocka_unit_test(test_wide_inline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
