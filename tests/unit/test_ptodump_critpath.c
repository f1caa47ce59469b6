// SPDX-License-Identifier: MIT
/*
 * Critical path on hand-built DAGs with known answers: chains, diamonds,
 * disconnected parts, MIX tasks, latency vs execution weights, edges to
 * absent tasks, duplicate edges, cycles.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pd_graph.h"
#include "support/pd_dag.h"

struct dag {
	struct pd_model m;
	struct pd_deps d;
	struct pd_group *g;
	size_t ng;
	struct pd_critpath cp;
};

/* A task row: id, core, start, end (dispatch/finish 0: not recorded). */
static void row(struct dag *x, uint64_t id, double start, double end,
		double dispatch, double finish)
{
	struct pd_task *t = pd_dag_task(&x->m, id, start, end);

	t->dispatch = dispatch;
	t->finish = finish;
}

static void edge(struct dag *x, uint64_t pred, uint64_t succ)
{
	pd_dag_edge(&x->d, pred, succ);
}

static int solve(struct dag *x)
{
	assert_int_equal(pd_deps_finish(&x->d), 0);
	assert_int_equal(pd_groups_build(&x->m, &x->g, &x->ng), 0);
	return pd_critpath(x->g, x->ng, &x->d, &x->cp);
}

static void path_is(struct dag *x, const uint64_t *ids, size_t n)
{
	size_t i;

	assert_int_equal(x->cp.n, n);
	for (i = 0; i < n; i++)
		assert_true(x->g[x->cp.path[i]].id == ids[i]);
}

static void done(struct dag *x)
{
	pd_critpath_free(&x->cp);
	pd_deps_free(&x->d);
	pd_model_free(&x->m);
	free(x->g);
}

static void test_chain(void **state)
{
	static const uint64_t want[] = { 1, 2, 3 };
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 1, 0, 0);
	row(&x, 2, 1, 3, 0, 0);
	row(&x, 3, 3, 6, 0, 0);
	edge(&x, 1, 2);
	edge(&x, 2, 3);
	assert_int_equal(solve(&x), 0);
	assert_float_equal(x.cp.length, 6.0, 1e-9);
	path_is(&x, want, 3);
	done(&x);
}

static void test_diamond_takes_heavier_branch(void **state)
{
	static const uint64_t want[] = { 10, 12, 13 };
	struct dag x = { 0 };

	(void)state;
	row(&x, 10, 0, 1, 0, 0);	/* a: 1 */
	row(&x, 11, 1, 3, 0, 0);	/* b: 2 */
	row(&x, 12, 1, 6, 0, 0);	/* c: 5 */
	row(&x, 13, 6, 7, 0, 0);	/* d: 1 */
	edge(&x, 10, 11);
	edge(&x, 10, 12);
	edge(&x, 11, 13);
	edge(&x, 12, 13);
	assert_int_equal(solve(&x), 0);
	assert_float_equal(x.cp.length, 7.0, 1e-9);
	path_is(&x, want, 3);
	done(&x);
}

static void test_disconnected_parts(void **state)
{
	static const uint64_t want[] = { 5 };
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 2, 0, 0);
	row(&x, 2, 2, 4, 0, 0);
	row(&x, 5, 0, 9, 0, 0);		/* alone, but longest */
	edge(&x, 1, 2);
	assert_int_equal(solve(&x), 0);
	assert_float_equal(x.cp.length, 9.0, 1e-9);
	path_is(&x, want, 1);
	done(&x);
}

/* With dispatch/finish recorded the weight is the latency. */
static void test_latency_weight(void **state)
{
	static const uint64_t want[] = { 1, 3 };
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 1, 2, 0.5, 4);	/* exec 1, latency 3.5 */
	row(&x, 2, 5, 9, 4.5, 9.5);	/* exec 4, latency 5 */
	row(&x, 3, 5, 6, 4.5, 12);	/* exec 1, latency 7.5 */
	edge(&x, 1, 2);
	edge(&x, 1, 3);
	assert_int_equal(solve(&x), 0);
	assert_float_equal(x.cp.length, 11.0, 1e-9);
	path_is(&x, want, 2);
	done(&x);
}

