// SPDX-License-Identifier: MIT
/*
 * Critical-path blame on hand-built DAGs with known answers: a chain of
 * data waits, a core-wait that beats a producer, a front gap, MIX tasks,
 * ties, producers that overlap their consumer (they never bind), no
 * deps.json, and the tiling compute + stall == makespan on every case.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pd_blame.h"
#include "support/pd_dag.h"

struct dag {
	struct pd_model m;
	struct pd_deps d;
	struct pd_group *g;
	size_t ng;
	struct pd_blame b;
};

static void row(struct dag *x, uint64_t id, unsigned int core, double start,
		double end)
{
	pd_dag_task(&x->m, id, start, end)->core_id = (uint16_t)core;
}

static void edge(struct dag *x, uint64_t pred, uint64_t succ)
{
	pd_dag_edge(&x->d, pred, succ);
}

static void solve(struct dag *x, int with_deps)
{
	assert_int_equal(pd_deps_finish(&x->d), 0);
	assert_int_equal(pd_groups_build(&x->m, &x->g, &x->ng), 0);
	assert_int_equal(pd_blame_path(&x->m, x->g, x->ng,
				       with_deps ? &x->d : NULL, &x->b), 0);
	/* The path tiles the makespan exactly. */
	assert_float_equal(x->b.compute + x->b.stall, x->b.t1 - x->b.t0, 1e-9);
	assert_float_equal(x->b.by_kind[0] + x->b.by_kind[1] + x->b.by_kind[2],
			   x->b.stall, 1e-9);
}

/* Path ids, kinds and per-step compute/stall. */
static void step_is(struct dag *x, size_t i, uint64_t id,
		    enum pd_blame_kind k, double compute, double stall)
{
	assert_true(i < x->b.n);
	assert_true(x->g[x->b.step[i].group].id == id);
	assert_int_equal(x->b.step[i].kind, k);
	assert_float_equal(x->b.step[i].compute, compute, 1e-9);
	assert_float_equal(x->b.step[i].stall, stall, 1e-9);
}

static void done(struct dag *x)
{
	pd_blame_free(&x->b);
	pd_deps_free(&x->d);
	pd_model_free(&x->m);
	free(x->g);
}

/* a[0,2] -> b[3,5] -> c[6,10] on different cores: two data waits of 1. */
static void test_chain_data_wait(void **state)
{
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 0, 2);
	row(&x, 2, 1, 3, 5);
	row(&x, 3, 2, 6, 10);
	edge(&x, 1, 2);
	edge(&x, 2, 3);
	solve(&x, 1);
	assert_int_equal(x.b.n, 3);
	step_is(&x, 0, 1, PD_BLAME_FRONT, 2, 0);
	step_is(&x, 1, 2, PD_BLAME_DATA, 2, 1);
	step_is(&x, 2, 3, PD_BLAME_DATA, 4, 1);
	assert_float_equal(x.b.by_kind[PD_BLAME_DATA], 2, 1e-9);
	assert_float_equal(x.b.compute, 8, 1e-9);
	done(&x);
}

/* c's producer a ends at 2, but its core ran b until 7: core-wait. */
static void test_core_wait_beats_producer(void **state)
{
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 0, 2);		/* a */
	row(&x, 2, 1, 1, 7);		/* b, core 1 */
	row(&x, 3, 1, 8, 9);		/* c, core 1 */
	edge(&x, 1, 3);
	solve(&x, 1);
	assert_int_equal(x.b.n, 2);
	step_is(&x, 0, 2, PD_BLAME_FRONT, 6, 1);	/* b started at 1 */
	step_is(&x, 1, 3, PD_BLAME_CORE, 1, 1);
	assert_float_equal(x.b.by_kind[PD_BLAME_FRONT], 1, 1e-9);
	assert_float_equal(x.b.by_kind[PD_BLAME_CORE], 1, 1e-9);
	done(&x);
}

