// SPDX-License-Identifier: MIT
/*
 * TensorMap: producers of byte ranges, newest first; covered vs partial
 * overlap; a covering entry hides older writers; inserts drop entries
 * they cover; entries of reclaimed producers are cleaned up on lookup.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>

#include <cmocka.h>

#include "rt_tensormap.h"

struct hits {
	unsigned int n;
	uint64_t id[16];
	bool covered[16];
};

static uint64_t reclaimed_below;	/* ids below are reclaimed */

static bool live(void *ctx, uint64_t id)
{
	(void)ctx;
	return id >= reclaimed_below;
}

static void visit(void *ctx, const struct rt_tm_entry *e, bool covered)
{
	struct hits *h = ctx;

	h->id[h->n] = e->task_id;
	h->covered[h->n++] = covered;
}

static int setup(void **state)
{
	struct rt_tensormap *tm = malloc(sizeof(*tm));

	reclaimed_below = 0;
	if (!tm || rt_tm_init(tm, 16, live, NULL))
		return -1;
	*state = tm;
	return 0;
}

static int teardown(void **state)
{
	rt_tm_fini(*state);
	free(*state);
	return 0;
}

static struct hits look(struct rt_tensormap *tm, const void *t, uint64_t off,
			uint64_t end)
{
	struct hits h = { 0 };

	rt_tm_lookup(tm, t, off, end, visit, &h);
	return h;
}

static void test_covered(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	struct hits h;

	assert_int_equal(rt_tm_insert(tm, &a, 0, 128, 1, NULL), 0);
	h = look(tm, &a, 32, 64);
	assert_int_equal(h.n, 1);
	assert_int_equal(h.id[0], 1);
	assert_true(h.covered[0]);
	h = look(tm, &a, 128, 256);	/* adjacent, no overlap */
	assert_int_equal(h.n, 0);
}

static void test_partial_two_producers(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0, b = 0;
	struct hits h;

	assert_int_equal(rt_tm_insert(tm, &a, 0, 64, 1, NULL), 0);
	assert_int_equal(rt_tm_insert(tm, &a, 64, 128, 2, NULL), 0);
	assert_int_equal(rt_tm_insert(tm, &b, 0, 128, 3, NULL), 0);
	h = look(tm, &a, 32, 96);
	assert_int_equal(h.n, 2);
	assert_int_equal(h.id[0], 2);	/* newest first */
	assert_int_equal(h.id[1], 1);
	assert_false(h.covered[0]);
	assert_false(h.covered[1]);
}

static void test_cover_hides_older(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	struct hits h;

	assert_int_equal(rt_tm_insert(tm, &a, 0, 256, 1, NULL), 0);
	assert_int_equal(rt_tm_insert(tm, &a, 0, 64, 2, NULL), 0);
	h = look(tm, &a, 0, 32);	/* 2 covers it: 1 not reported */
	assert_int_equal(h.n, 1);
	assert_int_equal(h.id[0], 2);
	h = look(tm, &a, 32, 128);	/* partial on 2, covered by 1 */
	assert_int_equal(h.n, 2);
	assert_false(h.covered[0]);
	assert_true(h.covered[1]);
}

static void test_insert_drops_covered(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;

	assert_int_equal(rt_tm_insert(tm, &a, 0, 64, 1, NULL), 0);
	assert_int_equal(rt_tm_insert(tm, &a, 64, 128, 2, NULL), 0);
	assert_int_equal(tm->live, 2);
	assert_int_equal(rt_tm_insert(tm, &a, 0, 128, 3, NULL), 0);
	assert_int_equal(tm->live, 1);
}

static void test_stale_cleanup(void **state)
{
	struct rt_tensormap *tm = *state;
	int a = 0;
	uint64_t i;
	struct hits h;

	for (i = 0; i < 100; i++)
		assert_int_equal(rt_tm_insert(tm, &a, i * 8, i * 8 + 8,
					      i + 1, NULL), 0);
	assert_int_equal(tm->live, 100);
	reclaimed_below = 91;		/* producers 1..90 reclaimed */
	h = look(tm, &a, 0, 800);
	assert_int_equal(h.n, 10);
	assert_int_equal(h.id[0], 100);
	assert_int_equal(tm->live, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_covered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_partial_two_producers,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_cover_hides_older, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_insert_drops_covered,
						setup, teardown),
		cmocka_unit_test_setup_teardown(test_stale_cleanup, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
