// SPDX-License-Identifier: MIT
/*
 * Seeded random task graphs: every task writes its own 64-byte region of
 * one tensor and reads up to three earlier regions (one region: covered
 * overlap; two adjacent regions: partial overlap with two producers),
 * inside random (sometimes nested) scopes. The observed execution must
 * respect every edge: a consumer starts after each producer finished.
 * Run at both wiring modes, with small and default task windows, small
 * dep pools, few blocks, and the orchestrator turning scheduler.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "support/rt_test.h"

#define REG 64
#define MAX_READS 3

struct graph {
	unsigned int n;
	unsigned int nreads[10000];
	unsigned int read[10000][MAX_READS];	/* first region */
	unsigned int span[10000][MAX_READS];	/* 1 or 2 regions */
	unsigned int seed;
	pto_tensor *t;
	struct rt_rec rec;
	int submit_err;
};

static unsigned int rnd(unsigned int *s)
{
	*s = *s * 1103515245u + 12345u;
	return (*s >> 8) & 0xffffff;
}

static void gen(struct graph *g, unsigned int n, unsigned int seed)
{
	unsigned int i, k;

	g->n = n;
	g->seed = seed;
	for (i = 0; i < n; i++) {
		g->nreads[i] = i ? rnd(&seed) % (MAX_READS + 1) : 0;
		for (k = 0; k < g->nreads[i]; k++) {
			unsigned int back = 1 + rnd(&seed) % (i < 40 ? i : 40);

			g->read[i][k] = i - back;
			g->span[i][k] = (g->read[i][k] + 1 < i &&
					 rnd(&seed) % 2) ? 2 : 1;
		}
	}
}

static int orch(pto_orch *o, void *user)
{
	struct graph *g = user;
	struct pto_param p[MAX_READS + 3];
	unsigned int i = 0, k, np, s = g->seed, len, depth;
	int err;

	while (i < g->n) {
		len = 1 + rnd(&s) % 12;
		depth = rnd(&s) % 4 == 0 ? 1 + rnd(&s) % 5 : 1;
		for (k = 0; k < depth; k++)
			if (pto_scope_begin(o))
				return -1;
		for (; len && i < g->n; len--, i++) {
			np = 0;
			p[np++] = pto_out(g->t, (uint64_t)i * REG, REG);
			for (k = 0; k < g->nreads[i]; k++)
				p[np++] = pto_in(g->t, (uint64_t)g->read[i][k] *
						 REG, (uint64_t)g->span[i][k] * REG);
			rt_rec_params(&p[np], &g->rec, i);
			np += 2;
			err = pto_submit(o, i % 3 ? RT_TEST_AIV : RT_TEST_AIC,
					 p, np, NULL);
			if (err) {
				g->submit_err = err;
				return err;
			}
		}
		for (k = 0; k < depth; k++)
			if (pto_scope_end(o))
				return -1;
	}
	return 0;
}

static void check(struct graph *g)
{
	unsigned int i, k, j;

	for (i = 0; i < g->n; i++) {
		assert_int_equal(atomic_load(&g->rec.runs[i]), 1);
		for (k = 0; k < g->nreads[i]; k++)
			for (j = 0; j < g->span[i][k]; j++)
				assert_true(atomic_load(&g->rec.start[i]) >
					    atomic_load(&g->rec.end[g->read[i][k] + j]));
	}
}

static void run_graphs(enum pto_wiring_mode mode)
{
	pto_device *dev = rt_test_device(0);
	struct graph *g = calloc(1, sizeof(*g));
	struct pto_run_config cfg;
	struct pto_run_result res;
	unsigned int gi, n, seed = 1234;

	assert_non_null(g);
	for (gi = 0; gi < 20; gi++) {
		n = gi == 0 ? 10000 : 20 + rnd(&seed) % 600;
		gen(g, n, seed + gi);
		assert_int_equal(rt_rec_init(&g->rec, n), 0);
		assert_int_equal(pto_tensor_alloc(dev, (size_t)n * REG, &g->t), 0);
		pto_run_config_init(&cfg);
		cfg.wiring = mode;
		cfg.task_window = gi % 2 ? 64 : 0;
		cfg.dep_pool = gi % 4 == 1 ? 256 : 0;
		cfg.blocks = gi % 3 == 2 ? 2 : 0;
		cfg.orch_to_sched = gi % 5 == 3;
		res.size = sizeof(res);
		assert_int_equal(pto_run(dev, &cfg, orch, g, &res), 0);
		assert_int_equal(g->submit_err, 0);
		assert_int_equal(res.tasks, n);
		check(g);
		pto_tensor_free(g->t);
		rt_rec_free(&g->rec);
	}
	free(g);
	pto_device_close(dev);
}

static void test_dag_deferred(void **state)
{
	(void)state;
	run_graphs(PTO_WIRING_DEFERRED);
}

static void test_dag_inline(void **state)
{
	(void)state;
	run_graphs(PTO_WIRING_INLINE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dag_deferred),
		cmocka_unit_test(test_dag_inline),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
