// SPDX-License-Identifier: MIT
/*
 * The runtime's lock-free queues under concurrency: the SPSC wiring
 * queue keeps FIFO order with one producer and one consumer; the MPMC
 * ready queue with several producers and consumers delivers every value
 * exactly once (no loss, no duplication), and both report full/empty.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "rt_queue.h"

#define SPSC_N 200000u
#define MPMC_P 4
#define MPMC_C 4
#define MPMC_PER 50000u

static void *spsc_producer(void *arg)
{
	struct rt_spsc *q = arg;
	uint64_t i;

	for (i = 1; i <= SPSC_N; i++)
		while (!rt_spsc_push(q, i))
			sched_yield();
	return NULL;
}

static void test_spsc_fifo(void **state)
{
	struct rt_spsc q;
	pthread_t p;
	uint64_t v, expect = 1;

	(void)state;
	assert_int_equal(rt_spsc_init(&q, 64), 0);
	assert_int_equal(pthread_create(&p, NULL, spsc_producer, &q), 0);
	while (expect <= SPSC_N) {
		if (!rt_spsc_peek(&q, &v)) {
			sched_yield();
			continue;
		}
		assert_int_equal(v, expect);
		rt_spsc_pop(&q);
		expect++;
	}
	pthread_join(p, NULL);
	assert_false(rt_spsc_peek(&q, &v));
	rt_spsc_fini(&q);
}

static void test_spsc_full(void **state)
{
	struct rt_spsc q;
	uint64_t i, v;

	(void)state;
	assert_int_equal(rt_spsc_init(&q, 8), 0);
	for (i = 0; i < 8; i++)
		assert_true(rt_spsc_push(&q, i));
	assert_false(rt_spsc_push(&q, 99));
	assert_int_equal(rt_spsc_size(&q), 8);
	assert_true(rt_spsc_peek(&q, &v));
	assert_int_equal(v, 0);
	rt_spsc_pop(&q);
	assert_true(rt_spsc_push(&q, 8));
	rt_spsc_fini(&q);
}

struct mpmc_ctx {
	struct rt_mpmc q;
	_Atomic uint32_t *seen;
	_Atomic uint64_t taken;
	unsigned int id;
};

struct mpmc_arg {
	struct mpmc_ctx *c;
	unsigned int id;
};

static void *mpmc_producer(void *arg)
{
	struct mpmc_arg *a = arg;
	uint64_t i;

	for (i = 0; i < MPMC_PER; i++)
		while (!rt_mpmc_push(&a->c->q, a->id * MPMC_PER + i))
			sched_yield();
	return NULL;
}

static void *mpmc_consumer(void *arg)
{
	struct mpmc_ctx *c = ((struct mpmc_arg *)arg)->c;
	uint64_t v;

	while (atomic_load(&c->taken) < (uint64_t)MPMC_P * MPMC_PER) {
		if (!rt_mpmc_pop(&c->q, &v)) {
			sched_yield();
			continue;
		}
		atomic_fetch_add(&c->seen[v], 1);
		atomic_fetch_add(&c->taken, 1);
	}
	return NULL;
}

static void test_mpmc_exactly_once(void **state)
{
	struct mpmc_ctx c = { 0 };
	struct mpmc_arg pa[MPMC_P], ca[MPMC_C];
	pthread_t p[MPMC_P], cs[MPMC_C];
	uint64_t v;
	unsigned int i;

	(void)state;
	assert_int_equal(rt_mpmc_init(&c.q, 256), 0);
	c.seen = calloc((size_t)MPMC_P * MPMC_PER, sizeof(*c.seen));
	assert_non_null(c.seen);
	for (i = 0; i < MPMC_C; i++) {
		ca[i].c = &c;
		assert_int_equal(pthread_create(&cs[i], NULL, mpmc_consumer,
						&ca[i]), 0);
	}
	for (i = 0; i < MPMC_P; i++) {
		pa[i].c = &c;
		pa[i].id = i;
		assert_int_equal(pthread_create(&p[i], NULL, mpmc_producer,
						&pa[i]), 0);
	}
	for (i = 0; i < MPMC_P; i++)
		pthread_join(p[i], NULL);
	for (i = 0; i < MPMC_C; i++)
		pthread_join(cs[i], NULL);
	for (v = 0; v < (uint64_t)MPMC_P * MPMC_PER; v++)
		assert_int_equal(atomic_load(&c.seen[v]), 1);
	assert_false(rt_mpmc_pop(&c.q, &v));
	free(c.seen);
	rt_mpmc_fini(&c.q);
}

static void test_mpmc_full_empty(void **state)
{
	struct rt_mpmc q;
	uint64_t i, v;

	(void)state;
	assert_int_equal(rt_mpmc_init(&q, 4), 0);
	assert_false(rt_mpmc_pop(&q, &v));
	for (i = 0; i < 4; i++)
		assert_true(rt_mpmc_push(&q, i + 10));
	assert_false(rt_mpmc_push(&q, 99));
	for (i = 0; i < 4; i++) {
		assert_true(rt_mpmc_pop(&q, &v));
		assert_int_equal(v, i + 10);
	}
	assert_false(rt_mpmc_pop(&q, &v));
	rt_mpmc_fini(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spsc_fifo),
		cmocka_unit_test(test_spsc_full),
		cmocka_unit_test(test_mpmc_exactly_once),
		cmocka_unit_test(test_mpmc_full_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