/* A dispatch at the time base reads 0.000 and still counts. */
static void test_dispatch_at_time_base(void **state)
{
	static const uint64_t want[] = { 1, 2 };
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 1, 2, 0, 3);		/* latency 3, exec 1 */
	row(&x, 2, 4, 5, 3.5, 6);	/* latency 2.5 */
	edge(&x, 1, 2);
	assert_int_equal(solve(&x), 0);
	assert_float_equal(x.cp.length, 5.5, 1e-9);
	path_is(&x, want, 2);
	done(&x);
}

/* A MIX task's rows form one node spanning all of them. */
static void test_mix_task_is_one_node(void **state)
{
	static const uint64_t want[] = { 7, 8 };
	struct dag x = { 0 };

	(void)state;
	row(&x, 7, 0, 2, 0, 0);
	row(&x, 7, 1, 5, 0, 0);		/* node 7 spans 0..5 */
	row(&x, 8, 5, 6, 0, 0);
	edge(&x, 7, 8);
	assert_int_equal(solve(&x), 0);
	assert_int_equal(x.ng, 2);
	assert_float_equal(x.cp.length, 6.0, 1e-9);
	path_is(&x, want, 2);
	done(&x);
}

static void test_duplicate_and_dangling_edges(void **state)
{
	static const uint64_t want[] = { 1, 2 };
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 1, 0, 0);
	row(&x, 2, 1, 2, 0, 0);
	edge(&x, 1, 2);
	edge(&x, 1, 2);
	edge(&x, 2, 99);		/* 99 is not in the records */
	edge(&x, 98, 1);
	assert_int_equal(solve(&x), 0);
	assert_int_equal(x.d.n, 3);
	assert_int_equal(x.cp.skipped_edges, 2);
	assert_float_equal(x.cp.length, 2.0, 1e-9);
	path_is(&x, want, 2);
	done(&x);
}

static void test_cycle_rejected(void **state)
{
	struct dag x = { 0 };

	(void)state;
	row(&x, 1, 0, 1, 0, 0);
	row(&x, 2, 1, 2, 0, 0);
	row(&x, 3, 2, 3, 0, 0);
	edge(&x, 1, 2);
	edge(&x, 2, 3);
	edge(&x, 3, 2);
	assert_int_equal(solve(&x), -ELOOP);
	done(&x);
}

static void test_empty(void **state)
{
	struct dag x = { 0 };

	(void)state;
	assert_int_equal(solve(&x), 0);
	assert_int_equal(x.cp.n, 0);
	assert_float_equal(x.cp.length, 0.0, 0);
	done(&x);
}

/* A wide fan: the longest of many parallel middles wins. */
static void test_fan(void **state)
{
	static const uint64_t want[] = { 0, 37, 1000 };
	struct dag x = { 0 };
	uint64_t i;

	(void)state;
	row(&x, 0, 0, 1, 0, 0);
	row(&x, 1000, 100, 101, 0, 0);
	for (i = 1; i < 100; i++) {
		double w = i == 37 ? 50 : (double)(i % 13);

		row(&x, i, 1, 1 + w, 0, 0);
		edge(&x, 0, i);
		edge(&x, i, 1000);
	}
	assert_int_equal(solve(&x), 0);
	assert_float_equal(x.cp.length, 52.0, 1e-9);
	path_is(&x, want, 3);
	done(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_diamond_takes_heavier_branch),
		cmocka_unit_test(test_disconnected_parts),
		cmocka_unit_test(test_latency_weight),
		cmocka_unit_test(test_dispatch_at_time_base),
		cmocka_unit_test(test_mix_task_is_one_node),
		cmocka_unit_test(test_duplicate_and_dangling_edges),
		cmocka_unit_test(test_cycle_rejected),
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_fan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