/* A producer that ends after its consumer started never binds. */
static void test_overlapping_producer_does_not_bind(void **state)
{
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 0, 5);
	row(&x, 2, 1, 4, 9);		/* starts before 1 ends */
	edge(&x, 1, 2);
	solve(&x, 1);
	assert_int_equal(x.b.n, 1);
	step_is(&x, 0, 2, PD_BLAME_FRONT, 5, 4);
	done(&x);
}

/* Ties between a producer and the core's previous task: data wins. */
static void test_tie_goes_to_data(void **state)
{
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 0, 3);		/* producer on core 0 */
	row(&x, 2, 1, 1, 3);		/* core 1's previous task */
	row(&x, 3, 1, 4, 6);
	edge(&x, 1, 3);
	solve(&x, 1);
	assert_int_equal(x.b.n, 2);
	step_is(&x, 0, 1, PD_BLAME_FRONT, 3, 0);
	step_is(&x, 1, 3, PD_BLAME_DATA, 2, 1);
	done(&x);
}

/* A MIX task spans its rows; its core predecessor is found through the
 * row that starts it. The later of two producers binds. */
static void test_mix_and_latest_producer(void **state)
{
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 0, 4);
	row(&x, 2, 1, 0, 6);		/* the later producer */
	row(&x, 3, 2, 7, 9);		/* MIX task 3: rows on cores 2, 3 */
	row(&x, 3, 3, 8, 12);
	row(&x, 4, 3, 12.5, 13);	/* after 3 on core 3 */
	edge(&x, 1, 3);
	edge(&x, 2, 3);
	solve(&x, 1);
	assert_int_equal(x.b.n, 3);
	step_is(&x, 0, 2, PD_BLAME_FRONT, 6, 0);
	step_is(&x, 1, 3, PD_BLAME_DATA, 5, 1);
	step_is(&x, 2, 4, PD_BLAME_CORE, 0.5, 0.5);
	done(&x);
}

/* Without deps.json only cores bind: the gap before c is a front gap. */
static void test_without_deps(void **state)
{
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 0, 2);
	row(&x, 2, 1, 5, 6);
	edge(&x, 1, 2);
	solve(&x, 0);
	assert_int_equal(x.b.n, 1);
	step_is(&x, 0, 2, PD_BLAME_FRONT, 1, 5);
	done(&x);
}

/* All three kinds on one path. Core 0 runs a[0,4]; b on core 1 [1,6]
 * binds to nothing; c on core 1 right after b; d needs a and c: c, the
 * later producer, binds it over a (also core 0's previous task). */
static void test_three_kinds(void **state)
{
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 0, 4);
	row(&x, 2, 1, 1, 6);
	row(&x, 3, 1, 6, 8);
	row(&x, 4, 0, 9, 10);
	edge(&x, 1, 4);
	edge(&x, 3, 4);
	solve(&x, 1);
	assert_int_equal(x.b.n, 3);
	step_is(&x, 0, 2, PD_BLAME_FRONT, 5, 1);
	step_is(&x, 1, 3, PD_BLAME_CORE, 2, 0);
	step_is(&x, 2, 4, PD_BLAME_DATA, 1, 1);
	assert_float_equal(x.b.t1 - x.b.t0, 10, 1e-9);
	done(&x);
}

static void test_empty(void **state)
{
	struct dag x = { 0 };

	(void)state;
	solve(&x, 1);
	assert_int_equal(x.b.n, 0);
	done(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_data_wait),
		cmocka_unit_test(test_core_wait_beats_producer),
		cmocka_unit_test(test_overlapping_producer_does_not_bind),
		cmocka_unit_test(test_tie_goes_to_data),
		cmocka_unit_test(test_mix_and_latest_producer),
		cmocka_unit_test(test_without_deps),
		cmocka_unit_test(test_three_kinds),
		cmocka_unit_test(test_empty),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
